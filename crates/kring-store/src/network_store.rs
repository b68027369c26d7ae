//! One network on disk: `snapshot.kring` (compacted document) plus `changes.log` (every edit
//! since, one fsynced record per save), `local.json` (this device's own notes about the network)
//! and `quarantine/` (damaged files, moved aside, never deleted).

use std::fmt;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use automerge::{AutoCommit, ChangeHash};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::atomic::{PRIVATE_FILE_MODE, create_private_dir_all, private_file_options, sync_dir, write_atomic};
use crate::error::{IoContext, Result, StoreError};
use crate::{record, snapshot_file};

pub const SNAPSHOT_FILE: &str = "snapshot.kring";
pub const LOG_FILE: &str = "changes.log";
pub(crate) const LOCAL_FILE: &str = "local.json";
pub const QUARANTINE_DIR: &str = "quarantine";
pub(crate) const PEERS_DIR: &str = "peers";
/// What the desktop client showed last, to paint at once next time while the network loads.
pub const VIEW_CACHE_FILE: &str = "view.cache";
/// The network's name in plain UTF-8 (see [`NetworkStore::write_name`]).
pub const NAME_FILE: &str = "name";
/// A kept name longer than this is not one Kring wrote.
const MAX_NAME_BYTES: usize = 4096;
/// Other devices' signatures on changes this laptop holds, so that it can pass them on (the
/// log holds those received since; compaction folds them in here).
pub(crate) const SIGNATURES_FILE: &str = "signatures.bin";
/// Marks a log record that holds signatures rather than changes.
const SIGNATURES_MAGIC: &[u8] = b"KSIG";

/// The log is folded into a new snapshot once it is larger than the snapshot (and at least
/// this big), so loading never replays more than about twice the document.
const MIN_LOG_BYTES_BEFORE_COMPACTION: u64 = 256 * 1024;
/// ... or once it holds this many records, whatever their size.
const MAX_LOG_RECORDS: usize = 2_000;

/// What [`NetworkStore::append_signed`] did.
#[must_use = "an unsynced record is not durable until it is synced"]
pub enum Appended {
    /// There was nothing new to write.
    Nothing,
    /// Written and durable (folded into a new snapshot).
    Durable,
    /// Written, not yet durable.
    Unsynced(Unsynced),
}

/// A log record written but not yet fsynced.
#[must_use = "a record is not durable until it is synced"]
pub struct Unsynced {
    file: File,
    path: PathBuf,
    /// What was durable before the record, for [`NetworkStore::sync_failed`].
    pub heads_before: Vec<ChangeHash>,
}

impl Unsynced {
    /// Makes the record durable: when this returns, it survives a crash or a power cut.
    pub fn sync(&self) -> Result<()> {
        self.file.sync_data().at(&self.path)
    }
}

/// Something found while loading a network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub kind: ProblemKind,
    pub description: String,
    /// Where the damaged file now is, if it was moved aside.
    pub moved_to: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// An edit that was being saved when the laptop crashed; it was never reported as saved.
    TornTail,
    /// Real damage: bytes that were once saved can no longer be read.
    Damaged,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.description)?;
        if let Some(moved_to) = &self.moved_to {
            write!(f, "; the damaged file was moved to {}", moved_to.display())?;
        }
        Ok(())
    }
}

/// What loading found besides the document itself. Empty when all was well.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LoadReport {
    pub problems: Vec<Problem>,
}

impl LoadReport {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn has_damage(&self) -> bool {
        self.problems.iter().any(|p| p.kind == ProblemKind::Damaged)
    }
}

/// Keeps one network's files in step with its document.
#[derive(Debug)]
pub struct NetworkStore {
    dir: PathBuf,
    /// Heads of everything already on disk: the next save writes only what is newer.
    persisted_heads: Vec<ChangeHash>,
    log: Option<File>,
    log_bytes: u64,
    log_records: usize,
    snapshot_bytes: u64,
    /// Opaque signature records (the sync layer reads them), from the signatures file and log.
    signatures: Vec<Vec<u8>>,
}

impl NetworkStore {
    /// Writes a brand-new network. The directory appears complete or not at all.
    pub(crate) fn create(dir: &Path, doc: &mut AutoCommit) -> Result<NetworkStore> {
        let parent = dir.parent().expect("a network directory has a parent");
        let name = dir.file_name().expect("a network directory has a name").to_string_lossy();
        let staging = parent.join(format!(".{name}.new"));
        if staging.exists() {
            fs::remove_dir_all(&staging).at(&staging)?;
        }
        create_private_dir_all(&staging)?;
        let mut store = NetworkStore::empty(&staging);
        store.compact(doc)?;
        fs::rename(&staging, dir).at(dir)?;
        sync_dir(parent)?;
        store.dir = dir.to_path_buf();
        Ok(store)
    }

