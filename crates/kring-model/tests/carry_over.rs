//! Carrying offline work into a new chapter carries this laptop's own work and nothing else:
//! not what a removed member wrote offline and synced with it in the old chapter, also where
//! this laptop typed into that text or built on that record. Each device writes its own
//! alphabet here, so that every character's author can be checked.

mod common;

use common::*;
use kring_model::automerge::{ROOT, ReadDoc};
use kring_model::trust::RuleBook;
use kring_model::*;

/// The laptop's key, told apart by `pair` (two hex digits).
fn laptop_key(pair: &str) -> kring_model::trust::key::SigningKey {
    key(u8::from_str_radix(pair, 16).expect("two hex digits"))
}

fn device(pair: &str) -> String {
    use kring_model::trust::DeviceKey;
    laptop_key(pair).device_id()
}

/// Anna coordinates; Bram and Cor are members, and so is Dirk, until Anna removes him.
struct Team {
    network: Network,
    anna: MemberId,
    bram: MemberId,
    cor: MemberId,
    dirk: MemberId,
    meeting: SessionId,
}

fn team(notes: &str) -> Team {
    let details = NetworkDetails { name: "PLG Lezen".into(), ..Default::default() };
    let (mut network, anna) = Network::create(&details, &Profile::new("Anna"), &key_a()).unwrap();
    let mut member = |name: &str, pair: &str| {
        network.add_member(&anna, &Profile::new(name), Role::Member, Some(&laptop_key(pair))).unwrap()
    };
    let (bram, cor, dirk) = (member("Bram", "b2"), member("Cor", "c3"), member("Dirk", "d4"));
    let meeting = session(&mut network, &anna, "PLG 7");
    network.append_text(&anna, &TextField::Notes(meeting.clone()), notes).unwrap();
    Team { network, anna, bram, cor, dirk, meeting }
}

/// The laptop of the device `pair` names, holding the network as it is now.
fn laptop(network: &mut Network, pair: &str) -> Network {
    let mut laptop = network.fork();
    laptop.set_device(&device(pair));
    laptop
}

/// Two laptops meet and sync both ways.
fn sync(a: &mut Network, b: &mut Network) {
    a.merge(b).unwrap();
    b.merge(a).unwrap();
}

/// The laptop `old` of `pair` takes the new chapter `next` and carries its offline work over,
/// as one change that every laptop's rules accept.
fn switch(next: &mut Network, old: &mut Network, pair: &str, me: &MemberId) -> (Network, CarriedOver) {
    let mut taken = next.fork();
    taken.set_device(&device(pair));
    let carried = taken.carry_over(old, &device(pair), me).unwrap();
    if carried.values + carried.texts > 0 {
        let change = taken.doc_mut().get_last_local_change().unwrap().clone();
        assert!(RuleBook::default().check(taken.doc_mut(), &[change], false).is_ok());
    }
    (taken, carried)
}

fn greek(c: char) -> bool {
    ('\u{0370}'..='\u{03FF}').contains(&c)
}

fn chars_at(text: &str, find: &str) -> usize {
    text[..text.find(find).unwrap()].chars().count()
}

