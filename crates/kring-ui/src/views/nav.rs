//! The bar at the top: the network's name, the screens, the language.

use crate::app::Screen;
use crate::i18n::{Language, Text, tr};
use crate::state::AppState;

pub fn show(ui: &mut egui::Ui, state: &mut AppState, screen: &mut Screen) {
    let l = state.language;
    ui.horizontal(|ui| {
        if let Some(open) = &state.open {
            ui.strong(&open.snapshot.info.name);
            ui.separator();
        }
        if ui.selectable_label(matches!(screen, Screen::Sessions | Screen::Session(_)), tr(l, Text::Sessions)).clicked()
        {
            *screen = Screen::Sessions;
        }
        if ui.selectable_label(*screen == Screen::Questions, tr(l, Text::Questions)).clicked() {
            *screen = Screen::Questions;
        }
        ui.separator();
        ui.label(tr(l, Text::LanguageLabel));
        for language in Language::ALL {
            let label = match language {
                Language::Nl => "Nederlands",
                Language::En => "English",
            };
            if ui.selectable_label(state.language == language, label).clicked() {
                state.set_language(language);
            }
        }
    });
}
