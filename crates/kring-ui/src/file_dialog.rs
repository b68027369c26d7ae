//! Native "save as" and "open" dialogs, asked on a thread of their own so the window keeps
//! drawing while the person picks a file. The chosen path comes back on the next frame.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// What a chosen file is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileJob {
    /// Save these bytes (an export).
    Save { contents: Vec<u8> },
    /// Write the open network as a bundle for a USB stick: for the members' laptops, or locked
    /// with a passphrase; with the attachments' bytes or without.
    ExportBundle { network: String, passphrase: Option<kring_node::client::BundlePassphrase>, with_attachments: bool },
    /// Read a bundle and merge it into the network it holds; with `new_network`, also a
    /// network this laptop does not have yet (then open it).
    ImportBundle { new_network: bool },
    /// Attach the chosen file to a meeting, question or cycle of `network`.
    Attach { network: String, to: kring_model::AttachedTo },
    /// Save an attachment (fetched first if it is not here) where the person chose; `to` is
    /// the list it was saved from.
    SaveAttachment { to: kring_model::AttachedTo, attachment: kring_model::AttachmentId },
}

/// A dialog on screen, and what to do with its answer.
pub struct PendingDialog {
    job: FileJob,
    answer: Receiver<Option<PathBuf>>,
}

/// The kinds of file Kring writes and reads, for the dialog's filter.
#[derive(Debug, Clone, Copy)]
pub enum FileKind {
    Markdown,
    Html,
    Csv,
    Bundle,
    Calendar,
    /// Any file: an attachment of whatever kind.
    Any,
}

impl FileKind {
    fn filter(self) -> Option<(&'static str, &'static [&'static str])> {
        Some(match self {
            FileKind::Markdown => ("Markdown", &["md"]),
            FileKind::Html => ("HTML", &["html"]),
            FileKind::Csv => ("CSV", &["csv"]),
            FileKind::Bundle => ("Kring", &["kring"]),
            FileKind::Calendar => ("iCalendar", &["ics"]),
            FileKind::Any => return None,
        })
    }

    /// A dialog that offers files of this kind.
    fn dialog(self) -> rfd::FileDialog {
        match self.filter() {
            Some((name, extensions)) => rfd::FileDialog::new().add_filter(name, extensions),
            None => rfd::FileDialog::new(),
        }
    }
}

impl PendingDialog {
    /// Asks where to save `file_name`.
    pub fn save(ctx: &egui::Context, file_name: String, kind: FileKind, job: FileJob) -> PendingDialog {
        PendingDialog::ask(ctx, job, move || kind.dialog().set_file_name(file_name).save_file())
    }

    /// Asks which file to open.
    pub fn open(ctx: &egui::Context, kind: FileKind, job: FileJob) -> PendingDialog {
        PendingDialog::ask(ctx, job, move || kind.dialog().pick_file())
    }

    fn ask(
        ctx: &egui::Context,
        job: FileJob,
        dialog: impl FnOnce() -> Option<PathBuf> + Send + 'static,
    ) -> PendingDialog {
        let (tell, answer) = channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new().name("file-dialog".into()).spawn(move || {
            let _ = tell.send(dialog());
            ctx.request_repaint();
        });
        if let Err(err) = spawned {
            tracing::warn!("cannot open a file dialog: {err}");
        }
        PendingDialog { job, answer }
    }

    /// `None` while the dialog is open; then the job and the chosen path (`None`: cancelled).
    pub fn poll(&self) -> Option<(FileJob, Option<PathBuf>)> {
        match self.answer.try_recv() {
            Ok(path) => Some((self.job.clone(), path)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some((self.job.clone(), None)),
        }
    }
}
