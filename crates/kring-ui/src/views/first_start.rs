//! Who you are, and the network you start or join (first start, and "another network").

use kring_model::{Perspective, Profile};

use crate::app::{Forms, Screen};
use crate::i18n::{Text, tr, word};
use crate::state::AppState;

pub fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut Forms, screen: &mut Screen) {
    let l = state.language;
    if state.networks.is_empty() {
        ui.heading(tr(l, Text::Welcome));
    } else {
        if ui.button(tr(l, Text::Back)).clicked() {
            *screen = Screen::Sessions;
        }
        ui.heading(tr(l, Text::AddNetwork));
    }
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
    let profile = Profile {
        name: forms.my_name.clone(),
        perspective: forms.perspective,
        organisation: forms.organisation.clone(),
    };
    let busy = !state.is_idle();

    ui.add_space(12.0);
    ui.strong(tr(l, Text::StartNew));
    super::field(ui, tr(l, Text::NetworkName), &mut forms.network_name);
    if ui.add_enabled(!busy, egui::Button::new(tr(l, Text::CreateNetwork))).clicked() {
        state.create_network(&forms.network_name, profile.clone());
    }

    ui.add_space(12.0);
    ui.strong(tr(l, Text::JoinExisting));
    ui.label(tr(l, Text::PasteTicket));
    let label = ui.label(tr(l, Text::Ticket));
    ui.add(egui::TextEdit::multiline(&mut forms.ticket).desired_rows(3).desired_width(f32::INFINITY))
        .labelled_by(label.id);
    ui.horizontal(|ui| {
        if ui.add_enabled(!busy, egui::Button::new(tr(l, Text::Join))).clicked() {
            state.join(&forms.ticket, profile);
        }
        if busy {
            ui.spinner();
        }
    });
    super::error_line(ui, &state.error);
}
