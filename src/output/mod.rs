//! Output: how results reach the user — human-readable text on a terminal ([`text`]),
//! one JSON object for scripts ([`json`]), exports of every hit ([`export`]), the full view
//! of one record ([`record_view`]), progress bars for long work ([`progress`]), and the
//! research views as tables, CSV ([`views`]) and charts ([`plot`]).

pub mod export;
pub mod json;
pub mod plot;
pub mod progress;
pub mod record_view;
pub mod text;
pub mod views;
