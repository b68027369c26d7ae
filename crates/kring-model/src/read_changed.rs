//! Keeping a [`NetworkSnapshot`] up to date as the document changes, without reading the whole
//! network again: the changes since the last read name the objects they wrote to, each object
//! lies in one record (a session, a question, a member ...), and only those records are read
//! again. On the busy network a whole read takes about 100 ms (every map and text of three
//! years); a keystroke's update reads one session.
//!
//! The result is always exactly what [`Network::snapshot`] gives for the same document: what
//! [`Network::snapshot`] derives across records (links between sessions and questions, votes of
//! current members only) is derived again here whenever its inputs change. Anything a change
//! does outside the records (the network's own details, the top-level maps) and any large batch
//! of changes is read whole.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::{AutoCommit, ChangeHash, ObjId, Prop, ROOT, ReadDoc, legacy};

use crate::access;
use crate::error::Result;
use crate::ids::*;
use crate::network::Network;
use crate::read::{factor, id_set, invite, member, question, round, session};
use crate::schema::*;
use crate::snapshot::*;
use crate::trust::{Claim, owner};

/// More new changes than this, or more operations in them, and the network is read whole: a
/// first sync or a long resync, where reading everything is as quick as sorting out what moved.
const MOST_CHANGES: usize = 256;
const MOST_OPS: usize = 20_000;

/// A network's snapshot as of some heads, brought up to date by [`LiveSnapshot::update`].
pub struct LiveSnapshot {
    network: NetworkId,
    /// A new chapter is a new document: nothing read from the old one carries over.
    chapter: String,
    heads: Vec<ChangeHash>,
    snapshot: NetworkSnapshot,
    /// Whole reads so far (the first one included).
    whole_reads: u64,
}

/// The records new changes wrote to: record ids per top-level map (`members`, `sessions` ...).
type Touched = BTreeMap<String, BTreeSet<String>>;

impl LiveSnapshot {
    /// Reads `network` whole.
    pub fn read(network: &mut Network) -> Result<LiveSnapshot> {
        let heads = network.heads();
        let snapshot = network.snapshot()?;
        let chapter = network.chapter_id();
        Ok(LiveSnapshot { network: network.id().clone(), chapter, heads, snapshot, whole_reads: 1 })
    }

    /// The network as of the last [`LiveSnapshot::read`] or [`LiveSnapshot::update`].
    pub fn snapshot(&self) -> &NetworkSnapshot {
        &self.snapshot
    }

    /// How many times the network was read whole: once at the start, then only for changes
    /// outside the records or large batches.
    pub fn whole_reads(&self) -> u64 {
        self.whole_reads
    }

    /// Brings the snapshot up to `network` as it is now (another network, or a document that
    /// no longer holds the heads last read, is read whole). Whether anything changed.
    pub fn update(&mut self, network: &mut Network) -> Result<bool> {
        let heads = network.heads();
        let same_document = *network.id() == self.network && network.chapter_id() == self.chapter;
        if heads == self.heads && same_document {
            return Ok(false);
        }
        let touched = if same_document { touched(network.doc_mut(), &self.heads) } else { None };
        match touched {
            Some(touched) => self.reread(network, &touched)?,
            None => {
                self.snapshot = network.snapshot()?;
                self.network = network.id().clone();
                self.chapter = network.chapter_id();
                self.whole_reads += 1;
            }
        }
        self.heads = heads;
        Ok(true)
    }

