//! Laptops on a real (simulated) LAN: network namespaces joined by a bridge, addresses
//! 10.77.0.N, nothing routed anywhere else (see `common::netns`). Needs root; CI runs as root.
//! Every time these tests measure is printed as a `MEASURED:` line (`--nocapture` shows them).

mod common;

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use common::netns::{Lan, LanSetup, namespace_exists};
use common::serving::Serving;
use common::*;
use serde_json::Value;

/// Forgets every address this laptop knows of others (the address book is only a cache; its
/// own last port is kept): what brings laptops together afterwards is the LAN, a typed address
/// or a ticket.
fn forget_addresses(data: &Path) {
    let path = data.join("addresses.json");
    let mut book: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    book["devices"] = serde_json::json!({});
    book["sources"] = serde_json::json!({});
    std::fs::write(&path, serde_json::to_vec(&book).unwrap()).unwrap();
}

/// Laptops 1, 2, … (`others`) join the network of laptop 0 (`a`) with one ticket from A's
/// `serve --invite`; returns the ticket.
fn join_over_the_lan(lan: &Lan, a: &Path, others: &[&Path]) -> String {
    let uses = others.len().to_string();
    let serving = lan.serve(0, a, &["--invite", "--max-uses", &uses]);
    let ticket = id(&serving.first_line, "ticket");
    for (n, data) in others.iter().enumerate() {
        lan.ok(n + 1, data, &["join", &ticket, "--me", &format!("Collega {}", n + 1), "--offline", "--timeout", "15"]);
    }
    assert!(serving.stop(), "A's serve exits cleanly");
    ticket
}

/// Not a warning or an error among what the laptops printed.
fn assert_quiet(printed: &[String]) {
    let noise: Vec<&String> = printed.iter().filter(|l| l.contains("WARN") || l.contains("ERROR")).collect();
    assert!(noise.is_empty(), "{noise:#?}");
}

