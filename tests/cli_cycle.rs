//! The whole cycle of a learning network from the command line, with the real `kring` binary:
//! changing and undoing, action research, the network's own details, roles and profiles,
//! calendars, and the small things scripts trip over (a bare file name, a closed pipe).

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::serving::{LOOPBACK, Serving};
use common::*;
use serde_json::{Value, json};

fn show(data: &Path) -> Value {
    ok(data, &["show"])
}

/// `kring` run in the folder `cwd`, for relative file names.
fn kring_in(cwd: &Path, data: &Path, args: &[&str]) -> Output {
    // A data folder Kring did not make itself must be private, as `common::kring` ensures too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(data, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    Command::new(env!("CARGO_BIN_EXE_kring"))
        .current_dir(cwd)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("KRING_DATA_DIR")
        .output()
        .expect("the kring binary runs")
}

/// Asserts that a refused command leaves `kring show` byte for byte as it was.
fn refused(data: &Path, args: &[&str], wording: &str) {
    let before = kring(data, &["show"]).stdout;
    let message = fails(data, args);
    assert!(message.contains(wording), "kring {args:?}: expected {wording:?} in {message:?}");
    assert!(message.starts_with("error: "), "{message}");
    assert_eq!(kring(data, &["show"]).stdout, before, "kring {args:?} was refused but changed the network");
}

fn add_session(data: &Path, title: &str, date: &str) -> String {
    id(&ok(data, &["session", "add", "--title", title, "--kind", "plg", "--date", date]), "session")
}

#[test]
fn a_session_is_edited_moved_binned_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    create_network(data);
    let session = add_session(data, "Startbijeenkomst", "2026-11-24T15:30");

    let edited = ok(
        data,
        &[
            "session",
            "edit",
            "--session",
            &session,
            "--title",
            "Startbijeenkomst rekenen",
            "--date",
            "2026-12-01T16:00",
            "--location",
            "Aula",
        ],
    );
    assert_eq!(
        edited,
        json!({ "session": session, "title": "Startbijeenkomst rekenen", "kind": "plg", "date": "2026-12-01T16:00", "location": "Aula" })
    );
    assert_eq!(ok(data, &["session", "edit", "--session", &session, "--kind", "leerhuis"])["kind"], "leerhuis");
    let s = &show(data)["sessions"][0];
    assert_eq!(
        (&s["title"], &s["kind"], &s["date"], &s["location"]),
        (&json!("Startbijeenkomst rekenen"), &json!("leerhuis"), &json!("2026-12-01T16:00"), &json!("Aula"))
    );

    refused(data, &["session", "edit", "--session", &session, "--title", "  "], "title must not be empty");
    refused(data, &["session", "edit", "--session", &session, "--date", "1-12-2026"], "invalid date");
    refused(data, &["session", "edit", "--session", "nope", "--title", "X"], "no session nope");
    refused(data, &["session", "edit", "--session", &session, "--kind", "feest"], "possible values");

    ok(data, &["session", "agenda", "--session", &session, "--append", "1. Welkom"]);
    let agenda = ok(data, &["session", "agenda", "--session", &session, "--append", "2. Lesobservaties"]);
    assert_eq!(agenda, json!({ "session": session, "agenda_length": "1. Welkom\n2. Lesobservaties".len() }));
    assert_eq!(show(data)["sessions"][0]["agenda"], "1. Welkom\n2. Lesobservaties");
    refused(data, &["session", "agenda", "--session", &session, "--append", " "], "agenda must not be empty");

    let question = id(&ok(data, &["question", "add", "--title", "Hoe motiveren we?"]), "question");
    let linked = ok(data, &["session", "link", "--session", &session, "--question", &question]);
    assert_eq!(linked, json!({ "session": session, "question": question, "linked": true }));
    let shown = show(data);
    assert_eq!(shown["sessions"][0]["questions"], json!([question]));
    assert_eq!(shown["questions"][0]["sessions"], json!([session]));
    refused(data, &["session", "link", "--session", &session, "--question", "nope"], "no learning question nope");
    assert_eq!(
        ok(data, &["session", "link", "--session", &session, "--question", &question, "--unlink"])["linked"],
        false
    );
    assert_eq!(show(data)["sessions"][0]["questions"], json!([]));

    assert!(ok(data, &["bin"])["bin"].as_array().unwrap().is_empty());
    assert_eq!(ok(data, &["session", "delete", "--session", &session]), json!({ "session": session, "deleted": true }));
    assert_eq!(show(data)["sessions"][0]["deleted"], true);
    let bin = ok(data, &["bin"])["bin"].clone();
    assert_eq!(bin.as_array().unwrap().len(), 1, "{bin}");
    assert_eq!(
        (&bin[0]["kind"], &bin[0]["id"], &bin[0]["title"]),
        (&json!("session"), &json!(session), &json!("Startbijeenkomst rekenen"))
    );
    refused(data, &["session", "edit", "--session", &session, "--title", "X"], "has been deleted; restore it first");
    refused(data, &["session", "delete", "--session", &session], "has been deleted");
    refused(data, &["session", "restore", "--session", "nope"], "no session nope");

    assert_eq!(
        ok(data, &["session", "restore", "--session", &session]),
        json!({ "session": session, "deleted": false })
    );
    assert_eq!(show(data)["sessions"][0]["deleted"], false);
    assert!(ok(data, &["bin"])["bin"].as_array().unwrap().is_empty());
}

