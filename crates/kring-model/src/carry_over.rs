//! Carrying a member's offline work from the old chapter into the new one: what their laptop
//! wrote in the old chapter after the coordinator began the new one (the new chapter's first
//! change records, per actor, the last change it was based on) is written again in the new
//! chapter, as this laptop's own change, and merges there as any concurrent edit does.
//!
//! Only this laptop's own operations are carried, read one by one from its changes: a value it
//! put, a record it made or a key it deleted, and in a text the characters it typed and the
//! characters it deleted. Nothing another device wrote after the base enters, not even where
//! this laptop's changes were built on it (it typed into a sentence a removed member wrote, say,
//! after the two laptops synced in the old chapter).
//!
//! A text's characters are placed by identity, not by comparing texts. The new chapter copied
//! every text as fresh characters, so the old chapter's characters are matched with it through
//! the text both hold at the base; own characters go after the character they were typed after.
//! Where that character is not in the new chapter (another device's after the base, or erased),
//! they go after the nearest one before it that is, and are counted as displaced.
//!
//! Not read from Automerge's patches or cursors: those see the text at some heads, and no
//! heads show the own work alone when it was built on others' changes (a change cannot be
//! applied without what it depends on). The operations of the own changes are that work.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use automerge::legacy::{ElementId, Key, ObjectId, OpId, OpType};
use automerge::{
    ActorId, AutoCommit, ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable,
};

use crate::across_chapters::{align, path_of, resolve};
use crate::changes::{ChangeKind, ChangeNote};
use crate::error::Result;
use crate::ids::MemberId;
use crate::network::Network;
use crate::origins::{ChangeRanges, Origins};
use crate::trust::device_of_actor;

