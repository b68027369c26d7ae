//! What made a teacher stumble in two real windows, each fixed and held here: the history of
//! the meeting on screen, a removal that fits, names whole, a page and a top bar that hold
//! still, a board whose cards are dragged between columns, a timeline and a chart that explain
//! themselves, exports in Dutch dates with themes, settings in plain words, and the small things
//! (an empty date field after adding, themes on the cards, an empty filter that says so, the
//! passage an erasure takes, a file menu without small print), invitations named for whom, an
//! activity picture with the right numbers, and the main screens on a 1280 × 720 laptop at 125 %.

mod common;

use std::sync::Arc;

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable, by};
use kring_model::{MemberId, Network, NetworkDetails, Profile, TextField};
use kring_ui::file_dialog::FileJob;
use kring_ui::i18n::{Language, Text, tr};
use kring_ui::{Screen, export};

/// What a client shows of `network` to `me`, for an app without a node.
fn view_of(network: &Network, me: MemberId) -> kring_node::client::NetworkView {
    kring_node::client::NetworkView {
        network: network.id().to_string(),
        version: 1,
        snapshot: Arc::new(network.snapshot().unwrap()),
        me: Some(me),
        typed: 0,
        caret: None,
        changes: Default::default(),
    }
}

/// A window of `width` × `height` on `network` as `me` sees it, without a node, on `screen`.
fn window(network: &Network, me: &MemberId, screen: Screen, width: f32, height: f32) -> Ui {
    let mut app = kring_ui::KringApp::new(kring_ui::AppState::detached(view_of(network, me.clone())));
    app.screen = screen;
    let mut ui = egui_kittest::Harness::builder()
        .with_size(egui::vec2(width, height))
        .build_ui_state(|ui, app: &mut kring_ui::KringApp| app.show(ui), app);
    ui.run_steps(4);
    ui
}

/// Anna's "PLG Rekenen Leiden", with a description and region.
fn plg() -> (Network, MemberId) {
    let details = NetworkDetails {
        name: "PLG Rekenen Leiden".into(),
        description: "Docenten rekenen uit Leiden en omgeving werken samen aan feedback die leerlingen lezen.".into(),
        region: "Leiden".into(),
        ..Default::default()
    };
    Network::create(&details, &Profile::new("Anna de Vries"), "laptop").unwrap()
}

/// Whether any text on screen (a label's words or a field's contents) contains `needle`.
fn shows(ui: &Ui, needle: &str) -> bool {
    ui.query_all(by().include_labels().predicate(|node| {
        let text = |t: Option<String>| t.is_some_and(|t| t.contains(needle));
        text(node.label()) || text(node.value())
    }))
    .next()
    .is_some()
}

#[test]
fn the_history_follows_the_meeting_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    create_network(&mut ui, "Anna", "PLG Jeugdzorg");
    let mut meetings = Vec::new();
    for (title, notes) in
        [("Eerste overleg", "Notities van het eerste overleg."), ("Tweede overleg", "Notities van het tweede overleg.")]
    {
        click(&mut ui, nl(Text::Sessions));
        type_into(&mut ui, Role::TextInput, nl(Text::Title), title);
        click(&mut ui, nl(Text::AddSession));
        let Screen::Session(id) = ui.state().screen.clone() else { panic!("the meeting opens") };
        type_into(&mut ui, Role::MultilineTextInput, nl(Text::Notes), notes);
        wait_until(&mut ui, "the notes are saved", |app| app.state.snapshot().unwrap().sessions[&id].notes == notes);
        meetings.push(id);
    }
    let open_meeting = |ui: &mut Ui, title: &str| {
        click(ui, nl(Text::Back));
        ui.get(by().role(Role::Link).label_contains(title)).click();
        ui.step();
        settle(ui);
    };
    let see_a_moment = |ui: &mut Ui, field: TextField| {
        wait_until(ui, "the moments are listed", |app| app.state.history.as_ref().is_some_and(|h| h.field == field));
        ui.get(by().role(Role::Button).label_contains("— Anna")).click();
        ui.step();
        wait_until(ui, "the text of that moment is here", |app| {
            app.state.text_at.as_ref().is_some_and(|t| t.field == field)
        });
    };

    // The history of the first meeting's notes, at a moment.
    open_meeting(&mut ui, "Eerste overleg");
    click(&mut ui, &format!("{}: {}", nl(Text::History), nl(Text::Notes)));
    see_a_moment(&mut ui, TextField::Notes(meetings[0].clone()));
    assert!(shows(&ui, "Notities van het eerste overleg."), "the notes as they were");

    // Another meeting: its own title, its own notes' history, nothing of the first.
    open_meeting(&mut ui, "Tweede overleg");
    assert!(ui.query_by_label("Tweede overleg").is_some(), "the second meeting's title");
    assert!(!shows(&ui, "Notities van het eerste overleg."), "the first meeting's notes are not under its title");
    assert!(ui.query_by_label(nl(Text::History)).is_some(), "the history stays open, on this meeting");
    see_a_moment(&mut ui, TextField::Notes(meetings[1].clone()));
    assert!(shows(&ui, "Notities van het tweede overleg."), "this meeting's notes as they were");
    assert!(!shows(&ui, "Notities van het eerste overleg."));
}

#[test]
fn the_removal_confirmation_fits_in_a_window_1270_wide() {
    let (mut network, me) = plg();
    let profile =
        Profile { name: "Dirk Bakker".into(), organisation: "Basisschool De Regenboog".into(), ..Profile::new("") };
    network.add_member(&me, &profile, kring_model::Role::Member, None::<&str>).unwrap();
    let (width, height) = (1270.0, 720.0);
    let mut ui = window(&network, &me, Screen::Members, width, height);
    ui.get_by_label(nl(Text::Remove)).click();
    ui.run_steps(3);
    for button in [Text::RemoveWithNewChapter, Text::YesRemove, Text::Cancel] {
        let rect = ui.get_by_role_and_label(Role::Button, nl(button)).rect();
        assert!(
            rect.min.x >= 0.0 && rect.max.x <= width && rect.min.y >= 0.0 && rect.max.y <= height,
            "{:?} at {rect:?} is outside the window of {width} × {height}",
            nl(button)
        );
    }
    assert!(shows(&ui, "Dirk Bakker — Echt verwijderen?"), "the confirmation names who goes");
}

/// Every label of more than one line is at least as wide as its longest word: no word was
/// broken to fit.
fn assert_no_word_broken(ui: &Ui, what: &str) {
    let checked = no_word_broken(ui, what);
    assert!(checked > 0 || what.contains("wide"), "{what}: some label has more than one line");
}

/// As [`assert_no_word_broken`], on a screen that may have no label of more than one line;
/// how many it checked.
fn no_word_broken(ui: &Ui, what: &str) -> usize {
    let ctx = ui.ctx.clone();
    let style = ctx.global_style();
    let width_of = |word: &str| {
        [egui::TextStyle::Body, egui::TextStyle::Small]
            .map(|text_style| {
                let font = text_style.resolve(&style);
                ctx.fonts_mut(|f| f.layout_no_wrap(word.to_string(), font, egui::Color32::WHITE).size().x)
            })
            .into_iter()
            .fold(f32::INFINITY, f32::min)
    };
    let line = egui::TextStyle::Body.resolve(&style).size * 1.6;
    let mut checked = 0;
    for node in ui.query_all(by().include_labels().role(Role::Label)) {
        let Some(text) = node.value().or_else(|| node.accesskit_node().label()) else { continue };
        let rect = node.rect();
        if rect.height() <= line {
            continue;
        }
        checked += 1;
        // A ticket (hundreds of letters, copied rather than read) wraps where it must.
        for word in text.split_whitespace().filter(|word| word.chars().count() <= 80) {
            let needed = width_of(word);
            assert!(
                needed <= rect.width() + 0.5,
                "{what}: {word:?} ({needed:.0} px) is broken in {text:?} at {rect:?}"
            );
        }
    }
    checked
}

