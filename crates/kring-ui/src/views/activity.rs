//! What the network did, as one small picture on the network page: meetings held per month,
//! learning questions by status, and attendance per perspective. A coordinator takes a
//! screenshot of it for a report, so it names the network and the months it covers, and it is
//! drawn in colours that read on the light and the dark theme alike. Each panel also says its
//! numbers in one line to screen readers.

use std::collections::BTreeMap;

use jiff::civil::Date;
use kring_model::{Attendance, NetworkSnapshot, Perspective, QuestionStatus};

use crate::i18n::dates::short_months;
use crate::i18n::{Language, Text, count, tr, word};

/// The most months the meetings panel shows: a year, the usual period of a report.
const MONTHS: usize = 12;

/// Meetings held (before `today`, as the report counts them) per month, from the month of the
/// first to that of the last, at most the last [`MONTHS`]; months without a meeting count 0.
pub fn meetings_per_month(snapshot: &NetworkSnapshot, today: &str) -> Vec<(Date, usize)> {
    let mut per_month: BTreeMap<Date, usize> = BTreeMap::new();
    for session in snapshot.live_sessions().filter(|s| s.starts_at.as_str() < today) {
        if let Some(day) = session.starts_at.get(..10).and_then(|d| d.parse::<Date>().ok()) {
            *per_month.entry(day.first_of_month()).or_default() += 1;
        }
    }
    let (Some(&first), Some(&last)) = (per_month.keys().next(), per_month.keys().next_back()) else {
        return Vec::new();
    };
    let mut months = Vec::new();
    let mut month = last;
    while month >= first && months.len() < MONTHS {
        months.push((month, per_month.get(&month).copied().unwrap_or(0)));
        let Ok(before) = month.checked_sub(jiff::Span::new().months(1)) else { break };
        month = before;
    }
    months.reverse();
    months
}

/// Live learning questions per status, every status listed.
pub fn questions_by_status(snapshot: &NetworkSnapshot) -> Vec<(QuestionStatus, usize)> {
    let questions: Vec<_> = snapshot.live_questions().collect();
    QuestionStatus::ALL.iter().map(|s| (*s, questions.iter().filter(|q| q.status == *s).count())).collect()
}

/// How many times members of each perspective were present at the meetings held before
/// `today` (a member at three meetings counts three), and how many meetings that was.
pub fn present_by_perspective(snapshot: &NetworkSnapshot, today: &str) -> (usize, Vec<(Perspective, usize)>) {
    let held: Vec<_> = snapshot.live_sessions().filter(|s| s.starts_at.as_str() < today).collect();
    let mut counts: BTreeMap<Perspective, usize> = BTreeMap::new();
    for session in &held {
        for (member, attendance) in &session.attendance {
            if *attendance == Attendance::Present {
                let perspective = snapshot.members.get(member).map(|m| m.perspective).unwrap_or_default();
                *counts.entry(perspective).or_default() += 1;
            }
        }
    }
    let per = Perspective::ALL.iter().map(|p| (*p, counts.get(p).copied().unwrap_or(0))).collect();
    (held.len(), per)
}

/// A month as the meetings panel names it under its bar ("okt"), and in full ("okt 2026").
fn month_words(l: Language, month: Date) -> (&'static str, String) {
    let name = short_months(l)[month.month() as usize - 1];
    (name, format!("{name} {}", month.year()))
}

/// The colours of the three panels' bars: darker on the light theme, lighter on the dark one,
/// each at least 3:1 against the page (as WCAG asks of parts of a picture).
pub fn bar_colors(dark: bool) -> [egui::Color32; 3] {
    use egui::Color32 as C;
    if dark {
        [C::from_rgb(110, 170, 240), C::from_rgb(235, 165, 70), C::from_rgb(100, 195, 130)]
    } else {
        [C::from_rgb(35, 95, 175), C::from_rgb(165, 85, 0), C::from_rgb(25, 120, 60)]
    }
}

