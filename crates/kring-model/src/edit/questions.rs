//! Learning questions: propose, vote, status, action-research cycles, soft delete.

use automerge::{ObjType, transaction::Transactable};

use crate::access;
use crate::changes::ChangeKind;
use crate::error::{Field, ModelError, Result};
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;
use crate::validate::{self, MAX_NAME, MAX_TEXT};
use crate::vocab::{CyclePhase, QuestionStatus};

impl Network {
    /// Proposes a learning question. `details` becomes the start of its collaborative text.
    pub fn add_question(&mut self, by: &MemberId, title: &str, details: &str) -> Result<QuestionId> {
        self.current_member(by)?;
        let title = validate::required(Field::Title, title, MAX_NAME)?;
        let details = validate::optional(Field::Details, details, MAX_TEXT)?;
        let questions = self.root_map(QUESTIONS)?;
        let id = QuestionId::random();
        let note = Network::note(by, ChangeKind::QuestionAdded, &id);
        // Long details follow in changes of their own (see `splice_in_pieces`).
        let mut pieces = crate::edit::text::pieces(&details);
        let first = pieces.next().unwrap_or_default();
        let text = self.change(note, |doc, now| {
            let obj = doc.put_object(&questions, id.as_str(), ObjType::Map)?;
            doc.put(&obj, TITLE, title)?;
            let text = doc.put_object(&obj, DETAILS, ObjType::Text)?;
            doc.splice_text(&text, 0, 0, first)?;
            doc.put_object(&obj, INSIGHTS, ObjType::Text)?;
            doc.put(&obj, STATUS, QuestionStatus::Proposed.as_str())?;
            doc.put(&obj, PROPOSED_BY, by.as_str())?;
            doc.put(&obj, CREATED_AT, now)?;
            doc.put_object(&obj, VOTES, ObjType::Map)?;
            doc.put_object(&obj, CYCLES, ObjType::Map)?;
            Ok(text)
        })?;
        let rest: String = pieces.collect();
        if !rest.is_empty() {
            let note = Network::note(by, ChangeKind::DetailsEdited, &id);
            self.splice_in_pieces(&note, &text, first.chars().count(), 0, &rest)?;
        }
        Ok(id)
    }

    pub fn rename_question(&mut self, by: &MemberId, question: &QuestionId, title: &str) -> Result<()> {
        self.current_member(by)?;
        let obj = self.live_question(question)?;
        let title = validate::required(Field::Title, title, MAX_NAME)?;
        let note = Network::note(by, ChangeKind::QuestionEdited, question);
        self.change(note, |doc, _| Ok(doc.put(&obj, TITLE, title)?))
    }

    /// One vote per member, under the member's own key: concurrent votes of different members
    /// all count, and voting twice is harmless.
    pub fn vote(&mut self, by: &MemberId, question: &QuestionId) -> Result<()> {
        self.current_member(by)?;
        let obj = self.live_question(question)?;
        let votes = self.child_map(&obj, VOTES)?;
        let note = Network::note(by, ChangeKind::Voted, question);
        self.change(note, |doc, _| Ok(doc.put(&votes, by.as_str(), true)?))
    }

    pub fn retract_vote(&mut self, by: &MemberId, question: &QuestionId) -> Result<()> {
        self.current_member(by)?;
        let obj = self.live_question(question)?;
        let votes = self.child_map(&obj, VOTES)?;
        let note = Network::note(by, ChangeKind::VoteRetracted, question);
        self.change(note, |doc, _| {
            if access::boolean(doc, &votes, by.as_str()).is_some() {
                doc.delete(&votes, by.as_str())?;
            }
            Ok(())
        })
    }

    /// Moves a question on the board. Two members changing it at once end with one of their
    /// choices on every device (Automerge picks the same winner everywhere).
    pub fn set_status(&mut self, by: &MemberId, question: &QuestionId, status: QuestionStatus) -> Result<()> {
        self.current_member(by)?;
        let obj = self.live_question(question)?;
        let note = Network::note(by, ChangeKind::StatusChanged, question);
        self.change(note, |doc, _| Ok(doc.put(&obj, STATUS, status.as_str())?))
    }

    /// Starts an action-research cycle (plan, act, observe, reflect) on a question.
    pub fn add_cycle(&mut self, by: &MemberId, question: &QuestionId, started_on: &str) -> Result<CycleId> {
        self.current_member(by)?;
        let obj = self.live_question(question)?;
        let started_on = validate::date(started_on)?;
        let cycles = self.child_map(&obj, CYCLES)?;
        let id = CycleId::random();
        let note = Network::note(by, ChangeKind::CycleAdded, question);
        self.change(note, |doc, now| {
            let cycle = doc.put_object(&cycles, id.as_str(), ObjType::Map)?;
            for phase in CyclePhase::ALL {
                doc.put_object(&cycle, phase.as_str(), ObjType::Text)?;
            }
            doc.put(&cycle, STARTED_ON, started_on)?;
            doc.put(&cycle, CREATED_BY, by.as_str())?;
            doc.put(&cycle, CREATED_AT, now)?;
            Ok(())
        })?;
        Ok(id)
    }

    pub fn end_cycle(&mut self, by: &MemberId, question: &QuestionId, cycle: &CycleId, ended_on: &str) -> Result<()> {
        self.current_member(by)?;
        let obj = self.live_question(question)?;
        let cycle_obj =
            self.child(&obj, CYCLES, cycle.as_str()).ok_or_else(|| ModelError::UnknownCycle(cycle.clone()))?;
        let ended_on = validate::date(ended_on)?;
        let note = Network::note(by, ChangeKind::CycleEdited, question);
        self.change(note, |doc, _| Ok(doc.put(&cycle_obj, ENDED_ON, ended_on)?))
    }

    pub fn delete_question(&mut self, by: &MemberId, question: &QuestionId) -> Result<()> {
        self.current_member(by)?;
        let obj = self.live_question(question)?;
        let note = Network::note(by, ChangeKind::QuestionDeleted, question);
        self.change(note, |doc, now| Ok(doc.put(&obj, DELETED_AT, now)?))
    }

    pub fn restore_question(&mut self, by: &MemberId, question: &QuestionId) -> Result<()> {
        self.current_member(by)?;
        let obj = self.question_obj(question)?;
        let note = Network::note(by, ChangeKind::QuestionRestored, question);
        self.change(note, |doc, _| {
            if access::int(doc, &obj, DELETED_AT).is_some() {
                doc.delete(&obj, DELETED_AT)?;
            }
            Ok(())
        })
    }
}
