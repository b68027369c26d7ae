//! The whole cycle of a learning network in one window, driven by the labels a person sees:
//! action research on a question, changing and moving a session, the bin, search, and every
//! screen in Dutch without an English word.

mod common;

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable, by};
use kring_model::{Edit, SessionId, TextField};
use kring_node::client::Command;
use kring_ui::Screen;
use kring_ui::i18n::{Language, Text, tr};

/// Anna's network with one session, open on that session's screen.
fn network_with_session(ui: &mut Ui, title: &str, date: &str) -> SessionId {
    create_network(ui, "Anna", "PLG Jeugdzorg");
    type_into(ui, Role::TextInput, nl(Text::Title), title);
    type_into(ui, Role::TextInput, nl(Text::Date), date);
    click(ui, nl(Text::AddSession));
    let Screen::Session(id) = ui.state().screen.clone() else {
        panic!("the session opens: {:?}", ui.state().state.error_text())
    };
    id
}

#[test]
fn an_action_research_cycle_from_plan_to_reflect_with_the_sessions_held_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    let session = network_with_session(&mut ui, "Casusoverleg", "15-9-2026 15:30");

    // A question, discussed in that session.
    click(&mut ui, nl(Text::Questions));
    type_into(&mut ui, Role::TextInput, nl(Text::ProposeQuestion), "Hoe betrekken we ouders?");
    click(&mut ui, nl(Text::Propose));
    ui.state_mut().screen = Screen::Session(session.clone());
    ui.step();
    click(&mut ui, "Hoe betrekken we ouders?");

    // The question's page: start a cycle the Dutch way, write each phase, end it.
    click(&mut ui, nl(Text::Questions));
    click(&mut ui, "Hoe betrekken we ouders?");
    assert!(matches!(ui.state().screen, Screen::Question(_)));
    type_into(&mut ui, Role::TextInput, nl(Text::StartDate), "1-9-2026");
    click(&mut ui, nl(Text::StartCycle));
    wait_until(&mut ui, "the cycle exists", |app| {
        app.state.snapshot().is_some_and(|s| s.questions.values().any(|q| !q.cycles.is_empty()))
    });
    for (phase, text) in [
        ("plannen", "Ouders uitnodigen bij het eerste gesprek."),
        ("uitvoeren", "Drie gezinnen kwamen."),
        ("observeren", "Ouders spraken meer dan verwacht."),
        ("reflecteren", "Vaker zo doen."),
    ] {
        type_into(&mut ui, Role::MultilineTextInput, phase, text);
    }
    assert!(ui.query_by_label("wo 16 sep 2026, 15:30 — Casusoverleg").is_none(), "dates read the Dutch way");
    let held = "di 15 sep 2026, 15:30 — Casusoverleg";
    assert!(ui.query_by_role_and_label(Role::Link, held).is_some(), "discussed in the session");
    assert!(ui.query_by_role_and_label(Role::Label, held).is_some(), "the session held during the cycle");
    // Below the fold: Enter in the date field ends the cycle as the button does.
    type_into(&mut ui, Role::TextInput, nl(Text::EndDate), "30 sep 2026");
    ui.key_press(egui::Key::Enter);
    ui.step();
    settle(&mut ui);
    wait_until(&mut ui, "the cycle ended", |app| {
        app.state
            .snapshot()
            .is_some_and(|s| s.questions.values().flat_map(|q| q.cycles.values()).all(|c| c.ended_on.is_some()))
    });

    let snapshot = ui.state().state.snapshot().unwrap().clone();
    let cycle = snapshot.questions.values().flat_map(|q| q.cycles.values()).next().unwrap();
    assert_eq!((cycle.started_on.as_str(), cycle.ended_on.as_deref()), ("2026-09-01", Some("2026-09-30")));
    assert_eq!(cycle.plan, "Ouders uitnodigen bij het eerste gesprek.");
    assert_eq!(cycle.act, "Drie gezinnen kwamen.");
    assert_eq!(cycle.observe, "Ouders spraken meer dan verwacht.");
    assert_eq!(cycle.reflect, "Vaker zo doen.");
    assert!(ui.query_by_label_contains("Cyclus 1 · di 1 sep 2026 – wo 30 sep 2026").is_some());

    // A date that is no date is refused beside the form, in Dutch.
    type_into(&mut ui, Role::TextInput, nl(Text::StartDate), "morgen");
    ui.key_press(egui::Key::Enter);
    ui.step();
    assert!(ui.query_by_label_contains("'morgen' is geen datum").is_some(), "{:?}", ui.state().state.error_text());
}