#[test]
fn no_label_on_the_network_page_breaks_inside_a_word() {
    let (mut network, me) = plg();
    network.add_theme(&me, "feedback").unwrap();
    for (width, height) in [(1280.0, 720.0), (1100.0, 750.0), (800.0, 600.0)] {
        let ui = window(&network, &me, Screen::Network, width, height);
        assert!(ui.query_by_label("PLG Rekenen Leiden").is_some());
        let name = ui.get_by_label("PLG Rekenen Leiden").rect();
        let row = ui.get_by_label(nl(Text::NetworkName)).rect();
        assert!(name.height() <= row.height() + 1.0, "the name reads on one line at {width} px: {name:?}");
        assert_no_word_broken(&ui, &format!("the network page at {width} px wide"));
    }
}

#[test]
fn the_page_holds_still_when_a_message_or_what_changed_comes_and_goes() {
    let (mut network, me) = plg();
    network.add_theme(&me, "feedback").unwrap();
    network.add_theme(&me, "werkplezier").unwrap();
    for width in [1280.0, 1100.0] {
        let mut ui = window(&network, &me, Screen::Sessions, width, 720.0);
        let top = |ui: &Ui| ui.get_by_label(nl(Text::NewSession)).rect().top();
        let before = top(&ui);

        ui.state_mut().state.notice = Some("Opgeslagen: /home/anna/Documenten/plg-rekenen-leiden-2026-12-07.md".into());
        ui.run_steps(3);
        assert!(shows(&ui, "Opgeslagen:"), "the message shows");
        assert_eq!(top(&ui), before, "{width} px: the page did not move when the message came");

        let changes = kring_model::ChangeSummary { items: Vec::new(), other_changes: 3 };
        ui.state_mut().state.view.as_mut().unwrap().changes = Arc::new(changes);
        ui.run_steps(3);
        assert!(ui.query_by_label_contains(nl(Text::WhatChanged)).is_some(), "what changed is offered");
        assert_eq!(top(&ui), before, "{width} px: the page did not move when what changed came");

        ui.get_by_label(nl(Text::Close)).click();
        ui.run_steps(3);
        assert!(ui.state().state.notice.is_none(), "the message is closed");
        assert_eq!(top(&ui), before, "{width} px: the page did not move when the message went");
        ui.state_mut().state.view.as_mut().unwrap().changes = Default::default();
        ui.run_steps(3);
        assert_eq!(top(&ui), before, "{width} px: the page did not move when what changed went");
    }
}

/// Filled circles of some size that the screen draws, by where they are.
fn dots(ui: &Ui) -> Vec<egui::Pos2> {
    fn walk(shape: &egui::Shape, out: &mut Vec<egui::Pos2>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, out)),
            egui::Shape::Circle(circle) if circle.radius >= 3.0 && circle.fill.a() > 0 => out.push(circle.center),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &ui.output().shapes {
        walk(&clipped.shape, &mut out);
    }
    out
}

#[test]
fn a_factor_everyone_scored_the_same_is_drawn_as_a_point_and_said_in_plain_words() {
    let (mut network, anna) = plg();
    let bram =
        network.add_member(&anna, &Profile::new("Bram Jansen"), kring_model::Role::Member, None::<&str>).unwrap();
    let round = network.open_round(&anna, "Najaar 2026").unwrap();
    let factors: Vec<_> = network.snapshot().unwrap().active_factors().iter().map(|f| f.id.clone()).collect();
    // Both give every factor a 4, but trust: 2 and 5.
    for (n, factor) in factors.iter().enumerate() {
        let (a, b) = if n == 2 { (2, 5) } else { (4, 4) };
        network.score(&anna, &round, factor, a, "").unwrap();
        network.score(&bram, &round, factor, b, "").unwrap();
    }
    let mut ui = window(&network, &anna, Screen::Reflection, 1280.0, 900.0);
    ui.run_steps(3);

    // One dot per factor, each on its own row, however close the opinions.
    let mut rows: Vec<i32> = dots(&ui).iter().map(|p| p.y.round() as i32).collect();
    rows.sort_unstable();
    rows.dedup();
    assert!(rows.len() >= factors.len(), "a dot for each of {} factors, drawn on rows {rows:?}", factors.len());

    // In words, without statistics.
    assert!(!shows(&ui, "±") && !shows(&ui, "n="), "no statistics jargon");
    assert!(ui.query_all_by_label("gemiddeld 4,0 · 2 mensen, de meningen liggen dicht bij elkaar").next().is_some());
    assert!(ui.query_all_by_label("gemiddeld 3,5 · 2 mensen, de meningen lopen uiteen").next().is_some());
    ui.state_mut().state.language = Language::En;
    ui.run_steps(2);
    assert!(ui.query_all_by_label("average 4.0 · 2 people, opinions are close together").next().is_some());
    assert!(ui.query_all_by_label("average 3.5 · 2 people, opinions differ").next().is_some());

    // One scorer: a dot at their score, said as one person's score.
    let (mut network, anna) = plg();
    let round = network.open_round(&anna, "Voorjaar 2027").unwrap();
    for factor in &factors {
        network.score(&anna, &round, factor, 3, "").unwrap();
    }
    let ui = window(&network, &anna, Screen::Reflection, 1280.0, 900.0);
    let mut rows: Vec<i32> = dots(&ui).iter().map(|p| p.y.round() as i32).collect();
    rows.sort_unstable();
    rows.dedup();
    assert!(rows.len() >= factors.len(), "one scorer: a dot for each factor, drawn on rows {rows:?}");
    assert!(ui.query_all_by_label("score 3 · 1 persoon").next().is_some());
}

