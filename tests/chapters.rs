//! New chapters against the real `kring` binary: what a coordinator erases leaves every laptop
//! (through a third one too), a member removed with a new chapter gets nothing of it, and a
//! laptop killed at any moment of a switch is on one chapter afterwards with nothing lost.

mod common;

use std::path::{Path, PathBuf};

use common::serving::{Serving, join, sync};
use common::*;
use kring_model::automerge::legacy::OpType;
use kring_model::automerge::{AutoCommit, ScalarValue};
use serde_json::Value;

/// Anna's network (she is its coordinator) and the members who joined it; returns the
/// network id and each member's id.
fn network_of(anna: &Path, members: &[(&Path, &str)]) -> (String, Vec<String>) {
    let (network, _) = create_network(anna);
    let ids = members.iter().map(|(data, name)| id(&join(anna, data, name), "member")).collect();
    (network, ids)
}

/// `data` syncs once with whichever member laptop is serving now (only `server` is).
fn sync_with(server: &Path, data: &Path) -> Value {
    let serving = Serving::start(server, &[]);
    let synced = sync(data);
    assert!(serving.stop());
    synced
}

fn chapter_of(data: &Path) -> u64 {
    ok(data, &["chapter", "show"])["chapter"].as_u64().unwrap()
}

/// Every file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { found.extend(files(&path)) } else { found.push(path) }
    }
    found
}

/// The files under `dir` whose bytes hold `marker`.
fn grep(dir: &Path, marker: &str) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|file| std::fs::read(file).unwrap().windows(marker.len()).any(|w| w == marker.as_bytes()))
        .collect()
}

/// Whether any change in the history of the network saved in `data` wrote `marker`: the
/// snapshot is compressed, and text is stored a character per operation, so the bytes on disk
/// alone do not tell. (The values each change wrote, one after another, do.)
fn history_mentions(data: &Path, network: &str, marker: &str) -> bool {
    let store = kring_store::DataDir::open(data).unwrap();
    let (_, mut doc, _): (_, AutoCommit, _) = store.open_network(network).unwrap();
    doc.get_changes(&[]).iter().any(|change| {
        let written: String = change
            .decode()
            .operations
            .iter()
            .filter_map(|op| match &op.action {
                OpType::Put(ScalarValue::Str(text)) => Some(text.to_string()),
                _ => None,
            })
            .collect();
        written.contains(marker)
    })
}