#[test]
fn a_session_is_changed_and_moved_then_deleted_and_restored_from_the_bin() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    let session = network_with_session(&mut ui, "Intervsie", "7-12-2026 15:30");
    assert!(ui.query_by_label_contains("ma 7 dec 2026, 15:30").is_some(), "the date is shown the Dutch way");

    // Fix the typo and move the meeting a week, in the details form.
    click(&mut ui, nl(Text::EditDetails));
    let form = ui.state_mut().pages.session.editing.as_mut().expect("the form opens");
    assert_eq!(form.date, "7-12-2026 15:30", "the date comes back as people type it");
    form.title = "Intervisie".into();
    form.date = "14 dec 2026 9:00".into();
    ui.step();
    type_into(&mut ui, Role::TextInput, nl(Text::Location), "De Linde, lokaal 4");
    ui.get_by_role_and_label(Role::TextInput, nl(Text::Location)).focus();
    ui.key_press(egui::Key::Enter);
    ui.step();
    settle(&mut ui);
    wait_until(&mut ui, "the session is changed", |app| {
        app.state.snapshot().unwrap().sessions[&session].title == "Intervisie"
    });
    let moved = ui.state().state.snapshot().unwrap().sessions[&session].clone();
    assert_eq!((moved.starts_at.as_str(), moved.location.as_str()), ("2026-12-14T09:00", "De Linde, lokaal 4"));
    assert!(ui.state().pages.session.editing.is_none(), "Enter saved and closed the form");

    // Into the bin: gone from the list, there to restore.
    click(&mut ui, nl(Text::MoveToBin));
    wait_until(&mut ui, "the session is deleted", |app| {
        app.state.snapshot().unwrap().sessions[&session].deleted_at.is_some()
    });
    assert_eq!(ui.state().screen, Screen::Sessions);
    assert!(ui.query_by_label_contains("Intervisie").is_none(), "not listed any more");
    click(&mut ui, nl(Text::Bin));
    click(&mut ui, &format!("{}: ma 14 dec 2026, 09:00 — Intervisie", nl(Text::Restore)));
    wait_until(&mut ui, "the session is back", |app| {
        app.state.snapshot().unwrap().sessions[&session].deleted_at.is_none()
    });
    assert!(ui.query_by_label(nl(Text::BinEmpty)).is_some());
    click(&mut ui, nl(Text::Sessions));
    assert!(ui.query_by_label_contains("Intervisie").is_some(), "listed again");
}

#[test]
fn search_finds_a_word_in_the_notes_and_opens_the_session_with_the_hit_selected() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    let session = network_with_session(&mut ui, "Casusoverleg", "2-12-2026");
    type_into(&mut ui, Role::MultilineTextInput, nl(Text::Notes), "We bespraken de zorgleerling en zijn ouders.");
    click(&mut ui, nl(Text::Sessions));

    // Ctrl+F puts the caret in the search field; the word is found without its capital.
    ui.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    ui.step();
    ui.get_by_role_and_label(Role::TextInput, nl(Text::Search)).type_text("Zorgleerling");
    ui.step();
    ui.step();
    assert_eq!(ui.state().screen, Screen::Search);
    assert!(ui.query_by_label("1 treffer").is_some(), "one hit, in the right number");
    // By keyboard: Tab to the hit, Enter opens it.
    ui.get_by_label(&format!("Casusoverleg · {}", nl(Text::Notes))).focus();
    ui.step();
    ui.key_press(egui::Key::Enter);
    ui.step();
    settle(&mut ui);
    assert_eq!(ui.state().screen, Screen::Session(session.clone()));
    wait_until(&mut ui, "the hit is selected in the notes", |app| {
        app.pages.session.texts.drafts.get(&TextField::Notes(session.clone())).and_then(|d| d.caret()) == Some((16, 28))
    });
}

