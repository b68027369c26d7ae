//! Carrying a member's offline work from the old chapter into the new one: what their laptop
//! wrote in the old chapter after the coordinator began the new one (the new chapter's first
//! change records, per actor, the last change it was based on) is written again in the new
//! chapter, as this laptop's own change, and merges there as any concurrent edit does.
//!
//! Text is merged three ways with Automerge itself: the text as it was before the offline
//! edits, with those edits on one fork and the new chapter's text on another, merged; the
//! result goes into the new chapter as the smallest splices. Other values are written again.
//! Whatever sits where the new chapter has no record (erased for everyone) is left out.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use automerge::{
    AutoCommit, ChangeHash, ObjId, ObjType, Patch, PatchAction, Prop, ROOT, ReadDoc, Value,
    transaction::{CommitOptions, Transactable},
};

use crate::changes::{ChangeKind, ChangeNote};
use crate::error::Result;
use crate::ids::MemberId;
use crate::network::Network;
use crate::trust::device_of_actor;

/// What was carried over into the new chapter.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CarriedOver {
    /// Offline changes of this laptop that the new chapter was not based on.
    pub changes: usize,
    /// Texts merged into the new chapter, and other values written again.
    pub texts: usize,
    pub values: usize,
    /// Edits whose record the new chapter no longer has (erased): not carried over.
    pub left_out: usize,
}

impl CarriedOver {
    pub fn is_empty(&self) -> bool {
        self.changes == 0
    }
}

impl Network {
    /// Writes again in `self` (a new chapter) what `device` wrote in `old` that the new chapter
    /// was not based on, as one change by `by`. Nothing is written when there is nothing.
    pub fn carry_over(&mut self, old: &mut Network, device: &str, by: &MemberId) -> Result<CarriedOver> {
        let base = self.chapter_base();
        let metas = old.doc.get_changes_meta(&[]);
        let own: HashSet<ChangeHash> = metas
            .iter()
            .filter(|meta| device_of_actor(&meta.actor).as_deref() == Some(device))
            .filter(|meta| meta.seq > base.get(&meta.actor.to_hex_string()).copied().unwrap_or(0))
            .map(|meta| meta.hash)
            .collect();
        let mut carried = CarriedOver { changes: own.len(), ..CarriedOver::default() };
        if own.is_empty() {
            return Ok(carried);
        }
        // The old chapter without the offline changes and what others built on them, and then
        // with the offline changes.
        let mut later = own.clone();
        loop {
            let before = later.len();
            for meta in &metas {
                if meta.deps.iter().any(|dep| later.contains(dep)) {
                    later.insert(meta.hash);
                }
            }
            if later.len() == before {
                break;
            }
        }
        let without: Vec<_> = metas.iter().filter(|meta| !later.contains(&meta.hash)).collect();
        let with: Vec<_> =
            metas.iter().filter(|meta| !later.contains(&meta.hash) || own.contains(&meta.hash)).collect();
        let (before, after) = (heads_of(&without), heads_of(&with));
        let patches = old.doc.diff(&before, &after);

        let mut texts = BTreeSet::new();
        let mut values = BTreeMap::new();
        for patch in &patches {
            let place = keys_of(patch);
            match &patch.action {
                PatchAction::SpliceText { .. } | PatchAction::DeleteSeq { .. } => {
                    texts.insert((place, patch.obj.clone()));
                }
                PatchAction::PutMap { key, value, .. } => {
                    let mut at = place;
                    at.push(key.clone());
                    values.insert(at, Some(value.clone()));
                }
                PatchAction::DeleteMap { key } => {
                    let mut at = place;
                    at.push(key.clone());
                    values.insert(at, None);
                }
                _ => {}
            }
        }

        let note = ChangeNote { by: by.clone(), what: ChangeKind::CarriedOver, target: None };
        let now = self.now();
        let doc = &mut self.doc;
        for (at, value) in &values {
            let Some((parent, key)) = at.split_last().map(|(key, parent)| (parent, key)) else { continue };
            let Some(target) = resolve(doc, parent) else {
                carried.left_out += 1;
                continue;
            };
            match value {
                None => doc.delete(&target, key.as_str())?,
                Some((Value::Object(kind @ (ObjType::Map | ObjType::Text)), _)) => {
                    if !matches!(doc.get(&target, key.as_str())?, Some((Value::Object(_), _))) {
                        doc.put_object(&target, key.as_str(), *kind)?;
                    }
                }
                Some((Value::Object(_), _)) => continue,
                Some((Value::Scalar(scalar), _)) => doc.put(&target, key.as_str(), scalar.clone().into_owned())?,
            }
            carried.values += 1;
        }
        for (at, obj) in &texts {
            let Some(target) = resolve(doc, at) else {
                carried.left_out += 1;
                continue;
            };
            let was = old.doc.text_at(obj, &before).unwrap_or_default();
            let mine = old.doc.text_at(obj, &after)?;
            let theirs = doc.text(&target)?;
            doc.update_text(&target, &merge_three_ways(&was, &mine, &theirs)?)?;
            carried.texts += 1;
        }
        if carried.values + carried.texts > 0 {
            doc.commit_with(CommitOptions::default().with_time(now.div_euclid(1000)).with_message(note.encode()));
        }
        Ok(carried)
    }
}

/// The changes of `set` that no other change of it builds on.
fn heads_of(set: &[&automerge::ChangeMetadata<'_>]) -> Vec<ChangeHash> {
    let depended: HashSet<ChangeHash> = set.iter().flat_map(|meta| meta.deps.iter().copied()).collect();
    set.iter().map(|meta| meta.hash).filter(|hash| !depended.contains(hash)).collect()
}

/// The map keys from the root down to the object a patch changed (Kring keeps no lists).
fn keys_of(patch: &Patch) -> Vec<String> {
    patch
        .path
        .iter()
        .map(|(_, prop)| match prop {
            Prop::Map(key) => key.clone(),
            Prop::Seq(index) => index.to_string(),
        })
        .collect()
}

/// The object at `keys` from the root, if the document has one there.
fn resolve(doc: &AutoCommit, keys: &[String]) -> Option<ObjId> {
    let mut at = ROOT;
    for key in keys {
        at = crate::access::obj(doc, &at, key)?;
    }
    Some(at)
}

/// `was` edited into `mine` on one side and into `theirs` on the other, merged as Automerge
/// merges two laptops' concurrent typing.
fn merge_three_ways(was: &str, mine: &str, theirs: &str) -> Result<String> {
    let mut common = AutoCommit::new();
    let text = common.put_object(ROOT, "text", ObjType::Text)?;
    common.splice_text(&text, 0, 0, was)?;
    common.commit();
    let mut theirs_fork = common.fork();
    common.update_text(&text, mine)?;
    theirs_fork.update_text(&text, theirs)?;
    common.merge(&mut theirs_fork)?;
    Ok(common.text(&text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_sides_edits_of_one_text_both_survive_the_merge() {
        let merged =
            merge_three_ways("Wij lazen samen.", "Wij lazen samen. Goed!", "Vandaag: Wij lazen samen.").unwrap();
        assert_eq!(merged, "Vandaag: Wij lazen samen. Goed!");
        assert_eq!(merge_three_ways("", "nieuw", "").unwrap(), "nieuw");
    }
}
