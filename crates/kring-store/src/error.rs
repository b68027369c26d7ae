//! Everything that can go wrong with the data directory, worded for the person who sees it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("data directory {dir} is in use by pid {pid}; close the other Kring first")]
    InUse { dir: PathBuf, pid: String },

    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error(
        "device key {path} is damaged ({reason}); it was left untouched — restore it from a backup or move it away to start as a new device"
    )]
    BadDeviceKey { path: PathBuf, reason: String },

    #[error("no network with id {0} in this data directory")]
    UnknownNetwork(String),

    #[error("'{0}' is not a valid network id (letters, digits and '-', at most 64)")]
    InvalidNetworkId(String),

    #[error("network {0} already exists in this data directory")]
    NetworkExists(String),

    #[error("{path} is damaged: {reason}")]
    Corrupt { path: PathBuf, reason: String },

    #[error("settings file {path} is unreadable: {reason}")]
    BadConfig { path: PathBuf, reason: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Attaches the path to an I/O error, so every message names the file involved.
pub(crate) trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| StoreError::Io { path: path.into(), source })
    }
}
