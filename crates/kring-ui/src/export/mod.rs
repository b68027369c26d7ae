//! What a network's work looks like outside Kring: session notes as Markdown, a report for
//! funders as Markdown and HTML, attendance as CSV. Pure functions of a snapshot, in the
//! interface's language; writing the file is the node's job.

mod csv;
pub mod ics;
mod programme;
mod report;

pub use csv::attendance_csv;
pub use programme::programme_report;
pub use report::{html_page, report_html, report_markdown, session_markdown};

/// A name a file can carry on any system: letters, digits and dashes.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() { "kring".to_string() } else { stem }
}
