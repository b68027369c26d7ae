//! Switching a network to a new chapter on disk: after a crash at any step the laptop is on
//! one chapter, and the next start finishes the switch; the old chapter's files are gone.

use std::fs;
use std::path::Path;

use automerge::{AutoCommit, ROOT, ReadDoc, transaction::Transactable};
use kring_store::{ARCHIVE_DIR, CHAIN_FILE, DataDir, NETWORKS_DIR, OldChapter};

const NETWORK: &str = "plg-rekenen";

fn doc_saying(word: &str) -> AutoCommit {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "chapter", word).unwrap();
    doc.commit();
    doc
}

fn chapter_on_disk(root: &Path) -> String {
    let data = DataDir::open(root).unwrap();
    let (_, doc, report) = data.open_network(NETWORK).unwrap();
    assert!(report.is_clean(), "{:?}", report.problems);
    doc.get(ROOT, "chapter").unwrap().unwrap().0.as_str().unwrap().to_string()
}

fn switch(data: &DataDir, id: &str, handoff: Option<&[u8]>, old: &OldChapter) -> kring_store::NetworkStore {
    let (store, _, _) = data.open_network(id).unwrap();
    store.switch_chapter(&mut doc_saying("new"), handoff, None, old).unwrap()
}

/// Every entry of `networks/` besides the network's own folder.
fn leftovers(root: &Path) -> Vec<String> {
    fs::read_dir(root.join(NETWORKS_DIR))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != NETWORK)
        .collect()
}

/// A data directory on the old chapter, with a sync state and a view cache of it.
fn on_old_chapter() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let data = DataDir::open(root.path()).unwrap();
    let store = data.create_network(NETWORK, &mut doc_saying("old")).unwrap();
    store.write_sync_state("ab12", b"state of the old chapter").unwrap();
    store.write_view_cache(b"view of the old chapter").unwrap();
    root
}

#[test]
fn a_switch_replaces_the_chapter_and_deletes_every_file_of_the_old_one() {
    let root = on_old_chapter();
    {
        let data = DataDir::open(root.path()).unwrap();
        let (store, _, _) = data.open_network(NETWORK).unwrap();
        let (chain, carried) = (Some(&b"hand-offs"[..]), Some(&b"carried"[..]));
        let store = store.switch_chapter(&mut doc_saying("new"), chain, carried, &OldChapter::Delete).unwrap();
        assert_eq!(store.read_chain().as_deref(), chain);
        assert_eq!(store.read_carried().as_deref(), carried, "written with the chapter, in the same switch");
        assert_eq!(store.read_sync_state("ab12"), None, "sync states were the old chapter's");
        assert!(data.read_view_cache(NETWORK).is_none());
    }
    assert_eq!(chapter_on_disk(root.path()), "new");
    assert!(leftovers(root.path()).is_empty(), "{:?}", leftovers(root.path()));
    assert!(fs::read(root.path().join(NETWORKS_DIR).join(NETWORK).join(CHAIN_FILE)).is_ok());
    assert!(!root.path().join(ARCHIVE_DIR).exists());
}

#[test]
fn the_old_history_is_archived_only_when_asked() {
    let root = on_old_chapter();
    {
        let data = DataDir::open(root.path()).unwrap();
        let keep = OldChapter::Archive { name: "plg-rekenen-hoofdstuk-1".into() };
        switch(&data, NETWORK, None, &keep);
    }
    assert_eq!(chapter_on_disk(root.path()), "new");
    let archived = root.path().join(ARCHIVE_DIR).join("plg-rekenen-hoofdstuk-1");
    assert!(archived.join("snapshot.kring").is_file());
    assert!(leftovers(root.path()).is_empty());
}

/// The folders as a crash after each step of a switch leaves them, made by hand: the next start
/// always ends on exactly one chapter, with nothing left over.
#[test]
fn a_crash_at_any_step_of_a_switch_leaves_one_chapter_and_the_next_start_finishes() {
    let new_chapter_folder = |root: &Path| {
        // A finished switch of a second network gives a complete new-chapter folder to move.
        let data = DataDir::open(root).unwrap();
        data.create_network("scratch", &mut doc_saying("scratch")).unwrap();
        switch(&data, "scratch", None, &OldChapter::Delete);
        drop(data);
        root.join(NETWORKS_DIR).join("scratch")
    };
    let networks = |root: &Path| root.join(NETWORKS_DIR);
    let staged = |root: &Path, stage: &str| networks(root).join(format!(".{NETWORK}.chapter-{stage}"));

    // Crashed while writing the new chapter: it never happened.
    let root = on_old_chapter();
    let folder = new_chapter_folder(root.path());
    fs::rename(&folder, staged(root.path(), "tmp")).unwrap();
    assert_eq!(chapter_on_disk(root.path()), "old");
    assert!(leftovers(root.path()).is_empty());

    // Crashed once the new chapter was ready, before the old one moved.
    let root = on_old_chapter();
    let folder = new_chapter_folder(root.path());
    fs::rename(&folder, staged(root.path(), "ready")).unwrap();
    assert_eq!(chapter_on_disk(root.path()), "new");
    assert!(leftovers(root.path()).is_empty());

    // Crashed between the two renames: no folder under the network's name at all.
    let root = on_old_chapter();
    let folder = new_chapter_folder(root.path());
    fs::rename(&folder, staged(root.path(), "ready")).unwrap();
    fs::rename(networks(root.path()).join(NETWORK), staged(root.path(), "old")).unwrap();
    assert_eq!(chapter_on_disk(root.path()), "new");
    assert!(leftovers(root.path()).is_empty());

    // Crashed before the old chapter was deleted.
    let root = on_old_chapter();
    let folder = new_chapter_folder(root.path());
    fs::rename(networks(root.path()).join(NETWORK), staged(root.path(), "old")).unwrap();
    fs::rename(&folder, networks(root.path()).join(NETWORK)).unwrap();
    assert_eq!(chapter_on_disk(root.path()), "new");
    assert!(leftovers(root.path()).is_empty());
}