/// Every word on every screen in the Dutch interface is Dutch (names people typed aside).
#[test]
fn every_screen_in_dutch_has_no_english_word() {
    const ENGLISH: &[&str] = &[
        "the",
        "and",
        "add",
        "remove",
        "save",
        "cancel",
        "session",
        "sessions",
        "question",
        "questions",
        "settings",
        "members",
        "delete",
        "restore",
        "search",
        "history",
        "new",
        "edit",
        "your",
        "with",
        "vote",
        "votes",
        "you",
        "back",
        "join",
        "start",
        "bin",
        "actions",
        "what",
        "changed",
        "connected",
        "must",
        "not",
        "empty",
        "invalid",
        "ticket's",
        "refused",
        "synced",
        "round",
        "export",
        "import",
        "file",
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    let session = network_with_session(&mut ui, "Intervisie", "7-12-2026");
    click(&mut ui, nl(Text::Questions));
    type_into(&mut ui, Role::TextInput, nl(Text::ProposeQuestion), "Hoe betrekken we ouders?");
    click(&mut ui, nl(Text::Propose));
    let question = ui.state().state.snapshot().unwrap().questions.keys().next().unwrap().clone();
    ui.state_mut().pages.status.show_peers = true;
    let screens = [
        Screen::Sessions,
        Screen::Session(session),
        Screen::Questions,
        Screen::Question(question),
        Screen::Actions,
        Screen::Reflection,
        Screen::Members,
        Screen::Network,
        Screen::Bin,
        Screen::Search,
        Screen::Settings,
        Screen::AddNetwork,
    ];
    for screen in screens {
        ui.state_mut().screen = screen.clone();
        ui.step();
        ui.step();
        let labels: Vec<String> = ui
            .query_all(by().include_labels().predicate(|node| node.label().is_some()))
            .filter_map(|node| node.accesskit_node().label())
            .collect();
        assert!(labels.len() > 5, "{screen:?} shows words: {labels:?}");
        for label in labels {
            for word in label.to_lowercase().split(|c: char| !c.is_alphanumeric() && c != '\'') {
                assert!(!ENGLISH.contains(&word), "English {word:?} on {screen:?} in {label:?}");
            }
        }
        // The same screen in English shows its English words.
        ui.state_mut().state.language = Language::En;
        ui.step();
        ui.step();
        assert!(ui.query_all_by_label(tr(Language::En, Text::PeerDetails)).next().is_some(), "{screen:?} in English");
        ui.state_mut().state.language = Language::Nl;
    }
}

/// A click sends one command, as data: which one can be read without a node running.
#[test]
fn a_click_sends_a_named_command_that_a_test_can_read() {
    let details = kring_model::NetworkDetails { name: "PLG".into(), ..Default::default() };
    let (mut network, me) =
        kring_model::Network::create(&details, &kring_model::Profile::new("Anna"), "laptop").unwrap();
    let new =
        kring_model::NewSession { title: "Intervisie".into(), starts_at: "2026-12-07".into(), ..Default::default() };
    let session = network.add_session(&me, &new).unwrap();
    let view = view_of(&network, me);
    let mut app = kring_ui::KringApp::new(kring_ui::AppState::detached(view));
    app.screen = Screen::Session(session.clone());
    let mut ui = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1200.0, 900.0))
        .build_ui_state(|ui, app: &mut kring_ui::KringApp| app.show(ui), app);
    ui.step();
    ui.get_by_label(nl(Text::MoveToBin)).click();
    ui.step();
    let sent = ui.state().state.sent().last().cloned();
    let expected = Command::Edit { network: network.id().to_string(), edit: Edit::DeleteSession { session } };
    assert_eq!(sent, Some(expected));
    assert_eq!(sent.map(|c| c.name()), Some("delete session"));
}

