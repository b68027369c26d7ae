//! The rules every laptop checks on every change that reaches it from another laptop.
//!
//! A verdict depends only on the change and its causal history: the document is read *as of
//! the change's dependencies* (Automerge's historical reads), never as this laptop happens to
//! know it now and never by the clock. So every honest laptop reaches the same verdict on the
//! same change, and honest laptops never diverge. See `shared/notes/trust.md`.
//!
//! The changes are checked after Automerge has applied them (that is how their objects and
//! history can be read); a caller that gets a [`Refusal`] puts back the document it had saved.

use std::collections::HashMap;
use std::sync::Arc;

use automerge::legacy::{Key, ObjectId, OpType};
use automerge::{AutoCommit, Change, ChangeHash, ObjId, Prop, ROOT, ReadDoc, Value};

use crate::changes::{ChangeKind, ChangeNote};
use crate::ids::{DeviceId, MemberId};
use crate::schema::*;
use crate::trust::actor::device_of_actor;
use crate::vocab::Role;

/// What a refused change tried to do, in terms a coordinator can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Breach {
    /// The change was made by no Kring device (no device key in its actor id).
    NoDevice,
    /// The device belonged to no current member where the change was made.
    NotAMember,
    /// A second beginning of the network, or a rewrite of its top level.
    Genesis,
    /// Something only a coordinator may do.
    CoordinatorOnly(CoordinatorAction),
    /// Making oneself coordinator.
    SelfPromotion,
    /// Another member's own data.
    OthersData(OwnData),
    /// Removing or demoting the last coordinator.
    LastCoordinator,
    /// Taking back a member's removal.
    UndoRemoval,
    /// Taking back an invite's revocation.
    UndoRevocation,
    /// A member added without a valid invite.
    BadInvite,
    /// A record replaced or deleted instead of edited (it would hide others' edits).
    RecordReplaced,
    /// The change's note names another member as its author.
    ForgedAuthor,
    /// A place in the document Kring does not write.
    UnknownPlace,
}

/// What only coordinators do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoordinatorAction {
    NetworkDetails,
    AddMembers,
    ChangeRoles,
    RemoveMembers,
    RemoveDevice,
    Invites,
    Factors,
    Rounds,
}

/// What is a member's own (coordinators may act for others where the app lets them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OwnData {
    Vote,
    Scores,
    Profile,
    Devices,
    Attendance,
}

impl Breach {
    /// In English, for logs and the CLI; the desktop client words it in the chosen language.
    pub fn describe(&self) -> String {
        use CoordinatorAction as A;
        match self {
            Breach::NoDevice => "a change made by no Kring device".into(),
            Breach::NotAMember => "writing while not a current member".into(),
            Breach::Genesis => "starting the network over".into(),
            Breach::CoordinatorOnly(action) => {
                let action = match action {
                    A::NetworkDetails => "changing the network's details",
                    A::AddMembers => "adding members",
                    A::ChangeRoles => "changing roles",
                    A::RemoveMembers => "removing members",
                    A::RemoveDevice => "removing a device",
                    A::Invites => "managing invites",
                    A::Factors => "changing the reflection factors",
                    A::Rounds => "opening or closing a reflection round",
                };
                format!("{action}, which only a coordinator may do")
            }
            Breach::SelfPromotion => "making themselves coordinator".into(),
            Breach::OthersData(what) => {
                let what = match what {
                    OwnData::Vote => "vote",
                    OwnData::Scores => "reflection scores",
                    OwnData::Profile => "profile",
                    OwnData::Devices => "devices",
                    OwnData::Attendance => "attendance",
                };
                format!("changing another member's {what}")
            }
            Breach::LastCoordinator => "removing or demoting the last coordinator".into(),
            Breach::UndoRemoval => "undoing a member's removal".into(),
            Breach::UndoRevocation => "undoing an invite's revocation".into(),
            Breach::BadInvite => "adding a member without a valid invite".into(),
            Breach::RecordReplaced => "replacing a record instead of editing it".into(),
            Breach::ForgedAuthor => "a change written in another member's name".into(),
            Breach::UnknownPlace => "writing where Kring never writes".into(),
        }
    }
}