/// What was carried over into the new chapter.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CarriedOver {
    /// Offline changes of this laptop that the new chapter was not based on.
    pub changes: usize,
    /// Texts merged into the new chapter, and other values written again.
    pub texts: usize,
    pub values: usize,
    /// Places where own typing followed text the new chapter does not have (another device's
    /// text after the base, or an erased passage): it was put after the nearest character
    /// before it that the new chapter has.
    pub displaced: usize,
    /// Edits whose record the new chapter no longer has (erased): not carried over.
    pub left_out: usize,
    /// Where the characters carried into a next chapter came from (see [`Origins`]); not kept
    /// for other carries.
    #[serde(skip)]
    pub origins: Origins,
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
        self.carry(old, &base, device, by, Mode::Next)
    }

    /// As [`Network::carry_over`], where `old` is a chapter begun beside this one from the same
    /// chapter (two coordinators began one each): `device`'s work is what it wrote there after
    /// its first change, and its texts are matched with this chapter's through the text that
    /// first change copied. Its changes in `held` are not carried: offline work it carried into
    /// `old` that this chapter was copied with already.
    ///
    /// With `origins` (where `device`'s characters in `old` came from in the chapter both were
    /// begun from, see [`Origins`]), its characters are carried exactly where this chapter was
    /// not copied with them: those `old` copied but this chapter's copy was not based on, and
    /// those it carried into `old` that this chapter's copy lacks.
    pub fn carry_over_from_sibling(
        &mut self,
        old: &mut Network,
        device: &str,
        by: &MemberId,
        held: &[ChangeHash],
        origins: &Origins,
    ) -> Result<CarriedOver> {
        let first: BTreeMap<String, u64> = (old.doc.get_changes_meta(&[]).into_iter())
            .filter(|meta| meta.deps.is_empty())
            .map(|meta| (meta.actor.to_hex_string(), meta.seq))
            .collect();
        let winner = self.chapter_base();
        self.carry(old, &first, device, by, Mode::Sibling { held, origins, winner: &winner })
    }

    /// As [`Network::carry_over`], with the changes of `old` the new chapter holds as `base`
    /// (per actor, the last of its changes): for a laptop that skips chapters, the base the
    /// first of them was copied from (its hand-off records it).
    pub fn carry_over_from(
        &mut self,
        old: &mut Network,
        base: &BTreeMap<String, u64>,
        device: &str,
        by: &MemberId,
    ) -> Result<CarriedOver> {
        self.carry(old, base, device, by, Mode::Skipping)
    }

    fn carry(
        &mut self,
        old: &mut Network,
        base: &BTreeMap<String, u64>,
        device: &str,
        by: &MemberId,
        mode: Mode,
    ) -> Result<CarriedOver> {
        let authors = Authors::new(&mut old.doc, base, device, &mode);
        let mut carried = CarriedOver { changes: authors.own_changes, ..CarriedOver::default() };
        if let Mode::Sibling { origins, winner, .. } = &mode {
            carried.changes += origins.changes_missing_from(winner);
        }
        if carried.changes == 0 {
            return Ok(carried);
        }
        let ranges = match mode {
            Mode::Next => Some(ChangeRanges::of(&mut old.doc, |actor| authors.own.contains_key(actor))),
            _ => None,
        };
        let mut work = OwnWork::read(&mut old.doc, &authors);
        // Read before anything is written: asking an AutoCommit for changes commits.
        let first: Vec<ChangeHash> =
            self.doc.get_changes_meta(&[]).iter().filter(|meta| meta.deps.is_empty()).map(|meta| meta.hash).collect();

        let note = ChangeNote { by: by.clone(), what: ChangeKind::CarriedOver, target: None };
        let now = self.now();
        let doc = &mut self.doc;
        // Values by their place, so that a record made offline exists before what is in it.
        let mut values = BTreeMap::new();
        for ((obj, key), action) in &work.values {
            match path_of(&old.doc, obj) {
                Some(mut at) => {
                    at.push(key.clone());
                    values.insert(at, action);
                }
                None => carried.left_out += 1,
            }
        }
        for (at, action) in values {
            let Some((key, parent)) = at.split_last() else { continue };
            let Some(target) = resolve(doc, parent) else {
                carried.left_out += 1;
                continue;
            };
            let now_there = doc.get(&target, key.as_str())?;
            match action {
                OpType::Delete if now_there.is_some() => doc.delete(&target, key.as_str())?,
                OpType::Make(kind @ (ObjType::Map | ObjType::Text))
                    if !matches!(now_there, Some((Value::Object(_), _))) =>
                {
                    doc.put_object(&target, key.as_str(), *kind)?;
                }
                OpType::Put(scalar) if !matches!(&now_there, Some((Value::Scalar(there), _)) if there.as_ref() == scalar) =>
                {
                    doc.put(&target, key.as_str(), scalar.clone())?;
                }
                // Already so in the new chapter, or nothing Kring writes (lists, counters).
                _ => continue,
            }
            carried.values += 1;
        }
        for (obj, text) in &mut work.texts {
            let target = path_of(&old.doc, obj).and_then(|at| resolve(doc, &at));
            let Some(target) = target.filter(|target| doc.object_type(target).ok() == Some(ObjType::Text)) else {
                carried.left_out += 1;
                continue;
            };
            let placed = text.carry_into(doc, &target, &first, ranges.as_ref(), &mut carried.origins)?;
            carried.displaced += placed.displaced;
            if placed.changed {
                carried.texts += 1;
            }
        }
        if carried.values + carried.texts > 0 {
            note.commit(doc, now);
        }
        carried.origins.sort();
        Ok(carried)
    }
}

/// Which chapter the work is carried from.
enum Mode<'a> {
    /// The one the new chapter was begun from: where the carried characters came from is kept.
    Next,
    /// One further back.
    Skipping,
    /// One begun beside the new chapter (see [`Network::carry_over_from_sibling`]), with the
    /// base the new chapter's copy was made at in the chapter both came from.
    Sibling { held: &'a [ChangeHash], origins: &'a Origins, winner: &'a BTreeMap<String, u64> },
}

/// Whose an operation is, by its id: part of the new chapter's base, this laptop's own work
/// after the base, or another device's after the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Author {
    Base,
    Own,
    Other,
}

struct Authors<'a> {
    /// Per actor, the last operation of its changes at or below the base (an actor's changes
    /// count their operations upwards).
    base: HashMap<ActorId, u64>,
    /// Per actor of this device: the last change of it at or below the base.
    own: HashMap<ActorId, u64>,
    own_changes: usize,
    /// Own changes the new chapter holds already in another form, with their operations'
    /// range: counted as another device's.
    held: HashMap<(ActorId, u64), (u64, u64)>,
    /// For a sibling: where own characters came from, and the new chapter's base there.
    origins: Option<(&'a Origins, &'a BTreeMap<String, u64>)>,
}

