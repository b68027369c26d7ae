//! The rules every laptop checks on every change that reaches it from another laptop.
//!
//! A verdict depends only on the change and its causal history: the document is read *as of
//! the change's dependencies* (Automerge's historical reads), never as this laptop happens to
//! know it now and never by the clock. So every honest laptop reaches the same verdict on the
//! same change, and honest laptops never diverge. See `shared/notes/trust.md`.
//!
//! The changes are checked after Automerge has applied them (that is how their objects and
//! history can be read); a caller that gets a [`Refusal`] puts back the document it had saved.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use automerge::legacy::{Key, ObjectId, OpId, OpType};
use automerge::{AutoCommit, Change, ChangeHash, ObjId, ObjType, Prop, ROOT, ReadDoc, ScalarValue, Value};

use crate::changes::{ChangeKind, ChangeNote};
use crate::ids::{DeviceId, MemberId};
use crate::schema::*;
use crate::trust::actor::device_of_actor;
use crate::trust::proof::{Claim, PROOF_PREFIX, owner, proof_key, verify_proof};
use crate::trust::table::{
    Extra, MAX_CHANGE_BYTES, MAX_CHANGE_OPS, MAX_TEXT_INSERT, Shape, Slot, Who, is_text_element, slot_for,
};
use crate::vocab::{AttachmentKind, GuestKind, Role};

mod leerhuis;

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
    /// A value of a kind or size Kring never writes there.
    BadValue,
    /// Something written once (who made a record, when) written again, or deleted.
    Rewritten,
    /// A device listed under a second member, or without its own proof.
    DeviceClaimed,
    /// A change larger than any Kring writes.
    TooLarge,
    /// A guest's contribution where no open room of this laptop's member takes it.
    OutsideRoom,
    /// Acting for a linked network in a leerhuis without being one of its delegates there.
    NotADelegate,
    /// Sharing with a leerhuis more than a publication may hold (scores of fewer than five
    /// people, comments, small groups of youth and parents).
    SharedTooMuch,
}

