//! The protocol in memory, for tests, the bench and fuzzing (the `testing` feature): a device
//! that holds one network in memory ([`Memory`]), and a net of devices whose connections run
//! against each other ([`Net`]), frames encoded and read as on a real stream, with a virtual
//! clock: the relay delay and the first-message deadline pass without anyone sleeping.
//!
//! The net does what the node's driver does around each [`PeerConnection`]: it reads frames no
//! larger than the connection takes ([`PeerConnection::frame_limit`]), feeds them in with
//! [`PeerConnection::handle_message`], lets a device save before it handles the next message,
//! tells a device's other connections of the changes one of them brought
//! ([`PeerConnection::changed_elsewhere`]), and calls [`PeerConnection::handle_timeout`] when
//! the clock reaches [`PeerConnection::poll_timeout`].

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use automerge::AutoCommit;
use iroh_base::SecretKey;
use kring_model::Network;

use crate::{
    Checks, Event, FrameError, FrameReader, Library, Message, PeerConnection, ProtocolError, Replica, SignatureBook,
    frame,
};

/// One device holding one network in memory, as the node holds it: its key, the signatures it
/// keeps and the rules it checks with, the sync states it saved, and the document as last
/// saved (what a peer's changes that Automerge fails on are undone to).
pub struct Memory {
    pub device: String,
    pub checks: Checks,
    pub network: Network,
    /// Whether this device holds the network at all (a stranger does not).
    pub holds: bool,
    /// Sync state saved per remote device when a connection ends.
    pub saved: BTreeMap<String, Vec<u8>>,
    /// The document as saved before the message being handled, as the node keeps it on disk.
    pub saved_doc: Vec<u8>,
    /// How often a peer's changes sent the document back to `saved_doc`.
    pub restored: usize,
}

impl Memory {
    /// The device with `key`, holding `network`. Nothing is saved yet: going back to the
    /// saved document needs a [`Memory::checkpoint`] first (a [`Net`] makes one before every
    /// message).
    pub fn new(network: Network, key: SecretKey) -> Memory {
        Memory {
            device: key.public().to_string(),
            checks: Checks::new(key),
            network,
            holds: true,
            saved: BTreeMap::new(),
            saved_doc: Vec::new(),
            restored: 0,
        }
    }

    /// Everything so far is on disk (the node saves before it handles the next message).
    pub fn checkpoint(&mut self) {
        // As the node's store saves: without changes held back for want of earlier ones (see
        // `kring_store::save_checked`), which were not checked yet.
        let unchecked_left_out = automerge::SaveOptions { deflate: true, retain_orphans: false };
        self.saved_doc = self.network.doc_mut().save_with_options(unchecked_left_out);
    }

    fn is(&self, network: &str) -> bool {
        self.holds && self.network.id().as_str() == network
    }
}

impl Library for Memory {
    fn document(&mut self, network: &str) -> Option<&mut AutoCommit> {
        self.is(network).then(|| self.network.doc_mut())
    }

    fn replica(&mut self, network: &str) -> Option<Replica<'_>> {
        self.is(network).then(|| self.checks.replica(self.network.doc_mut()))
    }

    fn may_sync(&mut self, network: &str, device: &str) -> bool {
        self.is(network) && self.network.member_for_device(device).is_ok_and(|member| member.is_some())
    }

    fn may_sync_any(&mut self, device: &str) -> bool {
        let network = self.network.id().to_string();
        self.may_sync(&network, device)
    }

    fn saved_sync_state(&mut self, _network: &str, device: &str) -> Option<Vec<u8>> {
        self.saved.get(device).cloned()
    }

    fn restore_saved(&mut self, _network: &str) {
        // As the node does: back to the copy on disk, writing as this device again, without
        // the signatures that came with the refused changes.
        self.restored += 1;
        let doc = AutoCommit::load(&self.saved_doc).expect("the saved copy loads");
        self.network = Network::from_doc(doc).expect("the saved copy is a network");
        self.network.set_device(&self.device);
        self.checks.signatures = SignatureBook::default();
    }
}

/// A device in a [`Net`]: a library, with what the node does around its connections.
pub trait Device: Library {
    /// Its endpoint id.
    fn device(&self) -> String;
    /// A message for it is about to be handled: what changed before is saved now.
    fn before_message(&mut self) {}
    /// One of its connections reported `event` (after the message or timeout that caused it).
    fn event(&mut self, _event: &Event) {}
    /// A connection with `device` ended: the sync state to start from next time.
    fn keep_sync_state(&mut self, _network: &str, _device: &str, _state: Vec<u8>) {}
}

impl Device for Memory {
    fn device(&self) -> String {
        self.device.clone()
    }

    fn before_message(&mut self) {
        self.checkpoint();
    }

    fn keep_sync_state(&mut self, _network: &str, device: &str, state: Vec<u8>) {
        self.saved.insert(device.to_string(), state);
    }
}

