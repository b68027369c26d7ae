//! What leaves and enters Kring as files: session notes, the network report and attendance,
//! and bundles for a USB stick. The real node writes them; the tests read them back from disk.
//! (The native file dialog is the desktop's own; the tests hand over the path it would give.)

mod common;

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use kring_model::NewSession;
use kring_node::bundle::{Lock, Passphrase, Unlock};
use kring_ui::file_dialog::FileJob;
use kring_ui::i18n::{Language, Text};
use kring_ui::{Screen, export};

/// Anna, a teacher, with one session held on 1 September: notes and her attendance.
fn network_with_a_held_session(ui: &mut Ui) -> kring_model::SessionId {
    type_into(ui, Role::TextInput, nl(Text::YourName), "Anna de Vries");
    ui.get_by_label("docent").click();
    ui.step();
    type_into(ui, Role::TextInput, nl(Text::NetworkName), "PLG Lezen");
    click(ui, nl(Text::CreateNetwork));
    wait_until(ui, "the network is open", |app| app.state.view.is_some());
    type_into(ui, Role::TextInput, nl(Text::Title), "Leesbegrip");
    ui.state_mut().pages.sessions.date = "1-9-2026".into();
    click(ui, nl(Text::AddSession));
    let Screen::Session(session) = ui.state().screen.clone() else { panic!("the session opens") };
    type_into(ui, Role::MultilineTextInput, nl(Text::Notes), "Samen lezen <script>alert(1)</script> werkt.");
    click(ui, "aanwezig");
    session
}

fn save(ui: &mut Ui, path: &std::path::Path, contents: String) {
    ui.state_mut().state.run_file_job(FileJob::Save { contents: contents.into_bytes() }, path.to_path_buf());
    settle(ui);
}

#[test]
fn notes_report_and_attendance_are_saved_where_the_person_chose() {
    let (dir, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut ui = client(dir.path());
    let session = network_with_a_held_session(&mut ui);
    let snapshot = ui.state().state.shared_snapshot().unwrap();
    let l = Language::Nl;

    let notes_path = out.path().join("leesbegrip.md");
    save(&mut ui, &notes_path, export::session_markdown(l, &snapshot, &session).unwrap());
    let notes = std::fs::read_to_string(&notes_path).unwrap();
    assert!(notes.starts_with("# Leesbegrip\n"), "{notes}");
    assert!(notes.contains("## Notities\n\nSamen lezen"), "{notes}");
    assert!(notes.contains("## Aanwezigheid\n\nAnna de Vries"), "{notes}");
    assert!(ui.query_by_label_contains(nl(Text::SavedTo)).is_some(), "the window says where it was saved");

    let report_path = out.path().join("verslag.md");
    save(&mut ui, &report_path, export::report_markdown(l, &snapshot, "2026-11-23"));
    let report = std::fs::read_to_string(&report_path).unwrap();
    assert!(report.contains("| docent | 1 |"), "members by perspective: {report}");
    assert!(report.contains("## Gehouden bijeenkomsten (1)"), "{report}");
    assert!(
        report.contains("| 1 september 2026 | Leesbegrip | PLG |  | 1 | 0 | 1 |"),
        "attendance per perspective: {report}"
    );

    let html_path = out.path().join("verslag.html");
    save(&mut ui, &html_path, export::report_html(l, &snapshot, "2026-11-23"));
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<table>"), "{html}");
    assert!(html.contains("<title>PLG Lezen — verslag</title>"), "{html}");

    let csv_path = out.path().join("aanwezigheid.csv");
    save(&mut ui, &csv_path, export::attendance_csv(l, &snapshot));
    let rows: Vec<Vec<String>> = csv::Reader::from_path(&csv_path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows, [["1 september 2026", "Leesbegrip", "PLG", "", "Anna de Vries", "docent", "", "aanwezig", ""]]);

    // A folder that does not exist: an inline error naming the file, nothing written.
    let nowhere = out.path().join("weg").join("verslag.md");
    save(&mut ui, &nowhere, "x".into());
    let error = ui.state().state.error_text().unwrap_or_default();
    assert!(error.contains("verslag.md"), "{error}");
    assert!(!nowhere.exists());
}

#[test]
fn the_report_never_runs_html_typed_into_notes() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    network_with_a_held_session(&mut ui);
    let snapshot = ui.state().state.shared_snapshot().unwrap();
    click(&mut ui, nl(Text::Questions));
    // Notes are not in the report, but insights are: type markup into a question's insights.
    type_into(&mut ui, Role::TextInput, nl(Text::ProposeQuestion), "Hoe <b>lezen</b> we?");
    click(&mut ui, nl(Text::Propose));
    settle(&mut ui);
    let later = ui.state().state.shared_snapshot().unwrap();
    assert!(later.questions.len() > snapshot.questions.len());
    let html = export::report_html(Language::Nl, &later, "2026-11-23");
    assert!(html.contains("Hoe &lt;b&gt;lezen&lt;/b&gt; we?"), "{html}");
    assert!(!html.contains("<b>lezen</b>"));
}

