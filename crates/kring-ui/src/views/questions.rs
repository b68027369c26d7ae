//! The learning questions, as a board by status: propose and vote; click a title to open the
//! question with its details, insights and action-research cycles. The cards stay small: a busy
//! network has hundreds of questions on this board.

use std::collections::HashMap;

use kring_model::{Edit, MemberId, Question, QuestionId, QuestionStatus};

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
            super::themes::nothing_under_filter(ui, state, Text::NoQuestionsWithTheme);
        }
        ui.label(egui::RichText::new(tr(l, Text::DragCardHint)).weak());
        let heights = &mut self.card_heights;
        let mut moved: Option<(QuestionId, QuestionStatus)> = None;
        egui::ScrollArea::vertical().show_viewport(ui, |ui, viewport| {
            // The part of the board in sight, in the same coordinates as the cards.
            let in_sight = viewport.translate(ui.min_rect().min.to_vec2());
            ui.columns(QuestionStatus::ALL.len(), |columns| {
                if columns.first().is_some_and(|c| c.available_width() != self.card_width) {
                    heights.clear();
                    self.card_width = columns[0].available_width();
                }
                for (index, (column, status)) in columns.iter_mut().zip(QuestionStatus::ALL).enumerate() {
                    // The columns next to this one, for the arrow buttons on its cards.
                    let left = index.checked_sub(1).map(|i| QuestionStatus::ALL[i]);
                    let right = QuestionStatus::ALL.get(index + 1).copied();
                    let lane = egui::Frame::new()
                        .fill(column.visuals().faint_bg_color)
                        .corner_radius(4)
                        .inner_margin(egui::Margin::same(4));
                    let (_, dropped) = column.dnd_drop_zone::<DraggedCard, ()>(lane, |column| {
                        column.strong(word(l, status.as_str()));
                        for question in questions.iter().filter(|q| q.status == *status) {
                            let top = column.cursor().top();
                            if let Some(&height) = heights.get(&question.id)
                                && (top + height < in_sight.top() || top > in_sight.bottom())
                            {
                                column.allocate_space(egui::vec2(column.available_width(), height));
                                continue;
                            }
                            let card = Card { question, me: me.as_ref(), left, right };
                            let height = card.ui(column, state, screen, &mut moved);
                            heights.insert(question.id.clone(), height);
                        }
                        // The lane reaches down to the bottom of what is in sight, so a card can be
                        // dropped below the last one; short of it by more than the lane's margin, or
                        // the board would grow at every frame.
                        let rest = in_sight.bottom() - column.cursor().top() - 8.0;
                        if rest > 0.0 {
                            column.allocate_space(egui::vec2(column.available_width(), rest));
                        }
                    });
                    if let Some(dropped) = dropped
                        && questions.iter().any(|q| q.id == dropped.0 && q.status != *status)
                    {
                        moved = Some((dropped.0.clone(), *status));
                    }
                }
            });
        });
        // A card dragged or moved with its arrow buttons: the same status change as on the
        // question's page.
        if let Some((question, status)) = moved {
            state.edit(After::Nothing, Edit::SetStatus { question, status });
        }
    }
}

/// What a card carries while it is dragged to another column.
struct DraggedCard(QuestionId);

/// One question on the board, with the columns to its left and right.
struct Card<'a> {
    question: &'a Question,
    me: Option<&'a MemberId>,
    left: Option<QuestionStatus>,
    right: Option<QuestionStatus>,
}