impl<'a> Authors<'a> {
    fn new(doc: &mut AutoCommit, base: &BTreeMap<String, u64>, device: &str, mode: &Mode<'a>) -> Authors<'a> {
        let (held, origins) = match mode {
            Mode::Sibling { held, origins, winner } => (*held, Some((*origins, *winner))),
            _ => (&[][..], None),
        };
        let mut authors =
            Authors { base: HashMap::new(), own: HashMap::new(), own_changes: 0, held: HashMap::new(), origins };
        for hash in held {
            if let Some(change) = doc.get_change_by_hash(hash) {
                let ops = (change.start_op().get(), change.max_op());
                authors.held.insert((change.actor_id().clone(), change.seq()), ops);
            }
        }
        for meta in doc.get_changes_meta(&[]) {
            let based = base.get(&meta.actor.to_hex_string()).copied().unwrap_or(0);
            if authors.held.contains_key(&(meta.actor.clone().into_owned(), meta.seq)) {
                continue;
            }
            if meta.seq <= based {
                let last = authors.base.entry(meta.actor.clone().into_owned()).or_insert(0);
                *last = (*last).max(meta.max_op);
            } else if device_of_actor(&meta.actor).as_deref() == Some(device) {
                authors.own.insert(meta.actor.clone().into_owned(), based);
                authors.own_changes += 1;
            }
        }
        authors
    }

    fn of(&self, op: &OpId) -> Author {
        let held = self.held.iter().any(|((actor, _), (from, to))| *actor == op.1 && (*from..=*to).contains(&op.0));
        if self.base.get(&op.1).is_some_and(|last| op.0 <= *last) {
            Author::Base
        } else if held || self.copied_by_new(op) == Some(true) {
            Author::Other
        } else if self.own.contains_key(&op.1) {
            Author::Own
        } else {
            Author::Other
        }
    }

    /// For a character with a known origin (see [`Origins`]): whether the new chapter's copy
    /// was based on the change that typed it.
    fn copied_by_new(&self, op: &OpId) -> Option<bool> {
        let (origins, winner) = self.origins?;
        let (actor, seq) = origins.of(op.0, &op.1)?;
        Some(winner.get(actor).is_some_and(|based| seq <= *based))
    }

    /// Whether a character of the base is this laptop's own, typed where the new chapter's copy
    /// was not based on it: carried like own typing where the new chapter lacks it.
    fn own_beyond_new(&self, op: &OpId, author: Author) -> bool {
        author == Author::Base && self.copied_by_new(op) == Some(false)
    }

    fn is_own_change(&self, actor: &ActorId, seq: u64) -> bool {
        self.own.get(actor).is_some_and(|based| seq > *based) && !self.held.contains_key(&(actor.clone(), seq))
    }
}

/// This laptop's own work after the base: the last value it wrote at each map key, and every
/// text it typed or deleted in, with all of that text's history (to know where it typed).
struct OwnWork {
    values: BTreeMap<(ObjectId, String), OpType>,
    texts: BTreeMap<ObjectId, TextHistory>,
}

impl OwnWork {
    fn read(doc: &mut AutoCommit, authors: &Authors) -> OwnWork {
        let changes = doc.get_changes(&[]);
        let mut last: BTreeMap<(ObjectId, String), (OpId, OpType)> = BTreeMap::new();
        let mut texts: BTreeMap<ObjectId, TextHistory> = BTreeMap::new();
        for change in changes.iter().filter(|change| authors.is_own_change(change.actor_id(), change.seq())) {
            for (id, op) in ops_of(change) {
                match op.key {
                    Key::Map(key) => {
                        let place = (op.obj, key.to_string());
                        if last.get(&place).is_none_or(|(was, _)| *was < id) {
                            last.insert(place, (id, op.action));
                        }
                    }
                    Key::Seq(_) => {
                        texts.entry(op.obj).or_default();
                    }
                }
            }
        }
        if authors.origins.is_some() {
            for change in changes.iter().filter(|change| change.deps().is_empty()) {
                for (id, op) in ops_of(change).filter(|(_, op)| op.insert) {
                    if authors.own_beyond_new(&id, authors.of(&id)) {
                        texts.entry(op.obj).or_default();
                    }
                }
            }
        }
        // Every text own changes touched, with everyone's operations in it: where a character
        // sits depends on the characters typed before it, whoever typed them.
        let everyone = if texts.is_empty() { &[][..] } else { &changes[..] };
        for change in everyone {
            for (id, op) in ops_of(change) {
                if let Some(text) = texts.get_mut(&op.obj) {
                    let author = authors.of(&id);
                    let own_beyond_new = authors.own_beyond_new(&id, author);
                    text.add(id, op, author, own_beyond_new);
                }
            }
        }
        let values = last.into_iter().map(|(place, (_, action))| (place, action)).collect();
        OwnWork { values, texts }
    }
}

/// The operations of a change with their ids (an operation's id counts up from the change's
/// first).
fn ops_of(change: &automerge::Change) -> impl Iterator<Item = (OpId, automerge::legacy::Op)> {
    let expanded = change.decode();
    let (start, actor) = (expanded.start_op.get(), expanded.actor_id);
    expanded.operations.into_iter().enumerate().map(move |(i, op)| (OpId(start + i as u64, actor.clone()), op))
}

/// One character (or other element) a text ever held in the old chapter.
struct Element {
    id: OpId,
    /// The element it was typed after.
    after: ElementId,
    character: Option<String>,
    author: Author,
    /// Of the base, and to be carried where the new chapter lacks it (see
    /// [`Authors::own_beyond_new`]).
    own_beyond_new: bool,
    deleted: Deleted,
}

/// Who deleted an element.
#[derive(Default, Clone, Copy)]
struct Deleted {
    base: bool,
    own: bool,
    other: bool,
}

/// Every operation on one text in the old chapter.
#[derive(Default)]
struct TextHistory {
    elements: Vec<Element>,
    deletions: Vec<(ElementId, Author)>,
}

/// What carrying one text over did.
struct Placed {
    changed: bool,
    displaced: usize,
}

impl TextHistory {
    fn add(&mut self, id: OpId, op: automerge::legacy::Op, author: Author, own_beyond_new: bool) {
        let Key::Seq(at) = op.key else { return };
        match op.action {
            _ if op.insert => {
                let character = match op.action {
                    OpType::Put(ScalarValue::Str(s)) => Some(s.to_string()),
                    _ => None,
                };
                let deleted = Deleted::default();
                self.elements.push(Element { id, after: at, character, author, own_beyond_new, deleted });
            }
            OpType::Delete => self.deletions.push((at, author)),
            _ => {}
        }
    }

