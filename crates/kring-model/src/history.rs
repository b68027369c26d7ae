//! The history of one collaborative text (notes, agenda, details, insights, a cycle's phase):
//! who changed it when, and the text as it was at any of those moments.
//!
//! Automerge keeps every change, so the text at an earlier moment is a historical read
//! ([`Network::text_at`]). Which changes touched the text is found in three cheap steps
//! rather than by decoding the whole history (which costs about half a second on the busy
//! network):
//!
//! 1. the change metadata (no operations) of the whole document, with each change's note;
//! 2. every change that inserted a character still in the text, from the characters' ids;
//! 3. the other changes whose note names the text's record, or that carry no Kring note (other
//!    software, a network's first change), confirmed one by one by their operations.
//!
//! A Kring change's note names the record it writes (see [`crate::changes`]), so a change that
//! only deleted characters is found by step 3. (One written by a device that lies in its note
//! about the record it touched is not: its deletions then show in the next version.)

use std::collections::{HashMap, HashSet};

use automerge::legacy::ObjectId;
use automerge::{ActorId, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, Value};

use crate::changes::ChangeNote;
use crate::edit::text::TextField;
use crate::error::{ModelError, Result};
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;
use crate::trust::device_of_actor;

/// Changes by the same member less than this far apart make one version: a typing session.
pub const VERSION_GAP: UnixMillis = 5 * 60 * 1000;

/// One moment a text changed: one or more consecutive changes by one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextVersion {
    /// The document as of this version, for [`Network::text_at`].
    pub heads: Vec<ChangeHash>,
    /// When the version's last change was made, by its author's clock.
    pub at: UnixMillis,
    /// Who made it; `None` for changes from software that is not Kring and no known device.
    pub by: Option<MemberId>,
    /// How many changes (bursts of typing) it groups.
    pub changes: usize,
}

/// What the history needs of one change, read from its metadata.
struct Meta {
    hash: ChangeHash,
    deps: Vec<ChangeHash>,
    actor: ActorId,
    start_op: u64,
    max_op: u64,
    at: UnixMillis,
    note: Option<ChangeNote>,
}

