//! The leerhuis in the desktop app, driven through its screens with a real node: a leerhuis's
//! network page lists the networks linked into it and makes a link code; a delegate's laptop
//! shows exactly what a question will share before sharing it, and the leerhuis's overview
//! then lists it with its source, where its delegate can withdraw it; a reflection round of
//! four scorers is refused in Dutch and nothing goes up.

mod common;

use common::*;
use egui_kittest::kittest::Queryable;
use kring_model::leerhuis::LeerhuisError;
use kring_model::trust::DeviceKey;
use kring_model::*;
use kring_node::NodeError;
use kring_store::DataDir;
use kring_ui::Screen;
use kring_ui::i18n::{Language, Text};

/// Another laptop's data folder: its key stands for a colleague's laptop.
fn other_laptop() -> (tempfile::TempDir, DataDir) {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(dir.path()).unwrap();
    (dir, data)
}

/// Keeps `network` on the laptop of `data`, as the window will find it.
fn keep(data: &DataDir, mut network: Network, name: &str) {
    let id = network.id().to_string();
    data.create_network(&id, network.doc_mut()).unwrap().write_name(name).unwrap();
}

/// Lotte's "Leerhuis Jeugd" with Anna's "PLG Rekenen" linked into it, Anna's laptop (`anna_key`)
/// its delegate. Returns both, with Anna's member id in the PLG and Lotte's in the leerhuis.
fn linked(
    anna_key: &(impl DeviceKey + ?Sized),
    lotte_key: &(impl DeviceKey + ?Sized),
) -> (Network, MemberId, Network, MemberId) {
    let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
    let (mut plg, anna) = Network::create(&details, &Profile::new("Anna"), anna_key).unwrap();
    let details = NetworkDetails { name: "Leerhuis Jeugd".into(), kind: NetworkKind::Leerhuis, ..Default::default() };
    let (mut leerhuis, lotte) = Network::create(&details, &Profile::new("Lotte"), lotte_key).unwrap();
    let ticket = NewInvite { secret_hash: "hash".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
    let invite = leerhuis.create_link_invite(&lotte, &ticket).unwrap();
    let to_link = NetworkToLink {
        id: plg.id().clone(),
        name: "PLG Rekenen".into(),
        delegates: vec![anna_key.device_id()],
        below: Vec::new(),
    };
    leerhuis
        .link_network(&lotte, &invite, "hash", &Profile::new("Anna"), &MemberId::random(), anna_key, &to_link)
        .unwrap();
    plg.record_leerhuis(&anna, leerhuis.id(), "Leerhuis Jeugd", "", &Default::default()).unwrap();
    (plg, anna, leerhuis, lotte)
}

/// Opens network `id` in the window and waits for it and for the leerhuizen on the laptop.
fn open(ui: &mut Ui, id: &str) {
    ui.state_mut().state.watch(id);
    let wanted = id.to_string();
    wait_until(ui, "the network is shown", move |app| app.state.network_id() == Some(wanted.as_str()));
    wait_until(ui, "the leerhuizen are known", |app| !app.state.leerhuizen.is_empty());
}

#[test]
fn a_leerhuis_lists_its_linked_networks_and_makes_a_link_code() {
    let dir = tempfile::tempdir().unwrap();
    let leerhuis_id = {
        let data = DataDir::open(dir.path()).unwrap();
        // This laptop is Lotte's, the leerhuis's coordinator; Anna's PLG is elsewhere.
        let (_dir, anna_s) = other_laptop();
        let (_, _, leerhuis, _) = linked(anna_s.device_key().as_signing_key(), data.device_key().as_signing_key());
        let id = leerhuis.id().to_string();
        keep(&data, leerhuis, "Leerhuis Jeugd");
        id
    };
    let mut ui = client(dir.path());
    open(&mut ui, &leerhuis_id);
    ui.state_mut().screen = Screen::Network;
    ui.step();
    assert!(ui.query_by_label(nl(Text::LinkedNetworks)).is_some());
    assert!(ui.query_by_label_contains("PLG Rekenen · gekoppeld sinds").is_some(), "the linked network, since when");
    assert!(ui.query_by_label_contains("· afgevaardigde laptops: 1").is_some(), "how many delegates");

    click(&mut ui, nl(Text::MakeLeerhuisTicket));
    let ticket = ui.state().pages.network.leerhuis.ticket_made.clone().expect("a link code is shown");
    let parsed = kring_node::InviteTicket::parse(&ticket).unwrap();
    assert_eq!(parsed.network, leerhuis_id, "the code is for this leerhuis");
    assert!(ui.query_by_label(nl(Text::LeerhuisTicketExplained)).is_some());
    assert!(ui.query_by_label(nl(Text::Copy)).is_some());
    let invites = &ui.state().state.snapshot().unwrap().invites;
    assert_eq!(invites.len(), 1, "one link ticket, written in the leerhuis");
    // A leerhuis can itself be linked into a higher one.
    assert!(ui.query_by_label(nl(Text::LinkToLeerhuis)).is_some());

    ui.state_mut().state.language = Language::En;
    ui.step();
    assert!(ui.query_by_label("Linked networks").is_some(), "in English when chosen");
    assert!(ui.query_by_label_contains("PLG Rekenen · linked since").is_some());
    assert!(ui.query_by_label("Make a link code for a network").is_some());
}

#[test]
fn a_shared_question_is_shown_before_it_goes_and_the_overview_lists_it_with_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let (plg_id, leerhuis_id, question) = {
        let data = DataDir::open(dir.path()).unwrap();
        // This laptop is Anna's: coordinator of the PLG, its delegate in the leerhuis.
        let (_dir, lotte_s) = other_laptop();
        let (mut plg, anna, mut leerhuis, lotte) =
            linked(data.device_key().as_signing_key(), lotte_s.device_key().as_signing_key());
        let question = plg.add_question(&anna, "Hoe houden we werkplezier?", "Na de fusie").unwrap();
        plg.add_theme(&anna, "werkplezier").unwrap();
        plg.tag_question(&anna, &question, "werkplezier", true).unwrap();
        let day = NewSession { title: "Leerhuisdag".into(), starts_at: "2026-12-01".into(), ..Default::default() };
        leerhuis.add_session(&lotte, &day).unwrap();
        let ids = (plg.id().to_string(), leerhuis.id().to_string());
        keep(&data, plg, "PLG Rekenen");
        keep(&data, leerhuis, "Leerhuis Jeugd");
        (ids.0, ids.1, question)
    };
    let mut ui = client(dir.path());
    open(&mut ui, &plg_id);
    ui.state_mut().screen = Screen::Network;
    ui.step();
    assert!(ui.query_by_label_contains("Leerhuis Jeugd · gekoppeld sinds").is_some(), "the PLG's leerhuis");
    assert!(ui.query_by_label(nl(Text::YouAreDelegate)).is_some());

    ui.state_mut().screen = Screen::Question(question.clone());
    ui.step();
    click(&mut ui, nl(Text::ShareWithLeerhuis));
    // Exactly what goes: the title and the details, nothing else.
    assert!(ui.query_by_label(nl(Text::ShareExplained)).is_some());
    assert!(ui.query_all_by_label("Hoe houden we werkplezier?").count() >= 2, "the title, in the dialog too");
    assert!(ui.query_by_label("Na de fusie").is_some(), "the details");
    click(&mut ui, nl(Text::ShareNow));
    wait_until(&mut ui, "the dialog closes", |app| app.state.sharing.is_none());
    assert_eq!(ui.state().state.notice.as_deref(), Some(nl(Text::SharedWithLeerhuis)));

    open(&mut ui, &leerhuis_id);
    ui.state_mut().screen = Screen::Leerhuis;
    ui.step();
    assert!(ui.query_by_label(nl(Text::OverviewExplained)).is_some());
    assert!(ui.query_by_label(nl(Text::KindQuestion)).is_some());
    assert!(ui.query_by_label("uit PLG Rekenen").is_some(), "with its source");
    assert!(ui.query_by_label("Leerhuisdag").is_some(), "the leerhuis's own meeting");
    click(&mut ui, "werkplezier");
    assert!(ui.query_by_label("Leerhuisdag").is_none(), "not about the theme");
    assert!(ui.query_by_label("uit PLG Rekenen").is_some(), "about it");
    click(&mut ui, "Hoe houden we werkplezier?");
    let Screen::Publication(publication) = ui.state().screen.clone() else { panic!("the publication opens") };
    let shared = &ui.state().state.snapshot().unwrap().publications[&publication];
    assert_eq!((shared.from.as_str(), shared.source.as_str()), (plg_id.as_str(), question.as_str()));
    assert!(!shared.source_heads.is_empty(), "the PLG's heads it was copied at");
    assert!(ui.query_by_label("Na de fusie").is_some());

    // Its delegate withdraws it: it says so, and the overview no longer lists it.
    click(&mut ui, nl(Text::WithdrawPublication));
    wait_until(&mut ui, "it is withdrawn", |app| {
        app.state.snapshot().is_some_and(|s| s.publications.values().all(|p| p.is_withdrawn()))
    });
    assert!(ui.query_by_label(nl(Text::PublicationWithdrawn)).is_some());
    assert!(ui.query_by_label("Na de fusie").is_none(), "its text is not shown again");
    assert!(ui.query_by_label(nl(Text::WithdrawPublication)).is_none());
    ui.state_mut().screen = Screen::Leerhuis;
    ui.step();
    assert!(ui.query_by_label("uit PLG Rekenen").is_none());
    assert!(ui.query_by_label(nl(Text::OverviewEmpty)).is_some(), "nothing else about the theme");
}

