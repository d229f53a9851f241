//! Output: how results reach the user — human-readable text on a terminal ([`text`]),
//! one JSON object for scripts ([`json`]), and progress bars for long work ([`progress`]).

pub mod json;
pub mod progress;
pub mod text;