#[test]
fn exports_write_dates_the_dutch_way_and_carry_themes() {
    let (dir, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut ui = client(dir.path());
    create_network(&mut ui, "Anna de Vries", "PLG Rekenen Leiden");
    click(&mut ui, nl(Text::TheNetwork));
    type_into(&mut ui, Role::TextInput, nl(Text::NewTheme), "feedback");
    click(&mut ui, nl(Text::AddTheme));
    wait_until(&mut ui, "the theme exists", |app| app.state.snapshot().unwrap().info.themes.contains("feedback"));

    // A meeting about feedback, held, with an action; a question about it too.
    click(&mut ui, nl(Text::Sessions));
    type_into(&mut ui, Role::TextInput, nl(Text::Title), "Feedback op rekenwerk");
    type_into(&mut ui, Role::TextInput, nl(Text::Date), "8-10-2026 15:30");
    click(&mut ui, nl(Text::AddSession));
    let Screen::Session(session) = ui.state().screen.clone() else { panic!("the meeting opens") };
    click(&mut ui, &format!("{}: feedback", nl(Text::Themes)));
    click(&mut ui, "aanwezig");
    type_into(&mut ui, Role::TextInput, nl(Text::NewAction), "Voorbeelden verzamelen");
    type_into(&mut ui, Role::TextInput, nl(Text::Due), "22-10-2026");
    click(&mut ui, nl(Text::AddAction));
    click(&mut ui, nl(Text::Questions));
    type_into(&mut ui, Role::TextInput, nl(Text::ProposeQuestion), "Hoe geven we feedback die leerlingen lezen?");
    click(&mut ui, nl(Text::Propose));
    click(&mut ui, "Hoe geven we feedback die leerlingen lezen?");
    click(&mut ui, &format!("{}: feedback", nl(Text::Themes)));
    wait_until(&mut ui, "all is tagged and agreed", |app| {
        let s = app.state.snapshot().unwrap();
        s.sessions[&session].themes.contains("feedback")
            && s.questions.values().all(|q| q.themes.contains("feedback"))
            && !s.sessions[&session].actions.is_empty()
    });
    let snapshot = ui.state().state.shared_snapshot().unwrap();
    let l = Language::Nl;
    let saved = |ui: &mut Ui, name: &str, contents: String| {
        let path = out.path().join(name);
        ui.state_mut().state.run_file_job(FileJob::Save { contents: contents.into_bytes() }, path.clone());
        settle(ui);
        std::fs::read_to_string(path).unwrap()
    };

    let notes = saved(&mut ui, "notities.md", export::session_markdown(l, &snapshot, &session).unwrap());
    assert!(notes.contains("8 oktober 2026, 15:30 · PLG\n"), "{notes}");
    assert!(notes.contains("**Thema's:** feedback"), "{notes}");
    assert!(notes.contains("(voor 22 oktober 2026)") || notes.contains("22 oktober 2026)"), "{notes}");

    let report = saved(&mut ui, "verslag.md", export::report_markdown(l, &snapshot, "2026-12-07"));
    assert!(report.contains("Gemaakt op 7 december 2026"), "{report}");
    assert!(report.contains("| 8 oktober 2026, 15:30 | Feedback op rekenwerk | PLG | feedback | 1 |"), "{report}");
    assert!(
        report.contains("#### Hoe geven we feedback die leerlingen lezen?\n\n0 stemmen\n\n**Thema's:** feedback"),
        "{report}"
    );
    for (name, text) in [("notes", &notes), ("report", &report)] {
        assert!(!text.contains("2026-1"), "no ISO date in the {name}: {text}");
    }
    let html = saved(&mut ui, "verslag.html", export::report_html(l, &snapshot, "2026-12-07"));
    assert!(html.contains("8 oktober 2026, 15:30") && html.contains("Gemaakt op 7 december 2026"), "{html}");

    let csv = saved(&mut ui, "aanwezigheid.csv", export::attendance_csv(l, &snapshot));
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows[0][0], "8 oktober 2026, 15:30");
    assert_eq!(rows[0].last().map(String::as_str), Some("feedback"));

    let ics = export::ics::calendar(&snapshot, &[&snapshot.sessions[&session]], jiff::Timestamp::now());
    assert!(ics.contains("CATEGORIES:feedback\r\n"), "{ics}");

    // In English, English dates.
    let report = export::report_markdown(Language::En, &snapshot, "2026-12-07");
    assert!(report.contains("Made on 7 December 2026"), "{report}");
    assert!(report.contains("| 8 October 2026, 15:30 |"), "{report}");
    assert!(export::session_markdown(Language::En, &snapshot, &session).unwrap().contains("8 October 2026, 15:30"));
}

#[test]
fn the_date_field_is_empty_after_adding_a_meeting() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    create_network(&mut ui, "Anna", "PLG Jeugdzorg");
    type_into(&mut ui, Role::TextInput, nl(Text::Title), "Casusoverleg");
    type_into(&mut ui, Role::TextInput, nl(Text::Date), "7-12-2026 15:30");
    click(&mut ui, nl(Text::AddSession));
    assert!(matches!(ui.state().screen, Screen::Session(_)), "{:?}", ui.state().state.error_text());
    click(&mut ui, nl(Text::Back));
    assert_eq!(shown_text(&ui, Role::TextInput, nl(Text::Title)), "");
    assert_eq!(
        shown_text(&ui, Role::TextInput, nl(Text::Date)),
        "",
        "the next meeting does not get the last one's date"
    );
    assert!(
        ui.query_by_label_contains("ma 7 dec 2026").is_some_and(|n| n.accesskit_node().role() == Role::Link),
        "only in the list"
    );
}

#[test]
fn cards_show_their_themes_and_an_empty_theme_filter_says_so() {
    let (mut network, me) = plg();
    network.add_theme(&me, "feedback").unwrap();
    network.add_theme(&me, "werkplezier").unwrap();
    let question = network.add_question(&me, "Hoe geven we feedback die leerlingen lezen?", "").unwrap();
    network.tag_question(&me, &question, "feedback", true).unwrap();
    let new = kring_model::NewSession {
        title: "Feedback op rekenwerk".into(),
        starts_at: "2026-10-08T15:30".into(),
        ..Default::default()
    };
    let session = network.add_session(&me, &new).unwrap();
    network.tag_session(&me, &session, "feedback", true).unwrap();
    let action = kring_model::NewAction { text: "Voorbeelden verzamelen".into(), owner: Some(me.clone()), due: None };
    network.add_action(&me, &session, &action).unwrap();
    let mut ui = window(&network, &me, Screen::Questions, 1280.0, 720.0);
    assert!(ui.query_by_role_and_label(Role::Label, "feedback").is_some(), "the card shows its theme");

    let choose = |ui: &mut Ui, theme: &str| {
        ui.get_by_label(nl(Text::ThemeFilter)).click();
        ui.run_steps(2);
        ui.get_by_role_and_label(Role::Button, theme).click();
        ui.run_steps(2);
    };
    choose(&mut ui, "werkplezier");
    assert!(ui.query_by_label("Geen leervragen met het thema werkplezier.").is_some(), "the empty board says why");
    ui.get_by_label(nl(Text::ShowAllThemes)).click();
    ui.run_steps(2);
    assert!(ui.state().state.theme.is_none());
    assert!(ui.query_by_label("Hoe geven we feedback die leerlingen lezen?").is_some(), "all shows again");

    ui.state_mut().screen = Screen::Sessions;
    ui.run_steps(2);
    assert!(ui.query_by_role_and_label(Role::Label, "feedback").is_some(), "the meeting shows its theme");
    choose(&mut ui, "werkplezier");
    assert!(ui.query_by_label("Geen bijeenkomsten met het thema werkplezier.").is_some(), "the empty list says why");
    assert!(ui.query_by_label(nl(Text::NoSessions)).is_none(), "not that there are no meetings at all");
    ui.state_mut().screen = Screen::Actions;
    ui.run_steps(2);
    assert!(ui.query_by_label("Geen open acties uit bijeenkomsten met het thema werkplezier.").is_some());
    ui.state_mut().state.language = Language::En;
    ui.run_steps(2);
    assert!(ui.query_by_label("No open actions from sessions with the theme werkplezier.").is_some());
}

