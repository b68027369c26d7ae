//! Carrying a network between laptops on a USB stick, with the real binary: bundles are
//! encrypted for the laptops of the network's current members (or with a passphrase), and
//! every laptop has its own real device key in its own data folder.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::serving::join;
use common::*;

/// Note text no file on the stick may show.
const MARKER: &str = "Vertrouwelijk: zorgleerling M. 7f3c9a";

/// Bram joins Anna's network with a ticket, as anyone would; returns his member id.
fn bram_joins(a: &Path, b: &Path) -> String {
    id(&join(a, b, "Bram Jansen"), "member")
}

/// A session with the marker in its notes.
fn confidential_session(data: &Path) -> String {
    let added = ok(data, &["session", "add", "--title", "Casusoverleg", "--kind", "plg", "--date", "2026-11-24"]);
    let session = id(&added, "session");
    ok(data, &["session", "notes", "--session", &session, "--append", MARKER]);
    session
}

fn contains(file: &Path, text: &str) -> bool {
    std::fs::read(file).unwrap().windows(text.len()).any(|w| w == text.as_bytes())
}

fn networks(data: &Path) -> usize {
    ok(data, &["network", "list"])["networks"].as_array().unwrap().len()
}

/// `kring` with a passphrase in `KRING_BUNDLE_PASSPHRASE` and/or on stdin.
fn kring_asked(data: &Path, args: &[&str], env: Option<&str>, stdin: Option<&str>) -> Output {
    networks(data); // the data folder exists and is private before the real command
    let mut command = Command::new(env!("CARGO_BIN_EXE_kring"));
    command.arg("--data-dir").arg(data).args(args).env_remove("KRING_DATA_DIR");
    match env {
        Some(passphrase) => command.env("KRING_BUNDLE_PASSPHRASE", passphrase),
        None => command.env_remove("KRING_BUNDLE_PASSPHRASE"),
    };
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(line) = stdin {
        input.write_all(format!("{line}\n").as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn failure(output: &Output) -> String {
    assert!(!output.status.success(), "should have failed: {}", String::from_utf8_lossy(&output.stdout));
    assert!(output.stdout.is_empty());
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn success(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn only_the_laptops_of_current_members_can_import_a_bundle() {
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, b, stranger, stick) = (dirs[0].path(), dirs[1].path(), dirs[2].path(), dirs[3].path());
    let (network, _) = create_network(a);
    let bram = bram_joins(a, b);
    // Written after Bram's laptop last saw Anna's: it reaches him only on the stick.
    confidential_session(a);
    let file = stick.join("plg.kring");
    let exported = ok(a, &["bundle", "export", file.to_str().unwrap()]);
    assert_eq!(exported["locked_for"]["members_devices"], 2, "Anna's laptop and Bram's");
    assert!(!contains(&file, MARKER), "the notes are not readable in the bundle");
    assert!(!contains(&file, &network), "nor is the network's id");

    // A laptop of no member: a clear refusal, with or without --accept-new-network; nothing kept.
    for args in [
        vec!["bundle", "import", file.to_str().unwrap()],
        vec!["bundle", "import", file.to_str().unwrap(), "--accept-new-network"],
    ] {
        let refused = fails(stranger, &args);
        assert!(refused.contains("locked for the laptops of the network's members"), "{refused}");
        assert!(refused.contains("this laptop is not one of them"), "{refused}");
    }
    assert_eq!(networks(stranger), 0);

    // Bram's laptop reads it and takes the new notes in.
    let imported = ok(b, &["bundle", "import", file.to_str().unwrap()]);
    assert!(imported["new_changes"].as_u64().unwrap() >= 1, "{imported}");
    assert_eq!(ok(b, &["show"])["sessions"][0]["notes"], MARKER);
    assert_eq!(kring(a, &["show"]).stdout, kring(b, &["show"]).stdout);

    // Once Anna removes Bram, her next bundle is not for his laptop any more.
    ok(a, &["member", "remove", "--member", &bram]);
    ok(a, &["bundle", "export", file.to_str().unwrap()]);
    let before = kring(b, &["show"]).stdout;
    let refused = fails(b, &["bundle", "import", file.to_str().unwrap()]);
    assert!(refused.contains("this laptop is not one of them"), "{refused}");
    assert_eq!(kring(b, &["show"]).stdout, before, "Bram's copy is as it was");
}

#[test]
fn a_bundle_carries_the_network_to_a_members_laptop_and_later_changes_merge_in() {
    let (a, b, stick) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (network, _) = create_network(a.path());
    let session =
        id(&ok(a.path(), &["session", "add", "--title", "Start", "--kind", "plg", "--date", "2026-11-24"]), "session");
    ok(a.path(), &["session", "notes", "--session", &session, "--append", "Eerste notities."]);
    let file = stick.path().join("plg.kring-bundle");
    let file = file.to_str().unwrap();
    let exported = ok(a.path(), &["bundle", "export", file]);
    assert_eq!(exported["network"], network.as_str());

    // Anna's new laptop: moved there with her device key only (the network folder was lost).
    // It is a member's laptop without the network, and takes it in only when asked to.
    ok(b.path(), &["network", "list"]);
    std::fs::copy(a.path().join("device.key"), b.path().join("device.key")).unwrap();
    assert!(fails(b.path(), &["bundle", "import", file]).contains("--accept-new-network"));
    assert_eq!(networks(b.path()), 0);
    let imported = ok(b.path(), &["bundle", "import", file, "--accept-new-network"]);
    assert_eq!(imported["created"], true);
    assert_eq!(kring(a.path(), &["show"]).stdout, kring(b.path(), &["show"]).stdout);

    // Later edits on A arrive with the next bundle; importing the same bundle twice is harmless.
    ok(a.path(), &["session", "notes", "--session", &session, "--append", "Na de pauze."]);
    ok(a.path(), &["bundle", "export", "--network", &network, file]);
    let merged = ok(b.path(), &["bundle", "import", file]);
    assert_eq!(merged["created"], false);
    assert!(merged["new_changes"].as_u64().unwrap() >= 1);
    assert_eq!(ok(b.path(), &["bundle", "import", file])["new_changes"], 0);
    assert_eq!(kring(a.path(), &["show"]).stdout, kring(b.path(), &["show"]).stdout);
    assert_eq!(ok(b.path(), &["show"])["sessions"][0]["notes"], "Eerste notities.\nNa de pauze.");
}

#[test]
fn a_passphrase_bundle_is_for_a_laptop_that_is_not_a_member_yet() {
    let (a, newcomer, stick) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, newcomer) = (a.path(), newcomer.path());
    create_network(a);
    confidential_session(a);
    let file = stick.path().join("plg.kring");
    let export = ["bundle", "export", file.to_str().unwrap(), "--passphrase"];

    // A passphrase that is easily guessed, or none at all: nothing is written.
    let short = failure(&kring_asked(a, &export, Some("geheim"), None));
    assert!(short.contains("at least 12 characters"), "{short}");
    let none = failure(&kring_asked(a, &export, None, None));
    assert!(none.contains("KRING_BUNDLE_PASSPHRASE"), "{none}");
    assert!(!file.exists());

    let passphrase = "de bus naar Leiden rijdt om negen";
    let exported = success(&kring_asked(a, &export, Some(passphrase), None));
    assert_eq!(exported["locked_for"], "passphrase");
    assert!(!contains(&file, MARKER), "the notes are not readable in the bundle");

    // The import asks for the passphrase: none, a wrong one, then the right one on stdin.
    let import = ["bundle", "import", file.to_str().unwrap(), "--accept-new-network"];
    let asked = failure(&kring_asked(newcomer, &import, None, None));
    assert!(asked.contains("this needs a passphrase"), "{asked}");
    let wrong = failure(&kring_asked(newcomer, &import, None, Some("de bus naar Leiden rijdt om tien")));
    assert!(wrong.contains("the passphrase is wrong"), "{wrong}");
    assert_eq!(networks(newcomer), 0, "nothing is kept after a wrong passphrase");
    let imported = success(&kring_asked(newcomer, &import, None, Some(passphrase)));
    assert_eq!(imported["created"], true);
    assert_eq!(ok(newcomer, &["show"])["sessions"][0]["notes"], MARKER);
    assert_eq!(kring(a, &["show"]).stdout, kring(newcomer, &["show"]).stdout);
    // A member's laptop needs the passphrase too: the bundle is locked with nothing else.
    assert!(failure(&kring_asked(a, &import, None, None)).contains("this needs a passphrase"));
    assert_eq!(success(&kring_asked(a, &import, Some(passphrase), None))["new_changes"], 0);
}

#[test]
fn a_damaged_or_foreign_file_is_refused_and_changes_nothing() {
    let (a, b, stick) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    create_network(a.path());
    confidential_session(a.path());
    let file = stick.path().join("plg.kring-bundle");
    ok(a.path(), &["bundle", "export", file.to_str().unwrap()]);
    ok(b.path(), &["network", "list"]);
    std::fs::copy(a.path().join("device.key"), b.path().join("device.key")).unwrap();
    let before = kring(a.path(), &["show"]).stdout;

    // One changed byte in the encrypted part: refused whole, on a laptop with the network and on
    // one without it.
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    let damaged = stick.path().join("damaged.kring-bundle");
    std::fs::write(&damaged, &bytes).unwrap();
    let damaged = damaged.to_str().unwrap();
    assert!(fails(a.path(), &["bundle", "import", damaged]).contains("it is damaged or was changed"));
    assert!(fails(b.path(), &["bundle", "import", damaged, "--accept-new-network"]).contains("damaged"));
    assert_eq!(networks(b.path()), 0);

    let foreign = stick.path().join("notes.txt");
    std::fs::write(&foreign, "just some text").unwrap();
    assert!(fails(a.path(), &["bundle", "import", foreign.to_str().unwrap()]).contains("not a Kring bundle"));
    // An unencrypted bundle of an older Kring is named as such.
    let older = stick.path().join("older.kring-bundle");
    std::fs::write(&older, b"KRB2\x0bplg-rekenen").unwrap();
    let refused = fails(a.path(), &["bundle", "import", older.to_str().unwrap()]);
    assert!(refused.contains("made by an older Kring (not locked)"), "{refused}");
    assert!(fails(a.path(), &["bundle", "import", "/no/such/file"]).contains("cannot read /no/such/file"));
    assert_eq!(kring(a.path(), &["show"]).stdout, before);
}

#[test]
fn removing_members_follows_the_rules() {
    let a = tempfile::tempdir().unwrap();
    let (_, anna) = create_network(a.path());
    assert!(fails(a.path(), &["member", "remove", "--member", "nobody"]).contains("no member nobody"));
    assert!(fails(a.path(), &["member", "remove", "--member", &anna]).contains("last coordinator"));
    assert_eq!(ok(a.path(), &["show"])["members"][0]["removed"], false);
}
