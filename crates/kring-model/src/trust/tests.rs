//! The rule table tested both ways, against changes written with raw Automerge operations by a
//! member's own device (what a modified client can do): for every slot, a write the table
//! allows is accepted and the same write by someone it does not allow, or with a value of the
//! wrong kind, is refused; and random operations never leave anything the table does not allow.

use automerge::{AutoCommit, Change, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value, transaction::Transactable};
use ed25519_dalek::{Signer, SigningKey};
use proptest::prelude::*;

use super::table::{Kind, Seg, Shape, Slot, TABLE, Who, slot_for};
use super::{Breach, RuleBook, actor_for_device, proof_key, proof_message};
use crate::schema::*;
use crate::{MemberId, NetworkDetails, NewInvite, NewSession, Profile, Role, RoomSetup};

pub(super) struct Laptop {
    pub(super) key: SigningKey,
    pub(super) device: String,
}

impl Laptop {
    pub(super) fn new(seed: u8) -> Laptop {
        let key = SigningKey::from_bytes(&[seed; 32]);
        let device = key.verifying_key().to_bytes().iter().map(|b| format!("{b:02x}")).collect();
        Laptop { key, device }
    }

    pub(super) fn proof(&self, network: &str, member: &str) -> Vec<u8> {
        self.key.sign(&proof_message(network, member)).to_bytes().to_vec()
    }
}

/// A network with a coordinator (Anna), two members (Bram, Cas), a removed member (Dirk), a
/// meeting Bram planned, a question Bram proposed and Anna and Cas voted for, a reflection round, an open invite,
/// and a room for phones Bram opened in the meeting (the question, the round, proposals but no reactions).
struct Fixture {
    doc: AutoCommit,
    network: String,
    anna: (MemberId, Laptop),
    bram: (MemberId, Laptop),
    cas: (MemberId, Laptop),
    dirk: (MemberId, Laptop),
    session: String,
    question: String,
    round: String,
    invite: String,
    /// The room's key in the meeting: `room:<id>`.
    room: String,
}

fn fixture() -> Fixture {
    let (a, b, c, d) = (Laptop::new(1), Laptop::new(2), Laptop::new(3), Laptop::new(4));
    let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
    let (mut network, anna) = crate::Network::create(&details, &Profile::new("Anna"), &a.key).unwrap();
    let mut add =
        |name: &str, key: &SigningKey| network.add_member(&anna, &Profile::new(name), Role::Member, Some(key)).unwrap();
    let (bram, cas, dirk) = (add("Bram", &b.key), add("Cas", &c.key), add("Dirk", &d.key));
    network.remove_member(&anna, &dirk).unwrap();
    let session = network
        .add_session(
            &bram,
            &NewSession {
                title: "PLG 1".into(),
                kind: Default::default(),
                starts_at: "2026-12-01".into(),
                location: "".into(),
            },
        )
        .unwrap();
    let question = network.add_question(&bram, "Hoe leren leerlingen?", "").unwrap();
    network.vote(&anna, &question).unwrap();
    network.vote(&cas, &question).unwrap();
    let round = network.open_round(&anna, "Ronde 1").unwrap();
    let invite = NewInvite { secret_hash: "hash".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 5 };
    let invite = network.create_invite(&anna, &invite).unwrap();
    let setup = RoomSetup {
        questions: vec![question.clone()],
        reflection: Some(round.clone()),
        proposals: true,
        reactions: false,
        photos: false,
    };
    let room = network.open_room(&bram, &session, &setup).unwrap();
    let id = network.id().to_string();
    Fixture {
        doc: network.into_doc(),
        network: id,
        anna: (anna, a),
        bram: (bram, b),
        cas: (cas, c),
        dirk: (dirk, d),
        session: session.to_string(),
        question: question.to_string(),
        round: round.to_string(),
        invite: invite.to_string(),
        room: room_key(room.as_str()),
    }
}

/// A change written on `base` by `device`, with raw operations.
pub(super) fn written(base: &AutoCommit, device: &str, write: impl FnOnce(&mut AutoCommit)) -> Option<Change> {
    let mut doc = base.clone().with_actor(actor_for_device(device));
    write(&mut doc);
    let hash = doc.commit()?;
    doc.get_change_by_hash(&hash)
}

/// What an honest laptop holding `base` says of `change`.
pub(super) fn verdict(base: &AutoCommit, change: &Change) -> Result<(), Breach> {
    let mut doc = base.clone();
    doc.apply_changes([change.clone()]).unwrap();
    RuleBook::default().check(&doc, std::slice::from_ref(change), false).map_err(|refusal| refusal.breach)
}

fn obj(doc: &AutoCommit, path: &[&str]) -> ObjId {
    path.iter().fold(ROOT, |parent, key| match doc.get(&parent, *key).unwrap() {
        Some((Value::Object(_), id)) => id,
        other => panic!("no object at {path:?}: {other:?}"),
    })
}

fn has(doc: &AutoCommit, path: &[&str]) -> bool {
    let (last, parent) = path.split_last().unwrap();
    let mut at = ROOT;
    for key in parent {
        match doc.get(&at, *key).unwrap() {
            Some((Value::Object(_), id)) => at = id,
            _ => return false,
        }
    }
    doc.get(&at, *last).unwrap().is_some()
}

/// A value a slot of `kind` admits, written by `writer` (who must be named where it is).
fn good_value(kind: Kind, writer: &str) -> ScalarValue {
    match kind {
        Kind::Str(_) => "Woensdag".into(),
        Kind::IdStr => writer.into(),
        // Not the first word: the fixture's records hold that one already.
        Kind::Word(words) => words[1].into(),
        Kind::DateTime | Kind::Date => "2026-12-09".into(),
        Kind::Millis => ScalarValue::Int(1_765_000_000_000),
        Kind::Count | Kind::Score | Kind::Schema => ScalarValue::Int(1),
        Kind::Position => ScalarValue::F64(9.0),
        Kind::True | Kind::Bool => ScalarValue::Boolean(true),
        Kind::Proof => ScalarValue::Bytes(vec![0; 64]),
        Kind::Mean | Kind::Spread => ScalarValue::F64(1.5),
        Kind::Group => ScalarValue::Int(5),
        Kind::Voucher => ScalarValue::Bytes(vec![1, 2, 3]),
        Kind::Size => ScalarValue::Uint(1_024),
        Kind::Hash => "ab".repeat(32).into(),
    }
}

/// A value of another kind, or too long: never admitted.
fn bad_value(kind: Kind) -> ScalarValue {
    match kind {
        Kind::Str(max) => "x".repeat(max + 1).into(),
        Kind::Millis | Kind::Count | Kind::Score | Kind::Schema | Kind::Position | Kind::Size => "12".into(),
        _ => ScalarValue::Int(7),
    }
}

impl Fixture {
    /// The keys of a concrete path for `slot`, naming `owner` where a member is named. Where
    /// the slot is written only with its record, the deepest record on the path is `fresh`.
    fn concrete(&self, slot: &Slot, owner: &str, fresh: &str) -> Vec<String> {
        let fresh_at = fresh_record_at(slot);
        let mut keys = Vec::new();
        for (at, seg) in slot.path.iter().enumerate() {
            let key = match seg {
                Seg::Key(key) => key.to_string(),
                Seg::Id if matches!(slot.who, Who::Own(i) | Who::OwnOrCoordinator(i) if i == at) => owner.to_string(),
                Seg::Id if Some(at) == fresh_at => fresh.to_string(),
                Seg::Id => self.existing(keys.last().map(String::as_str), owner, fresh),
                Seg::Device => Laptop::new(9).device,
                Seg::ScoreKey => format!("{owner}/trust"),
                Seg::ThemeKey => format!("{THEME_PREFIX}rekenen"),
                Seg::Theme => "rekenen".into(),
                Seg::ProofKey => proof_key(&Laptop::new(9).device),
                Seg::RoomKey if Some(at) == fresh_at => format!("{ROOM_PREFIX}{fresh}"),
                Seg::RoomKey => self.room.clone(),
                Seg::LeerhuisKey if Some(at) == fresh_at => format!("{LEERHUIS_PREFIX}{fresh}"),
                Seg::LeerhuisKey => format!("{LEERHUIS_PREFIX}leerhuis-1"),
                Seg::PerspectiveWord => "teacher".into(),
                Seg::AttachmentKey => format!("{ATTACHMENT_PREFIX}{fresh}"),
            };
            keys.push(key);
        }
        keys
    }