#[test]
fn a_round_of_four_scorers_is_refused_in_dutch_and_nothing_is_shared() {
    let dir = tempfile::tempdir().unwrap();
    let (plg_id, leerhuis_id) = {
        let data = DataDir::open(dir.path()).unwrap();
        let (_dir, lotte_s) = other_laptop();
        let (mut plg, anna, leerhuis, _) =
            linked(data.device_key().as_signing_key(), lotte_s.device_key().as_signing_key());
        let round = plg.open_round(&anna, "Ronde najaar").unwrap();
        for i in 0..4 {
            let profile =
                Profile { name: format!("Docent {i}"), perspective: Perspective::Teacher, ..Default::default() };
            let member = plg.add_member(&anna, &profile, Role::Member, None::<&str>).unwrap();
            plg.score(&member, &round, &FactorId::new("trust"), 3, "Opmerking").unwrap();
        }
        plg.close_round(&anna, &round).unwrap();
        let ids = (plg.id().to_string(), leerhuis.id().to_string());
        keep(&data, plg, "PLG Rekenen");
        keep(&data, leerhuis, "Leerhuis Jeugd");
        ids
    };
    let mut ui = client(dir.path());
    open(&mut ui, &plg_id);
    ui.state_mut().screen = Screen::Reflection;
    ui.step();
    click(&mut ui, nl(Text::ShareWithLeerhuis));
    let refusal = kring_ui::i18n::errors::node_error(
        Language::Nl,
        &NodeError::Model(ModelError::Leerhuis(LeerhuisError::TooFew { scored: 4 })),
    );
    assert!(ui.query_by_label(&refusal).is_some(), "the refusal, in Dutch: {refusal}");
    assert!(ui.query_by_label(nl(Text::NothingShared)).is_some());
    assert!(ui.query_by_label(nl(Text::ShareNow)).is_none(), "nothing to share");
    ui.key_press(egui::Key::Escape);
    ui.step();
    assert!(ui.state().state.sharing.is_none(), "Escape closes the dialog");

    open(&mut ui, &leerhuis_id);
    assert!(ui.state().state.snapshot().unwrap().publications.is_empty(), "nothing went up");
}