/// A change that broke a rule, and who sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{} sent a change Kring refuses: {}", self.sender(), self.breach.describe())]
pub struct Refusal {
    pub change: String,
    pub device: Option<DeviceId>,
    /// The member whose device made the change, with their name, where it was one.
    pub member: Option<(MemberId, String)>,
    pub breach: Breach,
}

impl Refusal {
    fn sender(&self) -> String {
        match (&self.member, &self.device) {
            (Some((_, name)), _) => format!("{name}'s laptop"),
            (None, Some(device)) => format!("device {}", &device[..device.len().min(12)]),
            (None, None) => "an unknown device".into(),
        }
    }
}

/// Where an object sits in the document: the map keys from the root down. Objects never move,
/// so a path once found stays true.
type Path = Arc<Vec<String>>;

/// Checks changes against the rules. Keeps what stays true between calls (where objects are,
/// which members list which devices) so that a change costs a few reads, not a walk of the
/// document.
#[derive(Default)]
pub struct RuleBook {
    /// By object id as a change names it (no conversion needed to look one up).
    paths: HashMap<ObjectId, Path>,
    /// Every member that has ever listed a device, read from the whole document: a hint for
    /// finding a change's author, always confirmed as of the change's history. Read again
    /// (once per check) when it does not know a device.
    devices: HashMap<DeviceId, Vec<String>>,
    reindexed: bool,
    /// Authors found by [`RuleBook::prepare`] while the document still stood at their changes'
    /// history (Automerge reads the present much faster than the past).
    prepared: HashMap<(Vec<ChangeHash>, DeviceId), Option<Author>>,
}

/// The author of a change as of its history.
#[derive(Clone)]
struct Author {
    member: String,
    role: Role,
}

impl RuleBook {
    /// Checks `changes` (already applied to `doc`; passed in as they arrived, because
    /// Automerge would have to dig each one out of the whole document). `first_sync` allows
    /// the one change with no history, the network's beginning: only when a laptop receives a
    /// whole network for the first time (joining, or a network from a bundle it never had).
    pub fn check(&mut self, doc: &AutoCommit, changes: &[Change], first_sync: bool) -> Result<(), Refusal> {
        self.reindexed = false;
        // A network has one beginning: a second would bring a second set of members.
        let mut beginning_allowed = first_sync;
        for change in changes {
            self.check_one(doc, change, beginning_allowed).map_err(|breach| self.refusal(doc, change, breach))?;
            beginning_allowed &= !change.deps().is_empty();
        }
        Ok(())
    }