/// The network's themes: a coordinator adds one, a session carries it, and the theme filter in
/// the top bar shows only what is about it.
#[test]
fn a_theme_is_added_given_to_a_session_and_filters_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    let tagged = network_with_session(&mut ui, "Casusoverleg", "2-12-2026");
    click(&mut ui, nl(Text::Sessions));
    type_into(&mut ui, Role::TextInput, nl(Text::Title), "Teamuitje");
    click(&mut ui, nl(Text::AddSession));

    click(&mut ui, nl(Text::TheNetwork));
    type_into(&mut ui, Role::TextInput, nl(Text::NewTheme), "werkplezier");
    click(&mut ui, nl(Text::AddTheme));
    wait_until(&mut ui, "the theme exists", |app| app.state.snapshot().unwrap().info.themes.contains("werkplezier"));

    ui.state_mut().screen = Screen::Session(tagged.clone());
    ui.step();
    click(&mut ui, &format!("{}: werkplezier", nl(Text::Themes)));
    wait_until(&mut ui, "the session carries it", |app| {
        app.state.snapshot().unwrap().sessions[&tagged].themes.contains("werkplezier")
    });

    click(&mut ui, nl(Text::Sessions));
    assert!(ui.query_by_label_contains("Teamuitje").is_some());
    ui.get_by_label(nl(Text::ThemeFilter)).click();
    ui.step();
    ui.step();
    ui.get_by_role_and_label(Role::Button, "werkplezier").click();
    ui.step();
    ui.step();
    assert!(ui.query_by_label_contains("Casusoverleg").is_some(), "the session about it shows");
    assert!(ui.query_by_label_contains("Teamuitje").is_none(), "the other does not");
}

/// A coordinator erases a meeting for everyone from its page: a warning and a second click,
/// then the meeting is gone from the network and from its history, which goes on in chapter 2;
/// the network page says so, and a new chapter can be begun from there too.
#[test]
fn a_coordinator_erases_a_meeting_for_everyone_behind_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    let session = network_with_session(&mut ui, "Vertrouwelijk: zorgleerling M.", "7-12-2026 15:30");

    click(&mut ui, nl(Text::EraseForEveryone));
    assert!(ui.query_by_label(nl(Text::EraseWarning)).is_some(), "the warning says what happens");
    click(&mut ui, nl(Text::Cancel));
    assert!(ui.query_by_label(nl(Text::EraseWarning)).is_none(), "cancelled: nothing happened");
    assert_eq!(ui.state().state.snapshot().unwrap().info.chapter.number, 1);

    click(&mut ui, nl(Text::EraseForEveryone));
    click(&mut ui, nl(Text::YesErase));
    wait_until(&mut ui, "the network is in its second chapter", |app| {
        app.state.snapshot().is_some_and(|s| s.info.chapter.number == 2)
    });
    assert_eq!(ui.state().screen, Screen::Sessions);
    let snapshot = ui.state().state.snapshot().unwrap().clone();
    assert!(!snapshot.sessions.contains_key(&session), "the meeting is gone, not in the bin");
    assert!(ui.query_by_label_contains("zorgleerling").is_none());
    assert!(ui.state().state.notice.as_deref().is_some_and(|n| n.starts_with(nl(Text::Erased))));
    assert!(snapshot.info.chapter.erased);

    // The network page tells which chapter this is, and begins the next one on a second click.
    click(&mut ui, nl(Text::TheNetwork));
    assert!(ui.query_by_label(&format!("{} 2", nl(Text::Chapter))).is_some());
    click(&mut ui, nl(Text::NewChapter));
    click(&mut ui, nl(Text::YesNewChapter));
    wait_until(&mut ui, "the third chapter", |app| app.state.snapshot().is_some_and(|s| s.info.chapter.number == 3));
    assert!(ui.query_by_label(&format!("{} 3", nl(Text::Chapter))).is_some());
}

