//! What guests sent from their phones in a meeting's room, as the window shows it: marked as a
//! guest's, counted by perspective, and a guest's `<script>` shown as the text it is.

mod common;

use common::*;
use egui_kittest::kittest::Queryable;
use kring_model::{Guest, GuestId, GuestInput, GuestPerspective, Network, NetworkDetails, Profile, RoomSetup};
use kring_ui::Screen;

#[test]
fn guests_contributions_are_marked_as_a_guests_and_a_script_is_text() {
    let dir = tempfile::tempdir().unwrap();
    let (session, question) = {
        let data = kring_store::DataDir::open(dir.path()).unwrap();
        let details = NetworkDetails { name: "PLG Jeugdzorg".into(), ..Default::default() };
        let (mut network, anna) =
            Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key()).unwrap();
        let new =
            kring_model::NewSession { title: "Leerhuis".into(), starts_at: "2026-12-09".into(), ..Default::default() };
        let session = network.add_session(&anna, &new).unwrap();
        let question = network.add_question(&anna, "Hoe betrekken we ouders?", "").unwrap();
        let setup = RoomSetup { questions: vec![question.clone()], proposals: true, ..Default::default() };
        let room = network.open_room(&anna, &session, &setup).unwrap();
        let sam = Guest { id: GuestId::random(), name: "Sam".into(), perspective: GuestPerspective::Youth };
        let script = GuestInput::Question { text: "<script>alert(1)</script>".into() };
        network.add_guest_contribution(&anna, &session, &room, &sam, &script).unwrap();
        let parent = Guest { id: GuestId::random(), name: String::new(), perspective: GuestPerspective::Parent };
        let vote = GuestInput::Vote { question: question.clone() };
        network.add_guest_contribution(&anna, &session, &room, &parent, &vote).unwrap();
        let id = network.id().to_string();
        let store = data.create_network(&id, network.doc_mut()).unwrap();
        store.write_name("PLG Jeugdzorg").unwrap();
        (session, question)
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
    let _ = question;
}
