//! The real desktop UI, driven headlessly by its labels (egui_kittest + AccessKit), on a real
//! data directory.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kring_store::DataDir;
use kring_ui::i18n::{Language, Text, tr};
use kring_ui::{AppState, KringApp, Screen};

fn harness(dir: &tempfile::TempDir) -> Harness<'static, KringApp> {
    let data = DataDir::open(dir.path()).unwrap();
    let app = KringApp::new(AppState::new(data));
    Harness::builder().with_size(egui::vec2(1200.0, 900.0)).build_ui_state(|ui, app: &mut KringApp| app.show(ui), app)
}

fn type_into(harness: &mut Harness<'_, KringApp>, label: &str, text: &str) {
    harness.get_by_role_and_label(Role::TextInput, label).click();
    harness.run();
    harness.get_by_role_and_label(Role::TextInput, label).type_text(text);
    harness.run();
}

#[test]
fn from_first_start_to_a_question_with_a_vote() {
    let dir = tempfile::tempdir().unwrap();
    let nl = |text| tr(Language::Nl, text);
    {
        let mut ui = harness(&dir);
        ui.run();
        type_into(&mut ui, nl(Text::YourName), "Anna de Vries");
        ui.get_by_label("docent").click();
        type_into(&mut ui, nl(Text::NetworkName), "PLG Rekenen Leiden");
        ui.get_by_label(nl(Text::CreateNetwork)).click();
        ui.run();
        assert!(ui.state().state.open.is_some(), "network created: {:?}", ui.state().state.error);

        // Plan a session; the session page opens.
        type_into(&mut ui, nl(Text::Title), "Startbijeenkomst");
        ui.get_by_label(nl(Text::AddSession)).click();
        ui.run();
        assert!(matches!(ui.state().screen, Screen::Session(_)));

        // Type notes.
        ui.get_by_role(Role::MultilineTextInput).click();
        ui.run();
        ui.get_by_role(Role::MultilineTextInput).type_text("We kozen rekenmotivatie.");
        ui.run();

        // Propose a question, vote, move it to "centraal".
        ui.get_by_label(nl(Text::Questions)).click();
        ui.run();
        type_into(&mut ui, nl(Text::ProposeQuestion), "Hoe motiveren we zwakke rekenaars?");
        ui.get_by_label(nl(Text::Propose)).click();
        ui.run();
        ui.get_by_label(nl(Text::Vote)).click();
        ui.run();
        assert!(ui.query_by_label(nl(Text::RetractVote)).is_some(), "the button now offers to retract");
        ui.get_by_role_and_label(Role::Button, "centraal").click();
        ui.run();
    }

    // Everything is on disk: a fresh start shows the same network.
    let data = DataDir::open(dir.path()).unwrap();
    let state = AppState::new(data);
    let snapshot = &state.open.as_ref().expect("the network opens again").snapshot;
    let me = &state.open.as_ref().unwrap().me;
    assert_eq!(snapshot.info.name, "PLG Rekenen Leiden");
    assert_eq!(snapshot.members[me].perspective, kring_model::Perspective::Teacher);
    let session = snapshot.sessions.values().next().unwrap();
    assert_eq!(session.title, "Startbijeenkomst");
    assert_eq!(session.notes, "We kozen rekenmotivatie.");
    let question = snapshot.questions.values().next().unwrap();
    assert_eq!(question.title, "Hoe motiveren we zwakke rekenaars?");
    assert!(question.votes.contains(me));
    assert_eq!(question.status, kring_model::QuestionStatus::Central);
}

#[test]
fn an_empty_network_name_shows_an_inline_error_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = harness(&dir);
    ui.run();
    type_into(&mut ui, tr(Language::Nl, Text::YourName), "Anna");
    ui.get_by_label(tr(Language::Nl, Text::CreateNetwork)).click();
    ui.run();
    assert!(ui.query_by_label_contains("must not be empty").is_some());
    assert!(ui.state().state.open.is_none());
    assert_eq!(std::fs::read_dir(dir.path().join("networks")).unwrap().count(), 0);
}

#[test]
fn every_screen_renders_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = harness(&dir);
    ui.run();
    for language in Language::ALL {
        ui.state_mut().state.set_language(language);
        ui.state_mut().screen = Screen::Sessions;
        ui.run();
        // First start (no network yet) in this language.
        assert!(ui.query_by_label(tr(language, Text::CreateNetwork)).is_some());
    }
    let founder = kring_model::Profile::new("Anna");
    assert!(ui.state_mut().state.create_network("PLG", &founder));
    for language in Language::ALL {
        ui.state_mut().state.set_language(language);
        for (screen, expected) in [(Screen::Sessions, Text::AddSession), (Screen::Questions, Text::Propose)] {
            ui.state_mut().screen = screen;
            ui.run();
            assert!(ui.query_by_label(tr(language, expected)).is_some(), "{expected:?} in {language:?}");
        }
    }
}
