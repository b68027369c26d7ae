//! The phone page: plain HTML, CSS and a small script, in the binary (no build step, nothing
//! loaded from elsewhere).

pub(crate) const PAGE: &str = include_str!("../assets/room.html");
pub(crate) const STYLE: &str = include_str!("../assets/room.css");
pub(crate) const SCRIPT: &str = include_str!("../assets/room.js");

/// Everything a phone loads, in bytes.
pub fn page_bytes() -> usize {
    PAGE.len() + STYLE.len() + SCRIPT.len()
}
