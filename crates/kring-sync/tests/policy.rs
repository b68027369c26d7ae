//! What a connection does over time and with a stranger, on the virtual clock of
//! `kring_sync::testing`: changes from other peers wait the relay delay, edits made here go at
//! once, a device that says nothing is ended at the first-message deadline, and a stranger's
//! frames are held small.

use std::time::Duration;

use iroh_base::SecretKey;
use kring_model::*;
use kring_sync::policy::{FIRST_MESSAGE_TIMEOUT, RELAY_DELAY, STRANGER_FRAME};
use kring_sync::testing::{Closed, Memory, Net};
use kring_sync::{Event, FrameError, MAX_FRAME, Message, ProtocolError};

const ANNA: usize = 0;
const BRAM: usize = 1;
const CHRIS: usize = 2;
/// Not a member of the network: holds a copy (as a removed member would), may sync nothing.
const STRANGER: usize = 3;

/// Anna founds the network, Bram and Chris are members; every device starts from one copy.
fn devices() -> (Vec<Memory>, Vec<MemberId>) {
    let details = NetworkDetails { name: "Leernetwerk Jeugdzorg Utrecht".into(), ..Default::default() };
    let keys: Vec<SecretKey> = (1..=4u8).map(|i| SecretKey::from_bytes(&[i; 32])).collect();
    let (mut founding, anna) = Network::create(&details, &Profile::new("Anna"), keys[0].as_signing_key()).unwrap();
    let mut members = vec![anna.clone()];
    for (name, key) in ["Bram", "Chris"].iter().zip(&keys[1..3]) {
        members
            .push(founding.add_member(&anna, &Profile::new(*name), Role::Member, Some(key.as_signing_key())).unwrap());
    }
    let mut devices: Vec<Memory> = keys
        .into_iter()
        .map(|key| {
            let mut network = founding.fork();
            network.set_device(&key.public().to_string());
            Memory::new(network, key)
        })
        .collect();
    let founder = &mut devices[ANNA];
    let all = kring_sync::signed::all_changes(founder.network.doc_mut());
    let signed = kring_sync::signed::sign_batch(
        founder.network.doc_mut(),
        &all,
        &founder.checks.signatures,
        &founder.checks.key,
    )
    .unwrap();
    for device in &mut devices {
        device.checks.signatures.add(&signed);
    }
    (devices, members)
}

fn add_session(device: &mut Memory, by: &MemberId) -> SessionId {
    let new = NewSession {
        title: "Casusbespreking".into(),
        kind: SessionKind::Leerhuis,
        starts_at: "2026-11-26T10:00".into(),
        location: "Wijkcentrum".into(),
    };
    device.network.add_session(by, &new).unwrap()
}

fn holds(device: &Memory, session: &SessionId) -> bool {
    device.network.snapshot().unwrap().sessions.contains_key(session)
}

fn changed_at(net: &Net, device: usize) -> usize {
    net.events.iter().filter(|(at, event)| *at == device && matches!(event, Event::Changed { .. })).count()
}

#[test]
fn an_edit_made_here_goes_at_once_and_one_passed_on_waits_the_relay_delay() {
    let (mut devices, members) = devices();
    let network = devices[ANNA].network.id().to_string();
    let mut net = Net::new();
    // Bram's laptop sits between Anna's and Chris's.
    let anna_bram = net.connect(&mut devices, ANNA, BRAM, &[&network]);
    let bram_chris = net.connect(&mut devices, BRAM, CHRIS, &[&network]);
    net.run(&mut devices);
    let started = net.now;

    let session = add_session(&mut devices[ANNA], &members[ANNA]);
    net.edited(&mut devices, ANNA, &network);
    net.run_for(&mut devices, Duration::ZERO);
    assert!(holds(&devices[BRAM], &session), "Anna's edit reached Bram's laptop without waiting");
    assert!(!holds(&devices[CHRIS], &session), "Bram's laptop passes it on only later");

    net.run_for(&mut devices, RELAY_DELAY - Duration::from_millis(1));
    assert!(!holds(&devices[CHRIS], &session), "not before the relay delay");
    assert_eq!(changed_at(&net, CHRIS), 0);

    net.run_for(&mut devices, Duration::from_millis(1));
    assert!(holds(&devices[CHRIS], &session), "passed on once the relay delay is over");
    assert_eq!(net.now - started, RELAY_DELAY);
    assert!(net.links[anna_bram].up && net.links[bram_chris].up);
}

#[test]
fn changes_the_peer_sent_itself_meanwhile_are_not_passed_on_again() {
    let (mut devices, members) = devices();
    let network = devices[ANNA].network.id().to_string();
    let mut net = Net::new();
    // Everyone connected to everyone, as at a meeting on one LAN.
    net.connect(&mut devices, ANNA, BRAM, &[&network]);
    net.connect(&mut devices, BRAM, CHRIS, &[&network]);
    net.connect(&mut devices, ANNA, CHRIS, &[&network]);
    net.run(&mut devices);
    let bytes_before: usize = net.links.iter().map(|link| link.bytes).sum();

    let session = add_session(&mut devices[ANNA], &members[ANNA]);
    net.edited(&mut devices, ANNA, &network);
    net.run(&mut devices);
    assert!(holds(&devices[BRAM], &session) && holds(&devices[CHRIS], &session));
    assert_eq!(changed_at(&net, BRAM), 1);
    assert_eq!(changed_at(&net, CHRIS), 1, "Chris's laptop got Anna's change once");
    assert!(net.links.iter().all(|link| link.up));
    assert!(net.links.iter().map(|link| link.bytes).sum::<usize>() > bytes_before);
}