/// Dirk, removed with a new chapter but unaware, writes in the meeting's notes; Bram, not yet
/// switched, writes there too, syncs with Dirk, and types into Dirk's sentence, between its
/// characters and after it on the same line. When Bram's laptop switches, all of Bram's
/// characters reach the new chapter and none of Dirk's.
#[test]
fn a_removed_members_sentence_is_not_carried_over_with_the_colleague_who_typed_into_it() {
    let Team { mut network, anna, bram, dirk, meeting, .. } = team("Begin van het overleg.");
    let notes = TextField::Notes(meeting);
    let mut at_bram = laptop(&mut network, "b2");
    let mut at_dirk = laptop(&mut network, "d4");
    network.remove_member(&anna, &dirk).unwrap();
    let mut next = network.start_chapter(&anna, &device_a(), &[]).unwrap();

    let end = at_dirk.text(&notes).unwrap().chars().count();
    at_dirk.splice_text(&dirk, &notes, end, 0, "αβγδεζ").unwrap();
    at_bram.splice_text(&bram, &notes, 0, 0, "абв ").unwrap();
    sync(&mut at_bram, &mut at_dirk);
    let text = at_bram.text(&notes).unwrap();
    at_bram.splice_text(&bram, &notes, chars_at(&text, "γ") + 1, 0, "гд").unwrap();
    let end = at_bram.text(&notes).unwrap().chars().count();
    at_bram.splice_text(&bram, &notes, end, 0, "е").unwrap();
    let text = at_bram.text(&notes).unwrap();
    at_bram.splice_text(&bram, &notes, chars_at(&text, " van"), 0, "ж").unwrap();
    assert_eq!(at_bram.text(&notes).unwrap(), "абв Beginж van het overleg.αβγгдδεζе");

    // Meanwhile Anna writes in the new chapter.
    let text = next.text(&notes).unwrap();
    next.splice_text(&anna, &notes, chars_at(&text, "overleg"), 0, "hele ").unwrap();
    let (mut taken, carried) = switch(&mut next, &mut at_bram, "b2", &bram);
    let text = taken.text(&notes).unwrap();
    assert!(!text.chars().any(greek), "Dirk's characters came in: {text:?}");
    assert_eq!(text, "абв Beginж van het hele overleg.где");
    assert_eq!((carried.texts, carried.displaced, carried.left_out), (1, 2, 0), "{carried:?}");
    // No operation of the chapter holds one of Dirk's characters, and no byte of it his words
    // (a single two-byte letter would also match random bytes of ids and hashes now and then).
    for change in taken.doc_mut().get_changes(&[]) {
        let ops = format!("{:?}", change.decode().operations);
        assert!(!ops.chars().any(greek), "a change of the chapter holds Dirk's characters: {ops}");
    }
    let saved = taken.doc_mut().save_nocompress();
    assert!(!saved.windows("αβγ".len()).any(|w| w == "αβγ".as_bytes()), "no byte of the chapter holds it");
}

/// A record Dirk made after the base, his vote and his new title in Bram's record, are not
/// carried over, also when Bram's later work was built on them; Bram's vote in Dirk's record
/// is left out with the record.
#[test]
fn what_another_device_wrote_after_the_base_is_not_carried_over_even_where_own_work_built_on_it() {
    let Team { mut network, anna, bram, dirk, meeting, .. } = team("Begin.");
    let mut at_bram = laptop(&mut network, "b2");
    let mut at_dirk = laptop(&mut network, "d4");
    network.remove_member(&anna, &dirk).unwrap();
    let mut next = network.start_chapter(&anna, &device_a(), &[]).unwrap();

    let own = at_bram.add_question(&bram, "Brams vraag", "Toelichting van Bram").unwrap();
    sync(&mut at_bram, &mut at_dirk);
    let theirs = at_dirk.add_question(&dirk, "Dirks vraag", "Van Dirk").unwrap();
    at_dirk.vote(&dirk, &own).unwrap();
    at_dirk.rename_question(&dirk, &own, "Door Dirk hernoemd").unwrap();
    at_dirk.set_attendance(&dirk, &meeting, &dirk, Attendance::Present).unwrap();
    sync(&mut at_bram, &mut at_dirk);
    // Bram's later work depends on Dirk's changes.
    at_bram.vote(&bram, &theirs).unwrap();
    at_bram.vote(&bram, &own).unwrap();
    at_bram.append_text(&bram, &TextField::Details(own.clone()), "Meer van Bram.").unwrap();

    let (mut taken, carried) = switch(&mut next, &mut at_bram, "b2", &bram);
    assert_eq!(carried.left_out, 1, "Bram's vote on Dirk's question: {carried:?}");
    let snapshot = taken.snapshot().unwrap();
    assert!(!snapshot.questions.contains_key(&theirs), "Dirk's question stays out");
    let question = &snapshot.questions[&own];
    assert_eq!(question.title, "Brams vraag");
    assert_eq!(question.details, "Toelichting van Bram\nMeer van Bram.");
    // Read from the document itself: a removed member's vote is not counted in a snapshot.
    let doc = taken.doc_mut();
    let questions = doc.get(ROOT, "questions").unwrap().unwrap().1;
    let record = doc.get(&questions, own.as_str()).unwrap().unwrap().1;
    let votes = doc.get(&record, "votes").unwrap().unwrap().1;
    assert_eq!(doc.keys(&votes).collect::<Vec<_>>(), [bram.to_string()]);
    let snapshot = taken.snapshot().unwrap();
    let attendance = &snapshot.sessions[&meeting].attendance;
    assert!(!attendance.contains_key(&dirk), "{attendance:?}");
}