#[test]
fn what_a_coordinator_erases_leaves_every_laptop_also_through_a_third_one() {
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let (anna, bram, cor, later) = (dirs[0].path(), dirs[1].path(), dirs[2].path(), dirs[3].path());
    let (network, _) = network_of(anna, &[(bram, "Bram"), (cor, "Cor")]);

    let marker = "ZORGLEERLING-Q7X";
    let title = format!("Vertrouwelijk: {marker}");
    let session =
        id(&ok(anna, &["session", "add", "--title", &title, "--kind", "plg", "--date", "2026-12-01"]), "session");
    let notes = format!("Dossier {marker} besproken");
    ok(anna, &["session", "notes", "--session", &session, "--append", &notes]);
    let kept =
        id(&ok(anna, &["session", "add", "--title", "PLG 4", "--kind", "plg", "--date", "2026-12-08"]), "session");
    for member in [bram, cor] {
        sync_with(anna, member);
        assert!(!grep(member, marker).is_empty() || history_mentions(member, &network, marker));
    }

    let erased = ok(anna, &["erase", "--session", &session]);
    assert_eq!((erased["chapter"].as_u64(), erased["erased"].as_bool()), (Some(2), Some(true)), "{erased}");

    // Bram takes the new chapter from Anna; Cor takes it from Bram, with Anna's laptop closed.
    sync_with(anna, bram);
    sync_with(bram, cor);
    for (data, who) in [(anna, "Anna"), (bram, "Bram"), (cor, "Cor")] {
        assert_eq!(chapter_of(data), 2, "{who}");
        assert_eq!(grep(data, marker), Vec::<PathBuf>::new(), "{who}'s files");
        assert!(!history_mentions(data, &network, marker), "{who}'s history");
        let shown = ok(data, &["show"]);
        let titles: Vec<&str> =
            shown["sessions"].as_array().unwrap().iter().map(|s| s["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["PLG 4"], "{who}: {titles:?}");
        assert_eq!(shown["sessions"][0]["id"], kept.as_str());
    }

    // A bundle made afterwards, and a member who joins afterwards, hold nothing of it either.
    let bundle = cor.join("netwerk.kring");
    ok(cor, &["bundle", "export", bundle.to_str().unwrap()]);
    assert!(grep(cor, marker).is_empty());
    assert_eq!(join(anna, later, "Dewi")["network"], network.as_str());
    assert_eq!(chapter_of(later), 2);
    assert!(grep(later, marker).is_empty());
    assert!(!history_mentions(later, &network, marker));
}

#[test]
fn a_member_removed_with_a_new_chapter_gets_nothing_and_their_offline_writing_reaches_no_chapter() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (anna, bram, mark) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    let (network, ids) = network_of(anna, &[(bram, "Bram"), (mark, "Mark")]);
    let session =
        id(&ok(anna, &["session", "add", "--title", "PLG 5", "--kind", "plg", "--date", "2026-12-01"]), "session");
    sync_with(anna, bram);
    sync_with(anna, mark);

    let removed = ok(anna, &["member", "remove", "--member", &ids[1], "--new-chapter"]);
    assert_eq!(removed["chapter"], 2, "{removed}");

    // Mark, offline, writes in the old chapter, and passes it to Bram, who has not heard of
    // the removal yet; then Bram meets Anna.
    let marker = "MARK-SCHREEF-K4";
    ok(mark, &["session", "notes", "--session", &session, "--append", marker]);
    sync_with(mark, bram);
    assert!(history_mentions(bram, &network, marker), "Bram took Mark's note in the old chapter");
    sync_with(anna, bram);
    assert_eq!(chapter_of(bram), 2);

    // Mark's laptop is refused by both, and stays on the old chapter with nothing new.
    sync_with(anna, mark);
    sync_with(bram, mark);
    assert_eq!(chapter_of(mark), 1);
    for (data, who) in [(anna, "Anna"), (bram, "Bram")] {
        assert_eq!(chapter_of(data), 2, "{who}");
        assert!(!history_mentions(data, &network, marker), "{who} holds Mark's note");
        assert!(grep(data, marker).is_empty(), "{who}'s files");
        let notes = ok(data, &["show"])["sessions"][0]["notes"].as_str().unwrap().to_string();
        assert!(!notes.contains(marker), "{who}: {notes}");
    }
}

/// The review's case: the removed member's sentence reaches a colleague still in the old
/// chapter, who types into that very line (between its characters too) before switching. What
/// the colleague carries over is their own typing, and nothing of the removed member's.
#[test]
fn a_removed_members_sentence_stays_out_where_a_colleague_typed_into_it() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (anna, bram, mark) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    let (network, ids) = network_of(anna, &[(bram, "Bram"), (mark, "Mark")]);
    let session =
        id(&ok(anna, &["session", "add", "--title", "PLG 6", "--kind", "plg", "--date", "2026-12-01"]), "session");
    sync_with(anna, bram);
    sync_with(anna, mark);
    ok(anna, &["member", "remove", "--member", &ids[1], "--new-chapter"]);

    let marker = "MARKZIN";
    ok(mark, &["session", "notes", "--session", &session, "--append", marker]);
    sync_with(mark, bram);
    // Bram, still in the old chapter, types at the end of Mark's line and inside it.
    {
        let store = kring_store::DataDir::open(bram).unwrap();
        let (mut open, _) = kring_node::OpenNetwork::open(&store, &network).unwrap();
        let notes = kring_model::TextField::Notes(kring_model::SessionId::new(session.clone()));
        let me = kring_model::MemberId::new(ids[0].clone());
        let text = open.network.text(&notes).unwrap();
        let at = text.chars().count();
        open.network.splice_text(&me, &notes, at, 0, " bram-eind").unwrap();
        let inside = text.find("ZIN").map(|byte| text[..byte].chars().count()).unwrap();
        open.network.splice_text(&me, &notes, inside, 0, "bram-midden").unwrap();
        open.persist().unwrap();
    }
    sync_with(anna, bram);
    assert_eq!(chapter_of(bram), 2);

    for (data, who) in [(anna, "Anna"), (bram, "Bram")] {
        let notes = ok(data, &["show"])["sessions"][0]["notes"].as_str().unwrap().to_string();
        assert!(notes.contains("bram-eind") && notes.contains("bram-midden"), "{who} keeps Bram's typing: {notes}");
        let marks: String = notes.chars().filter(|c| "MARKZIN".contains(*c) && c.is_uppercase()).collect();
        assert!(marks.is_empty(), "{who} holds Mark's letters: {notes}");
        assert!(!history_mentions(data, &network, marker), "{who}'s history holds Mark's sentence");
    }
}