/// A network whose saved copy cannot be read any more: at the next start the window names it
/// at the top, in Dutch, with what the person can do; the other network opens as usual, and the
/// warning goes when closed.
#[test]
fn a_network_that_cannot_be_opened_is_named_at_the_start_in_dutch_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut ui = client(dir.path());
        create_network(&mut ui, "Anna", "PLG Lezen");
    }
    let broken = {
        let data = kring_store::DataDir::open(dir.path()).unwrap();
        let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
        let (mut network, _) =
            Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key()).unwrap();
        let id = network.id().to_string();
        let store = data.create_network(&id, network.doc_mut()).unwrap();
        store.write_name("PLG Rekenen").unwrap();
        id
    };
    // Every byte of its saved copy and its log is overwritten (a disk gone bad).
    let files = dir.path().join(kring_store::NETWORKS_DIR).join(&broken);
    for file in [kring_store::SNAPSHOT_FILE, kring_store::LOG_FILE] {
        let path = files.join(file);
        if let Ok(bytes) = std::fs::read(&path) {
            std::fs::write(&path, vec![0x5a; bytes.len().max(64)]).unwrap();
        }
    }

    let mut ui = client(dir.path());
    wait_until(&mut ui, "the node started", |app| !app.state.warnings.is_empty());
    let warning = ui.get_by_label_contains("‘PLG Rekenen’");
    let node = warning.accesskit_node();
    let text = node.label().or(node.value()).unwrap_or_default();
    assert!(text.contains("kon niet worden geopend") || text.contains("beschadigd"), "{text}");
    assert!(text.contains("Start Kring opnieuw") || text.contains("collega"), "says what to do: {text}");
    assert!(!text.contains("not synced"), "no English: {text}");
    wait_until(&mut ui, "the other network opens as usual", |app| app.state.view.is_some());
    assert_eq!(ui.state().state.snapshot().unwrap().info.name, "PLG Lezen");

    click(&mut ui, nl(Text::Close));
    assert!(ui.query_by_label_contains("‘PLG Rekenen’").is_none(), "closed");
}

/// Details in the status bar do without jargon: this laptop's own address (an IP address and
/// a port) and the field to type one in show only under "Geavanceerd".
#[test]
fn the_own_address_shows_only_under_advanced() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    create_network(&mut ui, "Anna", "PLG Jeugdzorg");
    click(&mut ui, nl(Text::PeerDetails));
    assert!(ui.query_by_label(nl(Text::YourAddress)).is_none(), "no address before it is asked for");
    assert!(ui.query_by_label_contains(nl(Text::ConnectTo)).is_none());
    click(&mut ui, nl(Text::Advanced));
    assert!(ui.query_by_label(nl(Text::YourAddress)).is_some(), "under Geavanceerd");
    assert!(ui.query_by_label_contains(nl(Text::ConnectTo)).is_some());
}

/// Drags with the mouse from `from` to `to`, in small steps as a hand would, and lets go.
fn drag(ui: &mut Ui, from: egui::Pos2, to: egui::Pos2) {
    ui.hover_at(from);
    ui.step();
    ui.drag_at(from);
    ui.step();
    for step in 1..=8 {
        ui.hover_at(from + (to - from) * step as f32 / 8.0);
        ui.step();
    }
    // Let go where the pointer is (egui_kittest's drop_at also takes the pointer away, in the
    // same frame, so no column would be under it).
    ui.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    ui.step();
    settle(ui);
}

/// The learning-question board as a board: a card dragged to another column moves the
/// question there; the arrow buttons on a card do the same from the keyboard, one column at a
/// time; and the question's own page has a vote button.
#[test]
fn a_card_dragged_to_another_column_moves_the_question_and_its_buttons_do_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut ui = client(dir.path());
    create_network(&mut ui, "Anna", "PLG Rekenen Leiden");
    click(&mut ui, nl(Text::Questions));
    let title = "Hoe geven we feedback die leerlingen lezen?";
    type_into(&mut ui, Role::TextInput, nl(Text::ProposeQuestion), title);
    click(&mut ui, nl(Text::Propose));
    let status = |ui: &Ui| ui.state().state.snapshot().unwrap().live_questions().next().map(|q| q.status);
    assert_eq!(status(&ui), Some(kring_model::QuestionStatus::Proposed));

    // Dragged from the first column onto the second.
    let from = ui.get_by_role_and_label(Role::Link, title).rect().center();
    let to = ui.get_by_role_and_label(Role::Label, "centraal").rect().center() + egui::vec2(0.0, 60.0);
    drag(&mut ui, from, to);
    wait_until(&mut ui, "the question is central", |app| {
        app.state.snapshot().unwrap().live_questions().all(|q| q.status == kring_model::QuestionStatus::Central)
    });
    let (column, next) = (
        ui.get_by_role_and_label(Role::Label, "centraal").rect(),
        ui.get_by_role_and_label(Role::Label, "in onderzoek").rect(),
    );
    let card = ui.get_by_role_and_label(Role::Link, title).rect();
    assert!(column.left() < card.center().x && card.center().x < next.left(), "in its new column: {card:?}");

    // The arrow buttons on the card: one column on, and back.
    let arrow = |target: &str| format!("{} {target}", nl(Text::MoveTo));
    let card_label = format!("{}: {title}", nl(Text::QuestionCard));
    let card_node = ui.get_by_label(&card_label);
    assert!(card_node.query_by_label(&arrow("voorgesteld")).is_some(), "to the left");
    card_node.get_by_label(&arrow("in onderzoek")).click();
    ui.step();
    settle(&mut ui);
    wait_until(&mut ui, "the question is being explored", |app| {
        app.state.snapshot().unwrap().live_questions().all(|q| q.status == kring_model::QuestionStatus::Exploring)
    });
    click(&mut ui, &arrow("centraal"));
    wait_until(&mut ui, "the question is central again", |app| {
        app.state.snapshot().unwrap().live_questions().all(|q| q.status == kring_model::QuestionStatus::Central)
    });

    // Dragged by its title and let go in its own column: it stays, and the drag opened nothing.
    let from = ui.get_by_role_and_label(Role::Link, title).rect().center();
    drag(&mut ui, from, from + egui::vec2(0.0, 80.0));
    assert_eq!(status(&ui), Some(kring_model::QuestionStatus::Central));
    assert_eq!(ui.state().screen, Screen::Questions);

    // The title still opens the question, where a vote is one click.
    click(&mut ui, title);
    assert!(matches!(ui.state().screen, Screen::Question(_)), "the link still takes clicks");
    click(&mut ui, nl(Text::Vote));
    wait_until(&mut ui, "Anna voted", |app| app.state.snapshot().unwrap().live_questions().all(|q| q.votes.len() == 1));
    assert!(shows(&ui, "1 stem"), "the page counts the vote");
    click(&mut ui, nl(Text::RetractVote));
    wait_until(&mut ui, "the vote is taken back", |app| {
        app.state.snapshot().unwrap().live_questions().all(|q| q.votes.is_empty())
    });
}

/// Every text the screen paints (in pictures as much as in labels).
fn painted_texts(ui: &Ui) -> Vec<String> {
    fn walk(shape: &egui::Shape, out: &mut Vec<String>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, out)),
            egui::Shape::Text(text) => out.push(text.galley.text().to_string()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &ui.output().shapes {
        walk(&clipped.shape, &mut out);
    }
    out
}

/// Hovers over `at` until a tooltip with `words` shows (tooltips wait a moment).
fn tooltip_shows(ui: &mut Ui, at: egui::Pos2, words: &str) -> bool {
    ui.hover_at(at);
    for _ in 0..60 {
        ui.step();
        if ui.query_by_label(words).is_some() {
            return true;
        }
    }
    false
}