/// What Bram deleted offline is deleted in the new chapter too; what Dirk deleted, after the
/// two laptops synced, is not: that is Dirk's work.
#[test]
fn own_deletions_are_carried_over_and_a_removed_members_are_not() {
    let Team { mut network, anna, bram, dirk, meeting, .. } = team("Begin van het overleg.");
    let notes = TextField::Notes(meeting);
    let mut at_bram = laptop(&mut network, "b2");
    let mut at_dirk = laptop(&mut network, "d4");
    network.remove_member(&anna, &dirk).unwrap();
    let mut next = network.start_chapter(&anna, &device_a(), &[]).unwrap();

    let text = at_dirk.text(&notes).unwrap();
    at_dirk.splice_text(&dirk, &notes, chars_at(&text, "het "), 4, "").unwrap();
    at_bram.splice_text(&bram, &notes, 0, 0, "абв").unwrap();
    sync(&mut at_bram, &mut at_dirk);
    let text = at_bram.text(&notes).unwrap();
    at_bram.splice_text(&bram, &notes, chars_at(&text, "van "), 4, "").unwrap();
    at_bram.splice_text(&bram, &notes, 1, 1, "").unwrap();
    assert_eq!(at_bram.text(&notes).unwrap(), "авBegin overleg.");

    let (taken, carried) = switch(&mut next, &mut at_bram, "b2", &bram);
    assert_eq!(taken.text(&notes).unwrap(), "авBegin het overleg.");
    assert_eq!((carried.texts, carried.displaced), (1, 0), "{carried:?}");
}

/// Bram typed inside a passage Anna erased when she began the new chapter: his characters are
/// kept, where the passage was, and counted as displaced.
#[test]
fn own_typing_inside_an_erased_passage_is_kept_and_counted_as_displaced() {
    let Team { mut network, anna, bram, meeting, .. } = team("Begin. Geheim stuk. Einde.");
    let notes = TextField::Notes(meeting);
    let mut at_bram = laptop(&mut network, "b2");
    let text = network.text(&notes).unwrap();
    let (from, to) = (chars_at(&text, "Geheim"), chars_at(&text, "Einde"));
    let erase = Erasure::Passage { field: notes.clone(), from, to, expected: Some("Geheim stuk. ".into()) };
    let mut next = network.start_chapter(&anna, &device_a(), &[erase]).unwrap();
    assert_eq!(next.text(&notes).unwrap(), "Begin. Einde.");

    at_bram.splice_text(&bram, &notes, from + 3, 0, "абв").unwrap();
    at_bram.splice_text(&bram, &notes, 0, 0, "где ").unwrap();
    let (taken, carried) = switch(&mut next, &mut at_bram, "b2", &bram);
    assert_eq!(taken.text(&notes).unwrap(), "где Begin. абвEinde.");
    assert_eq!((carried.texts, carried.displaced), (1, 1), "{carried:?}");
}

/// Bram and Cor, both not yet switched, wrote offline, synced, and typed into each other's
/// sentences. Each carries only their own characters; after both switched, the new chapter
/// holds every character either typed, and Bram's inside Cor's sentence count as displaced.
#[test]
fn colleagues_who_typed_into_each_others_offline_sentences_both_keep_all_they_typed() {
    let Team { mut network, anna, bram, cor, meeting, .. } = team("Begin.");
    let notes = TextField::Notes(meeting);
    let mut at_bram = laptop(&mut network, "b2");
    let mut at_cor = laptop(&mut network, "c3");
    let mut next = network.start_chapter(&anna, &device_a(), &[]).unwrap();

    at_bram.append_text(&bram, &notes, "абвгд").unwrap();
    at_cor.append_text(&cor, &notes, "ABCDE").unwrap();
    sync(&mut at_bram, &mut at_cor);
    let text = at_bram.text(&notes).unwrap();
    at_bram.splice_text(&bram, &notes, chars_at(&text, "C"), 0, "ж").unwrap();
    let text = at_cor.text(&notes).unwrap();
    at_cor.splice_text(&cor, &notes, chars_at(&text, "в"), 0, "XY").unwrap();

    let (mut at_bram_new, by_bram) = switch(&mut next, &mut at_bram, "b2", &bram);
    assert!(!at_bram_new.text(&notes).unwrap().contains(['A', 'X']), "Cor's work is Cor's to carry");
    assert_eq!(by_bram.displaced, 1, "{by_bram:?}");
    let (mut at_cor_new, by_cor) = switch(&mut at_bram_new, &mut at_cor, "c3", &cor);
    assert_eq!(by_cor.displaced, 1, "{by_cor:?}");
    at_bram_new.merge(&mut at_cor_new).unwrap();
    let text = at_bram_new.text(&notes).unwrap();
    let mut typed: Vec<char> = text.strip_prefix("Begin.").unwrap().chars().filter(|c| *c != '\n').collect();
    typed.sort();
    let mut expected: Vec<char> = "абвгджABCDEXY".chars().collect();
    expected.sort();
    assert_eq!(typed, expected, "{text:?}");
}