/// Anna begins chapters 2, 3 and 4 while Cor's laptop is away, writing on chapter 1. Bram's
/// laptop, also on chapter 1, takes chapter 4 from Anna's in one sync; Cor's then takes it from
/// Bram's, who made none of the steps, with Anna's laptop closed, and keeps Cor's writing.
#[test]
fn a_laptop_three_chapters_behind_catches_up_through_a_member_who_made_none_of_its_steps() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (anna, bram, cor) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    network_of(anna, &[(bram, "Bram"), (cor, "Cor")]);
    let session =
        id(&ok(anna, &["session", "add", "--title", "PLG 7", "--kind", "plg", "--date", "2026-12-01"]), "session");
    sync_with(anna, cor);
    for number in 2..=4 {
        assert_eq!(ok(anna, &["chapter", "new"])["chapter"], number);
    }
    ok(cor, &["session", "notes", "--session", &session, "--append", "Cor schreef onderweg"]);

    sync_with(anna, bram);
    assert_eq!(chapter_of(bram), 4);
    sync_with(bram, cor);
    let chapter = ok(anna, &["chapter", "show"])["chapter_id"].clone();
    for (data, who) in [(bram, "Bram"), (cor, "Cor")] {
        assert_eq!(ok(data, &["chapter", "show"])["chapter_id"], chapter, "{who}");
    }
    let notes = ok(cor, &["show"])["sessions"][0]["notes"].as_str().unwrap().to_string();
    assert_eq!(notes.matches("Cor schreef onderweg").count(), 1, "{notes}");
}

/// Dewi joins in chapter 3 and keeps the hand-offs Anna's laptop kept, from the first chapter:
/// with them, Dewi's laptop can tell a chapter begun beside one before it from a stranger's.
#[test]
fn a_member_who_joins_in_a_later_chapter_keeps_the_hand_offs_from_the_first() {
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let (anna, dewi) = (dirs[0].path(), dirs[1].path());
    let (network, _) = network_of(anna, &[]);
    ok(anna, &["chapter", "new"]);
    ok(anna, &["chapter", "new"]);
    join(anna, dewi, "Dewi");
    assert_eq!(chapter_of(dewi), 3);
    let chain = |data: &Path| {
        let bytes = std::fs::read(data.join("networks").join(&network).join(kring_store::CHAIN_FILE)).unwrap();
        kring_sync::chain::decode(&bytes).unwrap()
    };
    let kept = chain(dewi);
    assert_eq!(kept, chain(anna));
    assert_eq!((kept.len(), kept[0].from.as_str()), (2, ""));
}

