//! "Who has switched" to a network's new chapter, against the real `kring` binary: every
//! laptop names its chapter when it syncs, and a laptop keeps what it heard, so that
//! `kring chapter show` (a process of its own, after the sync has ended) lists it per member.

mod common;

use std::path::Path;

use common::serving::{Serving, join, sync};
use common::*;
use serde_json::Value;

/// Each current member's name with what `kring chapter show` on `data` says of them.
fn switched(data: &Path) -> Vec<(String, String)> {
    let shown = ok(data, &["chapter", "show"]);
    let members = shown["members"].as_array().expect("members listed");
    let mut listed: Vec<(String, String)> = members
        .iter()
        .map(|m: &Value| (m["name"].as_str().unwrap().to_string(), m["chapter"].as_str().unwrap().to_string()))
        .collect();
    listed.sort();
    listed
}

#[test]
fn who_has_switched_to_a_new_chapter_is_listed_per_member_and_kept_after_the_sync_ends() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (anna, bram, cor) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    create_network(anna);
    join(anna, bram, "Bram");
    join(anna, cor, "Cor");

    ok(anna, &["chapter", "new"]);
    let nobody_heard = vec![
        ("Anna de Vries".to_string(), "switched".to_string()),
        ("Bram".to_string(), "unknown".to_string()),
        ("Cor".to_string(), "unknown".to_string()),
    ];
    assert_eq!(switched(anna), nobody_heard);

    // Bram syncs with Anna's laptop and takes the new chapter; Cor stays away.
    let serving = Serving::start(anna, &[]);
    sync(bram);
    assert!(serving.stop());
    assert_eq!(ok(bram, &["chapter", "show"])["chapter"], 2);

    let after = vec![
        ("Anna de Vries".to_string(), "switched".to_string()),
        ("Bram".to_string(), "switched".to_string()),
        ("Cor".to_string(), "unknown".to_string()),
    ];
    assert_eq!(switched(anna), after, "Anna's laptop heard Bram's name the new chapter");
    assert_eq!(switched(bram), after, "and Bram's heard Anna's");
}
