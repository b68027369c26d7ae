//! A device's proof that it belongs to a member: its own ed25519 signature over the network and
//! the member id. Without it anyone could list someone else's device under their own record and
//! be taken for her. The proof sits beside the device in the member's record, as the scalar
//! `proof:<device>` (bytes), so that no container is ever created after the record.
//!
//! The signature is made where the device's secret key lives (the node); this crate only checks.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use ed25519_dalek::{Signature, VerifyingKey};

use crate::trust::actor::key_bytes;

/// A member record's key holding the proof of one of its devices: `proof:<device>`.
pub const PROOF_PREFIX: &str = "proof:";
/// Domain separation: a device proof can never be mistaken for a change signature or any other
/// signature the same key makes.
const CONTEXT: &[u8] = b"kring device proof v1:";
pub const PROOF_BYTES: usize = 64;

/// The key in a member record under which `device`'s proof is kept.
pub fn proof_key(device: &str) -> String {
    format!("{PROOF_PREFIX}{device}")
}

/// What a device signs to prove it belongs to `member` of `network`.
pub fn proof_message(network: &str, member: &str) -> Vec<u8> {
    let mut message = CONTEXT.to_vec();
    message.extend_from_slice(network.as_bytes());
    // Ids never hold a NUL: the two parts cannot be shifted into each other.
    message.push(0);
    message.extend_from_slice(member.as_bytes());
    message
}

/// Proofs checked, with their verdicts: a proof never changes its verdict, a check costs a
/// signature verification, and the same few proofs are read for every message, every change
/// checked and every snapshot. Bounded: a network has a few hundred devices at most.
static CHECKED: LazyLock<Mutex<HashMap<Vec<u8>, bool>>> = LazyLock::new(Mutex::default);
const MAX_CHECKED: usize = 10_000;

/// Whether `signature` is `device`'s proof that it belongs to `member` of `network`.
pub fn verify_proof(device: &str, network: &str, member: &str, signature: &[u8]) -> bool {
    let mut key = proof_message(network, member);
    key.extend_from_slice(device.as_bytes());
    key.extend_from_slice(signature);
    let checked = || CHECKED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(valid) = checked().get(&key) {
        return *valid;
    }
    let valid = verify_once(device, network, member, signature);
    let mut checked = checked();
    if checked.len() >= MAX_CHECKED {
        checked.clear();
    }
    checked.insert(key, valid);
    valid
}

fn verify_once(device: &str, network: &str, member: &str, signature: &[u8]) -> bool {
    let Some(key) = key_bytes(device) else { return false };
    let Ok(key) = VerifyingKey::from_bytes(&key) else { return false };
    let Ok(signature) = Signature::from_slice(signature) else { return false };
    key.verify_strict(&proof_message(network, member), &signature).is_ok()
}

/// One member record that lists a device: how strongly it claims the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim<M> {
    pub member: M,
    /// The record carries the device's valid proof.
    pub proven: bool,
    pub removed: bool,
}

/// The member a device belongs to, from every record that lists it. Never by id order: a proven
/// claim outranks unproven ones (listed before proofs existed, or by someone else); among the
/// claims of the highest rank there must be exactly one, and that member must be current. So a
/// device listed under a removed member is refused under every record (removal removes
/// devices, not only a record), and a device claimed twice belongs to nobody.
pub fn owner<M>(claims: impl IntoIterator<Item = Claim<M>>) -> Option<M> {
    let (proven, unproven): (Vec<Claim<M>>, Vec<Claim<M>>) = claims.into_iter().partition(|claim| claim.proven);
    let rank = if proven.is_empty() { unproven } else { proven };
    let mut rank = rank.into_iter();
    let only = rank.next()?;
    (rank.next().is_none() && !only.removed).then_some(only.member)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn device(seed: u8) -> (SigningKey, String) {
        let key = SigningKey::from_bytes(&[seed; 32]);
        let id = key.verifying_key().to_bytes().iter().map(|b| format!("{b:02x}")).collect();
        (key, id)
    }

    #[test]
    fn a_proof_holds_only_for_its_device_network_and_member() {
        let (key, id) = device(7);
        let (_, other) = device(8);
        let proof = key.sign(&proof_message("net", "anna")).to_bytes();
        assert!(verify_proof(&id, "net", "anna", &proof));
        assert!(!verify_proof(&id, "net", "bram", &proof), "another member");
        assert!(!verify_proof(&id, "other-net", "anna", &proof), "another network");
        assert!(!verify_proof(&other, "net", "anna", &proof), "another device");
        assert!(!verify_proof(&id, "net", "anna", &proof[..63]), "cut short");
        assert!(!verify_proof("dev-anna", "net", "anna", &proof), "no key");
        // The network and member cannot be shifted into each other.
        assert!(!verify_proof(&id, "ne", "tanna", &proof));
    }

    fn claim(member: &str, proven: bool, removed: bool) -> Claim<String> {
        Claim { member: member.to_string(), proven, removed }
    }

    #[test]
    fn a_device_belongs_to_its_one_strongest_claim_and_never_to_a_removed_one() {
        assert_eq!(owner([claim("anna", false, false)]), Some("anna".into()), "listed before proofs");
        assert_eq!(owner([claim("anna", true, false), claim("aaron", false, false)]), Some("anna".into()));
        assert_eq!(owner([claim("aaron", false, false), claim("anna", true, false)]), Some("anna".into()));
        assert_eq!(owner([claim("anna", false, false), claim("aaron", false, false)]), None, "claimed twice");
        assert_eq!(owner([claim("anna", true, false), claim("aaron", true, false)]), None, "proven twice");
        assert_eq!(owner([claim("anna", true, true)]), None, "removed");
        assert_eq!(owner([claim("bram", false, true), claim("sock", false, false)]), None, "a removed member's device");
        assert_eq!(owner([claim("bram", true, true), claim("sock", false, false)]), None);
        assert_eq!(owner(Vec::<Claim<String>>::new()), None);
    }
}