/// Three laptops on loopback: Lotte's leerhuis makes a link code, Anna pastes it on her PLG's
/// network page and the PLG is linked through her running node; Bram, a member of the PLG,
/// then takes part in the leerhuis with the voucher his network gave him, without an
/// invitation of the leerhuis.
#[test]
fn a_coordinator_links_her_network_and_a_member_takes_part_through_it() {
    let (dir_l, dir_a, dir_b) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let leerhuis_id = {
        let data = DataDir::open(dir_l.path()).unwrap();
        let details =
            NetworkDetails { name: "Leerhuis Jeugd".into(), kind: NetworkKind::Leerhuis, ..Default::default() };
        let (leerhuis, _) =
            Network::create(&details, &Profile::new("Lotte"), data.device_key().as_signing_key()).unwrap();
        let id = leerhuis.id().to_string();
        keep(&data, leerhuis, "Leerhuis Jeugd");
        id
    };
    let mut lotte = client(dir_l.path());
    wait_until(&mut lotte, "the leerhuis is open", |app| app.state.view.is_some());
    let (mut anna, mut bram, _) = anna_invites_bram(dir_a.path(), dir_b.path());

    lotte.state_mut().screen = Screen::Network;
    lotte.step();
    click(&mut lotte, nl(Text::MakeLeerhuisTicket));
    let ticket = lotte.state().pages.network.leerhuis.ticket_made.clone().expect("a link code");

    anna.state_mut().screen = Screen::Network;
    anna.step();
    assert!(anna.query_by_label(nl(Text::NoLeerhuizen)).is_some());
    click(&mut anna, nl(Text::LinkToLeerhuis));
    type_into(&mut anna, egui::accesskit::Role::MultilineTextInput, nl(Text::LinkCode), &ticket);
    click(&mut anna, nl(Text::Link));
    assert_eq!(
        anna.state().state.notice.as_deref(),
        Some(nl(Text::LeerhuisLinked)),
        "{:?}",
        anna.state().state.error_text()
    );
    wait_until(&mut anna, "Anna's laptop shares for the PLG", |app| {
        app.state.leerhuizen.iter().any(|h| h.id == leerhuis_id && !h.delegate_for.is_empty())
    });
    assert!(anna.query_by_label_contains("Leerhuis Jeugd · gekoppeld sinds").is_some());
    assert!(anna.query_by_label(nl(Text::YouAreDelegate)).is_some());
    wait_until(&mut lotte, "the leerhuis lists the PLG", |app| {
        app.state.snapshot().is_some_and(|s| s.links.values().any(|l| l.name == "PLG Lezen"))
    });
    assert!(lotte.query_by_label_contains("PLG Lezen · gekoppeld sinds").is_some());

    // Bram's copy of the PLG learns of the leerhuis, with his voucher.
    bram.state_mut().screen = Screen::Network;
    wait_until(&mut bram, "Bram's voucher arrives", |app| {
        app.state.snapshot().is_some_and(|s| s.info.leerhuizen.values().any(|l| !l.vouchers.is_empty()))
    });
    click(&mut bram, nl(Text::JoinLeerhuis));
    wait_until(&mut bram, "Bram takes part in the leerhuis", |app| {
        app.state.networks.iter().any(|n| n.id == leerhuis_id)
    });
    assert_eq!(bram.state().state.notice.as_deref(), Some(nl(Text::LeerhuisJoined)));
    assert!(bram.query_by_label(nl(Text::InLeerhuis)).is_some(), "no second join button");
    assert!(bram.query_by_label(nl(Text::JoinLeerhuis)).is_none());
    wait_until(&mut lotte, "the leerhuis has Bram", |app| {
        app.state.snapshot().is_some_and(|s| s.members.values().any(|m| m.name == "Bram"))
    });
}

