//! A member device that misbehaves — malformed frames, an oversized frame, an endless stream,
//! or silence — is dropped, while the node keeps serving an honest member and its memory stays
//! bounded. Real nodes and raw iroh endpoints on 127.0.0.1, offline mode.

use std::time::{Duration, Instant};

use iroh::endpoint::Connection;
use iroh::{Endpoint, SecretKey};
use kring_model::{Network, NetworkDetails, Profile, Role};
use kring_node::{NetworkMode, Node};
use kring_store::DataDir;
use kring_sync::{MAX_FRAME, Message, SYNC_ALPN, frame};

#[path = "support/strangers.rs"]
mod stranger;

/// A raw endpoint with its own key: a device the test drives byte by byte.
async fn raw_device(key: SecretKey) -> Endpoint {
    stranger::device_endpoint(Some(key)).await
}

/// Whether the node ended the connection within `within`: reading gives end, reset or close.
async fn dropped(conn: &Connection, recv: &mut iroh::endpoint::RecvStream, within: Duration) -> bool {
    let mut buffer = [0u8; 4096];
    tokio::time::timeout(within, async {
        loop {
            match recv.read(&mut buffer).await {
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => return,
            }
        }
    })
    .await
    .is_ok()
        || conn.close_reason().is_some()
}

/// This process's resident memory in MB (Linux).
fn resident_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misbehaving_member_devices_are_dropped_and_honest_ones_still_sync() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let data_a = DataDir::open(dir_a.path()).unwrap();
    let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
    let (mut network, anna) =
        Network::create(&details, &Profile::new("Anna"), data_a.device_key().as_signing_key()).unwrap();
    // Four devices of a member gone rogue (a stolen laptop, a buggy client), and Bram's.
    let rogue: Vec<SecretKey> = (0..4).map(|_| SecretKey::generate()).collect();
    for (n, key) in rogue.iter().enumerate() {
        network
            .add_member(&anna, &Profile::new(format!("Rogue {n}")), Role::Member, Some(key.as_signing_key()))
            .unwrap();
    }
    let id = network.id().to_string();
    data_a.create_network(&id, network.doc_mut()).unwrap();
    let (node, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let (_, ticket) = node.create_invite(&id, Role::Member, 1, Duration::from_secs(600)).unwrap();
    let data_b = DataDir::open(dir_b.path()).unwrap();
    Node::join(&data_b, &NetworkMode::loopback_only(), &ticket, &Profile::new("Bram"), Duration::from_secs(10))
        .await
        .unwrap();
    let before = resident_mb();

    let open = Message::Open { network: id.clone(), chapter: String::new() };
    let mut attacks = tokio::task::JoinSet::new();
    for (n, key) in rogue.into_iter().enumerate() {
        let (addr, open) = (node.addr(), open.clone());
        attacks.spawn(async move {
            let device = raw_device(key).await;
            let conn = device.connect(addr, SYNC_ALPN).await.unwrap();
            let (mut send, mut recv) = conn.open_bi().await.unwrap();
            let (what, within) = match n {
                0 => {
                    // A frame that is not a Kring message, after a proper opening.
                    send.write_all(&frame::encode(&open)).await.unwrap();
                    send.write_all(&[0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0xff]).await.unwrap();
                    ("malformed", Duration::from_secs(10))
                }
                1 => {
                    // A header announcing more than any frame may hold: refused before buffering.
                    send.write_all(&((MAX_FRAME as u32) + 1).to_be_bytes()).await.unwrap();
                    ("oversized", Duration::from_secs(10))
                }
                2 => {
                    // An endless stream: a frame as large as allowed (once a network is open),
                    // then more, as fast as it goes. The frame fills up, is no message, and the
                    // device is dropped.
                    send.write_all(&frame::encode(&open)).await.unwrap();
                    send.write_all(&((MAX_FRAME as u32) - 1).to_be_bytes()).await.unwrap();
                    let junk = vec![0xa5u8; 1 << 20];
                    let flood = async { while send.write_all(&junk).await.is_ok() {} };
                    let _ = tokio::time::timeout(Duration::from_secs(30), flood).await;
                    ("endless", Duration::from_secs(10))
                }
                _ => {
                    // Opens a stream and a frame header's first bytes, then nothing at all.
                    send.write_all(&[0, 0]).await.unwrap();
                    ("silent", Duration::from_secs(15))
                }
            };
            let gone = dropped(&conn, &mut recv, within).await;
            device.close().await;
            (what, gone)
        });
    }

    // While the attacks run, Bram syncs as usual.
    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await.unwrap();
    let started = Instant::now();
    let anna_device = data_a.device_id();
    let with_anna = |reports: Vec<kring_node::PeerReport>| reports.into_iter().find(|r| r.endpoint == anna_device);
    let report = with_anna(node_b.sync_once(None, Duration::from_secs(20)).await.unwrap()).unwrap();
    assert_eq!(report.status, "in-sync", "{report:?}");
    eprintln!("Bram in sync after {:.2} s during the attacks", started.elapsed().as_secs_f64());

    while let Some(attack) = attacks.join_next().await {
        let (what, gone) = attack.unwrap();
        assert!(gone, "the {what} device is still connected");
    }
    let grown = resident_mb() - before;
    eprintln!("resident memory grew by {grown:.0} MB");
    assert!(grown < (MAX_FRAME / (1 << 20)) as f64 * 2.0, "memory grew by {grown:.0} MB");

    // And afterwards the node still serves: Bram syncs again.
    let report = with_anna(node_b.sync_once(None, Duration::from_secs(10)).await.unwrap()).unwrap();
    assert_eq!(report.status, "in-sync", "{report:?}");
    node_b.shutdown().await;
    node.shutdown().await;
}
