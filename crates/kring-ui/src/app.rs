//! The desktop client: which screen is shown, each screen's own state, and the frame loop.

use kring_model::SessionId;
use kring_node::client::Outcome;

use crate::i18n::{Text, tr};
use crate::screen::Screen;
use crate::state::{After, AppState};
use crate::views;

/// Every screen's own state: what is being typed on it, what is open.
pub struct Pages {
    pub start: views::first_start::StartPage,
    pub sessions: views::sessions::SessionsPage,
    pub session: views::session::SessionPage,
    pub questions: views::questions::QuestionsPage,
    pub question: views::question::QuestionPage,
    pub reflection: views::reflection::ReflectionPage,
    pub members: views::members::MembersPage,
    pub network: views::network::NetworkPage,
    pub settings: views::settings::SettingsPage,
    pub search: views::search::SearchPage,
    pub leerhuis: views::leerhuis::OverviewPage,
    pub timeline: views::timeline::TimelinePage,
    pub status: views::status::StatusBar,
    /// "What changed" is open on the right.
    pub show_changes: bool,
}

pub struct KringApp {
    pub state: AppState,
    pub screen: Screen,
    pub pages: Pages,
    /// A screen to open as soon as the network is shown (`--screen`).
    pub first_screen: Option<String>,
    /// Kring's style is applied at the first frame.
    styled: bool,
    /// The screen of the last frame: leaving it clears its refusals.
    last_screen: Screen,
}

impl KringApp {
    pub fn new(state: AppState) -> KringApp {
        let pages = Pages {
            start: Default::default(),
            sessions: Default::default(),
            session: Default::default(),
            questions: Default::default(),
            question: Default::default(),
            reflection: Default::default(),
            members: Default::default(),
            network: Default::default(),
            settings: views::settings::SettingsPage::new(&state),
            search: Default::default(),
            leerhuis: Default::default(),
            timeline: Default::default(),
            status: Default::default(),
            show_changes: false,
        };
        KringApp {
            state,
            screen: Screen::Sessions,
            pages,
            first_screen: None,
            styled: false,
            last_screen: Screen::Sessions,
        }
    }

