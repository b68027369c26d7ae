//! The `kring` binary as a black box: the headless contract scripts and later tests rely on.

mod common;

use std::process::Command;

use common::*;

#[test]
fn a_whole_meeting_survives_restarting_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (network, anna) = create_network(data);

    let session = id(&ok(data, &ADD_FIRST_SESSION), "session");
    ok(data, &["session", "notes", "--session", &session, "--append", "We kozen rekenmotivatie als thema."]);
    ok(
        data,
        &[
            "session",
            "notes",
            "--network",
            &network,
            "--session",
            &session,
            "--append",
            "Volgende keer: lesobservaties.",
        ],
    );
    ok(data, &["session", "attend", "--session", &session, "--status", "present"]);
    let question = id(
        &ok(
            data,
            &["question", "add", "--title", "Hoe motiveren we zwakke rekenaars?", "--details", "Vooral in klas 2."],
        ),
        "question",
    );
    assert_eq!(ok(data, &["question", "vote", "--question", &question])["votes"], 1);
    ok(data, &["question", "status", "--question", &question, "--status", "central"]);

    // Every command above was its own process: `show` reads everything back from disk.
    let shown = ok(data, &["show"]);
    assert_eq!(shown["network"]["id"], network.as_str());
    assert_eq!(shown["network"]["name"], "PLG Rekenen Leiden");
    let member = &shown["members"][0];
    assert_eq!(member["id"], anna.as_str());
    assert_eq!(member["name"], "Anna de Vries");
    assert_eq!(member["perspective"], "teacher");
    assert_eq!(member["organisation"], "Da Vinci College");
    assert_eq!(member["role"], "coordinator");
    assert_eq!(member["removed"], false);
    assert_eq!(member["devices"].as_array().unwrap().len(), 1);

    let s = &shown["sessions"][0];
    assert_eq!(s["id"], session.as_str());
    assert_eq!(s["title"], "Startbijeenkomst");
    assert_eq!(s["kind"], "plg");
    assert_eq!(s["date"], "2026-11-24T15:30");
    assert_eq!(s["location"], "Lokaal 12");
    assert_eq!(s["notes"], "We kozen rekenmotivatie als thema.\nVolgende keer: lesobservaties.");
    assert_eq!(s["attendance"][&anna], "present");

    let q = &shown["questions"][0];
    assert_eq!(q["id"], question.as_str());
    assert_eq!(q["title"], "Hoe motiveren we zwakke rekenaars?");
    assert_eq!(q["details"], "Vooral in klas 2.");
    assert_eq!(q["status"], "central");
    assert_eq!(q["votes"], serde_json::json!([anna]));
    assert_eq!(q["proposed_by"], anna.as_str());
    assert_eq!(shown["factors"].as_array().unwrap().len(), 7);

    // Retracting the vote is saved too.
    assert_eq!(ok(data, &["question", "vote", "--question", &question, "--retract"])["votes"], 0);
    assert_eq!(ok(data, &["show"])["questions"][0]["votes"], serde_json::json!([]));

    // The same document prints the same bytes every time.
    let first = kring(data, &["show"]).stdout;
    let second = kring(data, &["show"]).stdout;
    assert_eq!(first, second);
    assert_eq!(
        ok(data, &["network", "list"])["networks"],
        serde_json::json!([{ "id": network, "name": "PLG Rekenen Leiden" }])
    );
}

#[test]
fn bad_input_is_a_clear_one_line_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(fails(data, &["show"]).contains("no network yet"));
    assert!(
        fails(data, &["network", "create", "--name", "   ", "--me", "Anna"]).contains("network name must not be empty")
    );
    assert!(fails(data, &["network", "create", "--name", "PLG", "--me", ""]).contains("name must not be empty"));
    assert!(ok(data, &["network", "list"])["networks"].as_array().unwrap().is_empty());

    create_network(data);
    let session =
        id(&ok(data, &["session", "add", "--title", "Start", "--kind", "plg", "--date", "2026-11-24"]), "session");
    let before = kring(data, &["show"]).stdout;

    assert!(
        fails(data, &["session", "add", "--title", " ", "--kind", "plg", "--date", "2026-11-24"])
            .contains("title must not be empty")
    );
    assert!(
        fails(data, &["session", "add", "--title", "X", "--kind", "plg", "--date", "24-11-2026"])
            .contains("invalid date")
    );
    assert!(
        fails(data, &["session", "add", "--title", "X", "--kind", "feest", "--date", "2026-11-24"])
            .contains("possible values")
    );
    assert!(fails(data, &["session", "notes", "--session", "nope", "--append", "x"]).contains("no session nope"));
    assert!(
        fails(data, &["session", "attend", "--session", &session, "--member", "stranger", "--status", "present"])
            .contains("no member stranger")
    );
    assert!(fails(data, &["question", "vote", "--question", "nope"]).contains("no learning question nope"));
    assert!(fails(data, &["question", "add", "--title", &"x".repeat(1000)]).contains("too long"));
    assert!(fails(data, &["show", "--network", "../../etc"]).contains("not a valid network id"));
    assert!(fails(data, &["show", "--network", "elsewhere"]).contains("no network with id elsewhere"));

    assert_eq!(kring(data, &["show"]).stdout, before, "refused commands changed the network");
}

