//! "Geschiedenis": a shared text as it was at an earlier moment, and who changed it when. The
//! node lists the moments (a typing session is one) and reads the text as of the chosen one.

use std::collections::HashMap;

use kring_model::TextField;
use kring_node::client::Command;

use super::text_editor::Draft;

use crate::i18n::{Text, tr};
use crate::state::{After, AppState};

/// A screen's shared texts: what is typed in each, and the one whose history is open.
#[derive(Default)]
pub struct SharedTexts {
    pub drafts: HashMap<TextField, Draft>,
    pub history: Option<HistoryView>,
    /// The selected passage a coordinator is about to erase for everyone.
    pub erasing: Option<String>,
}

impl SharedTexts {
    /// The editor of `field` (now `text`), with its "Geschiedenis" button below it.
    pub fn editor(
        &mut self,
        ui: &mut egui::Ui,
        state: &mut AppState,
        field: &TextField,
        text: &str,
        label: &str,
        rows: usize,
    ) {
        let draft = self.drafts.entry(field.clone()).or_default();
        super::text_editor::show(ui, state, draft, field, text, label, rows);
        let selected = draft.caret().filter(|(start, end)| start < end);
        let passage = selected.map(|(start, end)| draft.text.chars().skip(start).take(end - start).collect::<String>());
        ui.horizontal_wrapped(|ui| {
            let history = tr(state.language, Text::History);
            let button = ui.small_button(history);
            button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, format!("{history}: {label}")));
            if button.clicked() {
                self.history = Some(HistoryView::open(state, field.clone()));
            }
            // A passage selected in the text can be erased for everyone, by a coordinator.
            if let (Some((from, to)), Some(passage)) = (selected, passage) {
                let key = format!("{field:?}");
                let shown = passage.clone();
                let erase =
                    || kring_model::Erasure::Passage { field: field.clone(), from, to, expected: Some(passage) };
                let chapter = &mut self.erasing;
                super::chapter::erase_for_everyone(ui, state, chapter, &key, Text::EraseSelection, &shown, erase);
            }
        });
    }

    /// The open history, in place of the editors; false when none is open. `record` is the
    /// meeting or question on screen: a history opened on another one follows it to the same
    /// text of this one (the notes of the meeting now shown), or closes where this one has no
    /// such text (a cycle of another question).
    pub fn history_ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, record: &str) -> bool {
        let Some(open) = &self.history else { return false };
        match same_text_of(&open.field, record) {
            None => {
                self.history = None;
                return false;
            }
            Some(field) if field != open.field => self.history = Some(HistoryView::open(state, field)),
            Some(_) => {}
        }
        let Some(history) = &mut self.history else { return false };
        if !history.ui(ui, state) {
            self.history = None;
        }
        true
    }
}

/// The text of `record` that corresponds to `field`: `field` itself when it is one of
/// `record`'s, the same kind of text when it belongs to another meeting or question, none for a
/// cycle's text of another question.
fn same_text_of(field: &TextField, record: &str) -> Option<TextField> {
    use kring_model::{QuestionId, SessionId};
    let owner = match field {
        TextField::Agenda(id) | TextField::Notes(id) => id.as_str(),
        TextField::Details(id) | TextField::Insights(id) | TextField::Cycle(id, ..) => id.as_str(),
    };
    if owner == record {
        return Some(field.clone());
    }
    match field {
        TextField::Agenda(_) => Some(TextField::Agenda(SessionId::new(record))),
        TextField::Notes(_) => Some(TextField::Notes(SessionId::new(record))),
        TextField::Details(_) => Some(TextField::Details(QuestionId::new(record))),
        TextField::Insights(_) => Some(TextField::Insights(QuestionId::new(record))),
        TextField::Cycle(..) => None,
    }
}

/// The history of one text, on screen in place of the editors.
pub struct HistoryView {
    pub field: TextField,
    /// The moment shown (an index into the versions the node sent).
    pub chosen: Option<usize>,
}

impl HistoryView {
    /// Asks the node for the moments `field` changed.
    pub fn open(state: &mut AppState, field: TextField) -> HistoryView {
        if let Some(network) = state.network_id().map(String::from) {
            state.history = None;
            state.send(Command::History { network, field: field.clone() }, After::Nothing);
        }
        HistoryView { field, chosen: None }
    }

    /// Draws the history; returns false once the person closed it.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState) -> bool {
        let l = state.language;
        let mut open = true;
        ui.horizontal(|ui| {
            ui.heading(tr(l, Text::History));
            if ui.button(tr(l, Text::Close)).clicked() {
                open = false;
            }
        });
        let Some(history) = state.history.clone().filter(|h| h.field == self.field) else {
            ui.spinner();
            return open;
        };
        if history.versions.is_empty() {
            ui.label(tr(l, Text::NoHistory));
            return open;
        }
        let snapshot = state.shared_snapshot();
        let mut ask = None;
        egui::Panel::left("history-moments").resizable(true).default_size(260.0).show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                for (index, version) in history.versions.iter().enumerate() {
                    let who = match (&version.by, &snapshot) {
                        (Some(member), Some(snapshot)) => super::member_name(snapshot, member),
                        _ => tr(l, Text::UnknownLaptop).to_string(),
                    };
                    let line = format!("{} — {who}", super::local_time(l, version.at));
                    if ui.selectable_label(self.chosen == Some(index), line).clicked() {
                        self.chosen = Some(index);
                        ask = Some(version.heads.clone());
                    }
                }
            });
        });
        if let (Some(heads), Some(network)) = (ask, state.network_id().map(String::from)) {
            state.send(Command::TextAt { network, field: self.field.clone(), heads }, After::Nothing);
        }
        let chosen = self.chosen.and_then(|i| history.versions.get(i));
        match (chosen, &state.text_at) {
            (Some(version), Some(text)) if text.field == self.field && text.heads == version.heads => {
                ui.label(format!("{} {}", tr(l, Text::TextAsOf), super::local_time(l, version.at)));
                egui::ScrollArea::vertical().id_salt("history-text").show(ui, |ui| {
                    let mut shown = text.text.as_str();
                    ui.add(egui::TextEdit::multiline(&mut shown).desired_width(f32::INFINITY));
                });
            }
            (Some(_), _) => {
                ui.spinner();
            }
            (None, _) => {
                ui.label(tr(l, Text::ChooseMoment));
            }
        }
        open
    }
}
