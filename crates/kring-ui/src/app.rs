//! The desktop client: which screen is shown, what is being typed, and the frame loop.

use kring_model::{Perspective, SessionId, SessionKind};

use crate::state::AppState;
use crate::views;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Sessions,
    Session(SessionId),
    Questions,
}

/// What the person is typing, kept apart from the network until they act.
#[derive(Default)]
pub struct Forms {
    pub my_name: String,
    pub perspective: Perspective,
    pub organisation: String,
    pub network_name: String,
    pub session_title: String,
    pub session_kind: SessionKind,
    pub session_date: String,
    pub session_location: String,
    pub question_title: String,
    pub notes_session: Option<SessionId>,
    pub notes: String,
}

pub struct KringApp {
    pub state: AppState,
    pub screen: Screen,
    pub forms: Forms,
}

impl KringApp {
    pub fn new(state: AppState) -> KringApp {
        let today = today();
        let forms = Forms { session_date: today, session_kind: SessionKind::Plg, ..Forms::default() };
        KringApp { state, screen: Screen::Sessions, forms }
    }

    /// Draws one frame. Also what the UI tests drive.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        if self.state.open.is_none() {
            egui::CentralPanel::default_margins().show(ui, |ui| {
                views::first_start::show(ui, &mut self.state, &mut self.forms);
            });
            return;
        }
        egui::Panel::top("nav").show(ui, |ui| views::nav::show(ui, &mut self.state, &mut self.screen));
        let today = today();
        egui::CentralPanel::default_margins().show(ui, |ui| match self.screen.clone() {
            Screen::Sessions => views::sessions::show(ui, &mut self.state, &mut self.forms, &mut self.screen, &today),
            Screen::Session(id) => views::session::show(ui, &mut self.state, &mut self.forms, &mut self.screen, &id),
            Screen::Questions => views::questions::show(ui, &mut self.state, &mut self.forms),
        });
    }
}

impl eframe::App for KringApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}

fn today() -> String {
    jiff::Zoned::now().date().strftime("%Y-%m-%d").to_string()
}
