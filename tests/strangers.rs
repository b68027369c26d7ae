//! A stranger on the LAN costs little (issue 12), against the real `kring serve`. Fifty devices
//! nobody invited connect to the coordinator's laptop at once and send the largest frames and
//! network names they can, while a member edits and runs the ordinary `kring sync`: the member
//! is served, `serve`'s resident memory stays under 100 MB, no line it prints (events on stdout,
//! logs on stderr with Kring's own crates at trace level) reaches 1 KB, and the strangers get
//! nothing but the one refusal.
//! The strangers are raw iroh endpoints with fresh keys in this test process, speaking the sync
//! protocol byte by byte as a client of their own would, so the memory measured (from
//! /proc/PID/status) is `serve`'s alone. Everything on 127.0.0.1, offline mode, bounded in time.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use common::serving::{LOOPBACK, Serving};
use common::*;
use iroh::Endpoint;
use kring_sync::Message;
use serde_json::Value;
use tokio::time::timeout;

const STRANGERS: usize = 50;
/// One test at a time: each floods `serve` with all the CPU two cores have.
static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
/// `serve`'s peak resident memory (VmHWM) must stay under this, in MB of 10^6 bytes.
const MAX_RESIDENT_MB: f64 = 100.0;
/// No line `serve` prints may be this long, in bytes.
const MAX_LINE: usize = 1024;
/// `KRING_LOG` for `serve`: every target starting with `kring` (the binary and its crates) at
/// every level, everything else from warnings on (the default is `warn`).
const LOG: &str = "warn,kring=trace";

#[path = "../crates/kring-node/tests/support/strangers.rs"]
mod stranger;

use stranger::*;

/// Resident memory of process `pid` now (VmRSS) and at most so far (VmHWM), in MB (Linux).
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status (Linux)");
    let mb = |field: &str| {
        let kb: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in {status}"));
        kb * 1024.0 / 1e6
    };
    (mb("VmRSS:"), mb("VmHWM:"))
}

/// `kring ARGS` in `data`, killed if it has not ended `within`; its JSON object and how long
/// it took.
fn bounded(data: &Path, args: &[&str], within: Duration) -> (Value, Duration) {
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_kring"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("KRING_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, ended) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(out) = ended.recv_timeout(within) else {
        let _ = Command::new("kill").arg("-KILL").arg(pid.to_string()).status();
        panic!("kring {args:?} did not end within {within:?}");
    };
    let (out, took) = (out.unwrap(), started.elapsed());
    assert!(out.status.success(), "kring {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    (serde_json::from_slice(&out.stdout).unwrap(), took)
}

/// Bram's `kring sync`: it must report `network` in sync with Anna's laptop. How long it took.
fn bram_syncs(b: &Path, network: &str) -> Duration {
    let mut args = vec!["sync", "--timeout", "30"];
    args.extend(LOOPBACK);
    let (synced, took) = bounded(b, &args, Duration::from_secs(60));
    let peers = synced["peers"].as_array().unwrap();
    assert!(peers.iter().any(|peer| peer["network"] == network && peer["status"] == "in-sync"), "{synced}");
    took
}

