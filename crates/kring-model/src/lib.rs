//! The Kring network document: one Automerge document per learning network.
//!
//! This crate is pure — no disk, no network, no async. It knows the schema (see [`schema`]),
//! creates a network's first change ([`Network::create`]), offers one validated method per user
//! action, reads the document into plain [`NetworkSnapshot`]s for the UI and the CLI, and
//! summarises what changed since a member last looked ([`Network::changes_since`]).

mod access;
mod across_chapters;
mod carry_over;
pub mod changes;
mod chapter;
pub mod declared;
mod edit;
pub mod error;
mod genesis;
pub mod history;
pub mod ids;
pub mod leerhuis;
mod network;
mod origins;
mod read;
mod read_changed;
pub mod schema;
pub mod search;
pub mod snapshot;
pub mod trust;
pub mod validate;
pub mod vocab;

pub use automerge;
pub use carry_over::CarriedOver;
pub use changes::{ChangeItem, ChangeKind, ChangeNote, ChangeSummary};
pub use chapter::{ChapterInfo, Erasure, chapter_id_of};
pub use edit::attachments::{NewAttachment, is_content_hash};
pub use edit::command::{Applied, Edit};
pub use edit::invites::NewInvite;
pub use edit::leerhuis::NetworkToLink;
pub use edit::rooms::{Guest, GuestInput, RoomSetup};
pub use edit::sessions::{NewAction, NewSession, SessionChanges};
pub use edit::text::TextField;
pub use edit::typing::{CaretAnchor, Splice};
pub use error::{CoordinatorTask, Field, ModelError, Record, Result};
pub use genesis::{NetworkDetails, Profile};
pub use history::TextVersion;
pub use ids::*;
pub use network::Network;
pub use origins::Origins;
pub use read_changed::{DeviceIndex, LiveSnapshot};
pub use search::{AcrossResults, Hit, NetworkHits, Place, SearchResults, search, search_across};
pub use snapshot::*;
pub use vocab::*;
