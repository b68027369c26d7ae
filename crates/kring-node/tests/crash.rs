//! A laptop that dies mid-meeting: a real node, driven as the desktop app drives it, edits as
//! fast as it can and is killed with SIGKILL at a random moment — 200 times. After every kill
//! the network must open, with every edit the node had acknowledged.
//!
//! The node runs in a child process: this same test binary, started again with
//! `KRING_CRASH_CHILD` set, which runs [`child_edits_until_killed`] instead of the test.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kring_model::{Network, NetworkDetails, Profile};
use kring_node::NetworkMode;
use kring_node::client::{Client, Command as NodeCommand, Update};
use kring_store::{DataDir, ProblemKind};

const KILLS: usize = 200;
const CHILD: &str = "KRING_CRASH_CHILD";

#[test]
fn every_acknowledged_edit_survives_a_kill_at_any_moment() {
    if std::env::var_os(CHILD).is_some() {
        return child_edits_until_killed();
    }
    let dir = tempfile::tempdir().unwrap();
    let network = {
        let data = DataDir::open(dir.path()).unwrap();
        let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
        let (mut network, _) =
            Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key()).unwrap();
        let id = network.id().to_string();
        data.create_network(&id, network.doc_mut()).unwrap();
        id
    };
    let mut acked_total = 0;
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let started = Instant::now();
    for kill in 0..KILLS {
        let next = acked_total;
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "every_acknowledged_edit_survives_a_kill_at_any_moment", "--nocapture", "--quiet"])
            .env(CHILD, dir.path())
            .env("KRING_CRASH_NETWORK", &network)
            .env("KRING_CRASH_FIRST", next.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Collect acknowledgements as they are printed, until the child dies.
        let acked = Arc::new(Mutex::new(Vec::<usize>::new()));
        let reader = {
            let (stdout, acked) = (child.stdout.take().unwrap(), acked.clone());
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Some(n) = line.strip_prefix("acked ").and_then(|n| n.parse().ok()) {
                        acked.lock().unwrap().push(n);
                    }
                }
            })
        };
        // Once the node edits, kill it after a random 0–40 ms: mid-save, mid-answer, anywhere.
        let deadline = Instant::now() + Duration::from_secs(20);
        while acked.lock().unwrap().is_empty() {
            assert!(Instant::now() < deadline, "kill {kill}: the node never acknowledged an edit");
            std::thread::sleep(Duration::from_millis(1));
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_micros(seed % 40_000));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();
        let acked = acked.lock().unwrap().clone();

        // The store opens (the OS released the lock), nothing is damaged, nothing acked is lost.
        let data = DataDir::open(dir.path()).unwrap_or_else(|e| panic!("kill {kill}: {e}"));
        let (_, doc, report) = data.open_network(&network).unwrap_or_else(|e| panic!("kill {kill}: {e}"));
        assert!(report.problems.iter().all(|p| p.kind == ProblemKind::TornTail), "kill {kill}: {report:?}");
        let titles: Vec<String> =
            Network::from_doc(doc).unwrap().snapshot().unwrap().questions.values().map(|q| q.title.clone()).collect();
        for n in &acked {
            assert!(titles.contains(&format!("edit {n}")), "kill {kill}: acknowledged edit {n} is lost");
        }
        // Edits are numbered on from what is on disk, so every number below is there too.
        acked_total = titles.len();
        assert!(acked_total >= next + acked.len(), "kill {kill}");
    }
    eprintln!("{KILLS} kills, {acked_total} edits kept, {:.1} s", started.elapsed().as_secs_f64());
}

/// The child: a node on loopback (offline), editing one question at a time, printing each
/// acknowledgement the moment the node gives it.
fn child_edits_until_killed() {
    use std::io::Write;
    let dir = std::env::var(CHILD).unwrap();
    let network = std::env::var("KRING_CRASH_NETWORK").unwrap();
    let first: usize = std::env::var("KRING_CRASH_FIRST").unwrap().parse().unwrap();
    let data = DataDir::open(std::path::Path::new(&dir)).unwrap();
    let mode = NetworkMode::loopback_only();
    let (mut client, updates) = Client::start(data, mode, || {}).unwrap();
    let mut stdout = std::io::stdout().lock();
    for n in first.. {
        let title = format!("edit {n}");
        let edit = kring_model::Edit::AddQuestion { title, details: String::new() };
        let request = client.send(NodeCommand::Edit { network: network.clone(), edit });
        loop {
            match updates.recv().unwrap() {
                Update::Done { request: done, result } if done == request => {
                    result.unwrap();
                    writeln!(stdout, "acked {n}").unwrap();
                    stdout.flush().unwrap();
                    break;
                }
                Update::Failed(reason) => panic!("{reason}"),
                _ => {}
            }
        }
    }
}
