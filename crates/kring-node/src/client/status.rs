//! The sync status an interface shows at all times, kept up to date from the node's events.

use std::collections::{BTreeMap, BTreeSet};

use crate::events::{FoundVia, NodeEvent};

/// How far this device can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reach {
    /// Offline mode: only addresses given and the LAN.
    #[default]
    Offline,
    /// No relay reached: laptops on the same network only.
    LanOnly,
    /// A relay is reached: members anywhere on the internet.
    Online,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeerStatus {
    /// A connection to the peer is open.
    pub connected: bool,
    /// Networks this peer and this device hold identically (over a connection open now, or
    /// the last one).
    pub in_sync: BTreeSet<String>,
    /// Networks changes arrived for and that are not yet in sync.
    pub receiving: BTreeSet<String>,
    /// The connections open to the peer, by the node's id for each: what each says is its
    /// own, so a connection closing (a duplicate of two dialed at once, one left from before
    /// a restart) never hides what another still carries.
    pub(crate) connections: BTreeMap<u64, ConnectionStatus>,
    /// Unix milliseconds.
    pub last_synced: Option<i64>,
    /// How the peer is reached, while connected.
    pub path: Option<crate::PeerPath>,
    pub sent_bytes: u64,
    pub received_bytes: u64,
    pub refused: bool,
    /// How this device found the peer, for its last connection.
    pub found_via: Option<FoundVia>,
    /// Bytes received of a large message still arriving, and its size.
    pub progress: Option<(u64, u64)>,
    /// The chapter (its id) of each network this peer last said it holds.
    pub chapters: BTreeMap<String, String>,
}

/// What one open connection to a peer carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ConnectionStatus {
    in_sync: BTreeSet<String>,
    receiving: BTreeSet<String>,
}

impl PeerStatus {
    /// Shows what the open connections carry; once none is open, what the last one did.
    fn show_connections(&mut self) {
        self.connected = !self.connections.is_empty();
        if self.connected {
            let each = self.connections.values();
            self.in_sync = each.clone().flat_map(|c| c.in_sync.iter().cloned()).collect();
            self.receiving = each.flat_map(|c| c.receiving.iter().cloned()).collect();
        } else {
            self.receiving.clear();
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncStatus {
    pub reach: Reach,
    /// This device's address, for typing into another laptop when LAN discovery fails.
    pub address: String,
    /// By device id.
    pub peers: BTreeMap<String, PeerStatus>,
    pub last_error: Option<String>,
    /// The last message a peer sent that Kring refused (unsigned, or breaking the rules).
    pub refused_change: Option<RefusedChange>,
    /// The last time a member's laptop brought this one to a network's next chapter.
    pub switched: Option<Switched>,
    /// Networks this laptop's member was removed from, as a member's laptop that synced with
    /// it before said by refusing it.
    pub removed: BTreeSet<String>,
    /// The last time two coordinators were found to have begun a chapter each from the same one.
    pub concurrent: Option<Concurrent>,
}

/// Two coordinators each began a chapter from the same one; the network goes on in chapter
/// `number`, begun by `by`. `switched`: this laptop left the other one for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concurrent {
    pub network: String,
    pub number: u64,
    pub by: String,
    pub switched: bool,
}

/// This laptop took a network's next chapter from another member's laptop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switched {
    pub network: String,
    pub number: u64,
    /// Texts and values written offline in the old chapter, carried over, and left out
    /// because their record was erased.
    pub carried_over: usize,
    pub left_out: usize,
    /// Characters typed inside text the new chapter lacks, placed at the nearest spot.
    pub displaced: usize,
}

/// Whose laptop sent a change Kring refused, and what it tried: for the interface to say in
/// the person's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedChange {
    pub network: String,
    pub endpoint: String,
    /// The member whose device made the change, if it was one.
    pub member: Option<String>,
    /// The rule it broke; `None` for a change without a valid signature.
    pub breach: Option<kring_model::trust::Breach>,
}

impl SyncStatus {
    pub fn connected(&self) -> usize {
        self.peers.values().filter(|p| p.connected).count()
    }

