//! The store against real files: saving, reloading, compaction, crashes and damage.

use std::fs;
use std::path::Path;

use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, transaction::Transactable};
use kring_store::{Appended, DataDir, LOG_FILE, ProblemKind, QUARANTINE_DIR, SNAPSHOT_FILE, StoreError, record};

const NETWORK: &str = "plg-rekenen";

/// A document whose edits are numbered keys in `edits`, so a load shows exactly which survived.
fn new_doc() -> AutoCommit {
    let mut doc = AutoCommit::new();
    doc.put_object(ROOT, "edits", ObjType::Map).unwrap();
    doc.commit();
    doc
}

fn edit(doc: &mut AutoCommit, n: usize) {
    let edits = doc.get(ROOT, "edits").unwrap().unwrap().1;
    doc.put(&edits, format!("{n:04}"), n as i64).unwrap();
    doc.commit();
}

fn edits_in(doc: &AutoCommit) -> Vec<usize> {
    let Some((_, edits)) = doc.get(ROOT, "edits").unwrap() else { return Vec::new() };
    doc.keys(&edits).map(|k| k.parse().unwrap()).collect()
}

/// A network saved with `n` edits, each in its own log record; returns the data directory.
fn network_with_logged_edits(n: usize) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let data = DataDir::open(root.path()).unwrap();
    let mut doc = new_doc();
    let mut store = data.create_network(NETWORK, &mut doc).unwrap();
    for i in 0..n {
        edit(&mut doc, i);
        assert!(store.persist(&mut doc).unwrap());
    }
    root
}

fn network_dir(root: &Path) -> std::path::PathBuf {
    root.join("networks").join(NETWORK)
}

