//! Action research on a learning question: cycles of plan, act, observe and reflect, each a
//! text written together, with a start and an end date and the sessions held meanwhile,
//! shown as a timeline from the first cycle to the last.

use kring_model::{Cycle, CyclePhase, Edit, NetworkSnapshot, Question, Session, TextField};

use crate::i18n::dates::parse_date;
use crate::i18n::{Text, tr, word};
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
) {
    let l = state.language;
    ui.heading(tr(l, Text::Cycles));
    ui.label(tr(l, Text::CyclesExplained));
    let mut cycles: Vec<&Cycle> = question.cycles.values().collect();
    cycles.sort_by(|a, b| a.started_on.cmp(&b.started_on).then(a.created_at.cmp(&b.created_at)));
    timeline(ui, &cycles);
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

/// One bar per cycle on a shared time axis: where each began and ended (a running cycle runs
/// to today).
fn timeline(ui: &mut egui::Ui, cycles: &[&Cycle]) {
    let seconds = |date: &str| -> Option<i64> {
        let date = date.get(..10)?.parse::<jiff::civil::Date>().ok()?;
        Some(date.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp().as_second())
    };
    let today = super::today();
    let spans: Vec<(i64, i64)> = cycles
        .iter()
        .filter_map(|c| {
            let start = seconds(&c.started_on)?;
            let end = seconds(c.ended_on.as_deref().unwrap_or(&today)).unwrap_or(start);
            Some((start, end.max(start)))
        })
        .collect();
    let (Some(first), Some(last)) = (spans.iter().map(|s| s.0).min(), spans.iter().map(|s| s.1).max()) else { return };
    let width = ui.available_width().min(600.0);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 14.0 * spans.len() as f32 + 4.0), egui::Sense::hover());
    let length = (last - first).max(1) as f32;
    let painter = ui.painter();
    painter.line_segment([rect.left_bottom(), rect.right_bottom()], ui.visuals().widgets.noninteractive.bg_stroke);
    for (row, (start, end)) in spans.iter().enumerate() {
        let x0 = rect.left() + width * (start - first) as f32 / length;
        let x1 = (rect.left() + width * (end - first) as f32 / length).max(x0 + 6.0);
        let y = rect.top() + 2.0 + 14.0 * row as f32;
        let bar = egui::Rect::from_min_max(egui::pos2(x0, y), egui::pos2(x1, y + 10.0));
        painter.rect_filled(bar, 3.0, ui.visuals().selection.bg_fill);
    }
}
