//! Which device made a change: every Kring actor id is the device's public key (32 bytes)
//! followed by 16 random bytes, fresh for every process. The key part binds each change to its
//! device (its signature is checked against that key); the random part keeps two runs of one
//! device from ever writing the same (actor, seq), which Automerge cannot merge.

use automerge::ActorId;

use crate::ids::DeviceId;

const KEY_BYTES: usize = 32;
const RANDOM_BYTES: usize = 16;
/// A change written on an older version of the document than the newest one this device made
/// (Kring does that for typing: keystrokes land in the text as the editor showed it) cannot
/// carry the device's actor, whose changes follow each other: Automerge writes it under a
/// derived actor, these four bytes, the level as LEB128, then the device's own actor.
const DERIVED_MAGIC: [u8; 4] = [0x13, 0xb2, 0x23, 0x09];

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
    let bytes = own_actor(actor.to_bytes())?;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hex: String = bytes[..KEY_BYTES]
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]])
        .map(char::from)
        .collect();
    Some(hex)
}

/// The device's own actor in `bytes`: they are one, or one derived from it (see
/// [`DERIVED_MAGIC`]). Anything else, a truncated or overlong derivation included, is none.
fn own_actor(bytes: &[u8]) -> Option<&[u8]> {
    if bytes.len() == KEY_BYTES + RANDOM_BYTES {
        return Some(bytes);
    }
    let rest = bytes.strip_prefix(&DERIVED_MAGIC)?;
    // The level: LEB128, at most ten bytes, the last without the continuation bit.
    let level_len = rest.iter().take(10).position(|byte| byte & 0x80 == 0)? + 1;
    let own = &rest[level_len..];
    (own.len() == KEY_BYTES + RANDOM_BYTES).then_some(own)
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
    fn a_change_typed_on_an_older_version_names_the_device_that_typed_it() {
        use automerge::transaction::Transactable;
        use automerge::{AutoCommit, ROOT};
        let device = "cd".repeat(32);
        let mut doc = AutoCommit::new().with_actor(actor_for_device(&device));
        doc.put(ROOT, "notes", "").unwrap();
        doc.commit();
        let older = doc.get_heads();
        doc.put(ROOT, "vote", true).unwrap();
        doc.commit();
        // Written on the older version: Automerge must use another actor for it.
        doc.isolate(&older);
        doc.put(ROOT, "notes", "typed").unwrap();
        let typed = doc.commit().unwrap();
        doc.integrate();
        let actor = doc.get_change_by_hash(&typed).unwrap().actor_id().clone();
        assert_ne!(&actor, doc.get_actor(), "a derived actor");
        assert_eq!(device_of_actor(&actor).as_deref(), Some(device.as_str()));

        // Derived from no device actor, or cut short: no device.
        let mut bytes = DERIVED_MAGIC.to_vec();
        bytes.push(1);
        assert_eq!(device_of_actor(&ActorId::from(bytes.clone())), None);
        bytes.extend(ActorId::random().to_bytes());
        assert_eq!(device_of_actor(&ActorId::from(bytes)), None);
        let mut endless = DERIVED_MAGIC.to_vec();
        endless.extend([0x80; 12]);
        endless.extend(actor_for_device(&device).to_bytes());
        assert_eq!(device_of_actor(&ActorId::from(endless)), None);
    }

    #[test]
    fn a_random_actor_names_no_device() {
        assert_eq!(device_of_actor(&ActorId::random()), None);
        assert_eq!(device_of_actor(&actor_for_device("dev-anna")), None);
        assert_eq!(key_bytes("zz".repeat(32).as_str()), None);
    }
}
