//! The bar at the top: the network (and switching to another), the screens, the theme filter,
//! search and the file menu. It wraps onto a second line only in a narrow window, never because
//! of something that comes and goes: "what changed" and messages ("Opgeslagen: …") show in the
//! bar at the bottom, so the page never jumps when they appear.

use crate::i18n::{Text, tr};
use crate::screen::Screen;
use crate::state::AppState;

pub fn show(ui: &mut egui::Ui, state: &mut AppState, screen: &mut Screen, search: &mut super::search::SearchPage) {
    let l = state.language;
    ui.horizontal_wrapped(|ui| {
        // The shown network's name; while its view is on its way, the name from the list.
        let current = state.snapshot().map(|s| s.info.name.clone()).unwrap_or_else(|| {
            let wanted = state.wanted_network.as_deref();
            let listed = state.networks.iter().find(|n| Some(n.id.as_str()) == wanted);
            listed.map(|n| n.name.clone()).unwrap_or_default()
        });
        let mut chosen = None;
        let picker = egui::ComboBox::from_id_salt("network")
            .selected_text(egui::RichText::new(&current).strong())
            .show_ui(ui, |ui| {
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
            });
        // A name for screen readers (the picker shows no label of its own).
        picker.response.widget_info(|| {
            let mut info = egui::WidgetInfo::labeled(egui::accesskit::Role::ComboBox, true, tr(l, Text::ChooseNetwork));
            info.current_text_value = Some(current.clone());
            info
        });
        if let Some(network) = chosen {
            state.watch(&network);
            *screen = Screen::Sessions;
        }
        ui.separator();
        let tabs = [
            (Text::Sessions, Screen::Sessions),
            (Text::Questions, Screen::Questions),
            (Text::Actions, Screen::Actions),
            (Text::Reflection, Screen::Reflection),
            (Text::Members, Screen::Members),
            (Text::TheNetwork, Screen::Network),
            (Text::Bin, Screen::Bin),
            (Text::Settings, Screen::Settings),
        ];
        for (text, target) in tabs {
            if ui.selectable_label(screen.tab() == target, tr(l, text)).clicked() {
                *screen = target;
            }
        }
        ui.separator();
        super::themes::filter(ui, state);
        search.field(ui, state, screen);
        super::file_menu::show(ui, state, screen);
    });
}

/// What the last action did ("Opgeslagen: …", "Gewist …"), above the status bar until closed.
pub fn notice(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(notice) = state.notice.clone() else { return };
    let l = state.language;
    egui::Frame::new().fill(ui.visuals().faint_bg_color).inner_margin(egui::Margin::symmetric(6, 3)).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            ui.label(notice);
            if ui.small_button(tr(l, Text::Close)).clicked() {
                state.notice = None;
            }
        });
    });
}
