//! Where this laptop's own characters in a chapter came from in the chapter before: which of
//! its changes there typed them. Kept by the laptop beside the chapter (never in the network's
//! document, where a coordinator could claim any text was typed by anyone).
//!
//! Needed when two coordinators began a chapter each from the same chapter and this laptop is
//! on the one that does not go on. The winner was copied from the old chapter as it stood on the
//! other coordinator's laptop, which may lack some of this laptop's typing there: typing that
//! reached the loser only inside its copy, or inside this laptop's carry-over, where the
//! operations no longer say who wrote them. With the origins, the laptop carries over exactly
//! the characters the winner's copy was not based on, and none that it was.

use std::collections::{BTreeMap, HashMap};

use automerge::{ActorId, AutoCommit, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, Value};

use crate::error::Result;
use crate::network::Network;
use crate::trust::device_of_actor;

/// Per character of a chapter (an operation's id there): the change of the chapter before that
/// typed it, as its actor and sequence number.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Origins {
    /// Actors, in hex, as the runs number them.
    actors: Vec<String>,
    /// Sorted by actor and counter, none overlapping.
    runs: Vec<Run>,
}

/// Consecutive operations of one actor in this chapter copying characters one change typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
struct Run {
    actor: u32,
    counter: u64,
    len: u64,
    from: u32,
    seq: u64,
}

impl Origins {
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// How many characters have an origin.
    pub fn len(&self) -> u64 {
        self.runs.iter().map(|run| run.len).sum()
    }

    /// Records that operation `counter` of `actor` here copies a character change `seq` of
    /// `from` typed. Added in counter order, consecutive characters of one change make one run.
    pub(crate) fn add(&mut self, counter: u64, actor: &ActorId, from: &ActorId, seq: u64) {
        let (actor, from) = (self.number(actor), self.number(from));
        if let Some(last) = self.runs.last_mut()
            && last.actor == actor
            && last.from == from
            && last.seq == seq
            && last.counter + last.len == counter
        {
            last.len += 1;
            return;
        }
        self.runs.push(Run { actor, counter, len: 1, from, seq });
    }

    /// How many changes typed characters here that a chapter copied at `base` (per actor, the
    /// last of its changes) was not based on.
    pub fn changes_missing_from(&self, base: &BTreeMap<String, u64>) -> usize {
        let missing = self.runs.iter().filter(|run| {
            let from = &self.actors[run.from as usize];
            base.get(from).is_none_or(|based| run.seq > *based)
        });
        missing.map(|run| (run.from, run.seq)).collect::<std::collections::BTreeSet<_>>().len()
    }

    /// Puts the runs in the order [`Origins::of`] searches, once all are added.
    pub(crate) fn sort(&mut self) {
        self.runs.sort();
    }

    /// Both, the runs sorted again.
    pub fn extend(&mut self, other: &Origins) {
        for run in &other.runs {
            let (actor, from) = (&other.actors[run.actor as usize], &other.actors[run.from as usize]);
            let (actor, from) = (self.number_hex(actor), self.number_hex(from));
            self.runs.push(Run { actor, from, ..*run });
        }
        self.runs.sort();
    }

    /// The change that typed the character operation `counter` of `actor` copies, if known:
    /// its actor, in hex, and its sequence number.
    pub(crate) fn of(&self, counter: u64, actor: &ActorId) -> Option<(&str, u64)> {
        let hex = actor.to_hex_string();
        let actor = self.actors.iter().position(|known| *known == hex)? as u32;
        let after = self.runs.partition_point(|run| (run.actor, run.counter) <= (actor, counter));
        let run = self.runs[..after].last().filter(|run| run.actor == actor && counter < run.counter + run.len)?;
        Some((&self.actors[run.from as usize], run.seq))
    }

    fn number(&mut self, actor: &ActorId) -> u32 {
        self.number_hex(&actor.to_hex_string())
    }

    fn number_hex(&mut self, hex: &str) -> u32 {
        match self.actors.iter().position(|known| known == hex) {
            Some(at) => at as u32,
            None => {
                self.actors.push(hex.to_string());
                (self.actors.len() - 1) as u32
            }
        }
    }
}

/// Per actor, its changes as (first operation, last operation, sequence number), in order: to
/// find which change made an operation.
pub(crate) struct ChangeRanges(HashMap<ActorId, Vec<(u64, u64, u64)>>);

impl ChangeRanges {
    /// The changes of `doc`'s actors that `keep` names.
    pub(crate) fn of(doc: &mut AutoCommit, keep: impl Fn(&ActorId) -> bool) -> ChangeRanges {
        let mut ranges: HashMap<ActorId, Vec<(u64, u64, u64)>> = HashMap::new();
        for meta in doc.get_changes_meta(&[]) {
            if keep(&meta.actor) {
                let list = ranges.entry(meta.actor.into_owned()).or_default();
                list.push((meta.start_op, meta.max_op, meta.seq));
            }
        }
        for list in ranges.values_mut() {
            list.sort_unstable();
        }
        ChangeRanges(ranges)
    }