/// Anna and Bram, both coordinators, each begin chapter 2 offline; Bram writes on in his, and
/// Cor's laptop takes Bram's. Once they have synced, all three are on the same chapter 2, and
/// Bram's writing is in it.
#[test]
fn two_coordinators_who_each_begin_a_chapter_end_with_every_laptop_on_one() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (anna, bram, cor) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    let (_, ids) = network_of(anna, &[(bram, "Bram"), (cor, "Cor")]);
    ok(anna, &["member", "role", "--member", &ids[0], "--role", "coordinator"]);
    let session =
        id(&ok(anna, &["session", "add", "--title", "PLG 8", "--kind", "plg", "--date", "2026-12-01"]), "session");
    sync_with(anna, bram);
    sync_with(anna, cor);

    let begun: Vec<Value> = [anna, bram].iter().map(|data| ok(data, &["chapter", "new"])).collect();
    assert_ne!(begun[0]["chapter_id"], begun[1]["chapter_id"]);
    ok(bram, &["session", "notes", "--session", &session, "--append", "Bram in zijn hoofdstuk"]);
    sync_with(bram, cor);
    assert_eq!(ok(cor, &["chapter", "show"])["chapter_id"], begun[1]["chapter_id"]);

    sync_with(anna, bram);
    sync_with(anna, cor);
    let chapter = ok(anna, &["chapter", "show"]);
    assert_eq!(chapter["chapter"], 2);
    assert!(begun.iter().any(|one| one["chapter_id"] == chapter["chapter_id"]));
    for (data, who) in [(anna, "Anna"), (bram, "Bram"), (cor, "Cor")] {
        assert_eq!(ok(data, &["chapter", "show"])["chapter_id"], chapter["chapter_id"], "{who}");
        let notes = ok(data, &["show"])["sessions"][0]["notes"].as_str().unwrap().to_string();
        assert_eq!(notes.matches("Bram in zijn hoofdstuk").count(), 1, "{who}: {notes}");
    }
}

