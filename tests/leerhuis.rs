//! The leerhuis with the real `kring` binary, several laptops on loopback (`--offline`): Lotte
//! coordinates "Leerhuis Jeugd"; Anna coordinates "PLG Rekenen" (Bram is a member there) and
//! Dirk "Jeugdzorg Noord". Both link their network with a link ticket, share what they learned
//! as copies, and each sees the other's, with its source; Bram joins through his PLG without
//! an invitation; nothing else of a network reaches the leerhuis.

mod common;

use std::path::Path;

use common::serving::{LOOPBACK, Serving, sync};
use common::*;
use serde_json::Value;

/// `kring` with the loopback network arguments after `args`.
fn on_loopback(data: &Path, args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    all.extend(LOOPBACK);
    kring(data, &all)
}

/// Lotte's leerhuis, with `tickets` link tickets made and her laptop's address learned (a
/// ticket says where to find it).
fn leerhuis(l: &Path, tickets: usize) -> (String, Vec<String>) {
    let created = ok(l, &["network", "create", "--kind", "leerhuis", "--name", "Leerhuis Jeugd", "--me", "Lotte"]);
    let leerhuis = id(&created, "network");
    assert!(Serving::start(l, &[]).stop(), "serving once: the laptop learns its address");
    let tickets = (0..tickets).map(|_| id(&ok(l, &["leerhuis", "link-ticket", "--network", &leerhuis]), "ticket"));
    let tickets = tickets.collect();
    (leerhuis, tickets)
}

/// A coordinator's network with one theme.
fn network(data: &Path, name: &str, me: &str, theme: &str) -> String {
    let network = id(&ok(data, &["network", "create", "--name", name, "--me", me]), "network");
    ok(data, &["network", "theme", "add", "--theme", theme]);
    network
}

fn question(data: &Path, network: &str, title: &str, theme: Option<&str>) -> String {
    let add = ["question", "add", "--network", network, "--title", title, "--details", "Eerste versie"];
    let question = id(&ok(data, &add), "question");
    if let Some(theme) = theme {
        ok(data, &["question", "theme", "--network", network, "--question", &question, "--theme", theme]);
    }
    question
}

