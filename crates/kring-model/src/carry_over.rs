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
    AutoCommit, ChangeHash, ObjId, ObjType, Patch, PatchAction, Prop, ROOT, ReadDoc, Value, transaction::Transactable,
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
            note.commit(doc, now);
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

/// `was` edited into `mine` on one side and into `theirs` on the other, merged line by line as
/// Automerge merges two laptops' concurrent typing. Line by line, because `theirs` may lack
/// lines of `was` that simply have not reached the new chapter yet: merged character by
/// character, the edit would be aligned with look-alike characters of other lines ("regel "),
/// and cutting those would cut into the carried text.
fn merge_three_ways(was: &str, mine: &str, theirs: &str) -> Result<String> {
    let mut lines = Lines::default();
    let tokens = (lines.tokens(was), lines.tokens(mine), lines.tokens(theirs));
    let (Some(was_tokens), Some(my_tokens), Some(their_tokens)) = tokens else {
        // More distinct lines than there are private characters: an edit, not a merge.
        return Ok(theirs.to_string());
    };
    let merged = lines.text(&merge_characters(&was_tokens, &my_tokens, &their_tokens)?);
    // Every line was given its line break for the merge; the text keeps its own ending.
    let ending = if theirs.is_empty() { mine } else { theirs };
    Ok(match ending.ends_with('\n') {
        true => merged,
        false => merged.strip_suffix('\n').map(str::to_string).unwrap_or(merged),
    })
}

/// Each distinct line as one character of Unicode's private use areas, so that a character
/// merge is a line merge.
#[derive(Default)]
struct Lines {
    tokens: std::collections::HashMap<String, char>,
    lines: Vec<String>,
}

impl Lines {
    /// Every line with its line break, the last one too: "a" and "a\n" are the same lines.
    fn tokens(&mut self, text: &str) -> Option<String> {
        let mut ended = text.to_string();
        if !ended.is_empty() && !ended.ends_with('\n') {
            ended.push('\n');
        }
        ended
            .split_inclusive('\n')
            .map(|line| match self.tokens.get(line) {
                Some(token) => Some(*token),
                None => {
                    let token = private_char(self.lines.len())?;
                    self.tokens.insert(line.to_string(), token);
                    self.lines.push(line.to_string());
                    Some(token)
                }
            })
            .collect()
    }

    fn text(&self, tokens: &str) -> String {
        tokens.chars().filter_map(|token| self.index(token)).map(|i| self.lines[i].as_str()).collect()
    }

    fn index(&self, token: char) -> Option<usize> {
        let code = token as usize;
        match code {
            0xE000..=0xF8FF => Some(code - 0xE000),
            0xF0000..=0xFFFFD => Some(code - 0xF0000 + 0x1900),
            _ => None,
        }
    }
}

/// The `n`th character of the private use areas (the basic one, then plane 15).
fn private_char(n: usize) -> Option<char> {
    let code = if n < 0x1900 { 0xE000 + n } else { 0xF0000 + (n - 0x1900) };
    (code <= 0xFFFFD).then(|| char::from_u32(code as u32)).flatten()
}

/// The character merge: `was` forked, one side edited into `mine`, the other into `theirs`.
fn merge_characters(was: &str, mine: &str, theirs: &str) -> Result<String> {
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
    fn lines_added_on_both_sides_both_survive_the_merge() {
        let merged = merge_three_ways("Begin.", "Begin.\nVan mij.", "Vandaag:\nBegin.\nVan hen.").unwrap();
        let mut lines: Vec<&str> = merged.lines().collect();
        assert_eq!(lines.drain(..2).collect::<Vec<_>>(), ["Vandaag:", "Begin."]);
        lines.sort();
        assert_eq!(lines, ["Van hen.", "Van mij."]);
        assert_eq!(merge_three_ways("", "nieuw", "").unwrap(), "nieuw");
    }

    /// A line of `was` that the other side does not hold yet must not pull the carried lines
    /// apart: merged by character, "regel " would be matched across lines and cut.
    #[test]
    fn lines_the_other_side_lacks_do_not_cut_into_the_carried_ones() {
        let was = "regel 1 van laptop 2";
        let mine = "regel 0 van laptop 1\nregel 1 van laptop 2\nregel 4 van laptop 1";
        let merged = merge_three_ways(was, mine, "").unwrap();
        assert_eq!(merged, "regel 0 van laptop 1\nregel 4 van laptop 1");
        assert_eq!(merge_three_ways("a\nb", "a\nb\n", "a\nb").unwrap(), "a\nb");
    }

    #[test]
    fn every_line_has_its_own_private_character() {
        let mut lines = Lines::default();
        let text: String = (0..8000).map(|n| format!("regel {n}\n")).collect();
        let tokens = lines.tokens(&text).unwrap();
        assert_eq!(lines.text(&tokens), text);
        assert_eq!(private_char(0x1900), Some('\u{F0000}'));
    }
}
