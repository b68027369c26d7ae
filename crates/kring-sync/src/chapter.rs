//! Moving a laptop from one chapter of a network to the next (see `docs/chapters.md`).
//!
//! Two laptops on different chapters never merge their documents: that would bring back
//! everything the new chapter erased. A coordinator who starts a chapter signs a [`Handoff`]:
//! "network N continues from chapter A in chapter B, whose first change has hash H". A laptop
//! on chapter A takes chapter B from a member who has it when the hand-off is signed by a device
//! of a current coordinator of A, and B's first change is H, made by that same device.

use automerge::ChangeHash;
use iroh_base::{PublicKey, SecretKey, Signature};
use serde::{Deserialize, Serialize};

use crate::signed::Signed;

/// Domain separation: a hand-off signature is never mistaken for a change signature.
const CONTEXT: &[u8] = b"kring chapter hand-off v1:";

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
}

impl Handoff {
    pub fn sign(key: &SecretKey, network: &str, from: &str, to: &str, first: ChangeHash) -> Handoff {
        let mut handoff = Handoff {
            network: network.to_string(),
            from: from.to_string(),
            to: to.to_string(),
            first: first.0,
            device: key.public().to_string(),
            signature: Vec::new(),
        };
        handoff.signature = key.sign(&handoff.message()).to_bytes().to_vec();
        handoff
    }

    fn message(&self) -> Vec<u8> {
        let signed = (&self.network, &self.from, &self.to, &self.first, &self.device);
        [CONTEXT, &postcard::to_stdvec(&signed).expect("always serialises")].concat()
    }

    /// Whether the signature is the named device's, over exactly these words.
    pub fn verifies(&self) -> bool {
        let Ok(key) = self.device.parse::<PublicKey>() else { return false };
        let Ok(signature) = Signature::try_from(self.signature.as_slice()) else { return false };
        key.verify(&self.message(), &signature).is_ok()
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
}

/// What a member still on an old chapter receives: the hand-off from that chapter, and the
/// whole new chapter with the signatures that vouch for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextChapter {
    pub handoff: Handoff,
    pub document: Vec<u8>,
    pub signatures: Vec<Signed>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handoff_verifies_only_as_signed() {
        let key = SecretKey::from_bytes(&[7; 32]);
        let handoff = Handoff::sign(&key, "net", "", "two", ChangeHash([1; 32]));
        assert!(handoff.verifies());
        assert_eq!(Handoff::decode(&handoff.encode()), Some(handoff.clone()));
        for tampered in [
            Handoff { to: "three".into(), ..handoff.clone() },
            Handoff { first: [2; 32], ..handoff.clone() },
            Handoff { network: "other".into(), ..handoff.clone() },
            Handoff { device: SecretKey::from_bytes(&[8; 32]).public().to_string(), ..handoff.clone() },
            Handoff { signature: vec![0; 64], ..handoff.clone() },
            Handoff { signature: vec![1, 2, 3], ..handoff },
        ] {
            assert!(!tampered.verifies(), "{tampered:?}");
        }
        assert_eq!(Handoff::decode(b"not a hand-off"), None);
    }
}
