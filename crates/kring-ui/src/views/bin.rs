//! "Prullenbak": sessions, learning questions, actions and attachments that were deleted, most recent
//! first, each to put back. Nothing in it is gone: a deleted record keeps everything, also what
//! others write in it meanwhile.

use kring_model::{Binned, Edit};

use crate::i18n::{Text, tr};
use crate::state::{After, AppState};

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    let l = state.language;
    let Some(snapshot) = state.shared_snapshot() else { return };
    ui.heading(tr(l, Text::Bin));
    ui.label(tr(l, Text::BinExplained));
    super::error_line(ui, state, After::Nothing);
    ui.separator();
    let bin = snapshot.bin();
    if bin.is_empty() {
        ui.label(tr(l, Text::BinEmpty));
        return;
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        egui::Grid::new("bin").striped(true).show(ui, |ui| {
            for item in bin {
                let (kind, name, edit) = match item {
                    Binned::Session(s) => (
                        tr(l, Text::Session),
                        format!("{} — {}", super::date(l, &s.starts_at), s.title),
                        Edit::RestoreSession { session: s.id.clone() },
                    ),
                    Binned::Question(q) => {
                        (tr(l, Text::Question), q.title.clone(), Edit::RestoreQuestion { question: q.id.clone() })
                    }
                    Binned::Action(s, a) => (
                        tr(l, Text::Action),
                        format!("{} ({})", a.text, s.title),
                        Edit::RestoreAction { session: s.id.clone(), action: a.id.clone() },
                    ),
                    Binned::Attachment(to, a) => (
                        tr(l, Text::Attachment),
                        a.name.clone(),
                        Edit::RestoreAttachment { to, attachment: a.id.clone() },
                    ),
                };
                ui.label(kind);
                ui.label(&name);
                let button = ui.button(tr(l, Text::Restore));
                button.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, format!("{}: {name}", tr(l, Text::Restore)))
                });
                if button.clicked() {
                    state.edit(After::Nothing, edit);
                }
                ui.end_row();
            }
        });
    });
}
