//! The desktop client's first frame: at a second start the network is on screen from what the
//! last run kept, before the node has loaded it; the live view follows.

use std::sync::mpsc::Receiver;
use std::time::Duration;

use kring_model::Profile;
use kring_node::NetworkMode;
use kring_node::client::{Client, Command, NetworkView, Update};
use kring_store::DataDir;

/// The next view the client sends (skipping other updates), within 30 seconds.
fn next_view(updates: &Receiver<Update>) -> NetworkView {
    loop {
        match updates.recv_timeout(Duration::from_secs(30)).expect("a view within 30 s") {
            Update::View(view) => return *view,
            Update::Failed(reason) => panic!("{reason}"),
            _ => {}
        }
    }
}

/// Runs the client once: creates "PLG Lezen" with a question, watches it, closes.
fn first_run(dir: &std::path::Path) -> String {
    let (mut client, updates) =
        Client::start(DataDir::open(dir).unwrap(), NetworkMode::loopback_only(), || {}).unwrap();
    let request = client.send(Command::CreateNetwork { name: "PLG Lezen".into(), founder: Profile::new("Anna") });
    let network = loop {
        match updates.recv_timeout(Duration::from_secs(30)).unwrap() {
            Update::Done { request: done, result } if done == request => {
                break result.unwrap().network().unwrap().to_string();
            }
            _ => {}
        }
    };
    client.send(Command::Watch { network: network.clone() });
    let edit = kring_model::Edit::AddQuestion { title: "Hoe lezen we samen?".into(), details: String::new() };
    client.send(Command::Edit { network: network.clone(), edit });
    while next_view(&updates).snapshot.questions.is_empty() {}
    client.stop();
    network
}

#[test]
fn a_second_start_shows_the_network_from_the_kept_view_then_the_live_one() {
    let dir = tempfile::tempdir().unwrap();
    let network = first_run(dir.path());

    let (mut client, updates) =
        Client::start(DataDir::open(dir.path()).unwrap(), NetworkMode::loopback_only(), || {}).unwrap();
    // Before anything else: the list and the kept view, marked as older than any live one.
    match updates.recv_timeout(Duration::from_secs(30)).unwrap() {
        Update::Networks(networks) => assert_eq!(networks[0].name, "PLG Lezen"),
        other => panic!("the kept list comes first, not {other:?}"),
    }
    let kept = next_view(&updates);
    assert_eq!(kept.version, 0);
    assert_eq!(kept.network, network);
    assert!(kept.me.is_some());
    assert_eq!(kept.snapshot.questions.values().next().unwrap().title, "Hoe lezen we samen?");

    client.send(Command::Watch { network: network.clone() });
    let live = next_view(&updates);
    assert!(live.version >= 1);
    assert_eq!(live.snapshot, kept.snapshot, "nothing changed in between");
    client.stop();
}

#[test]
fn a_damaged_kept_view_is_not_shown_but_the_list_of_networks_is() {
    let dir = tempfile::tempdir().unwrap();
    let network = first_run(dir.path());
    let kept = dir.path().join("networks").join(&network).join("view.cache");
    let mut bytes = std::fs::read(&kept).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&kept, &bytes).unwrap();

    let (mut client, updates) =
        Client::start(DataDir::open(dir.path()).unwrap(), NetworkMode::loopback_only(), || {}).unwrap();
    // The list, from the kept name, before the node has loaded anything; no view yet.
    match updates.recv_timeout(Duration::from_secs(30)).unwrap() {
        Update::Networks(networks) => assert_eq!(networks[0].name, "PLG Lezen"),
        other => panic!("the kept list comes first, not {other:?}"),
    }
    match updates.recv_timeout(Duration::from_secs(30)).unwrap() {
        Update::Ready { .. } => {}
        other => panic!("without a kept view the node speaks next, not {other:?}"),
    }
    client.send(Command::Watch { network: network.clone() });
    let live = next_view(&updates);
    assert!(live.version >= 1);
    assert_eq!(live.snapshot.questions.len(), 1, "the network itself is whole");
    client.stop();
}

#[test]
fn the_first_start_after_a_join_shows_the_network_at_once() {
    let (anna, bram) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let network = first_run(anna.path());
    // Bram joins with the command line (no client has ever run on his laptop).
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (node, _) =
            kring_node::Node::start(&DataDir::open(anna.path()).unwrap(), &NetworkMode::loopback_only()).await.unwrap();
        let (_, ticket) = node.create_invite(&network, kring_model::Role::Member, 1, Duration::from_secs(600)).unwrap();
        let bram_data = DataDir::open(bram.path()).unwrap();
        let profile = Profile::new("Bram");
        kring_node::Node::join(&bram_data, &NetworkMode::loopback_only(), &ticket, &profile, Duration::from_secs(10))
            .await
            .unwrap();
        node.shutdown().await;
    });

    let (mut client, updates) =
        Client::start(DataDir::open(bram.path()).unwrap(), NetworkMode::loopback_only(), || {}).unwrap();
    match updates.recv_timeout(Duration::from_secs(30)).unwrap() {
        Update::Networks(networks) => assert_eq!(networks[0].name, "PLG Lezen"),
        other => panic!("the list kept at the join comes first, not {other:?}"),
    }
    let kept = next_view(&updates);
    assert_eq!(kept.version, 0, "shown before the document loaded");
    let me = kept.me.clone().expect("the view knows Bram is a member");
    assert_eq!(kept.snapshot.members[&me].name, "Bram");
    assert_eq!(kept.snapshot.questions.values().next().unwrap().title, "Hoe lezen we samen?");
    client.stop();
}
