//! The network's meetings, upcoming first, and a form to plan one.

use kring_model::{Edit, NewSession, SessionKind};

use crate::i18n::dates::parse_date_time;
use crate::i18n::{Text, tr, word};
use crate::screen::Screen;
use crate::state::{After, AppState};

/// The "new session" form.
pub struct SessionsPage {
    pub title: String,
    pub kind: SessionKind,
    /// As typed: `7-12-2026 15:30`, `7 dec 15:30`, ...
    pub date: String,
    pub location: String,
    /// In a leerhuis, whom a coordinator plans the meeting for.
    pub open_to: super::joint_meeting::OpenToChoice,
}

impl Default for SessionsPage {
    fn default() -> Self {
        SessionsPage {
            title: String::new(),
            kind: SessionKind::Plg,
            date: String::new(),
            location: String::new(),
            open_to: Default::default(),
        }
    }
}

impl SessionsPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, screen: &mut Screen) {
        let l = state.language;
        ui.heading(tr(l, Text::NewSession));
        let mut submit = super::entered(&super::field(ui, tr(l, Text::Title), &mut self.title));
        ui.horizontal(|ui| {
            ui.label(tr(l, Text::Kind));
            for kind in SessionKind::ALL {
                ui.selectable_value(&mut self.kind, *kind, word(l, kind.as_str()));
            }
        });
        submit |= date_field(ui, l, &mut self.date);
        submit |= super::entered(&super::field(ui, tr(l, Text::Location), &mut self.location));
        let leerhuis = state.shared_snapshot().filter(|s| s.info.kind == kring_model::NetworkKind::Leerhuis);
        if let Some(snapshot) = leerhuis.filter(|_| state.is_coordinator()) {
            self.open_to.ui(ui, l, &snapshot);
        }
        if ui.button(tr(l, Text::AddSession)).clicked() || submit {
            self.add(state);
        }
        super::error_line(ui, state, After::OpenSession);
        super::error_line(ui, state, After::Erased);
        ui.separator();
        list(ui, state, screen);
    }

    fn add(&mut self, state: &mut AppState) {
        let Some(starts_at) = read_date_time(state, After::OpenSession, &self.date) else { return };
        let new = NewSession { title: self.title.clone(), kind: self.kind, starts_at, location: self.location.clone() };
        // Chosen in this leerhuis: a choice left from another one names networks not linked here.
        let linked = |id: &kring_model::NetworkId| {
            state.shared_snapshot().is_some_and(|s| s.links.get(id).is_some_and(|link| link.is_linked()))
        };
        let open_to: std::collections::BTreeSet<_> = self.open_to.chosen().into_iter().filter(linked).collect();
        let edit =
            if open_to.is_empty() { Edit::AddSession(new) } else { Edit::AddJointMeeting { session: new, open_to } };
        state.edit(After::OpenSession, edit);
    }

    /// After a session was planned.
    pub fn clear(&mut self) {
        self.title.clear();
        self.date.clear();
        self.location.clear();
        self.open_to = Default::default();
    }
}

/// A date field with the way to type it beside it; Enter submits.
pub fn date_field(ui: &mut egui::Ui, l: crate::i18n::Language, value: &mut String) -> bool {
    ui.horizontal(|ui| {
        let label = ui.label(tr(l, Text::Date));
        let response = ui
            .add(egui::TextEdit::singleline(value).hint_text(tr(l, Text::DateHint)).desired_width(160.0))
            .labelled_by(label.id);
        if let Some(stored) = parse_date_time(value, super::today_date()) {
            ui.weak(super::date(l, &stored));
        }
        super::entered(&response)
    })
    .inner
}

/// A date as typed, in the stored form; a date that cannot be read is refused beside `after`'s
/// form (an empty field means today).
pub fn read_date_time(state: &mut AppState, after: After, typed: &str) -> Option<String> {
    if typed.trim().is_empty() {
        return Some(super::today());
    }
    let parsed = parse_date_time(typed, super::today_date());
    if parsed.is_none() {
        state.refuse(after, kring_model::ModelError::BadDate { got: typed.trim().to_string() });
    }
    parsed
}

fn list(ui: &mut egui::Ui, state: &mut AppState, screen: &mut Screen) {
    let l = state.language;
    let today = super::today();
    let Some(snapshot) = state.shared_snapshot() else { return };
    // A leerhuis meeting for other linked networks is left out of this person's list.
    let sessions: Vec<_> = snapshot
        .live_sessions()
        .filter(|s| super::themes::passes(state, &s.themes) && snapshot.invited(s, state.me()))
        .collect();
    if sessions.is_empty() && !super::themes::nothing_under_filter(ui, state, Text::NoSessionsWithTheme) {
        ui.label(tr(l, Text::NoSessions));
    }
    let (past, upcoming): (Vec<_>, Vec<_>) = sessions.into_iter().partition(|s| s.starts_at.as_str() < today.as_str());
    if !upcoming.is_empty() && ui.button(tr(l, Text::CalendarUpcoming)).clicked() {
        let ics = crate::export::ics::calendar(&snapshot, &upcoming, jiff::Timestamp::now());
        let name = format!("{}.ics", crate::export::file_stem(&snapshot.info.name));
        state.save_as(ui.ctx(), name, crate::file_dialog::FileKind::Calendar, ics.into_bytes());
    }
    let mut open = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (heading, list) in [(Text::Upcoming, upcoming), (Text::Past, past.into_iter().rev().collect())] {
            if list.is_empty() {
                continue;
            }
            ui.strong(tr(l, heading));
            for session in list {
                let present = session.attendance.values().filter(|a| **a == kring_model::Attendance::Present).count();
                let mut line = format!(
                    "{} — {} ({}",
                    super::date(l, &session.starts_at),
                    session.title,
                    word(l, session.kind.as_str())
                );
                if !session.location.is_empty() {
                    line.push_str(&format!(", {}", session.location));
                }
                line.push_str(&format!(") · {present} {}", tr(l, Text::Present)));
                ui.horizontal(|ui| {
                    if ui.link(line).clicked() {
                        open = Some(session.id.clone());
                    }
                    super::themes::on_card(ui, &session.themes);
                    super::changes::mark(ui, state, session.id.as_str());
                });
            }
        }
    });
    if let Some(id) = open {
        *screen = Screen::Session(id);
    }
}