/// A colleague's offline line between two of Bram's own lines is not in the new chapter yet:
/// Bram's lines go in whole, not cut up around look-alike characters of the missing line.
#[test]
fn a_colleagues_line_between_own_lines_does_not_cut_into_them() {
    let Team { mut network, anna, bram, cor, meeting, .. } = team("Begin.");
    let notes = TextField::Notes(meeting);
    let mut at_bram = laptop(&mut network, "b2");
    let mut at_cor = laptop(&mut network, "c3");
    let mut next = network.start_chapter(&anna, &device_a(), &[]).unwrap();

    at_bram.append_text(&bram, &notes, "regel 0 van laptop 1").unwrap();
    at_cor.append_text(&cor, &notes, "regel 1 van laptop 2").unwrap();
    sync(&mut at_bram, &mut at_cor);
    at_bram.append_text(&bram, &notes, "regel 4 van laptop 1").unwrap();

    let (taken, _) = switch(&mut next, &mut at_bram, "b2", &bram);
    let text = taken.text(&notes).unwrap();
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        ["Begin.", "regel 0 van laptop 1", "regel 4 van laptop 1"],
        "{text:?}"
    );
}

/// Anna and Bram, both coordinators, each begin a chapter from the same one, and Anna erases a
/// passage in hers. Cor's laptop took Bram's chapter, where Bram and Cor typed on; then it takes
/// Anna's, which goes on. Cor's own typing there is carried over, placed through the text
/// Bram's chapter copied (what was typed inside the erased passage counted as displaced), and
/// nothing of Bram's.
#[test]
fn own_work_in_a_chapter_begun_beside_the_one_that_goes_on_is_carried_over_and_nothing_else() {
    let Team { mut network, anna, bram, cor, meeting, .. } = team("Begin. Geheim stuk. Einde.");
    network.set_role(&anna, &bram, Role::Coordinator).unwrap();
    let notes = TextField::Notes(meeting);
    let text = network.text(&notes).unwrap();
    let (from, to) = (chars_at(&text, "Geheim"), chars_at(&text, "Einde"));
    let erase = Erasure::Passage { field: notes.clone(), from, to, expected: Some("Geheim stuk. ".into()) };
    let mut annas = network.start_chapter(&anna, &device_a(), &[erase]).unwrap();
    let mut brams = laptop(&mut network, "b2").start_chapter(&bram, &device("b2"), &[]).unwrap();

    let mut at_cor = laptop(&mut brams, "c3");
    brams.append_text(&bram, &notes, " абв").unwrap();
    sync(&mut brams, &mut at_cor);
    at_cor.splice_text(&cor, &notes, 0, 0, "ABC ").unwrap();
    let text = at_cor.text(&notes).unwrap();
    at_cor.splice_text(&cor, &notes, chars_at(&text, "nde"), 0, "XY").unwrap();
    let text = at_cor.text(&notes).unwrap();
    at_cor.splice_text(&cor, &notes, chars_at(&text, "stuk"), 0, "Q").unwrap();

    let mut taken = laptop(&mut annas, "c3");
    let carried = taken.carry_over_from_sibling(&mut at_cor, &device("c3"), &cor, &[], &Origins::default()).unwrap();
    let change = taken.doc_mut().get_last_local_change().unwrap().clone();
    assert!(RuleBook::default().check(taken.doc_mut(), &[change], false).is_ok());
    assert_eq!(taken.text(&notes).unwrap(), "ABC Begin. QEiXYnde.");
    assert_eq!((carried.texts, carried.displaced), (1, 1), "{carried:?}");
    // Bram's laptop, which began the chapter, carries its own typing after its first change.
    let mut at_bram = laptop(&mut annas, "b2");
    at_bram.carry_over_from_sibling(&mut brams, &device("b2"), &bram, &[], &Origins::default()).unwrap();
    assert_eq!(at_bram.text(&notes).unwrap(), "Begin. Einde.\n абв");
}
