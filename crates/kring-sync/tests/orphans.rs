//! Changes built on changes that were never sent (orphans), from a member with a modified
//! client: a laptop holds at most 64 MB of them for one connection, refuses the message that
//! would hold more, names the device, and lets go of everything that device sent. An honest
//! orphan — its earlier change comes later, from another laptop — is still applied, and what a
//! connection leaves waiting goes when the connection ends.

mod common;

use automerge::sync::{self, MessageVersion};
use automerge::transaction::Transactable;
use automerge::{Change, ROOT, ScalarValue};
use common::*;
use kring_sync::waiting::MAX_PER_CONNECTION;
use kring_sync::{Event, Message, PeerConnection, ProtocolError, signed};

const ANNA: usize = 0;
const BRAM: usize = 1;
const CHRIS: usize = 2;

/// A change on Bram's laptop holding `bytes` bytes, on whatever he wrote before.
fn bram_writes(world: &mut World, key: &str, bytes: usize) -> Change {
    let doc = world.peers[BRAM].network.doc_mut();
    // Filled with a counter, so that nothing along the way makes it smaller.
    let value: Vec<u8> = (0..bytes).map(|i| (i % 251) as u8).collect();
    doc.put(ROOT, key, ScalarValue::Bytes(value)).unwrap();
    doc.commit();
    doc.get_last_local_change().unwrap()
}

/// A sync message from Bram carrying exactly `changes`, signed by his laptop, as his modified
/// client would send it.
fn from_bram(world: &mut World, changes: &[Change]) -> Message {
    let network = world.network_id();
    let chapter = kring_model::chapter_id_of(world.peers[BRAM].network.doc_mut());
    let message = sync::Message {
        heads: world.peers[BRAM].network.doc_mut().get_heads(),
        need: vec![],
        have: vec![],
        changes: changes.iter().map(|change| change.raw_bytes().to_vec()).collect::<Vec<_>>().into(),
        flags: None,
        version: MessageVersion::V1,
    };
    let key = &world.peers[BRAM].checks.key;
    let signatures = changes.iter().map(|change| signed::sign(key, &change.hash())).collect();
    Message::Sync { network, chapter, data: message.encode(), signatures }
}

/// Bram's laptop connected to Anna's, both in sync: (at Bram, at Anna).
fn connected(world: &mut World) -> (PeerConnection, PeerConnection) {
    let network = world.network_id();
    let mut at_bram = PeerConnection::new(world.peers[ANNA].device.clone());
    let mut at_anna = PeerConnection::new(world.peers[BRAM].device.clone());
    at_bram.open(&network, &mut world.peers[BRAM].memory);
    assert!(world.exchange((BRAM, &mut at_bram), (ANNA, &mut at_anna), |m| m).is_none());
    (at_bram, at_anna)
}

fn held_at_anna(world: &World) -> usize {
    world.peers[ANNA].checks.signatures.waiting().bytes()
}

/// Peak resident memory of this test process so far (Linux), in MB: a figure, not asserted.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb * 1024.0 / 1e6
}

#[test]
fn orphans_beyond_the_limit_are_refused_the_sender_named_and_their_memory_let_go() {
    let mut world = world(&["Anna", "Bram", "Chris"]);
    world.hostile_peers_expected = true;
    let (at_bram, mut at_anna) = connected(&mut world);
    let heads = world.peers[ANNA].network.doc_mut().get_heads();

    // Bram writes one small change he never sends, then 9 MB changes on top of it, two per
    // message: 72 MB in all, more than Anna's laptop holds for one connection.
    bram_writes(&mut world, "never-sent", 16);
    let chunk = 9 * 1024 * 1024;
    let orphans: Vec<Change> = (0..8).map(|n| bram_writes(&mut world, &format!("orphan-{n}"), chunk)).collect();
    let mut refused = None;
    let mut most_held = 0;
    for pair in orphans.chunks(2) {
        let message = from_bram(&mut world, pair);
        world.peers[ANNA].checkpoint();
        match at_anna.receive(message, &mut world.peers[ANNA].memory) {
            Ok(()) => most_held = most_held.max(held_at_anna(&world)),
            Err(error) => {
                refused = Some(error);
                break;
            }
        }
    }
    let bram_device = world.peers[BRAM].device.clone();
    match &refused {
        Some(ProtocolError::TooMuchWaiting { device, bytes, max, .. }) => {
            assert_eq!(device, &bram_device, "the refusal names Bram's laptop");
            assert!(*bytes > MAX_PER_CONNECTION && *max == MAX_PER_CONNECTION, "{bytes} of {max}");
        }
        other => panic!("the fourth message is refused for what it would hold: {other:?}"),
    }
    assert!(refused.as_ref().unwrap().to_string().contains(&bram_device));
    let events: Vec<Event> = std::iter::from_fn(|| at_anna.poll_event()).collect();
    assert!(events.iter().any(|event| matches!(event, Event::TooMuchWaiting { .. })), "{events:?}");
    assert!(most_held > 48 * 1024 * 1024 && most_held <= MAX_PER_CONNECTION, "held {most_held} bytes at most");
    assert_eq!(held_at_anna(&world), 0, "what Bram sent is let go");
    assert_eq!(world.peers[ANNA].network.doc_mut().get_heads(), heads, "and nothing of it was applied");
    eprintln!(
        "orphans: Anna's laptop held at most {:.1} MB for Bram's connection before it refused the message that \
         would hold more; 0 bytes after; this test process peaked at {:.0} MB resident (Bram's copy included)",
        most_held as f64 / 1e6,
        peak_mb()
    );
    drop(at_bram);

    // Anna goes on syncing with Chris as before.
    let network = world.network_id();
    let mut at_chris = PeerConnection::new(world.peers[ANNA].device.clone());
    let mut anna_for_chris = PeerConnection::new(world.peers[CHRIS].device.clone());
    let chris = world.peers[CHRIS].me.clone();
    world.peers[CHRIS].network.add_question(&chris, "Wat deed Bram?", "").unwrap();
    at_chris.open(&network, &mut world.peers[CHRIS].memory);
    assert!(world.exchange((CHRIS, &mut at_chris), (ANNA, &mut anna_for_chris), |m| m).is_none());
    assert_eq!(world.peers[ANNA].network.snapshot().unwrap().questions.len(), 1);
}

