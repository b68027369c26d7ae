//! Themes in the lists: a filter in the top bar ("Thema: werkplezier") that every list follows,
//! and the themes a session or question carries, ticked on its own screen.

use std::collections::BTreeSet;

use kring_model::Edit;

use crate::i18n::{Text, tr};
use crate::state::{After, AppState};

/// The filter in the top bar; shown only once the network has themes.
pub fn filter(ui: &mut egui::Ui, state: &mut AppState) {
    let l = state.language;
    let Some(snapshot) = state.shared_snapshot() else { return };
    // A leerhuis's overview also filters by the themes its linked networks shared under.
    if snapshot.info.themes.is_empty() {
        if snapshot.info.kind != kring_model::NetworkKind::Leerhuis {
            state.theme = None;
        }
        return;
    }
    let shown = state.theme.clone().unwrap_or_else(|| tr(l, Text::AllThemes).to_string());
    let mut chosen = None;
    // A fixed width: choosing a long theme does not push the top bar onto a second row.
    let width = super::nav::THEME_WIDTH;
    let picker = super::nav::fixed_width(ui, width, |ui| {
        egui::ComboBox::from_id_salt("theme-filter").selected_text(&shown).width(width).truncate().show_ui(ui, |ui| {
            if ui.selectable_label(state.theme.is_none(), tr(l, Text::AllThemes)).clicked() {
                chosen = Some(None);
            }
            for theme in &snapshot.info.themes {
                if ui.selectable_label(state.theme.as_ref() == Some(theme), theme).clicked() {
                    chosen = Some(Some(theme.clone()));
                }
            }
        })
    });
    picker.response.widget_info(|| {
        let mut info = egui::WidgetInfo::labeled(egui::Role::ComboBox, true, tr(l, Text::ThemeFilter));
        info.current_text_value = Some(shown.clone());
        info
    });
    picker.response.on_hover_text(&shown);
    if let Some(theme) = chosen {
        state.theme = theme;
    }
}

/// Where a list is empty only because of the filter: says so in the list's own words ("Geen
/// leervragen met het thema werkplezier."), with a way back to everything. Draws nothing (and
/// answers false) when no theme is chosen.
pub fn nothing_under_filter(ui: &mut egui::Ui, state: &mut AppState, words: Text) -> bool {
    let Some(theme) = state.theme.clone() else { return false };
    let l = state.language;
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("{} {theme}.", tr(l, words)));
        if ui.button(tr(l, Text::ShowAllThemes)).clicked() {
            state.theme = None;
        }
    });
    true
}

/// A record's themes as chips, on a card on the board or beside a meeting in the list.
pub fn on_card(ui: &mut egui::Ui, themes: &BTreeSet<String>) {
    if themes.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        for theme in themes {
            egui::Frame::new()
                .fill(ui.visuals().widgets.inactive.weak_bg_fill)
                .corner_radius(4)
                .inner_margin(egui::Margin::symmetric(5, 1))
                .show(ui, |ui| ui.label(egui::RichText::new(theme).color(ui.visuals().strong_text_color())));
        }
    });
}

/// Whether a record with `themes` shows under the filter.
pub fn passes(state: &AppState, themes: &BTreeSet<String>) -> bool {
    state.theme.as_ref().is_none_or(|theme| themes.contains(theme))
}

/// The network's themes, those the record carries ticked; a click ticks or unticks one.
pub fn tags(ui: &mut egui::Ui, state: &mut AppState, carried: &BTreeSet<String>, edit: impl Fn(String, bool) -> Edit) {
    let l = state.language;
    let Some(snapshot) = state.shared_snapshot() else { return };
    if snapshot.info.themes.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(tr(l, Text::Themes));
        for theme in &snapshot.info.themes {
            let on = carried.contains(theme);
            let chip = ui.selectable_label(on, theme);
            chip.widget_info(|| {
                let spoken = format!("{}: {theme}", tr(l, Text::Themes));
                egui::WidgetInfo::selected(egui::Role::Button, true, on, spoken)
            });
            if chip.clicked() {
                state.edit(After::Nothing, edit(theme.clone(), !on));
            }
        }
    });
}
