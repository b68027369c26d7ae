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

/// A figure measured in several runs: its median, and how far the runs lay apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// The spread of `values` (at least one).
    pub fn of(values: &[f64]) -> Spread {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
        Spread { median, min: sorted[0], max: sorted[n - 1] }
    }

    /// "7.02 (6.81–7.40)": the median, then the range of the runs (just the value for one run).
    pub fn show(&self, decimals: usize) -> String {
        if self.min == self.max {
            return format!("{:.decimals$}", self.median);
        }
        format!("{:.decimals$} ({:.decimals$}–{:.decimals$})", self.median, self.min, self.max)
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

    #[test]
    fn a_spread_is_the_median_and_the_range_of_the_runs() {
        let three = Spread::of(&[7.4, 6.81, 7.02]);
        assert_eq!(three, Spread { median: 7.02, min: 6.81, max: 7.4 });
        assert_eq!(three.show(2), "7.02 (6.81–7.40)");
        assert_eq!(Spread::of(&[2.0, 4.0]).median, 3.0);
        assert_eq!(Spread::of(&[5.0]).show(1), "5.0");
    }
}
