//! Settings of the running process that its kind of work calls for.

/// Turns transparent huge pages off for this process. The allocator's arenas are backed by
/// huge pages (it asks for them; kernels set to "always" give them anyway), so memory a
/// short-lived request touched stays resident in 2 MB pieces instead of 4 KB pages, and
/// each piece is zeroed whole when first touched: a server under 200 clients held about 1.7
/// times as much with them, and a command that runs one query spent a fifth of its time
/// zeroing pages it barely used. The index files are mapped from disk and are not
/// affected. Failing (an old kernel) changes nothing but memory use and time.
pub fn disable_transparent_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
