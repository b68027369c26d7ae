//! A bundle for a USB stick made in the app, with the attachments' bytes or without, as the
//! "make a bundle" window's checkbox says; read in by a second laptop through its app. Real
//! nodes (offline, loopback only), real data folders; the native "save as" dialog is the
//! desktop's own, so the tests hand over the path it would give, with what the window chose.

mod common;

use std::path::Path;

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use kring_model::{AttachedTo, Attachment};
use kring_ui::Screen;
use kring_ui::file_dialog::FileJob;
use kring_ui::i18n::{Language, Text, file_size};

/// A case file of `len` bytes that differ from place to place.
fn case_file(path: &Path, len: usize) -> Vec<u8> {
    let bytes: Vec<u8> = (0..len).map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[(i % 3) + 1]).collect();
    std::fs::write(path, &bytes).unwrap();
    bytes
}

/// Whether `haystack` holds any 32 bytes from the start, the middle or the end of `bytes`.
fn holds_part_of(haystack: &[u8], bytes: &[u8]) -> bool {
    let len = bytes.len();
    [0, len / 2, len - 32].iter().any(|&at| haystack.windows(32).any(|w| w == &bytes[at..at + 32]))
}

/// Whether any file under `dir`, at any depth, holds part of `bytes`.
fn holds_part_of_any_file(dir: &Path, bytes: &[u8]) -> bool {
    std::fs::read_dir(dir).into_iter().flatten().flatten().any(|entry| match entry.path().is_dir() {
        true => holds_part_of_any_file(&entry.path(), bytes),
        false => holds_part_of(&std::fs::read(entry.path()).unwrap_or_default(), bytes),
    })
}

/// The byte a swapped case file is made of.
const SWAPPED: u8 = 7;

/// A copy of the bundle at `from` (locked with `secret`) as a laptop that knows the passphrase
/// could make it: the same network, with other bytes under its attachment's hash.
fn swap_the_attachment(from: &Path, to: &Path, secret: &str) {
    let passphrase = kring_node::bundle::Passphrase::new(secret.into());
    // Any laptop's key: the passphrase is what opens it.
    let scratch = tempfile::tempdir().unwrap();
    let anyone = kring_store::DataDir::open(scratch.path()).unwrap();
    let unlock = kring_node::bundle::Unlock { device: anyone.device_key(), passphrase: Some(&passphrase) };
    let (opened, files) = kring_store::bundle::open_with_files(from, unlock).unwrap().unwrap();
    let mut files = files.expect("it carries the attachment");
    let (hash, len) = files.next_file().unwrap().unwrap();
    let other = vec![SWAPPED; len as usize];
    let mut out = std::fs::File::create(to).unwrap();
    let mut fill = |_: usize, into: &mut dyn std::io::Write| into.write_all(&other).map(|()| len);
    let lock = kring_node::bundle::Lock::Passphrase(&passphrase);
    let (network, signatures, document) = (&opened.network, &opened.signatures, &opened.document);
    kring_store::bundle::write_with_files(&mut out, network, signatures, document, &[(hash, len)], lock, &mut fill)
        .unwrap();
}

/// Anna's network with one meeting and `file` attached to it: her window and the attachment.
fn anna_with_an_attachment(dir: &Path, file: &Path) -> (Ui, Attachment) {
    let mut anna = client(dir);
    create_network(&mut anna, "Anna", "Casusoverleg");
    type_into(&mut anna, Role::TextInput, nl(Text::Title), "Casus 4");
    click(&mut anna, nl(Text::AddSession));
    let Screen::Session(session) = anna.state().screen.clone() else { panic!("the session opens") };
    let network = anna.state().state.network_id().unwrap().to_string();
    let to = AttachedTo::Session(session.clone());
    anna.state_mut().state.run_file_job(FileJob::Attach { network, to }, file.to_path_buf());
    wait_until(&mut anna, "the file is an attachment of the meeting", |app| {
        app.state.snapshot().is_some_and(|s| s.sessions[&session].attachments.len() == 1)
    });
    let attachment = anna.state().state.snapshot().unwrap().sessions[&session].attachments.values().next().cloned();
    (anna, attachment.unwrap())
}

/// What the "save as" dialog of the export would do with `path`, as the window chose.
fn save_bundle_as(ui: &mut Ui, path: &Path, passphrase: Option<&str>, with_attachments: bool) {
    let network = ui.state().state.network_id().unwrap().to_string();
    let passphrase = passphrase.map(kring_node::client::BundlePassphrase::new);
    let job = FileJob::ExportBundle { network, passphrase, with_attachments };
    ui.state_mut().state.bundle_export = None;
    ui.state_mut().state.passphrase = None;
    ui.state_mut().state.run_file_job(job, path.to_path_buf());
    settle(ui);
    assert!(ui.query_by_label_contains(nl(Text::SavedTo)).is_some(), "{:?}", ui.state().state.error_text());
}

