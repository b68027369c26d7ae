//! A new chapter holds the network as it is now and nothing of its history: what was deleted
//! or erased is not in its bytes, and every laptop's rules accept its first change only as a
//! beginning by a coordinator.

mod common;

use common::*;
use kring_model::trust::DeviceKey;
use kring_model::trust::{Breach, RuleBook};
use kring_model::*;

fn saved(network: &mut Network) -> Vec<u8> {
    network.doc_mut().save_nocompress()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_new_chapter_holds_the_network_as_it_is_now_and_none_of_its_history() {
    let Fixture { mut network, coordinator, members } = network_with_members(2);
    let kept = session(&mut network, &coordinator, "PLG 3");
    network.append_text(&coordinator, &TextField::Notes(kept.clone()), "Afspraak: lezen in groep 5").unwrap();
    // A title given and changed again: the first is in the history, not in the network.
    let rename = |title: &str| SessionChanges { title: Some(title.into()), ..Default::default() };
    network.edit_session(&coordinator, &kept, &rename("Geheimwoord")).unwrap();
    network.edit_session(&coordinator, &kept, &rename("PLG 3")).unwrap();
    let binned = session(&mut network, &coordinator, "Weggegooid overleg");
    network.delete_session(&coordinator, &binned).unwrap();
    let question = network.add_question(&members[0], "Hoe lezen we beter?", "Toelichting").unwrap();
    network.vote(&members[0], &question).unwrap();
    network.remove_member(&coordinator, &members[1]).unwrap();
    network
        .create_invite(
            &coordinator,
            &NewInvite { secret_hash: "ab".repeat(32), role: Role::Member, expires_at: 4_000_000_000_000, max_uses: 1 },
        )
        .unwrap();
    assert!(contains(&saved(&mut network), "Geheimwoord"), "the old chapter's history holds the word");

    let before = network.snapshot().unwrap();
    let mut next = network.start_chapter(&coordinator, &device_a(), &[]).unwrap();
    let after = next.snapshot().unwrap();

    assert_eq!(after.info.name, before.info.name);
    assert_eq!(after.members, before.members, "every member, the removed one too, with role and devices");
    assert_eq!(after.questions, before.questions, "questions with their votes");
    assert_eq!(after.sessions.get(&kept), before.sessions.get(&kept));
    assert!(!after.sessions.contains_key(&binned), "what was in the bin is gone");
    assert!(after.invites.is_empty(), "no invite opens the new chapter");
    assert_eq!(next.heads().len(), 1);
    assert_eq!(next.doc_mut().get_changes(&[]).len(), 1, "one change, no history");

    let bytes = saved(&mut next);
    assert!(!contains(&bytes, "Geheimwoord"), "the taken-back word is in no byte of the new chapter");
    assert!(!contains(&bytes, "Weggegooid overleg"));

    let chapter = next.chapter();
    assert_eq!(chapter.number, 2);
    assert_eq!(chapter.previous, "");
    assert_eq!(chapter.started_by, Some(coordinator.clone()));
    assert!(!chapter.id.is_empty());
    assert_eq!(next.chapter_id(), chapter.id);
    assert_eq!(network.chapter().number, 1);
    assert_eq!(network.chapter_id(), "");

    // And a third chapter follows the second.
    let third = next.start_chapter(&coordinator, &device_a(), &[]).unwrap();
    assert_eq!(third.chapter().number, 3);
    assert_eq!(third.chapter().previous, chapter.id);
}

#[test]
fn what_is_erased_for_everyone_is_in_no_byte_of_the_new_chapter() {
    let Fixture { mut network, coordinator, members } = network_with_members(1);
    let secret = session(&mut network, &coordinator, "Vertrouwelijk: zorgleerling M.");
    network.append_text(&coordinator, &TextField::Notes(secret.clone()), "Dossier M. besproken").unwrap();
    let other = session(&mut network, &coordinator, "PLG 4");
    network.append_text(&coordinator, &TextField::Notes(other.clone()), "Wij lazen. Naam: Joris K. Verder.").unwrap();
    let question = network.add_question(&members[0], "Vraag over Lotte", "Lotte heeft hulp nodig").unwrap();
    let kept_question = network.add_question(&members[0], "Rekenen", "").unwrap();
    let round = network.open_round(&coordinator, "Ronde 1").unwrap();
    let factor = FactorId::new("trust");
    network.score(&members[0], &round, &factor, 4, "Over collega P. gesproken").unwrap();
    // A guest on a phone named a classmate; another guest's reaction stays.
    let setup = kring_model::RoomSetup { reactions: true, ..Default::default() };
    let room = network.open_room(&coordinator, &other, &setup).unwrap();
    let guest = |name: &str| kring_model::Guest {
        id: kring_model::GuestId::random(),
        name: name.into(),
        perspective: kring_model::GuestPerspective::Youth,
    };
    let said = |text: &str| kring_model::GuestInput::Reaction { text: text.into() };
    let named =
        network.add_guest_contribution(&coordinator, &other, &room, &guest("Sam"), &said("Klasgenoot Ruben")).unwrap();
    network.add_guest_contribution(&coordinator, &other, &room, &guest("Noor"), &said("Fijn gesprek")).unwrap();

    let notes = network.text(&TextField::Notes(other.clone())).unwrap();
    let from = notes.find("Naam: Joris K. ").unwrap();
    let to = from + "Naam: Joris K. ".len();
    let erase = [
        Erasure::Session(secret.clone()),
        Erasure::Question(question.clone()),
        Erasure::Comment { round: round.clone(), member: members[0].clone(), factor: factor.clone() },
        Erasure::Passage { field: TextField::Notes(other.clone()), from, to, expected: Some("Naam: Joris K. ".into()) },
        Erasure::GuestContribution { session: other.clone(), room: room.clone(), contribution: named },
    ];
    let mut next = network.start_chapter(&coordinator, &device_a(), &erase).unwrap();

    let after = next.snapshot().unwrap();
    assert!(!after.sessions.contains_key(&secret));
    assert!(!after.questions.contains_key(&question));
    assert!(after.questions.contains_key(&kept_question));
    assert_eq!(next.text(&TextField::Notes(other.clone())).unwrap(), "Wij lazen. Verder.");
    let kept: Vec<_> = after.sessions[&other].guest_contributions().into_iter().map(|c| c.text.clone()).collect();
    assert_eq!(kept, ["Fijn gesprek"]);
    let bytes = saved(&mut next);
    for marker in ["zorgleerling", "Dossier M.", "Lotte", "collega P.", "Joris", "Ruben"] {
        assert!(!contains(&bytes, marker), "{marker} is still in the new chapter");
    }
    assert!(next.chapter().erased);
    // The score itself stays: only the comment was erased.
    let scored = next.snapshot().unwrap();
    assert_eq!(scored.rounds[&round].scores.len(), 1);
}

#[test]
fn only_a_coordinator_starts_a_chapter_and_only_what_exists_can_be_erased() {
    let Fixture { mut network, coordinator, members } = network_with_members(1);
    let err = refused(&mut network, |n| n.start_chapter(&members[0], &device_a(), &[]).map(|_| ()));
    assert!(matches!(err, ModelError::NotCoordinator { action: CoordinatorTask::NewChapter }), "{err}");
    let unknown = Erasure::Session(SessionId::new("nope"));
    let err = refused(&mut network, |n| n.start_chapter(&coordinator, &device_a(), &[unknown]).map(|_| ()));
    assert!(matches!(err, ModelError::UnknownSession(_)), "{err}");
    let notes = session(&mut network, &coordinator, "PLG");
    let beyond = Erasure::Passage { field: TextField::Notes(notes.clone()), from: 0, to: 5, expected: None };
    let err = refused(&mut network, |n| n.start_chapter(&coordinator, &device_a(), &[beyond]).map(|_| ()));
    assert!(matches!(err, ModelError::BadTextRange { .. }), "{err}");
    // A passage chosen on screen that has moved since (someone typed before it) is not erased.
    network.append_text(&coordinator, &TextField::Notes(notes.clone()), "Wij lazen samen.").unwrap();
    let moved = Erasure::Passage { field: TextField::Notes(notes), from: 0, to: 3, expected: Some("lazen".into()) };
    let err = refused(&mut network, |n| n.start_chapter(&coordinator, &device_a(), &[moved]).map(|_| ()));
    assert!(matches!(err, ModelError::BadTextRange { .. }), "{err}");
}

#[test]
fn a_chapters_first_change_is_a_beginning_only_for_a_laptop_taking_the_whole_chapter() {
    let Fixture { mut network, coordinator, members } = network_with_members(1);
    let mut next = network.start_chapter(&coordinator, &device_a(), &[]).unwrap();
    let first = next.doc_mut().get_changes(&[]);
    assert!(RuleBook::default().check(next.doc_mut(), &first, true).is_ok());
    let refusal = RuleBook::default().check(next.doc_mut(), &first, false).unwrap_err();
    assert_eq!(refusal.breach, Breach::Genesis, "synced into a chapter, it is a second beginning");

    // A modified client on a member's device writes a "chapter" in the coordinator's name:
    // its device is no coordinator's, so it is no beginning.
    let member_key = key(0xb2);
    let member_device = member_key.device_id();
    network.add_device(&coordinator, &members[0], &member_key).unwrap();
    let mut forged = network.start_chapter(&coordinator, &member_device, &[]).unwrap();
    let forged_first = forged.doc_mut().get_changes(&[]);
    let refusal = RuleBook::default().check(forged.doc_mut(), &forged_first, true).unwrap_err();
    assert_eq!(refusal.breach, Breach::Genesis);

    // Once a coordinator, the same device may begin one.
    network.set_role(&coordinator, &members[0], Role::Coordinator).unwrap();
    let mut allowed = network.start_chapter(&members[0], &member_device, &[]).unwrap();
    let allowed_first = allowed.doc_mut().get_changes(&[]);
    assert!(RuleBook::default().check(allowed.doc_mut(), &allowed_first, true).is_ok());
}

/// Bram's laptop, offline while Anna began the new chapter, wrote in the old one: his own
/// edits are written again in the new chapter and merge with what others wrote there since;
/// what he had synced before is not written twice; what was erased stays erased.
#[test]
fn offline_work_in_the_old_chapter_is_carried_into_the_new_one_and_merges() {
    let Fixture { mut network, coordinator, members } = network_with_members(1);
    let bram = &members[0];
    let bram_key = key(0xb2);
    let bram_device = bram_key.device_id();
    network.add_device(&coordinator, bram, &bram_key).unwrap();
    let meeting = session(&mut network, &coordinator, "PLG 6");
    let secret = session(&mut network, &coordinator, "Te wissen");
    let notes = TextField::Notes(meeting.clone());
    network.append_text(&coordinator, &notes, "Begin.").unwrap();

    // Bram's laptop has everything so far, and writes one line that reaches Anna in time.
    let mut at_bram = network.fork();
    at_bram.set_device(&bram_device);
    at_bram.append_text(bram, &notes, "Al gedeeld.").unwrap();
    network.merge(&mut at_bram).unwrap();

    // Anna begins the new chapter, erasing one meeting; Bram, offline, writes on.
    let mut next = network.start_chapter(&coordinator, &device_a(), &[Erasure::Session(secret.clone())]).unwrap();
    at_bram.append_text(bram, &notes, "Offline aanvulling van Bram.").unwrap();
    let question = at_bram.add_question(bram, "Hoe verder met lezen?", "Toelichting van Bram").unwrap();
    at_bram.append_text(bram, &TextField::Notes(secret.clone()), "Over het gewiste overleg").unwrap();
    // Meanwhile in the new chapter Anna writes at the top of the same notes.
    next.update_text(&coordinator, &notes, "Vandaag: Begin.\nAl gedeeld.").unwrap();

    // Bram's laptop takes the new chapter and carries its offline work over.
    let mut taken = next.fork();
    taken.set_device(&bram_device);
    let carried = taken.carry_over(&mut at_bram, &bram_device, bram).unwrap();
    assert_eq!(carried.changes, 3, "{carried:?}");
    assert_eq!(carried.left_out, 1, "the erased meeting's notes: {carried:?}");
    let text = taken.text(&notes).unwrap();
    assert_eq!(text, "Vandaag: Begin.\nAl gedeeld.\nOffline aanvulling van Bram.");
    let snapshot = taken.snapshot().unwrap();
    assert_eq!(snapshot.questions[&question].title, "Hoe verder met lezen?");
    assert_eq!(snapshot.questions[&question].details, "Toelichting van Bram");
    assert!(!snapshot.sessions.contains_key(&secret), "the erased meeting stays erased");

    // It is one change of Bram's laptop, which every laptop's rules accept.
    let carried_change = taken.doc_mut().get_last_local_change().unwrap().clone();
    assert_eq!(kring_model::trust::device_of_actor(carried_change.actor_id()), Some(bram_device.clone()));
    assert!(RuleBook::default().check(taken.doc_mut(), &[carried_change], false).is_ok());

    // A laptop with nothing offline carries nothing.
    let mut anna_again = next.fork();
    assert!(anna_again.carry_over(&mut network, &device_a(), &coordinator).unwrap().is_empty());
}

/// A file of 1,000 bytes as the document describes it, its hash `byte` 32 times.
fn file(name: &str, byte: &str) -> NewAttachment {
    NewAttachment { name: name.into(), kind: AttachmentKind::from_file_name(name), size: 1_000, hash: byte.repeat(32) }
}

#[test]
fn a_new_chapter_keeps_the_attachments_and_leaves_the_binned_ones_out() {
    let Fixture { mut network, coordinator, members } = network_with_members(1);
    let meeting = session(&mut network, &coordinator, "PLG 4");
    let question = network.add_question(&members[0], "Hoe lezen we beter?", "").unwrap();
    let cycle = network.add_cycle(&members[0], &question, "2026-12-01").unwrap();
    let places = [
        AttachedTo::Session(meeting.clone()),
        AttachedTo::Question(question.clone()),
        AttachedTo::Cycle { question: question.clone(), cycle },
    ];
    let mut kept = Vec::new();
    for (to, byte) in places.iter().zip(["0a", "1b", "2c"]) {
        kept.push(network.add_attachment(&members[0], to, &file("foto.jpg", byte)).unwrap());
    }
    let binned = network.add_attachment(&members[0], &places[2], &file("weggegooid-verslag.pdf", "3d")).unwrap();
    network.delete_attachment(&coordinator, &places[2], &binned).unwrap();

    let mut next = network.start_chapter(&coordinator, &device_a(), &[]).unwrap();
    let after = next.snapshot().unwrap();
    let ids: Vec<&AttachmentId> = after.attachments().into_iter().map(|(_, a)| &a.id).collect();
    assert_eq!(ids.len(), 3);
    assert!(kept.iter().all(|id| ids.contains(&id)));
    assert!(after.attachment(&binned).is_none(), "the bin is emptied");
    assert!(!contains(&saved(&mut next), "weggegooid-verslag"));
}

#[test]
fn an_erased_attachment_leaves_with_the_chapter_and_only_that_one() {
    let Fixture { mut network, coordinator, members } = network_with_members(1);
    let meeting = session(&mut network, &coordinator, "PLG 4");
    let question = network.add_question(&members[0], "Hoe lezen we beter?", "").unwrap();
    let cycle = network.add_cycle(&members[0], &question, "2026-12-01").unwrap();
    let in_cycle = AttachedTo::Cycle { question: question.clone(), cycle };
    let kept = network.add_attachment(&members[0], &AttachedTo::Session(meeting), &file("foto.jpg", "0a")).unwrap();
    let erased = network.add_attachment(&members[0], &in_cycle, &file("dossier-joris-k.pdf", "1b")).unwrap();

    // Only an attachment the network holds can be erased.
    let unknown = Erasure::Attachment(AttachmentId::new("geen-bijlage"));
    assert!(network.start_chapter(&coordinator, &device_a(), &[unknown]).is_err());
    let erase = [Erasure::Attachment(erased.clone())];
    let mut next = network.start_chapter(&coordinator, &device_a(), &erase).unwrap();
    let after = next.snapshot().unwrap();
    assert!(after.attachment(&erased).is_none());
    assert!(after.attachment(&kept).is_some());
    assert!(next.chapter().erased);
    assert!(!contains(&saved(&mut next), "dossier-joris-k"));
    assert!(!contains(&saved(&mut next), &"1b".repeat(32)), "nor its hash");
}

#[test]
fn a_guests_photo_and_what_the_guest_sent_with_it_are_erased_together() {
    let Fixture { mut network, coordinator, .. } = network_with_members(1);
    let meeting = session(&mut network, &coordinator, "Ouderavond");
    let room = network.open_room(&coordinator, &meeting, &RoomSetup { photos: true, ..Default::default() }).unwrap();
    let guest = Guest { id: GuestId::random(), name: "Sam".into(), perspective: GuestPerspective::Youth };
    let photo = |byte: &str| GuestInput::Photo {
        file: NewAttachment {
            name: "gastfoto.jpg".into(),
            kind: AttachmentKind::Image,
            size: 900,
            hash: byte.repeat(32),
        },
    };
    let sent = network.add_guest_contribution(&coordinator, &meeting, &room, &guest, &photo("3c")).unwrap();
    network.add_guest_contribution(&coordinator, &meeting, &room, &guest, &photo("4d")).unwrap();
    let photos = |network: &mut Network| -> Vec<(AttachmentId, Option<ContributionId>)> {
        let all = network.attachments().unwrap().into_iter();
        all.map(|(_, a)| (a.id, a.from_guest.map(|g| g.contribution))).collect()
    };
    let (erased, _) = photos(&mut network).into_iter().find(|(_, c)| c.as_ref() == Some(&sent)).unwrap();

    // Erasing what the guest sent takes the photo with it, and erasing the photo takes what
    // the guest sent: neither stays behind naming the other.
    let contribution = Erasure::GuestContribution { session: meeting.clone(), room: room.clone(), contribution: sent };
    for erase in [contribution, Erasure::Attachment(erased.clone())] {
        let mut next = network.start_chapter(&coordinator, &device_a(), &[erase]).unwrap();
        let left = photos(&mut next);
        assert_eq!(left.len(), 1, "the other photo stays: {left:?}");
        assert!(left.iter().all(|(id, _)| *id != erased));
        assert!(!contains(&saved(&mut next), &"3c".repeat(32)), "no trace of the erased photo's hash");
        let guests = next.snapshot().unwrap().sessions[&meeting].rooms[&room].guests.len();
        assert_eq!(guests, 1, "only the other photo's contribution");
    }
}
