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
use crate::validate::MAX_TEXT;
use crate::vocab::CyclePhase;

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
        let delete = delete as isize;
        self.change(note, |doc, _| Ok(doc.splice_text(&obj, pos, delete, insert)?))
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
        self.change(note, |doc, _| Ok(doc.update_text(&obj, new)?))
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
