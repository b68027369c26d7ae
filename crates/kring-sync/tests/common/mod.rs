//! An in-memory world of peers: real documents, real protocol state machines, frames encoded
//! and decoded as on a real stream — only the sockets are replaced by a loop.
#![allow(dead_code)]

mod simulated;
#[allow(unused_imports)] // Only the simulations use them.
pub(crate) use simulated::{scenario, setting};

use iroh_base::SecretKey;
use kring_model::*;
use kring_sync::testing::Memory;
use kring_sync::{Event, FrameReader, PeerConnection, frame};

/// A peer: a device holding the network in memory as the node does
/// ([`kring_sync::testing::Memory`]), and the member it is.
pub(crate) struct Peer {
    pub memory: Memory,
    pub me: MemberId,
}

impl std::ops::Deref for Peer {
    type Target = Memory;
    fn deref(&self) -> &Memory {
        &self.memory
    }
}

impl std::ops::DerefMut for Peer {
    fn deref_mut(&mut self) -> &mut Memory {
        &mut self.memory
    }
}

/// A connection between two peers: each end has its own protocol state machine.
pub(crate) struct Link {
    pub dialer: usize,
    pub acceptor: usize,
    pub at_dialer: PeerConnection,
    pub at_acceptor: PeerConnection,
    pub up: bool,
}

pub(crate) struct World {
    pub peers: Vec<Peer>,
    pub links: Vec<Link>,
    /// Every event, as (peer index, event).
    pub events: Vec<(usize, Event)>,
    /// Frame bytes that crossed each link, by link index.
    pub bytes: Vec<usize>,
    pub frames: usize,
    /// Connections a receiver closed because the other side misbehaved: (receiving peer,
    /// why). Only tests with a hostile peer expect any; elsewhere one fails the test.
    pub refusals: Vec<(usize, kring_sync::ProtocolError)>,
    pub hostile_peers_expected: bool,
}

/// A network founded on the first device, with one member (and device) per further name;
/// every peer starts from a copy made after all members were added.
pub(crate) fn world(names: &[&str]) -> World {
    let details = NetworkDetails { name: "Leernetwerk Jeugdzorg Utrecht".into(), ..Default::default() };
    let keys: Vec<SecretKey> = (0..names.len()).map(|i| SecretKey::from_bytes(&[i as u8 + 1; 32])).collect();
    let (mut founding, founder) = Network::create(&details, &Profile::new(names[0]), keys[0].as_signing_key()).unwrap();
    let mut members = vec![founder.clone()];
    for (name, key) in names.iter().zip(&keys).skip(1) {
        let device = Some(key.as_signing_key());
        members.push(founding.add_member(&founder, &Profile::new(*name), Role::Member, device).unwrap());
    }
    world_of(&mut founding, keys, members)
}

/// A world of one peer per key, each holding a copy of `founding` as member `members[i]`; the
/// first key's device signed `founding`.
pub(crate) fn world_of(founding: &mut Network, keys: Vec<SecretKey>, members: Vec<MemberId>) -> World {
    let peers = keys
        .into_iter()
        .zip(members)
        .map(|(key, me)| {
            let mut network = founding.fork();
            network.set_device(&key.public().to_string());
            Peer { memory: Memory::new(network, key), me }
        })
        .collect::<Vec<Peer>>();
    let mut world = World {
        peers,
        links: Vec::new(),
        events: Vec::new(),
        bytes: Vec::new(),
        frames: 0,
        refusals: Vec::new(),
        hostile_peers_expected: false,
    };
    world.share_signatures(0);
    world
}

impl World {
    /// Gives every peer `from`'s signatures on the whole network, as if each had received it
    /// from `from` (tests that hand out copies of one network instead of syncing it).
    pub(crate) fn share_signatures(&mut self, from: usize) {
        let peer = &mut self.peers[from].memory;
        let all = kring_sync::signed::all_changes(peer.network.doc_mut());
        let signed =
            kring_sync::signed::sign_batch(peer.network.doc_mut(), &all, &peer.checks.signatures, &peer.checks.key)
                .expect("the founder signs its own changes");
        for peer in &mut self.peers {
            peer.checks.signatures.add(&signed);
        }
    }
}

impl World {
    /// Moves messages between two protocol ends held outside the world (`at_a` is peer `a`'s
    /// end of its link to `b`) until neither has anything to say, passing what `a` sends through
    /// `tamper`; returns the error the receiver closed with, if any.
    pub(crate) fn exchange(
        &mut self,
        (a, at_a): (usize, &mut PeerConnection),
        (b, at_b): (usize, &mut PeerConnection),
        tamper: impl Fn(kring_sync::Message) -> kring_sync::Message,
    ) -> Option<kring_sync::ProtocolError> {
        loop {
            let mut moved = false;
            while let Some(message) = at_a.poll_transmit() {
                moved = true;
                self.peers[b].checkpoint();
                if let Err(error) = at_b.receive(tamper(message), &mut self.peers[b].memory) {
                    return Some(error);
                }
            }
            while let Some(message) = at_b.poll_transmit() {
                moved = true;
                self.peers[a].checkpoint();
                if let Err(error) = at_a.receive(message, &mut self.peers[a].memory) {
                    return Some(error);
                }
            }
            if !moved {
                return None;
            }
        }
    }