/// Why one end closed a connection.
#[derive(Debug)]
pub enum Closed {
    /// The frame it was reading was refused (too large, not a Kring message).
    Frame(FrameError),
    /// The protocol ended it (the peer misbehaved, was a stranger, or stayed silent).
    Protocol(ProtocolError),
}

/// A connection between two devices of a [`Net`]: each end has its own protocol state.
pub struct Link {
    /// The devices at its ends: the dialer, then the acceptor.
    pub devices: [usize; 2],
    /// The protocol at each end, in the same order.
    pub ends: [PeerConnection; 2],
    /// What each end has read of its peer's stream so far.
    readers: [FrameReader; 2],
    pub up: bool,
    /// The device whose end closed the connection, and why.
    pub closed: Option<(usize, Closed)>,
    /// Frame bytes and frames that crossed it, both ways.
    pub bytes: usize,
    pub frames: usize,
}

impl Link {
    /// The end of `device` on this connection (0 dialer, 1 acceptor), if it is one.
    pub fn end_of(&self, device: usize) -> Option<usize> {
        self.devices.iter().position(|&at| at == device)
    }
}

/// Devices connected to each other in memory, on a virtual clock. The devices themselves are
/// the caller's (`&mut [D]` on every call, indexed as in [`Net::connect`]).
pub struct Net {
    /// The virtual time: it moves only in [`Net::run_for`] and [`Net::run`].
    pub now: Instant,
    pub links: Vec<Link>,
    /// Every event, as (device index, event), in order.
    pub events: Vec<(usize, Event)>,
}

impl Default for Net {
    fn default() -> Self {
        Net::new()
    }
}

impl Net {
    pub fn new() -> Net {
        Net { now: Instant::now(), links: Vec::new(), events: Vec::new() }
    }

    /// Device `dialer` connects to `acceptor` and opens `networks` (none: it says nothing).
    /// Returns the link's index.
    pub fn connect<D: Device>(
        &mut self,
        devices: &mut [D],
        dialer: usize,
        acceptor: usize,
        networks: &[&str],
    ) -> usize {
        let mut at_dialer = PeerConnection::new(devices[acceptor].device());
        let mut at_acceptor = PeerConnection::new(devices[dialer].device());
        at_acceptor.expect_first_message(self.now);
        for network in networks {
            at_dialer.dial(network, &mut devices[dialer]);
        }
        self.links.push(Link {
            devices: [dialer, acceptor],
            ends: [at_dialer, at_acceptor],
            readers: [FrameReader::default(), FrameReader::default()],
            up: true,
            closed: None,
            bytes: 0,
            frames: 0,
        });
        let link = self.links.len() - 1;
        self.drain_events(devices, link, 0);
        link
    }

    /// Ends a connection; both ends keep their sync state of `network` for next time, as the
    /// node does, and drop what the other sent that still waits for earlier changes.
    pub fn disconnect<D: Device>(&mut self, devices: &mut [D], link: usize, network: &str) {
        let at = &mut self.links[link];
        at.up = false;
        for end in 0..2 {
            let (device, other) = (at.devices[end], at.devices[1 - end]);
            let remote = devices[other].device();
            if let Some(state) = at.ends[end].sync_state(network) {
                devices[device].keep_sync_state(network, &remote, state);
            }
            at.ends[end].release(&mut devices[device]);
        }
    }

    /// `device` edited `network`: every live connection of it hears so at once.
    pub fn edited<D: Device>(&mut self, devices: &mut [D], device: usize, network: &str) {
        for link in 0..self.links.len() {
            let Some(end) = self.links[link].end_of(device).filter(|_| self.links[link].up) else { continue };
            self.links[link].ends[end].changed_here(network, &mut devices[device]);
            self.drain_events(devices, link, end);
        }
    }

    /// Sends `message` from end `from` of `link` as if that device's protocol had (a peer that
    /// does not follow the protocol).
    pub fn inject<D: Device>(&mut self, devices: &mut [D], link: usize, from: usize, message: &Message) {
        self.carry(devices, link, 1 - from, frame::encode(message));
    }

    /// Runs until nothing is sent and nothing waits for the time.
    pub fn run<D: Device>(&mut self, devices: &mut [D]) {
        self.run_until(devices, None);
    }

    /// Runs for `time` at most: delivers everything, and does what falls due meanwhile. The
    /// clock then stands `time` later.
    pub fn run_for<D: Device>(&mut self, devices: &mut [D], time: Duration) {
        let until = self.now + time;
        self.run_until(devices, Some(until));
        self.now = until;
    }

