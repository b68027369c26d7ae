//! What the random simulations share: how many seeds and steps, and how a run ends.

use kring_model::NetworkSnapshot;
use proptest::prelude::*;

use super::World;

/// A number from the environment, or `default`.
pub(crate) fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// 2 to 4 laptops and their steps: 1 to 40 of them, or exactly `KRING_SIM_STEPS` (long runs).
pub(crate) fn scenario<S: Strategy + 'static>(step: fn(usize) -> S) -> impl Strategy<Value = (usize, Vec<S::Value>)> {
    let steps = match std::env::var("KRING_SIM_STEPS").ok().and_then(|v| v.parse::<usize>().ok()) {
        Some(steps) => steps.max(1)..=steps.max(1),
        None => 1..=40,
    };
    (2usize..=4).prop_flat_map(move |peers| (Just(peers), prop::collection::vec(step(peers), steps.clone())))
}

impl World {
    /// The end of a run: everyone meets everyone (reusing saved sync states) and talks until
    /// quiet. Then the laptops of the members who are current in everything any laptop wrote
    /// must hold the same network with the same heads (a removed member's laptop is no longer
    /// synced with, so it may lag behind). Those laptops, and every laptop's network; no laptop
    /// at all when two coordinators removed each other at once (both removals are valid).
    pub(crate) fn settle(&mut self) -> Result<(Vec<usize>, Vec<NetworkSnapshot>), TestCaseError> {
        let peers = self.peers.len();
        for a in 0..peers {
            for b in (a + 1)..peers {
                self.connect(a, b);
            }
        }
        self.run();
        let mut everything = self.peers[0].network.fork();
        for p in 1..peers {
            let mut copy = self.peers[p].network.fork();
            everything.merge(&mut copy).unwrap();
        }
        let truth = everything.snapshot().unwrap();
        let members: Vec<usize> = (0..peers).filter(|&p| truth.members[&self.peers[p].me].is_current()).collect();
        let snapshots = self.snapshots();
        if let Some((&first, others)) = members.split_first() {
            for &p in others {
                prop_assert_eq!(&snapshots[p], &snapshots[first], "peer {} differs from peer {}", p, first);
            }
            let heads: Vec<_> = members.iter().map(|&p| self.peers[p].network.heads()).collect();
            prop_assert!(heads.windows(2).all(|w| w[0] == w[1]));
        }
        Ok((members, snapshots))
    }
}