    /// Draws one frame. Also what the UI tests drive.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        if !self.styled {
            views::style::apply(ui.ctx());
            self.styled = true;
        }
        for finished in self.state.receive(ui.ctx()) {
            self.after(finished.after, finished.outcome);
        }
        egui::Panel::bottom("status").show(ui, |ui| {
            views::nav::notice(ui, &mut self.state);
            views::bundle_export::progress(ui, &self.state);
            self.pages.status.ui(ui, &mut self.state, &mut self.pages.show_changes);
        });
        views::start_warnings::panel(ui, &mut self.state);
        views::passphrase::window(ui.ctx(), &mut self.state);
        views::bundle_export::window(ui.ctx(), &mut self.state);
        views::share::window(ui.ctx(), &mut self.state);
        views::attachments::viewer(ui.ctx(), &mut self.state);
        if let Some(failure) = &self.state.failed {
            let reason = crate::i18n::errors::node_error(self.state.language, failure);
            egui::CentralPanel::default_margins().show(ui, |ui| {
                ui.colored_label(ui.visuals().error_fg_color, reason);
            });
            return;
        }
        let no_network = self.state.loaded && self.state.networks.is_empty();
        if no_network || self.screen == Screen::AddNetwork {
            egui::CentralPanel::default_margins().show(ui, |ui| {
                self.pages.start.ui(ui, &mut self.state, &mut self.screen);
            });
            self.left();
            return;
        }
        let (state, pages) = (&mut self.state, &mut self.pages);
        egui::Panel::top("nav").show(ui, |ui| views::nav::show(ui, state, &mut self.screen, &mut pages.search));
        if self.state.view.is_none() {
            // The list of networks is there (kept names); the document is still loading.
            let opening = !self.state.networks.is_empty();
            let l = self.state.language;
            egui::CentralPanel::default_margins().show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.spinner();
                    if opening {
                        ui.label(tr(l, Text::NetworkOpening));
                    }
                });
            });
            return;
        }
        // The screen asked for at the start, once the live view is here: the kept first view
        // may be older than the network (a meeting added from the command line meanwhile).
        if self.state.view.as_ref().is_some_and(|view| view.version > 0)
            && let Some(name) = self.first_screen.take()
        {
            self.screen = self.named_screen(&name);
        }
        let (state, pages) = (&mut self.state, &mut self.pages);
        views::changes::panel(ui, state, &mut pages.show_changes, &mut self.screen);
        let mut opened = None;
        egui::CentralPanel::default_margins().show(ui, |ui| match self.screen.clone() {
            Screen::Sessions => pages.sessions.ui(ui, state, &mut self.screen),
            Screen::Session(id) => pages.session.ui(ui, state, &mut self.screen, &id),
            Screen::Questions => pages.questions.ui(ui, state, &mut self.screen),
            Screen::Question(id) => pages.question.ui(ui, state, &mut self.screen, &id),
            Screen::Reflection => pages.reflection.ui(ui, state),
            Screen::Members => pages.members.ui(ui, state),
            Screen::Actions => views::actions::show(ui, state, &mut self.screen),
            Screen::Network => pages.network.ui(ui, state),
            Screen::Bin => views::bin::show(ui, state),
            Screen::Search => opened = pages.search.ui(ui, state),
            Screen::Settings => pages.settings.ui(ui, state),
            Screen::AddNetwork => {}
            Screen::Leerhuis => pages.leerhuis.ui(ui, state, &mut self.screen),
            Screen::Publication(id) => pages.leerhuis.publication(ui, state, &mut self.screen, &id),
            Screen::Timeline => pages.timeline.ui(ui, state),
        });
        if let Some(opened) = opened {
            self.open_hit(opened);
        }
        self.left();
    }

    /// Leaving a screen takes its refusals along: an error never shows on a later screen.
    fn left(&mut self) {
        if self.screen != self.last_screen {
            self.state.error = None;
            self.last_screen = self.screen.clone();
        }
    }

    /// Opens where a search hit is, with the hit selected in its text.
    fn open_hit(&mut self, opened: views::search::Opened) {
        if let Some(field) = opened.field {
            let drafts = match &opened.screen {
                Screen::Session(_) => &mut self.pages.session.texts.drafts,
                _ => &mut self.pages.question.texts.drafts,
            };
            drafts.entry(field).or_default().highlight = Some(opened.range);
        }
        self.pages.session.texts.history = None;
        self.pages.question.texts.history = None;
        // A hit in another network: that network is opened first (the screen waits for it).
        if let Some(network) = opened.network.filter(|n| self.state.network_id() != Some(n.as_str())) {
            self.state.watch(&network);
        }
        self.screen = opened.screen;
    }

    fn named_screen(&self, name: &str) -> Screen {
        match name {
            "questions" => Screen::Questions,
            "reflection" => Screen::Reflection,
            "members" => Screen::Members,
            "settings" => Screen::Settings,
            "actions" => Screen::Actions,
            "network" => Screen::Network,
            "bin" => Screen::Bin,
            "leerhuis" => Screen::Leerhuis,
            "timeline" => Screen::Timeline,
            "question" => {
                let snapshot = self.state.snapshot();
                let first =
                    snapshot.and_then(|s| s.live_questions().max_by_key(|q| q.votes.len()).map(|q| q.id.clone()));
                first.map(Screen::Question).unwrap_or(Screen::Questions)
            }
            "session" => {
                // The next meeting, or else the last one held.
                let today = views::today();
                let sessions: Vec<_> = self.state.snapshot().map(|s| s.live_sessions().collect()).unwrap_or_default();
                let next = sessions.iter().filter(|s| s.starts_at >= today).min_by_key(|s| s.starts_at.clone());
                let last = sessions.iter().max_by_key(|s| s.starts_at.clone());
                next.or(last).map(|s| Screen::Session(s.id.clone())).unwrap_or(Screen::Sessions)
            }
            _ => Screen::Sessions,
        }
    }

    /// Acts on a command that succeeded.
    fn after(&mut self, after: After, outcome: Outcome) {
        let l = self.state.language;
        let say = |text| Some(crate::i18n::tr(l, text).to_string());
        match after {
            After::Nothing | After::Connected | After::NetworkEdited => {}
            After::OpenNetwork | After::Started | After::Linked | After::Refreshed | After::OpenBundle => {
                if let Some(network) = outcome.network() {
                    self.state.watch(network);
                    self.screen = Screen::Sessions;
                    self.pages.start.clear();
                }
                if after == After::Refreshed {
                    self.state.notice = say(crate::i18n::Text::TicketRefreshed);
                }
            }
            After::OpenSession => {
                self.pages.sessions.clear();
                if let Some(id) = outcome.created() {
                    self.screen = Screen::Session(SessionId::new(id));
                }
            }
            After::ClearQuestionForm => self.pages.questions.title.clear(),
            After::ClearActionForm => self.pages.session.clear_action(),
            After::ShowTicket | After::ShowLinkTicket => {
                let Outcome::Ticket(ticket) = outcome else { return };
                match after {
                    After::ShowTicket => {
                        self.pages.members.ticket_made = Some(ticket);
                        // The next invitation is for someone else.
                        self.pages.members.invite_for.clear();
                    }
                    _ => self.pages.members.link_made = Some(ticket),
                }
            }
            After::OpenRound => {
                self.pages.reflection.round_title.clear();
                self.pages.reflection.selected_round = outcome.created().map(kring_model::RoundId::new);
            }
            After::Attached => {}
            After::OpenedAttachment => {
                if let Outcome::Saved(path) = outcome {
                    self.state.hand_to_viewer(&path);
                }
            }
            After::FetchedToView => {
                if let Some((attachment, name)) = self.state.attachments.view_when_fetched.take() {
                    self.state.show_full(&attachment, &name);
                }
            }
            After::Saved | After::SavedAttachment => {
                let text = crate::i18n::tr(l, crate::i18n::Text::SavedTo);
                if let Outcome::Saved(path) = outcome {
                    self.state.notice = Some(format!("{text} {}", path.display()));
                }
            }
            After::Imported => {
                let text = crate::i18n::tr(l, crate::i18n::Text::BundleImported);
                self.state.notice = match outcome {
                    Outcome::Merged { changes, attachments: 0 } => Some(format!("{text} {changes}")),
                    Outcome::Merged { changes, attachments } => {
                        let carried = crate::i18n::tr(l, crate::i18n::Text::BundleAttachmentsCarried);
                        Some(format!("{text} {changes}; {carried} {attachments}"))
                    }
                    Outcome::Network(id) => Some(format!("{text} {id}")),
                    _ => None,
                };
            }
            After::MemberRemoved => {
                if matches!(outcome, Outcome::InvitesRevoked(_)) {
                    self.state.notice = say(crate::i18n::Text::RemovedRevokesInvites);
                }
            }
            After::SessionEdited => self.pages.session.editing = None,
            After::QuestionRenamed => self.pages.question.renaming = None,
            After::CycleStarted => {
                self.pages.question.cycles.start.clear();
                self.pages.question.cycles.end.clear();
            }
            After::ProfileSaved => self.pages.members.profile = None,
            After::ShowLeerhuisTicket => {
                if let Outcome::Ticket(ticket) = outcome {
                    self.pages.network.leerhuis.ticket_made = Some(ticket);
                }
            }
            After::LeerhuisLinked | After::LeerhuisJoined => {
                self.pages.network.leerhuis.linking = None;
                let text = if after == After::LeerhuisLinked {
                    crate::i18n::Text::LeerhuisLinked
                } else {
                    crate::i18n::Text::LeerhuisJoined
                };
                self.state.notice = say(text);
            }
            After::Published => {
                self.state.sharing = None;
                self.state.notice = say(crate::i18n::Text::SharedWithLeerhuis);
            }
            After::Withdrawn => self.state.notice = say(crate::i18n::Text::WithdrawnNotice),
            After::Unlinked => {
                self.pages.network.leerhuis.unlink.asking = None;
                self.state.notice = say(crate::i18n::Text::Unlinked);
            }
            After::ChapterStarted | After::Erased => {
                let text =
                    if after == After::Erased { crate::i18n::Text::Erased } else { crate::i18n::Text::ChapterBegun };
                let text = crate::i18n::tr(l, text);
                if let Outcome::Chapter(number) = outcome {
                    self.state.notice = Some(format!("{text} {number}."));
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
