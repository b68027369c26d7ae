//! One file per screen. Views read the state's latest view and send its actions; they keep only
//! what is being typed (in [`crate::app::Forms`]).

pub mod changes;
pub mod file_menu;
pub mod first_start;
pub mod members;
pub mod nav;
pub mod qr;
pub mod questions;
pub mod reflection;
pub mod session;
pub mod sessions;
pub mod settings;
pub mod status;
pub mod text_editor;

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

/// A member's name, or a short id if the member is not (yet) known here.
pub fn member_name(snapshot: &kring_model::NetworkSnapshot, member: &kring_model::MemberId) -> String {
    snapshot.members.get(member).map(|m| m.name.clone()).unwrap_or_else(|| short(member.as_str()))
}

pub fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

/// Unix milliseconds as local date and time.
pub fn local_time(millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|t| t.to_zoned(jiff::tz::TimeZone::system()).strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// A small coloured dot (drawn, so it needs no font glyph).
pub fn dot(ui: &mut egui::Ui, color: egui::Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 4.0, color);
}

pub const GREEN: egui::Color32 = egui::Color32::from_rgb(60, 170, 90);
