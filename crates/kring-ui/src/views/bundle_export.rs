//! Making a bundle for a USB stick: whether it carries the attachments' bytes (with how much
//! they take together, off by default when that is a lot), and how far a large one has been
//! written or read. The node does that on a task of its own; the window keeps working.

use kring_model::NetworkSnapshot;
use kring_node::BundleProgress;

use crate::file_dialog::{FileJob, FileKind};
use crate::i18n::{Language, Text, file_size, tr};
use crate::state::AppState;

/// Above this, a bundle is made without the attachments unless the person asks for them: a
/// USB stick, and the time to write it, are limited.
pub const LARGE: u64 = 100 * 1024 * 1024;

/// The "make a bundle" window while it is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportChoice {
    pub network: String,
    pub file_name: String,
    pub with_attachments: bool,
}

impl ExportChoice {
    /// For `snapshot`'s network, with the attachments unless they take more than [`LARGE`].
    pub fn new(snapshot: &NetworkSnapshot, file_name: String) -> ExportChoice {
        let with_attachments = attachments_total(snapshot) <= LARGE;
        ExportChoice { network: snapshot.info.id.to_string(), file_name, with_attachments }
    }
}

/// What the bytes of every attachment the network names take together (each file once; those
/// in the bin too, as the bundle carries them).
pub fn attachments_total(snapshot: &NetworkSnapshot) -> u64 {
    let mut sizes = std::collections::BTreeMap::new();
    for (_, attachment) in snapshot.attachments() {
        sizes.insert(attachment.hash.as_str(), attachment.size);
    }
    sizes.values().sum()
}

/// The checkbox for the attachments, with how much they take together.
pub fn attachments_choice(ui: &mut egui::Ui, l: Language, snapshot: &NetworkSnapshot, with: &mut bool) {
    let total = attachments_total(snapshot);
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(with, tr(l, Text::BundleWithAttachments));
        ui.weak(format!("{} {}", tr(l, Text::BundleAttachmentsTogether), file_size(l, total)));
    });
    ui.weak(tr(l, Text::BundleAttachmentsNote));
}

/// The window, while the person chooses.
pub fn window(ctx: &egui::Context, state: &mut AppState) {
    let Some(mut choice) = state.bundle_export.take() else { return };
    let Some(snapshot) = state.shared_snapshot().filter(|s| s.info.id.as_str() == choice.network) else { return };
    let l = state.language;
    let (mut open, mut done) = (true, false);
    egui::Window::new(tr(l, Text::BundleExportTitle))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .open(&mut open)
        .show(ctx, |ui| {
            ui.label(tr(l, Text::BundleForMembers));
            attachments_choice(ui, l, &snapshot, &mut choice.with_attachments);
            ui.horizontal(|ui| {
                if ui.button(tr(l, Text::SaveAs)).clicked() {
                    let job = FileJob::ExportBundle {
                        network: choice.network.clone(),
                        passphrase: None,
                        with_attachments: choice.with_attachments,
                    };
                    state.ask_file(ui.ctx(), Some(choice.file_name.clone()), FileKind::Bundle, job);
                    done = true;
                }
                if ui.button(tr(l, Text::Cancel)).clicked() {
                    done = true;
                }
            });
        });
    if open && !done {
        state.bundle_export = Some(choice);
    }
}

/// A bundle being written or read, and how far it has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleWork {
    pub request: u64,
    /// Read in (else written).
    pub reading: bool,
    pub progress: BundleProgress,
}

/// How far the bundle being written or read has come, while that goes on.
pub fn progress(ui: &mut egui::Ui, state: &AppState) {
    let Some(BundleWork { reading, progress, .. }) = state.bundle_progress else { return };
    let l = state.language;
    ui.horizontal(|ui| {
        ui.label(tr(l, if reading { Text::BundleReading } else { Text::BundleWriting }));
        // How many bytes a bundle being read holds is known only at its end: by files then.
        let fraction = match (progress.bytes, progress.files) {
            (0, 0) => 0.0,
            (0, files) => progress.files_done as f32 / files as f32,
            (bytes, _) => progress.bytes_done as f32 / bytes as f32,
        };
        ui.add(egui::ProgressBar::new(fraction).desired_width(200.0).show_percentage());
        ui.label(written_words(l, &progress));
    });
}

/// "120 MB van 230 MB, 3 van 7 bijlagen" (or "120 MB, 3 van 7 bijlagen" while reading).
pub fn written_words(l: Language, progress: &BundleProgress) -> String {
    let done = file_size(l, progress.bytes_done);
    let (of, attachments) = match l {
        Language::Nl => ("van", "bijlagen"),
        Language::En => ("of", "attachments"),
    };
    let bytes = match progress.bytes {
        0 => done,
        all => format!("{done} {of} {}", file_size(l, all)),
    };
    format!("{bytes}, {} {of} {} {attachments}", progress.files_done, progress.files)
}

#[cfg(test)]
mod tests {
    use kring_model::{AttachedTo, AttachmentKind, Network, NetworkDetails, NewAttachment, NewSession, Profile};

    use super::*;

    /// A network whose one meeting has attachments of these sizes, each named by a hash of one
    /// repeated hex digit.
    fn with_attachments(files: &[(u64, char)]) -> NetworkSnapshot {
        let details = NetworkDetails { name: "Casusoverleg".into(), ..NetworkDetails::default() };
        let (mut network, me) = Network::create(&details, &Profile::new("Anna"), "device-a").unwrap();
        let new = NewSession { title: "Casus 4".into(), starts_at: "2026-12-09".into(), ..Default::default() };
        let to = AttachedTo::Session(network.add_session(&me, &new).unwrap());
        for (size, digit) in files {
            let hash = digit.to_string().repeat(64);
            let file = NewAttachment { name: "film.mp4".into(), kind: AttachmentKind::Video, size: *size, hash };
            network.add_attachment(&me, &to, &file).unwrap();
        }
        network.snapshot().unwrap()
    }

    #[test]
    fn the_attachments_go_along_unless_they_take_more_than_a_hundred_megabytes() {
        const MB: u64 = 1024 * 1024;
        let none = with_attachments(&[]);
        assert_eq!(attachments_total(&none), 0);
        assert!(ExportChoice::new(&none, "x.kring".into()).with_attachments);
        // The same film attached twice goes along once.
        let small = with_attachments(&[(60 * MB, 'a'), (60 * MB, 'a'), (40 * MB, 'b')]);
        assert_eq!(attachments_total(&small), LARGE);
        assert!(ExportChoice::new(&small, "x.kring".into()).with_attachments);
        let large = with_attachments(&[(60 * MB, 'a'), (40 * MB + 1, 'b')]);
        assert!(!ExportChoice::new(&large, "x.kring".into()).with_attachments, "off: more than 100 MB");
    }

    #[test]
    fn progress_is_told_in_the_person_s_language() {
        let progress =
            BundleProgress { files_done: 3, files: 7, bytes_done: 120 * 1024 * 1024, bytes: 230 * 1024 * 1024 };
        assert_eq!(written_words(Language::Nl, &progress), "120 MB van 230 MB, 3 van 7 bijlagen");
        assert_eq!(written_words(Language::En, &progress), "120 MB of 230 MB, 3 of 7 attachments");
        let reading = BundleProgress { bytes: 0, ..progress };
        assert_eq!(written_words(Language::Nl, &reading), "120 MB, 3 van 7 bijlagen");
    }
}
