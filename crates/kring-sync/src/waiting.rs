//! Changes that arrived before the earlier changes they build on (orphans), held by Kring
//! itself until those arrive, and counted in bytes per connection that brought them.
//!
//! Automerge would keep such changes in a queue of its own, with no limit and no way to drop
//! them again: a member's modified client once made a laptop hold 1.6 GB that way (400 changes
//! of 2 MB built on one it never sent), for as long as Kring ran. So a sync message reaches
//! Automerge with only the changes that can be applied now; the rest wait here, where what
//! each connection brought is known, capped ([`MAX_PER_CONNECTION`], [`MAX_PER_NETWORK`]) and
//! let go when the connection ends. An honest laptop's orphans (its summary of what we have
//! was off, or the earlier change comes from another peer) wait the same way: when the
//! earlier change arrives, from whichever peer, they are applied with it.

use std::collections::{HashMap, HashSet};

use automerge::{AutoCommit, Change, ChangeHash};

/// What one connection may have waiting, all its networks together: as much as the largest
/// message (`frame::MAX_FRAME`). An honest peer's orphans are few and are applied within a
/// round of messages, when Kring asks for the earlier changes they need.
pub const MAX_PER_CONNECTION: usize = 64 * 1024 * 1024;
/// What may wait in one network, all connections together: two connections' worth.
pub const MAX_PER_NETWORK: usize = 2 * MAX_PER_CONNECTION;
/// What holding one change costs besides its bytes (its hash in maps, its parsed header): so
/// that many tiny changes count too.
const OVERHEAD: usize = 256;

#[derive(Debug, Clone)]
struct Held {
    change: Change,
    bytes: usize,
    /// The connections that sent it; the first one is charged for it.
    from: Vec<u64>,
}

/// Changes held until the changes they build on arrive, per network.
#[derive(Debug, Default, Clone)]
pub struct Waiting {
    held: HashMap<ChangeHash, Held>,
    by_connection: HashMap<u64, usize>,
    total: usize,
}

impl Waiting {
    /// Holds `change` (as `chunk` brought it) for connection `from`, unless it is held already:
    /// then `from` shares it (and is charged for it once the first sender is gone).
    pub(crate) fn hold(&mut self, change: Change, chunk: &[u8], from: u64) {
        if let Some(held) = self.held.get_mut(&change.hash()) {
            if !held.from.contains(&from) {
                held.from.push(from);
            }
            return;
        }
        // A compressed change is kept both ways (as it came, and inflated).
        let compressed = if chunk.get(8) == Some(&2) { chunk.len() } else { 0 };
        let bytes = change.raw_bytes().len() + compressed + OVERHEAD;
        self.charge(from, bytes);
        self.held.insert(change.hash(), Held { change, bytes, from: vec![from] });
    }

    pub fn len(&self) -> usize {
        self.held.len()
    }

    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Bytes held for connection `from`.
    pub fn bytes_from(&self, from: u64) -> usize {
        self.by_connection.get(&from).copied().unwrap_or(0)
    }

    /// Bytes held in all.
    pub fn bytes(&self) -> usize {
        self.total
    }

    pub(crate) fn changes(&self) -> impl Iterator<Item = &Change> {
        self.held.values().map(|held| &held.change)
    }

    /// Takes out the held changes whose history is complete now (in `doc`, or among the changes
    /// taken with them), in an order Automerge can apply them in: parents first.
    pub(crate) fn take_ready(&mut self, doc: &mut AutoCommit) -> Ready {
        // Kahn's order over the held changes, starting from those whose parents are all in the
        // document.
        let mut missing: HashMap<ChangeHash, usize> = HashMap::new();
        let mut children: HashMap<ChangeHash, Vec<ChangeHash>> = HashMap::new();
        let mut ready = Vec::new();
        for (hash, held) in &self.held {
            let lacking: Vec<&ChangeHash> =
                held.change.deps().iter().filter(|dep| doc.get_change_meta_by_hash(dep).is_none()).collect();
            // A parent that is held can still come; one that is not makes this one wait.
            for dep in lacking.iter().filter(|dep| self.held.contains_key(**dep)) {
                children.entry(**dep).or_default().push(*hash);
            }
            let lacking = lacking.len();
            if lacking == 0 {
                ready.push(*hash);
            } else {
                missing.insert(*hash, lacking);
            }
        }
        let mut order = Vec::new();
        while let Some(hash) = ready.pop() {
            order.push(hash);
            for child in children.remove(&hash).into_iter().flatten() {
                let lacking = missing.get_mut(&child).expect("a held change's parent among the held");
                *lacking -= 1;
                if *lacking == 0 {
                    missing.remove(&child);
                    ready.push(child);
                }
            }
        }
        Ready(order.into_iter().map(|hash| self.take(&hash).expect("taken once")).collect())
    }

    /// Holds again what [`Waiting::take_ready`] took (a message refused before it was applied).
    pub(crate) fn put_back(&mut self, ready: Ready) {
        for held in ready.0 {
            self.charge(held.from[0], held.bytes);
            self.held.insert(held.change.hash(), held);
        }
    }

    /// The held changes `doc` has now (a whole document brought them).
    pub(crate) fn take_applied(&mut self, doc: &mut AutoCommit) -> Vec<Change> {
        let applied: Vec<ChangeHash> =
            self.held.keys().filter(|hash| doc.get_change_meta_by_hash(hash).is_some()).copied().collect();
        applied.iter().filter_map(|hash| self.take(hash)).map(|held| held.change).collect()
    }

