//! Bad input is refused with a typed `ModelError` and leaves the document exactly as it was.
//! Every refusal goes through `common::refused`, which checks heads and snapshot before/after.

mod common;

use std::cell::Cell;

use common::*;
use kring_model::validate::{MAX_LONG, MAX_NAME, MAX_SHORT, MAX_TEXT};
use kring_model::*;

fn new_session(title: &str, starts_at: &str) -> NewSession {
    NewSession { title: title.into(), kind: SessionKind::Plg, starts_at: starts_at.into(), location: String::new() }
}

/// Blank values, including every kind of whitespace a paste can bring along.
const BLANKS: &[&str] = &["", " ", "   ", "\t", "\n", " \t\r\n "];

// --- empty and whitespace-only required fields ------------------------------------------------

#[test]
fn blank_network_name_is_refused() {
    let mut f = network_with_members(0);
    for blank in BLANKS {
        let err = refused(&mut f.network, |n| n.rename(&f.coordinator, blank));
        assert!(matches!(err, ModelError::Empty { field: Field::NetworkName }), "{blank:?}: {err:?}");
    }
    // Creating a network with a blank name fails too (there is no document to compare yet).
    let details = NetworkDetails { name: " \t".into(), ..Default::default() };
    let err = Network::create(&details, &Profile::new("Anna"), &key_a()).err().unwrap();
    assert!(matches!(err, ModelError::Empty { field: Field::NetworkName }));
}

#[test]
fn blank_session_title_is_refused_on_add_and_edit() {
    let mut f = network_with_members(0);
    let sid = session(&mut f.network, &f.coordinator, "PLG 1");
    for blank in BLANKS {
        let err = refused(&mut f.network, |n| n.add_session(&f.coordinator, &new_session(blank, "2026-11-24")));
        assert!(matches!(err, ModelError::Empty { field: Field::Title }), "{blank:?}: {err:?}");
        let changes = SessionChanges { title: Some(blank.to_string()), ..Default::default() };
        let err = refused(&mut f.network, |n| n.edit_session(&f.coordinator, &sid, &changes));
        assert!(matches!(err, ModelError::Empty { field: Field::Title }), "{blank:?}: {err:?}");
    }
    assert_eq!(f.network.snapshot().unwrap().sessions[&sid].title, "PLG 1");
}

#[test]
fn blank_question_title_is_refused_on_add_and_rename() {
    let mut f = network_with_members(0);
    let q = f.network.add_question(&f.coordinator, "Feedback op rekenen", "").unwrap();
    for blank in BLANKS {
        let err = refused(&mut f.network, |n| n.add_question(&f.coordinator, blank, "details"));
        assert!(matches!(err, ModelError::Empty { field: Field::Title }), "{blank:?}: {err:?}");
        let err = refused(&mut f.network, |n| n.rename_question(&f.coordinator, &q, blank));
        assert!(matches!(err, ModelError::Empty { field: Field::Title }), "{blank:?}: {err:?}");
    }
}

#[test]
fn blank_member_name_is_refused_on_add_and_profile_update() {
    let mut f = network_with_members(1);
    for blank in BLANKS {
        let err = refused(&mut f.network, |n| {
            n.add_member(&f.coordinator, &Profile::new(*blank), Role::Member, None::<&str>)
        });
        assert!(matches!(err, ModelError::Empty { field: Field::Name }), "{blank:?}: {err:?}");
        let member = f.members[0].clone();
        let err = refused(&mut f.network, |n| n.update_profile(&member, &member, &Profile::new(*blank)));
        assert!(matches!(err, ModelError::Empty { field: Field::Name }), "{blank:?}: {err:?}");
    }
}

#[test]
fn blank_factor_name_is_refused_on_add_and_rename() {
    let mut f = network_with_members(0);
    let trust = FactorId::new("trust");
    for blank in BLANKS {
        let err = refused(&mut f.network, |n| n.add_factor(&f.coordinator, blank));
        assert!(matches!(err, ModelError::Empty { field: Field::Factor }), "{blank:?}: {err:?}");
        let err = refused(&mut f.network, |n| n.rename_factor(&f.coordinator, &trust, blank));
        assert!(matches!(err, ModelError::Empty { field: Field::Factor }), "{blank:?}: {err:?}");
    }
}

#[test]
fn blank_text_appends_and_actions_are_refused() {
    let mut f = network_with_members(0);
    let sid = session(&mut f.network, &f.coordinator, "PLG 1");
    for blank in BLANKS {
        let err = refused(&mut f.network, |n| n.append_text(&f.coordinator, &TextField::Notes(sid.clone()), blank));
        assert!(matches!(err, ModelError::Empty { field: Field::Notes }), "{blank:?}: {err:?}");
        let action = NewAction { text: blank.to_string(), ..Default::default() };
        let err = refused(&mut f.network, |n| n.add_action(&f.coordinator, &sid, &action));
        assert!(matches!(err, ModelError::Empty { field: Field::Action }), "{blank:?}: {err:?}");
    }
}

