//! One meeting: its details (changed in place), agenda and notes written together, who was
//! there, what was agreed, and the learning questions discussed.

use kring_model::{
    Attendance, Edit, NetworkSnapshot, NewAction, Session, SessionChanges, SessionId, SessionKind, TextField,
};

use crate::i18n::dates::{parse_date, typed_date};
use crate::i18n::{Language, Text, tr, word};
use crate::screen::Screen;
use crate::state::{After, AppState};

/// What is being typed on a session's screen.
#[derive(Default)]
pub struct SessionPage {
    /// The agenda and the notes.
    pub texts: super::history::SharedTexts,
    /// The details form, while the person changes them.
    pub editing: Option<SessionForm>,
    pub action_text: String,
    pub action_due: String,
    pub action_owner: Option<kring_model::MemberId>,
    /// The session a coordinator is about to erase for everyone (see [`super::chapter`]).
    pub erasing: Option<String>,
    /// A room for phones: what it will hold, or the room that is open.
    pub room: super::room::RoomPanel,
    /// In a leerhuis: whom the meeting is for.
    pub joint: super::joint_meeting::JointPanel,
}

/// A session's details as typed.
pub struct SessionForm {
    pub session: SessionId,
    pub title: String,
    pub kind: SessionKind,
    pub date: String,
    pub location: String,
}

impl SessionPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, screen: &mut Screen, id: &SessionId) {
        let l = state.language;
        let Some(snapshot) = state.shared_snapshot() else { return };
        let Some(session) = snapshot.sessions.get(id).filter(|s| s.deleted_at.is_none()) else {
            *screen = Screen::Sessions;
            return;
        };
        ui.horizontal_wrapped(|ui| {
            if ui.button(tr(l, Text::Back)).clicked() {
                *screen = Screen::Sessions;
            }
            ui.heading(&session.title);
            super::share::button(ui, state, super::share::Shareable::Session(id.clone()));
        });
        match self.editing.take() {
            Some(mut form) if form.session == *id => {
                if edit_form(ui, state, &mut form) {
                    self.editing = Some(form);
                }
            }
            _ => self.header(ui, state, screen, &snapshot, session),
        }
        let session_id = id.clone();
        super::themes::tags(ui, state, &session.themes, |theme, tagged| Edit::TagSession {
            session: session_id.clone(),
            theme,
            tagged,
        });
        changed_line(ui, state, &snapshot, id);
        let to = kring_model::AttachedTo::Session(id.clone());
        super::attachments::take_dropped(ui, state, &to);
        super::error_line(ui, state, After::Nothing);
        self.room.ui(ui, state, &snapshot, session);
        self.joint.ui(ui, state, &snapshot, session);
        ui.separator();

