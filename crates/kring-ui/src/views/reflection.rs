//! Reflection on the key factors of network learning: coordinators open a round, every member
//! scores each factor (1–5, with a comment), and the network sees the average and spread per
//! factor, round over round, as a chart and as figures.

use std::collections::HashMap;

use kring_model::{Edit, FactorId, NetworkSnapshot, ReflectionRound, RoundId};

use crate::i18n::{Language, Text, factor_name, tr};
use crate::state::{After, AppState};

/// What is typed on the reflection screen.
#[derive(Default)]
pub struct ReflectionPage {
    pub round_title: String,
    pub selected_round: Option<RoundId>,
    /// Comments typed beside a score, per round and factor.
    pub score_comments: HashMap<(RoundId, FactorId), String>,
    /// A round the coordinator asked to close, waiting for confirmation.
    pub confirm_close_round: Option<RoundId>,
    /// A comment a coordinator is about to erase for everyone.
    pub erasing: Option<String>,
}

impl ReflectionPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState) {
        show(ui, state, self)
    }
}

fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut ReflectionPage) {
    let l = state.language;
    let Some(snapshot) = state.shared_snapshot() else { return };
    let me = state.me().cloned();
    let coordinator = state.is_coordinator();
    if coordinator {
        ui.horizontal(|ui| {
            let label = ui.label(tr(l, Text::NewRound));
            let field = ui.text_edit_singleline(&mut forms.round_title).labelled_by(label.id);
            if ui.button(tr(l, Text::OpenRound)).clicked() || super::entered(&field) {
                state.edit(After::OpenRound, Edit::OpenRound { title: forms.round_title.clone() });
            }
        });
    }
    super::error_line(ui, state, After::OpenRound);
    super::error_line(ui, state, After::Nothing);
    ui.separator();

    let rounds = rounds_in_order(&snapshot);
    if rounds.is_empty() {
        ui.label(tr(l, Text::NoRounds));
        return;
    }
    let selected = forms
        .selected_round
        .clone()
        .filter(|id| snapshot.rounds.contains_key(id))
        .unwrap_or_else(|| rounds[rounds.len() - 1].id.clone());
    ui.horizontal_wrapped(|ui| {
        ui.label(tr(l, Text::Round));
        for round in rounds.iter().rev() {
            let state_word = if round.closed_at.is_some() { Text::RoundClosed } else { Text::RoundOpen };
            let label = format!("{} ({})", round.title, tr(l, state_word));
            if ui.selectable_label(round.id == selected, label).clicked() {
                forms.selected_round = Some(round.id.clone());
            }
        }
    });
    let Some(round) = snapshot.rounds.get(&selected) else { return };

    egui::ScrollArea::vertical().show(ui, |ui| {
        if round.closed_at.is_none() {
            if let Some(me) = &me {
                my_scores(ui, state, forms, &snapshot, round, me);
            }
            if coordinator {
                close_button(ui, state, forms, round);
            }
            ui.separator();
        }
        ui.heading(tr(l, Text::Results));
        if round.closed_at.is_some() {
            super::share::button(ui, state, super::share::Shareable::Round(round.id.clone()));
        }
        chart(ui, l, &snapshot, &rounds);
        figures(ui, l, &snapshot, &rounds);
        comments(ui, state, forms, &snapshot, round);
    });
}

/// Rounds from the first opened to the last.
pub fn rounds_in_order(snapshot: &NetworkSnapshot) -> Vec<&ReflectionRound> {
    let mut rounds: Vec<&ReflectionRound> = snapshot.rounds.values().collect();
    rounds.sort_by(|a, b| a.opened_at.cmp(&b.opened_at).then(a.id.cmp(&b.id)));
    rounds
}

/// The factors of a round, in the network's order (factors removed since keep their place).
fn round_factors<'a>(snapshot: &'a NetworkSnapshot, round: &ReflectionRound) -> Vec<&'a kring_model::Factor> {
    let mut factors: Vec<_> = round.factors.iter().filter_map(|id| snapshot.factors.get(id)).collect();
    factors.sort_by(|a, b| a.position.total_cmp(&b.position).then(a.id.cmp(&b.id)));
    factors
}