/// `kring chapter new` killed (SIGKILL) at random moments: the next start finds the laptop on
/// the old chapter or the new one, never on neither, with every meeting there, and nothing of
/// the switch left lying around.
#[test]
fn a_laptop_killed_at_any_moment_of_a_switch_is_on_one_chapter_with_nothing_lost() {
    let template = tempfile::tempdir().unwrap();
    let (network, _) = create_network(template.path());
    for n in 0..40 {
        let title = format!("Overleg {n}");
        ok(template.path(), &["session", "add", "--title", &title, "--kind", "plg", "--date", "2026-12-01"]);
    }
    // How long an uninterrupted switch takes here, to spread the kills over it.
    let probe = tempfile::tempdir().unwrap();
    copy_dir(template.path(), probe.path());
    let started = std::time::Instant::now();
    ok(probe.path(), &["chapter", "new"]);
    let whole = started.elapsed();

    let mut landed = [0usize; 2];
    for round in 0..100u64 {
        let laptop = tempfile::tempdir().unwrap();
        copy_dir(template.path(), laptop.path());
        make_private(laptop.path());
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kring"))
            .arg("--data-dir")
            .arg(laptop.path())
            .args(["chapter", "new"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // A spread of moments from the start of the process to a little past its end.
        let at = whole.mul_f64((round * 7919 % 100) as f64 / 90.0);
        std::thread::sleep(at);
        let _ = child.kill();
        child.wait().unwrap();

        let chapter = chapter_of(laptop.path());
        assert!(chapter == 1 || chapter == 2, "round {round}: chapter {chapter}");
        landed[chapter as usize - 1] += 1;
        let sessions = ok(laptop.path(), &["show"])["sessions"].as_array().unwrap().len();
        assert_eq!(sessions, 40, "round {round}: every meeting is there");
        let networks = laptop.path().join("networks");
        let names: Vec<String> = std::fs::read_dir(&networks)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, std::slice::from_ref(&network), "round {round}: nothing of the switch left");
        // And the laptop goes on: the next chapter can be begun.
        assert_eq!(ok(laptop.path(), &["chapter", "new"])["chapter"], chapter + 1);
    }
    println!("killed during a switch of {whole:?}: {} on the old chapter, {} on the new", landed[0], landed[1]);
    assert!(landed[0] > 0 && landed[1] > 0, "kills landed on both sides of the switch: {landed:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "kring.lock" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn notes_written_offline_while_the_chapter_changed_reach_the_new_chapter() {
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let (anna, bram) = (dirs[0].path(), dirs[1].path());
    let (_, _) = network_of(anna, &[(bram, "Bram")]);
    let session =
        id(&ok(anna, &["session", "add", "--title", "PLG 7", "--kind", "plg", "--date", "2026-12-01"]), "session");
    ok(anna, &["session", "notes", "--session", &session, "--append", "Begin van het overleg."]);
    sync_with(anna, bram);

    // Anna begins a new chapter and writes on in it; Bram, offline, writes in the old one.
    assert_eq!(ok(anna, &["chapter", "new"])["chapter"], 2);
    ok(anna, &["session", "notes", "--session", &session, "--append", "Anna: afspraak voor januari."]);
    ok(bram, &["session", "notes", "--session", &session, "--append", "Bram: offline genoteerd."]);
    let question = id(&ok(bram, &["question", "add", "--title", "Hoe lezen we verder?"]), "question");

    // Bram comes back: his laptop switches, carries his work over, and Anna receives it.
    sync_with(anna, bram);
    sync_with(anna, bram);
    let mut seen = Vec::new();
    for (data, who) in [(anna, "Anna"), (bram, "Bram")] {
        assert_eq!(chapter_of(data), 2, "{who}");
        let shown = ok(data, &["show"]);
        let notes = shown["sessions"][0]["notes"].as_str().unwrap().to_string();
        // Two lines added at one place at once: both stay, in an order every laptop agrees on.
        let mut lines: Vec<&str> = notes.lines().collect();
        assert_eq!(lines.remove(0), "Begin van het overleg.", "{who}");
        lines.sort();
        assert_eq!(lines, ["Anna: afspraak voor januari.", "Bram: offline genoteerd."], "{who}");
        seen.push(notes.clone());
        let questions: Vec<&str> =
            shown["questions"].as_array().unwrap().iter().map(|q| q["id"].as_str().unwrap()).collect();
        assert_eq!(questions, [question.as_str()], "{who}");
    }
    assert_eq!(seen[0], seen[1], "both laptops hold the same notes");
}

/// `kring erase --text` cuts a passage out of a text for everyone; a wrong field or range is a
/// clear error that changes nothing.
#[test]
fn a_passage_of_the_notes_is_erased_from_the_command_line() {
    let anna = tempfile::tempdir().unwrap();
    let anna = anna.path();
    let (network, _) = create_network(anna);
    let session =
        id(&ok(anna, &["session", "add", "--title", "PLG 8", "--kind", "plg", "--date", "2026-12-01"]), "session");
    ok(anna, &["session", "notes", "--session", &session, "--append", "Besproken: Lotte (groep 5). Verder niets."]);
    let field = format!("notes:{session}");

    let wrong = fails(anna, &["erase", "--text", "minutes:x", "--from", "1", "--to", "2"]);
    assert!(wrong.contains("--text takes notes:SESSION"), "{wrong}");
    let beyond = fails(anna, &["erase", "--text", &field, "--from", "30", "--to", "300"]);
    assert!(beyond.contains("outside"), "{beyond}");
    assert_eq!(chapter_of(anna), 1, "nothing happened");
    assert!(history_mentions(anna, &network, "Lotte (groep 5)"), "the history held the passage");

    let erased = ok(anna, &["erase", "--text", &field, "--from", "11", "--to", "28"]);
    assert_eq!(erased["chapter"], 2);
    let notes = ok(anna, &["show"])["sessions"][0]["notes"].as_str().unwrap().to_string();
    assert_eq!(notes, "Besproken: Verder niets.");
    assert!(grep(anna, "Lotte").is_empty());
    assert!(!history_mentions(anna, &network, "Lotte"), "the history holds none of it");
}
