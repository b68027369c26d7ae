//! What a running node reports to whoever drives it (the CLI prints these as JSON lines, the
//! desktop client shows them in its sync status).

use serde::Serialize;

/// How a connected peer is reached now, in the words a person needs: over the school's own
/// network, straight over the internet, or over the internet through a relay. The address is
/// kept for whoever wants to see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerPath {
    /// Straight to the other laptop at a private, link-local or loopback address: the school's
    /// (or home's) own network.
    Local { addr: String },
    /// Straight to the other laptop at a public address.
    Internet { addr: String },
    /// Through a relay: neither laptop could reach the other straight.
    Relay,
}

impl PeerPath {
    /// The path to a laptop at `ip`, reached straight.
    pub fn direct(ip: std::net::SocketAddr) -> PeerPath {
        let local = match ip.ip() {
            std::net::IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
            std::net::IpAddr::V6(v6) => v6.is_loopback() || v6.is_unique_local() || v6.is_unicast_link_local(),
        };
        let addr = ip.to_string();
        if local { PeerPath::Local { addr } } else { PeerPath::Internet { addr } }
    }
}

/// How this device found a peer: what the sync status shows, so a person can tell whether LAN
/// discovery works or a typed address did the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FoundVia {
    /// The peer connected to this device.
    Incoming,
    /// Found by its id on the local network (mDNS), with no address known before.
    Lan,
    /// An address a person typed in.
    Typed,
    /// The addresses in an invitation ticket.
    Ticket,
    /// An address another member's device passed on.
    Member,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum NodeEvent {
    /// A connection to the device opened. Each connection says so, and says when it ends: two
    /// laptops that dial each other at once hold two for a moment, and their events interleave.
    PeerConnected {
        endpoint: String,
        /// This connection among the node's (see [`NodeEvent::PeerDisconnected`]).
        connection: u64,
        found_via: FoundVia,
    },
    /// A large message from a peer is arriving (the first sync of a big network): `received`
    /// of `total` bytes so far.
    Progress {
        endpoint: String,
        received: u64,
        total: u64,
    },
    PeerDisconnected {
        endpoint: String,
        connection: u64,
        reason: String,
        sent_bytes: u64,
        received_bytes: u64,
    },
    /// Changes from a peer were applied and saved.
    Received {
        network: String,
        endpoint: String,
        connection: u64,
    },
    /// Both sides hold the same heads; `at` (Unix milliseconds) is "last synced".
    InSync {
        network: String,
        endpoint: String,
        connection: u64,
        at: i64,
    },
    Refused {
        network: String,
        endpoint: String,
    },
    /// A member's device that synced the network with this laptop before refuses it now: this
    /// laptop's member was removed from the network (or left out of its new chapter).
    Removed {
        network: String,
        endpoint: String,
    },
    /// A peer sent changes Kring refuses: unsigned, or breaking the rules (what, and whose
    /// laptop sent it, are in `refusal`). Nothing of that message was kept; the connection
    /// was closed.
    Distrusted {
        network: String,
        endpoint: String,
        /// "Bram Jansen's laptop sent a change Kring refuses: making themselves coordinator".
        reason: String,
        /// The member whose device made the change, and the rule it broke, when it was a member.
        member: Option<String>,
        breach: Option<kring_model::trust::Breach>,
    },
    /// A member device sent more changes built on changes it never sent (which wait for those)
    /// than Kring holds for one connection: `bytes`, of at most `max`. The message was refused,
    /// what it had waiting dropped, and the connection closed.
    TooMuchWaiting {
        network: String,
        endpoint: String,
        bytes: u64,
        max: u64,
    },
    MemberJoined {
        network: String,
        member: String,
        endpoint: String,
    },
    JoinRefused {
        endpoint: String,
        reason: String,
    },
    Error {
        message: String,
    },
    /// The internet came or went (DNS answers, or stopped answering): said once per change.
    /// Without it Kring works on the local network only.
    Internet {
        reachable: bool,
    },
    /// This laptop is now on chapter `number` of the network, given by the device `endpoint`
    /// (a member) or begun here (`None`).
    ChapterSwitched {
        network: String,
        number: u64,
        endpoint: Option<String>,
        /// Texts and values this laptop wrote offline in the old chapter that were written again
        /// in the new one, and those that were not (their record was erased).
        carried_over: usize,
        left_out: usize,
        /// Characters typed offline inside text the new chapter lacks: kept, placed after the
        /// nearest character it has.
        displaced: usize,
    },
    /// The device holds the network in another chapter, and neither side could show the way
    /// from the other's: nothing was synced with it.
    OtherChapter {
        network: String,
        endpoint: String,
    },
    /// Two coordinators each began a chapter from the same one, and every laptop goes on in the
    /// same one of the two: chapter `number`, begun by `by` (a member's name). `switched`: this
    /// laptop left the other one just now, carrying its own work over (see `ChapterSwitched`);
    /// otherwise it gave its chapter to a laptop on the other, device `endpoint`.
    ConcurrentChapters {
        network: String,
        number: u64,
        by: String,
        switched: bool,
        endpoint: String,
    },
    /// The device holds the network in chapter `chapter` (its id; empty for the first).
    PeerChapter {
        network: String,
        endpoint: String,
        chapter: String,
    },
    /// An attachment's bytes are arriving from member device `endpoint`: `received` of `total`.
    AttachmentProgress {
        network: String,
        hash: String,
        endpoint: String,
        received: u64,
        total: u64,
    },
    /// An attachment's bytes are whole on this laptop now, the last of them from `endpoint`.
    AttachmentFetched {
        network: String,
        hash: String,
        endpoint: String,
        bytes: u64,
    },
    /// This laptop gave member device `endpoint` the bytes of an attachment of `network`.
    AttachmentServed {
        network: String,
        hash: String,
        endpoint: String,
    },
    /// A member's device asked for bytes no network it is in lists: given nothing.
    AttachmentRefused {
        endpoint: String,
        hash: String,
    },
}

