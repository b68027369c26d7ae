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

/// The main figures of one network size, by name: what the growth table compares.
#[derive(Debug, Default, Clone)]
pub struct Keys(Vec<Key>);

#[derive(Debug, Clone)]
struct Key {
    figure: String,
    value: f64,
    unit: &'static str,
}

impl Keys {
    /// Notes `figure` (lower is better) at this size.
    pub fn note(&mut self, figure: impl Into<String>, value: f64, unit: &'static str) {
        self.0.push(Key { figure: figure.into(), value, unit });
    }
}

/// One row per figure measured at both sizes: the 1x and 4x values and their ratio, which
/// should stay within `times` (the work grew that much); resident memory must also stay
/// within `memory_mb`.
pub fn growth(one: &Keys, grown: &Keys, times: f64, memory_mb: f64) -> Vec<Row> {
    one.0
        .iter()
        .filter_map(|small| {
            let big = grown.0.iter().find(|big| big.figure == small.figure)?;
            let ratio = big.value / small.value.max(f64::MIN_POSITIVE);
            let measured = format!("{:.2} → {:.2} {} ({ratio:.1}x)", small.value, big.value, small.unit);
            let row = Row::new(small.figure.clone(), measured);
            Some(if small.unit == "MB" {
                row.target(format!("≤ {times}x; ≤ {memory_mb} MB"), ratio <= times && big.value <= memory_mb)
            } else {
                row.target(format!("≤ {times}x"), ratio <= times)
            })
        })
        .collect()
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
    fn growth_compares_each_figure_at_both_sizes() {
        let (mut one, mut four) = (Keys::default(), Keys::default());
        one.note("join", 100.0, "ms");
        four.note("join", 350.0, "ms");
        one.note("memory", 60.0, "MB");
        four.note("memory", 310.0, "MB");
        one.note("only at 1x", 1.0, "ms");
        let rows = growth(&one, &four, 4.0, 300.0);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].measured, "100.00 → 350.00 ms (3.5x)");
        assert_eq!(rows[0].met, Some(true));
        // Within 4x, but above the memory a laptop can spare.
        assert_eq!(rows[1].met, Some(false));
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
