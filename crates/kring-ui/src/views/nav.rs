//! The bar at the top: the network (and switching to another), the screens.

use crate::app::{Forms, Screen};
use crate::i18n::{Text, tr};
use crate::state::AppState;

pub fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut Forms, screen: &mut Screen, today: &str) {
    let l = state.language;
    ui.horizontal(|ui| {
        let current = state.snapshot().map(|s| s.info.name.clone()).unwrap_or_default();
        let mut chosen = None;
        egui::ComboBox::from_id_salt("network").selected_text(egui::RichText::new(current).strong()).show_ui(
            ui,
            |ui| {
                for network in &state.networks {
                    let selected = state.network_id() == Some(network.id.as_str());
                    if ui.selectable_label(selected, &network.name).clicked() {
                        chosen = Some(network.id.clone());
                    }
                }
                ui.separator();
                if ui.button(tr(l, Text::AddNetwork)).clicked() {
                    *screen = Screen::AddNetwork;
                }
            },
        );
        if let Some(network) = chosen {
            state.watch(&network);
            *screen = Screen::Sessions;
        }
        ui.separator();
        let tabs = [
            (Text::Sessions, Screen::Sessions),
            (Text::Questions, Screen::Questions),
            (Text::Reflection, Screen::Reflection),
            (Text::Members, Screen::Members),
            (Text::Settings, Screen::Settings),
        ];
        for (text, target) in tabs {
            let selected = match (&target, &*screen) {
                (Screen::Sessions, Screen::Session(_)) => true,
                (target, screen) => target == screen,
            };
            if ui.selectable_label(selected, tr(l, text)).clicked() {
                *screen = target;
            }
        }
        ui.separator();
        super::file_menu::show(ui, state, screen, today);
        super::changes::button(ui, state, forms);
    });
    if let Some(notice) = state.notice.clone() {
        ui.horizontal(|ui| {
            ui.label(notice);
            if ui.small_button(tr(l, Text::Close)).clicked() {
                state.notice = None;
            }
        });
    }
}
