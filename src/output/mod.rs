//! Output: how results reach the user — human-readable text on a terminal ([`text`]),
//! one JSON object for scripts ([`json`]), exports of every hit ([`export`]), the full view
//! of one record ([`record_view`]), and progress bars for long work ([`progress`]).

pub mod export;
pub mod json;
pub mod progress;
pub mod record_view;
pub mod text;
