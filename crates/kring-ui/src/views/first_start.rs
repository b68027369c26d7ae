//! Who you are, and the network you start or join (first start, and "another network"); or
//! this laptop as another laptop of someone who is already a member.

use kring_model::{Field, ModelError, Perspective, Profile};
use kring_node::client::Command;

use crate::i18n::{Text, tr, word};
use crate::screen::Screen;
use crate::state::{After, AppState};

/// What is typed on the first screen.
#[derive(Default)]
pub struct StartPage {
    pub my_name: String,
    pub perspective: Perspective,
    pub organisation: String,
    pub network_name: String,
    pub ticket: String,
    pub link_ticket: String,
}

impl StartPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, screen: &mut Screen) {
        let l = state.language;
        egui::ScrollArea::vertical().show(ui, |ui| {
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
            super::field(ui, tr(l, Text::YourName), &mut self.my_name);
            ui.horizontal_wrapped(|ui| {
                ui.label(tr(l, Text::Perspective));
                for perspective in Perspective::ALL {
                    ui.selectable_value(&mut self.perspective, *perspective, word(l, perspective.as_str()));
                }
            });
            super::field(ui, tr(l, Text::Organisation), &mut self.organisation);
            let busy = !state.is_idle();

            ui.add_space(12.0);
            ui.strong(tr(l, Text::StartNew));
            let name = super::field(ui, tr(l, Text::NetworkName), &mut self.network_name);
            let start = ui.add_enabled(!busy, egui::Button::new(tr(l, Text::CreateNetwork))).clicked();
            if (start || super::entered(&name)) && self.named(state, After::Started) {
                let command = Command::CreateNetwork { name: self.network_name.clone(), founder: self.profile() };
                state.send(command, After::Started);
            }
            super::error_line(ui, state, After::Started);

            ui.add_space(12.0);
            ui.strong(tr(l, Text::JoinExisting));
            ui.label(tr(l, Text::PasteTicket));
            let label = ui.label(tr(l, Text::Ticket));
            ui.add(egui::TextEdit::multiline(&mut self.ticket).desired_rows(3).desired_width(f32::INFINITY))
                .labelled_by(label.id);
            ui.horizontal(|ui| {
                // An empty name is refused here: it is never sent to the inviter.
                if ui.add_enabled(!busy, egui::Button::new(tr(l, Text::Join))).clicked()
                    && self.named(state, After::OpenNetwork)
                {
                    state.join(&self.ticket, self.profile());
                }
                if busy {
                    ui.spinner();
                }
            });
            super::error_line(ui, state, After::OpenNetwork);
            super::error_line(ui, state, After::Refreshed);

            ui.add_space(12.0);
            ui.strong(tr(l, Text::ReadNetworkFromBundle));
            ui.label(tr(l, Text::ReadNetworkFromBundleExplained));
            if ui.add_enabled(!busy, egui::Button::new(tr(l, Text::BundleImport))).clicked() {
                let job = crate::file_dialog::FileJob::ImportBundle { new_network: true };
                state.ask_file(ui.ctx(), None, crate::file_dialog::FileKind::Bundle, job);
            }
            super::error_line(ui, state, After::OpenBundle);

            ui.add_space(12.0);
            ui.strong(tr(l, Text::LinkThisLaptop));
            ui.label(tr(l, Text::LinkThisLaptopExplained));
            let label = ui.label(tr(l, Text::LinkTicket));
            ui.add(egui::TextEdit::multiline(&mut self.link_ticket).desired_rows(2).desired_width(f32::INFINITY))
                .labelled_by(label.id);
            if ui.add_enabled(!busy, egui::Button::new(tr(l, Text::LinkLaptop))).clicked() {
                state.send(Command::LinkDevice { ticket: self.link_ticket.clone() }, After::Linked);
            }
            super::error_line(ui, state, After::Linked);
        });
    }

    fn profile(&self) -> Profile {
        Profile { name: self.my_name.clone(), perspective: self.perspective, organisation: self.organisation.clone() }
    }

    /// Whether a name was given; if not, says so beside the form `after`.
    fn named(&self, state: &mut AppState, after: After) -> bool {
        let named = !self.my_name.trim().is_empty();
        if !named {
            state.refuse(after, ModelError::Empty { field: Field::Name });
        }
        named
    }

    /// After a network was created, joined or linked.
    pub fn clear(&mut self) {
        self.ticket.clear();
        self.network_name.clear();
        self.link_ticket.clear();
    }
}