#[test]
fn a_bundle_made_with_attachments_carries_a_case_file_byte_for_byte_to_a_laptop_that_never_connected() {
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (files, stick) = (dirs[2].path(), dirs[2].path().join("stick.kring"));
    let case = files.join("dossier.pdf");
    let bytes = case_file(&case, 2 * 1024 * 1024 + 77);
    let secret = "de kat zit op de mat";
    {
        let (mut anna, _) = anna_with_an_attachment(dirs[0].path(), &case);
        // File menu, "with a passphrase" (the other laptop is not a member): the window offers
        // the attachments, with what they take together, and on for a network this small.
        click(&mut anna, nl(Text::FileMenu));
        click(&mut anna, nl(Text::BundleExportPassphrase));
        assert!(anna.query_by_label(nl(Text::BundleWithAttachments)).is_some(), "the checkbox is there");
        let together =
            format!("{} {}", nl(Text::BundleAttachmentsTogether), file_size(Language::Nl, bytes.len() as u64));
        assert!(anna.query_by_label(&together).is_some(), "'{together}' is shown");
        let chosen = |anna: &Ui| match &anna.state().state.passphrase.as_ref().unwrap().purpose {
            kring_ui::views::passphrase::Purpose::Export { with_attachments, .. } => *with_attachments,
            other => panic!("{other:?}"),
        };
        assert!(chosen(&anna), "on by default for 2 MB");
        // Off and on again: the checkbox is what decides.
        click(&mut anna, nl(Text::BundleWithAttachments));
        assert!(!chosen(&anna));
        click(&mut anna, nl(Text::BundleWithAttachments));
        assert!(chosen(&anna));
        let with_attachments = chosen(&anna);
        save_bundle_as(&mut anna, &stick, Some(secret), with_attachments);
    }
    let file = std::fs::read(&stick).unwrap();
    assert!(file.len() > bytes.len(), "the case file's bytes are in it: {} bytes", file.len());
    assert!(!holds_part_of(&file, &bytes), "encrypted");

    // Dewi's laptop has never met Anna's: from the first screen, with the passphrase. First a
    // copy whose case file was swapped by someone who knew the passphrase: refused in Dutch,
    // naming the file, and nothing is read in.
    let mut dewi = client(dirs[1].path());
    let swapped = files.join("verwisseld.kring");
    swap_the_attachment(&stick, &swapped, secret);
    let read_in = |dewi: &mut Ui, path: &Path| {
        dewi.state_mut().state.run_file_job(FileJob::ImportBundle { new_network: true }, path.to_path_buf());
        settle(dewi);
        type_into(dewi, Role::PasswordInput, nl(Text::Passphrase), secret);
        click(dewi, nl(Text::ReadIn));
    };
    read_in(&mut dewi, &swapped);
    let error = dewi.state().state.error_text().unwrap_or_default();
    assert!(error.contains("verwisseld.kring") && error.contains("‘dossier.pdf’"), "{error}");
    assert!(error.contains("vingerafdruk") && error.contains("er is niets ingelezen"), "{error}");
    assert!(dewi.query_by_label_contains("vingerafdruk").is_some(), "the window says so");
    assert!(dewi.state().state.networks.is_empty(), "no network");
    assert!(!holds_part_of_any_file(dirs[1].path(), &[SWAPPED; 64]), "nothing of the swapped file kept");

    read_in(&mut dewi, &stick);
    wait_until(&mut dewi, "the network from the bundle is open", |app| {
        app.state.snapshot().is_some_and(|s| s.live_sessions().any(|s| s.title == "Casus 4"))
    });
    let snapshot = dewi.state().state.shared_snapshot().unwrap();
    let (to, attachment) = snapshot.attachments().into_iter().map(|(to, a)| (to, a.clone())).next().unwrap();
    wait_until(&mut dewi, "the window knows the case file is here", |app| {
        app.state
            .attachments
            .here
            .as_ref()
            .is_some_and(|here| here.held.get(&attachment.hash) == Some(&attachment.size))
    });
    let out = files.join("bij-dewi.pdf");
    dewi.state_mut().state.run_file_job(FileJob::SaveAttachment { to, attachment: attachment.id.clone() }, out.clone());
    settle(&mut dewi);
    assert!(std::fs::read(&out).unwrap() == bytes, "byte for byte, {:?}", dewi.state().state.error_text());

    // The same stick again, from the file menu: nothing new, and the window says the case file
    // came along (it was already here).
    dewi.state_mut().state.run_file_job(FileJob::ImportBundle { new_network: false }, stick.clone());
    settle(&mut dewi);
    type_into(&mut dewi, Role::PasswordInput, nl(Text::Passphrase), secret);
    click(&mut dewi, nl(Text::ReadIn));
    let said = format!("{} 0; {} 1", nl(Text::BundleImported), nl(Text::BundleAttachmentsCarried));
    assert_eq!(dewi.state().state.notice.as_deref(), Some(said.as_str()), "{:?}", dewi.state().state.error_text());
}

#[test]
fn a_bundle_made_without_attachments_holds_no_byte_of_them() {
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let (files, stick) = (dirs[1].path(), dirs[1].path().join("stick.kring"));
    let case = files.join("dossier.pdf");
    let bytes = case_file(&case, 2 * 1024 * 1024 + 77);
    {
        let (mut anna, _) = anna_with_an_attachment(dirs[0].path(), &case);
        click(&mut anna, nl(Text::FileMenu));
        click(&mut anna, nl(Text::BundleExport));
        assert!(anna.state().state.bundle_export.as_ref().unwrap().with_attachments, "on by default for 2 MB");
        click(&mut anna, nl(Text::BundleWithAttachments));
        let choice = anna.state().state.bundle_export.clone().expect("the window stays open");
        assert!(!choice.with_attachments, "the person turned them off");
        save_bundle_as(&mut anna, &stick, None, choice.with_attachments);
    }
    let file = std::fs::read(&stick).unwrap();
    assert!(file.len() < bytes.len() / 4, "{} bytes", file.len());
    // Opened with Anna's own key: the network, and no attachments' part at all.
    let key = kring_store::DataDir::open(dirs[0].path()).unwrap().device_key().clone();
    let unlock = kring_node::bundle::Unlock { device: &key, passphrase: None };
    let (opened, carried) = kring_store::bundle::open_reader_with_files(std::io::Cursor::new(file), unlock).unwrap();
    assert!(!opened.document.is_empty());
    assert!(carried.is_none(), "no attachment bytes: {carried:?}");
}
