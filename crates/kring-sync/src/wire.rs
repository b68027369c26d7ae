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
    use crate::chapter::HandoffV1;

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

    /// One example of every kind of message, in the order of [`Message`], with the bytes it is
    /// sent as (postcard, in hex; spaces only for reading). These bytes are the protocol as it
    /// ships: laptops that have not updated read exactly these. Strings and lists begin with
    /// their length, `[u8; 32]` has none, numbers are varints (300 is `ac02`).
    fn pinned() -> Vec<(Message, &'static str)> {
        let signed = crate::testing::example_signed;
        let handoff = crate::testing::example_handoff();
        let handoff_v1 = HandoffV1 {
            network: "n".into(),
            from: "f".into(),
            to: "t".into(),
            first: [0xf1; 32],
            device: "d".into(),
            signature: vec![0x5a],
        };
        vec![
            (
                Message::Open { network: "n".into(), chapter: "c".into() },
                concat!(
                    "00",   // Open
                    "016e", // network "n"
                    "0163", // chapter "c"
                ),
            ),
            (
                Message::Sync {
                    network: "n".into(),
                    chapter: "c".into(),
                    data: vec![0x42, 7],
                    signatures: vec![signed()],
                },
                concat!(
                    "01",                                                               // Sync
                    "016e 0163",                                                        // network, chapter
                    "024207",                                                           // data
                    "01",                                                               // signatures: one
                    "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", // change
                    "025152",                                                           // signature
                ),
            ),
            (
                Message::Chapter { network: "n".into(), chapter: "c".into() },
                concat!(
                    "02",        // Chapter
                    "016e 0163", // network, chapter
                ),
            ),
            (
                Message::NextChapter {
                    network: "n".into(),
                    next: Box::new(NextChapterV1 {
                        handoff: handoff_v1,
                        document: vec![0xd0],
                        signatures: vec![signed()],
                    }),
                },
                concat!(
                    "03",                                                               // NextChapter
                    "016e",                                                             // network
                    "016e 0166 0174",                                                   // hand-off: network, from, to
                    "f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1", // first
                    "0164 015a",                                                        // device, signature
                    "01d0",                                                             // document
                    "01",                                                               // signatures: one
                    "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", // change
                    "025152",                                                           // signature
                ),
            ),
            (
                Message::Refused { network: "n".into() },
                concat!(
                    "04",   // Refused
                    "016e", // network
                ),
            ),
            (
                Message::Peers {
                    network: "n".into(),
                    peers: vec![PeerAddr { device: "d".into(), addrs: vec!["1.2.3.4:5".into()] }],
                },
                concat!(
                    "05",                      // Peers
                    "016e",                    // network
                    "01 0164",                 // peers: one, device "d"
                    "01 09312e322e332e343a35", // its addrs: "1.2.3.4:5"
                ),
            ),
            (
                Message::Chain { network: "n".into(), chapter: "c".into(), chain: vec![handoff.clone()] },
                concat!(
                    "06",                                                               // Chain
                    "016e 0163",                                                        // network, chapter
                    "01",                                                               // chain: one hand-off
                    "016e 0166 0174",                                                   // network, from, to
                    "f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1", // first
                    "0164 015a",                                                        // device, signature
                    "01 016b",                                                          // coordinators: "k"
                    "01 0161 ac02",                                                     // base: "a" at 300
                ),
            ),
            (
                Message::Way {
                    network: "n".into(),
                    next: Box::new(NextChapter {
                        chain: vec![handoff],
                        document: vec![0xd0],
                        signatures: vec![signed()],
                    }),
                },
                concat!(
                    "07",                                                               // Way
                    "016e",                                                             // network
                    "01",                                                               // chain: one hand-off
                    "016e 0166 0174",                                                   // network, from, to
                    "f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1", // first
                    "0164 015a",                                                        // device, signature
                    "01 016b",                                                          // coordinators: "k"
                    "01 0161 ac02",                                                     // base: "a" at 300
                    "01d0",                                                             // document
                    "01",                                                               // signatures: one
                    "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", // change
                    "025152",                                                           // signature
                ),
            ),
        ]
    }

    /// The name of a kind of message. No wildcard: a new kind of message does not compile here
    /// until it is named, and [`every_kind_of_message_is_pinned`] then asks for its bytes.
    fn kind(message: &Message) -> &'static str {
        match message {
            Message::Open { .. } => "Open",
            Message::Sync { .. } => "Sync",
            Message::Chapter { .. } => "Chapter",
            Message::NextChapter { .. } => "NextChapter",
            Message::Refused { .. } => "Refused",
            Message::Peers { .. } => "Peers",
            Message::Chain { .. } => "Chain",
            Message::Way { .. } => "Way",
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len()).step_by(2).map(|at| u8::from_str_radix(&text[at..at + 2], 16).unwrap()).collect()
    }

    /// Every message is sent as the bytes pinned for it, and those bytes read as the message.
    #[test]
    fn every_message_is_sent_as_pinned() {
        let alpn = String::from_utf8_lossy(SYNC_ALPN);
        for (message, pinned) in pinned() {
            let pinned = pinned.replace(' ', "");
            let sent = postcard::to_stdvec(&message).unwrap();
            assert_eq!(
                hex(&sent),
                pinned,
                "a {} message is no longer sent as before, and laptops on {alpn} would misread it: changing how a \
                 message is encoded needs a new ALPN (SYNC_ALPN, now {alpn}). A new kind of message goes at the end \
                 of `Message`, and is pinned here",
                kind(&message),
            );
            assert_eq!(postcard::from_bytes::<Message>(&unhex(&pinned)).unwrap(), message, "{}", kind(&message));
        }
    }

    /// Every kind of message serde knows of has its bytes pinned, in the order they are numbered
    /// on the wire (a kind is sent as its place in [`Message`]).
    #[test]
    fn every_kind_of_message_is_pinned() {
        let pinned: Vec<&str> = pinned().iter().map(|(message, _)| kind(message)).collect();
        assert_eq!(
            pinned,
            crate::testing::variant_names::<Message>(),
            "every kind of message must be pinned in `pinned()`, in the order of `Message`, with the bytes \
             it is sent as"
        );
    }
}
