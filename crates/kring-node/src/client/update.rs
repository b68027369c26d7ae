//! What a node tells its interface.

use std::sync::Arc;

use kring_model::{ChangeSummary, MemberId, NetworkSnapshot, TextField};

use super::status::SyncStatus;
use crate::NodeError;

/// Why a command was refused, typed, so the interface words it in the person's language.
pub type Failure = Arc<NodeError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkEntry {
    pub id: String,
    pub name: String,
}

/// The watched network as it is now.
#[derive(Debug, Clone)]
pub struct NetworkView {
    pub network: String,
    /// Grows with every view sent; typing names the version it was made on.
    pub version: u64,
    /// Shared, so views can hold it for a frame without copying a big network.
    pub snapshot: Arc<NetworkSnapshot>,
    /// This device's member, if it still is one.
    pub me: Option<MemberId>,
    /// The last [`Command::Type`](super::Command::Type) request this view includes.
    pub typed: u64,
    /// The typist's caret (selection start and end) in this version of the text being typed in.
    pub caret: Option<(TextField, usize, usize)>,
    /// What others changed since this device's person last marked the network as seen.
    pub changes: Arc<ChangeSummary>,
}

#[derive(Debug, Clone)]
pub enum Update {
    /// The node runs; `device` is this device's id; `warnings`: what starting found (see
    /// [`crate::StartWarning`]).
    Ready {
        device: String,
        warnings: Vec<crate::StartWarning>,
    },
    /// The node could not start; nothing can be saved or synced.
    Failed(Failure),
    Networks(Vec<NetworkEntry>),
    View(Box<NetworkView>),
    Status(SyncStatus),
    /// The moments a text changed, newest first.
    History(TextHistory),
    /// A text as it was at `heads`.
    TextAt(TextAt),
    /// The leerhuizen held on this laptop.
    Leerhuizen(Vec<HeldLeerhuis>),
    /// The result of request `request`: what it produced, or why it was refused.
    Done {
        request: u64,
        result: Result<Outcome, Failure>,
    },
}

/// What a command produced, for the window to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done, with nothing to show.
    Done,
    /// A network to open: created, joined, joined as one's other laptop, or read from a bundle.
    Network(String),
    /// The record an edit made (a meeting, question, reflection round, action): its id.
    Created(String),
    /// A member removed: how many open invitations they had made lapsed with it.
    InvitesRevoked(usize),
    /// An invitation, or a ticket for one's other laptop: to show and pass on.
    Ticket(String),
    /// A file written, here.
    Saved(std::path::PathBuf),
    /// A bundle merged into its network: how many of its changes were new.
    Merged(usize),
    /// The network went on in a new chapter, with this number.
    Chapter(u64),
}

impl Outcome {
    /// The network to open, when there is one.
    pub fn network(&self) -> Option<&str> {
        match self {
            Outcome::Network(id) => Some(id),
            _ => None,
        }
    }

    /// The record made, when there is one.
    pub fn created(&self) -> Option<&str> {
        match self {
            Outcome::Created(id) => Some(id),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TextHistory {
    pub field: TextField,
    pub versions: Vec<kring_model::TextVersion>,
}

#[derive(Debug, Clone)]
pub struct TextAt {
    pub field: TextField,
    pub heads: Vec<kring_model::automerge::ChangeHash>,
    pub text: String,
}

/// A leerhuis held on this laptop, as a linked network's pages need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldLeerhuis {
    pub id: String,
    pub name: String,
    /// The linked networks (still linked) this laptop is a delegate of: it shares for them.
    pub delegate_for: std::collections::BTreeSet<String>,
}
