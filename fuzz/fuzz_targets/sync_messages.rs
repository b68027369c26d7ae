//! The sync protocol core (`PeerConnection::receive`) fed arbitrary messages from a peer, with
//! a real network document behind it.
//!
//! The local document is `fixtures/network.automerge` (written by seedgen): a network with two
//! members, device `00…01` (here) and device `00…02`; `00…03` is a stranger. A fixed document
//! keeps inputs reproducible: the network id and the change hashes in the seeds match it.
//!
//! Input: `flags (1) | [n: u16 LE | n bytes of saved sync state, if flags & 0x04] | frames`,
//! where the frames are the wire format (`u32 BE length | postcard Message`) and flags
//! - 0x01: the peer is the stranger instead of the member device;
//! - 0x02: this side dials (sends Open and its first sync message before reading);
//! - 0x04: a saved sync state for the peer comes first (as read from disk, possibly damaged);
//! - 0x08: recompute the checksums of the Automerge chunks inside each Sync message, so that
//!   mutated changes reach Automerge's change decoding instead of failing the checksum.
//!
//! Must never panic (errors are fine: the node closes the connection on the first one), and
//! afterwards the local document must still save and load with the same heads, and the
//! model's reads of it (what the UI shows) must not panic either.
#![no_main]

use kring_model::Network;
use kring_model::automerge::{AutoCommit, sync};
use kring_sync::testing::Memory;
use kring_sync::{Event, FrameReader, Message, PeerConnection};
use libfuzzer_sys::fuzz_target;
use sha2::Digest;

const FIXTURE: &[u8] = include_bytes!("../fixtures/network.automerge");
const MEMBER: &str = "0000000000000000000000000000000000000000000000000000000000000002";
const STRANGER: &str = "0000000000000000000000000000000000000000000000000000000000000003";

fn pristine() -> AutoCommit {
    thread_local! {
        static DOC: AutoCommit = AutoCommit::load(FIXTURE).expect("the fixture loads");
    }
    DOC.with(AutoCommit::clone)
}

const CHUNK_MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const COMPRESSED_CHANGE: u8 = 2;

fn leb128(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// Rewrites each chunk's checksum (`magic | checksum | type | uleb length | data`) to the first
/// four bytes of SHA-256 over `type | uleb length | data`, as Automerge computes it. Compressed
/// chunks are checksummed over their uncompressed form and left alone.
fn fix_checksums(mut chunk: Vec<u8>) -> Vec<u8> {
    let mut at = 0;
    while chunk.len() >= at + 9 && chunk[at..at + 4] == CHUNK_MAGIC {
        let Some((len, len_size)) = leb128(&chunk[at + 9..]) else { break };
        let data_start = at + 9 + len_size;
        let Some(end) = usize::try_from(len).ok().and_then(|len| data_start.checked_add(len)) else { break };
        if end > chunk.len() {
            break;
        }
        if chunk[at + 8] != COMPRESSED_CHANGE {
            let hash = sha2::Sha256::digest(&chunk[at + 8..end]);
            chunk[at + 4..at + 8].copy_from_slice(&hash[..4]);
        }
        at = end;
    }
    chunk
}

fn with_fixed_checksums(message: Message) -> Message {
    let Message::Sync { network, chapter, data, signatures } = message else { return message };
    let Ok(mut decoded) = sync::Message::decode(&data) else {
        return Message::Sync { network, chapter, data, signatures };
    };
    let chunks: Vec<Vec<u8>> = decoded.changes.iter().map(|c| fix_checksums(c.to_vec())).collect();
    decoded.changes = chunks.into();
    // Automerge's encoder asserts that hash lists are sorted, as every real peer sends them;
    // a mutated message need not be, so sort before re-encoding.
    decoded.heads.sort();
    decoded.need.sort();
    for have in &mut decoded.have {
        have.last_sync.sort();
    }
    Message::Sync { network, chapter, data: decoded.encode(), signatures }
}

/// Drops what the connection would send, and saves the document when it changed, as the node
/// does.
fn drain(connection: &mut PeerConnection, local: &mut Memory) {
    while connection.poll_transmit().is_some() {}
    while let Some(event) = connection.poll_event() {
        if matches!(event, Event::Changed { .. }) {
            local.checkpoint();
        }
    }
}

fuzz_target!(
    init: {
        // libFuzzer's hook aborts on every panic, even one that is caught. The protocol core
        // catches Automerge's panics on malformed changes (and closes the connection), so put
        // the default hook back: a panic that is not caught still aborts, in libfuzzer-sys's
        // own catch_unwind around this target.
        drop(std::panic::take_hook());
    },
    |input: &[u8]| {
    let Some((&flags, mut rest)) = input.split_first() else { return };
    let mut saved = None;
    if flags & 0x04 != 0 {
        let Some((len, tail)) = rest.split_first_chunk::<2>() else { return };
        let len = usize::from(u16::from_le_bytes(*len)).min(tail.len());
        saved = Some(tail[..len].to_vec());
        rest = &tail[len..];
    }

    let network = Network::from_doc(pristine()).expect("the fixture is a network");
    let id = network.id().to_string();
    // The node's own view of one network, as the protocol's in-memory device holds it.
    let mut local = Memory::new(network, iroh_base::SecretKey::from_bytes(&[7; 32]));
    local.saved_doc = FIXTURE.to_vec();
    let seen = local.network.heads();
    let remote = if flags & 0x01 != 0 { STRANGER } else { MEMBER };
    local.saved.extend(saved.map(|state| (remote.to_string(), state)));
    let mut connection = PeerConnection::new(remote);
    if flags & 0x02 != 0 {
        connection.open(&id, &mut local);
    }
    drain(&mut connection, &mut local);

    let mut reader = FrameReader::with_limit(1 << 20);
    reader.push(rest);
    while let Ok(Some(message)) = reader.next_message() {
        let message = if flags & 0x08 != 0 { with_fixed_checksums(message) } else { message };
        let result = connection.receive(message, &mut local);
        drain(&mut connection, &mut local);
        if result.is_err() {
            break;
        }
        let _ = connection.in_sync(&id, &mut local);
        let _ = connection.sync_state(&id);
    }
    connection.local_change(&id, &mut local);
    drain(&mut connection, &mut local);

    let doc = local.network.doc_mut();
    let heads = doc.get_heads();
    let saved = doc.save();
    let mut reloaded = AutoCommit::load(&saved).expect("the local document no longer loads");
    assert_eq!(reloaded.get_heads(), heads, "the reloaded document has other heads");
    // What the node and the UI read after every change from a peer.
    let _ = local.network.snapshot();
    let _ = local.network.changes_since(&seen);
});