#[test]
fn the_file_menu_says_what_the_files_hold() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    network_with_a_held_session(&mut ui);
    click(&mut ui, nl(Text::FileMenu));
    assert!(ui.query_by_label(nl(Text::ExportsArePlain)).is_some(), "exports are said to be plain");
    assert!(ui.query_by_label(nl(Text::BundleForMembers)).is_some(), "the bundle is said to be for members");
}

#[test]
fn a_bundle_from_a_usb_stick_brings_in_work_done_elsewhere() {
    let (dir, stick) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let exported = stick.path().join("plg.kring");
    {
        let mut ui = client(dir.path());
        network_with_a_held_session(&mut ui);
        let network = ui.state().state.network_id().unwrap().to_string();
        ui.state_mut().state.run_file_job(
            FileJob::ExportBundle { network, passphrase: None, with_attachments: false },
            exported.clone(),
        );
        settle(&mut ui);
        assert!(ui.query_by_label_contains(nl(Text::SavedTo)).is_some());
    }
    // The notes are in the network, but not readable in the file on the stick.
    let file = std::fs::read(&exported).unwrap();
    assert!(!file.windows(b"Samen lezen".len()).any(|w| w == b"Samen lezen"), "the notes are encrypted");

    // Away from the network, the same laptop plans a session in the bundle's copy (as a second
    // Kring would, with this laptop's key) and writes a new bundle.
    let key = kring_store::DataDir::open(dir.path()).unwrap().device_key().clone();
    let unlock = Unlock { device: &key, passphrase: None };
    let mut elsewhere = kring_node::bundle::read(&file, unlock).unwrap().network;
    elsewhere.set_device(&key.public().to_string());
    let me = elsewhere.snapshot().unwrap().members.keys().next().unwrap().clone();
    let new = NewSession { title: "Uit de bundel".into(), starts_at: "2026-12-01".into(), ..Default::default() };
    elsewhere.add_session(&me, &new).unwrap();
    let signatures = kring_sync::signed::sign_whole_as(elsewhere.doc_mut(), std::slice::from_ref(&key));
    let returned = stick.path().join("terug.kring");
    let readers = kring_node::bundle::readers(&elsewhere, key.public()).unwrap();
    std::fs::write(&returned, kring_node::bundle::write(&mut elsewhere, &signatures, Lock::Devices(&readers))).unwrap();

    let mut ui = client(dir.path());
    wait_until(&mut ui, "the network is open", |app| app.state.view.is_some());
    ui.state_mut().state.run_file_job(FileJob::ImportBundle { new_network: false }, returned.clone());
    settle(&mut ui);
    let imported = format!("{} 1", nl(Text::BundleImported));
    assert_eq!(ui.state().state.notice.as_deref(), Some(imported.as_str()));
    wait_until(&mut ui, "the session from the bundle shows", |app| {
        app.state.snapshot().is_some_and(|s| s.live_sessions().any(|s| s.title == "Uit de bundel"))
    });
    assert!(ui.query_by_label_contains("Uit de bundel").is_some());

    // The same bundle again brings nothing new.
    ui.state_mut().state.run_file_job(FileJob::ImportBundle { new_network: false }, returned);
    settle(&mut ui);
    let nothing_new = format!("{} 0", nl(Text::BundleImported));
    assert_eq!(ui.state().state.notice.as_deref(), Some(nothing_new.as_str()));

    // A damaged bundle: an inline error naming the file; the network is unchanged.
    let damaged = stick.path().join("kapot.kring");
    std::fs::write(&damaged, &file[..file.len() / 2]).unwrap();
    let sessions_before = ui.state().state.snapshot().unwrap().sessions.len();
    ui.state_mut().state.run_file_job(FileJob::ImportBundle { new_network: false }, damaged);
    settle(&mut ui);
    let error = ui.state().state.error_text().unwrap_or_default();
    assert!(error.contains("kapot.kring") && error.contains("beschadigd"), "{error}");
    assert_eq!(ui.state().state.snapshot().unwrap().sessions.len(), sessions_before);

    // A bundle for other laptops, and one locked with a passphrase: clear words, nothing read in.
    let other_laptop = tempfile::tempdir().unwrap();
    let stranger = kring_store::DataDir::open(other_laptop.path()).unwrap().device_key().clone();
    let not_ours = stick.path().join("niet-voor-ons.kring");
    std::fs::write(
        &not_ours,
        kring_node::bundle::write(&mut elsewhere, &signatures, Lock::Devices(&[stranger.public()])),
    )
    .unwrap();
    ui.state_mut().state.run_file_job(FileJob::ImportBundle { new_network: false }, not_ours);
    settle(&mut ui);
    let error = ui.state().state.error_text().unwrap_or_default();
    assert!(error.contains("alleen laptops van leden"), "{error}");
    let passphrase = Passphrase::new("twaalf tekens of meer".into());
    let locked = stick.path().join("wachtwoord.kring");
    std::fs::write(&locked, kring_node::bundle::write(&mut elsewhere, &signatures, Lock::Passphrase(&passphrase)))
        .unwrap();
    ui.state_mut().state.run_file_job(FileJob::ImportBundle { new_network: false }, locked);
    settle(&mut ui);
    assert!(ui.state().state.passphrase.is_some(), "the passphrase is asked for");
    assert!(ui.query_by_label_contains(nl(Text::PassphraseForImport)).is_some());
    assert_eq!(ui.state().state.snapshot().unwrap().sessions.len(), sessions_before);
}