    /// The elements in the text's order, deleted ones too. Automerge keeps a text as a tree:
    /// each character after the one it was typed after, later typing first; the text is that
    /// tree walked depth first. Rebuilt here because Automerge shows no deleted characters,
    /// and own typing must be placed also where others deleted what it followed.
    fn ordered(&mut self) -> Vec<usize> {
        let index: HashMap<OpId, usize> = self.elements.iter().enumerate().map(|(i, e)| (e.id.clone(), i)).collect();
        for (at, author) in &self.deletions {
            let Some(&i) = at.as_opid().and_then(|id| index.get(id)) else { continue };
            let deleted = &mut self.elements[i].deleted;
            match author {
                Author::Base => deleted.base = true,
                Author::Own => deleted.own = true,
                Author::Other => deleted.other = true,
            }
        }
        let mut children: HashMap<&ElementId, Vec<usize>> = HashMap::new();
        for (i, element) in self.elements.iter().enumerate() {
            children.entry(&element.after).or_default().push(i);
        }
        for list in children.values_mut() {
            list.sort_by(|a, b| self.elements[*a].id.cmp(&self.elements[*b].id));
        }
        // Depth first without recursion: a text typed character by character is a tree as
        // deep as it is long.
        let mut order = Vec::with_capacity(self.elements.len());
        let mut stack: Vec<usize> = children.get(&ElementId::Head).cloned().unwrap_or_default();
        while let Some(i) = stack.pop() {
            order.push(i);
            if let Some(list) = children.get(&ElementId::Id(self.elements[i].id.clone())) {
                stack.extend(list);
            }
        }
        order
    }

