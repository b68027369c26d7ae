//! The bar at the top: the network (and switching to another), the screens, the theme filter,
//! search and the file menu, on one row from 1100 px wide (the window's first size) in Dutch and
//! in English. It wraps onto a second line only in a narrower window, never because of something
//! that comes and goes: "what changed" and messages ("Opgeslagen: …") show in the bar at the
//! bottom, and the network's name and the chosen theme sit in boxes of a fixed width, so the page
//! never jumps when they change.

use crate::i18n::{Text, tr};
use crate::screen::Screen;
use crate::state::AppState;

pub fn show(ui: &mut egui::Ui, state: &mut AppState, screen: &mut Screen, search: &mut super::search::SearchPage) {
    let l = state.language;
    ui.horizontal_wrapped(|ui| {
        // Tighter than egui's default, so the whole bar fits on one row at 1100 px.
        ui.spacing_mut().item_spacing.x = 4.0;
        ui.spacing_mut().button_padding.x = 5.0;
        // The shown network's name; while its view is on its way, the name from the list.
        let current = state.snapshot().map(|s| s.info.name.clone()).unwrap_or_else(|| {
            let wanted = state.wanted_network.as_deref();
            let listed = state.networks.iter().find(|n| Some(n.id.as_str()) == wanted);
            listed.map(|n| n.name.clone()).unwrap_or_default()
        });
        let mut chosen = None;
        let mut open_timeline = false;
        let picker = fixed_width(ui, NETWORK_WIDTH, |ui| {
            egui::ComboBox::from_id_salt("network")
                .selected_text(egui::RichText::new(&current).strong())
                .width(NETWORK_WIDTH)
                .truncate()
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
                    // The researcher's view across them all.
                    if state.networks.len() > 1 && ui.button(tr(l, Text::Timeline)).clicked() {
                        open_timeline = true;
                    }
                })
        });
        // A name for screen readers (the picker shows no label of its own).
        picker.response.widget_info(|| {
            let mut info = egui::WidgetInfo::labeled(egui::accesskit::Role::ComboBox, true, tr(l, Text::ChooseNetwork));
            info.current_text_value = Some(current.clone());
            info
        });
        picker.response.on_hover_text(&current);
        if open_timeline {
            state.send(kring_node::client::Command::Timeline, crate::state::After::Nothing);
            *screen = Screen::Timeline;
        }
        if let Some(network) = chosen {
            state.watch(&network);
            *screen = Screen::Sessions;
        }
        ui.separator();
        // A leerhuis has its overview first: what the linked networks shared.
        let leerhuis = state.snapshot().is_some_and(|s| s.info.kind == kring_model::NetworkKind::Leerhuis);
        let overview = leerhuis.then_some((Text::Overview, Screen::Leerhuis));
        let tabs = overview.into_iter().chain([
            (Text::Sessions, Screen::Sessions),
            (Text::Questions, Screen::Questions),
            (Text::Actions, Screen::Actions),
            (Text::Reflection, Screen::Reflection),
            (Text::Members, Screen::Members),
            (Text::TheNetwork, Screen::Network),
            (Text::Bin, Screen::Bin),
            (Text::Settings, Screen::Settings),
        ]);
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

/// How wide the network's name and the theme filter are, whatever they show: a long name is cut
/// short (and said in full on hover) rather than pushing the bar onto a second row.
const NETWORK_WIDTH: f32 = 150.0;
pub(crate) const THEME_WIDTH: f32 = 120.0;

/// Draws `add` in exactly `width`: a combo box in it cuts its text short instead of growing.
pub(crate) fn fixed_width<R>(ui: &mut egui::Ui, width: f32, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    let height = ui.spacing().interact_size.y;
    ui.allocate_ui_with_layout(egui::vec2(width, height), egui::Layout::left_to_right(egui::Align::Center), add).inner
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
