//! Data at rest on a shared laptop: everything in the data directory is private to the person
//! who runs Kring (folders 0700, files 0600), as created and again at every start.
#![cfg(unix)]

use std::fmt::Write as _;
use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, transaction::Transactable};
use kring_store::{Config, DataDir, LOG_FILE, QUARANTINE_DIR};

const NETWORK: &str = "plg-rekenen";

fn edit(doc: &mut AutoCommit, n: usize) {
    let edits = match doc.get(ROOT, "edits").unwrap() {
        Some((_, edits)) => edits,
        None => doc.put_object(ROOT, "edits", ObjType::Map).unwrap(),
    };
    doc.put(&edits, format!("{n:04}"), n as i64).unwrap();
    doc.commit();
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Every file and folder under `root` (and `root` itself), without following symbolic links.
fn walk(root: &Path) -> Vec<PathBuf> {
    let mut found = vec![root.to_path_buf()];
    let mut i = 0;
    while i < found.len() {
        if fs::symlink_metadata(&found[i]).unwrap().is_dir() {
            for entry in fs::read_dir(&found[i]).unwrap() {
                let path = entry.unwrap().path();
                if !fs::symlink_metadata(&path).unwrap().file_type().is_symlink() {
                    found.push(path);
                }
            }
        }
        i += 1;
    }
    found
}

/// Asserts folders 0700 and files 0600; returns how many of each there are.
fn assert_private(root: &Path) -> (usize, usize) {
    let (mut dirs, mut files) = (0, 0);
    let mut wrong = Vec::new();
    for path in walk(root) {
        let (expected, count) =
            if fs::symlink_metadata(&path).unwrap().is_dir() { (0o700, &mut dirs) } else { (0o600, &mut files) };
        *count += 1;
        if mode(&path) != expected {
            wrong.push(format!("{} is {:o}, not {expected:o}", path.display(), mode(&path)));
        }
    }
    assert!(wrong.is_empty(), "not private:\n{}", wrong.join("\n"));
    (dirs, files)
}

/// Whether this process's umask lets group and others read new files (022, the usual one);
/// under 077 every file is private anyway and the first test cannot tell the fix apart.
fn umask_is_permissive() -> bool {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("probe");
    fs::write(&path, b"").unwrap();
    mode(&path) & 0o044 != 0
}

/// The warnings logged on this thread while `f` runs.
fn warnings_during<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let value = tracing::subscriber::with_default(Warnings(warnings.clone()), f);
    let warnings = warnings.lock().unwrap().clone();
    (value, warnings)
}

struct Warnings(Arc<Mutex<Vec<String>>>);

impl tracing::Subscriber for Warnings {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        if *event.metadata().level() == tracing::Level::WARN {
            let mut text = String::new();
            event.record(&mut Fields(&mut text));
            self.0.lock().unwrap().push(text);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        write!(self.0, "{}={value:?} ", field.name()).unwrap();
    }
}

/// A data directory with every kind of file the store keeps: device key, lock, settings, a
/// network's snapshot, log, local notes, view cache, a peer's sync state and a quarantined log.
fn full_data_dir(root: &Path) -> DataDir {
    let data = DataDir::open(root).unwrap();
    data.save_config(&Config { offline: true, ..Config::default() }).unwrap();
    let mut doc = AutoCommit::new();
    edit(&mut doc, 0);
    let mut store = data.create_network(NETWORK, &mut doc).unwrap();
    for n in 1..4 {
        edit(&mut doc, n);
        assert!(store.persist(&mut doc).unwrap());
    }
    store.compact(&mut doc).unwrap();
    for n in 4..8 {
        edit(&mut doc, n);
        assert!(store.persist(&mut doc).unwrap());
    }
    store.write_local(&vec!["me"]).unwrap();
    store.write_view_cache(b"what was on screen").unwrap();
    store.write_sync_state("abc123", b"sync state").unwrap();
    drop(store);

    // Damage in the middle of the log (written in place, so the file keeps its mode): opening
    // moves the log to quarantine/ and saves what was intact afresh.
    let log = root.join("networks").join(NETWORK).join(LOG_FILE);
    let mut file = fs::OpenOptions::new().write(true).open(&log).unwrap();
    file.seek(SeekFrom::Start(20)).unwrap();
    file.write_all(&[0xff; 8]).unwrap();
    drop(file);
    let (mut store, mut doc, report) = data.open_network(NETWORK).unwrap();
    assert!(report.has_damage(), "{report:?}");
    edit(&mut doc, 8);
    assert!(store.persist(&mut doc).unwrap());
    data
}

