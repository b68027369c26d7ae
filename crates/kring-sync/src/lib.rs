//! Kring's sync protocol, sans-IO: Automerge's sync protocol for several networks over one
//! stream per peer connection, with access checks on every message. No sockets, no async —
//! drivers (iroh in the node, in-memory pipes in tests and simulations) move the bytes.

pub mod chain;
pub mod chapter;
pub mod connection;
pub mod frame;
pub mod policy;
pub mod signed;
#[cfg(feature = "testing")]
pub mod testing;
pub mod untrusted;
pub mod waiting;
pub mod wire;

pub use chain::Standing;
pub use chapter::{Handoff, NextChapter};
pub use connection::{Checks, Event, Library, PeerConnection, ProtocolError, Replica};
pub use frame::{FrameError, FrameReader, MAX_FRAME};
pub use signed::{Distrust, SignatureBook, Signed};
pub use wire::{Message, PeerAddr, SYNC_ALPN};
