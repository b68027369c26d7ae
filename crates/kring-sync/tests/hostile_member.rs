//! A member with a modified client: it writes raw Automerge operations into its own copy and
//! signs them with its own device key, so that only the rules can stop it. Every attack that
//! was once tried against Kring is replayed here against real documents and the real protocol
//! core; the honest laptop refuses the whole message, keeps its network exactly as it was, and
//! goes on syncing with everyone else.

mod common;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, ObjId, ObjType, ROOT, ReadDoc};
use common::*;
use kring_model::trust::{Breach, CoordinatorAction, OwnData};
use kring_model::*;
use kring_sync::{Distrust, Message, PeerConnection, ProtocolError};

const ANNA: usize = 0; // the coordinator
const BRAM: usize = 1; // the member with a modified client
const CHRIS: usize = 2; // an honest member

/// Anna's network with a meeting, a question and an open reflection round, on every laptop.
struct Scene {
    world: World,
    session: SessionId,
    question: QuestionId,
    round: RoundId,
}

fn scene() -> Scene {
    let mut world = world(&["Anna", "Bram", "Chris"]);
    world.hostile_peers_expected = true;
    let anna = world.peers[ANNA].me.clone();
    let network = &mut world.peers[ANNA].network;
    let session = network
        .add_session(
            &anna,
            &NewSession {
                title: "Casusbespreking".into(),
                kind: SessionKind::Plg,
                starts_at: "2026-12-01".into(),
                location: "Lokaal 3".into(),
            },
        )
        .unwrap();
    let question = network.add_question(&anna, "Hoe signaleren we vroeg?", "").unwrap();
    let round = network.open_round(&anna, "Najaar").unwrap();
    hand_out(&mut world, ANNA);
    Scene { world, session, question, round }
}

/// Every other laptop takes `from`'s copy (as if synced), with its signatures.
fn hand_out(world: &mut World, from: usize) {
    for i in 0..world.peers.len() {
        if i != from {
            let mut copy = world.peers[from].network.fork();
            world.peers[i].network.merge(&mut copy).unwrap();
        }
    }
    world.share_signatures(from);
}

/// The object at `path` (map keys from the root) in `doc`.
fn obj(doc: &AutoCommit, path: &[&str]) -> ObjId {
    path.iter().fold(ROOT, |parent, key| match doc.get(&parent, *key).unwrap() {
        Some((automerge::Value::Object(_), id)) => id,
        other => panic!("no object at {key}: {other:?}"),
    })
}

