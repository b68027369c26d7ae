//! What travels on a `kring/sync/1` stream, one message per frame.

use serde::{Deserialize, Serialize};

/// The ALPN of member-to-member sync. The number changes with any incompatible change.
pub const SYNC_ALPN: &[u8] = b"kring/sync/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    /// The dialing side asks to sync one network.
    Open { network: String },
    /// One Automerge sync message for an open network.
    Sync { network: String, data: Vec<u8> },
    /// The other side does not sync this network with this device. Sent alike whether the
    /// network is unknown or the device is not a member, so a stranger learns nothing.
    Refused { network: String },
}

impl Message {
    pub fn network(&self) -> &str {
        match self {
            Message::Open { network } | Message::Sync { network, .. } | Message::Refused { network } => network,
        }
    }
}