impl Network {
    /// The versions of `field`, newest first. Works for records in the bin too (their texts
    /// are kept). Takes `&mut self` because Automerge lists its changes only after closing an
    /// open transaction.
    pub fn text_history(&mut self, field: &TextField) -> Result<Vec<TextVersion>> {
        let Some(obj) = self.history_object(field)? else { return Ok(Vec::new()) };
        let Ok(target) = obj.to_string().parse::<ObjectId>() else { return Ok(Vec::new()) };
        let record = field.record();

        let metas: Vec<Meta> = self
            .doc
            .get_changes_meta(&[])
            .into_iter()
            .map(|m| Meta {
                hash: m.hash,
                deps: m.deps,
                actor: m.actor.into_owned(),
                start_op: m.start_op,
                max_op: m.max_op,
                at: m.timestamp.saturating_mul(1000),
                note: m.message.as_deref().and_then(ChangeNote::decode),
            })
            .collect();
        let doc = &self.doc;
        let mut touched = vec![false; metas.len()];

        // Changes that typed a character still in the text: the characters' ids name them.
        let mut by_actor: HashMap<&ActorId, Vec<usize>> = HashMap::new();
        for (i, meta) in metas.iter().enumerate() {
            by_actor.entry(&meta.actor).or_default().push(i);
        }
        for changes in by_actor.values_mut() {
            changes.sort_by_key(|&i| metas[i].start_op);
        }
        let mut last: Option<usize> = None;
        for item in doc.list_range(&obj, ..) {
            let ObjId::Id(counter, actor, _) = item.id() else { continue };
            let within = |i: usize| metas[i].actor == actor && (metas[i].start_op..=metas[i].max_op).contains(&counter);
            if last.is_some_and(within) {
                continue;
            }
            let Some(changes) = by_actor.get(&actor) else { continue };
            let after = changes.partition_point(|&i| metas[i].start_op <= counter);
            let Some(&i) = after.checked_sub(1).and_then(|at| changes.get(at)) else { continue };
            if within(i) {
                touched[i] = true;
                last = Some(i);
            }
        }

        // Changes that may have touched it otherwise (deletions): confirmed by their operations.
        for (i, meta) in metas.iter().enumerate() {
            let candidate = match &meta.note {
                Some(note) => note.target.as_deref().is_none_or(|t| t == record),
                None => true,
            };
            if touched[i] || !candidate {
                continue;
            }
            if let Some(change) = doc.get_change_by_hash(&meta.hash) {
                touched[i] = change.decode().operations.iter().any(|op| op.obj == target);
            }
        }

        let mut devices: Option<HashMap<DeviceId, MemberId>> = None;
        let mut author = |meta: &Meta| -> Option<MemberId> {
            if let Some(note) = &meta.note {
                return Some(note.by.clone());
            }
            let device = device_of_actor(&meta.actor)?;
            let devices = devices.get_or_insert_with(|| {
                // The member each device proved itself to (removed ones too: they wrote this
                // then), never the first record in id order that lists it.
                let members = self.members().unwrap_or_default();
                let mut claims: HashMap<&DeviceId, Vec<crate::trust::Claim<&MemberId>>> = HashMap::new();
                for member in members.values() {
                    for device in member.devices.keys() {
                        let proven = member.proven.contains(device);
                        claims.entry(device).or_default().push(crate::trust::Claim {
                            member: &member.id,
                            proven,
                            removed: false,
                        });
                    }
                }
                claims
                    .into_iter()
                    .filter_map(|(device, claims)| Some((device.clone(), crate::trust::owner(claims)?.clone())))
                    .collect()
            });
            devices.get(&device).cloned()
        };

        // Metadata come in causal order; group runs of one member's changes.
        let mut versions: Vec<(TextVersion, Vec<usize>)> = Vec::new();
        for (i, meta) in metas.iter().enumerate().filter(|(i, _)| touched[*i]) {
            let by = author(meta);
            match versions.last_mut() {
                Some((version, members))
                    if version.by == by && meta.at.abs_diff(version.at) <= VERSION_GAP.unsigned_abs() =>
                {
                    version.at = meta.at;
                    version.changes += 1;
                    members.push(i);
                }
                _ => versions.push((TextVersion { heads: Vec::new(), at: meta.at, by, changes: 1 }, vec![i])),
            }
        }
        Ok(versions
            .into_iter()
            .rev()
            .map(|(mut version, members)| {
                // The heads: the version's changes that no other change of it builds on.
                let deps: HashSet<&ChangeHash> = members.iter().flat_map(|&i| &metas[i].deps).collect();
                version.heads = members.iter().map(|&i| metas[i].hash).filter(|h| !deps.contains(h)).collect();
                version.heads.sort();
                version
            })
            .collect())
    }

    /// The text of `field` as of `heads` (a [`TextVersion`]'s, or any the document knows;
    /// unknown ones are ignored). Empty where the text, or its record, did not exist yet.
    pub fn text_at(&self, field: &TextField, heads: &[ChangeHash]) -> Result<String> {
        let missing = self.doc.get_missing_deps(heads);
        let known: Vec<ChangeHash> = heads.iter().filter(|h| !missing.contains(h)).copied().collect();
        let Some(obj) = field_object(&self.doc, field, Some(&known)) else { return Ok(String::new()) };
        Ok(self.doc.text_at(&obj, &known)?)
    }

    /// The text object of `field` as the document holds it now, deleted records included;
    /// `None` where the record has no such text (a document Kring did not write).
    fn history_object(&self, field: &TextField) -> Result<Option<ObjId>> {
        let record = |map: &str, id: &str| {
            let map = self.root_map(map).ok()?;
            crate::access::obj(&self.doc, &map, id)
        };
        match field {
            TextField::Agenda(s) | TextField::Notes(s) => {
                record(SESSIONS, s.as_str()).ok_or_else(|| ModelError::UnknownSession(s.clone()))?;
            }
            TextField::Details(q) | TextField::Insights(q) => {
                record(QUESTIONS, q.as_str()).ok_or_else(|| ModelError::UnknownQuestion(q.clone()))?;
            }
            TextField::Cycle(q, c, _) => {
                let question = record(QUESTIONS, q.as_str()).ok_or_else(|| ModelError::UnknownQuestion(q.clone()))?;
                self.child(&question, CYCLES, c.as_str()).ok_or_else(|| ModelError::UnknownCycle(c.clone()))?;
            }
        }
        Ok(field_object(&self.doc, field, None))
    }
}

