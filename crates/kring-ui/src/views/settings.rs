//! Settings: language; how this laptop reaches colleagues (without the internet, found on the
//! school network, no public services), each said in plain words, with the school's own relay
//! and the technical terms under "Geavanceerd"; where the data lives.

use crate::i18n::{Language, Text, tr};
use crate::state::{After, AppState};

/// What is typed on the settings screen.
pub struct SettingsPage {
    pub relay_url: String,
    /// When the disk use of the attachments was last asked (it is asked again while shown).
    asked_use: Option<std::time::Instant>,
}

impl SettingsPage {
    pub fn new(state: &AppState) -> SettingsPage {
        SettingsPage { relay_url: state.config.relay_url.clone().unwrap_or_default(), asked_use: None }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState) {
        egui::ScrollArea::vertical().show(ui, |ui| show(ui, state, self));
    }
}

fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut SettingsPage) {
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
    ui.add_space(6.0);
    ui.strong(tr(l, Text::ConnectionHeading));
    // Each box in plain words with what it means for the person; the technical terms behind
    // them only under "Geavanceerd", for whoever looks after the school's IT.
    if state.started_offline && !state.config_at_start.offline {
        // Started offline for this session only (`kring --offline`): the setting cannot undo it.
        let mut offline = true;
        ui.add_enabled(false, egui::Checkbox::new(&mut offline, tr(l, Text::OfflineMode)));
        ui.label(tr(l, Text::StartedOffline));
    } else {
        let mut offline = state.config.offline;
        if ui.checkbox(&mut offline, tr(l, Text::OfflineMode)).changed() {
            state.config.offline = offline;
            state.save_settings();
        }
    }
    explained(ui, tr(l, Text::OfflineExplained));
    let mut lan_announce = state.config.lan_announce;
    if ui.checkbox(&mut lan_announce, tr(l, Text::LanAnnounce)).changed() {
        state.config.lan_announce = lan_announce;
        state.save_settings();
    }
    explained(ui, tr(l, Text::LanAnnounceExplained));
    let mut no_public_services = state.config.no_public_services;
    if ui.checkbox(&mut no_public_services, tr(l, Text::NoPublicServices)).changed() {
        state.config.no_public_services = no_public_services;
        state.save_settings();
    }
    explained(ui, tr(l, Text::NoPublicServicesExplained));
    ui.label(tr(l, Text::AppliesAtRestart));
    if network_settings_changed(&state.config, &state.config_at_start) {
        ui.colored_label(ui.visuals().warn_fg_color, tr(l, Text::RestartToApply));
    }
    // Open by itself when a relay is filled in, so it is never set out of sight.
    egui::CollapsingHeader::new(tr(l, Text::AdvancedSettings)).default_open(state.config.relay_url.is_some()).show(
        ui,
        |ui| {
            let response = super::field(ui, tr(l, Text::RelayUrl), &mut forms.relay_url);
            if response.lost_focus() {
                let url = forms.relay_url.trim();
                state.config.relay_url = (!url.is_empty()).then(|| url.to_string());
                state.save_settings();
            }
            explained(ui, tr(l, Text::RelayExplained));
            ui.add_space(4.0);
            ui.label(tr(l, Text::TechnicalTerms));
            for line in [Text::OfflineTechnical, Text::LanTechnical, Text::PublicTechnical] {
                explained(ui, &format!("– {}", tr(l, line)));
            }
        },
    );
    ui.separator();
    attachments(ui, state, forms);
    ui.separator();
    ui.horizontal(|ui| {
        ui.label(tr(l, Text::DataFolder));
        ui.monospace(state.data_root.display().to_string());
    });
    super::error_line(ui, state, After::Nothing);
    ui.separator();
    super::about::show(ui, l, &state.data_root);
}

/// Per network: the disk its attachments take on this laptop, and whether this laptop fetches
/// them only when opened.
fn attachments(ui: &mut egui::Ui, state: &mut AppState, forms: &mut SettingsPage) {
    let l = state.language;
    ui.strong(tr(l, Text::AttachmentsOnThisLaptop));
    // Asked again now and then: a fetch in the background fills the disk meanwhile.
    if forms.asked_use.is_none_or(|at| at.elapsed() > std::time::Duration::from_secs(5)) {
        forms.asked_use = Some(std::time::Instant::now());
        state.ask_attachment_use();
    }
    let Some(usage) = state.attachments.usage.clone() else {
        ui.spinner();
        return;
    };
    egui::Grid::new("attachment-use").num_columns(3).show(ui, |ui| {
        for network in &usage {
            ui.label(&network.name);
            ui.label(crate::i18n::file_size(l, network.bytes));
            let mut on_demand = network.on_demand;
            let label = tr(l, Text::FetchOnDemand);
            let response = ui.checkbox(&mut on_demand, label);
            let spoken = format!("{label}: {}", network.name);
            response.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, network.on_demand, &spoken));
            if response.changed() {
                state.set_fetch_policy(&network.network, on_demand);
            }
            ui.end_row();
        }
    });
    explained(ui, tr(l, Text::FetchOnDemandExplained));
}

/// A line under a setting that says what it means, wrapped at the page's width.
fn explained(ui: &mut egui::Ui, text: &str) {
    ui.indent(text, |ui| ui.add(egui::Label::new(egui::RichText::new(text).weak()).wrap()));
}

/// Whether a setting the node only reads when it starts was changed since it started.
fn network_settings_changed(now: &kring_store::Config, at_start: &kring_store::Config) -> bool {
    (now.offline, &now.relay_url, now.no_public_services, now.lan_announce)
        != (at_start.offline, &at_start.relay_url, at_start.no_public_services, at_start.lan_announce)
}