/// The action-research timeline explains itself: dates along the axis the Dutch way, each bar
/// named, its dates and phase on hover, and a dot for each meeting that discussed the question,
/// which opens that meeting.
#[test]
fn the_action_research_timeline_has_dates_named_bars_tooltips_and_meetings() {
    let (mut network, me) = plg();
    let question = network.add_question(&me, "Hoe betrekken we ouders?", "").unwrap();
    let first = network.add_cycle(&me, &question, "2026-09-01").unwrap();
    network.end_cycle(&me, &question, &first, "2026-09-30").unwrap();
    let second = network.add_cycle(&me, &question, "2026-10-12").unwrap();
    network.end_cycle(&me, &question, &second, "2026-11-20").unwrap();
    let mut meetings = Vec::new();
    for (title, at) in [("Casusoverleg", "2026-09-15T15:30"), ("Intervisie", "2026-10-20T15:30")] {
        let new = kring_model::NewSession { title: title.into(), starts_at: at.into(), ..Default::default() };
        let session = network.add_session(&me, &new).unwrap();
        network.link_question(&me, &session, &question, true).unwrap();
        meetings.push(session);
    }
    let mut ui = window(&network, &me, Screen::Question(question.clone()), 1280.0, 900.0);

    // Dates on the axis: the first and last day in full, the months between; each bar named,
    // and where it is inside it; all at the size of other text.
    let body = egui::TextStyle::Body.resolve(&ui.ctx.global_style()).size;
    let painted = painted_sizes(&ui);
    for words in ["1 sep 2026", "20 nov 2026", "okt", "Cyclus 1", "Cyclus 2", "afgerond"] {
        let size = painted.iter().find(|(t, _)| t == words).map(|(_, size)| *size);
        assert!(size.is_some_and(|size| size >= body), "{words:?} is drawn, readably: {size:?} in {painted:?}");
    }

    // Each bar tells its dates and phase on hover, and to a screen reader.
    let bar = ui.get_by_label("Cyclus 1: di 1 sep 2026 – wo 30 sep 2026, Fase: afgerond").rect();
    assert!(tooltip_shows(&mut ui, bar.center(), "di 1 sep 2026 – wo 30 sep 2026"), "the first bar's dates on hover");
    assert!(ui.query_by_label("1 bijeenkomst in deze periode").is_some(), "and the meetings in it");
    let second_bar = ui.get_by_label("Cyclus 2: ma 12 okt 2026 – vr 20 nov 2026, Fase: afgerond").rect();
    assert!(second_bar.left() > bar.right(), "the second cycle began after the first ended");

    // A dot per meeting, on its day, inside the cycle it fell in; a click opens the meeting.
    let dot = ui.get_by_label("Bijeenkomst: di 15 sep 2026, 15:30 — Casusoverleg").rect();
    assert!(bar.left() < dot.center().x && dot.center().x < bar.right(), "mid-September, in cycle 1: {dot:?}");
    let dot = ui.get_by_label("Bijeenkomst: di 20 okt 2026, 15:30 — Intervisie").rect();
    assert!(second_bar.left() < dot.center().x && dot.center().x < second_bar.right(), "in cycle 2: {dot:?}");
    assert!(tooltip_shows(&mut ui, dot.center(), nl(Text::OpenSessionHint)), "the dot says what a click does");
    ui.get_by_label("Bijeenkomst: di 20 okt 2026, 15:30 — Intervisie").click();
    ui.run_steps(2);
    assert_eq!(ui.state().screen, Screen::Session(meetings[1].clone()));

    // In English, English dates and words.
    ui.state_mut().screen = Screen::Question(question);
    ui.state_mut().state.language = Language::En;
    ui.run_steps(3);
    let painted = painted_texts(&ui);
    for words in ["1 Sep 2026", "Oct", "Cycle 1"] {
        assert!(painted.iter().any(|t| t == words), "{words:?} is drawn: {painted:?}");
    }
    assert!(ui.query_by_label("Cycle 1: Tue 1 Sep 2026 – Wed 30 Sep 2026, Phase: ended").is_some());
}

/// The top bar at 1100 px (the window's first size) with themes, in Dutch and in English: one
/// row, whatever theme is chosen, and the page below it starts at the same height before, with
/// and after a message or "Wat is er veranderd", on every kind of screen.
#[test]
fn the_top_bar_is_one_row_at_1100_px_and_the_page_below_it_holds_still() {
    let (mut network, me) = plg();
    for theme in ["feedback", "werkplezier", "kindermishandeling en huiselijk geweld"] {
        network.add_theme(&me, theme).unwrap();
    }
    network.add_question(&me, "Hoe geven we feedback die leerlingen lezen?", "").unwrap();
    // Each screen by a field or words at its top.
    let screens = [
        (Screen::Sessions, Text::NewSession),
        (Screen::Questions, Text::ProposeQuestion),
        (Screen::Settings, Text::LanguageLabel),
    ];
    for language in Language::ALL {
        for (screen, anchor) in screens.clone() {
            let mut ui = window(&network, &me, screen.clone(), 1100.0, 720.0);
            ui.state_mut().state.language = language;
            ui.run_steps(3);
            let words = tr(language, anchor);
            let top = |ui: &Ui| ui.get_by_role_and_label(Role::Label, words).rect().top();
            // The tabs and the file menu share one row.
            let one_row = |ui: &Ui, when: &str| {
                let first = ui.get_by_label(tr(language, Text::Sessions)).rect();
                let last = ui.get_by_label(tr(language, Text::FileMenu)).rect();
                assert!(
                    (first.center().y - last.center().y).abs() < 2.0,
                    "{language:?} {screen:?} {when}: the top bar wraps ({first:?} … {last:?})"
                );
            };
            one_row(&ui, "at first");
            let before = top(&ui);

            ui.state_mut().state.notice = Some("Opgeslagen: /home/anna/Documenten/plg-rekenen-leiden.md".into());
            ui.run_steps(3);
            one_row(&ui, "with a message");
            assert_eq!(top(&ui), before, "{language:?} {screen:?}: the page moved when the message came");
            let changes = kring_model::ChangeSummary { items: Vec::new(), other_changes: 2 };
            ui.state_mut().state.view.as_mut().unwrap().changes = Arc::new(changes);
            ui.run_steps(3);
            assert_eq!(top(&ui), before, "{language:?} {screen:?}: the page moved when what changed came");
            ui.state_mut().state.theme = Some("kindermishandeling en huiselijk geweld".into());
            ui.run_steps(3);
            one_row(&ui, "with the longest theme chosen");
            assert_eq!(top(&ui), before, "{language:?} {screen:?}: the page moved when a theme was chosen");
            ui.state_mut().state.notice = None;
            ui.state_mut().state.view.as_mut().unwrap().changes = Default::default();
            ui.run_steps(3);
            assert_eq!(top(&ui), before, "{language:?} {screen:?}: the page moved when they went");
        }
    }
}

