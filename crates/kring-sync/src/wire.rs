//! What travels on a `kring/sync/3` stream, one message per frame.

use serde::{Deserialize, Serialize};

use crate::chapter::NextChapter;
use crate::signed::Signed;

/// The ALPN of member-to-member sync. The number changes with any incompatible change.
pub const SYNC_ALPN: &[u8] = b"kring/sync/3";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    /// Asks to sync one network, in the chapter this side holds (empty for a first chapter).
    Open { network: String, chapter: String },
    /// One Automerge sync message for an open network's chapter, with the signatures of the
    /// device tips among the changes it carries (see [`crate::signed`]).
    Sync { network: String, chapter: String, data: Vec<u8>, signatures: Vec<Signed> },
    /// This side holds the network in another chapter than the one opened, and cannot show the
    /// way from that one to its own.
    Chapter { network: String, chapter: String },
    /// The network continues in a new chapter: the hand-off from the chapter the peer opened,
    /// and the whole new chapter (see [`crate::chapter`]).
    NextChapter { network: String, next: Box<NextChapter> },
    /// The other side does not sync this network with this device. Sent alike whether the
    /// network is unknown or the device is not a member, so a stranger learns nothing.
    Refused { network: String },
    /// How to reach member devices of an open network, so that every member learns how to
    /// reach every other without a server.
    Peers { network: String, peers: Vec<PeerAddr> },
}

/// A device and the addresses it was last reached at (as text; the transport parses them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerAddr {
    pub device: String,
    pub addrs: Vec<String>,
}

impl Message {
    pub fn network(&self) -> &str {
        match self {
            Message::Open { network, .. }
            | Message::Sync { network, .. }
            | Message::Chapter { network, .. }
            | Message::NextChapter { network, .. }
            | Message::Refused { network }
            | Message::Peers { network, .. } => network,
        }
    }
}
