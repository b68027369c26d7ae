//! The learning questions, as a board by status: propose and vote; one question (click its
//! title) to move it along, with its details, insights and the sessions where it was discussed.
//! The cards stay small: a busy network has hundreds of questions on this board.

use kring_model::{QuestionStatus, TextField};

use crate::app::Forms;
use crate::i18n::{Text, tr, word};
use crate::state::{After, AppState};

pub fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut Forms) {
    let l = state.language;
    ui.horizontal(|ui| {
        let label = ui.label(tr(l, Text::ProposeQuestion));
        ui.text_edit_singleline(&mut forms.question_title).labelled_by(label.id);
        if ui.button(tr(l, Text::Propose)).clicked() {
            let title = forms.question_title.clone();
            state.edit(After::ClearQuestionForm, move |n, me| {
                n.add_question(me, &title, "").map(|id| Some(id.to_string()))
            });
        }
    });
    super::error_line(ui, &state.error);
    ui.separator();

    let Some(snapshot) = state.shared_snapshot() else { return };
    let me = state.me().cloned();
    if let Some(id) = forms.selected_question.clone()
        && let Some(question) = snapshot.questions.get(&id).filter(|q| q.deleted_at.is_none())
    {
        egui::Panel::right("question").resizable(true).default_size(380.0).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(&question.title);
                if ui.small_button(tr(l, Text::Close)).clicked() {
                    forms.selected_question = None;
                }
            });
            ui.horizontal_wrapped(|ui| {
                ui.label(tr(l, Text::Status));
                for next in QuestionStatus::ALL.iter().filter(|s| **s != question.status) {
                    if ui.small_button(word(l, next.as_str())).clicked() {
                        let (id, next) = (question.id.clone(), *next);
                        state.edit(After::Nothing, move |n, me| n.set_status(me, &id, next).map(|()| None));
                    }
                }
            });
            egui::ScrollArea::vertical().show(ui, |ui| {
                for (field, text, label) in [
                    (TextField::Details(id.clone()), &question.details, Text::Details),
                    (TextField::Insights(id.clone()), &question.insights, Text::Insights),
                ] {
                    let draft = forms.drafts.entry(field.clone()).or_default();
                    super::text_editor::show(ui, state, draft, &field, text, tr(l, label), 6);
                }
                ui.strong(tr(l, Text::DiscussedIn));
                for session in question.sessions.iter().filter_map(|s| snapshot.sessions.get(s)) {
                    ui.label(format!("{} — {}", session.starts_at, session.title));
                }
            });
        });
    }

    let mut questions: Vec<_> = snapshot.live_questions().collect();
    questions.sort_by(|a, b| b.votes.len().cmp(&a.votes.len()).then(a.created_at.cmp(&b.created_at)));
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.columns(QuestionStatus::ALL.len(), |columns| {
            for (column, status) in columns.iter_mut().zip(QuestionStatus::ALL) {
                column.strong(word(l, status.as_str()));
                for question in questions.iter().filter(|q| q.status == *status) {
                    column.group(|ui| {
                        if ui.link(&question.title).clicked() {
                            forms.selected_question = Some(question.id.clone());
                        }
                        super::changes::mark(ui, state, question.id.as_str());
                        ui.label(format!("{} {}", question.votes.len(), tr(l, Text::Votes)));
                        let voted = me.as_ref().is_some_and(|me| question.votes.contains(me));
                        let vote_label = if voted { tr(l, Text::RetractVote) } else { tr(l, Text::Vote) };
                        if ui.button(vote_label).clicked() {
                            let id = question.id.clone();
                            state.edit(After::Nothing, move |n, me| {
                                if voted { n.retract_vote(me, &id) } else { n.vote(me, &id) }.map(|()| None)
                            });
                        }
                    });
                }
            }
        });
    });
}
