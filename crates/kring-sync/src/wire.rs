//! What travels on a `kring/sync/3` stream, one message per frame.

use serde::{Deserialize, Serialize};

use crate::chapter::{Handoff, NextChapter, NextChapterV1};
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
    /// What an older Kring answers an open of another chapter with, when it cannot show the
    /// way from that one: its own chapter. Answered like [`Message::Chain`] with no hand-offs.
    Chapter { network: String, chapter: String },
    /// What an older Kring sends a member on the chapter it came from: the one hand-off.
    NextChapter { network: String, next: Box<NextChapterV1> },
    /// The other side does not sync this network with this device. Sent alike whether the
    /// network is unknown or the device is not a member, so a stranger learns nothing.
    Refused { network: String },
    /// How to reach member devices of an open network, so that every member learns how to
    /// reach every other without a server.
    Peers { network: String, peers: Vec<PeerAddr> },
    /// This side holds the network in another chapter than the peer's, reached by these
    /// hand-offs (see [`crate::chain`]): the peer shows the way if its own chapter goes on.
    Chain { network: String, chapter: String, chain: Vec<Handoff> },
    /// The network goes on in this side's chapter: its chain, and the chapter whole (see
    /// [`crate::chapter`]).
    Way { network: String, next: Box<NextChapter> },
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
            | Message::Peers { network, .. }
            | Message::Chain { network, .. }
            | Message::Way { network, .. } => network,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Laptops that have not updated yet keep sending the first six kinds of message: each
    /// still reads as it did (the kind is its place in the list, so new kinds go at the end).
    #[test]
    fn the_older_messages_read_as_before() {
        let open = Message::Open { network: "n".into(), chapter: "c".into() };
        assert_eq!(postcard::to_stdvec(&open).unwrap(), [0, 1, b'n', 1, b'c']);
        let chapter = Message::Chapter { network: "n".into(), chapter: "c".into() };
        assert_eq!(postcard::to_stdvec(&chapter).unwrap(), [2, 1, b'n', 1, b'c']);
        assert_eq!(postcard::to_stdvec(&Message::Refused { network: "n".into() }).unwrap(), [4, 1, b'n']);
        let mut next = vec![3, 1, b'n', 1, b'n', 0, 1, b't'];
        next.extend([1; 32]);
        next.extend([1, b'd', 1, 9, 2, 7, 7, 0]);
        let Ok(Message::NextChapter { next: old, .. }) = postcard::from_bytes::<Message>(&next) else {
            panic!("an older Kring's next chapter reads")
        };
        assert_eq!(
            (old.handoff.to.as_str(), old.handoff.signature.as_slice(), old.document.as_slice()),
            ("t", &[9][..], &[7, 7][..])
        );
        let chain = Message::Chain { network: "n".into(), chapter: "c".into(), chain: Vec::new() };
        assert_eq!(postcard::to_stdvec(&chain).unwrap()[0], 6);
        let way = Message::Way {
            network: "n".into(),
            next: Box::new(NextChapter { chain: Vec::new(), document: Vec::new(), signatures: Vec::new() }),
        };
        assert_eq!(postcard::to_stdvec(&way).unwrap()[0], 7);
    }
}
