//! Load: 20 participants write in the same meeting notes for a minute while their laptops go
//! away at random (the node shuts down, the person goes on typing offline) and come back.
//! Afterwards all 20 hold the same network, and every edit that was saved is in it. Real nodes
//! on 127.0.0.1 in offline mode. `KRING_LOAD_PEERS` and `KRING_LOAD_SECONDS` change the size.

use std::time::{Duration, Instant};

use kring_bench::scenario::Dice;
use kring_bench::swarm::Swarm;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_peers_editing_for_a_minute_with_laptops_going_away_converge_without_losing_an_edit() {
    let peers = setting("KRING_LOAD_PEERS", 20) as usize;
    let duration = Duration::from_secs(setting("KRING_LOAD_SECONDS", 60));
    let mut swarm = Swarm::start(peers).await.unwrap();
    swarm.converged(Duration::from_secs(60)).await.unwrap();

    let mut dice = Dice::new(2026);
    let mut written: Vec<String> = Vec::new();
    // Laptops that are away: for how long, and when they come back (counted from the moment
    // their node has finished closing).
    let mut away: Vec<(usize, Duration, Option<Instant>)> = Vec::new();
    let (mut departures, mut offline_edits) = (0, 0);
    let started = Instant::now();
    let mut next_departure = started + Duration::from_millis(500);
    while started.elapsed() < duration {
        // Two participants write a few words, one of them now and then on a laptop that is
        // away. Each edit is saved (acknowledged) when `write` returns, by the node or, offline,
        // in the laptop's store.
        let switched_off: Vec<usize> = away.iter().map(|(i, ..)| *i).filter(|i| swarm.is_off(*i)).collect();
        for _ in 0..2 {
            let i = match switched_off.len() {
                n if n > 0 && dice.below(3) == 0 => switched_off[dice.below(n)],
                _ => dice.below(peers),
            };
            if !swarm.is_on(i) && !swarm.is_off(i) {
                continue; // still closing its connections
            }
            let text = format!(" p{i}n{}", written.len());
            tokio::task::block_in_place(|| swarm.write(i, &text)).unwrap();
            offline_edits += usize::from(!swarm.is_on(i));
            written.push(text);
        }
        let now = Instant::now();
        for (i, stay, back) in &mut away {
            if back.is_none() && swarm.is_off(*i) {
                *back = Some(now + *stay);
            }
        }
        for (i, ..) in away.iter().filter(|(.., back)| back.is_some_and(|back| back <= now)) {
            swarm.switch_on(*i).await.unwrap();
        }
        away.retain(|(.., back)| back.is_none_or(|back| back > now));
        if now >= next_departure && away.len() < peers / 4 {
            let i = dice.below(peers);
            if swarm.is_on(i) {
                swarm.begin_switch_off(i);
                away.push((i, Duration::from_millis(1_000 + dice.below(3_000) as u64), None));
                departures += 1;
            }
            next_departure = now + Duration::from_millis(500 + dice.below(2_000) as u64);
        }
        tokio::time::sleep(Duration::from_millis(10 + dice.below(40) as u64)).await;
    }
    for (i, ..) in std::mem::take(&mut away) {
        swarm.switch_on(i).await.unwrap();
    }

    let settled = swarm.converged(Duration::from_secs(120)).await.unwrap();
    eprintln!(
        "{peers} peers, {} edits ({offline_edits} offline), {departures} laptops went away and came back; \
         all equal {:.1} s after the last edit",
        written.len(),
        settled.as_secs_f64()
    );
    assert!(departures >= 5 && offline_edits > 0, "the run had too little disruption to mean anything");
    let notes = swarm.notes_of(0).unwrap();
    let lost: Vec<&String> = written.iter().filter(|text| !notes.contains(text.as_str())).collect();
    assert!(lost.is_empty(), "{} of {} edits lost, e.g. {:?}", lost.len(), written.len(), &lost[..lost.len().min(5)]);
    for i in 1..peers {
        assert_eq!(swarm.notes_of(i).unwrap(), notes, "peer {i} holds other notes");
    }
    swarm.shutdown().await;
}
