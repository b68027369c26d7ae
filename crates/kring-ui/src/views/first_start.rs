//! First start: who you are and the network you start.

use kring_model::{Perspective, Profile};

use crate::app::Forms;
use crate::i18n::{Text, tr, word};
use crate::state::AppState;

pub fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut Forms) {
    let l = state.language;
    ui.heading(tr(l, Text::Welcome));
    ui.label(tr(l, Text::WelcomeIntro));
    ui.add_space(8.0);
    super::field(ui, tr(l, Text::YourName), &mut forms.my_name);
    ui.horizontal(|ui| {
        ui.label(tr(l, Text::Perspective));
        for perspective in Perspective::ALL {
            ui.selectable_value(&mut forms.perspective, *perspective, word(l, perspective.as_str()));
        }
    });
    super::field(ui, tr(l, Text::Organisation), &mut forms.organisation);
    super::field(ui, tr(l, Text::NetworkName), &mut forms.network_name);
    if ui.button(tr(l, Text::CreateNetwork)).clicked() {
        let founder = Profile {
            name: forms.my_name.clone(),
            perspective: forms.perspective,
            organisation: forms.organisation.clone(),
        };
        state.create_network(&forms.network_name, &founder);
    }
    super::error_line(ui, &state.error);
}
