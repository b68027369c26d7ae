//! `Network`: one learning network's document, with the checks every edit shares.

use automerge::{AutoCommit, ChangeHash, ObjId, ROOT};

use crate::access;
use crate::changes::{ChangeKind, ChangeNote};
use crate::error::{CoordinatorTask, ModelError, Record, Result};
use crate::ids::*;
use crate::schema::*;
use crate::vocab::Role;

/// One network's Automerge document plus the rules for changing it.
///
/// Reads go through [`Network::snapshot`]; every user action is one method that validates first
/// and then writes a single small change, attributed to the acting member. A refused edit leaves
/// the document untouched.
pub struct Network {
    pub(crate) doc: AutoCommit,
    id: NetworkId,
    clock: fn() -> UnixMillis,
}

fn system_clock() -> UnixMillis {
    jiff::Timestamp::now().as_millisecond()
}

impl Network {
    /// Wraps a document loaded from disk or received from a peer, after checking that it is a
    /// Kring network this build can work with.
    pub fn from_doc(doc: AutoCommit) -> Result<Network> {
        let schema = access::uint(&doc, &ROOT, SCHEMA)
            .ok_or_else(|| ModelError::NotANetwork("it has no schema version".into()))?;
        if schema > SCHEMA_VERSION {
            return Err(ModelError::NewerSchema { found: schema, supported: SCHEMA_VERSION });
        }
        let info = access::obj(&doc, &ROOT, NETWORK)
            .ok_or_else(|| ModelError::NotANetwork("it has no network record".into()))?;
        let id =
            access::string(&doc, &info, ID).ok_or_else(|| ModelError::NotANetwork("it has no network id".into()))?;
        Ok(Network { doc, id: NetworkId::new(id), clock: system_clock })
    }

    /// Writes from now on as `device` (its 64-hex-digit id): every change made here carries
    /// the device's key in its actor id, so that other laptops can check its signature.
    pub fn set_device(&mut self, device: &str) {
        self.doc.set_actor(crate::trust::actor_for_device(device));
    }

    /// Uses another clock for timestamps: deterministic tests and simulations.
    pub fn with_clock(mut self, clock: fn() -> UnixMillis) -> Self {
        self.clock = clock;
        self
    }

    pub fn id(&self) -> &NetworkId {
        &self.id
    }

    /// The underlying document, for storage and sync.
    pub fn doc_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    pub fn into_doc(self) -> AutoCommit {
        self.doc
    }

    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// Merges another copy of the same network (e.g. from a USB bundle or a test fork).
    pub fn merge(&mut self, other: &mut Network) -> Result<()> {
        self.doc.merge(&mut other.doc)?;
        Ok(())
    }

    /// A copy with its own actor, as another device would have it.
    pub fn fork(&mut self) -> Network {
        Network { doc: self.doc.fork(), id: self.id.clone(), clock: self.clock }
    }

    pub(crate) fn clock_fn(&self) -> fn() -> UnixMillis {
        self.clock
    }

    pub(crate) fn now(&self) -> UnixMillis {
        (self.clock)()
    }

    /// Runs `write` as one change attributed to `note.by`, stamped with the current time. If
    /// `write` fails, everything it wrote is rolled back.
    pub(crate) fn change<T>(
        &mut self,
        note: ChangeNote,
        write: impl FnOnce(&mut AutoCommit, UnixMillis) -> Result<T>,
    ) -> Result<T> {
        let now = self.now();
        match write(&mut self.doc, now) {
            Ok(value) => {
                note.commit(&mut self.doc, now);
                Ok(value)
            }
            Err(err) => {
                self.doc.rollback();
                Err(err)
            }
        }
    }

    pub(crate) fn note(by: &MemberId, what: ChangeKind, target: impl ToString) -> ChangeNote {
        ChangeNote { by: by.clone(), what, target: Some(target.to_string()) }
    }

    // --- lookups shared by the edits -------------------------------------------------------

