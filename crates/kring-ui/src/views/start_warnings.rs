//! What starting found (a network that could not be opened, a damaged file set aside), at the
//! top of the window in the person's language with what they can do, until they close it.

use crate::i18n::{Text, tr};
use crate::state::AppState;

pub(crate) fn panel(ui: &mut egui::Ui, state: &mut AppState) {
    if state.warnings.is_empty() {
        return;
    }
    let l = state.language;
    egui::Panel::top("start-warnings").show(ui, |ui| {
        ui.add_space(4.0);
        for warning in &state.warnings {
            let text = crate::i18n::errors::start_warning(l, warning);
            ui.add(egui::Label::new(egui::RichText::new(text).color(ui.visuals().warn_fg_color)).wrap());
        }
        if ui.button(tr(l, Text::Close)).clicked() {
            state.warnings.clear();
        }
        ui.add_space(4.0);
    });
}
