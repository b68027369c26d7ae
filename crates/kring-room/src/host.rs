//! The laptop a room runs on: where it reads the meeting and writes what guests send. On a
//! running laptop that is the node ([`NodeHost`], through `Node::edit`, so a contribution is
//! signed, saved and offered to peers like any edit); in tests and figures a network in memory.

use std::sync::{Arc, Mutex};

use kring_model::{MemberId, ModelError, Network};
use kring_node::{Node, NodeError};

/// One edit made as this laptop's member.
pub type EditFn<'a> = &'a mut dyn FnMut(&mut Network, &MemberId) -> Result<(), ModelError>;

/// Where a room reads and writes.
pub trait Host: Send + Sync + 'static {
    /// Makes one change as this laptop's member; saved when it returns.
    fn edit(&self, edit: EditFn<'_>) -> Result<(), HostError>;
    /// Reads the network as it is now.
    fn read(&self, read: &mut dyn FnMut(&mut Network)) -> Result<(), HostError>;
}

#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The model refused the edit (a closed room, a question not in it, too long a text ...).
    #[error(transparent)]
    Model(#[from] ModelError),
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
    fn edit(&self, edit: EditFn<'_>) -> Result<(), HostError> {
        self.node.edit(&self.network, |network, me| edit(network, me)).map_err(from_node)
    }

    fn read(&self, read: &mut dyn FnMut(&mut Network)) -> Result<(), HostError> {
        self.node.read(&self.network, |network| read(network)).map_err(from_node)
    }
}

fn from_node(err: NodeError) -> HostError {
    match err {
        NodeError::Model(err) => HostError::Model(err),
        other => HostError::Other(other.to_string()),
    }
}

/// A network in memory, edited as `me`: for tests and figures without a disk.
pub struct NetworkHost {
    network: Mutex<Network>,
    me: MemberId,
}

impl NetworkHost {
    pub fn new(network: Network, me: MemberId) -> NetworkHost {
        NetworkHost { network: Mutex::new(network), me }
    }

    /// The network as the room left it.
    pub fn snapshot(&self) -> Result<kring_model::NetworkSnapshot, HostError> {
        Ok(self.lock().snapshot()?)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Network> {
        // A panic while holding it left the network as Automerge keeps it: still whole.
        self.network.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Host for NetworkHost {
    fn edit(&self, edit: EditFn<'_>) -> Result<(), HostError> {
        Ok(edit(&mut self.lock(), &self.me)?)
    }

    fn read(&self, read: &mut dyn FnMut(&mut Network)) -> Result<(), HostError> {
        read(&mut self.lock());
        Ok(())
    }
}