    pub(crate) fn empty(dir: &Path) -> NetworkStore {
        NetworkStore {
            dir: dir.to_path_buf(),
            persisted_heads: Vec::new(),
            log: None,
            log_bytes: 0,
            log_records: 0,
            snapshot_bytes: 0,
            signatures: Vec::new(),
        }
    }

    /// Loads the network: the snapshot, then every intact record of the log. Damaged files are
    /// reported and moved to `quarantine/`; whatever could be read is saved afresh.
    pub(crate) fn open(dir: &Path) -> Result<(NetworkStore, AutoCommit, LoadReport)> {
        let mut store = NetworkStore::empty(dir);
        let mut report = LoadReport::default();
        let snapshot_path = dir.join(SNAPSHOT_FILE);
        let log_path = dir.join(LOG_FILE);

        let mut doc = match read_if_exists(&snapshot_path)? {
            None => AutoCommit::new(),
            Some(bytes) => match load_snapshot(&bytes) {
                Ok(doc) => {
                    store.snapshot_bytes = bytes.len() as u64;
                    doc
                }
                Err(reason) => {
                    let moved_to = store.quarantine(&snapshot_path)?;
                    report.problems.push(Problem {
                        file: snapshot_path.clone(),
                        kind: ProblemKind::Damaged,
                        description: format!("the saved snapshot cannot be read ({reason})"),
                        moved_to: Some(moved_to),
                    });
                    AutoCommit::new()
                }
            },
        };

        // Edits in the snapshot may already wait for earlier changes (kept from a damaged log
        // before, until a peer supplies them): that is known, not new damage.
        let waiting_before: Vec<_> = doc.get_missing_deps(&[]);
        let mut log_must_be_kept = false;
        if let Some(bytes) = read_if_exists(&dir.join(SIGNATURES_FILE))? {
            // A damaged record only costs a signature: whole documents go out instead.
            store.signatures.extend(record::scan(&bytes).records.iter().map(|r| r.to_vec()));
        }
        if let Some(bytes) = read_if_exists(&log_path)? {
            let scan = record::scan(&bytes);
            let (signatures, changes): (Vec<&[u8]>, Vec<&[u8]>) =
                scan.records.iter().partition(|r| r.starts_with(SIGNATURES_MAGIC));
            store.signatures.extend(signatures.iter().map(|r| r[SIGNATURES_MAGIC.len()..].to_vec()));
            let unreadable = replay(&mut doc, &changes);
            if let Some(torn) = &scan.torn_tail {
                report.problems.push(Problem {
                    file: log_path.clone(),
                    kind: ProblemKind::TornTail,
                    description: format!(
                        "skipped an unfinished last edit ({} bytes at offset {}), left by an interrupted save",
                        torn.len, torn.offset
                    ),
                    moved_to: None,
                });
            }
            let damaged_bytes: usize = scan.damaged.iter().map(|d| d.len).sum();
            if damaged_bytes > 0 || !unreadable.is_empty() {
                log_must_be_kept = true;
                let mut what = Vec::new();
                if damaged_bytes > 0 {
                    what.push(format!("{damaged_bytes} damaged bytes in {} place(s)", scan.damaged.len()));
                }
                if let Some(first) = unreadable.first() {
                    what.push(format!("{} record(s) Automerge could not read (first: {first})", unreadable.len()));
                }
                report.problems.push(Problem {
                    file: log_path.clone(),
                    kind: ProblemKind::Damaged,
                    description: format!(
                        "{}; {} intact edits were kept",
                        what.join(", "),
                        scan.records.len() - unreadable.len()
                    ),
                    moved_to: None,
                });
            }
            store.log_bytes = bytes.len() as u64;
            store.log_records = scan.records.len();
        }

        let missing: Vec<_> =
            doc.get_missing_deps(&[]).into_iter().filter(|hash| !waiting_before.contains(hash)).collect();
        if !missing.is_empty() {
            log_must_be_kept = true;
            report.problems.push(Problem {
                file: log_path.clone(),
                kind: ProblemKind::Damaged,
                description: format!(
                    "some saved edits build on {} earlier change(s) that are no longer on disk; they are kept aside until a peer supplies them",
                    missing.len()
                ),
                moved_to: None,
            });
        }

        if doc.get_heads().is_empty() {
            let reason = if report.is_clean() {
                "it holds no saved network"
            } else {
                "nothing of this network could be loaded; its damaged files are in the quarantine folder"
            };
            return Err(StoreError::Corrupt { path: dir.to_path_buf(), reason: reason.into() });
        }

        store.persisted_heads = doc.get_heads();
        if !report.is_clean() {
            // Save what was recovered as a fresh snapshot, then move the old log aside (or drop
            // it when it only had a torn tail, which the new snapshot makes redundant).
            if log_must_be_kept {
                let moved_to = store.quarantine(&log_path)?;
                for problem in
                    report.problems.iter_mut().filter(|p| p.file == log_path && p.kind == ProblemKind::Damaged)
                {
                    problem.moved_to = Some(moved_to.clone());
                }
                store.log_bytes = 0;
                store.log_records = 0;
            }
            store.compact(&mut doc)?;
        }
        for problem in &report.problems {
            tracing::debug!("{problem}");
        }
        Ok((store, doc, report))
    }

