//! Opening a network whose files hold arbitrary bytes, through the real API
//! (`DataDir::open` + `DataDir::open_network`) on a real directory.
//!
//! Input: `flags (1) | n: u32 LE | n bytes: snapshot part | rest: log part`, where flags
//! - 0x01: write `snapshot.kring`;
//! - 0x02: the snapshot part is a document: give it a valid header (length and CRC), so the
//!   fuzzer reaches Automerge's loading instead of stopping at the checksum;
//! - 0x04: write `changes.log`;
//! - 0x08: the log part is a list of pieces `h: u32 LE | h & 0x7fff_ffff bytes`, written as an
//!   intact record (valid CRC) or, with the top bit of `h` set, as raw bytes (damage).
//!
//! Must never panic; errors are fine. When a network opens, it must open again, cleanly and
//! with the same heads: whatever was recovered the first time was saved afresh.
#![no_main]

use std::fs;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use kring_store::{DataDir, LOG_FILE, NETWORKS_DIR, SNAPSHOT_FILE, record, snapshot_file};
use libfuzzer_sys::fuzz_target;

const NETWORK: &str = "fuzz-network";
const PREFIX: &str = "kring-fuzz-store-";

/// One data directory per process, opened once (it holds its lock for the whole run).
struct Fixture {
    data: DataDir,
    network_dir: PathBuf,
}

fn fixture() -> &'static Mutex<Fixture> {
    static FIXTURE: OnceLock<Mutex<Fixture>> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // tmpfs makes the store's fsyncs cheap; a directory per process lets libFuzzer's -jobs
        // and -fork run side by side. Statics are never dropped, so directories left by
        // earlier runs whose process is gone are removed here.
        let base = if fs::metadata("/dev/shm").is_ok_and(|m| m.is_dir()) {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        if let Ok(entries) = fs::read_dir(&base) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(pid) = name.strip_prefix(PREFIX)
                    && !std::path::Path::new(&format!("/proc/{pid}")).exists()
                {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        let root = base.join(format!("{PREFIX}{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let data = DataDir::open(&root).expect("a fresh data directory opens");
        let network_dir = root.join(NETWORKS_DIR).join(NETWORK);
        Mutex::new(Fixture { data, network_dir })
    })
}

fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (head, tail) = data.split_at(n.min(data.len()));
    *data = tail;
    head
}

fn take_u32(data: &mut &[u8]) -> usize {
    let mut bytes = [0u8; 4];
    let head = take(data, 4);
    bytes[..head.len()].copy_from_slice(head);
    u32::from_le_bytes(bytes) as usize
}

fuzz_target!(|input: &[u8]| {
    let mut data = input;
    let [flags] = *take(&mut data, 1) else { return };
    let snapshot_len = take_u32(&mut data);
    let snapshot = take(&mut data, snapshot_len);
    let mut log_part = data;

    let fixture = fixture().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = &fixture.network_dir;
    match fs::remove_dir_all(dir) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => panic!("cannot clear {}: {err}", dir.display()),
    }
    fs::create_dir_all(dir).expect("network directory");

    if flags & 0x01 != 0 {
        let bytes = if flags & 0x02 != 0 { snapshot_file::encode(snapshot) } else { snapshot.to_vec() };
        fs::write(dir.join(SNAPSHOT_FILE), bytes).expect("write snapshot");
    }
    if flags & 0x04 != 0 {
        let bytes = if flags & 0x08 != 0 {
            let mut log = Vec::new();
            while !log_part.is_empty() {
                let header = take_u32(&mut log_part);
                let piece = take(&mut log_part, header & 0x7fff_ffff);
                if header & 0x8000_0000 != 0 {
                    log.extend_from_slice(piece);
                } else {
                    log.extend(record::encode(piece));
                }
            }
            log
        } else {
            log_part.to_vec()
        };
        fs::write(dir.join(LOG_FILE), bytes).expect("write log");
    }

    let Ok((store, mut doc, report)) = fixture.data.open_network(NETWORK) else { return };
    assert!(!doc.get_heads().is_empty(), "an opened network has a document");
    let heads = doc.get_heads();
    drop(store);
    let (_, mut again, second) = fixture
        .data
        .open_network(NETWORK)
        .unwrap_or_else(|err| panic!("a network that opened ({report:?}) does not open again: {err}"));
    assert!(second.is_clean(), "opening again still finds problems: first {report:?}, then {second:?}");
    assert_eq!(again.get_heads(), heads, "opening again gives other heads (first open: {report:?})");
});
