//! Who may sync: real nodes and a raw iroh endpoint on 127.0.0.1, offline mode.

#[path = "support/strangers.rs"]
mod stranger;

use std::time::Duration;

use kring_model::{Network, NetworkDetails, Profile};
use kring_node::{NetworkMode, Node, NodeError};
use kring_store::DataDir;
use kring_sync::{FrameReader, Message, SYNC_ALPN, frame};

/// A data directory holding one new network founded by "Anna"; returns the network id.
fn founded(dir: &tempfile::TempDir) -> (DataDir, String) {
    let data = DataDir::open(dir.path()).unwrap();
    let details = NetworkDetails { name: "Geheim netwerk".into(), ..Default::default() };
    let (mut network, _) =
        Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key()).unwrap();
    let id = network.id().to_string();
    let mut store = data.create_network(&id, network.doc_mut()).unwrap();
    store.persist(network.doc_mut()).unwrap();
    (data, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_is_refused_before_any_byte_of_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let (data, network) = founded(&dir);
    let (node, _) = Node::start(&data, &NetworkMode::loopback_only()).await.unwrap();

    let stranger = stranger::raw_device().await;
    let received = tokio::time::timeout(Duration::from_secs(10), async {
        let conn = stranger.connect(node.addr(), SYNC_ALPN).await.unwrap();
        let (mut send, mut recv) = conn.open_bi().await.unwrap();
        send.write_all(&frame::encode(&Message::Open { network: network.clone(), chapter: String::new() }))
            .await
            .unwrap();
        // A guess at a sync message, as a stranger who somehow learned the id would send.
        let mut doc = kring_model::automerge::AutoCommit::new();
        let mut state = kring_model::automerge::sync::State::new();
        let hello = kring_model::automerge::sync::SyncDoc::generate_sync_message(&doc.sync(), &mut state).unwrap();
        // The node may already have refused and stopped reading: then this write fails, as it should.
        let _ = send
            .write_all(&frame::encode(&Message::Sync {
                network: network.clone(),
                chapter: String::new(),
                data: hello.encode(),
                signatures: vec![],
            }))
            .await;
        let _ = send.finish();
        let mut bytes = Vec::new();
        let mut buffer = [0u8; 4096];
        // Read until the node has answered the open and then stays silent for a moment.
        while let Ok(Ok(Some(n))) = tokio::time::timeout(Duration::from_millis(800), recv.read(&mut buffer)).await {
            bytes.extend_from_slice(&buffer[..n]);
        }
        conn.close(0u32.into(), b"bye");
        bytes
    })
    .await
    .expect("bounded in time");

    let mut reader = FrameReader::default();
    reader.push(&received);
    let mut messages = Vec::new();
    while let Some(message) = reader.next_message().unwrap() {
        messages.push(message);
    }
    assert_eq!(messages, vec![Message::Refused { network: network.clone() }]);
    assert!(!String::from_utf8_lossy(&received).contains("Geheim"), "the network's name leaked");

    stranger.close().await;
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_member_is_refused_and_a_member_syncs() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (data_a, network) = founded(&dir_a);
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let (_, ticket) = node_a.create_invite(&network, kring_model::Role::Member, 1, Duration::from_secs(600)).unwrap();

    let data_b = DataDir::open(dir_b.path()).unwrap();
    let (_, bram) =
        Node::join(&data_b, &NetworkMode::loopback_only(), &ticket, &Profile::new("Bram"), Duration::from_secs(10))
            .await
            .unwrap();

    // A member syncs.
    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await.unwrap();
    let reports = node_b.sync_once(None, Duration::from_secs(10)).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].status, "in-sync", "{reports:?}");

    // Anna removes Bram; from then on Bram's device is refused.
    node_a.edit(&network, |network, anna| network.remove_member(anna, &kring_model::MemberId::new(bram))).unwrap();
    let reports = node_b.sync_once(None, Duration::from_secs(10)).await.unwrap();
    assert_eq!(reports[0].status, "refused", "{reports:?}");

    node_b.shutdown().await;
    node_a.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_ticket_gets_no_data() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (data_a, network) = founded(&dir_a);
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let (_, mut ticket) =
        node_a.create_invite(&network, kring_model::Role::Member, 5, Duration::from_secs(600)).unwrap();
    ticket.secret[0] ^= 1;

    let data_b = DataDir::open(dir_b.path()).unwrap();
    let err =
        Node::join(&data_b, &NetworkMode::loopback_only(), &ticket, &Profile::new("Mallory"), Duration::from_secs(10))
            .await
            .unwrap_err();
    assert!(matches!(err, NodeError::JoinRefused(ref reason) if reason == "this ticket cannot be used"), "{err}");
    assert!(data_b.network_ids().unwrap().is_empty());
    node_a.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_edit_travels_two_hops_without_polling() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (data_a, network) = founded(&dirs[0]);
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let (_, ticket) = node_a.create_invite(&network, kring_model::Role::Member, 2, Duration::from_secs(600)).unwrap();
    let (data_b, data_c) = (DataDir::open(dirs[1].path()).unwrap(), DataDir::open(dirs[2].path()).unwrap());
    Node::join(&data_b, &NetworkMode::loopback_only(), &ticket, &Profile::new("Bram"), Duration::from_secs(10))
        .await
        .unwrap();
    Node::join(&data_c, &NetworkMode::loopback_only(), &ticket, &Profile::new("Chris"), Duration::from_secs(10))
        .await
        .unwrap();
    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await.unwrap();
    let (node_c, _) = Node::start(&data_c, &NetworkMode::loopback_only()).await.unwrap();

    // A chain: C — B — A. A and C never connect to each other. B first learns from A that
    // C (who joined after B) is a member; until then B rightly refuses C.
    let (mut events_b, mut events_c) = (node_b.subscribe(), node_c.subscribe());
    node_b.connect(node_a.addr(), kring_node::FoundVia::Typed);
    in_sync(&mut events_b).await;
    node_c.connect(node_b.addr(), kring_node::FoundVia::Typed);
    in_sync(&mut events_c).await;

    let question = node_a
        .edit(&network, |network, anna| network.add_question(anna, "Wat leren we van de jeugdzorg?", ""))
        .unwrap();

    let arrived = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Ok(kring_node::NodeEvent::Received { endpoint, .. }) = events_c.recv().await {
                let has = node_c.read(&network, |n| n.snapshot().unwrap().questions.contains_key(&question)).unwrap();
                if has {
                    return endpoint;
                }
            }
        }
    })
    .await
    .expect("the edit reaches C within seconds");
    assert_eq!(arrived, data_b.device_id(), "C got it from B, not from A");

    node_c.shutdown().await;
    node_b.shutdown().await;
    node_a.shutdown().await;
}

async fn in_sync(events: &mut tokio::sync::broadcast::Receiver<kring_node::NodeEvent>) {
    tokio::time::timeout(Duration::from_secs(10), async {
        while !matches!(events.recv().await, Ok(kring_node::NodeEvent::InSync { .. })) {}
    })
    .await
    .expect("in sync within seconds");
}
