//! The OpenAPI 3.0 description of the HTTP API, served at [`PATH`]: every path the server
//! answers, its parameters with their caps, and the shape of its answers and errors. It is
//! written by hand (`openapi.json`) and embedded at build time; `tests/server.rs` checks
//! that its paths are exactly the router's and that each documented path answers as
//! described, and `tests/api/run.sh` fuzzes the server from it with schemathesis.

/// Where the description is served.
pub const PATH: &str = "/api/openapi.json";

/// The description (JSON).
pub const DOCUMENT: &str = include_str!("openapi.json");