    /// Peers connected to sync `network`: none once this laptop was removed from it (the
    /// connections left carry other networks, or nothing).
    pub fn connected_in(&self, network: &str) -> usize {
        if self.removed.contains(network) { 0 } else { self.connected() }
    }

    /// Whether changes are still arriving from a connected peer.
    pub fn syncing(&self) -> bool {
        self.peers.values().any(|p| p.connected && (!p.receiving.is_empty() || p.progress.is_some()))
    }

    /// Bytes received and expected of the large messages arriving now (a long first sync).
    pub fn progress(&self) -> Option<(u64, u64)> {
        let arriving: Vec<(u64, u64)> = self.peers.values().filter_map(|p| p.progress).collect();
        (!arriving.is_empty()).then(|| arriving.iter().fold((0, 0), |(r, t), (pr, pt)| (r + pr, t + pt)))
    }

    pub fn last_synced(&self) -> Option<i64> {
        self.peers.values().filter_map(|p| p.last_synced).max()
    }

    /// Takes in one node event; returns the network whose document changed, if any.
    pub fn apply(&mut self, event: &NodeEvent) -> Option<String> {
        match event {
            NodeEvent::PeerConnected { endpoint, connection, found_via } => {
                let peer = self.peers.entry(endpoint.clone()).or_default();
                if peer.connections.is_empty() {
                    // Back after being away: nothing is known to be in sync yet.
                    peer.in_sync.clear();
                }
                peer.connections.insert(*connection, ConnectionStatus::default());
                peer.refused = false;
                peer.found_via = Some(*found_via);
                peer.show_connections();
                None
            }
            NodeEvent::Progress { endpoint, received, total } => {
                self.peers.entry(endpoint.clone()).or_default().progress = Some((*received, *total));
                None
            }
            NodeEvent::PeerDisconnected { endpoint, connection, sent_bytes, received_bytes, .. } => {
                let peer = self.peers.entry(endpoint.clone()).or_default();
                // One this status never saw open (it began following the node later) is left out.
                peer.connections.remove(connection)?;
                peer.show_connections();
                if !peer.connected {
                    peer.path = None;
                    peer.progress = None;
                }
                peer.sent_bytes = *sent_bytes;
                peer.received_bytes = *received_bytes;
                None
            }
            NodeEvent::Received { network, endpoint, connection } => {
                self.removed.remove(network);
                let peer = self.peers.entry(endpoint.clone()).or_default();
                // A laptop this one syncs with is not refused (any more): it was refused before
                // it joined, or before its membership arrived here.
                peer.refused = false;
                peer.progress = None;
                if let Some(carried) = peer.connections.get_mut(connection) {
                    carried.in_sync.remove(network);
                    carried.receiving.insert(network.clone());
                    peer.show_connections();
                }
                Some(network.clone())
            }
            NodeEvent::InSync { network, endpoint, connection, at } => {
                self.removed.remove(network);
                let peer = self.peers.entry(endpoint.clone()).or_default();
                peer.refused = false;
                peer.last_synced = Some(*at);
                if let Some(carried) = peer.connections.get_mut(connection) {
                    carried.receiving.remove(network);
                    carried.in_sync.insert(network.clone());
                    peer.show_connections();
                }
                None
            }
            NodeEvent::Removed { network, endpoint } => {
                self.removed.insert(network.clone());
                if let Some(peer) = self.peers.get_mut(endpoint) {
                    for carried in peer.connections.values_mut() {
                        carried.in_sync.remove(network);
                        carried.receiving.remove(network);
                    }
                    peer.in_sync.remove(network);
                    peer.show_connections();
                }
                Some(network.clone())
            }
            NodeEvent::Refused { endpoint, .. } => {
                self.peers.entry(endpoint.clone()).or_default().refused = true;
                None
            }
            NodeEvent::MemberJoined { network, .. } => Some(network.clone()),
            NodeEvent::ChapterSwitched { network, number, endpoint, carried_over, left_out, displaced } => {
                if endpoint.is_some() {
                    self.switched = Some(Switched {
                        network: network.clone(),
                        number: *number,
                        carried_over: *carried_over,
                        left_out: *left_out,
                        displaced: *displaced,
                    });
                }
                Some(network.clone())
            }
            // The disconnection that follows shows it; the log names the device.
            NodeEvent::OtherChapter { .. } | NodeEvent::TooMuchWaiting { .. } => None,
            NodeEvent::ConcurrentChapters { network, number, by, switched, .. } => {
                let (number, by, switched) = (*number, by.clone(), *switched);
                self.concurrent = Some(Concurrent { network: network.clone(), number, by, switched });
                Some(network.clone())
            }
            NodeEvent::PeerChapter { network, endpoint, chapter } => {
                self.peers.entry(endpoint.clone()).or_default().chapters.insert(network.clone(), chapter.clone());
                None
            }
            // The reach shown comes from the relay's state (see the backend), not DNS.
            NodeEvent::JoinRefused { .. } | NodeEvent::Internet { .. } => None,
            // Attachments are not shown in the sync status (yet).
            NodeEvent::AttachmentProgress { .. }
            | NodeEvent::AttachmentFetched { .. }
            | NodeEvent::AttachmentServed { .. }
            | NodeEvent::AttachmentRefused { .. } => None,
            NodeEvent::Distrusted { network, endpoint, member, breach, .. } => {
                self.refused_change = Some(RefusedChange {
                    network: network.clone(),
                    endpoint: endpoint.clone(),
                    member: member.clone(),
                    breach: *breach,
                });
                None
            }
            NodeEvent::Error { message } => {
                self.last_error = Some(message.clone());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANNA: &str = "anna's laptop";
    const NETWORK: &str = "plg rekenen";

    fn connected(connection: u64) -> NodeEvent {
        NodeEvent::PeerConnected { endpoint: ANNA.into(), connection, found_via: FoundVia::Incoming }
    }

    fn disconnected(connection: u64) -> NodeEvent {
        let reason = "already connected".into();
        NodeEvent::PeerDisconnected { endpoint: ANNA.into(), connection, reason, sent_bytes: 0, received_bytes: 0 }
    }

    fn in_sync(connection: u64) -> NodeEvent {
        NodeEvent::InSync { network: NETWORK.into(), endpoint: ANNA.into(), connection, at: 1 }
    }

    fn received(connection: u64) -> NodeEvent {
        NodeEvent::Received { network: NETWORK.into(), endpoint: ANNA.into(), connection }
    }

    fn shows(status: &SyncStatus) -> (usize, bool) {
        (status.connected(), status.peers[ANNA].in_sync.contains(NETWORK))
    }

    #[test]
    fn the_events_of_two_connections_to_one_laptop_show_the_same_in_any_order() {
        // Connection 2 survives; 1 is a duplicate (or one left from before a restart) whose
        // events arrive late: its opening after 2 is in sync, its changes, its end.
        let mut status = SyncStatus::default();
        for event in [connected(2), in_sync(2), connected(1), received(1), disconnected(1)] {
            status.apply(&event);
        }
        assert_eq!(shows(&status), (1, true));

        // The old connection's end after the new one opened: still online.
        let mut status = SyncStatus::default();
        for event in [connected(1), connected(2), disconnected(1), in_sync(2)] {
            status.apply(&event);
        }
        assert_eq!(shows(&status), (1, true));

        // In sync as long as a connection that carries it says so; offline once none is open.
        status.apply(&received(2));
        assert_eq!(shows(&status), (1, false));
        status.apply(&in_sync(2));
        status.apply(&disconnected(2));
        assert_eq!(shows(&status), (0, true), "the last connection's state stays shown");
        status.apply(&connected(3));
        assert_eq!(shows(&status), (1, false), "back: nothing known to be in sync yet");
    }

    #[test]
    fn a_network_this_laptop_was_removed_from_has_nobody_connected_until_it_syncs_again() {
        let mut status = SyncStatus::default();
        status.apply(&connected(1));
        status.apply(&in_sync(1));
        status.apply(&NodeEvent::Removed { network: NETWORK.into(), endpoint: ANNA.into() });
        assert_eq!((status.connected_in(NETWORK), status.connected_in("another")), (0, 1));
        assert!(!status.peers[ANNA].in_sync.contains(NETWORK));
        status.apply(&in_sync(1));
        assert_eq!(status.connected_in(NETWORK), 1, "let in again");
    }
}
