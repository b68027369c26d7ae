//! Damage to every file the store keeps: every truncation and random bit flips of the snapshot
//! and the log, and damaged settings, local notes and device key. Loading never panics, keeps
//! what is intact, names what is not and moves it aside byte for byte; nothing is deleted.

use std::fs;
use std::path::{Path, PathBuf};

use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, transaction::Transactable};
use kring_store::{DataDir, LOG_FILE, QUARANTINE_DIR, SNAPSHOT_FILE, StoreError};

const NETWORK: &str = "plg-rekenen";
const EDITS: usize = 6;

/// A network whose snapshot holds edits 0–2 and whose log holds edits 3–5, one record each.
fn saved_network() -> (tempfile::TempDir, Vec<u8>, Vec<u8>) {
    let root = tempfile::tempdir().unwrap();
    let data = DataDir::open(root.path()).unwrap();
    let mut doc = AutoCommit::new();
    let edits = doc.put_object(ROOT, "edits", ObjType::Map).unwrap();
    for n in 0..EDITS / 2 {
        doc.put(&edits, format!("{n}"), n as i64).unwrap();
        doc.commit();
    }
    let mut store = data.create_network(NETWORK, &mut doc).unwrap();
    for n in EDITS / 2..EDITS {
        doc.put(&edits, format!("{n}"), n as i64).unwrap();
        doc.commit();
        store.persist(&mut doc).unwrap();
    }
    drop(data);
    let dir = network_dir(root.path());
    let (snapshot, log) = (fs::read(dir.join(SNAPSHOT_FILE)).unwrap(), fs::read(dir.join(LOG_FILE)).unwrap());
    (root, snapshot, log)
}

fn network_dir(root: &Path) -> PathBuf {
    root.join("networks").join(NETWORK)
}

fn edits_in(doc: &AutoCommit) -> Vec<usize> {
    let Some((_, edits)) = doc.get(ROOT, "edits").unwrap() else { return Vec::new() };
    let mut found: Vec<usize> = doc.keys(&edits).map(|k| k.parse().unwrap()).collect();
    found.sort_unstable();
    found
}

