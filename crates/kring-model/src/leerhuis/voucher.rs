//! A voucher: a linked network's delegate vouches that the holder's devices are a current
//! member of her network, for one leerhuis, until a moment. With it every current member of a
//! linked network joins the leerhuis without a separate invite, while the network's
//! coordinator is offline: the voucher is issued ahead and kept in the network's own document.
//! The leerhuis laptop that admits the holder checks it against the leerhuis's delegates, and
//! every laptop checks it again when the join reaches it (`trust/rules/leerhuis.rs`), as of the
//! join's history. Only devices travel, never the holder's member id in the network.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::ids::{DeviceId, UnixMillis};
use crate::trust::{DeviceKey, actor::key_bytes};

/// Whatever a voucher holds, it is never larger than this in the document.
pub const MAX_VOUCHER_BYTES: usize = 4096;
/// The most devices one holder has.
const MAX_DEVICES: usize = 16;
/// Signed with every voucher, so a voucher's signature can never be read as anything else.
const CONTEXT: &[u8] = b"kring voucher 1\0";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voucher {
    /// Random: names the voucher (to take it back before it expires).
    pub id: String,
    pub leerhuis: String,
    /// The linked network whose member holds it.
    pub network: String,
    /// The holder's devices, sorted.
    pub devices: Vec<DeviceId>,
    pub expires_at: UnixMillis,
    /// The delegate's device that signed it, and its signature over everything above.
    pub signer: DeviceId,
    pub signature: Vec<u8>,
}

impl Voucher {
    /// A voucher for `devices` of a member of `network`, signed by `key` (a delegate's device).
    pub fn issue(
        key: &SigningKey,
        leerhuis: &str,
        network: &str,
        devices: &[DeviceId],
        expires_at: UnixMillis,
    ) -> Voucher {
        let mut devices: Vec<DeviceId> = devices.iter().take(MAX_DEVICES).cloned().collect();
        devices.sort();
        let mut voucher = Voucher {
            id: crate::ids::InviteId::random().to_string(),
            leerhuis: leerhuis.to_string(),
            network: network.to_string(),
            devices,
            expires_at,
            signer: key.device_id(),
            signature: Vec::new(),
        };
        voucher.signature = key.sign(&voucher.message()).to_bytes().to_vec();
        voucher
    }

    /// What the signature covers. Ids and device ids never hold a NUL: no part can be shifted
    /// into another.
    fn message(&self) -> Vec<u8> {
        let mut message = CONTEXT.to_vec();
        for part in [&self.id, &self.leerhuis, &self.network, &self.expires_at.to_string()] {
            message.extend_from_slice(part.as_bytes());
            message.push(0);
        }
        for device in &self.devices {
            message.extend_from_slice(device.as_bytes());
            message.push(0);
        }
        message
    }

    /// Whether the signature is its signer's over what it says.
    pub fn signed(&self) -> bool {
        let Some(key) = key_bytes(&self.signer) else { return false };
        let Ok(key) = VerifyingKey::from_bytes(&key) else { return false };
        let Ok(signature) = Signature::from_slice(&self.signature) else { return false };
        self.devices.len() <= MAX_DEVICES && key.verify(&self.message(), &signature).is_ok()
    }

    /// As it is kept in a document and sent.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// A voucher read from a document or a request; `None` for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Option<Voucher> {
        if bytes.len() > MAX_VOUCHER_BYTES {
            return None;
        }
        serde_json::from_slice(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_voucher_holds_only_what_its_signer_signed() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let voucher = Voucher::issue(&key, "leerhuis", "plg", &["d2".into(), "d1".into()], 1_000);
        assert!(voucher.signed());
        assert_eq!(voucher.devices, ["d1", "d2"], "sorted");
        let read = Voucher::from_bytes(&voucher.to_bytes()).unwrap();
        assert_eq!(read, voucher);
        for forged in [
            Voucher { expires_at: 9_999, ..voucher.clone() },
            Voucher { leerhuis: "another".into(), ..voucher.clone() },
            Voucher { devices: vec!["d1".into(), "d2".into(), "d3".into()], ..voucher.clone() },
            Voucher { signer: SigningKey::from_bytes(&[8; 32]).device_id(), ..voucher.clone() },
        ] {
            assert!(!forged.signed(), "{forged:?}");
        }
        assert!(Voucher::from_bytes(b"not a voucher").is_none());
        assert!(Voucher::from_bytes(&vec![b' '; MAX_VOUCHER_BYTES + 1]).is_none());
    }
}