#[test]
fn everything_the_store_creates_is_private() {
    if !umask_is_permissive() {
        eprintln!("note: under this umask every new file is private anyway; run with umask 022 to test the store");
    }
    let top = tempfile::tempdir().unwrap();
    // Not the temporary directory itself (already 0700): a folder Kring creates, as on first start.
    let root = top.path().join("kring");
    let data = full_data_dir(&root);
    let network = root.join("networks").join(NETWORK);
    for expected in [
        root.join("device.key"),
        root.join("kring.lock"),
        root.join("config.json"),
        network.join("snapshot.kring"),
        network.join(LOG_FILE),
        network.join("local.json"),
        network.join("view.cache"),
        network.join("peers").join("abc123.sync"),
    ] {
        assert!(expected.is_file(), "{} is missing", expected.display());
    }
    assert_eq!(fs::read_dir(network.join(QUARANTINE_DIR)).unwrap().count(), 1);

    // Checked while the directory is still open, so nothing was corrected at a later start.
    let (dirs, files) = assert_private(&root);
    assert_eq!((dirs, files), (5, 9), "root, networks, the network, peers, quarantine; nine files");
    drop(data);

    // A private data directory is left as it is, without a warning.
    let (_data, warnings) = warnings_during(|| DataDir::open(&root).unwrap());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_private(&root);
}

#[test]
fn a_data_directory_readable_by_others_is_made_private_at_start() {
    let top = tempfile::tempdir().unwrap();
    let root = top.path().join("kring");
    drop(full_data_dir(&root));
    // Files as an older version, the node crate, a crash or a backup restore may leave them.
    fs::write(root.join("networks").join(NETWORK).join("notes.txt"), b"copied in").unwrap();
    fs::write(root.join("addresses.json"), b"{}").unwrap();
    fs::write(root.join(".config.json.tmp"), b"{ half").unwrap();
    let entries = walk(&root);
    for path in &entries {
        let wide = if path.is_dir() { 0o755 } else { 0o644 };
        fs::set_permissions(path, fs::Permissions::from_mode(wide)).unwrap();
    }
    // A symbolic link to something outside the data directory, where the walk goes: not followed.
    let outside = top.path().join("outside.txt");
    fs::write(&outside, b"not Kring's").unwrap();
    fs::set_permissions(&outside, fs::Permissions::from_mode(0o644)).unwrap();
    symlink(&outside, root.join("networks").join(NETWORK).join("link-to-outside")).unwrap();

    let (data, warnings) = warnings_during(|| DataDir::open(&root).unwrap());
    let (dirs, files) = assert_private(&root);
    assert_eq!(dirs + files, entries.len());
    assert_eq!(mode(&outside), 0o644, "a symbolic link was followed");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains(&format!("count={} ", entries.len())), "{warnings:?}");
    let key: String = fs::read(root.join("device.key")).unwrap().iter().map(|b| format!("{b:02x}")).collect();
    assert!(!warnings[0].contains(&key[..16]), "{warnings:?}");

    // The network and settings are still all there.
    assert_eq!(data.config().unwrap(), Config { offline: true, ..Config::default() });
    let (_, doc, report) = data.open_network(NETWORK).unwrap();
    assert!(report.is_clean(), "{report:?}");
    let edits = doc.get(ROOT, "edits").unwrap().unwrap().1;
    assert!(doc.length(&edits) >= 4);
    drop(data);

    // Corrected once: the next start has nothing to say.
    let (_, warnings) = warnings_during(|| DataDir::open(&root).unwrap());
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn files_that_are_not_kring_s_are_left_alone() {
    // `--data-dir ~` by mistake: a home folder with a script and a document in it.
    let home = tempfile::tempdir().unwrap();
    let root = home.path();
    fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
    fs::create_dir(root.join("bin")).unwrap();
    fs::write(root.join("bin").join("script.sh"), b"#!/bin/sh").unwrap();
    fs::set_permissions(root.join("bin").join("script.sh"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(root.join("letter.txt"), b"dear").unwrap();
    fs::set_permissions(root.join("letter.txt"), fs::Permissions::from_mode(0o644)).unwrap();
    drop(full_data_dir(root));
    for path in walk(&root.join("networks")) {
        fs::set_permissions(&path, fs::Permissions::from_mode(if path.is_dir() { 0o755 } else { 0o644 })).unwrap();
    }
    fs::set_permissions(root.join("config.json"), fs::Permissions::from_mode(0o644)).unwrap();

    let (_data, warnings) = warnings_during(|| DataDir::open(root).unwrap());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(mode(root), 0o700);
    assert_private(&root.join("networks"));
    assert_eq!(mode(&root.join("config.json")), 0o600);
    assert_eq!(mode(&root.join("device.key")), 0o600);
    assert_eq!(mode(&root.join("bin")), 0o755);
    assert_eq!(mode(&root.join("bin").join("script.sh")), 0o755);
    assert_eq!(mode(&root.join("letter.txt")), 0o644);
}