        if self.texts.history_ui(ui, state, id.as_str()) {
            return;
        }
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (field, text, label, rows) in [
                (TextField::Agenda(id.clone()), &session.agenda, Text::Agenda, 4),
                (TextField::Notes(id.clone()), &session.notes, Text::Notes, 14),
            ] {
                self.texts.editor(ui, state, &field, text, tr(l, label), rows);
            }
            ui.separator();
            super::attachments::list(ui, state, &snapshot, &to, &session.attachments);
            ui.separator();
            attendance(ui, state, &snapshot, session, l);
            super::joint_meeting::present_by_network(ui, l, &snapshot, session);
            ui.separator();
            if !session.guest_contributions().is_empty() {
                guests(ui, state, &mut self.erasing, &snapshot, session);
                ui.separator();
            }
            self.actions(ui, state, &snapshot, session);
            ui.separator();
            questions(ui, state, &snapshot, session, l);
        });
    }

    fn header(
        &mut self,
        ui: &mut egui::Ui,
        state: &mut AppState,
        screen: &mut Screen,
        snapshot: &NetworkSnapshot,
        session: &Session,
    ) {
        let l = state.language;
        ui.horizontal_wrapped(|ui| {
            let mut line = format!("{} · {}", super::date(l, &session.starts_at), word(l, session.kind.as_str()));
            if !session.location.is_empty() {
                line.push_str(&format!(" · {}", session.location));
            }
            ui.label(line);
            if ui.small_button(tr(l, Text::EditDetails)).clicked() {
                self.editing = Some(SessionForm {
                    session: session.id.clone(),
                    title: session.title.clone(),
                    kind: session.kind,
                    date: typed_date(&session.starts_at),
                    location: session.location.clone(),
                });
            }
            if ui.small_button(tr(l, Text::AddToCalendar)).clicked() {
                let ics = crate::export::ics::calendar(snapshot, &[session], jiff::Timestamp::now());
                let name = format!("{}.ics", crate::export::file_stem(&session.title));
                state.save_as(ui.ctx(), name, crate::file_dialog::FileKind::Calendar, ics.into_bytes());
            }
            if ui.small_button(tr(l, Text::MoveToBin)).clicked() {
                state.edit(After::Nothing, Edit::DeleteSession { session: session.id.clone() });
                state.notice = Some(tr(l, Text::MovedToBin).to_string());
                *screen = Screen::Sessions;
            }
            let id = &session.id;
            let erase = || kring_model::Erasure::Session(id.clone());
            if super::chapter::erase_for_everyone(
                ui,
                state,
                &mut self.erasing,
                id.as_str(),
                Text::EraseForEveryone,
                &session.title,
                erase,
            ) {
                *screen = Screen::Sessions;
            }
        });
    }

    fn actions(&mut self, ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, session: &Session) {
        let l = state.language;
        ui.strong(tr(l, Text::Actions));
        for action in session.live_actions() {
            ui.horizontal_wrapped(|ui| {
                let mut done = action.done;
                if ui.checkbox(&mut done, &action.text).changed() {
                    let edit = Edit::SetActionDone { session: session.id.clone(), action: action.id.clone(), done };
                    state.edit(After::Nothing, edit);
                }
                if let Some(owner) = &action.owner {
                    ui.label(format!("· {}", super::member_name(snapshot, owner)));
                }
                if let Some(due) = &action.due {
                    ui.label(format!("· {} {}", tr(l, Text::Due), super::date(l, due)));
                }
                let delete = ui.small_button("×").on_hover_text(tr(l, Text::MoveToBin));
                delete.widget_info(|| {
                    let label = format!("{}: {}", tr(l, Text::MoveToBin), action.text);
                    egui::WidgetInfo::labeled(egui::Role::Button, true, label)
                });
                if delete.clicked() {
                    let edit = Edit::DeleteAction { session: session.id.clone(), action: action.id.clone() };
                    state.edit(After::Nothing, edit);
                }
            });
        }
        let mut submit = false;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(tr(l, Text::NewAction));
            submit |= super::entered(&ui.text_edit_singleline(&mut self.action_text).labelled_by(label.id));
            let label = ui.label(tr(l, Text::Owner));
            let owner = self.action_owner.clone().or_else(|| state.me().cloned());
            let shown = owner.as_ref().map(|o| super::member_name(snapshot, o)).unwrap_or_default();
            let picker = egui::ComboBox::from_id_salt("action-owner").selected_text(&shown).show_ui(ui, |ui| {
                for member in snapshot.members.values().filter(|m| m.is_current()) {
                    if ui.selectable_label(owner.as_ref() == Some(&member.id), &member.name).clicked() {
                        self.action_owner = Some(member.id.clone());
                    }
                }
            });
            picker.response.labelled_by(label.id).widget_info(|| {
                let mut info = egui::WidgetInfo::labeled(egui::Role::ComboBox, true, tr(l, Text::Owner));
                info.current_text_value = Some(shown.clone());
                info
            });
            let label = ui.label(tr(l, Text::Due));
            let due =
                egui::TextEdit::singleline(&mut self.action_due).desired_width(100.0).hint_text(tr(l, Text::DueHint));
            submit |= super::entered(&ui.add(due).labelled_by(label.id));
            if ui.button(tr(l, Text::AddAction)).clicked() || submit {
                self.add_action(state, session);
            }
        });
        super::error_line(ui, state, After::ClearActionForm);
    }

    fn add_action(&mut self, state: &mut AppState, session: &Session) {
        let typed = self.action_due.trim();
        let due = if typed.is_empty() {
            None
        } else {
            match parse_date(typed, super::today_date()) {
                Some(due) => Some(due),
                None => {
                    let error = kring_model::ModelError::BadDate { got: typed.to_string() };
                    state.refuse(After::ClearActionForm, error);
                    return;
                }
            }
        };
        let owner = self.action_owner.clone().or_else(|| state.me().cloned());
        let action = NewAction { text: self.action_text.clone(), owner, due };
        state.edit(After::ClearActionForm, Edit::AddAction { session: session.id.clone(), action });
    }

    /// After an action was added.
    pub fn clear_action(&mut self) {
        self.action_text.clear();
        self.action_due.clear();
    }
}

