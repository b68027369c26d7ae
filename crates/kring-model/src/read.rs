//! Building a [`NetworkSnapshot`] from the document.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{AutoCommit, ObjId, ROOT};

use crate::access::{self, boolean, float, int, keys, string, text, true_keys, uint};
use crate::error::Result;
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;
use crate::snapshot::*;
use crate::trust::{Claim, owner, proof_key, verify_proof};
use crate::vocab::*;

impl Network {
    /// The whole network as plain data. Rebuild it when the heads change, not every frame.
    /// ([`crate::LiveSnapshot`] keeps one up to date record by record: what is derived here
    /// across records is derived there too.)
    pub fn snapshot(&self) -> Result<NetworkSnapshot> {
        let doc = &self.doc;
        let info = self.root_map(NETWORK)?;
        let network = self.id().as_str();
        let members = read_map(doc, &self.root_map(MEMBERS)?, |d, o, k| member(d, o, k, network));
        let mut sessions = read_map(doc, &self.root_map(SESSIONS)?, session);
        let mut questions = read_map(doc, &self.root_map(QUESTIONS)?, question);

        // Links are stored once, on the session; the question's side is derived.
        for session in sessions.values_mut() {
            session.questions.retain(|q| questions.contains_key(q));
            for q in &session.questions {
                if let Some(question) = questions.get_mut(q) {
                    question.sessions.insert(session.id.clone());
                }
            }
        }
        // A removed member's vote stays in the document (they may be re-added) but no longer counts.
        for question in questions.values_mut() {
            question.votes.retain(|m| members.get(m).is_some_and(Member::is_current));
        }

        Ok(NetworkSnapshot {
            schema: uint(doc, &ROOT, SCHEMA).unwrap_or_default(),
            info: NetworkInfo {
                id: self.id().clone(),
                name: string(doc, &info, NAME).unwrap_or_default(),
                description: string(doc, &info, DESCRIPTION).unwrap_or_default(),
                region: string(doc, &info, REGION).unwrap_or_default(),
                themes: access::obj(doc, &info, THEMES)
                    .map(|t| true_keys(doc, &t).into_iter().collect())
                    .unwrap_or_default(),
                created_at: int(doc, &info, CREATED_AT).unwrap_or_default(),
                created_by: MemberId::new(string(doc, &info, CREATED_BY).unwrap_or_default()),
                chapter: self.chapter(),
                kind: NetworkKind::from_doc(string(doc, &info, KIND).as_deref()),
                leerhuizen: crate::leerhuis::leerhuizen(doc, &info),
            },
            members,
            invites: read_map(doc, &self.root_map(INVITES)?, invite),
            sessions,
            questions,
            factors: read_map(doc, &self.root_map(FACTORS)?, factor),
            rounds: read_map(doc, &self.root_map(REFLECTIONS)?, round),
            links: access::obj(doc, &ROOT, LINKS)
                .map(|map| read_map(doc, &map, crate::leerhuis::linked_network))
                .unwrap_or_default(),
            publications: access::obj(doc, &ROOT, PUBLICATIONS)
                .map(|map| read_map(doc, &map, crate::leerhuis::publication))
                .unwrap_or_default(),
        })
    }
}

impl Network {
    /// The members alone, without reading any notes: what access checks need on every message.
    pub fn members(&self) -> Result<BTreeMap<MemberId, Member>> {
        let network = self.id().as_str();
        Ok(read_map(&self.doc, &self.root_map(MEMBERS)?, |d, o, k| member(d, o, k, network)))
    }

    /// The network's name alone (for lists of networks).
    pub fn name(&self) -> Result<String> {
        Ok(access::string(&self.doc, &self.root_map(NETWORK)?, NAME).unwrap_or_default())
    }

    /// The current member a device belongs to, if any: [`crate::trust::owner`] over every
    /// record that lists it, never the first in id order (anyone can list anyone's device under
    /// their own record; only the device can prove it). Asked for every message a peer sends,
    /// so it reads only each member's devices, proofs and removal (the same rule as
    /// [`NetworkSnapshot::member_for_device`] on [`Network::members`]).
    pub fn member_for_device(&self, device: &str) -> Result<Option<MemberId>> {
        let doc = &self.doc;
        let members = self.root_map(MEMBERS)?;
        let network = self.id().as_str();
        let claims = keys(doc, &members).into_iter().filter_map(|id| {
            let member = access::obj(doc, &members, &id)?;
            let devices = access::obj(doc, &member, DEVICES)?;
            int(doc, &devices, device)?;
            Some(Claim {
                proven: proven(doc, &member, network, &id, device),
                removed: int(doc, &member, REMOVED_AT).is_some(),
                member: MemberId::new(id),
            })
        });
        Ok(owner(claims))
    }
}