/// Draws the picture: a caption naming the network and the months, then the three panels side
/// by side where they fit, one under the other where they do not.
pub fn show(ui: &mut egui::Ui, l: Language, snapshot: &NetworkSnapshot, today: &str) {
    ui.strong(tr(l, Text::Activity));
    ui.label(tr(l, Text::ActivityExplained));
    let months = meetings_per_month(snapshot, today);
    let statuses = questions_by_status(snapshot);
    let (held, present) = present_by_perspective(snapshot, today);
    let [blue, amber, green] = bar_colors(ui.visuals().dark_mode);
    egui::Frame::group(ui.style()).fill(ui.visuals().extreme_bg_color).show(ui, |ui| {
        let period = match (months.first(), months.last()) {
            (Some(first), Some(last)) if first.0 != last.0 => {
                format!(" · {} – {}", month_words(l, first.0).1, month_words(l, last.0).1)
            }
            (Some(only), _) => format!(" · {}", month_words(l, only.0).1),
            _ => String::new(),
        };
        // Said in full, so that a screenshot of it tells whose activity and when.
        ui.strong(format!("{} — {}{period}", snapshot.info.name, tr(l, Text::Activity)));
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 24.0;
            columns(ui, l, &months, blue);
            let statuses: Vec<(String, usize)> =
                statuses.iter().map(|(s, n)| (word(l, s.as_str()).to_string(), *n)).collect();
            rows(ui, tr(l, Text::QuestionsByStatus), tr(l, Text::NoQuestionsYet), &statuses, amber);
            let title = format!(
                "{} ({})",
                tr(l, Text::PresentPerPerspective),
                count(l, held, ("bijeenkomst", "bijeenkomsten"), ("meeting", "meetings"))
            );
            let present: Vec<(String, usize)> =
                present.iter().map(|(p, n)| (word(l, p.as_str()).to_string(), *n)).collect();
            let none = if held == 0 { tr(l, Text::NoMeetingsHeldYet) } else { tr(l, Text::NobodyPresentYet) };
            rows(ui, &title, none, &present, green);
        });
    });
}

/// Height of every panel, so that side by side they line up.
const PANEL_HEIGHT: f32 = 190.0;
/// Room for a panel's title.
const TITLE: f32 = 26.0;

/// A panel's title, and the panel as one picture to a screen reader: "title: a: 1, b: 0".
fn panel(ui: &mut egui::Ui, size: egui::Vec2, title: &str, spoken: String) -> (egui::Rect, egui::Painter) {
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &spoken));
    let painter = ui.painter_at(rect);
    let font = egui::TextStyle::Body.resolve(ui.style());
    painter.text(rect.left_top(), egui::Align2::LEFT_TOP, title, font, ui.visuals().strong_text_color());
    (rect, painter)
}

