//! Connections that tell the truth: two laptops that dial each other at the same moment keep
//! one connection between them. Real nodes on 127.0.0.1, offline mode, bounded in time.

use std::time::Duration;

use kring_model::{Network, NetworkDetails, Profile};
use kring_node::client::SyncStatus;
use kring_node::{FoundVia, NetworkMode, Node, NodeEvent};
use kring_store::DataDir;
use tokio::sync::broadcast;

fn founded(dir: &tempfile::TempDir) -> (DataDir, String) {
    let data = DataDir::open(dir.path()).unwrap();
    let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
    let (mut network, _) =
        Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key()).unwrap();
    let id = network.id().to_string();
    data.create_network(&id, network.doc_mut()).unwrap();
    (data, id)
}

/// Anna's network in `dir_a`, which Bram (in `dir_b`) joined; no node runs afterwards.
async fn joined(dir_a: &tempfile::TempDir, dir_b: &tempfile::TempDir) -> (DataDir, DataDir, String) {
    let (data_a, network) = founded(dir_a);
    let data_b = DataDir::open(dir_b.path()).unwrap();
    let loopback = NetworkMode::loopback_only();
    let (node_a, _) = Node::start(&data_a, &loopback).await.unwrap();
    let (_, ticket) = node_a.create_invite(&network, kring_model::Role::Member, 1, Duration::from_secs(600)).unwrap();
    Node::join(&data_b, &loopback, &ticket, &Profile::new("Bram"), Duration::from_secs(10)).await.unwrap();
    node_a.shutdown().await;
    (data_a, data_b, network)
}

/// Connections to `peer` opened minus those closed, in the events received within `within`.
async fn open_connections(events: &mut broadcast::Receiver<NodeEvent>, peer: &str, within: Duration) -> i64 {
    let mut open = 0;
    let until = tokio::time::Instant::now() + within;
    while let Ok(Ok(event)) = tokio::time::timeout_at(until, events.recv()).await {
        match event {
            NodeEvent::PeerConnected { endpoint, .. } if endpoint == peer => open += 1,
            NodeEvent::PeerDisconnected { endpoint, .. } if endpoint == peer => open -= 1,
            _ => {}
        }
    }
    open
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_laptops_that_dial_each_other_at_once_keep_one_connection() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (data_a, data_b, network) = joined(&dir_a, &dir_b).await;
        let loopback = NetworkMode::loopback_only();

        // Both start at the same moment, each knowing where the other is, and both dial.
        let ((node_a, _), (node_b, _)) =
            tokio::join!(async { Node::start(&data_a, &loopback).await.unwrap() }, async {
                Node::start(&data_b, &loopback).await.unwrap()
            });
        let (mut events_a, mut events_b) = (node_a.subscribe(), node_b.subscribe());
        node_a.spawn_dialer();
        node_b.spawn_dialer();
        let (a_id, b_id) = (node_a.endpoint_id(), node_b.endpoint_id());
        let settle = Duration::from_secs(4);
        let (at_a, at_b) = tokio::join!(
            open_connections(&mut events_a, &b_id, settle),
            open_connections(&mut events_b, &a_id, settle)
        );
        assert_eq!((at_a, at_b), (1, 1), "connections open on A and on B");

        // And that one connection carries the network: an edit on A reaches B.
        let question = node_a.edit(&network, |n, anna| n.add_question(anna, "Hoe rekenen we samen?", "")).unwrap();
        let mut arrived = false;
        for _ in 0..100 {
            arrived = node_b.read(&network, |n| n.snapshot().unwrap().questions.contains_key(&question)).unwrap();
            if arrived {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(arrived, "the edit did not reach B");
        node_a.shutdown().await;
        node_b.shutdown().await;
    })
    .await
    .expect("bounded in time");
}

/// A node's sync status as an interface keeps it: fed with every event the node reports.
struct Watched {
    events: broadcast::Receiver<NodeEvent>,
    status: SyncStatus,
    /// Every event, for the message when the status goes wrong.
    log: Vec<NodeEvent>,
}

impl Watched {
    fn new(node: &Node) -> Watched {
        Watched { events: node.subscribe(), status: SyncStatus::default(), log: Vec::new() }
    }

    /// Whether the status shows `peer` connected and in sync in `network` (and no other
    /// peer connected); takes in the events that arrived meanwhile.
    fn in_sync(&mut self, peer: &str, network: &str) -> bool {
        while let Ok(event) = self.events.try_recv() {
            self.status.apply(&event);
            self.log.push(event);
        }
        let shown = self.status.peers.get(peer);
        self.status.connected() == 1 && shown.is_some_and(|p| p.connected && p.in_sync.contains(network))
    }
}