impl Network {
    /// Every attachment the network lists (the bin's too) with what it hangs on, read without
    /// the rest of the network: asked whenever a member's laptop asks for an attachment's bytes.
    pub fn attachments(&self) -> Result<Vec<(AttachedTo, Attachment)>> {
        let doc = &self.doc;
        let mut all = Vec::new();
        let sessions = self.root_map(SESSIONS)?;
        for id in keys(doc, &sessions) {
            let Some(obj) = access::obj(doc, &sessions, &id) else { continue };
            let to = AttachedTo::Session(SessionId::new(id));
            all.extend(attachments(doc, &obj).into_values().map(|a| (to.clone(), a)));
        }
        let questions = self.root_map(QUESTIONS)?;
        for id in keys(doc, &questions) {
            let Some(obj) = access::obj(doc, &questions, &id) else { continue };
            let question = QuestionId::new(id);
            all.extend(attachments(doc, &obj).into_values().map(|a| (AttachedTo::Question(question.clone()), a)));
            let Some(cycles) = access::obj(doc, &obj, CYCLES) else { continue };
            for cycle in keys(doc, &cycles) {
                let Some(cycle_obj) = access::obj(doc, &cycles, &cycle) else { continue };
                let to = AttachedTo::Cycle { question: question.clone(), cycle: CycleId::new(cycle) };
                all.extend(attachments(doc, &cycle_obj).into_values().map(|a| (to.clone(), a)));
            }
        }
        Ok(all)
    }
}

/// Whether the member record `obj` (of member `member`) holds `device`'s valid proof.
pub(crate) fn proven(doc: &AutoCommit, obj: &ObjId, network: &str, member: &str, device: &str) -> bool {
    access::bytes(doc, obj, &proof_key(device)).is_some_and(|proof| verify_proof(device, network, member, &proof))
}

/// Reads every record of an id-keyed map; entries that are not records are skipped.
fn read_map<K: Ord + From<String>, V>(
    doc: &AutoCommit,
    map: &ObjId,
    read: impl Fn(&AutoCommit, &ObjId, String) -> V,
) -> BTreeMap<K, V> {
    keys(doc, map)
        .into_iter()
        .filter_map(|key| access::obj(doc, map, &key).map(|obj| (K::from(key.clone()), read(doc, &obj, key))))
        .collect()
}

fn id<T: From<String>>(doc: &AutoCommit, obj: &ObjId, key: &str) -> T {
    T::from(string(doc, obj, key).unwrap_or_default())
}

/// A `{id: scalar}` map read with `value`, skipping entries `value` cannot read.
fn scalar_map<K: Ord + From<String>, V>(
    doc: &AutoCommit,
    parent: &ObjId,
    key: &str,
    value: impl Fn(&AutoCommit, &ObjId, &str) -> Option<V>,
) -> BTreeMap<K, V> {
    let Some(map) = access::obj(doc, parent, key) else { return BTreeMap::new() };
    keys(doc, &map).into_iter().filter_map(|k| value(doc, &map, &k).map(|v| (K::from(k), v))).collect()
}

pub(crate) fn id_set<K: Ord + From<String>>(doc: &AutoCommit, parent: &ObjId, key: &str) -> BTreeSet<K> {
    access::obj(doc, parent, key).map(|map| true_keys(doc, &map).into_iter().map(K::from).collect()).unwrap_or_default()
}

pub(crate) fn member(doc: &AutoCommit, obj: &ObjId, id: String, network: &str) -> Member {
    let devices: BTreeMap<DeviceId, UnixMillis> = scalar_map(doc, obj, DEVICES, int);
    let proven = devices.keys().filter(|device| proven(doc, obj, network, &id, device)).cloned().collect();
    Member {
        id: MemberId::new(id),
        name: string(doc, obj, NAME).unwrap_or_default(),
        perspective: Perspective::from_doc(string(doc, obj, PERSPECTIVE).as_deref()),
        organisation: string(doc, obj, ORGANISATION).unwrap_or_default(),
        role: Role::from_doc(string(doc, obj, ROLE).as_deref()),
        devices,
        proven,
        joined_at: int(doc, obj, JOINED_AT).unwrap_or_default(),
        removed_at: int(doc, obj, REMOVED_AT),
        via: string(doc, obj, VIA).map(NetworkId::new),
    }
}

