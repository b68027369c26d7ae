//! Every laptop proves itself: a new network's, a joiner's, a member's second laptop, and the
//! laptops of a network begun on an older Kring once they open it on this one. Real nodes on
//! 127.0.0.1, offline mode, bounded in time.

#[path = "support/strangers.rs"]
mod stranger;

use std::time::Duration;

use kring_model::automerge::transaction::Transactable;
use kring_model::automerge::{AutoCommit, ObjType, ROOT};
use kring_model::schema::*;
use kring_model::trust::DeviceKey;
use kring_model::{MemberId, Network, NetworkDetails, NetworkId, Profile, Role};
use kring_node::{JoinReply, LINK_ALPN, LinkRequest, NetworkMode, Node, NodeEvent};
use kring_store::DataDir;
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(10);

async fn start(data: &DataDir) -> Node {
    Node::start(data, &NetworkMode::loopback_only()).await.unwrap().0
}

/// Whether every device of every member of `network` on `node` is proven, with the schema.
fn proven_everywhere(node: &Node, network: &str) -> (bool, u64) {
    node.read(network, |n| {
        let snapshot = n.snapshot().unwrap();
        let all = snapshot.members.values().all(|m| m.devices.keys().all(|d| m.proven.contains(d)));
        (all, n.schema())
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_network_a_joiner_and_a_linked_laptop_are_all_proven() {
    timeout(Duration::from_secs(90), async {
        let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let datas: Vec<DataDir> = dirs.iter().map(|d| DataDir::open(d.path()).unwrap()).collect();
        let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
        let key = datas[0].device_key().as_signing_key();
        let (mut network, anna) = Network::create(&details, &Profile::new("Anna"), key).unwrap();
        let id = network.id().to_string();
        datas[0].create_network(&id, network.doc_mut()).unwrap();
        let node_a = start(&datas[0]).await;
        assert_eq!(proven_everywhere(&node_a, &id), (true, SCHEMA_VERSION));

        // Bram joins with a ticket; Anna's second laptop links with a device-link ticket.
        let (_, ticket) = node_a.create_invite(&id, Role::Member, 1, Duration::from_secs(600)).unwrap();
        let node_b = start(&datas[1]).await;
        let joined = node_b.join_network(&datas[1], &ticket, &Profile::new("Bram"), WAIT).await.unwrap();
        let link = node_a.create_device_link(&id, Duration::from_secs(600)).unwrap();
        Node::link(&datas[2], &NetworkMode::loopback_only(), &link, WAIT).await.unwrap();

        let snapshot = node_a.read(&id, |n| n.snapshot().unwrap()).unwrap();
        let bram = MemberId::new(joined.member.clone());
        assert!(snapshot.members[&bram].proven.contains(&datas[1].device_id()));
        let anna_devices = &snapshot.members[&anna].proven;
        assert!(anna_devices.contains(&datas[0].device_id()) && anna_devices.contains(&datas[2].device_id()));
        assert_eq!(proven_everywhere(&node_a, &id), (true, SCHEMA_VERSION));
        assert_eq!(proven_everywhere(&node_b, &id), (true, SCHEMA_VERSION));
        node_b.shutdown().await;
        node_a.shutdown().await;
    })
    .await
    .expect("bounded in time");
}

/// A network as a Kring before device proofs began it: schema 1, coordinator Anna on `anna`'s
/// laptop and member Bram on `bram`'s, no proofs. Its member ids.
fn old_network(anna: &DataDir, bram: &DataDir) -> (AutoCommit, MemberId, MemberId) {
    let (anna_id, bram_id) = (MemberId::random(), MemberId::random());
    let mut doc = AutoCommit::new().with_actor(kring_model::trust::actor_for_device(&anna.device_id()));
    doc.put(ROOT, SCHEMA, 1_u64).unwrap();
    let info = doc.put_object(ROOT, NETWORK, ObjType::Map).unwrap();
    doc.put(&info, ID, NetworkId::random().as_str()).unwrap();
    doc.put(&info, NAME, "PLG van vroeger").unwrap();
    doc.put_object(&info, THEMES, ObjType::Map).unwrap();
    doc.put(&info, CREATED_BY, anna_id.as_str()).unwrap();
    for map in [MEMBERS, INVITES, SESSIONS, QUESTIONS, FACTORS, REFLECTIONS] {
        doc.put_object(ROOT, map, ObjType::Map).unwrap();
    }
    let (_, members) = kring_model::automerge::ReadDoc::get(&doc, ROOT, MEMBERS).unwrap().unwrap();
    for (id, name, role, data) in [(&anna_id, "Anna", Role::Coordinator, anna), (&bram_id, "Bram", Role::Member, bram)]
    {
        let member = doc.put_object(&members, id.as_str(), ObjType::Map).unwrap();
        doc.put(&member, NAME, name).unwrap();
        doc.put(&member, PERSPECTIVE, "teacher").unwrap();
        doc.put(&member, ORGANISATION, "").unwrap();
        doc.put(&member, ROLE, role.as_str()).unwrap();
        let devices = doc.put_object(&member, DEVICES, ObjType::Map).unwrap();
        doc.put(&devices, data.device_id(), 1_i64).unwrap();
        doc.put(&member, JOINED_AT, 1_i64).unwrap();
    }
    doc.commit();
    (doc, anna_id, bram_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_network_opened_on_this_version_proves_its_laptops_and_becomes_schema_2() {
    timeout(Duration::from_secs(60), async {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (data_a, data_b) = (DataDir::open(dir_a.path()).unwrap(), DataDir::open(dir_b.path()).unwrap());
        let (mut doc, anna, bram) = old_network(&data_a, &data_b);
        let id = Network::from_doc(doc.fork()).unwrap().id().to_string();
        data_a.create_network(&id, &mut doc.fork()).unwrap();
        data_b.create_network(&id, &mut doc).unwrap();

        // Bram's laptop opens it first: it proves itself; a member cannot raise the schema.
        let node_b = start(&data_b).await;
        let proven =
            |node: &Node, member: &MemberId, device: &str| node.read(&id, |n| n.device_proven(member, device)).unwrap();
        assert!(proven(&node_b, &bram, &data_b.device_id()));
        assert_eq!(node_b.read(&id, |n| n.schema()).unwrap(), 1);
        // Anna's laptop: her proof, then schema 2.
        let node_a = start(&data_a).await;
        assert!(proven(&node_a, &anna, &data_a.device_id()));
        assert_eq!(node_a.read(&id, |n| n.schema()).unwrap(), SCHEMA_VERSION);

        // Each takes the other's changes: both proven, schema 2, everywhere.
        node_b.remember(&node_a.addr(), kring_node::FoundVia::Ticket);
        let reports = node_b.sync_once(Some(&id), WAIT).await.unwrap();
        assert!(reports.iter().all(|r| r.status == "in-sync"), "{reports:?}");
        for node in [&node_a, &node_b] {
            assert_eq!(proven_everywhere(node, &id), (true, SCHEMA_VERSION));
            let anna_is = node.read(&id, |n| n.member_for_device(&data_a.device_id()).unwrap()).unwrap();
            assert_eq!(anna_is, Some(anna.clone()));
        }
        assert_eq!(node_a.read(&id, |n| n.heads()).unwrap(), node_b.read(&id, |n| n.heads()).unwrap());
        node_b.shutdown().await;
        node_a.shutdown().await;

        // Written once: opening again writes nothing more.
        let heads = |data: &DataDir| {
            let (mut open, _) = kring_node::OpenNetwork::open(data, &id).unwrap();
            open.network.heads()
        };
        assert_eq!(heads(&data_a), heads(&data_a));
    })
    .await
    .expect("bounded in time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_link_with_a_wrong_proof_is_refused_and_adds_no_device() {
    timeout(Duration::from_secs(60), async {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::open(dir.path()).unwrap();
        let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
        let (mut network, anna) =
            Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key()).unwrap();
        let id = network.id().to_string();
        data.create_network(&id, network.doc_mut()).unwrap();
        let node = start(&data).await;
        let mut events = node.subscribe();
        let ticket = node.create_device_link(&id, Duration::from_secs(600)).unwrap();
        assert_eq!(ticket.member, anna.to_string());
        let heads = node.read(&id, |n| n.heads()).unwrap();

        // The right secret, but the laptop's proof is for another member.
        let laptop = iroh::SecretKey::generate();
        let mut request = LinkRequest::new(&ticket, vec![], &laptop);
        request.proof = laptop.as_signing_key().prove(&id, "someone-else");
        let answer = stranger::reply::<JoinReply>(&stranger::ask_as(laptop, node.addr(), LINK_ALPN, &request).await);
        assert!(matches!(answer, JoinReply::Refused { .. }), "{answer:?}");
        let reason = loop {
            if let Ok(NodeEvent::JoinRefused { reason, .. }) = timeout(WAIT, events.recv()).await.unwrap() {
                break reason;
            }
        };
        assert!(reason.contains("the new device's proof does not hold"), "{reason}");
        assert_eq!(node.read(&id, |n| n.heads()).unwrap(), heads, "nothing was written");
        node.shutdown().await;
    })
    .await
    .expect("bounded in time");
}