    /// Looks up, before Automerge applies `changes`, the authors of those that build on the
    /// document exactly as it stands: the usual case of live editing, where reading the present
    /// is much cheaper than reading the same state later as history.
    pub fn prepare<'a>(&mut self, doc: &mut AutoCommit, changes: impl Iterator<Item = &'a Change>) {
        self.prepared.clear();
        let mut heads = doc.get_heads();
        heads.sort();
        for change in changes {
            let mut deps = change.deps().to_vec();
            deps.sort();
            let Some(device) = device_of_actor(change.actor_id()) else { continue };
            if deps == heads && !self.prepared.contains_key(&(deps.clone(), device.clone())) {
                let author = self.author_at(doc, &device, &heads);
                self.prepared.insert((deps, device), author);
            }
        }
    }

    fn refusal(&mut self, doc: &AutoCommit, change: &Change, breach: Breach) -> Refusal {
        let device = device_of_actor(change.actor_id());
        let member = device.as_ref().and_then(|device| {
            let heads = [change.hash()];
            let author = self.author_at(doc, device, &heads).or_else(|| self.author_ever(doc, device))?;
            Some((MemberId::new(author.member.clone()), member_name(doc, &author.member)))
        });
        Refusal { change: change.hash().to_string(), device, member, breach }
    }

    fn check_one(&mut self, doc: &AutoCommit, change: &Change, first_sync: bool) -> Result<(), Breach> {
        let device = device_of_actor(change.actor_id()).ok_or(Breach::NoDevice)?;
        let before = change.deps().to_vec();
        let after = [change.hash()];
        if before.is_empty() {
            let beginning = self.is_genesis(doc, &device, &after) || self.is_chapter_beginning(doc, &device, &after);
            return if first_sync && beginning { Ok(()) } else { Err(Breach::Genesis) };
        }
        let author = self.author_at(doc, &device, &before).ok_or(Breach::NotAMember)?;
        let coordinator = author.role == Role::Coordinator;
        let expanded = change.decode();
        let admitted = admitted_members(doc, &mut self.paths, &expanded.operations);

        if let Some(note) = expanded.message.as_deref().and_then(ChangeNote::decode) {
            let named = if note.what == ChangeKind::InviteUsed { admitted.first() } else { Some(&author.member) };
            if named.map(String::as_str) != Some(note.by.as_str()) {
                return Err(Breach::ForgedAuthor);
            }
        }
        let ctx = OpContext { doc, before: &before, after: &after, author: &author, coordinator, admitted: &admitted };
        let mut roles_touched = false;
        for op in &expanded.operations {
            let Some(object) = self.path_of(doc, &op.obj) else { return Err(Breach::UnknownPlace) };
            // A map key written is a place of its own; text is written inside its object.
            let place: Vec<&str> = match &op.key {
                Key::Map(key) => object.iter().map(String::as_str).chain([key.as_str()]).collect(),
                Key::Seq(_) => object.iter().map(String::as_str).collect(),
            };
            let replaces = !op.pred.is_empty() && matches!(op.action, OpType::Make(_));
            let deletes = matches!(op.action, OpType::Delete);
            roles_touched |= ctx.allowed(&place, replaces, deletes, change.timestamp())?;
        }
        if roles_touched && !has_coordinator(doc, &after) {
            return Err(Breach::LastCoordinator);
        }
        Ok(())
    }

    /// The network's first change: it makes exactly one member, a coordinator holding the
    /// device that signed it.
    fn is_genesis(&mut self, doc: &AutoCommit, device: &str, heads: &[ChangeHash]) -> bool {
        let Some(members) = obj_at(doc, &ROOT, MEMBERS, heads) else { return false };
        let ids: Vec<String> = doc.keys_at(&members, heads).collect();
        let [only] = ids.as_slice() else { return false };
        obj_at(doc, &members, only, heads).is_some_and(|member| {
            str_at(doc, &member, ROLE, heads).as_deref() == Some(Role::Coordinator.as_str())
                && obj_at(doc, &member, DEVICES, heads)
                    .is_some_and(|d| doc.get_at(&d, device, heads).ok().flatten().is_some())
        })
    }

    /// The first change of a later chapter (see `chapter.rs`): it names its chapter and was
    /// made by a device of a coordinator it lists. Which chapter a laptop takes is bound
    /// elsewhere: by the invite it joins with, or by a coordinator's signed hand-off that names
    /// this change's hash.
    fn is_chapter_beginning(&mut self, doc: &AutoCommit, device: &str, heads: &[ChangeHash]) -> bool {
        let named = obj_at(doc, &ROOT, CHAPTER, heads)
            .and_then(|chapter| str_at(doc, &chapter, ID, heads))
            .is_some_and(|id| !id.is_empty());
        named && self.author_at(doc, device, heads).is_some_and(|author| author.role == Role::Coordinator)
    }

    /// The current member holding `device` as of `heads`, with their role then.
    fn author_at(&mut self, doc: &AutoCommit, device: &str, heads: &[ChangeHash]) -> Option<Author> {
        if !self.prepared.is_empty() {
            let mut key = heads.to_vec();
            key.sort();
            if let Some(author) = self.prepared.get(&(key, device.to_string())) {
                return author.clone();
            }
        }
        let members = obj_at(doc, &ROOT, MEMBERS, heads)?;
        let holds = |member: &String| -> Option<Author> {
            let obj = obj_at(doc, &members, member, heads)?;
            let devices = obj_at(doc, &obj, DEVICES, heads)?;
            doc.get_at(&devices, device, heads).ok().flatten()?;
            if doc.get_at(&obj, REMOVED_AT, heads).ok().flatten().is_some() {
                return None;
            }
            let role = Role::from_doc(str_at(doc, &obj, ROLE, heads).as_deref());
            Some(Author { member: member.clone(), role })
        };
        if let Some(author) = self.devices.get(device).into_iter().flatten().find_map(holds) {
            return Some(author);
        }
        if !self.reindexed {
            self.reindexed = true;
            self.index_devices(doc);
            if let Some(author) = self.devices.get(device).into_iter().flatten().find_map(holds) {
                return Some(author);
            }
        }
        // Not in the hint (a device listed only in history): ask every member of that time.
        doc.keys_at(&members, heads).collect::<Vec<_>>().iter().find_map(holds)
    }

    /// Any member that ever listed `device`, for naming the sender of a refused change.
    fn author_ever(&self, doc: &AutoCommit, device: &str) -> Option<Author> {
        let member = self.devices.get(device)?.first()?.clone();
        let role = member_obj(doc, &member)
            .map(|obj| Role::from_doc(crate::access::string(doc, &obj, ROLE).as_deref()))
            .unwrap_or_default();
        Some(Author { member, role })
    }

    fn index_devices(&mut self, doc: &AutoCommit) {
        self.devices.clear();
        let Some(members) = crate::access::obj(doc, &ROOT, MEMBERS) else { return };
        for member in doc.keys(&members) {
            let Some(obj) = crate::access::obj(doc, &members, &member) else { continue };
            let Some(devices) = crate::access::obj(doc, &obj, DEVICES) else { continue };
            for device in doc.keys(&devices) {
                self.devices.entry(device).or_default().push(member.clone());
            }
        }
    }

    fn path_of(&mut self, doc: &AutoCommit, obj: &ObjectId) -> Option<Path> {
        resolve_path(doc, &mut self.paths, obj)
    }
}

