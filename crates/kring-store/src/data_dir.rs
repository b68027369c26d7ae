//! The data directory: one per person and laptop, holding the device key, settings and every
//! network this device takes part in.

use std::fs;
use std::path::{Path, PathBuf};

use automerge::AutoCommit;
use iroh_base::SecretKey;

use crate::config::Config;
use crate::device_key;
use crate::error::{IoContext, Result, StoreError};
use crate::lock::DirLock;
use crate::network_store::{LoadReport, NetworkStore};

pub const NETWORKS_DIR: &str = "networks";

/// An open data directory. Holding it means holding its lock: no other Kring process can use
/// the directory until this is dropped.
#[derive(Debug)]
pub struct DataDir {
    root: PathBuf,
    key: SecretKey,
    _lock: DirLock,
}

impl DataDir {
    /// The platform's place for application data, e.g. `~/.local/share/kring` on Linux.
    pub fn default_root() -> Option<PathBuf> {
        directories::ProjectDirs::from("nl", "Kring", "Kring").map(|dirs| dirs.data_dir().to_path_buf())
    }

    /// Opens (creating on first start) the data directory at `root`, takes its lock and loads or
    /// creates the device key.
    pub fn open(root: &Path) -> Result<DataDir> {
        fs::create_dir_all(root.join(NETWORKS_DIR)).at(root)?;
        let lock = DirLock::acquire(root)?;
        let key = device_key::load_or_create(root)?;
        Ok(DataDir { root: root.to_path_buf(), key, _lock: lock })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn device_key(&self) -> &SecretKey {
        &self.key
    }

    /// This device's public id (the iroh endpoint id, lowercase hex), as stored in networks.
    pub fn device_id(&self) -> String {
        self.key.public().to_string()
    }

    pub fn config(&self) -> Result<Config> {
        Config::load(&self.root)
    }

    pub fn save_config(&self, config: &Config) -> Result<()> {
        config.save(&self.root)
    }

    /// The ids of every network stored here, sorted.
    pub fn network_ids(&self) -> Result<Vec<String>> {
        let dir = self.root.join(NETWORKS_DIR);
        let mut ids = Vec::new();
        for entry in fs::read_dir(&dir).at(&dir)? {
            let entry = entry.at(&dir)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().at(entry.path())?.is_dir() && is_valid_network_id(&name) {
                ids.push(name);
            }
        }
        ids.sort();
        Ok(ids)
    }

    /// Stores a network that is new to this device (just founded, or just joined).
    pub fn create_network(&self, id: &str, doc: &mut AutoCommit) -> Result<NetworkStore> {
        let dir = self.network_dir(id)?;
        if dir.exists() {
            return Err(StoreError::NetworkExists(id.to_string()));
        }
        NetworkStore::create(&dir, doc)
    }

    pub fn open_network(&self, id: &str) -> Result<(NetworkStore, AutoCommit, LoadReport)> {
        let dir = self.network_dir(id)?;
        if !dir.is_dir() {
            return Err(StoreError::UnknownNetwork(id.to_string()));
        }
        NetworkStore::open(&dir)
    }

    /// What [`NetworkStore::write_view_cache`] kept for network `id`, read without opening the
    /// network (that takes a while for a big one); `None` if there is none or it is damaged.
    pub fn read_view_cache(&self, id: &str) -> Option<Vec<u8>> {
        NetworkStore::read_view_cache(&self.network_dir(id).ok()?)
    }

    fn network_dir(&self, id: &str) -> Result<PathBuf> {
        if !is_valid_network_id(id) {
            return Err(StoreError::InvalidNetworkId(id.to_string()));
        }
        Ok(self.root.join(NETWORKS_DIR).join(id))
    }
}

/// Network ids become directory names, so only a safe alphabet is allowed.
pub fn is_valid_network_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}
