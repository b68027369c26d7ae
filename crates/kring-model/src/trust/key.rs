//! Who makes a device's proof (see [`super::proof`]): the device itself, with its secret key.
//! The model asks for one where it lists a device under a member: at a network's beginning, a
//! join, another laptop of a member, and a device's own migration to proofs.

use ed25519_dalek::Signer;
/// A device key made from 32 bytes: what tests and the bench hold for their made-up laptops
/// (a node's key is iroh's, the same key: `SecretKey::as_signing_key`).
pub use ed25519_dalek::SigningKey;

use crate::ids::DeviceId;
use crate::trust::proof::{proof_message, verify_proof};

/// A device that can prove it belongs to a member: its id, and its signature over
/// [`proof_message`].
pub trait DeviceKey {
    /// The device's id: its public key as 64 hex digits.
    fn device_id(&self) -> DeviceId;
    /// The device's proof that it belongs to `member` of `network`; empty for a device without
    /// a key (a made-up id in tests of the model alone).
    fn prove(&self, network: &str, member: &str) -> Vec<u8>;
}

/// The device's own key: the node's (iroh's secret key is this key), tests', the bench's.
impl DeviceKey for SigningKey {
    fn device_id(&self) -> DeviceId {
        self.verifying_key().to_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    fn prove(&self, network: &str, member: &str) -> Vec<u8> {
        self.sign(&proof_message(network, member)).to_bytes().to_vec()
    }
}

/// A device id alone proves nothing. Only for made-up ids ("device-anna") in tests of the
/// model, whose changes no laptop accepts from a peer anyway: the model refuses a real key's id
/// without its proof. (Not for `String`, so that a node's `&data.device_id()` does not compile
/// where its key is meant.)
impl DeviceKey for str {
    fn device_id(&self) -> DeviceId {
        self.to_string()
    }

    fn prove(&self, _: &str, _: &str) -> Vec<u8> {
        Vec::new()
    }
}

/// A proof made on another laptop and sent here with its device's id: a joiner's, or a
/// member's new laptop's. It proves only what that device signed; the model checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceProof {
    pub device: DeviceId,
    pub signature: Vec<u8>,
}

impl DeviceKey for DeviceProof {
    fn device_id(&self) -> DeviceId {
        self.device.clone()
    }

    fn prove(&self, _: &str, _: &str) -> Vec<u8> {
        self.signature.clone()
    }
}

/// Whether a device id is a real key: only then can (and must) its proof be checked.
pub(crate) fn has_key(device: &str) -> bool {
    super::actor::key_bytes(device).is_some()
}

/// `device`'s proof for `member` of `network`, checked: the proof to write, `None` for a
/// made-up device without a key (it has nothing to check a proof with, and writes none).
pub(crate) fn checked_proof(
    device: &(impl DeviceKey + ?Sized),
    network: &str,
    member: &str,
) -> crate::error::Result<Option<Vec<u8>>> {
    let id = device.device_id();
    if !has_key(&id) {
        return Ok(None);
    }
    let proof = device.prove(network, member);
    if !verify_proof(&id, network, member, &proof) {
        return Err(crate::error::ModelError::BadDeviceProof(id));
    }
    Ok(Some(proof))
}
