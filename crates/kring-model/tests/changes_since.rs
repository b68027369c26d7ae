//! "What changed since I last looked": a member remembers the heads they saw; work done on
//! another laptop arrives by merge; `changes_since` names who did what to which record.

mod common;

use automerge::ChangeHash;
use common::*;
use kring_model::*;

/// 2027-01-15 10:00:00 UTC, whole seconds (commit times are stored in seconds).
const BRAM_NOW: UnixMillis = 1_800_000_000_000;

fn bram_clock() -> UnixMillis {
    BRAM_NOW
}

/// Anna's laptop (which has seen everything up to `seen`) and Bram's laptop, which then works
/// offline: proposes a question, edits the notes of session X twice and votes.
struct Scenario {
    anna: Network,
    anna_id: MemberId,
    bram_id: MemberId,
    seen: Vec<ChangeHash>,
    session_x: SessionId,
    old_question: QuestionId,
    new_question: QuestionId,
}

fn scenario() -> Scenario {
    let mut f = network_with_members(2);
    let (anna_id, bram_id, cas_id) = (f.coordinator.clone(), f.members[0].clone(), f.members[1].clone());
    // Before Anna looks: a session, a question, a vote by Cas, and Anna's own first notes.
    let session_x = session(&mut f.network, &anna_id, "PLG 3");
    let old_question = f.network.add_question(&anna_id, "Feedback op rekenen", "").unwrap();
    f.network.vote(&cas_id, &old_question).unwrap();
    f.network.append_text(&anna_id, &TextField::Notes(session_x.clone()), "Opening.").unwrap();
    let seen = f.network.heads();

    let mut bram = f.network.fork().with_clock(bram_clock);
    let new_question = bram.add_question(&bram_id, "Ouderbetrokkenheid", "Hoe betrekken we ouders?").unwrap();
    bram.append_text(&bram_id, &TextField::Notes(session_x.clone()), "Bram: rubric rondsturen.").unwrap();
    bram.splice_text(&bram_id, &TextField::Notes(session_x.clone()), 0, 0, "PLG 3 — ").unwrap();
    bram.vote(&bram_id, &old_question).unwrap();

    let mut anna = f.network;
    anna.merge(&mut bram).unwrap();
    Scenario { anna, anna_id, bram_id, seen, session_x, old_question, new_question }
}

#[test]
fn changes_made_elsewhere_are_reported_with_author_and_target() {
    let mut s = scenario();
    let summary = s.anna.changes_since(&s.seen);
    assert_eq!(summary.other_changes, 0);

    let item = |what: ChangeKind, target: &str| {
        summary.items.iter().find(|i| i.what == what && i.target.as_deref() == Some(target)).cloned()
    };
    let only_bram = [s.bram_id.clone()].into_iter().collect();

    let added = item(ChangeKind::QuestionAdded, s.new_question.as_str()).expect("the new question is reported");
    assert_eq!((added.by.clone(), added.count), (only_bram, 1));
    let notes = item(ChangeKind::NotesEdited, s.session_x.as_str()).expect("the notes edit is reported");
    assert_eq!(notes.by, [s.bram_id.clone()].into_iter().collect());
    assert_eq!(notes.count, 2, "two edits of the same notes are grouped into one item");
    let voted = item(ChangeKind::Voted, s.old_question.as_str()).expect("the vote is reported");
    assert_eq!(voted.by, [s.bram_id.clone()].into_iter().collect(), "Cas's earlier vote is not");
    assert_eq!(voted.count, 1);

    // The time is Bram's clock when he made the change.
    assert!(summary.items.iter().all(|i| i.last_at == BRAM_NOW), "{summary:?}");
    assert_eq!(summary.items.len(), 3, "nothing else happened since: {summary:?}");
    assert_eq!(
        summary.touched(),
        [s.new_question.as_str(), s.session_x.as_str(), s.old_question.as_str()].into_iter().collect()
    );
}

#[test]
fn changes_before_the_remembered_heads_are_not_reported() {
    let mut s = scenario();
    let summary = s.anna.changes_since(&s.seen);
    assert!(!summary.contains(ChangeKind::SessionAdded, s.session_x.as_str()));
    assert!(!summary.contains(ChangeKind::QuestionAdded, s.old_question.as_str()));
    assert!(summary.items.iter().all(|i| !matches!(i.what, ChangeKind::NetworkCreated | ChangeKind::MemberAdded)));
    assert!(summary.items.iter().all(|i| !i.by.contains(&s.anna_id)), "Anna's own earlier notes are not news");
}

#[test]
fn with_the_current_heads_nothing_has_changed() {
    let mut s = scenario();
    let now = s.anna.heads();
    let summary = s.anna.changes_since(&now);
    assert!(summary.is_empty(), "{summary:?}");
    assert!(summary.touched().is_empty());
}

#[test]
fn edits_by_several_members_of_one_record_name_them_all() {
    let mut s = scenario();
    // After the merge Anna adds to the same notes herself.
    s.anna.append_text(&s.anna_id, &TextField::Notes(s.session_x.clone()), "Anna: volgende keer.").unwrap();
    let summary = s.anna.changes_since(&s.seen);
    let notes = summary
        .items
        .iter()
        .find(|i| i.what == ChangeKind::NotesEdited && i.target.as_deref() == Some(s.session_x.as_str()))
        .unwrap();
    assert_eq!(notes.by, [s.anna_id.clone(), s.bram_id.clone()].into_iter().collect());
    assert_eq!(notes.count, 3);
}

#[test]
fn unknown_heads_report_everything_and_foreign_changes_are_only_counted() {
    let mut s = scenario();
    // A stale or foreign hash is ignored rather than an error: the member sees everything.
    let everything = s.anna.changes_since(&[ChangeHash([7; 32])]);
    assert!(everything.items.iter().any(|i| i.what == ChangeKind::NetworkCreated));
    assert!(everything.contains(ChangeKind::SessionAdded, s.session_x.as_str()));
    assert!(everything.contains(ChangeKind::QuestionAdded, s.new_question.as_str()));

    // A change written by other software carries no Kring note: counted, not guessed at.
    let seen = s.anna.heads();
    let doc = s.anna.doc_mut();
    automerge::transaction::Transactable::put(doc, automerge::ROOT, "x-other-app", 1_i64).unwrap();
    doc.commit();
    let summary = s.anna.changes_since(&seen);
    assert!(summary.items.is_empty());
    assert_eq!(summary.other_changes, 1);
    assert!(!summary.is_empty());
}

#[test]
fn a_summary_grown_sync_by_sync_equals_one_counted_at_once() {
    let mut s = scenario();
    let mut stepwise = s.anna.changes_since(&s.seen);
    let middle = s.anna.heads();
    s.anna.append_text(&s.anna_id, &TextField::Notes(s.session_x.clone()), " Anna: akkoord.").unwrap();
    s.anna.vote(&s.anna_id, &s.new_question).unwrap();
    stepwise.absorb(s.anna.changes_since(&middle));
    let at_once = s.anna.changes_since(&s.seen);
    assert_eq!(stepwise, at_once);

    // Anna is not told about her own edits; Bram's part of the shared notes stays.
    let for_anna = at_once.without_member(&s.anna_id);
    assert!(!for_anna.contains(ChangeKind::Voted, s.new_question.as_str()));
    let notes = for_anna.items.iter().find(|i| i.what == ChangeKind::NotesEdited).unwrap();
    assert_eq!(notes.by, [s.bram_id.clone()].into_iter().collect());
    assert_eq!(notes.count, 3, "Bram's two note edits and Anna's, still counted");
}