/// A meeting goes up with the summary written for the leerhuis, never its notes, and with two
/// young people present shown as "<5".
#[test]
fn a_meeting_is_shared_with_its_summary_and_youth_below_five_as_fewer_than_five() {
    let dir = tempfile::tempdir().unwrap();
    let (plg_id, leerhuis_id, session) = {
        let data = DataDir::open(dir.path()).unwrap();
        let (_dir, lotte_s) = other_laptop();
        let (mut plg, anna, leerhuis, _) =
            linked(data.device_key().as_signing_key(), lotte_s.device_key().as_signing_key());
        let new =
            NewSession { title: "Werkplezier".into(), starts_at: "2026-11-12T15:30".into(), ..Default::default() };
        let session = plg.add_session(&anna, &new).unwrap();
        for name in ["Sanne", "Yusuf"] {
            let profile = Profile { name: name.into(), perspective: Perspective::YouthParent, ..Default::default() };
            let member = plg.add_member(&anna, &profile, Role::Member, None::<&str>).unwrap();
            plg.set_attendance(&anna, &session, &member, Attendance::Present).unwrap();
        }
        plg.set_attendance(&anna, &session, &anna, Attendance::Present).unwrap();
        let ids = (plg.id().to_string(), leerhuis.id().to_string());
        keep(&data, plg, "PLG Rekenen");
        keep(&data, leerhuis, "Leerhuis Jeugd");
        (ids.0, ids.1, session)
    };
    let mut ui = client(dir.path());
    open(&mut ui, &plg_id);
    ui.state_mut().screen = Screen::Session(session.clone());
    ui.step();
    click(&mut ui, nl(Text::ShareWithLeerhuis));
    assert!(ui.query_by_label(nl(Text::SummaryExplained)).is_some(), "the notes stay home");
    type_into(&mut ui, egui::accesskit::Role::MultilineTextInput, nl(Text::SummaryForLeerhuis), "Wat ons energie gaf");
    assert!(ui.query_by_label("jongere / ouder: <5").is_some(), "two young people show as <5");
    assert!(ui.query_by_label("Wat ons energie gaf").is_some(), "the summary, as it will read");
    click(&mut ui, nl(Text::ShareNow));
    wait_until(&mut ui, "the dialog closes", |app| app.state.sharing.is_none());

    open(&mut ui, &leerhuis_id);
    let snapshot = ui.state().state.snapshot().unwrap().clone();
    let shared = snapshot.current_publications();
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0].body, "Wat ons energie gaf");
    assert!(shared[0].attendance_few.contains(&Perspective::YouthParent));
    assert!(!shared[0].attendance.contains_key(&Perspective::YouthParent), "no number below five");
    ui.state_mut().screen = Screen::Publication(shared[0].id.clone());
    ui.step();
    assert!(ui.query_by_label("jongere / ouder: <5").is_some());
}