// --- too-long fields --------------------------------------------------------------------------

#[test]
fn names_and_titles_longer_than_the_limit_are_refused_and_the_limit_itself_is_fine() {
    let mut f = network_with_members(0);
    let sid = session(&mut f.network, &f.coordinator, "PLG 1");
    let q = f.network.add_question(&f.coordinator, "Vraag", "").unwrap();
    let too_long = "ë".repeat(MAX_NAME + 1); // characters count, not bytes
    let is_too_long = |err: &ModelError, want: Field| matches!(err, ModelError::TooLong { field, len, max } if *field == want && *len == MAX_NAME + 1 && *max == MAX_NAME);

    let err = refused(&mut f.network, |n| n.rename(&f.coordinator, &too_long));
    assert!(is_too_long(&err, Field::NetworkName), "{err:?}");
    let err = refused(&mut f.network, |n| n.add_session(&f.coordinator, &new_session(&too_long, "2026-11-24")));
    assert!(is_too_long(&err, Field::Title), "{err:?}");
    let changes = SessionChanges { title: Some(too_long.clone()), ..Default::default() };
    let err = refused(&mut f.network, |n| n.edit_session(&f.coordinator, &sid, &changes));
    assert!(is_too_long(&err, Field::Title), "{err:?}");
    let err = refused(&mut f.network, |n| n.add_question(&f.coordinator, &too_long, ""));
    assert!(is_too_long(&err, Field::Title), "{err:?}");
    let err = refused(&mut f.network, |n| n.rename_question(&f.coordinator, &q, &too_long));
    assert!(is_too_long(&err, Field::Title), "{err:?}");
    let err = refused(&mut f.network, |n| {
        n.add_member(&f.coordinator, &Profile::new(too_long.clone()), Role::Member, None::<&str>)
    });
    assert!(is_too_long(&err, Field::Name), "{err:?}");
    let err = refused(&mut f.network, |n| n.add_factor(&f.coordinator, &too_long));
    assert!(is_too_long(&err, Field::Factor), "{err:?}");
    let err = refused(&mut f.network, |n| n.open_round(&f.coordinator, &too_long));
    assert!(is_too_long(&err, Field::Title), "{err:?}");

    // Exactly at the limit is accepted (surrounding whitespace is trimmed, not counted).
    let at_limit = format!("  {}  ", "ë".repeat(MAX_NAME));
    f.network.rename_question(&f.coordinator, &q, &at_limit).unwrap();
    assert_eq!(f.network.snapshot().unwrap().questions[&q].title.chars().count(), MAX_NAME);
}

#[test]
fn short_and_long_fields_have_their_own_limits() {
    let mut f = network_with_members(0);
    let sid = session(&mut f.network, &f.coordinator, "PLG 1");
    let round = f.network.open_round(&f.coordinator, "Najaar").unwrap();
    let trust = FactorId::new("trust");
    let short = "x".repeat(MAX_SHORT + 1);
    let long = "x".repeat(MAX_LONG + 1);

    let mut located = new_session("PLG 2", "2026-11-24");
    located.location = short.clone();
    let err = refused(&mut f.network, |n| n.add_session(&f.coordinator, &located));
    assert!(matches!(err, ModelError::TooLong { field: Field::Location, max: MAX_SHORT, .. }), "{err:?}");
    let err = refused(&mut f.network, |n| n.set_region(&f.coordinator, &short));
    assert!(matches!(err, ModelError::TooLong { field: Field::Region, .. }), "{err:?}");
    let profile = Profile { name: "Bram".into(), organisation: short.clone(), ..Default::default() };
    let err = refused(&mut f.network, |n| n.add_member(&f.coordinator, &profile, Role::Member, None::<&str>));
    assert!(matches!(err, ModelError::TooLong { field: Field::Organisation, .. }), "{err:?}");
    let err = refused(&mut f.network, |n| n.set_description(&f.coordinator, &long));
    assert!(matches!(err, ModelError::TooLong { field: Field::Description, max: MAX_LONG, .. }), "{err:?}");
    let err = refused(&mut f.network, |n| n.score(&f.coordinator, &round, &trust, 3, &long));
    assert!(matches!(err, ModelError::TooLong { field: Field::Comment, .. }), "{err:?}");
    let action = NewAction { text: long.clone(), ..Default::default() };
    let err = refused(&mut f.network, |n| n.add_action(&f.coordinator, &sid, &action));
    assert!(matches!(err, ModelError::TooLong { field: Field::Action, .. }), "{err:?}");
}

