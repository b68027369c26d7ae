//! Which device made a change: every Kring actor id is the device's public key (32 bytes)
//! followed by 16 random bytes, fresh for every process. The key part binds each change to its
//! device (its signature is checked against that key); the random part keeps two runs of one
//! device from ever writing the same (actor, seq), which Automerge cannot merge.

use automerge::ActorId;

use crate::ids::DeviceId;

const KEY_BYTES: usize = 32;
const RANDOM_BYTES: usize = 16;

/// A fresh actor id for `device` (its 64-hex-digit id). A device id that is not a key (only
/// made up in tests of the model alone) gets a plain random actor, whose changes no laptop
/// accepts from a peer.
pub fn actor_for_device(device: &str) -> ActorId {
    let Some(key) = key_bytes(device) else { return ActorId::random() };
    let mut bytes = key.to_vec();
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    ActorId::from(bytes)
}

/// The device that made changes under `actor`, if the actor is a Kring device actor.
pub fn device_of_actor(actor: &ActorId) -> Option<DeviceId> {
    let bytes = actor.to_bytes();
    if bytes.len() != KEY_BYTES + RANDOM_BYTES {
        return None;
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hex: String = bytes[..KEY_BYTES]
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]])
        .map(char::from)
        .collect();
    Some(hex)
}

/// The 32 key bytes of a device id written as 64 hex digits.
pub fn key_bytes(device: &str) -> Option<[u8; KEY_BYTES]> {
    if device.len() != KEY_BYTES * 2 {
        return None;
    }
    let mut key = [0u8; KEY_BYTES];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(device.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_actor_names_its_device_and_differs_per_process() {
        let device = "ab".repeat(32);
        let (one, two) = (actor_for_device(&device), actor_for_device(&device));
        assert_ne!(one, two);
        assert_eq!(device_of_actor(&one).as_deref(), Some(device.as_str()));
        assert_eq!(device_of_actor(&two).as_deref(), Some(device.as_str()));
    }

    #[test]
    fn a_random_actor_names_no_device() {
        assert_eq!(device_of_actor(&ActorId::random()), None);
        assert_eq!(device_of_actor(&actor_for_device("dev-anna")), None);
        assert_eq!(key_bytes("zz".repeat(32).as_str()), None);
    }
}