#[test]
fn actions_are_agreed_done_binned_and_listed_per_member() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (network, anna) = create_network(data);
    let first = add_session(data, "Start", "2026-11-24");
    let second = add_session(data, "Vervolg", "2026-12-08");

    let added = ok(
        data,
        &[
            "session",
            "action",
            "add",
            "--session",
            &first,
            "--text",
            "Lesobservatie plannen",
            "--owner",
            &anna,
            "--due",
            "2026-12-01",
        ],
    );
    assert_eq!(added["session"], first.as_str());
    let observe = id(&added, "action");
    let read = id(&ok(data, &["session", "action", "add", "--session", &second, "--text", "Artikel lezen"]), "action");
    let mine = id(
        &ok(data, &["session", "action", "add", "--session", &second, "--text", "Ouders bellen", "--owner", &anna]),
        "action",
    );

    let actions = ok(data, &["actions"]);
    assert_eq!(actions["network"], network.as_str());
    let groups = actions["open_actions"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "Anna's and nobody's: {actions}");
    let annas = groups.iter().find(|g| g["member"] == anna.as_str()).unwrap();
    assert_eq!(annas["name"], "Anna de Vries");
    let listed: Vec<&Value> = annas["actions"].as_array().unwrap().iter().map(|a| &a["action"]).collect();
    assert_eq!(listed, [&json!(observe), &json!(mine)], "by due date, undated last");
    assert_eq!(annas["actions"][0]["session_title"], "Start");
    assert_eq!(annas["actions"][0]["due"], "2026-12-01");
    let nobodys = groups.iter().find(|g| g["member"].is_null()).unwrap();
    assert_eq!(nobodys["actions"][0]["action"], read.as_str());
    assert_eq!(
        ok(data, &["actions", "--mine"])["open_actions"],
        ok(data, &["actions", "--member", &anna])["open_actions"]
    );
    assert_eq!(ok(data, &["actions", "--mine"])["open_actions"].as_array().unwrap().len(), 1);
    assert!(fails(data, &["actions", "--member", "stranger"]).contains("no member stranger"));
    assert!(fails(data, &["actions", "--mine", "--member", &anna]).contains("cannot be used with"));

    let done = ok(data, &["session", "action", "done", "--session", &first, "--action", &observe]);
    assert_eq!(done, json!({ "session": first, "action": observe, "done": true }));
    assert_eq!(show(data)["sessions"][0]["actions"][0]["done"], true);
    assert_eq!(ok(data, &["actions", "--mine"])["open_actions"][0]["actions"].as_array().unwrap().len(), 1);
    assert_eq!(
        ok(data, &["session", "action", "done", "--session", &first, "--action", &observe, "--undo"])["done"],
        false
    );
    assert_eq!(show(data)["sessions"][0]["actions"][0]["done"], false);

    let deleted = ok(data, &["session", "action", "delete", "--session", &second, "--action", &read]);
    assert_eq!(deleted, json!({ "session": second, "action": read, "deleted": true }));
    let shown = show(data);
    let in_second = shown["sessions"][1]["actions"].as_array().unwrap();
    assert!(in_second.iter().any(|a| a["id"] == read.as_str() && a["deleted"] == true), "{shown}");
    let bin = ok(data, &["bin"])["bin"].clone();
    assert_eq!((&bin[0]["kind"], &bin[0]["id"], &bin[0]["session"]), (&json!("action"), &json!(read), &json!(second)));
    assert_eq!(ok(data, &["actions"])["open_actions"].as_array().unwrap().len(), 1, "a binned action is not open");
    refused(data, &["session", "action", "done", "--session", &second, "--action", &read], "has been deleted");
    assert_eq!(ok(data, &["session", "action", "restore", "--session", &second, "--action", &read])["deleted"], false);
    assert!(ok(data, &["bin"])["bin"].as_array().unwrap().is_empty());
    assert_eq!(ok(data, &["actions"])["open_actions"].as_array().unwrap().len(), 2);

    refused(data, &["session", "action", "add", "--session", &first, "--text", " "], "action must not be empty");
    refused(
        data,
        &["session", "action", "add", "--session", &first, "--text", "X", "--due", "1-12-2026"],
        "invalid date",
    );
    refused(
        data,
        &["session", "action", "add", "--session", &first, "--text", "X", "--owner", "stranger"],
        "no member stranger",
    );
    refused(data, &["session", "action", "add", "--session", "nope", "--text", "X"], "no session nope");
    refused(data, &["session", "action", "done", "--session", &first, "--action", "nope"], "no action nope");
    refused(data, &["session", "action", "delete", "--session", &first, "--action", "nope"], "no action nope");
}

