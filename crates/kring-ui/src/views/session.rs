//! One meeting: agenda and notes written together, who was there, what was agreed, and the
//! learning questions discussed.

use kring_model::{Attendance, NewAction, SessionId, TextField};

use crate::app::{Forms, Screen};
use crate::i18n::{Language, Text, tr, word};
use crate::state::{After, AppState};

pub fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut Forms, screen: &mut Screen, id: &SessionId) {
    let l = state.language;
    let Some(snapshot) = state.shared_snapshot() else { return };
    let Some(session) = snapshot.sessions.get(id).filter(|s| s.deleted_at.is_none()) else {
        *screen = Screen::Sessions;
        return;
    };
    if ui.button(tr(l, Text::Back)).clicked() {
        *screen = Screen::Sessions;
    }
    ui.heading(&session.title);
    ui.label(format!("{} · {} · {}", session.starts_at, word(l, session.kind.as_str()), session.location));
    if let Some(changes) = state.changes() {
        for item in changes.items.iter().filter(|i| i.target.as_deref() == Some(id.as_str())) {
            let line = super::changes::describe(l, &snapshot, item);
            ui.label(egui::RichText::new(line).color(super::changes::CHANGED));
        }
    }
    super::error_line(ui, &state.error);
    ui.separator();

    egui::ScrollArea::vertical().show(ui, |ui| {
        for (field, text, label, rows) in [
            (TextField::Agenda(id.clone()), &session.agenda, Text::Agenda, 4),
            (TextField::Notes(id.clone()), &session.notes, Text::Notes, 14),
        ] {
            let draft = forms.drafts.entry(field.clone()).or_default();
            super::text_editor::show(ui, state, draft, &field, text, tr(l, label), rows);
        }
        ui.separator();
        attendance(ui, state, &snapshot, session, l);
        ui.separator();
        actions(ui, state, forms, &snapshot, session, l);
        ui.separator();
        questions(ui, state, &snapshot, session, l);
    });
}

fn attendance(
    ui: &mut egui::Ui,
    state: &mut AppState,
    snapshot: &kring_model::NetworkSnapshot,
    session: &kring_model::Session,
    l: Language,
) {
    ui.strong(tr(l, Text::Attendance));
    egui::Grid::new("attendance").show(ui, |ui| {
        for member in snapshot.members.values().filter(|m| m.is_current()) {
            ui.label(&member.name);
            let current = session.attendance.get(&member.id).copied();
            for status in Attendance::ALL {
                if ui.selectable_label(current == Some(*status), word(l, status.as_str())).clicked() {
                    let (session, member, status) = (session.id.clone(), member.id.clone(), *status);
                    state.edit(After::Nothing, move |n, me| {
                        n.set_attendance(me, &session, &member, status).map(|()| None)
                    });
                }
            }
            ui.end_row();
        }
    });
}

fn actions(
    ui: &mut egui::Ui,
    state: &mut AppState,
    forms: &mut Forms,
    snapshot: &kring_model::NetworkSnapshot,
    session: &kring_model::Session,
    l: Language,
) {
    ui.strong(tr(l, Text::Actions));
    for action in session.actions.values() {
        ui.horizontal(|ui| {
            let mut done = action.done;
            if ui.checkbox(&mut done, &action.text).changed() {
                let (session, action) = (session.id.clone(), action.id.clone());
                state.edit(After::Nothing, move |n, me| n.set_action_done(me, &session, &action, done).map(|()| None));
            }
            if let Some(owner) = &action.owner {
                ui.label(format!("· {}", super::member_name(snapshot, owner)));
            }
            if let Some(due) = &action.due {
                ui.label(format!("· {} {due}", tr(l, Text::Due)));
            }
        });
    }
    ui.horizontal(|ui| {
        let label = ui.label(tr(l, Text::NewAction));
        ui.text_edit_singleline(&mut forms.action_text).labelled_by(label.id);
        let label = ui.label(tr(l, Text::Due));
        ui.add(egui::TextEdit::singleline(&mut forms.action_due).desired_width(90.0).hint_text("2026-12-01"))
            .labelled_by(label.id);
        if ui.button(tr(l, Text::AddAction)).clicked() {
            let due = forms.action_due.trim();
            let action = NewAction {
                text: forms.action_text.clone(),
                owner: state.me().cloned(),
                due: (!due.is_empty()).then(|| due.to_string()),
            };
            let session = session.id.clone();
            state.edit(After::ClearActionForm, move |n, me| n.add_action(me, &session, &action).map(|_| None));
        }
    });
}

fn questions(
    ui: &mut egui::Ui,
    state: &mut AppState,
    snapshot: &kring_model::NetworkSnapshot,
    session: &kring_model::Session,
    l: Language,
) {
    ui.strong(tr(l, Text::DiscussedQuestions));
    for question in snapshot.live_questions() {
        let mut linked = session.questions.contains(&question.id);
        if ui.checkbox(&mut linked, &question.title).changed() {
            let (session, question) = (session.id.clone(), question.id.clone());
            state.edit(After::Nothing, move |n, me| n.link_question(me, &session, &question, linked).map(|()| None));
        }
    }
}
