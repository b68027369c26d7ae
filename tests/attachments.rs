//! Attachments through the `kring` binary: attached on one laptop, listed in `show`, fetched by
//! a member's laptop over real iroh connections on 127.0.0.1 (offline mode), and resumed after
//! the fetching process is killed halfway.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::serving::{LOOPBACK, Serving, join, sync};
use common::*;
use serde_json::Value;

/// `len` bytes that differ from one place to the next (a film does not compress either).
fn film(path: &Path, len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    std::fs::write(path, &bytes).unwrap();
    bytes
}

/// `kring attachment get` on loopback, bounded.
fn get_args<'a>(attachment: &'a str, out: &'a str) -> Vec<&'a str> {
    let mut args = vec!["attachment", "get", "--attachment", attachment, "--out", out, "--timeout", "60"];
    args.extend(LOOPBACK);
    args
}

/// How many bytes of attachments' data files `data` holds.
fn attachment_bytes(data: &Path) -> u64 {
    fn under(dir: &Path) -> u64 {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| {
                let path = entry.path();
                if path.is_dir() {
                    under(&path)
                } else if path.extension().is_some_and(|ext| ext == "data") {
                    entry.metadata().map(|m| m.len()).unwrap_or(0)
                } else {
                    0
                }
            })
            .sum()
    }
    under(&data.join("attachments"))
}

#[test]
fn a_file_attached_on_one_laptop_is_listed_and_fetched_by_a_member() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, b, files) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    let (network, anna) = create_network(a);
    let session = id(&ok(a, &ADD_FIRST_SESSION), "session");
    let question = id(&ok(a, &["question", "add", "--title", "Hoe betrekken we ouders?"]), "question");
    join(a, b, "Bram");

    // What cannot be attached is a clear error and changes nothing.
    let before = kring(a, &["show"]).stdout;
    let missing = files.join("weg.jpg");
    let error = fails(a, &["attach", "--session", &session, missing.to_str().unwrap()]);
    assert!(error.contains("cannot be attached") && error.contains("weg.jpg"), "{error}");
    let photo = files.join("flip-over.jpg");
    let bytes = film(&photo, 6 * 1024 * 1024 + 13);
    let error = fails(a, &["attach", "--session", "geen-vergadering", photo.to_str().unwrap()]);
    assert!(error.contains("no session"), "{error}");
    let folder = fails(a, &["attach", "--session", &session, files.to_str().unwrap()]);
    assert!(folder.contains("not a file"), "{folder}");
    assert_eq!(kring(a, &["show"]).stdout, before, "nothing changed");

    // Anna attaches a photo to the meeting and a document to the question.
    let attached = ok(a, &["attach", "--session", &session, photo.to_str().unwrap()]);
    let attachment = id(&attached, "attachment");
    let hash = id(&attached, "hash");
    assert_eq!(hash, blake3::hash(&bytes).to_hex().to_string());
    assert_eq!((attached["name"].as_str(), attached["kind"].as_str()), (Some("flip-over.jpg"), Some("image")));
    assert_eq!(attached["size"], bytes.len() as u64);
    let case = files.join("casus.pdf");
    film(&case, 40_000);
    ok(a, &["attach", "--question", &question, case.to_str().unwrap()]);

    let shown: Value = serde_json::from_slice(&kring(a, &["show"]).stdout).unwrap();
    let listed = &shown["sessions"][0]["attachments"][0];
    assert_eq!((listed["id"].as_str(), listed["hash"].as_str()), (Some(attachment.as_str()), Some(hash.as_str())));
    assert_eq!((listed["added_by"].as_str(), listed["deleted"].as_bool()), (Some(anna.as_str()), Some(false)));
    assert_eq!(shown["questions"][0]["attachments"][0]["kind"], "pdf");

    // Bram's laptop syncs while Anna's serves, then fetches the photo from it.
    let serving = Serving::start(a, &[]);
    assert!(sync(b)["peers"].as_array().unwrap().iter().any(|p| p["status"] == "in-sync"));
    let out = files.join("op-bram.jpg");
    let saved = ok(b, &get_args(&attachment, out.to_str().unwrap()));
    assert_eq!((saved["fetched"].as_bool(), saved["resumed_from"].as_u64()), (Some(true), Some(0)));
    assert!(std::fs::read(&out).unwrap() == bytes, "byte for byte");
    let served = serving.wait_for(Duration::from_secs(10), |event| event["event"] == "attachment-served");
    assert_eq!(served.as_ref().map(|e| e["hash"].clone()), Some(Value::from(hash.clone())), "{served:?}");
    assert!(serving.stop());

    // Now it is on Bram's laptop: saved again without any laptop to ask.
    let again = files.join("nog-eens.jpg");
    let saved = ok(b, &get_args(&attachment, again.to_str().unwrap()));
    assert_eq!((saved["fetched"].as_bool(), saved["resumed_from"].as_u64()), (Some(false), Some(bytes.len() as u64)));
    assert!(std::fs::read(&again).unwrap() == bytes);
    assert_eq!(kring(a, &["show"]).stdout, kring(b, &["show"]).stdout, "both laptops list the same");

    // A recording Bram's laptop learns of (a sync, which fetches nothing) while no laptop that
    // has it runs: a clear error within the time given. An id that is no attachment: too.
    let recording = files.join("interview.m4a");
    film(&recording, 70_000);
    let recording = id(&ok(a, &["attach", "--session", &session, recording.to_str().unwrap()]), "attachment");
    let serving = Serving::start(a, &[]);
    assert!(sync(b)["peers"].as_array().unwrap().iter().any(|p| p["status"] == "in-sync"));
    assert!(serving.stop());
    let mut args = vec!["attachment", "get", "--attachment", &recording, "--out", "/dev/null", "--timeout", "2"];
    args.extend(LOOPBACK);
    let error = fails(b, &args);
    assert!(error.contains("not on this laptop yet"), "{error}");
    let error = fails(b, &["attachment", "get", "--attachment", "geen-bijlage", "--out", "/dev/null"]);
    assert!(error.contains(&format!("network {network} has no attachment geen-bijlage")), "{error}");
}