#[test]
fn an_orphan_waits_for_its_parent_from_another_laptop_and_goes_when_its_sender_goes() {
    let mut world = world(&["Anna", "Bram", "Chris"]);
    let (_at_bram, mut at_anna) = connected(&mut world);

    // Bram adds a question; Chris's laptop gets it (and Bram's signature), Anna's does not.
    let bram = world.peers[BRAM].me.clone();
    world.peers[BRAM].network.add_question(&bram, "Hoe betrekken we ouders?", "").unwrap();
    let first = world.peers[BRAM].network.doc_mut().get_last_local_change().unwrap();
    let mut copy = world.peers[BRAM].network.fork();
    world.peers[CHRIS].network.merge(&mut copy).unwrap();
    world.share_signatures(BRAM);

    // Bram's next change reaches Anna first, without the question it builds on: it waits.
    world.peers[BRAM].network.add_question(&bram, "En hoe betrekken we leerlingen?", "").unwrap();
    let next = world.peers[BRAM].network.doc_mut().get_last_local_change().unwrap();
    let message = from_bram(&mut world, std::slice::from_ref(&next));
    world.peers[ANNA].checkpoint();
    at_anna.receive(message, &mut world.peers[ANNA].memory).unwrap();
    assert!(held_at_anna(&world) > 0, "the orphan waits");
    assert!(world.peers[ANNA].network.snapshot().unwrap().questions.is_empty());
    // Anna's answer asks Bram for the question it lacks, not for the orphan it holds.
    let asked = std::iter::from_fn(|| at_anna.poll_transmit()).find_map(|message| match message {
        Message::Sync { data, .. } => Some(sync::Message::decode(&data).unwrap().need),
        _ => None,
    });
    assert_eq!(asked, Some(vec![first.hash()]), "Anna asks for what the orphan needs");

    // Chris syncs with Anna: the question arrives from him, and Bram's orphan is applied with it.
    let network = world.network_id();
    let mut at_chris = PeerConnection::new(world.peers[ANNA].device.clone());
    let mut anna_for_chris = PeerConnection::new(world.peers[CHRIS].device.clone());
    at_chris.open(&network, &mut world.peers[CHRIS].memory);
    assert!(world.exchange((CHRIS, &mut at_chris), (ANNA, &mut anna_for_chris), |m| m).is_none());
    assert_eq!(world.peers[ANNA].network.snapshot().unwrap().questions.len(), 2, "both of Bram's questions");
    assert_eq!(held_at_anna(&world), 0);

    // Another orphan of Bram's waits, and goes when his connection ends.
    bram_writes(&mut world, "never-sent", 16);
    let orphan = bram_writes(&mut world, "orphan", 1024 * 1024);
    let message = from_bram(&mut world, std::slice::from_ref(&orphan));
    world.peers[ANNA].checkpoint();
    at_anna.receive(message, &mut world.peers[ANNA].memory).unwrap();
    assert!(held_at_anna(&world) > 1024 * 1024);
    at_anna.release(&mut world.peers[ANNA].memory);
    assert_eq!(held_at_anna(&world), 0, "gone with the connection");
}
