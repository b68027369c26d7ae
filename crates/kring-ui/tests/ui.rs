//! The real desktop UI, driven headlessly by its labels (egui_kittest + AccessKit), on a real
//! data directory with its node running.

mod common;

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use kring_model::Network;
use kring_store::DataDir;
use kring_ui::Screen;
use kring_ui::i18n::{Language, Text, tr};

#[test]
fn from_first_start_to_a_question_with_a_vote() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut ui = client(dir.path());
        type_into(&mut ui, Role::TextInput, nl(Text::YourName), "Anna de Vries");
        ui.get_by_label("docent").click();
        ui.step();
        type_into(&mut ui, Role::TextInput, nl(Text::NetworkName), "PLG Rekenen Leiden");
        click(&mut ui, nl(Text::CreateNetwork));
        wait_until(&mut ui, "the network is open", |app| app.state.view.is_some());

        // Plan a session; the session page opens.
        type_into(&mut ui, Role::TextInput, nl(Text::Title), "Startbijeenkomst");
        click(&mut ui, nl(Text::AddSession));
        assert!(matches!(ui.state().screen, Screen::Session(_)), "{:?}", ui.state().state.error_text());

        // Type notes, mark attendance, add an action.
        type_into(&mut ui, Role::MultilineTextInput, nl(Text::Notes), "We kozen rekenmotivatie.");
        click(&mut ui, "afgemeld");
        type_into(&mut ui, Role::TextInput, nl(Text::NewAction), "Rubric delen");
        click(&mut ui, nl(Text::AddAction));

        // Propose a question, vote, move it to "centraal".
        click(&mut ui, nl(Text::Questions));
        type_into(&mut ui, Role::TextInput, nl(Text::ProposeQuestion), "Hoe motiveren we zwakke rekenaars?");
        click(&mut ui, nl(Text::Propose));
        wait_until(&mut ui, "the question shows", |app| app.pages.questions.title.is_empty());
        click(&mut ui, nl(Text::Vote));
        wait_until(&mut ui, "the vote shows", |_| true);
        assert!(ui.query_by_label(nl(Text::RetractVote)).is_some(), "the button now offers to retract");
        click(&mut ui, "Hoe motiveren we zwakke rekenaars?");
        ui.get_by_role_and_label(Role::Button, "centraal").click();
        ui.step();
        settle(&mut ui);
    }

    // The window is closed and the node stopped: everything is on disk.
    let data = DataDir::open(dir.path()).unwrap();
    let id = data.network_ids().unwrap().remove(0);
    let (_, doc, _) = data.open_network(&id).unwrap();
    let snapshot = Network::from_doc(doc).unwrap().snapshot().unwrap();
    let me = snapshot.member_for_device(&data.device_id()).unwrap().id.clone();
    assert_eq!(snapshot.info.name, "PLG Rekenen Leiden");
    assert_eq!(snapshot.members[&me].perspective, kring_model::Perspective::Teacher);
    let session = snapshot.sessions.values().next().unwrap();
    assert_eq!(session.title, "Startbijeenkomst");
    assert_eq!(session.notes, "We kozen rekenmotivatie.");
    assert_eq!(session.attendance[&me], kring_model::Attendance::Excused);
    assert_eq!(session.actions.values().next().unwrap().text, "Rubric delen");
    let question = snapshot.questions.values().next().unwrap();
    assert_eq!(question.title, "Hoe motiveren we zwakke rekenaars?");
    assert!(question.votes.contains(&me));
    assert_eq!(question.status, kring_model::QuestionStatus::Central);
}

#[test]
fn an_empty_network_name_shows_an_inline_error_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    type_into(&mut ui, Role::TextInput, nl(Text::YourName), "Anna");
    click(&mut ui, nl(Text::CreateNetwork));
    let error = "Vul de naam van het netwerk in.";
    assert!(ui.query_by_label(error).is_some(), "{:?}", ui.state().state.error_text());
    assert!(ui.state().state.networks.is_empty());
    assert_eq!(std::fs::read_dir(dir.path().join("networks")).unwrap().count(), 0);
}

