//! The passphrase of a bundle: chosen (twice) to make a bundle for a laptop that is not a
//! member yet, or typed to read such a bundle in. A small window over the screen; the
//! passphrase lives only in memory and goes straight to the node.

use kring_node::BundleProblem;
use kring_node::NodeError;
use kring_node::bundle::MIN_PASSPHRASE_CHARS;
use kring_node::client::{BundlePassphrase, Command};

use crate::file_dialog::{FileJob, FileKind};
use crate::i18n::{Text, tr};
use crate::state::{After, AppState};

/// What the passphrase is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Lock a new bundle of `network`, with the attachments' bytes or without (then ask where
    /// to save it as `file_name`).
    Export { network: String, file_name: String, with_attachments: bool },
    /// Read the bundle at `path` in (`after` says what then happens: merge or open).
    Import { path: std::path::PathBuf, after: After },
}

/// The window's state while it is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub purpose: Purpose,
    pub first: String,
    pub again: String,
    /// The last try was refused: the passphrase did not open the bundle.
    pub wrong: bool,
    /// The first field was given the keyboard (once, when the window opened).
    focused: bool,
}

impl Prompt {
    pub fn new(purpose: Purpose) -> Prompt {
        Prompt { purpose, first: String::new(), again: String::new(), wrong: false, focused: false }
    }
}

/// A refused import that a passphrase would open: the window asks for it instead of an error.
/// Returns whether `failure` was that.
pub fn asks_for_it(state: &mut AppState, after: After, failure: &NodeError) -> bool {
    let NodeError::Bundle { path, problem } = failure else { return false };
    let wrong = match **problem {
        BundleProblem::NeedsPassphrase => false,
        BundleProblem::WrongPassphrase => true,
        _ => return false,
    };
    let mut prompt = Prompt::new(Purpose::Import { path: path.clone(), after });
    prompt.wrong = wrong;
    state.passphrase = Some(prompt);
    true
}

pub fn window(ctx: &egui::Context, state: &mut AppState) {
    let Some(mut prompt) = state.passphrase.take() else { return };
    let l = state.language;
    let mut open = true;
    let mut done = false;
    egui::Window::new(tr(l, Text::PassphraseTitle))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .open(&mut open)
        .show(ctx, |ui| {
            let exporting = matches!(prompt.purpose, Purpose::Export { .. });
            ui.label(tr(l, if exporting { Text::PassphraseForExport } else { Text::PassphraseForImport }));
            let label = ui.label(tr(l, Text::Passphrase));
            let first = ui.add(egui::TextEdit::singleline(&mut prompt.first).password(true)).labelled_by(label.id);
            if !prompt.focused {
                // Typing starts in the passphrase field, without reaching for the mouse.
                first.request_focus();
                prompt.focused = true;
            }
            if first.changed() {
                // A new try: the last one's refusal no longer applies.
                prompt.wrong = false;
            }
            if exporting {
                let label = ui.label(tr(l, Text::PassphraseAgain));
                ui.add(egui::TextEdit::singleline(&mut prompt.again).password(true)).labelled_by(label.id);
            }
            if let Purpose::Export { network, with_attachments, .. } = &mut prompt.purpose
                && let Some(snapshot) = state.shared_snapshot().filter(|s| s.info.id.as_str() == network)
            {
                super::bundle_export::attachments_choice(ui, l, &snapshot, with_attachments);
            }
            let passphrase = BundlePassphrase::new(prompt.first.clone());
            let problem = if exporting && !passphrase.is_long_enough() {
                Some(format!("{} {MIN_PASSPHRASE_CHARS}", tr(l, Text::PassphraseTooShort)))
            } else if exporting && prompt.first != prompt.again {
                Some(tr(l, Text::PassphrasesDiffer).to_string())
            } else if prompt.wrong {
                Some(crate::i18n::errors::bundle_problem(l, &BundleProblem::WrongPassphrase))
            } else {
                None
            };
            if let Some(problem) = &problem
                && (prompt.wrong || !prompt.first.is_empty())
            {
                ui.colored_label(ui.visuals().error_fg_color, problem);
            }
            ui.horizontal(|ui| {
                let ready = !prompt.first.is_empty() && problem.is_none();
                let action = tr(l, if exporting { Text::SaveAs } else { Text::ReadIn });
                let go = ui.add_enabled(ready, egui::Button::new(action)).clicked()
                    || (ready && !exporting && super::entered(&first));
                if go {
                    match &prompt.purpose {
                        Purpose::Export { network, file_name, with_attachments } => {
                            let job = FileJob::ExportBundle {
                                network: network.clone(),
                                passphrase: Some(passphrase),
                                with_attachments: *with_attachments,
                            };
                            state.ask_file(ui.ctx(), Some(file_name.clone()), FileKind::Bundle, job);
                        }
                        Purpose::Import { path, after } => {
                            let new_network = *after != After::Imported;
                            let command =
                                Command::ImportBundle { path: path.clone(), passphrase: Some(passphrase), new_network };
                            state.send(command, *after);
                        }
                    }
                    done = true;
                }
                if ui.button(tr(l, Text::Cancel)).clicked() {
                    done = true;
                }
            });
        });
    if open && !done {
        state.passphrase = Some(prompt);
    }
}