/// What only coordinators do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoordinatorAction {
    NetworkDetails,
    AddMembers,
    ChangeRoles,
    RemoveMembers,
    Invites,
    Factors,
    Rounds,
    Leerhuis,
    JointMeetings,
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
                    A::Invites => "managing invites",
                    A::Factors => "changing the reflection factors",
                    A::Rounds => "opening or closing a reflection round",
                    A::Leerhuis => "linking a network and a leerhuis",
                    A::JointMeetings => "choosing which linked networks a meeting is for",
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
            Breach::BadValue => "a value Kring never writes there".into(),
            Breach::Rewritten => "changing what is written once".into(),
            Breach::DeviceClaimed => "listing a device that is someone else's or did not prove itself".into(),
            Breach::TooLarge => "a change larger than Kring ever writes".into(),
            Breach::OutsideRoom => "a guest's contribution outside an open room of theirs".into(),
            Breach::NotADelegate => "acting in a leerhuis for a network it is no delegate of".into(),
            Breach::SharedTooMuch => "sharing more with a leerhuis than a publication may hold".into(),
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
    /// Every member that lists a device, read from the whole document once per check: the
    /// records to ask as of a change's history.
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

    /// Refuses, before Automerge applies them, changes larger than any Kring writes: applying
    /// one costs memory and time out of proportion to its bytes. [`RuleBook::check`] gives the
    /// same verdict afterwards; this only spares the cost.
    pub fn refuse_oversized<'a>(
        &mut self,
        doc: &AutoCommit,
        mut changes: impl Iterator<Item = &'a Change>,
    ) -> Result<(), Refusal> {
        match changes.find(|change| !change.deps().is_empty() && too_large(change)) {
            Some(change) => Err(self.refusal(doc, change, Breach::TooLarge)),
            None => Ok(()),
        }
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
        // Sizes first: they are known without reading a single operation.
        if too_large(change) {
            return Err(Breach::TooLarge);
        }
        let expanded = change.decode();
        let author = match self.author_at(doc, &device, &before) {
            Some(author) => author,
            None => {
                self.proving_itself(doc, &device, &before, &after, &expanded.operations).ok_or(Breach::NotAMember)?
            }
        };
        let coordinator = author.role == Role::Coordinator;
        let made = MadeHere { actor: change.actor_id(), first: change.start_op().get(), count: change.len() as u64 };
        let admitted = admitted_members(doc, &mut self.paths, &expanded.operations, made);

        if let Some(note) = expanded.message.as_deref().and_then(ChangeNote::decode) {
            let joined = matches!(note.what, ChangeKind::InviteUsed | ChangeKind::JoinedThroughNetwork);
            let named = if joined { admitted.first() } else { Some(&author.member) };
            if named.map(String::as_str) != Some(note.by.as_str()) {
                return Err(Breach::ForgedAuthor);
            }
        }
        let network = network_id(doc);
        let ctx = OpContext {
            doc,
            device: &device,
            before: &before,
            after: &after,
            author: &author,
            network: &network,
            coordinator,
            admitted: &admitted,
            made,
        };
        let mut roles_touched = false;
        let mut inserted: HashMap<&ObjectId, usize> = HashMap::new();
        // Where the objects this change makes sit: known from the operation that made each (an
        // operation's id is the change's first one plus its index), never asked of Automerge,
        // whose answer costs a walk up from the object.
        let mut made_here: HashMap<ObjectId, Path> = HashMap::new();
        // Texts whose place and writer were checked: a paste is one operation per character,
        // and each needs only its own action checked.
        let mut texts_allowed: HashSet<&ObjectId> = HashSet::new();
        for (index, op) in expanded.operations.iter().enumerate() {
            if let Key::Seq(_) = op.key
                && texts_allowed.contains(&op.obj)
            {
                text_element(op)?;
                let count = inserted.entry(&op.obj).or_default();
                *count += usize::from(op.insert);
                if *count > MAX_TEXT_INSERT {
                    return Err(Breach::TooLarge);
                }
                continue;
            }
            let object = match made_here.get(&op.obj) {
                Some(path) => path.clone(),
                None if made.made(&op.obj) => return Err(Breach::UnknownPlace),
                None => self.path_of(doc, &op.obj).ok_or(Breach::UnknownPlace)?,
            };
            let object: Vec<&str> = object.iter().map(String::as_str).collect();
            match &op.key {
                Key::Map(key) => {
                    let mut place = object.clone();
                    place.push(key.as_str());
                    roles_touched |= ctx.map_op(&object, &place, op, change.timestamp())?;
                    if matches!(op.action, OpType::Make(_)) {
                        let id = OpId(made.first + index as u64, change.actor_id().clone());
                        made_here.insert(ObjectId::Id(id), Arc::new(place.iter().map(|k| k.to_string()).collect()));
                    }
                }
                Key::Seq(_) => {
                    ctx.text_allowed(&object)?;
                    texts_allowed.insert(&op.obj);
                    text_element(op)?;
                    *inserted.entry(&op.obj).or_default() += usize::from(op.insert);
                }
            }
        }
        if roles_touched && !has_coordinator(doc, &after) {
            return Err(Breach::LastCoordinator);
        }
        Ok(())
    }

    /// A device that no record gives a member (listed twice before devices proved themselves)
    /// may still prove itself: a change that only writes its own proof under a record listing
    /// it. From then on its proven claim outranks the other.
    fn proving_itself(
        &mut self,
        doc: &AutoCommit,
        device: &str,
        before: &[ChangeHash],
        after: &[ChangeHash],
        ops: &[automerge::legacy::Op],
    ) -> Option<Author> {
        let [op] = ops else { return None };
        let Key::Map(key) = &op.key else { return None };
        if key.strip_prefix(PROOF_PREFIX) != Some(device) {
            return None;
        }
        let path = self.path_of(doc, &op.obj)?;
        let [members, member] = path.as_slice() else { return None };
        let obj = obj_at(doc, &ROOT, MEMBERS, before).and_then(|ms| obj_at(doc, &ms, member, before))?;
        let listed =
            obj_at(doc, &obj, DEVICES, before).is_some_and(|d| doc.get_at(&d, device, before).ok().flatten().is_some());
        let removed = doc.get_at(&obj, REMOVED_AT, before).ok().flatten().is_some();
        let proof = bytes_at(doc, &obj, key, after)?;
        (members == MEMBERS && listed && !removed && verify_proof(device, &network_id(doc), member, &proof)).then(
            || Author { member: member.clone(), role: Role::from_doc(str_at(doc, &obj, ROLE, before).as_deref()) },
        )
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

    /// The member `device` belongs to as of `heads`, with their role then: [`owner`] over every
    /// record that lists the device, so that a second record listing it can never take it
    /// over, and a removed member's device is nobody's.
    fn author_at(&mut self, doc: &AutoCommit, device: &str, heads: &[ChangeHash]) -> Option<Author> {
        if !self.prepared.is_empty() {
            let mut key = heads.to_vec();
            key.sort();
            if let Some(author) = self.prepared.get(&(key, device.to_string())) {
                return author.clone();
            }
        }
        if !self.reindexed {
            // Device entries are never deleted, so every record that lists the device as of
            // any history lists it in the document as it is now.
            self.reindexed = true;
            self.index_devices(doc);
        }
        let members = obj_at(doc, &ROOT, MEMBERS, heads)?;
        let network = network_id(doc);
        let candidates = self.devices.get(device).cloned().unwrap_or_default();
        let mut roles = HashMap::new();
        let claims: Vec<Claim<String>> = candidates
            .into_iter()
            .filter_map(|member| {
                let obj = obj_at(doc, &members, &member, heads)?;
                let devices = obj_at(doc, &obj, DEVICES, heads)?;
                doc.get_at(&devices, device, heads).ok().flatten()?;
                let removed = doc.get_at(&obj, REMOVED_AT, heads).ok().flatten().is_some();
                let proof = bytes_at(doc, &obj, &proof_key(device), heads);
                let proven = proof.is_some_and(|proof| verify_proof(device, &network, &member, &proof));
                roles.insert(member.clone(), Role::from_doc(str_at(doc, &obj, ROLE, heads).as_deref()));
                Some(Claim { member, proven, removed })
            })
            .collect();
        let member = owner(claims)?;
        let role = roles.remove(&member).unwrap_or_default();
        Some(Author { member, role })
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
    made: MadeHere,
) -> Vec<String> {
    let mut admitted = Vec::new();
    for op in ops {
        let (Key::Map(key), OpType::Make(_)) = (&op.key, &op.action) else { continue };
        // The members map was made by the network's first change, never by this one.
        if made.made(&op.obj) {
            continue;
        }
        if resolve_path(doc, paths, &op.obj).is_some_and(|p| p.len() == 1 && p[0] == MEMBERS) {
            admitted.push(key.to_string());
        }
    }
    admitted
}

/// Objects the change being checked creates: an operation id of the change's own actor
/// within its range.
#[derive(Clone, Copy)]
struct MadeHere<'a> {
    actor: &'a automerge::ActorId,
    first: u64,
    count: u64,
}

