//! The laptop a room runs on: where it reads the meeting and writes what guests send, as plain
//! edits ([`Edit`]). On a running laptop that is the node ([`NodeHost`], through `Node::edit`,
//! so a contribution is signed, saved and offered to peers like any edit); in the desktop
//! window the window's own client (see `kring-ui`); in tests and figures a network in memory.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use kring_model::{Applied, Edit, MemberId, ModelError, Network, NetworkSnapshot};
use kring_node::{Node, NodeError};

/// Where a room reads and writes.
pub trait Host: Send + Sync + 'static {
    /// Makes one edit as this laptop's member; saved when it returns.
    fn apply(&self, edit: Edit) -> Result<Applied, HostError>;
    /// The network as it is now.
    fn snapshot(&self) -> Result<NetworkSnapshot, HostError>;
    /// Keeps a guest's photo, already re-encoded, where the network's attachments are kept, so
    /// that the edit naming it can follow; its content hash (BLAKE3, lowercase hex).
    fn keep_photo(&self, jpeg: Vec<u8>) -> Result<String, HostError>;
}

#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The model refused the edit (a closed room, a question not in it, too long a text ...).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Refused as the model refuses, said in words (where the model's error did not travel
    /// as it is, e.g. through the desktop window's client).
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Other(String),
}

/// A running laptop's node and one of its networks.
pub struct NodeHost {
    node: Arc<Node>,
    network: String,
}

impl NodeHost {
    pub fn new(node: Arc<Node>, network: impl Into<String>) -> NodeHost {
        NodeHost { node, network: network.into() }
    }
}

impl Host for NodeHost {
    fn apply(&self, edit: Edit) -> Result<Applied, HostError> {
        self.node.edit(&self.network, |network, me| edit.apply(network, me)).map_err(from_node)
    }

    fn snapshot(&self) -> Result<NetworkSnapshot, HostError> {
        Ok(self.node.read(&self.network, |network| network.snapshot()).map_err(from_node)??)
    }

    fn keep_photo(&self, jpeg: Vec<u8>) -> Result<String, HostError> {
        // Called off the runtime's workers (the room writes from a blocking task).
        let runtime = tokio::runtime::Handle::try_current().map_err(|err| HostError::Other(err.to_string()))?;
        let kept = runtime.block_on(self.node.keep_attachment_bytes(&self.network, jpeg));
        kept.map(|(hash, _)| hash).map_err(from_node)
    }
}

fn from_node(err: NodeError) -> HostError {
    match err {
        NodeError::Model(err) => HostError::Model(err),
        other => HostError::Other(other.to_string()),
    }
}

/// A network in memory, edited as `me`: for tests and figures without a disk. Photos are kept
/// in memory too, by their content hash.
pub struct NetworkHost {
    network: Mutex<Network>,
    me: MemberId,
    photos: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl NetworkHost {
    pub fn new(network: Network, me: MemberId) -> NetworkHost {
        NetworkHost { network: Mutex::new(network), me, photos: Mutex::default() }
    }

    /// The bytes of a photo kept with content hash `hash`.
    pub fn photo(&self, hash: &str) -> Option<Vec<u8>> {
        self.photos.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(hash).cloned()
    }

    /// How many photos were kept.
    pub fn photos_kept(&self) -> usize {
        self.photos.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Network> {
        // A panic while holding it left the network as Automerge keeps it: still whole.
        self.network.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Host for NetworkHost {
    fn apply(&self, edit: Edit) -> Result<Applied, HostError> {
        Ok(edit.apply(&mut self.lock(), &self.me)?)
    }

    fn snapshot(&self) -> Result<NetworkSnapshot, HostError> {
        Ok(self.lock().snapshot()?)
    }

    fn keep_photo(&self, jpeg: Vec<u8>) -> Result<String, HostError> {
        let hash = blake3::hash(&jpeg).to_hex().to_string();
        self.photos.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(hash.clone(), jpeg);
        Ok(hash)
    }
}