#[test]
fn a_malformed_ticket_shows_an_inline_error_and_joins_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    type_into(&mut ui, Role::TextInput, nl(Text::YourName), "Bram");
    type_into(&mut ui, Role::MultilineTextInput, nl(Text::Ticket), "kringdezeticketklopt niet");
    click(&mut ui, nl(Text::Join));
    let error = ui.state().state.error_text().expect("an error is shown");
    assert!(ui.query_by_label(&error).is_some(), "the error is on screen: {error}");
    assert!(error.contains("geen geldig Kring-ticket"), "the error names the ticket, in Dutch: {error}");
    assert!(ui.state().state.networks.is_empty());
    assert_eq!(std::fs::read_dir(dir.path().join("networks")).unwrap().count(), 0);
}

#[test]
fn every_screen_renders_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    for language in Language::ALL {
        ui.state_mut().state.language = language;
        ui.step();
        // First start (no network yet) in this language.
        assert!(ui.query_by_label(tr(language, Text::CreateNetwork)).is_some());
        assert!(ui.query_by_label(tr(language, Text::Join)).is_some());
    }
    ui.state_mut().state.language = Language::Nl;
    ui.step();
    create_network(&mut ui, "Anna", "PLG");
    type_into(&mut ui, Role::TextInput, nl(Text::Title), "Intervisie");
    click(&mut ui, nl(Text::AddSession));
    let session = ui.state().screen.clone();
    for language in Language::ALL {
        ui.state_mut().state.language = language;
        let screens = [
            (Screen::Sessions, Text::AddSession),
            (session.clone(), Text::Attendance),
            (Screen::Questions, Text::Propose),
            (Screen::Reflection, Text::NoRounds),
            (Screen::Members, Text::MakeInvite),
            (Screen::Settings, Text::DataFolder),
            (Screen::AddNetwork, Text::JoinExisting),
        ];
        for (screen, expected) in screens {
            ui.state_mut().screen = screen;
            ui.step();
            ui.step();
            assert!(ui.query_by_label(tr(language, expected)).is_some(), "{expected:?} in {language:?}");
            assert!(ui.query_by_label(tr(language, Text::PeerDetails)).is_some(), "the sync status is always there");
        }
    }
}

