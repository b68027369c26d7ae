//! What guests sent from their phones in a meeting's room, as the window shows it: marked as a
//! guest's, counted by perspective, and a guest's `<script>` shown as the text it is.

mod common;

use common::*;
use egui_kittest::kittest::Queryable;
use kring_model::{
    Guest, GuestId, GuestInput, GuestPerspective, MemberId, Network, NetworkDetails, Profile, QuestionId, RoomSetup,
    SessionId,
};
use kring_store::DataDir;
use kring_ui::Screen;

#[test]
fn guests_contributions_are_marked_as_a_guests_and_a_script_is_text() {
    let dir = tempfile::tempdir().unwrap();
    let session = {
        let data = DataDir::open(dir.path()).unwrap();
        let (mut network, anna, session, question) = anna_s_meeting(&data);
        let setup = RoomSetup { questions: vec![question.clone()], proposals: true, ..Default::default() };
        let room = network.open_room(&anna, &session, &setup).unwrap();
        let sam = Guest { id: GuestId::random(), name: "Sam".into(), perspective: GuestPerspective::Youth };
        let script = GuestInput::Question { text: "<script>alert(1)</script>".into() };
        network.add_guest_contribution(&anna, &session, &room, &sam, &script).unwrap();
        let parent = Guest { id: GuestId::random(), name: String::new(), perspective: GuestPerspective::Parent };
        let vote = GuestInput::Vote { question: question.clone() };
        network.add_guest_contribution(&anna, &session, &room, &parent, &vote).unwrap();
        keep(&data, network);
        session
    };

    let mut ui = client(dir.path());
    wait_until(&mut ui, "the network is open", |app| app.state.view.is_some());
    ui.state_mut().screen = Screen::Session(session);
    ui.step();
    settle(&mut ui);
    assert!(ui.query_by_label(nl(kring_ui::i18n::Text::FromPhones)).is_some(), "the meeting lists what guests sent");
    assert!(ui.query_by_label("Gasten via telefoon: 1 jongere, 1 ouder").is_some(), "guests by perspective");
    assert!(
        ui.query_by_label("Sam (gast, jongere) stelde een leervraag voor: <script>alert(1)</script>").is_some(),
        "a guest's script is text, marked as a guest's"
    );
    assert!(ui.query_by_label("anoniem (gast, ouder) stemde op Hoe betrekken we ouders?").is_some());

    ui.state_mut().screen = Screen::Questions;
    ui.step();
    settle(&mut ui);
    assert!(ui.query_by_label("0 stemmen · 1 stem van een gast").is_some(), "a guest's vote beside members'");

    // The report for funders counts the guests per perspective, and holds nothing they typed.
    let snapshot = ui.state().state.snapshot().unwrap().clone();
    let report = kring_ui::export::report_markdown(kring_ui::i18n::Language::Nl, &snapshot, "2026-12-10");
    assert!(report.contains("### Gasten via telefoon"), "{report}");
    assert!(report.contains("| Leerhuis | 1 | 1 | 0 | 0 | 0 | 0 | 0 |"), "{report}");
    assert!(!report.contains("<script>"), "{report}");
}

/// Anna's network, founded on the laptop of `data`: a meeting and a learning question.
fn anna_s_meeting(data: &DataDir) -> (Network, MemberId, SessionId, QuestionId) {
    let details = NetworkDetails { name: "PLG Jeugdzorg".into(), ..Default::default() };
    let (mut network, anna) =
        Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key()).unwrap();
    let new =
        kring_model::NewSession { title: "Leerhuis".into(), starts_at: "2026-12-09".into(), ..Default::default() };
    let session = network.add_session(&anna, &new).unwrap();
    let question = network.add_question(&anna, "Hoe betrekken we ouders?", "").unwrap();
    (network, anna, session, question)
}

/// Keeps `network` on the laptop of `data`, as the window will find it.
fn keep(data: &DataDir, mut network: Network) {
    let id = network.id().to_string();
    data.create_network(&id, network.doc_mut()).unwrap().write_name("PLG Jeugdzorg").unwrap();
}

/// One HTTP request from a "phone": the status and the body.
fn phone(url: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    // The client is built with TLS, which needs a provider named once (it is never used here).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(30)).build().unwrap();
    let mut request =
        client.post(format!("{url}{path}")).header("Content-Type", "application/json").body(body.to_string());
    if let Some(token) = token {
        request = request.header(kring_room::GUEST_HEADER, token);
    }
    let answer = request.send().unwrap();
    (answer.status().as_u16(), answer.text().unwrap())
}