pub(crate) fn invite(doc: &AutoCommit, obj: &ObjId, id: String) -> Invite {
    Invite {
        id: InviteId::new(id),
        secret_hash: string(doc, obj, SECRET_HASH).unwrap_or_default(),
        created_by: self::id(doc, obj, CREATED_BY),
        created_at: int(doc, obj, CREATED_AT).unwrap_or_default(),
        expires_at: int(doc, obj, EXPIRES_AT).unwrap_or_default(),
        role: Role::from_doc(string(doc, obj, ROLE).as_deref()),
        max_uses: uint(doc, obj, MAX_USES).unwrap_or(1),
        made_for: string(doc, obj, MADE_FOR).filter(|name| !name.is_empty()),
        uses: scalar_map(doc, obj, USES, int),
        revoked_at: int(doc, obj, REVOKED_AT),
    }
}

pub(crate) fn session(doc: &AutoCommit, obj: &ObjId, id: String) -> Session {
    Session {
        id: SessionId::new(id),
        title: string(doc, obj, TITLE).unwrap_or_default(),
        kind: SessionKind::from_doc(string(doc, obj, KIND).as_deref()),
        starts_at: string(doc, obj, STARTS_AT).unwrap_or_default(),
        location: string(doc, obj, LOCATION).unwrap_or_default(),
        agenda: text(doc, obj, AGENDA),
        notes: text(doc, obj, NOTES),
        attendance: scalar_map(doc, obj, ATTENDANCE, |d, m, k| string(d, m, k).and_then(|w| w.parse().ok())),
        questions: id_set(doc, obj, QUESTIONS),
        actions: access::obj(doc, obj, ACTIONS).map(|actions| read_map(doc, &actions, action)).unwrap_or_default(),
        created_by: self::id(doc, obj, CREATED_BY),
        created_at: int(doc, obj, CREATED_AT).unwrap_or_default(),
        deleted_at: int(doc, obj, DELETED_AT),
        themes: crate::edit::themes::themes_of(doc, obj),
        rooms: rooms(doc, obj),
        attachments: attachments(doc, obj),
        open_to: access::obj(doc, obj, OPEN_TO)
            .map(|m| true_keys(doc, &m).into_iter().map(NetworkId::new).collect())
            .unwrap_or_default(),
    }
}

/// The attachments in a session's, question's or cycle's map (`attachment:<id>` keys); a
/// record without a hash is not one Kring wrote and is left out.
pub(crate) fn attachments(doc: &AutoCommit, parent: &ObjId) -> BTreeMap<AttachmentId, Attachment> {
    keys(doc, parent)
        .into_iter()
        .filter_map(|key| {
            let id = AttachmentId::new(key.strip_prefix(ATTACHMENT_PREFIX)?);
            let obj = access::obj(doc, parent, &key)?;
            let attachment = Attachment {
                id: id.clone(),
                name: string(doc, &obj, NAME).unwrap_or_default(),
                kind: AttachmentKind::from_doc(string(doc, &obj, KIND).as_deref()),
                size: uint(doc, &obj, SIZE).unwrap_or_default(),
                hash: string(doc, &obj, HASH)?,
                added_by: self::id(doc, &obj, ADDED_BY),
                added_at: int(doc, &obj, ADDED_AT).unwrap_or_default(),
                deleted_at: int(doc, &obj, DELETED_AT),
                from_guest: string(doc, &obj, ROOM).zip(string(doc, &obj, CONTRIBUTION)).map(|(room, c)| {
                    crate::snapshot::FromGuest { room: RoomId::new(room), contribution: ContributionId::new(c) }
                }),
            };
            Some((id, attachment))
        })
        .collect()
}

fn rooms(doc: &AutoCommit, session: &ObjId) -> BTreeMap<RoomId, Room> {
    keys(doc, session)
        .into_iter()
        .filter_map(|key| {
            let id = key.strip_prefix(ROOM_PREFIX)?.to_string();
            let obj = access::obj(doc, session, &key)?;
            let room = Room {
                id: RoomId::new(id.clone()),
                opened_by: self::id(doc, &obj, OPENED_BY),
                opened_at: int(doc, &obj, OPENED_AT).unwrap_or_default(),
                closed_at: int(doc, &obj, CLOSED_AT),
                questions: id_set(doc, &obj, QUESTIONS),
                reflection: string(doc, &obj, REFLECTION).map(RoundId::new),
                proposals: boolean(doc, &obj, PROPOSALS).unwrap_or(false),
                reactions: boolean(doc, &obj, REACTIONS).unwrap_or(false),
                photos: boolean(doc, &obj, PHOTOS).unwrap_or(false),
                guests: access::obj(doc, &obj, GUESTS).map(|g| read_map(doc, &g, guest)).unwrap_or_default(),
            };
            Some((RoomId::new(id), room))
        })
        .collect()
}