/// Settings say what each box means in plain words, in Dutch and in English; relay, DNS/pkarr,
/// mDNS and the like show only under "Geavanceerd", for whoever looks after the IT.
#[test]
fn settings_speak_plain_words_and_keep_the_technical_terms_under_advanced() {
    const JARGON: &[&str] = &["relay", "dns", "pkarr", "mdns", "url", "ip", "poort", "port", "upnp", "id"];
    let (network, me) = plg();
    let mut ui = window(&network, &me, Screen::Settings, 1280.0, 720.0);
    for language in Language::ALL {
        ui.state_mut().state.language = language;
        ui.run_steps(3);
        let words: Vec<String> =
            ui.query_all(by().include_labels()).filter_map(|node| node.accesskit_node().label()).collect();
        for text in &words {
            for word in text.to_lowercase().split(|c: char| !c.is_alphanumeric()) {
                assert!(!JARGON.contains(&word), "{language:?}: {word:?} in {text:?}, outside Geavanceerd");
            }
        }
        for text in [Text::OfflineMode, Text::LanAnnounce, Text::NoPublicServices] {
            assert!(ui.query_by_label(tr(language, text)).is_some(), "{language:?}: {text:?} is there");
        }
        assert!(ui.query_by_label_contains(tr(language, Text::RelayUrl)).is_none(), "the relay is out of sight");

        // Under Geavanceerd: the school's relay and what each box does, in technical terms.
        ui.get_by_label(tr(language, Text::AdvancedSettings)).click();
        ui.run_steps(3);
        assert!(ui.query_by_role_and_label(Role::TextInput, tr(language, Text::RelayUrl)).is_some());
        for term in ["DNS/pkarr", "mDNS", "relay"] {
            assert!(ui.query_all_by_label_contains(term).next().is_some(), "{language:?}: {term} under Geavanceerd");
        }
        ui.get_by_label(tr(language, Text::AdvancedSettings)).click();
        ui.run_steps(3);
    }

    // The boxes still do what they did: unticking 'found on the school network' is saved.
    ui.state_mut().state.language = Language::Nl;
    ui.run_steps(2);
    ui.get_by_label(nl(Text::LanAnnounce)).click();
    ui.run_steps(2);
    assert!(!ui.state().state.config.lan_announce);
    let saved = ui.state().state.sent().last().cloned();
    assert!(
        matches!(saved, Some(kring_node::client::Command::SaveSettings { config }) if !config.lan_announce),
        "saved unticked"
    );
}

/// Before the second click, "Voor iedereen wissen" shows exactly what goes: the selected
/// passage, the meeting's title; and the passage shown is the one erased.
#[test]
fn the_erase_warning_shows_what_goes() {
    let (mut network, me) = plg();
    let new = kring_model::NewSession {
        title: "Casusoverleg".into(),
        starts_at: "2026-12-07T15:30".into(),
        ..Default::default()
    };
    let session = network.add_session(&me, &new).unwrap();
    let field = TextField::Notes(session.clone());
    network.append_text(&me, &field, "Besproken: Lotte (groep 5). Verder niets.").unwrap();
    let mut ui = window(&network, &me, Screen::Session(session.clone()), 1280.0, 720.0);

    // The meeting as a whole: its title.
    ui.get_by_label(nl(Text::EraseForEveryone)).click();
    ui.run_steps(2);
    assert!(ui.query_by_label(&format!("{} ‘Casusoverleg’", nl(Text::ErasedWhat))).is_some(), "the meeting is named");
    ui.get_by_label(nl(Text::Cancel)).click();
    ui.run_steps(2);

    // A passage selected in the notes: the passage itself.
    ui.state_mut().pages.session.texts.drafts.get_mut(&field).unwrap().highlight = Some((11, 28));
    ui.run_steps(2);
    ui.get_by_label(nl(Text::EraseSelection)).click();
    ui.run_steps(2);
    let shown = format!("{} ‘Lotte (groep 5).’", nl(Text::ErasedWhat));
    assert!(ui.query_by_label(&shown).is_some(), "the passage is shown before it goes");
    assert!(ui.query_by_label(nl(Text::EraseWarning)).is_some());
    ui.get_by_label(nl(Text::YesErase)).click();
    ui.run_steps(2);
    let Some(kring_node::client::Command::StartChapter { erase, .. }) = ui.state().state.sent().last().cloned() else {
        panic!("a new chapter without the passage is asked for")
    };
    assert_eq!(
        erase,
        vec![kring_model::Erasure::Passage { field, from: 11, to: 28, expected: Some("Lotte (groep 5). ".into()) }]
    );
}

/// Every text the screen paints, laid out.
fn galleys(ui: &Ui) -> Vec<Arc<egui::Galley>> {
    fn walk(shape: &egui::Shape, out: &mut Vec<Arc<egui::Galley>>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, out)),
            egui::Shape::Text(text) => out.push(text.galley.clone()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &ui.output().shapes {
        walk(&clipped.shape, &mut out);
    }
    out
}

/// Every text the screen paints, with the size of its letters.
fn painted_sizes(ui: &Ui) -> Vec<(String, f32)> {
    let size = |g: &egui::Galley| g.job.sections.iter().map(|s| s.format.font_id.size).fold(0.0, f32::max);
    galleys(ui).iter().map(|g| (g.text().to_string(), size(g))).collect()
}

/// The Bestand menu's words, the notes about what the files hold included, read at the size of
/// all other text.
#[test]
fn the_file_menu_reads_at_the_normal_text_size() {
    let (network, me) = plg();
    let mut ui = window(&network, &me, Screen::Sessions, 1280.0, 720.0);
    ui.get_by_label(nl(Text::FileMenu)).click();
    ui.run_steps(3);
    let body = egui::TextStyle::Body.resolve(&ui.ctx.global_style()).size;
    let painted = painted_sizes(&ui);
    for text in [Text::Export, Text::ExportsArePlain, Text::BundleForMembers, Text::BundlePassphraseNote, Text::Import]
    {
        let words = nl(text);
        // A wrapped note is one text of several rows: it starts with the note's first words.
        let start: String = words.chars().take(20).collect();
        let size = painted.iter().find(|(t, _)| t.replace('\n', " ").starts_with(&start)).map(|(_, size)| *size);
        assert!(size.is_some_and(|size| size >= body), "{words:?} at {size:?}, body text is {body}");
    }
    // The notes read left-aligned, their spaces as wide as anywhere else.
    for note in [Text::ExportsArePlain, Text::BundleForMembers, Text::BundlePassphraseNote] {
        let start: String = nl(note).chars().take(20).collect();
        let galley = galleys(&ui).into_iter().find(|g| g.text().replace('\n', " ").starts_with(&start)).unwrap();
        assert!(!galley.job.justify, "{:?} is stretched to the menu's width", nl(note));
    }
}