fn quarantined(root: &Path) -> Vec<String> {
    match fs::read_dir(network_dir(root).join(QUARANTINE_DIR)) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn every_saved_edit_is_there_after_reopening() {
    let root = network_with_logged_edits(25);
    let data = DataDir::open(root.path()).unwrap();
    assert_eq!(data.network_ids().unwrap(), vec![NETWORK.to_string()]);
    let (_, doc, report) = data.open_network(NETWORK).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(edits_in(&doc), (0..25).collect::<Vec<_>>());
}

#[test]
fn persisting_without_new_edits_writes_nothing() {
    let root = network_with_logged_edits(1);
    let data = DataDir::open(root.path()).unwrap();
    let (mut store, mut doc, _) = data.open_network(NETWORK).unwrap();
    let before = fs::read(network_dir(root.path()).join(LOG_FILE)).unwrap();
    assert!(!store.persist(&mut doc).unwrap());
    assert_eq!(fs::read(network_dir(root.path()).join(LOG_FILE)).unwrap(), before);
}

#[test]
fn edits_after_reopening_append_only_what_is_new() {
    let root = network_with_logged_edits(3);
    {
        let data = DataDir::open(root.path()).unwrap();
        let (mut store, mut doc, _) = data.open_network(NETWORK).unwrap();
        let log = network_dir(root.path()).join(LOG_FILE);
        let before = fs::metadata(&log).unwrap().len();
        edit(&mut doc, 3);
        store.persist(&mut doc).unwrap();
        // One small record, not the whole history again.
        let added = fs::metadata(&log).unwrap().len() - before;
        assert!(added < 200, "appended {added} bytes for one edit");
    }
    let data = DataDir::open(root.path()).unwrap();
    let (_, doc, _) = data.open_network(NETWORK).unwrap();
    assert_eq!(edits_in(&doc), vec![0, 1, 2, 3]);
}

/// Saves edit 1, then edit 2 (appended, and its fsync reported failed when `fail`), then
/// edit 3. Returns the size of the last log record and the edits found after reopening.
fn append_then_persist(fail: bool) -> (u64, Vec<usize>) {
    let root = tempfile::tempdir().unwrap();
    let data = DataDir::open(root.path()).unwrap();
    let mut doc = new_doc();
    let mut store = data.create_network(NETWORK, &mut doc).unwrap();
    edit(&mut doc, 1);
    let Appended::Unsynced(first) = store.append_signed(&mut doc, None).unwrap() else { panic!("a record") };
    first.sync().unwrap();
    assert!(matches!(store.append_signed(&mut doc, None).unwrap(), Appended::Nothing), "nothing new");
    edit(&mut doc, 2);
    let Appended::Unsynced(second) = store.append_signed(&mut doc, None).unwrap() else { panic!("a record") };
    if fail {
        store.sync_failed(second.heads_before.clone());
    } else {
        second.sync().unwrap();
    }
    let log = network_dir(root.path()).join(LOG_FILE);
    let before = fs::metadata(&log).unwrap().len();
    edit(&mut doc, 3);
    assert!(store.persist(&mut doc).unwrap());
    let last_record = fs::metadata(&log).unwrap().len() - before;
    drop(store);
    let (_, reopened, report) = data.open_network(NETWORK).unwrap();
    assert!(report.is_clean(), "{report:?}");
    (last_record, edits_in(&reopened))
}

#[test]
fn an_appended_edit_is_kept_and_one_whose_sync_failed_is_written_again() {
    let (synced, edits) = append_then_persist(false);
    assert_eq!(edits, vec![1, 2, 3]);
    let (after_failure, edits) = append_then_persist(true);
    assert_eq!(edits, vec![1, 2, 3]);
    assert!(after_failure > synced, "edit 2 went into the last record again ({after_failure} vs {synced} bytes)");
}

#[test]
fn compaction_folds_the_log_into_the_snapshot() {
    let root = network_with_logged_edits(5);
    let data = DataDir::open(root.path()).unwrap();
    let (mut store, mut doc, _) = data.open_network(NETWORK).unwrap();
    store.compact(&mut doc).unwrap();
    assert!(!network_dir(root.path()).join(LOG_FILE).exists());
    drop((store, doc));
    let (_, doc, report) = data.open_network(NETWORK).unwrap();
    assert!(report.is_clean());
    assert_eq!(edits_in(&doc).len(), 5);
}

#[test]
fn the_log_compacts_itself_when_it_grows() {
    let root = tempfile::tempdir().unwrap();
    let data = DataDir::open(root.path()).unwrap();
    let mut doc = new_doc();
    let mut store = data.create_network(NETWORK, &mut doc).unwrap();
    let notes = doc.put_object(ROOT, "notes", ObjType::Text).unwrap();
    for i in 0..400 {
        doc.splice_text(&notes, 0, 0, &"a long paragraph of meeting notes ".repeat(30)).unwrap();
        doc.commit();
        store.persist(&mut doc).unwrap();
        let (_, log_bytes) = store.sizes();
        assert!(log_bytes < 2 * 1024 * 1024, "log at {log_bytes} bytes after {i} edits");
    }
    drop(store);
    let (_, doc, _) = data.open_network(NETWORK).unwrap();
    assert_eq!(doc.text(doc.get(ROOT, "notes").unwrap().unwrap().1).unwrap().len(), 400 * 34 * 30);
}

#[test]
fn an_old_log_replayed_onto_a_newer_snapshot_changes_nothing() {
    // A crash between writing the new snapshot and removing the old log.
    let root = network_with_logged_edits(4);
    let log = network_dir(root.path()).join(LOG_FILE);
    let old_log = fs::read(&log).unwrap();
    {
        let data = DataDir::open(root.path()).unwrap();
        let (mut store, mut doc, _) = data.open_network(NETWORK).unwrap();
        store.compact(&mut doc).unwrap();
    }
    fs::write(&log, old_log).unwrap();
    let data = DataDir::open(root.path()).unwrap();
    let (_, doc, report) = data.open_network(NETWORK).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(edits_in(&doc), vec![0, 1, 2, 3]);
}

/// A network's files as saved, and where each log record ends.
struct Saved {
    log_path: std::path::PathBuf,
    snapshot_path: std::path::PathBuf,
    log: Vec<u8>,
    snapshot: Vec<u8>,
    ends: Vec<usize>,
}

fn saved_files(root: &Path) -> Saved {
    let log_path = network_dir(root).join(LOG_FILE);
    let snapshot_path = network_dir(root).join(SNAPSHOT_FILE);
    let log = fs::read(&log_path).unwrap();
    let snapshot = fs::read(&snapshot_path).unwrap();
    let ends = record::scan(&log)
        .records
        .iter()
        .scan(0, |end, r| {
            *end += record::HEADER_LEN + r.len();
            Some(*end)
        })
        .collect();
    Saved { log_path, snapshot_path, log, snapshot, ends }
}

#[test]
fn a_log_cut_at_any_byte_of_its_last_records_keeps_every_complete_record() {
    let root = network_with_logged_edits(4);
    let Saved { log_path, snapshot_path, log, snapshot, ends } = saved_files(root.path());
    // Every offset from the start of the second-to-last record to the end.
    for cut in ends[1]..=log.len() {
        fs::write(&log_path, &log[..cut]).unwrap();
        fs::write(&snapshot_path, &snapshot).unwrap();
        let data = DataDir::open(root.path()).unwrap();
        let (_, doc, report) = data.open_network(NETWORK).unwrap();
        let complete = ends.iter().filter(|&&end| end <= cut).count();
        assert_eq!(edits_in(&doc), (0..complete).collect::<Vec<_>>(), "cut at {cut}");
        assert!(!report.has_damage(), "cut at {cut}: {report:?}");
        let torn = !ends.contains(&cut);
        assert_eq!(report.problems.iter().any(|p| p.kind == ProblemKind::TornTail), torn, "cut at {cut}");
        drop(data);
        // After recovery the network loads cleanly, with the same edits.
        let data = DataDir::open(root.path()).unwrap();
        let (_, doc, report) = data.open_network(NETWORK).unwrap();
        assert!(report.is_clean(), "cut at {cut}, second load: {report:?}");
        assert_eq!(edits_in(&doc).len(), complete);
    }
    assert!(quarantined(root.path()).is_empty(), "a torn tail is not damage");
}

#[test]
fn bit_flips_in_the_log_never_panic_and_keep_every_record_before_the_damage() {
    let root = network_with_logged_edits(6);
    let Saved { log_path, snapshot_path, log, snapshot, ends } = saved_files(root.path());
    for at in (0..log.len()).step_by(3) {
        for bit in [0u8, 5] {
            let quarantine = network_dir(root.path()).join(QUARANTINE_DIR);
            let _ = fs::remove_dir_all(&quarantine);
            let mut damaged = log.clone();
            damaged[at] ^= 1 << bit;
            fs::write(&log_path, &damaged).unwrap();
            fs::write(&snapshot_path, &snapshot).unwrap();
            let data = DataDir::open(root.path()).unwrap();
            let (_, doc, report) = data.open_network(NETWORK).unwrap();
            // Each change builds on the one before, so the edits before the damaged record load.
            let hit = ends.iter().position(|&end| at < end).unwrap();
            let loaded = edits_in(&doc);
            assert!(loaded.len() >= hit, "flip at {at}: loaded {loaded:?}");
            assert_eq!(&loaded[..hit], &(0..hit).collect::<Vec<_>>()[..], "flip at {at}");
            // Damage is named, and the damaged log is moved aside intact, never deleted.
            assert!(!report.is_clean(), "flip at {at}");
            let damage = report.problems.iter().find(|p| p.kind == ProblemKind::Damaged);
            if let Some(problem) = damage {
                assert!(problem.to_string().contains(LOG_FILE), "{problem}");
                let moved = problem.moved_to.as_ref().expect("a damaged log is moved aside");
                assert_eq!(fs::read(moved).unwrap(), damaged);
            }
        }
    }
}

#[test]
fn a_damaged_snapshot_is_quarantined_and_reported_by_name() {
    let root = network_with_logged_edits(2);
    let snapshot_path = network_dir(root.path()).join(SNAPSHOT_FILE);
    let mut snapshot = fs::read(&snapshot_path).unwrap();
    let middle = snapshot.len() / 2;
    snapshot[middle] ^= 0xff;
    fs::write(&snapshot_path, &snapshot).unwrap();
    let data = DataDir::open(root.path()).unwrap();
    // The log alone cannot rebuild this network (its history starts in the snapshot).
    let err = data.open_network(NETWORK).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    let moved = quarantined(root.path());
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(moved[0].starts_with(SNAPSHOT_FILE));
    assert_eq!(fs::read(network_dir(root.path()).join(QUARANTINE_DIR).join(&moved[0])).unwrap(), snapshot);
    // The log is still there, untouched, for a later rescue.
    assert!(network_dir(root.path()).join(LOG_FILE).exists());
}

#[test]
fn a_second_process_is_refused_while_the_first_holds_the_directory() {
    let root = tempfile::tempdir().unwrap();
    let _first = DataDir::open(root.path()).unwrap();
    let err = DataDir::open(root.path()).unwrap_err();
    assert!(err.to_string().contains(&format!("in use by pid {}", std::process::id())), "{err}");
}

#[test]
fn bad_network_ids_and_unknown_networks_are_clear_errors() {
    let root = tempfile::tempdir().unwrap();
    let data = DataDir::open(root.path()).unwrap();
    assert!(matches!(data.open_network("../etc").unwrap_err(), StoreError::InvalidNetworkId(_)));
    assert!(matches!(data.open_network("").unwrap_err(), StoreError::InvalidNetworkId(_)));
    assert!(matches!(data.open_network("nope").unwrap_err(), StoreError::UnknownNetwork(_)));
    let mut doc = new_doc();
    data.create_network(NETWORK, &mut doc).unwrap();
    assert!(matches!(data.create_network(NETWORK, &mut doc).unwrap_err(), StoreError::NetworkExists(_)));
}

#[test]
fn the_device_key_is_the_same_on_every_start() {
    let root = tempfile::tempdir().unwrap();
    let first = DataDir::open(root.path()).unwrap().device_id();
    let second = DataDir::open(root.path()).unwrap().device_id();
    assert_eq!(first, second);
    assert_eq!(first.len(), 64);
}

#[test]
fn local_notes_round_trip_and_default_when_missing() {
    let root = network_with_logged_edits(1);
    let data = DataDir::open(root.path()).unwrap();
    let (store, _, _) = data.open_network(NETWORK).unwrap();
    let empty: std::collections::BTreeMap<String, String> = store.read_local().unwrap();
    assert!(empty.is_empty());
    let mine = std::collections::BTreeMap::from([("me".to_string(), "m1".to_string())]);
    store.write_local(&mine).unwrap();
    assert_eq!(store.read_local::<std::collections::BTreeMap<String, String>>().unwrap(), mine);
}

#[test]
fn sync_states_are_kept_per_peer_and_odd_device_ids_are_ignored() {
    let root = network_with_logged_edits(1);
    let data = DataDir::open(root.path()).unwrap();
    let (store, _, _) = data.open_network(NETWORK).unwrap();
    let peer = "a1".repeat(32);
    assert_eq!(store.read_sync_state(&peer), None);
    store.write_sync_state(&peer, b"heads").unwrap();
    assert_eq!(store.read_sync_state(&peer).as_deref(), Some(&b"heads"[..]));
    store.write_sync_state("../../escape", b"x").unwrap();
    assert!(!root.path().join("escape.sync").exists());
    assert_eq!(store.read_sync_state("../../escape"), None);
}

#[test]
fn the_view_cache_comes_back_as_written_and_a_damaged_one_is_not_used() {
    let root = network_with_logged_edits(1);
    let data = DataDir::open(root.path()).unwrap();
    assert_eq!(data.read_view_cache(NETWORK), None, "nothing written yet");
    let (store, _, _) = data.open_network(NETWORK).unwrap();
    store.write_view_cache(b"what the sessions screen showed").unwrap();
    assert_eq!(data.read_view_cache(NETWORK).as_deref(), Some(&b"what the sessions screen showed"[..]));

    let path = network_dir(root.path()).join("view.cache");
    let mut bytes = fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x10;
    fs::write(&path, &bytes).unwrap();
    assert_eq!(data.read_view_cache(NETWORK), None, "a flipped bit");
    fs::write(&path, &bytes[..3]).unwrap();
    assert_eq!(data.read_view_cache(NETWORK), None, "cut short");
    assert_eq!(data.read_view_cache("../elsewhere"), None, "not a network id");
    // The network itself is untouched by any of this.
    assert!(data.open_network(NETWORK).unwrap().2.is_clean());
}

#[test]
fn the_kept_name_comes_back_as_written_and_anything_else_is_not_used() {
    let root = network_with_logged_edits(1);
    let data = DataDir::open(root.path()).unwrap();
    assert_eq!(data.read_name(NETWORK), None, "nothing written yet");
    let (store, _, _) = data.open_network(NETWORK).unwrap();
    store.write_name("PLG Coördinatie 2026").unwrap();
    assert_eq!(data.read_name(NETWORK).as_deref(), Some("PLG Coördinatie 2026"));

    let path = network_dir(root.path()).join(kring_store::NAME_FILE);
    fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
    assert_eq!(data.read_name(NETWORK), None, "not UTF-8");
    fs::write(&path, "   ").unwrap();
    assert_eq!(data.read_name(NETWORK), None, "blank");
    fs::write(&path, "x".repeat(10_000)).unwrap();
    assert_eq!(data.read_name(NETWORK), None, "longer than any name");
    assert_eq!(data.read_name("../elsewhere"), None, "not a network id");
    assert!(data.open_network(NETWORK).unwrap().2.is_clean());
}