fn guest(doc: &AutoCommit, obj: &ObjId, id: String) -> GuestContribution {
    GuestContribution {
        id: ContributionId::new(id),
        guest: self::id(doc, obj, GUEST),
        name: string(doc, obj, NAME).unwrap_or_default(),
        perspective: GuestPerspective::from_doc(string(doc, obj, PERSPECTIVE).as_deref()),
        kind: GuestKind::from_doc(string(doc, obj, KIND).as_deref()),
        at: int(doc, obj, CREATED_AT).unwrap_or_default(),
        question: string(doc, obj, QUESTION).map(QuestionId::new),
        text: string(doc, obj, TEXT).unwrap_or_default(),
        scores: scalar_map(doc, obj, SCORES, int),
        attachment: string(doc, obj, ATTACHMENT).map(AttachmentId::new),
    }
}

fn action(doc: &AutoCommit, obj: &ObjId, id: String) -> Action {
    Action {
        id: ActionId::new(id),
        text: string(doc, obj, TEXT).unwrap_or_default(),
        owner: string(doc, obj, OWNER).filter(|o| !o.is_empty()).map(MemberId::new),
        due: string(doc, obj, DUE).filter(|d| !d.is_empty()),
        done: boolean(doc, obj, DONE).unwrap_or(false),
        created_by: self::id(doc, obj, CREATED_BY),
        created_at: int(doc, obj, CREATED_AT).unwrap_or_default(),
        deleted_at: int(doc, obj, DELETED_AT),
    }
}

pub(crate) fn question(doc: &AutoCommit, obj: &ObjId, id: String) -> Question {
    Question {
        id: QuestionId::new(id),
        title: string(doc, obj, TITLE).unwrap_or_default(),
        details: text(doc, obj, DETAILS),
        insights: text(doc, obj, INSIGHTS),
        status: QuestionStatus::from_doc(string(doc, obj, STATUS).as_deref()),
        proposed_by: self::id(doc, obj, PROPOSED_BY),
        created_at: int(doc, obj, CREATED_AT).unwrap_or_default(),
        votes: id_set(doc, obj, VOTES),
        cycles: access::obj(doc, obj, CYCLES).map(|c| read_map(doc, &c, cycle)).unwrap_or_default(),
        sessions: BTreeSet::new(),
        deleted_at: int(doc, obj, DELETED_AT),
        themes: crate::edit::themes::themes_of(doc, obj),
        attachments: attachments(doc, obj),
    }
}

fn cycle(doc: &AutoCommit, obj: &ObjId, id: String) -> Cycle {
    Cycle {
        id: CycleId::new(id),
        plan: text(doc, obj, CyclePhase::Plan.as_str()),
        act: text(doc, obj, CyclePhase::Act.as_str()),
        observe: text(doc, obj, CyclePhase::Observe.as_str()),
        reflect: text(doc, obj, CyclePhase::Reflect.as_str()),
        started_on: string(doc, obj, STARTED_ON).unwrap_or_default(),
        ended_on: string(doc, obj, ENDED_ON),
        created_by: self::id(doc, obj, CREATED_BY),
        created_at: int(doc, obj, CREATED_AT).unwrap_or_default(),
        attachments: attachments(doc, obj),
    }
}

pub(crate) fn factor(doc: &AutoCommit, obj: &ObjId, id: String) -> Factor {
    Factor {
        id: FactorId::new(id),
        name: string(doc, obj, NAME).unwrap_or_default(),
        position: float(doc, obj, POSITION).unwrap_or_default(),
        removed_at: int(doc, obj, REMOVED_AT),
    }
}

pub(crate) fn round(doc: &AutoCommit, obj: &ObjId, id: String) -> ReflectionRound {
    let comments: BTreeMap<String, String> = scalar_map(doc, obj, COMMENTS, string);
    let mut scores: BTreeMap<MemberId, BTreeMap<FactorId, Score>> = BTreeMap::new();
    let raw: BTreeMap<String, i64> = scalar_map(doc, obj, SCORES, int);
    for (key, score) in raw {
        let Some((member, factor)) = key.split_once('/') else { continue };
        let comment = comments.get(&key).cloned().unwrap_or_default();
        scores.entry(MemberId::new(member)).or_default().insert(FactorId::new(factor), Score { score, comment });
    }
    ReflectionRound {
        id: RoundId::new(id),
        title: string(doc, obj, TITLE).unwrap_or_default(),
        opened_by: self::id(doc, obj, OPENED_BY),
        opened_at: int(doc, obj, OPENED_AT).unwrap_or_default(),
        closed_at: int(doc, obj, CLOSED_AT),
        factors: id_set(doc, obj, FACTORS),
        scores,
    }
}