/// The address of a serving laptop as Kring shows it: `ID@IP:PORT`.
fn address_of(serving: &Serving) -> String {
    let addrs: Vec<&str> =
        serving.first_line["addrs"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    format!("{}@{}", id(&serving.first_line, "endpoint"), addrs.join(","))
}

fn in_sync(peers: &Value) -> bool {
    peers.as_array().is_some_and(|peers| !peers.is_empty() && peers.iter().all(|p| p["status"] == "in-sync"))
}

fn printed_lines(serving: &Serving) -> Vec<String> {
    serving.printed().lock().unwrap().clone()
}

#[test]
fn laptops_find_each_other_and_sync_on_a_lan_without_a_default_route() {
    let Some(lan) = Lan::new(2, LanSetup::ISOLATED) else { return };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (a.path(), b.path());
    let (network, _) = create_network(a);
    join_over_the_lan(&lan, a, &[b]);
    // A's laptop got another address: B only knows the old one, A knows none (B's address
    // would also tell B where A is now).
    lan.readdress(0, 21);
    forget_addresses(a);
    let session =
        id(&ok(a, &["session", "add", "--title", "Leerhuis", "--kind", "leerhuis", "--date", "2026-12-03"]), "session");

    // Both serve, neither knows where the other is now: they find each other by mDNS.
    let serving_a = lan.serve(0, a, &[]);
    let started = Instant::now();
    let serving_b = lan.serve(1, b, &[]);
    let synced = serving_b.wait_for(Duration::from_secs(20), |e| e["event"] == "in-sync" && e["network"] == network);
    let took = started.elapsed();
    assert!(synced.is_some(), "B never synced with A; B printed {:?}", printed_lines(&serving_b));
    eprintln!("MEASURED: two serving laptops found each other and synced without a default route in {took:?}");
    assert!(took < Duration::from_secs(10), "finding each other took {took:?}");
    let printed: Vec<String> = [&serving_a, &serving_b].iter().flat_map(|s| printed_lines(s)).collect();
    assert!(serving_b.stop(), "B's serve exits cleanly");
    assert!(serving_a.stop(), "A's serve exits cleanly");
    assert!(ok(b, &["show"])["sessions"].as_array().unwrap().iter().any(|s| s["id"] == session.as_str()));
    // Not a word about mDNS failing (no warning at all, on either laptop).
    assert_quiet(&printed);

    // A one-off sync finds a serving laptop too: it dials A by id alone and hears where it is.
    forget_addresses(a);
    forget_addresses(b);
    let question = id(&ok(a, &["question", "add", "--title", "Hoe betrekken we ouders?"]), "question");
    let serving_a = lan.serve(0, a, &[]);
    let started = Instant::now();
    let synced = lan.ok(1, b, &["sync", "--offline", "--timeout", "15"]);
    let took = started.elapsed();
    assert!(in_sync(&synced["peers"]), "{synced}");
    eprintln!("MEASURED: a one-off `kring sync` found A on the LAN and synced in {took:?} (process start to exit)");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(serving_a.stop());
    assert!(ok(b, &["show"])["questions"].as_array().unwrap().iter().any(|q| q["id"] == question.as_str()));
}

#[test]
fn a_laptop_whose_cable_is_plugged_in_later_is_found_without_a_restart() {
    let Some(lan) = Lan::new(2, LanSetup::ISOLATED) else { return };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (a.path(), b.path());
    let (network, _) = create_network(a);
    join_over_the_lan(&lan, a, &[b]);
    forget_addresses(a);
    forget_addresses(b);
    let session =
        id(&ok(a, &["session", "add", "--title", "Studiedag", "--kind", "plg", "--date", "2026-12-17"]), "session");

    // B starts with its cable out (Wi-Fi not yet connected): no interface to use.
    lan.link(1, false);
    let serving_a = lan.serve(0, a, &[]);
    let serving_b = lan.serve(1, b, &[]);
    let is_synced = |e: &Value| e["event"] == "in-sync" && e["network"] == network;
    assert!(serving_b.wait_for(Duration::from_secs(2), is_synced).is_none(), "synced without a cable");
    let plugged_in = Instant::now();
    lan.link(1, true);
    let synced = serving_b.wait_for(Duration::from_secs(15), is_synced);
    let took = plugged_in.elapsed();
    assert!(synced.is_some(), "B never synced; B printed {:?}", printed_lines(&serving_b));
    eprintln!("MEASURED: a laptop plugged in while serving was found and synced in {took:?}");
    assert!(took <= Duration::from_secs(2), "{took:?}");

    // B's cable is pulled: A shows B gone within 10 s (keep-alives), not after QUIC's 30 s.
    let device_b = id(&serving_b.first_line, "endpoint");
    serving_a.skip_printed();
    let pulled = Instant::now();
    lan.link(1, false);
    let gone = serving_a
        .wait_for(Duration::from_secs(20), |e| e["event"] == "peer-disconnected" && e["endpoint"] == device_b.as_str());
    let took = pulled.elapsed();
    assert!(gone.is_some(), "A never noticed B was gone; A printed {:?}", printed_lines(&serving_a));
    eprintln!("MEASURED: a laptop whose cable was pulled was shown gone after {took:?}");
    assert!(took <= Duration::from_secs(10), "{took:?}");

    // Plugged in again: the two find each other again and sync.
    let plugged_in = Instant::now();
    lan.link(1, true);
    let synced = serving_b.wait_for(Duration::from_secs(15), is_synced);
    let took = plugged_in.elapsed();
    assert!(
        synced.is_some(),
        "B never synced again; B printed {:?}; A printed {:?}",
        printed_lines(&serving_b),
        printed_lines(&serving_a)
    );
    eprintln!("MEASURED: the cable plugged in again, the two synced again after {took:?}");
    assert!(took <= Duration::from_secs(2), "{took:?}");
    let printed: Vec<String> = [&serving_a, &serving_b].iter().flat_map(|s| printed_lines(s)).collect();
    assert!(serving_b.stop(), "B's serve exits cleanly");
    assert!(serving_a.stop(), "A's serve exits cleanly");
    assert!(ok(b, &["show"])["sessions"].as_array().unwrap().iter().any(|s| s["id"] == session.as_str()));
    assert_quiet(&printed);
}

#[test]
fn with_multicast_dropped_a_typed_address_or_the_ticket_pasted_again_connects() {
    let Some(lan) = Lan::new(2, LanSetup { drop_multicast: true, ..LanSetup::ISOLATED }) else { return };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (a.path(), b.path());
    let (network, _) = create_network(a);
    let ticket = join_over_the_lan(&lan, a, &[b]);
    // A does not dial B (B's address would also tell B where A is now).
    forget_addresses(a);

    // A's laptop gets another address; B only knows the old one, and mDNS cannot help.
    lan.readdress(0, 11);
    let session =
        id(&ok(a, &["session", "add", "--title", "Intervisie", "--kind", "plg", "--date", "2026-12-10"]), "session");
    let serving = lan.serve(0, a, &[]);
    let stale = lan.ok(1, b, &["sync", "--offline", "--timeout", "3"]);
    assert!(!in_sync(&stale["peers"]), "B reached A without its new address: {stale}");

    // Typed in as A's Kring shows it.
    let address = address_of(&serving);
    assert!(address.contains("@10.77.0.11:"), "{address}");
    let started = Instant::now();
    let connected = lan.ok(1, b, &["connect", &address, "--offline", "--timeout", "10"]);
    let took = started.elapsed();
    assert!(in_sync(&connected["peers"]), "{connected}");
    assert_eq!(connected["learned"], true);
    assert_eq!(connected["member_device"], true);
    eprintln!("MEASURED: `kring connect ID@IP:PORT` with multicast dropped synced in {took:?} (process start to exit)");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(serving.stop());
    assert!(ok(b, &["show"])["sessions"].as_array().unwrap().iter().any(|s| s["id"] == session.as_str()));

    // A is back at the address of the ticket; B lost everything it knew of addresses. Pasting
    // the ticket again refreshes them (it does not fail with "already on this device").
    lan.readdress(0, 1);
    forget_addresses(b);
    let question = id(&ok(a, &["question", "add", "--title", "Wat werkt bij ouders?"]), "question");
    let serving = lan.serve(0, a, &[]);
    let started = Instant::now();
    let refreshed = lan.ok(1, b, &["join", &ticket, "--me", "Collega 1", "--offline", "--timeout", "10"]);
    let took = started.elapsed();
    assert_eq!(refreshed["refreshed"], true, "{refreshed}");
    assert_eq!(refreshed["network"], network.as_str());
    assert!(in_sync(&refreshed["peers"]), "{refreshed}");
    eprintln!("MEASURED: the ticket pasted again (`kring join`) with multicast dropped synced in {took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(serving.stop());
    assert!(ok(b, &["show"])["questions"].as_array().unwrap().iter().any(|q| q["id"] == question.as_str()));
    // `kring connect TICKET` does the same.
    let serving = lan.serve(0, a, &[]);
    let connected = lan.ok(1, b, &["connect", &ticket, "--offline", "--timeout", "10"]);
    assert_eq!(connected["refreshed"], true, "{connected}");
    assert!(in_sync(&connected["peers"]), "{connected}");
    assert!(serving.stop());
}

#[test]
fn behind_a_gateway_that_drops_everything_dns_stays_quiet_and_private() {
    let Some(lan) = Lan::new(3, LanSetup { silent_gateway: true, ..LanSetup::ISOLATED }) else { return };
    let dirs = [(); 3].map(|()| tempfile::tempdir().unwrap());
    let [a, b, c] = [0, 1, 2].map(|n| dirs[n].path());
    create_network(a);
    join_over_the_lan(&lan, a, &[b, c]);
    // B uses no public service. C's laptop stays closed, so both have someone to look for.
    ok(b, &["settings", "--no-public-services", "true"]);
    let (dns_a, dns_b) = (lan.capture_dns(0), lan.capture_dns(1));
    let started = Instant::now();
    let serving_a = lan.serve_online(0, a, &[]);
    let serving_b = lan.serve_online(1, b, &[]);
    let internet = serving_a.wait_for(Duration::from_secs(30), |e| e["event"] == "internet");
    assert_eq!(internet.as_ref().map(|e| e["reachable"].clone()), Some(Value::Bool(false)), "{internet:?}");
    std::thread::sleep(Duration::from_secs(60).saturating_sub(started.elapsed()));
    let printed = [serving_a.printed(), serving_b.printed()];
    assert!(serving_a.stop(), "A's serve exits cleanly");
    assert!(serving_b.stop(), "B's serve exits cleanly");
    let (packets_a, packets_b) = (dns_a.stop(), dns_b.stop());
    eprintln!(
        "MEASURED: DNS packets in 60 s behind a silent gateway: {} in online mode, {} with no public services",
        packets_a.len(),
        packets_b.len()
    );
    assert!(packets_a.len() <= 36, "{} DNS packets: {packets_a:#?}", packets_a.len());
    assert!(packets_b.is_empty(), "no public services, yet DNS: {packets_b:#?}");

    // Said once, quietly: one `internet` event, no warning or error (a normal stop included).
    let printed: Vec<String> = printed.iter().flat_map(|p| p.lock().unwrap().clone()).collect();
    let said = printed.iter().filter(|l| l.contains(r#""event":"internet""#)).count();
    assert_eq!(said, 1, "{printed:#?}");
    assert_quiet(&printed);
}

#[test]
fn laptops_that_cannot_reach_each_other_sync_through_the_schools_own_relay() {
    // Client isolation and no multicast: A and C only reach the school's server (host 2).
    let Some(lan) = Lan::new(3, LanSetup { drop_multicast: true, ..LanSetup::ISOLATED }) else { return };
    lan.isolate(&[0, 1]);
    let (a, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, c) = (a.path(), c.path());
    let (network, _) = create_network(a);

    // The school runs `kring relay` on its server; every laptop is pointed at it.
    let mut relay = lan.command(2, env!("CARGO_BIN_EXE_kring"));
    relay.args(["relay", "--listen", &format!("{}:3340", Lan::ip(2))]);
    let relay = Serving::run(relay, true);
    let url = relay.first_line["relay"].as_str().unwrap().to_string();
    assert_eq!(url, format!("http://{}:3340", Lan::ip(2)));
    for data in [a, c] {
        ok(data, &["settings", "--relay-url", &url, "--no-public-services", "true"]);
    }

    // C joins with A's ticket: the only way to A is through the relay.
    let serving = lan.serve_online(0, a, &["--invite"]);
    let ticket = id(&serving.first_line, "ticket");
    assert!(serving.first_line["addrs"].as_array().unwrap().contains(&Value::from(format!("{url}/"))));
    let started = Instant::now();
    let joined = lan.ok(1, c, &["join", &ticket, "--me", "Chris", "--timeout", "20"]);
    eprintln!("MEASURED: a join through the school's relay took {:?} (process start to exit)", started.elapsed());
    assert_eq!(joined["network"], network.as_str());
    assert!(serving.stop(), "A's serve exits cleanly");

    // A direct path really is closed: without the relay, C cannot reach A.
    let session =
        id(&ok(a, &["session", "add", "--title", "Via de relay", "--kind", "plg", "--date", "2026-12-08"]), "session");
    let serving = lan.serve_online(0, a, &[]);
    let direct = lan.ok(1, c, &["connect", &address_of(&serving), "--offline", "--timeout", "3"]);
    assert!(!in_sync(&direct["peers"]), "C reached A without the relay: {direct}");

    // With it, they sync; everything the relay passes on is recorded on the school's server.
    let recording = lan.record(2, "tcp port 3340");
    let started = Instant::now();
    let synced = lan.ok(1, c, &["sync", "--timeout", "20"]);
    let took = started.elapsed();
    assert!(in_sync(&synced["peers"]), "{synced}");
    eprintln!("MEASURED: `kring sync` through the school's relay took {took:?} (process start to exit)");
    assert!(serving.stop(), "A's serve exits cleanly");
    assert!(ok(c, &["show"])["sessions"].as_array().unwrap().iter().any(|s| s["id"] == session.as_str()));
    // The relay passed the new meeting on, yet no byte of it was readable there.
    let passed = recording.stop();
    assert!(passed.len() > 2_000, "the relay carried the sync ({} bytes recorded)", passed.len());
    // The recording holds what is plain (the relay's own HTTP), so plain text would show.
    assert!(passed.windows(6).any(|w| w == b"/relay"), "the recording holds the relay's plain HTTP request");
    for secret in [b"Via de relay".as_slice(), network.as_bytes(), b"Chris"] {
        assert!(
            !passed.windows(secret.len()).any(|w| w == secret),
            "{:?} readable at the relay",
            String::from_utf8_lossy(secret)
        );
    }
    assert!(relay.stop(), "the relay stops cleanly");
}

#[test]
fn a_typed_address_that_is_no_address_is_a_clear_error() {
    // No network needed: the address is refused before anything is contacted.
    let b = tempfile::tempdir().unwrap();
    create_network(b.path());
    for bad in ["10.77.0.1:4433", "not-an-id@10.77.0.1:4433", "kringnotaticket"] {
        let message = fails(b.path(), &["connect", bad, "--offline", "--bind", "127.0.0.1:0"]);
        assert!(message.contains("is not a Kring address"), "{bad}: {message}");
    }
}

#[test]
fn the_lan_is_taken_down_even_when_a_test_fails() {
    let mut names = Vec::new();
    let mut sleeper: Option<Child> = None;
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let Some(lan) = Lan::new(2, LanSetup { default_route: true, drop_multicast: true, silent_gateway: true })
        else {
            return;
        };
        names = (0..2).map(|host| lan.ns(host).to_string()).collect();
        assert!(names.iter().all(|name| namespace_exists(name)));
        // A process left running in a laptop, as a failing test leaves its `kring serve`.
        sleeper = Some(lan.command(0, "sleep").arg("600").spawn().unwrap());
        panic!("a test fails with its LAN up");
    }));
    if names.is_empty() {
        return; // not root: skipped (said so above)
    }
    assert!(failed.is_err());
    for name in &names {
        assert!(!namespace_exists(name), "{name} is left behind");
        assert!(!Path::new("/etc/netns").join(name).exists(), "its DNS settings are left behind");
    }
    let mut sleeper = sleeper.unwrap();
    let until = Instant::now() + Duration::from_secs(5);
    while sleeper.try_wait().unwrap().is_none() {
        assert!(Instant::now() < until, "the process in the LAN still runs");
        std::thread::sleep(Duration::from_millis(20));
    }
}