    /// A record of the fixture in the collection `parent`.
    fn existing(&self, parent: Option<&str>, owner: &str, fresh: &str) -> String {
        match parent {
            Some(SESSIONS) => self.session.clone(),
            Some(QUESTIONS) => self.question.clone(),
            Some(REFLECTIONS) => self.round.clone(),
            Some(INVITES) => self.invite.clone(),
            Some(MEMBERS) => owner.to_string(),
            Some(FACTORS) => "trust".into(),
            _ => fresh.to_string(),
        }
    }
}

/// Where a slot written only with its record (or a container, made only with it) has that
/// record: the deepest record slot on its path.
fn fresh_record_at(slot: &Slot) -> Option<usize> {
    if !slot.once && matches!(slot.shape, Shape::Scalar(_)) {
        return None;
    }
    (1..slot.path.len())
        .rev()
        .find(|&at| TABLE.iter().any(|other| other.shape == Shape::Record && other.path == &slot.path[..=at]))
}

/// Writes `value` (or makes an object) at `path`, first making every record and container
/// below it that `fresh` names, so that the write is part of making them.
fn write_at(doc: &mut AutoCommit, path: &[String], shape: Shape, value: Option<ScalarValue>, fresh: &str) {
    let mut at = ROOT;
    for key in &path[..path.len() - 1] {
        at = match doc.get(&at, key.as_str()).unwrap() {
            Some((Value::Object(_), id)) if key != fresh => id,
            _ => doc.put_object(&at, key.as_str(), ObjType::Map).unwrap(),
        };
    }
    let last = path.last().unwrap().as_str();
    match (shape, value) {
        (_, Some(value)) => doc.put(&at, last, value).unwrap(),
        (Shape::Text, None) => drop(doc.put_object(&at, last, ObjType::Text).unwrap()),
        (_, None) => drop(doc.put_object(&at, last, ObjType::Map).unwrap()),
    }
}

/// The slots whose rules need more than shape and writer are tested one by one below (a
/// guest's contribution and an attachment are only ever written whole, see
/// `guest_contributions_are_...` and `attachments_...`).
fn plain(slot: &Slot) -> bool {
    use super::table::Extra;
    matches!(slot.extra, Extra::None | Extra::Author)
        && slot.who != Who::Nobody
        && !(slot.path.len() == 3 && slot.path[0] == Seg::Key(MEMBERS) && slot.path[2] == Seg::Key(DEVICES))
        && !(slot.path.len() > 4 && slot.path[3] == Seg::Key(GUESTS))
        // A leerhuis's links and publications: tested in a leerhuis (`leerhuis_tests.rs`).
        && !matches!(slot.path[0], Seg::Key(LINKS | PUBLICATIONS))
        && !slot.path.contains(&Seg::AttachmentKey)
}