    /// Reads the `touched` records again and derives what depends on them.
    fn reread(&mut self, network: &Network, touched: &Touched) -> Result<()> {
        let doc = &network.doc;
        let s = &mut self.snapshot;
        let current_before = current_members(&s.members);
        let mut question_ids_changed = false;
        let mut reread_sessions = BTreeSet::new();
        let mut reread_questions = BTreeSet::new();
        for (map, ids) in touched {
            let obj = network.root_map(map)?;
            match map.as_str() {
                MEMBERS => {
                    let network = network.id().as_str();
                    _ = reread(doc, &obj, ids, &mut s.members, |d, o, k| member(d, o, k, network))
                }
                INVITES => _ = reread(doc, &obj, ids, &mut s.invites, invite),
                FACTORS => _ = reread(doc, &obj, ids, &mut s.factors, factor),
                REFLECTIONS => _ = reread(doc, &obj, ids, &mut s.rounds, round),
                SESSIONS => {
                    _ = reread(doc, &obj, ids, &mut s.sessions, session);
                    reread_sessions.extend(ids.iter().map(|id| SessionId::new(id.clone())));
                }
                QUESTIONS => {
                    question_ids_changed = reread(doc, &obj, ids, &mut s.questions, question);
                    reread_questions.extend(ids.iter().map(|id| QuestionId::new(id.clone())));
                }
                // `touched` names the maps above only.
                _ => {}
            }
        }

        // A session's links to questions that do not exist are not shown: when questions come
        // or go, every session's stored links are looked at again.
        if question_ids_changed {
            let sessions = network.root_map(SESSIONS)?;
            for (id, session) in s.sessions.iter_mut() {
                if !reread_sessions.contains(id)
                    && let Some(obj) = access::obj(doc, &sessions, id.as_str())
                {
                    session.questions = id_set(doc, &obj, QUESTIONS);
                }
            }
            reread_sessions = s.sessions.keys().cloned().collect();
        }
        for id in &reread_sessions {
            if let Some(session) = s.sessions.get_mut(id) {
                session.questions.retain(|q| s.questions.contains_key(q));
            }
        }

        // Votes of members who are not current are not counted: when that set changes, every
        // question's stored votes are looked at again.
        let current = current_members(&s.members);
        if current != current_before {
            let questions = network.root_map(QUESTIONS)?;
            for (id, question) in s.questions.iter_mut() {
                if !reread_questions.contains(id)
                    && let Some(obj) = access::obj(doc, &questions, id.as_str())
                {
                    question.votes = id_set(doc, &obj, VOTES);
                }
            }
            reread_questions = s.questions.keys().cloned().collect();
        }
        for id in &reread_questions {
            if let Some(question) = s.questions.get_mut(id) {
                question.votes.retain(|m| current.contains(m));
            }
        }

        // The sessions a question was discussed in, from the sessions' links.
        if !reread_sessions.is_empty() || !reread_questions.is_empty() {
            let mut discussed: BTreeMap<&QuestionId, BTreeSet<SessionId>> = BTreeMap::new();
            for session in s.sessions.values() {
                for q in &session.questions {
                    discussed.entry(q).or_default().insert(session.id.clone());
                }
            }
            for (id, question) in s.questions.iter_mut() {
                let sessions = discussed.remove(id).unwrap_or_default();
                if question.sessions != sessions {
                    question.sessions = sessions;
                }
            }
        }
        Ok(())
    }
}

/// Which current member each device is, kept up to date the way [`LiveSnapshot`] keeps a
/// snapshot: the members are read again only when changes wrote to them. A node asks for every
/// message a peer sends, and [`Network::member_for_device`] reads every member to answer (a few
/// milliseconds on a busy network).
pub struct DeviceIndex {
    network: NetworkId,
    heads: Vec<ChangeHash>,
    members: BTreeMap<DeviceId, MemberId>,
}

impl DeviceIndex {
    pub fn read(network: &mut Network) -> Result<DeviceIndex> {
        Ok(DeviceIndex { network: network.id().clone(), heads: network.heads(), members: devices(network)? })
    }

    /// What [`Network::member_for_device`] answers for `network` as it is now.
    pub fn member_for_device(&mut self, network: &mut Network, device: &str) -> Result<Option<MemberId>> {
        self.bring_up_to_date(network)?;
        Ok(self.members.get(device).cloned())
    }

    /// Every device of a current member of `network` as it is now.
    pub fn devices(&mut self, network: &mut Network) -> Result<impl Iterator<Item = &DeviceId>> {
        self.bring_up_to_date(network)?;
        Ok(self.members.keys())
    }

