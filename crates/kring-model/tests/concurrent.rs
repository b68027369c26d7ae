//! Devices that edit the same network offline and then merge.

mod common;

use common::*;
use kring_model::*;

#[test]
fn notes_typed_on_two_laptops_both_survive_in_one_text() {
    let mut f = network_with_members(1);
    let sid = session(&mut f.network, &f.coordinator, "PLG 3");
    let notes = TextField::Notes(sid.clone());
    f.network.update_text(&f.coordinator, &notes, "Opening.\nAfsluiting.").unwrap();

    let mut anna = f.network.fork();
    let mut bram = f.network.fork();
    let bram_id = &f.members[0];
    // Anna types at the end of the first line, Bram at the end of the text, both offline.
    anna.splice_text(&f.coordinator, &notes, "Opening.".len(), 0, " Iedereen aanwezig.").unwrap();
    bram.append_text(bram_id, &notes, "Actie: Bram mailt de rubric.").unwrap();

    anna.merge(&mut bram).unwrap();
    bram.merge(&mut anna).unwrap();
    let a = anna.text(&notes).unwrap();
    let b = bram.text(&notes).unwrap();
    assert_eq!(a, b, "both laptops show the same notes");
    assert_eq!(a, "Opening. Iedereen aanwezig.\nAfsluiting.\nActie: Bram mailt de rubric.");
}

#[test]
fn concurrent_votes_of_two_members_both_count() {
    let mut f = network_with_members(2);
    let q = f.network.add_question(&f.coordinator, "Hoe geven we feedback op rekenen?", "").unwrap();
    let mut a = f.network.fork();
    let mut b = f.network.fork();
    a.vote(&f.members[0], &q).unwrap();
    b.vote(&f.members[1], &q).unwrap();
    b.vote(&f.coordinator, &q).unwrap();
    a.merge(&mut b).unwrap();
    let votes = &a.snapshot().unwrap().questions[&q].votes;
    assert_eq!(votes.len(), 3);
    assert!(votes.contains(&f.members[0]) && votes.contains(&f.members[1]) && votes.contains(&f.coordinator));
}

#[test]
fn voting_twice_counts_once_and_a_vote_can_be_retracted() {
    let mut f = network_with_members(1);
    let q = f.network.add_question(&f.coordinator, "Wat werkt bij begrijpend lezen?", "").unwrap();
    f.network.vote(&f.members[0], &q).unwrap();
    f.network.vote(&f.members[0], &q).unwrap();
    assert_eq!(f.network.snapshot().unwrap().questions[&q].votes.len(), 1);
    f.network.retract_vote(&f.members[0], &q).unwrap();
    assert!(f.network.snapshot().unwrap().questions[&q].votes.is_empty());
}

#[test]
fn concurrent_status_changes_end_in_one_value_everywhere() {
    let mut f = network_with_members(1);
    let q = f.network.add_question(&f.coordinator, "Ouderbetrokkenheid", "").unwrap();
    let mut a = f.network.fork();
    let mut b = f.network.fork();
    a.set_status(&f.coordinator, &q, QuestionStatus::Central).unwrap();
    b.set_status(&f.members[0], &q, QuestionStatus::Parked).unwrap();
    a.merge(&mut b).unwrap();
    b.merge(&mut a).unwrap();
    let in_a = a.snapshot().unwrap().questions[&q].status;
    let in_b = b.snapshot().unwrap().questions[&q].status;
    assert_eq!(in_a, in_b);
    assert!(matches!(in_a, QuestionStatus::Central | QuestionStatus::Parked));
}

#[test]
fn a_deleted_session_edited_elsewhere_keeps_the_edit_and_can_be_restored() {
    let mut f = network_with_members(1);
    let sid = session(&mut f.network, &f.coordinator, "Leerhuisdag");
    let mut a = f.network.fork();
    let mut b = f.network.fork();
    a.delete_session(&f.coordinator, &sid).unwrap();
    b.append_text(&f.members[0], &TextField::Notes(sid.clone()), "Verslag van de middag").unwrap();
    a.merge(&mut b).unwrap();

    let snap = a.snapshot().unwrap();
    assert!(snap.sessions[&sid].deleted_at.is_some());
    assert!(a.live_sessions_ids().is_empty());
    assert_eq!(snap.sessions[&sid].notes, "Verslag van de middag", "the concurrent edit is kept");
    // Editing a deleted session is refused until it is restored.
    assert!(matches!(
        a.append_text(&f.coordinator, &TextField::Notes(sid.clone()), "x"),
        Err(ModelError::Deleted { .. })
    ));
    a.restore_session(&f.coordinator, &sid).unwrap();
    let snap = a.snapshot().unwrap();
    assert!(snap.sessions[&sid].deleted_at.is_none());
    assert_eq!(snap.sessions[&sid].notes, "Verslag van de middag");
}