#[test]
fn a_question_goes_through_action_research_cycles() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    create_network(data);
    let question = id(&ok(data, &["question", "add", "--title", "Hoe motiveren we zwakke rekenaars?"]), "question");

    let renamed = ok(data, &["question", "rename", "--question", &question, "--title", "Hoe motiveren we rekenaars?"]);
    assert_eq!(renamed, json!({ "question": question, "title": "Hoe motiveren we rekenaars?" }));
    refused(data, &["question", "rename", "--question", &question, "--title", ""], "title must not be empty");
    refused(data, &["question", "rename", "--question", "nope", "--title", "X"], "no learning question nope");

    ok(data, &["question", "details", "--question", &question, "--append", "Vooral in klas 2."]);
    assert_eq!(
        ok(data, &["question", "insights", "--question", &question, "--append", "Samen oefenen helpt."])["insights_length"],
        20
    );
    let q = &show(data)["questions"][0];
    assert_eq!(
        (&q["title"], &q["details"], &q["insights"]),
        (&json!("Hoe motiveren we rekenaars?"), &json!("Vooral in klas 2."), &json!("Samen oefenen helpt."))
    );

    let started = ok(data, &["question", "cycle", "add", "--question", &question, "--start", "2026-09-01"]);
    let cycle = id(&started, "cycle");
    assert_eq!(started["started_on"], "2026-09-01");
    for (phase, words) in [
        ("plan", "Elke les vijf minuten rekenspel."),
        ("act", "Zes weken gedaan in 2B."),
        ("observe", "Meer beurten, minder angst."),
        ("reflect", "Spel werkt; herhalen met 2C."),
    ] {
        let written = ok(
            data,
            &[
                "question",
                "cycle",
                "write",
                "--question",
                &question,
                "--cycle",
                &cycle,
                "--phase",
                phase,
                "--append",
                words,
            ],
        );
        assert_eq!(
            written,
            json!({ "question": question, "cycle": cycle, "phase": phase, "length": words.chars().count() })
        );
    }
    let ended =
        ok(data, &["question", "cycle", "end", "--question", &question, "--cycle", &cycle, "--end", "2026-10-15"]);
    assert_eq!(ended, json!({ "question": question, "cycle": cycle, "ended_on": "2026-10-15" }));
    let second = ok(data, &["question", "cycle", "add", "--question", &question]);
    let today = second["started_on"].as_str().unwrap();
    assert!(today.len() == 10 && today.as_bytes()[4] == b'-', "today by default: {second}");

    let cycles = show(data)["questions"][0]["cycles"].clone();
    assert_eq!(cycles.as_array().unwrap().len(), 2, "{cycles}");
    let c = &cycles[0];
    assert_eq!(
        c,
        &json!({
            "id": cycle, "started_on": "2026-09-01", "ended_on": "2026-10-15",
            "plan": "Elke les vijf minuten rekenspel.", "act": "Zes weken gedaan in 2B.",
            "observe": "Meer beurten, minder angst.", "reflect": "Spel werkt; herhalen met 2C.",
        })
    );
    assert_eq!(cycles[1]["ended_on"], Value::Null);

    refused(data, &["question", "cycle", "add", "--question", &question, "--start", "1-9-2026"], "invalid date");
    refused(data, &["question", "cycle", "end", "--question", &question, "--cycle", "nope"], "no cycle nope");
    refused(
        data,
        &["question", "cycle", "write", "--question", &question, "--cycle", "nope", "--phase", "plan", "--append", "x"],
        "no cycle nope",
    );
    refused(
        data,
        &[
            "question",
            "cycle",
            "write",
            "--question",
            &question,
            "--cycle",
            &cycle,
            "--phase",
            "dream",
            "--append",
            "x",
        ],
        "possible values",
    );
    refused(data, &["question", "details", "--question", &question, "--append", ""], "details must not be empty");

    assert_eq!(
        ok(data, &["question", "delete", "--question", &question]),
        json!({ "question": question, "deleted": true })
    );
    assert_eq!(show(data)["questions"][0]["deleted"], true);
    let bin = ok(data, &["bin"])["bin"].clone();
    assert_eq!((&bin[0]["kind"], &bin[0]["id"]), (&json!("question"), &json!(question)));
    refused(data, &["question", "vote", "--question", &question], "has been deleted; restore it first");
    assert_eq!(ok(data, &["question", "restore", "--question", &question])["deleted"], false);
    assert_eq!(ok(data, &["question", "vote", "--question", &question])["votes"], 1);
    assert!(ok(data, &["bin"])["bin"].as_array().unwrap().is_empty());
}

