//! A new chapter of a network: a fresh document holding the network as it is now, and none of
//! its history (see `docs/chapters.md`).
//!
//! The chapter's first change is written by a coordinator's device. It copies every member
//! (removed ones too, so that their names stay readable and their devices stay refused), the
//! sessions, questions, factors and reflection rounds, with all prose as current text. It
//! leaves out what was deleted (the bin is emptied), every invite (a ticket in someone's mail
//! no longer opens the network) and whatever the coordinator chose to erase.

use std::collections::BTreeMap;

use automerge::{AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value, transaction::Transactable};

use crate::changes::{ChangeKind, ChangeNote};
use crate::error::{CoordinatorTask, ModelError, Result};
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;

/// Something erased for everyone when a chapter starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Erasure {
    Session(SessionId),
    Question(QuestionId),
    /// One member's comment on one factor in a reflection round.
    Comment {
        round: RoundId,
        member: MemberId,
        factor: FactorId,
    },
    /// One thing a guest sent from a phone in a meeting's room (a guest's words can name a
    /// child as easily as a member's).
    GuestContribution {
        session: SessionId,
        room: crate::RoomId,
        contribution: crate::ContributionId,
    },
    /// An attachment (a photo, a recording, a document): its record leaves with the chapter,
    /// and every laptop that switches deletes its bytes once no record names them.
    Attachment(AttachmentId),
    /// The characters `from..to` (counted in `char`s) of one text; with `expected`, only if
    /// they still read so (a passage chosen on screen while someone else typed has moved).
    Passage {
        field: crate::TextField,
        from: usize,
        to: usize,
        expected: Option<String>,
    },
}

/// Which chapter of its network a document is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChapterInfo {
    /// Empty for a network's first chapter (written before chapters existed).
    pub id: String,
    /// 1 for the first chapter.
    pub number: u64,
    pub previous: String,
    pub started_by: Option<MemberId>,
    pub started_at: Option<UnixMillis>,
    /// Whether something was erased when this chapter started.
    pub erased: bool,
}

impl Default for ChapterInfo {
    /// A network's first chapter.
    fn default() -> Self {
        ChapterInfo {
            id: String::new(),
            number: 1,
            previous: String::new(),
            started_by: None,
            started_at: None,
            erased: false,
        }
    }
}

impl Network {
    /// Which chapter this document is.
    pub fn chapter(&self) -> ChapterInfo {
        let Some(chapter) = crate::access::obj(&self.doc, &ROOT, CHAPTER) else {
            return ChapterInfo::default();
        };
        let string = |key| crate::access::string(&self.doc, &chapter, key).unwrap_or_default();
        ChapterInfo {
            id: string(ID),
            number: crate::access::uint(&self.doc, &chapter, NUMBER).unwrap_or(1),
            previous: string(PREVIOUS),
            started_by: crate::access::string(&self.doc, &chapter, STARTED_BY).map(MemberId::new),
            started_at: crate::access::int(&self.doc, &chapter, STARTED_AT),
            erased: crate::access::boolean(&self.doc, &chapter, ERASED).unwrap_or(false),
        }
    }

    /// The id this chapter goes by on the wire: empty for a network's first chapter.
    pub fn chapter_id(&self) -> String {
        chapter_id_of(&self.doc)
    }

    /// The next chapter of this network, begun by coordinator `by` on `device`: one change
    /// holding the network as it is now, minus `erase`. This document is left as it is.
    pub fn start_chapter(&mut self, by: &MemberId, device: &str, erase: &[Erasure]) -> Result<Network> {
        self.coordinator(by, CoordinatorTask::NewChapter)?;
        for erasure in erase {
            self.check_erasure(erasure)?;
        }
        let linked = self.with_guest_photos(erase)?;
        let erase = linked.as_slice();
        let previous = self.chapter();
        let id = ChapterId::random();
        let now = self.now();
        let base = self.clock();

        let mut doc = AutoCommit::new().with_actor(crate::trust::actor_for_device(device));
        let plan = CopyPlan { erase };
        plan.copy_map(&self.doc, &ROOT, &mut doc, &ROOT, &mut Vec::new())?;
        let chapter = doc.put_object(ROOT, CHAPTER, ObjType::Map)?;
        doc.put(&chapter, ID, id.as_str())?;
        doc.put(&chapter, NUMBER, previous.number + 1)?;
        doc.put(&chapter, PREVIOUS, previous.id.as_str())?;
        doc.put(&chapter, STARTED_BY, by.as_str())?;
        doc.put(&chapter, STARTED_AT, now)?;
        doc.put(&chapter, ERASED, !erase.is_empty())?;
        let clock = doc.put_object(&chapter, BASE, ObjType::Map)?;
        for (actor, seq) in base {
            doc.put(&clock, actor, seq)?;
        }
        let note = ChangeNote { by: by.clone(), what: ChangeKind::ChapterStarted, target: Some(id.to_string()) };
        note.commit(&mut doc, now);
        // The document already writes as `device` (its actor, above).
        Ok(Network::from_doc(doc)?.with_clock(self.clock_fn()))
    }

