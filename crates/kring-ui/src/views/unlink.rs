//! Unlinking a network from a leerhuis, on the network's page: a coordinator chooses whether
//! what the network shared is withdrawn or kept as an archive, reads what will happen, and
//! confirms. The node takes the same steps as `kring leerhuis unlink`.

use kring_model::leerhuis::LeerhuisLink;
use kring_node::client::Command;

use crate::i18n::{Text, tr};
use crate::state::{After, AppState};

/// The confirmation being shown: for which leerhuis, and whether to withdraw what was shared.
#[derive(Debug, Default)]
pub struct UnlinkDialog {
    pub asking: Option<(String, bool)>,
}

impl UnlinkDialog {
    /// "Ontkoppelen van het leerhuis…" beside `link`.
    pub fn button(&mut self, ui: &mut egui::Ui, state: &AppState, link: &LeerhuisLink) {
        if ui.small_button(tr(state.language, Text::UnlinkFromLeerhuis)).clicked() {
            self.asking = Some((link.id.to_string(), true));
        }
    }

    /// The choice and what it does, below `link` while asked for it; `network` is this page's.
    pub fn confirm(&mut self, ui: &mut egui::Ui, state: &mut AppState, network: &str, link: &LeerhuisLink) {
        let l = state.language;
        let Some((leerhuis, withdraw)) = self.asking.as_mut().filter(|(id, _)| id == link.id.as_str()) else { return };
        let mut cancel = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.strong(format!("{} {}", tr(l, Text::UnlinkFromLeerhuis).trim_end_matches('…'), link.name));
            ui.radio_value(withdraw, true, tr(l, Text::UnlinkWithdraw));
            ui.radio_value(withdraw, false, tr(l, Text::UnlinkArchive));
            ui.add(egui::Label::new(tr(l, Text::UnlinkExplained)).wrap());
            let shared = if *withdraw { Text::UnlinkWithdrawExplained } else { Text::UnlinkArchiveExplained };
            ui.add(egui::Label::new(tr(l, shared)).wrap());
            ui.horizontal(|ui| {
                if ui.button(tr(l, Text::UnlinkNow)).clicked() {
                    let command = Command::Unlink {
                        network: network.to_string(),
                        leerhuis: leerhuis.clone(),
                        withdraw: *withdraw,
                    };
                    state.send(command, After::Unlinked);
                }
                cancel = ui.button(tr(l, Text::Cancel)).clicked();
            });
            super::error_line(ui, state, After::Unlinked);
        });
        if cancel {
            self.asking = None;
        }
    }
}
