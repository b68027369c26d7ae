//! The desktop client: which screen is shown, what is being typed, and the frame loop.

use std::collections::HashMap;

use kring_model::{FactorId, Perspective, Role, RoundId, SessionId, SessionKind, TextField};

use crate::state::{After, AppState};
use crate::views;
use crate::views::text_editor::Draft;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Sessions,
    Session(SessionId),
    Questions,
    Reflection,
    Members,
    Settings,
    /// Start or join another network.
    AddNetwork,
}

/// What the person is typing, kept apart from the network until they act.
#[derive(Default)]
pub struct Forms {
    pub my_name: String,
    pub perspective: Perspective,
    pub organisation: String,
    pub network_name: String,
    pub ticket: String,
    pub session_title: String,
    pub session_kind: SessionKind,
    pub session_date: String,
    pub session_location: String,
    pub question_title: String,
    pub selected_question: Option<kring_model::QuestionId>,
    pub action_text: String,
    pub action_due: String,
    pub invite_role: Role,
    pub invite_uses: u32,
    pub invite_days: u32,
    /// The last ticket made, shown with a copy button and a QR code.
    pub ticket_made: Option<String>,
    /// A member the coordinator asked to remove, waiting for confirmation.
    pub confirm_remove: Option<kring_model::MemberId>,
    pub connect_address: String,
    pub relay_url: String,
    pub show_peers: bool,
    pub show_changes: bool,
    pub drafts: HashMap<TextField, Draft>,
    pub round_title: String,
    pub selected_round: Option<RoundId>,
    /// Comments typed beside a score, per round and factor.
    pub score_comments: HashMap<(RoundId, FactorId), String>,
    /// A round the coordinator asked to close, waiting for confirmation.
    pub confirm_close_round: Option<RoundId>,
}

pub struct KringApp {
    pub state: AppState,
    pub screen: Screen,
    pub forms: Forms,
    /// A screen to open as soon as the network is shown (`--screen`).
    pub first_screen: Option<String>,
}

impl KringApp {
    pub fn new(state: AppState) -> KringApp {
        let forms = Forms {
            session_date: today(),
            session_kind: SessionKind::Plg,
            invite_role: Role::Member,
            invite_uses: 1,
            invite_days: 7,
            relay_url: state.config.relay_url.clone().unwrap_or_default(),
            ..Forms::default()
        };
        KringApp { state, screen: Screen::Sessions, forms, first_screen: None }
    }

    /// Draws one frame. Also what the UI tests drive.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        for finished in self.state.receive(ui.ctx()) {
            self.after(finished.after, finished.value);
        }
        egui::Panel::bottom("status").show(ui, |ui| views::status::show(ui, &mut self.state, &mut self.forms));
        if let Some(reason) = &self.state.failed {
            egui::CentralPanel::default_margins().show(ui, |ui| {
                ui.colored_label(ui.visuals().error_fg_color, reason);
            });
            return;
        }
        let no_network = self.state.loaded && self.state.networks.is_empty();
        if no_network || self.screen == Screen::AddNetwork {
            egui::CentralPanel::default_margins().show(ui, |ui| {
                views::first_start::show(ui, &mut self.state, &mut self.forms, &mut self.screen);
            });
            return;
        }
        let today = today();
        egui::Panel::top("nav")
            .show(ui, |ui| views::nav::show(ui, &mut self.state, &mut self.forms, &mut self.screen, &today));
        if self.state.view.is_none() {
            egui::CentralPanel::default_margins().show(ui, |ui| {
                ui.spinner();
            });
            return;
        }
        if let Some(name) = self.first_screen.take() {
            self.screen = self.named_screen(&name);
        }
        let (state, forms) = (&mut self.state, &mut self.forms);
        views::changes::panel(ui, state, forms, &mut self.screen);
        egui::CentralPanel::default_margins().show(ui, |ui| match self.screen.clone() {
            Screen::Sessions => views::sessions::show(ui, state, forms, &mut self.screen, &today),
            Screen::Session(id) => views::session::show(ui, state, forms, &mut self.screen, &id),
            Screen::Questions => views::questions::show(ui, state, forms),
            Screen::Reflection => views::reflection::show(ui, state, forms),
            Screen::Members => views::members::show(ui, state, forms),
            Screen::Settings => views::settings::show(ui, state, forms),
            Screen::AddNetwork => {}
        });
    }

    fn named_screen(&self, name: &str) -> Screen {
        match name {
            "questions" => Screen::Questions,
            "reflection" => Screen::Reflection,
            "members" => Screen::Members,
            "settings" => Screen::Settings,
            "session" => {
                // The next meeting, or else the last one held.
                let today = today();
                let sessions: Vec<_> = self.state.snapshot().map(|s| s.live_sessions().collect()).unwrap_or_default();
                let next = sessions.iter().filter(|s| s.starts_at >= today).min_by_key(|s| s.starts_at.clone());
                let last = sessions.iter().max_by_key(|s| s.starts_at.clone());
                next.or(last).map(|s| Screen::Session(s.id.clone())).unwrap_or(Screen::Sessions)
            }
            _ => Screen::Sessions,
        }
    }

    /// Acts on a command that succeeded.
    fn after(&mut self, after: After, value: Option<String>) {
        match after {
            After::Nothing => {}
            After::OpenNetwork => {
                if let Some(network) = value {
                    self.state.watch(&network);
                    self.screen = Screen::Sessions;
                    self.forms.ticket.clear();
                    self.forms.network_name.clear();
                }
            }
            After::OpenSession => {
                self.forms.session_title.clear();
                if let Some(id) = value {
                    self.screen = Screen::Session(SessionId::new(id));
                }
            }
            After::ClearQuestionForm => self.forms.question_title.clear(),
            After::ClearActionForm => self.forms.action_text.clear(),
            After::ShowTicket => self.forms.ticket_made = value,
            After::OpenRound => {
                self.forms.round_title.clear();
                self.forms.selected_round = value.map(RoundId::new);
            }
            After::Saved => {
                let l = self.state.language;
                self.state.notice =
                    value.map(|path| format!("{} {path}", crate::i18n::tr(l, crate::i18n::Text::SavedTo)));
            }
            After::Imported => {
                let l = self.state.language;
                let text = crate::i18n::tr(l, crate::i18n::Text::BundleImported);
                self.state.notice = value.map(|count| format!("{text} {count}"));
            }
            After::MemberRemoved => {
                if value.is_some() {
                    let text = crate::i18n::tr(self.state.language, crate::i18n::Text::RemovedRevokesInvites);
                    self.state.notice = Some(text.to_string());
                }
            }
        }
    }
}

const LAST_NETWORK: &str = "last_network";

impl eframe::App for KringApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    /// Only interface preferences live in eframe's storage; network data never does.
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Some(network) = self.state.network_id() {
            storage.set_string(LAST_NETWORK, network.to_string());
        }
    }
}

/// The network used last time, from eframe's storage.
pub fn last_network(storage: Option<&dyn eframe::Storage>) -> Option<String> {
    storage?.get_string(LAST_NETWORK)
}

fn today() -> String {
    jiff::Zoned::now().date().strftime("%Y-%m-%d").to_string()
}