/// The researcher's laptop holds a PLG and the leerhuis: one timeline of both, each line with
/// its network, narrowed by theme and by period, and saved as CSV.
#[test]
fn the_researchers_timeline_spans_every_network_by_theme_and_period() {
    let dir = tempfile::tempdir().unwrap();
    {
        let data = DataDir::open(dir.path()).unwrap();
        let (_dir, lotte_s) = other_laptop();
        let (mut plg, anna, mut leerhuis, lotte) =
            linked(data.device_key().as_signing_key(), lotte_s.device_key().as_signing_key());
        let day = NewSession { title: "Leerhuisdag".into(), starts_at: "2026-12-01".into(), ..Default::default() };
        leerhuis.add_session(&lotte, &day).unwrap();
        plg.add_theme(&anna, "werkplezier").unwrap();
        let new =
            NewSession { title: "Werkplezier".into(), starts_at: "2026-11-12T15:30".into(), ..Default::default() };
        let session = plg.add_session(&anna, &new).unwrap();
        plg.tag_session(&anna, &session, "werkplezier", true).unwrap();
        let question = plg.add_question(&anna, "Hoe houden we het vol?", "").unwrap();
        plg.tag_question(&anna, &question, "werkplezier", true).unwrap();
        plg.add_cycle(&anna, &question, "2026-10-01").unwrap();
        plg.open_round(&anna, "Ronde najaar").unwrap();
        keep(&data, plg, "PLG Rekenen");
        keep(&data, leerhuis, "Leerhuis Jeugd");
    }
    let mut ui = client(dir.path());
    wait_until(&mut ui, "both networks are listed", |app| app.state.networks.len() == 2);
    wait_until(&mut ui, "a network is open", |app| app.state.view.is_some());
    click(&mut ui, nl(Text::ChooseNetwork));
    click(&mut ui, nl(Text::Timeline));
    wait_until(&mut ui, "the timeline is here", |app| app.state.timeline.is_some());
    assert_eq!(ui.state().screen, Screen::Timeline);
    assert!(ui.query_by_label("Werkplezier").is_some(), "the PLG's meeting");
    assert!(ui.query_by_label("Hoe houden we het vol?").is_some(), "its cycle, by its question");
    assert!(ui.query_by_label("Ronde najaar").is_some(), "its round");
    assert!(ui.query_all_by_label("uit PLG Rekenen").count() == 3, "each with its network");
    assert!(ui.query_by_label("Leerhuisdag").is_some(), "the leerhuis's meeting");
    assert!(ui.query_by_label("uit Leerhuis Jeugd").is_some());

    click(&mut ui, "werkplezier");
    assert!(ui.query_by_label("Ronde najaar").is_none(), "a round has no theme");
    assert!(ui.query_by_label("Werkplezier").is_some());
    type_into(&mut ui, egui::accesskit::Role::TextInput, nl(Text::PeriodFrom), "2026-11-01");
    assert!(ui.query_by_label("Hoe houden we het vol?").is_none(), "the cycle began before the period");
    assert!(ui.query_by_label("Werkplezier").is_some());

    let page = &ui.state().pages.timeline;
    let all = ui.state().state.timeline.clone().unwrap();
    let csv = kring_ui::views::timeline::csv(Language::Nl, &page.filter(&all));
    assert_eq!(csv, "Datum,Soort,Titel,Netwerk,Thema's\n2026-11-12,bijeenkomst,Werkplezier,PLG Rekenen,werkplezier\n");
}