    pub(crate) fn network_id(&self) -> String {
        self.peers[0].network.id().to_string()
    }

    /// Peer `dialer` connects to `acceptor` and opens the network.
    pub(crate) fn connect(&mut self, dialer: usize, acceptor: usize) -> usize {
        let network = self.network_id();
        let mut at_dialer = PeerConnection::new(self.peers[acceptor].device.clone());
        let at_acceptor = PeerConnection::new(self.peers[dialer].device.clone());
        at_dialer.open(&network, &mut self.peers[dialer].memory);
        self.links.push(Link { dialer, acceptor, at_dialer, at_acceptor, up: true });
        self.bytes.push(0);
        self.links.len() - 1
    }

    /// Ends a connection; both ends keep their sync state for next time, as the node does.
    pub(crate) fn disconnect(&mut self, index: usize) {
        let network = self.network_id();
        let link = &mut self.links[index];
        link.up = false;
        let (dialer_device, acceptor_device) =
            (self.peers[link.dialer].device.clone(), self.peers[link.acceptor].device.clone());
        if let Some(state) = link.at_dialer.sync_state(&network) {
            self.peers[link.dialer].saved.insert(acceptor_device, state);
        }
        if let Some(state) = link.at_acceptor.sync_state(&network) {
            self.peers[link.acceptor].saved.insert(dialer_device, state);
        }
    }

    /// A local edit happened on `peer`: every live connection of that peer hears of it.
    pub(crate) fn edited(&mut self, peer: usize) {
        let network = self.network_id();
        for link in self.links.iter_mut().filter(|l| l.up) {
            if link.dialer == peer {
                link.at_dialer.local_change(&network, &mut self.peers[peer].memory);
            } else if link.acceptor == peer {
                link.at_acceptor.local_change(&network, &mut self.peers[peer].memory);
            }
        }
    }

    /// Delivers frames until nobody has anything left to say. Returns how many frames moved.
    pub(crate) fn run(&mut self) -> usize {
        let mut moved = 0;
        loop {
            let mut progress = false;
            for index in 0..self.links.len() {
                if !self.links[index].up {
                    continue;
                }
                for towards_acceptor in [true, false] {
                    while let Some(delivered) = self.deliver_one(index, towards_acceptor) {
                        progress = true;
                        moved += 1;
                        if let Some(peer) = delivered {
                            self.edited(peer);
                        }
                    }
                }
            }
            if !progress {
                return moved;
            }
        }
    }

    /// Moves one frame across a link, through real encoding and a `FrameReader`. Returns the
    /// receiving peer if its document changed (so it relays to its other connections).
    fn deliver_one(&mut self, index: usize, towards_acceptor: bool) -> Option<Option<usize>> {
        let link = &mut self.links[index];
        let (from, to, receiver) = if towards_acceptor {
            (&mut link.at_dialer, link.acceptor, &mut link.at_acceptor)
        } else {
            (&mut link.at_acceptor, link.dialer, &mut link.at_dialer)
        };
        let message = from.poll_transmit()?;
        let bytes = frame::encode(&message);
        self.bytes[index] += bytes.len();
        self.frames += 1;
        let mut reader = FrameReader::default();
        reader.push(&bytes);
        let message = reader.next_message().unwrap().unwrap();
        self.peers[to].checkpoint();
        let received = receiver.receive(message, &mut self.peers[to].memory);
        let mut changed = false;
        while let Some(event) = receiver.poll_event() {
            changed |= matches!(event, Event::Changed { .. });
            self.events.push((to, event));
        }
        if let Err(error) = received {
            assert!(self.hostile_peers_expected, "well-behaved peers: {error}");
            self.links[index].up = false;
            self.refusals.push((to, error));
        }
        Some(changed.then_some(to))
    }

    pub(crate) fn snapshots(&self) -> Vec<NetworkSnapshot> {
        self.peers.iter().map(|p| p.network.snapshot().unwrap()).collect()
    }
}

pub(crate) fn session(network: &mut Network, by: &MemberId) -> SessionId {
    let new = NewSession {
        title: "Casusbespreking".into(),
        kind: SessionKind::Leerhuis,
        starts_at: "2026-11-26T10:00".into(),
        location: "Wijkcentrum".into(),
    };
    network.add_session(by, &new).unwrap()
}
