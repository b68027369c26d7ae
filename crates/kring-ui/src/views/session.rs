//! One meeting: its notes, written together.

use kring_model::SessionId;

use crate::app::{Forms, Screen};
use crate::i18n::{Text, tr, word};
use crate::state::AppState;

pub fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut Forms, screen: &mut Screen, id: &SessionId) {
    let l = state.language;
    let Some(session) = state.open.as_ref().and_then(|open| open.snapshot.sessions.get(id)).cloned() else {
        *screen = Screen::Sessions;
        return;
    };
    if ui.button(tr(l, Text::Back)).clicked() {
        *screen = Screen::Sessions;
    }
    ui.heading(&session.title);
    ui.label(format!("{} · {} · {}", session.starts_at, word(l, session.kind.as_str()), session.location));
    ui.separator();

    // The buffer follows the document unless the person is typing in it.
    if forms.notes_session.as_ref() != Some(id) {
        forms.notes_session = Some(id.clone());
        forms.notes = session.notes.clone();
    }
    let label = ui.label(tr(l, Text::Notes));
    let response = ui
        .add(egui::TextEdit::multiline(&mut forms.notes).desired_rows(12).desired_width(f32::INFINITY))
        .labelled_by(label.id);
    if response.changed() {
        state.set_notes(id, &forms.notes);
    } else if !response.has_focus() && forms.notes != session.notes {
        forms.notes = session.notes.clone();
    }
    super::error_line(ui, &state.error);
}
