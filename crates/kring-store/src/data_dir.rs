//! The data directory: one per person and laptop, holding the device key, settings and every
//! network this device takes part in.

use std::fs;
use std::path::{Path, PathBuf};

use automerge::AutoCommit;
use iroh_base::SecretKey;

use crate::atomic::create_private_dir_all;
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

    /// Opens (creating on first start) the data directory at `root`, takes its lock, makes what
    /// Kring keeps there private to the owner again (0700 folders, 0600 files, on Unix) and loads
    /// or creates the device key.
    pub fn open(root: &Path) -> Result<DataDir> {
        create_private_dir_all(&root.join(NETWORKS_DIR))?;
        let lock = DirLock::acquire(root)?;
        crate::chapter_switch::finish_switches(&root.join(NETWORKS_DIR))?;
        make_private(root);
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

    /// The name [`NetworkStore::write_name`] kept for network `id`, read without opening it.
    pub fn read_name(&self, id: &str) -> Option<String> {
        NetworkStore::read_name(&self.network_dir(id).ok()?)
    }

    fn network_dir(&self, id: &str) -> Result<PathBuf> {
        if !is_valid_network_id(id) {
            return Err(StoreError::InvalidNetworkId(id.to_string()));
        }
        Ok(self.root.join(NETWORKS_DIR).join(id))
    }
}

/// What Kring keeps directly in the data directory (see the README); `addresses.json` and
/// `attachments/` are written by the node crate.
#[cfg(unix)]
const OWN_ENTRIES: [&str; 7] = [
    crate::device_key::DEVICE_KEY_FILE,
    crate::config::CONFIG_FILE,
    crate::lock::LOCK_FILE,
    "addresses.json",
    NETWORKS_DIR,
    crate::chapter_switch::ARCHIVE_DIR,
    "attachments",
];

/// On a shared laptop, other accounts must not read anyone's notes: the data directory and every
/// folder Kring keeps in it become 0700 and every file 0600 (permission bits are only ever
/// removed). Files written by older versions, copied in by hand or loosened by a backup tool are
/// corrected at every start, with one warning that says how many.
///
/// Only Kring's own entries are walked (and `networks/` all the way down): anything else in the
/// directory is left alone, so that `--data-dir ~` cannot strip a home folder of its execute
/// bits; once the directory itself is 0700, other accounts cannot reach those either. Symbolic
/// links are not followed, except when `root` itself is one. What cannot be changed (a file of
/// another owner) is warned about but does not stop Kring from starting.
#[cfg(unix)]
fn make_private(root: &Path) {
    let mut walk = PrivateWalk::default();
    match fs::metadata(root) {
        Ok(meta) => walk.tighten(root, &meta),
        Err(err) => walk.fail(err),
    }
    for name in OWN_ENTRIES {
        // An atomic write's temporary file, left by a crash, is Kring's too.
        for path in [root.join(name), root.join(format!(".{name}.tmp"))] {
            match fs::symlink_metadata(&path) {
                Ok(meta) => walk.visit(&path, &meta),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => walk.fail(err),
            }
        }
    }
    if walk.tightened > 0 {
        tracing::warn!(
            dir = %root.display(),
            count = walk.tightened,
            "other accounts on this computer could read files or folders in the data directory; they are now private"
        );
    }
    if let Some(err) = walk.first_error {
        tracing::warn!(
            dir = %root.display(),
            count = walk.failed,
            "could not make everything in the data directory private: {err}"
        );
    }
}

#[cfg(not(unix))]
fn make_private(_root: &Path) {}

#[cfg(unix)]
#[derive(Default)]
struct PrivateWalk {
    tightened: usize,
    failed: usize,
    first_error: Option<std::io::Error>,
}

#[cfg(unix)]
impl PrivateWalk {
    /// Makes `path` private, and everything under it if it is a folder.
    fn visit(&mut self, path: &Path, meta: &fs::Metadata) {
        if meta.file_type().is_symlink() {
            return;
        }
        self.tighten(path, meta);
        if !meta.is_dir() {
            return;
        }
        let entries = match fs::read_dir(path) {
            Ok(entries) => entries,
            Err(err) => return self.fail(err),
        };
        for entry in entries {
            match entry.and_then(|entry| Ok((entry.path(), fs::symlink_metadata(entry.path())?))) {
                Ok((path, meta)) => self.visit(&path, &meta),
                Err(err) => self.fail(err),
            }
        }
    }

    /// Removes whatever permission bits go beyond 0700 for a folder or 0600 for anything else.
    fn tighten(&mut self, path: &Path, meta: &fs::Metadata) {
        use std::os::unix::fs::PermissionsExt;

        use crate::atomic::{PRIVATE_DIR_MODE, PRIVATE_FILE_MODE};

        let allowed = if meta.is_dir() { PRIVATE_DIR_MODE } else { PRIVATE_FILE_MODE };
        let mode = meta.permissions().mode() & 0o7777;
        if mode & !allowed != 0 {
            match fs::set_permissions(path, fs::Permissions::from_mode(mode & allowed)) {
                Ok(()) => self.tightened += 1,
                Err(err) => self.fail(err),
            }
        }
    }

    fn fail(&mut self, err: std::io::Error) {
        self.failed += 1;
        self.first_error.get_or_insert(err);
    }
}

/// Network ids become directory names, so only a safe alphabet is allowed.
pub fn is_valid_network_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}