    /// For every actor, the last of its changes this chapter holds: what the next chapter's
    /// first change is based on (an offline member's later edits are the ones to carry over).
    fn clock(&mut self) -> BTreeMap<String, u64> {
        let mut clock = BTreeMap::new();
        for meta in self.doc.get_changes_meta(&[]) {
            let seq = clock.entry(meta.actor.to_hex_string()).or_insert(0);
            *seq = (*seq).max(meta.seq);
        }
        clock
    }

    /// For every actor, the last change the chapter's first change was based on (empty for a
    /// first chapter).
    pub fn chapter_base(&self) -> BTreeMap<String, u64> {
        let Some(chapter) = crate::access::obj(&self.doc, &ROOT, CHAPTER) else { return BTreeMap::new() };
        let Some(base) = crate::access::obj(&self.doc, &chapter, BASE) else { return BTreeMap::new() };
        crate::access::keys(&self.doc, &base)
            .into_iter()
            .filter_map(|actor| Some((actor.clone(), crate::access::uint(&self.doc, &base, &actor)?)))
            .collect()
    }

    /// `erase`, and with a guest's photo its contribution and the other way round: the two name
    /// each other, and neither goes without the other.
    fn with_guest_photos(&self, erase: &[Erasure]) -> Result<Vec<Erasure>> {
        let mut all = erase.to_vec();
        if erase.is_empty() {
            return Ok(all); // A chapter for a removal: no attachment to read.
        }
        for (to, attachment) in self.attachments()? {
            let (crate::AttachedTo::Session(session), Some(guest)) = (to, &attachment.from_guest) else { continue };
            let contribution = Erasure::GuestContribution {
                session,
                room: guest.room.clone(),
                contribution: guest.contribution.clone(),
            };
            let photo = Erasure::Attachment(attachment.id.clone());
            match (all.contains(&contribution), all.contains(&photo)) {
                (true, false) => all.push(photo),
                (false, true) => all.push(contribution),
                _ => {}
            }
        }
        Ok(all)
    }

    fn check_erasure(&self, erasure: &Erasure) -> Result<()> {
        match erasure {
            Erasure::Session(session) => self.session_obj(session).map(|_| ()),
            Erasure::Question(question) => self.question_obj(question).map(|_| ()),
            Erasure::Comment { round, member, factor } => {
                let round_obj = self.round_obj(round)?;
                let comments = self.child_map(&round_obj, COMMENTS)?;
                let key = score_key(member.as_str(), factor.as_str());
                match crate::access::string(&self.doc, &comments, &key) {
                    Some(_) => Ok(()),
                    None => Err(ModelError::NothingToErase),
                }
            }
            Erasure::GuestContribution { session, room, contribution } => {
                let room_obj = self.room_obj(session, room)?;
                let guests = self.child_map(&room_obj, GUESTS)?;
                match crate::access::obj(&self.doc, &guests, contribution.as_str()) {
                    Some(_) => Ok(()),
                    None => Err(ModelError::NothingToErase),
                }
            }
            Erasure::Attachment(attachment) => match self.attachments()?.iter().any(|(_, a)| a.id == *attachment) {
                true => Ok(()),
                false => Err(ModelError::UnknownAttachment(attachment.clone())),
            },
            Erasure::Passage { field, from, to, expected } => {
                let text = self.text(field)?;
                let len = text.chars().count();
                let passage: String = text.chars().skip(*from).take(to.saturating_sub(*from)).collect();
                let moved = expected.as_ref().is_some_and(|expected| *expected != passage);
                if from >= to || *to > len || moved {
                    return Err(ModelError::BadTextRange { field: field.field(), pos: *to, len });
                }
                Ok(())
            }
        }
    }
}

/// The chapter a network document is (see [`Network::chapter_id`]), read without wrapping it.
pub fn chapter_id_of(doc: &impl ReadDoc) -> String {
    crate::access::obj(doc, &ROOT, CHAPTER)
        .and_then(|chapter| crate::access::string(doc, &chapter, ID))
        .unwrap_or_default()
}

/// What to leave out while copying the document into a new chapter.
struct CopyPlan<'a> {
    erase: &'a [Erasure],
}

