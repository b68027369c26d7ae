//! One file per screen. Each screen is a struct holding what is being typed on it, with a
//! `ui()` method that draws it from the state's latest view and sends the person's actions.

pub mod about;
pub mod actions;
pub mod activity;
pub mod attachments;
pub mod bin;
pub mod bundle_export;
pub mod changes;
pub mod chapter;
pub mod cycles;
pub mod file_menu;
pub mod first_start;
pub mod history;
pub mod joint_meeting;
pub mod leerhuis;
pub mod members;
pub mod nav;
pub mod network;
pub mod passphrase;
pub mod qr;
pub mod question;
pub mod questions;
pub mod reflection;
pub mod room;
pub mod search;
pub mod session;
pub mod sessions;
pub mod settings;
pub mod share;
pub mod start_warnings;
pub mod status;
pub mod style;
pub mod text_editor;
pub mod themes;
pub mod timeline;
pub mod unlink;

use crate::i18n::Language;
use crate::state::{After, AppState};

/// A labelled single-line field: the label names the field for screen readers and tests.
pub fn field(ui: &mut egui::Ui, label: &str, value: &mut String) -> egui::Response {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        ui.text_edit_singleline(value).labelled_by(label.id)
    })
    .inner
}

/// Whether Enter was pressed in this single-line field: it submits the form.
pub fn entered(response: &egui::Response) -> bool {
    response.lost_focus() && response.ctx.input(|i| i.key_pressed(egui::Key::Enter))
}

/// Why the command sent from the form `after` was refused, in red, right below that form.
pub fn error_line(ui: &mut egui::Ui, state: &AppState, after: After) {
    if let Some(error) = state.error_for(after) {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
}

/// A stored date as the person reads it.
pub fn date(l: Language, stored: &str) -> String {
    crate::i18n::dates::show_date(l, stored)
}

/// Today, as stored dates are written (`YYYY-MM-DD`).
pub fn today() -> String {
    jiff::Zoned::now().date().strftime("%Y-%m-%d").to_string()
}

/// Today as a date, for reading dates typed without a year.
pub fn today_date() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

/// A member's name, or a short id if the member is not (yet) known here.
pub fn member_name(snapshot: &kring_model::NetworkSnapshot, member: &kring_model::MemberId) -> String {
    snapshot.members.get(member).map(|m| m.name.clone()).unwrap_or_else(|| short(member.as_str()))
}

pub fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

/// Unix milliseconds as local date and time, the way the person reads dates.
pub fn local_time(l: Language, millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|t| {
            let stored = t.to_zoned(jiff::tz::TimeZone::system()).strftime("%Y-%m-%dT%H:%M").to_string();
            date(l, &stored)
        })
        .unwrap_or_default()
}

/// A small coloured dot (drawn, so it needs no font glyph).
pub fn dot(ui: &mut egui::Ui, color: egui::Color32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 4.0, color);
    response
}

pub const GREEN: egui::Color32 = egui::Color32::from_rgb(60, 170, 90);