#[test]
fn a_fetch_killed_halfway_resumes_without_starting_over() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, b, files) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    create_network(a);
    let session = id(&ok(a, &ADD_FIRST_SESSION), "session");
    join(a, b, "Bram");
    let film_path = files.join("interview.mp4");
    let bytes = film(&film_path, 200 * 1024 * 1024);
    let attachment = id(&ok(a, &["attach", "--session", &session, film_path.to_str().unwrap()]), "attachment");

    let serving = Serving::start(a, &[]);
    assert!(sync(b)["peers"].as_array().unwrap().iter().any(|p| p["status"] == "in-sync"));
    let out: PathBuf = files.join("op-bram.mp4");
    // Bram's fetch, killed (SIGKILL) once part of the film is on his laptop.
    make_private(b);
    let mut child = Command::new(env!("CARGO_BIN_EXE_kring"))
        .arg("--data-dir")
        .arg(b)
        .args(get_args(&attachment, out.to_str().unwrap()))
        .env_remove("KRING_DATA_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let total = bytes.len() as u64;
    // Halfway, and not in the first moment: the store records a blob begun within half a
    // second (iroh-blobs' write batch); before that a cut-off fetch starts over.
    let mut first_byte: Option<Instant> = None;
    let killed_at = loop {
        let here = attachment_bytes(b);
        if here > 0 && first_byte.is_none() {
            first_byte = Some(Instant::now());
        }
        let recorded = first_byte.is_some_and(|at| at.elapsed() >= Duration::from_millis(700));
        if here >= total / 2 && recorded {
            break here;
        }
        assert!(child.try_wait().unwrap().is_none(), "the fetch ended before it could be cut off");
        assert!(started.elapsed() < Duration::from_secs(60), "the fetch did not begin");
        std::thread::sleep(Duration::from_millis(5));
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(!out.exists(), "nothing written out before it was whole");

    let saved = ok(b, &get_args(&attachment, out.to_str().unwrap()));
    let resumed_from = saved["resumed_from"].as_u64().unwrap();
    let mb = |bytes: u64| bytes / (1024 * 1024);
    println!("fetch of a 200 MB film killed with {} MB here; resumed from {} MB", mb(killed_at), mb(resumed_from));
    assert!(resumed_from > 0 && resumed_from < total, "resumed from {resumed_from} of {total}");
    assert_eq!(saved["fetched"], true);
    assert!(std::fs::read(&out).unwrap() == bytes, "byte for byte after the resume");
    assert!(serving.stop());
}