#[test]
fn attendance_of_different_members_merges_per_member() {
    let mut f = network_with_members(2);
    let sid = session(&mut f.network, &f.coordinator, "Regioteam West");
    let mut a = f.network.fork();
    let mut b = f.network.fork();
    a.set_attendance(&f.members[0], &sid, &f.members[0], Attendance::Present).unwrap();
    b.set_attendance(&f.members[1], &sid, &f.members[1], Attendance::Excused).unwrap();
    a.merge(&mut b).unwrap();
    let attendance = &a.snapshot().unwrap().sessions[&sid].attendance;
    assert_eq!(attendance.get(&f.members[0]), Some(&Attendance::Present));
    assert_eq!(attendance.get(&f.members[1]), Some(&Attendance::Excused));
}

#[test]
fn concurrent_new_questions_and_sessions_all_appear() {
    let mut f = network_with_members(1);
    let mut a = f.network.fork();
    let mut b = f.network.fork();
    let qa = a.add_question(&f.coordinator, "Vraag A", "").unwrap();
    let qb = b.add_question(&f.members[0], "Vraag B", "").unwrap();
    let sa = session(&mut a, &f.coordinator, "Sessie A");
    let sb = session(&mut b, &f.members[0], "Sessie B");
    a.merge(&mut b).unwrap();
    let snap = a.snapshot().unwrap();
    assert!(snap.questions.contains_key(&qa) && snap.questions.contains_key(&qb));
    assert!(snap.sessions.contains_key(&sa) && snap.sessions.contains_key(&sb));
}

#[test]
fn a_removed_member_is_refused_and_their_vote_stops_counting() {
    let mut f = network_with_members(1);
    let q = f.network.add_question(&f.coordinator, "Vraag", "").unwrap();
    f.network.vote(&f.members[0], &q).unwrap();
    assert_eq!(f.network.member_for_device("device-0").unwrap(), Some(f.members[0].clone()));
    f.network.remove_member(&f.coordinator, &f.members[0]).unwrap();
    assert!(f.network.snapshot().unwrap().questions[&q].votes.is_empty());
    let before = f.network.heads();
    assert!(matches!(f.network.vote(&f.members[0], &q), Err(ModelError::MemberRemoved(_))));
    assert_eq!(f.network.heads(), before, "a refused vote writes nothing");
    let snap = f.network.snapshot().unwrap();
    assert!(snap.member_for_device("device-0").is_none(), "a removed member's device is no longer recognised");
    assert!(snap.member_for_device(&device_a()).is_some());
    // The quick check the sync protocol makes on every message agrees.
    assert_eq!(f.network.member_for_device("device-0").unwrap(), None);
    assert_eq!(f.network.member_for_device(&device_a()).unwrap(), Some(f.coordinator.clone()));
    assert_eq!(f.network.member_for_device("a-stranger").unwrap(), None);
}

#[test]
fn reflection_scores_of_members_are_kept_apart_and_summarised() {
    let mut f = network_with_members(2);
    let round = f.network.open_round(&f.coordinator, "Najaar 2026").unwrap();
    let trust = FactorId::new("trust");
    let mut a = f.network.fork();
    let mut b = f.network.fork();
    a.score(&f.members[0], &round, &trust, 4, "Veel openheid").unwrap();
    b.score(&f.members[1], &round, &trust, 2, "").unwrap();
    a.merge(&mut b).unwrap();
    let snap = a.snapshot().unwrap();
    let round = &snap.rounds[&round];
    assert_eq!(round.scores[&f.members[0]][&trust].comment, "Veel openheid");
    let stats = round.stats(&trust).unwrap();
    assert_eq!((stats.count, stats.min, stats.max), (2, 2, 4));
    assert!((stats.mean - 3.0).abs() < 1e-9 && (stats.spread - 1.0).abs() < 1e-9);
    assert_eq!(snap.active_factors().len(), schema_default_factor_count());
}

fn schema_default_factor_count() -> usize {
    kring_model::schema::DEFAULT_FACTORS.len()
}

trait LiveIds {
    fn live_sessions_ids(&self) -> Vec<SessionId>;
}

impl LiveIds for Network {
    fn live_sessions_ids(&self) -> Vec<SessionId> {
        self.snapshot().unwrap().live_sessions().map(|s| s.id.clone()).collect()
    }
}