impl MadeHere<'_> {
    fn made(&self, obj: &ObjectId) -> bool {
        match obj {
            ObjectId::Root => false,
            ObjectId::Id(OpId(counter, actor)) => {
                actor == self.actor && (self.first..self.first + self.count).contains(counter)
            }
        }
    }
}

struct OpContext<'a> {
    doc: &'a AutoCommit,
    /// The device that made the change.
    device: &'a str,
    before: &'a [ChangeHash],
    /// The change itself: what it wrote, read where the same change wrote two things.
    after: &'a [ChangeHash],
    author: &'a Author,
    network: &'a str,
    coordinator: bool,
    /// Members this very change creates: writing their fields is part of creating them.
    admitted: &'a [String],
    made: MadeHere<'a>,
}

impl OpContext<'_> {
    /// Checks one operation on a map key against the [`TABLE`]; `Ok(true)` when it touched a
    /// role or a removal, so that the change is also checked for leaving a coordinator.
    fn map_op(&self, object: &[&str], place: &[&str], op: &automerge::legacy::Op, time: i64) -> Result<bool, Breach> {
        if object.is_empty() && place != [SCHEMA] {
            // The collections, the network and the chapter are made by a first change only.
            return Err(Breach::Genesis);
        }
        if object.first() == Some(&CHAPTER) {
            return Err(Breach::Genesis);
        }
        // The object itself must be a map of the schema (not a text written into by key).
        let a_map = match object {
            [] => true,
            [top] => TOP_LEVEL_MAPS.contains(top),
            _ => slot_for(object).is_some_and(|s| matches!(s.shape, Shape::Record | Shape::Map)),
        };
        if !a_map {
            return Err(Breach::UnknownPlace);
        }
        let slot = slot_for(place).ok_or(Breach::UnknownPlace)?;
        let parent_made_here = self.made.made(&op.obj);
        let deletes = matches!(op.action, OpType::Delete);
        if deletes {
            match slot.extra {
                Extra::Removal => return Err(Breach::UndoRemoval),
                Extra::Revocation => return Err(Breach::UndoRevocation),
                _ if !slot.deletable => {
                    return Err(if matches!(slot.shape, Shape::Scalar(_)) {
                        Breach::Rewritten
                    } else {
                        Breach::RecordReplaced
                    });
                }
                _ => {}
            }
        }
        match (&op.action, slot.shape) {
            (OpType::Delete, _) => {}
            (OpType::Make(kind), shape) => {
                let fits =
                    matches!((kind, shape), (ObjType::Map, Shape::Record | Shape::Map) | (ObjType::Text, Shape::Text));
                if !fits {
                    return Err(Breach::BadValue);
                }
                // Never over something: an object replaced hides every edit made inside it.
                let key = place.last().copied().unwrap_or_default();
                let parent = self.obj(object, self.before);
                let existed = parent.is_some_and(|p| self.doc.get_at(&p, key, self.before).ok().flatten().is_some());
                if !op.pred.is_empty() || existed {
                    return Err(Breach::RecordReplaced);
                }
                // The containers of a record are made with it, never later (two laptops making
                // the same container would hide one another's).
                if shape != Shape::Record && !parent_made_here {
                    return Err(Breach::RecordReplaced);
                }
            }
            (OpType::Put(value), Shape::Scalar(kind)) => {
                if !kind.admits(value) {
                    return Err(Breach::BadValue);
                }
                if slot.once && !parent_made_here {
                    return Err(Breach::Rewritten);
                }
            }
            _ => return Err(Breach::BadValue),
        }
        // A new member, and everything written into it: by a coordinator, or by any member with
        // a valid invite.
        if let [MEMBERS, member, ..] = place
            && self.admitted.iter().any(|m| m == member)
        {
            if !self.coordinator && !self.invite_admits(member, time) && !self.voucher_admits(member, time) {
                return Err(Breach::BadInvite);
            }
            // The new member's devices are still checked: one member each, with their proofs.
            return match slot.extra {
                Extra::Device | Extra::Proof => self.extra(slot, place, op),
                _ => Ok(false),
            };
        }
        if slot.extra == Extra::Role && place[1] == self.author.member && !self.coordinator {
            return Err(Breach::SelfPromotion);
        }
        // A linked network's delegate removes from the leerhuis whom her network let in.
        if slot.extra == Extra::Removal && !self.coordinator && self.removes_through_own_network(place[1]) {
            return self.extra(slot, place, op);
        }
        self.writer_allowed(slot, place)?;
        self.extra(slot, place, op)
    }

    /// Checks one operation inside a text: characters inserted or deleted, nothing else.
    /// Whether the author may write inside the text at `object`.
    fn text_allowed(&self, object: &[&str]) -> Result<(), Breach> {
        let slot = slot_for(object).filter(|slot| slot.shape == Shape::Text).ok_or(Breach::UnknownPlace)?;
        self.writer_allowed(slot, object)
    }

    fn writer_allowed(&self, slot: &Slot, place: &[&str]) -> Result<(), Breach> {
        let named = |at: usize| {
            let key = place.get(at).copied().unwrap_or_default();
            // A score key names its member first.
            key.split('/').next().unwrap_or_default()
        };
        match slot.who {
            Who::Member => Ok(()),
            Who::Nobody => Err(Breach::Rewritten),
            Who::Coordinator if self.coordinator => Ok(()),
            Who::Coordinator => Err(Breach::CoordinatorOnly(coordinator_action(place))),
            Who::Own(at) if named(at) == self.author.member => Ok(()),
            Who::OwnOrCoordinator(at) if named(at) == self.author.member || self.coordinator => Ok(()),
            Who::Own(_) | Who::OwnOrCoordinator(_) => Err(Breach::OthersData(own_data(place))),
            Who::CoordinatorOrDelegate(_) if self.coordinator => Ok(()),
            Who::CoordinatorOrDelegate(at) if self.delegate_of(named(at)) => Ok(()),
            Who::CoordinatorOrDelegate(_) => Err(Breach::NotADelegate),
        }
    }

    /// The rules that read more than the operation itself.
    fn extra(&self, slot: &Slot, place: &[&str], op: &automerge::legacy::Op) -> Result<bool, Breach> {
        let (doc, before, after) = (self.doc, self.before, self.after);
        match slot.extra {
            Extra::None => Ok(false),
            Extra::Author => match &op.action {
                OpType::Put(ScalarValue::Str(by)) if by.as_str() == self.author.member => Ok(false),
                _ => Err(Breach::ForgedAuthor),
            },
            Extra::Role => Ok(true),
            Extra::Removal => Ok(true),
            Extra::Revocation => Ok(false),
            // Only a coordinator makes a member outright; an admission was handled above.
            Extra::InviteUse if place[0] == MEMBERS => Ok(false),
            Extra::InviteUse => {
                let member = place[3];
                if self.admitted.iter().any(|m| m == member) { Ok(false) } else { Err(Breach::BadInvite) }
            }
            Extra::Device => {
                let (member, device) = (place[1], place[3]);
                // One member per device, ever: nobody lists someone else's laptop as theirs.
                let members = obj_at(doc, &ROOT, MEMBERS, before).ok_or(Breach::UnknownPlace)?;
                let listed_elsewhere = doc.keys_at(&members, before).any(|other| {
                    obj_at(doc, &members, &other, before)
                        .and_then(|obj| obj_at(doc, &obj, DEVICES, before))
                        .is_some_and(|devices| doc.get_at(&devices, device, before).ok().flatten().is_some())
                });
                if listed_elsewhere {
                    return Err(Breach::DeviceClaimed);
                }
                // From schema 2 on, a device comes with its own proof, in the same change.
                if schema_at(doc, before) >= 2 {
                    let proven = self
                        .obj(&[MEMBERS, member], after)
                        .and_then(|obj| bytes_at(doc, &obj, &proof_key(device), after))
                        .is_some_and(|proof| verify_proof(device, self.network, member, &proof));
                    if !proven {
                        return Err(Breach::DeviceClaimed);
                    }
                }
                Ok(false)
            }
            Extra::Proof => {
                let member = place[1];
                let device = place[2].strip_prefix(PROOF_PREFIX).unwrap_or_default();
                let record = self.obj(&[MEMBERS, member], after);
                let listed = record
                    .as_ref()
                    .and_then(|obj| obj_at(doc, obj, DEVICES, after))
                    .is_some_and(|devices| doc.get_at(&devices, device, after).ok().flatten().is_some());
                let written_before = self
                    .obj(&[MEMBERS, member], before)
                    .is_some_and(|obj| doc.get_at(&obj, place[2], before).ok().flatten().is_some());
                let valid = matches!(&op.action, OpType::Put(ScalarValue::Bytes(proof))
                    if verify_proof(device, self.network, member, proof));
                match (listed && valid, written_before) {
                    (true, false) => Ok(false),
                    (_, true) => Err(Breach::Rewritten),
                    (false, _) => Err(Breach::DeviceClaimed),
                }
            }
            Extra::Guest => self.guest_contribution(place).map(|()| false),
            Extra::LinkLeft => Ok(false),
            Extra::Publication => self.publication(place).map(|()| false),
            Extra::Withdrawal => self.withdrawal(place).map(|()| false),
            Extra::SmallGroup => self.small_group(place, op).map(|()| false),
            Extra::Attachment => self.whole_attachment(place).map(|()| false),
            Extra::OpenTo => self.open_to(place, op).map(|()| false),
            Extra::GuestPhoto => self.guest_photo(place).map(|()| false),
            Extra::Schema => {
                let raised = matches!(&op.action, OpType::Put(value)
                    if scalar_int(value).is_some_and(|v| v >= schema_at(doc, before)));
                if raised { Ok(false) } else { Err(Breach::Rewritten) }
            }
        }
    }

    /// A guest's contribution, made at `place` (`sessions/<id>/room:<id>/guests/<id>`): the
    /// room was open as of the change's history and opened by the change's author (whose
    /// laptop serves it), and the contribution is one of the kinds that room takes, whole.
    fn guest_contribution(&self, place: &[&str]) -> Result<(), Breach> {
        let (doc, before, after) = (self.doc, self.before, self.after);
        let room = self.obj(&place[..3], before).ok_or(Breach::OutsideRoom)?;
        let open = doc.get_at(&room, CLOSED_AT, before).ok().flatten().is_none();
        let host = str_at(doc, &room, OPENED_BY, before);
        if !open || host.as_deref() != Some(self.author.member.as_str()) {
            return Err(Breach::OutsideRoom);
        }
        let record = self.obj(place, after).ok_or(Breach::OutsideRoom)?;
        let kind = str_at(doc, &record, KIND, after);
        let text = str_at(doc, &record, TEXT, after).filter(|text| !text.trim().is_empty());
        let question = str_at(doc, &record, QUESTION, after);
        let scores = obj_at(doc, &record, SCORES, after);
        let marked = |parent: &ObjId, key: &str| bool_at(doc, parent, key, before) == Some(true);
        let plain_text = question.is_none() && scores.is_none() && text.is_some();
        let fits = match kind.as_deref() {
            Some("vote") => {
                text.is_none()
                    && scores.is_none()
                    && question.is_some_and(|q| obj_at(doc, &room, QUESTIONS, before).is_some_and(|qs| marked(&qs, &q)))
            }
            Some("question") => plain_text && marked(&room, PROPOSALS),
            Some("reaction") => plain_text && marked(&room, REACTIONS),
            Some("photo") => {
                // The meeting's attachment this names must name this room and contribution
                // back (checked whole by `guest_photo`).
                let attachment = str_at(doc, &record, ATTACHMENT, after)
                    .and_then(|id| self.obj(&[place[0], place[1], attachment_key(&id).as_str()], after));
                let names_back = attachment.is_some_and(|file| {
                    str_at(doc, &file, ROOM, after).map(|r| room_key(&r)).as_deref() == Some(place[2])
                        && str_at(doc, &file, CONTRIBUTION, after).as_deref() == Some(place[4])
                });
                question.is_none() && scores.is_none() && text.is_none() && marked(&room, PHOTOS) && names_back
            }
            Some("score") => {
                let round = str_at(doc, &room, REFLECTION, before)
                    .and_then(|round| self.obj(&[REFLECTIONS, &round], before))
                    .filter(|round| doc.get_at(round, CLOSED_AT, before).ok().flatten().is_none());
                let factors = round.and_then(|round| obj_at(doc, &round, FACTORS, before));
                let scored: Vec<String> = scores.map(|s| doc.keys_at(&s, after).collect()).unwrap_or_default();
                question.is_none()
                    && !scored.is_empty()
                    && factors.is_some_and(|factors| scored.iter().all(|factor| marked(&factors, factor)))
            }
            _ => false,
        };
        if fits { Ok(()) } else { Err(Breach::OutsideRoom) }
    }

    /// A guest's photo, an attachment of the meeting at `place[..3]` that names a room and a
    /// contribution: an image, by the author who opened that room, while it was open and took
    /// photos (as of the change's history), and the contribution, a photo, names it back.
    fn guest_photo(&self, place: &[&str]) -> Result<(), Breach> {
        let (doc, before, after) = (self.doc, self.before, self.after);
        let record = self.obj(&place[..3], after).ok_or(Breach::OutsideRoom)?;
        let room_id = str_at(doc, &record, ROOM, after).ok_or(Breach::OutsideRoom)?;
        let contribution = str_at(doc, &record, CONTRIBUTION, after).ok_or(Breach::OutsideRoom)?;
        let room_key = room_key(&room_id);
        let room = self.obj(&[place[0], place[1], room_key.as_str()], before).ok_or(Breach::OutsideRoom)?;
        let open = doc.get_at(&room, CLOSED_AT, before).ok().flatten().is_none();
        let host = str_at(doc, &room, OPENED_BY, before);
        let photos = bool_at(doc, &room, PHOTOS, before) == Some(true);
        if !open || !photos || host.as_deref() != Some(self.author.member.as_str()) {
            return Err(Breach::OutsideRoom);
        }
        let image = str_at(doc, &record, KIND, after).as_deref() == Some(AttachmentKind::Image.as_str());
        let sent = self
            .obj(&[place[0], place[1], room_key.as_str(), GUESTS, contribution.as_str()], after)
            .filter(|sent| str_at(doc, sent, KIND, after).as_deref() == Some(GuestKind::Photo.as_str()));
        let attachment = place[2].strip_prefix(ATTACHMENT_PREFIX).unwrap_or_default();
        let named_back = sent.is_some_and(|sent| str_at(doc, &sent, ATTACHMENT, after).as_deref() == Some(attachment));
        if image && named_back { Ok(()) } else { Err(Breach::OutsideRoom) }
    }

    /// An attachment made at `place` is whole in the change that makes it: a name, a kind, a
    /// size, a hash and who added it. One without a hash names no bytes any laptop could fetch.
    fn whole_attachment(&self, place: &[&str]) -> Result<(), Breach> {
        let (doc, after) = (self.doc, self.after);
        let record = self.obj(place, after).ok_or(Breach::BadValue)?;
        let has = |key: &str| doc.get_at(&record, key, after).ok().flatten().is_some();
        let named = str_at(doc, &record, NAME, after).is_some_and(|name| !name.trim().is_empty());
        let whole = named && [KIND, SIZE, HASH, ADDED_BY, ADDED_AT].into_iter().all(has);
        if whole { Ok(()) } else { Err(Breach::BadValue) }
    }

    /// The object at a path of map keys from the root, as of `heads`.
    fn obj(&self, path: &[&str], heads: &[ChangeHash]) -> Option<ObjId> {
        path.iter().try_fold(ROOT, |parent, key| obj_at(self.doc, &parent, key, heads))
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

/// One operation inside a text: a character inserted or deleted, nothing else.
fn text_element(op: &automerge::legacy::Op) -> Result<(), Breach> {
    match &op.action {
        OpType::Delete => Ok(()),
        OpType::Put(value) if is_text_element(value) => Ok(()),
        _ => Err(Breach::BadValue),
    }
}

/// The maps at the top of a network, made by its first change.
/// (`links` and `publications` only in a leerhuis.)
const TOP_LEVEL_MAPS: [&str; 9] =
    [NETWORK, MEMBERS, INVITES, SESSIONS, QUESTIONS, FACTORS, REFLECTIONS, LINKS, PUBLICATIONS];

/// Larger than any change Kring writes (a first change of a network or chapter excepted).
fn too_large(change: &Change) -> bool {
    change.raw_bytes().len() > MAX_CHANGE_BYTES || change.len() > MAX_CHANGE_OPS
}

/// Which coordinator task a place belongs to, for the refusal's words.
fn coordinator_action(place: &[&str]) -> CoordinatorAction {
    use CoordinatorAction as A;
    match place {
        [NETWORK, key, ..] if key.starts_with(LEERHUIS_PREFIX) => A::Leerhuis,
        [NETWORK | SCHEMA, ..] => A::NetworkDetails,
        [MEMBERS, _, ROLE] => A::ChangeRoles,
        [MEMBERS, _, REMOVED_AT] => A::RemoveMembers,
        [MEMBERS, ..] => A::AddMembers,
        [INVITES, ..] => A::Invites,
        [FACTORS, ..] => A::Factors,
        [LINKS, ..] => A::Leerhuis,
        [SESSIONS, _, OPEN_TO, ..] => A::JointMeetings,
        _ => A::Rounds,
    }
}

/// Whose own data a place is, for the refusal's words.
fn own_data(place: &[&str]) -> OwnData {
    match place {
        [MEMBERS, _, DEVICES, ..] => OwnData::Devices,
        [MEMBERS, _, key] if key.starts_with(PROOF_PREFIX) => OwnData::Devices,
        [MEMBERS, ..] => OwnData::Profile,
        [SESSIONS, ..] => OwnData::Attendance,
        [QUESTIONS, ..] => OwnData::Vote,
        _ => OwnData::Scores,
    }
}

/// The network's id; it is written once, by the first change.
fn network_id(doc: &AutoCommit) -> String {
    crate::access::obj(doc, &ROOT, NETWORK).and_then(|n| crate::access::string(doc, &n, ID)).unwrap_or_default()
}

/// The schema version as of `heads` (1 where a network never wrote one).
fn schema_at(doc: &AutoCommit, heads: &[ChangeHash]) -> i64 {
    match doc.get_at(&ROOT, SCHEMA, heads) {
        Ok(Some((Value::Scalar(value), _))) => scalar_int(&value).unwrap_or(1),
        _ => 1,
    }
}

fn scalar_int(value: &ScalarValue) -> Option<i64> {
    match value {
        ScalarValue::Int(n) => Some(*n),
        ScalarValue::Uint(n) => i64::try_from(*n).ok(),
        _ => None,
    }
}

fn bytes_at(doc: &AutoCommit, parent: &ObjId, key: &str, heads: &[ChangeHash]) -> Option<Vec<u8>> {
    match doc.get_at(parent, key, heads) {
        Ok(Some((Value::Scalar(value), _))) => match value.as_ref() {
            ScalarValue::Bytes(bytes) => Some(bytes.clone()),
            _ => None,
        },
        _ => None,
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

fn bool_at(doc: &AutoCommit, parent: &ObjId, key: &str, heads: &[ChangeHash]) -> Option<bool> {
    match doc.get_at(parent, key, heads) {
        Ok(Some((value, _))) => value.as_bool(),
        _ => None,
    }
}

fn int_at(doc: &AutoCommit, parent: &ObjId, key: &str, heads: &[ChangeHash]) -> Option<i64> {
    match doc.get_at(parent, key, heads) {
        Ok(Some((value, _))) => value.as_i64().or_else(|| value.as_u64().and_then(|v| i64::try_from(v).ok())),
        _ => None,
    }
}
