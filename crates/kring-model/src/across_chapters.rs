//! Finding a text, and its characters, again in another chapter's document: a chapter copies
//! every record afresh, so an object is found by the map keys that lead to it, and a character
//! by aligning the text around it.

use automerge::legacy::ObjectId;
use automerge::{
    AutoCommit, ObjId, ObjType, PatchAction, Prop, ROOT, ReadDoc, TextEncoding, transaction::Transactable,
};

use crate::error::Result;

/// For each character of `was`, where it is in `now` (`None` where it is not): the two are the
/// same text but for passages cut out or added, aligned by Automerge's own text diff.
pub(crate) fn align(was: &str, now: &str) -> Result<Vec<Option<usize>>> {
    if was == now {
        return Ok((0..was.chars().count()).map(Some).collect());
    }
    let mut scratch = AutoCommit::new_with_encoding(TextEncoding::UnicodeCodePoint);
    let text = scratch.put_object(ROOT, "text", ObjType::Text)?;
    scratch.splice_text(&text, 0, 0, was)?;
    let before = scratch.get_heads();
    scratch.update_text(&text, now)?;
    let after = scratch.get_heads();
    // What sits at each place of the text as the patches go: a character of `was`, or new.
    let mut from: Vec<Option<usize>> = (0..was.chars().count()).map(Some).collect();
    for patch in scratch.diff(&before, &after) {
        match patch.action {
            PatchAction::SpliceText { index, value, .. } => {
                let added = value.make_string().chars().count();
                from.splice(index..index, std::iter::repeat_n(None, added));
            }
            PatchAction::DeleteSeq { index, length } => {
                from.drain(index..index + length);
            }
            _ => {}
        }
    }
    let mut to = vec![None; was.chars().count()];
    for (at, came) in from.iter().enumerate() {
        if let Some(was_at) = came {
            to[*was_at] = Some(at);
        }
    }
    Ok(to)
}

/// The map keys from the root down to `obj` in `doc`, if it is reached through maps only.
pub(crate) fn path_of(doc: &AutoCommit, obj: &ObjectId) -> Option<Vec<String>> {
    let ObjectId::Id(id) = obj else { return Some(Vec::new()) };
    let obj = doc.import_obj(&id.to_string()).ok()?;
    doc.parents(&obj)
        .ok()?
        .path()
        .into_iter()
        .map(|(_, prop)| match prop {
            Prop::Map(key) => Some(key),
            Prop::Seq(_) => None,
        })
        .collect()
}

/// The object at `keys` from the root, if the document has one there.
pub(crate) fn resolve(doc: &AutoCommit, keys: &[String]) -> Option<ObjId> {
    let mut at = ROOT;
    for key in keys {
        at = crate::access::obj(doc, &at, key)?;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_cut_out_or_added_are_aligned_around() {
        assert_eq!(align("abc", "abc").unwrap(), [Some(0), Some(1), Some(2)]);
        assert_eq!(align("één geheim twee", "één twee").unwrap()[..5], [Some(0), Some(1), Some(2), Some(3), None]);
        assert_eq!(align("ab", "xaby").unwrap(), [Some(1), Some(2)]);
    }
}
