//! Two desktop clients in one process, each with its own node on 127.0.0.1 (offline mode):
//! one invites, the other joins by pasting the ticket, and they write the same notes live.

mod common;

use common::*;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{Queryable, by};
use kring_model::TextField;
use kring_ui::Screen;
use kring_ui::i18n::Text;

fn notes(ui: &Ui) -> String {
    shown_text(ui, Role::MultilineTextInput, nl(Text::Notes))
}

/// Where the typist's caret is in the notes (selection start, end).
fn caret(ui: &Ui, field: &TextField) -> Option<(usize, usize)> {
    ui.state().pages.session.texts.drafts.get(field)?.caret()
}

/// Steps both clients until `done` holds for the pair, for at most 20 seconds.
fn wait_both(a: &mut Ui, b: &mut Ui, what: &str, done: impl Fn(&Ui, &Ui) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        a.step();
        b.step();
        if done(a, b) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting until {what}: {:?} / {:?}",
            notes(a),
            notes(b)
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Anna and Bram, each with a window and a node: Anna starts "PLG Lezen" with one session
/// and invites Bram on the members screen; Bram joins by pasting the ticket.
struct Pair {
    anna: Ui,
    bram: Ui,
    session: kring_model::SessionId,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

fn joined_pair() -> Pair {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (anna, bram, session) = anna_invites_bram(dir_a.path(), dir_b.path());
    assert_eq!(bram.state().state.snapshot().unwrap().info.name, "PLG Lezen");
    Pair { anna, bram, session, _dirs: (dir_a, dir_b) }
}

#[test]
fn notes_typed_in_one_client_appear_in_the_other_and_concurrent_typing_converges() {
    let Pair { mut anna, mut bram, session, _dirs } = joined_pair();

    // Both open the session's notes.
    anna.state_mut().screen = Screen::Session(session.clone());
    bram.state_mut().screen = Screen::Session(session.clone());
    anna.step();
    bram.step();

    // Anna types; the text appears in Bram's window.
    type_into(&mut anna, Role::MultilineTextInput, nl(Text::Notes), "Samen lezen werkt.");
    wait_both(&mut anna, &mut bram, "Anna's notes reach Bram", |_, b| notes(b) == "Samen lezen werkt.");

    // Now both type at the same time: Anna at the start, Bram at the end.
    let field = TextField::Notes(session.clone());
    for ui in [&mut anna, &mut bram] {
        ui.get_by_role_and_label(Role::MultilineTextInput, nl(Text::Notes)).click();
        ui.step();
    }
    anna.key_press_modifiers(Modifiers::CTRL, Key::Home);
    bram.key_press_modifiers(Modifiers::CTRL, Key::End);
    anna.step();
    bram.step();
    for (a, b) in ["Anna: ", "ja, ", "echt "].iter().zip([" Bram:", " ook", " thuis."]) {
        anna.get_by_role_and_label(Role::MultilineTextInput, nl(Text::Notes)).type_text(a);
        bram.get_by_role_and_label(Role::MultilineTextInput, nl(Text::Notes)).type_text(b);
        anna.step();
        bram.step();
    }
    let expected = "Anna: ja, echt Samen lezen werkt. Bram: ook thuis.";
    wait_both(&mut anna, &mut bram, "both windows show both typists' text", |a, b| {
        notes(a) == expected && notes(b) == expected
    });
    wait_both(&mut anna, &mut bram, "both are idle", |a, b| a.state().state.is_idle() && b.state().state.is_idle());
    // Each typist's caret is still behind their own words.
    let anna_at = "Anna: ja, echt ".chars().count();
    assert_eq!(caret(&anna, &field), Some((anna_at, anna_at)));
    let end = expected.chars().count();
    assert_eq!(caret(&bram, &field), Some((end, end)));
}

#[test]
fn what_another_member_changed_is_listed_and_marked_until_seen() {
    let Pair { mut anna, mut bram, session, _dirs } = joined_pair();
    let what_changed = |ui: &Ui| ui.query_all_by_label_contains(nl(Text::WhatChanged)).count();

    // Bram's joining is news to Anna; she marks everything as seen.
    click(&mut anna, nl(Text::Sessions));
    wait_until(&mut anna, "Anna is told Bram joined", |app| app.state.changes().is_some_and(|c| !c.is_empty()));
    anna.get_by_label_contains(nl(Text::WhatChanged)).click();
    anna.step();
    assert!(anna.query_by_label_contains("Bram sloot zich aan").is_some(), "the join is listed by name");
    click(&mut anna, nl(Text::MarkSeen));
    wait_until(&mut anna, "nothing is new for Anna", |app| app.state.changes().is_some_and(|c| c.is_empty()));
    assert_eq!(what_changed(&anna), 0, "the button is gone once everything is seen");

    // Bram writes in the notes; Anna, on the sessions list, sees who changed what, and where.
    bram.state_mut().screen = Screen::Session(session.clone());
    bram.step();
    type_into(&mut bram, Role::MultilineTextInput, nl(Text::Notes), "Bram: boekenkring starten.");
    wait_until(&mut anna, "Bram's notes are news to Anna", |app| {
        app.state.changes().is_some_and(|c| c.touched().contains(session.as_str()))
    });
    assert!(anna.query_by_label(nl(Text::ChangedMark)).is_some(), "the session is marked as changed");
    anna.get_by_label_contains(nl(Text::WhatChanged)).click();
    anna.step();
    let line = anna.get_by_label_contains("Bram bewerkte de notities van Leesbegrip");
    line.click();
    anna.step();
    assert_eq!(anna.state().screen, Screen::Session(session.clone()), "the line leads to the session");

    // Her own edits are never news to her; marking as seen clears the list and the marks.
    type_into(&mut anna, Role::MultilineTextInput, nl(Text::Notes), " Anna: ja!");
    let changes = anna.state().state.changes().unwrap().clone();
    let notes_item = changes.items.iter().find(|i| i.target.as_deref() == Some(session.as_str())).unwrap();
    let bram_id = bram.state().state.me().unwrap().clone();
    assert_eq!(notes_item.by, [bram_id].into_iter().collect());
    click(&mut anna, nl(Text::MarkSeen));
    wait_until(&mut anna, "nothing is new for Anna", |app| app.state.changes().is_some_and(|c| c.is_empty()));
    click(&mut anna, nl(Text::Sessions));
    assert!(anna.query_by_label(nl(Text::ChangedMark)).is_none());
}

#[test]
fn a_change_from_a_modified_client_is_refused_and_the_coordinator_is_told_whose_laptop_sent_it() {
    use kring_model::automerge::transaction::Transactable;
    use kring_model::automerge::{ROOT, ReadDoc, Value};

    let Pair { mut anna, bram, _dirs, .. } = joined_pair();
    let network = bram.state().state.network_id().unwrap().to_string();
    let me = bram.state().state.view.as_ref().and_then(|v| v.me.clone()).expect("Bram is a member");
    drop(bram);

    // Bram's laptop, with a modified client: he makes himself coordinator in his own copy.
    {
        let data = kring_store::DataDir::open(_dirs.1.path()).unwrap();
        let (mut open, _) = kring_node::OpenNetwork::open(&data, &network).unwrap();
        let doc = open.network.doc_mut();
        let Ok(Some((Value::Object(_), members))) = doc.get(ROOT, "members") else { panic!("members") };
        let Ok(Some((Value::Object(_), record))) = doc.get(&members, me.as_str()) else { panic!("Bram") };
        doc.put(&record, "role", "coordinator").unwrap();
        doc.commit();
        open.persist().unwrap();
    }

    // His laptop starts again and reaches Anna's, which refuses and says so, in Dutch.
    let mut bram = client(_dirs.1.path());
    let warning = "Brams laptop stuurde een wijziging die Kring weigert: zichzelf coördinator maken";
    wait_both(&mut anna, &mut bram, "Anna's window names Bram's laptop", |anna, _| {
        anna.query_by_label_contains(warning).is_some()
    });
    let shown = anna.state().state.snapshot().unwrap();
    assert_eq!(shown.members[&me].role, kring_model::Role::Member, "Bram is still a regular member at Anna's");
}

/// The sync details tell the truth after a join: both laptops say they are in sync with the
/// other, not "geweigerd" (the joiner was refused once, before it was a member).
#[test]
fn after_a_join_both_sides_details_say_in_sync() {
    let Pair { mut anna, mut bram, _dirs, .. } = joined_pair();
    anna.state_mut().pages.status.show_peers = true;
    bram.state_mut().pages.status.show_peers = true;
    let in_sync = |ui: &Ui| {
        let peers = &ui.state().state.status.peers;
        !peers.is_empty() && peers.values().all(|p| p.connected && !p.refused && !p.in_sync.is_empty())
    };
    wait_both(&mut anna, &mut bram, "both are in sync with the other", |a, b| in_sync(a) && in_sync(b));
    // Anna's ticket (one use) is used up: it is gone from her screen, QR code and all.
    anna.state_mut().screen = Screen::Members;
    wait_until(&mut anna, "the used ticket leaves the screen", |app| app.pages.members.ticket_made.is_none());
    assert!(anna.query_by_label(nl(Text::TicketExplained)).is_none());
    for ui in [&mut anna, &mut bram] {
        ui.step();
        assert!(ui.query_by_label(nl(Text::Refused)).is_none(), "nobody is shown as refused");
        assert!(ui.query_all_by_label(nl(Text::InSync)).count() >= 2, "the bar and the peer's line say in sync");
    }
}

/// Coordinators can make another member coordinator and back; the last coordinator is never
/// demoted, and the refusal says why, in Dutch, beside the members.
#[test]
fn a_coordinator_makes_a_co_coordinator_and_the_last_one_stays() {
    let Pair { mut anna, mut bram, _dirs, .. } = joined_pair();
    let bram_id = bram.state().state.me().unwrap().clone();
    let anna_id = anna.state().state.me().unwrap().clone();
    anna.state_mut().screen = Screen::Members;
    anna.step();
    click(&mut anna, &format!("{}: Bram", nl(Text::MakeCoordinator)));
    wait_until(&mut bram, "Bram is coordinator on his own laptop", |app| app.state.is_coordinator());
    bram.state_mut().screen = Screen::Members;
    bram.step();
    assert!(bram.query_by_label(nl(Text::MakeInvite)).is_some(), "a coordinator can invite");

    // Bram makes Anna a regular member; then he is the last coordinator and cannot step down.
    click(&mut bram, &format!("{}: Anna", nl(Text::MakeMember)));
    wait_until(&mut anna, "Anna is a regular member", |app| !app.state.is_coordinator());
    click(&mut bram, &format!("{}: Bram", nl(Text::MakeMember)));
    let refusal = "Een netwerk heeft altijd een coördinator: maak eerst iemand anders coördinator.";
    assert!(bram.query_by_label(refusal).is_some(), "{:?}", bram.state().state.error_text());
    let shown = bram.state().state.snapshot().unwrap();
    assert_eq!(shown.members[&bram_id].role, kring_model::Role::Coordinator);
    assert_eq!(shown.members[&anna_id].role, kring_model::Role::Member);
}

/// "Mijn andere laptop toevoegen": Anna's second laptop pastes the link ticket, becomes her
/// laptop, and votes as Anna: one vote per member, whichever laptop casts it.
#[test]
fn a_second_laptop_of_the_same_person_votes_as_that_member() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut first = client(dir_a.path());
    let mut second = client(dir_b.path());
    create_network(&mut first, "Anna", "PLG Lezen");
    click(&mut first, nl(Text::Questions));
    type_into(&mut first, Role::TextInput, nl(Text::ProposeQuestion), "Hoe lezen we samen?");
    click(&mut first, nl(Text::Propose));
    click(&mut first, nl(Text::Vote));
    click(&mut first, nl(Text::Members));
    click(&mut first, nl(Text::MakeLinkTicket));
    let ticket = first.state().pages.members.link_made.clone().expect("a link ticket is shown");

    // The second laptop, at its first start, pastes the ticket.
    type_into(&mut second, Role::MultilineTextInput, nl(Text::LinkTicket), &ticket);
    second.get_by_label(nl(Text::LinkLaptop)).click();
    wait_both(&mut first, &mut second, "the second laptop has the network", |_, b| {
        b.state().state.snapshot().is_some()
    });
    wait_until(&mut second, "the second laptop is Anna's", |app| app.state.me().is_some());
    let anna = first.state().state.me().unwrap().clone();
    assert_eq!(second.state().state.me(), Some(&anna), "the same member");

    // Her vote is already there; voting again from the second laptop takes it back, once.
    second.state_mut().screen = Screen::Questions;
    second.step();
    assert!(second.query_by_label(nl(Text::RetractVote)).is_some(), "Anna's vote shows on her other laptop");
    assert!(second.query_by_label("1 stem").is_some());
    type_into(&mut second, Role::TextInput, nl(Text::ProposeQuestion), "Wat lezen leerlingen thuis?");
    click(&mut second, nl(Text::Propose));
    wait_until(&mut second, "the second question shows", |app| app.state.snapshot().unwrap().questions.len() == 2);
    second.get_all_by_label(nl(Text::Vote)).next().unwrap().click();
    second.step();
    settle(&mut second);
    wait_both(&mut first, &mut second, "both questions have one vote on the first laptop", |a, _| {
        let shown = a.state().state.snapshot().unwrap();
        shown.questions.len() == 2 && shown.questions.values().all(|q| q.votes.len() == 1 && q.votes.contains(&anna))
    });
    let shown = first.state().state.snapshot().unwrap();
    assert_eq!(shown.members[&anna].devices.len(), 2, "two laptops, one member");
}

/// "Geschiedenis": Anna reads the notes as they were before Bram added to them.
#[test]
fn the_history_of_the_notes_shows_an_older_version() {
    let Pair { mut anna, mut bram, session, _dirs } = joined_pair();
    anna.state_mut().screen = Screen::Session(session.clone());
    bram.state_mut().screen = Screen::Session(session.clone());
    anna.step();
    bram.step();
    type_into(&mut anna, Role::MultilineTextInput, nl(Text::Notes), "Eerste versie.");
    wait_both(&mut anna, &mut bram, "Anna's notes reach Bram", |_, b| notes(b) == "Eerste versie.");
    type_into(&mut bram, Role::MultilineTextInput, nl(Text::Notes), " Bram vulde aan.");
    wait_both(&mut anna, &mut bram, "Bram's words reach Anna", |a, _| notes(a) == "Eerste versie. Bram vulde aan.");

    anna.get_by_label(&format!("{}: {}", nl(Text::History), nl(Text::Notes))).click();
    anna.step();
    wait_until(&mut anna, "the moments are listed", |app| app.state.history.is_some());
    let versions = anna.state().state.history.clone().unwrap().versions;
    assert!(versions.len() >= 2, "Anna's and Bram's moments: {versions:?}");
    // The older moment (Anna's) shows the text without Bram's words.
    let older = anna.get_all_by_label_contains("— Anna").next().expect("Anna's moment is listed");
    older.click();
    anna.step();
    wait_until(&mut anna, "the older text is read", |app| app.state.text_at.is_some());
    let shown = anna.query_all(by().role(Role::MultilineTextInput).value("Eerste versie.")).count();
    assert_eq!(shown, 1, "the text as it was");
    click(&mut anna, nl(Text::Close));
    assert_eq!(notes(&anna), "Eerste versie. Bram vulde aan.", "the editor shows the text as it is");
}

/// Anna begins a new chapter in her window; Bram's laptop, connected, switches to it at once,
/// and Anna's members page shows that he has.
#[test]
fn a_new_chapter_reaches_the_other_window_and_shows_who_has_switched() {
    let Pair { mut anna, mut bram, session, _dirs } = joined_pair();
    wait_both(&mut anna, &mut bram, "the two laptops are connected", |a, b| {
        a.state().state.status.connected() > 0 && b.state().state.status.connected() > 0
    });

    click(&mut anna, nl(Text::TheNetwork));
    click(&mut anna, nl(Text::NewChapter));
    click(&mut anna, nl(Text::YesNewChapter));
    wait_both(&mut anna, &mut bram, "Bram's laptop is on chapter 2", |a, b| {
        let on_two = |ui: &Ui| ui.state().state.snapshot().is_some_and(|s| s.info.chapter.number == 2);
        on_two(a) && on_two(b)
    });
    assert!(bram.state().state.snapshot().unwrap().sessions.contains_key(&session), "the meeting came along");
    let said = bram.state().state.status.switched.clone().expect("Bram's status says it switched");
    assert_eq!(said.number, 2);

    click(&mut anna, nl(Text::Members));
    wait_both(&mut anna, &mut bram, "Anna sees that Bram switched", |a, _| {
        a.query_all_by_label(nl(Text::HasSwitched)).count() == 2
    });
}
