//! Themes on sessions and questions: tags merge like votes, and a record in the bin or a blank
//! theme is refused without a change.

mod common;

use common::*;
use kring_model::*;

#[test]
fn two_members_tagging_a_session_at_once_both_count_and_untagging_removes_one() {
    let mut f = network_with_members(1);
    let bram = f.members[0].clone();
    let sid = session(&mut f.network, &f.coordinator, "Casusoverleg");
    let q = f.network.add_question(&f.coordinator, "Hoe betrekken we ouders?", "").unwrap();
    let mut at_bram = f.network.fork();
    f.network.tag_session(&f.coordinator, &sid, "kindermishandeling", true).unwrap();
    at_bram.tag_session(&bram, &sid, " werkplezier ", true).unwrap();
    at_bram.tag_question(&bram, &q, "multiproblematiek", true).unwrap();
    let mut copies = [f.network, at_bram];
    merge_all(&mut copies);
    for copy in &copies {
        let snapshot = copy.snapshot().unwrap();
        let themes: Vec<&str> = snapshot.sessions[&sid].themes.iter().map(String::as_str).collect();
        assert_eq!(themes, ["kindermishandeling", "werkplezier"]);
        assert_eq!(snapshot.questions[&q].themes.iter().collect::<Vec<_>>(), ["multiproblematiek"]);
    }
    let [mut anna, _] = copies;
    anna.tag_session(&f.coordinator, &sid, "werkplezier", false).unwrap();
    let snapshot = anna.snapshot().unwrap();
    assert_eq!(snapshot.sessions[&sid].themes.iter().collect::<Vec<_>>(), ["kindermishandeling"]);
}

#[test]
fn a_blank_theme_or_a_deleted_record_is_refused() {
    let mut f = network_with_members(0);
    let sid = session(&mut f.network, &f.coordinator, "Casusoverleg");
    let err = refused(&mut f.network, |n| n.tag_session(&f.coordinator, &sid, "  ", true));
    assert!(matches!(err, ModelError::Empty { field: Field::Theme }), "{err:?}");
    f.network.delete_session(&f.coordinator, &sid).unwrap();
    let err = refused(&mut f.network, |n| n.tag_session(&f.coordinator, &sid, "werkplezier", true));
    assert!(matches!(err, ModelError::Deleted { what: Record::Session, .. }), "{err:?}");
}
