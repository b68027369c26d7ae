//! The sync status, always visible at the bottom: how far this laptop reaches, who is
//! connected, whether everything is in sync, what others changed; per-peer details and "connect
//! by address" on click.

use kring_node::client::{Command, Reach};
use kring_node::{FoundVia, PeerPath};

use crate::i18n::{Language, Text, tr};
use crate::state::{After, AppState};

/// The status bar's own state: whether the details are open, the address being typed.
#[derive(Default)]
pub struct StatusBar {
    pub show_peers: bool,
    pub connect_address: String,
}

impl StatusBar {
    /// The bar; `show_changes` is whether "what changed" is open on the right.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, show_changes: &mut bool) {
        show(ui, state, self, show_changes)
    }
}

fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut StatusBar, show_changes: &mut bool) {
    let l = state.language;
    let status = &state.status;
    ui.horizontal_wrapped(|ui| {
        let (color, reach) = match status.reach {
            Reach::Offline => (egui::Color32::GRAY, tr(l, Text::ReachOffline)),
            Reach::LanOnly => (egui::Color32::from_rgb(230, 160, 40), tr(l, Text::ReachLan)),
            Reach::Online => (super::GREEN, tr(l, Text::ReachOnline)),
        };
        super::dot(ui, color);
        ui.label(reach);
        ui.separator();
        let connected = state.connected_here();
        ui.label(format!("{connected} {}", tr(l, Text::PeersConnected)));
        ui.separator();
        if state.removed_from_open() {
            ui.colored_label(ui.visuals().warn_fg_color, tr(l, Text::RemovedFromNetwork))
                .on_hover_text(tr(l, Text::RemovedExplained));
        } else if status.syncing() {
            ui.spinner();
            ui.label(tr(l, Text::Syncing));
            if let Some((received, total)) = status.progress() {
                ui.label(format!("{} / {} {}", megabytes(received), megabytes(total), tr(l, Text::Received)));
            }
        } else if connected > 0 {
            ui.label(tr(l, Text::InSync));
        }
        if let Some(at) = status.last_synced() {
            ui.separator();
            ui.label(format!("{} {}", tr(l, Text::LastSynced), super::local_time(l, at)));
        }
        // What others changed, once their work came in: here, so the top bar holds still.
        if state.changes().is_some_and(|changes| !changes.is_empty()) {
            ui.separator();
            super::changes::button(ui, state, show_changes);
        }
        ui.separator();
        if ui.selectable_label(forms.show_peers, tr(l, Text::PeerDetails)).clicked() {
            forms.show_peers = !forms.show_peers;
        }
    });
    if let Some(refused) = &state.status.refused_change {
        ui.colored_label(ui.visuals().error_fg_color, refused_change_words(state, refused));
    }
    if let Some(switched) = super::chapter::switched_line(state) {
        ui.label(switched);
    }
    if forms.show_peers {
        details(ui, state, forms, l);
    }
}

/// "Bram Jansens laptop stuurde een wijziging die Kring weigert: zichzelf coördinator maken".
pub fn refused_change_words(state: &AppState, refused: &kring_node::client::RefusedChange) -> String {
    let l = state.language;
    let name = refused.member.as_ref().and_then(|member| {
        state.snapshot()?.members.get(&kring_model::MemberId::new(member.clone())).map(|m| m.name.clone())
    });
    let who = match name {
        Some(name) => crate::i18n::laptop_of(l, &name),
        None => tr(l, Text::UnknownLaptop).to_string(),
    };
    format!("{who} {} {}", tr(l, Text::RefusedFrom), crate::i18n::breach_words(l, refused.breach))
}

fn found_via(via: FoundVia) -> Text {
    match via {
        FoundVia::Incoming => Text::FoundIncoming,
        FoundVia::Lan => Text::FoundLan,
        FoundVia::Typed => Text::FoundTyped,
        FoundVia::Ticket => Text::FoundTicket,
        FoundVia::Member => Text::FoundMember,
    }
}

/// Bytes as megabytes with one decimal: "4.8 MB".
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn details(ui: &mut egui::Ui, state: &mut AppState, forms: &mut StatusBar, l: Language) {
    ui.separator();
    let snapshot = state.snapshot();
    egui::Grid::new("peers").striped(true).show(ui, |ui| {
        for text in [Text::Device, Text::Member, Text::Connection, Text::FoundVia, Text::Status, Text::LastSynced] {
            ui.strong(tr(l, text));
        }
        ui.end_row();
        for (device, peer) in &state.status.peers {
            ui.monospace(super::short(device));
            let member = snapshot.and_then(|s| s.member_for_device(device)).map(|m| m.name.clone());
            ui.label(member.unwrap_or_default());
            if peer.connected {
                let (how, addr) = match &peer.path {
                    Some(PeerPath::Local { addr }) => (Some(Text::ViaLocalNetwork), Some(addr)),
                    Some(PeerPath::Internet { addr }) => (Some(Text::ViaInternet), Some(addr)),
                    Some(PeerPath::Relay) => (Some(Text::ViaRelay), None),
                    None => (None, None),
                };
                let words = how.map_or(tr(l, Text::Connected).to_string(), |how| {
                    format!("{} {}", tr(l, Text::Connected), tr(l, how))
                });
                // The address itself only for whoever hovers over it.
                let shown = ui.label(words);
                if let Some(addr) = addr {
                    shown.on_hover_text(addr);
                }
            } else {
                ui.label("—");
            }
            ui.label(peer.found_via.map(|via| tr(l, found_via(via))).unwrap_or_default());
            let state_text = if peer.refused {
                tr(l, Text::Refused)
            } else if !peer.receiving.is_empty() {
                tr(l, Text::Syncing)
            } else if !peer.in_sync.is_empty() {
                tr(l, Text::InSync)
            } else {
                ""
            };
            ui.label(state_text);
            ui.label(peer.last_synced.map(|at| super::local_time(l, at)).unwrap_or_default());
            ui.end_row();
        }
    });
    // Addresses are for when the school network does not find a colleague by itself: out of
    // sight until asked for.
    egui::CollapsingHeader::new(tr(l, Text::Advanced)).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(tr(l, Text::YourAddress));
            ui.monospace(&state.status.address);
            if ui.small_button(tr(l, Text::Copy)).clicked() {
                ui.ctx().copy_text(state.status.address.clone());
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label(tr(l, Text::ConnectTo));
            let field = ui.text_edit_singleline(&mut forms.connect_address).labelled_by(label.id);
            if ui.button(tr(l, Text::Connect)).clicked() || super::entered(&field) {
                state.send(Command::Connect { address: forms.connect_address.clone() }, After::Connected);
            }
        });
    });
    super::error_line(ui, state, After::Connected);
}
