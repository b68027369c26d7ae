//! What a connection does over time, and with a device it does not know yet: when changes from
//! other peers are passed on, how long a device that connects may stay silent, how large its
//! frames may be before it opened a network it may sync, and when a connection that only syncs
//! once is done. [`crate::PeerConnection`] owns one [`Policy`]; the time is always passed in
//! ([`crate::PeerConnection::handle_timeout`], [`crate::PeerConnection::poll_timeout`]), the
//! protocol never reads a clock, so a test runs it with a virtual one.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// How long changes from other peers wait before they are passed on; edits made on this device
/// go out at once. When everyone is connected to everyone (a meeting on one LAN), the peer has
/// usually got them from the writer by then, and said so, and they are not sent twice.
pub const RELAY_DELAY: Duration = Duration::from_millis(100);

/// A device that connects must say something within this time: a silent one would hold a
/// connection (and its memory) for ever.
pub const FIRST_MESSAGE_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest frame a device may send until it has opened a network it may sync: room for an
/// `Open` naming a network, nothing a stranger could fill memory with. From then on frames may
/// be [`crate::MAX_FRAME`] (a whole network on a first sync).
pub const STRANGER_FRAME: usize = 256;

/// Network ids are 32 hex digits. A message naming a longer one is not from a Kring peer and
/// ends the connection; its name is neither logged nor echoed in a refusal.
pub const MAX_NETWORK_ID: usize = 64;

/// Changes that reached this device from other peers, waiting [`RELAY_DELAY`] to be passed on.
#[derive(Debug, Default)]
pub(crate) struct Relay {
    networks: BTreeSet<String>,
    due: Option<Instant>,
}

impl Relay {
    /// Changes reached `network` at `now`: they go with the ones already waiting, or in
    /// [`RELAY_DELAY`].
    pub(crate) fn add(&mut self, network: &str, now: Instant) {
        self.networks.insert(network.to_string());
        self.due.get_or_insert(now + RELAY_DELAY);
    }

    /// The peer's message about `network` is being answered, and the answer carries everything.
    pub(crate) fn remove(&mut self, network: &str) {
        self.networks.remove(network);
        if self.networks.is_empty() {
            self.due = None;
        }
    }

    /// The networks to pass on now, if their time has come.
    pub(crate) fn take_due(&mut self, now: Instant) -> Option<BTreeSet<String>> {
        if self.due? > now {
            return None;
        }
        self.due = None;
        Some(std::mem::take(&mut self.networks))
    }

    pub(crate) fn due(&self) -> Option<Instant> {
        self.due
    }
}

/// The time and trust state of one connection.
#[derive(Debug, Default)]
pub(crate) struct Policy {
    pub(crate) relay: Relay,
    /// The accepting side waits for the peer's first whole message until then.
    pub(crate) first_message_by: Option<Instant>,
    /// A whole message from the peer was read.
    pub(crate) heard: bool,
    /// The device has opened a network it may sync here (or this side opened one with it), or
    /// is a member device of one: it may send frames of any size. Until then only an `Open` of
    /// at most [`STRANGER_FRAME`] bytes. Once trusted, a connection stays so.
    pub(crate) trusted: bool,
    /// Networks this side dialed for: the ones that must reach a verdict before a connection
    /// that syncs once is done.
    pub(crate) wanted: BTreeSet<String>,
    /// Networks refused on this connection (by either side), or held by the peer in a chapter
    /// nothing ties to this side's.
    pub(crate) refused: BTreeSet<String>,
}

impl Policy {
    /// The next moment something is due: relayed changes, or the end of a silent peer.
    pub(crate) fn timeout(&self) -> Option<Instant> {
        let silent_by = self.first_message_by.filter(|_| !self.heard);
        match (self.relay.due(), silent_by) {
            (Some(relay), Some(silent)) => Some(relay.min(silent)),
            (relay, silent) => relay.or(silent),
        }
    }

    /// Whether the peer stayed silent past its first-message deadline.
    pub(crate) fn silent_at(&self, now: Instant) -> bool {
        !self.heard && self.first_message_by.is_some_and(|by| by <= now)
    }
}
