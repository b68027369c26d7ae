//! Several `kring` processes syncing over real iroh connections on 127.0.0.1 (offline mode).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::serving::{LOOPBACK, Serving, sync};
use common::*;
use serde_json::Value;

/// Whether the serving laptop reported a refused join for `why`.
fn refused_because(serving: &Serving, why: &str) -> bool {
    let refused = serving.wait_for(Duration::from_secs(5), |event| event["event"] == "join-refused");
    refused.is_some_and(|event| event["reason"].as_str().is_some_and(|reason| reason.starts_with(why)))
}

#[test]
fn three_laptops_edit_offline_and_converge_by_syncing_pairwise() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, b, c) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    let (network, _) = create_network(a);
    let session =
        id(&ok(a, &["session", "add", "--title", "Leerhuis", "--kind", "leerhuis", "--date", "2026-12-03"]), "session");
    let question = id(&ok(a, &["question", "add", "--title", "Hoe betrekken we ouders?"]), "question");

    let serving = Serving::start(a, &["--invite", "--max-uses", "2"]);
    let ticket = serving.first_line["ticket"].as_str().unwrap().to_string();
    for (data, name) in [(b, "Bram"), (c, "Chris")] {
        let mut args = vec!["join", &ticket, "--me", name, "--timeout", "15"];
        args.extend(LOOPBACK);
        assert_eq!(ok(data, &args)["network"], network.as_str());
    }
    assert!(serving.stop(), "serve exits cleanly on SIGTERM");

    // Everyone writes in the same notes and votes, each on their own.
    for (data, words) in [(a, "Anna: ouderavond plannen."), (b, "Bram: huisbezoeken."), (c, "Chris: app voor ouders.")]
    {
        ok(data, &["session", "notes", "--session", &session, "--append", words]);
        ok(data, &["question", "vote", "--question", &question]);
    }

    // Pairwise: B and C each sync with A, then B once more to pick up what C brought.
    let serving = Serving::start(a, &[]);
    for data in [b, c, b] {
        let peers = sync(data)["peers"].clone();
        assert!(peers.as_array().unwrap().iter().any(|p| p["status"] == "in-sync"), "{peers}");
    }
    assert!(serving.stop());

    let shows: Vec<Vec<u8>> = [a, b, c].iter().map(|d| kring(d, &["show"]).stdout).collect();
    assert_eq!(shows[0], shows[1], "A and B differ");
    assert_eq!(shows[0], shows[2], "A and C differ");
    let shown: Value = serde_json::from_slice(&shows[0]).unwrap();
    let notes = shown["sessions"][0]["notes"].as_str().unwrap();
    for words in ["Anna: ouderavond plannen.", "Bram: huisbezoeken.", "Chris: app voor ouders."] {
        assert!(notes.contains(words), "{words} missing in {notes:?}");
    }
    assert_eq!(shown["questions"][0]["votes"].as_array().unwrap().len(), 3);
    assert_eq!(shown["members"].as_array().unwrap().len(), 3);
}

#[test]
fn a_bad_ticket_and_an_unreachable_inviter_are_clear_errors() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    create_network(a.path());
    let mut args = vec!["join", "kringnotaticket", "--me", "Bram", "--timeout", "3"];
    args.extend(LOOPBACK);
    assert!(fails(b.path(), &args).contains("not a valid Kring invite ticket"));

    // A ticket made while A was serving, used after A stopped.
    let serving = Serving::start(a.path(), &["--invite"]);
    let ticket = serving.first_line["ticket"].as_str().unwrap().to_string();
    assert!(serving.stop());
    let mut args = vec!["join", &ticket, "--me", "Bram", "--timeout", "3"];
    args.extend(LOOPBACK);
    let message = fails(b.path(), &args);
    assert!(message.contains("could not reach"), "{message}");
    assert!(ok(b.path(), &["network", "list"])["networks"].as_array().unwrap().is_empty());
}

#[test]
fn used_up_and_revoked_tickets_are_refused_without_any_data() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, b, c) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    create_network(a);
    let serving = Serving::start(a, &["--invite", "--max-uses", "1"]);
    let ticket = serving.first_line["ticket"].as_str().unwrap().to_string();
    let invite = serving.first_line["invite"].as_str().unwrap().to_string();
    let join = |data: &Path, name: &str| {
        let mut args = vec!["join", &ticket, "--me", name, "--timeout", "10"];
        args.extend(LOOPBACK);
        kring(data, &args)
    };
    assert!(join(b, "Bram").status.success());
    let second = join(c, "Chris");
    assert!(!second.status.success());
    // Every refused ticket gets the same answer, so a stranger learns nothing from it; the
    // inviting laptop says why.
    assert!(String::from_utf8_lossy(&second.stderr).contains("this ticket cannot be used"));
    assert!(refused_because(&serving, "used-up invite"));
    assert!(ok(c, &["network", "list"])["networks"].as_array().unwrap().is_empty(), "a refused joiner gets no network");
    assert!(serving.stop());

    ok(a, &["invite", "revoke", "--invite", &invite]);
    let revoked = Serving::start(a, &[]);
    let again = join(c, "Chris");
    let again = String::from_utf8_lossy(&again.stderr);
    assert!(again.contains("this ticket cannot be used"), "{again}");
    assert!(refused_because(&revoked, "revoked invite"));
    assert!(revoked.stop());
}