    /// Whether an element was in the text at the base.
    fn at_base(&self, i: usize) -> bool {
        let element = &self.elements[i];
        element.author == Author::Base && !element.deleted.base
    }

    /// Writes this laptop's typing and deleting in this text into `target`, the same text in
    /// the new chapter, whose first change is `first`. With `ranges` (this laptop's changes in
    /// the old chapter), where each character written came from is added to `origins`.
    fn carry_into(
        &mut self,
        doc: &mut AutoCommit,
        target: &ObjId,
        first: &[ChangeHash],
        ranges: Option<&ChangeRanges>,
        origins: &mut Origins,
    ) -> Result<Placed> {
        let order = self.ordered();
        let index: HashMap<OpId, usize> = self.elements.iter().enumerate().map(|(i, e)| (e.id.clone(), i)).collect();

        // The text at the base, here and as the new chapter copied it (the same, unless a
        // passage was erased or this laptop lacks some of what the base holds). Own characters
        // the new chapter's copy was not based on are left out: matched by letter, they would
        // take the place of others that look the same.
        let base: Vec<usize> =
            order.iter().copied().filter(|&i| self.at_base(i) && !self.elements[i].own_beyond_new).collect();
        let base_text: String = base.iter().filter_map(|&i| self.elements[i].character.as_deref()).collect();
        let copied: Vec<ObjId> = doc.list_range_at(target, .., first).map(|item| item.id()).collect();
        let copied_text = if copied.is_empty() { String::new() } else { doc.text_at(target, first)? };
        let copy_of = align(&base_text, &copied_text)?;
        // Where each of those characters is in the new chapter now, if it still is.
        let now: Vec<(ObjId, usize)> = doc.list_range(target, ..).map(|item| (item.id(), item.index)).collect();
        let position: HashMap<&ObjId, usize> = now.iter().enumerate().map(|(n, (id, _))| (id, n)).collect();
        let mut in_new: HashMap<usize, Option<usize>> = HashMap::new();
        let mut copied_at: HashSet<usize> = HashSet::new();
        let mut b = 0;
        for &i in &base {
            if self.elements[i].character.is_none() {
                continue;
            }
            let copy = copy_of.get(b).copied().flatten();
            if copy.is_some() {
                copied_at.insert(i);
            }
            in_new.insert(i, copy.and_then(|c| position.get(&copied[c]).copied()));
            b += 1;
        }

        // Own characters go after the last character before them that the new chapter has.
        let mut inserts: BTreeMap<usize, String> = BTreeMap::new();
        let mut typed_by: BTreeMap<usize, Vec<&OpId>> = BTreeMap::new();
        let mut deletes: BTreeSet<usize> = BTreeSet::new();
        let mut after: Option<usize> = None;
        let mut displaced = 0;
        for &i in &order {
            let element = &self.elements[i];
            let place = after.map_or(0, |n| n + 1);
            if let Some(&found) = in_new.get(&i) {
                if let Some(n) = found {
                    if element.deleted.own {
                        deletes.insert(n);
                    }
                    after = Some(n);
                }
            } else if element.own_beyond_new && self.at_base(i) && !element.deleted.own && !element.deleted.other {
                let Some(character) = &element.character else { continue };
                inserts.entry(place).or_default().push_str(character);
            } else if element.author == Author::Own && !element.deleted.own {
                let Some(character) = &element.character else { continue };
                inserts.entry(place).or_default().push_str(character);
                typed_by.entry(place).or_default().push(&element.id);
                if self.typed_after_what_is_missing(i, &index, &copied_at) {
                    displaced += 1;
                }
            }
        }

        let changed = !inserts.is_empty() || !deletes.is_empty();
        let length = doc.length(target);
        let start = |n: usize| now.get(n).map_or(length, |(_, at)| *at);
        let places: BTreeSet<usize> = inserts.keys().chain(deletes.iter()).copied().collect();
        // From the end, so that the positions before each splice still hold.
        for n in places.into_iter().rev() {
            let delete = if deletes.contains(&n) { start(n + 1) - start(n) } else { 0 };
            let insert = inserts.get(&n).map_or("", String::as_str);
            doc.splice_text(target, start(n), delete as isize, insert)?;
        }
        if let Some(ranges) = ranges.filter(|_| !inserts.is_empty()) {
            // The characters just written are the text's new elements, in the order of their places.
            let before: HashSet<&ObjId> = now.iter().map(|(id, _)| id).collect();
            let written = doc.list_range(target, ..).map(|item| item.id()).filter(|id| !before.contains(id));
            let came_from = inserts.keys().flat_map(|n| typed_by.get(n).map_or(&[][..], Vec::as_slice));
            for (written, from) in written.zip(came_from) {
                let (ObjId::Id(counter, actor, _), Some(seq)) = (&written, ranges.seq_of(from.0, &from.1)) else {
                    continue;
                };
                origins.add(*counter, actor, &from.1, seq);
            }
        }
        Ok(Placed { changed, displaced })
    }

