//! One learning question: its status, details and insights written together, the sessions
//! where it was discussed, and its action-research cycles as a timeline.

use kring_model::{Edit, QuestionId, QuestionStatus, TextField};

use crate::i18n::{Text, tr, word};
use crate::screen::Screen;
use crate::state::{After, AppState};

#[derive(Default)]
pub struct QuestionPage {
    /// The details, the insights and the cycles' texts.
    pub texts: super::history::SharedTexts,
    /// The new title, while the person renames the question.
    pub renaming: Option<(QuestionId, String)>,
    pub cycles: super::cycles::CyclesForm,
    /// The question a coordinator is about to erase for everyone (see [`super::chapter`]).
    pub erasing: Option<String>,
}

impl QuestionPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, screen: &mut Screen, id: &QuestionId) {
        let l = state.language;
        let Some(snapshot) = state.shared_snapshot() else { return };
        let Some(question) = snapshot.questions.get(id).filter(|q| q.deleted_at.is_none()) else {
            *screen = Screen::Questions;
            return;
        };
        ui.horizontal_wrapped(|ui| {
            if ui.button(tr(l, Text::Back)).clicked() {
                *screen = Screen::Questions;
            }
            match &mut self.renaming {
                Some((renamed, title)) if renamed == id => {
                    let label = ui.label(tr(l, Text::Title));
                    let field = ui.text_edit_singleline(title).labelled_by(label.id);
                    if ui.button(tr(l, Text::Save)).clicked() || super::entered(&field) {
                        let edit = Edit::RenameQuestion { question: id.clone(), title: title.clone() };
                        state.edit(After::QuestionRenamed, edit);
                    }
                    if ui.button(tr(l, Text::Cancel)).clicked() {
                        self.renaming = None;
                    }
                }
                _ => {
                    ui.heading(&question.title);
                    if ui.small_button(tr(l, Text::Rename)).clicked() {
                        self.renaming = Some((id.clone(), question.title.clone()));
                    }
                    if ui.small_button(tr(l, Text::MoveToBin)).clicked() {
                        state.edit(After::Nothing, Edit::DeleteQuestion { question: id.clone() });
                        state.notice = Some(tr(l, Text::MovedToBin).to_string());
                        *screen = Screen::Questions;
                    }
                    let erase = || kring_model::Erasure::Question(id.clone());
                    if super::chapter::erase_for_everyone(
                        ui,
                        state,
                        &mut self.erasing,
                        id.as_str(),
                        Text::EraseForEveryone,
                        &question.title,
                        erase,
                    ) {
                        *screen = Screen::Questions;
                    }
                }
            }
        });
        super::error_line(ui, state, After::QuestionRenamed);
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{}: {}", tr(l, Text::Status), word(l, question.status.as_str())));
            for next in QuestionStatus::ALL.iter().filter(|s| **s != question.status) {
                if ui.small_button(word(l, next.as_str())).clicked() {
                    state.edit(After::Nothing, Edit::SetStatus { question: id.clone(), status: *next });
                }
            }
            ui.separator();
            let me = state.me().cloned();
            super::questions::vote_button(ui, state, question, me.as_ref());
            super::share::button(ui, state, super::share::Shareable::Question(id.clone()));
        });
        let question_id = id.clone();
        super::themes::tags(ui, state, &question.themes, |theme, tagged| Edit::TagQuestion {
            question: question_id.clone(),
            theme,
            tagged,
        });
        super::error_line(ui, state, After::Nothing);
        let to = kring_model::AttachedTo::Question(id.clone());
        super::attachments::take_dropped(ui, state, &to);
        ui.separator();
        if self.texts.history_ui(ui, state, id.as_str()) {
            return;
        }
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (field, text, label) in [
                (TextField::Details(id.clone()), &question.details, Text::Details),
                (TextField::Insights(id.clone()), &question.insights, Text::Insights),
            ] {
                self.texts.editor(ui, state, &field, text, tr(l, label), 5);
            }
            ui.separator();
            super::attachments::list(ui, state, &snapshot, &to, &question.attachments);
            ui.separator();
            ui.strong(tr(l, Text::DiscussedIn));
            let mut sessions: Vec<_> = question
                .sessions
                .iter()
                .filter_map(|s| snapshot.sessions.get(s))
                .filter(|s| s.deleted_at.is_none())
                .collect();
            sessions.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
            for session in sessions {
                if ui.link(format!("{} — {}", super::date(l, &session.starts_at), session.title)).clicked() {
                    *screen = Screen::Session(session.id.clone());
                }
            }
            ui.separator();
            super::cycles::show(ui, state, &mut self.cycles, &mut self.texts, &snapshot, question, screen);
        });
    }
}
