//! Attacks nobody had named when the rules were first written, replayed against the real
//! `kring` binary: a member's modified client writes raw Automerge operations into its own data
//! folder (signed with its own key when sent) and runs the ordinary `kring sync`. Anna's
//! `kring serve` refuses each change and names it, her network stays byte-identical, and she
//! can still act as coordinator.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::serving::{Serving, join, sync};
use common::*;
use kring_model::automerge::transaction::{CommitOptions, Transactable};
use kring_model::automerge::{AutoCommit, ObjId, ObjType, ROOT, ReadDoc, Value};
use kring_model::{ChangeKind, ChangeNote, MemberId};

/// Bram's modified client: `write` on his own copy, committed with `note` and saved as Kring
/// saves; the next `kring sync` signs and sends it like any other change.
fn raw_write(data: &Path, network: &str, note: Option<ChangeNote>, write: impl FnOnce(&mut AutoCommit)) {
    let store = kring_store::DataDir::open(data).unwrap();
    let (mut open, _) = kring_node::OpenNetwork::open(&store, network).unwrap();
    let doc = open.network.doc_mut();
    write(doc);
    let mut options = CommitOptions::default();
    if let Some(note) = note {
        options = options.with_message(serde_json::to_string(&note).unwrap());
    }
    doc.commit_with(options);
    open.persist().unwrap();
}

fn obj(doc: &AutoCommit, path: &[&str]) -> ObjId {
    path.iter().fold(ROOT, |parent, key| match doc.get(&parent, *key).unwrap() {
        Some((Value::Object(_), id)) => id,
        other => panic!("no object at {path:?}: {other:?}"),
    })
}

/// Anna serves; Bram syncs; Anna's laptop refuses and names the change with `breach`. Returns
/// the peak memory of Anna's `kring serve` in MB and how long the refusal took.
fn refused_by_anna(a: &Path, b: &Path, breach: &str) -> (u64, Duration) {
    let before = kring(a, &["show"]).stdout;
    let serving = Serving::start(a, &[]);
    let started = Instant::now();
    sync(b);
    let refused = serving
        .wait_for(Duration::from_secs(60), |event| event["event"] == "distrusted")
        .expect("Anna's laptop reports the refused change");
    let took = started.elapsed();
    assert_eq!(refused["breach"], breach, "{refused}");
    let peak = peak_mb(serving.pid());
    assert!(serving.stop());
    assert_eq!(kring(a, &["show"]).stdout, before, "Anna's network is exactly as it was");
    (peak, took)
}

/// The most resident memory a process has had (VmHWM), in MB.
fn peak_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    kb / 1024
}

fn anna_and_bram() -> (tempfile::TempDir, tempfile::TempDir, String, String, String) {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (network, anna) = create_network(a.path());
    let bram = id(&join(a.path(), b.path(), "Bram Jansen"), "member");
    (a, b, network, anna, bram)
}

/// As [`anna_and_bram`], with a meeting Anna planned that Bram's laptop holds too.
fn anna_and_bram_with_a_meeting() -> (tempfile::TempDir, tempfile::TempDir, String, String) {
    let (a, b, network, _anna, _bram) = anna_and_bram();
    let session =
        id(&ok(a.path(), &["session", "add", "--title", "PLG 1", "--kind", "plg", "--date", "2026-12-09"]), "session");
    let serving = Serving::start(a.path(), &[]);
    sync(b.path());
    assert!(serving.stop());
    (a, b, network, session)
}

#[test]
fn a_member_who_lists_the_coordinators_device_as_his_own_is_refused_and_she_still_acts() {
    let (a, b, network, _anna, bram) = anna_and_bram();
    let anna_device = kring_store::DataDir::open(a.path()).unwrap().device_id();
    raw_write(b.path(), &network, None, |doc| {
        let devices = obj(doc, &["members", &bram, "devices"]);
        doc.put(&devices, anna_device.as_str(), 1_765_000_000_000_i64).unwrap();
    });
    let (peak, took) = refused_by_anna(a.path(), b.path(), "device-claimed");
    eprintln!("a device claimed: refused in {took:?}, serve peaked at {peak} MB");

    // Anna is still the coordinator on her own laptop: she removes Bram.
    let removed = ok(a.path(), &["member", "remove", "--member", &bram]);
    assert_eq!(removed["member"], bram.as_str(), "{removed}");
}