/// Two open invitations no longer look alike: each says who it was made for, and the
/// invitation form asks for that name (optionally) and sends it with the invitation.
#[test]
fn an_invitation_names_who_it_is_for() {
    let (mut network, me) = plg();
    let week = jiff::Timestamp::now().as_millisecond() + 7 * 24 * 3600 * 1000;
    let invite = |hash: &str| kring_model::NewInvite {
        secret_hash: hash.into(),
        role: kring_model::Role::Member,
        expires_at: week,
        max_uses: 1,
    };
    network.create_invite_for(&me, &invite("a"), "Bram (ouder)").unwrap();
    network.create_invite_for(&me, &invite("b"), "Sanne (jeugdzorg)").unwrap();
    network.create_invite(&me, &invite("c")).unwrap();
    let mut ui = window(&network, &me, Screen::Members, 1280.0, 900.0);
    for name in ["Bram (ouder)", "Sanne (jeugdzorg)"] {
        let line =
            format!("{} {name} · lid · {} 0/1 · {}", nl(Text::InvitationFor), nl(Text::Used), nl(Text::ValidUntil));
        assert!(shows(&ui, &line), "{line:?} is listed");
        assert!(ui.query_by_label(&format!("{}: {name}", nl(Text::Revoke))).is_some(), "its revoke button names it");
    }
    let open = ui
        .query_all(by().include_labels().role(Role::Label))
        .filter(|n| n.accesskit_node().label().or_else(|| n.value()).is_some_and(|t| t.contains(nl(Text::ValidUntil))));
    assert_eq!(open.count(), 3, "the invitation for nobody in particular is listed too");

    type_into(&mut ui, Role::TextInput, nl(Text::InviteFor), "Cas (jongere)");
    ui.get_by_label(nl(Text::MakeInvite)).click();
    ui.run_steps(2);
    let sent = ui.state().state.sent().last().cloned();
    assert!(
        matches!(&sent, Some(kring_node::client::Command::CreateInvite { made_for, .. }) if made_for == "Cas (jongere)"),
        "the name goes with the invitation: {sent:?}"
    );

    // In English, the same in English words.
    ui.state_mut().state.language = Language::En;
    ui.run_steps(3);
    assert!(shows(&ui, "invitation for Bram (ouder) · member"));
    assert!(ui.query_by_role_and_label(Role::TextInput, "For whom (optional)").is_some());
}

/// Filled rectangles of `color` the screen draws (a picture's bars).
fn bars_of(ui: &Ui, color: egui::Color32) -> Vec<egui::Rect> {
    fn walk(shape: &egui::Shape, color: egui::Color32, out: &mut Vec<egui::Rect>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, color, out)),
            egui::Shape::Rect(rect) if rect.fill == color => out.push(rect.rect),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &ui.output().shapes {
        walk(&clipped.shape, color, &mut out);
    }
    out.sort_by(|a, b| a.left().total_cmp(&b.left()).then(a.top().total_cmp(&b.top())));
    out
}

/// The network page's activity picture counts what was held and who came: meetings per month
/// (planned and deleted ones left out), questions per status, attendance per perspective; it
/// says so to a screen reader, draws bars in proportion in the light and the dark theme, and
/// names the network and the months so that a screenshot explains itself.
#[test]
fn the_activity_picture_shows_meetings_questions_and_attendance_as_counted() {
    use kring_model::{Attendance, NewSession, Perspective, QuestionStatus, Role as MemberRole};
    let (mut network, anna) = plg();
    let mut add = |name: &str, perspective| {
        let profile = Profile { name: name.into(), perspective, organisation: String::new() };
        network.add_member(&anna, &profile, MemberRole::Member, None::<&str>).unwrap()
    };
    let bram = add("Bram", Perspective::Teacher);
    let cas = add("Cas", Perspective::Teacher);
    let dirk = add("Dirk", Perspective::Practitioner);
    let eva = add("Eva", Perspective::YouthParent);
    let meetings = [
        ("2026-09-03T15:30", vec![&anna, &bram, &cas]),
        ("2026-09-24", vec![&bram, &eva]),
        ("2026-11-05T19:00", vec![&bram, &dirk]),
        // Not held yet, and deleted: neither counts.
        ("2099-01-14", vec![&bram]),
        ("2026-10-01", vec![&cas]),
    ];
    for (n, (at, present)) in meetings.iter().enumerate() {
        let new = NewSession { title: format!("Overleg {n}"), starts_at: (*at).into(), ..Default::default() };
        let session = network.add_session(&anna, &new).unwrap();
        for member in present {
            network.set_attendance(&anna, &session, member, Attendance::Present).unwrap();
        }
        if !present.contains(&&dirk) {
            network.set_attendance(&anna, &session, &dirk, Attendance::Absent).unwrap();
        }
        if n == 4 {
            network.delete_session(&anna, &session).unwrap();
        }
    }
    for (title, status) in [
        ("Hoe geven we feedback?", QuestionStatus::Proposed),
        ("Hoe betrekken we ouders?", QuestionStatus::Central),
        ("Wat werkt bij verzuim?", QuestionStatus::Central),
        ("Hoe lezen leerlingen feedback?", QuestionStatus::Answered),
        ("Weggegooid", QuestionStatus::Central),
    ] {
        let question = network.add_question(&anna, title, "").unwrap();
        network.set_status(&anna, &question, status).unwrap();
        if title == "Weggegooid" {
            network.delete_question(&anna, &question).unwrap();
        }
    }
    let mut ui = window(&network, &anna, Screen::Network, 1280.0, 900.0);

    // What a screen reader hears, panel by panel: the numbers themselves.
    for said in [
        "Bijeenkomsten per maand: sep 2026: 2, okt 2026: 0, nov 2026: 1",
        "Leervragen per status: voorgesteld: 1, centraal: 2, in onderzoek: 0, beantwoord: 1, geparkeerd: 0",
        "Aanwezig per perspectief (3 bijeenkomsten): student: 0, docent: 4, praktijkprofessional: 1, \
         onderzoeker: 0, jongere / ouder: 1, anders: 1",
    ] {
        let heard: Vec<String> =
            ui.query_all(by().include_labels()).filter_map(|node| node.accesskit_node().label()).collect();
        assert!(ui.query_by_label(said).is_some(), "{said:?} is said: {heard:?}");
    }
    // The caption names the network and the months; the months are named under their bars.
    let painted = painted_texts(&ui);
    for words in ["PLG Rekenen Leiden — Activiteit · sep 2026 – nov 2026", "sep", "okt", "nov", "praktijkprofessional"]
    {
        assert!(painted.iter().any(|t| t == words), "{words:?} is drawn: {painted:?}");
    }

    for dark in [true, false] {
        ui.ctx.set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
        ui.run_steps(3);
        let [months, statuses, present] = kring_ui::views::activity::bar_colors(dark);
        // September's bar is twice November's; October has none.
        let months = bars_of(&ui, months);
        assert_eq!(months.len(), 2, "dark {dark}: a bar for each month with meetings");
        assert!((months[0].height() - 2.0 * months[1].height()).abs() < 1.0, "dark {dark}: {months:?}");
        assert!(months[1].left() - months[0].left() > 60.0, "dark {dark}: October stands between them");
        // Three statuses in use, central the longest; four perspectives came, teachers most.
        let statuses = bars_of(&ui, statuses);
        assert_eq!(statuses.len(), 3, "dark {dark}: {statuses:?}");
        let longest = statuses.iter().map(|r| r.width()).fold(0.0, f32::max);
        assert!((statuses[1].width() - longest).abs() < 0.5 && (statuses[0].width() * 2.0 - longest).abs() < 1.0);
        let present = bars_of(&ui, present);
        assert_eq!(present.len(), 4, "dark {dark}: {present:?}");
        assert!((present[0].width() - 4.0 * present[1].width()).abs() < 1.0, "dark {dark}: teachers came 4 times");
    }

    // In English, English words.
    ui.state_mut().state.language = Language::En;
    ui.run_steps(3);
    assert!(ui.query_by_label("Meetings per month: Sep 2026: 2, Oct 2026: 0, Nov 2026: 1").is_some());
    assert!(
        ui.query_by_label_contains("Present per perspective (3 meetings): student: 0, teacher / lecturer: 4").is_some()
    );
}

