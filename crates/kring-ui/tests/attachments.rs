//! Attachments in the desktop client, with real nodes on 127.0.0.1 (offline mode): a file
//! dropped on a meeting becomes an attachment, a photo shows as a thumbnail and full size, a
//! colleague's laptop fetches it and saves it byte for byte, and a laptop that fetches on
//! demand waits until its person opens it. No viewer is started: the opener is replaced by one
//! that writes down what it was handed.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use kring_model::{AttachedTo, Attachment, SessionId};
use kring_ui::Screen;
use kring_ui::file_dialog::FileJob;
use kring_ui::i18n::Text;

/// A file dropped on the window, as the desktop hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|err| err.to_string())
    }
}

fn drop_file(ui: &mut Ui, path: &Path) {
    ui.input_mut().dropped_files.push(Arc::new(Dropped(path.to_path_buf())));
    ui.step();
    settle(ui);
}

/// Bytes that differ from place to place (no two blocks alike).
fn some_bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[(i % 3) + 1] ^ seed).collect()
}

/// A small photo: a PNG of `width` by `height`.
fn photo(path: &Path, width: u32, height: u32) {
    let picture =
        image::RgbaImage::from_fn(width, height, |x, y| image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255]));
    picture.save(path).unwrap();
}

/// A window tall enough that a meeting's attachments are on screen below its notes.
fn tall(mut ui: Ui) -> Ui {
    ui.set_size(egui::vec2(1200.0, 1600.0));
    ui.step();
    ui
}

/// Anna's own network with one meeting, opened.
fn anna_at_a_meeting(dir: &Path) -> (Ui, SessionId) {
    let mut anna = tall(client(dir));
    create_network(&mut anna, "Anna", "PLG Lezen");
    type_into(&mut anna, Role::TextInput, nl(Text::Title), "Leesbegrip");
    click(&mut anna, nl(Text::AddSession));
    let Screen::Session(session) = anna.state().screen.clone() else { panic!("the session opens") };
    (anna, session)
}

/// The live attachments of `session` as the window's view holds them.
fn attachments_of(ui: &Ui, session: &SessionId) -> Vec<Attachment> {
    let Some(snapshot) = ui.state().state.snapshot() else { return Vec::new() };
    let Some(meeting) = snapshot.sessions.get(session) else { return Vec::new() };
    meeting.attachments.values().filter(|a| a.deleted_at.is_none()).cloned().collect()
}

/// Records what it is handed instead of starting a viewer.
fn recording_opener(ui: &mut Ui) -> Arc<Mutex<Vec<PathBuf>>> {
    let handed: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
    let keep = handed.clone();
    ui.state_mut().state.attachments.opener = Box::new(move |path| {
        keep.lock().unwrap().push(path.to_path_buf());
        Ok(())
    });
    handed
}

/// Whether the window says, somewhere, `text`.
fn says(ui: &Ui, text: &str) -> bool {
    ui.query_all_by_label_contains(text).next().is_some()
}

