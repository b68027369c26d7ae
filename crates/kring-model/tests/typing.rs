//! Typing into notes while remote edits arrive: keystrokes land where the typist saw them and
//! the caret stays behind the typist's own text.

mod common;

use common::*;
use kring_model::automerge::ReadDoc;
use kring_model::*;

fn splice(pos: usize, delete: usize, insert: &str) -> Splice {
    Splice { pos, delete, insert: insert.to_string() }
}

#[test]
fn keystrokes_on_an_older_view_land_where_the_typist_saw_them() {
    let mut f = network_with_members(1);
    let sid = session(&mut f.network, &f.coordinator, "PLG 4");
    let notes = TextField::Notes(sid);
    f.network.update_text(&f.coordinator, &notes, "Opening.\nAfsluiting.").unwrap();
    let view = f.network.heads();

    // A colleague's line arrives (merged) before the typist's keystrokes are written.
    let mut colleague = f.network.fork();
    colleague.splice_text(&f.members[0], &notes, 0, 0, "Welkom allemaal!\n").unwrap();
    f.network.merge(&mut colleague).unwrap();

    // The typist saw "Opening.|" and typed there, in two keystroke batches.
    let caret = f.network.caret_anchor(&notes, &view, 8).unwrap();
    let seen = f.network.type_text(&f.coordinator, &notes, &view, &[splice(8, 0, " Iedereen")]).unwrap();
    let seen = f.network.type_text(&f.coordinator, &notes, &seen, &[splice(17, 0, " is er.")]).unwrap();

    let text = f.network.text(&notes).unwrap();
    assert_eq!(text, "Welkom allemaal!\nOpening. Iedereen is er.\nAfsluiting.");
    // What the typist sees is exactly their own version: without the colleague's line.
    let obj = f.network.text_object(&notes).unwrap();
    let mine = f.network.doc_mut().text_at(obj, &seen).unwrap();
    assert_eq!(mine, "Opening. Iedereen is er.\nAfsluiting.");
    // The caret anchored before the typing moved with the colleague's 17 characters.
    assert_eq!(f.network.caret_position(&notes, &caret).unwrap(), 17 + 8);
}

#[test]
fn typing_on_the_present_needs_no_isolation_and_returns_the_new_heads() {
    let mut f = network_with_members(0);
    let sid = session(&mut f.network, &f.coordinator, "PLG 5");
    let notes = TextField::Notes(sid);
    let view = f.network.heads();
    let seen =
        f.network.type_text(&f.coordinator, &notes, &view, &[splice(0, 0, "Agenda"), splice(6, 0, "!")]).unwrap();
    assert_eq!(seen, f.network.heads());
    assert_eq!(f.network.text(&notes).unwrap(), "Agenda!");
}

#[test]
fn two_typists_on_stale_views_converge_with_both_texts_and_carets_in_place() {
    let mut f = network_with_members(1);
    let sid = session(&mut f.network, &f.coordinator, "PLG 6");
    let notes = TextField::Notes(sid);
    f.network.update_text(&f.coordinator, &notes, "midden").unwrap();
    let mut anna = f.network.fork();
    let mut bram = f.network.fork();
    let (anna_id, bram_id) = (f.coordinator.clone(), f.members[0].clone());

    let mut anna_view = anna.heads();
    let mut bram_view = bram.heads();
    let mut anna_caret = 0;
    let mut bram_caret = 6;
    for (a, b) in ["begin ", "en ", "nog "].iter().zip(["; einde", " echt", "."]) {
        anna_view = anna.type_text(&anna_id, &notes, &anna_view, &[splice(anna_caret, 0, a)]).unwrap();
        anna_caret += a.chars().count();
        bram_view = bram.type_text(&bram_id, &notes, &bram_view, &[splice(bram_caret, 0, b)]).unwrap();
        bram_caret += b.chars().count();
        // Both laptops exchange what they have; neither typist's view moves.
        anna.merge(&mut bram).unwrap();
        bram.merge(&mut anna).unwrap();
    }
    let text = anna.text(&notes).unwrap();
    assert_eq!(text, bram.text(&notes).unwrap());
    assert_eq!(text, "begin en nog midden; einde echt.");
    let anna_anchor = anna.caret_anchor(&notes, &anna_view, anna_caret).unwrap();
    let bram_anchor = bram.caret_anchor(&notes, &bram_view, bram_caret).unwrap();
    assert_eq!(anna.caret_position(&notes, &anna_anchor).unwrap(), "begin en nog ".len());
    assert_eq!(bram.caret_position(&notes, &bram_anchor).unwrap(), text.chars().count());
}

#[test]
fn a_batch_with_a_range_outside_the_text_changes_nothing() {
    let mut f = network_with_members(0);
    let sid = session(&mut f.network, &f.coordinator, "PLG 7");
    let notes = TextField::Notes(sid);
    f.network.update_text(&f.coordinator, &notes, "abc").unwrap();
    let view = f.network.heads();
    let err = f.network.type_text(&f.coordinator, &notes, &view, &[splice(3, 0, "d"), splice(9, 1, "")]).unwrap_err();
    assert!(matches!(err, ModelError::BadTextRange { .. }), "{err}");
    assert_eq!(f.network.heads(), view);
    assert_eq!(f.network.text(&notes).unwrap(), "abc");
}