impl CopyPlan<'_> {
    /// Whether the value at `path` stays out of the new chapter.
    fn leaves_out(&self, from: &AutoCommit, obj: &ObjId, path: &[&str]) -> bool {
        let deleted = || crate::access::int(from, obj, DELETED_AT).is_some();
        match path {
            // The old chapter's own record, and every invite (see the module's comment).
            [CHAPTER] => true,
            [INVITES, _] => true,
            [SESSIONS | QUESTIONS, _] | [SESSIONS, _, ACTIONS, _] if deleted() => true,
            // A withdrawn publication leaves the leerhuis with its next chapter.
            [PUBLICATIONS, _] => crate::access::int(from, obj, WITHDRAWN_AT).is_some(),
            // Attachments in the bin go with it, and those erased (their bytes are no longer asked
            // for, and each laptop deletes them once it has switched).
            [SESSIONS | QUESTIONS, _, key] | [QUESTIONS, _, CYCLES, _, key] if key.starts_with(ATTACHMENT_PREFIX) => {
                deleted()
                    || self
                        .erase
                        .iter()
                        .any(|e| matches!(e, Erasure::Attachment(a) if attachment_key(a.as_str()) == *key))
            }
            [SESSIONS, id] => self.erase.iter().any(|e| matches!(e, Erasure::Session(s) if s.as_str() == *id)),
            [QUESTIONS, id] => self.erase.iter().any(|e| matches!(e, Erasure::Question(q) if q.as_str() == *id)),
            [SESSIONS, session, room, GUESTS, id] => self.erase.iter().any(|e| {
                matches!(e, Erasure::GuestContribution { session: s, room: r, contribution: c }
                    if s.as_str() == *session && room_key(r.as_str()) == *room && c.as_str() == *id)
            }),
            [REFLECTIONS, round, COMMENTS, key] => self.erase.iter().any(|e| {
                matches!(e, Erasure::Comment { round: r, member, factor }
                    if r.as_str() == *round && score_key(member.as_str(), factor.as_str()) == *key)
            }),
            _ => false,
        }
    }

    /// The part of the text at `path` to leave out, if a passage of it is erased.
    fn erased_passages(&self, path: &[&str]) -> Vec<(usize, usize)> {
        self.erase
            .iter()
            .filter_map(|e| match e {
                Erasure::Passage { field, from, to, .. } if text_path(field).iter().eq(path.iter()) => {
                    Some((*from, *to))
                }
                _ => None,
            })
            .collect()
    }

    fn copy_map(
        &self,
        from: &AutoCommit,
        source: &ObjId,
        to: &mut AutoCommit,
        target: &ObjId,
        path: &mut Vec<String>,
    ) -> Result<()> {
        for key in from.keys(source).collect::<Vec<_>>() {
            let Some((value, id)) = from.get(source, key.as_str())? else { continue };
            path.push(key.clone());
            let borrowed: Vec<&str> = path.iter().map(String::as_str).collect();
            if !self.leaves_out(from, &id, &borrowed) {
                match value {
                    Value::Object(ObjType::Map) => {
                        let child = to.put_object(target, key.as_str(), ObjType::Map)?;
                        self.copy_map(from, &id, to, &child, path)?;
                    }
                    Value::Object(ObjType::Text) => {
                        let text = from.text(&id)?;
                        let kept = without_passages(&text, &self.erased_passages(&borrowed));
                        let child = to.put_object(target, key.as_str(), ObjType::Text)?;
                        to.splice_text(&child, 0, 0, &kept)?;
                    }
                    // Kring writes no lists; whatever else sits in a document is not Kring's.
                    Value::Object(_) => {}
                    Value::Scalar(scalar) => {
                        let scalar: ScalarValue = scalar.into_owned();
                        to.put(target, key.as_str(), scalar)?;
                    }
                }
            }
            path.pop();
        }
        Ok(())
    }
}

/// Where a text field sits in the document.
fn text_path(field: &crate::TextField) -> Vec<&str> {
    use crate::TextField as F;
    match field {
        F::Agenda(s) => vec![SESSIONS, s.as_str(), AGENDA],
        F::Notes(s) => vec![SESSIONS, s.as_str(), NOTES],
        F::Details(q) => vec![QUESTIONS, q.as_str(), DETAILS],
        F::Insights(q) => vec![QUESTIONS, q.as_str(), INSIGHTS],
        F::Cycle(q, c, phase) => vec![QUESTIONS, q.as_str(), CYCLES, c.as_str(), phase.as_str()],
    }
}

/// `text` without the characters in `passages` (`from..to`, counted in `char`s).
fn without_passages(text: &str, passages: &[(usize, usize)]) -> String {
    text.chars()
        .enumerate()
        .filter(|(i, _)| !passages.iter().any(|(from, to)| (*from..*to).contains(i)))
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_are_cut_out_by_character() {
        assert_eq!(without_passages("één twee drie", &[(4, 9)]), "één drie");
        assert_eq!(without_passages("abc", &[]), "abc");
        assert_eq!(without_passages("abcdef", &[(0, 1), (4, 6)]), "bcd");
    }
}