/// Links "Jeugdzorg Noord" into `leerhuis` (Lotte's), with `dirk_key` its delegate: Dirk, a
/// practitioner, comes into the leerhuis through it. Returns the network's id and Dirk's.
fn link_jeugdzorg(
    leerhuis: &mut Network,
    lotte: &MemberId,
    dirk_key: &(impl DeviceKey + ?Sized),
) -> (NetworkId, MemberId) {
    let ticket = NewInvite { secret_hash: "hash2".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
    let invite = leerhuis.create_link_invite(lotte, &ticket).unwrap();
    let id = NetworkId::random();
    let to_link = NetworkToLink {
        id: id.clone(),
        name: "Jeugdzorg Noord".into(),
        delegates: vec![dirk_key.device_id()],
        below: Vec::new(),
    };
    let dirk = Profile { name: "Dirk".into(), perspective: Perspective::Practitioner, ..Default::default() };
    let dirk = leerhuis.link_network(lotte, &invite, "hash2", &dirk, &MemberId::random(), dirk_key, &to_link).unwrap();
    (id, dirk)
}

#[test]
fn a_coordinator_plans_a_meeting_for_one_linked_network_and_its_page_counts_who_came_per_network() {
    let dir = tempfile::tempdir().unwrap();
    let (leerhuis_id, plg_id, jeugdzorg, dirk) = {
        let data = DataDir::open(dir.path()).unwrap();
        // This laptop is Lotte's, the leerhuis's coordinator.
        let (_a, anna_s) = other_laptop();
        let (_d, dirk_s) = other_laptop();
        let (plg, _, mut leerhuis, lotte) =
            linked(anna_s.device_key().as_signing_key(), data.device_key().as_signing_key());
        let (jeugdzorg, dirk) = link_jeugdzorg(&mut leerhuis, &lotte, dirk_s.device_key().as_signing_key());
        let ids = (leerhuis.id().to_string(), plg.id().clone());
        keep(&data, leerhuis, "Leerhuis Jeugd");
        (ids.0, ids.1, jeugdzorg, dirk)
    };
    let mut ui = client(dir.path());
    open(&mut ui, &leerhuis_id);
    ui.state_mut().screen = Screen::Sessions;
    ui.step();
    assert!(ui.query_by_label(nl(Text::OpenFor)).is_some(), "a coordinator chooses whom it is for");
    type_into(&mut ui, egui::accesskit::Role::TextInput, nl(Text::Title), "Leerhuisdag werkplezier");
    tick(&mut ui, "PLG Rekenen");
    click(&mut ui, nl(Text::AddSession));
    let Screen::Session(session) = ui.state().screen.clone() else { panic!("the meeting opens") };
    let planned = &ui.state().state.snapshot().unwrap().sessions[&session];
    assert_eq!(planned.open_to, [plg_id.clone()].into(), "only for the PLG, written with the meeting");
    assert!(ui.query_by_label("Open voor: PLG Rekenen").is_some());

    // Who came: Dirk through Jeugdzorg Noord, Lotte directly.
    let me = ui.state().state.me().unwrap().clone();
    for member in [dirk, me] {
        let edit = Edit::SetAttendance { session: session.clone(), member, attendance: Attendance::Present };
        ui.state_mut().state.edit(kring_ui::state::After::Nothing, edit);
    }
    wait_until(&mut ui, "both are present", |app| {
        app.state.snapshot().is_some_and(|s| s.sessions[&session].attendance.len() == 2)
    });
    assert!(ui.query_by_label(nl(Text::PresentByNetwork)).is_some());
    assert!(ui.query_by_label("Jeugdzorg Noord").is_some(), "a row for the network Dirk came through");
    assert!(ui.query_by_label(nl(Text::JoinedDirectly)).is_some(), "and one for who came directly");

    // Chosen again, for both networks.
    click(&mut ui, nl(Text::ChooseOpenTo));
    tick(&mut ui, "Jeugdzorg Noord");
    click(&mut ui, nl(Text::Save));
    wait_until(&mut ui, "the meeting is for both", |app| {
        app.state.snapshot().is_some_and(|s| s.sessions[&session].open_to.contains(&jeugdzorg))
    });
    assert!(
        ui.query_by_label_contains("Jeugdzorg Noord, PLG Rekenen").is_some()
            || ui.query_by_label_contains("PLG Rekenen, Jeugdzorg Noord").is_some()
    );

    ui.state_mut().state.language = Language::En;
    ui.step();
    assert!(ui.query_by_label(tr_en(Text::PresentByNetwork)).is_some(), "in English when chosen");
}

#[test]
fn a_meeting_for_another_linked_network_is_not_in_a_members_list() {
    let dir = tempfile::tempdir().unwrap();
    let leerhuis_id = {
        let data = DataDir::open(dir.path()).unwrap();
        // This laptop is Dirk's: he came into the leerhuis through Jeugdzorg Noord.
        let (_a, anna_s) = other_laptop();
        let (_l, lotte_s) = other_laptop();
        let (plg, _, mut leerhuis, lotte) =
            linked(anna_s.device_key().as_signing_key(), lotte_s.device_key().as_signing_key());
        link_jeugdzorg(&mut leerhuis, &lotte, data.device_key().as_signing_key());
        let day =
            |title: &str| NewSession { title: title.into(), starts_at: "2026-12-01".into(), ..Default::default() };
        leerhuis.add_joint_meeting(&lotte, &day("Alleen voor de PLG"), &[plg.id().clone()].into()).unwrap();
        leerhuis.add_session(&lotte, &day("Voor iedereen")).unwrap();
        let id = leerhuis.id().to_string();
        keep(&data, leerhuis, "Leerhuis Jeugd");
        id
    };
    let mut ui = client(dir.path());
    open(&mut ui, &leerhuis_id);
    ui.state_mut().screen = Screen::Sessions;
    ui.step();
    assert!(ui.query_by_label_contains("Voor iedereen").is_some(), "a meeting for all linked networks");
    assert!(ui.query_by_label_contains("Alleen voor de PLG").is_none(), "not one for another network");
    assert!(ui.query_by_label(nl(Text::OpenFor)).is_none(), "a member does not choose");
    assert_eq!(ui.state().state.snapshot().unwrap().sessions.len(), 2, "his laptop holds both all the same");
    ui.state_mut().screen = Screen::Leerhuis;
    ui.step();
    assert!(ui.query_by_label("Voor iedereen").is_some());
    assert!(ui.query_by_label("Alleen voor de PLG").is_none(), "nor in the overview");
}

/// Ticks the checkbox labelled `label`.
fn tick(ui: &mut Ui, label: &str) {
    ui.get_by_role_and_label(egui::accesskit::Role::CheckBox, label).click();
    ui.step();
    settle(ui);
}

fn tr_en(text: Text) -> &'static str {
    kring_ui::i18n::tr(Language::En, text)
}

