//! Trust between members: which device made a change ([`actor`]), which member a device is
//! ([`proof`], [`key`]) and whether the change keeps the rules every laptop checks ([`rules`]).
//! Signatures over changes live in `kring-sync`, which carries them; this crate knows the
//! document, so it knows the rules.

pub mod actor;
pub mod key;
pub mod proof;
pub mod rules;
mod table;

pub use actor::{actor_for_device, device_of_actor};
pub use key::{DeviceKey, DeviceProof};
pub use proof::{Claim, owner, proof_key, proof_message, verify_proof};
pub use rules::{Breach, CoordinatorAction, OwnData, Refusal, RuleBook};
pub use table::{MAX_CHANGE_BYTES, MAX_CHANGE_OPS, MAX_TEXT_INSERT};
#[cfg(test)]
mod leerhuis_tests;
#[cfg(test)]
mod tests;