#[test]
fn a_sock_puppet_holding_a_members_device_is_refused_and_removal_holds() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (network, _) = create_network(a.path());
    // A group invite, still open while Bram is a member.
    let serving = Serving::start(a.path(), &["--invite", "--max-uses", "5"]);
    let ticket = serving.first_line["ticket"].as_str().unwrap().to_string();
    let invite = serving.first_line["invite"].as_str().unwrap().to_string();
    let mut args = vec!["join", &ticket, "--me", "Bram Jansen", "--timeout", "15"];
    args.extend(common::serving::LOOPBACK);
    let bram = id(&ok(b.path(), &args), "member");
    assert!(serving.stop());

    // "Anna", a member with an id that sorts first, holding Bram's own laptop.
    let bram_device = kring_store::DataDir::open(b.path()).unwrap().device_id();
    let puppet = "0".repeat(31) + "1";
    let note =
        ChangeNote { by: MemberId::new(puppet.clone()), what: ChangeKind::InviteUsed, target: Some(invite.clone()) };
    raw_write(b.path(), &network, Some(note), |doc| {
        let members = obj(doc, &["members"]);
        let member = doc.put_object(&members, puppet.as_str(), ObjType::Map).unwrap();
        doc.put(&member, "name", "Anna").unwrap();
        doc.put(&member, "perspective", "teacher").unwrap();
        doc.put(&member, "organisation", "").unwrap();
        doc.put(&member, "role", "member").unwrap();
        let devices = doc.put_object(&member, "devices", ObjType::Map).unwrap();
        doc.put(&devices, bram_device.as_str(), 1_765_000_000_000_i64).unwrap();
        doc.put(&member, "joined_at", 1_765_000_000_000_i64).unwrap();
        let uses = obj(doc, &["invites", &invite, "uses"]);
        doc.put(&uses, puppet.as_str(), 1_765_000_000_000_i64).unwrap();
    });
    refused_by_anna(a.path(), b.path(), "device-claimed");

    // Removed, Bram's laptop is refused: what he writes afterwards never reaches Anna.
    ok(a.path(), &["member", "remove", "--member", &bram]);
    let sessions = ok(a.path(), &["show"])["sessions"].clone();
    let serving = Serving::start(a.path(), &[]);
    let mut args = vec!["sync"];
    args.extend(common::serving::LOOPBACK);
    args.extend(["--timeout", "5"]);
    let _ = kring(b.path(), &args);
    assert!(serving.stop());
    assert_eq!(ok(a.path(), &["show"])["sessions"], sessions);
    let members = ok(a.path(), &["show"])["members"].clone();
    assert!(!members.to_string().contains(&puppet), "no sock-puppet in {members}");
}

#[test]
fn a_member_who_replaces_a_questions_votes_is_refused_and_the_votes_stay() {
    let (a, b, network, _anna, _bram) = anna_and_bram();
    let question = id(&ok(a.path(), &["question", "add", "--title", "Hoe leren leerlingen rekenen?"]), "question");
    ok(a.path(), &["question", "vote", "--question", &question]);
    let serving = Serving::start(a.path(), &[]);
    sync(b.path());
    assert!(serving.stop());
    ok(b.path(), &["question", "vote", "--question", &question]);
    let serving = Serving::start(a.path(), &[]);
    sync(b.path());
    assert!(serving.stop());
    let votes = |data: &Path| ok(data, &["show"])["questions"][0]["votes"].as_array().map_or(0, Vec::len);
    assert_eq!(votes(a.path()), 2);

    raw_write(b.path(), &network, None, |doc| {
        let record = obj(doc, &["questions", &question]);
        doc.put_object(&record, "votes", ObjType::Map).unwrap();
    });
    refused_by_anna(a.path(), b.path(), "record-replaced");
    assert_eq!(votes(a.path()), 2, "both votes stay");
}

