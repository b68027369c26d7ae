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

/// `len` bytes of a file of its own: no file made with another `seed` shares a run of them.
fn file_of(path: &Path, len: usize, seed: u64) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect();
    std::fs::write(path, &bytes).unwrap();
    bytes
}

/// The files under `dir` (at any depth) that hold a run of 32 bytes from the start, the middle
/// or the end of `bytes`.
fn holding(dir: &Path, bytes: &[u8]) -> Vec<PathBuf> {
    fn files(dir: &Path) -> Vec<PathBuf> {
        let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
        entries.flat_map(|e| if e.path().is_dir() { files(&e.path()) } else { vec![e.path()] }).collect()
    }
    let len = bytes.len();
    let runs: Vec<&[u8]> = [0, len / 2, len - 32].into_iter().map(|at| &bytes[at..at + 32]).collect();
    files(dir)
        .into_iter()
        .filter(|file| {
            let content = std::fs::read(file).unwrap_or_default();
            runs.iter().any(|run| content.windows(32).any(|w| w == *run))
        })
        .collect()
}

#[test]
fn an_attachment_erased_from_the_command_line_leaves_no_byte_on_any_of_three_laptops() {
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, b, c, files) = (dirs[0].path(), dirs[1].path(), dirs[2].path(), dirs[3].path());
    create_network(a);
    let session = id(&ok(a, &ADD_FIRST_SESSION), "session");
    join(a, b, "Bram");
    join(a, c, "Cas");
    let case = files.join("dossier-joris.pdf");
    let bytes = file_of(&case, 300 * 1024, 1);
    let photo = files.join("flip-over.jpg");
    let kept = file_of(&photo, 100 * 1024, 2);
    let attachment = id(&ok(a, &["attach", "--session", &session, case.to_str().unwrap()]), "attachment");
    let photo = id(&ok(a, &["attach", "--session", &session, photo.to_str().unwrap()]), "attachment");

    // Bram's and Cas's laptops fetch both from Anna's.
    let serving = Serving::start(a, &[]);
    for data in [b, c] {
        assert!(sync(data)["peers"].as_array().unwrap().iter().any(|p| p["status"] == "in-sync"));
        for (wanted, name) in [(&attachment, "dossier.pdf"), (&photo, "foto.jpg")] {
            let out = files.join(name);
            ok(data, &get_args(wanted, out.to_str().unwrap()));
            std::fs::remove_file(out).unwrap();
        }
    }
    assert!(serving.stop());
    for data in [a, b, c] {
        assert_eq!(holding(data, &bytes).len(), 1, "{}", data.display());
    }

    // Anna erases the case file: gone from her laptop at once.
    let erased = ok(a, &["erase", "--attachment", &attachment]);
    assert_eq!((erased["chapter"].as_u64(), erased["erased"].as_bool()), (Some(2), Some(true)), "{erased}");
    assert_eq!(holding(a, &bytes), Vec::<PathBuf>::new());
    // Bram's laptop switches through Anna's, Cas's through Bram's (Anna's closed).
    for (server, data) in [(a, b), (b, c)] {
        let serving = Serving::start(server, &[]);
        assert!(sync(data)["peers"].as_array().unwrap().iter().any(|p| p["status"] == "in-sync"));
        assert!(serving.stop());
    }
    for data in [a, b, c] {
        assert_eq!(ok(data, &["chapter", "show"])["chapter"], 2);
        assert_eq!(holding(data, &bytes), Vec::<PathBuf>::new(), "{}", data.display());
        assert_eq!(holding(data, &kept).len(), 1, "the photo stays: {}", data.display());
        let shown = ok(data, &["show"]);
        let listed = shown["sessions"][0]["attachments"].as_array().unwrap();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0]["id"], photo.as_str());
    }
    let error = fails(a, &["erase", "--attachment", "geen-bijlage"]);
    assert!(error.contains("geen-bijlage"), "{error}");
}

/// `kring` with the bundle's passphrase in the environment.
fn with_passphrase(data: &Path, args: &[&str]) -> std::process::Output {
    kring_with_env(data, args, &[("KRING_BUNDLE_PASSPHRASE", "de bus naar Leiden rijdt om negen")])
}

fn answer(output: std::process::Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_bundle_with_attachments_carries_their_bytes_and_one_without_does_not() {
    let dirs: Vec<_> = (0..5).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, dewi, eva, fenna, files) = (dirs[0].path(), dirs[1].path(), dirs[2].path(), dirs[3].path(), dirs[4].path());
    let (network, _) = create_network(a);
    let session = id(&ok(a, &ADD_FIRST_SESSION), "session");
    let case = files.join("verslag.pdf");
    let bytes = file_of(&case, 300 * 1024, 3);
    let attachment = id(&ok(a, &["attach", "--session", &session, case.to_str().unwrap()]), "attachment");

    let with = files.join("met.kring");
    let without = files.join("zonder.kring");
    let exported =
        answer(with_passphrase(a, &["bundle", "export", "--passphrase", "--with-attachments", with.to_str().unwrap()]));
    assert_eq!((exported["attachments"].as_u64(), exported["attachments_missing"].as_u64()), (Some(1), Some(0)));
    let exported = answer(with_passphrase(a, &["bundle", "export", "--passphrase", without.to_str().unwrap()]));
    assert!(exported.get("attachments").is_none(), "as before: {exported}");

    // Dewi's laptop has never connected to any: the bundle brings the file, byte for byte.
    let imported = answer(with_passphrase(dewi, &["bundle", "import", "--accept-new-network", with.to_str().unwrap()]));
    assert_eq!((imported["network"].as_str(), imported["attachments"].as_u64()), (Some(network.as_str()), Some(1)));
    let out = files.join("bij-dewi.pdf");
    let saved = ok(dewi, &get_args(&attachment, out.to_str().unwrap()));
    assert_eq!(saved["fetched"], false, "it was there");
    assert!(std::fs::read(&out).unwrap() == bytes, "byte for byte");

    // Eva's, with the bundle without them: the network lists the file, and has none of it.
    answer(with_passphrase(eva, &["bundle", "import", "--accept-new-network", without.to_str().unwrap()]));
    assert_eq!(ok(eva, &["show"])["sessions"][0]["attachments"][0]["id"], attachment.as_str());
    assert!(holding(eva, &bytes).is_empty());
    let mut args = vec!["attachment", "get", "--attachment", &attachment, "--out", "/dev/null", "--timeout", "1"];
    args.extend(LOOPBACK);
    assert!(fails(eva, &args).contains("not on this laptop yet"));

    // A byte changed in the file's part of the bundle: refused, and Fenna's laptop holds nothing.
    let mut changed = std::fs::read(&with).unwrap();
    let at = changed.len() - 50 * 1024;
    changed[at] ^= 1;
    let tampered = files.join("veranderd.kring");
    std::fs::write(&tampered, changed).unwrap();
    let refused = with_passphrase(fenna, &["bundle", "import", "--accept-new-network", tampered.to_str().unwrap()]);
    assert!(!refused.status.success());
    let error = String::from_utf8_lossy(&refused.stderr);
    assert!(error.contains("cannot be imported") && error.contains("damaged or was changed"), "{error}");
    assert_eq!(ok(fenna, &["network", "list"])["networks"].as_array().map(Vec::len), Some(0));
    assert!(holding(fenna, &bytes).is_empty());
}
