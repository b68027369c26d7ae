//! Moving a laptop from one chapter of a network to the next (see `docs/chapters.md`).
//!
//! Two laptops on different chapters never merge their documents: that would bring back
//! everything the new chapter erased. A coordinator who starts a chapter signs a [`Handoff`]:
//! "network N continues from chapter A in chapter B, whose first change has hash H, led by these
//! coordinator devices". Every laptop keeps the chain of hand-offs from the network's first
//! chapter to its own ([`crate::chain`]), so that a member any number of chapters behind can be
//! shown the way hand-off by hand-off.

use std::collections::BTreeMap;

use automerge::ChangeHash;
use iroh_base::{PublicKey, SecretKey, Signature};
use serde::{Deserialize, Serialize};

use crate::signed::Signed;

/// Domain separation: a hand-off signature is never mistaken for a change signature.
const CONTEXT: &[u8] = b"kring chapter hand-off v2:";
/// What an older Kring signed: no coordinators, no base. Such a hand-off (kept in `handoff.bin`
/// by a laptop that switched before) still verifies, but declares no one for the chapter after.
const CONTEXT_V1: &[u8] = b"kring chapter hand-off v1:";

/// A coordinator's signed word that a network continues in a new chapter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    pub network: String,
    /// The chapter left behind (empty for a network's first chapter).
    pub from: String,
    /// The new chapter's id.
    pub to: String,
    /// The hash of the new chapter's first change.
    pub first: [u8; 32],
    /// The coordinator's device that signed, as a hex id.
    pub device: String,
    /// 64 bytes.
    pub signature: Vec<u8>,
    /// The new chapter's coordinator devices, as its first change copied them: who may sign the
    /// hand-off after it, for a laptop that never held this chapter.
    pub coordinators: Vec<String>,
    /// For every actor of the chapter left, the last of its changes the new chapter was copied
    /// from (as its first change records it): what a laptop that skips chapters carries its
    /// offline work over by, and of two chapters begun from the same one, the one copied from
    /// more changes goes on (see [`crate::chain::prefer`]).
    pub base: BTreeMap<String, u64>,
}

/// A hand-off as an older Kring wrote it (`handoff.bin`, the old `NextChapter` message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffV1 {
    pub network: String,
    pub from: String,
    pub to: String,
    pub first: [u8; 32],
    pub device: String,
    pub signature: Vec<u8>,
}

impl From<HandoffV1> for Handoff {
    fn from(old: HandoffV1) -> Handoff {
        let HandoffV1 { network, from, to, first, device, signature } = old;
        Handoff { network, from, to, first, device, signature, coordinators: Vec::new(), base: BTreeMap::new() }
    }
}

impl Handoff {
    /// Signs that `network` continues from chapter `from` in `to`, whose first change is
    /// `first`, led by `coordinators`, copied from `base` changes of `from`.
    pub fn sign(
        key: &SecretKey,
        network: &str,
        (from, to): (&str, &str),
        first: ChangeHash,
        coordinators: Vec<String>,
        base: BTreeMap<String, u64>,
    ) -> Handoff {
        let mut handoff = Handoff {
            network: network.to_string(),
            from: from.to_string(),
            to: to.to_string(),
            first: first.0,
            device: key.public().to_string(),
            signature: Vec::new(),
            coordinators,
            base,
        };
        handoff.signature = key.sign(&handoff.message()).to_bytes().to_vec();
        handoff
    }

    /// The signed words: every field but the signature, after the context.
    fn message(&self) -> Vec<u8> {
        let signed = (&self.network, &self.from, &self.to, &self.first, &self.device, &self.coordinators, &self.base);
        [CONTEXT, &postcard::to_stdvec(&signed).expect("always serialises")].concat()
    }

    fn message_v1(&self) -> Vec<u8> {
        let signed = (&self.network, &self.from, &self.to, &self.first, &self.device);
        [CONTEXT_V1, &postcard::to_stdvec(&signed).expect("always serialises")].concat()
    }

    /// Whether the signature is the named device's, over exactly these words (or, for one that
    /// declares no coordinators and no base, over an older Kring's words).
    pub fn verifies(&self) -> bool {
        let Ok(key) = self.device.parse::<PublicKey>() else { return false };
        let Ok(signature) = Signature::try_from(self.signature.as_slice()) else { return false };
        key.verify(&self.message(), &signature).is_ok()
            || (self.coordinators.is_empty()
                && self.base.is_empty()
                && key.verify(&self.message_v1(), &signature).is_ok())
    }

    /// How many changes of the chapter left the new one was copied from.
    pub fn base_changes(&self) -> u64 {
        self.base.values().sum()
    }

    /// Whether this hand-off names `device` among the new chapter's coordinators.
    pub fn declares(&self, device: &str) -> bool {
        self.coordinators.iter().any(|declared| declared == device)
    }

    pub fn first_change(&self) -> ChangeHash {
        ChangeHash(self.first)
    }

    pub fn encode(&self) -> Vec<u8> {
        postcard::to_stdvec(self).expect("a hand-off always serialises")
    }