#[test]
fn a_file_dropped_on_a_meeting_page_is_listed_with_its_name_and_size_and_what_cannot_be_attached_is_told() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut anna, session) = anna_at_a_meeting(dir.path());
    assert!(says(&anna, nl(Text::NoAttachments)));

    // 3.4 MB of a case description, dropped on the meeting.
    let case = files.path().join("casus.pdf");
    std::fs::write(&case, some_bytes(3_565_158, 7)).unwrap();
    drop_file(&mut anna, &case);
    wait_until(&mut anna, "the file is an attachment of the meeting", |app| {
        app.state.snapshot().is_some_and(|s| s.sessions[&session].attachments.len() == 1)
    });
    let listed = attachments_of(&anna, &session);
    assert_eq!((listed[0].name.as_str(), listed[0].size), ("casus.pdf", 3_565_158));
    anna.step();
    assert!(anna.query_by_label("casus.pdf").is_some(), "listed by name");
    assert!(says(&anna, "PDF · 3,4 MB · toegevoegd door Anna"), "its kind, size in Dutch units, and who added it");
    assert!(!says(&anna, nl(Text::NotOnThisLaptop)), "what was added here is here");

    // A folder, and a file over 500 MB (sparse: no disk spent), are refused in Dutch and
    // change nothing.
    let folder = files.path().join("Foto's");
    std::fs::create_dir(&folder).unwrap();
    drop_file(&mut anna, &folder);
    assert!(says(&anna, "‘Foto's’ is geen bestand"), "{:?}", anna.state().state.error_text());
    let huge = files.path().join("hele-dag.mp4");
    std::fs::File::create(&huge).unwrap().set_len(kring_model::schema::MAX_ATTACHMENT_BYTES + 1).unwrap();
    drop_file(&mut anna, &huge);
    assert!(says(&anna, "te groot om bij te voegen (hoogstens 500 MB)"), "{:?}", anna.state().state.error_text());
    assert_eq!(attachments_of(&anna, &session).len(), 1);
}