#[test]
fn a_coordinator_changes_the_network_details_and_reflection_factors() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (network, _) = create_network(data);

    assert_eq!(
        ok(data, &["network", "rename", "--name", "PLG Rekenen Leiden-Noord"]),
        json!({ "network": network, "name": "PLG Rekenen Leiden-Noord" })
    );
    assert_eq!(
        ok(data, &["network", "describe", "--description", "Leraren, onderzoekers en ouders; samen."])["description"],
        "Leraren, onderzoekers en ouders; samen."
    );
    assert_eq!(ok(data, &["network", "region", "--region", "Leiden"])["region"], "Leiden");
    ok(data, &["network", "theme", "add", "--theme", "werkplezier"]);
    let themes = ok(data, &["network", "theme", "add", "--theme", "multiproblematiek"]);
    assert_eq!(themes, json!({ "network": network, "themes": ["multiproblematiek", "werkplezier"] }));
    assert_eq!(
        ok(data, &["network", "theme", "remove", "--theme", "werkplezier"])["themes"],
        json!(["multiproblematiek"])
    );
    let info = &show(data)["network"];
    assert_eq!(info["name"], "PLG Rekenen Leiden-Noord");
    assert_eq!(info["description"], "Leraren, onderzoekers en ouders; samen.");
    assert_eq!(info["region"], "Leiden");
    assert_eq!(info["themes"], json!(["multiproblematiek"]));
    assert_eq!(ok(data, &["network", "list"])["networks"][0]["name"], "PLG Rekenen Leiden-Noord");
    refused(data, &["network", "rename", "--name", " "], "network name must not be empty");
    refused(data, &["network", "theme", "add", "--theme", ""], "theme must not be empty");
    refused(data, &["network", "region", "--region", &"x".repeat(1000)], "too long");

    let factors_before = show(data)["factors"].as_array().unwrap().len();
    let added = ok(data, &["reflection", "factor", "add", "--name", "Werkplezier"]);
    let factor = id(&added, "factor");
    assert_eq!(added["name"], "Werkplezier");
    let factors = show(data)["factors"].clone();
    assert_eq!(factors.as_array().unwrap().len(), factors_before + 1);
    assert_eq!(factors[factors_before], json!({ "id": factor, "name": "Werkplezier" }), "added at the end");
    assert_eq!(
        ok(data, &["reflection", "factor", "rename", "--factor", &factor, "--name", "Plezier in het werk"])["name"],
        "Plezier in het werk"
    );
    assert_eq!(show(data)["factors"][factors_before]["name"], "Plezier in het werk");
    refused(data, &["reflection", "factor", "rename", "--factor", &factor, "--name", ""], "factor must not be empty");
    refused(data, &["reflection", "factor", "rename", "--factor", "nope", "--name", "X"], "no factor nope");
    refused(data, &["reflection", "factor", "remove", "--factor", "nope"], "no factor nope");
    assert_eq!(
        ok(data, &["reflection", "factor", "remove", "--factor", &factor]),
        json!({ "factor": factor, "removed": true })
    );
    let factors = show(data)["factors"].clone();
    assert_eq!(factors.as_array().unwrap().len(), factors_before);
    assert!(!factors.as_array().unwrap().iter().any(|f| f["id"] == factor.as_str()));

    // A round opened now scores the factors in use now.
    let round = id(&ok(data, &["reflection", "open", "--title", "Najaar"]), "round");
    let rounds = show(data)["reflections"].clone();
    assert_eq!(rounds[0]["factors"].as_array().unwrap().len(), factors_before, "{rounds}");
    let message = fails(data, &["reflection", "score", "--round", &round, "--factor", &factor, "--score", "3"]);
    assert!(message.contains(&format!("no factor {factor}")), "{message}");
}