    /// Whether own element `i` was typed after a character the new chapter does not have:
    /// another device's after the base, or one of the base it lacks (erased). Typing after
    /// own characters deleted since counts as typing after what those followed.
    fn typed_after_what_is_missing(&self, i: usize, index: &HashMap<OpId, usize>, copied: &HashSet<usize>) -> bool {
        let mut at = &self.elements[i].after;
        loop {
            let Some(id) = at.as_opid() else { return false };
            let Some(&j) = index.get(id) else { return true };
            let element = &self.elements[j];
            match element.author {
                Author::Own if element.deleted.own => at = &element.after,
                Author::Own => return false,
                Author::Base => return self.at_base(j) && !copied.contains(&j),
                Author::Other => return true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ROOT;
    use proptest::prelude::*;

    /// Every operation on `text` in `doc`, all counted as the base's.
    fn history(doc: &mut AutoCommit, text: &ObjId) -> TextHistory {
        let ObjId::Id(counter, actor, _) = text else { panic!("a text, not the root") };
        let obj = ObjectId::Id(OpId(*counter, actor.clone()));
        let mut history = TextHistory::default();
        for change in doc.get_changes(&[]) {
            for (id, op) in ops_of(&change).filter(|(_, op)| op.obj == obj) {
                history.add(id, op, Author::Base, false);
            }
        }
        history
    }

    fn visible(history: &mut TextHistory) -> String {
        let order = history.ordered();
        order
            .into_iter()
            .filter(|&i| !history.elements[i].deleted.base)
            .filter_map(|i| history.elements[i].character.clone())
            .collect()
    }

    /// The order rebuilt from the operations is Automerge's: three laptops typing and deleting
    /// at random, merging now and then, read back both ways.
    #[test]
    fn the_rebuilt_order_of_a_text_is_automerges() {
        let edits = prop::collection::vec((0usize..3, 0usize..100, 0usize..3, "[a-zé ]{0,4}", prop::bool::ANY), 1..40);
        proptest!(ProptestConfig::with_cases(200), |(edits in edits)| {
            let mut first = AutoCommit::new();
            let text = first.put_object(ROOT, "text", ObjType::Text).unwrap();
            first.splice_text(&text, 0, 0, "begin").unwrap();
            first.commit();
            let mut laptops = vec![first.fork(), first.fork(), first];
            for (at, pos, delete, insert, sync) in edits {
                let laptop = &mut laptops[at];
                let len = laptop.length(&text);
                let pos = pos % (len + 1);
                let delete = delete.min(len - pos) as isize;
                laptop.splice_text(&text, pos, delete, &insert).unwrap();
                laptop.commit();
                if sync {
                    let mut other = laptops[(at + 1) % 3].fork();
                    laptops[at].merge(&mut other).unwrap();
                }
            }
            let (mut all, mut rest) = (laptops.pop().unwrap(), laptops);
            for laptop in &mut rest {
                all.merge(laptop).unwrap();
            }
            prop_assert_eq!(visible(&mut history(&mut all, &text)), all.text(&text).unwrap());
        });
    }
}