#[test]
fn fifty_strangers_cost_little_and_a_member_is_served() {
    let _alone = ALONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (dir_a.path(), dir_b.path());
    let (network, _) = create_network(a);
    let serving = Serving::start_logging(a, &["--invite"], LOG);
    let pid = serving.pid();
    let (rss_idle, _) = memory(pid);
    let ticket = serving.first_line["ticket"].as_str().unwrap().to_string();
    let addrs: Vec<String> = serde_json::from_value(serving.first_line["addrs"].clone()).unwrap();
    assert!(!addrs.is_empty() && addrs.iter().all(|addr| addr.starts_with("127.0.0.1:")), "{addrs:?}");
    let anna = serving.first_line["endpoint"].as_str().unwrap();
    let anna = kring_node::address_book::to_endpoint_addr(anna, &addrs).unwrap();

    // Bram joins with the ticket and syncs an edit once, with nobody else around: how long a
    // sync takes, and `serve`'s memory at work.
    let mut join = vec!["join", &ticket, "--me", "Bram Jansen", "--timeout", "15"];
    join.extend(LOOPBACK);
    assert_eq!(ok(b, &join)["network"], network.as_str());
    ok(b, &["question", "add", "--title", "Hoe betrekken we ouders?"]);
    let calm_sync = bram_syncs(b, &network);
    let (rss_before, hwm_before) = memory(pid);

    // Resident memory from here on, sampled while the strangers are at it (VmHWM has the peak).
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak = 0.0f64;
            while !stop.load(Ordering::Relaxed) {
                peak = peak.max(memory(pid).0);
                std::thread::sleep(Duration::from_millis(5));
            }
            peak
        })
    };

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let payloads = Arc::new(Payloads {
        network: network.clone(),
        huge_name: open(&"n".repeat(16 * 1024 * 1024)),
        junk: vec![0xa5; 1 << 20],
    });
    let progress = Arc::new(Progress::default());
    let devices: Vec<Endpoint> = runtime.block_on(async {
        let mut devices = Vec::new();
        for _ in 0..STRANGERS {
            devices.push(raw_device().await);
        }
        devices
    });
    let stranger_ids: HashSet<String> = devices.iter().map(|device| device.id().to_string()).collect();
    let started = Instant::now();
    let crowd = {
        let progress = progress.clone();
        runtime.spawn(async move {
            let mut strangers = tokio::task::JoinSet::new();
            for (n, device) in devices.into_iter().enumerate() {
                let (anna, payloads, progress) = (anna.clone(), payloads.clone(), progress.clone());
                let kind = ATTACKS[n % ATTACKS.len()];
                strangers.spawn(async move {
                    let id = device.id().to_string();
                    let answered = attack(device, anna, kind, payloads, progress.clone()).await;
                    progress.done.fetch_add(1, Ordering::SeqCst);
                    (id, kind, answered)
                });
            }
            timeout(Duration::from_secs(90), strangers.join_all()).await
        })
    };

    // Once every stranger is in, Bram edits and syncs.
    let deadline = Instant::now() + Duration::from_secs(30);
    while progress.dialed.load(Ordering::SeqCst) < STRANGERS {
        assert!(Instant::now() < deadline, "the strangers do not get in");
        std::thread::sleep(Duration::from_millis(10));
    }
    let at_it = |progress: &Progress| STRANGERS - progress.done.load(Ordering::SeqCst);
    let at_it_before = at_it(&progress);
    assert!(at_it_before > 0, "the strangers were done before Bram synced");
    let title = "Hoe houden we vreemden buiten?";
    ok(b, &["question", "add", "--title", title]);
    let busy_sync = bram_syncs(b, &network);
    let at_it_after = at_it(&progress);

    let results = runtime.block_on(crowd).unwrap().expect("every stranger is done within 90 s");
    let attack_s = started.elapsed().as_secs_f64();
    // `serve` has let go of every connection.
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let rss_peak = sampler.join().unwrap();
    let (rss_after, hwm_after) = memory(pid);
    runtime.shutdown_timeout(Duration::from_secs(5));

    let printed = serving.printed();
    assert!(serving.stop(), "serve exits cleanly on SIGTERM");
    let deadline = Instant::now() + Duration::from_secs(5);
    while Arc::strong_count(&printed) > 1 {
        assert!(Instant::now() < deadline, "serve's output is not read to the end");
        std::thread::sleep(Duration::from_millis(10));
    }
    let lines = printed.lock().unwrap().clone();
    // Its event lines are JSON objects (stdout); its log lines are not (stderr).
    let (event_lines, logs): (Vec<&String>, Vec<&String>) =
        lines.iter().partition(|line| serde_json::from_str::<Value>(line).is_ok());
    let longest = |lines: &[&String]| lines.iter().map(|line| line.len()).max().unwrap_or(0);
    let longest_log = logs.iter().max_by_key(|line| line.len()).map(|line| line.as_str()).unwrap_or_default();
    // Whom `serve` reported gone.
    let events: Vec<Value> = event_lines.iter().map(|line| serde_json::from_str(line).unwrap()).collect();
    let gone: HashSet<&str> = events
        .iter()
        .filter(|event| event["event"] == "peer-disconnected")
        .filter_map(|event| event["endpoint"].as_str())
        .collect();
    // Strangers turned away at once for want of room never began a sync: no event for them.
    let let_in: HashSet<&String> = results
        .iter()
        .filter(|(_, _, answer)| answer.as_ref().is_some_and(|answer| !answer.turned_away))
        .map(|(id, _, _)| id)
        .collect();
    let turned_away = STRANGERS - let_in.len();
    let unreported = stranger_ids.iter().filter(|id| let_in.contains(id) && !gone.contains(id.as_str())).count();
    eprintln!(
        "{STRANGERS} strangers against `kring serve`: resident {rss_idle:.1} MB when it had started, \
         {rss_before:.1} MB before the strangers (peak so far {hwm_before:.1} MB), at most \
         {hwm_after:.1} MB during the attack (sampled {rss_peak:.1} MB), {rss_after:.1} MB after; Bram's `kring sync` took {} ms alone, {} ms among the strangers \
         ({at_it_before} of them still at it when it began, {at_it_after} when it ended); the strangers \
         were done after {attack_s:.1} s ({turned_away} turned away at once); serve printed {} event lines (the longest {} bytes) and {} log \
         lines, the longest {} bytes: {}",
        calm_sync.as_millis(),
        busy_sync.as_millis(),
        events.len(),
        longest(&event_lines),
        logs.len(),
        longest_log.len(),
        longest_log.chars().take(300).collect::<String>(),
    );

    // The strangers got nothing: one refusal for the one who named the network, and silence.
    assert_eq!(results.len(), STRANGERS);
    for (_, kind, answered) in &results {
        let Some(Answer { bytes, turned_away }) = answered else { panic!("a {kind:?} stranger is still connected") };
        assert!(!String::from_utf8_lossy(bytes).contains("PLG Rekenen"), "the network's name leaked to {kind:?}");
        let expected = match kind {
            Attack::KnownNetwork if !turned_away => frame(Message::Refused { network: network.clone() }),
            _ => vec![],
        };
        assert_eq!(bytes, &expected, "what a {kind:?} stranger got");
    }
    // Bram was served; `serve` stayed small and its every line short.
    let shown = ok(a, &["show"]);
    let questions = shown["questions"].as_array().unwrap();
    assert!(questions.iter().any(|question| question["title"] == title), "Bram's edit is missing: {questions:?}");
    assert_eq!(shown["members"].as_array().unwrap().len(), 2, "Anna and Bram, nobody else");
    assert!(hwm_after < MAX_RESIDENT_MB, "serve's resident memory reached {hwm_after:.1} MB");
    assert_eq!(unreported, 0, "strangers whose end serve did not report");
    for line in &lines {
        let start: String = line.chars().take(200).collect();
        assert!(line.len() < MAX_LINE, "serve printed a line of {} bytes: {start}…", line.len());
    }
}