/// A passage selected in the notes is erased for everyone, and the rest of the notes stay.
#[test]
fn a_coordinator_erases_a_selected_passage_of_the_notes_for_everyone() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    let session = network_with_session(&mut ui, "Casusoverleg", "7-12-2026 15:30");
    type_into(&mut ui, Role::MultilineTextInput, nl(Text::Notes), "Besproken: Lotte (groep 5). Verder niets.");
    let field = TextField::Notes(session.clone());
    wait_until(&mut ui, "the notes are saved", |app| {
        app.state.snapshot().unwrap().sessions[&session].notes.contains("Verder niets.")
    });

    // Select "Lotte (groep 5). " as a search hit would be selected, then erase it.
    ui.state_mut().pages.session.texts.drafts.get_mut(&field).unwrap().highlight = Some((11, 28));
    settle(&mut ui);
    click(&mut ui, nl(Text::EraseSelection));
    assert!(ui.query_by_label(nl(Text::EraseWarning)).is_some());
    click(&mut ui, nl(Text::YesErase));
    wait_until(&mut ui, "the network is in its second chapter", |app| {
        app.state.snapshot().is_some_and(|s| s.info.chapter.number == 2)
    });
    assert_eq!(ui.state().state.snapshot().unwrap().sessions[&session].notes, "Besproken: Verder niets.");
}

/// A start whose kept view could not be used: the networks are listed (from their kept names)
/// and the screen says the network is opening, until its document has loaded.
#[test]
fn a_network_still_opening_is_listed_and_says_so() {
    let details = kring_model::NetworkDetails { name: "PLG Lezen".into(), ..Default::default() };
    let (network, me) = kring_model::Network::create(&details, &kring_model::Profile::new("Anna"), "laptop").unwrap();
    let view = view_of(&network, me);
    let mut state = kring_ui::AppState::detached(view);
    state.view = None;
    let mut ui = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1200.0, 900.0))
        .build_ui_state(|ui, app: &mut kring_ui::KringApp| app.show(ui), kring_ui::KringApp::new(state));
    ui.step();
    assert!(ui.query_by_label(nl(Text::NetworkOpening)).is_some(), "the screen says the network is opening");
    let picker = ui.get_by_role_and_label(Role::ComboBox, nl(Text::ChooseNetwork));
    assert_eq!(picker.value().as_deref(), Some("PLG Lezen"), "the network is listed by its name");
    assert!(ui.query_by_label(nl(Text::Sessions)).is_some(), "the navigation is there to use");
}

/// A long board draws only the cards in sight; the others keep their place, so scrolling down
/// reaches the last question, which then opens with a click.
#[test]
fn the_last_of_many_questions_is_reached_by_scrolling_and_opens() {
    let details = kring_model::NetworkDetails { name: "Leerhuis".into(), ..Default::default() };
    let (mut network, me) =
        kring_model::Network::create(&details, &kring_model::Profile::new("Anna"), "laptop").unwrap();
    let questions: Vec<_> =
        (0..120).map(|n| network.add_question(&me, &format!("Leervraag nummer {n}"), "").unwrap()).collect();
    let view = view_of(&network, me);
    let mut app = kring_ui::KringApp::new(kring_ui::AppState::detached(view));
    app.screen = Screen::Questions;
    let mut ui = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1200.0, 700.0))
        .build_ui_state(|ui, app: &mut kring_ui::KringApp| app.show(ui), app);
    ui.run_steps(3);
    let last = "Leervraag nummer 119";
    assert!(ui.query_by_label(last).is_none(), "the last card is out of sight and not drawn");
    assert!(ui.query_by_label("Leervraag nummer 0").is_some(), "the first is in sight");

    ui.hover_at(egui::pos2(300.0, 400.0));
    for _ in 0..40 {
        ui.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -400.0),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        ui.step();
    }
    ui.run_steps(3);
    ui.get_by_label(last).click();
    ui.run_steps(2);
    assert_eq!(ui.state().screen, Screen::Question(questions[119].clone()));
}

/// What a client shows of `network` to `me`, for an app without a node.
fn view_of(network: &kring_model::Network, me: kring_model::MemberId) -> kring_node::client::NetworkView {
    kring_node::client::NetworkView {
        network: network.id().to_string(),
        version: 1,
        snapshot: std::sync::Arc::new(network.snapshot().unwrap()),
        me: Some(me),
        typed: 0,
        caret: None,
        changes: Default::default(),
    }
}