    /// Connection `from` ended (or was refused): what only it sent is dropped, and what
    /// others sent too is charged to the next of them.
    pub fn release(&mut self, from: u64) {
        if self.bytes_from(from) == 0 && !self.held.values().any(|held| held.from.contains(&from)) {
            return;
        }
        let mut dropped = Vec::new();
        let mut moved = Vec::new();
        for (hash, held) in &mut self.held {
            let Some(at) = held.from.iter().position(|f| *f == from) else { continue };
            held.from.remove(at);
            match held.from.first() {
                None => dropped.push(*hash),
                Some(next) if at == 0 => moved.push((*next, held.bytes)),
                Some(_) => {}
            }
        }
        self.by_connection.remove(&from);
        for (next, bytes) in moved {
            *self.by_connection.entry(next).or_default() += bytes;
        }
        for hash in dropped {
            let held = self.held.remove(&hash).expect("listed above");
            self.total -= held.bytes;
        }
        if self.held.is_empty() {
            // Give the maps' memory back too, not only their entries'.
            *self = Waiting::default();
        }
    }

    /// What the peer should send us so that the held changes can be applied: `need` (the
    /// peer's heads we lack, as Automerge asks for them) followed back through held changes to
    /// the first ones neither here nor held. Automerge did the same through its own queue.
    pub(crate) fn missing_before(&self, doc: &mut AutoCommit, need: &[ChangeHash]) -> Vec<ChangeHash> {
        let mut missing = Vec::new();
        let mut seen = HashSet::new();
        let mut stack = need.to_vec();
        while let Some(hash) = stack.pop() {
            if !seen.insert(hash) || doc.get_change_meta_by_hash(&hash).is_some() {
                continue;
            }
            match self.held.get(&hash) {
                Some(held) => stack.extend(held.change.deps().iter().copied()),
                None => missing.push(hash),
            }
        }
        missing.sort();
        missing
    }

    fn charge(&mut self, from: u64, bytes: usize) {
        *self.by_connection.entry(from).or_default() += bytes;
        self.total += bytes;
    }

    fn take(&mut self, hash: &ChangeHash) -> Option<Held> {
        let held = self.held.remove(hash)?;
        self.total -= held.bytes;
        if let Some(count) = self.by_connection.get_mut(&held.from[0]) {
            *count -= held.bytes;
            if *count == 0 {
                self.by_connection.remove(&held.from[0]);
            }
        }
        Some(held)
    }
}

/// Held changes that can be applied now, parents first.
pub(crate) struct Ready(Vec<Held>);

impl Ready {
    pub(crate) fn changes(&self) -> impl Iterator<Item = &Change> {
        self.0.iter().map(|held| &held.change)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn into_changes(self) -> Vec<Change> {
        self.0.into_iter().map(|held| held.change).collect()
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;

    use super::*;

    /// Three changes of one writer, each on the one before.
    fn chain() -> (AutoCommit, Vec<Change>) {
        let mut writer = AutoCommit::new();
        for n in 0..3 {
            writer.put(automerge::ROOT, "n", n).unwrap();
            writer.commit();
        }
        let changes = writer.get_changes(&[]).into_iter().collect();
        (writer, changes)
    }

    #[test]
    fn orphans_wait_counted_per_connection_until_their_parent_comes_or_the_sender_goes() {
        let (_, changes) = chain();
        let mut doc = AutoCommit::new();
        let mut waiting = Waiting::default();
        // The second and third change arrive from connection 1, without the first.
        for change in &changes[1..] {
            waiting.hold(change.clone(), change.raw_bytes(), 1);
        }
        assert!(waiting.take_ready(&mut doc).is_empty());
        let held = waiting.bytes_from(1);
        assert!(held >= changes[1].raw_bytes().len() + changes[2].raw_bytes().len());
        assert_eq!(waiting.bytes(), held);
        assert_eq!(waiting.missing_before(&mut doc, &[changes[2].hash()]), vec![changes[0].hash()]);

        // Connection 2 sends the third one again, and the first: all three are ready, in order.
        waiting.hold(changes[2].clone(), changes[2].raw_bytes(), 2);
        waiting.hold(changes[0].clone(), changes[0].raw_bytes(), 2);
        let ready = waiting.take_ready(&mut doc);
        let order: Vec<ChangeHash> = ready.changes().map(Change::hash).collect();
        assert_eq!(order, changes.iter().map(Change::hash).collect::<Vec<_>>());
        assert_eq!((waiting.bytes(), waiting.bytes_from(1), waiting.bytes_from(2)), (0, 0, 0));
        doc.apply_changes(ready.into_changes()).unwrap();
        assert_eq!(doc.get_heads(), vec![changes[2].hash()]);
    }

    #[test]
    fn what_a_connection_alone_sent_goes_with_it_and_what_it_shared_stays() {
        let (_, changes) = chain();
        let mut doc = AutoCommit::new();
        let mut waiting = Waiting::default();
        waiting.hold(changes[1].clone(), changes[1].raw_bytes(), 1);
        waiting.hold(changes[2].clone(), changes[2].raw_bytes(), 1);
        waiting.hold(changes[2].clone(), changes[2].raw_bytes(), 2);
        assert_eq!(waiting.bytes_from(2), 0, "charged to the first sender only");
        waiting.release(1);
        assert_eq!(waiting.len(), 1, "the change connection 2 sent too stays");
        assert_eq!(waiting.bytes_from(2), waiting.bytes());
        assert_eq!(waiting.bytes_from(1), 0);
        waiting.release(2);
        assert!(waiting.is_empty());
        assert_eq!(waiting.bytes(), 0);
        // Put back after a refusal: counted again.
        waiting.hold(changes[0].clone(), changes[0].raw_bytes(), 3);
        let ready = waiting.take_ready(&mut doc);
        assert_eq!(waiting.bytes(), 0);
        waiting.put_back(ready);
        assert!(waiting.bytes_from(3) > 0);
        assert_eq!(waiting.bytes_from(3), waiting.bytes());
    }
}