impl TextField {
    /// The id of the record the text belongs to: what a change's note names as its target.
    fn record(&self) -> &str {
        match self {
            TextField::Agenda(s) | TextField::Notes(s) => s.as_str(),
            TextField::Details(q) | TextField::Insights(q) | TextField::Cycle(q, ..) => q.as_str(),
        }
    }
}

/// The `Text` object of `field`, as of `heads` (now where `None`).
fn field_object(doc: &impl ReadDoc, field: &TextField, heads: Option<&[ChangeHash]>) -> Option<ObjId> {
    let path: Vec<&str> = match field {
        TextField::Agenda(s) => vec![SESSIONS, s.as_str(), AGENDA],
        TextField::Notes(s) => vec![SESSIONS, s.as_str(), NOTES],
        TextField::Details(q) => vec![QUESTIONS, q.as_str(), DETAILS],
        TextField::Insights(q) => vec![QUESTIONS, q.as_str(), INSIGHTS],
        TextField::Cycle(q, c, phase) => vec![QUESTIONS, q.as_str(), CYCLES, c.as_str(), phase.as_str()],
    };
    let mut obj = ROOT;
    let mut kind = ObjType::Map;
    for key in path {
        if kind != ObjType::Map {
            return None;
        }
        let value = match heads {
            Some(heads) => doc.get_at(&obj, key, heads),
            None => doc.get(&obj, key),
        };
        let Ok(Some((Value::Object(next_kind), next))) = value else { return None };
        (obj, kind) = (next, next_kind);
    }
    (kind == ObjType::Text).then_some(obj)
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::edit::sessions::NewSession;
    use crate::genesis::{NetworkDetails, Profile};
    use crate::vocab::{CyclePhase, Role, SessionKind};

    thread_local! {
        static NOW: Cell<UnixMillis> = const { Cell::new(1_790_000_000_000) };
    }

    /// The test's clock: each test runs on its own thread.
    fn now() -> UnixMillis {
        NOW.with(Cell::get)
    }

    fn wait_minutes(minutes: i64) {
        NOW.with(|now| now.set(now.get() + minutes * 60_000));
    }

    struct Fixture {
        network: Network,
        anna: MemberId,
        bram: MemberId,
        session: SessionId,
    }

    fn fixture() -> Fixture {
        let details = NetworkDetails { name: "PLG Lezen".into(), ..Default::default() };
        let (network, anna) = Network::create(&details, &Profile::new("Anna"), "device-anna").unwrap();
        let mut network = network.with_clock(now);
        let bram = network.add_member(&anna, &Profile::new("Bram"), Role::Member, Some("device-bram")).unwrap();
        let new = NewSession {
            title: "Bijeenkomst 1".into(),
            kind: SessionKind::Plg,
            starts_at: "2026-09-01".into(),
            location: String::new(),
        };
        let session = network.add_session(&anna, &new).unwrap();
        Fixture { network, anna, bram, session }
    }

    /// Every text the versions show, oldest first.
    fn texts(network: &Network, field: &TextField, versions: &[TextVersion]) -> Vec<String> {
        versions.iter().rev().map(|v| network.text_at(field, &v.heads).unwrap()).collect()
    }

    /// How many changes touched `field`'s object, counted the slow way: every operation of
    /// every change.
    fn touching_changes(network: &mut Network, field: &TextField) -> usize {
        let obj = network.history_object(field).unwrap().unwrap();
        let target: ObjectId = obj.to_string().parse().unwrap();
        let changes = network.doc.get_changes(&[]);
        changes.iter().filter(|c| c.decode().operations.iter().any(|op| op.obj == target)).count()
    }

    #[test]
    fn three_edits_by_two_members_are_three_versions_each_readable() {
        let mut f = fixture();
        let notes = TextField::Notes(f.session.clone());
        f.network.update_text(&f.anna, &notes, "Opening.").unwrap();
        wait_minutes(1);
        f.network.append_text(&f.bram, &notes, "Bram: de rubric werkt.").unwrap();
        wait_minutes(1);
        f.network.splice_text(&f.anna, &notes, 0, 8, "Welkom.").unwrap();

        let versions = f.network.text_history(&notes).unwrap();
        let by: Vec<_> = versions.iter().map(|v| v.by.clone()).collect();
        assert_eq!(by, [Some(f.anna.clone()), Some(f.bram.clone()), Some(f.anna.clone())]);
        assert!(versions[0].at > versions[1].at && versions[1].at > versions[2].at, "newest first");
        assert_eq!(versions[0].at, now());
        assert_eq!(
            texts(&f.network, &notes, &versions),
            ["Opening.", "Opening.\nBram: de rubric werkt.", "Welkom.\nBram: de rubric werkt."]
        );
        assert_eq!(versions.iter().map(|v| v.changes).sum::<usize>(), touching_changes(&mut f.network, &notes));
    }

    #[test]
    fn a_typing_session_is_one_version() {
        let mut f = fixture();
        let notes = TextField::Notes(f.session.clone());
        for word in ["Eén ", "twee ", "drie "] {
            let len = f.network.text(&notes).unwrap().chars().count();
            f.network.splice_text(&f.anna, &notes, len, 0, word).unwrap();
            wait_minutes(2);
        }
        wait_minutes(10);
        f.network.append_text(&f.anna, &notes, "Later.").unwrap();

        let versions = f.network.text_history(&notes).unwrap();
        assert_eq!(versions.iter().map(|v| v.changes).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(texts(&f.network, &notes, &versions), ["Eén twee drie ", "Eén twee drie \nLater."]);
        assert!(versions.iter().all(|v| v.heads.len() == 1));
    }

    #[test]
    fn a_change_that_only_deletes_is_a_version() {
        let mut f = fixture();
        let notes = TextField::Notes(f.session.clone());
        f.network.update_text(&f.anna, &notes, "Eerst dit, en dat niet.").unwrap();
        wait_minutes(1);
        f.network.splice_text(&f.bram, &notes, 9, 13, "").unwrap();
        // Edits elsewhere do not count.
        let other = TextField::Agenda(f.session.clone());
        f.network.update_text(&f.bram, &other, "Agenda").unwrap();

        let versions = f.network.text_history(&notes).unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0].by.as_ref(), Some(&f.bram));
        assert_eq!(texts(&f.network, &notes, &versions), ["Eerst dit, en dat niet.", "Eerst dit."]);
        assert_eq!(f.network.text_history(&other).unwrap().len(), 1);
    }

    #[test]
    fn a_text_edited_before_and_after_a_concurrent_merge() {
        let mut f = fixture();
        let notes = TextField::Notes(f.session.clone());
        f.network.update_text(&f.anna, &notes, "Opening.\nAfsluiting.").unwrap();
        wait_minutes(10);

        // Both laptops offline: Anna adds to the first line, Bram to the end.
        let mut anna = f.network.fork();
        let mut bram = f.network.fork();
        bram.append_text(&f.bram, &notes, "Bram was er ook.").unwrap();
        wait_minutes(10);
        anna.splice_text(&f.anna, &notes, 8, 0, " Iedereen aanwezig.").unwrap();
        anna.merge(&mut bram).unwrap();
        wait_minutes(10);
        anna.append_text(&f.anna, &notes, "Na de merge.").unwrap();

        let versions = anna.text_history(&notes).unwrap();
        assert_eq!(versions.len(), 4, "{versions:?}");
        let mut shown = texts(&anna, &notes, &versions);
        assert_eq!(shown.first().map(String::as_str), Some("Opening.\nAfsluiting."));
        assert_eq!(
            shown.last().map(String::as_str),
            Some("Opening. Iedereen aanwezig.\nAfsluiting.\nBram was er ook.\nNa de merge.")
        );
        // The two offline versions each show only their own edit.
        shown.sort();
        assert!(shown.contains(&"Opening. Iedereen aanwezig.\nAfsluiting.".to_string()), "{shown:?}");
        assert!(shown.contains(&"Opening.\nAfsluiting.\nBram was er ook.".to_string()), "{shown:?}");
        assert_eq!(versions[0].by.as_ref(), Some(&f.anna));
        assert_eq!(versions.iter().map(|v| v.changes).sum::<usize>(), touching_changes(&mut anna, &notes));
    }

    #[test]
    fn before_the_text_existed_it_reads_empty() {
        let mut f = fixture();
        let before = f.network.heads();
        let question = f.network.add_question(&f.anna, "Hoe lezen ze?", "Begrijpend lezen.").unwrap();
        let cycle = f.network.add_cycle(&f.anna, &question, "2026-09-02").unwrap();
        let plan = TextField::Cycle(question.clone(), cycle.clone(), CyclePhase::Plan);
        f.network.update_text(&f.bram, &plan, "Samen lezen.").unwrap();

        for field in [TextField::Details(question.clone()), plan.clone()] {
            assert_eq!(f.network.text_at(&field, &before).unwrap(), "");
            assert_eq!(f.network.text_at(&field, &[]).unwrap(), "");
        }
        // The details written with the question are its first version.
        let details = TextField::Details(question.clone());
        let versions = f.network.text_history(&details).unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(f.network.text_at(&details, &versions[0].heads).unwrap(), "Begrijpend lezen.");
        let versions = f.network.text_history(&plan).unwrap();
        assert_eq!(versions.iter().map(|v| v.by.clone()).collect::<Vec<_>>(), [Some(f.bram.clone())]);
        // Heads this copy never saw are ignored.
        let unknown = ChangeHash([7; 32]);
        assert_eq!(f.network.text_at(&plan, &[unknown]).unwrap(), "");
        assert_eq!(f.network.text_at(&plan, &[unknown, versions[0].heads[0]]).unwrap(), "Samen lezen.");
    }

    #[test]
    fn deleted_records_keep_their_history_and_unknown_ones_are_errors() {
        let mut f = fixture();
        let notes = TextField::Notes(f.session.clone());
        f.network.update_text(&f.anna, &notes, "Verslag.").unwrap();
        f.network.delete_session(&f.anna, &f.session).unwrap();
        assert_eq!(f.network.text_history(&notes).unwrap().len(), 1);

        let missing = TextField::Notes(SessionId::new("nope"));
        assert!(matches!(f.network.text_history(&missing), Err(ModelError::UnknownSession(_))));
        let heads = f.network.heads();
        assert_eq!(f.network.text_at(&missing, &heads).unwrap(), "");
        let question = f.network.add_question(&f.anna, "Vraag", "").unwrap();
        let cycle = TextField::Cycle(question, CycleId::new("nope"), CyclePhase::Act);
        assert!(matches!(f.network.text_history(&cycle), Err(ModelError::UnknownCycle(_))));
        let details = TextField::Details(QuestionId::new("nope"));
        assert!(matches!(f.network.text_history(&details), Err(ModelError::UnknownQuestion(_))));
    }

    #[test]
    fn changes_without_a_kring_note_count_and_name_their_device_member() {
        let mut f = fixture();
        let notes = TextField::Notes(f.session.clone());
        f.network.update_text(&f.anna, &notes, "Begin.").unwrap();
        // Another program writes with Bram's device key and no note.
        let bram_key = crate::trust::key::SigningKey::from_bytes(&[0xb2; 32]);
        let bram_device = crate::trust::DeviceKey::device_id(&bram_key);
        f.network.add_device(&f.bram, &f.bram, &bram_key).unwrap();
        let obj = f.network.text_object(&notes).unwrap();
        let doc = f.network.doc_mut();
        doc.set_actor(crate::trust::actor_for_device(&bram_device));
        automerge::transaction::Transactable::splice_text(doc, &obj, 0, 0, "Echt ").unwrap();
        doc.commit();
        doc.set_actor(ActorId::random());
        automerge::transaction::Transactable::splice_text(doc, &obj, 0, 5, "").unwrap();
        doc.commit();

        let versions = f.network.text_history(&notes).unwrap();
        let by: Vec<_> = versions.iter().map(|v| v.by.clone()).collect();
        assert_eq!(by, [None, Some(f.bram.clone()), Some(f.anna.clone())]);
        assert_eq!(texts(&f.network, &notes, &versions), ["Begin.", "Echt Begin.", "Begin."]);
    }

    #[test]
    fn typing_under_a_note_that_names_another_record_still_counts() {
        let mut f = fixture();
        let notes = TextField::Notes(f.session.clone());
        f.network.update_text(&f.anna, &notes, "Begin.").unwrap();
        let obj = f.network.text_object(&notes).unwrap();
        let note = ChangeNote { by: f.bram.clone(), what: crate::ChangeKind::Voted, target: Some("elders".into()) };
        let doc = f.network.doc_mut();
        automerge::transaction::Transactable::splice_text(doc, &obj, 6, 0, " Verstopt.").unwrap();
        doc.commit_with(automerge::transaction::CommitOptions::default().with_message(note.encode()));

        let versions = f.network.text_history(&notes).unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0].by.as_ref(), Some(&f.bram));
        assert_eq!(texts(&f.network, &notes, &versions), ["Begin.", "Begin. Verstopt."]);
    }
}
