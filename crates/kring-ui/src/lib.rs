//! Kring's desktop client (egui/eframe). The state ([`state::AppState`]) holds the latest view
//! of the open network and sends every action to the node, which runs on its own thread, as a
//! plain [`kring_node::client::Command`]; the views (one file and one struct per screen) draw
//! and send actions; all words come from [`i18n`].

pub mod app;
pub mod attachments;
pub mod export;
pub mod file_dialog;
pub mod i18n;
pub mod phone_room;
pub mod screen;
pub mod state;
pub mod views;

pub use app::{KringApp, Pages};
pub use screen::Screen;
pub use state::AppState;

/// Opens the desktop client on `data` until its window is closed; `screen` names the screen to
/// open first (`sessions`, `session` for the next one, `questions`, `question` for the most
/// voted, `actions`, `reflection`, `members`, `network`, `bin`, `settings`).
pub fn run(data: kring_store::DataDir, mode: kring_node::NetworkMode, screen: Option<String>) -> eframe::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Kring")
            .with_inner_size([1100.0, 750.0])
            .with_min_inner_size([640.0, 420.0]),
        // Window size and position come back at the next start.
        persist_window: true,
        ..Default::default()
    };
    eframe::run_native(
        "Kring",
        options,
        Box::new(move |cc| {
            let mut state = AppState::start(data, mode)?;
            state.wanted_network = app::last_network(cc.storage);
            let mut app = KringApp::new(state);
            app.first_screen = screen;
            Ok(Box::new(app))
        }),
    )
}
