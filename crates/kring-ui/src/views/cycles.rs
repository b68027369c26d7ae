//! Action research on a learning question: cycles of plan, act, observe and reflect, each a
//! text written together, with a start and an end date and the sessions held meanwhile,
//! shown as a timeline from the first cycle to the last.

use kring_model::{Cycle, CyclePhase, Edit, NetworkSnapshot, Question, Session, TextField};

use jiff::civil::Date;

use crate::i18n::dates::{axis_date, parse_date, short_months};
use crate::i18n::{Language, Text, count, tr, word};
use crate::screen::Screen;
use crate::state::{After, AppState};

/// The dates being typed for starting and ending cycles.
#[derive(Default)]
pub struct CyclesForm {
    pub start: String,
    pub end: String,
}

/// Draws the cycles of `question`, their texts among the question's `texts`.
pub fn show(
    ui: &mut egui::Ui,
    state: &mut AppState,
    form: &mut CyclesForm,
    texts: &mut super::history::SharedTexts,
    snapshot: &NetworkSnapshot,
    question: &Question,
    screen: &mut Screen,
) {
    let l = state.language;
    ui.heading(tr(l, Text::Cycles));
    ui.label(tr(l, Text::CyclesExplained));
    let mut cycles: Vec<&Cycle> = question.cycles.values().collect();
    cycles.sort_by(|a, b| a.started_on.cmp(&b.started_on).then(a.created_at.cmp(&b.created_at)));
    timeline(ui, l, &cycles, snapshot, question, screen);
    let today = super::today();
    for (number, cycle) in cycles.iter().enumerate() {
        let end = cycle.ended_on.as_deref().map(|d| super::date(l, d)).unwrap_or_else(|| tr(l, Text::Running).into());
        let heading = format!("{} {} · {} – {end}", tr(l, Text::Cycle), number + 1, super::date(l, &cycle.started_on));
        let running = cycle.ended_on.is_none();
        egui::CollapsingHeader::new(heading).id_salt(("cycle", &cycle.id)).default_open(running).show(ui, |ui| {
            for phase in CyclePhase::ALL {
                let phase = *phase;
                let field = TextField::Cycle(question.id.clone(), cycle.id.clone(), phase);
                texts.editor(ui, state, &field, cycle.phase(phase), word(l, phase.as_str()), 3);
            }
            let to = kring_model::AttachedTo::Cycle { question: question.id.clone(), cycle: cycle.id.clone() };
            super::attachments::list(ui, state, snapshot, &to, &cycle.attachments);
            let until = cycle.ended_on.clone().unwrap_or_else(|| today.clone());
            let held: Vec<&Session> = sessions_between(snapshot, question, &cycle.started_on, &until);
            if !held.is_empty() {
                ui.strong(tr(l, Text::DiscussedIn));
                for session in held {
                    ui.label(format!("{} — {}", super::date(l, &session.starts_at), session.title));
                }
            }
            if running {
                ui.horizontal(|ui| {
                    let label = ui.label(tr(l, Text::EndDate));
                    let field = ui
                        .add(
                            egui::TextEdit::singleline(&mut form.end)
                                .hint_text(tr(l, Text::DueHint))
                                .desired_width(110.0),
                        )
                        .labelled_by(label.id);
                    if (ui.button(tr(l, Text::EndCycle)).clicked() || super::entered(&field))
                        && let Some(ended_on) = read_date(state, &form.end)
                    {
                        let edit = Edit::EndCycle { question: question.id.clone(), cycle: cycle.id.clone(), ended_on };
                        state.edit(After::CycleStarted, edit);
                    }
                });
            }
        });
    }
    ui.horizontal(|ui| {
        let label = ui.label(tr(l, Text::StartDate));
        let field = ui
            .add(egui::TextEdit::singleline(&mut form.start).hint_text(tr(l, Text::DueHint)).desired_width(110.0))
            .labelled_by(label.id);
        if (ui.button(tr(l, Text::StartCycle)).clicked() || super::entered(&field))
            && let Some(started_on) = read_date(state, &form.start)
        {
            state.edit(After::CycleStarted, Edit::AddCycle { question: question.id.clone(), started_on });
        }
    });
    super::error_line(ui, state, After::CycleStarted);
}

/// A date as typed; empty means today. A date that cannot be read is refused beside the form.
fn read_date(state: &mut AppState, typed: &str) -> Option<String> {
    if typed.trim().is_empty() {
        return Some(super::today());
    }
    let date = parse_date(typed, super::today_date());
    if date.is_none() {
        state.refuse(After::CycleStarted, kring_model::ModelError::BadDate { got: typed.trim().to_string() });
    }
    date
}