#[test]
fn every_plain_slot_admits_what_the_table_allows_and_refuses_the_rest() {
    let f = fixture();
    let mut checked = 0;
    for slot in TABLE.iter().filter(|slot| plain(slot)) {
        let (writer, outsider) = match slot.who {
            Who::Coordinator => (&f.anna, &f.bram),
            Who::Member => (&f.bram, &f.dirk),
            // Bram writes his own; Cas writes Bram's.
            Who::Own(_) | Who::OwnOrCoordinator(_) => (&f.bram, &f.cas),
            Who::Nobody | Who::CoordinatorOrDelegate(_) => unreachable!(),
        };
        let fresh = "fresh-record";
        let path = f.concrete(slot, writer.0.as_str(), fresh);
        let value = |good: bool| match slot.shape {
            Shape::Scalar(kind) if good => Some(good_value(kind, writer.0.as_str())),
            Shape::Scalar(kind) => Some(bad_value(kind)),
            _ => None,
        };
        let allowed =
            written(&f.doc, &writer.1.device, |doc| write_at(doc, &path, slot.shape, value(true), fresh)).unwrap();
        assert_eq!(verdict(&f.doc, &allowed), Ok(()), "rule {}: {path:?} by its writer", slot.rule);

        let other =
            written(&f.doc, &outsider.1.device, |doc| write_at(doc, &path, slot.shape, value(true), fresh)).unwrap();
        assert!(verdict(&f.doc, &other).is_err(), "rule {}: {path:?} by someone else", slot.rule);

        if let Shape::Scalar(_) = slot.shape {
            let wrong =
                written(&f.doc, &writer.1.device, |doc| write_at(doc, &path, slot.shape, value(false), fresh)).unwrap();
            assert_eq!(verdict(&f.doc, &wrong), Err(Breach::BadValue), "rule {}: {path:?} wrong value", slot.rule);
            // Anything one level deeper than a scalar is not in the schema.
            let mut deeper = path.clone();
            deeper.push("deeper".into());
            let nested =
                written(&f.doc, &writer.1.device, |doc| write_at(doc, &deeper, slot.shape, value(true), fresh));
            if let Some(nested) = nested {
                assert!(verdict(&f.doc, &nested).is_err(), "rule {}: below {path:?}", slot.rule);
            }
        } else {
            // A container made again where the record has one, or later than its record:
            // replaced or lazy, either way refused.
            if let Some(at) = fresh_record_at(slot).filter(|_| slot.shape != Shape::Record) {
                let mut later = path.clone();
                later[at] = f.existing(Some(path[at - 1].as_str()), writer.0.as_str(), fresh);
                let parent: Vec<&str> = later[..later.len() - 1].iter().map(String::as_str).collect();
                if later[at] != fresh && has(&f.doc, &parent) {
                    let again = written(&f.doc, &writer.1.device, |doc| {
                        let kind = if slot.shape == Shape::Text { ObjType::Text } else { ObjType::Map };
                        doc.put_object(obj(doc, &parent), later.last().unwrap().as_str(), kind).unwrap();
                    })
                    .unwrap();
                    assert!(verdict(&f.doc, &again).is_err(), "rule {}: {later:?} made again", slot.rule);
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 60, "only {checked} slots checked");
}

#[test]
fn nobody_replaces_a_set_below_a_record() {
    let f = fixture();
    let (bram, device) = (&f.bram.0, &f.bram.1.device);
    for path in [
        vec![QUESTIONS, f.question.as_str(), VOTES],
        vec![SESSIONS, f.session.as_str(), ATTENDANCE],
        vec![SESSIONS, f.session.as_str(), NOTES],
        vec![REFLECTIONS, f.round.as_str(), SCORES],
        vec![MEMBERS, bram.as_str(), DEVICES],
        vec![NETWORK, THEMES],
    ] {
        let change = written(&f.doc, device, |doc| {
            let (last, parent) = path.split_last().unwrap();
            let at = obj(doc, parent);
            doc.put_object(&at, *last, ObjType::Map).unwrap();
        })
        .unwrap();
        assert!(verdict(&f.doc, &change).is_err(), "{path:?} replaced");
    }
    // The votes stay: two before, two after every attempt.
    let votes = obj(&f.doc, &[QUESTIONS, &f.question, VOTES]);
    assert_eq!(f.doc.keys(&votes).count(), 2);
}

#[test]
fn a_device_is_listed_under_one_member_only_and_with_its_own_proof() {
    let f = fixture();
    let (bram, bram_laptop) = &f.bram;
    let anna_device = f.anna.1.device.clone();
    // Bram lists Anna's device under his own record: refused, proof or not.
    let squat = written(&f.doc, &bram_laptop.device, |doc| {
        let devices = obj(doc, &[MEMBERS, bram.as_str(), DEVICES]);
        doc.put(&devices, anna_device.as_str(), 1_i64).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &squat), Err(Breach::DeviceClaimed));

    // A second laptop of his own, with its proof: accepted.
    let laptop = Laptop::new(12);
    let proof = laptop.proof(&f.network, bram.as_str());
    let linked = written(&f.doc, &bram_laptop.device, |doc| {
        let record = obj(doc, &[MEMBERS, bram.as_str()]);
        let devices = obj(doc, &[MEMBERS, bram.as_str(), DEVICES]);
        doc.put(&devices, laptop.device.as_str(), 1_i64).unwrap();
        doc.put(&record, proof_key(&laptop.device).as_str(), ScalarValue::Bytes(proof.clone())).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &linked), Ok(()));

    // A proof made for another member, or by another device: refused.
    let wrong = Laptop::new(13).proof(&f.network, bram.as_str());
    let forged = written(&f.doc, &bram_laptop.device, |doc| {
        let record = obj(doc, &[MEMBERS, bram.as_str()]);
        let devices = obj(doc, &[MEMBERS, bram.as_str(), DEVICES]);
        doc.put(&devices, laptop.device.as_str(), 1_i64).unwrap();
        doc.put(&record, proof_key(&laptop.device).as_str(), ScalarValue::Bytes(wrong.clone())).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &forged), Err(Breach::DeviceClaimed));
}

#[test]
fn from_schema_two_a_device_without_its_proof_is_refused() {
    let f = fixture();
    let (bram, device) = (f.bram.0.as_str(), &f.bram.1.device);
    let laptop = Laptop::new(12);
    let unproven = written(&f.doc, device, |d| {
        let devices = obj(d, &[MEMBERS, bram, DEVICES]);
        d.put(&devices, laptop.device.as_str(), 1_i64).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &unproven), Err(Breach::DeviceClaimed));

    // The schema is only ever raised, by a coordinator, to what this build knows.
    let lowered = written(&f.doc, &f.anna.1.device, |d| d.put(ROOT, SCHEMA, 1_i64).unwrap()).unwrap();
    assert_eq!(verdict(&f.doc, &lowered), Err(Breach::Rewritten));
    let beyond = written(&f.doc, &f.anna.1.device, |d| d.put(ROOT, SCHEMA, 99_i64).unwrap()).unwrap();
    assert_eq!(verdict(&f.doc, &beyond), Err(Breach::BadValue));
    let by_member = written(&f.doc, device, |d| d.put(ROOT, SCHEMA, 1_i64).unwrap()).unwrap();
    assert!(verdict(&f.doc, &by_member).is_err());
}

#[test]
fn a_removed_members_device_is_refused_under_every_record() {
    let f = fixture();
    let dirk_device = f.dirk.1.device.clone();
    // A note written on Dirk's laptop after his removal.
    let note = written(&f.doc, &dirk_device, |doc| {
        let notes = obj(doc, &[SESSIONS, &f.session, NOTES]);
        doc.splice_text(&notes, 0, 0, "nog steeds hier").unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &note), Err(Breach::NotAMember));
}

#[test]
fn a_change_too_large_or_too_deep_is_refused() {
    let f = fixture();
    let device = &f.bram.1.device;
    let deep = written(&f.doc, device, |doc| {
        let mut at = obj(doc, &[SESSIONS, &f.session]);
        for _ in 0..2_000 {
            at = doc.put_object(&at, "x", ObjType::Map).unwrap();
        }
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &deep), Err(Breach::UnknownPlace));

    let paste = written(&f.doc, device, |doc| {
        let notes = obj(doc, &[SESSIONS, &f.session, NOTES]);
        doc.splice_text(&notes, 0, 0, &"a".repeat(super::MAX_TEXT_INSERT + 1)).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &paste), Err(Breach::TooLarge));
}

#[test]
fn who_made_a_record_is_written_once_and_names_its_author() {
    let f = fixture();
    let device = &f.bram.1.device;
    let anna = f.anna.0.as_str();
    let forged = written(&f.doc, device, |doc| {
        let sessions = obj(doc, &[SESSIONS]);
        let record = doc.put_object(&sessions, "by-anna", ObjType::Map).unwrap();
        doc.put(&record, CREATED_BY, anna).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &forged), Err(Breach::ForgedAuthor));
    let rewritten = written(&f.doc, device, |doc| {
        let record = obj(doc, &[SESSIONS, &f.session]);
        doc.put(&record, CREATED_BY, f.cas.0.as_str()).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &rewritten), Err(Breach::Rewritten));
}

/// Every place and value in `doc` is one the table allows.
fn everything_allowed(doc: &AutoCommit) -> Result<(), String> {
    fn walk(doc: &AutoCommit, at: &ObjId, path: &mut Vec<String>) -> Result<(), String> {
        for key in doc.keys(at).collect::<Vec<_>>() {
            path.push(key.clone());
            let owned = path.clone();
            let keys: Vec<&str> = owned.iter().map(String::as_str).collect();
            for (value, id) in doc.get_all(at, key.as_str()).unwrap() {
                let top = keys.len() == 1;
                let slot = slot_for(&keys);
                match (value, slot) {
                    (Value::Object(_), _) if top => walk(doc, &id, path)?,
                    (Value::Scalar(_), _) if top && keys == [SCHEMA] => {}
                    (Value::Object(ObjType::Map), Some(s)) if matches!(s.shape, Shape::Record | Shape::Map) => {
                        walk(doc, &id, path)?
                    }
                    (Value::Object(ObjType::Text), Some(s)) if s.shape == Shape::Text => {}
                    (Value::Scalar(v), Some(Slot { shape: Shape::Scalar(kind), .. })) if kind.admits(&v) => {}
                    (Value::Scalar(_), _) if keys.first() == Some(&CHAPTER) => {}
                    (value, _) => return Err(format!("{value:?} at {keys:?}")),
                }
            }
            path.pop();
        }
        Ok(())
    }
    walk(doc, &ROOT, &mut Vec::new())
}

/// One random operation of a modified client.
#[derive(Debug, Clone)]
enum RandomOp {
    Put { depth: usize, key: usize, value: usize },
    Make { depth: usize, key: usize, text: bool },
    Delete { depth: usize, key: usize },
    Splice { depth: usize, at: usize },
}

fn random_op() -> impl Strategy<Value = RandomOp> {
    prop_oneof![
        (0..6usize, 0..40usize, 0..8usize).prop_map(|(depth, key, value)| RandomOp::Put { depth, key, value }),
        (0..6usize, 0..40usize, any::<bool>()).prop_map(|(depth, key, text)| RandomOp::Make { depth, key, text }),
        (0..6usize, 0..40usize).prop_map(|(depth, key)| RandomOp::Delete { depth, key }),
        (0..6usize, 0..4usize).prop_map(|(depth, at)| RandomOp::Splice { depth, at }),
    ]
}

/// Walks down `depth` random objects from the root (the same each time for the same doc).
fn descend(doc: &AutoCommit, depth: usize, salt: usize) -> (ObjId, ObjType) {
    let mut at = (ROOT, ObjType::Map);
    for step in 0..depth {
        let children: Vec<(ObjId, ObjType)> = doc
            .keys(&at.0)
            .filter_map(|k| match doc.get(&at.0, k.as_str()).ok().flatten() {
                Some((Value::Object(kind), id)) => Some((id, kind)),
                _ => None,
            })
            .collect();
        if children.is_empty() {
            break;
        }
        at = children[(salt + step * 7) % children.len()].clone();
    }
    at
}

fn apply_random(doc: &mut AutoCommit, ops: &[RandomOp], keys: &[String]) {
    let values = |i: usize| -> ScalarValue {
        match i {
            0 => "woord".into(),
            1 => ScalarValue::Int(3),
            2 => ScalarValue::Boolean(true),
            3 => ScalarValue::Boolean(false),
            4 => ScalarValue::F64(1.5),
            5 => ScalarValue::Bytes(vec![1; 64]),
            6 => "x".repeat(6_000).into(),
            _ => "coordinator".into(),
        }
    };
    for (n, op) in ops.iter().enumerate() {
        let _ = match op {
            RandomOp::Put { depth, key, value } => {
                let (at, kind) = descend(doc, *depth, n);
                if kind == ObjType::Map {
                    doc.put(&at, keys[*key % keys.len()].as_str(), values(*value)).ok()
                } else {
                    None
                }
            }
            RandomOp::Make { depth, key, text } => {
                let (at, kind) = descend(doc, *depth, n);
                let made = if *text { ObjType::Text } else { ObjType::Map };
                if kind == ObjType::Map {
                    doc.put_object(&at, keys[*key % keys.len()].as_str(), made).ok().map(drop)
                } else {
                    None
                }
            }
            RandomOp::Delete { depth, key } => {
                let (at, kind) = descend(doc, *depth, n);
                if kind == ObjType::Map { doc.delete(&at, keys[*key % keys.len()].as_str()).ok() } else { None }
            }
            RandomOp::Splice { depth, at: pos } => {
                let (at, kind) = descend(doc, *depth, n);
                if kind == ObjType::Text {
                    let len = doc.length(&at);
                    doc.splice_text(&at, (*pos).min(len), 0, "ab").ok()
                } else {
                    None
                }
            }
        };
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Random operations by a member: whatever two honest laptops accept leaves only what the
    /// table allows, and both reach the same verdict and the same bytes.
    #[test]
    fn random_operations_by_a_member_never_leave_what_the_table_does_not_allow(
        ops in prop::collection::vec(random_op(), 1..8),
        writer in 0..3usize,
    ) {
        let f = fixture_once();
        let laptops = [&f.anna, &f.bram, &f.dirk];
        let (member, laptop) = laptops[writer];
        let mut keys: Vec<String> = TABLE
            .iter()
            .flat_map(|slot| slot.path.iter().filter_map(|seg| match seg { Seg::Key(k) => Some(k.to_string()), _ => None }))
            .collect();
        keys.extend([member.to_string(), f.cas.0.to_string(), f.session.clone(), f.question.clone(), "junk".into()]);
        keys.extend([proof_key(&laptop.device), laptop.device.clone(), format!("{}/trust", member)]);
        keys.sort();
        keys.dedup();
        let Some(change) = written(&f.doc, &laptop.device, |doc| apply_random(doc, &ops, &keys)) else { return Ok(()) };
        let (mut one, mut two) = (f.doc.clone(), f.doc.clone());
        let mut verdicts = Vec::new();
        for honest in [&mut one, &mut two] {
            let saved = honest.save();
            honest.apply_changes([change.clone()]).unwrap();
            let verdict = RuleBook::default().check(honest, std::slice::from_ref(&change), false);
            if verdict.is_err() {
                *honest = AutoCommit::load(&saved).unwrap();
            }
            verdicts.push(verdict.map_err(|r| r.breach));
        }
        prop_assert_eq!(&verdicts[0], &verdicts[1]);
        prop_assert_eq!(one.save(), two.save());
        if verdicts[0].is_ok() {
            prop_assert!(everything_allowed(&one).is_ok(), "{:?}", everything_allowed(&one));
        }
    }
}

/// The fixture costs a few milliseconds; the property test reuses one.
fn fixture_once() -> &'static Fixture {
    static FIXTURE: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    FIXTURE.get_or_init(fixture)
}

#[test]
fn the_fixture_itself_holds_only_what_the_table_allows() {
    assert_eq!(everything_allowed(&fixture().doc), Ok(()));
}

#[test]
fn every_rule_of_the_table_is_written_down_and_every_written_rule_has_a_test() {
    let doc = include_str!("../../../../docs/trust-rules.md");
    let sources = [
        include_str!("tests.rs"),
        include_str!("table.rs"),
        include_str!("rules.rs"),
        include_str!("proof.rs"),
        include_str!("leerhuis_tests.rs"),
    ];
    for slot in TABLE {
        let heading = format!("\n{}. ", slot.rule);
        assert!(doc.contains(&heading), "rule {} of the table is not in docs/trust-rules.md", slot.rule);
    }
    // Every rule names a test in backticks after "test:", and that test exists.
    let mut named = 0;
    for line in doc.lines().filter(|line| line.contains("test: `")) {
        for test in line.split("test: `").skip(1).filter_map(|rest| rest.split('`').next()) {
            named += 1;
            let in_model = sources.iter().any(|source| source.contains(&format!("fn {test}(")));
            let elsewhere = line.contains("(in ");
            assert!(in_model || elsewhere, "docs/trust-rules.md names a test `{test}` that does not exist");
        }
    }
    assert!(named >= 20, "only {named} tests named");
}

#[test]
fn a_long_paste_is_written_as_several_changes_that_every_laptop_accepts() {
    let f = fixture();
    let mut network = crate::Network::from_doc(f.doc.clone()).unwrap();
    network.set_device(&f.bram.1.device);
    let before = network.heads();
    let notes = crate::TextField::Notes(crate::SessionId::new(f.session.clone()));
    let paste: String = (0..super::MAX_TEXT_INSERT * 2 + 10).map(|n| ['a', 'é', '✓'][n % 3]).collect();
    network.update_text(&f.bram.0, &notes, &paste).unwrap();
    assert_eq!(network.text(&notes).unwrap(), paste);

    let doc = network.doc_mut();
    let changes: Vec<Change> = doc.get_changes(&before);
    assert_eq!(changes.len(), 3, "three pieces");
    let mut honest = f.doc.clone();
    honest.apply_changes(changes.clone()).unwrap();
    assert_eq!(RuleBook::default().check(&honest, &changes, false).map_err(|r| r.breach), Ok(()));
}

// --- Rooms for phones -------------------------------------------------------------------------

/// The fields of a guest's vote on `question`, as the honest laptop writes them.
fn vote_of(question: &str) -> Vec<(&'static str, ScalarValue)> {
    vec![
        (GUEST, "gast-1".into()),
        (NAME, "Sam".into()),
        (PERSPECTIVE, "youth".into()),
        (KIND, "vote".into()),
        (CREATED_AT, ScalarValue::Int(1_765_000_000_000)),
        (QUESTION, question.into()),
    ]
}

/// The same fields with `key` set to `value` (or left out, with `None`).
fn with(
    mut fields: Vec<(&'static str, ScalarValue)>,
    key: &'static str,
    value: Option<ScalarValue>,
) -> Vec<(&'static str, ScalarValue)> {
    fields.retain(|(k, _)| *k != key);
    if let Some(value) = value {
        fields.push((key, value));
    }
    fields
}

/// Writes a guest's contribution `fields` (and `scores`) into the room at `room` (a path).
fn guest_write(doc: &mut AutoCommit, room: &[&str], fields: &[(&str, ScalarValue)], scores: &[(&str, i64)]) {
    let mut path = room.to_vec();
    path.push(GUESTS);
    let guests = obj(doc, &path);
    let record = doc.put_object(&guests, crate::ContributionId::random().as_str(), ObjType::Map).unwrap();
    for (key, value) in fields {
        doc.put(&record, *key, value.clone()).unwrap();
    }
    if !scores.is_empty() {
        let map = doc.put_object(&record, SCORES, ObjType::Map).unwrap();
        for (factor, score) in scores {
            doc.put(&map, *factor, *score).unwrap();
        }
    }
}

impl Fixture {
    fn room_path(&self) -> [&str; 3] {
        [SESSIONS, self.session.as_str(), self.room.as_str()]
    }

    /// The fixture's document with Bram's room closed.
    fn closed(&self) -> AutoCommit {
        let close = written(&self.doc, &self.bram.1.device, |doc| {
            let room = obj(doc, &self.room_path());
            doc.put(&room, CLOSED_AT, ScalarValue::Int(1_765_000_000_000)).unwrap();
        })
        .unwrap();
        assert_eq!(verdict(&self.doc, &close), Ok(()));
        let mut doc = self.doc.clone();
        doc.apply_changes([close]).unwrap();
        doc
    }
}

#[test]
fn a_room_is_opened_by_a_member_and_holds_what_it_was_opened_with() {
    let f = fixture();
    // Cas opens a room of his own through the model: every laptop accepts it.
    let mut network = crate::Network::from_doc(f.doc.clone()).unwrap();
    network.set_device(&f.cas.1.device);
    let before = network.heads();
    let session = crate::SessionId::new(f.session.clone());
    network.open_room(&f.cas.0, &session, &RoomSetup { reactions: true, ..Default::default() }).unwrap();
    let changes = network.doc_mut().get_changes(&before);
    let mut honest = f.doc.clone();
    honest.apply_changes(changes.clone()).unwrap();
    assert_eq!(RuleBook::default().check(&honest, &changes, false).map_err(|r| r.breach), Ok(()));

    let (device, room) = (&f.bram.1.device, f.room_path());
    // What a room holds is fixed when it opens: no question added, no proposals switched on later.
    let added = written(&f.doc, device, |doc| {
        let questions = obj(doc, &[room[0], room[1], room[2], QUESTIONS]);
        doc.put(&questions, "another-question", true).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &added), Err(Breach::Rewritten));
    let reactions = written(&f.doc, device, |doc| doc.put(obj(doc, &room), REACTIONS, true).unwrap()).unwrap();
    assert_eq!(verdict(&f.doc, &reactions), Err(Breach::Rewritten));
    // A room opened in Anna's name, or by a removed member: refused.
    let forged = written(&f.doc, device, |doc| {
        let record = doc.put_object(obj(doc, &room[..2]), "room:in-annas-name", ObjType::Map).unwrap();
        doc.put(&record, OPENED_BY, f.anna.0.as_str()).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &forged), Err(Breach::ForgedAuthor));
    let removed = written(&f.doc, &f.dirk.1.device, |doc| {
        doc.put_object(obj(doc, &room[..2]), "room:dirks", ObjType::Map).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &removed), Err(Breach::NotAMember));
}

#[test]
fn a_closed_room_stays_closed() {
    let f = fixture();
    let closed = f.closed();
    let reopened =
        written(&closed, &f.bram.1.device, |doc| doc.delete(obj(doc, &f.room_path()), CLOSED_AT).unwrap()).unwrap();
    assert_eq!(verdict(&closed, &reopened), Err(Breach::Rewritten));
    // The model says so too: the laptop that served it writes nothing more for its guests.
    let mut network = crate::Network::from_doc(closed).unwrap();
    let room = crate::RoomId::new(f.room.strip_prefix(ROOM_PREFIX).unwrap());
    let guest = crate::Guest { id: crate::GuestId::new("gast-1"), name: "Sam".into(), perspective: Default::default() };
    let vote = crate::GuestInput::Vote { question: crate::QuestionId::new(f.question.clone()) };
    let session = crate::SessionId::new(f.session.clone());
    let refused = network.add_guest_contribution(&f.bram.0, &session, &room, &guest, &vote);
    assert!(matches!(refused, Err(crate::ModelError::RoomClosed(_))), "{refused:?}");
}

#[test]
fn a_modified_client_writing_guest_contributions_outside_an_open_room_is_refused() {
    let f = fixture();
    let room = f.room_path();
    let vote = vote_of(&f.question);
    // The honest case first: Bram's laptop, his open room, a vote on the room's question.
    let honest = written(&f.doc, &f.bram.1.device, |doc| guest_write(doc, &room, &vote, &[])).unwrap();
    assert_eq!(verdict(&f.doc, &honest), Ok(()));

    // The same vote after the room closed.
    let closed = f.closed();
    let late = written(&closed, &f.bram.1.device, |doc| guest_write(doc, &room, &vote, &[])).unwrap();
    assert_eq!(verdict(&closed, &late), Err(Breach::OutsideRoom));
    // Cas's laptop writing "guests" into Bram's room: he serves no room.
    let other = written(&f.doc, &f.cas.1.device, |doc| guest_write(doc, &room, &vote, &[])).unwrap();
    assert_eq!(verdict(&f.doc, &other), Err(Breach::OutsideRoom));
    // A room made in the same change as its "guests": no room was open for them.
    let instant = written(&f.doc, &f.cas.1.device, |doc| {
        let record = doc.put_object(obj(doc, &room[..2]), "room:instant", ObjType::Map).unwrap();
        doc.put(&record, OPENED_BY, f.cas.0.as_str()).unwrap();
        let questions = doc.put_object(&record, QUESTIONS, ObjType::Map).unwrap();
        doc.put(&questions, f.question.as_str(), true).unwrap();
        doc.put_object(&record, GUESTS, ObjType::Map).unwrap();
        guest_write(doc, &[room[0], room[1], "room:instant"], &vote, &[]);
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &instant), Err(Breach::OutsideRoom));
    // "Guests" straight in the meeting, or in the network, outside any room.
    let loose = written(&f.doc, &f.bram.1.device, |doc| {
        let guests = doc.put_object(obj(doc, &room[..2]), GUESTS, ObjType::Map).unwrap();
        doc.put_object(&guests, "g1", ObjType::Map).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &loose), Err(Breach::UnknownPlace));
    // A removed member's laptop.
    let removed = written(&f.doc, &f.dirk.1.device, |doc| guest_write(doc, &room, &vote, &[])).unwrap();
    assert_eq!(verdict(&f.doc, &removed), Err(Breach::NotAMember));
}

#[test]
fn guest_contributions_are_only_the_kinds_the_room_takes_and_bounded() {
    let f = fixture();
    let (room, device) = (f.room_path(), &f.bram.1.device);
    let check = |fields: Vec<(&'static str, ScalarValue)>, scores: &[(&str, i64)]| {
        let change = written(&f.doc, device, |doc| guest_write(doc, &room, &fields, scores)).unwrap();
        verdict(&f.doc, &change)
    };
    let vote = vote_of(&f.question);
    let text = |kind: &str, text: &str| {
        with(with(with(vote.clone(), QUESTION, None), KIND, Some(kind.into())), TEXT, Some(text.into()))
    };
    // What the room takes: a proposed question (with é, ë and an emoji), scores on its round.
    assert_eq!(check(text("question", "Waarom is rekenen één ding? ë 🙂"), &[]), Ok(()));
    let scored = with(with(vote.clone(), QUESTION, None), KIND, Some("score".into()));
    assert_eq!(check(scored.clone(), &[("trust", 4), ("ownership", 2)]), Ok(()));
    assert_eq!(check(with(scored.clone(), TEXT, Some("Fijn gesprek".into())), &[("trust", 5)]), Ok(()));

    // What it does not take.
    let outside = Err(Breach::OutsideRoom);
    assert_eq!(check(text("reaction", "Leuk!"), &[]), outside, "this room takes no reactions");
    assert_eq!(check(with(vote.clone(), QUESTION, Some("not-in-room".into())), &[]), outside);
    assert_eq!(check(with(vote.clone(), QUESTION, None), &[]), outside, "a vote on nothing");
    assert_eq!(check(with(vote.clone(), TEXT, Some("en ook nog tekst".into())), &[]), outside);
    assert_eq!(check(text("question", "   "), &[]), outside, "an empty question");
    assert_eq!(check(scored.clone(), &[]), outside, "scores on nothing");
    assert_eq!(check(scored.clone(), &[("not-a-factor", 3)]), outside);
    assert_eq!(check(with(vote.clone(), KIND, None), &[]), outside, "no kind");

    // Bounded, and only the fields of a contribution.
    assert_eq!(check(scored.clone(), &[("trust", 6)]), Err(Breach::BadValue));
    // A kind Kring does not know is no kind a room takes (the record is judged first).
    assert_eq!(check(with(vote.clone(), KIND, Some("poll".into())), &[]), outside);
    assert_eq!(check(with(vote.clone(), PERSPECTIVE, Some("coordinator".into())), &[]), Err(Breach::BadValue));
    assert_eq!(check(with(vote.clone(), NAME, Some("x".repeat(41).into())), &[]), Err(Breach::BadValue));
    assert_eq!(check(text("question", &"x".repeat(501)), &[]), Err(Breach::BadValue));
    assert_eq!(check(with(vote.clone(), "colour", Some("red".into())), &[]), Err(Breach::UnknownPlace));

    // Once written, a contribution is never changed or taken away.
    let honest = written(&f.doc, device, |doc| guest_write(doc, &room, &vote, &[])).unwrap();
    let mut doc = f.doc.clone();
    doc.apply_changes([honest]).unwrap();
    let guests = obj(&doc, &[room[0], room[1], room[2], GUESTS]);
    let id = doc.keys(&guests).next().unwrap();
    let changed =
        written(&doc, device, |d| d.put(obj(d, &[room[0], room[1], room[2], GUESTS, &id]), NAME, "Anna").unwrap())
            .unwrap();
    assert_eq!(verdict(&doc, &changed), Err(Breach::Rewritten));
    let deleted = written(&doc, device, |d| d.delete(&guests, id.as_str()).unwrap()).unwrap();
    assert_eq!(verdict(&doc, &deleted), Err(Breach::RecordReplaced));
}

#[test]
fn the_hosts_guest_contributions_are_accepted_by_every_laptop() {
    use crate::{Guest, GuestId, GuestInput, GuestKind, GuestPerspective, QuestionId, SessionId};
    let f = fixture();
    let mut network = crate::Network::from_doc(f.doc.clone()).unwrap();
    network.set_device(&f.bram.1.device);
    let session = SessionId::new(f.session.clone());
    let setup = RoomSetup {
        questions: vec![QuestionId::new(f.question.clone())],
        reflection: Some(crate::RoundId::new(f.round.clone())),
        proposals: true,
        reactions: true,
        photos: true,
    };
    let before = network.heads();
    let room = network.open_room(&f.bram.0, &session, &setup).unwrap();
    let guest = Guest { id: GuestId::random(), name: String::new(), perspective: GuestPerspective::Parent };
    let inputs = [
        GuestInput::Vote { question: QuestionId::new(f.question.clone()) },
        GuestInput::Question { text: "<script>alert(1)</script>".into() },
        GuestInput::Score { scores: [(crate::FactorId::new("trust"), 3)].into(), comment: "Goed".into() },
        GuestInput::Reaction { text: "Dank je wel 🙏".into() },
        GuestInput::Photo { file: photo_file() },
    ];
    for input in &inputs {
        network.add_guest_contribution(&f.bram.0, &session, &room, &guest, input).unwrap();
    }
    // What the room does not hold is refused before anything is written.
    let elsewhere = GuestInput::Score { scores: [(crate::FactorId::new("nope"), 3)].into(), comment: String::new() };
    assert!(network.add_guest_contribution(&f.bram.0, &session, &room, &guest, &elsewhere).is_err());
    assert!(network.add_guest_contribution(&f.cas.0, &session, &room, &guest, &inputs[0]).is_err(), "not Cas's room");

    let changes = network.doc_mut().get_changes(&before);
    assert_eq!(changes.len(), 6);
    let mut honest = f.doc.clone();
    honest.apply_changes(changes.clone()).unwrap();
    assert_eq!(RuleBook::default().check(&honest, &changes, false).map_err(|r| r.breach), Ok(()));
    assert_eq!(everything_allowed(&honest), Ok(()));

    let snapshot = crate::Network::from_doc(honest).unwrap().snapshot().unwrap();
    let shown = &snapshot.sessions[&session].rooms[&room];
    let kinds: Vec<GuestKind> = shown.guests.values().map(|g| g.kind).collect();
    assert_eq!(kinds.len(), 5);
    for kind in GuestKind::ALL {
        assert!(kinds.contains(kind), "{kind:?}");
    }
    assert!(shown.guests.values().any(|g| g.text == "<script>alert(1)</script>"));
    assert_eq!(shown.guests_by_perspective().get(&GuestPerspective::Parent), Some(&1));
}

/// A re-encoded photo as the room's laptop describes it.
fn photo_file() -> crate::NewAttachment {
    crate::NewAttachment {
        name: "gastfoto.jpg".into(),
        kind: crate::AttachmentKind::Image,
        size: 2_048,
        hash: "cd".repeat(32),
    }
}

/// Writes a guest's photo with raw operations, as a modified client could: a contribution in
/// the room at `room` (a path) of `kind`, and the meeting's attachment of `file_kind` naming it
/// (left out with `named: false`).
fn photo_write(doc: &mut AutoCommit, room: &[&str], by: &str, kind: &str, file_kind: &str, named: bool) {
    let (contribution, attachment) = (crate::ContributionId::random(), crate::AttachmentId::random());
    let guests = obj(doc, &[room[0], room[1], room[2], GUESTS]);
    let record = doc.put_object(&guests, contribution.as_str(), ObjType::Map).unwrap();
    for (key, value) in with(with(vote_of("x"), QUESTION, None), KIND, Some(kind.into())) {
        doc.put(&record, key, value).unwrap();
    }
    doc.put(&record, ATTACHMENT, attachment.as_str()).unwrap();
    let file = doc.put_object(obj(doc, &room[..2]), attachment_key(attachment.as_str()), ObjType::Map).unwrap();
    let fields: [(&str, ScalarValue); 6] = [
        (NAME, "gastfoto.jpg".into()),
        (KIND, file_kind.into()),
        (SIZE, ScalarValue::Uint(2_048)),
        (HASH, "cd".repeat(32).into()),
        (ADDED_BY, by.into()),
        (ADDED_AT, ScalarValue::Int(1_765_000_000_000)),
    ];
    for (key, value) in fields {
        doc.put(&file, key, value).unwrap();
    }
    if named {
        doc.put(&file, ROOM, room[2].strip_prefix(ROOM_PREFIX).unwrap()).unwrap();
        doc.put(&file, CONTRIBUTION, contribution.as_str()).unwrap();
    }
}

#[test]
fn a_guest_photo_comes_only_from_the_rooms_laptop_while_it_is_open_and_takes_photos() {
    use crate::{Guest, GuestId, GuestInput, GuestPerspective, RoomId, SessionId};
    let f = fixture();
    // Bram opens a second room, one that takes photos, through the model.
    let mut network = crate::Network::from_doc(f.doc.clone()).unwrap();
    network.set_device(&f.bram.1.device);
    let session = SessionId::new(f.session.clone());
    let photos = network.open_room(&f.bram.0, &session, &RoomSetup { photos: true, ..Default::default() }).unwrap();
    let doc = network.doc_mut().clone();
    let room_key = room_key(photos.as_str());
    let room = [SESSIONS, f.session.as_str(), room_key.as_str()];
    let bram = f.bram.0.as_str();

    // Bram's laptop, his open room that takes photos: every laptop accepts it.
    let honest = written(&doc, &f.bram.1.device, |d| photo_write(d, &room, bram, "photo", "image", true)).unwrap();
    assert_eq!(verdict(&doc, &honest), Ok(()));
    // Cas's laptop writing a "guest's photo" into Bram's room: Cas serves no room.
    let cas = f.cas.0.as_str();
    let other = written(&doc, &f.cas.1.device, |d| photo_write(d, &room, cas, "photo", "image", true)).unwrap();
    assert_eq!(verdict(&doc, &other), Err(Breach::OutsideRoom));
    // Bram's first room does not take photos.
    let first = f.room_path();
    let no_photos = written(&doc, &f.bram.1.device, |d| photo_write(d, &first, bram, "photo", "image", true)).unwrap();
    assert_eq!(verdict(&doc, &no_photos), Err(Breach::OutsideRoom));
    // Not an image; a photo attachment that does not name its contribution; a "reaction"
    // that names a photo.
    let pdf = written(&doc, &f.bram.1.device, |d| photo_write(d, &room, bram, "photo", "pdf", true)).unwrap();
    assert_eq!(verdict(&doc, &pdf), Err(Breach::OutsideRoom));
    let unnamed = written(&doc, &f.bram.1.device, |d| photo_write(d, &room, bram, "photo", "image", false)).unwrap();
    assert_eq!(verdict(&doc, &unnamed), Err(Breach::OutsideRoom));
    let reaction = written(&doc, &f.bram.1.device, |d| photo_write(d, &room, bram, "reaction", "image", true)).unwrap();
    assert_eq!(verdict(&doc, &reaction), Err(Breach::OutsideRoom));
    // An attachment of a member that claims to come from a guest, without a contribution.
    let claimed = written(&doc, &f.bram.1.device, |d| {
        let file = d.put_object(obj(d, &room[..2]), "attachment:claimed", ObjType::Map).unwrap();
        for (key, value) in [(NAME, "x.jpg"), (KIND, "image"), (ADDED_BY, bram), (ROOM, photos.as_str())] {
            d.put(&file, key, value).unwrap();
        }
        d.put(&file, SIZE, ScalarValue::Uint(1)).unwrap();
        d.put(&file, HASH, "cd".repeat(32)).unwrap();
        d.put(&file, ADDED_AT, ScalarValue::Int(1)).unwrap();
        d.put(&file, CONTRIBUTION, "nobody").unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&doc, &claimed), Err(Breach::OutsideRoom));
    // Once the room is closed, Bram's laptop writes no more photos for it.
    let close = written(&doc, &f.bram.1.device, |d| {
        d.put(obj(d, &room), CLOSED_AT, ScalarValue::Int(1_765_000_000_000)).unwrap();
    })
    .unwrap();
    let mut closed = doc.clone();
    closed.apply_changes([close]).unwrap();
    let late = written(&closed, &f.bram.1.device, |d| photo_write(d, &room, bram, "photo", "image", true)).unwrap();
    assert_eq!(verdict(&closed, &late), Err(Breach::OutsideRoom));

    // The model refuses a photo where the room takes none, and one that is not an image.
    let mut network = crate::Network::from_doc(doc).unwrap();
    let guest = Guest { id: GuestId::random(), name: "Sam".into(), perspective: GuestPerspective::Youth };
    let photo = GuestInput::Photo { file: photo_file() };
    let first = RoomId::new(f.room.strip_prefix(ROOM_PREFIX).unwrap());
    let refused = network.add_guest_contribution(&f.bram.0, &session, &first, &guest, &photo);
    assert!(matches!(refused, Err(crate::ModelError::NotInRoom(crate::GuestKind::Photo))), "{refused:?}");
    let pdf = GuestInput::Photo { file: crate::NewAttachment { kind: crate::AttachmentKind::Pdf, ..photo_file() } };
    assert!(network.add_guest_contribution(&f.bram.0, &session, &photos, &guest, &pdf).is_err());
    // Written through the model, the photo hangs on the meeting, marked as the guest's.
    let sent = network.add_guest_contribution(&f.bram.0, &session, &photos, &guest, &photo).unwrap();
    let snapshot = network.snapshot().unwrap();
    let meeting = &snapshot.sessions[&session];
    let file = meeting.attachments.values().find(|a| a.from_guest.is_some()).unwrap();
    let from = file.from_guest.as_ref().unwrap();
    assert_eq!((&from.room, &from.contribution), (&photos, &sent));
    assert_eq!(meeting.rooms[&photos].guests[&sent].attachment.as_ref(), Some(&file.id));
    assert_eq!(meeting.rooms[&photos].photos_sent(), 1);
}

// --- Who an invitation is for -----------------------------------------------------------------

#[test]
fn only_a_coordinator_names_who_an_invitation_is_for_and_only_with_it() {
    let f = fixture();
    // Anna makes an invitation for Bram's father through the model: every laptop accepts it.
    let mut network = crate::Network::from_doc(f.doc.clone()).unwrap();
    network.set_device(&f.anna.1.device);
    let before = network.heads();
    let invite = NewInvite { secret_hash: "hash-2".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
    let made = network.create_invite_for(&f.anna.0, &invite, " Bram (ouder) ").unwrap();
    let changes = network.doc_mut().get_changes(&before);
    let mut honest = f.doc.clone();
    honest.apply_changes(changes.clone()).unwrap();
    assert_eq!(RuleBook::default().check(&honest, &changes, false).map_err(|r| r.breach), Ok(()));
    let snapshot = network.snapshot().unwrap();
    assert_eq!(snapshot.invites[&made].made_for.as_deref(), Some("Bram (ouder)"));
    // An invitation for nobody in particular holds no name at all.
    let plain = crate::InviteId::new(f.invite.clone());
    assert_eq!(snapshot.invites[&plain].made_for, None);
    // Too long a name through the model: a clear error, and nothing written.
    let heads = network.heads();
    let long = "x".repeat(crate::validate::MAX_SHORT + 1);
    let refused = network.create_invite_for(&f.anna.0, &invite, &long);
    assert!(matches!(refused, Err(crate::ModelError::TooLong { field: crate::Field::MadeFor, .. })), "{refused:?}");
    assert_eq!(network.heads(), heads);

    // What a modified client could write: a new invitation record with a name.
    let named = |doc: &mut AutoCommit, name: ScalarValue| {
        let record = doc.put_object(obj(doc, &[INVITES]), "invite-with-name", ObjType::Map).unwrap();
        doc.put(&record, MADE_FOR, name).unwrap();
    };
    let by_anna = written(&f.doc, &f.anna.1.device, |doc| named(doc, "Bram (ouder)".into())).unwrap();
    assert_eq!(verdict(&f.doc, &by_anna), Ok(()));
    // Bram is a member, not a coordinator: he cannot name who an invitation is for.
    let by_bram = written(&f.doc, &f.bram.1.device, |doc| named(doc, "Bram (ouder)".into())).unwrap();
    assert!(matches!(verdict(&f.doc, &by_bram), Err(Breach::CoordinatorOnly(_))), "{:?}", verdict(&f.doc, &by_bram));
    // Nor can Anna write a name longer than the model allows, or one that is not text.
    let too_long = written(&f.doc, &f.anna.1.device, |doc| named(doc, long.as_str().into())).unwrap();
    assert_eq!(verdict(&f.doc, &too_long), Err(Breach::BadValue));
    let number = written(&f.doc, &f.anna.1.device, |doc| named(doc, ScalarValue::Int(7))).unwrap();
    assert_eq!(verdict(&f.doc, &number), Err(Breach::BadValue));
    // Nor name, or rename, an invitation after it was made.
    let later = written(&f.doc, &f.anna.1.device, |doc| {
        doc.put(obj(doc, &[INVITES, f.invite.as_str()]), MADE_FOR, "Cas (jongere)").unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &later), Err(Breach::Rewritten));
    let renamed = written(&honest, &f.anna.1.device, |doc| {
        doc.put(obj(doc, &[INVITES, made.as_str()]), MADE_FOR, "Dirk").unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&honest, &renamed), Err(Breach::Rewritten));
}

// --- Attachments ------------------------------------------------------------------------------

/// The fields of an attachment as the honest laptop of member `by` writes them.
fn attachment_by(by: &str) -> Vec<(&'static str, ScalarValue)> {
    vec![
        (NAME, "flip-over.jpg".into()),
        (KIND, "image".into()),
        (SIZE, ScalarValue::Uint(2_000_000)),
        (HASH, "ab".repeat(32).into()),
        (ADDED_BY, by.into()),
        (ADDED_AT, ScalarValue::Int(1_765_000_000_000)),
    ]
}

/// Writes an attachment `key` with `fields` into the map at `parent` (a path).
fn attachment_write(doc: &mut AutoCommit, parent: &[&str], key: &str, fields: &[(&str, ScalarValue)]) {
    let at = obj(doc, parent);
    let record = doc.put_object(&at, key, ObjType::Map).unwrap();
    for (field, value) in fields {
        doc.put(&record, *field, value.clone()).unwrap();
    }
}

#[test]
fn a_members_attachments_are_accepted_by_every_laptop_and_can_be_binned_and_restored() {
    use crate::{AttachedTo, AttachmentKind, NewAttachment, QuestionId, SessionId};
    let f = fixture();
    let mut network = crate::Network::from_doc(f.doc.clone()).unwrap();
    network.set_device(&f.cas.1.device);
    let before = network.heads();
    let question = QuestionId::new(f.question.clone());
    let cycle = network.add_cycle(&f.cas.0, &question, "2026-12-01").unwrap();
    let file = |name: &str, byte: &str| NewAttachment {
        name: name.into(),
        kind: AttachmentKind::from_file_name(name),
        size: 48_213,
        hash: byte.repeat(32),
    };
    let places = [
        (AttachedTo::Session(SessionId::new(f.session.clone())), file("Flip-over.JPG", "0a")),
        (AttachedTo::Question(question.clone()), file("casus.pdf", "1b")),
        (AttachedTo::Cycle { question: question.clone(), cycle }, file("interview.m4a", "2c")),
    ];
    let mut added = Vec::new();
    for (to, file) in &places {
        added.push(network.add_attachment(&f.cas.0, to, file).unwrap());
    }
    network.delete_attachment(&f.cas.0, &places[0].0, &added[0]).unwrap();
    network.delete_attachment(&f.cas.0, &places[1].0, &added[1]).unwrap();
    network.restore_attachment(&f.cas.0, &places[1].0, &added[1]).unwrap();

    // What the model refuses, it refuses before writing anything.
    let heads = network.heads();
    let too_large = NewAttachment { size: MAX_ATTACHMENT_BYTES + 1, ..file("film.mp4", "3d") };
    let refused = network.add_attachment(&f.cas.0, &places[0].0, &too_large);
    assert!(matches!(refused, Err(crate::ModelError::AttachmentTooLarge { .. })), "{refused:?}");
    for hash in ["AB".repeat(32), "ab".repeat(31), "zz".repeat(32), String::new()] {
        let bad = NewAttachment { hash, ..file("casus.pdf", "1b") };
        let refused = network.add_attachment(&f.cas.0, &places[0].0, &bad);
        assert!(matches!(refused, Err(crate::ModelError::BadAttachmentHash(_))), "{refused:?}");
    }
    let nameless = network.add_attachment(&f.cas.0, &places[0].0, &file("  ", "1b"));
    assert!(matches!(nameless, Err(crate::ModelError::Empty { .. })), "{nameless:?}");
    let nowhere = AttachedTo::Session(SessionId::new("no-such-meeting"));
    assert!(network.add_attachment(&f.cas.0, &nowhere, &file("a.pdf", "1b")).is_err());
    assert!(network.add_attachment(&f.dirk.0, &places[0].0, &file("a.pdf", "1b")).is_err(), "removed");
    assert_eq!(network.heads(), heads);

    let changes = network.doc_mut().get_changes(&before);
    let mut honest = f.doc.clone();
    honest.apply_changes(changes.clone()).unwrap();
    assert_eq!(RuleBook::default().check(&honest, &changes, false).map_err(|r| r.breach), Ok(()));
    assert_eq!(everything_allowed(&honest), Ok(()));

    let snapshot = crate::Network::from_doc(honest).unwrap().snapshot().unwrap();
    let shown = snapshot.attachments();
    assert_eq!(shown.len(), 3);
    let kinds: Vec<AttachmentKind> = shown.iter().map(|(_, a)| a.kind).collect();
    assert_eq!(kinds, [AttachmentKind::Image, AttachmentKind::Pdf, AttachmentKind::Audio]);
    for ((to, attachment), (place, _)) in shown.iter().zip(&places) {
        assert_eq!(to, place);
        assert_eq!((attachment.size, &attachment.added_by), (48_213, &f.cas.0));
    }
    let (_, binned) = snapshot.attachment(&added[0]).unwrap();
    assert!(binned.deleted_at.is_some(), "in the bin");
    assert!(snapshot.attachment(&added[1]).unwrap().1.deleted_at.is_none(), "restored");
    assert_eq!(snapshot.attachment(&added[2]).unwrap().1.hash, "2c".repeat(32));
}

#[test]
fn attachments_are_added_whole_with_a_content_hash_and_a_bounded_size() {
    let f = fixture();
    let (bram, device) = (f.bram.0.as_str(), &f.bram.1.device);
    let session = [SESSIONS, f.session.as_str()];
    let check = |fields: Vec<(&'static str, ScalarValue)>| {
        let change =
            written(&f.doc, device, |doc| attachment_write(doc, &session, &attachment_key("a1"), &fields)).unwrap();
        verdict(&f.doc, &change)
    };
    assert_eq!(check(attachment_by(bram)), Ok(()));
    assert_eq!(check(with(attachment_by(bram), SIZE, Some(ScalarValue::Uint(MAX_ATTACHMENT_BYTES)))), Ok(()));

    let bad = Err(Breach::BadValue);
    for hash in ["AB".repeat(32), "ab".repeat(31), "ab".repeat(33), "g".repeat(64)] {
        assert_eq!(check(with(attachment_by(bram), HASH, Some(hash.clone().into()))), bad, "{hash}");
    }
    assert_eq!(check(with(attachment_by(bram), HASH, Some(ScalarValue::Bytes(vec![0xab; 32])))), bad);
    assert_eq!(check(with(attachment_by(bram), SIZE, Some(ScalarValue::Uint(MAX_ATTACHMENT_BYTES + 1)))), bad);
    assert_eq!(check(with(attachment_by(bram), SIZE, Some(ScalarValue::Int(-1)))), bad);
    assert_eq!(check(with(attachment_by(bram), KIND, Some("script".into()))), bad);
    assert_eq!(check(with(attachment_by(bram), NAME, Some("x".repeat(crate::validate::MAX_NAME + 1).into()))), bad);
    // Whole: an attachment without a hash (or a name, a size ...) names no bytes to fetch.
    for field in [NAME, KIND, SIZE, HASH, ADDED_BY, ADDED_AT] {
        assert_eq!(check(with(attachment_by(bram), field, None)), bad, "without {field}");
    }
    assert_eq!(check(with(attachment_by(bram), NAME, Some("   ".into()))), bad);
    assert_eq!(check(with(attachment_by(bram), "path", Some("/etc/passwd".into()))), Err(Breach::UnknownPlace));
    // Only where Kring attaches: not in a member's record, not in a reflection round.
    let member = written(&f.doc, device, |doc| {
        attachment_write(doc, &[MEMBERS, bram], &attachment_key("a1"), &attachment_by(bram))
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &member), Err(Breach::UnknownPlace));

    // Once written, what it names is never changed or taken away; the bin mark comes and goes.
    let honest =
        written(&f.doc, device, |doc| attachment_write(doc, &session, &attachment_key("a1"), &attachment_by(bram)))
            .unwrap();
    let mut doc = f.doc.clone();
    doc.apply_changes([honest]).unwrap();
    let key = attachment_key("a1");
    let record = [SESSIONS, f.session.as_str(), key.as_str()];
    let swapped = written(&doc, device, |d| d.put(obj(d, &record), HASH, "cd".repeat(32)).unwrap()).unwrap();
    assert_eq!(verdict(&doc, &swapped), Err(Breach::Rewritten));
    let resized = written(&doc, device, |d| d.put(obj(d, &record), SIZE, 1_u64).unwrap()).unwrap();
    assert_eq!(verdict(&doc, &resized), Err(Breach::Rewritten));
    let gone = written(&doc, device, |d| d.delete(obj(d, &session), key.as_str()).unwrap()).unwrap();
    assert_eq!(verdict(&doc, &gone), Err(Breach::RecordReplaced));
    let binned =
        written(&doc, &f.cas.1.device, |d| d.put(obj(d, &record), DELETED_AT, 1_765_000_000_001_i64).unwrap()).unwrap();
    assert_eq!(verdict(&doc, &binned), Ok(()));
}

#[test]
fn an_attachment_in_another_members_name_is_refused() {
    let f = fixture();
    let (anna, bram) = (f.anna.0.as_str(), f.bram.0.as_str());
    let question = [QUESTIONS, f.question.as_str()];
    let forged = written(&f.doc, &f.bram.1.device, |doc| {
        attachment_write(doc, &question, &attachment_key("a1"), &attachment_by(anna))
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &forged), Err(Breach::ForgedAuthor));
    // A removed member's laptop adds nothing, in its own name or another's.
    let dirk = f.dirk.0.as_str();
    for by in [dirk, bram] {
        let removed = written(&f.doc, &f.dirk.1.device, |doc| {
            attachment_write(doc, &question, &attachment_key("a2"), &attachment_by(by))
        })
        .unwrap();
        assert_eq!(verdict(&f.doc, &removed), Err(Breach::NotAMember));
    }
    // A laptop of no member at all.
    let stranger = Laptop::new(42);
    let unknown = written(&f.doc, &stranger.device, |doc| {
        attachment_write(doc, &question, &attachment_key("a3"), &attachment_by(bram))
    })
    .unwrap();
    assert_eq!(verdict(&f.doc, &unknown), Err(Breach::NotAMember));
}
