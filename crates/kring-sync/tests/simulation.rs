//! Deterministic simulation: several peers edit, connect and disconnect in a random order
//! chosen by proptest; once everyone is connected again, every peer holds the same network.
//!
//! CI runs 100 seeds of 1 to 40 steps. The long run (`scripts/long-runs.sh`) sets
//! `KRING_SIM_SEEDS=1000 KRING_SIM_STEPS=10000`: every seed then takes exactly that many steps.

mod common;

use common::*;
use kring_model::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    /// Peer writes a line in the shared notes.
    Write(usize, String),
    Vote(usize),
    /// A peer proposes a question.
    Propose(usize),
    Connect(usize, usize),
    /// The newest live connection drops.
    Drop,
    /// Let the messages flow.
    Run,
}

fn step(peers: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..peers, "[a-zé][a-zé ]{0,11}").prop_map(|(p, text)| Step::Write(p, text)),
        (0..peers).prop_map(Step::Vote),
        (0..peers).prop_map(Step::Propose),
        (0..peers, 0..peers).prop_map(|(a, b)| Step::Connect(a, b)),
        Just(Step::Drop),
        Just(Step::Run),
    ]
}

/// A number from the environment, or `default`.
fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn scenario() -> impl Strategy<Value = (usize, Vec<Step>)> {
    let steps = match std::env::var("KRING_SIM_STEPS").ok().and_then(|v| v.parse::<usize>().ok()) {
        Some(steps) => steps.max(1)..=steps.max(1),
        None => 1..=40,
    };
    (2usize..=4).prop_flat_map(move |peers| (Just(peers), prop::collection::vec(step(peers), steps.clone())))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(setting("KRING_SIM_SEEDS", 100) as u32))]

    #[test]
    fn every_peer_ends_with_the_same_network((peers, steps) in scenario()) {
        let names = ["Anna", "Bram", "Chris", "Dewi"];
        let mut world = world(&names[..peers]);
        let me = world.peers[0].me.clone();
        let session = session(&mut world.peers[0].network, &me);
        let question = world.peers[0].network.add_question(&me, "Startvraag", "").unwrap();
        // Everyone starts from the network as founded (they joined before the meeting).
        for i in 1..peers {
            let mut founder = world.peers[0].network.fork();
            world.peers[i].network.merge(&mut founder).unwrap();
        }
        let mut written = Vec::new();
        for step in steps {
            match step {
                Step::Write(p, text) => {
                    let me = world.peers[p].me.clone();
                    world.peers[p].network.append_text(&me, &TextField::Notes(session.clone()), &text).unwrap();
                    written.push(text.trim().to_string());
                    world.edited(p);
                }
                Step::Vote(p) => {
                    let me = world.peers[p].me.clone();
                    world.peers[p].network.vote(&me, &question).unwrap();
                    world.edited(p);
                }
                Step::Propose(p) => {
                    let me = world.peers[p].me.clone();
                    world.peers[p].network.add_question(&me, "Nieuwe vraag", "").unwrap();
                    world.edited(p);
                }
                Step::Connect(a, b) if a != b => { world.connect(a, b); }
                Step::Connect(..) => {}
                Step::Drop => {
                    if let Some(index) = world.links.iter().rposition(|l| l.up) {
                        world.disconnect(index);
                    }
                }
                Step::Run => { world.run(); }
            }
        }
        // Finally everyone meets everyone (reusing saved sync states) and talks until quiet.
        for a in 0..peers {
            for b in (a + 1)..peers {
                world.connect(a, b);
            }
        }
        world.run();

        let snapshots = world.snapshots();
        for (i, snapshot) in snapshots.iter().enumerate().skip(1) {
            prop_assert_eq!(snapshot, &snapshots[0], "peer {} differs from peer 0", i);
        }
        let heads: Vec<_> = world.peers.iter_mut().map(|p| p.network.heads()).collect();
        prop_assert!(heads.windows(2).all(|w| w[0] == w[1]));
        let notes = &snapshots[0].sessions[&session].notes;
        for text in written.iter().filter(|t| !t.is_empty()) {
            prop_assert!(notes.contains(text.as_str()), "{:?} lost from {:?}", text, notes);
        }
    }
}