/// How much of a reason or message an event keeps: with the rest of the event (ids and
/// numbers) well under 1 KB as one JSON or log line.
const MAX_REASON: usize = 160;

impl NodeEvent {
    /// The event with every text cut to its size ([`crate::short`]): ids, names and errors
    /// can come from a peer, and each event becomes one line in `kring serve`'s output.
    pub fn bounded(self) -> NodeEvent {
        use crate::short::{shorten, shorten_to};
        let id = |text: String| shorten(&text).into_owned();
        let reason = |text: String| shorten_to(&text, MAX_REASON).into_owned();
        match self {
            NodeEvent::PeerConnected { endpoint, connection, found_via } => {
                NodeEvent::PeerConnected { endpoint: id(endpoint), connection, found_via }
            }
            NodeEvent::Progress { endpoint, received, total } => {
                NodeEvent::Progress { endpoint: id(endpoint), received, total }
            }
            NodeEvent::PeerDisconnected { endpoint, connection, reason: why, sent_bytes, received_bytes } => {
                let (endpoint, reason) = (id(endpoint), reason(why));
                NodeEvent::PeerDisconnected { endpoint, connection, reason, sent_bytes, received_bytes }
            }
            NodeEvent::Received { network, endpoint, connection } => {
                NodeEvent::Received { network: id(network), endpoint: id(endpoint), connection }
            }
            NodeEvent::InSync { network, endpoint, connection, at } => {
                NodeEvent::InSync { network: id(network), endpoint: id(endpoint), connection, at }
            }
            NodeEvent::Refused { network, endpoint } => {
                NodeEvent::Refused { network: id(network), endpoint: id(endpoint) }
            }
            NodeEvent::Removed { network, endpoint } => {
                NodeEvent::Removed { network: id(network), endpoint: id(endpoint) }
            }
            NodeEvent::Distrusted { network, endpoint, reason: why, member, breach } => NodeEvent::Distrusted {
                network: id(network),
                endpoint: id(endpoint),
                reason: reason(why),
                member: member.map(id),
                breach,
            },
            NodeEvent::TooMuchWaiting { network, endpoint, bytes, max } => {
                NodeEvent::TooMuchWaiting { network: id(network), endpoint: id(endpoint), bytes, max }
            }
            NodeEvent::MemberJoined { network, member, endpoint } => {
                NodeEvent::MemberJoined { network: id(network), member: id(member), endpoint: id(endpoint) }
            }
            NodeEvent::JoinRefused { endpoint, reason: why } => {
                NodeEvent::JoinRefused { endpoint: id(endpoint), reason: reason(why) }
            }
            NodeEvent::Error { message } => NodeEvent::Error { message: reason(message) },
            NodeEvent::Internet { reachable } => NodeEvent::Internet { reachable },
            NodeEvent::ChapterSwitched { network, number, endpoint, carried_over, left_out, displaced } => {
                let (network, endpoint) = (id(network), endpoint.map(id));
                NodeEvent::ChapterSwitched { network, number, endpoint, carried_over, left_out, displaced }
            }
            NodeEvent::OtherChapter { network, endpoint } => {
                NodeEvent::OtherChapter { network: id(network), endpoint: id(endpoint) }
            }
            NodeEvent::PeerChapter { network, endpoint, chapter } => {
                NodeEvent::PeerChapter { network: id(network), endpoint: id(endpoint), chapter: id(chapter) }
            }
            NodeEvent::ConcurrentChapters { network, number, by, switched, endpoint } => {
                let (network, by, endpoint) = (id(network), reason(by), id(endpoint));
                NodeEvent::ConcurrentChapters { network, number, by, switched, endpoint }
            }
            NodeEvent::AttachmentProgress { network, hash, endpoint, received, total } => {
                let (network, hash, endpoint) = (id(network), id(hash), id(endpoint));
                NodeEvent::AttachmentProgress { network, hash, endpoint, received, total }
            }
            NodeEvent::AttachmentFetched { network, hash, endpoint, bytes } => {
                let (network, hash, endpoint) = (id(network), id(hash), id(endpoint));
                NodeEvent::AttachmentFetched { network, hash, endpoint, bytes }
            }
            NodeEvent::AttachmentServed { network, hash, endpoint } => {
                NodeEvent::AttachmentServed { network: id(network), hash: id(hash), endpoint: id(endpoint) }
            }
            NodeEvent::AttachmentRefused { endpoint, hash } => {
                NodeEvent::AttachmentRefused { endpoint: id(endpoint), hash: id(hash) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_of_an_event_is_bounded() {
        let huge = "n".repeat(16 * 1024 * 1024);
        let events = [
            NodeEvent::Refused { network: huge.clone(), endpoint: huge.clone() },
            NodeEvent::PeerDisconnected {
                endpoint: "e".into(),
                connection: 1,
                reason: huge.clone(),
                sent_bytes: 1,
                received_bytes: 2,
            },
            NodeEvent::JoinRefused { endpoint: "e".into(), reason: format!("line\n{huge}") },
            NodeEvent::Error { message: huge.clone() },
        ];
        for event in events {
            let line = serde_json::to_string(&event.bounded()).unwrap();
            assert!(line.len() < 1024, "{} bytes", line.len());
            assert!(!line.contains('\n'));
        }
        let kept = NodeEvent::Refused { network: "0123".into(), endpoint: "abcd".into() };
        assert_eq!(kept.clone().bounded(), kept);
    }

    #[test]
    fn a_direct_path_is_local_for_private_link_local_and_loopback_addresses_only() {
        let path = |addr: &str| PeerPath::direct(addr.parse().unwrap());
        for local in ["192.168.1.5:4433", "10.0.0.7:1", "172.16.3.4:1", "127.0.0.1:1", "169.254.1.1:1"] {
            assert!(matches!(path(local), PeerPath::Local { .. }), "{local}");
        }
        for local in ["[fe80::1]:1", "[fd12:3456::1]:1", "[::1]:1"] {
            assert!(matches!(path(local), PeerPath::Local { .. }), "{local}");
        }
        for internet in ["8.8.8.8:53", "145.97.1.2:4433", "[2001:4860::8888]:1"] {
            assert_eq!(
                path(internet),
                PeerPath::Internet { addr: internet.parse::<std::net::SocketAddr>().unwrap().to_string() }
            );
        }
    }
}