    /// Every device of a current member of `network` as it is now, with its member.
    pub fn devices_with_members(
        &mut self,
        network: &mut Network,
    ) -> Result<impl Iterator<Item = (&DeviceId, &MemberId)>> {
        self.bring_up_to_date(network)?;
        Ok(self.members.iter())
    }

    /// Reads the members again only when a change since the last look touched them.
    fn bring_up_to_date(&mut self, network: &mut Network) -> Result<()> {
        let heads = network.heads();
        if heads != self.heads || *network.id() != self.network {
            let same_network = *network.id() == self.network;
            let members_changed =
                !same_network || touched(network.doc_mut(), &self.heads).is_none_or(|t| t.contains_key(MEMBERS));
            if members_changed {
                self.members = devices(network)?;
                self.network = network.id().clone();
            }
            self.heads = heads;
        }
        Ok(())
    }
}

/// Each device that belongs to a current member, with that member: [`crate::trust::owner`]
/// over every record listing it (as [`Network::member_for_device`] finds it).
fn devices(network: &Network) -> Result<BTreeMap<DeviceId, MemberId>> {
    let members = network.members()?;
    let mut claims: BTreeMap<&DeviceId, Vec<Claim<&MemberId>>> = BTreeMap::new();
    for member in members.values() {
        for device in member.devices.keys() {
            let claim =
                Claim { member: &member.id, proven: member.proven.contains(device), removed: !member.is_current() };
            claims.entry(device).or_default().push(claim);
        }
    }
    Ok(claims.into_iter().filter_map(|(device, claims)| Some((device.clone(), owner(claims)?.clone()))).collect())
}

fn current_members(members: &BTreeMap<MemberId, Member>) -> BTreeSet<MemberId> {
    members.values().filter(|m| m.is_current()).map(|m| m.id.clone()).collect()
}

/// Reads the records `ids` of the map `obj` again into `into` (a record no longer there leaves).
/// Whether a record came or went.
fn reread<K: Ord + From<String>, V>(
    doc: &AutoCommit,
    obj: &ObjId,
    ids: &BTreeSet<String>,
    into: &mut BTreeMap<K, V>,
    read: impl Fn(&AutoCommit, &ObjId, String) -> V,
) -> bool {
    let mut came_or_went = false;
    for id in ids {
        match access::obj(doc, obj, id) {
            Some(record) => came_or_went |= into.insert(K::from(id.clone()), read(doc, &record, id.clone())).is_none(),
            None => came_or_went |= into.remove(&K::from(id.clone())).is_some(),
        }
    }
    came_or_went
}