#[test]
fn collaborative_text_cannot_grow_past_its_limit() {
    let mut f = network_with_members(0);
    let sid = session(&mut f.network, &f.coordinator, "PLG 1");
    let notes = TextField::Notes(sid.clone());
    f.network.update_text(&f.coordinator, &notes, "Opening.").unwrap();
    let huge = "a".repeat(MAX_TEXT);

    // Inserting MAX_TEXT characters into a text that already has some would pass the limit.
    let err = refused(&mut f.network, |n| n.splice_text(&f.coordinator, &notes, 0, 0, &huge));
    assert!(
        matches!(err, ModelError::TooLong { field: Field::Notes, len, max: MAX_TEXT } if len == MAX_TEXT + 8),
        "{err:?}"
    );
    let err = refused(&mut f.network, |n| n.append_text(&f.coordinator, &notes, &huge));
    assert!(matches!(err, ModelError::TooLong { field: Field::Notes, .. }), "{err:?}");
    let err = refused(&mut f.network, |n| n.update_text(&f.coordinator, &notes, &format!("{huge}!")));
    assert!(matches!(err, ModelError::TooLong { field: Field::Notes, .. }), "{err:?}");
    let err = refused(&mut f.network, |n| n.add_question(&f.coordinator, "Vraag", &format!("{huge}!")));
    assert!(matches!(err, ModelError::TooLong { field: Field::Details, .. }), "{err:?}");
}

#[test]
fn splicing_outside_the_text_is_refused() {
    let mut f = network_with_members(0);
    let sid = session(&mut f.network, &f.coordinator, "PLG 1");
    let notes = TextField::Notes(sid.clone());
    f.network.update_text(&f.coordinator, &notes, "één").unwrap(); // 3 chars, 5 bytes
    for (pos, delete) in [(4, 0), (3, 1), (0, 4), (usize::MAX, 1)] {
        let err = refused(&mut f.network, |n| n.splice_text(&f.coordinator, &notes, pos, delete, "x"));
        assert!(
            matches!(err, ModelError::BadTextRange { field: Field::Notes, len: 3, .. }),
            "({pos}, {delete}): {err:?}"
        );
    }
    // Positions count characters: the end of "één" is 3, not 5.
    f.network.splice_text(&f.coordinator, &notes, 3, 0, "!").unwrap();
    assert_eq!(f.network.text(&notes).unwrap(), "één!");
}

// --- unknown ids ------------------------------------------------------------------------------