#[test]
fn a_bundle_with_a_passphrase_takes_the_network_to_a_laptop_that_is_not_a_member_yet() {
    let (anna, newcomer) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let stick = tempfile::tempdir().unwrap();
    let bundle = stick.path().join("plg-met-wachtwoord.kring");
    let secret = "de kat zit op de mat";
    {
        let mut ui = client(anna.path());
        network_with_a_held_session(&mut ui);
        // File menu, "with a passphrase": a short one is refused, two that differ too.
        click(&mut ui, nl(Text::FileMenu));
        click(&mut ui, nl(Text::BundleExportPassphrase));
        let field = ui.get_by_role_and_label(Role::PasswordInput, nl(Text::Passphrase));
        assert!(field.accesskit_node().is_focused(), "typing starts in the passphrase field");
        type_into(&mut ui, Role::PasswordInput, nl(Text::Passphrase), "te kort");
        assert!(ui.query_by_label_contains(nl(Text::PassphraseTooShort)).is_some());
        assert!(ui.get_by_label(nl(Text::SaveAs)).accesskit_node().is_disabled());
        ui.state_mut().state.passphrase.as_mut().unwrap().first = secret.into();
        type_into(&mut ui, Role::PasswordInput, nl(Text::PassphraseAgain), "de kat zit op het dak");
        assert!(ui.query_by_label_contains(nl(Text::PassphrasesDiffer)).is_some());
        assert!(ui.get_by_label(nl(Text::SaveAs)).accesskit_node().is_disabled());
        ui.state_mut().state.passphrase.as_mut().unwrap().again = secret.into();
        ui.step();
        assert!(!ui.get_by_label(nl(Text::SaveAs)).accesskit_node().is_disabled(), "long enough and twice the same");
        // What "Save as…" does once the dialog gave a path.
        let network = ui.state().state.network_id().unwrap().to_string();
        let passphrase = Some(kring_node::client::BundlePassphrase::new(secret));
        ui.state_mut().state.passphrase = None;
        ui.state_mut()
            .state
            .run_file_job(FileJob::ExportBundle { network, passphrase, with_attachments: false }, bundle.clone());
        settle(&mut ui);
        assert!(ui.query_by_label_contains(nl(Text::SavedTo)).is_some());
    }
    let file = std::fs::read(&bundle).unwrap();
    assert!(!file.windows(b"Leesbegrip".len()).any(|w| w == b"Leesbegrip"), "nothing readable in the file");

    // A laptop with no network yet reads it in from the first screen, with the passphrase.
    let mut ui = client(newcomer.path());
    assert!(ui.query_by_label_contains(nl(Text::ReadNetworkFromBundle)).is_some());
    ui.state_mut().state.run_file_job(FileJob::ImportBundle { new_network: true }, bundle.clone());
    settle(&mut ui);
    assert!(ui.query_by_label_contains(nl(Text::PassphraseForImport)).is_some(), "the passphrase is asked for");
    type_into(&mut ui, Role::PasswordInput, nl(Text::Passphrase), "de kat zit op het dak");
    click(&mut ui, nl(Text::ReadIn));
    assert!(ui.query_by_label_contains("klopt niet").is_some(), "a wrong passphrase is said so");
    assert!(ui.state().state.networks.is_empty(), "nothing was read in");
    type_into(&mut ui, Role::PasswordInput, nl(Text::Passphrase), secret);
    click(&mut ui, nl(Text::ReadIn));
    wait_until(&mut ui, "the network from the bundle is open", |app| {
        app.state.snapshot().is_some_and(|s| s.live_sessions().any(|s| s.title == "Leesbegrip"))
    });
    assert!(ui.state().state.passphrase.is_none(), "the window closed");
}
