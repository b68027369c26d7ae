//! `kring device link` and `kring device add`: a second laptop of the same person, driven as
//! the real binary on 127.0.0.1 (offline mode).

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::serving::{LOOPBACK, Serving, sync};
use common::*;
use serde_json::Value;

/// `kring device link` running in the background, its JSON lines readable as they come; killed
/// when dropped, even if the test fails.
struct Linking {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Linking {
    fn start(data: &Path, extra: &[&str]) -> Linking {
        // `kring` itself makes a private data folder; the test's temporary folder is made so.
        kring(data, &["network", "list"]);
        let mut child = Command::new(env!("CARGO_BIN_EXE_kring"))
            .arg("--data-dir")
            .arg(data)
            .args(["device", "link"])
            .args(LOOPBACK)
            .args(extra)
            .env_remove("KRING_DATA_DIR")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Linking { child, lines }
    }

    fn next_line(&self) -> Value {
        let line = self.lines.recv_timeout(Duration::from_secs(20)).expect("device link prints a line");
        serde_json::from_str(&line).unwrap()
    }

    /// Waits (bounded) for the command to end; whether it succeeded.
    fn finished(mut self) -> bool {
        for _ in 0..400 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Linking {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn add(data: &Path, ticket: &str) -> std::process::Output {
    let mut args = vec!["device", "add", ticket, "--timeout", "10"];
    args.extend(LOOPBACK);
    kring(data, &args)
}

#[test]
fn a_second_laptop_links_with_a_ticket_and_votes_as_the_same_member() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, b, c) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    let (network, anna) = create_network(a);
    let question = id(&ok(a, &["question", "add", "--title", "Hoe betrekken we ouders?"]), "question");

    let linking = Linking::start(a, &["--minutes", "5"]);
    let first = linking.next_line();
    let ticket = id(&first, "ticket");
    assert!(ticket.starts_with("kringlink"), "{first}");
    assert_eq!(first["network"], network.as_str());
    assert!(first["expires_at"].as_i64().is_some(), "{first}");

    // Pasted in the join field instead: a clear error, and nothing used up.
    let mut join = vec!["join", &ticket, "--me", "Anna", "--timeout", "5"];
    join.extend(LOOPBACK);
    let message = fails(b, &join);
    assert!(message.contains("this is a device-link ticket"), "{message}");

    let added = add(b, &ticket);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let added: Value = serde_json::from_slice(&added.stdout).unwrap();
    assert_eq!((added["network"].as_str(), added["member"].as_str()), (Some(network.as_str()), Some(anna.as_str())));
    let device_b = id(&added, "device");

    // A prints the laptop it linked, and is done.
    let linked = linking.next_line();
    assert_eq!(linked["linked"], true);
    assert_eq!((linked["member"].as_str(), linked["device"].as_str()), (Some(anna.as_str()), Some(device_b.as_str())));
    assert!(linking.finished(), "device link exits with success once used");

    // B holds the network already: another ticket is refused on B itself.
    let mut again = vec!["device", "add", &ticket, "--timeout", "3"];
    again.extend(LOOPBACK);
    let again = fails(b, &again);
    assert!(again.contains("already on this laptop"), "{again}");

    // Both laptops vote for the same question, each offline.
    ok(a, &["question", "vote", "--question", &question]);
    ok(b, &["question", "vote", "--question", &question]);

    // The used ticket is worth nothing to a third laptop, even with A serving: the secret
    // lived only in the process that made it.
    let serving = Serving::start(a, &[]);
    let used = add(c, &ticket);
    assert!(!used.status.success());
    let used = String::from_utf8_lossy(&used.stderr);
    assert!(used.contains("refused the device link"), "{used}");
    assert!(ok(c, &["network", "list"])["networks"].as_array().unwrap().is_empty(), "{used}");

    // Synced: one member, one vote.
    let peers = sync(b)["peers"].clone();
    assert!(peers.as_array().unwrap().iter().any(|p| p["status"] == "in-sync"), "{peers}");
    assert!(serving.stop());

    let shows: Vec<Vec<u8>> = [a, b].iter().map(|d| kring(d, &["show"]).stdout).collect();
    assert_eq!(shows[0], shows[1], "A and B differ");
    let shown: Value = serde_json::from_slice(&shows[0]).unwrap();
    assert_eq!(shown["questions"][0]["votes"].as_array().unwrap().len(), 1, "{}", shown["questions"]);
    let members = shown["members"].as_array().unwrap();
    assert_eq!(members.len(), 1, "still one member");
    let devices = members[0]["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 2, "{devices:?}");
    assert!(devices.iter().any(|d| d == device_b.as_str()));
}

#[test]
fn an_invite_is_no_device_link_and_bad_tickets_are_clear_errors() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    create_network(a.path());
    let serving = Serving::start(a.path(), &["--invite"]);
    let invite = serving.first_line["ticket"].as_str().unwrap().to_string();
    // Stopped at once (it may not have set up its signal handler yet: no exit status asked).
    drop(serving);

    let message = fails(b.path(), &["device", "add", &invite, "--offline", "--timeout", "3"]);
    assert!(message.contains("this is an invite ticket"), "{message}");
    let message = fails(b.path(), &["device", "add", "kringlinknonsense", "--offline", "--timeout", "3"]);
    assert!(message.contains("not a valid Kring device-link ticket"), "{message}");
    let mut unknown = vec!["device", "link", "--network", "nope", "--minutes", "1"];
    unknown.extend(LOOPBACK);
    let message = fails(a.path(), &unknown);
    assert!(message.contains("nope"), "{message}");
    let message = fails(a.path(), &["device", "link", "--offline", "--minutes", "0"]);
    assert!(message.contains("minutes"), "{message}");
    assert!(ok(b.path(), &["network", "list"])["networks"].as_array().unwrap().is_empty());
}
