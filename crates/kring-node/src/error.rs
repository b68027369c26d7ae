//! What can go wrong while running a node, joining or syncing.

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error(transparent)]
    Store(#[from] kring_store::StoreError),
    #[error(transparent)]
    Model(#[from] kring_model::ModelError),
    #[error("this is not a valid Kring invite ticket ({0}); ask the coordinator to send it again")]
    BadTicket(String),
    #[error("the invite was refused: {0}")]
    JoinRefused(String),
    #[error(
        "could not reach any device of the inviting network within {0} seconds; is the inviter's Kring running and on the same network?"
    )]
    Unreachable(u64),
    #[error("network {0} is not on this device")]
    UnknownNetwork(String),
    #[error("this device is not a current member of the network")]
    NotAMember,
    #[error("network {0} is already on this device")]
    AlreadyMember(String),
    #[error("cannot start networking: {0}")]
    Bind(String),
    #[error("{0}")]
    Connection(String),
    #[error(transparent)]
    Frame(#[from] kring_sync::FrameError),
    #[error(transparent)]
    Protocol(#[from] kring_sync::ProtocolError),
}

impl NodeError {
    pub(crate) fn connection(err: impl std::fmt::Display) -> NodeError {
        NodeError::Connection(err.to_string())
    }
}

pub type Result<T, E = NodeError> = std::result::Result<T, E>;