#[test]
fn profiles_change_and_the_last_coordinator_stays() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (_, anna) = create_network(data);

    let changed = ok(data, &["member", "profile", "--name", "Anna Jansen", "--perspective", "researcher"]);
    assert_eq!(
        changed,
        json!({ "member": anna, "name": "Anna Jansen", "perspective": "researcher", "organisation": "Da Vinci College" })
    );
    ok(data, &["member", "profile", "--member", &anna, "--organisation", "Hogeschool Leiden"]);
    let me = &show(data)["members"][0];
    assert_eq!(
        (&me["name"], &me["perspective"], &me["organisation"]),
        (&json!("Anna Jansen"), &json!("researcher"), &json!("Hogeschool Leiden"))
    );
    refused(data, &["member", "profile", "--name", " "], "name must not be empty");
    refused(data, &["member", "profile", "--member", "stranger", "--name", "X"], "no member stranger");
    refused(data, &["member", "profile", "--perspective", "astronaut"], "possible values");

    refused(
        data,
        &["member", "role", "--member", &anna, "--role", "member"],
        "the last coordinator cannot be removed or made a regular member",
    );
    refused(data, &["member", "role", "--member", "stranger", "--role", "coordinator"], "no member stranger");
    assert_eq!(show(data)["members"][0]["role"], "coordinator");
    // Making the only coordinator coordinator again changes nothing and is fine.
    assert_eq!(ok(data, &["member", "role", "--member", &anna, "--role", "coordinator"])["role"], "coordinator");
}

