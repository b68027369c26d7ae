//! The printed result: one row per figure, with its target and the limit measured beside it.

use std::fmt::Write as _;

/// One figure of the bench.
#[derive(Debug, Clone)]
pub struct Row {
    pub figure: String,
    pub measured: String,
    pub target: String,
    /// What Automerge alone (or the saved document) needs for the same work, measured in the
    /// same run; "—" where the target has no limit.
    pub limit: String,
    /// Whether the target is met; `None` where the figure is information only.
    pub met: Option<bool>,
}

impl Row {
    pub fn new(figure: impl Into<String>, measured: impl Into<String>) -> Row {
        Row { figure: figure.into(), measured: measured.into(), target: "—".into(), limit: "—".into(), met: None }
    }

    pub fn target(mut self, target: impl Into<String>, met: bool) -> Row {
        self.target = target.into();
        self.met = Some(met);
        self
    }

    pub fn limit(mut self, limit: impl Into<String>) -> Row {
        self.limit = limit.into();
        self
    }
}

/// The rows as an aligned text table.
pub fn render(rows: &[Row]) -> String {
    let headers = ["figure", "measured", "target", "limit (same run)", ""];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|row| {
            let verdict = match row.met {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "",
            };
            [row.figure.clone(), row.measured.clone(), row.target.clone(), row.limit.clone(), verdict.into()]
        })
        .collect();
    let width = |column: usize| {
        cells.iter().map(|c| c[column].chars().count()).chain([headers[column].len()]).max().unwrap_or(0)
    };
    let widths: Vec<usize> = (0..5).map(width).collect();
    let mut out = String::new();
    let mut line = |cells: [&str; 5]| {
        for (column, cell) in cells.iter().enumerate() {
            let pad = widths[column] - cell.chars().count();
            let _ = write!(out, "{cell}{}  ", " ".repeat(pad));
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    };
    line(headers);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line([&rule[0], &rule[1], &rule[2], &rule[3], &rule[4]]);
    for c in &cells {
        line([&c[0], &c[1], &c[2], &c[3], &c[4]]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_line_up_and_say_whether_the_target_is_met() {
        let rows = [
            Row::new("open", "250 ms").target("≤ 300 ms", true).limit("load 200 ms"),
            Row::new("memory", "180 MB").target("≤ 150 MB", false),
            Row::new("changes", "12,000"),
        ];
        let text = render(&rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(lines[2].ends_with("met") && lines[3].ends_with("MISSED"), "{text}");
        assert_eq!(lines[2].find("250 ms"), lines[0].find("measured"));
        assert_eq!(lines[3].find("≤ 150 MB").map(|_| ()), Some(()));
    }
}
