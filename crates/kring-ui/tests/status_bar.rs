//! The status bar of two real windows tells the truth: after one restarts and after a new
//! chapter, each bar says "1 verbonden" and its Details show the other laptop connected, for as
//! long as notes are typed; a member removed with a new chapter is told so, with nobody
//! connected in the network.

mod common;

use std::time::{Duration, Instant};

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use kring_ui::Screen;
use kring_ui::i18n::Text;

fn shows_one_connected(ui: &Ui) -> bool {
    let bar = format!("1 {}", nl(Text::PeersConnected));
    let direct = format!("{} {}", nl(Text::Connected), nl(Text::ViaLocalNetwork));
    let line = ui.query_all_by_label_contains(&direct).count();
    ui.query_by_label(&bar).is_some() && line == 1
}

/// Steps both windows until both show one connection; how long that took since `since`.
fn both_show_one_connected(anna: &mut Ui, bram: &mut Ui, since: Instant, within: Duration) -> Duration {
    loop {
        anna.step();
        bram.step();
        if shows_one_connected(anna) && shows_one_connected(bram) {
            return since.elapsed();
        }
        assert!(since.elapsed() < within, "not both showing one connection within {within:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn after_a_restart_and_a_new_chapter_both_bars_say_one_connected_while_notes_are_typed() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut anna, bram, session) = anna_invites_bram(dir_a.path(), dir_b.path());
    drop(bram);

    // Bram's window starts again; within 2 s both bars and Details show the other laptop.
    let restarted = Instant::now();
    let mut bram = client(dir_b.path());
    for ui in [&mut anna, &mut bram] {
        ui.state_mut().pages.status.show_peers = true;
        ui.state_mut().screen = Screen::Session(session.clone());
    }
    let took = both_show_one_connected(&mut anna, &mut bram, restarted, Duration::from_secs(2));
    println!("both bars say 1 verbonden {took:?} after Bram's window started again");

    // Anna types; every frame of both windows keeps saying so, and the words reach Bram.
    let typed = "Samen lezen werkt.";
    anna.get_by_role_and_label(Role::MultilineTextInput, nl(Text::Notes)).focus();
    anna.step();
    for word in typed.split_inclusive(' ') {
        anna.get_by_role_and_label(Role::MultilineTextInput, nl(Text::Notes)).type_text(word);
        for _ in 0..10 {
            anna.step();
            bram.step();
            assert!(shows_one_connected(&anna) && shows_one_connected(&bram), "a bar lost the other laptop");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    wait_until(&mut bram, "Anna's notes reach Bram", |app| {
        app.state.snapshot().is_some_and(|s| s.sessions[&session].notes == typed)
    });
    assert!(shows_one_connected(&bram));

    // Anna begins a new chapter; Bram's laptop takes it, and both bars still say so.
    let begun = Instant::now();
    click(&mut anna, nl(Text::TheNetwork));
    click(&mut anna, nl(Text::NewChapter));
    click(&mut anna, nl(Text::YesNewChapter));
    wait_until(&mut bram, "Bram's laptop is on chapter 2", |app| {
        app.state.snapshot().is_some_and(|s| s.info.chapter.number == 2)
    });
    let took = both_show_one_connected(&mut anna, &mut bram, begun, Duration::from_secs(2));
    println!("both bars say 1 verbonden {took:?} after Anna began a new chapter");
}

#[test]
fn a_member_removed_with_a_new_chapter_is_told_and_sees_nobody_connected() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut anna, mut bram, _) = anna_invites_bram(dir_a.path(), dir_b.path());
    let connected = |app: &kring_ui::KringApp| app.state.status.connected() == 1;
    wait_until(&mut anna, "Anna's laptop is connected", connected);
    wait_until(&mut bram, "Bram's laptop is connected", connected);
    let online = format!("{}: Anna", nl(Text::Online));
    bram.state_mut().screen = Screen::Members;
    bram.step();
    assert!(bram.query_by_label(&online).is_some(), "Anna is shown online before");
    bram.state_mut().screen = Screen::Sessions;

    // Anna removes Bram and begins a new chapter without him.
    anna.state_mut().screen = Screen::Members;
    anna.step();
    click(&mut anna, nl(Text::Remove));
    click(&mut anna, nl(Text::RemoveWithNewChapter));

    // Bram's window says so, shows nobody connected in the network, and nobody online.
    let deadline = Instant::now() + Duration::from_secs(10);
    while bram.query_by_label(nl(Text::RemovedFromNetwork)).is_none() {
        assert!(Instant::now() < deadline, "Bram's window does not say he was removed");
        bram.step();
        anna.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(bram.query_by_label(&format!("0 {}", nl(Text::PeersConnected))).is_some());
    assert!(bram.query_by_label(nl(Text::InSync)).is_none(), "not 'Bijgewerkt' in a network he left");
    bram.state_mut().screen = Screen::Members;
    bram.step();
    assert_eq!(bram.state().state.connected_here(), 0);
    assert!(bram.query_by_label(&online).is_none(), "Anna is not shown online in the network");
    assert!(bram.query_by_label(&format!("{}: Bram", nl(Text::Online))).is_some(), "he is, on his own laptop");
}
