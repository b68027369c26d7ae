//! Syncing two documents in memory: with Automerge's sync protocol alone (the limit each network
//! figure is measured against) and with Kring's protocol core (which wraps it with access checks
//! and framing), to count round trips and bytes without sockets.

use std::time::{Duration, Instant};

use iroh_base::SecretKey;
use kring_model::Network;
use kring_model::automerge::AutoCommit;
use kring_model::automerge::sync::{self, SyncDoc};
use kring_sync::testing::Memory;
use kring_sync::{FrameReader, PeerConnection, SignatureBook, frame};

/// What one sync cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct SyncCost {
    pub time: Duration,
    /// Rounds in which a message crossed: A's messages to B, then B's answers to A.
    pub round_trips: usize,
    pub bytes: usize,
}

/// Automerge's own sync between `a` and `b` until neither has anything to send; every message
/// is encoded and decoded as it would be on a wire.
pub fn automerge_sync(a: &mut AutoCommit, sa: &mut sync::State, b: &mut AutoCommit, sb: &mut sync::State) -> SyncCost {
    let started = Instant::now();
    let mut cost = SyncCost::default();
    loop {
        let there = a.sync().generate_sync_message(sa).map(sync::Message::encode);
        if let Some(bytes) = &there {
            cost.bytes += bytes.len();
            let message = sync::Message::decode(bytes).expect("own message decodes");
            b.sync().receive_sync_message(sb, message).expect("own message applies");
        }
        let back = b.sync().generate_sync_message(sb).map(sync::Message::encode);
        if let Some(bytes) = &back {
            cost.bytes += bytes.len();
            let message = sync::Message::decode(bytes).expect("own message decodes");
            a.sync().receive_sync_message(sa, message).expect("own message applies");
        }
        if there.is_none() && back.is_none() {
            break;
        }
        cost.round_trips += 1;
    }
    cost.time = started.elapsed();
    cost
}

/// One laptop for Kring's protocol core in memory (the protocol's own in-memory device): its
/// copy of the network, the signatures it keeps and the key it signs with, and the sync state
/// it saved for `other` last time. Only honest laptops talk here: should Automerge fail on
/// their changes, going back to the saved copy (there is none) fails the bench.
pub fn side(
    network: Network,
    signatures: SignatureBook,
    key: SecretKey,
    other: &str,
    saved: Option<Vec<u8>>,
) -> Memory {
    let mut side = Memory::new(network, key);
    side.checks.signatures = signatures;
    side.saved.extend(saved.map(|state| (other.to_string(), state)));
    side
}

/// Kring's protocol between `dialer` and `listener` for their network, as a node runs it (the
/// dialer opens), until neither side has anything to send. Messages go through the real
/// framing.
pub fn kring_sync(dialer: &mut Memory, listener: &mut Memory) -> SyncCost {
    let started = Instant::now();
    let network = dialer.network.id().to_string();
    let mut near = PeerConnection::new(listener.device.clone());
    let mut far = PeerConnection::new(dialer.device.clone());
    near.open(&network, dialer);
    let mut cost = SyncCost::default();
    loop {
        let there = deliver(&mut near, &mut far, listener, &mut cost.bytes);
        let back = deliver(&mut far, &mut near, dialer, &mut cost.bytes);
        if !there && !back {
            break;
        }
        cost.round_trips += 1;
    }
    cost.time = started.elapsed();
    cost
}

/// Moves everything `from` has to send through a frame reader into `to`; whether anything moved.
fn deliver(from: &mut PeerConnection, to: &mut PeerConnection, library: &mut Memory, bytes: &mut usize) -> bool {
    let mut reader = FrameReader::default();
    let mut moved = false;
    while let Some(message) = from.poll_transmit() {
        let framed = frame::encode(&message);
        *bytes += framed.len();
        reader.push(&framed);
        moved = true;
    }
    while let Ok(Some(message)) = reader.next_message() {
        to.receive(message, library).expect("a well-formed message from the other side");
    }
    while from.poll_event().is_some() {}
    while to.poll_event().is_some() {}
    moved
}

#[cfg(test)]
mod tests {
    use super::*;
    use kring_model::{NetworkDetails, Profile, Role};

    #[test]
    fn both_syncs_bring_two_diverged_copies_together() {
        let (key_a, key_b) = (SecretKey::from_bytes(&[1; 32]), SecretKey::from_bytes(&[2; 32]));
        let device_b = key_b.public().to_string();
        let details = NetworkDetails { name: "PLG".into(), ..Default::default() };
        let (mut a, anna) = Network::create(&details, &Profile::new("Anna"), key_a.as_signing_key()).unwrap();
        let bram = a.add_member(&anna, &Profile::new("Bram"), Role::Member, Some(key_b.as_signing_key())).unwrap();
        let mut b = a.fork();
        b.set_device(&device_b);
        // Bram's laptop got the network from Anna's, with her signature on it.
        let mut founding = SignatureBook::default();
        founding.add(&kring_sync::signed::sign_whole_as(a.doc_mut(), std::slice::from_ref(&key_a)));
        a.add_question(&anna, "Vraag van Anna", "").unwrap();
        b.add_question(&bram, "Vraag van Bram", "").unwrap();

        let (mut a2, mut b2) = (a.fork(), b.fork());
        let (mut sa, mut sb) = (sync::State::new(), sync::State::new());
        let alone = automerge_sync(a2.doc_mut(), &mut sa, b2.doc_mut(), &mut sb);
        assert_eq!(a2.heads(), b2.heads());
        assert!(alone.round_trips >= 1 && alone.bytes > 0);

        let device_a = key_a.public().to_string();
        let mut near = side(a, SignatureBook::default(), key_a, &device_b, None);
        let mut far = side(b, founding, key_b, &device_a, None);
        let kring = kring_sync(&mut near, &mut far);
        assert_eq!(near.network.heads(), far.network.heads());
        assert_eq!(near.network.snapshot().unwrap().questions.len(), 2);
        assert!(kring.round_trips >= alone.round_trips && kring.bytes > alone.bytes, "{kring:?} vs {alone:?}");
    }
}
