//! A member with a modified client, against the real `kring` binary: it writes a raw Automerge
//! change into its own data folder (signed by its own laptop when sent) and runs the ordinary
//! `kring sync`. The coordinator's `kring serve` refuses it, says whose laptop sent what, and
//! its `kring show` is byte-identical before and after.

mod common;

use std::path::Path;
use std::time::Duration;

use common::serving::{LOOPBACK, Serving, sync};
use common::*;
use kring_model::automerge::transaction::Transactable;
use kring_model::automerge::{ROOT, ReadDoc, Value};

/// Bram joins Anna's network with a ticket, as anyone would.
fn anna_and_bram(a: &Path, b: &Path) -> (String, String) {
    let (network, _) = create_network(a);
    let serving = Serving::start(a, &["--invite"]);
    let ticket = serving.first_line["ticket"].as_str().unwrap().to_string();
    let mut args = vec!["join", &ticket, "--me", "Bram Jansen", "--timeout", "15"];
    args.extend(LOOPBACK);
    let joined = ok(b, &args);
    assert_eq!(joined["network"], network.as_str());
    assert!(serving.stop());
    (network, id(&joined, "member"))
}

#[test]
fn a_member_who_makes_himself_coordinator_is_refused_and_named() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (network, bram) = anna_and_bram(a.path(), b.path());

    // Bram's modified client: a raw write into his own copy, saved as Kring saves.
    {
        let data = kring_store::DataDir::open(b.path()).unwrap();
        let (mut open, _) = kring_node::OpenNetwork::open(&data, &network).unwrap();
        let doc = open.network.doc_mut();
        let Ok(Some((Value::Object(_), members))) = doc.get(ROOT, "members") else { panic!("members") };
        let Ok(Some((Value::Object(_), me))) = doc.get(&members, bram.as_str()) else { panic!("Bram") };
        doc.put(&me, "role", "coordinator").unwrap();
        doc.commit();
        open.persist().unwrap();
    }
    let before = kring(a.path(), &["show"]).stdout;

    let serving = Serving::start(a.path(), &[]);
    sync(b.path());
    let refused = serving
        .wait_for(Duration::from_secs(20), |event| event["event"] == "distrusted")
        .expect("Anna's laptop reports the refused change");
    assert_eq!(refused["breach"], "self-promotion", "{refused}");
    assert_eq!(refused["member"], bram.as_str());
    let reason = refused["reason"].as_str().unwrap();
    assert!(reason.contains("Bram Jansen's laptop") && reason.contains("making themselves coordinator"), "{reason}");
    assert!(serving.stop());

    assert_eq!(kring(a.path(), &["show"]).stdout, before, "Anna's network is exactly as it was");
    let shown = ok(a.path(), &["show"]);
    let roles: Vec<&str> = shown["members"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles.iter().filter(|r| **r == "coordinator").count(), 1, "{roles:?}");
}

#[test]
fn a_removed_member_cannot_rejoin_with_the_ticket_he_used() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, b, fresh) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    let (network, _) = create_network(a);
    let serving = Serving::start(a, &["--invite", "--max-uses", "5"]);
    let ticket = serving.first_line["ticket"].as_str().unwrap().to_string();
    let serving_invite = serving.first_line["invite"].as_str().unwrap().to_string();
    let join = |data: &Path| {
        let mut args = vec!["join", &ticket, "--me", "Bram", "--timeout", "10"];
        args.extend(LOOPBACK);
        kring(data, &args)
    };
    let joined: serde_json::Value = serde_json::from_slice(&join(b).stdout).unwrap();
    assert!(serving.stop());

    // Removing Bram revokes the ticket he came in with (it had four uses left).
    let removed = ok(a, &["member", "remove", "--member", joined["member"].as_str().unwrap()]);
    assert_eq!(removed["revoked_invites"], serde_json::json!([serving_invite]), "{removed}");

    let serving = Serving::start(a, &[]);
    let again = join(fresh);
    assert!(!again.status.success(), "a fresh data folder with the old ticket is refused");
    assert!(ok(fresh, &["network", "list"])["networks"].as_array().unwrap().is_empty());
    assert!(serving.stop());
    let members = ok(a, &["show"])["members"].clone();
    assert_eq!(members.as_array().unwrap().len(), 2, "no new member in {network}: {members}");
}