/// Commits whatever `write` did as one change, with a Kring note naming `by`.
fn raw(peer: &mut Peer, by: &MemberId, what: &str, write: impl FnOnce(&mut AutoCommit)) {
    let doc = peer.network.doc_mut();
    write(doc);
    let note = format!(r#"{{"by":"{by}","what":"{what}"}}"#);
    doc.commit_with(CommitOptions::default().with_message(note));
}

/// `attacker` sends what it wrote to `victim`: the victim must refuse it for `breach`, keep its
/// network byte for byte, and still sync with the honest `other`.
fn assert_refused(scene: &mut Scene, attacker: usize, victim: usize, breach: Breach) {
    let world = &mut scene.world;
    let before = world.peers[victim].network.doc_mut().save();
    let shown = world.peers[victim].network.snapshot().unwrap();

    world.connect(attacker, victim);
    world.run();
    let (who, error) = world.refusals.last().expect("the victim refused the attacker's message");
    assert_eq!(*who, victim);
    match error {
        ProtocolError::Distrusted(Distrust::Rules(refusal)) => {
            assert_eq!(refusal.breach, breach, "{refusal}");
            let sender = &world.peers[attacker].me;
            assert_eq!(refusal.member.as_ref().map(|(id, _)| id), Some(sender), "names the sender");
        }
        other => panic!("refused for {other}, not for {breach:?}"),
    }
    assert_eq!(world.peers[victim].network.snapshot().unwrap(), shown, "the victim's network is unchanged");
    assert_eq!(world.peers[victim].network.doc_mut().save(), before, "byte for byte");

    // The victim goes on syncing with an honest member.
    let other = (0..world.peers.len()).find(|&i| i != attacker && i != victim).unwrap();
    let me = world.peers[other].me.clone();
    let notes = TextField::Notes(scene.session.clone());
    world.peers[other].network.append_text(&me, &notes, "Afspraak: ouders bellen.").unwrap();
    let refused_before = world.refusals.len();
    world.connect(other, victim);
    world.run();
    assert_eq!(world.refusals.len(), refused_before, "honest changes are never refused");
    assert!(world.peers[victim].network.text(&notes).unwrap().contains("ouders bellen"));
}

fn ids(scene: &Scene) -> (MemberId, MemberId, MemberId) {
    let me = |i: usize| scene.world.peers[i].me.clone();
    (me(ANNA), me(BRAM), me(CHRIS))
}

#[test]
fn making_oneself_coordinator_is_refused() {
    let mut scene = scene();
    let (_, bram, _) = ids(&scene);
    raw(&mut scene.world.peers[BRAM], &bram, "member-edited", |doc| {
        let me = obj(doc, &["members", bram.as_str()]);
        doc.put(&me, "role", "coordinator").unwrap();
    });
    assert_refused(&mut scene, BRAM, ANNA, Breach::SelfPromotion);
}

#[test]
fn removing_another_member_is_refused() {
    let mut scene = scene();
    let (anna, bram, _) = ids(&scene);
    raw(&mut scene.world.peers[BRAM], &bram, "member-removed", |doc| {
        let coordinator = obj(doc, &["members", anna.as_str()]);
        doc.put(&coordinator, "removed_at", 1_i64).unwrap();
    });
    assert_refused(&mut scene, BRAM, CHRIS, Breach::CoordinatorOnly(CoordinatorAction::RemoveMembers));
}

#[test]
fn another_members_vote_score_profile_and_devices_are_refused() {
    let breaches = [
        Breach::OthersData(OwnData::Vote),
        Breach::OthersData(OwnData::Scores),
        Breach::OthersData(OwnData::Profile),
        Breach::OthersData(OwnData::Devices),
    ];
    for (attack, breach) in breaches.into_iter().enumerate() {
        let mut scene = scene();
        let (_, bram, chris) = ids(&scene);
        let (question, round) = (scene.question.clone(), scene.round.clone());
        raw(&mut scene.world.peers[BRAM], &bram, "member-edited", |doc| match attack {
            0 => {
                let votes = obj(doc, &["questions", question.as_str(), "votes"]);
                doc.put(&votes, chris.as_str(), true).unwrap();
            }
            1 => {
                let scores = obj(doc, &["reflections", round.as_str(), "scores"]);
                doc.put(&scores, format!("{chris}/trust"), 1_i64).unwrap();
            }
            2 => {
                let member = obj(doc, &["members", chris.as_str()]);
                doc.put(&member, "name", "(geschorst wegens klachten)").unwrap();
            }
            _ => {
                let devices = obj(doc, &["members", chris.as_str(), "devices"]);
                doc.put(&devices, "ab".repeat(32), 1_i64).unwrap();
            }
        });
        assert_refused(&mut scene, BRAM, ANNA, breach);
    }
}

#[test]
fn a_fake_member_holding_the_attackers_device_is_refused() {
    let mut scene = scene();
    let (_, bram, _) = ids(&scene);
    let device = scene.world.peers[BRAM].device.clone();
    raw(&mut scene.world.peers[BRAM], &bram, "member-added", |doc| {
        let members = obj(doc, &["members"]);
        let fake = doc.put_object(&members, "f".repeat(32), ObjType::Map).unwrap();
        doc.put(&fake, "name", "Nep-coördinator").unwrap();
        doc.put(&fake, "role", "coordinator").unwrap();
        let devices = doc.put_object(&fake, "devices", ObjType::Map).unwrap();
        doc.put(&devices, device.as_str(), 1_i64).unwrap();
    });
    assert_refused(&mut scene, BRAM, ANNA, Breach::BadInvite);
}

#[test]
fn notes_written_in_the_coordinators_name_are_refused() {
    let mut scene = scene();
    let (anna, _, _) = ids(&scene);
    let session = scene.session.clone();
    raw(&mut scene.world.peers[BRAM], &anna, "notes-edited", |doc| {
        let notes = obj(doc, &["sessions", session.as_str(), "notes"]);
        doc.splice_text(&notes, 0, 0, "De coördinator vindt dat Chris moet vertrekken. ").unwrap();
    });
    assert_refused(&mut scene, BRAM, CHRIS, Breach::ForgedAuthor);
}

#[test]
fn a_removed_member_cannot_undo_the_removal_or_write_after_it() {
    for undo in [true, false] {
        let mut scene = scene();
        let (anna, bram, _) = ids(&scene);
        scene.world.peers[ANNA].network.remove_member(&anna, &bram).unwrap();
        // Bram's laptop heard of the removal; Chris's did not yet.
        let mut copy = scene.world.peers[ANNA].network.fork();
        scene.world.peers[BRAM].network.merge(&mut copy).unwrap();
        scene.world.share_signatures(ANNA);
        let session = scene.session.clone();
        raw(&mut scene.world.peers[BRAM], &bram, "member-edited", |doc| {
            if undo {
                let me = obj(doc, &["members", bram.as_str()]);
                doc.delete(&me, "removed_at").unwrap();
            } else {
                let notes = obj(doc, &["sessions", session.as_str(), "notes"]);
                doc.splice_text(&notes, 0, 0, "Leerling X: zorgmelding gedaan. ").unwrap();
            }
        });
        // Chris's laptop still takes Bram for a member, but the note builds on his removal.
        let world = &mut scene.world;
        let before = world.peers[CHRIS].network.doc_mut().save();
        let bram_device = world.peers[BRAM].device.clone();
        let mut at_bram = PeerConnection::new(world.peers[CHRIS].device.clone());
        let mut at_chris = PeerConnection::new(bram_device);
        let network = world.network_id();
        at_bram.open(&network, &mut world.peers[BRAM].memory);
        let refused = world.exchange((BRAM, &mut at_bram), (CHRIS, &mut at_chris), |m| m);
        match refused {
            Some(ProtocolError::Distrusted(Distrust::Rules(refusal))) => {
                assert_eq!(refusal.breach, Breach::NotAMember, "{refusal}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(world.peers[CHRIS].network.doc_mut().save(), before, "nothing of it reached Chris");
    }
}

#[test]
fn nobody_demotes_the_last_coordinator() {
    let mut scene = scene();
    let (anna, _, _) = ids(&scene);
    raw(&mut scene.world.peers[ANNA], &anna, "member-edited", |doc| {
        let me = obj(doc, &["members", anna.as_str()]);
        doc.put(&me, "role", "member").unwrap();
    });
    assert_refused(&mut scene, ANNA, CHRIS, Breach::LastCoordinator);
}

#[test]
fn unsigned_changes_and_changes_signed_by_another_device_are_refused() {
    let chris_key = iroh_base::SecretKey::from_bytes(&[3; 32]);
    let strip = |message: Message| match message {
        Message::Sync { network, chapter, data, .. } => Message::Sync { network, chapter, data, signatures: vec![] },
        other => other,
    };
    let resign = move |message: Message| match message {
        Message::Sync { network, chapter, data, signatures } => {
            let signatures = signatures
                .iter()
                .map(|s| kring_sync::signed::sign(&chris_key, &automerge::ChangeHash(s.change)))
                .collect();
            Message::Sync { network, chapter, data, signatures }
        }
        other => other,
    };
    let tampers: [&dyn Fn(Message) -> Message; 2] = [&strip, &resign];
    for tamper in tampers {
        let mut scene = scene();
        let (_, bram, _) = ids(&scene);
        let notes = TextField::Notes(scene.session.clone());
        scene.world.peers[BRAM].network.append_text(&bram, &notes, "Een gewone aanvulling.").unwrap();
        let world = &mut scene.world;
        let before = world.peers[ANNA].network.doc_mut().save();
        let mut at_bram = PeerConnection::new(world.peers[ANNA].device.clone());
        let mut at_anna = PeerConnection::new(world.peers[BRAM].device.clone());
        let network = world.network_id();
        at_bram.open(&network, &mut world.peers[BRAM].memory);
        let refused = world.exchange((BRAM, &mut at_bram), (ANNA, &mut at_anna), tamper);
        assert!(matches!(refused, Some(ProtocolError::Distrusted(Distrust::Unsigned { .. }))), "{refused:?}");
        assert_eq!(world.peers[ANNA].network.doc_mut().save(), before);
    }
}

#[test]
fn changes_made_in_another_devices_name_are_refused() {
    let mut scene = scene();
    let (anna, _, _) = ids(&scene);
    // Bram writes as if from Anna's laptop (her key in the actor id), as her.
    let anna_device = scene.world.peers[ANNA].device.clone();
    let peer = &mut scene.world.peers[BRAM];
    peer.network.set_device(&anna_device);
    raw(peer, &anna, "network-edited", |doc| {
        let info = obj(doc, &["network"]);
        doc.put(&info, "name", "Overgenomen").unwrap();
    });
    let world = &mut scene.world;
    let before = world.peers[CHRIS].network.doc_mut().save();
    world.connect(BRAM, CHRIS);
    world.run();
    let (_, error) = world.refusals.last().expect("refused");
    assert!(matches!(error, ProtocolError::Distrusted(Distrust::Unsigned { .. })), "{error}");
    assert_eq!(world.peers[CHRIS].network.doc_mut().save(), before);
}

#[test]
fn edits_made_offline_while_a_member_was_removed_are_kept_as_designed() {
    // Bram writes a note offline before his laptop hears of his removal: by the rules that is
    // valid (it does not build on the removal), and every laptop keeps it the same way.
    let mut scene = scene();
    let (anna, bram, _) = ids(&scene);
    let notes = TextField::Notes(scene.session.clone());
    scene.world.peers[BRAM].network.append_text(&bram, &notes, "Offline geschreven.").unwrap();
    scene.world.peers[ANNA].network.remove_member(&anna, &bram).unwrap();
    scene.world.hostile_peers_expected = false;
    scene.world.connect(BRAM, CHRIS);
    scene.world.connect(ANNA, CHRIS);
    scene.world.run();
    let snapshots = scene.world.snapshots();
    assert_eq!(snapshots[ANNA], snapshots[CHRIS]);
    assert!(snapshots[ANNA].sessions[&scene.session].notes.contains("Offline geschreven."));
    assert!(!snapshots[ANNA].members[&bram].is_current());
}