#[test]
fn unknown_session_question_member_factor_round_and_invite_ids_are_refused() {
    let mut f = network_with_members(1);
    let sid = session(&mut f.network, &f.coordinator, "PLG 1");
    let q = f.network.add_question(&f.coordinator, "Vraag", "").unwrap();
    let round = f.network.open_round(&f.coordinator, "Najaar").unwrap();
    let by = f.coordinator.clone();
    let (no_session, no_question, no_member) = (SessionId::random(), QuestionId::random(), MemberId::random());
    let (no_factor, no_round, no_invite) = (FactorId::random(), RoundId::random(), InviteId::random());

    let err = refused(&mut f.network, |n| n.edit_session(&by, &no_session, &SessionChanges::default()));
    assert!(matches!(err, ModelError::UnknownSession(ref id) if *id == no_session), "{err:?}");
    let err = refused(&mut f.network, |n| n.append_text(&by, &TextField::Notes(no_session.clone()), "x"));
    assert!(matches!(err, ModelError::UnknownSession(_)), "{err:?}");
    let err = refused(&mut f.network, |n| n.restore_session(&by, &no_session));
    assert!(matches!(err, ModelError::UnknownSession(_)), "{err:?}");

    let err = refused(&mut f.network, |n| n.vote(&by, &no_question));
    assert!(matches!(err, ModelError::UnknownQuestion(ref id) if *id == no_question), "{err:?}");
    let err = refused(&mut f.network, |n| n.set_status(&by, &no_question, QuestionStatus::Central));
    assert!(matches!(err, ModelError::UnknownQuestion(_)), "{err:?}");
    let err = refused(&mut f.network, |n| n.link_question(&by, &sid, &no_question, true));
    assert!(matches!(err, ModelError::UnknownQuestion(_)), "{err:?}");

    // An unknown member can neither act nor be acted upon.
    let err = refused(&mut f.network, |n| n.vote(&no_member, &q));
    assert!(matches!(err, ModelError::UnknownMember(ref id) if *id == no_member), "{err:?}");
    let err = refused(&mut f.network, |n| n.add_session(&no_member, &new_session("PLG 2", "2026-11-24")));
    assert!(matches!(err, ModelError::UnknownMember(_)), "{err:?}");
    let err = refused(&mut f.network, |n| n.set_attendance(&by, &sid, &no_member, Attendance::Present));
    assert!(matches!(err, ModelError::UnknownMember(_)), "{err:?}");
    let err = refused(&mut f.network, |n| n.remove_member(&by, &no_member));
    assert!(matches!(err, ModelError::UnknownMember(_)), "{err:?}");
    let action = NewAction { text: "Mail de rubric".into(), owner: Some(no_member.clone()), due: None };
    let err = refused(&mut f.network, |n| n.add_action(&by, &sid, &action));
    assert!(matches!(err, ModelError::UnknownMember(_)), "{err:?}");

    let err = refused(&mut f.network, |n| n.rename_factor(&by, &no_factor, "Vertrouwen"));
    assert!(matches!(err, ModelError::UnknownFactor(ref id) if *id == no_factor), "{err:?}");
    let err = refused(&mut f.network, |n| n.score(&by, &round, &no_factor, 3, ""));
    assert!(matches!(err, ModelError::UnknownFactor(_)), "{err:?}");

    let err = refused(&mut f.network, |n| n.score(&by, &no_round, &FactorId::new("trust"), 3, ""));
    assert!(matches!(err, ModelError::UnknownRound(ref id) if *id == no_round), "{err:?}");
    let err = refused(&mut f.network, |n| n.close_round(&by, &no_round));
    assert!(matches!(err, ModelError::UnknownRound(_)), "{err:?}");

    let err = refused(&mut f.network, |n| n.revoke_invite(&by, &no_invite));
    assert!(matches!(err, ModelError::UnknownInvite(ref id) if *id == no_invite), "{err:?}");
    let err = refused(&mut f.network, |n| {
        n.join_with_invite(&f.coordinator, &no_invite, "hash", &Profile::new("Cas"), &MemberId::random(), "device-c")
    });
    assert!(matches!(err, ModelError::UnknownInvite(_)), "{err:?}");
    assert!(matches!(f.network.check_invite(&no_invite, "hash"), Err(ModelError::UnknownInvite(_))));

    let no_action = ActionId::random();
    let err = refused(&mut f.network, |n| n.set_action_done(&by, &sid, &no_action, true));
    assert!(matches!(err, ModelError::UnknownAction(_)), "{err:?}");
    let no_cycle = CycleId::random();
    let err = refused(&mut f.network, |n| n.end_cycle(&by, &q, &no_cycle, "2026-12-01"));
    assert!(matches!(err, ModelError::UnknownCycle(_)), "{err:?}");
}

#[test]
fn a_factor_added_after_a_round_opened_cannot_be_scored_in_it() {
    let mut f = network_with_members(0);
    let round = f.network.open_round(&f.coordinator, "Najaar").unwrap();
    let newer = f.network.add_factor(&f.coordinator, "Eigenaarschap van leerlingen").unwrap();
    let err = refused(&mut f.network, |n| n.score(&f.coordinator, &round, &newer, 4, ""));
    assert!(matches!(err, ModelError::UnknownFactor(ref id) if *id == newer), "{err:?}");
}

// --- removed members --------------------------------------------------------------------------

#[test]
fn a_removed_member_can_no_longer_vote_or_edit() {
    let mut f = network_with_members(1);
    let bram = f.members[0].clone();
    let sid = session(&mut f.network, &f.coordinator, "PLG 1");
    let q = f.network.add_question(&f.coordinator, "Vraag", "").unwrap();
    f.network.remove_member(&f.coordinator, &bram).unwrap();

    let err = refused(&mut f.network, |n| n.vote(&bram, &q));
    assert!(matches!(err, ModelError::MemberRemoved(ref id) if *id == bram), "{err:?}");
    let err = refused(&mut f.network, |n| n.append_text(&bram, &TextField::Notes(sid.clone()), "Nog iets"));
    assert!(matches!(err, ModelError::MemberRemoved(_)), "{err:?}");
    let err = refused(&mut f.network, |n| n.add_question(&bram, "Nieuwe vraag", ""));
    assert!(matches!(err, ModelError::MemberRemoved(_)), "{err:?}");
    // Others cannot record attendance for them either, and removing twice is refused.
    let err = refused(&mut f.network, |n| n.set_attendance(&f.coordinator, &sid, &bram, Attendance::Present));
    assert!(matches!(err, ModelError::MemberRemoved(_)), "{err:?}");
    let err = refused(&mut f.network, |n| n.remove_member(&f.coordinator, &bram));
    assert!(matches!(err, ModelError::MemberRemoved(_)), "{err:?}");
}