#[test]
fn a_small_change_that_would_cost_gigabytes_is_refused_cheaply() {
    let (a, b, network, session) = anna_and_bram_with_a_meeting();

    // Maps nested 20,000 deep under the meeting: a change of a few KB.
    raw_write(b.path(), &network, None, |doc| {
        let mut at = obj(doc, &["sessions", &session]);
        for _ in 0..20_000 {
            at = doc.put_object(&at, "x", ObjType::Map).unwrap();
        }
    });
    let (peak, took) = refused_by_anna(a.path(), b.path(), "unknown-place");
    eprintln!("maps nested 20,000 deep: refused in {took:?}, serve peaked at {peak} MB");
    assert!(peak < 400, "Anna's serve peaked at {peak} MB");
}

#[test]
fn a_paste_larger_than_any_change_kring_writes_is_refused_before_it_is_applied() {
    let (a, b, network, session) = anna_and_bram_with_a_meeting();
    raw_write(b.path(), &network, None, |doc| {
        let notes = obj(doc, &["sessions", &session, "notes"]);
        let paste: String = (0..500_000u32).map(|n| char::from(b'a' + (n * 7 % 26) as u8)).collect();
        doc.splice_text(&notes, 0, 0, &paste).unwrap();
    });
    let (peak, took) = refused_by_anna(a.path(), b.path(), "too-large");
    eprintln!("500,000 characters in one change: refused in {took:?}, serve peaked at {peak} MB");
    assert!(peak < 400, "Anna's serve peaked at {peak} MB");
}

#[test]
fn a_bundle_that_lists_the_coordinators_device_under_another_member_is_refused_and_changes_nothing() {
    let (a, b, network, _anna, bram) = anna_and_bram();
    let anna_device = kring_store::DataDir::open(a.path()).unwrap().device_id();
    raw_write(b.path(), &network, None, |doc| {
        let devices = obj(doc, &["members", &bram, "devices"]);
        doc.put(&devices, anna_device.as_str(), 1_765_000_000_000_i64).unwrap();
    });
    let stick = tempfile::tempdir().unwrap();
    let file = stick.path().join("kring.bundle");
    ok(b.path(), &["bundle", "export", file.to_str().unwrap()]);

    let before = kring(a.path(), &["show"]).stdout;
    let refused = fails(a.path(), &["bundle", "import", file.to_str().unwrap()]);
    assert!(refused.contains("Bram Jansen's laptop") && refused.contains("someone else's"), "{refused}");
    assert_eq!(kring(a.path(), &["show"]).stdout, before, "Anna's network is exactly as it was");
}

/// Runs `kring` to its end, sampling its peak memory (VmHWM) while it runs; returns its output
/// and the largest peak seen, in MB.
fn kring_measured(data: &Path, args: &[&str]) -> (std::process::Output, u64) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kring"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        peak = peak.max(peak_mb(child.id()));
        std::thread::sleep(Duration::from_millis(2));
    }
    (child.wait_with_output().unwrap(), peak)
}

#[test]
fn a_file_of_a_gibibyte_that_looks_like_a_bundle_is_refused_by_its_size() {
    let (a, _b, _network, _anna, _bram) = anna_and_bram();
    let stick = tempfile::tempdir().unwrap();
    let file = stick.path().join("kring.bundle");
    // A sparse file: the bundle's first bytes, then nothing, 1 GiB long.
    let handle = std::fs::File::create(&file).unwrap();
    std::io::Write::write_all(&mut &handle, b"KRB3").unwrap();
    handle.set_len(1 << 30).unwrap();

    let before = kring(a.path(), &["show"]).stdout;
    let started = Instant::now();
    let (output, peak) = kring_measured(a.path(), &["bundle", "import", file.to_str().unwrap()]);
    let took = started.elapsed();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("nothing was read in") && !said.contains("panicked"), "{said}");
    eprintln!("a 1 GiB file starting with KRB3: refused in {took:?}, kring peaked at {peak} MB: {said}");
    assert!(peak < 100, "kring peaked at {peak} MB");
    assert_eq!(kring(a.path(), &["show"]).stdout, before, "Anna's network is exactly as it was");
}