fn resolve_path(doc: &AutoCommit, paths: &mut HashMap<ObjectId, Path>, obj: &ObjectId) -> Option<Path> {
    if let Some(path) = paths.get(obj) {
        return Some(path.clone());
    }
    let id = match obj {
        ObjectId::Root => return Some(Arc::new(Vec::new())),
        ObjectId::Id(_) => doc.import_obj(&obj.to_string()).ok()?,
    };
    let mut keys = Vec::new();
    for (_, prop) in doc.parents(&id).ok()?.path() {
        match prop {
            Prop::Map(key) => keys.push(key),
            // Kring keeps no lists: whatever sits in one is not Kring's.
            Prop::Seq(_) => return None,
        }
    }
    let path = Arc::new(keys);
    paths.insert(obj.clone(), path.clone());
    Some(path)
}

/// The members a change admits: those it creates and records as an invite's use.
fn admitted_members(
    doc: &AutoCommit,
    paths: &mut HashMap<ObjectId, Path>,
    ops: &[automerge::legacy::Op],
) -> Vec<String> {
    let mut admitted = Vec::new();
    for op in ops {
        let (Key::Map(key), OpType::Make(_)) = (&op.key, &op.action) else { continue };
        if resolve_path(doc, paths, &op.obj).is_some_and(|p| p.len() == 1 && p[0] == MEMBERS) {
            admitted.push(key.to_string());
        }
    }
    admitted
}

struct OpContext<'a> {
    doc: &'a AutoCommit,
    before: &'a [ChangeHash],
    /// The change itself: what it wrote, read where the same change wrote two things.
    after: &'a [ChangeHash],
    author: &'a Author,
    coordinator: bool,
    /// Members this very change creates: writing their fields is part of creating them.
    admitted: &'a [String],
}

