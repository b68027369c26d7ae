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
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use common::serving::{LOOPBACK, Serving};
use common::*;
use iroh::endpoint::{Connection, PortmapperConfig, RecvStream, SendStream, presets};
use iroh::{Endpoint, EndpointAddr};
use kring_sync::{Message, SYNC_ALPN};
use serde_json::Value;
use tokio::time::timeout;

const STRANGERS: usize = 50;
/// `serve`'s peak resident memory (VmHWM) must stay under this, in MB of 10^6 bytes.
const MAX_RESIDENT_MB: f64 = 100.0;
/// No line `serve` prints may be this long, in bytes.
const MAX_LINE: usize = 1024;
/// `KRING_LOG` for `serve`: every target starting with `kring` (the binary and its crates) at
/// every level, everything else from warnings on (the default is `warn`).
const LOG: &str = "warn,kring=trace";

/// The largest frame there is (64 MiB).
const MAX_FRAME: usize = kring_sync::MAX_FRAME;

/// One frame of the sync protocol, as any client would encode it.
fn frame(message: Message) -> Vec<u8> {
    kring_sync::frame::encode(&message)
}

fn open(network: &str) -> Vec<u8> {
    frame(Message::Open { network: network.to_string() })
}

/// What one stranger tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attack {
    /// The header of the largest frame there is (64 MiB), then 64 MiB of junk.
    HugeFrame,
    /// An `Open` naming a network by a 16 MB id.
    HugeName,
    /// An `Open` of the real network (the stranger learned its id), then a 64 MiB frame.
    KnownNetwork,
    /// An `Open` whose id is as long as the small first frame allows (253 characters).
    LongName,
    /// The first stream stalls after two bytes (the node waits up to 10 s for a first
    /// message) while as many more streams as the node allows each carry a 64 MiB frame that
    /// it never reads.
    ManyStreams,
    /// No `Open` at all: refusals and peer lists naming networks, thousands of them.
    NoOpen,
}

const ATTACKS: [Attack; 6] =
    [Attack::HugeFrame, Attack::HugeName, Attack::KnownNetwork, Attack::LongName, Attack::ManyStreams, Attack::NoOpen];

/// What the strangers send, made once (a 16 MB name per stranger would be 800 MB here).
struct Payloads {
    network: String,
    huge_name: Vec<u8>,
    junk: Vec<u8>,
}

/// How far the strangers are: how many have dialed `serve` (and got in, or not), and how many
/// are done.
#[derive(Default)]
struct Progress {
    dialed: AtomicUsize,
    done: AtomicUsize,
}

/// A raw endpoint with a fresh key on 127.0.0.1: a device nobody invited, driven byte by byte.
async fn raw_device() -> Endpoint {
    Endpoint::builder(presets::Minimal)
        .portmapper_config(PortmapperConfig::Disabled)
        .clear_ip_transports()
        .bind_addr((std::net::Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .bind()
        .await
        .unwrap()
}

/// The header of the largest frame there is, then junk up to its size, until `serve` stops it.
async fn flood(send: &mut SendStream, junk: &[u8]) {
    if send.write_all(&(MAX_FRAME as u32).to_be_bytes()).await.is_err() {
        return;
    }
    let mut written = 0;
    while written < MAX_FRAME && send.write_all(junk).await.is_ok() {
        written += junk.len();
    }
}

/// Everything `serve` sends on `recv` until it ends the stream or the connection; `None` if it
/// still has not after `within`.
async fn answer(recv: &mut RecvStream, within: Duration) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    timeout(within, async {
        while let Ok(Some(n)) = recv.read(&mut buffer).await {
            bytes.extend_from_slice(&buffer[..n]);
        }
    })
    .await
    .ok()?;
    Some(bytes)
}

/// One stranger's attempt: what `serve` answered on its first stream, `None` if it did not end
/// the connection (or could not be reached).
async fn attack(
    device: Endpoint,
    addr: EndpointAddr,
    attack: Attack,
    payloads: Arc<Payloads>,
    progress: Arc<Progress>,
) -> Option<Vec<u8>> {
    let dialed = timeout(Duration::from_secs(10), device.connect(addr, SYNC_ALPN)).await;
    progress.dialed.fetch_add(1, Ordering::SeqCst);
    let conn: Connection = dialed.ok()?.ok()?;
    let (mut send, mut recv) = conn.open_bi().await.ok()?;
    let junk = &payloads.junk;
    let sending = async {
        match attack {
            Attack::HugeFrame => flood(&mut send, junk).await,
            Attack::HugeName => {
                let _ = send.write_all(&payloads.huge_name).await;
            }
            Attack::KnownNetwork => {
                if send.write_all(&open(&payloads.network)).await.is_ok() {
                    flood(&mut send, junk).await;
                }
            }
            Attack::LongName => {
                let open = open(&"x".repeat(253));
                assert_eq!(open.len(), 4 + 256, "the largest frame a stranger may send");
                if send.write_all(&open).await.is_ok() {
                    flood(&mut send, junk).await;
                }
            }
            Attack::ManyStreams => {
                let _ = send.write_all(&[0, 0]).await;
                let mut floods = tokio::task::JoinSet::new();
                // QUIC's default would allow 99 more.
                while floods.len() < 99 {
                    let Ok(Ok((mut more, _))) = timeout(Duration::from_millis(300), conn.open_bi()).await else {
                        break;
                    };
                    let payloads = payloads.clone();
                    floods.spawn(async move { flood(&mut more, &payloads.junk).await });
                }
                while floods.join_next().await.is_some() {}
            }
            Attack::NoOpen => {
                let (refused, peers) = (
                    frame(Message::Refused { network: "r".repeat(60) }),
                    frame(Message::Peers { network: "p".repeat(60), peers: vec![] }),
                );
                let spam: Vec<u8> = (0..5000).flat_map(|_| refused.iter().chain(&peers).copied()).collect();
                let _ = send.write_all(&spam).await;
            }
        }
    };
    // Reads while sending: what `serve` says before it closes is not lost.
    let (_, answered) =
        tokio::join!(timeout(Duration::from_secs(20), sending), answer(&mut recv, Duration::from_secs(20)));
    let gone = timeout(Duration::from_secs(5), conn.closed()).await.is_ok();
    device.close().await;
    answered.filter(|_| gone)
}

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
                    let answered = attack(device, anna, kind, payloads, progress.clone()).await;
                    progress.done.fetch_add(1, Ordering::SeqCst);
                    (kind, answered)
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
    let unreported = stranger_ids.iter().filter(|id| !gone.contains(id.as_str())).count();
    eprintln!(
        "{STRANGERS} strangers against `kring serve`: resident {rss_idle:.1} MB when it had started, \
         {rss_before:.1} MB before the strangers (peak so far {hwm_before:.1} MB), at most \
         {hwm_after:.1} MB during the attack (sampled {rss_peak:.1} MB), {rss_after:.1} MB after; Bram's `kring sync` took {} ms alone, {} ms among the strangers \
         ({at_it_before} of them still at it when it began, {at_it_after} when it ended); the strangers \
         were done after {attack_s:.1} s; serve printed {} event lines (the longest {} bytes) and {} log \
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
    for (kind, answered) in &results {
        let Some(bytes) = answered else { panic!("a {kind:?} stranger is still connected") };
        assert!(!String::from_utf8_lossy(bytes).contains("PLG Rekenen"), "the network's name leaked to {kind:?}");
        let expected = match kind {
            Attack::KnownNetwork => frame(Message::Refused { network: network.clone() }),
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
