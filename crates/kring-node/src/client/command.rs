//! What an interface can ask of its node.

use std::path::PathBuf;
use std::time::Duration;

use kring_model::{MemberId, ModelError, Network, Profile, Role, Splice, TextField};

/// One user action on a network, run as the device's member. It returns the id of what it
/// created, if anything (a new session, a new question).
pub type Edit = Box<dyn FnOnce(&mut Network, &MemberId) -> Result<Option<String>, ModelError> + Send>;

pub enum Command {
    /// Show this network: snapshots of it follow every change, local or remote.
    Watch {
        network: String,
    },
    CreateNetwork {
        name: String,
        founder: Profile,
    },
    /// Join with a pasted ticket. Answers with the network's id.
    Join {
        ticket: String,
        profile: Profile,
    },
    Edit {
        network: String,
        edit: Edit,
    },
    /// Keystrokes in a text, made on the snapshot of version `seen` plus the typist's earlier
    /// keystrokes, and where the caret (selection start and end) is now.
    Type {
        network: String,
        field: TextField,
        seen: u64,
        splices: Vec<Splice>,
        caret: Option<(usize, usize)>,
    },
    /// Answers with the ticket text.
    CreateInvite {
        network: String,
        role: Role,
        max_uses: u64,
        valid_for: Duration,
    },
    /// Connect to a device by its address (`ID@IP:PORT`, as the status shows it) or a ticket.
    Connect {
        address: String,
    },
    /// Save settings (language, offline mode, relay); networking ones apply at the next start.
    SaveSettings {
        config: kring_store::Config,
    },
    /// Everything in the network up to now has been seen: "what changed" starts afresh.
    MarkSeen {
        network: String,
    },
    /// Save an export. Answers with the path written.
    WriteFile {
        path: PathBuf,
        contents: Vec<u8>,
    },
    /// Write the whole network as a bundle for a USB stick. Answers with the path written.
    ExportBundle {
        network: String,
        path: PathBuf,
    },
    /// Merge the network of a bundle into this device's copy. Answers with the number of new
    /// changes.
    ImportBundle {
        path: PathBuf,
    },
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Command::Watch { .. } => "Watch",
            Command::CreateNetwork { .. } => "CreateNetwork",
            Command::Join { .. } => "Join",
            Command::Edit { .. } => "Edit",
            Command::Type { .. } => "Type",
            Command::CreateInvite { .. } => "CreateInvite",
            Command::Connect { .. } => "Connect",
            Command::SaveSettings { .. } => "SaveSettings",
            Command::MarkSeen { .. } => "MarkSeen",
            Command::WriteFile { .. } => "WriteFile",
            Command::ExportBundle { .. } => "ExportBundle",
            Command::ImportBundle { .. } => "ImportBundle",
        };
        f.write_str(name)
    }
}
