//! `kring room open` as a meeting uses it: phones on the LAN (here 127.0.0.1) take part over
//! plain HTTP, the room's laptop writes their contributions, and a colleague's laptop that
//! syncs with it afterwards accepts them.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::serving::{LOOPBACK, Serving, join, sync};
use common::*;
use serde_json::Value;

/// `kring room open` for `session`, on 127.0.0.1 and offline.
fn open_room(data: &Path, args: &[&str]) -> Serving {
    make_private(data);
    let mut command = Command::new(env!("CARGO_BIN_EXE_kring"));
    command
        .arg("--data-dir")
        .arg(data)
        .args(["room", "open", "--bind", "127.0.0.1:0", "--offline", "--sync-bind", "127.0.0.1:0"])
        .args(args)
        .env_remove("KRING_DATA_DIR");
    Serving::run(command, false)
}

/// A phone: one HTTP request on a connection of its own; the status and the JSON body (null
/// when there is none).
fn request(url: &str, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    // The client is built with TLS, which needs a provider named once (it is never used here).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client
        .request(method, format!("{url}{path}"))
        .header("Content-Type", "application/json")
        .body(body.to_string());
    if let Some(token) = token {
        request = request.header("X-Kring-Gast", token);
    }
    let answer = request.send().unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().unwrap_or(Value::Null))
}

/// The smallest PNG there is: one transparent pixel.
const ONE_PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// A photo as the page sends it: the bytes as they are.
fn send_photo(url: &str, token: &str, photo: &[u8]) -> u16 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let request = client
        .post(format!("{url}photo"))
        .header("Content-Type", "application/octet-stream")
        .header("X-Kring-Gast", token)
        .body(photo.to_vec());
    request.send().unwrap().status().as_u16()
}

fn join_room(url: &str, name: &str, perspective: &str) -> String {
    let body = serde_json::json!({ "name": name, "perspective": perspective }).to_string();
    let (status, answer) = request(url, "POST", "join", None, &body);
    assert_eq!(status, 200, "{answer}");
    answer["token"].as_str().unwrap().to_string()
}