#[test]
fn ctrl_f_searches_every_network_here_and_a_hit_opens_in_its_own_network() {
    let dir = tempfile::tempdir().unwrap();
    let (plg_id, leerhuis_id, day) = {
        let data = DataDir::open(dir.path()).unwrap();
        // This laptop is Anna's: it holds her PLG and the leerhuis it is linked into.
        let (_l, lotte_s) = other_laptop();
        let (mut plg, anna, mut leerhuis, lotte) =
            linked(data.device_key().as_signing_key(), lotte_s.device_key().as_signing_key());
        plg.add_question(&anna, "Hoe lezen leerlingen onze feedback?", "").unwrap();
        let new = NewSession { title: "Feedbackdag".into(), starts_at: "2026-12-01".into(), ..Default::default() };
        let day = leerhuis.add_session(&lotte, &new).unwrap();
        let ids = (plg.id().to_string(), leerhuis.id().to_string());
        keep(&data, plg, "PLG Rekenen");
        keep(&data, leerhuis, "Leerhuis Jeugd");
        (ids.0, ids.1, day)
    };
    let mut ui = client(dir.path());
    open(&mut ui, &plg_id);
    type_into(&mut ui, egui::accesskit::Role::TextInput, nl(Text::Search), "FEEDBACK");
    assert_eq!(ui.state().screen, Screen::Search);
    assert!(ui.query_by_label("Hoe lezen leerlingen onze feedback? · Titel").is_some(), "this network's hit");
    assert!(ui.query_by_label_contains("Feedbackdag").is_none(), "only this network, at first");

    click(&mut ui, nl(Text::SearchAllNetworks));
    wait_until(&mut ui, "the node searched every network", |app| {
        app.state.found.as_ref().is_some_and(|found| found.query == "FEEDBACK")
    });
    let in_leerhuis = "Leerhuis Jeugd · Feedbackdag · Titel";
    assert!(ui.query_by_label(in_leerhuis).is_some(), "labelled with its network");
    assert!(ui.query_by_label("PLG Rekenen · Hoe lezen leerlingen onze feedback? · Titel").is_some());
    let networks: Vec<String> =
        ui.state().state.found.as_ref().unwrap().results.networks.iter().map(|n| n.network_name.clone()).collect();
    assert_eq!(networks, ["PLG Rekenen", "Leerhuis Jeugd"], "the network on screen first");

    // Clicking the leerhuis's hit switches to the leerhuis and opens the meeting.
    click(&mut ui, in_leerhuis);
    let wanted = leerhuis_id.clone();
    wait_until(&mut ui, "the leerhuis is shown", move |app| app.state.network_id() == Some(wanted.as_str()));
    assert_eq!(ui.state().screen, Screen::Session(day));
    assert!(ui.query_by_label("Feedbackdag").is_some(), "the meeting's page");

    ui.state_mut().screen = Screen::Search;
    ui.state_mut().state.language = Language::En;
    ui.step();
    assert!(ui.query_by_label("All networks").is_some(), "in English when chosen");
}

