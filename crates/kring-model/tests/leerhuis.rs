//! A leerhuis as its coordinators and the linked networks' delegates use it: a network linked
//! from both sides, copies shared with their source, the privacy rules applied where the data
//! is (a round of fewer than five scorers stays home; youth and parents below five are "<5"),
//! and a withdrawn publication gone from the leerhuis's next chapter.

use ed25519_dalek::SigningKey;
use kring_model::leerhuis::{self, LeerhuisError, NewPublication};
use kring_model::trust::{DeviceKey, RuleBook};
use kring_model::*;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Anna's "PLG Rekenen" with members of every perspective, and Lotte's "Leerhuis Jeugd" that
/// the PLG is linked into (Anna's device its delegate).
struct Programme {
    plg: Network,
    anna: MemberId,
    members: Vec<MemberId>,
    leerhuis: Network,
    lotte: MemberId,
    /// Anna as a member of the leerhuis.
    anna_there: MemberId,
}

fn programme(members: &[(&str, Perspective)]) -> Programme {
    let anna_key = key(1);
    let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
    let (mut plg, anna) = Network::create(&details, &Profile::new("Anna"), &anna_key).unwrap();
    let members = members
        .iter()
        .map(|(name, perspective)| {
            let profile = Profile { name: name.to_string(), perspective: *perspective, ..Default::default() };
            plg.add_member(&anna, &profile, Role::Member, None::<&SigningKey>).unwrap()
        })
        .collect();

    let details = NetworkDetails { name: "Leerhuis Jeugd".into(), kind: NetworkKind::Leerhuis, ..Default::default() };
    let (mut leerhuis, lotte) = Network::create(&details, &Profile::new("Lotte"), &key(11)).unwrap();
    let ticket = NewInvite { secret_hash: "hash".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
    let invite = leerhuis.create_link_invite(&lotte, &ticket).unwrap();
    let linked = NetworkToLink {
        id: plg.id().clone(),
        name: "PLG Rekenen".into(),
        delegates: vec![anna_key.device_id()],
        below: Vec::new(),
    };
    let anna_there = leerhuis
        .link_network(&lotte, &invite, "hash", &Profile::new("Anna"), &MemberId::random(), &anna_key, &linked)
        .unwrap();
    plg.record_leerhuis(&anna, leerhuis.id(), "Leerhuis Jeugd", "", &Default::default()).unwrap();
    leerhuis.set_device(&anna_key.device_id());
    Programme { plg, anna, members, leerhuis, lotte, anna_there }
}

/// Every change of `network`, as a laptop receiving it whole checks them, passes the rules.
fn every_laptop_accepts(network: &mut Network) {
    let changes = network.doc_mut().get_changes(&[]);
    let mut received = automerge::AutoCommit::new();
    received.apply_changes(changes.clone()).unwrap();
    assert_eq!(RuleBook::default().check(&received, &changes, true).map_err(|r| r.breach), Ok(()));
}

fn teachers(n: usize) -> Vec<(String, Perspective)> {
    (0..n).map(|i| (format!("Docent {i}"), Perspective::Teacher)).collect()
}

fn named(people: &[(String, Perspective)]) -> Vec<(&str, Perspective)> {
    people.iter().map(|(name, p)| (name.as_str(), *p)).collect()
}

/// A closed round in which the first `scorers` members scored trust and left a comment.
fn scored_round(p: &mut Programme, scorers: usize) -> RoundId {
    let round = p.plg.open_round(&p.anna, "Ronde najaar").unwrap();
    for (i, member) in p.members.iter().take(scorers).enumerate() {
        let comment = format!("Opmerking van lid {i}");
        p.plg.score(member, &round, &FactorId::new("trust"), 2 + (i % 3) as i64, &comment).unwrap();
    }
    p.plg.close_round(&p.anna, &round).unwrap();
    round
}

fn publish(p: &mut Programme, new: &NewPublication) -> Result<PublicationId> {
    let device = key(1).device_id();
    p.leerhuis.publish(&p.anna_there, &device, new)
}

#[test]
fn a_link_is_recorded_on_both_sides_with_the_networks_coordinator_as_its_delegate() {
    let p = programme(&[]);
    let leerhuis = p.leerhuis.snapshot().unwrap();
    assert_eq!(leerhuis.info.kind, NetworkKind::Leerhuis);
    let link = &leerhuis.links[p.plg.id()];
    assert_eq!(link.name, "PLG Rekenen");
    assert_eq!(link.linked_by, p.lotte);
    assert_eq!(link.delegates.keys().collect::<Vec<_>>(), [&key(1).device_id()]);
    assert!(leerhuis.members.contains_key(&p.anna_there), "the delegate is a member of the leerhuis");

    let plg = p.plg.snapshot().unwrap();
    assert_eq!(plg.info.kind, NetworkKind::Network);
    assert_eq!(plg.info.leerhuizen[p.leerhuis.id()].name, "Leerhuis Jeugd");

    // The PLG's next chapter keeps the link, and every laptop accepts its beginning.
    let mut p = p;
    let mut next = p.plg.start_chapter(&p.anna, &key(1).device_id(), &[]).unwrap();
    assert_eq!(next.snapshot().unwrap().info.leerhuizen, plg.info.leerhuizen);
    every_laptop_accepts(&mut next);
}

#[test]
fn a_round_of_four_scorers_stays_home_and_of_five_goes_up_as_figures_only() {
    let people = teachers(5);
    let mut p = programme(&named(&people));
    let four = scored_round(&mut p, 4);
    let heads = p.plg.heads();
    let refused = p.plg.snapshot().unwrap().round_publication(&four, &heads);
    assert!(matches!(refused, Err(ModelError::Leerhuis(LeerhuisError::TooFew { scored: 4 }))), "{refused:?}");

    let five = scored_round(&mut p, 5);
    let heads = p.plg.heads();
    let shared = p.plg.snapshot().unwrap().round_publication(&five, &heads).unwrap();
    assert_eq!(shared.n, Some(5));
    let trust = &shared.factors[&FactorId::new("trust")];
    // Scores 2, 3, 4, 2, 3: mean 2.8, spread 0.75 (population), n 5.
    assert_eq!((trust.mean, trust.spread, trust.n), (2.8, 0.75, 5));
    assert_eq!(shared.factors.len(), 1, "factors fewer than five scored stay out");
    let id = publish(&mut p, &shared).unwrap();

    let bytes = p.leerhuis.doc_mut().save_nocompress();
    for member in &p.members {
        assert!(!contains(&bytes, member.as_str()), "no member id of the PLG in the leerhuis's bytes");
    }
    assert!(!contains(&bytes, "Opmerking van lid"), "no comment in the leerhuis's bytes");
    assert!(!contains(&bytes, "Docent"), "no name");
    assert_eq!(p.leerhuis.snapshot().unwrap().publications[&id].n, Some(5));

    let again = publish(&mut p, &shared);
    assert!(matches!(again, Err(ModelError::Leerhuis(LeerhuisError::AlreadyShared))), "a round goes up once");
}

#[test]
fn youth_and_parents_at_a_meeting_below_five_are_shared_as_fewer_than_five() {
    let people = [
        ("Bram", Perspective::Teacher),
        ("Sanne", Perspective::YouthParent),
        ("Yusuf", Perspective::YouthParent),
        ("Els", Perspective::Practitioner),
    ];
    let mut p = programme(&people);
    let new = NewSession {
        title: "Werkplezier".into(),
        kind: SessionKind::Plg,
        starts_at: "2026-11-12T15:30".into(),
        location: String::new(),
    };
    let session = p.plg.add_session(&p.anna, &new).unwrap();
    for member in p.members.clone() {
        p.plg.set_attendance(&p.anna, &session, &member, Attendance::Present).unwrap();
    }
    let heads = p.plg.heads();
    let summary = "Wat werkplezier geeft: tijd om samen te leren.";
    let shared = p.plg.snapshot().unwrap().session_publication(&session, summary, &heads).unwrap();
    assert_eq!(shared.attendance.get(&Perspective::YouthParent), None);
    assert!(shared.attendance_few.contains(&Perspective::YouthParent));
    assert_eq!(shared.attendance[&Perspective::Teacher], 1);
    let id = publish(&mut p, &shared).unwrap();
    let published = &p.leerhuis.snapshot().unwrap().publications[&id];
    assert_eq!(published.body, summary);
    assert_eq!(published.starts_at.as_deref(), Some("2026-11-12T15:30"));
    let bytes = p.leerhuis.doc_mut().save_nocompress();
    assert!(!contains(&bytes, "Sanne") && !contains(&bytes, "Yusuf"), "no names of youth or parents");
}

#[test]
fn a_shared_question_is_a_copy_that_changes_only_when_shared_again_and_leaves_with_the_next_chapter() {
    let mut p = programme(&[]);
    let question = p.plg.add_question(&p.anna, "Hoe geven we feedback die leerlingen lezen?", "Eerste idee").unwrap();
    let heads = p.plg.heads();
    let first = p.plg.snapshot().unwrap().question_publication(&question, &heads).unwrap();
    let v1 = publish(&mut p, &first).unwrap();

    p.plg.update_text(&p.anna, &TextField::Details(question.clone()), "Tweede idee, uitgewerkt").unwrap();
    let shown = |p: &Programme| p.leerhuis.snapshot().unwrap().current_publications()[0].body.clone();
    assert_eq!(shown(&p), "Eerste idee", "the source's edit stays home until shared again");

    let heads = p.plg.heads();
    let second = p.plg.snapshot().unwrap().question_publication(&question, &heads).unwrap();
    let v2 = publish(&mut p, &second).unwrap();
    let snapshot = p.leerhuis.snapshot().unwrap();
    assert_eq!(snapshot.publications[&v2].version, 2);
    assert_eq!(shown(&p), "Tweede idee, uitgewerkt");
    let overview = snapshot.overview(None);
    assert_eq!(overview.len(), 1, "one line per shared record: its newest version");
    assert_eq!(overview[0].source.network_name, "PLG Rekenen");
    assert_eq!(overview[0].source.record, question.as_str());
    assert_eq!(overview[0].source.version, Some(2));

    // Withdrawn: gone from the overview, and from the leerhuis's next chapter's bytes.
    let device = key(1).device_id();
    p.leerhuis.withdraw_publication(&p.anna_there, &device, &v1).unwrap();
    p.leerhuis.withdraw_publication(&p.anna_there, &device, &v2).unwrap();
    assert!(p.leerhuis.snapshot().unwrap().overview(None).is_empty());
    let mut next = p.leerhuis.start_chapter(&p.lotte, &key(11).device_id(), &[]).unwrap();
    let bytes = next.doc_mut().save_nocompress();
    assert!(!contains(&bytes, "Eerste idee") && !contains(&bytes, "Tweede idee"));
    let after = next.snapshot().unwrap();
    assert!(after.links.contains_key(p.plg.id()), "the link stays");
    assert_eq!(after.info.kind, NetworkKind::Leerhuis);
}

#[test]
fn what_the_model_writes_for_a_leerhuis_every_other_laptop_accepts() {
    let people = teachers(5);
    let mut p = programme(&named(&people));
    let round = scored_round(&mut p, 5);
    let heads = p.plg.heads();
    let snapshot = p.plg.snapshot().unwrap();
    publish(&mut p, &snapshot.round_publication(&round, &heads).unwrap()).unwrap();
    let question = p.plg.add_question(&p.anna, "Vraag", "Details").unwrap();
    let heads = p.plg.heads();
    let shared = p.plg.snapshot().unwrap().question_publication(&question, &heads).unwrap();
    publish(&mut p, &shared).unwrap();

    // A laptop that receives the leerhuis whole checks every change on it.
    every_laptop_accepts(&mut p.leerhuis);
}

#[test]
fn a_plain_network_links_nothing_and_a_leerhuis_is_not_linked_into_itself() {
    let mut p = programme(&[]);
    let ticket = NewInvite { secret_hash: "h".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
    let refused = p.plg.create_link_invite(&p.anna, &ticket);
    assert!(matches!(refused, Err(ModelError::Leerhuis(LeerhuisError::NotALeerhuis))));
    let own = p.leerhuis.id().clone();
    let itself = p.leerhuis.record_leerhuis(&p.lotte, &own, "Leerhuis Jeugd", "", &Default::default());
    assert!(matches!(itself, Err(ModelError::Leerhuis(LeerhuisError::LinkToItself))));
    let twice = p.plg.record_leerhuis(&p.anna, &own, "Leerhuis Jeugd", "", &Default::default());
    assert!(matches!(twice, Err(ModelError::Leerhuis(LeerhuisError::AlreadyLinked(_)))));
}

#[test]
fn a_member_joins_the_leerhuis_with_the_voucher_her_coordinator_issued_and_loses_it_when_removed() {
    let mut p = programme(&[]);
    let bram_key = key(2);
    let bram = p.plg.add_member(&p.anna, &Profile::new("Bram"), Role::Member, Some(&bram_key)).unwrap();
    let later = 4_000_000_000_000;
    let leerhuis_id = p.leerhuis.id().clone();
    assert_eq!(p.plg.issue_vouchers(&p.anna, &key(1), &leerhuis_id, later).unwrap(), 1, "Bram's");
    let link = p.plg.snapshot().unwrap().info.leerhuizen[&leerhuis_id].clone();
    let voucher = leerhuis::Voucher::from_bytes(&link.vouchers[&bram]).unwrap();
    assert_eq!(voucher.devices, [bram_key.device_id()]);

    // A member id no laptop would accept as a key is refused before anything is written.
    let odd = MemberId::new("m/trust");
    let refused = p.leerhuis.join_with_voucher(&p.lotte, &voucher, &Profile::new("Bram"), &odd, &bram_key);
    assert!(matches!(refused, Err(ModelError::BadMemberId(_))), "{refused:?}");
    let joined =
        p.leerhuis.join_with_voucher(&p.lotte, &voucher, &Profile::new("Bram"), &MemberId::random(), &bram_key);
    let bram_there = joined.unwrap();
    let snapshot = p.leerhuis.snapshot().unwrap();
    assert!(snapshot.members[&bram_there].is_current());
    let again = p.leerhuis.join_with_voucher(&p.lotte, &voucher, &Profile::new("Bram"), &MemberId::random(), &bram_key);
    assert!(matches!(again, Err(ModelError::DeviceTaken(_))), "one member per device");

    // Every other laptop accepts the join as it receives the leerhuis.
    every_laptop_accepts(&mut p.leerhuis);

    // A voucher for another device, or an expired one, lets no one in.
    let cas_key = key(3);
    let wrong_device =
        p.leerhuis.join_with_voucher(&p.lotte, &voucher, &Profile::new("Cas"), &MemberId::random(), &cas_key);
    assert!(matches!(wrong_device, Err(ModelError::Leerhuis(LeerhuisError::BadVoucher(_)))));
    let expired =
        leerhuis::Voucher::issue(&key(1), leerhuis_id.as_str(), p.plg.id().as_str(), &[cas_key.device_id()], 1);
    let late = p.leerhuis.join_with_voucher(&p.lotte, &expired, &Profile::new("Cas"), &MemberId::random(), &cas_key);
    assert!(matches!(late, Err(ModelError::Leerhuis(LeerhuisError::BadVoucher("it has expired")))));

    // Removed from the PLG: the next vouchers leave Bram out.
    p.plg.remove_member(&p.anna, &bram).unwrap();
    assert_eq!(p.plg.issue_vouchers(&p.anna, &key(1), &leerhuis_id, later).unwrap(), 0);
    assert!(p.plg.snapshot().unwrap().info.leerhuizen[&leerhuis_id].vouchers.is_empty());
}

#[test]
fn the_programme_report_counts_attendance_per_network_and_perspective_and_never_youth_below_five() {
    let people = teachers(5);
    let mut p = programme(&named(&people));
    // Two parents from the PLG join the leerhuis through it and come to a joint meeting.
    let parents: Vec<(SigningKey, MemberId)> = (0..2)
        .map(|i| {
            let parent_key = key(40 + i);
            let profile =
                Profile { name: format!("Ouder {i}"), perspective: Perspective::YouthParent, ..Default::default() };
            p.plg.add_member(&p.anna, &profile, Role::Member, Some(&parent_key)).unwrap();
            (parent_key, MemberId::random())
        })
        .collect();
    let leerhuis_id = p.leerhuis.id().clone();
    p.plg.issue_vouchers(&p.anna, &key(1), &leerhuis_id, 4_000_000_000_000).unwrap();
    let vouchers = p.plg.snapshot().unwrap().info.leerhuizen[&leerhuis_id].vouchers.clone();
    let plg_members = p.plg.snapshot().unwrap().members;
    for (parent_key, id) in &parents {
        let (member, _) = plg_members.iter().find(|(_, m)| m.devices.contains_key(&parent_key.device_id())).unwrap();
        let voucher = leerhuis::Voucher::from_bytes(&vouchers[member]).unwrap();
        let profile = Profile { name: "Ouder".into(), perspective: Perspective::YouthParent, ..Default::default() };
        p.leerhuis.join_with_voucher(&p.lotte, &voucher, &profile, id, parent_key).unwrap();
    }
    let new = NewSession {
        title: "Werkplezier".into(),
        kind: SessionKind::Leerhuis,
        starts_at: "2026-11-20".into(),
        location: String::new(),
    };
    let session = p.leerhuis.add_session(&p.lotte, &new).unwrap();
    for member in [p.anna_there.clone(), p.lotte.clone()].iter().chain(parents.iter().map(|(_, id)| id)) {
        p.leerhuis.set_attendance(&p.lotte, &session, member, Attendance::Present).unwrap();
    }
    let round = scored_round(&mut p, 5);
    let heads = p.plg.heads();
    let shared = p.plg.snapshot().unwrap().round_publication(&round, &heads).unwrap();
    publish(&mut p, &shared).unwrap();

    let report = p.leerhuis.snapshot().unwrap().programme_report("2026-12-07");
    assert!(report.contains("# Leerhuis Jeugd — programmaverslag"), "{report}");
    // Anna and the two parents came through the PLG; Lotte was invited directly.
    let plg_row = report.lines().find(|l| l.starts_with("| PLG Rekenen |") && l.matches('|').count() == 8).unwrap();
    assert_eq!(plg_row, "| PLG Rekenen | 0 | 0 | 0 | 0 | <5 | 1 |", "{report}");
    assert!(report.lines().any(|l| l.starts_with("| direct |")), "{report}");
    assert!(report.contains("- reflectieronde: Ronde najaar (versie 1)"), "{report}");
    assert!(report.contains("| PLG Rekenen | Ronde najaar | Trust | 2,8 | 0,8 | 5 |"), "{report}");
    assert!(!report.contains("Ouder 0") && !report.contains("Docent"), "no names in the report");
}

/// A leerhuis of its own, founded by its coordinator on the device of `seed`.
fn house(name: &str, seed: u8) -> (Network, MemberId, SigningKey) {
    let details = NetworkDetails { name: name.into(), kind: NetworkKind::Leerhuis, ..Default::default() };
    let (network, coordinator) = Network::create(&details, &Profile::new("Coördinator"), &key(seed)).unwrap();
    (network, coordinator, key(seed))
}

/// Links `lower` into `upper` from both sides, as the two laptops do: the leerhuis with what its
/// laptop is told lies below, the network with what lies above as the leerhuis says.
fn link(lower: &mut (Network, MemberId, SigningKey), upper: &mut (Network, MemberId, SigningKey)) -> Result<()> {
    let ticket = NewInvite { secret_hash: "h".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
    let invite = upper.0.create_link_invite(&upper.1, &ticket)?;
    let name = lower.0.snapshot()?.info.name;
    let below = lower.0.networks_below()?.into_iter().collect();
    let linked = NetworkToLink { id: lower.0.id().clone(), name, delegates: vec![lower.2.device_id()], below };
    let profile = Profile::new("Coördinator");
    upper.0.link_network(&upper.1, &invite, "h", &profile, &MemberId::random(), &lower.2, &linked)?;
    let above = upper.0.leerhuizen_above()?;
    let (id, name) = (upper.0.id().clone(), upper.0.snapshot()?.info.name);
    lower.0.record_leerhuis(&lower.1, &id, &name, "", &above)
}

fn is_circle<T: std::fmt::Debug>(result: Result<T>) -> bool {
    matches!(result, Err(ModelError::Leerhuis(LeerhuisError::Cycle)))
}

#[test]
fn a_circle_of_three_leerhuizen_is_refused_whichever_order_the_links_were_made_in() {
    // Bottom up: the PLG's leerhuis into the region's, then the region's into the core team's.
    let (mut plg, mut region, mut core) = (house("PLG", 1), house("Regio", 2), house("Kernteam", 3));
    link(&mut plg, &mut region).unwrap();
    link(&mut region, &mut core).unwrap();
    assert_eq!(core.0.networks_below().unwrap(), [plg.0.id().clone(), region.0.id().clone()].into());
    assert!(is_circle(link(&mut core, &mut plg)), "the core team under its own PLG");
    // Refused on the network's side as well, whatever the leerhuis laptop said.
    let plg_id = plg.0.id().clone();
    assert!(is_circle(core.0.record_leerhuis(&core.1, &plg_id, "PLG", "", &Default::default())));

    // Top down: the region's into the core team's first, then the PLG's into the region's.
    let (mut plg, mut region, mut core) = (house("PLG", 4), house("Regio", 5), house("Kernteam", 6));
    link(&mut region, &mut core).unwrap();
    link(&mut plg, &mut region).unwrap();
    assert_eq!(plg.0.leerhuizen_above().unwrap(), [core.0.id().clone(), region.0.id().clone()].into());
    assert!(is_circle(link(&mut core, &mut plg)), "the core team under its own PLG");

    // A tree is fine: a second PLG beside the first, and every change passes every laptop's rules.
    let mut other = house("PLG Lezen", 7);
    link(&mut other, &mut region).unwrap();
    for (network, _, _) in [&mut plg, &mut region, &mut core, &mut other] {
        every_laptop_accepts(network);
    }
}

#[test]
fn a_joint_meeting_for_chosen_networks_is_listed_for_their_members_and_counts_who_came_per_network() {
    let mut p = programme(&[]);
    let lotte_device = key(11).device_id();
    p.leerhuis.set_device(&lotte_device);
    // A second network, "Jeugdzorg Noord", linked with Dirk as its delegate; Cas joined directly.
    let ticket = NewInvite { secret_hash: "h2".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
    let invite = p.leerhuis.create_link_invite(&p.lotte, &ticket).unwrap();
    let jeugdzorg = NetworkId::random();
    let linked = NetworkToLink {
        id: jeugdzorg.clone(),
        name: "Jeugdzorg Noord".into(),
        delegates: vec![key(4).device_id()],
        below: Vec::new(),
    };
    let dirk = Profile { name: "Dirk".into(), perspective: Perspective::Practitioner, ..Default::default() };
    let dirk = p.leerhuis.link_network(&p.lotte, &invite, "h2", &dirk, &MemberId::random(), &key(4), &linked).unwrap();
    let cas = p.leerhuis.add_member(&p.lotte, &Profile::new("Cas"), Role::Member, Some(&key(3))).unwrap();
    let plg = p.plg.id().clone();

    let day = NewSession { title: "Werkplezier".into(), starts_at: "2026-11-20".into(), ..Default::default() };
    let joint = p.leerhuis.add_joint_meeting(&p.lotte, &day, &[plg.clone()].into()).unwrap();
    let open = p.leerhuis.add_session(&p.lotte, &day).unwrap();
    let snapshot = p.leerhuis.snapshot().unwrap();
    let (joint_s, open_s) = (&snapshot.sessions[&joint], &snapshot.sessions[&open]);
    assert_eq!(joint_s.open_to, [plg.clone()].into());
    assert!(open_s.open_to.is_empty(), "for all linked networks");
    assert!(snapshot.invited(joint_s, Some(&p.anna_there)), "came through the PLG");
    assert!(!snapshot.invited(joint_s, Some(&dirk)), "came through another network");
    assert!(snapshot.invited(joint_s, Some(&cas)), "joined the leerhuis directly");
    assert!(snapshot.invited(joint_s, Some(&p.lotte)), "its coordinator");
    assert!(snapshot.invited(open_s, Some(&dirk)));

    // Only a coordinator of a leerhuis chooses, only linked networks.
    let as_member = p.leerhuis.add_joint_meeting(&cas, &day, &[plg.clone()].into());
    let only_coordinators = ModelError::NotCoordinator { action: CoordinatorTask::JointMeetings };
    assert_eq!(as_member.unwrap_err().to_string(), only_coordinators.to_string());
    let as_delegate = p.leerhuis.set_open_to(&p.anna_there, &joint, &[jeugdzorg.clone()].into());
    assert!(matches!(as_delegate, Err(ModelError::NotCoordinator { .. })), "{as_delegate:?}");
    let stranger = p.leerhuis.set_open_to(&p.lotte, &joint, &[NetworkId::random()].into());
    assert!(matches!(stranger, Err(ModelError::Leerhuis(LeerhuisError::NotLinked(_)))), "{stranger:?}");
    let in_plg = p.plg.add_joint_meeting(&p.anna, &day, &[jeugdzorg.clone()].into());
    assert!(matches!(in_plg, Err(ModelError::Leerhuis(LeerhuisError::NotALeerhuis))), "{in_plg:?}");
    assert!(p.plg.snapshot().unwrap().sessions.is_empty(), "nothing written");

    // Chosen again: for both networks, then for all.
    p.leerhuis.set_open_to(&p.lotte, &joint, &[plg.clone(), jeugdzorg.clone()].into()).unwrap();
    let snapshot = p.leerhuis.snapshot().unwrap();
    assert!(snapshot.invited(&snapshot.sessions[&joint], Some(&dirk)));
    p.leerhuis.set_open_to(&p.lotte, &joint, &Default::default()).unwrap();
    assert!(p.leerhuis.snapshot().unwrap().sessions[&joint].open_to.is_empty());

    // Who came, per network they came through and perspective.
    for member in [&p.anna_there, &dirk, &cas] {
        p.leerhuis.set_attendance(&p.lotte, &joint, member, Attendance::Present).unwrap();
    }
    let snapshot = p.leerhuis.snapshot().unwrap();
    let came = snapshot.attendance_by_network(&snapshot.sessions[&joint]);
    assert_eq!(came[&Some("Jeugdzorg Noord".to_string())], [(Perspective::Practitioner, 1)].into());
    assert_eq!(came[&Some("PLG Rekenen".to_string())].values().sum::<u64>(), 1);
    assert_eq!(came[&None].values().sum::<u64>(), 1, "Cas, directly");

    // Every other laptop accepts what was written.
    every_laptop_accepts(&mut p.leerhuis);
}

#[test]
fn a_coordinator_already_in_the_leerhuis_links_her_second_network_with_a_ticket_that_then_links_nothing_more() {
    let mut p = programme(&[]);
    p.leerhuis.set_device(&key(11).device_id()); // Lotte's laptop
    let details = NetworkDetails { name: "PLG Lezen".into(), ..Default::default() };
    let (mut lezen, anna) = Network::create(&details, &Profile::new("Anna"), &key(1)).unwrap();
    let ticket = NewInvite { secret_hash: "h2".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
    let invite = p.leerhuis.create_link_invite(&p.lotte, &ticket).unwrap();
    let linked = NetworkToLink {
        id: lezen.id().clone(),
        name: "PLG Lezen".into(),
        delegates: vec![key(1).device_id()],
        below: Vec::new(),
    };
    let stranger = MemberId::random();
    let refused = p.leerhuis.link_network_of_member(&p.lotte, &invite, "h2", &stranger, &linked);
    assert!(refused.is_err(), "only for someone who is a member here");
    let wrong = p.leerhuis.link_network_of_member(&p.lotte, &invite, "other", &p.anna_there, &linked);
    assert!(matches!(wrong, Err(ModelError::InviteSecretMismatch(_))), "{wrong:?}");

    p.leerhuis.link_network_of_member(&p.lotte, &invite, "h2", &p.anna_there, &linked).unwrap();
    let leerhuis = p.leerhuis.snapshot().unwrap();
    assert!(leerhuis.links[lezen.id()].is_linked());
    assert_eq!(leerhuis.links[lezen.id()].delegates.keys().collect::<Vec<_>>(), [&key(1).device_id()]);
    assert_eq!(leerhuis.members.values().filter(|m| m.is_current()).count(), 2, "nobody new was admitted");
    let again = NetworkToLink { id: NetworkId::random(), name: "Derde".into(), ..linked.clone() };
    let reused = p.leerhuis.link_network_of_member(&p.lotte, &invite, "h2", &p.anna_there, &again);
    assert!(matches!(reused, Err(ModelError::InviteRevoked(_))), "{reused:?}");
    let id = p.leerhuis.id().clone();
    lezen.record_leerhuis(&anna, &id, "Leerhuis Jeugd", "", &p.leerhuis.leerhuizen_above().unwrap()).unwrap();
    every_laptop_accepts(&mut p.leerhuis);
    every_laptop_accepts(&mut lezen);
}