impl OpContext<'_> {
    fn coordinator_only(&self, action: CoordinatorAction) -> Result<bool, Breach> {
        if self.coordinator { Ok(false) } else { Err(Breach::CoordinatorOnly(action)) }
    }

    fn own_or_coordinator(&self, member: &str, what: OwnData) -> Result<bool, Breach> {
        if member == self.author.member || self.coordinator { Ok(false) } else { Err(Breach::OthersData(what)) }
    }

    fn own_only(&self, member: &str, what: OwnData) -> Result<bool, Breach> {
        if member == self.author.member { Ok(false) } else { Err(Breach::OthersData(what)) }
    }

    /// Whether the author may write at `path`; `Ok(true)` when it touched a role or a removal,
    /// so that the change is also checked for leaving a coordinator.
    fn allowed(&self, p: &[&str], replaces: bool, deletes: bool, time: i64) -> Result<bool, Breach> {
        // A record (a map directly under a top-level map) is never replaced or deleted.
        if p.len() == 2 && (replaces || deletes) && p[0] != NETWORK {
            return Err(Breach::RecordReplaced);
        }
        match p {
            // TEMP until the rule check is rewritten: the schema raise.
            [SCHEMA] if !deletes => self.coordinator_only(CoordinatorAction::NetworkDetails),
            [] | [_] => Err(Breach::Genesis),
            [NETWORK, ..] => self.coordinator_only(CoordinatorAction::NetworkDetails),
            [MEMBERS, member, ..] if self.admitted.iter().any(|m| m == member) => {
                // A new member: by a coordinator, or by any member with a valid invite.
                if self.coordinator || self.invite_admits(member, time) { Ok(false) } else { Err(Breach::BadInvite) }
            }
            [MEMBERS, _] => self.coordinator_only(CoordinatorAction::AddMembers),
            // TEMP until the rule check is rewritten: a proof beside an existing member's device.
            [MEMBERS, member, key] if key.starts_with(crate::trust::proof::PROOF_PREFIX) && !deletes => {
                self.own_or_coordinator(member, OwnData::Devices)
            }
            [MEMBERS, member, ROLE] => {
                if *member == self.author.member && !self.coordinator {
                    return Err(Breach::SelfPromotion);
                }
                self.coordinator_only(CoordinatorAction::ChangeRoles).map(|_| true)
            }
            [MEMBERS, _, REMOVED_AT] if deletes => Err(Breach::UndoRemoval),
            [MEMBERS, _, REMOVED_AT] => self.coordinator_only(CoordinatorAction::RemoveMembers).map(|_| true),
            [MEMBERS, member, NAME | PERSPECTIVE | ORGANISATION] => self.own_or_coordinator(member, OwnData::Profile),
            [MEMBERS, member, DEVICES, _] if !deletes => self.own_or_coordinator(member, OwnData::Devices),
            [MEMBERS, _, DEVICES, _] => self.coordinator_only(CoordinatorAction::RemoveDevice),
            [MEMBERS, ..] => Err(Breach::RecordReplaced),
            [INVITES, _, USES, member] => {
                if self.admitted.iter().any(|m| m == member) && !deletes {
                    Ok(false)
                } else {
                    Err(Breach::BadInvite)
                }
            }
            [INVITES, _, REVOKED_AT] if deletes => Err(Breach::UndoRevocation),
            [INVITES, ..] => self.coordinator_only(CoordinatorAction::Invites),
            [FACTORS, ..] => self.coordinator_only(CoordinatorAction::Factors),
            [REFLECTIONS, _, SCORES | COMMENTS, key] => {
                let member = key.split('/').next().unwrap_or_default();
                self.own_only(member, OwnData::Scores)
            }
            [REFLECTIONS, ..] => self.coordinator_only(CoordinatorAction::Rounds),
            [SESSIONS, _, ATTENDANCE, member] => self.own_or_coordinator(member, OwnData::Attendance),
            [SESSIONS, ..] => Ok(false),
            [QUESTIONS, _, VOTES, member] => self.own_only(member, OwnData::Vote),
            [QUESTIONS, ..] => Ok(false),
            _ => Err(Breach::UnknownPlace),
        }
    }

    /// An invite admits `member` if, as of the change's history, it exists, was not revoked,
    /// had not expired at the change's time, had uses left, and gives the role the new member
    /// gets. (The invite itself was checked when it arrived: only coordinators create them.)
    fn invite_admits(&self, member: &str, time_secs: i64) -> bool {
        let (doc, heads) = (self.doc, self.before);
        let Some(invites) = obj_at(doc, &ROOT, INVITES, heads) else { return false };
        let after = self.after;
        // The invite whose uses record this member: written by the change itself.
        let cited = doc.keys_at(&invites, after).find(|id| {
            obj_at(doc, &invites, id, after)
                .and_then(|inv| obj_at(doc, &inv, USES, after))
                .is_some_and(|uses| doc.get_at(&uses, member, after).ok().flatten().is_some())
        });
        let Some(cited) = cited else { return false };
        let Some(invite) = obj_at(doc, &invites, &cited, heads) else { return false };
        if doc.get_at(&invite, REVOKED_AT, heads).ok().flatten().is_some() {
            return false;
        }
        let expires = int_at(doc, &invite, EXPIRES_AT, heads).unwrap_or(0);
        if expires <= time_secs.saturating_mul(1000) {
            return false;
        }
        let used = obj_at(doc, &invite, USES, heads).map(|u| doc.keys_at(&u, heads).count()).unwrap_or(usize::MAX);
        let max = int_at(doc, &invite, MAX_USES, heads).unwrap_or(1).max(0) as usize;
        if used >= max {
            return false;
        }
        let role = str_at(doc, &invite, ROLE, heads);
        let members = obj_at(doc, &ROOT, MEMBERS, after);
        let given = members.and_then(|ms| obj_at(doc, &ms, member, after)).and_then(|m| str_at(doc, &m, ROLE, after));
        role == given
    }
}

