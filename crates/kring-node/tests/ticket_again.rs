//! A ticket pasted again (issue 14): on a laptop that already holds the network it refreshes
//! where the members are, instead of failing with "already on this device". Real nodes on
//! 127.0.0.1, offline mode, bounded in time.

use std::time::Duration;

use kring_model::{Network, NetworkDetails, Profile, Role};
use kring_node::{NetworkMode, Node, NodeEvent};
use kring_store::DataDir;
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_of_a_network_this_laptop_has_refreshes_its_addresses() {
    timeout(Duration::from_secs(60), async {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let data_a = DataDir::open(dir_a.path()).unwrap();
        let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
        let (mut network, _) =
            Network::create(&details, &Profile::new("Anna"), data_a.device_key().as_signing_key()).unwrap();
        let id = network.id().to_string();
        data_a.create_network(&id, network.doc_mut()).unwrap();
        let mode = NetworkMode::loopback_only();
        let node_a = Node::start(&data_a, &mode).await.unwrap().0;
        let (_, ticket) = node_a.create_invite(&id, Role::Member, 2, Duration::from_secs(600)).unwrap();

        let data_b = DataDir::open(dir_b.path()).unwrap();
        let node_b = Node::start(&data_b, &mode).await.unwrap().0;
        let joined = node_b.join_network(&data_b, &ticket, &Profile::new("Bram"), WAIT).await.unwrap();
        assert!(!joined.refreshed);
        let mut events = node_b.subscribe();
        node_b.spawn_dialer();

        let again = node_b.join_network(&data_b, &ticket, &Profile::new("Bram"), WAIT).await.unwrap();
        assert!(again.refreshed, "{again:?}");
        assert_eq!(
            (again.network.as_str(), again.member.as_str(), again.bytes),
            (id.as_str(), joined.member.as_str(), 0)
        );
        // Nothing was joined twice: one Bram, and the invite has a use left.
        let members = node_a.read(&id, |n| n.snapshot().unwrap().members.len()).unwrap();
        assert_eq!(members, 2);
        assert_eq!(data_b.network_ids().unwrap(), vec![id.clone()]);
        // B syncs with A at the ticket's address.
        let connected = timeout(WAIT, async {
            loop {
                if let Ok(NodeEvent::PeerConnected { endpoint, .. }) = events.recv().await
                    && endpoint == node_a.endpoint_id()
                {
                    return;
                }
            }
        })
        .await;
        assert!(connected.is_ok(), "B never reached A");
        node_b.shutdown().await;
        node_a.shutdown().await;
    })
    .await
    .expect("bounded in time");
}