#[test]
fn a_reflection_round_from_opening_to_scores_figures_and_closing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    create_network(&mut ui, "Anna", "PLG Rekenen");
    click(&mut ui, nl(Text::Reflection));
    assert!(ui.query_by_label(nl(Text::NoRounds)).is_some());

    // A round needs a title: refused inline, nothing opened.
    click(&mut ui, nl(Text::OpenRound));
    let error = ui.state().state.error_text();
    assert_eq!(error.as_deref(), Some("Vul de titel in."));
    assert!(ui.state().state.snapshot().unwrap().rounds.is_empty());

    type_into(&mut ui, Role::TextInput, nl(Text::NewRound), "Najaar 2026");
    click(&mut ui, nl(Text::OpenRound));
    wait_until(&mut ui, "the round is open", |app| app.pages.reflection.selected_round.is_some());

    // Anna scores trust 4 with a comment, and knowledge sharing 2.
    type_into(&mut ui, Role::TextInput, "Vertrouwen", "We durven fouten te delen.");
    click(&mut ui, "Vertrouwen: 4");
    click(&mut ui, "Kennisdeling: 2");
    assert!(ui.query_by_label("score 4 · 1 persoon").is_some(), "the figures show the score");
    assert!(ui.query_by_label("Anna: We durven fouten te delen.").is_some(), "the comment is shown with its author");
    // Scoring again replaces the score.
    click(&mut ui, "Kennisdeling: 3");
    assert!(ui.query_by_label("score 3 · 1 persoon").is_some());
    assert!(ui.query_by_label("score 2 · 1 persoon").is_none());

    // Closing asks first; afterwards nobody can score.
    click(&mut ui, nl(Text::CloseRound));
    click(&mut ui, nl(Text::Cancel));
    assert!(ui.query_by_label("Vertrouwen: 4").is_some(), "cancel keeps the round open");
    click(&mut ui, nl(Text::CloseRound));
    click(&mut ui, nl(Text::YesCloseRound));
    wait_until(&mut ui, "the round is closed", |app| {
        app.state.snapshot().unwrap().rounds.values().all(|r| r.closed_at.is_some())
    });
    assert!(ui.query_by_label("Vertrouwen: 4").is_none(), "no score buttons on a closed round");
    assert!(ui.query_by_label("score 4 · 1 persoon").is_some(), "the results stay");
    let snapshot = ui.state().state.snapshot().unwrap();
    let round = snapshot.rounds.values().next().unwrap();
    assert_eq!(round.title, "Najaar 2026");
    let scores: Vec<i64> = round.scores.values().flat_map(|s| s.values().map(|s| s.score)).collect();
    assert_eq!(scores.iter().sum::<i64>(), 7, "trust 4 and knowledge sharing 3");

    // A comment that should not have been written is erased for everyone; the score stays.
    click(&mut ui, nl(Text::EraseComment));
    click(&mut ui, nl(Text::YesErase));
    wait_until(&mut ui, "the network is in its second chapter", |app| {
        app.state.snapshot().is_some_and(|s| s.info.chapter.number == 2)
    });
    assert!(ui.query_by_label("Anna: We durven fouten te delen.").is_none(), "the comment is gone");
    assert!(ui.query_by_label("score 4 · 1 persoon").is_some(), "the score stays");
}

#[test]
fn ticking_the_privacy_settings_saves_them_and_asks_for_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    create_network(&mut ui, "Anna", "PLG");
    ui.state_mut().screen = Screen::Settings;
    ui.step();
    ui.step();
    assert!(ui.query_by_label(nl(Text::RestartToApply)).is_none(), "nothing changed yet");
    let saved = kring_store::Config::load(dir.path()).unwrap();
    assert!(!saved.no_public_services && saved.lan_announce, "the defaults: {saved:?}");

    // Each box is saved in config.json the moment it is (un)ticked.
    click(&mut ui, nl(Text::NoPublicServices));
    let saved = kring_store::Config::load(dir.path()).unwrap();
    assert!(saved.no_public_services && saved.lan_announce, "ticked, so saved: {saved:?}");
    assert!(ui.query_by_label(nl(Text::RestartToApply)).is_some(), "the change applies at the next start");
    click(&mut ui, nl(Text::LanAnnounce));
    let saved = kring_store::Config::load(dir.path()).unwrap();
    assert!(saved.no_public_services && !saved.lan_announce, "unticked, so saved: {saved:?}");

    // Back as it started: saved, and no restart needed.
    click(&mut ui, nl(Text::NoPublicServices));
    let saved = kring_store::Config::load(dir.path()).unwrap();
    assert!(!saved.no_public_services && !saved.lan_announce, "{saved:?}");
    click(&mut ui, nl(Text::LanAnnounce));
    let saved = kring_store::Config::load(dir.path()).unwrap();
    assert!(!saved.no_public_services && saved.lan_announce, "{saved:?}");
    assert!(ui.query_by_label(nl(Text::RestartToApply)).is_none());
}

#[test]
fn joining_without_a_name_is_refused_here_and_nothing_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    type_into(&mut ui, Role::MultilineTextInput, nl(Text::Ticket), "kringaexample");
    click(&mut ui, nl(Text::Join));
    assert!(ui.query_by_label("Vul de naam in.").is_some(), "{:?}", ui.state().state.error_text());
    assert!(ui.state().state.is_idle(), "no command went to the node");
    // Leaving the screen takes the error along.
    ui.state_mut().screen = Screen::Settings;
    ui.step();
    ui.step();
    assert!(ui.state().state.error.is_none());
}