/// A laptop screen of 1280 × 720 pixels at 125 % scaling: 1024 × 576 points.
const LAPTOP_125: (f32, f32) = (1024.0, 576.0);

/// A window filling that laptop's screen, on `screen`.
fn window_at_125(network: &Network, me: &MemberId, screen: Screen) -> Ui {
    let mut app = kring_ui::KringApp::new(kring_ui::AppState::detached(view_of(network, me.clone())));
    app.screen = screen;
    let mut ui = egui_kittest::Harness::builder()
        .with_size(egui::vec2(LAPTOP_125.0, LAPTOP_125.1))
        .with_pixels_per_point(1.25)
        .build_ui_state(|ui, app: &mut kring_ui::KringApp| app.show(ui), app);
    ui.run_steps(4);
    ui
}

/// Scrolls the button `label` into view, as a person would, and checks that all of it is
/// inside the window.
fn assert_button_in_window(ui: &mut Ui, label: &str, what: &str) {
    ui.get_by_role_and_label(Role::Button, label).scroll_to_me();
    ui.run_steps(3);
    let rect = ui.get_by_role_and_label(Role::Button, label).rect();
    let (width, height) = LAPTOP_125;
    assert!(
        rect.min.x >= 0.0 && rect.max.x <= width && rect.min.y >= 0.0 && rect.max.y <= height,
        "{what}: {label:?} at {rect:?} is outside the window of {width} × {height}"
    );
}

/// On a 1280 × 720 laptop at 125 % the main screens read whole: no label breaks inside a word,
/// the tabs and the file menu stay in the window, and the buttons of the removal confirmation,
/// the invitation form (with a ticket made) and the erase warning can all be reached.
#[test]
fn the_main_screens_fit_a_1280_by_720_laptop_at_125_percent() {
    let (mut network, me) = plg();
    network.add_theme(&me, "feedback").unwrap();
    network.add_theme(&me, "kindermishandeling en huiselijk geweld").unwrap();
    let profile =
        Profile { name: "Dirk Bakker".into(), organisation: "Basisschool De Regenboog".into(), ..Profile::new("") };
    network.add_member(&me, &profile, kring_model::Role::Member, None::<&str>).unwrap();
    let new = kring_model::NewSession {
        title: "Feedback op rekenwerk in de bovenbouw".into(),
        starts_at: "2026-12-07T15:30".into(),
        location: "Lokaal 2.14".into(),
        ..Default::default()
    };
    let session = network.add_session(&me, &new).unwrap();
    network.append_text(&me, &TextField::Notes(session.clone()), "Besproken: Lotte (groep 5). Verder niets.").unwrap();
    let question = network.add_question(&me, "Hoe geven we feedback die leerlingen echt lezen?", "").unwrap();
    network.add_cycle(&me, &question, "2026-09-01").unwrap();
    network.open_round(&me, "Najaar 2026").unwrap();

    let screens = [
        Screen::Sessions,
        Screen::Session(session.clone()),
        Screen::Questions,
        Screen::Question(question.clone()),
        Screen::Actions,
        Screen::Reflection,
        Screen::Members,
        Screen::Network,
        Screen::Bin,
        Screen::Settings,
    ];
    for language in Language::ALL {
        for screen in screens.clone() {
            let mut ui = window_at_125(&network, &me, screen.clone());
            ui.state_mut().state.language = language;
            ui.run_steps(3);
            no_word_broken(&ui, &format!("{language:?} {screen:?} at 125 %"));
            for tab in [Text::Sessions, Text::FileMenu] {
                let rect = ui.get_by_label(tr(language, tab)).rect();
                assert!(rect.max.x <= LAPTOP_125.0, "{language:?} {screen:?}: {tab:?} at {rect:?} is cut off");
            }
            // Nothing runs out of the window on the right: rows wrap instead.
            for node in ui.query_all(by().include_labels()) {
                // The window and other containers have no place of their own.
                if node.accesskit_node().bounding_box().is_none() {
                    continue;
                }
                let rect = node.rect();
                let name = node.accesskit_node().label().or_else(|| node.value()).unwrap_or_default();
                if rect.width() > 0.0 && !name.is_empty() {
                    assert!(
                        rect.max.x <= LAPTOP_125.0 + 0.5,
                        "{language:?} {screen:?}: {name:?} at {rect:?} is cut off"
                    );
                }
            }
        }
    }

    // The ticket the invitation form shows once made: it names a device to contact, a laptop's
    // own, from a data directory of its own.
    let week = jiff::Timestamp::now().as_millisecond() + 7 * 24 * 3600 * 1000;
    let invite = kring_model::NewInvite {
        secret_hash: "hash".into(),
        role: kring_model::Role::Member,
        expires_at: week,
        max_uses: 1,
    };
    let invite = network.create_invite_for(&me, &invite, "Bram (ouder)").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let device = kring_store::DataDir::open(dir.path()).unwrap().device_key().public();
    let ticket = kring_node::InviteTicket {
        network: network.id().to_string(),
        invite: invite.to_string(),
        secret: [7; 32],
        peers: vec![kring_node::AddressBook::default().own_addr(device)],
    };

    for l in Language::ALL {
        let open = |screen: Screen| {
            let mut ui = window_at_125(&network, &me, screen);
            ui.state_mut().state.language = l;
            ui.run_steps(3);
            ui
        };
        // Removing Dirk: every choice is there.
        let mut ui = open(Screen::Members);
        ui.get_by_label(tr(l, Text::Remove)).click();
        ui.run_steps(3);
        for button in [Text::RemoveWithNewChapter, Text::YesRemove, Text::Cancel] {
            assert_button_in_window(&mut ui, tr(l, button), &format!("{l:?}: the removal confirmation"));
        }
        no_word_broken(&ui, &format!("{l:?}: the removal confirmation at 125 %"));

        // Inviting, with the ticket and its QR code shown.
        let mut ui = open(Screen::Members);
        ui.state_mut().pages.members.ticket_made = Some(ticket.to_text());
        ui.run_steps(3);
        let revoke = format!("{}: Bram (ouder)", tr(l, Text::Revoke));
        for button in [tr(l, Text::MakeInvite), tr(l, Text::Copy), &revoke] {
            assert_button_in_window(&mut ui, button, &format!("{l:?}: the invitation form"));
        }
        ui.get_by_role_and_label(Role::TextInput, tr(l, Text::InviteFor)).scroll_to_me();
        ui.run_steps(3);
        let field = ui.get_by_role_and_label(Role::TextInput, tr(l, Text::InviteFor)).rect();
        assert!(field.max.x <= LAPTOP_125.0, "{l:?}: the 'voor wie' field at {field:?} is cut off");
        no_word_broken(&ui, &format!("{l:?}: the invitation form at 125 %"));

        // Erasing a meeting for everyone: the warning, and both its buttons.
        let mut ui = open(Screen::Session(session.clone()));
        ui.get_by_label(tr(l, Text::EraseForEveryone)).click();
        ui.run_steps(3);
        for button in [Text::YesErase, Text::Cancel] {
            assert_button_in_window(&mut ui, tr(l, button), &format!("{l:?}: the erase warning"));
        }
        let warning = ui.get_by_label(tr(l, Text::EraseWarning)).rect();
        assert!(warning.max.x <= LAPTOP_125.0, "{l:?}: the erase warning at {warning:?} runs out of the window");
        no_word_broken(&ui, &format!("{l:?}: the erase warning at 125 %"));
    }
}