#[test]
fn with_two_networks_the_network_must_be_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (first, _) = create_network(data);
    let second = id(&ok(data, &["network", "create", "--name", "Regioteam Zuid", "--me", "Bram"]), "network");
    let message = fails(data, &["session", "add", "--title", "Start", "--kind", "regioteam", "--date", "2026-12-01"]);
    assert!(message.contains("--network") && message.contains(&first) && message.contains(&second), "{message}");
    ok(
        data,
        &["session", "add", "--network", &second, "--title", "Start", "--kind", "regioteam", "--date", "2026-12-01"],
    );
    assert_eq!(ok(data, &["show", "--network", &second])["sessions"].as_array().unwrap().len(), 1);
    assert!(ok(data, &["show", "--network", &first])["sessions"].as_array().unwrap().is_empty());
    let listed = ok(data, &["network", "list"]);
    assert_eq!(listed["networks"].as_array().unwrap().len(), 2);
}

#[test]
fn a_second_process_on_the_same_data_directory_is_refused_with_the_pid() {
    let dir = tempfile::tempdir().unwrap();
    create_network(dir.path());
    let _held = kring_store::DataDir::open(dir.path()).unwrap();
    let message = fails(dir.path(), &["show"]);
    assert!(message.contains(&format!("in use by pid {}", std::process::id())), "{message}");
}

#[test]
fn the_data_directory_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kring"))
        .args(["network", "create", "--name", "PLG", "--me", "Anna"])
        .env("KRING_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(ok(dir.path(), &["network", "list"])["networks"][0]["name"], "PLG");
}

#[test]
fn settings_are_saved_and_bad_values_refused() {
    let dir = tempfile::tempdir().unwrap();
    let shown = ok(dir.path(), &["settings"]);
    assert_eq!((shown["offline"].clone(), shown["language"].clone()), (false.into(), "nl".into()));
    assert!(fails(dir.path(), &["settings", "--relay-url", "not a url"]).contains("not a valid relay URL"));
    ok(dir.path(), &["settings", "--offline", "true", "--relay-url", "https://relay.example.nl", "--language", "en"]);
    let shown = ok(dir.path(), &["settings"]);
    assert_eq!(shown["offline"], true);
    assert_eq!(shown["relay_url"], "https://relay.example.nl/");
    assert_eq!(shown["language"], "en");
    assert_eq!(ok(dir.path(), &["settings", "--public-relays"])["relay_url"], serde_json::Value::Null);
}

#[test]
fn privacy_settings_are_saved_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let shown = ok(dir.path(), &["settings"]);
    assert_eq!((shown["no_public_services"].clone(), shown["lan_announce"].clone()), (false.into(), true.into()));
    let set = ok(dir.path(), &["settings", "--no-public-services", "true", "--lan-announce", "false"]);
    assert_eq!((set["no_public_services"].clone(), set["lan_announce"].clone()), (true.into(), false.into()));
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("config.json")).unwrap()).unwrap();
    assert_eq!((saved["no_public_services"].clone(), saved["lan_announce"].clone()), (true.into(), false.into()));
    // Changing another setting keeps them.
    let shown = ok(dir.path(), &["settings", "--language", "en"]);
    assert_eq!((shown["no_public_services"].clone(), shown["lan_announce"].clone()), (true.into(), false.into()));
    assert!(fails(dir.path(), &["settings", "--lan-announce", "maybe"]).contains("maybe"));
}
