//! Driving the real desktop client headlessly: a real node per client (offline, loopback
//! only), a real data directory, the UI found by its labels.

#![allow(dead_code)] // each test file uses its own part of this

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kring_node::NetworkMode;
use kring_store::DataDir;
use kring_ui::i18n::{Language, Text, tr};
use kring_ui::{AppState, KringApp};

pub(crate) type Ui = Harness<'static, KringApp>;

pub(crate) fn nl(text: Text) -> &'static str {
    tr(Language::Nl, text)
}

pub(crate) fn client(dir: &std::path::Path) -> Ui {
    let data = DataDir::open(dir).unwrap();
    let app = KringApp::new(AppState::start(data, NetworkMode::loopback_only()).unwrap());
    let mut ui = Harness::builder()
        .with_size(egui::vec2(1200.0, 900.0))
        .build_ui_state(|ui, app: &mut KringApp| app.show(ui), app);
    wait_until(&mut ui, "the node lists its networks", |app| app.state.loaded);
    ui
}

/// Steps frames until `done` holds, for at most 20 seconds (the node answers in its own time).
pub(crate) fn wait_until(ui: &mut Ui, what: &str, done: impl Fn(&KringApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        ui.step();
        if done(ui.state()) {
            ui.step();
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting until {what}; last error: {:?}",
            ui.state().state.error_text()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Steps until every command sent has been answered.
pub(crate) fn settle(ui: &mut Ui) {
    wait_until(ui, "every command is answered", |app| app.state.is_idle());
}

pub(crate) fn click(ui: &mut Ui, label: &str) {
    ui.get_by_label(label).click();
    ui.step();
    settle(ui);
}

/// Types into a field, wherever it is scrolled to (as Tab would reach it).
pub(crate) fn type_into(ui: &mut Ui, role: Role, label: &str, text: &str) {
    ui.get_by_role_and_label(role, label).focus();
    ui.step();
    ui.get_by_role_and_label(role, label).type_text(text);
    ui.step();
    settle(ui);
}

/// First start: a person with a name creates a network.
pub(crate) fn create_network(ui: &mut Ui, name: &str, network: &str) {
    type_into(ui, Role::TextInput, nl(Text::YourName), name);
    type_into(ui, Role::TextInput, nl(Text::NetworkName), network);
    click(ui, nl(Text::CreateNetwork));
    wait_until(ui, "the network is open", |app| app.state.view.is_some());
}

/// Anna starts "PLG Lezen" with one session and invites Bram on the members screen; Bram joins
/// by pasting the ticket at his first start. Both windows, and the session.
pub(crate) fn anna_invites_bram(dir_a: &std::path::Path, dir_b: &std::path::Path) -> (Ui, Ui, kring_model::SessionId) {
    let mut anna = client(dir_a);
    let mut bram = client(dir_b);
    create_network(&mut anna, "Anna", "PLG Lezen");
    type_into(&mut anna, Role::TextInput, nl(Text::Title), "Leesbegrip");
    click(&mut anna, nl(Text::AddSession));
    let kring_ui::Screen::Session(session) = anna.state().screen.clone() else { panic!("the session opens") };
    click(&mut anna, nl(Text::Members));
    click(&mut anna, nl(Text::MakeInvite));
    let ticket = anna.state().pages.members.ticket_made.clone().expect("a ticket is shown");

    type_into(&mut bram, Role::TextInput, nl(Text::YourName), "Bram");
    type_into(&mut bram, Role::MultilineTextInput, nl(Text::Ticket), &ticket);
    click(&mut bram, nl(Text::Join));
    wait_until(&mut bram, "Bram sees the network", |app| {
        app.state.snapshot().is_some_and(|s| s.sessions.contains_key(&session))
    });
    (anna, bram, session)
}

/// The text a text field shows now.
pub(crate) fn shown_text(ui: &Ui, role: Role, label: &str) -> String {
    ui.get_by_role_and_label(role, label).value().unwrap_or_default()
}