fn resident_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn guests_on_their_phones_reach_the_network_and_a_colleagues_laptop_accepts_them() {
    let (anna, bram) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (anna.path(), bram.path());
    create_network(a);
    let session =
        id(&ok(a, &["session", "add", "--title", "PLG 3", "--kind", "plg", "--date", "2026-12-09"]), "session");
    ok(a, &["session", "agenda", "--session", &session, "--append", "Welkom en leervragen kiezen"]);
    ok(a, &["session", "notes", "--session", &session, "--append", "VERTROUWELIJK: casus Jan"]);
    let question = id(&ok(a, &["question", "add", "--title", "Hoe betrekken we ouders?"]), "question");
    let round = id(&ok(a, &["reflection", "open", "--title", "Reflectie december"]), "round");
    join(a, b, "Bram Geheimnaam");

    let room = open_room(
        a,
        &[
            "--session",
            &session,
            "--question",
            &question,
            "--reflection",
            &round,
            "--proposals",
            "--reactions",
            "--photos",
        ],
    );
    let url = room.first_line["url"].as_str().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:") && url.contains("/k/"), "{url}");

    // The page, and what it shows: the meeting, never its notes or a member's name.
    let (status, state) = request(&url, "GET", "state", None, "");
    assert_eq!(status, 200);
    let shown = state.to_string();
    assert!(shown.contains("PLG 3") && shown.contains("Hoe betrekken we ouders?"), "{shown}");
    for secret in ["VERTROUWELIJK", "Anna de Vries", "Bram Geheimnaam"] {
        assert!(!shown.contains(secret), "the page shows {secret}");
    }

    // One guest does everything a room takes.
    let sam = join_room(&url, "Sam", "youth");
    let send = |token: &str, body: Value| request(&url, "POST", "send", Some(token), &body.to_string()).0;
    assert_eq!(send(&sam, serde_json::json!({ "kind": "vote", "question": question })), 200);
    let proposal = "Waarom <script>alert(1)</script> één ë 🙂?";
    assert_eq!(send(&sam, serde_json::json!({ "kind": "question", "text": proposal })), 200);
    let scores = serde_json::json!({ "kind": "score", "scores": { "trust": 4, "ownership": 2 }, "comment": "Fijn" });
    assert_eq!(send(&sam, scores), 200);
    let anonymous = join_room(&url, "", "parent");
    assert_eq!(send(&anonymous, serde_json::json!({ "kind": "reaction", "text": "Dank jullie" })), 200);
    // A photo, kept in this laptop's attachment store as the laptop's own JPEG.
    let mut photo = ONE_PIXEL_PNG.to_vec();
    photo.extend_from_slice(b"<script>alert(1)</script>");
    assert_eq!(send_photo(&url, &anonymous, &photo), 200);
    for _ in 0..5 {
        let line = room.wait_for(Duration::from_secs(10), |line| line["event"] == "contribution");
        assert!(line.is_some(), "a line per contribution");
    }

    // Sixty phones at once: every vote lands; the time each took and the memory it cost.
    let before_kb = resident_kb(room.pid());
    let started = Instant::now();
    let phones: Vec<_> = (0..60)
        .map(|n| {
            let (url, question) = (url.clone(), question.clone());
            std::thread::spawn(move || {
                let token = join_room(&url, &format!("Telefoon {n}"), "youth");
                let sent = Instant::now();
                let body = serde_json::json!({ "kind": "vote", "question": question }).to_string();
                let (status, answer) = request(&url, "POST", "send", Some(&token), &body);
                assert_eq!(status, 200, "{answer}");
                sent.elapsed()
            })
        })
        .collect();
    let mut took: Vec<Duration> = phones.into_iter().map(|phone| phone.join().unwrap()).collect();
    let all = started.elapsed();
    took.sort();
    let after_kb = resident_kb(room.pid());
    let mut lines = 0;
    while room.wait_for(Duration::from_secs(10), |line| line["event"] == "contribution").is_some() {
        lines += 1;
        if lines == 60 {
            break;
        }
    }
    assert_eq!(lines, 60, "a line per phone");
    println!(
        "60 phones on the room's laptop (saved to disk): all in {all:?}, p50 {:?}, p99 {:?}; resident memory {:?} KB -> {:?} KB",
        took[took.len() / 2],
        took[took.len() * 99 / 100],
        before_kb,
        after_kb
    );
    // A thousand strangers' requests: wrong codes and oversized bodies change nothing, and cost
    // the laptop little memory.
    let before_strangers = resident_kb(room.pid());
    let (host, path) = {
        let rest = url.strip_prefix("http://").unwrap();
        let (host, path) = rest.split_at(rest.find('/').unwrap());
        (host.to_string(), path.to_string())
    };
    let big = "x".repeat(64 * 1024);
    for n in 0..1_000 {
        let wrong = format!("http://{host}/k/{n:0>32}/");
        let (status, _) = if n % 2 == 0 {
            request(&wrong, "POST", "join", None, r#"{"perspective":"youth"}"#)
        } else {
            request(&format!("http://{host}{path}"), "POST", "send", Some("x"), &big)
        };
        assert!([404, 413, 429].contains(&status), "{status}");
    }
    println!(
        "1,000 wrong codes and oversized bodies: resident memory {:?} KB -> {:?} KB",
        before_strangers,
        resident_kb(room.pid())
    );
    assert!(room.stop(), "the room closes cleanly on SIGTERM");

    let guests_in = |data: &Path| -> Vec<Value> {
        let shown = ok(data, &["show"]);
        let session = shown["sessions"].as_array().unwrap().iter().find(|s| s["id"] == session.as_str()).cloned();
        let rooms = session.and_then(|s| s["rooms"].as_array().cloned()).unwrap_or_default();
        assert!(rooms.iter().all(|r| r["open"] == false), "the room is closed");
        rooms.iter().flat_map(|r| r["contributions"].as_array().cloned().unwrap_or_default()).collect()
    };
    let on_anna = guests_in(a);
    assert_eq!(on_anna.len(), 65);
    assert!(on_anna.iter().any(|c| c["kind"] == "photo" && c["attachment"].is_string()));
    // The photo hangs on the meeting, marked as the guest's, and its bytes are a fresh JPEG.
    let attachments = ok(a, &["show"])["sessions"][0]["attachments"].clone();
    let photo =
        attachments.as_array().unwrap().iter().find(|f| f["from_guest"].is_object()).expect("the photo").clone();
    let out = anna.path().join("gastfoto-uit.jpg");
    let mut get = vec!["attachment", "get", "--attachment", photo["id"].as_str().unwrap()];
    get.extend(["--out", out.to_str().unwrap(), "--timeout", "10"]);
    get.extend(LOOPBACK);
    ok(a, &get);
    let kept = std::fs::read(&out).unwrap();
    assert!(kept.starts_with(&[0xFF, 0xD8, 0xFF]) && kept.ends_with(&[0xFF, 0xD9]), "a JPEG and nothing after it");
    assert!(!kept.windows(7).any(|w| w == b"<script"));
    std::fs::remove_file(&out).unwrap();
    assert!(on_anna.iter().any(|c| c["kind"] == "question" && c["text"] == proposal && c["guest"]["name"] == "Sam"));
    assert!(on_anna.iter().any(|c| c["kind"] == "reaction" && c["guest"]["name"] == "anoniem"));

    // Bram's laptop syncs with Anna's and keeps every contribution: its rules accept them.
    let serving = Serving::start(a, &[]);
    let peers = sync(b)["peers"].clone();
    assert!(peers.as_array().unwrap().iter().any(|p| p["status"] == "in-sync"), "{peers}");
    assert!(serving.stop());
    assert_eq!(guests_in(b).len(), 65, "Bram's laptop accepts the guest's photo too");
    assert_eq!(kring(a, &["show"]).stdout, kring(b, &["show"]).stdout);

    // A guest's words that should never have been sent are erased for everyone.
    let rooms = ok(a, &["show"])["sessions"][0]["rooms"].clone();
    let room_id = rooms[0]["id"].as_str().unwrap().to_string();
    let proposed = on_anna.iter().find(|c| c["kind"] == "question").unwrap()["id"].as_str().unwrap().to_string();
    ok(a, &["erase", "--guest", &format!("{session}:{room_id}:{proposed}")]);
    let left = guests_in(a);
    assert_eq!(left.len(), 64);
    assert!(left.iter().all(|c| c["id"] != proposed.as_str()));
}

#[test]
fn a_room_for_a_meeting_that_does_not_exist_is_not_opened() {
    let anna = tempfile::tempdir().unwrap();
    create_network(anna.path());
    make_private(anna.path());
    let mut args = vec!["room", "open", "--session", "geen-bijeenkomst", "--bind", "127.0.0.1:0", "--offline"];
    args.extend(["--sync-bind", "127.0.0.1:0"]);
    let message = fails(anna.path(), &args);
    assert!(message.contains("room") && message.contains("geen-bijeenkomst"), "{message}");
    let _ = LOOPBACK;
}
