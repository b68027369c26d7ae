//! The "File" menu in the top bar: notes, the network report and attendance as files, the
//! meetings for a calendar (plain files, and the menu says so), and the network as a bundle for
//! a USB stick (encrypted for the members' laptops); and reading a bundle back. Each goes
//! through a native dialog.

use crate::export;
use crate::file_dialog::{FileJob, FileKind};
use crate::i18n::{Text, tr};
use crate::screen::Screen;
use crate::state::AppState;
use crate::views::bundle_export::ExportChoice;
use crate::views::passphrase::{Prompt, Purpose};

pub fn show(ui: &mut egui::Ui, state: &mut AppState, screen: &Screen) {
    let l = state.language;
    let today = &super::today();
    let Some(snapshot) = state.shared_snapshot() else { return };
    let stem = export::file_stem(&snapshot.info.name);
    ui.menu_button(tr(l, Text::FileMenu), |ui| {
        ui.label(egui::RichText::new(tr(l, Text::Export)).strong());
        if let Screen::Session(id) = screen
            && let Some(notes) = export::session_markdown(l, &snapshot, id)
            && ui.button(tr(l, Text::ExportNotes)).clicked()
        {
            let session = &snapshot.sessions[id];
            let name =
                format!("{}-{}.md", session.starts_at.get(..10).unwrap_or(""), export::file_stem(&session.title));
            state.save_as(ui.ctx(), name, FileKind::Markdown, notes.into_bytes());
        }
        if ui.button(tr(l, Text::ExportReportMarkdown)).clicked() {
            let report = export::report_markdown(l, &snapshot, today);
            state.save_as(ui.ctx(), format!("{stem}-{today}.md"), FileKind::Markdown, report.into_bytes());
        }
        if ui.button(tr(l, Text::ExportReportHtml)).clicked() {
            let report = export::report_html(l, &snapshot, today);
            state.save_as(ui.ctx(), format!("{stem}-{today}.html"), FileKind::Html, report.into_bytes());
        }
        if ui.button(tr(l, Text::ExportAttendance)).clicked() {
            let csv = export::attendance_csv(l, &snapshot);
            state.save_as(ui.ctx(), format!("{stem}-attendance.csv"), FileKind::Csv, csv.into_bytes());
        }
        let upcoming: Vec<_> = snapshot.live_sessions().filter(|s| s.starts_at.as_str() >= today.as_str()).collect();
        if ui.add_enabled(!upcoming.is_empty(), egui::Button::new(tr(l, Text::CalendarUpcoming))).clicked() {
            let ics = export::ics::calendar(&snapshot, &upcoming, jiff::Timestamp::now());
            state.save_as(ui.ctx(), format!("{stem}.ics"), FileKind::Calendar, ics.into_bytes());
        }
        // What the files hold: notes about pupils, in plain text.
        note(ui, tr(l, Text::ExportsArePlain));
        ui.separator();
        let file_name = format!("{stem}-{today}.kring");
        // First a small window: with the attachments or without, then where.
        if ui.button(tr(l, Text::BundleExport)).clicked() {
            state.bundle_export = Some(ExportChoice::new(&snapshot, file_name.clone()));
            ui.close();
        }
        note(ui, tr(l, Text::BundleForMembers));
        if ui.button(tr(l, Text::BundleExportPassphrase)).clicked() {
            let with_attachments = ExportChoice::new(&snapshot, String::new()).with_attachments;
            let purpose = Purpose::Export { network: snapshot.info.id.to_string(), file_name, with_attachments };
            state.passphrase = Some(Prompt::new(purpose));
            ui.close();
        }
        note(ui, tr(l, Text::BundlePassphraseNote));
        ui.separator();
        ui.label(egui::RichText::new(tr(l, Text::Import)).strong());
        if ui.button(tr(l, Text::BundleImport)).clicked() {
            state.ask_file(ui.ctx(), None, FileKind::Bundle, FileJob::ImportBundle { new_network: false });
        }
    });
}

/// A short line under the buttons, at the size of all other text (what it says matters: pupils'
/// notes in plain files), wrapped so that it does not widen the menu.
fn note(ui: &mut egui::Ui, text: &str) {
    // Left-aligned: the menu's own layout would stretch the spaces of every full line.
    ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
        ui.set_max_width(320.0);
        ui.add(egui::Label::new(egui::RichText::new(text).weak()).wrap());
    });
}