/// Strangers who dial again whenever they are closed, for this long.
const REDIAL_FOR: Duration = Duration::from_secs(15);
const REDIALERS: usize = 80;

#[test]
fn eighty_strangers_redialing_cost_serve_at_most_100_mb_and_a_member_is_served() {
    let _alone = ALONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (dir_a.path(), dir_b.path());
    let (network, _) = create_network(a);
    let serving = Serving::start(a, &["--invite"]);
    let pid = serving.pid();
    let ticket = serving.first_line["ticket"].as_str().unwrap().to_string();
    let addrs: Vec<String> = serde_json::from_value(serving.first_line["addrs"].clone()).unwrap();
    let anna = serving.first_line["endpoint"].as_str().unwrap();
    let anna = kring_node::address_book::to_endpoint_addr(anna, &addrs).unwrap();
    let mut join = vec!["join", &ticket, "--me", "Bram Jansen", "--timeout", "15"];
    join.extend(LOOPBACK);
    assert_eq!(ok(b, &join)["network"], network.as_str());
    let calm_sync = bram_syncs(b, &network);
    let (rss_before, hwm_before) = memory(pid);

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (stop, dials) = (Arc::new(AtomicBool::new(false)), Arc::new(std::sync::atomic::AtomicUsize::new(0)));
    let crowd = runtime.block_on(async {
        let mut strangers = tokio::task::JoinSet::new();
        for n in 0..REDIALERS {
            let device = raw_device().await;
            let says = (n % 8 == 0).then(|| network.clone());
            strangers.spawn(redial(device, anna.clone(), says, stop.clone(), dials.clone()));
        }
        strangers
    });
    let started = Instant::now();
    // Resident memory sampled while they are at it (VmHWM has the peak between samples).
    let mut samples = Vec::new();
    let mut synced_among_them = None;
    while started.elapsed() < REDIAL_FOR {
        std::thread::sleep(Duration::from_millis(500));
        samples.push(memory(pid).0);
        if synced_among_them.is_none() && started.elapsed() > REDIAL_FOR / 3 {
            ok(b, &["question", "add", "--title", "Hoe houden we vreemden buiten?"]);
            synced_among_them = Some(bram_syncs(b, &network));
        }
    }
    let (rss_during, hwm_during) = memory(pid);
    stop.store(true, Ordering::Relaxed);
    runtime.block_on(async { timeout(Duration::from_secs(20), crowd.join_all()).await }).expect("the strangers stop");
    let dialed = dials.load(Ordering::Relaxed);
    runtime.shutdown_timeout(Duration::from_secs(5));
    // After they stopped: memory falls back once `serve` has let go of them.
    let mut after = Vec::new();
    for _ in 0..10 {
        std::thread::sleep(Duration::from_millis(500));
        after.push(memory(pid).0);
    }
    let rss_after = *after.last().unwrap();
    let synced_after = bram_syncs(b, &network);
    let (_, hwm_end) = memory(pid);
    let peak_sampled = samples.iter().copied().fold(0.0, f64::max);
    eprintln!(
        "{REDIALERS} strangers redialing `kring serve` for {:.0} s ({dialed} dials): resident {rss_before:.1} MB \
         before (peak so far {hwm_before:.1} MB), {rss_during:.1} MB at the end of it (sampled peak \
         {peak_sampled:.1} MB, VmHWM {hwm_during:.1} MB), {rss_after:.1} MB 5 s after they stopped \
         (falling: {after:.1?}); sampled every 0.5 s during: {samples:.0?}; VmHWM at the end {hwm_end:.1} MB; Bram's sync took {} ms alone, {} ms \
         among them, {} ms after",
        REDIAL_FOR.as_secs_f64(),
        calm_sync.as_millis(),
        synced_among_them.expect("Bram synced among them").as_millis(),
        synced_after.as_millis(),
    );
    assert!(serving.stop(), "serve exits cleanly on SIGTERM");
    assert!(dialed > 10 * REDIALERS, "the strangers kept dialing ({dialed} dials)");
    assert!(hwm_end <= MAX_RESIDENT_MB, "serve's resident memory reached {hwm_end:.1} MB");
    // Back to near what it was before: what the strangers cost is given back (glibc kept it
    // all, 89 MB, until `serve` asked it to give freed memory back).
    assert!(rss_after <= rss_before + 0.5 * (hwm_during - rss_before).max(10.0), "serve kept {rss_after:.1} MB");
}