#[test]
fn a_coordinator_unlinks_her_network_from_the_leerhuis_on_its_page_and_it_shows_as_left() {
    let dir = tempfile::tempdir().unwrap();
    let (plg_id, leerhuis_id) = {
        let data = DataDir::open(dir.path()).unwrap();
        // This laptop is Anna's: coordinator of the PLG, its delegate in the leerhuis.
        let (_l, lotte_s) = other_laptop();
        let (mut plg, anna, mut leerhuis, _) =
            linked(data.device_key().as_signing_key(), lotte_s.device_key().as_signing_key());
        let question = plg.add_question(&anna, "Hoe houden we werkplezier?", "Na de fusie").unwrap();
        let heads = plg.heads();
        let shared = plg.snapshot().unwrap().question_publication(&question, &heads).unwrap();
        let members = leerhuis.snapshot().unwrap().members;
        let anna_there = members.values().find(|m| m.via.as_ref() == Some(plg.id())).unwrap().id.clone();
        leerhuis.set_device(&data.device_id());
        leerhuis.publish(&anna_there, &data.device_id(), &shared).unwrap();
        let ids = (plg.id().to_string(), leerhuis.id().to_string());
        keep(&data, plg, "PLG Rekenen");
        keep(&data, leerhuis, "Leerhuis Jeugd");
        ids
    };
    let mut ui = client(dir.path());
    open(&mut ui, &plg_id);
    ui.state_mut().screen = Screen::Network;
    ui.step();
    click(&mut ui, nl(Text::UnlinkFromLeerhuis));
    // What happens, said before it does: who loses access, and what becomes of the shared.
    assert!(ui.query_by_label(nl(Text::UnlinkExplained)).is_some());
    assert!(ui.query_by_label(nl(Text::UnlinkWithdrawExplained)).is_some(), "withdrawing is chosen first");
    click(&mut ui, nl(Text::UnlinkArchive));
    assert!(ui.query_by_label(nl(Text::UnlinkArchiveExplained)).is_some());
    click(&mut ui, nl(Text::UnlinkWithdraw));
    click(&mut ui, nl(Text::UnlinkNow));
    assert_eq!(ui.state().state.notice.as_deref(), Some(nl(Text::Unlinked)), "{:?}", ui.state().state.error_text());

    // The page shows the leerhuis as left, and offers nothing for it any more.
    let left = ui.state().state.snapshot().unwrap().info.leerhuizen.values().all(|l| l.left_at.is_some());
    assert!(left, "the PLG recorded that it left");
    assert!(ui.query_by_label_contains("Leerhuis Jeugd · ontkoppeld op").is_some());
    assert!(ui.query_by_label(nl(Text::UnlinkFromLeerhuis)).is_none());
    assert!(ui.query_by_label(nl(Text::NoLeerhuizen)).is_some());

    // The same steps as `kring leerhuis unlink --withdraw` in the leerhuis: the link left, the
    // copy withdrawn, and Anna, who came through the PLG, no longer a member there.
    ui.state_mut().state.watch(&leerhuis_id);
    let wanted = leerhuis_id.clone();
    wait_until(&mut ui, "the leerhuis is shown", move |app| app.state.network_id() == Some(wanted.as_str()));
    let snapshot = ui.state().state.snapshot().unwrap();
    assert!(snapshot.links.values().all(|link| !link.is_linked()));
    assert!(snapshot.publications.values().all(|p| p.is_withdrawn()));
    assert!(snapshot.members.values().filter(|m| m.via.is_some()).all(|m| !m.is_current()));
}
