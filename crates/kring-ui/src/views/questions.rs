//! The learning questions, as a board by status: propose and vote; click a title to open the
//! question with its details, insights and action-research cycles. The cards stay small: a busy
//! network has hundreds of questions on this board.

use std::collections::HashMap;

use kring_model::{Edit, QuestionId, QuestionStatus};

use crate::i18n::count;
use crate::i18n::{Text, tr, word};
use crate::screen::Screen;
use crate::state::{After, AppState};

/// The "new learning question" form, and how tall each card was when last drawn.
#[derive(Default)]
pub struct QuestionsPage {
    pub title: String,
    /// Cards out of sight take their last height without being drawn: a network of twelve
    /// years has 1,600 questions, too many to lay out every frame. Measured at `card_width`.
    card_heights: HashMap<QuestionId, f32>,
    card_width: f32,
}

impl QuestionsPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, screen: &mut Screen) {
        let l = state.language;
        ui.horizontal(|ui| {
            let label = ui.label(tr(l, Text::ProposeQuestion));
            let field = ui.text_edit_singleline(&mut self.title).labelled_by(label.id);
            if ui.button(tr(l, Text::Propose)).clicked() || super::entered(&field) {
                let edit = Edit::AddQuestion { title: self.title.clone(), details: String::new() };
                state.edit(After::ClearQuestionForm, edit);
            }
        });
        super::error_line(ui, state, After::ClearQuestionForm);
        super::error_line(ui, state, After::Nothing);
        super::error_line(ui, state, After::Erased);
        ui.separator();

        let Some(snapshot) = state.shared_snapshot() else { return };
        let me = state.me().cloned();
        let mut questions: Vec<_> =
            snapshot.live_questions().filter(|q| super::themes::passes(state, &q.themes)).collect();
        questions.sort_by(|a, b| b.votes.len().cmp(&a.votes.len()).then(a.created_at.cmp(&b.created_at)));
        if questions.is_empty() {
            super::themes::nothing_under_filter(ui, state);
        }
        let heights = &mut self.card_heights;
        egui::ScrollArea::vertical().show_viewport(ui, |ui, viewport| {
            // The part of the board in sight, in the same coordinates as the cards.
            let in_sight = viewport.translate(ui.min_rect().min.to_vec2());
            ui.columns(QuestionStatus::ALL.len(), |columns| {
                if columns.first().is_some_and(|c| c.available_width() != self.card_width) {
                    heights.clear();
                    self.card_width = columns[0].available_width();
                }
                for (column, status) in columns.iter_mut().zip(QuestionStatus::ALL) {
                    column.strong(word(l, status.as_str()));
                    for question in questions.iter().filter(|q| q.status == *status) {
                        let top = column.cursor().top();
                        if let Some(&height) = heights.get(&question.id)
                            && (top + height < in_sight.top() || top > in_sight.bottom())
                        {
                            column.allocate_space(egui::vec2(column.available_width(), height));
                            continue;
                        }
                        let card = column.group(|ui| {
                            // Cards read left-aligned, words at their natural spacing.
                            ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                                if ui.link(&question.title).clicked() {
                                    *screen = Screen::Question(question.id.clone());
                                }
                                super::themes::on_card(ui, &question.themes);
                                super::changes::mark(ui, state, question.id.as_str());
                                let votes = count(l, question.votes.len(), ("stem", "stemmen"), ("vote", "votes"));
                                let guests = snapshot.guest_votes(&question.id);
                                if guests == 0 {
                                    ui.label(votes);
                                } else {
                                    let by_guests = count(
                                        l,
                                        guests,
                                        ("stem van een gast", "stemmen van gasten"),
                                        ("guest vote", "guest votes"),
                                    );
                                    ui.label(format!("{votes} · {by_guests}"));
                                }
                                let voted = me.as_ref().is_some_and(|me| question.votes.contains(me));
                                let vote_label = if voted { tr(l, Text::RetractVote) } else { tr(l, Text::Vote) };
                                if ui.button(vote_label).clicked() {
                                    let question = question.id.clone();
                                    let edit =
                                        if voted { Edit::RetractVote { question } } else { Edit::Vote { question } };
                                    state.edit(After::Nothing, edit);
                                }
                            });
                        });
                        heights.insert(question.id.clone(), card.response.rect.height());
                    }
                }
            });
        });
    }
}