#[test]
fn an_expired_ticket_is_refused() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    create_network(a.path());
    let serving = Serving::start(a.path(), &["--invite", "--expires", "1s"]);
    let ticket = serving.first_line["ticket"].as_str().unwrap().to_string();
    std::thread::sleep(Duration::from_millis(1500));
    let mut args = vec!["join", &ticket, "--me", "Bram", "--timeout", "10"];
    args.extend(LOOPBACK);
    assert!(fails(b.path(), &args).contains("this ticket cannot be used"));
    assert!(refused_because(&serving, "expired invite"));
    assert!(ok(b.path(), &["network", "list"])["networks"].as_array().unwrap().is_empty());
    assert!(serving.stop());
}

#[test]
fn invites_name_who_they_are_for_and_the_list_tells_them_apart() {
    let a = tempfile::tempdir().unwrap();
    let a = a.path();
    create_network(a);
    let serving = Serving::start(a, &["--invite", "--for", "Bram (ouder)"]);
    let first = serving.first_line["invite"].as_str().unwrap().to_string();
    assert!(serving.stop());
    // Once served, `kring invite` can make one too; its answer names who it is for.
    let made = ok(a, &["invite", "--for", "  Cas (jongere) ", "--max-uses", "2"]);
    assert_eq!(made["made_for"], "Cas (jongere)");
    let plain = ok(a, &["invite"]);
    assert_eq!(plain["made_for"], Value::Null);
    // Too long a name: a clear error, and no invite made.
    let long = "x".repeat(201);
    let message = fails(a, &["invite", "--for", &long]);
    assert!(message.contains("too long"), "{message}");

    let listed = ok(a, &["invite", "list"]);
    let invites = listed["invites"].as_array().unwrap();
    assert_eq!(invites.len(), 3, "{listed}");
    assert_eq!(invites[0]["id"], first.as_str());
    let names: Vec<&Value> = invites.iter().map(|i| &i["made_for"]).collect();
    assert_eq!(names, [&Value::from("Bram (ouder)"), &Value::from("Cas (jongere)"), &Value::Null]);
    assert_eq!(invites[1]["max_uses"], 2);
    assert!(invites.iter().all(|i| i["open"] == true && i["used"] == 0 && i["role"] == "member"), "{listed}");
}

#[test]
fn a_laptop_killed_in_the_middle_of_syncing_loses_nothing() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (a.path(), b.path());
    let (network, _) = create_network(a);
    let session =
        id(&ok(a, &["session", "add", "--title", "Lange notulen", "--kind", "plg", "--date", "2026-12-10"]), "session");
    let serving = Serving::start(a, &["--invite"]);
    let ticket = serving.first_line["ticket"].as_str().unwrap().to_string();
    let mut args = vec!["join", &ticket, "--me", "Bram", "--timeout", "10"];
    args.extend(LOOPBACK);
    ok(b, &args);
    assert!(serving.stop());

    // Both write a lot while apart.
    for i in 0..40 {
        ok(
            a,
            &["session", "notes", "--session", &session, "--append", &format!("Anna {i}: {}", "notities ".repeat(50))],
        );
        ok(
            b,
            &[
                "session",
                "notes",
                "--session",
                &session,
                "--append",
                &format!("Bram {i}: {}", "aantekeningen ".repeat(50)),
            ],
        );
    }
    let serving = Serving::start(a, &[]);
    // B's sync is killed at different moments; every run leaves both stores loadable.
    for delay_ms in [30u64, 120, 300] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kring"))
            .arg("--data-dir")
            .arg(b)
            .args(["sync", "--timeout", "10"])
            .args(LOOPBACK)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        assert!(ok(b, &["network", "list"])["networks"][0]["name"].is_string(), "B's store loads after SIGKILL");
    }
    // A is killed too, and restarted.
    drop(serving);
    let serving = Serving::start(a, &[]);
    let peers = sync(b)["peers"].clone();
    assert_eq!(peers[0]["status"], "in-sync", "{peers}");
    assert!(serving.stop());

    let (show_a, show_b) = (kring(a, &["show", "--network", &network]).stdout, kring(b, &["show"]).stdout);
    assert_eq!(show_a, show_b);
    let shown: Value = serde_json::from_slice(&show_a).unwrap();
    let notes = shown["sessions"][0]["notes"].as_str().unwrap();
    for i in 0..40 {
        assert!(notes.contains(&format!("Anna {i}: ")) && notes.contains(&format!("Bram {i}: ")), "edit {i} lost");
    }
}
