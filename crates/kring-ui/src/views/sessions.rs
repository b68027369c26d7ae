//! The network's meetings, upcoming first, and a form to plan one.

use kring_model::{NewSession, SessionKind};

use crate::app::{Forms, Screen};
use crate::i18n::{Text, tr, word};
use crate::state::{After, AppState};

pub fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut Forms, screen: &mut Screen, today: &str) {
    let l = state.language;
    ui.heading(tr(l, Text::NewSession));
    super::field(ui, tr(l, Text::Title), &mut forms.session_title);
    ui.horizontal(|ui| {
        ui.label(tr(l, Text::Kind));
        for kind in SessionKind::ALL {
            ui.selectable_value(&mut forms.session_kind, *kind, word(l, kind.as_str()));
        }
    });
    super::field(ui, tr(l, Text::Date), &mut forms.session_date);
    super::field(ui, tr(l, Text::Location), &mut forms.session_location);
    if ui.button(tr(l, Text::AddSession)).clicked() {
        let new = NewSession {
            title: forms.session_title.clone(),
            kind: forms.session_kind,
            starts_at: forms.session_date.clone(),
            location: forms.session_location.clone(),
        };
        state.edit(After::OpenSession, move |n, me| n.add_session(me, &new).map(|id| Some(id.to_string())));
    }
    super::error_line(ui, &state.error);
    ui.separator();

    let Some(snapshot) = state.shared_snapshot() else { return };
    let mut sessions: Vec<_> = snapshot.live_sessions().collect();
    if sessions.is_empty() {
        ui.label(tr(l, Text::NoSessions));
    }
    sessions.sort_by(|a, b| (&a.starts_at, &a.id).cmp(&(&b.starts_at, &b.id)));
    let (past, upcoming): (Vec<_>, Vec<_>) = sessions.into_iter().partition(|s| s.starts_at.as_str() < today);
    let mut open = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (heading, list) in [(Text::Upcoming, upcoming), (Text::Past, past.into_iter().rev().collect())] {
            if list.is_empty() {
                continue;
            }
            ui.strong(tr(l, heading));
            for session in list {
                let present = session.attendance.values().filter(|a| **a == kring_model::Attendance::Present).count();
                let line = format!(
                    "{} — {} ({}, {}) · {} {}",
                    session.starts_at,
                    session.title,
                    word(l, session.kind.as_str()),
                    session.location,
                    present,
                    tr(l, Text::Present)
                );
                ui.horizontal(|ui| {
                    if ui.link(line).clicked() {
                        open = Some(session.id.clone());
                    }
                    super::changes::mark(ui, state, session.id.as_str());
                });
            }
        }
    });
    if let Some(id) = open {
        *screen = Screen::Session(id);
    }
}