/// The session's details as a form; returns whether it stays open.
fn edit_form(ui: &mut egui::Ui, state: &mut AppState, form: &mut SessionForm) -> bool {
    let l = state.language;
    let mut open = true;
    let mut submit = super::entered(&super::field(ui, tr(l, Text::Title), &mut form.title));
    ui.horizontal(|ui| {
        ui.label(tr(l, Text::Kind));
        for kind in SessionKind::ALL {
            ui.selectable_value(&mut form.kind, *kind, word(l, kind.as_str()));
        }
    });
    submit |= super::sessions::date_field(ui, l, &mut form.date);
    submit |= super::entered(&super::field(ui, tr(l, Text::Location), &mut form.location));
    ui.horizontal(|ui| {
        if (ui.button(tr(l, Text::Save)).clicked() || submit)
            && let Some(starts_at) = super::sessions::read_date_time(state, After::SessionEdited, &form.date)
        {
            let changes = SessionChanges {
                title: Some(form.title.clone()),
                kind: Some(form.kind),
                starts_at: Some(starts_at),
                location: Some(form.location.clone()),
            };
            state.edit(After::SessionEdited, Edit::EditSession { session: form.session.clone(), changes });
        }
        if ui.button(tr(l, Text::Cancel)).clicked() {
            open = false;
        }
    });
    super::error_line(ui, state, After::SessionEdited);
    open
}

/// Who else changed this session since the person last looked, on one line whose height never
/// changes, so the notes below do not jump while someone types in them.
fn changed_line(ui: &mut egui::Ui, state: &AppState, snapshot: &NetworkSnapshot, id: &SessionId) {
    let l = state.language;
    let lines: Vec<String> = state
        .changes()
        .map(|changes| {
            changes
                .items
                .iter()
                .filter(|i| i.target.as_deref() == Some(id.as_str()))
                .map(|item| super::changes::describe(l, snapshot, item))
                .collect()
        })
        .unwrap_or_default();
    let height = ui.text_style_height(&egui::TextStyle::Body);
    let width = ui.available_width();
    ui.allocate_ui(egui::vec2(width, height), |ui| {
        ui.set_height(height);
        let text = egui::RichText::new(lines.join(" · ")).color(super::changes::CHANGED);
        ui.add(egui::Label::new(text).truncate());
    });
}

fn attendance(ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, session: &Session, l: Language) {
    ui.strong(tr(l, Text::Attendance));
    egui::Grid::new("attendance").show(ui, |ui| {
        for member in snapshot.members.values().filter(|m| m.is_current()) {
            ui.label(&member.name);
            let current = session.attendance.get(&member.id).copied();
            for status in Attendance::ALL {
                if ui.selectable_label(current == Some(*status), word(l, status.as_str())).clicked() {
                    let edit = Edit::SetAttendance {
                        session: session.id.clone(),
                        member: member.id.clone(),
                        attendance: *status,
                    };
                    state.edit(After::Nothing, edit);
                }
            }
            ui.end_row();
        }
    });
}