    pub(crate) fn root_map(&self, key: &str) -> Result<ObjId> {
        access::obj(&self.doc, &ROOT, key).ok_or_else(|| ModelError::NotANetwork(format!("it has no '{key}' map")))
    }

    fn record(&self, map: &str, id: &str) -> Option<ObjId> {
        let map = self.root_map(map).ok()?;
        access::obj(&self.doc, &map, id)
    }

    pub(crate) fn member_obj(&self, id: &MemberId) -> Result<ObjId> {
        self.record(MEMBERS, id.as_str()).ok_or_else(|| ModelError::UnknownMember(id.clone()))
    }

    /// A member that exists and has not been removed.
    pub(crate) fn current_member(&self, id: &MemberId) -> Result<ObjId> {
        let obj = self.member_obj(id)?;
        if access::int(&self.doc, &obj, REMOVED_AT).is_some() {
            return Err(ModelError::MemberRemoved(id.clone()));
        }
        Ok(obj)
    }

    pub(crate) fn role_of(&self, member: &ObjId) -> Role {
        Role::from_doc(access::string(&self.doc, member, ROLE).as_deref())
    }

    /// The acting member, who must be current; and a coordinator where `action` needs one.
    pub(crate) fn coordinator(&self, by: &MemberId, action: CoordinatorTask) -> Result<ObjId> {
        let obj = self.current_member(by)?;
        if self.role_of(&obj) != Role::Coordinator {
            return Err(ModelError::NotCoordinator { action });
        }
        Ok(obj)
    }

    pub(crate) fn session_obj(&self, id: &SessionId) -> Result<ObjId> {
        self.record(SESSIONS, id.as_str()).ok_or_else(|| ModelError::UnknownSession(id.clone()))
    }

    /// A session that has not been deleted: the only kind one can edit.
    pub(crate) fn live_session(&self, id: &SessionId) -> Result<ObjId> {
        let obj = self.session_obj(id)?;
        self.not_deleted(&obj, Record::Session, id.as_str())?;
        Ok(obj)
    }

    pub(crate) fn question_obj(&self, id: &QuestionId) -> Result<ObjId> {
        self.record(QUESTIONS, id.as_str()).ok_or_else(|| ModelError::UnknownQuestion(id.clone()))
    }

    pub(crate) fn live_question(&self, id: &QuestionId) -> Result<ObjId> {
        let obj = self.question_obj(id)?;
        self.not_deleted(&obj, Record::Question, id.as_str())?;
        Ok(obj)
    }

    pub(crate) fn invite_obj(&self, id: &InviteId) -> Result<ObjId> {
        self.record(INVITES, id.as_str()).ok_or_else(|| ModelError::UnknownInvite(id.clone()))
    }

    pub(crate) fn factor_obj(&self, id: &FactorId) -> Result<ObjId> {
        self.record(FACTORS, id.as_str()).ok_or_else(|| ModelError::UnknownFactor(id.clone()))
    }

    pub(crate) fn round_obj(&self, id: &RoundId) -> Result<ObjId> {
        self.record(REFLECTIONS, id.as_str()).ok_or_else(|| ModelError::UnknownRound(id.clone()))
    }

    /// A child record of `parent` (an action of a session, a cycle of a question).
    pub(crate) fn child(&self, parent: &ObjId, map: &str, id: &str) -> Option<ObjId> {
        let map = access::obj(&self.doc, parent, map)?;
        access::obj(&self.doc, &map, id)
    }

    pub(crate) fn child_map(&self, parent: &ObjId, map: &str) -> Result<ObjId> {
        access::obj(&self.doc, parent, map)
            .ok_or_else(|| ModelError::NotANetwork(format!("a record has no '{map}' map")))
    }

    pub(crate) fn not_deleted(&self, obj: &ObjId, what: Record, id: &str) -> Result<()> {
        if access::int(&self.doc, obj, DELETED_AT).is_some() {
            return Err(ModelError::Deleted { what, id: id.to_string() });
        }
        Ok(())
    }
}