#[test]
fn removing_a_member_revokes_every_open_invite_in_the_same_change() {
    let mut f = network_with_members(1);
    let bram = f.members[0].clone();
    let invite =
        |max_uses| NewInvite { secret_hash: "hash".into(), role: Role::Member, expires_at: i64::MAX, max_uses };
    let open = f.network.create_invite(&f.coordinator, &invite(5)).unwrap();
    let revoked_before = f.network.create_invite(&f.coordinator, &invite(1)).unwrap();
    f.network.revoke_invite(&f.coordinator, &revoked_before).unwrap();
    let heads = f.network.heads();

    let revoked = f.network.remove_member(&f.coordinator, &bram).unwrap();
    assert_eq!(revoked, vec![open.clone()], "only the invite still open");
    assert_eq!(f.network.doc_mut().get_changes(&heads).len(), 1, "one change: removal and revocation together");
    let invites = f.network.snapshot().unwrap().invites;
    assert!(invites[&open].revoked_at.is_some());
    assert!(matches!(f.network.check_invite(&open, "hash"), Err(ModelError::InviteRevoked(_))));
}

#[test]
fn votes_of_a_member_removed_afterwards_no_longer_count() {
    let mut f = network_with_members(2);
    let (bram, cas) = (f.members[0].clone(), f.members[1].clone());
    let q = f.network.add_question(&f.coordinator, "Vraag", "").unwrap();
    f.network.vote(&bram, &q).unwrap();
    f.network.vote(&cas, &q).unwrap();
    assert_eq!(f.network.snapshot().unwrap().questions[&q].votes.len(), 2);

    f.network.remove_member(&f.coordinator, &bram).unwrap();
    let votes = f.network.snapshot().unwrap().questions[&q].votes.clone();
    assert_eq!(votes.into_iter().collect::<Vec<_>>(), vec![cas.clone()], "only Cas's vote still counts");

    // The same holds when the vote and the removal happen on different laptops at once.
    let mut a = f.network.fork();
    let mut b = f.network.fork();
    a.vote(&f.coordinator, &q).unwrap();
    b.remove_member(&f.coordinator, &cas).unwrap();
    assert!(matches!(b.vote(&cas, &q), Err(ModelError::MemberRemoved(_))), "Cas is removed on b");
    a.merge(&mut b).unwrap();
    let votes = a.snapshot().unwrap().questions[&q].votes.clone();
    assert_eq!(votes.into_iter().collect::<Vec<_>>(), vec![f.coordinator.clone()]);
}

// --- roles ------------------------------------------------------------------------------------

#[test]
fn a_regular_member_cannot_do_what_only_a_coordinator_may() {
    let mut f = network_with_members(2);
    let (bram, cas) = (f.members[0].clone(), f.members[1].clone());
    let invite = NewInvite { secret_hash: "hash".into(), role: Role::Member, expires_at: i64::MAX, max_uses: 1 };
    let invite_id = f.network.create_invite(&f.coordinator, &invite).unwrap();
    let round = f.network.open_round(&f.coordinator, "Najaar").unwrap();
    let trust = FactorId::new("trust");

    let not_coordinator = |err: ModelError| matches!(err, ModelError::NotCoordinator { .. });
    assert!(not_coordinator(refused(&mut f.network, |n| n.add_member(
        &bram,
        &Profile::new("Dirk"),
        Role::Member,
        None::<&str>
    ))));
    assert!(not_coordinator(refused(&mut f.network, |n| n.remove_member(&bram, &cas))));
    assert!(not_coordinator(refused(&mut f.network, |n| n.set_role(&bram, &bram, Role::Coordinator))));
    assert!(not_coordinator(refused(&mut f.network, |n| n.create_invite(&bram, &invite))));
    assert!(not_coordinator(refused(&mut f.network, |n| n.revoke_invite(&bram, &invite_id))));
    assert!(not_coordinator(refused(&mut f.network, |n| n.add_factor(&bram, "Nieuwe factor"))));
    assert!(not_coordinator(refused(&mut f.network, |n| n.rename_factor(&bram, &trust, "Vertrouwen"))));
    assert!(not_coordinator(refused(&mut f.network, |n| n.remove_factor(&bram, &trust))));
    assert!(not_coordinator(refused(&mut f.network, |n| n.open_round(&bram, "Voorjaar"))));
    assert!(not_coordinator(refused(&mut f.network, |n| n.close_round(&bram, &round))));
    assert!(not_coordinator(refused(&mut f.network, |n| n.update_profile(&bram, &cas, &Profile::new("Cas B.")))));
    assert!(not_coordinator(refused(&mut f.network, |n| n.add_device(&bram, &cas, "device-x"))));

    // What members may do for themselves still works.
    f.network.update_profile(&bram, &bram, &Profile::new("Bram Jansen")).unwrap();
    f.network.add_device(&bram, &bram, "bram-laptop-2").unwrap();
    assert!(f.network.snapshot().unwrap().member_for_device("bram-laptop-2").is_some_and(|m| m.name == "Bram Jansen"));
}

