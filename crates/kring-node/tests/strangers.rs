//! Strangers get nothing (issue 12). Fifty devices nobody invited connect at once and send the
//! largest frames and the longest network names they can while a member's laptop, connected
//! live, writes an edit: the edit arrives, a new sync of the member is let in, and the strangers
//! get nothing but the one refusal. One device gets a few connections and no more. A join that
//! fails, for whatever reason, gets the same answer, byte for byte.
//! Real nodes and raw iroh endpoints on 127.0.0.1, offline mode; every test bounded in time.
//! What the strangers cost — `kring serve`'s memory and the length of its log lines — is
//! measured on the real binary, with the strangers in another process: tests/strangers.rs.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use iroh::SecretKey;
use kring_model::trust::DeviceKey;
use kring_model::{InviteId, Network, NetworkDetails, Profile, Role};
use kring_node::{FoundVia, InviteTicket, JOIN_ALPN, JoinReply, JoinRequest, NetworkMode, Node, NodeEvent};
use kring_store::DataDir;
use kring_sync::{FrameReader, MAX_FRAME, Message, SYNC_ALPN, frame};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::timeout;

#[path = "support/strangers.rs"]
mod stranger;

use stranger::*;

const STRANGERS: usize = 50;
/// The tests of this file run one at a time: fifty strangers at once would skew the timings
/// the others check.
static ALONE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A data directory holding one new network founded by "Anna" on its device.
fn founded(dir: &tempfile::TempDir) -> (DataDir, String) {
    let data = DataDir::open(dir.path()).unwrap();
    let details = NetworkDetails { name: "Geheim netwerk".into(), ..Default::default() };
    let (mut network, _) =
        Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key()).unwrap();
    let id = network.id().to_string();
    data.create_network(&id, network.doc_mut()).unwrap();
    (data, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_strangers_get_nothing_and_a_connected_member_is_served() {
    let _alone = ALONE.lock().await;
    timeout(Duration::from_secs(180), strangers_and_a_member()).await.expect("bounded in time");
}

async fn strangers_and_a_member() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (data_a, network) = founded(&dir_a);
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let mut events_a = node_a.subscribe();
    let (_, ticket) = node_a.create_invite(&network, Role::Member, 1, Duration::from_secs(600)).unwrap();
    let data_b = DataDir::open(dir_b.path()).unwrap();
    let (mode, profile) = (NetworkMode::loopback_only(), Profile::new("Bram"));
    let join = Node::join(&data_b, &mode, &ticket, &profile, Duration::from_secs(10));
    timeout(Duration::from_secs(15), join).await.unwrap().unwrap();

    // Bram's laptop is connected live, as in a meeting.
    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await.unwrap();
    let bram_device = data_b.device_id();
    let mut events_b = node_b.subscribe();
    node_b.connect(node_a.addr(), FoundVia::Typed);
    timeout(Duration::from_secs(10), async { while !matches!(events_b.recv().await, Ok(NodeEvent::InSync { .. })) {} })
        .await
        .expect("Bram is in sync within seconds");

    // Who the node reports gone, as `kring serve` prints it.
    let mut events = node_a.subscribe();
    let gone = Arc::new(Mutex::new(HashSet::new()));
    let watching = {
        let gone = gone.clone();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(NodeEvent::PeerDisconnected { endpoint, .. }) => {
                        gone.lock().unwrap().insert(endpoint);
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                }
            }
        })
    };

    let payloads = Arc::new(Payloads {
        network: network.clone(),
        huge_name: frame::encode(&Message::Open { network: "n".repeat(16 * 1024 * 1024), chapter: String::new() }),
        junk: vec![0xa5; 1 << 20],
    });
    let mut devices = Vec::new();
    for _ in 0..STRANGERS {
        devices.push(raw_device().await);
    }
    let stranger_ids: HashSet<String> = devices.iter().map(|device| device.id().to_string()).collect();
    let started = Instant::now();
    let mut strangers = tokio::task::JoinSet::new();
    for (n, device) in devices.into_iter().enumerate() {
        let (addr, payloads, kind) = (node_a.addr(), payloads.clone(), ATTACKS[n % ATTACKS.len()]);
        let id = device.id().to_string();
        strangers.spawn(async move {
            (id, kind, attack(device, addr, kind, payloads, Arc::new(Progress::default())).await)
        });
    }

    // Once the first stranger is in, Bram writes a question; it reaches Anna's laptop.
    timeout(Duration::from_secs(30), async {
        loop {
            if let Ok(NodeEvent::PeerConnected { endpoint, .. }) = events_a.recv().await
                && endpoint != bram_device
            {
                return;
            }
        }
    })
    .await
    .expect("the strangers arrive");
    let edited = Instant::now();
    let question = node_b
        .edit(&network, |network, bram| network.add_question(bram, "Hoe houden we vreemden buiten?", ""))
        .unwrap();
    timeout(Duration::from_secs(10), async {
        loop {
            if let Ok(NodeEvent::Received { .. }) = events_a.recv().await
                && node_a.read(&network, |n| n.snapshot().unwrap().questions.contains_key(&question)).unwrap()
            {
                return;
            }
        }
    })
    .await
    .expect("Bram's edit reaches Anna within seconds, strangers or not");
    let edit_ms = edited.elapsed().as_millis();
    // And a new connection of Bram's is let in and syncs.
    let anna_device = data_a.device_id();
    let reports = node_b.sync_once(None, Duration::from_secs(20)).await.unwrap();
    let report = reports.into_iter().find(|r| r.endpoint == anna_device).unwrap();
    assert_eq!(report.status, "in-sync", "{report:?}");

    let results = timeout(Duration::from_secs(90), strangers.join_all()).await.expect("every stranger is done");
    eprintln!(
        "{STRANGERS} strangers: Bram's edit arrived after {edit_ms} ms; the strangers were done after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(results.len(), STRANGERS);
    for (_, kind, answered) in &results {
        let Some(Answer { bytes, turned_away }) = answered else { panic!("a {kind:?} stranger is still connected") };
        assert!(!String::from_utf8_lossy(bytes).contains("Geheim"), "the network's name leaked to {kind:?}");
        let mut reader = FrameReader::default();
        reader.push(bytes);
        let mut messages = Vec::new();
        while let Some(message) = reader.next_message().unwrap() {
            messages.push(message);
        }
        let expected = match kind {
            Attack::KnownNetwork if !turned_away => vec![Message::Refused { network: network.clone() }],
            _ => vec![],
        };
        assert_eq!(messages, expected, "what a {kind:?} stranger got");
    }
    // Those turned away at once never began a sync: no event for them.
    let let_in: HashSet<String> = results
        .iter()
        .filter(|(_, _, answer)| answer.as_ref().is_some_and(|answer| !answer.turned_away))
        .map(|(id, _, _)| id.clone())
        .collect();
    assert!(stranger_ids.is_superset(&let_in));
    eprintln!("{} of the {STRANGERS} strangers were turned away at once", STRANGERS - let_in.len());
    let stranger_ids = let_in;

    // Every stranger's end is an event (a connection's end waits up to 3 s for its last bytes
    // to be taken: on a busy machine the last events come some seconds after the strangers
    // are done).
    let all_gone = timeout(Duration::from_secs(15), async {
        while !gone.lock().unwrap().is_superset(&stranger_ids) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let reported = all_gone.await.is_ok();
    let missing = stranger_ids.difference(&gone.lock().unwrap()).count();
    assert!(reported, "no event for the end of {missing} strangers");
    watching.abort();
    node_b.shutdown().await;
    node_a.shutdown().await;
}

/// Strangers that dial again the moment a connection ends: most say nothing (and keep their
/// place until the node's 10 s for a first message are up), one in eight names the network and
/// is refused at once. Eighty of them once kept a member's `kring sync` out.
const REDIALERS: usize = 80;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eighty_strangers_redialing_keep_neither_a_member_nor_a_joiner_out() {
    let _alone = ALONE.lock().await;
    timeout(Duration::from_secs(60), redialers_a_member_and_a_joiner()).await.expect("bounded in time");
}

async fn redialers_a_member_and_a_joiner() {
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (data_a, network) = founded(&dirs[0]);
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let invite = |uses| node_a.create_invite(&network, Role::Member, uses, Duration::from_secs(600)).unwrap().1;
    let (bram_ticket, chris_ticket) = (invite(1), invite(1));
    let data_b = DataDir::open(dirs[1].path()).unwrap();
    let mode = NetworkMode::loopback_only();
    let (bram, chris) = (Profile::new("Bram"), Profile::new("Chris"));
    let join = Node::join(&data_b, &mode, &bram_ticket, &bram, Duration::from_secs(10));
    timeout(Duration::from_secs(15), join).await.unwrap().unwrap();
    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await.unwrap();

    let (stop, dials) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let mut strangers = tokio::task::JoinSet::new();
    for n in 0..REDIALERS {
        let device = raw_device().await;
        let says = (n % 8 == 0).then(|| network.clone());
        strangers.spawn(redial(device, node_a.addr(), says, stop.clone(), dials.clone()));
    }
    // Until they have taken every place a stranger can get, and go on dialing.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let started = Instant::now();

    // Bram's one-off sync gets in, and so does Chris's join with his ticket.
    let anna_device = data_a.device_id();
    let reports = node_b.sync_once(None, Duration::from_secs(10)).await.unwrap();
    let report = reports.into_iter().find(|r| r.endpoint == anna_device).expect("Bram reached Anna");
    assert_eq!(report.status, "in-sync", "{report:?}");
    let synced_ms = started.elapsed().as_millis();
    let data_c = DataDir::open(dirs[2].path()).unwrap();
    let join = Node::join(&data_c, &mode, &chris_ticket, &chris, Duration::from_secs(10));
    timeout(Duration::from_secs(12), join).await.expect("the join ends").expect("Chris joins among the strangers");
    let joined_ms = started.elapsed().as_millis() - synced_ms;
    let dialed = dials.load(Ordering::Relaxed);

    stop.store(true, Ordering::Relaxed);
    timeout(Duration::from_secs(10), strangers.join_all()).await.expect("the strangers stop");
    eprintln!(
        "{REDIALERS} strangers redialing: Bram's sync took {synced_ms} ms and Chris's join {joined_ms} ms; \
         the strangers dialed {dialed} times in {:.1} s",
        started.elapsed().as_secs_f64() + 2.0
    );
    assert!(dialed > 2 * REDIALERS, "the strangers kept dialing ({dialed} dials)");
    node_b.shutdown().await;
    node_a.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_device_gets_four_connections_and_no_more() {
    let _alone = ALONE.lock().await;
    timeout(Duration::from_secs(30), async {
        let dir = tempfile::tempdir().unwrap();
        let (data, _) = founded(&dir);
        let (node, _) = Node::start(&data, &NetworkMode::loopback_only()).await.unwrap();
        let device = raw_device().await;
        let mut kept = Vec::new();
        for _ in 0..4 {
            kept.push(device.connect(node.addr(), SYNC_ALPN).await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        for _ in 0..2 {
            let extra = device.connect(node.addr(), SYNC_ALPN).await.unwrap();
            let closed = timeout(Duration::from_secs(2), extra.closed()).await.expect("closed at once");
            assert!(closed.to_string().contains("too many connections"), "{closed}");
        }
        assert!(kept.iter().all(|conn| conn.close_reason().is_none()), "the first four stay open");
        // A place comes free when one of them ends.
        kept.pop().unwrap().close(0u32.into(), b"bye");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let again = device.connect(node.addr(), SYNC_ALPN).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(again.close_reason().is_none(), "{:?}", again.close_reason());
        device.close().await;
        node.shutdown().await;
    })
    .await
    .expect("bounded in time");
}

/// The request the joiner's Kring sends for `ticket`, from the device with `key`.
fn request_as(ticket: &InviteTicket, key: &SecretKey) -> JoinRequest {
    JoinRequest::new(ticket, &Profile::new("Mallory"), vec![], key)
}

/// A request refused before its proof is looked at.
fn request(ticket: &InviteTicket) -> JoinRequest {
    request_as(ticket, &SecretKey::generate())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failed_join_gets_the_same_answer() {
    let _alone = ALONE.lock().await;
    timeout(Duration::from_secs(60), async {
        let dir = tempfile::tempdir().unwrap();
        let (data, network) = founded(&dir);
        let (node, _) = Node::start(&data, &NetworkMode::loopback_only()).await.unwrap();
        let mut events = node.subscribe();
        let invite = |uses, valid_for| node.create_invite(&network, Role::Member, uses, valid_for).unwrap();
        let hour = Duration::from_secs(3600);

        let (_, good) = invite(5, hour);
        let (revoked_id, revoked) = invite(5, hour);
        node.edit(&network, |network, anna| network.revoke_invite(anna, &revoked_id)).unwrap();
        let (_, expiring) = invite(5, Duration::from_millis(300));
        let (_, once) = invite(1, hour);
        let mallory = SecretKey::generate();
        let welcome =
            reply::<JoinReply>(&ask_as(mallory.clone(), node.addr(), JOIN_ALPN, &request_as(&once, &mallory)).await);
        assert!(matches!(welcome, JoinReply::Welcome { .. }), "the one use of the ticket lets someone in");
        tokio::time::sleep(Duration::from_millis(400)).await;

        let mut wrong_secret = request(&good);
        wrong_secret.secret[0] ^= 1;
        let mut unknown_network = request(&good);
        unknown_network.network = kring_model::NetworkId::random().to_string();
        let mut unknown_invite = request(&good);
        unknown_invite.invite = InviteId::random().to_string();
        let mut huge_network = request(&good);
        huge_network.network = "n".repeat(60_000);
        let cases = [
            ("wrong secret", wrong_secret),
            ("revoked", request(&revoked)),
            ("expired", request(&expiring)),
            ("used up", request(&once)),
            ("unknown network", unknown_network),
            ("unknown invite", unknown_invite),
            ("huge network id", huge_network),
        ];
        let mut answers = Vec::new();
        for (kind, request) in &cases {
            answers.push((*kind, ask(node.addr(), JOIN_ALPN, request).await));
        }
        let (_, first) = &answers[0];
        for (kind, answer) in &answers {
            assert_eq!(answer, first, "the answer to a join with {kind} differs");
        }
        match reply::<JoinReply>(first) {
            JoinReply::Refused { reason } => assert_eq!(reason, "this ticket cannot be used"),
            other => panic!("{other:?}"),
        }

        // The inviter's own log says why, in one short line each.
        let mut reasons = Vec::new();
        while reasons.len() < cases.len() {
            match timeout(Duration::from_secs(5), events.recv()).await.expect("every refusal is reported") {
                Ok(NodeEvent::JoinRefused { reason, .. }) => reasons.push(reason),
                Ok(_) => {}
                Err(err) => panic!("{err}"),
            }
        }
        for (reason, expected) in reasons.iter().zip([
            "wrong secret",
            "revoked invite",
            "expired invite",
            "used-up invite",
            "unknown network",
            "unknown invite",
            "unknown network",
        ]) {
            assert!(reason.starts_with(expected), "{reason:?} is not {expected:?}");
            assert!(reason.len() < 200 && !reason.contains('\n'), "{reason:?}");
        }
        node.shutdown().await;
    })
    .await
    .expect("bounded in time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_with_a_wrong_proof_or_a_taken_member_id_is_refused_and_changes_nothing() {
    let _alone = ALONE.lock().await;
    timeout(Duration::from_secs(60), async {
        let dir = tempfile::tempdir().unwrap();
        let (data, network) = founded(&dir);
        let (node, _) = Node::start(&data, &NetworkMode::loopback_only()).await.unwrap();
        let mut events = node.subscribe();
        let (invite, ticket) = node.create_invite(&network, Role::Member, 5, Duration::from_secs(3600)).unwrap();
        let anna = node.read(&network, |n| n.member_for_device(&data.device_id()).unwrap().unwrap()).unwrap();
        let heads = node.read(&network, |n| n.heads()).unwrap();

        let mallory = SecretKey::generate();
        // Signed by another key than the device that asks.
        let mut wrong_proof = request_as(&ticket, &mallory);
        wrong_proof.proof = SecretKey::generate().as_signing_key().prove(&network, &wrong_proof.member);
        // Signed by the device that asks, but for Anna's member id: her identity, taken.
        let mut taken = request_as(&ticket, &mallory);
        taken.member = anna.to_string();
        taken.proof = mallory.as_signing_key().prove(&network, anna.as_str());
        for request in [&wrong_proof, &taken] {
            let answer = reply::<JoinReply>(&ask_as(mallory.clone(), node.addr(), JOIN_ALPN, request).await);
            assert!(
                matches!(&answer, JoinReply::Refused { reason } if reason == "this ticket cannot be used"),
                "{answer:?}"
            );
        }
        let mut reasons = Vec::new();
        while reasons.len() < 2 {
            if let Ok(NodeEvent::JoinRefused { reason, .. }) =
                timeout(Duration::from_secs(5), events.recv()).await.expect("every refusal is reported")
            {
                reasons.push(reason);
            }
        }
        assert!(reasons[0].starts_with("the joining device's proof does not hold"), "{reasons:?}");
        assert!(reasons[1].starts_with("the member id the joining device chose is taken"), "{reasons:?}");
        // Nothing changed: no member, no use of the invite.
        assert_eq!(node.read(&network, |n| n.heads()).unwrap(), heads);
        let snapshot = node.read(&network, |n| n.snapshot().unwrap()).unwrap();
        assert_eq!(snapshot.members.len(), 1);
        assert!(snapshot.invites[&invite].uses.is_empty());
        assert_eq!(snapshot.member_for_device(&data.device_id()).map(|m| &m.id), Some(&anna));

        // The same device with its own proof for a member id of its own gets in, proven.
        let right = request_as(&ticket, &mallory);
        let answer = reply::<JoinReply>(&ask_as(mallory.clone(), node.addr(), JOIN_ALPN, &right).await);
        assert!(matches!(answer, JoinReply::Welcome { ref member, .. } if *member == right.member), "{answer:?}");
        let snapshot = node.read(&network, |n| n.snapshot().unwrap()).unwrap();
        let joined = &snapshot.members[&kring_model::MemberId::new(right.member.clone())];
        assert!(joined.proven.contains(&mallory.public().to_string()));
        node.shutdown().await;
    })
    .await
    .expect("bounded in time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_request_too_large_or_too_slow_is_dropped() {
    let _alone = ALONE.lock().await;
    timeout(Duration::from_secs(40), async {
        let dir = tempfile::tempdir().unwrap();
        let (data, _) = founded(&dir);
        let (node, _) = Node::start(&data, &NetworkMode::loopback_only()).await.unwrap();
        let device = raw_device().await;

        // 100 KiB where a request has at most 64: no answer, and the connection is gone.
        let conn = device.connect(node.addr(), JOIN_ALPN).await.unwrap();
        let (mut send, mut recv) = conn.open_bi().await.unwrap();
        let _ = send.write_all(&vec![0x42; 100 * 1024]).await;
        let _ = send.finish();
        let answer = recv.read_to_end(MAX_FRAME).await.unwrap_or_default();
        assert!(answer.is_empty(), "an answer to an oversized request");
        timeout(Duration::from_secs(3), conn.closed()).await.expect("dropped at once");

        // A request begun and never finished holds the connection for 10 s, no longer.
        let started = Instant::now();
        let conn = device.connect(node.addr(), JOIN_ALPN).await.unwrap();
        let (mut send, _recv) = conn.open_bi().await.unwrap();
        send.write_all(&[0, 0]).await.unwrap();
        timeout(Duration::from_secs(20), conn.closed()).await.expect("dropped after the request's time");
        let waited = started.elapsed();
        assert!(waited > Duration::from_secs(9) && waited < Duration::from_secs(15), "{waited:?}");

        device.close().await;
        node.shutdown().await;
    })
    .await
    .expect("bounded in time");
}
