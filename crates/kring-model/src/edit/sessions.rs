//! Sessions (meetings): details, attendance, linked questions, actions, soft delete.

use automerge::{ObjType, transaction::Transactable};

use crate::access;
use crate::changes::ChangeKind;
use crate::error::{CoordinatorTask, Field, ModelError, Record, Result};
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;
use crate::validate::{self, MAX_LONG, MAX_NAME, MAX_SHORT};
use crate::vocab::{Attendance, SessionKind};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewSession {
    pub title: String,
    pub kind: SessionKind,
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    pub location: String,
}

/// A change to a session's details; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionChanges {
    pub title: Option<String>,
    pub kind: Option<SessionKind>,
    pub starts_at: Option<String>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewAction {
    pub text: String,
    pub owner: Option<MemberId>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
}

impl Network {
    pub fn add_session(&mut self, by: &MemberId, session: &NewSession) -> Result<SessionId> {
        self.plan_session(by, session, &std::collections::BTreeSet::new())
    }

    /// Plans a meeting; in a leerhuis with the networks it is for (`open_to`, checked by the
    /// caller; empty: for all of them). A leerhuis meeting always gets its map, empty or not,
    /// so that a coordinator can choose later: a map made after its record would be refused.
    pub(crate) fn plan_session(
        &mut self,
        by: &MemberId,
        session: &NewSession,
        open_to: &std::collections::BTreeSet<NetworkId>,
    ) -> Result<SessionId> {
        self.current_member(by)?;
        let leerhuis = self.kind() == crate::vocab::NetworkKind::Leerhuis;
        let title = validate::required(Field::Title, &session.title, MAX_NAME)?;
        let starts_at = validate::date_time(&session.starts_at)?;
        let location = validate::optional(Field::Location, &session.location, MAX_SHORT)?;
        let sessions = self.root_map(SESSIONS)?;
        let id = SessionId::random();
        let note = Network::note(by, ChangeKind::SessionAdded, &id);
        self.change(note, |doc, now| {
            let obj = doc.put_object(&sessions, id.as_str(), ObjType::Map)?;
            doc.put(&obj, TITLE, title)?;
            doc.put(&obj, KIND, session.kind.as_str())?;
            doc.put(&obj, STARTS_AT, starts_at)?;
            doc.put(&obj, LOCATION, location)?;
            doc.put_object(&obj, AGENDA, ObjType::Text)?;
            doc.put_object(&obj, NOTES, ObjType::Text)?;
            doc.put_object(&obj, ATTENDANCE, ObjType::Map)?;
            doc.put_object(&obj, QUESTIONS, ObjType::Map)?;
            doc.put_object(&obj, ACTIONS, ObjType::Map)?;
            doc.put(&obj, CREATED_BY, by.as_str())?;
            doc.put(&obj, CREATED_AT, now)?;
            if leerhuis {
                let networks = doc.put_object(&obj, OPEN_TO, ObjType::Map)?;
                for network in open_to {
                    doc.put(&networks, network.as_str(), true)?;
                }
            }
            Ok(())
        })?;
        Ok(id)
    }

    pub fn edit_session(&mut self, by: &MemberId, session: &SessionId, changes: &SessionChanges) -> Result<()> {
        self.current_member(by)?;
        let obj = self.live_session(session)?;
        let mut puts: Vec<(&str, String)> = Vec::new();
        if let Some(title) = &changes.title {
            puts.push((TITLE, validate::required(Field::Title, title, MAX_NAME)?));
        }
        if let Some(kind) = changes.kind {
            puts.push((KIND, kind.as_str().to_string()));
        }
        if let Some(starts_at) = &changes.starts_at {
            puts.push((STARTS_AT, validate::date_time(starts_at)?));
        }
        if let Some(location) = &changes.location {
            puts.push((LOCATION, validate::optional(Field::Location, location, MAX_SHORT)?));
        }
        let note = Network::note(by, ChangeKind::SessionEdited, session);
        self.change(note, |doc, _| {
            for (key, value) in puts {
                doc.put(&obj, key, value)?;
            }
            Ok(())
        })
    }

    /// Records a member's attendance under that member's own key.
    pub fn set_attendance(
        &mut self,
        by: &MemberId,
        session: &SessionId,
        member: &MemberId,
        status: Attendance,
    ) -> Result<()> {
        if by != member {
            self.coordinator(by, CoordinatorTask::OthersAttendance)?;
        }
        self.current_member(by)?;
        self.current_member(member)?;
        let obj = self.live_session(session)?;
        let attendance = self.child_map(&obj, ATTENDANCE)?;
        let note = Network::note(by, ChangeKind::AttendanceSet, session);
        self.change(note, |doc, _| Ok(doc.put(&attendance, member.as_str(), status.as_str())?))
    }

