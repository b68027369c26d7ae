//! Carrying a network between laptops on a USB stick, with the real binary.

mod common;

use common::*;

#[test]
fn a_bundle_carries_the_network_and_later_changes_merge_in() {
    let (a, b, stick) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (network, _) = create_network(a.path());
    let session =
        id(&ok(a.path(), &["session", "add", "--title", "Start", "--kind", "plg", "--date", "2026-11-24"]), "session");
    ok(a.path(), &["session", "notes", "--session", &session, "--append", "Eerste notities."]);
    let file = stick.path().join("plg.kring-bundle");
    let file = file.to_str().unwrap();

    let exported = ok(a.path(), &["bundle", "export", file]);
    assert_eq!(exported["network"], network.as_str());

    // A laptop that never saw the network only takes it in when asked to.
    assert!(fails(b.path(), &["bundle", "import", file]).contains("--accept-new-network"));
    assert!(ok(b.path(), &["network", "list"])["networks"].as_array().unwrap().is_empty());
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
fn a_damaged_or_foreign_file_is_refused_and_changes_nothing() {
    let (a, stick) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    create_network(a.path());
    let file = stick.path().join("plg.kring-bundle");
    ok(a.path(), &["bundle", "export", file.to_str().unwrap()]);
    let before = kring(a.path(), &["show"]).stdout;

    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    let damaged = stick.path().join("damaged.kring-bundle");
    std::fs::write(&damaged, &bytes).unwrap();
    assert!(fails(a.path(), &["bundle", "import", damaged.to_str().unwrap()]).contains("checksum mismatch"));

    let foreign = stick.path().join("notes.txt");
    std::fs::write(&foreign, "just some text").unwrap();
    assert!(fails(a.path(), &["bundle", "import", foreign.to_str().unwrap()]).contains("not a Kring bundle"));
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
