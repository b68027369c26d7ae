//! Durable local storage for Kring.
//!
//! A data directory holds the device key, the settings and one folder per network. Each network
//! is a compacted snapshot plus an append-only, checksummed, fsynced change log, so that every
//! edit reported as saved survives a crash, a torn write is skipped, and damage is reported and
//! moved aside instead of being silently dropped. This crate knows Automerge documents as bytes
//! and heads only; what is inside a network is the model crate's business.

mod atomic;
pub mod bundle;
mod config;
mod data_dir;
mod device_key;
mod error;
mod lock;
mod network_store;
pub mod record;
pub mod snapshot_file;

pub use atomic::{PRIVATE_FILE_MODE, write_atomic};
pub use config::Config;
pub use data_dir::{DataDir, NETWORKS_DIR, is_valid_network_id};
pub use error::{Result, StoreError};
pub use network_store::{LOG_FILE, LoadReport, NetworkStore, Problem, ProblemKind, QUARANTINE_DIR, SNAPSHOT_FILE};
