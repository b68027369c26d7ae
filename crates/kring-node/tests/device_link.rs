//! A second laptop for the same person (issue 13): a member's laptop makes a one-time
//! device-link ticket, the other laptop pastes it and becomes another device of the same
//! member. Real nodes and raw iroh endpoints on 127.0.0.1, offline mode; every test bounded
//! in time.

#[path = "support/strangers.rs"]
mod stranger;

use std::future::Future;
use std::time::Duration;

use kring_model::{MemberId, Network, NetworkDetails, Profile, QuestionId, Role};
use kring_node::{
    DeviceLinkTicket, FoundVia, InviteTicket, JoinReply, LINK_ALPN, LinkRequest, NetworkMode, Node, NodeError,
    NodeEvent, PeerReport, TicketError,
};
use kring_store::DataDir;
use stranger::{ask, reply};
use tokio::time::timeout;

const TEN_MINUTES: Duration = Duration::from_secs(600);
const WAIT: Duration = Duration::from_secs(10);

/// Runs a test's body, bounded in time.
async fn bounded<T>(body: impl Future<Output = T>) -> T {
    timeout(Duration::from_secs(90), body).await.expect("bounded in time")
}

fn loopback() -> NetworkMode {
    NetworkMode::loopback_only()
}

/// A data directory holding a new network "Geheim netwerk" founded by Anna, with one question.
fn founded(dir: &tempfile::TempDir) -> (DataDir, String, MemberId, QuestionId) {
    let data = DataDir::open(dir.path()).unwrap();
    let details = NetworkDetails { name: "Geheim netwerk".into(), ..Default::default() };
    let (mut network, anna) =
        Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key()).unwrap();
    let question = network.add_question(&anna, "Hoe betrekken we ouders?", "").unwrap();
    let id = network.id().to_string();
    data.create_network(&id, network.doc_mut()).unwrap();
    (data, id, anna, question)
}

async fn start(data: &DataDir) -> Node {
    Node::start(data, &loopback()).await.unwrap().0
}

/// Who votes for `question` on `node`'s copy.
fn votes(node: &Node, network: &str, question: &QuestionId) -> Vec<MemberId> {
    node.read(network, |n| n.snapshot().unwrap().questions[question].votes.iter().cloned().collect()).unwrap()
}

/// The devices of `member` on `node`'s copy.
fn devices(node: &Node, network: &str, member: &MemberId) -> Vec<String> {
    node.read(network, |n| n.snapshot().unwrap().members[member].devices.keys().cloned().collect()).unwrap()
}