/// Teachers open their laptops at the same moment: both nodes start and dial each other at the
/// same instant, 200 times. Every time both statuses say "in sync" with the other within 5 s,
/// with one connection shown. Before, about one start in seven left one side never in sync.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn laptops_that_dial_each_other_at_once_are_in_sync_every_time() {
    const ROUNDS: usize = 200;
    tokio::time::timeout(Duration::from_secs(150), async {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (data_a, data_b, network) = joined(&dir_a, &dir_b).await;
        let loopback = NetworkMode::loopback_only();
        let (mut slowest, mut failed) = (Duration::ZERO, Vec::new());
        for round in 0..ROUNDS {
            let ((node_a, _), (node_b, _)) =
                tokio::join!(async { Node::start(&data_a, &loopback).await.unwrap() }, async {
                    Node::start(&data_b, &loopback).await.unwrap()
                });
            // Something to sync now and then: written while apart, by one side or the other.
            match round % 3 {
                0 => node_a.edit(&network, |n, me| n.add_question(me, &format!("Vraag {round}"), "")).map(drop),
                1 => node_b.edit(&network, |n, me| n.add_question(me, &format!("Vraag {round}"), "")).map(drop),
                _ => Ok(()),
            }
            .unwrap();
            let (mut at_a, mut at_b) = (Watched::new(&node_a), Watched::new(&node_b));
            let (a_id, b_id) = (node_a.endpoint_id(), node_b.endpoint_id());
            let started = tokio::time::Instant::now();
            node_a.connect(node_b.addr(), FoundVia::Typed);
            node_b.connect(node_a.addr(), FoundVia::Typed);
            let by = started + Duration::from_secs(5);
            loop {
                let (a_ok, b_ok) = (at_a.in_sync(&b_id, &network), at_b.in_sync(&a_id, &network));
                if a_ok && b_ok {
                    slowest = slowest.max(started.elapsed());
                    break;
                }
                if tokio::time::Instant::now() > by {
                    failed.push(format!(
                        "round {round}: A in sync {a_ok}, B in sync {b_ok}\nA: {:?}\nB: {:?}",
                        at_a.log, at_b.log
                    ));
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            tokio::join!(node_a.shutdown(), node_b.shutdown());
        }
        println!("{} of {ROUNDS} rounds in sync within 5 s; slowest {slowest:?}", ROUNDS - failed.len());
        assert!(failed.is_empty(), "{} rounds failed:\n{}", failed.len(), failed.join("\n\n"));
    })
    .await
    .expect("bounded in time");
}

/// More networks shared with one colleague than connections a laptop takes from one device
/// (four): a one-off sync still brings every one of them up to date, over one connection.
/// Before, each network dialed a connection of its own and the fifth was closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_colleague_in_six_networks_syncs_all_six_in_one_go() {
    tokio::time::timeout(Duration::from_secs(90), async {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let data_a = DataDir::open(dir_a.path()).unwrap();
        let data_b = DataDir::open(dir_b.path()).unwrap();
        let networks: Vec<String> = (0..6)
            .map(|n| {
                let details = NetworkDetails { name: format!("Leernetwerk {n}"), ..Default::default() };
                let (mut network, _) =
                    Network::create(&details, &Profile::new("Anna"), data_a.device_key().as_signing_key()).unwrap();
                let id = network.id().to_string();
                data_a.create_network(&id, network.doc_mut()).unwrap();
                id
            })
            .collect();
        let loopback = NetworkMode::loopback_only();
        let (node_a, _) = Node::start(&data_a, &loopback).await.unwrap();
        let (node_b, _) = Node::start(&data_b, &loopback).await.unwrap();
        for network in &networks {
            let (_, ticket) =
                node_a.create_invite(network, kring_model::Role::Member, 1, Duration::from_secs(600)).unwrap();
            node_b.join_network(&data_b, &ticket, &Profile::new("Bram"), Duration::from_secs(20)).await.unwrap();
        }
        // A day's work on A in every network, then B syncs once.
        for network in &networks {
            node_a.edit(network, |n, anna| n.add_question(anna, "Wat leren we hiervan?", "")).unwrap();
        }
        let reports = node_b.sync_once(None, Duration::from_secs(30)).await.unwrap();
        let with_a: Vec<_> = reports.iter().filter(|r| r.endpoint == node_a.endpoint_id()).collect();
        assert_eq!(with_a.len(), networks.len(), "{reports:?}");
        assert!(with_a.iter().all(|r| r.status == "in-sync"), "{with_a:?}");
        for network in &networks {
            let questions = node_b.read(network, |n| n.snapshot().unwrap().questions.len()).unwrap();
            assert_eq!(questions, 1, "network {network} did not reach B");
        }
        node_b.shutdown().await;
        node_a.shutdown().await;
    })
    .await
    .expect("bounded in time");
}