fn files_contain(dir: &Path, needle: &str) -> bool {
    walk(dir).iter().any(|file| {
        let bytes = std::fs::read(file).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

fn items(overview: &Value) -> Vec<&Value> {
    overview["items"].as_array().unwrap().iter().collect()
}

#[test]
fn two_networks_link_into_a_leerhuis_and_each_sees_what_the_other_shared_with_its_source() {
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let (l, a, b, d) = (dirs[0].path(), dirs[1].path(), dirs[2].path(), dirs[3].path());
    let plg = network(a, "PLG Rekenen", "Anna", "werkplezier");
    let bram = id(&common::serving::join(a, b, "Bram"), "member");
    let jeugdzorg = network(d, "Jeugdzorg Noord", "Dirk", "werkplezier");
    let (leerhuis, tickets) = leerhuis(l, 2);

    // The link handshake: each coordinator brings a ticket to the leerhuis laptop.
    let serving = Serving::start(l, &[]);
    let linked = ok_on_loopback(a, &["leerhuis", "link", &tickets[0], "--network", &plg, "--timeout", "15"]);
    assert_eq!(linked["network"], leerhuis.as_str());
    let linked = ok_on_loopback(d, &["leerhuis", "link", &tickets[1], "--network", &jeugdzorg, "--timeout", "15"]);
    assert_eq!(linked["network"], leerhuis.as_str());
    assert!(serving.stop());

    let shown = ok(l, &["show", "--network", &leerhuis]);
    assert_eq!(shown["network"]["kind"], "leerhuis");
    let links = shown["links"].as_array().unwrap();
    let plg_link = links.iter().find(|link| link["id"] == plg.as_str()).expect("the PLG is linked");
    let on_the_plg_side = ok(a, &["show", "--network", &plg]);
    let anna = on_the_plg_side["members"].as_array().unwrap().iter().find(|m| m["name"] == "Anna").unwrap().clone();
    let delegates: Vec<&String> = plg_link["delegates"].as_object().unwrap().keys().collect();
    let anna_devices: Vec<&str> = anna["devices"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    let delegates: Vec<&str> = delegates.into_iter().map(String::as_str).collect();
    assert_eq!(delegates, anna_devices, "Anna's laptop acts for the PLG: {plg_link}");
    assert!(links.iter().any(|link| link["id"] == jeugdzorg.as_str() && link["name"] == "Jeugdzorg Noord"));
    assert_eq!(on_the_plg_side["network"]["leerhuizen"][0]["id"], leerhuis.as_str());
    assert_eq!(on_the_plg_side["network"]["leerhuizen"][0]["name"], "Leerhuis Jeugd");

    // Anna shares a question; Dirk shares one of his own, not about the theme.
    let feedback = question(a, &plg, "Hoe geven we feedback die leerlingen lezen?", Some("werkplezier"));
    let shared = ok(a, &["leerhuis", "publish", "--network", &plg, "--question", &feedback]);
    assert_eq!(shared["version"], 1);
    let own = question(d, &jeugdzorg, "Hoe houden we casusoverleg kort?", None);
    ok(d, &["leerhuis", "publish", "--network", &jeugdzorg, "--question", &own]);
    // Bram's copy of the PLG shows the leerhuis; he is not in it, and shares nothing.
    let serving = Serving::start(a, &[]);
    sync(b);
    assert!(serving.stop());
    assert_eq!(ok(b, &["show"])["network"]["leerhuizen"][0]["id"], leerhuis.as_str());
    let refused = fails(b, &["leerhuis", "publish", "--network", &plg, "--question", &feedback]);
    assert!(refused.contains("not on this device"), "{refused}");

    // He joins it through the PLG, without an invitation, while Anna's laptop is off: with the
    // access (a voucher) her laptop gave every member when she linked the PLG.
    let serving = Serving::start(l, &[]);
    let joined = ok_on_loopback(b, &["leerhuis", "join", "--network", &plg, "--timeout", "15"]);
    assert!(serving.stop());
    assert_eq!(joined["network"], leerhuis.as_str());
    let bram_there = id(&joined, "member");
    let members = ok(b, &["show", "--network", &leerhuis])["members"].clone();
    assert!(members.as_array().unwrap().iter().any(|m| m["id"] == bram_there.as_str() && m["name"] == "Bram"));
    // A member of the leerhuis, not a delegate of the PLG: he still shares nothing for it.
    let refused = fails(b, &["leerhuis", "publish", "--network", &plg, "--question", &feedback]);
    assert!(refused.contains("delegates"), "{refused}");

    // Anna edits the question at home: the leerhuis keeps the copy until she shares again.
    ok(a, &["question", "details", "--network", &plg, "--question", &feedback, "--append", "Tweede versie"]);
    let serving = Serving::start(l, &[]);
    sync(a);
    sync(d);
    assert!(serving.stop());
    let overview = ok(d, &["leerhuis", "overview", "--network", &leerhuis]);
    assert_eq!(items(&overview).len(), 2, "{overview}");
    let from_plg = items(&overview).into_iter().find(|item| item["source"]["network"] == plg.as_str()).unwrap();
    assert_eq!(from_plg["source"]["network_name"], "PLG Rekenen");
    assert_eq!(from_plg["source"]["record"], feedback.as_str());
    let shown = ok(d, &["show", "--network", &leerhuis]);
    let copy = shown["publications"].as_array().unwrap().iter().find(|p| p["from"] == plg.as_str()).unwrap().clone();
    assert_eq!(copy["body"], "Eerste versie", "the edit at home is not shared until shared again");

    let themed = ok(d, &["leerhuis", "overview", "--network", &leerhuis, "--theme", "werkplezier"]);
    assert_eq!(items(&themed).len(), 1, "only what is about werkplezier: {themed}");
    assert_eq!(items(&themed)[0]["source"]["network"], plg.as_str());

    // The programme report, as a web page for the funder, names both networks' shares.
    let page = d.join("verslag.html");
    let written = ok(d, &["leerhuis", "report", "--network", &leerhuis, "--out", page.to_str().unwrap(), "--html"]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(written["bytes"].as_u64(), Some(html.len() as u64));
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("Leerhuis Jeugd — programmaverslag"), "{html}");
    assert!(html.contains("<h3>PLG Rekenen</h3>") && html.contains("<h3>Jeugdzorg Noord</h3>"), "{html}");

    // A joint meeting for the PLG only: Lotte plans it; Dirk, no coordinator here, cannot.
    let plan = |data: &Path, open_to: &str| {
        let args = ["session", "create", "--network", &leerhuis, "--title", "Werkplezier", "--kind", "leerhuis"];
        let mut args = args.to_vec();
        args.extend(["--date", "2026-11-20", "--open-to", open_to]);
        kring(data, &args)
    };
    let planned = plan(l, &plg);
    assert!(planned.status.success(), "{}", String::from_utf8_lossy(&planned.stderr));
    let joint: Value = serde_json::from_slice(&planned.stdout).unwrap();
    let joint = id(&joint, "session");
    let meeting = |data: &Path| {
        let shown = ok(data, &["show", "--network", &leerhuis]);
        shown["sessions"].as_array().unwrap().iter().find(|s| s["id"] == joint.as_str()).unwrap().clone()
    };
    assert_eq!(meeting(l)["open_to"], serde_json::json!([plg]), "kring show prints whom it is for");
    assert!(!plan(d, &plg).status.success(), "only the leerhuis's coordinator chooses");
    let stranger = plan(l, "not-a-linked-network");
    assert!(String::from_utf8_lossy(&stranger.stderr).contains("not linked"), "only linked networks");
    ok(l, &["session", "edit", "--network", &leerhuis, "--session", &joint, "--open-to-all"]);
    assert!(meeting(l).get("open_to").is_none(), "for all linked networks again");

    // Nothing of the PLG but what Anna shared is in the leerhuis's files on Lotte's laptop.
    assert!(!files_contain(l, &bram), "no member id of the PLG on the leerhuis laptop");
    assert!(!files_contain(l, "Tweede versie"), "no text the PLG did not share");
}

fn ok_on_loopback(data: &Path, args: &[&str]) -> Value {
    let output = on_loopback(data, args);
    assert!(output.status.success(), "kring {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_link_ticket_lets_no_person_in_an_invite_links_no_network_and_a_small_round_stays_home() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (l, a, x) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    let plg = network(a, "PLG Rekenen", "Anna", "werkplezier");
    let (leerhuis, tickets) = leerhuis(l, 1);
    let invite = id(&ok(l, &["invite", "--network", &leerhuis]), "ticket");

    let serving = Serving::start(l, &[]);
    // Xander brings the link ticket as if it were an invitation: the same refusal as any.
    let joined = on_loopback(x, &["join", &tickets[0], "--me", "Xander", "--timeout", "10"]);
    assert!(!joined.status.success());
    assert!(String::from_utf8_lossy(&joined.stderr).contains("cannot be used"));
    // Anna brings an invitation as if it were a link ticket: refused, and nothing linked.
    let linked = on_loopback(a, &["leerhuis", "link", &invite, "--network", &plg, "--timeout", "10"]);
    assert!(!linked.status.success());
    assert!(String::from_utf8_lossy(&linked.stderr).contains("cannot be used"));
    assert!(serving.stop());
    assert!(ok(l, &["show", "--network", &leerhuis])["links"].as_array().unwrap().is_empty());
    assert!(ok(a, &["show", "--network", &plg])["network"]["leerhuizen"].as_array().unwrap().is_empty());
    assert!(fails(x, &["show"]).contains("no network"), "Xander holds nothing");

    // Linked after all, Anna cannot share a round only she scored.
    let serving = Serving::start(l, &[]);
    ok_on_loopback(a, &["leerhuis", "link", &tickets[0], "--network", &plg, "--timeout", "15"]);
    assert!(serving.stop());
    let round = id(&ok(a, &["reflection", "open", "--network", &plg, "--title", "Najaar"]), "round");
    ok(a, &["reflection", "score", "--network", &plg, "--round", &round, "--factor", "trust", "--score", "4"]);
    ok(a, &["reflection", "close", "--network", &plg, "--round", &round]);
    let refused = fails(a, &["leerhuis", "publish", "--network", &plg, "--reflection", &round]);
    assert!(refused.contains("from 5 scorers on"), "{refused}");
}

/// The members of the leerhuis as `data` holds it: name and whether removed.
fn leerhuis_members(data: &Path, leerhuis: &str) -> Vec<(String, bool)> {
    let shown = ok(data, &["show", "--network", leerhuis]);
    let members = shown["members"].as_array().unwrap().iter();
    members.map(|m| (m["name"].as_str().unwrap().to_string(), m["removed"].as_bool().unwrap())).collect()
}

#[test]
fn who_is_removed_from_the_network_and_a_network_that_leaves_lose_their_place_in_the_leerhuis() {
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let (l, a, b, c) = (dirs[0].path(), dirs[1].path(), dirs[2].path(), dirs[3].path());
    let plg = network(a, "PLG Rekenen", "Anna", "werkplezier");
    let bram = id(&common::serving::join(a, b, "Bram"), "member");
    common::serving::join(a, c, "Cas");
    let (leerhuis, tickets) = leerhuis(l, 1);
    let serving = Serving::start(l, &[]);
    ok_on_loopback(a, &["leerhuis", "link", &tickets[0], "--network", &plg, "--timeout", "15"]);
    assert!(serving.stop());
    let serving = Serving::start(a, &[]);
    sync(b);
    sync(c);
    assert!(serving.stop());
    let serving = Serving::start(l, &[]);
    for data in [b, c] {
        ok_on_loopback(data, &["leerhuis", "join", "--network", &plg, "--timeout", "15"]);
    }
    sync(a);
    assert!(serving.stop());
    let shared = question(a, &plg, "Hoe geven we feedback?", None);
    ok(a, &["leerhuis", "publish", "--network", &plg, "--question", &shared]);

    // Anna removes Bram from the PLG; her laptop holds the leerhuis too, so he loses his place
    // there as well, and the leerhuis laptop learns it at the next sync.
    ok(a, &["member", "remove", "--network", &plg, "--member", &bram]);
    let serving = Serving::start(l, &[]);
    sync(a);
    assert!(serving.stop());
    let members = leerhuis_members(l, &leerhuis);
    assert!(members.contains(&("Bram".into(), true)), "{members:?}");
    assert!(members.contains(&("Cas".into(), false)), "{members:?}");

    // The PLG leaves, withdrawing what it shared: Cas and Anna lose their place (they came through
    // it), the link shows it left,
    // and nothing more can be shared or joined through it.
    let left = ok(a, &["leerhuis", "unlink", "--network", &plg, "--withdraw"]);
    assert_eq!((left["removed"].as_u64(), left["withdrawn"].as_bool()), (Some(2), Some(true)), "Cas and Anna: {left}");
    let shown = ok(a, &["show", "--network", &leerhuis]);
    assert!(shown["links"][0]["left_at"].is_i64(), "{}", shown["links"]);
    assert!(shown["publications"].as_array().unwrap().iter().all(|p| p["withdrawn_at"].is_i64()));
    assert!(ok(a, &["show", "--network", &plg])["network"]["leerhuizen"][0]["left_at"].is_i64());
    assert!(fails(a, &["leerhuis", "publish", "--network", &plg, "--question", &shared]).contains("not linked"));
    let overview = ok(a, &["leerhuis", "overview", "--network", &leerhuis]);
    assert!(items(&overview).is_empty(), "{overview}");
    let serving = Serving::start(l, &[]);
    sync(a);
    assert!(serving.stop());
    assert!(leerhuis_members(l, &leerhuis).contains(&("Cas".into(), true)));
}

#[test]
fn a_plg_links_into_a_regional_team_that_links_into_the_core_team_and_no_circle_is_made() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (k, r, a) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    let (core, core_tickets) = leerhuis(k, 1);
    let created = ok(r, &["network", "create", "--kind", "leerhuis", "--name", "Regioteam Noord", "--me", "Rita"]);
    let regional = id(&created, "network");
    assert!(Serving::start(r, &[]).stop());
    let regional_ticket = id(&ok(r, &["leerhuis", "link-ticket", "--network", &regional]), "ticket");
    let plg = network(a, "PLG Rekenen", "Anna", "werkplezier");

    let serving = Serving::start(r, &[]);
    ok_on_loopback(a, &["leerhuis", "link", &regional_ticket, "--network", &plg, "--timeout", "15"]);
    assert!(serving.stop());
    // Anna coordinates a second PLG: her laptop, in the regional team already, links it too.
    let lezen = id(&ok(a, &["network", "create", "--name", "PLG Lezen", "--me", "Anna"]), "network");
    let second_ticket = id(&ok(r, &["leerhuis", "link-ticket", "--network", &regional]), "ticket");
    let serving = Serving::start(r, &[]);
    let second = ok_on_loopback(a, &["leerhuis", "link", &second_ticket, "--network", &lezen, "--timeout", "15"]);
    assert!(serving.stop());
    assert_eq!(second["network"], regional.as_str());
    let regional_seen = ok(r, &["show", "--network", &regional]);
    assert_eq!(regional_seen["links"].as_array().unwrap().len(), 2, "{regional_seen}");
    let annas = regional_seen["members"].as_array().unwrap().iter().filter(|m| m["name"] == "Anna").count();
    assert_eq!(annas, 1, "one place for Anna, not one per network: {regional_seen}");
    assert_eq!(ok(a, &["show", "--network", &lezen])["network"]["leerhuizen"].as_array().map(Vec::len), Some(1));
    let serving = Serving::start(k, &[]);
    let linked = ok_on_loopback(r, &["leerhuis", "link", &core_tickets[0], "--network", &regional, "--timeout", "15"]);
    assert!(serving.stop());
    assert_eq!(linked["network"], core.as_str());

    // The regional team shares what it learned with the core team, as any network does.
    let question = question(r, &regional, "Wat leren de PLG's van elkaar?", None);
    ok(r, &["leerhuis", "publish", "--network", &regional, "--leerhuis", &core, "--question", &question]);
    let serving = Serving::start(k, &[]);
    sync(r);
    assert!(serving.stop());
    let overview = ok(k, &["leerhuis", "overview", "--network", &core]);
    assert_eq!(items(&overview)[0]["source"]["network_name"], "Regioteam Noord", "{overview}");

    // The core team cannot be linked into the regional team below it.
    assert!(Serving::start(r, &[]).stop());
    let upward = id(&ok(r, &["leerhuis", "link-ticket", "--network", &regional]), "ticket");
    let serving = Serving::start(r, &[]);
    let circle = on_loopback(k, &["leerhuis", "link", &upward, "--network", &core, "--timeout", "10"]);
    assert!(serving.stop());
    assert!(!circle.status.success());
    assert!(String::from_utf8_lossy(&circle.stderr).contains("circle"), "{circle:?}");
    assert!(ok(r, &["show", "--network", &regional])["links"].as_array().unwrap().len() == 2, "only the PLGs");

    // Nor through a third: Wim's workshop leerhuis, with the core team linked into it, cannot go
    // under the regional team (which is under the core team).
    let w = tempfile::tempdir().unwrap();
    let w = w.path();
    let created = ok(w, &["network", "create", "--kind", "leerhuis", "--name", "Werkplaats", "--me", "Wim"]);
    let workshop = id(&created, "network");
    assert!(Serving::start(w, &[]).stop());
    let into_workshop = id(&ok(w, &["leerhuis", "link-ticket", "--network", &workshop]), "ticket");
    let serving = Serving::start(w, &[]);
    ok_on_loopback(k, &["leerhuis", "link", &into_workshop, "--network", &core, "--timeout", "15"]);
    assert!(serving.stop());
    let downward = id(&ok(r, &["leerhuis", "link-ticket", "--network", &regional]), "ticket");
    let serving = Serving::start(r, &[]);
    let circle = on_loopback(w, &["leerhuis", "link", &downward, "--network", &workshop, "--timeout", "10"]);
    assert!(serving.stop());
    assert!(!circle.status.success());
    assert!(String::from_utf8_lossy(&circle.stderr).contains("circle"), "{circle:?}");
    assert!(ok(r, &["show", "--network", &regional])["links"].as_array().unwrap().len() == 2, "still only the PLGs");
}