#[test]
fn a_photo_shows_as_a_thumbnail_opens_full_size_and_a_damaged_one_is_told_not_shown() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut anna, session) = anna_at_a_meeting(dir.path());
    let flip_over = files.path().join("flip-over.png");
    photo(&flip_over, 1600, 1200);
    drop_file(&mut anna, &flip_over);
    wait_until(&mut anna, "the photo is listed", |app| {
        app.state.snapshot().is_some_and(|s| s.sessions[&session].attachments.len() == 1)
    });

    // Its thumbnail: a picture, small, known by the photo's name.
    let preview = format!("{}: flip-over.png", nl(Text::PreviewOf));
    let deadline = Instant::now() + Duration::from_secs(20);
    while anna.query_by_role_and_label(Role::Image, &preview).is_none() {
        assert!(Instant::now() < deadline, "no thumbnail shown");
        anna.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    let small = anna.get_by_role_and_label(Role::Image, &preview).rect();
    assert!(small.width() <= 160.5 && small.height() <= 120.5, "{small:?}");

    // A click shows it full size; Escape closes it.
    anna.get_by_role_and_label(Role::Image, &preview).click();
    let full = format!("{}: flip-over.png", nl(Text::FullSize));
    let deadline = Instant::now() + Duration::from_secs(20);
    while anna.query_by_role_and_label(Role::Image, &full).is_none() {
        assert!(Instant::now() < deadline, "the photo is not shown full size");
        anna.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    let large = anna.get_by_role_and_label(Role::Image, &full).rect();
    assert!(large.width() > 2.0 * small.width(), "{large:?} against {small:?}");
    anna.key_press(egui::Key::Escape);
    anna.step();
    anna.step();
    assert!(anna.query_by_role_and_label(Role::Image, &full).is_none(), "Escape closes it");
    assert!(anna.state().state.attachments.viewing.is_none());

    // A photo whose bytes are damaged: a note in Dutch where its thumbnail would be.
    let damaged = files.path().join("kapot.jpg");
    let mut bytes = vec![0xff, 0xd8, 0xff, 0xe0];
    bytes.extend(some_bytes(40_000, 3));
    std::fs::write(&damaged, bytes).unwrap();
    drop_file(&mut anna, &damaged);
    wait_until(&mut anna, "the damaged photo is told", |app| {
        app.state.snapshot().is_some_and(|s| s.sessions[&session].attachments.len() == 2)
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while !says(&anna, "Deze afbeelding kan niet worden getoond") {
        assert!(Instant::now() < deadline, "the damaged photo is not told");
        anna.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(anna.query_by_role_and_label(Role::Image, &format!("{}: kapot.jpg", nl(Text::PreviewOf))).is_none());
}

/// Steps both windows until `done` holds for Bram's, for at most 30 seconds.
fn wait_for_bram(anna: &mut Ui, bram: &mut Ui, what: &str, done: impl Fn(&Ui) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        anna.step();
        bram.step();
        if done(bram) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting until {what}; Bram's error: {:?}",
            bram.state().state.error_text()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Bytes held here of the attachment with content `hash`, as Bram's window was told.
fn held(ui: &Ui, hash: &str) -> u64 {
    ui.state().state.attachments.held(hash)
}

#[test]
fn a_colleagues_laptop_fetches_the_attachment_shows_it_here_and_saves_it_byte_for_byte() {
    let (dir_a, dir_b, files) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (anna, bram, session) = anna_invites_bram(dir_a.path(), dir_b.path());
    let (mut anna, mut bram) = (tall(anna), tall(bram));
    anna.state_mut().screen = Screen::Session(session.clone());
    bram.state_mut().screen = Screen::Session(session.clone());
    let handed = recording_opener(&mut bram);

    let interview = files.path().join("interview.mp3");
    let bytes = some_bytes(12 * 1024 * 1024, 11);
    std::fs::write(&interview, &bytes).unwrap();
    drop_file(&mut anna, &interview);
    wait_for_bram(&mut anna, &mut bram, "Bram's window lists the attachment", |b| {
        attachments_of(b, &session).len() == 1
    });
    let attachment = attachments_of(&bram, &session).remove(0);

    // Fetched in the background: "Ophalen…" while it arrives, then nothing to say.
    let mut seen_arriving = false;
    wait_for_bram(&mut anna, &mut bram, "Bram's laptop holds the whole file", |b| {
        held(b, &attachment.hash) == attachment.size
    });
    for _ in 0..3 {
        seen_arriving |= says(&bram, nl(Text::Fetching));
        bram.step();
    }
    assert!(!seen_arriving, "nothing is said to arrive once it is here");
    assert!(!says(&bram, nl(Text::NotOnThisLaptop)));
    assert!(says(&bram, "geluid · 12,0 MB · toegevoegd door Anna"));

    // "Opslaan als…": the file chosen gets the bytes Anna added, byte for byte.
    let saved = files.path().join("bewaard.mp3");
    let to = AttachedTo::Session(session.clone());
    let job = FileJob::SaveAttachment { to: to.clone(), attachment: attachment.id.clone() };
    bram.state_mut().state.run_file_job(job, saved.clone());
    wait_for_bram(&mut anna, &mut bram, "the attachment is saved", |b| b.state().state.is_idle());
    assert!(std::fs::read(&saved).unwrap() == bytes, "saved byte for byte");
    assert!(says(&bram, "bewaard.mp3"), "the notice says where");

    // "Openen": a private copy under the data folder, handed to the viewer.
    bram.get_by_label("Openen: interview.mp3").click();
    wait_for_bram(&mut anna, &mut bram, "the copy is handed to the viewer", |_| !handed.lock().unwrap().is_empty());
    let copy = handed.lock().unwrap()[0].clone();
    assert!(copy.starts_with(dir_b.path().join(kring_node::OPENED_DIR)), "{copy:?}");
    assert_eq!(copy.file_name().unwrap(), "interview.mp3");
    assert!(std::fs::read(&copy).unwrap() == bytes, "the copy holds the bytes");
}

#[test]
fn a_laptop_that_fetches_on_demand_waits_until_its_person_opens_the_attachment() {
    let (dir_a, dir_b, files) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (anna, bram, session) = anna_invites_bram(dir_a.path(), dir_b.path());
    let (mut anna, mut bram) = (tall(anna), tall(bram));
    let handed = recording_opener(&mut bram);

    // Bram's laptop has little disk: in Instellingen, "alleen als ik het open" for PLG Lezen.
    click(&mut bram, nl(Text::Settings));
    wait_until(&mut bram, "the settings show the attachments' disk use", |app| app.state.attachments.usage.is_some());
    let checkbox = format!("{}: PLG Lezen", nl(Text::FetchOnDemand));
    bram.get_by_role_and_label(Role::CheckBox, &checkbox).click();
    bram.step();
    settle(&mut bram);
    wait_until(&mut bram, "the choice is kept", |app| {
        app.state.attachments.usage.as_ref().is_some_and(|u| u.iter().any(|n| n.name == "PLG Lezen" && n.on_demand))
    });
    assert!(
        dir_b
            .path()
            .join(kring_node::ATTACHMENTS_DIR)
            .read_dir()
            .unwrap()
            .flatten()
            .any(|network| network.path().join(kring_node::FETCH_POLICY_FILE).exists()),
        "kept on this laptop, in its data folder"
    );

    anna.state_mut().screen = Screen::Session(session.clone());
    bram.state_mut().screen = Screen::Session(session.clone());
    let case = files.path().join("casus.pdf");
    let bytes = some_bytes(2 * 1024 * 1024, 5);
    std::fs::write(&case, &bytes).unwrap();
    drop_file(&mut anna, &case);
    wait_for_bram(&mut anna, &mut bram, "Bram's window lists the attachment", |b| {
        attachments_of(b, &session).len() == 1
    });
    let attachment = attachments_of(&bram, &session).remove(0);

    // Long enough for a laptop that fetches everything to have it (a few hundred milliseconds
    // on loopback): Bram's does not.
    let until = Instant::now() + Duration::from_secs(4);
    while Instant::now() < until {
        anna.step();
        bram.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(bram.state().state.attachments.here.as_ref().is_some_and(|h| h.on_demand));
    assert_eq!(held(&bram, &attachment.hash), 0, "not fetched before it is opened");
    assert!(says(&bram, nl(Text::NotOnThisLaptop)));

    // Openen fetches it, then hands it to the viewer.
    bram.get_by_label("Openen: casus.pdf").click();
    wait_for_bram(&mut anna, &mut bram, "the opened file reaches the viewer", |_| !handed.lock().unwrap().is_empty());
    let copy = handed.lock().unwrap()[0].clone();
    assert!(std::fs::read(&copy).unwrap() == bytes, "fetched and copied byte for byte");
    wait_for_bram(&mut anna, &mut bram, "Bram's window knows it is here now", |b| {
        held(b, &attachment.hash) == attachment.size
    });
    assert!(!says(&bram, nl(Text::NotOnThisLaptop)));
}

#[test]
fn an_attachment_arriving_says_how_far_it_is_and_one_not_here_says_so() {
    // A window with no node behind it: what the node says is here is put in by hand.
    let details = kring_model::NetworkDetails { name: "PLG Lezen".into(), ..Default::default() };
    let (mut network, anna) =
        kring_model::Network::create(&details, &kring_model::Profile::new("Anna"), "laptop").unwrap();
    let new =
        kring_model::NewSession { title: "Leesbegrip".into(), starts_at: "2026-12-10".into(), ..Default::default() };
    let session = network.add_session(&anna, &new).unwrap();
    let to = AttachedTo::Session(session.clone());
    let (arriving, missing) = ("a".repeat(64), "b".repeat(64));
    for (name, hash) in [("interview.mp3", &arriving), ("casus.pdf", &missing)] {
        let kind = kring_model::AttachmentKind::from_file_name(name);
        let file = kring_model::NewAttachment { name: name.into(), kind, size: 10 * 1024 * 1024, hash: hash.clone() };
        network.add_attachment(&anna, &to, &file).unwrap();
    }
    let view = kring_node::client::NetworkView {
        network: network.id().to_string(),
        version: 1,
        snapshot: Arc::new(network.snapshot().unwrap()),
        me: Some(anna),
        typed: 0,
        caret: None,
        changes: Default::default(),
    };
    let mut app = kring_ui::KringApp::new(kring_ui::AppState::detached(view));
    app.screen = Screen::Session(session);
    let received = 4_718_592; // 45 % of 10 MB
    app.state.attachments.here = Some(kring_node::client::AttachmentsHere {
        network: network.id().to_string(),
        held: [(arriving.clone(), received), (missing.clone(), 0)].into(),
        fetching: [(arriving, (received, 10 * 1024 * 1024))].into(),
        on_demand: true,
    });
    let mut ui: Ui = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1200.0, 1600.0))
        .build_ui_state(|ui, app: &mut kring_ui::KringApp| app.show(ui), app);
    ui.run_steps(3);
    assert!(says(&ui, "Ophalen… 45 %"), "how far the interview is");
    assert!(says(&ui, nl(Text::NotOnThisLaptop)), "the case is not here");

    // Openen asks the node for a copy for the viewer, which fetches it first.
    ui.get_by_label("Openen: casus.pdf").click();
    ui.step();
    let asked = ui.state().state.sent().last().cloned();
    assert!(matches!(asked, Some(kring_node::client::Command::CopyForViewer { .. })), "{asked:?}");
}

#[test]
fn an_attachment_goes_to_the_bin_and_back_and_erased_for_everyone_leaves_no_byte_on_this_laptop() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut anna, session) = anna_at_a_meeting(dir.path());
    let case = files.path().join("dossier-joris.pdf");
    let bytes = some_bytes(40_000, 11);
    std::fs::write(&case, &bytes).unwrap();
    drop_file(&mut anna, &case);
    wait_until(&mut anna, "the file is an attachment", |app| {
        app.state.snapshot().is_some_and(|s| s.sessions[&session].attachments.len() == 1)
    });
    std::fs::remove_file(&case).unwrap();
    anna.step();

    // To the bin: gone from the meeting, listed in the bin, and put back from there.
    click(&mut anna, &format!("{}: dossier-joris.pdf", nl(Text::MoveToBin)));
    wait_until(&mut anna, "the attachment is in the bin", |app| {
        app.state.snapshot().is_some_and(|s| s.bin().len() == 1)
    });
    assert!(attachments_of(&anna, &session).is_empty());
    anna.state_mut().screen = Screen::Bin;
    anna.step();
    click(&mut anna, &format!("{}: dossier-joris.pdf", nl(Text::Restore)));
    wait_until(&mut anna, "the attachment is back", |app| {
        app.state.snapshot().is_some_and(|s| s.sessions[&session].attachments.values().all(|a| a.deleted_at.is_none()))
    });
    assert_eq!(attachments_of(&anna, &session).len(), 1);

    // Erased for everyone: named before the second click, then a new chapter without it, and
    // no file in this laptop's data folder holds a run of its bytes (as one did before).
    let run = &bytes[10_000..10_064];
    let holding = |dir: &Path| -> Vec<PathBuf> {
        let held = |file: &PathBuf| std::fs::read(file).is_ok_and(|held| held.windows(run.len()).any(|w| w == run));
        files_under(dir).into_iter().filter(held).collect()
    };
    assert_eq!(holding(dir.path()).len(), 1, "the store holds the file");
    anna.state_mut().screen = Screen::Session(session.clone());
    anna.step();
    // (The meeting has its own "Voor iedereen wissen…" above; the attachment's is the last.)
    anna.query_all_by_label(nl(Text::EraseForEveryone)).last().unwrap().click();
    anna.run_steps(2);
    assert!(says(&anna, &format!("{} ‘dossier-joris.pdf’", nl(Text::ErasedWhat))), "what goes is named");
    click(&mut anna, nl(Text::YesErase));
    wait_until(&mut anna, "the network is in its second chapter without the attachment", |app| {
        app.state.snapshot().is_some_and(|s| s.info.chapter.number == 2 && s.sessions[&session].attachments.is_empty())
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let holding = holding(dir.path());
        if holding.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "still holding the erased file's bytes: {holding:?}");
        anna.step();
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Every file under `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            all.extend(files_under(&path));
        } else {
            all.push(path);
        }
    }
    all
}