/// Every file in quarantine, by content.
fn quarantined(root: &Path) -> Vec<Vec<u8>> {
    match fs::read_dir(network_dir(root).join(QUARANTINE_DIR)) {
        Ok(entries) => entries.map(|e| fs::read(e.unwrap().path()).unwrap()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Puts `snapshot` and `log` in place (a clean quarantine), loads, and checks what every load
/// must satisfy. Returns the edits loaded, or `None` when the network could not be opened.
fn load_damaged(root: &Path, snapshot: &[u8], log: &[u8], what: &str) -> Option<Vec<usize>> {
    let dir = network_dir(root);
    let _ = fs::remove_dir_all(dir.join(QUARANTINE_DIR));
    fs::write(dir.join(SNAPSHOT_FILE), snapshot).unwrap();
    fs::write(dir.join(LOG_FILE), log).unwrap();
    let data = DataDir::open(root).unwrap();
    match data.open_network(NETWORK) {
        Ok((_, doc, report)) => {
            let edits = edits_in(&doc);
            // What loads is whole: edits only ever build on the ones before them.
            assert_eq!(edits, (0..edits.len()).collect::<Vec<_>>(), "{what}");
            // Whatever was found damaged was moved aside unchanged.
            for problem in &report.problems {
                if let Some(moved) = &problem.moved_to {
                    let bytes = fs::read(moved).unwrap();
                    assert!(bytes == snapshot || bytes == log, "{what}: {problem} moved other bytes");
                }
            }
            drop(data);
            // Recovery is done once: the next load is clean and finds the same edits.
            let data = DataDir::open(root).unwrap();
            let (_, again, report) =
                data.open_network(NETWORK).unwrap_or_else(|err| panic!("{what}: second load: {err}"));
            assert!(!report.has_damage(), "{what}: second load {report:?}");
            assert_eq!(edits_in(&again), edits, "{what}: second load");
            Some(edits)
        }
        Err(err) => {
            // Only a snapshot the log cannot rebuild stops a network; the error names the network
            // and the snapshot is kept in quarantine.
            assert!(matches!(err, StoreError::Corrupt { .. }), "{what}: {err}");
            assert!(err.to_string().contains(NETWORK) && err.to_string().contains("quarantine"), "{what}: {err}");
            assert!(quarantined(root).contains(&snapshot.to_vec()), "{what}: the snapshot is kept in quarantine");
            assert_eq!(fs::read(dir.join(LOG_FILE)).unwrap(), log, "{what}: the log is left for a rescue");
            None
        }
    }
}

/// A small fixed-seed generator: the same flips on every run, so a failure can be replayed.
struct Flips(u64);

impl Flips {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }

    /// `bytes` with one to four random bits flipped.
    fn damage(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut damaged = bytes.to_vec();
        for _ in 0..1 + self.next(4) {
            let at = self.next(damaged.len());
            damaged[at] ^= 1 << self.next(8);
        }
        damaged
    }
}

#[test]
fn every_truncation_of_the_snapshot_is_reported_and_kept_aside() {
    let (root, snapshot, log) = saved_network();
    for cut in 0..snapshot.len() {
        let what = format!("snapshot cut at {cut} of {}", snapshot.len());
        if let Some(edits) = load_damaged(root.path(), &snapshot[..cut], &log, &what) {
            // Only an empty file can be passed over; then the log's edits have no base.
            assert_eq!(cut, 0, "{what}: a cut snapshot loaded as {edits:?}");
        }
    }
    let whole = load_damaged(root.path(), &snapshot, &log, "whole files");
    assert_eq!(whole, Some((0..EDITS).collect()));
}

#[test]
fn every_truncation_of_the_log_keeps_the_snapshot_and_every_complete_record() {
    let (root, snapshot, log) = saved_network();
    let mut last = EDITS / 2;
    for cut in 0..=log.len() {
        let what = format!("log cut at {cut} of {}", log.len());
        let edits = load_damaged(root.path(), &snapshot, &log[..cut], &what).expect("the snapshot is intact");
        assert!(edits.len() >= EDITS / 2, "{what}: the snapshot's edits are always there");
        assert!(edits.len() >= last, "{what}: a longer log never loads fewer edits");
        last = edits.len();
    }
    assert_eq!(last, EDITS);
}

#[test]
fn random_bit_flips_in_the_snapshot_and_the_log_never_panic_and_never_lose_intact_data() {
    let (root, snapshot, log) = saved_network();
    let mut flips = Flips(0x2545_f491_4f6c_dd1d);
    for round in 0..300 {
        let damaged = flips.damage(&snapshot);
        let what = format!("snapshot flips, round {round}");
        if let Some(edits) = load_damaged(root.path(), &damaged, &log, &what) {
            // The snapshot carries a checksum: a flip is never taken for data.
            assert_eq!(damaged, snapshot, "{what}: a damaged snapshot loaded as {edits:?}");
        }
        let damaged = flips.damage(&log);
        let what = format!("log flips, round {round}");
        let edits = load_damaged(root.path(), &snapshot, &damaged, &what).expect("the snapshot is intact");
        assert!(edits.len() >= EDITS / 2, "{what}");
    }
}

#[test]
fn damaged_settings_local_notes_and_device_key_are_errors_that_change_nothing() {
    let (root, _, _) = saved_network();
    let settings = root.path().join("config.json");
    DataDir::open(root.path()).unwrap().save_config(&kring_store::Config::default()).unwrap();
    let good = fs::read(&settings).unwrap();
    for cut in 1..good.len() - 1 {
        fs::write(&settings, &good[..cut]).unwrap();
        let data = DataDir::open(root.path()).unwrap();
        let err = data.config().unwrap_err();
        assert!(matches!(err, StoreError::BadConfig { .. }), "settings cut at {cut}: {err}");
        assert_eq!(fs::read(&settings).unwrap(), &good[..cut], "the damaged settings are left as they are");
    }
    fs::write(&settings, &good).unwrap();

    let data = DataDir::open(root.path()).unwrap();
    let (store, _, _) = data.open_network(NETWORK).unwrap();
    let notes = [("seen".to_string(), "abc".to_string())].into_iter().collect::<std::collections::BTreeMap<_, _>>();
    store.write_local(&notes).unwrap();
    let notes_file = fs::read_dir(network_dir(root.path()))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| fs::read(p).is_ok_and(|b| b.windows(4).any(|w| w == b"seen")))
        .expect("the local notes file");
    let good_notes = fs::read(&notes_file).unwrap();
    for cut in 1..good_notes.len() - 1 {
        fs::write(&notes_file, &good_notes[..cut]).unwrap();
        let read = store.read_local::<std::collections::BTreeMap<String, String>>();
        assert!(matches!(read, Err(StoreError::BadConfig { .. })), "local notes cut at {cut}: {read:?}");
    }
    drop((store, data));

    let key = root.path().join("device.key");
    let good_key = fs::read(&key).unwrap();
    for cut in 0..good_key.len() {
        fs::write(&key, &good_key[..cut]).unwrap();
        let err = DataDir::open(root.path()).expect_err("a cut key is refused");
        assert!(matches!(err, StoreError::BadDeviceKey { .. }), "key cut at {cut}: {err}");
        assert_eq!(fs::read(&key).unwrap(), &good_key[..cut], "a damaged key is never replaced");
    }
}