/// The records the changes since `heads` wrote to; `None` when the snapshot must be read whole
/// (`heads` not in the document, many changes, or a write outside the records).
fn touched(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Option<Touched> {
    if heads.is_empty() || heads.iter().any(|h| doc.get_change_meta_by_hash(h).is_none()) {
        return None;
    }
    // Counted from the changes' metadata first: taking many changes out is itself slow.
    let meta = doc.get_changes_meta(heads);
    let ops: u64 = meta.iter().map(|m| (m.max_op + 1).saturating_sub(m.start_op)).sum();
    if meta.len() > MOST_CHANGES || ops > MOST_OPS as u64 {
        return None;
    }
    let changes = doc.get_changes(heads);
    let mut touched = Touched::new();
    // Where each object written to lies: its top-level map and record. Typing writes to one
    // text many times.
    let mut places: HashMap<String, (String, Option<String>)> = HashMap::new();
    for change in &changes {
        for op in change.decode().operations {
            let (map, record) = match &op.obj {
                legacy::ObjectId::Root => return None,
                obj => {
                    let obj = obj.to_string();
                    match places.get(&obj) {
                        Some(place) => place.clone(),
                        None => {
                            let place = place_of(doc, &obj)?;
                            places.insert(obj, place.clone());
                            place
                        }
                    }
                }
            };
            // A write to a top-level map itself adds, replaces or removes the record it names.
            let record = match (record, &op.key) {
                (Some(record), _) => record,
                (None, legacy::Key::Map(key)) => key.to_string(),
                (None, legacy::Key::Seq(_)) => return None,
            };
            touched.entry(map).or_default().insert(record);
        }
    }
    Some(touched)
}

/// The top-level map an object lies in, and the record of that map it belongs to (`None` for
/// the map itself). `None` for objects outside the record maps.
fn place_of(doc: &AutoCommit, obj: &str) -> Option<(String, Option<String>)> {
    let (obj, _) = doc.import(obj).ok()?;
    let path = doc.parents(&obj).ok()?.path();
    let map = match path.first()? {
        (top, Prop::Map(map)) if *top == ROOT && RECORD_MAPS.contains(&map.as_str()) => map.clone(),
        _ => return None,
    };
    let record = match path.get(1) {
        None => None,
        Some((_, Prop::Map(record))) => Some(record.clone()),
        Some((_, Prop::Seq(_))) => return None,
    };
    Some((map, record))
}

/// The top-level maps of records, each read record by record.
const RECORD_MAPS: [&str; 6] = [MEMBERS, INVITES, SESSIONS, QUESTIONS, FACTORS, REFLECTIONS];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::DeviceKey;
    use crate::trust::key::SigningKey;
    use crate::{NetworkDetails, NewAction, NewSession, Profile, QuestionStatus, Role, SessionKind, TextField};

    /// A small random source, so that a failure can be replayed from its seed.
    struct Dice(u64);

    impl Dice {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }

        fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
            (!items.is_empty()).then(|| &items[self.below(items.len())])
        }
    }

    /// Devices the random members share out among themselves: a device taken already is
    /// refused, as in the app.
    const DEVICES: usize = 12;

    fn device(n: usize) -> SigningKey {
        SigningKey::from_bytes(&[n as u8 + 1; 32])
    }

    fn clock() -> UnixMillis {
        1_800_000_000_000
    }

    /// One random edit by a random member of `network`; refused edits (a removed member, a
    /// deleted session) change nothing, as in the app.
    fn random_edit(network: &mut Network, founder: &MemberId, dice: &mut Dice, n: usize) {
        let s = network.snapshot().unwrap();
        let members: Vec<MemberId> = s.members.keys().cloned().collect();
        let sessions: Vec<SessionId> = s.sessions.keys().cloned().collect();
        let questions: Vec<QuestionId> = s.questions.keys().cloned().collect();
        let by = if dice.below(3) == 0 { founder.clone() } else { dice.pick(&members).unwrap().clone() };
        let session = dice.pick(&sessions).cloned();
        let question = dice.pick(&questions).cloned();
        let _ = match (dice.below(19), session, question) {
            (0, ..) => {
                let device = device(dice.below(DEVICES));
                network.add_member(founder, &Profile::new(format!("Lid {n}")), Role::Member, Some(&device)).map(drop)
            }
            (1, ..) if by != *founder => network.remove_member(founder, &by).map(drop),
            (2, ..) => network
                .add_session(
                    &by,
                    &NewSession {
                        title: format!("Bijeenkomst {n}"),
                        kind: SessionKind::Plg,
                        starts_at: "2026-12-07".into(),
                        location: "Lokaal 2.14".into(),
                    },
                )
                .map(drop),
            (3, ..) => network.add_question(&by, &format!("Vraag {n}"), "").map(drop),
            (4, _, Some(q)) => network.vote(&by, &q),
            (5, _, Some(q)) => network.retract_vote(&by, &q),
            (6, Some(s), Some(q)) => network.link_question(&by, &s, &q, dice.below(3) > 0),
            (7..=9, Some(s), _) => {
                let field = TextField::Notes(s);
                let length = network.text(&field).map(|t| t.chars().count()).unwrap_or(0);
                let at = dice.below(length + 1);
                let delete = dice.below(3).min(length - at);
                network.splice_text(&by, &field, at, delete, &format!("w{n} "))
            }
            (10, Some(s), _) => network.delete_session(&by, &s),
            (11, Some(s), _) => network.restore_session(&by, &s),
            (12, _, Some(q)) => network.delete_question(&by, &q),
            (13, _, Some(q)) => network.set_status(&by, &q, QuestionStatus::Exploring),
            (14, Some(s), _) => {
                network.add_action(&by, &s, &NewAction { text: format!("Actie {n}"), owner: None, due: None }).map(drop)
            }
            (15, _, Some(q)) => network.add_cycle(&by, &q, "2026-12-01").map(drop),
            (16, ..) => network.set_description(founder, &format!("Beschrijving {n}")),
            (17, Some(s), _) => network.tag_session(&by, &s, "werkplezier", dice.below(2) == 0),
            (18, ..) => network.add_device(&by, &by, &device(dice.below(DEVICES))),
            _ => Ok(()),
        };
    }

    #[test]
    fn an_updated_snapshot_is_the_snapshot_read_whole() {
        for seed in 1..=4u64 {
            let details = NetworkDetails { name: "PLG".into(), ..Default::default() };
            let (mut a, founder) = Network::create(&details, &Profile::new("Anna"), &device(99)).unwrap();
            let mut a = a.fork().with_clock(clock);
            let mut b = a.fork().with_clock(clock);
            let mut dice = Dice(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let mut live = LiveSnapshot::read(&mut a).unwrap();
            let mut index = DeviceIndex::read(&mut a).unwrap();
            for n in 0..300 {
                // Mostly one edit at a time on A; now and then B's edits, made meanwhile, merge in.
                random_edit(if dice.below(3) == 0 { &mut b } else { &mut a }, &founder, &mut dice, n);
                if dice.below(8) == 0 {
                    a.merge(&mut b).unwrap();
                    b.merge(&mut a).unwrap();
                }
                live.update(&mut a).unwrap();
                assert_eq!(*live.snapshot(), a.snapshot().unwrap(), "seed {seed}, step {n}");
                for d in 0..DEVICES {
                    let device = device(d).device_id();
                    let expected = a.member_for_device(&device).unwrap();
                    assert_eq!(index.member_for_device(&mut a, &device).unwrap(), expected, "seed {seed}, step {n}");
                }
                // Two laptops may each have given one device to another member meanwhile: then
                // it belongs to nobody.
                let current: BTreeSet<DeviceId> = a
                    .members()
                    .unwrap()
                    .into_values()
                    .flat_map(|m| m.devices.into_keys())
                    .filter(|device| a.member_for_device(device).unwrap().is_some())
                    .collect();
                let indexed: BTreeSet<DeviceId> = index.devices(&mut a).unwrap().cloned().collect();
                assert_eq!(indexed, current, "seed {seed}, step {n}");
            }
            assert!(live.whole_reads() < 50, "read whole {} times", live.whole_reads());
        }
    }

    /// Documents written by other software can hold what Kring's edits never make: a link to a
    /// question that arrives later, a removed member back again.
    #[test]
    fn links_and_votes_follow_records_that_come_back() {
        use automerge::transaction::Transactable;
        let details = NetworkDetails { name: "PLG".into(), ..Default::default() };
        let (mut network, anna) = Network::create(&details, &Profile::new("Anna"), &device(99)).unwrap();
        let bram = network.add_member(&anna, &Profile::new("Bram"), Role::Member, None::<&str>).unwrap();
        let new = NewSession {
            title: "Bijeenkomst".into(),
            kind: SessionKind::Plg,
            starts_at: "2026-12-07".into(),
            location: String::new(),
        };
        let session = network.add_session(&anna, &new).unwrap();
        let question = network.add_question(&anna, "Vraag", "").unwrap();
        network.vote(&bram, &question).unwrap();
        let mut live = LiveSnapshot::read(&mut network).unwrap();
        let check = |live: &mut LiveSnapshot, network: &mut Network, step: &str| {
            live.update(network).unwrap();
            assert_eq!(*live.snapshot(), network.snapshot().unwrap(), "{step}");
            assert_eq!(live.whole_reads(), 1, "{step}");
        };

        let session_obj = network.session_obj(&session).unwrap();
        let links = access::obj(&network.doc, &session_obj, QUESTIONS).unwrap();
        network.doc_mut().put(&links, "later", true).unwrap();
        network.doc_mut().commit();
        check(&mut live, &mut network, "a link to a question not there");
        let questions = network.root_map(QUESTIONS).unwrap();
        let later = network.doc_mut().put_object(&questions, "later", automerge::ObjType::Map).unwrap();
        network.doc_mut().put(&later, TITLE, "Later").unwrap();
        network.doc_mut().commit();
        check(&mut live, &mut network, "the question arrives");
        assert!(live.snapshot().sessions[&session].questions.contains(&QuestionId::new("later")));

        network.remove_member(&anna, &bram).unwrap();
        check(&mut live, &mut network, "removed");
        assert!(live.snapshot().questions[&question].votes.is_empty());
        let bram_obj = network.member_obj(&bram).unwrap();
        network.doc_mut().delete(&bram_obj, REMOVED_AT).unwrap();
        network.doc_mut().commit();
        check(&mut live, &mut network, "back again");
        assert!(live.snapshot().questions[&question].votes.contains(&bram));
    }

    /// A room opened, guests sending, the room closed: the window's view follows record by
    /// record (the meeting's), never reading the whole network again.
    #[test]
    fn a_rooms_guests_are_followed_in_the_meetings_record() {
        use crate::{Guest, GuestId, GuestInput, GuestPerspective, RoomSetup};
        let details = NetworkDetails { name: "PLG".into(), ..Default::default() };
        let (mut network, anna) = Network::create(&details, &Profile::new("Anna"), &device(99)).unwrap();
        let new = NewSession { title: "Leerhuis".into(), starts_at: "2026-12-07".into(), ..Default::default() };
        let session = network.add_session(&anna, &new).unwrap();
        let mut live = LiveSnapshot::read(&mut network).unwrap();
        let setup = RoomSetup { reactions: true, ..Default::default() };
        let room = network.open_room(&anna, &session, &setup).unwrap();
        let guest = Guest { id: GuestId::random(), name: "Sam".into(), perspective: GuestPerspective::Youth };
        let reaction = GuestInput::Reaction { text: "Mooi".into() };
        network.add_guest_contribution(&anna, &session, &room, &guest, &reaction).unwrap();
        live.update(&mut network).unwrap();
        assert_eq!(*live.snapshot(), network.snapshot().unwrap());
        assert_eq!(live.snapshot().sessions[&session].guest_contributions().len(), 1);
        network.close_room(&anna, &session, &room).unwrap();
        live.update(&mut network).unwrap();
        assert_eq!(*live.snapshot(), network.snapshot().unwrap());
        assert!(!live.snapshot().sessions[&session].rooms[&room].is_open());
        assert_eq!(live.whole_reads(), 1);
    }

    #[test]
    fn another_network_or_a_document_without_the_heads_is_read_whole() {
        let details = NetworkDetails { name: "PLG".into(), ..Default::default() };
        let (mut a, founder) = Network::create(&details, &Profile::new("Anna"), &device(99)).unwrap();
        let mut older = a.fork();
        let mut live = LiveSnapshot::read(&mut a).unwrap();
        a.add_question(&founder, "Nieuw", "").unwrap();
        live.update(&mut a).unwrap();
        assert_eq!(live.whole_reads(), 1);
        // Back to a copy without that question (the node restoring its saved copy).
        live.update(&mut older).unwrap();
        assert_eq!(live.whole_reads(), 2);
        assert_eq!(*live.snapshot(), older.snapshot().unwrap());
        let (mut other, _) = Network::create(&details, &Profile::new("Bram"), &device(98)).unwrap();
        live.update(&mut other).unwrap();
        assert_eq!(live.whole_reads(), 3);
        assert_eq!(*live.snapshot(), other.snapshot().unwrap());
        assert!(!live.update(&mut other).unwrap());
    }
}