    /// Reads the network back from disk as [`NetworkStore::open`] does, for when the document
    /// in memory can no longer be trusted (Automerge failed half-way through a peer's changes).
    pub fn reload(&mut self) -> Result<(AutoCommit, LoadReport)> {
        let (store, doc, report) = NetworkStore::open(&self.dir)?;
        *self = store;
        Ok((doc, report))
    }

    /// The signature records saved with this network, for the sync layer to read.
    pub fn signature_blobs(&self) -> impl Iterator<Item = &[u8]> {
        self.signatures.iter().map(Vec::as_slice)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the store is, after a switch to a new chapter moved its folder into place.
    pub(crate) fn set_dir(&mut self, dir: &Path) {
        self.dir = dir.to_path_buf();
        self.log = None;
    }

    /// The signed hand-offs from the network's first chapter to its current one, as this
    /// laptop keeps them (see [`crate::chapter_switch`]): the sync layer's bytes.
    pub fn read_chain(&self) -> Option<Vec<u8>> {
        fs::read(self.dir.join(crate::chapter_switch::CHAIN_FILE)).ok()
    }

    /// Keeps `chain` (the sync layer's bytes) as this chapter's hand-offs: for a network joined
    /// past its first chapter, the ones the inviting laptop kept.
    pub fn write_chain(&self, chain: &[u8]) -> Result<()> {
        write_atomic(&self.dir.join(crate::chapter_switch::CHAIN_FILE), chain, Some(PRIVATE_FILE_MODE))
    }

    /// What offline work this laptop carried into this chapter when it took it (the node's
    /// bytes, see [`crate::chapter_switch::CARRIED_FILE`]).
    pub fn read_carried(&self) -> Option<Vec<u8>> {
        fs::read(self.dir.join(crate::chapter_switch::CARRIED_FILE)).ok()
    }

    /// The one hand-off an older Kring kept: the one that brought this laptop to the current
    /// chapter. Read when there is no chain yet.
    pub fn read_handoff(&self) -> Option<Vec<u8>> {
        fs::read(self.dir.join(crate::chapter_switch::HANDOFF_FILE)).ok()
    }

    /// Appends every change not yet on disk as one fsynced log record. When this returns, the
    /// edits survive a crash or a power cut. Returns whether anything was written.
    pub fn persist(&mut self, doc: &mut AutoCommit) -> Result<bool> {
        self.persist_signed(doc, None)
    }

    /// Like [`NetworkStore::persist`], with signatures that came with the changes saved in the
    /// same record write (one fsync for both).
    pub fn persist_signed(&mut self, doc: &mut AutoCommit, signatures: Option<Vec<u8>>) -> Result<bool> {
        let appended = self.append_signed(doc, signatures)?;
        self.make_durable(appended)
    }

    /// Fsyncs what [`NetworkStore::append_signed`] wrote, if it is not durable yet; a record
    /// whose fsync fails is written again next time. Returns whether anything was written.
    pub fn make_durable(&mut self, appended: Appended) -> Result<bool> {
        match appended {
            Appended::Nothing => Ok(false),
            Appended::Durable => Ok(true),
            Appended::Unsynced(unsynced) => match unsynced.sync() {
                Ok(()) => Ok(true),
                Err(err) => {
                    self.sync_failed(unsynced.heads_before);
                    Err(err)
                }
            },
        }
    }

    /// Writes what [`NetworkStore::persist_signed`] writes, but leaves the fsync to the caller
    /// ([`Unsynced::sync`]), which can then make the record durable outside its own locks.
    pub fn append_signed(&mut self, doc: &mut AutoCommit, signatures: Option<Vec<u8>>) -> Result<Appended> {
        let heads = doc.get_heads();
        let changes = if heads == self.persisted_heads { Vec::new() } else { doc.save_after(&self.persisted_heads) };
        if changes.is_empty() && signatures.is_none() {
            self.persisted_heads = heads;
            return Ok(Appended::Nothing);
        }
        let path = self.dir.join(LOG_FILE);
        if self.log.is_none() {
            let file = private_file_options().create(true).append(true).open(&path).at(&path)?;
            self.log = Some(file);
            sync_dir(&self.dir)?;
        }
        let log = self.log.as_mut().expect("opened above");
        let mut framed = if changes.is_empty() { Vec::new() } else { record::encode(&changes) };
        if let Some(signatures) = signatures {
            framed.extend(record::encode(&[SIGNATURES_MAGIC, &signatures].concat()));
            self.signatures.push(signatures);
        }
        log.write_all(&framed).at(&path)?;
        let unsynced = Unsynced {
            file: log.try_clone().at(&path)?,
            path,
            heads_before: std::mem::replace(&mut self.persisted_heads, heads),
        };
        self.log_bytes += framed.len() as u64;
        self.log_records += 1;
        if self.wants_compaction() {
            // The new snapshot holds the record, and is written durably.
            self.compact(doc)?;
            return Ok(Appended::Durable);
        }
        Ok(Appended::Unsynced(unsynced))
    }

    /// The fsync of an [`Unsynced`] record failed: what it held is written again next time.
    /// (Applying a change twice changes nothing.)
    pub fn sync_failed(&mut self, heads_before: Vec<ChangeHash>) {
        self.persisted_heads = heads_before;
    }

    fn wants_compaction(&self) -> bool {
        self.log_records >= MAX_LOG_RECORDS
            || self.log_bytes >= MIN_LOG_BYTES_BEFORE_COMPACTION.max(self.snapshot_bytes)
    }

    /// Writes the whole document as a new snapshot (temp file, fsync, rename), then removes the
    /// log. A crash in between only means the old log is replayed once more: harmless, because
    /// applying a change twice changes nothing.
    pub fn compact(&mut self, doc: &mut AutoCommit) -> Result<()> {
        let bytes = snapshot_file::encode(&crate::save_checked(doc));
        if !self.signatures.is_empty() {
            let records: Vec<u8> = self.signatures.iter().flat_map(|blob| record::encode(blob)).collect();
            write_atomic(&self.dir.join(SIGNATURES_FILE), &records, Some(PRIVATE_FILE_MODE))?;
        }
        write_atomic(&self.dir.join(SNAPSHOT_FILE), &bytes, Some(PRIVATE_FILE_MODE))?;
        self.log = None;
        let log_path = self.dir.join(LOG_FILE);
        match fs::remove_file(&log_path) {
            Ok(()) => sync_dir(&self.dir)?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(err).at(&log_path),
        }
        self.persisted_heads = doc.get_heads();
        self.snapshot_bytes = bytes.len() as u64;
        self.log_bytes = 0;
        self.log_records = 0;
        Ok(())
    }

    /// Sizes on disk: (snapshot bytes, log bytes).
    pub fn sizes(&self) -> (u64, u64) {
        (self.snapshot_bytes, self.log_bytes)
    }

    /// This device's own notes about the network (who "me" is, what was last seen, ...).
    /// A missing file gives the default.
    pub fn read_local<T: DeserializeOwned + Default>(&self) -> Result<T> {
        let path = self.dir.join(LOCAL_FILE);
        match read_if_exists(&path)? {
            None => Ok(T::default()),
            Some(bytes) => {
                serde_json::from_slice(&bytes).map_err(|err| StoreError::BadConfig { path, reason: err.to_string() })
            }
        }
    }

    pub fn write_local<T: Serialize>(&self, value: &T) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(value)
            .map_err(|err| StoreError::BadConfig { path: self.dir.join(LOCAL_FILE), reason: err.to_string() })?;
        write_atomic(&self.dir.join(LOCAL_FILE), &bytes, Some(PRIVATE_FILE_MODE))
    }

