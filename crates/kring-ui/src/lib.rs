//! Kring's desktop client (egui/eframe). The state ([`state::AppState`]) knows the open
//! network and the actions; the views (one file per screen) only draw and call actions; all
//! words come from [`i18n`].

pub mod app;
pub mod i18n;
pub mod state;
mod views;

pub use app::{KringApp, Screen};
pub use state::AppState;

/// Opens the desktop client on `data` until its window is closed.
pub fn run(data: kring_store::DataDir) -> eframe::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_title("Kring").with_inner_size([1100.0, 750.0]),
        ..Default::default()
    };
    eframe::run_native("Kring", options, Box::new(|_cc| Ok(Box::new(KringApp::new(AppState::new(data))))))
}