/// The meetings panel: a bar per month, its count above it and the month below.
fn columns(ui: &mut egui::Ui, l: Language, months: &[(Date, usize)], color: egui::Color32) {
    let title = tr(l, Text::MeetingsPerMonth);
    let font = egui::TextStyle::Body.resolve(ui.style());
    let text = ui.visuals().text_color();
    let step = 40.0;
    let title_width = ui.fonts_mut(|f| f.layout_no_wrap(title.to_string(), font.clone(), text).size().x);
    let width = (step * months.len() as f32).max(title_width).max(160.0);
    let spoken = if months.is_empty() {
        format!("{title}: {}", tr(l, Text::NoMeetingsHeldYet))
    } else {
        let said: Vec<String> = months.iter().map(|(m, n)| format!("{}: {n}", month_words(l, *m).1)).collect();
        format!("{title}: {}", said.join(", "))
    };
    let (rect, painter) = panel(ui, egui::vec2(width, PANEL_HEIGHT), title, spoken);
    if months.is_empty() {
        let at = rect.left_top() + egui::vec2(0.0, TITLE);
        painter.text(at, egui::Align2::LEFT_TOP, tr(l, Text::NoMeetingsHeldYet), font, ui.visuals().weak_text_color());
        return;
    }
    let row = font.size + 6.0;
    // From the baseline up to below the title, with a row for the counts above the highest bar.
    let base = rect.bottom() - row;
    let top = rect.top() + TITLE + row;
    let most = months.iter().map(|m| m.1).max().unwrap_or(0).max(1) as f32;
    let line = ui.visuals().widgets.noninteractive.bg_stroke;
    painter.line_segment(
        [egui::pos2(rect.left(), base), egui::pos2(rect.left() + step * months.len() as f32, base)],
        line,
    );
    for (n, (month, held)) in months.iter().enumerate() {
        let centre = rect.left() + step * (n as f32 + 0.5);
        let height = (base - top) * *held as f32 / most;
        if *held > 0 {
            let bar =
                egui::Rect::from_min_max(egui::pos2(centre - 12.0, base - height), egui::pos2(centre + 12.0, base));
            painter.rect_filled(bar, 2.0, color);
        }
        let count_at = egui::pos2(centre, base - height - 2.0);
        painter.text(count_at, egui::Align2::CENTER_BOTTOM, held.to_string(), font.clone(), text);
        let month_at = egui::pos2(centre, base + 3.0);
        painter.text(month_at, egui::Align2::CENTER_TOP, month_words(l, *month).0, font.clone(), text);
    }
}

/// A panel of named horizontal bars, each with its count after it.
fn rows(ui: &mut egui::Ui, title: &str, none: &str, bars: &[(String, usize)], color: egui::Color32) {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let text = ui.visuals().text_color();
    let width_of = |words: &str| ui.fonts_mut(|f| f.layout_no_wrap(words.to_string(), font.clone(), text).size().x);
    let gutter = bars.iter().map(|(name, _)| width_of(name)).fold(0.0, f32::max) + 10.0;
    let (bar_room, count_room) = (120.0, 36.0);
    let width = (gutter + bar_room + count_room).max(width_of(title));
    let total: usize = bars.iter().map(|b| b.1).sum();
    let spoken = if total == 0 {
        format!("{title}: {none}")
    } else {
        let said: Vec<String> = bars.iter().map(|(name, n)| format!("{name}: {n}")).collect();
        format!("{title}: {}", said.join(", "))
    };
    let (rect, painter) = panel(ui, egui::vec2(width, PANEL_HEIGHT), title, spoken);
    if total == 0 {
        let at = rect.left_top() + egui::vec2(0.0, TITLE);
        painter.text(at, egui::Align2::LEFT_TOP, none, font, ui.visuals().weak_text_color());
        return;
    }
    let most = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1) as f32;
    let row = ((rect.height() - TITLE) / bars.len() as f32).min(font.size + 12.0);
    for (n, (name, value)) in bars.iter().enumerate() {
        let middle = rect.top() + TITLE + row * (n as f32 + 0.5);
        painter.text(egui::pos2(rect.left(), middle), egui::Align2::LEFT_CENTER, name, font.clone(), text);
        let left = rect.left() + gutter;
        let length = bar_room * *value as f32 / most;
        if *value > 0 {
            let bar = egui::Rect::from_min_max(
                egui::pos2(left, middle - row * 0.3),
                egui::pos2(left + length, middle + row * 0.3),
            );
            painter.rect_filled(bar, 2.0, color);
        }
        let at = egui::pos2(left + length + 6.0, middle);
        painter.text(at, egui::Align2::LEFT_CENTER, value.to_string(), font.clone(), text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bars_stand_out_from_the_page_in_both_themes() {
        for (dark, visuals) in [(true, egui::Visuals::dark()), (false, egui::Visuals::light())] {
            for color in bar_colors(dark) {
                for background in [visuals.extreme_bg_color, visuals.panel_fill] {
                    let ratio = super::super::style::contrast(color, background);
                    assert!(ratio >= 3.0, "dark {dark}: {color:?} on {background:?} is {ratio:.1}:1");
                }
            }
        }
    }
}