    /// The sequence number of the change of `actor` holding operation `counter`.
    pub(crate) fn seq_of(&self, counter: u64, actor: &ActorId) -> Option<u64> {
        let list = self.0.get(actor)?;
        let after = list.partition_point(|(start, _, _)| *start <= counter);
        list[..after].last().filter(|(_, max, _)| counter <= *max).map(|(_, _, seq)| *seq)
    }
}

impl Network {
    /// Where `device`'s characters in this chapter's copy came from in `old`, the chapter it was
    /// begun from (see the module's comment). Read from the text `old` held at this chapter's
    /// base, matched with the copy as carrying over does (an erased passage is in one only).
    pub fn own_origins(&mut self, old: &mut Network, device: &str) -> Result<Origins> {
        let mut origins = Origins::default();
        let own_actor = |actor: &ActorId| device_of_actor(actor).as_deref() == Some(device);
        let mut base: HashMap<ActorId, u64> = HashMap::new();
        for (actor, seq) in self.chapter_base() {
            if let Ok(actor) = actor.parse::<ActorId>() {
                base.insert(actor, seq);
            }
        }
        if !base.keys().any(own_actor) {
            return Ok(origins);
        }
        // The old chapter's text as it is now, but for characters typed after the base: the
        // text at the base itself is not read (asking Automerge for a text at given heads
        // works out the whole history's clock again, for every text).
        let every = ChangeRanges::of(&mut old.doc, |_| true);
        let at_base = |counter: u64, actor: &ActorId| {
            every.seq_of(counter, actor).is_some_and(|seq| base.get(actor).is_some_and(|based| seq <= *based))
        };
        let first: Vec<ChangeHash> =
            self.doc.get_changes_meta(&[]).iter().filter(|meta| meta.deps.is_empty()).map(|meta| meta.hash).collect();
        for (path, copy) in texts(&self.doc) {
            let Some(was) = crate::across_chapters::resolve(&old.doc, &path) else { continue };
            let ids: Vec<ObjId> = old.doc.list_range(&was, ..).map(|item| item.id()).collect();
            if !ids.iter().any(|id| matches!(id, ObjId::Id(_, actor, _) if own_actor(actor))) {
                continue;
            }
            let text = old.doc.text(&was)?;
            let mut was_text = String::new();
            let mut own = Vec::new();
            for (id, character) in ids.iter().zip(text.chars()) {
                let ObjId::Id(counter, actor, _) = id else { continue };
                if !at_base(*counter, actor) {
                    continue;
                }
                was_text.push(character);
                let seq = every.seq_of(*counter, actor).filter(|_| own_actor(actor));
                own.push(seq.map(|seq| (seq, actor.clone())));
            }
            let copied: Vec<ObjId> = self.doc.list_range_at(&copy, .., &first).map(|item| item.id()).collect();
            let copied_text = self.doc.text_at(&copy, &first)?;
            let copy_of = crate::across_chapters::align(&was_text, &copied_text)?;
            for (own, at) in own.iter().zip(copy_of) {
                let (Some((seq, from)), Some(at)) = (own, at) else { continue };
                if let Some(ObjId::Id(counter, actor, _)) = copied.get(at) {
                    origins.add(*counter, actor, from, *seq);
                }
            }
        }
        origins.sort();
        Ok(origins)
    }
}

/// Every text of a network document with the map keys that lead to it.
fn texts(doc: &AutoCommit) -> Vec<(Vec<String>, ObjId)> {
    let mut found = Vec::new();
    let mut maps = vec![(Vec::new(), ROOT)];
    while let Some((path, map)) = maps.pop() {
        for key in doc.keys(&map) {
            let Ok(Some((Value::Object(kind), id))) = doc.get(&map, key.as_str()) else { continue };
            let mut at = path.clone();
            at.push(key);
            match kind {
                ObjType::Map => maps.push((at, id)),
                ObjType::Text => found.push((at, id)),
                _ => {}
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_characters_of_one_change_make_one_run_and_are_found_again() {
        let (here, there, other) = (ActorId::random(), ActorId::random(), ActorId::random());
        let mut origins = Origins::default();
        for counter in 10..15 {
            origins.add(counter, &here, &there, 3);
        }
        origins.add(15, &here, &there, 4);
        origins.add(40, &here, &other, 1);
        assert_eq!(origins.runs.len(), 3);
        assert_eq!(origins.len(), 7);
        assert_eq!(origins.of(12, &here), Some((there.to_hex_string().as_str(), 3)));
        assert_eq!(origins.of(15, &here), Some((there.to_hex_string().as_str(), 4)));
        assert_eq!(origins.of(16, &here), None);
        assert_eq!(origins.of(9, &here), None);
        assert_eq!(origins.of(12, &there), None);

        let mut merged = Origins::default();
        merged.add(1, &there, &here, 9);
        merged.extend(&origins);
        assert_eq!(merged.of(40, &here), Some((other.to_hex_string().as_str(), 1)));
        assert_eq!(merged.of(1, &there), Some((here.to_hex_string().as_str(), 9)));
        let json = serde_json::to_string(&merged).unwrap();
        assert_eq!(serde_json::from_str::<Origins>(&json).unwrap(), merged);
    }
}
