//! Settings: language, offline mode, a school's own relay; where the data lives.

use crate::app::Forms;
use crate::i18n::{Language, Text, tr};
use crate::state::AppState;

pub fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut Forms) {
    let l = state.language;
    ui.heading(tr(l, Text::Settings));
    ui.horizontal(|ui| {
        ui.label(tr(l, Text::LanguageLabel));
        for language in Language::ALL {
            let name = match language {
                Language::Nl => "Nederlands",
                Language::En => "English",
            };
            if ui.selectable_label(state.language == language, name).clicked() {
                state.set_language(language);
            }
        }
    });
    let mut offline = state.config.offline;
    if ui.checkbox(&mut offline, tr(l, Text::OfflineMode)).changed() {
        state.config.offline = offline;
        state.save_settings();
    }
    ui.label(tr(l, Text::OfflineExplained));
    let response = super::field(ui, tr(l, Text::RelayUrl), &mut forms.relay_url);
    if response.lost_focus() {
        let url = forms.relay_url.trim();
        state.config.relay_url = (!url.is_empty()).then(|| url.to_string());
        state.save_settings();
    }
    ui.label(tr(l, Text::AppliesAtRestart));
    ui.separator();
    ui.horizontal(|ui| {
        ui.label(tr(l, Text::DataFolder));
        ui.monospace(state.data_root.display().to_string());
    });
    super::error_line(ui, &state.error);
}