    /// Keeps what the interface shows of the network (its own encoding), for
    /// [`DataDir::read_view_cache`] at the next start. Only a convenience: the document stays
    /// the truth, and a cache that cannot be read is simply not used.
    /// The file: `CRC-32 (u32 LE) | bytes`.
    pub fn write_view_cache(&self, bytes: &[u8]) -> Result<()> {
        let mut file = crc32fast::hash(bytes).to_le_bytes().to_vec();
        file.extend_from_slice(bytes);
        write_atomic(&self.dir.join(VIEW_CACHE_FILE), &file, Some(PRIVATE_FILE_MODE))
    }

    /// What [`NetworkStore::write_view_cache`] kept in the network directory `dir`, read
    /// without loading the network; `None` if there is none or it is damaged.
    pub(crate) fn read_view_cache(dir: &Path) -> Option<Vec<u8>> {
        let file = fs::read(dir.join(VIEW_CACHE_FILE)).ok()?;
        let (crc, bytes) = file.split_first_chunk::<4>()?;
        (crc32fast::hash(bytes) == u32::from_le_bytes(*crc)).then(|| bytes.to_vec())
    }

    /// Keeps the network's name beside it, as plain UTF-8 that every Kring reads alike: the
    /// network list shows from it at the start, also when the kept view cannot be used (damaged,
    /// or kept by an older Kring). Only a convenience, like the view.
    pub fn write_name(&self, name: &str) -> Result<()> {
        if Self::read_name(&self.dir).as_deref() == Some(name) {
            return Ok(());
        }
        write_atomic(&self.dir.join(NAME_FILE), name.as_bytes(), Some(PRIVATE_FILE_MODE))
    }

