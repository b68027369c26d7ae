//! One file per screen. Views read the state's snapshot and call its actions; they keep only
//! what is being typed (in [`crate::app::Forms`]).

pub mod first_start;
pub mod nav;
pub mod questions;
pub mod session;
pub mod sessions;

/// A labelled single-line field: the label names the field for screen readers and tests.
pub fn field(ui: &mut egui::Ui, label: &str, value: &mut String) -> egui::Response {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        ui.text_edit_singleline(value).labelled_by(label.id)
    })
    .inner
}

/// The last refused action, in red, until the next action succeeds.
pub fn error_line(ui: &mut egui::Ui, error: &Option<String>) {
    if let Some(error) = error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
}