#[test]
fn the_last_coordinator_cannot_be_removed_or_demoted() {
    let mut f = network_with_members(1);
    let anna = f.coordinator.clone();
    let bram = f.members[0].clone();
    let err = refused(&mut f.network, |n| n.remove_member(&anna, &anna));
    assert!(matches!(err, ModelError::LastCoordinator), "{err:?}");
    let err = refused(&mut f.network, |n| n.set_role(&anna, &anna, Role::Member));
    assert!(matches!(err, ModelError::LastCoordinator), "{err:?}");

    // With a second coordinator, the first may step down.
    f.network.set_role(&anna, &bram, Role::Coordinator).unwrap();
    f.network.set_role(&anna, &anna, Role::Member).unwrap();
    // Now Bram is the last one, and a former coordinator cannot act as one any more.
    let err = refused(&mut f.network, |n| n.remove_member(&bram, &bram));
    assert!(matches!(err, ModelError::LastCoordinator), "{err:?}");
    let err = refused(&mut f.network, |n| n.remove_member(&anna, &bram));
    assert!(matches!(err, ModelError::NotCoordinator { .. }), "{err:?}");
}

// --- dates and scores -------------------------------------------------------------------------

#[test]
fn bad_session_dates_are_refused() {
    let mut f = network_with_members(0);
    let sid = session(&mut f.network, &f.coordinator, "PLG 1");
    let bad = [
        "",
        "   ",
        "morgen",
        "24-11-2026",
        "2026/11/24",
        "2026-02-30",
        "2026-13-01",
        "2026-11-24T25:00",
        "2026-11-24T15:30:45",
    ];
    for date in bad {
        let err = refused(&mut f.network, |n| n.add_session(&f.coordinator, &new_session("PLG 2", date)));
        assert!(matches!(err, ModelError::BadDate { ref got } if got == date.trim()), "{date:?}: {err:?}");
        let changes = SessionChanges { starts_at: Some(date.to_string()), ..Default::default() };
        let err = refused(&mut f.network, |n| n.edit_session(&f.coordinator, &sid, &changes));
        assert!(matches!(err, ModelError::BadDate { .. }), "{date:?}: {err:?}");
    }
    assert_eq!(f.network.snapshot().unwrap().sessions[&sid].starts_at, "2026-11-24T15:30");

    // Action due dates and cycle dates are checked the same way.
    let action = NewAction { text: "Mail de rubric".into(), owner: None, due: Some("volgende week".into()) };
    let err = refused(&mut f.network, |n| n.add_action(&f.coordinator, &sid, &action));
    assert!(matches!(err, ModelError::BadDate { .. }), "{err:?}");
    let q = f.network.add_question(&f.coordinator, "Vraag", "").unwrap();
    let err = refused(&mut f.network, |n| n.add_cycle(&f.coordinator, &q, "2026-11-31"));
    assert!(matches!(err, ModelError::BadDate { .. }), "{err:?}");
}

#[test]
fn a_whole_minute_with_zero_seconds_is_stored_in_canonical_form() {
    let mut f = network_with_members(0);
    let sid = f.network.add_session(&f.coordinator, &new_session("PLG 2", " 2026-11-24T15:30:00 ")).unwrap();
    assert_eq!(f.network.snapshot().unwrap().sessions[&sid].starts_at, "2026-11-24T15:30");
}

#[test]
fn scores_outside_one_to_five_are_refused() {
    let mut f = network_with_members(1);
    let round = f.network.open_round(&f.coordinator, "Najaar").unwrap();
    let trust = FactorId::new("trust");
    let bram = f.members[0].clone();
    for score in [0, 6, -1, 10, i64::MIN, i64::MAX] {
        let err = refused(&mut f.network, |n| n.score(&bram, &round, &trust, score, ""));
        assert!(matches!(err, ModelError::BadScore(s) if s == score), "{score}: {err:?}");
    }
    for score in 1..=5 {
        f.network.score(&bram, &round, &trust, score, "").unwrap();
        assert_eq!(f.network.snapshot().unwrap().rounds[&round].scores[&bram][&trust].score, score);
    }
    // Once the round is closed nobody can score in it.
    f.network.close_round(&f.coordinator, &round).unwrap();
    let err = refused(&mut f.network, |n| n.score(&bram, &round, &trust, 3, ""));
    assert!(matches!(err, ModelError::RoundClosed(ref id) if *id == round), "{err:?}");
}

// --- soft delete ------------------------------------------------------------------------------