    /// What [`NetworkStore::write_name`] kept in the network directory `dir`; `None` if there
    /// is none or it is not a name.
    pub(crate) fn read_name(dir: &Path) -> Option<String> {
        let name = fs::read_to_string(dir.join(NAME_FILE)).ok()?;
        (!name.trim().is_empty() && name.len() <= MAX_NAME_BYTES).then_some(name)
    }

    /// The sync state kept for a peer device (see the sync crate); `None` if there is none or
    /// it is unreadable — a missing state only makes the next sync a little larger.
    pub fn read_sync_state(&self, device: &str) -> Option<Vec<u8>> {
        let path = self.peer_file(device)?;
        fs::read(path).ok()
    }

    pub fn write_sync_state(&self, device: &str, state: &[u8]) -> Result<()> {
        let Some(path) = self.peer_file(device) else { return Ok(()) };
        let dir = self.dir.join(PEERS_DIR);
        create_private_dir_all(&dir)?;
        write_atomic(&path, state, Some(PRIVATE_FILE_MODE))
    }

    /// Device ids are hex, but they come from peers: never let one name a path elsewhere.
    fn peer_file(&self, device: &str) -> Option<PathBuf> {
        let safe = (1..=128).contains(&device.len()) && device.bytes().all(|b| b.is_ascii_alphanumeric());
        safe.then(|| self.dir.join(PEERS_DIR).join(format!("{device}.sync")))
    }

    /// Moves a damaged file into `quarantine/` under a name that never overwrites another.
    fn quarantine(&self, file: &Path) -> Result<PathBuf> {
        let dir = self.dir.join(QUARANTINE_DIR);
        create_private_dir_all(&dir)?;
        let name = file.file_name().expect("a file name").to_string_lossy();
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let mut target = dir.join(format!("{name}.{secs}.bad"));
        let mut n = 1;
        while target.exists() {
            n += 1;
            target = dir.join(format!("{name}.{secs}-{n}.bad"));
        }
        fs::rename(file, &target).at(file)?;
        sync_dir(&dir)?;
        sync_dir(&self.dir)?;
        Ok(target)
    }
}

/// Applies the log's records. All at once is much faster than one by one (Automerge rebuilds its
/// indexes once); only if that fails are they applied singly, to keep every readable one.
/// Returns Automerge's complaint about each record it could not read.
fn replay(doc: &mut AutoCommit, records: &[&[u8]]) -> Vec<String> {
    // A failed bulk load may have applied some changes already; applying them again below is a
    // no-op, so the document stays correct either way.
    if doc.load_incremental(&records.concat()).is_ok() {
        return Vec::new();
    }
    records.iter().filter_map(|record| doc.load_incremental(record).err()).map(|err| err.to_string()).collect()
}

fn load_snapshot(bytes: &[u8]) -> std::result::Result<AutoCommit, String> {
    let document = snapshot_file::decode(bytes)?;
    AutoCommit::load(document).map_err(|err| format!("Automerge cannot read it: {err}"))
}

fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).at(path),
    }
}
