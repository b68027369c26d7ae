//! The learning questions, as a board by status: propose, vote, move along.

use kring_model::QuestionStatus;

use crate::app::Forms;
use crate::i18n::{Text, tr, word};
use crate::state::AppState;

pub fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut Forms) {
    let l = state.language;
    ui.horizontal(|ui| {
        let label = ui.label(tr(l, Text::ProposeQuestion));
        ui.text_edit_singleline(&mut forms.question_title).labelled_by(label.id);
        if ui.button(tr(l, Text::Propose)).clicked() && state.propose_question(&forms.question_title).is_some() {
            forms.question_title.clear();
        }
    });
    super::error_line(ui, &state.error);
    ui.separator();

    let Some(open) = &state.open else { return };
    let me = open.me.clone();
    let mut questions: Vec<_> = open.snapshot.live_questions().cloned().collect();
    questions.sort_by(|a, b| b.votes.len().cmp(&a.votes.len()).then(a.created_at.cmp(&b.created_at)));
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.columns(QuestionStatus::ALL.len(), |columns| {
            for (column, status) in columns.iter_mut().zip(QuestionStatus::ALL) {
                column.strong(word(l, status.as_str()));
                for question in questions.iter().filter(|q| q.status == *status) {
                    column.group(|ui| {
                        ui.label(&question.title);
                        ui.label(format!("{} {}", question.votes.len(), tr(l, Text::Votes)));
                        let voted = question.votes.contains(&me);
                        let vote_label = if voted { tr(l, Text::RetractVote) } else { tr(l, Text::Vote) };
                        if ui.button(vote_label).clicked() {
                            state.toggle_vote(&question.id);
                        }
                        ui.horizontal_wrapped(|ui| {
                            ui.label(tr(l, Text::Status));
                            for next in QuestionStatus::ALL.iter().filter(|s| *s != status) {
                                if ui.small_button(word(l, next.as_str())).clicked() {
                                    state.set_status(&question.id, *next);
                                }
                            }
                        });
                    });
                }
            }
        });
    });
}
