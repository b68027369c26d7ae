//! Durable local storage for Kring.
//!
//! A data directory holds the device key, the settings and one folder per network. Each network
//! is a compacted snapshot plus an append-only, checksummed, fsynced change log, so that every
//! edit reported as saved survives a crash, a torn write is skipped, and damage is reported and
//! moved aside instead of being silently dropped. This crate knows Automerge documents as bytes
//! and heads only; what is inside a network is the model crate's business.

mod atomic;
pub mod bundle;
mod chapter_switch;
mod chapters_heard;
mod config;
mod data_dir;
mod device_key;
mod error;
mod lock;
mod network_store;
pub mod record;
pub mod snapshot_file;

pub use atomic::{PRIVATE_FILE_MODE, write_atomic};

/// The whole document as Automerge saves it, without the changes it holds back for want of
/// earlier ones. Those have not been checked against the network's rules yet (they are, when
/// the earlier ones arrive and they can be applied), so they must never reach the disk,
/// another laptop or a bundle: Automerge's own `save` keeps them, and a change refused later
/// would then come back with every restart, and be taken for part of the network by others.
pub fn save_checked(doc: &mut automerge::AutoCommit) -> Vec<u8> {
    doc.save_with_options(automerge::SaveOptions { deflate: true, retain_orphans: false })
}
pub use chapter_switch::{ARCHIVE_DIR, CHAIN_FILE, HANDOFF_FILE, OldChapter};
pub use chapters_heard::CHAPTERS_HEARD_FILE;
pub use config::Config;
pub use data_dir::{DataDir, NETWORKS_DIR, is_valid_network_id};
pub use error::{Result, StoreError};
pub use network_store::{
    Appended, LOG_FILE, LoadReport, NAME_FILE, NetworkStore, Problem, ProblemKind, QUARANTINE_DIR, SNAPSHOT_FILE,
    Unsynced, VIEW_CACHE_FILE,
};

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    #[test]
    fn a_change_held_back_for_want_of_an_earlier_one_is_not_saved() {
        let mut writer = AutoCommit::new();
        writer.put(ROOT, "first", 1).unwrap();
        writer.commit();
        writer.put(ROOT, "second", 2).unwrap();
        writer.commit();
        let second = writer.get_last_local_change().unwrap().clone();

        // Only the second change arrives: Automerge holds it until the first one comes.
        let mut reader = AutoCommit::new();
        reader.apply_changes([second.clone()]).unwrap();
        assert!(reader.get_missing_deps(&[]).len() == 1, "the second change waits for the first");
        assert!(
            AutoCommit::load(&reader.save()).unwrap().get_missing_deps(&[]).len() == 1,
            "Automerge's own save keeps the held change"
        );
        let saved = super::save_checked(&mut reader);
        let mut loaded = AutoCommit::load(&saved).unwrap();
        assert!(loaded.get_missing_deps(&[]).is_empty(), "nothing held back was saved");
        assert!(loaded.get_change_by_hash(&second.hash()).is_none());
    }
}
