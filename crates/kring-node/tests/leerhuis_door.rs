//! The leerhuis's voucher door (`kring/leerhuis-join/1`) against a real node on 127.0.0.1:
//! a device that brings a voucher the leerhuis does not accept gets the one refusal every
//! failed join gets, and not a byte of the leerhuis; the holder of a delegate's voucher gets in.

#[path = "support/strangers.rs"]
mod stranger;

use iroh::SecretKey;
use kring_model::leerhuis::Voucher;
use kring_model::trust::DeviceKey;
use kring_model::{MemberId, Network, NetworkDetails, NetworkId, NetworkKind, NetworkToLink, NewInvite, Profile, Role};
use kring_node::leerhuis::{LEERHUIS_JOIN_ALPN, VoucherJoinRequest};
use kring_node::{JoinReply, NetworkMode, Node};
use kring_store::DataDir;
use kring_sync::FrameReader;

/// Lotte's leerhuis on this data directory, with "PLG Rekenen" linked by Anna (`anna`, her
/// laptop's key, its delegate). Returns the leerhuis's and the PLG's ids.
fn leerhuis(data: &DataDir, anna: &SecretKey) -> (String, NetworkId) {
    let details = NetworkDetails { name: "Leerhuis Jeugd".into(), kind: NetworkKind::Leerhuis, ..Default::default() };
    let (mut network, lotte) =
        Network::create(&details, &Profile::new("Lotte"), data.device_key().as_signing_key()).unwrap();
    let ticket = NewInvite { secret_hash: "h".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
    let invite = network.create_link_invite(&lotte, &ticket).unwrap();
    let plg = NetworkId::random();
    let linked = NetworkToLink {
        id: plg.clone(),
        name: "PLG Rekenen".into(),
        delegates: vec![anna.public().to_string()],
        below: Vec::new(),
    };
    let anna_key = anna.as_signing_key();
    network.link_network(&lotte, &invite, "h", &Profile::new("Anna"), &MemberId::random(), anna_key, &linked).unwrap();
    let id = network.id().to_string();
    let mut store = data.create_network(&id, network.doc_mut()).unwrap();
    store.persist(network.doc_mut()).unwrap();
    (id, plg)
}

/// What `key`'s device sends to join `leerhuis` with `voucher`.
fn request(key: &SecretKey, leerhuis: &str, voucher: &Voucher) -> VoucherJoinRequest {
    let member = MemberId::random().to_string();
    VoucherJoinRequest {
        leerhuis: leerhuis.to_string(),
        voucher: voucher.to_bytes(),
        name: "Xander".into(),
        perspective: "other".into(),
        organisation: String::new(),
        addrs: vec![],
        proof: key.as_signing_key().prove(leerhuis, &member),
        member,
    }
}

fn reply(bytes: &[u8]) -> JoinReply {
    let mut reader = FrameReader::default();
    reader.push(bytes);
    reader.next_frame().unwrap().expect("an answer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voucher_the_leerhuis_does_not_accept_gets_the_one_refusal_and_no_byte_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(dir.path()).unwrap();
    let anna = SecretKey::generate();
    let (leerhuis, plg) = leerhuis(&data, &anna);
    let (node, _) = Node::start(&data, &NetworkMode::loopback_only()).await.unwrap();
    let later = 4_000_000_000_000;

    let xander = SecretKey::generate();
    let for_xander = |signer: &SecretKey, network: &NetworkId, leerhuis: &str, until| {
        Voucher::issue(signer.as_signing_key(), leerhuis, network.as_str(), &[xander.public().to_string()], until)
    };
    let bram = SecretKey::generate();
    let refused = [
        ("signed by himself", for_xander(&xander, &plg, &leerhuis, later)),
        ("expired", for_xander(&anna, &plg, &leerhuis, 1_000)),
        ("for another leerhuis", for_xander(&anna, &plg, "another-leerhuis", later)),
        ("through a network not linked", for_xander(&anna, &NetworkId::random(), &leerhuis, later)),
        (
            "Bram's voucher",
            Voucher::issue(anna.as_signing_key(), &leerhuis, plg.as_str(), &[bram.public().to_string()], later),
        ),
    ];
    for (what, voucher) in refused {
        let bytes =
            stranger::ask_as(xander.clone(), node.addr(), LEERHUIS_JOIN_ALPN, &request(&xander, &leerhuis, &voucher))
                .await;
        assert!(
            matches!(reply(&bytes), JoinReply::Refused { ref reason } if reason == "this ticket cannot be used"),
            "{what}"
        );
        assert!(!String::from_utf8_lossy(&bytes).contains("Leerhuis Jeugd"), "{what}: the leerhuis leaked");
        assert!(bytes.len() < 100, "{what}: {} bytes", bytes.len());
    }

    // The holder of a delegate's voucher for his own laptop gets the whole leerhuis.
    let good = for_xander(&anna, &plg, &leerhuis, later);
    let bytes =
        stranger::ask_as(xander.clone(), node.addr(), LEERHUIS_JOIN_ALPN, &request(&xander, &leerhuis, &good)).await;
    assert!(matches!(reply(&bytes), JoinReply::Welcome { .. }), "a delegate's voucher lets him in");
    let members = node.read(&leerhuis, |n| n.snapshot().unwrap().members).unwrap();
    let xander_there = members.values().find(|m| m.devices.contains_key(&xander.public().to_string())).unwrap();
    assert_eq!((xander_there.via.as_ref(), xander_there.role), (Some(&plg), Role::Member));
    node.shutdown().await;
}

/// `network` saved into `data` as Kring saves a network.
fn keep(data: &DataDir, network: &mut Network) -> String {
    let id = network.id().to_string();
    let mut store = data.create_network(&id, network.doc_mut()).unwrap();
    store.persist(network.doc_mut()).unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinators_running_laptop_keeps_vouchers_fresh_and_removals_follow_into_the_leerhuis() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(dir.path()).unwrap();
    let anna_key = data.device_key().as_signing_key().clone();
    let (bram_key, cas_key, lotte_key) = (SecretKey::generate(), SecretKey::generate(), SecretKey::generate());

    // Anna's PLG, linked into Lotte's leerhuis; Cas joined the leerhuis through it.
    let (mut plg, anna) = Network::create(
        &NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() },
        &Profile::new("Anna"),
        &anna_key,
    )
    .unwrap();
    let details = NetworkDetails { name: "Leerhuis Jeugd".into(), kind: NetworkKind::Leerhuis, ..Default::default() };
    let (mut leerhuis, lotte) = Network::create(&details, &Profile::new("Lotte"), lotte_key.as_signing_key()).unwrap();
    let ticket = NewInvite { secret_hash: "h".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
    let invite = leerhuis.create_link_invite(&lotte, &ticket).unwrap();
    let linked = NetworkToLink {
        id: plg.id().clone(),
        name: "PLG Rekenen".into(),
        delegates: vec![anna_key.device_id()],
        below: Vec::new(),
    };
    leerhuis
        .link_network(&lotte, &invite, "h", &Profile::new("Anna"), &MemberId::random(), &anna_key, &linked)
        .unwrap();
    plg.record_leerhuis(&anna, leerhuis.id(), "Leerhuis Jeugd", "", &Default::default()).unwrap();
    let cas = plg.add_member(&anna, &Profile::new("Cas"), Role::Member, Some(cas_key.as_signing_key())).unwrap();
    plg.issue_vouchers(&anna, &anna_key, leerhuis.id(), 4_000_000_000_000).unwrap();
    let vouchers = plg.snapshot().unwrap().info.leerhuizen[leerhuis.id()].vouchers.clone();
    let voucher = Voucher::from_bytes(&vouchers[&cas]).unwrap();
    let cas_there = leerhuis
        .join_with_voucher(&lotte, &voucher, &Profile::new("Cas"), &MemberId::random(), cas_key.as_signing_key())
        .unwrap();
    // Then, before Anna's laptop runs: Bram joins the PLG (no voucher yet), Cas leaves it.
    let bram = plg.add_member(&anna, &Profile::new("Bram"), Role::Member, Some(bram_key.as_signing_key())).unwrap();
    plg.remove_member(&anna, &cas).unwrap();
    leerhuis.set_device(&anna_key.device_id());
    let (plg_id, leerhuis_id) = (keep(&data, &mut plg), keep(&data, &mut leerhuis));

    let (node, _) = Node::start(&data, &NetworkMode::loopback_only()).await.unwrap();
    let fresh = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        loop {
            let vouchers =
                node.read(&plg_id, |n| n.snapshot().unwrap().info.leerhuizen[leerhuis.id()].vouchers.clone());
            let cas_gone = node.read(&leerhuis_id, |l| !l.snapshot().unwrap().members[&cas_there].is_current());
            if vouchers.as_ref().is_ok_and(|v| v.contains_key(&bram) && !v.contains_key(&cas))
                && cas_gone.unwrap_or(false)
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    })
    .await;
    assert!(fresh.is_ok(), "Bram got his voucher, Cas lost his, and Cas left the leerhuis");
    node.shutdown().await;
}