fn my_scores(
    ui: &mut egui::Ui,
    state: &mut AppState,
    forms: &mut ReflectionPage,
    snapshot: &NetworkSnapshot,
    round: &ReflectionRound,
    me: &kring_model::MemberId,
) {
    let l = state.language;
    ui.heading(tr(l, Text::YourScores));
    ui.label(tr(l, Text::ScoreExplained));
    let mine = round.scores.get(me);
    egui::Grid::new("my-scores").num_columns(3).striped(true).show(ui, |ui| {
        for factor in round_factors(snapshot, round) {
            let name = factor_name(l, factor);
            let label = ui.label(&name);
            let current = mine.and_then(|scores| scores.get(&factor.id));
            let key = (round.id.clone(), factor.id.clone());
            let comment = forms
                .score_comments
                .entry(key)
                .or_insert_with(|| current.map(|s| s.comment.clone()).unwrap_or_default());
            let mut chosen = None;
            ui.horizontal(|ui| {
                for score in 1..=5 {
                    let selected = current.is_some_and(|s| s.score == score);
                    let button = ui.selectable_label(selected, score.to_string());
                    // Screen readers (and tests) hear which factor a bare digit scores.
                    let spoken = format!("{name}: {score}");
                    button.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, &spoken));
                    if button.clicked() {
                        chosen = Some(score);
                    }
                }
            });
            let edit =
                ui.add(egui::TextEdit::singleline(comment).hint_text(tr(l, Text::Comment))).labelled_by(label.id);
            let comment_done = edit.lost_focus() && current.is_some_and(|s| s.comment != *comment);
            // A comment is saved with the score: on a score click, or when leaving the field.
            if let Some(score) = chosen.or(current.filter(|_| comment_done).map(|s| s.score)) {
                let edit =
                    Edit::Score { round: round.id.clone(), factor: factor.id.clone(), score, comment: comment.clone() };
                state.edit(After::Nothing, edit);
            }
            ui.end_row();
        }
    });
}

fn close_button(ui: &mut egui::Ui, state: &mut AppState, forms: &mut ReflectionPage, round: &ReflectionRound) {
    let l = state.language;
    if forms.confirm_close_round.as_ref() == Some(&round.id) {
        ui.horizontal(|ui| {
            ui.label(tr(l, Text::ConfirmCloseRound));
            if ui.button(tr(l, Text::YesCloseRound)).clicked() {
                state.edit(After::Nothing, Edit::CloseRound { round: round.id.clone() });
                forms.confirm_close_round = None;
            }
            if ui.button(tr(l, Text::Cancel)).clicked() {
                forms.confirm_close_round = None;
            }
        });
    } else if ui.button(tr(l, Text::CloseRound)).clicked() {
        forms.confirm_close_round = Some(round.id.clone());
    }
}

/// The colour of the `index`th round in the chart: colours told apart with colour blindness
/// (Okabe–Ito), lighter on a dark background, darker on a light one.
pub fn round_color(dark_mode: bool, index: usize) -> egui::Color32 {
    const LIGHT: [(u8, u8, u8); 5] = [(0, 114, 178), (213, 94, 0), (0, 140, 100), (180, 80, 140), (90, 90, 90)];
    const DARK: [(u8, u8, u8); 5] = [(86, 180, 233), (230, 159, 0), (0, 190, 140), (220, 140, 190), (200, 200, 200)];
    let (r, g, b) = if dark_mode { DARK } else { LIGHT }[index % LIGHT.len()];
    egui::Color32::from_rgb(r, g, b)
}

