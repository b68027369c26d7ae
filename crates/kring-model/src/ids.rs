//! Stable identifiers for everything in a network document.
//!
//! Every record with identity lives in a map keyed by one of these ids (never in a list), so
//! concurrent additions on different laptops never collide. Ids are random UUIDs in their compact
//! 32-hex-digit form: short enough for a CLI argument, unique without coordination.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A fresh random id.
            pub fn random() -> Self {
                Self(uuid::Uuid::new_v4().simple().to_string())
            }

            /// Wraps an id read from a document, a command line or a peer. Ids are opaque keys:
            /// an unknown id is rejected where it is looked up, not here.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::new(s))
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    )*};
}

id_type!(
    /// A network (PLG, regional team, leernetwerk): one Automerge document.
    NetworkId,
    /// A person in a network.
    MemberId,
    /// A meeting.
    SessionId,
    /// A learning question (leervraag).
    QuestionId,
    /// An invitation to join.
    InviteId,
    /// An action agreed in a session.
    ActionId,
    /// One action-research cycle of a question.
    CycleId,
    /// A key factor of network learning that members score in reflection rounds.
    FactorId,
    /// A reflection round.
    RoundId,
    /// A chapter of a network (see `chapter.rs`).
    ChapterId,
    /// A meeting's room for phones: what a laptop serves to guests on the LAN.
    RoomId,
    /// A guest in a room: random, chosen by the laptop serving it, never a person's identity.
    GuestId,
    /// One contribution a guest sent from their phone.
    ContributionId,
    /// What a linked network shared with a leerhuis (one version of it).
    PublicationId,
    /// A photo, recording, film or document attached to a meeting, a question or a cycle.
    AttachmentId,
);

/// The id of a device: an iroh endpoint id (ed25519 public key) in its 64-hex-digit form.
pub type DeviceId = String;

/// Milliseconds since the Unix epoch, UTC.
pub type UnixMillis = i64;