#[test]
fn a_device_that_says_nothing_is_ended_at_the_first_message_deadline() {
    let (mut devices, _) = devices();
    let mut net = Net::new();
    let started = net.now;
    let silent = net.connect(&mut devices, BRAM, ANNA, &[]);
    assert_eq!(net.links[silent].ends[1].poll_timeout(), Some(started + FIRST_MESSAGE_TIMEOUT));

    net.run_for(&mut devices, FIRST_MESSAGE_TIMEOUT - Duration::from_millis(1));
    assert!(net.links[silent].up, "not before the deadline");
    net.run(&mut devices);
    assert_eq!(net.now - started, FIRST_MESSAGE_TIMEOUT);
    assert!(!net.links[silent].up);
    assert!(matches!(net.links[silent].closed, Some((ANNA, Closed::Protocol(ProtocolError::Silent)))));
}

#[test]
fn a_device_that_speaks_in_time_has_no_deadline_and_the_dialer_never_had_one() {
    let (mut devices, _) = devices();
    let network = devices[ANNA].network.id().to_string();
    let mut net = Net::new();
    let link = net.connect(&mut devices, BRAM, ANNA, &[&network]);
    assert_eq!(net.links[link].ends[0].poll_timeout(), None, "the dialer waits for nothing");
    net.run(&mut devices);
    net.run_for(&mut devices, FIRST_MESSAGE_TIMEOUT * 2);
    assert!(net.links[link].up);
    assert_eq!(net.links[link].ends[1].poll_timeout(), None);
}

#[test]
fn a_strangers_oversize_frame_is_refused_and_a_members_is_read() {
    let (mut devices, _) = devices();
    let network = devices[ANNA].network.id().to_string();
    let long = Message::Open { network: network.clone(), chapter: "x".repeat(STRANGER_FRAME) };
    let mut net = Net::new();

    let stranger = net.connect(&mut devices, STRANGER, ANNA, &[]);
    assert_eq!(net.links[stranger].ends[1].frame_limit(), STRANGER_FRAME);
    net.inject(&mut devices, stranger, 0, &long);
    assert!(!net.links[stranger].up);
    let Some((ANNA, Closed::Frame(FrameError::TooLarge { len, max }))) = net.links[stranger].closed else {
        panic!("refused by its size: {:?}", net.links[stranger].closed);
    };
    assert!(len > STRANGER_FRAME && max == STRANGER_FRAME);

    // A member's first frame is just as limited; once its network is open, frames may be large.
    let member = net.connect(&mut devices, BRAM, ANNA, &[&network]);
    net.run(&mut devices);
    assert_eq!(net.links[member].ends[1].frame_limit(), MAX_FRAME);
    net.inject(&mut devices, member, 0, &long);
    assert!(net.links[member].up, "read; {:?}", net.links[member].closed);
}

#[test]
fn a_stranger_is_refused_and_the_connection_ends_after_the_refusal() {
    let (mut devices, _) = devices();
    let network = devices[ANNA].network.id().to_string();
    let mut net = Net::new();
    let link = net.connect(&mut devices, STRANGER, ANNA, &[&network]);
    net.run(&mut devices);
    assert!(matches!(net.links[link].closed, Some((ANNA, Closed::Protocol(ProtocolError::Stranger)))));
    assert!(
        net.events.contains(&(STRANGER, Event::Refused { network: network.clone() })),
        "the stranger got the refusal: {:?}",
        net.events
    );
    assert_eq!(changed_at(&net, STRANGER), 0);
}

#[test]
fn a_message_before_an_open_ends_the_connection() {
    let (mut devices, _) = devices();
    let network = devices[ANNA].network.id().to_string();
    let mut net = Net::new();
    let link = net.connect(&mut devices, BRAM, ANNA, &[]);
    net.inject(&mut devices, link, 0, &Message::Refused { network });
    assert!(matches!(net.links[link].closed, Some((ANNA, Closed::Protocol(ProtocolError::BeforeOpen)))));
}

#[test]
fn a_connection_that_syncs_once_is_settled_when_its_networks_are_in_sync_or_refused() {
    let (mut devices, _) = devices();
    let network = devices[ANNA].network.id().to_string();
    let mut net = Net::new();
    let link = net.connect(&mut devices, BRAM, ANNA, &[&network]);
    assert!(!net.links[link].ends[0].settled(&mut devices[BRAM]));
    net.run(&mut devices);
    assert!(net.links[link].ends[0].settled(&mut devices[BRAM]));

    let refused = net.connect(&mut devices, STRANGER, ANNA, &[&network]);
    assert!(!net.links[refused].ends[0].settled(&mut devices[STRANGER]));
    net.run(&mut devices);
    assert!(net.links[refused].ends[0].settled(&mut devices[STRANGER]));
}
