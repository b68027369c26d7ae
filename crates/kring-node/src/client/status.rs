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
    pub connected: bool,
    /// Networks this peer and this device hold identically (since it last connected).
    pub in_sync: BTreeSet<String>,
    /// Networks changes arrived for and that are not yet in sync.
    pub receiving: BTreeSet<String>,
    /// Unix milliseconds.
    pub last_synced: Option<i64>,
    /// `direct IP:PORT` or `relay`, while connected.
    pub path: Option<String>,
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
            NodeEvent::PeerConnected { endpoint, found_via } => {
                let peer = self.peers.entry(endpoint.clone()).or_default();
                peer.connected = true;
                peer.refused = false;
                peer.in_sync.clear();
                peer.found_via = Some(*found_via);
                None
            }
            NodeEvent::Progress { endpoint, received, total } => {
                self.peers.entry(endpoint.clone()).or_default().progress = Some((*received, *total));
                None
            }
            NodeEvent::PeerDisconnected { endpoint, sent_bytes, received_bytes, .. } => {
                let peer = self.peers.entry(endpoint.clone()).or_default();
                peer.connected = false;
                peer.path = None;
                peer.progress = None;
                peer.receiving.clear();
                peer.sent_bytes = *sent_bytes;
                peer.received_bytes = *received_bytes;
                None
            }
            NodeEvent::Received { network, endpoint } => {
                let peer = self.peers.entry(endpoint.clone()).or_default();
                // A laptop this one syncs with is not refused (any more): it was refused before
                // it joined, or before its membership arrived here.
                peer.refused = false;
                peer.in_sync.remove(network);
                peer.progress = None;
                peer.receiving.insert(network.clone());
                Some(network.clone())
            }
            NodeEvent::InSync { network, endpoint, at } => {
                let peer = self.peers.entry(endpoint.clone()).or_default();
                peer.refused = false;
                peer.receiving.remove(network);
                peer.in_sync.insert(network.clone());
                peer.last_synced = Some(*at);
                None
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