    fn run_until<D: Device>(&mut self, devices: &mut [D], until: Option<Instant>) {
        loop {
            while self.deliver_all(devices) {}
            let due = self
                .links
                .iter()
                .filter(|link| link.up)
                .flat_map(|link| link.ends.iter().filter_map(PeerConnection::poll_timeout))
                .min();
            let Some(due) = due.filter(|due| until.is_none_or(|until| *due <= until)) else { return };
            self.now = self.now.max(due);
            for link in 0..self.links.len() {
                for end in 0..2 {
                    let at = &mut self.links[link];
                    if !at.up || at.ends[end].poll_timeout().is_none_or(|due| due > self.now) {
                        continue;
                    }
                    let device = at.devices[end];
                    let timed_out = at.ends[end].handle_timeout(self.now, &mut devices[device]);
                    self.drain_events(devices, link, end);
                    if let Err(error) = timed_out {
                        self.close(link, end, Closed::Protocol(error));
                    }
                }
            }
        }
    }

    /// Moves every frame waiting on every live link; whether any moved.
    fn deliver_all<D: Device>(&mut self, devices: &mut [D]) -> bool {
        let mut moved = false;
        for link in 0..self.links.len() {
            for from in 0..2 {
                while self.links[link].up
                    && let Some(message) = self.links[link].ends[from].poll_transmit()
                {
                    moved = true;
                    self.carry(devices, link, 1 - from, frame::encode(&message));
                }
            }
        }
        moved
    }

    /// Puts `bytes` on the stream end `to` reads, and handles the whole messages in it.
    fn carry<D: Device>(&mut self, devices: &mut [D], link: usize, to: usize, bytes: Vec<u8>) {
        let at = &mut self.links[link];
        if !at.up {
            return;
        }
        at.bytes += bytes.len();
        at.frames += 1;
        at.readers[to].push(&bytes);
        let device = at.devices[to];
        loop {
            let at = &mut self.links[link];
            at.readers[to].set_limit(at.ends[to].frame_limit());
            let message = match at.readers[to].next_message() {
                Ok(Some(message)) => message,
                Ok(None) => return,
                Err(error) => return self.close(link, to, Closed::Frame(error)),
            };
            devices[device].before_message();
            let handled = at.ends[to].handle_message(message, &mut devices[device]);
            self.drain_events(devices, link, to);
            if let Err(error) = handled {
                if matches!(error, ProtocolError::Stranger) {
                    // It gets the refusal and nothing more.
                    while let Some(message) = self.links[link].ends[to].poll_transmit() {
                        self.carry(devices, link, 1 - to, frame::encode(&message));
                    }
                }
                return self.close(link, to, Closed::Protocol(error));
            }
        }
    }

    fn close(&mut self, link: usize, end: usize, why: Closed) {
        let at = &mut self.links[link];
        if at.up {
            at.up = false;
            at.closed = Some((at.devices[end], why));
        }
    }

    /// Hands the events of one end to its device and the log, and tells the device's other
    /// connections of the changes it brought (as the node does).
    fn drain_events<D: Device>(&mut self, devices: &mut [D], link: usize, end: usize) {
        let device = self.links[link].devices[end];
        while let Some(event) = self.links[link].ends[end].poll_event() {
            devices[device].event(&event);
            if let Event::Changed { network } | Event::Switched { network, .. } = &event {
                for (other, at) in self.links.iter_mut().enumerate() {
                    if other != link
                        && at.up
                        && let Some(end) = at.end_of(device)
                    {
                        at.ends[end].changed_elsewhere(network, self.now);
                    }
                }
            }
            self.events.push((device, event));
        }
    }
}

/// The names of the variants of the enum `T`, in order, as its `Deserialize` knows them: for
/// tests that pin every kind of a message on the wire (a new kind fails them until pinned).
pub fn variant_names<T: serde::de::DeserializeOwned>() -> Vec<&'static str> {
    use serde::de::{Error, Visitor, value};

    struct Names<'a>(&'a mut &'static [&'static str]);

    impl<'de> serde::Deserializer<'de> for Names<'_> {
        type Error = value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, value::Error> {
            Err(value::Error::custom("not an enum"))
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, value::Error> {
            *self.0 = variants;
            Err(value::Error::custom("names read"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
            unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
        }
    }

    let mut names: &'static [&'static str] = &[];
    let _ = T::deserialize(Names(&mut names));
    names.to_vec()
}

/// A hand-off with every field set: what the tests that pin how messages are sent put in
/// every message that carries one.
pub fn example_handoff() -> crate::Handoff {
    crate::Handoff {
        network: "n".into(),
        from: "f".into(),
        to: "t".into(),
        first: [0xf1; 32],
        device: "d".into(),
        signature: vec![0x5a],
        coordinators: vec!["k".into()],
        base: BTreeMap::from([("a".into(), 300)]),
    }
}

/// A signature on a change, likewise.
pub fn example_signed() -> crate::Signed {
    crate::Signed { change: [0xc1; 32], signature: vec![0x51, 0x52] }
}