#[test]
fn editing_a_deleted_session_is_refused_until_it_is_restored() {
    let mut f = network_with_members(1);
    let bram = f.members[0].clone();
    let sid = session(&mut f.network, &f.coordinator, "PLG 1");
    let q = f.network.add_question(&f.coordinator, "Vraag", "").unwrap();
    f.network.append_text(&f.coordinator, &TextField::Notes(sid.clone()), "Opening.").unwrap();
    f.network.delete_session(&f.coordinator, &sid).unwrap();

    let deleted =
        |err: ModelError| matches!(err, ModelError::Deleted { what: Record::Session, ref id } if *id == sid.as_str());
    let rename = SessionChanges { title: Some("PLG 1b".into()), ..Default::default() };
    assert!(deleted(refused(&mut f.network, |n| n.edit_session(&bram, &sid, &rename))));
    assert!(deleted(refused(&mut f.network, |n| n.append_text(&bram, &TextField::Notes(sid.clone()), "Meer"))));
    assert!(deleted(refused(&mut f.network, |n| n.splice_text(&bram, &TextField::Agenda(sid.clone()), 0, 0, "1."))));
    assert!(deleted(refused(&mut f.network, |n| n.set_attendance(&bram, &sid, &bram, Attendance::Present))));
    assert!(deleted(refused(&mut f.network, |n| n.link_question(&bram, &sid, &q, true))));
    let action = NewAction { text: "Actie".into(), ..Default::default() };
    assert!(deleted(refused(&mut f.network, |n| n.add_action(&bram, &sid, &action))));
    assert!(deleted(refused(&mut f.network, |n| n.delete_session(&bram, &sid))));

    // Restoring brings it back with its notes, and edits work again.
    f.network.restore_session(&bram, &sid).unwrap();
    f.network.edit_session(&bram, &sid, &rename).unwrap();
    f.network.append_text(&bram, &TextField::Notes(sid.clone()), "Afsluiting.").unwrap();
    let snap = f.network.snapshot().unwrap();
    let session = &snap.sessions[&sid];
    assert!(session.deleted_at.is_none());
    assert_eq!((session.title.as_str(), session.notes.as_str()), ("PLG 1b", "Opening.\nAfsluiting."));
    assert_eq!(snap.live_sessions().count(), 1);
}

#[test]
fn voting_on_a_deleted_question_is_refused_until_it_is_restored() {
    let mut f = network_with_members(1);
    let bram = f.members[0].clone();
    let q = f.network.add_question(&f.coordinator, "Vraag", "").unwrap();
    f.network.delete_question(&f.coordinator, &q).unwrap();
    let err = refused(&mut f.network, |n| n.vote(&bram, &q));
    assert!(matches!(err, ModelError::Deleted { what: Record::Question, .. }), "{err:?}");
    let err = refused(&mut f.network, |n| n.set_status(&bram, &q, QuestionStatus::Central));
    assert!(matches!(err, ModelError::Deleted { .. }), "{err:?}");
    f.network.restore_question(&bram, &q).unwrap();
    f.network.vote(&bram, &q).unwrap();
    assert!(f.network.snapshot().unwrap().questions[&q].votes.contains(&bram));
}

// --- invites ----------------------------------------------------------------------------------

// A per-thread clock: each test runs on its own thread, so tests cannot move each other's time.
thread_local!(static NOW: Cell<i64> = const { Cell::new(1_800_000_000_000) });

fn test_clock() -> UnixMillis {
    NOW.with(Cell::get)
}

fn set_now(millis: UnixMillis) {
    NOW.with(|now| now.set(millis));
}

/// A network on the test clock, with an invite for `max_uses` people that expires at `expires_at`.
fn network_with_invite(max_uses: u64, expires_at: UnixMillis) -> (Network, MemberId, InviteId) {
    let Fixture { network, coordinator, .. } = network_with_members(0);
    let mut network = network.with_clock(test_clock);
    let invite = NewInvite { secret_hash: "hash-of-secret".into(), role: Role::Member, expires_at, max_uses };
    let id = network.create_invite(&coordinator, &invite).unwrap();
    (network, coordinator, id)
}

#[test]
fn an_invite_with_the_wrong_secret_is_refused() {
    set_now(1_000_000);
    let (mut network, anna, invite) = network_with_invite(1, 2_000_000);
    let err = refused(&mut network, |n| {
        n.join_with_invite(&anna, &invite, "guessed-hash", &Profile::new("Cas"), &MemberId::random(), "device-c")
    });
    assert!(matches!(err, ModelError::InviteSecretMismatch(ref id) if *id == invite), "{err:?}");
    let err = refused(&mut network, |n| {
        n.join_with_invite(&anna, &invite, "", &Profile::new("Cas"), &MemberId::random(), "device-c")
    });
    assert!(matches!(err, ModelError::InviteSecretMismatch(_)), "{err:?}");
    // The right secret still works afterwards: failed attempts do not use the invite up.
    let cas = network
        .join_with_invite(&anna, &invite, "hash-of-secret", &Profile::new("Cas"), &MemberId::random(), "device-c")
        .unwrap();
    assert_eq!(network.snapshot().unwrap().member_for_device("device-c").map(|m| &m.id), Some(&cas));
}