/// A member who is not a coordinator, on their own laptop: may edit their own profile, may not
/// touch the network's details, roles, others' profiles or factors. Then the coordinator makes
/// them co-coordinator and steps down.
#[test]
fn only_coordinators_change_the_network_and_roles() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (a.path(), b.path());
    let (network, anna) = create_network(a);

    let serving = Serving::start(a, &["--invite"]);
    let ticket = serving.first_line["ticket"].as_str().unwrap().to_string();
    let mut args = vec!["join", &ticket, "--me", "Bram", "--timeout", "15"];
    args.extend(LOOPBACK);
    let joined = ok(b, &args);
    assert_eq!(joined["network"], network.as_str());
    let bram = id(&joined, "member");
    assert!(serving.stop(), "serve exits cleanly on SIGTERM");

    refused(
        b,
        &["network", "rename", "--name", "Bram's netwerk"],
        "only a coordinator may change the network's details",
    );
    refused(
        b,
        &["network", "theme", "add", "--theme", "werkplezier"],
        "only a coordinator may change the network's details",
    );
    refused(b, &["member", "role", "--member", &bram, "--role", "coordinator"], "only a coordinator may change roles");
    refused(
        b,
        &["member", "profile", "--member", &anna, "--name", "Anna?"],
        "only a coordinator may edit another member's details",
    );
    refused(
        b,
        &["reflection", "factor", "add", "--name", "Koffie"],
        "only a coordinator may change the reflection factors",
    );
    assert_eq!(ok(b, &["member", "profile", "--organisation", "Jeugdzorg Leiden"])["organisation"], "Jeugdzorg Leiden");
    let shown = show(b);
    let bram_shown = shown["members"].as_array().unwrap().iter().find(|m| m["id"] == bram.as_str()).unwrap().clone();
    assert_eq!((&bram_shown["organisation"], &bram_shown["role"]), (&json!("Jeugdzorg Leiden"), &json!("member")));

    // On A: Bram becomes coordinator too; then Anna may step down, and as a member is refused.
    assert_eq!(
        ok(a, &["member", "role", "--member", &bram, "--role", "coordinator"]),
        json!({ "member": bram, "role": "coordinator" })
    );
    assert_eq!(ok(a, &["member", "role", "--member", &anna, "--role", "member"])["role"], "member");
    let roles: Vec<(Value, Value)> =
        show(a)["members"].as_array().unwrap().iter().map(|m| (m["id"].clone(), m["role"].clone())).collect();
    assert!(
        roles.contains(&(json!(anna), json!("member"))) && roles.contains(&(json!(bram), json!("coordinator"))),
        "{roles:?}"
    );
    refused(
        a,
        &["network", "rename", "--name", "Anna's netwerk"],
        "only a coordinator may change the network's details",
    );
    refused(a, &["member", "role", "--member", &anna, "--role", "coordinator"], "only a coordinator may change roles");
}