impl Card<'_> {
    /// Draws the card, which can be dragged; answers its height.
    fn ui(
        &self,
        ui: &mut egui::Ui,
        state: &mut AppState,
        screen: &mut Screen,
        moved: &mut Option<(QuestionId, QuestionStatus)>,
    ) -> f32 {
        let l = state.language;
        let question = self.question;
        // The card senses drags below its own link and buttons, so they still take clicks; its
        // id is the question's, so a drag holds while cards above it scroll out of sight.
        let builder = egui::UiBuilder::new()
            .scope_id(egui::Id::unique(("card", &question.id)))
            .sense(egui::Sense::drag())
            .accessibility_label(format!("{}: {}", tr(l, Text::QuestionCard), question.title));
        let card = ui.scope_builder(builder, |ui| {
            // Words on a card cannot be selected: a press on them starts dragging the card.
            ui.style_mut().interaction.selectable_labels = false;
            ui.group(|ui| {
                // A card spans its column, as on a board on the wall.
                ui.set_min_width(ui.available_width());
                // Cards read left-aligned, words at their natural spacing.
                ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                    if ui.link(&question.title).clicked() {
                        *screen = Screen::Question(question.id.clone());
                    }
                    super::themes::on_card(ui, &question.themes);
                    super::changes::mark(ui, state, question.id.as_str());
                    ui.horizontal_wrapped(|ui| vote_button(ui, state, question, self.me));
                    ui.horizontal_wrapped(|ui| {
                        // The keyboard's way to move a card: one column at a time.
                        for (target, arrow) in [(self.left, "‹"), (self.right, "›")] {
                            let Some(target) = target else { continue };
                            let name = word(l, target.as_str());
                            let shown =
                                if arrow == "‹" { format!("{arrow} {name}") } else { format!("{name} {arrow}") };
                            let spoken = format!("{} {name}", tr(l, Text::MoveTo));
                            let button = ui.small_button(shown);
                            button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &spoken));
                            if button.on_hover_text(&spoken).clicked() {
                                *moved = Some((question.id.clone(), target));
                            }
                        }
                    });
                });
            });
        });
        let response = card.response;
        response.dnd_set_drag_payload(DraggedCard(question.id.clone()));
        if response.dragged() {
            dragged_title(ui, &question.title);
        }
        response.rect.height()
    }
}

/// "Stem" or "Stem intrekken", with the number of votes beside it; on a card and on the
/// question's page.
pub fn vote_button(ui: &mut egui::Ui, state: &mut AppState, question: &Question, me: Option<&MemberId>) {
    let l = state.language;
    let votes = count(l, question.votes.len(), ("stem", "stemmen"), ("vote", "votes"));
    // Votes from phones in a meeting's room count beside the members', marked as guests'.
    let guests = state.shared_snapshot().map_or(0, |snapshot| snapshot.guest_votes(&question.id));
    if guests == 0 {
        ui.label(votes);
    } else {
        let by_guests = count(l, guests, ("stem van een gast", "stemmen van gasten"), ("guest vote", "guest votes"));
        ui.label(format!("{votes} · {by_guests}"));
    }
    let voted = me.is_some_and(|me| question.votes.contains(me));
    let label = if voted { tr(l, Text::RetractVote) } else { tr(l, Text::Vote) };
    if ui.button(label).clicked() {
        let question = question.id.clone();
        let edit = if voted { Edit::RetractVote { question } } else { Edit::Vote { question } };
        state.edit(After::Nothing, edit);
    }
}

/// The title of the card being dragged, following the pointer above everything else.
fn dragged_title(ui: &egui::Ui, title: &str) {
    let Some(pointer) = ui.ctx().pointer_interact_pos() else { return };
    let painter = ui.ctx().layer_painter(egui::LayerId::new(egui::Order::Tooltip, egui::Id::unique("dragged-card")));
    let visuals = ui.visuals();
    let font = egui::TextStyle::Body.resolve(ui.style());
    let galley = painter.layout(title.to_string(), font, visuals.strong_text_color(), 240.0);
    let at = pointer + egui::vec2(12.0, 12.0);
    let frame = egui::Rect::from_min_size(at, galley.size()).expand(6.0);
    painter.rect(frame, 4.0, visuals.window_fill, visuals.window_stroke, egui::StrokeKind::Outside);
    painter.galley(at, galley, visuals.strong_text_color());
}