#[test]
fn a_revoked_invite_is_refused() {
    set_now(1_000_000);
    let (mut network, anna, invite) = network_with_invite(5, 2_000_000);
    network.revoke_invite(&anna, &invite).unwrap();
    let err = refused(&mut network, |n| {
        n.join_with_invite(&anna, &invite, "hash-of-secret", &Profile::new("Cas"), &MemberId::random(), "device-c")
    });
    assert!(matches!(err, ModelError::InviteRevoked(ref id) if *id == invite), "{err:?}");
    let err = refused(&mut network, |n| n.revoke_invite(&anna, &invite));
    assert!(matches!(err, ModelError::InviteRevoked(_)), "revoking twice: {err:?}");
    assert!(!network.snapshot().unwrap().invites[&invite].is_open(1_000_000));
}

#[test]
fn an_expired_invite_is_refused() {
    set_now(1_000_000);
    let (mut network, anna, invite) = network_with_invite(5, 2_000_000);
    set_now(1_999_999);
    network.check_invite(&invite, "hash-of-secret").unwrap();
    // Expiry is inclusive: at `expires_at` itself the invite no longer works.
    for now in [2_000_000, 3_000_000] {
        set_now(now);
        let err = refused(&mut network, |n| {
            n.join_with_invite(&anna, &invite, "hash-of-secret", &Profile::new("Cas"), &MemberId::random(), "device-c")
        });
        assert!(matches!(err, ModelError::InviteExpired(ref id) if *id == invite), "{now}: {err:?}");
        assert!(!network.snapshot().unwrap().invites[&invite].is_open(now));
    }
}

#[test]
fn a_used_up_invite_is_refused() {
    set_now(1_000_000);
    let (mut network, anna, invite) = network_with_invite(2, 2_000_000);
    network
        .join_with_invite(&anna, &invite, "hash-of-secret", &Profile::new("Cas"), &MemberId::random(), "device-c")
        .unwrap();
    network
        .join_with_invite(&anna, &invite, "hash-of-secret", &Profile::new("Dirk"), &MemberId::random(), "device-d")
        .unwrap();
    let err = refused(&mut network, |n| {
        n.join_with_invite(&anna, &invite, "hash-of-secret", &Profile::new("Eva"), &MemberId::random(), "device-e")
    });
    assert!(matches!(err, ModelError::InviteUsedUp(ref id) if *id == invite), "{err:?}");
    let snap = network.snapshot().unwrap();
    assert_eq!(snap.invites[&invite].uses.len(), 2);
    assert_eq!(snap.members.len(), 3);
}

#[test]
fn a_valid_invite_with_a_bad_profile_or_device_is_refused_without_using_it() {
    set_now(1_000_000);
    let (mut network, anna, invite) = network_with_invite(1, 2_000_000);
    let err = refused(&mut network, |n| {
        n.join_with_invite(&anna, &invite, "hash-of-secret", &Profile::new("  "), &MemberId::random(), "device-c")
    });
    assert!(matches!(err, ModelError::Empty { field: Field::Name }), "{err:?}");
    let err = refused(&mut network, |n| {
        n.join_with_invite(&anna, &invite, "hash-of-secret", &Profile::new("Cas"), &MemberId::random(), " ")
    });
    assert!(matches!(err, ModelError::Empty { field: Field::DeviceId }), "{err:?}");
    network.check_invite(&invite, "hash-of-secret").unwrap();
}

#[test]
fn invites_must_expire_in_the_future_and_allow_at_least_one_use() {
    set_now(1_000_000);
    let (mut network, anna, _) = network_with_invite(1, 2_000_000);
    for expires_at in [999_999, 1_000_000] {
        let invite = NewInvite { secret_hash: "h".into(), role: Role::Member, expires_at, max_uses: 1 };
        let err = refused(&mut network, |n| n.create_invite(&anna, &invite));
        assert!(matches!(err, ModelError::BadExpiry), "{expires_at}: {err:?}");
    }
    let invite = NewInvite { secret_hash: "h".into(), role: Role::Member, expires_at: 2_000_000, max_uses: 0 };
    let err = refused(&mut network, |n| n.create_invite(&anna, &invite));
    assert!(matches!(err, ModelError::BadMaxUses), "{err:?}");
    let invite = NewInvite { secret_hash: " ".into(), role: Role::Member, expires_at: 2_000_000, max_uses: 1 };
    let err = refused(&mut network, |n| n.create_invite(&anna, &invite));
    assert!(matches!(err, ModelError::Empty { field: Field::SecretHash }), "{err:?}");
}