    /// Marks a learning question as discussed in a session (or undoes that).
    pub fn link_question(
        &mut self,
        by: &MemberId,
        session: &SessionId,
        question: &QuestionId,
        linked: bool,
    ) -> Result<()> {
        self.current_member(by)?;
        let obj = self.live_session(session)?;
        self.live_question(question)?;
        let links = self.child_map(&obj, QUESTIONS)?;
        let note = Network::note(by, ChangeKind::QuestionLinked, session);
        self.change(note, |doc, _| {
            if linked {
                doc.put(&links, question.as_str(), true)?;
            } else {
                doc.delete(&links, question.as_str())?;
            }
            Ok(())
        })
    }

    pub fn add_action(&mut self, by: &MemberId, session: &SessionId, action: &NewAction) -> Result<ActionId> {
        self.current_member(by)?;
        let obj = self.live_session(session)?;
        let text = validate::required(Field::Action, &action.text, MAX_LONG)?;
        if let Some(owner) = &action.owner {
            self.current_member(owner)?;
        }
        let due = action.due.as_deref().map(validate::date).transpose()?;
        let actions = self.child_map(&obj, ACTIONS)?;
        let id = ActionId::random();
        let note = Network::note(by, ChangeKind::ActionAdded, session);
        self.change(note, |doc, now| {
            let a = doc.put_object(&actions, id.as_str(), ObjType::Map)?;
            doc.put(&a, TEXT, text)?;
            if let Some(owner) = &action.owner {
                doc.put(&a, OWNER, owner.as_str())?;
            }
            if let Some(due) = due {
                doc.put(&a, DUE, due)?;
            }
            doc.put(&a, DONE, false)?;
            doc.put(&a, CREATED_BY, by.as_str())?;
            doc.put(&a, CREATED_AT, now)?;
            Ok(())
        })?;
        Ok(id)
    }

    pub fn set_action_done(&mut self, by: &MemberId, session: &SessionId, action: &ActionId, done: bool) -> Result<()> {
        self.current_member(by)?;
        let a = self.action_obj(session, action)?;
        self.not_deleted(&a, Record::Action, action.as_str())?;
        let note = Network::note(by, ChangeKind::ActionEdited, session);
        self.change(note, |doc, _| Ok(doc.put(&a, DONE, done)?))
    }

    /// Puts an action in the bin; like a session, it can be restored.
    pub fn delete_action(&mut self, by: &MemberId, session: &SessionId, action: &ActionId) -> Result<()> {
        self.current_member(by)?;
        let a = self.action_obj(session, action)?;
        self.not_deleted(&a, Record::Action, action.as_str())?;
        let note = Network::note(by, ChangeKind::ActionEdited, session);
        self.change(note, |doc, now| Ok(doc.put(&a, DELETED_AT, now)?))
    }

    pub fn restore_action(&mut self, by: &MemberId, session: &SessionId, action: &ActionId) -> Result<()> {
        self.current_member(by)?;
        let a = self.action_obj(session, action)?;
        let note = Network::note(by, ChangeKind::ActionEdited, session);
        self.change(note, |doc, _| {
            if access::int(doc, &a, DELETED_AT).is_some() {
                doc.delete(&a, DELETED_AT)?;
            }
            Ok(())
        })
    }

    fn action_obj(&self, session: &SessionId, action: &ActionId) -> Result<automerge::ObjId> {
        let obj = self.live_session(session)?;
        self.child(&obj, ACTIONS, action.as_str()).ok_or_else(|| ModelError::UnknownAction(action.clone()))
    }

    /// Soft delete: the session disappears from lists but everything in it stays, including
    /// edits another member makes concurrently, and it can be restored.
    pub fn delete_session(&mut self, by: &MemberId, session: &SessionId) -> Result<()> {
        self.current_member(by)?;
        let obj = self.live_session(session)?;
        let note = Network::note(by, ChangeKind::SessionDeleted, session);
        self.change(note, |doc, now| Ok(doc.put(&obj, DELETED_AT, now)?))
    }

    pub fn restore_session(&mut self, by: &MemberId, session: &SessionId) -> Result<()> {
        self.current_member(by)?;
        let obj = self.session_obj(session)?;
        let note = Network::note(by, ChangeKind::SessionRestored, session);
        self.change(note, |doc, _| {
            if access::int(doc, &obj, DELETED_AT).is_some() {
                doc.delete(&obj, DELETED_AT)?;
            }
            Ok(())
        })
    }
}