#[test]
fn a_room_opened_on_a_meeting_takes_phones_and_closes() {
    use kring_ui::phone_room::Phase;
    let dir = tempfile::tempdir().unwrap();
    let (session, question) = {
        let data = DataDir::open(dir.path()).unwrap();
        let (mut network, anna, session, question) = anna_s_meeting(&data);
        network.link_question(&anna, &session, &question, true).unwrap();
        keep(&data, network);
        (session, question)
    };
    let mut ui = client(dir.path());
    wait_until(&mut ui, "the network is open", |app| app.state.view.is_some());
    ui.state_mut().state.room.bind = "127.0.0.1:0".parse().unwrap();
    ui.state_mut().screen = Screen::Session(session.clone());
    ui.step();
    click(&mut ui, nl(kring_ui::i18n::Text::OpenRoomForPhones));
    click(&mut ui, nl(kring_ui::i18n::Text::OpenTheRoom));
    let phase = |app: &kring_ui::KringApp| app.state.room.running.as_ref().map(|r| r.phase());
    wait_until(&mut ui, "the room is open", |app| matches!(phase(app), Some(Phase::Open { .. })));
    let Some(Phase::Open { url }) = phase(ui.state()) else { unreachable!() };
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    // A phone joins, votes and reacts, while the window goes on.
    let (phone_url, voted) = (url.clone(), question.to_string());
    let sent = std::thread::spawn(move || {
        let (status, joined) = phone(&phone_url, "join", None, r#"{"name":"Sam","perspective":"youth"}"#);
        assert_eq!(status, 200, "{joined}");
        // {"token":"..."}
        let token = joined.split('"').nth(3).unwrap().to_string();
        let vote = format!(r#"{{"kind":"vote","question":"{voted}"}}"#);
        let reaction = r#"{"kind":"reaction","text":"<script>alert(1)</script>"}"#;
        [phone(&phone_url, "send", Some(&token), &vote).0, phone(&phone_url, "send", Some(&token), reaction).0]
    });
    let contributions = |app: &kring_ui::KringApp| {
        app.state.snapshot().map(|s| s.sessions[&session].guest_contributions().len()).unwrap_or_default()
    };
    wait_until(&mut ui, "both contributions are in the network", |app| contributions(app) == 2);
    assert_eq!(sent.join().unwrap(), [200, 200]);
    ui.step();
    assert!(ui.query_by_label("Telefoons: 1").is_some(), "the count of phones");
    assert!(ui.query_by_label("Sam (gast, jongere) reageerde: <script>alert(1)</script>").is_some());

    click(&mut ui, nl(kring_ui::i18n::Text::CloseRoom));
    wait_until(&mut ui, "the room is closed", |app| matches!(phase(app), Some(Phase::Closed)));
    let addr = url.trim_start_matches("http://").split('/').next().unwrap().to_string();
    assert!(std::net::TcpStream::connect(addr).is_err(), "the address answers nothing");
    wait_until(&mut ui, "the room is closed in the network", |app| {
        app.state.snapshot().is_some_and(|s| s.sessions[&session].rooms.values().all(|r| !r.is_open()))
    });
    assert!(ui.query_by_label(nl(kring_ui::i18n::Text::OpenRoomForPhones)).is_some(), "a new room can be opened");
}

/// A guest's photo, sent as the page sends it: the bytes as they are.
fn phone_photo(url: &str, token: &str, photo: Vec<u8>) -> (u16, String) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(30)).build().unwrap();
    let request = client
        .post(format!("{url}photo"))
        .header("Content-Type", "application/octet-stream")
        .header(kring_room::GUEST_HEADER, token)
        .body(photo);
    let answer = request.send().unwrap();
    (answer.status().as_u16(), answer.text().unwrap())
}

#[test]
fn a_photo_a_guest_sends_from_the_room_appears_with_the_meetings_attachments_marked_as_the_guests() {
    use egui::accesskit::Role;
    use egui_kittest::kittest::by;
    use kring_ui::i18n::Text;
    use kring_ui::phone_room::Phase;
    let dir = tempfile::tempdir().unwrap();
    let session = {
        let data = DataDir::open(dir.path()).unwrap();
        let (network, _, session, _) = anna_s_meeting(&data);
        keep(&data, network);
        session
    };
    let mut ui = client(dir.path());
    wait_until(&mut ui, "the network is open", |app| app.state.view.is_some());
    ui.state_mut().state.room.bind = "127.0.0.1:0".parse().unwrap();
    ui.state_mut().screen = Screen::Session(session.clone());
    ui.step();
    click(&mut ui, nl(Text::OpenRoomForPhones));
    // Photos only when the coordinator ticks them.
    click(&mut ui, nl(Text::RoomPhotos));
    click(&mut ui, nl(Text::OpenTheRoom));
    let phase = |app: &kring_ui::KringApp| app.state.room.running.as_ref().map(|r| r.phase());
    wait_until(&mut ui, "the room is open", |app| matches!(phase(app), Some(Phase::Open { .. })));
    let Some(Phase::Open { url }) = phase(ui.state()) else { unreachable!() };

    // A phone joins and sends a photo of the flip-chart (a PNG made here), while the window goes on.
    let picture = image::RgbImage::from_fn(320, 240, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut png = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let phone_url = url.clone();
    let sent = std::thread::spawn(move || {
        let (status, joined) = phone(&phone_url, "join", None, r#"{"name":"Sam","perspective":"youth"}"#);
        assert_eq!(status, 200, "{joined}");
        let token = joined.split('"').nth(3).unwrap().to_string();
        phone_photo(&phone_url, &token, png.into_inner())
    });
    let guest_photo = |app: &kring_ui::KringApp| {
        app.state.snapshot().is_some_and(|s| s.sessions[&session].attachments.values().any(|a| a.from_guest.is_some()))
    };
    wait_until(&mut ui, "the guest's photo is in the network", guest_photo);
    let (status, answer) = sent.join().unwrap();
    assert_eq!(status, 200, "{answer}");

    // In the meeting's attachments: its thumbnail, and who sent it, marked as a guest.
    let preview = format!("{}: gastfoto.jpg", nl(Text::PreviewOf));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while ui.query_by_role_and_label(Role::Image, &preview).is_none() {
        assert!(std::time::Instant::now() < deadline, "no thumbnail of the guest's photo");
        ui.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(ui.query(by().label_contains("toegevoegd door Sam (gast, jongere)")).is_some(), "marked as a guest's");
    assert!(ui.query_by_label("Sam (gast, jongere) stuurde een foto (bij de bijlagen)").is_some());
    assert!(ui.query_by_label("Foto's: 1").is_some(), "the room counts photos");
    click(&mut ui, nl(Text::CloseRoom));
    wait_until(&mut ui, "the room is closed", |app| matches!(phase(app), Some(Phase::Closed)));
}