    /// `None` if the bytes are not a hand-off.
    pub fn decode(bytes: &[u8]) -> Option<Handoff> {
        postcard::from_bytes(bytes).ok()
    }

    /// A hand-off an older Kring kept in `handoff.bin`; `None` if the bytes are not one.
    pub fn decode_v1(bytes: &[u8]) -> Option<Handoff> {
        postcard::from_bytes::<HandoffV1>(bytes).ok().map(Handoff::from)
    }
}

/// What a member on another chapter receives: the sender's whole chain of hand-offs (the
/// receiver takes the part it needs), and the sender's chapter whole, with the signatures that
/// vouch for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextChapter {
    pub chain: Vec<Handoff>,
    pub document: Vec<u8>,
    pub signatures: Vec<Signed>,
}

/// [`NextChapter`] as an older Kring sends it: the one hand-off from the receiver's chapter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextChapterV1 {
    pub handoff: HandoffV1,
    pub document: Vec<u8>,
    pub signatures: Vec<Signed>,
}

impl From<NextChapterV1> for NextChapter {
    fn from(old: NextChapterV1) -> NextChapter {
        NextChapter { chain: vec![old.handoff.into()], document: old.document, signatures: old.signatures }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(key: &SecretKey) -> Handoff {
        Handoff::sign(key, "net", ("", "two"), ChangeHash([1; 32]), vec!["c".into()], BTreeMap::from([("a".into(), 5)]))
    }

    #[test]
    fn a_handoff_verifies_only_as_signed() {
        let key = SecretKey::from_bytes(&[7; 32]);
        let handoff = sign(&key);
        assert!(handoff.verifies());
        assert_eq!(Handoff::decode(&handoff.encode()), Some(handoff.clone()));
        for tampered in [
            Handoff { to: "three".into(), ..handoff.clone() },
            Handoff { first: [2; 32], ..handoff.clone() },
            Handoff { network: "other".into(), ..handoff.clone() },
            Handoff { device: SecretKey::from_bytes(&[8; 32]).public().to_string(), ..handoff.clone() },
            Handoff { signature: vec![0; 64], ..handoff.clone() },
            Handoff { signature: vec![1, 2, 3], ..handoff.clone() },
            Handoff { coordinators: vec!["d".into()], ..handoff.clone() },
            Handoff { coordinators: Vec::new(), ..handoff.clone() },
            Handoff { base: BTreeMap::from([("a".into(), 6)]), ..handoff.clone() },
            Handoff { coordinators: Vec::new(), base: BTreeMap::new(), ..handoff },
        ] {
            assert!(!tampered.verifies(), "{tampered:?}");
        }
        assert_eq!(Handoff::decode(b"not a hand-off"), None);
    }

    /// The words a hand-off signs and its bytes stay exactly these: laptops of a network check
    /// each other's hand-offs, so a change here is a new version of the context.
    #[test]
    fn the_signed_words_and_the_encoding_are_pinned() {
        let key = SecretKey::from_bytes(&[7; 32]);
        let handoff = sign(&key);
        let words = handoff.message();
        assert!(words.starts_with(b"kring chapter hand-off v2:"));
        let after = &words[CONTEXT.len()..];
        let device = key.public().to_string();
        let mut expected = vec![3, b'n', b'e', b't', 0, 3, b't', b'w', b'o'];
        expected.extend([1; 32]);
        expected.push(device.len() as u8);
        expected.extend(device.as_bytes());
        expected.extend([1, 1, b'c', 1, 1, b'a', 5]);
        assert_eq!(after, expected.as_slice());
        // On the wire and on disk: the fields in order, the signature before the additions.
        let mut encoded = expected[..expected.len() - 7].to_vec();
        encoded.push(64);
        encoded.extend(&handoff.signature);
        encoded.extend([1, 1, b'c', 1, 1, b'a', 5]);
        assert_eq!(handoff.encode(), encoded);
    }

    /// A hand-off an older Kring signed and kept still reads and verifies, declaring nobody.
    #[test]
    fn an_older_handoff_still_verifies() {
        let key = SecretKey::from_bytes(&[7; 32]);
        let mut old = HandoffV1 {
            network: "net".into(),
            from: "".into(),
            to: "two".into(),
            first: [1; 32],
            device: key.public().to_string(),
            signature: Vec::new(),
        };
        let words = (&old.network, &old.from, &old.to, &old.first, &old.device);
        let words = [CONTEXT_V1, &postcard::to_stdvec(&words).unwrap()].concat();
        old.signature = key.sign(&words).to_bytes().to_vec();
        let read = Handoff::decode_v1(&postcard::to_stdvec(&old).unwrap()).unwrap();
        assert!(read.verifies());
        assert!(read.coordinators.is_empty());
        assert!(!Handoff { base: BTreeMap::from([("a".into(), 1)]), ..read.clone() }.verifies());
        assert!(!Handoff { coordinators: vec![read.device.clone()], ..read }.verifies());
    }
}
