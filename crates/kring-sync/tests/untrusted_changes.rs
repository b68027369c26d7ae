//! A member device whose changes Automerge fails on half-way through applying them.
//!
//! Fuzzing found sync messages whose changes make Automerge 0.12 panic while it applies them
//! ("Obj … Missing from Index"), after part of them is already in the document: a document that
//! still saves, but whose saved bytes no longer load. The protocol must drop the connection and
//! put the saved document back, so that nothing damaged is ever saved over a good copy.
//!
//! `fixtures/network.automerge` is the fuzzing fixture (a network whose member device is
//! `00…02`); `fixtures/half-applied-changes.frames` are the three frames, as that device sent
//! them, of the input fuzzing found.

use kring_model::Network;
use kring_model::automerge::AutoCommit;
use kring_sync::{Event, FrameReader, Library, PeerConnection, ProtocolError};

const SAVED: &[u8] = include_bytes!("fixtures/network.automerge");
const FRAMES: &[u8] = include_bytes!("fixtures/half-applied-changes.frames");
const MEMBER: &str = "0000000000000000000000000000000000000000000000000000000000000002";

/// One network, saved (as bytes) whenever the protocol reports a change, as the node saves it.
struct Device {
    network: Network,
    saved: Vec<u8>,
    restored: usize,
}

impl Library for Device {
    fn document(&mut self, network: &str) -> Option<&mut AutoCommit> {
        (self.network.id().as_str() == network).then(|| self.network.doc_mut())
    }

    fn may_sync(&mut self, network: &str, device: &str) -> bool {
        self.network.id().as_str() == network && self.network.member_for_device(device).ok().flatten().is_some()
    }

    fn saved_sync_state(&mut self, _network: &str, _device: &str) -> Option<Vec<u8>> {
        None
    }

    fn restore_saved(&mut self, _network: &str) {
        self.restored += 1;
        self.network = Network::from_doc(AutoCommit::load(&self.saved).unwrap()).unwrap();
    }
}

#[test]
fn changes_automerge_fails_on_half_way_cost_the_connection_and_leave_the_saved_document() {
    let mut device = Device {
        network: Network::from_doc(AutoCommit::load(SAVED).unwrap()).unwrap(),
        saved: SAVED.to_vec(),
        restored: 0,
    };
    let mut connection = PeerConnection::new(MEMBER);
    let mut reader = FrameReader::default();
    reader.push(FRAMES);
    let mut error = None;
    while let Some(message) = reader.next_message().unwrap() {
        let result = connection.receive(message, &mut device);
        while connection.poll_transmit().is_some() {}
        while let Some(event) = connection.poll_event() {
            if matches!(event, Event::Changed { .. }) {
                device.saved = device.network.doc_mut().save();
            }
        }
        if let Err(err) = result {
            error = Some(err);
            break;
        }
    }

    let error = error.expect("the third frame is refused");
    assert!(matches!(error, ProtocolError::BadSyncMessage { .. }), "{error:?}");
    assert_eq!(device.restored, 1, "the document was put back once");
    assert_eq!(connection.open_networks().count(), 0, "the connection forgot the network");
    let heads = device.network.heads();
    let mut reloaded = AutoCommit::load(&device.network.doc_mut().save()).expect("what would be saved loads");
    assert_eq!(reloaded.get_heads(), heads);
    assert_eq!(AutoCommit::load(&device.saved).unwrap().get_heads(), heads, "it is the saved document");
    device.network.snapshot().expect("the interface can read it");
}
