//! Collaborative text: session agenda and notes, question details and insights, and the phases
//! of action-research cycles. Every edit splices the existing `Text` object, so concurrent
//! typing on several laptops merges character by character; the object is never replaced.
//!
//! Positions count Unicode scalar values (`char`s), Automerge's default on native platforms and
//! the unit egui's text cursor uses.

use automerge::{ObjId, ReadDoc, transaction::Transactable};

use crate::changes::ChangeKind;
use crate::error::{Field, ModelError, Result};
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;
use crate::trust::MAX_TEXT_INSERT;
use crate::validate::MAX_TEXT;
use crate::vocab::CyclePhase;

/// `text` cut into pieces of at most [`MAX_TEXT_INSERT`] characters (one piece, perhaps empty,
/// when it is shorter).
pub(crate) fn pieces(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    let mut first = true;
    std::iter::from_fn(move || {
        if rest.is_empty() && !std::mem::take(&mut first) {
            return None;
        }
        first = false;
        let end = rest.char_indices().nth(MAX_TEXT_INSERT).map_or(rest.len(), |(at, _)| at);
        let (piece, after) = rest.split_at(end);
        rest = after;
        Some(piece)
    })
}

/// Which collaborative text an edit is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TextField {
    Agenda(SessionId),
    Notes(SessionId),
    Details(QuestionId),
    Insights(QuestionId),
    Cycle(QuestionId, CycleId, CyclePhase),
}

impl TextField {
    /// Which field this is, for errors.
    pub fn field(&self) -> Field {
        match self {
            TextField::Agenda(_) => Field::Agenda,
            TextField::Notes(_) => Field::Notes,
            TextField::Details(_) => Field::Details,
            TextField::Insights(_) => Field::Insights,
            TextField::Cycle(..) => Field::CycleText,
        }
    }

    pub(crate) fn change(&self) -> (ChangeKind, &str) {
        match self {
            TextField::Agenda(s) => (ChangeKind::AgendaEdited, s.as_str()),
            TextField::Notes(s) => (ChangeKind::NotesEdited, s.as_str()),
            TextField::Details(q) => (ChangeKind::DetailsEdited, q.as_str()),
            TextField::Insights(q) => (ChangeKind::InsightsEdited, q.as_str()),
            TextField::Cycle(q, ..) => (ChangeKind::CycleEdited, q.as_str()),
        }
    }
}

impl Network {
    /// The Automerge text object behind a field (for cursors that survive remote edits).
    pub fn text_object(&self, field: &TextField) -> Result<ObjId> {
        let (parent, key) = match field {
            TextField::Agenda(s) => (self.live_session(s)?, AGENDA),
            TextField::Notes(s) => (self.live_session(s)?, NOTES),
            TextField::Details(q) => (self.live_question(q)?, DETAILS),
            TextField::Insights(q) => (self.live_question(q)?, INSIGHTS),
            TextField::Cycle(q, c, phase) => {
                let question = self.live_question(q)?;
                let cycle =
                    self.child(&question, CYCLES, c.as_str()).ok_or_else(|| ModelError::UnknownCycle(c.clone()))?;
                (cycle, phase.as_str())
            }
        };
        crate::access::obj(&self.doc, &parent, key)
            .ok_or_else(|| ModelError::NotANetwork(format!("a record has no '{key}' text")))
    }

    pub fn text(&self, field: &TextField) -> Result<String> {
        Ok(self.doc.text(self.text_object(field)?)?)
    }

    /// Deletes `delete` characters at `pos` and inserts `insert` there: one keystroke, paste or cut.
    pub fn splice_text(
        &mut self,
        by: &MemberId,
        field: &TextField,
        pos: usize,
        delete: usize,
        insert: &str,
    ) -> Result<()> {
        self.current_member(by)?;
        let obj = self.text_object(field)?;
        let len = self.doc.length(&obj);
        if pos.checked_add(delete).is_none_or(|end| end > len) {
            return Err(ModelError::BadTextRange { field: field.field(), pos: pos.saturating_add(delete), len });
        }
        let new_len = len - delete + insert.chars().count();
        if new_len > MAX_TEXT {
            return Err(ModelError::TooLong { field: field.field(), len: new_len, max: MAX_TEXT });
        }
        let (what, target) = field.change();
        let note = Network::note(by, what, target);
        self.splice_in_pieces(&note, &obj, pos, delete, insert)
    }

    /// One splice as one change, or, for a paste longer than any laptop accepts in one change
    /// ([`MAX_TEXT_INSERT`]), as several that follow each other. The range is checked already.
    pub(crate) fn splice_in_pieces(
        &mut self,
        note: &crate::changes::ChangeNote,
        obj: &ObjId,
        pos: usize,
        delete: usize,
        insert: &str,
    ) -> Result<()> {
        let mut pieces = pieces(insert);
        let first = pieces.next().unwrap_or_default();
        self.change(note.clone(), |doc, _| Ok(doc.splice_text(obj, pos, delete as isize, first)?))?;
        let mut at = pos + first.chars().count();
        for piece in pieces {
            self.change(note.clone(), |doc, _| Ok(doc.splice_text(obj, at, 0, piece)?))?;
            at += piece.chars().count();
        }
        Ok(())
    }

    /// Replaces the whole text by `new`, written as the smallest set of splices (a diff), so
    /// concurrent edits elsewhere in the text survive.
    pub fn update_text(&mut self, by: &MemberId, field: &TextField, new: &str) -> Result<()> {
        self.current_member(by)?;
        let obj = self.text_object(field)?;
        let len = new.chars().count();
        if len > MAX_TEXT {
            return Err(ModelError::TooLong { field: field.field(), len, max: MAX_TEXT });
        }
        let (what, target) = field.change();
        let note = Network::note(by, what, target);
        if len <= MAX_TEXT_INSERT {
            return self.change(note, |doc, _| Ok(doc.update_text(&obj, new)?));
        }
        // Too long to be one change: the part between what both texts begin and end with is
        // spliced in pieces.
        let old: Vec<char> = self.doc.text(&obj)?.chars().collect();
        let new: Vec<char> = new.chars().collect();
        let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
        let suffix = old[prefix..].iter().rev().zip(new[prefix..].iter().rev()).take_while(|(a, b)| a == b).count();
        let insert: String = new[prefix..new.len() - suffix].iter().collect();
        self.splice_in_pieces(&note, &obj, prefix, old.len() - prefix - suffix, &insert)
    }

    /// Adds `text` as a new line at the end (how the CLI and quick notes add to minutes).
    pub fn append_text(&mut self, by: &MemberId, field: &TextField, text: &str) -> Result<()> {
        if text.trim().is_empty() {
            return Err(ModelError::Empty { field: field.field() });
        }
        let current = self.text(field)?;
        let insert = if current.is_empty() || current.ends_with('\n') { text.to_string() } else { format!("\n{text}") };
        self.splice_text(by, field, current.chars().count(), 0, &insert)
    }
}
