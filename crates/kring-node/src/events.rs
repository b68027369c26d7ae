//! What a running node reports to whoever drives it (the CLI prints these as JSON lines, the
//! desktop client shows them in its sync status).

use serde::Serialize;

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
    PeerConnected {
        endpoint: String,
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
        reason: String,
        sent_bytes: u64,
        received_bytes: u64,
    },
    /// Changes from a peer were applied and saved.
    Received {
        network: String,
        endpoint: String,
    },
    /// Both sides hold the same heads; `at` (Unix milliseconds) is "last synced".
    InSync {
        network: String,
        endpoint: String,
        at: i64,
    },
    Refused {
        network: String,
        endpoint: String,
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
}