/// The sessions that discussed `question` from `from` up to and including `until`.
fn sessions_between<'a>(
    snapshot: &'a NetworkSnapshot,
    question: &Question,
    from: &str,
    until: &str,
) -> Vec<&'a Session> {
    let mut held: Vec<&Session> = question
        .sessions
        .iter()
        .filter_map(|id| snapshot.sessions.get(id))
        .filter(|s| s.deleted_at.is_none())
        .filter(|s| s.starts_at.as_str() >= from && s.starts_at.get(..10).unwrap_or("") <= until)
        .collect();
    held.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
    held
}

/// The picture above the cycles: one bar per cycle on a shared time axis (a running cycle runs
/// to today), named on its left, dates along the axis, and a dot for every meeting that
/// discussed the question meanwhile. Hovering a bar tells its dates and phase; a dot opens its
/// meeting.
fn timeline(
    ui: &mut egui::Ui,
    l: Language,
    cycles: &[&Cycle],
    snapshot: &NetworkSnapshot,
    question: &Question,
    screen: &mut Screen,
) {
    let day = |stored: &str| stored.get(..10)?.parse::<Date>().ok();
    let today = super::today_date();
    let spans: Vec<(usize, &Cycle, Date, Date)> = cycles
        .iter()
        .enumerate()
        .filter_map(|(n, c)| {
            let start = day(&c.started_on)?;
            let end = c.ended_on.as_deref().and_then(day).unwrap_or(today).max(start);
            Some((n + 1, *c, start, end))
        })
        .collect();
    let (Some(first), Some(last)) = (spans.iter().map(|s| s.2).min(), spans.iter().map(|s| s.3).max()) else { return };
    let meetings = sessions_between(snapshot, question, &first.to_string(), &last.to_string());

    let (row, bar, dots_row, axis) = (26.0, 18.0, if meetings.is_empty() { 0.0 } else { 18.0 }, 32.0);
    // Every word in the picture at the size of all other text: it is read, not glanced at.
    let font = egui::TextStyle::Body.resolve(ui.style());
    let text = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    let names: Vec<String> = spans.iter().map(|s| format!("{} {}", tr(l, Text::Cycle), s.0)).collect();
    let gutter = names
        .iter()
        .map(|n| ui.fonts_mut(|f| f.layout_no_wrap(n.clone(), font.clone(), text).size().x))
        .fold(0.0, f32::max)
        + 12.0;
    let width = ui.available_width().min(760.0);
    let height = row * spans.len() as f32 + dots_row + axis;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, height), egui::Sense::hover());
    let plot = egui::Rect::from_min_max(
        egui::pos2(rect.left() + gutter, rect.top()),
        egui::pos2(rect.right() - 8.0, rect.bottom()),
    );
    let days = first.until(last).map(|s| s.get_days()).unwrap_or(0).max(1) as f32;
    let x =
        |date: Date| plot.left() + plot.width() * first.until(date).map(|s| s.get_days()).unwrap_or(0) as f32 / days;
    let painter = ui.painter().clone();
    let line = ui.visuals().widgets.noninteractive.bg_stroke;

    // The bars, each named on its left and told in full on hover (and to screen readers).
    for ((number, cycle, start, end), name) in spans.iter().zip(&names) {
        let y = rect.top() + row * (*number - 1) as f32 + (row - bar) / 2.0;
        painter.text(egui::pos2(rect.left(), y + bar / 2.0), egui::Align2::LEFT_CENTER, name, font.clone(), text);
        let (x0, x1) = (x(*start), x(*end).max(x(*start) + 6.0));
        let shape = egui::Rect::from_min_max(egui::pos2(x0, y), egui::pos2(x1, y + bar));
        let running = cycle.ended_on.is_none();
        let fill = if running { ui.visuals().selection.bg_fill } else { ui.visuals().widgets.inactive.bg_fill };
        painter.rect(shape, 3.0, fill, line, egui::StrokeKind::Inside);
        // Where the cycle is, inside its bar when it fits there.
        let phase_now = phase_word(l, cycle);
        let inside = painter.layout_no_wrap(phase_now.to_string(), font.clone(), ui.visuals().strong_text_color());
        if inside.size().x + 12.0 <= shape.width() {
            painter.galley(egui::pos2(x0 + 6.0, shape.center().y - inside.size().y / 2.0), inside, text);
        }
        let until = cycle.ended_on.as_deref().map(|d| super::date(l, d)).unwrap_or_else(|| tr(l, Text::Running).into());
        let dates = format!("{} – {until}", super::date(l, &cycle.started_on));
        let phase = format!("{}: {phase_now}", tr(l, Text::Phase));
        let held = meetings.iter().filter(|s| day(&s.starts_at).is_some_and(|d| *start <= d && d <= *end)).count();
        let held = format!(
            "{} {}",
            count(l, held, ("bijeenkomst", "bijeenkomsten"), ("session", "sessions")),
            tr(l, Text::InThisPeriod)
        );
        let response = ui.interact(
            shape.expand2(egui::vec2(0.0, 3.0)),
            egui::Id::unique(("cycle-bar", &cycle.id)),
            egui::Sense::hover(),
        );
        let spoken = format!("{name}: {dates}, {phase}");
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &spoken));
        response.on_hover_ui(|ui| {
            ui.strong(name);
            ui.label(&dates);
            ui.label(&phase);
            ui.label(&held);
        });
    }

    // The meetings that discussed the question: a dot on their day, a faint line up through
    // the bars so it reads in which cycle they fell.
    let dots_y = rect.top() + row * spans.len() as f32 + dots_row / 2.0;
    for session in &meetings {
        let Some(on) = day(&session.starts_at) else { continue };
        let centre = egui::pos2(x(on), dots_y);
        painter
            .line_segment([egui::pos2(centre.x, rect.top()), centre], egui::Stroke::new(1.0, weak.gamma_multiply(0.5)));
        let response = ui.interact(
            egui::Rect::from_center_size(centre, egui::vec2(14.0, 14.0)),
            egui::Id::unique(("meeting-dot", &session.id)),
            egui::Sense::click(),
        );
        let radius = if response.hovered() { 6.0 } else { 5.0 };
        painter.circle_filled(centre, radius, ui.visuals().hyperlink_color);
        let when = format!("{} — {}", super::date(l, &session.starts_at), session.title);
        let spoken = format!("{}: {when}", tr(l, Text::Session));
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Link, true, &spoken));
        let response = response.on_hover_ui(|ui| {
            ui.strong(&when);
            ui.label(tr(l, Text::OpenSessionHint));
        });
        if response.on_hover_cursor(egui::CursorIcon::PointingHand).clicked() {
            *screen = Screen::Session(session.id.clone());
        }
    }

    // The axis: the first and last day in full, the months between where there is room.
    let axis_y = rect.bottom() - axis + 4.0;
    painter.line_segment([egui::pos2(plot.left(), axis_y), egui::pos2(plot.right(), axis_y)], line);
    let mut ticks = vec![(first, axis_date(l, first))];
    let mut month = first.first_of_month();
    while let Ok(next) = month.checked_add(jiff::Span::new().months(1)) {
        month = next;
        if month >= last {
            break;
        }
        let name = short_months(l)[month.month() as usize - 1];
        ticks.push((month, if month.month() == 1 { format!("{name} {}", month.year()) } else { name.to_string() }));
    }
    if last > first {
        ticks.push((last, axis_date(l, last)));
    }
    let width_of = |label: &str| ui.fonts_mut(|f| f.layout_no_wrap(label.to_string(), font.clone(), weak).size().x);
    // The first label starts at the axis' start and the last ends at its end; a month label
    // that would run into either, or into the month before, is left out (its tick stays).
    let ends = [0, ticks.len() - 1];
    let last_left = plot.right() - width_of(&ticks[ticks.len() - 1].1);
    let mut free_from = plot.left();
    for (n, (date, label)) in ticks.iter().enumerate() {
        let at = x(*date);
        painter.line_segment([egui::pos2(at, axis_y), egui::pos2(at, axis_y + 4.0)], line);
        let label_width = width_of(label);
        let left = match n {
            0 => plot.left(),
            _ if n == ends[1] => last_left,
            _ => at - label_width / 2.0,
        };
        if !ends.contains(&n) && (left < free_from + 6.0 || left + label_width > last_left - 6.0) {
            continue;
        }
        painter.text(egui::pos2(left, axis_y + 5.0), egui::Align2::LEFT_TOP, label, font.clone(), weak);
        free_from = left + label_width;
    }
    if !meetings.is_empty() {
        ui.horizontal(|ui| {
            super::dot(ui, ui.visuals().hyperlink_color);
            ui.label(egui::RichText::new(tr(l, Text::MeetingMarker)).weak());
        });
    }
}

/// Where a cycle is: ended, or the furthest phase written in so far (planning, before anything
/// is written).
fn phase_word(l: Language, cycle: &Cycle) -> &'static str {
    if cycle.ended_on.is_some() {
        return tr(l, Text::CycleEnded);
    }
    let reached = CyclePhase::ALL.iter().rev().find(|p| !cycle.phase(**p).trim().is_empty());
    word(l, reached.unwrap_or(&CyclePhase::Plan).as_str())
}
