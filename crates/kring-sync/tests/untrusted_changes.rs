//! A member device whose sync messages make Automerge 0.12 panic.
//!
//! Fuzzing found sync messages whose changes make Automerge panic while it applies them
//! ("Obj … Missing from Index"), after part of them is already in the document: a document that
//! still saves, but whose saved bytes no longer load. The protocol must drop the connection and
//! put the saved document back, so that nothing damaged is ever saved over a good copy.
//! It also found a summary of the peer's changes (a bloom filter) with entries but no bits,
//! on which Automerge divides by zero when it works out what to send back.
//!
//! `fixtures/network.automerge` is the fuzzing fixture (a network whose member device is
//! `00…02`); `fixtures/half-applied-changes.frames` are the three frames, as that device sent
//! them, of the input fuzzing found.

use kring_model::Network;
use kring_model::automerge::AutoCommit;
use kring_model::automerge::sync::{self, BloomFilter, SyncDoc};
use kring_sync::testing::Memory;
use kring_sync::{Event, FrameReader, Message, PeerConnection, ProtocolError};

const SAVED: &[u8] = include_bytes!("fixtures/network.automerge");
const FRAMES: &[u8] = include_bytes!("fixtures/half-applied-changes.frames");
const MEMBER: &str = "0000000000000000000000000000000000000000000000000000000000000002";

/// The frames were recorded before sync messages carried signatures (`kring/sync/1`).
#[derive(serde::Deserialize)]
enum RecordedMessage {
    Open { network: String },
    Sync { network: String, data: Vec<u8> },
}

/// One network, saved (as bytes) whenever the protocol reports a change, as the node saves it.
fn fixture_device() -> Memory {
    let network = Network::from_doc(AutoCommit::load(SAVED).unwrap()).unwrap();
    let mut device = Memory::new(network, iroh_base::SecretKey::from_bytes(&[9; 32]));
    device.saved_doc = SAVED.to_vec();
    device
}

#[test]
fn changes_automerge_fails_on_half_way_cost_the_connection_and_leave_the_saved_document() {
    let mut device = fixture_device();
    let mut connection = PeerConnection::new(MEMBER);
    let mut reader = FrameReader::default();
    reader.push(FRAMES);
    let mut error = None;
    while let Some(recorded) = reader.next_frame::<RecordedMessage>().unwrap() {
        let message = match recorded {
            RecordedMessage::Open { network } => Message::Open { network, chapter: String::new() },
            RecordedMessage::Sync { network, data } => {
                Message::Sync { network, chapter: String::new(), data, signatures: vec![] }
            }
        };
        let result = connection.receive(message, &mut device);
        while connection.poll_transmit().is_some() {}
        while let Some(event) = connection.poll_event() {
            if matches!(event, Event::Changed { .. }) {
                device.saved_doc = device.network.doc_mut().save();
            }
        }
        if let Err(err) = result {
            error = Some(err);
            break;
        }
    }

    // Unsigned changes are now refused (after Automerge applied them) before the third frame
    // can make it panic; either way the saved document must be put back and nothing kept.
    let error = error.expect("a frame is refused");
    assert!(matches!(error, ProtocolError::BadSyncMessage { .. } | ProtocolError::Distrusted(_)), "{error:?}");
    assert_eq!(device.restored, 1, "the document was put back once");
    assert_eq!(connection.open_networks().count(), 0, "the connection forgot the network");
    let heads = device.network.heads();
    let mut reloaded = AutoCommit::load(&device.network.doc_mut().save()).expect("what would be saved loads");
    assert_eq!(reloaded.get_heads(), heads);
    assert_eq!(AutoCommit::load(&device.saved_doc).unwrap().get_heads(), heads, "it is the saved document");
    device.network.snapshot().expect("the interface can read it");
}

#[test]
fn a_summary_automerge_divides_by_zero_on_costs_the_connection_and_changes_nothing() {
    let mut device = fixture_device();
    let network = device.network.id().to_string();
    let heads = device.network.heads();
    let mut connection = PeerConnection::new(MEMBER);
    connection.receive(Message::Open { network: network.clone(), chapter: String::new() }, &mut device).unwrap();

    // A first message from a device that holds the network's first change, with a summary of
    // its other changes that claims an entry but has no bits (leb128: 1 entry, 0 bits per
    // entry, 1 probe).
    let first_change = device.network.doc_mut().get_changes(&[])[0].hash();
    let mut message = AutoCommit::new().sync().generate_sync_message(&mut sync::State::new()).unwrap();
    message.heads = vec![first_change];
    message.have = vec![sync::Have { last_sync: vec![], bloom: BloomFilter::try_from(&[1u8, 0, 1][..]).unwrap() }];
    let result = connection.receive(
        Message::Sync { network: network.clone(), chapter: String::new(), data: message.encode(), signatures: vec![] },
        &mut device,
    );

    assert!(matches!(result, Err(ProtocolError::BadSyncMessage { .. })), "{result:?}");
    assert_eq!(connection.open_networks().count(), 0, "the connection stopped syncing the network");
    connection.local_change(&network, &mut device);
    assert!(connection.poll_transmit().is_none(), "nothing more is sent on it");
    assert_eq!(device.network.heads(), heads);
    assert_eq!(device.restored, 0, "the document was not touched");
}