/// What guests sent from their phones in this meeting's rooms, each marked as a guest's, with
/// the guests counted by perspective.
fn guests(
    ui: &mut egui::Ui,
    state: &mut AppState,
    erasing: &mut Option<String>,
    snapshot: &NetworkSnapshot,
    session: &Session,
) {
    let l = state.language;
    ui.strong(tr(l, Text::FromPhones));
    let mut by_perspective: std::collections::BTreeMap<kring_model::GuestPerspective, usize> = Default::default();
    for room in session.rooms.values() {
        for (perspective, n) in room.guests_by_perspective() {
            *by_perspective.entry(perspective).or_default() += n;
        }
    }
    let counted: Vec<String> =
        by_perspective.iter().map(|(perspective, n)| format!("{n} {}", word(l, perspective.as_str()))).collect();
    ui.label(format!("{}: {}", tr(l, Text::GuestsByPhone), counted.join(", ")));
    let mut all: Vec<_> =
        session.rooms.iter().flat_map(|(room, r)| r.guests.values().map(move |sent| (room, sent))).collect();
    all.sort_by(|a, b| a.1.at.cmp(&b.1.at).then(a.1.id.cmp(&b.1.id)));
    for (room, sent) in all {
        let name = if sent.name.is_empty() { tr(l, Text::Anonymous).to_string() } else { sent.name.clone() };
        let who = format!("{name} ({}, {})", tr(l, Text::Guest), word(l, sent.perspective.as_str()));
        let what = match sent.kind {
            kring_model::GuestKind::Vote => {
                let title = sent.question.as_ref().and_then(|q| snapshot.questions.get(q)).map(|q| q.title.as_str());
                format!("{} {}", tr(l, Text::GuestVoted), title.unwrap_or("?"))
            }
            kring_model::GuestKind::Question => format!("{} {}", tr(l, Text::GuestProposed), sent.text),
            kring_model::GuestKind::Score => {
                let scores: Vec<String> = sent
                    .scores
                    .iter()
                    .map(|(factor, score)| format!("{} {score}", factor_name(snapshot, factor, l)))
                    .collect();
                let comment = if sent.text.is_empty() { String::new() } else { format!(" — {}", sent.text) };
                format!("{} {}{comment}", tr(l, Text::GuestScored), scores.join(", "))
            }
            kring_model::GuestKind::Reaction => format!("{} {}", tr(l, Text::GuestReacted), sent.text),
            kring_model::GuestKind::Photo => tr(l, Text::GuestSentPhoto).to_string(),
        };
        ui.horizontal_wrapped(|ui| {
            // A guest's words are shown as plain text, whatever they hold.
            let shown = format!("{who} {what}");
            ui.add(egui::Label::new(&shown).wrap());
            // Words that should never have been sent (a classmate's name, say).
            let erase = || kring_model::Erasure::GuestContribution {
                session: session.id.clone(),
                room: room.clone(),
                contribution: sent.id.clone(),
            };
            let key = sent.id.as_str();
            super::chapter::erase_for_everyone(ui, state, erasing, key, Text::EraseForEveryone, &shown, erase);
        });
    }
}

fn factor_name(snapshot: &NetworkSnapshot, factor: &kring_model::FactorId, l: Language) -> String {
    match snapshot.factors.get(factor) {
        Some(f)
            if kring_model::schema::DEFAULT_FACTORS
                .iter()
                .any(|(id, name)| *id == f.id.as_str() && *name == f.name) =>
        {
            word(l, f.id.as_str()).to_string()
        }
        Some(f) => f.name.clone(),
        None => factor.to_string(),
    }
}

fn questions(ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, session: &Session, l: Language) {
    ui.strong(tr(l, Text::DiscussedQuestions));
    for question in snapshot.live_questions() {
        let mut linked = session.questions.contains(&question.id);
        if ui.checkbox(&mut linked, &question.title).changed() {
            let edit = Edit::LinkQuestion { session: session.id.clone(), question: question.id.clone(), linked };
            state.edit(After::Nothing, edit);
        }
    }
}
