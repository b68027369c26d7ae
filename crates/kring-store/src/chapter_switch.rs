//! Switching a network to a new chapter on disk, so that a crash at any moment leaves the
//! laptop on the old chapter or the new one, never on neither, and the next start finishes
//! what was begun.
//!
//! In `networks/`, for network `X`:
//! 1. the new chapter is written in full to `.X.chapter-tmp/` (snapshot, signatures, chain of
//!    hand-offs, each fsynced), which is then renamed to `.X.chapter-ready/`: from here on the switch is
//!    decided;
//! 2. `X/` is renamed to `.X.chapter-old/`, `.X.chapter-ready/` to `X/`;
//! 3. `.X.chapter-old/` is deleted, with everything of the old chapter in it (its history, the
//!    sync states, the view cache, the quarantine), or moved to `archive/` when the
//!    coordinator asked to keep the old history and nothing was erased.
//!
//! [`finish_switches`] runs at every start: it deletes an unfinished `-tmp`, and completes steps
//! 2 and 3 for whatever it finds further along.

use std::fs;
use std::path::{Path, PathBuf};

use automerge::AutoCommit;

use crate::atomic::{PRIVATE_FILE_MODE, create_private_dir_all, sync_dir, write_atomic};
use crate::error::{IoContext, Result};
use crate::network_store::NetworkStore;

/// The coordinators' signed hand-offs from the network's first chapter to this one (the sync
/// layer's bytes): kept so that this laptop can show a member on any earlier chapter, or on one
/// begun beside its own, the way. They hold no content, so nothing erased.
pub const CHAIN_FILE: &str = "handoffs.bin";
/// What offline work this laptop carried into the chapter when it took it, and where its own
/// characters in it came from (the node's bytes): should the chapter lose against one begun
/// beside it, that work is carried once, neither twice nor not at all.
pub(crate) const CARRIED_FILE: &str = "carried.bin";
/// The one hand-off an older Kring kept (from the chapter before): read when there is no chain.
pub const HANDOFF_FILE: &str = "handoff.bin";
/// In a new chapter's folder while it is being switched to: keep the old chapter in
/// `archive/` rather than deleting it. Its content names the archive folder.
const KEEP_PREVIOUS_FILE: &str = "keep-previous";
/// Old chapters kept at the coordinator's request, beside `networks/` in the data directory.
pub const ARCHIVE_DIR: &str = "archive";

/// What becomes of the old chapter once the laptop is on the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OldChapter {
    /// Deleted with every file it had: what an erasure needs, and the default.
    Delete,
    /// Moved to `archive/<name>/`, read-only history for the coordinator.
    Archive { name: String },
}

fn staged(networks: &Path, id: &str, stage: &str) -> PathBuf {
    networks.join(format!(".{id}.chapter-{stage}"))
}

impl NetworkStore {
    /// Switches this network to a new chapter (`doc`) reached by `chain`, with what was
    /// `carried` into it, crash-safe (see the module's comment), and returns the new chapter's
    /// store. The old chapter's folder is deleted or archived as `old` says.
    pub fn switch_chapter(
        self,
        doc: &mut AutoCommit,
        chain: Option<&[u8]>,
        carried: Option<&[u8]>,
        old: &OldChapter,
    ) -> Result<NetworkStore> {
        let dir = self.dir().to_path_buf();
        // The old log's file handle closes here: Windows renames no folder with an open file.
        drop(self);
        let networks = dir.parent().expect("a network directory has a parent");
        let id = dir.file_name().expect("a network directory has a name").to_string_lossy();
        switch(networks, &id, doc, [(CHAIN_FILE, chain), (CARRIED_FILE, carried)], old)
    }
}

/// Writes the new chapter of network `id` beside the old one and switches to it.
fn switch(
    networks: &Path,
    id: &str,
    doc: &mut AutoCommit,
    beside: [(&str, Option<&[u8]>); 2],
    old: &OldChapter,
) -> Result<NetworkStore> {
    let tmp = staged(networks, id, "tmp");
    if tmp.exists() {
        fs::remove_dir_all(&tmp).at(&tmp)?;
    }
    create_private_dir_all(&tmp)?;
    let mut store = NetworkStore::empty(&tmp);
    store.compact(doc)?;
    for (name, bytes) in beside {
        if let Some(bytes) = bytes {
            write_atomic(&tmp.join(name), bytes, Some(PRIVATE_FILE_MODE))?;
        }
    }
    if let OldChapter::Archive { name } = old {
        write_atomic(&tmp.join(KEEP_PREVIOUS_FILE), name.as_bytes(), Some(PRIVATE_FILE_MODE))?;
    }
    let ready = staged(networks, id, "ready");
    if ready.exists() {
        fs::remove_dir_all(&ready).at(&ready)?;
    }
    fs::rename(&tmp, &ready).at(&ready)?;
    sync_dir(networks)?;
    finish(networks, id)?;
    store.set_dir(&networks.join(id));
    Ok(store)
}

/// Completes every switch a crash interrupted (see the module's comment).
pub(crate) fn finish_switches(networks: &Path) -> Result<()> {
    let mut ids = Vec::new();
    for entry in fs::read_dir(networks).at(networks)? {
        let name = entry.at(networks)?.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix('.') else { continue };
        if let Some(id) = rest.strip_suffix(".chapter-tmp") {
            // Never decided: the laptop stays on the chapter it had.
            let tmp = networks.join(&name);
            fs::remove_dir_all(&tmp).at(&tmp)?;
            tracing::info!("network {id}: an unfinished switch to a new chapter was undone");
        } else if let Some(id) = rest.strip_suffix(".chapter-ready").or_else(|| rest.strip_suffix(".chapter-old")) {
            ids.push(id.to_string());
        }
    }
    ids.sort();
    ids.dedup();
    for id in ids {
        finish(networks, &id)?;
        tracing::info!("network {id}: a switch to a new chapter was finished");
    }
    Ok(())
}

/// Steps 2 and 3 of a decided switch, from wherever they stopped.
fn finish(networks: &Path, id: &str) -> Result<()> {
    let current = networks.join(id);
    let ready = staged(networks, id, "ready");
    let old = staged(networks, id, "old");
    let mut keep = None;
    if ready.is_dir() {
        keep = fs::read_to_string(ready.join(KEEP_PREVIOUS_FILE)).ok();
        if current.exists() {
            if old.exists() {
                // An old chapter from an earlier, finished switch: gone already in spirit.
                fs::remove_dir_all(&old).at(&old)?;
            }
            fs::rename(&current, &old).at(&current)?;
        }
        fs::rename(&ready, &current).at(&ready)?;
        sync_dir(networks)?;
    }
    if old.exists() {
        let keep = keep.or_else(|| fs::read_to_string(current.join(KEEP_PREVIOUS_FILE)).ok());
        match keep.filter(|name| crate::is_valid_network_id(name)) {
            Some(name) => {
                let archive = networks.parent().unwrap_or(networks).join(ARCHIVE_DIR);
                create_private_dir_all(&archive)?;
                let target = archive.join(name);
                if target.exists() {
                    fs::remove_dir_all(&old).at(&old)?;
                } else {
                    fs::rename(&old, &target).at(&old)?;
                    sync_dir(&archive)?;
                }
            }
            None => fs::remove_dir_all(&old).at(&old)?,
        }
        sync_dir(networks)?;
    }
    let marker = current.join(KEEP_PREVIOUS_FILE);
    if marker.exists() {
        fs::remove_file(&marker).at(&marker)?;
    }
    Ok(())
}