#[test]
fn meetings_go_into_a_calendar_file() {
    let (dir, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let data = dir.path();
    create_network(data);
    let evening = add_session(data, "Ouderavond: ideeën, zorgen; vragen", "2099-03-05T19:30");
    ok(data, &["session", "edit", "--session", &evening, "--location", "Aula, De Ooievaar"]);
    ok(data, &["session", "agenda", "--session", &evening, "--append", "1. Welkom"]);
    ok(data, &["session", "agenda", "--session", &evening, "--append", "2. Zorgen delen"]);
    let day = add_session(data, "Studiedag", "2099-04-01");
    let held = add_session(data, "Vorig jaar", "2001-01-01");
    let binned = add_session(data, "Afgelast", "2099-05-01");
    ok(data, &["session", "delete", "--session", &binned]);

    // All upcoming sessions, to stdout as they are.
    let printed = kring(data, &["calendar"]);
    assert!(printed.status.success(), "{}", String::from_utf8_lossy(&printed.stderr));
    let ics = String::from_utf8(printed.stdout).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{ics}");
    assert!(ics.ends_with("END:VCALENDAR\r\n"), "{ics}");
    let lines: Vec<String> = ics.replace("\r\n ", "").split("\r\n").map(str::to_string).collect();
    assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 2, "{ics}");
    for line in [
        format!("UID:{evening}@kring"),
        "DTSTART:20990305T193000".into(),
        "DTEND:20990305T213000".into(),
        "SUMMARY:Ouderavond: ideeën\\, zorgen\\; vragen".into(),
        "LOCATION:Aula\\, De Ooievaar".into(),
        "DESCRIPTION:1. Welkom\\n2. Zorgen delen".into(),
        format!("UID:{day}@kring"),
        "DTSTART;VALUE=DATE:20990401".into(),
        "DTEND;VALUE=DATE:20990402".into(),
    ] {
        assert!(lines.contains(&line), "{line} missing in {ics}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("DTSTAMP:") && l.ends_with('Z') && l.len() == "DTSTAMP:20990101T000000Z".len())
    );
    assert!(!ics.contains(&held) && !ics.contains(&binned), "past and binned sessions are left out: {ics}");

    // One session, to a file named without a folder.
    let written = kring_in(out.path(), data, &["calendar", "--session", &held, "--out", "vorig-jaar.ics"]);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    let answer: Value = serde_json::from_slice(&written.stdout).unwrap();
    let file = std::fs::read_to_string(out.path().join("vorig-jaar.ics")).unwrap();
    assert_eq!(answer, json!({ "file": "vorig-jaar.ics", "sessions": 1, "bytes": file.len() }));
    assert!(
        file.contains(&format!("UID:{held}@kring\r\n")) && file.contains("DTSTART;VALUE=DATE:20010101\r\n"),
        "{file}"
    );

    assert!(fails(data, &["calendar", "--session", "nope"]).contains("no session nope"));
    assert!(fails(data, &["calendar", "--session", &binned]).contains("has been deleted"));
    let missing = out.path().join("no-such-folder").join("x.ics");
    assert!(fails(data, &["calendar", "--out", missing.to_str().unwrap()]).contains("no-such-folder"));
}

#[test]
fn a_bundle_exported_to_a_bare_file_name_lands_in_the_current_folder() {
    let (dir, stick) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let data = dir.path();
    let (network, _) = create_network(data);
    let out = kring_in(stick.path(), data, &["bundle", "export", "plg.kring"]);
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    let bytes = std::fs::metadata(stick.path().join("plg.kring")).unwrap().len();
    let locked_for = json!({ "members_devices": 1 });
    assert_eq!(answer, json!({ "network": network, "file": "plg.kring", "bytes": bytes, "locked_for": locked_for }));
    let names: Vec<_> = std::fs::read_dir(stick.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["plg.kring"], "no temporary file left behind");

    // And it reads back on another laptop of the same member (the bundle is for members' laptops).
    let other = tempfile::tempdir().unwrap();
    std::fs::copy(data.join("device.key"), other.path().join("device.key")).unwrap();
    let imported = kring_in(stick.path(), other.path(), &["bundle", "import", "plg.kring", "--accept-new-network"]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    assert_eq!(show(other.path())["network"]["id"], network.as_str());
}

/// `kring show | head -c 100`: the reader goes away before `kring` writes. That is not an error
/// and certainly not a panic.
#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    create_network(data);
    add_session(data, "Start", "2099-01-01T10:00");
    for args in [&["show"][..], &["calendar"], &["network", "list"]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader); // closed before kring starts: every write to stdout meets a broken pipe
        let out = Command::new(env!("CARGO_BIN_EXE_kring"))
            .arg("--data-dir")
            .arg(data)
            .args(args)
            .env_remove("KRING_DATA_DIR")
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "kring {args:?}: exit {:?}: {stderr}", out.status.code());
        assert!(stderr.is_empty(), "kring {args:?} said: {stderr}");
    }

    // Through a real pipeline with `head`: what was read is the start of the JSON, and nothing
    // is said on stderr.
    let whole = kring(data, &["show"]).stdout;
    let pipeline = format!("'{}' --data-dir '{}' show | head -c 10", env!("CARGO_BIN_EXE_kring"), data.display());
    let out = Command::new("sh").arg("-c").arg(pipeline).env_remove("KRING_DATA_DIR").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, whole[..10]);
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn sessions_and_questions_carry_themes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    create_network(data);
    let session = add_session(data, "Casusoverleg", "2026-12-02");
    let question = id(&ok(data, &["question", "add", "--title", "Hoe betrekken we ouders?"]), "question");
    ok(data, &["network", "theme", "add", "--theme", "werkplezier"]);

    let tagged = ok(data, &["session", "theme", "--session", &session, "--theme", " werkplezier "]);
    assert_eq!(tagged, json!({ "session": session, "theme": "werkplezier", "tagged": true }));
    ok(data, &["question", "theme", "--question", &question, "--theme", "multiproblematiek"]);
    let shown = show(data);
    assert_eq!(shown["sessions"][0]["themes"], json!(["werkplezier"]));
    assert_eq!(shown["questions"][0]["themes"], json!(["multiproblematiek"]));

    ok(data, &["session", "theme", "--session", &session, "--theme", "werkplezier", "--remove"]);
    assert_eq!(show(data)["sessions"][0]["themes"], json!([]));
    refused(data, &["session", "theme", "--session", &session, "--theme", " "], "theme must not be empty");
    refused(data, &["question", "theme", "--question", "nope", "--theme", "x"], "no learning question nope");
}
