//! What a running node reports to whoever drives it (the CLI prints these as JSON lines, the
//! desktop client shows them in its sync status).

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum NodeEvent {
    PeerConnected {
        endpoint: String,
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
