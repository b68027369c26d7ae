//! Storage figures for a realistic network: 100 sessions whose 5,000-character notes were typed
//! in bursts, each burst saved (fsynced) as it would be by the app.
//!
//! Run with `cargo bench -p kring --bench storage`. Prints figures; asserts nothing about time.

use std::path::Path;
use std::time::{Duration, Instant};

use kring_model::{Network, NetworkDetails, NewSession, Profile, SessionKind, TextField};
use kring_store::DataDir;

const SESSIONS: usize = 100;
const NOTES_CHARS: usize = 5_000;
const BURST_CHARS: usize = 100;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = DataDir::open(dir.path()).expect("data directory");
    let founder = Profile::new("Anna de Vries");
    let details = NetworkDetails { name: "PLG Rekenen Leiden".into(), ..Default::default() };
    let (mut network, me) = Network::create(&details, &founder, data.device_key().as_signing_key()).unwrap();
    let id = network.id().to_string();
    let mut store = data.create_network(&id, network.doc_mut()).unwrap();

    let mut words = Words(0x9e37_79b9);
    let started = Instant::now();
    let mut saves = Vec::new();
    for n in 0..SESSIONS {
        let new = NewSession {
            title: format!("Bijeenkomst {n}"),
            kind: SessionKind::Plg,
            starts_at: format!("2026-{:02}-{:02}", 1 + n % 12, 1 + n % 28),
            location: "Lokaal 12".into(),
        };
        let session = network.add_session(&me, &new).unwrap();
        let field = TextField::Notes(session);
        let mut typed = 0;
        while typed < NOTES_CHARS {
            let burst = words.burst(BURST_CHARS);
            let end = network.text(&field).unwrap().chars().count();
            network.splice_text(&me, &field, end, 0, &burst).unwrap();
            let save = Instant::now();
            store.persist(network.doc_mut()).unwrap();
            saves.push(save.elapsed());
            typed += BURST_CHARS;
        }
    }
    let written = started.elapsed();
    let (snapshot_bytes, log_bytes) = store.sizes();
    drop(store);
    let on_disk = dir_size(&dir.path().join("networks").join(&id));

    let snapshot_file = std::fs::read(dir.path().join("networks").join(&id).join("snapshot.kring")).unwrap();
    let automerge_only = Instant::now();
    kring_model::automerge::AutoCommit::load(kring_store::snapshot_file::decode(&snapshot_file).unwrap()).unwrap();
    let automerge_only = automerge_only.elapsed();

    let mut loads = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let (_, doc, report) = data.open_network(&id).unwrap();
        let network = Network::from_doc(doc).unwrap();
        let snapshot = network.snapshot().unwrap();
        loads.push(start.elapsed());
        assert!(report.is_clean());
        assert_eq!(snapshot.sessions.len(), SESSIONS);
    }
    loads.sort();
    saves.sort();

    println!(
        "network: {SESSIONS} sessions x {NOTES_CHARS} characters of notes, typed in {BURST_CHARS}-character bursts"
    );
    println!("bursts saved:            {}", saves.len());
    println!("time to type and save:   {}", ms(written));
    println!("save per burst p50/p99:  {} / {}", ms(percentile(&saves, 50)), ms(percentile(&saves, 99)));
    println!(
        "on disk:                 {:.1} KiB (snapshot {:.1} KiB + log {:.1} KiB)",
        on_disk as f64 / 1024.0,
        snapshot_bytes as f64 / 1024.0,
        log_bytes as f64 / 1024.0
    );
    println!("open + read, median/max: {} / {}", ms(percentile(&loads, 50)), ms(*loads.last().unwrap()));
    println!("  of which Automerge::load of the snapshot alone: {}", ms(automerge_only));
}

/// Varied Dutch meeting prose, so that compression does not flatter the figures.
struct Words(u64);

impl Words {
    const LIST: [&str; 24] = [
        "leerlingen",
        "rekenen",
        "we",
        "bespraken",
        "de",
        "motivatie",
        "in",
        "klas",
        "twee",
        "observatie",
        "docent",
        "onderzoek",
        "vraag",
        "en",
        "hoe",
        "het",
        "team",
        "praktijk",
        "volgende",
        "keer",
        "ouders",
        "jeugdzorg",
        "afspraak",
        "doel",
    ];

    fn burst(&mut self, chars: usize) -> String {
        let mut text = String::new();
        while text.chars().count() < chars {
            // xorshift: deterministic and dependency-free.
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            text.push_str(Self::LIST[(self.0 % Self::LIST.len() as u64) as usize]);
            text.push(if self.0.is_multiple_of(11) { '.' } else { ' ' });
        }
        text.chars().take(chars).collect()
    }
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() - 1) * p / 100]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}