/// Whether at least one current member is a coordinator as of `heads`.
fn has_coordinator(doc: &AutoCommit, heads: &[ChangeHash]) -> bool {
    let Some(members) = obj_at(doc, &ROOT, MEMBERS, heads) else { return false };
    doc.keys_at(&members, heads).any(|id| {
        obj_at(doc, &members, &id, heads).is_some_and(|m| {
            doc.get_at(&m, REMOVED_AT, heads).ok().flatten().is_none()
                && str_at(doc, &m, ROLE, heads).as_deref() == Some(Role::Coordinator.as_str())
        })
    })
}

fn member_obj(doc: &AutoCommit, member: &str) -> Option<ObjId> {
    let members = crate::access::obj(doc, &ROOT, MEMBERS)?;
    crate::access::obj(doc, &members, member)
}

fn member_name(doc: &AutoCommit, member: &str) -> String {
    member_obj(doc, member).and_then(|m| crate::access::string(doc, &m, NAME)).unwrap_or_else(|| member.to_string())
}

fn obj_at(doc: &AutoCommit, parent: &ObjId, key: &str, heads: &[ChangeHash]) -> Option<ObjId> {
    match doc.get_at(parent, key, heads) {
        Ok(Some((Value::Object(_), id))) => Some(id),
        _ => None,
    }
}

fn str_at(doc: &AutoCommit, parent: &ObjId, key: &str, heads: &[ChangeHash]) -> Option<String> {
    match doc.get_at(parent, key, heads) {
        Ok(Some((value, _))) => value.as_str().map(str::to_string),
        _ => None,
    }
}

fn int_at(doc: &AutoCommit, parent: &ObjId, key: &str, heads: &[ChangeHash]) -> Option<i64> {
    match doc.get_at(parent, key, heads) {
        Ok(Some((value, _))) => value.as_i64().or_else(|| value.as_u64().and_then(|v| i64::try_from(v).ok())),
        _ => None,
    }
}