fn report_for(reports: &[PeerReport], device: &str) -> PeerReport {
    reports
        .iter()
        .find(|r| r.endpoint == device)
        .unwrap_or_else(|| panic!("no report for {device}: {reports:?}"))
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_laptop_becomes_the_same_member_and_votes_once() {
    bounded(async {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (data_a, network, anna, first) = founded(&dir_a);
        let node_a = start(&data_a).await;
        let ticket = node_a.create_device_link(&network, TEN_MINUTES).unwrap();
        assert!(ticket.to_text().starts_with("kringlink"));
        let data_b = DataDir::open(dir_b.path()).unwrap();

        // B pastes the ticket while A waits for it to be used.
        let pasted = DeviceLinkTicket::parse(&ticket.to_text()).unwrap();
        let mode = loopback();
        let (used, linked) = tokio::join!(node_a.device_link_used(&ticket), Node::link(&data_b, &mode, &pasted, WAIT));
        let (used, linked) = (used.unwrap(), linked.unwrap());
        assert_eq!((linked.network.as_str(), linked.member.as_str()), (network.as_str(), anna.as_str()));
        assert_eq!((used.member.as_str(), used.device.as_str()), (anna.as_str(), data_b.device_id().as_str()));
        assert!(linked.bytes > 0);

        // B holds the whole network, is a device of Anna, and writes with its own key.
        let node_b = start(&data_b).await;
        for node in [&node_a, &node_b] {
            let mut anna_devices = devices(node, &network, &anna);
            anna_devices.sort();
            let mut expected = vec![data_a.device_id(), data_b.device_id()];
            expected.sort();
            assert_eq!(anna_devices, expected);
        }
        let actor_device =
            node_b.read(&network, |n| kring_model::trust::device_of_actor(n.doc_mut().get_actor())).unwrap();
        assert_eq!(actor_device, Some(data_b.device_id()));
        assert_eq!(node_b.read(&network, |n| n.name().unwrap()).unwrap(), "Geheim netwerk");
        let b_is = node_b.read(&network, |n| n.member_for_device(&data_b.device_id()).unwrap()).unwrap();
        assert_eq!(b_is, Some(anna.clone()));
        // Each laptop proved itself Anna's: B with the proof it sent with its request.
        for node in [&node_a, &node_b] {
            let proven = node.read(&network, |n| n.snapshot().unwrap().members[&anna].proven.clone()).unwrap();
            assert!(proven.contains(&data_a.device_id()) && proven.contains(&data_b.device_id()), "{proven:?}");
        }

        // Both laptops vote on the same question, each offline: one member, one vote.
        node_a.edit(&network, |n, me| n.vote(me, &first)).unwrap();
        node_b.edit(&network, |n, me| n.vote(me, &first)).unwrap();
        // A second question, voted for from B only: counted for Anna.
        let second = node_a.edit(&network, |n, me| n.add_question(me, "Werkt huisbezoek?", "")).unwrap();
        let reports = node_b.sync_once(Some(&network), WAIT).await.unwrap();
        assert_eq!(report_for(&reports, &data_a.device_id()).status, "in-sync", "{reports:?}");
        node_b.edit(&network, |n, me| n.vote(me, &second)).unwrap();
        let reports = node_b.sync_once(Some(&network), WAIT).await.unwrap();
        assert_eq!(report_for(&reports, &data_a.device_id()).status, "in-sync", "{reports:?}");

        for node in [&node_a, &node_b] {
            assert_eq!(votes(node, &network, &first), vec![anna.clone()]);
            assert_eq!(votes(node, &network, &second), vec![anna.clone()]);
        }
        let heads = |node: &Node| node.read(&network, |n| n.heads()).unwrap();
        assert_eq!(heads(&node_a), heads(&node_b));

        node_b.shutdown().await;
        node_a.shutdown().await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_third_members_laptop_accepts_the_linked_laptops_changes() {
    bounded(async {
        let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let (data_a, network, anna, question) = founded(&dirs[0]);
        let node_a = start(&data_a).await;

        // Chris joins with an invite, as any member does.
        let (_, invite) = node_a.create_invite(&network, Role::Member, 1, TEN_MINUTES).unwrap();
        let data_c = DataDir::open(dirs[2].path()).unwrap();
        Node::join(&data_c, &loopback(), &invite, &Profile::new("Chris"), WAIT).await.unwrap();
        let node_c = start(&data_c).await;
        let mut events_c = node_c.subscribe();

        // Anna's second laptop links through its running node.
        let data_b = DataDir::open(dirs[1].path()).unwrap();
        let node_b = start(&data_b).await;
        let ticket = node_a.create_device_link(&network, TEN_MINUTES).unwrap();
        let linked = node_b.link_device(&data_b, &ticket, WAIT).await.unwrap();
        assert_eq!(linked.member, anna.as_str());
        assert!(node_b.read(&network, |_| ()).is_ok(), "the running node holds the network at once");

        // Chris's laptop hears from A that Anna has another device; its rules accept A's change.
        let reports = node_c.sync_once(Some(&network), WAIT).await.unwrap();
        assert_eq!(report_for(&reports, &data_a.device_id()).status, "in-sync", "{reports:?}");
        assert!(devices(&node_c, &network, &anna).contains(&data_b.device_id()));

        // B writes as Anna (and only B has these changes); Chris's laptop syncs with B directly.
        node_b.edit(&network, |n, me| n.vote(me, &question)).unwrap();
        let from_b = node_b.edit(&network, |n, me| n.add_question(me, "Vraag van de tweede laptop", "")).unwrap();
        node_c.remember(&node_b.addr(), FoundVia::Typed);
        let reports = node_c.sync_once(Some(&network), WAIT).await.unwrap();
        assert_eq!(report_for(&reports, &data_b.device_id()).status, "in-sync", "{reports:?}");

        let snapshot = node_c.read(&network, |n| n.snapshot().unwrap()).unwrap();
        assert_eq!(snapshot.questions[&from_b].proposed_by, anna);
        assert_eq!(snapshot.questions[&question].votes.iter().collect::<Vec<_>>(), vec![&anna]);
        assert_eq!(snapshot.members.len(), 2, "still two members: Anna (two laptops) and Chris");
        while let Ok(event) = events_c.try_recv() {
            assert!(!matches!(event, NodeEvent::Distrusted { .. }), "{event:?}");
        }

        node_c.shutdown().await;
        node_b.shutdown().await;
        node_a.shutdown().await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_expired_and_used_links_get_the_one_refusal_and_nothing_of_the_network() {
    bounded(async {
        let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let (data_a, network, anna, _) = founded(&dirs[0]);
        let node_a = start(&data_a).await;
        let mut events = node_a.subscribe();

        let used = node_a.create_device_link(&network, TEN_MINUTES).unwrap();
        let data_b = DataDir::open(dirs[1].path()).unwrap();
        Node::link(&data_b, &loopback(), &used, WAIT).await.unwrap();
        let expiring = node_a.create_device_link(&network, Duration::from_millis(300)).unwrap();
        let mut wrong = node_a.create_device_link(&network, TEN_MINUTES).unwrap();
        wrong.secret[0] ^= 1;
        let cancelled = node_a.create_device_link(&network, TEN_MINUTES).unwrap();
        node_a.cancel_device_link(&cancelled);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let open = node_a.create_device_link(&network, TEN_MINUTES).unwrap();
        let mut unknown_network = LinkRequest::new(&open, vec![], &iroh::SecretKey::generate());
        unknown_network.network = kring_model::NetworkId::random().to_string();
        let cases = [
            ("wrong secret", LinkRequest::new(&wrong, vec![], &iroh::SecretKey::generate())),
            ("expired", LinkRequest::new(&expiring, vec![], &iroh::SecretKey::generate())),
            ("already used", LinkRequest::new(&used, vec![], &iroh::SecretKey::generate())),
            ("cancelled", LinkRequest::new(&cancelled, vec![], &iroh::SecretKey::generate())),
            ("unknown network", unknown_network),
        ];
        let mut answers = Vec::new();
        for (kind, request) in &cases {
            answers.push((*kind, ask(node_a.addr(), LINK_ALPN, request).await));
        }
        let (_, first) = &answers[0];
        for (kind, answer) in &answers {
            assert_eq!(answer, first, "the answer to a link with {kind} differs");
            assert!(!String::from_utf8_lossy(answer).contains("Geheim"), "the network's name leaked ({kind})");
        }
        match reply::<JoinReply>(first) {
            JoinReply::Refused { reason } => assert_eq!(reason, "this ticket cannot be used"),
            other => panic!("{other:?}"),
        }
        // A's own log says why, in one short line each.
        let mut reasons = Vec::new();
        while reasons.len() < cases.len() {
            match timeout(Duration::from_secs(5), events.recv()).await.expect("every refusal is reported") {
                Ok(NodeEvent::JoinRefused { reason, .. }) => reasons.push(reason),
                Ok(_) => {}
                Err(err) => panic!("{err}"),
            }
        }
        let expected = ["wrong secret", "expired", "already used", "wrong secret", "another network"];
        for (reason, expected) in reasons.iter().zip(expected) {
            assert!(reason.starts_with(&format!("device link: {expected}")), "{reason:?} is not {expected:?}");
        }

        // Through Kring itself: a clear error, and nothing kept.
        let data_c = DataDir::open(dirs[2].path()).unwrap();
        for ticket in [&wrong, &expiring, &used, &cancelled] {
            let err = Node::link(&data_c, &loopback(), ticket, WAIT).await.unwrap_err();
            assert!(matches!(err, NodeError::DeviceLinkRefused), "{err}");
            assert!(err.to_string().contains("refused the device link"), "{err}");
        }
        assert!(data_c.network_ids().unwrap().is_empty());
        // Waiting on an expired or cancelled link ends at once.
        for ticket in [&expiring, &cancelled] {
            assert!(matches!(node_a.device_link_used(ticket).await, Err(NodeError::DeviceLinkExpired)));
        }
        // Anna still has exactly her two laptops.
        assert_eq!(devices(&node_a, &network, &anna).len(), 2);
        node_a.shutdown().await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_expires_unused_and_the_wait_says_so() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let (data, network, _, _) = founded(&dir);
        let node = start(&data).await;
        let ticket = node.create_device_link(&network, Duration::from_millis(400)).unwrap();
        let started = std::time::Instant::now();
        let err = node.device_link_used(&ticket).await.unwrap_err();
        assert!(matches!(err, NodeError::DeviceLinkExpired), "{err}");
        assert!(started.elapsed() >= Duration::from_millis(350), "{:?}", started.elapsed());
        node.shutdown().await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_in_the_wrong_place_and_a_laptop_that_has_the_network_get_clear_errors() {
    bounded(async {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (data_a, network, anna, _) = founded(&dir_a);
        let node_a = start(&data_a).await;
        let link = node_a.create_device_link(&network, TEN_MINUTES).unwrap();
        let (_, invite) = node_a.create_invite(&network, Role::Member, 1, TEN_MINUTES).unwrap();

        // A link ticket in the join field, an invite in the link field.
        let err = InviteTicket::parse(&link.to_text()).unwrap_err();
        assert!(matches!(err, TicketError::DeviceLinkNotInvite), "{err}");
        assert!(err.to_string().contains("device-link ticket"), "{err}");
        let err = DeviceLinkTicket::parse(&invite.to_text()).unwrap_err();
        assert!(matches!(err, TicketError::InviteNotDeviceLink), "{err}");
        assert!(err.to_string().contains("invite ticket"), "{err}");
        assert!(matches!(DeviceLinkTicket::parse("kringlinkxyz"), Err(TicketError::BadDeviceLink(_))));

        // A laptop that holds the network already is stopped before it asks anything: the
        // link stays open for the laptop it is meant for.
        let err = Node::link(&data_a, &loopback(), &link, WAIT).await.unwrap_err();
        assert!(matches!(err, NodeError::AlreadyLinked(ref id) if *id == network), "{err}");
        let data_b = DataDir::open(dir_b.path()).unwrap();
        Node::link(&data_b, &loopback(), &link, WAIT).await.unwrap();
        let again = node_a.create_device_link(&network, TEN_MINUTES).unwrap();
        let err = Node::link(&data_b, &loopback(), &again, WAIT).await.unwrap_err();
        assert!(matches!(err, NodeError::AlreadyLinked(_)), "{err}");
        assert_eq!(devices(&node_a, &network, &anna).len(), 2);

        // Only a current member's laptop makes links, for a network it holds.
        let err = node_a.create_device_link("not-a-network", TEN_MINUTES).unwrap_err();
        assert!(matches!(err, NodeError::UnknownNetwork(_)), "{err}");
        node_a.shutdown().await;
    })
    .await
}
