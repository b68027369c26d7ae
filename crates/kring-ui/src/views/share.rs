//! "Delen met het leerhuis…": a learning question, a meeting (with a summary written for the
//! leerhuis) or a closed reflection round, shown exactly as it will be shared before it is.
//! Offered only where this laptop is a delegate of the network in a leerhuis held here.

use kring_model::{NetworkSnapshot, QuestionId, RoundId, SessionId};
use kring_node::NodeError;
use kring_node::client::Command;

use crate::i18n::{Text, tr};
use crate::state::{After, AppState};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shareable {
    Question(QuestionId),
    Session(SessionId),
    Round(RoundId),
}

/// The dialog's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sharing {
    /// The network it comes from.
    pub network: String,
    pub what: Shareable,
    /// The leerhuis it goes to.
    pub leerhuis: String,
    /// A meeting's summary for the leerhuis, as typed.
    pub summary: String,
}

/// The leerhuizen (id, name) this laptop shares the open network with: linked, held here, and
/// this laptop one of the network's delegates there.
pub fn targets(state: &AppState) -> Vec<(String, String)> {
    let Some(snapshot) = state.snapshot() else { return Vec::new() };
    let network = snapshot.info.id.as_str();
    snapshot
        .info
        .leerhuizen
        .values()
        .filter(|link| link.left_at.is_none())
        .filter_map(|link| {
            let held = state.leerhuizen.iter().find(|h| h.id == link.id.as_str())?;
            held.delegate_for.contains(network).then(|| (held.id.clone(), held.name.clone()))
        })
        .collect()
}

/// The "share with the leerhuis" button, where this laptop may share.
pub fn button(ui: &mut egui::Ui, state: &mut AppState, what: Shareable) {
    let Some(first) = targets(state).into_iter().next() else { return };
    let Some(network) = state.network_id().map(String::from) else { return };
    if ui.button(tr(state.language, Text::ShareWithLeerhuis)).clicked() {
        state.sharing = Some(Sharing { network, what, leerhuis: first.0, summary: String::new() });
    }
}

/// What would be shared, made from the network as the window shows it now (its heads are
/// added when it is written); or why nothing can be.
fn preview(
    snapshot: &NetworkSnapshot,
    sharing: &Sharing,
) -> kring_model::Result<kring_model::leerhuis::NewPublication> {
    match &sharing.what {
        Shareable::Question(id) => snapshot.question_publication(id, &[]),
        Shareable::Session(id) => snapshot.session_publication(id, &sharing.summary, &[]),
        Shareable::Round(id) => snapshot.round_publication(id, &[]),
    }
}

/// The dialog, while open.
pub fn window(ctx: &egui::Context, state: &mut AppState) {
    let Some(mut sharing) = state.sharing.take() else { return };
    let Some(snapshot) = state.shared_snapshot() else { return };
    // Another network was opened meanwhile: the dialog was about the one left.
    if snapshot.info.id.as_str() != sharing.network {
        return;
    }
    let l = state.language;
    let targets = targets(state);
    let mut open = true;
    egui::Window::new(tr(l, Text::ShareWithLeerhuis)).collapsible(false).resizable(true).default_width(520.0).show(
        ctx,
        |ui| {
            ui.label(tr(l, Text::ShareExplained));
            if targets.len() > 1 {
                ui.horizontal_wrapped(|ui| {
                    ui.label(tr(l, Text::ShareTo));
                    for (id, name) in &targets {
                        ui.radio_value(&mut sharing.leerhuis, id.clone(), name);
                    }
                });
            }
            if matches!(sharing.what, Shareable::Session(_)) {
                ui.label(tr(l, Text::SummaryExplained));
                ui.horizontal(|ui| {
                    let label = ui.label(tr(l, Text::SummaryForLeerhuis));
                    ui.add(egui::TextEdit::multiline(&mut sharing.summary).desired_rows(4)).labelled_by(label.id);
                });
            }
            ui.separator();
            // Why nothing can be shared, in the person's words (a round of fewer than five).
            let preview =
                preview(&snapshot, &sharing).map_err(|err| crate::i18n::errors::node_error(l, &NodeError::Model(err)));
            egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| match &preview {
                Ok(publication) => super::leerhuis::show_copy(ui, l, &super::leerhuis::SharedCopy::from(publication)),
                Err(why) => {
                    ui.colored_label(ui.visuals().error_fg_color, why);
                    ui.label(tr(l, Text::NothingShared));
                }
            });
            ui.separator();
            super::error_line(ui, state, After::Published);
            ui.horizontal(|ui| {
                // Once: a second click while the first is on its way would share it twice.
                let idle = !state.waiting_for(After::Published);
                if let Ok(publication) = preview
                    && ui.add_enabled(idle, egui::Button::new(tr(l, Text::ShareNow))).clicked()
                {
                    let command =
                        Command::Publish { leerhuis: sharing.leerhuis.clone(), publication: Box::new(publication) };
                    state.send(command, After::Published);
                }
                if ui.button(tr(l, Text::Cancel)).clicked() {
                    open = false;
                }
            });
        },
    );
    if ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
        open = false;
    }
    if open && state.sharing.is_none() {
        state.sharing = Some(sharing);
    }
}
