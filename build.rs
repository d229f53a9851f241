//! Links the `fynd` command as a position-dependent executable on Linux with glibc.
//!
//! A position-independent executable is relocated by the dynamic loader at every start:
//! some forty thousand pointers of the program's own tables (vtables, string tables of the
//! dependencies) written before `main`, a large share of a search command's time when the
//! search itself takes a few milliseconds. A position-dependent executable has them fixed
//! at link time. What is given up is the random placement of the executable's own image
//! (libraries, the stack, the heap and the mapped index are still placed at random); fynd
//! reads local files and its server answers only loopback unless given a token.
//!
//! The code is still compiled position-independent, so only the link changes; the test
//! binaries and the library are untouched.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bin=fynd=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
