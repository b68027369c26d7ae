//! What a node found while starting that the person should know: the node runs without it
//! (a network it could not open is not synced), and the window says so in the person's language.

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::NodeError;

/// One thing found while starting, about one network (by id, and by name where it is known).
#[derive(Debug, Clone)]
pub enum StartWarning {
    /// The network could not be opened: it is not synced until it can be. Its files are left
    /// as they are.
    NotOpened { network: String, name: Option<String>, reason: Arc<NodeError> },
    /// A file of the network could not be read back and was moved aside; the network opened
    /// with what could be read, and colleagues' laptops give the rest back at the next sync.
    Damaged { network: String, name: Option<String>, file: PathBuf, moved_to: Option<PathBuf> },
    /// An edit that was being saved when the laptop stopped was not kept; it had not yet been
    /// reported as saved.
    Unfinished { network: String, name: Option<String> },
    /// This laptop's proof that it is a device of its member could not be written; it is
    /// written at the next start, and the network works meanwhile.
    ProofNotWritten { network: String, name: Option<String>, reason: String },
}

impl StartWarning {
    /// The network's name, or its id when the name is not known.
    pub fn network_name(&self) -> &str {
        let (network, name) = match self {
            StartWarning::NotOpened { network, name, .. }
            | StartWarning::Damaged { network, name, .. }
            | StartWarning::Unfinished { network, name }
            | StartWarning::ProofNotWritten { network, name, .. } => (network, name),
        };
        name.as_deref().unwrap_or(network)
    }
}

/// In English, for the command line and the log.
impl std::fmt::Display for StartWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.network_name();
        match self {
            StartWarning::NotOpened { reason, .. } => write!(f, "network {name} is not synced: {reason}"),
            StartWarning::Damaged { file, moved_to: Some(moved_to), .. } => write!(
                f,
                "network {name}: {} could not be read and was moved to {}",
                file.display(),
                moved_to.display()
            ),
            StartWarning::Damaged { file, moved_to: None, .. } => {
                write!(f, "network {name}: {} could not be read", file.display())
            }
            StartWarning::Unfinished { .. } => {
                write!(f, "network {name}: an edit being saved when Kring stopped was not kept")
            }
            StartWarning::ProofNotWritten { reason, .. } => {
                write!(f, "network {name}: this laptop could not write its proof of membership: {reason}")
            }
        }
    }
}
