//! The search page: HTML, CSS and JavaScript embedded in the binary with `include_str!`, so
//! `fynd serve` needs no build step, no CDN and no network to show it.

/// The page itself (`/`).
pub const INDEX_HTML: &str = include_str!("page/index.html");
/// Its script (`/app.js`): reads the state from the URL, calls the JSON API, renders.
pub const APP_JS: &str = include_str!("page/app.js");
/// Its style sheet (`/style.css`): one column on a phone, a sidebar on a laptop.
pub const STYLE_CSS: &str = include_str!("page/style.css");