/// Average and spread per factor, one row of marks per round: a dot at the average, a box one
/// standard deviation either side and whiskers to the lowest and highest score. Where everyone
/// gave the same score (or one person scored) there is no spread to draw and the dot says it
/// all. Factors run down the side (their names are long), the first at the top.
fn chart(ui: &mut egui::Ui, l: Language, snapshot: &NetworkSnapshot, rounds: &[&ReflectionRound]) {
    let factors = snapshot.active_factors();
    let rows = factors.len();
    let height = 0.8 / rounds.len().max(1) as f64;
    let dark = ui.visuals().dark_mode;
    // Later rounds sit lower within a factor's row, in reading order.
    let y_of = move |round: usize, factor: usize| (rows - 1 - factor) as f64 + 0.4 - height * (round as f64 + 0.5);
    let mut boxes_per_round = Vec::new();
    let mut dots_per_round = Vec::new();
    for (r, round) in rounds.iter().enumerate() {
        let color = round_color(dark, r);
        let mut boxes = Vec::new();
        let mut dots = Vec::new();
        for (f, factor) in factors.iter().enumerate() {
            let Some(stats) = round.stats(&factor.id) else { continue };
            let y = y_of(r, f);
            dots.push([stats.mean, y]);
            if stats.min == stats.max {
                continue;
            }
            let (low, high) = ((stats.mean - stats.spread).max(1.0), (stats.mean + stats.spread).min(5.0));
            let spread = egui_plot::BoxSpread::new(stats.min as f64, low, stats.mean, high, stats.max as f64);
            let name = format!("{}: {}", factor_name(l, factor), stats_text(l, round, &factor.id));
            boxes.push(
                egui_plot::BoxElem::new(y, spread)
                    .box_width(height * 0.7)
                    .whisker_width(height * 0.5)
                    .fill(color.gamma_multiply(0.25))
                    .stroke(egui::Stroke::new(2.0, color))
                    .name(name),
            );
        }
        // On hover: the round, the factor and its figures in words.
        let title = round.title.clone();
        boxes_per_round.push(
            egui_plot::BoxPlot::new(round.title.clone(), boxes)
                .color(color)
                .horizontal()
                .element_formatter(Box::new(move |elem, _| format!("{title}\n{}", elem.name))),
        );
        dots_per_round.push(
            egui_plot::Points::new(round.title.clone(), dots)
                .color(color)
                .filled(true)
                .radius(5.0)
                .shape(egui_plot::MarkerShape::Circle),
        );
    }
    // Hovering a dot says what it stands for; elsewhere the chart shows no coordinates.
    let hover: Vec<(String, Vec<String>)> = rounds
        .iter()
        .map(|round| {
            let per_factor = factors
                .iter()
                .map(|factor| format!("{}: {}", factor_name(l, factor), stats_text(l, round, &factor.id)))
                .collect();
            (round.title.clone(), per_factor)
        })
        .collect();
    let names: Vec<String> = factors.iter().map(|f| factor_name(l, f)).collect();
    egui_plot::Plot::new("reflection-chart")
        .height(40.0 + 36.0 * rows as f32)
        .legend(egui_plot::Legend::default())
        .include_x(0.5)
        .include_x(5.5)
        .include_y(-0.5)
        .include_y(rows as f64 - 0.5)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .y_axis_min_width(220.0)
        .label_formatter(move |hovered| match hovered {
            egui_plot::HoverPosition::NearDataPoint { plot_name, position, .. } => {
                let (_, per_factor) = hover.iter().find(|(title, _)| title == plot_name)?;
                let factor = rows as f64 - 1.0 - position.y.round();
                let line = per_factor.get(usize::try_from(factor as i64).ok()?)?;
                Some(format!("{plot_name}\n{line}"))
            }
            egui_plot::HoverPosition::Elsewhere { .. } => None,
        })
        .y_grid_spacer(move |_| {
            (0..rows).map(|row| egui_plot::GridMark { value: row as f64, step_size: 1.0 }).collect()
        })
        .y_axis_formatter(move |mark, _range| {
            let row = mark.value.round();
            let index = rows as f64 - 1.0 - row;
            if (mark.value - row).abs() < 1e-6 && index >= 0.0 {
                names.get(index as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            for (boxes, dots) in boxes_per_round.into_iter().zip(dots_per_round) {
                plot.box_plot(boxes);
                plot.points(dots);
            }
        });
}

/// The same figures as text: what screen readers, tests and the report use.
fn figures(ui: &mut egui::Ui, l: Language, snapshot: &NetworkSnapshot, rounds: &[&ReflectionRound]) {
    egui::Grid::new("reflection-figures").striped(true).show(ui, |ui| {
        ui.strong(tr(l, Text::Factor));
        for round in rounds {
            ui.strong(&round.title);
        }
        ui.end_row();
        for factor in snapshot.active_factors() {
            ui.label(factor_name(l, factor));
            for round in rounds {
                ui.label(stats_text(l, round, &factor.id));
            }
            ui.end_row();
        }
    });
}

/// A factor's scores in plain words: "gemiddeld 3,5 · 4 mensen, de meningen liggen dicht bij
/// elkaar", "gemiddeld 4,0 · 1 persoon", or a dash when nobody scored it.
pub fn stats_text(l: Language, round: &ReflectionRound, factor: &FactorId) -> String {
    match round.stats(factor) {
        Some(stats) => crate::i18n::opinion_words(l, stats.mean, stats.spread, stats.count),
        None => "–".to_string(),
    }
}

fn comments(
    ui: &mut egui::Ui,
    state: &mut AppState,
    forms: &mut ReflectionPage,
    snapshot: &NetworkSnapshot,
    round: &ReflectionRound,
) {
    let l = state.language;
    let mut any = false;
    for factor in round_factors(snapshot, round) {
        let said: Vec<(&kring_model::MemberId, String, &str)> = round
            .scores
            .iter()
            .filter_map(|(member, scores)| Some((member, scores.get(&factor.id)?)))
            .filter(|(_, score)| !score.comment.is_empty())
            .map(|(member, score)| (member, super::member_name(snapshot, member), score.comment.as_str()))
            .collect();
        if said.is_empty() {
            continue;
        }
        if !any {
            ui.heading(tr(l, Text::Comments));
            any = true;
        }
        ui.strong(factor_name(l, factor));
        for (member, name, comment) in said {
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("{name}: {comment}"));
                // A comment that should never have been written (about a pupil, say).
                let key = format!("{}/{}/{}", round.id, member, factor.id);
                let erase = || kring_model::Erasure::Comment {
                    round: round.id.clone(),
                    member: member.clone(),
                    factor: factor.id.clone(),
                };
                let said = format!("{name}: {comment}");
                let erasing = &mut forms.erasing;
                super::chapter::erase_for_everyone(ui, state, erasing, &key, Text::EraseComment, &said, erase);
            });
        }
    }
}
