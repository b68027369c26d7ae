//! Plain, owned views of a network: cheap to render every frame, rebuilt only when the
//! document changes. Maps are keyed by id and ordered, so two peers with the same document
//! produce identical snapshots.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::ids::*;
use crate::vocab::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkSnapshot {
    pub schema: u64,
    pub info: NetworkInfo,
    pub members: BTreeMap<MemberId, Member>,
    pub invites: BTreeMap<InviteId, Invite>,
    pub sessions: BTreeMap<SessionId, Session>,
    pub questions: BTreeMap<QuestionId, Question>,
    pub factors: BTreeMap<FactorId, Factor>,
    pub rounds: BTreeMap<RoundId, ReflectionRound>,
    /// A leerhuis: the networks linked into it, and what they shared with it.
    #[serde(default)]
    pub links: BTreeMap<NetworkId, crate::leerhuis::LinkedNetwork>,
    #[serde(default)]
    pub publications: BTreeMap<PublicationId, crate::leerhuis::Publication>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkInfo {
    pub id: NetworkId,
    pub name: String,
    pub description: String,
    pub region: String,
    pub themes: BTreeSet<String>,
    pub created_at: UnixMillis,
    pub created_by: MemberId,
    /// Which chapter of the network this is (see `chapter.rs`).
    #[serde(default)]
    pub chapter: crate::ChapterInfo,
    /// A network of people, or a leerhuis.
    #[serde(default)]
    pub kind: NetworkKind,
    /// The leerhuizen this network is linked into.
    #[serde(default)]
    pub leerhuizen: BTreeMap<NetworkId, crate::leerhuis::LeerhuisLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: MemberId,
    pub name: String,
    pub perspective: Perspective,
    pub organisation: String,
    pub role: Role,
    /// Device ids with the time each was added.
    pub devices: BTreeMap<DeviceId, UnixMillis>,
    /// The devices whose own proof that they are this member's is in the record (devices
    /// listed by an older Kring have none until they write it).
    pub proven: BTreeSet<DeviceId>,
    pub joined_at: UnixMillis,
    pub removed_at: Option<UnixMillis>,
    /// In a leerhuis: the linked network this member joined through (none: invited directly).
    #[serde(default)]
    pub via: Option<NetworkId>,
}

impl Member {
    pub fn is_current(&self) -> bool {
        self.removed_at.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invite {
    pub id: InviteId,
    /// Hex SHA-256 (or similar) of the one-time secret; the secret itself is never stored.
    pub secret_hash: String,
    pub created_by: MemberId,
    pub created_at: UnixMillis,
    pub expires_at: UnixMillis,
    pub role: Role,
    pub max_uses: u64,
    /// Who it was made for ("Bram (ouder)"); `None` when the coordinator named nobody.
    #[serde(default)]
    pub made_for: Option<String>,
    /// Who joined with it, and when.
    pub uses: BTreeMap<MemberId, UnixMillis>,
    pub revoked_at: Option<UnixMillis>,
}

impl Invite {
    /// Open: not revoked, not expired at `now`, not used up.
    pub fn is_open(&self, now: UnixMillis) -> bool {
        self.revoked_at.is_none() && now < self.expires_at && (self.uses.len() as u64) < self.max_uses
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub id: SessionId,
    pub title: String,
    pub kind: SessionKind,
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, so it sorts as text.
    pub starts_at: String,
    pub location: String,
    pub agenda: String,
    pub notes: String,
    pub attendance: BTreeMap<MemberId, Attendance>,
    pub questions: BTreeSet<QuestionId>,
    pub actions: BTreeMap<ActionId, Action>,
    pub created_by: MemberId,
    pub created_at: UnixMillis,
    pub deleted_at: Option<UnixMillis>,
    /// The network's themes this session is about.
    #[serde(default)]
    pub themes: BTreeSet<String>,
    /// Rooms for phones opened in this meeting, with what guests sent.
    #[serde(default)]
    pub rooms: BTreeMap<RoomId, Room>,
    /// Photos, recordings, films and documents of this meeting (the bin's too).
    #[serde(default)]
    pub attachments: BTreeMap<AttachmentId, Attachment>,
    /// A leerhuis meeting only for members who came through these linked networks (and
    /// those who joined the leerhuis directly); empty: for all of them.
    #[serde(default)]
    pub open_to: BTreeSet<NetworkId>,
}

/// A photo, recording, film or document: what the network document says of it. Its bytes are
/// a blob named by `hash`, fetched from members' laptops (see `kring-node`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: AttachmentId,
    /// The file's name as it was added (shown, and offered when saved).
    pub name: String,
    pub kind: AttachmentKind,
    /// In bytes.
    pub size: u64,
    /// The BLAKE3 hash of the bytes, 64 lowercase hexadecimal digits.
    pub hash: String,
    pub added_by: MemberId,
    pub added_at: UnixMillis,
    /// In the bin: hidden from lists until restored; the bytes stay until the bin is emptied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<UnixMillis>,
    /// A photo a guest sent from the meeting's room for phones (written by the laptop that
    /// served it, `added_by` its member): the room and the contribution it came with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_guest: Option<FromGuest>,
}

/// Where a guest's photo came from: a room of the meeting it hangs on, and the guest's
/// contribution there (which says who the guest said they are).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FromGuest {
    pub room: RoomId,
    pub contribution: ContributionId,
}

/// What an attachment hangs on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttachedTo {
    Session(SessionId),
    Question(QuestionId),
    Cycle { question: QuestionId, cycle: CycleId },
}

/// A meeting's room for phones: what it showed guests and what they sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Room {
    pub id: RoomId,
    pub opened_by: MemberId,
    pub opened_at: UnixMillis,
    pub closed_at: Option<UnixMillis>,
    pub questions: BTreeSet<QuestionId>,
    pub reflection: Option<RoundId>,
    pub proposals: bool,
    pub reactions: bool,
    /// Whether guests may send a photo.
    #[serde(default)]
    pub photos: bool,
    pub guests: BTreeMap<ContributionId, GuestContribution>,
}

impl Room {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }

    /// How many photos guests sent.
    pub fn photos_sent(&self) -> usize {
        self.guests.values().filter(|c| c.kind == GuestKind::Photo).count()
    }

    /// Guests who sent anything, per perspective (a guest counted once).
    pub fn guests_by_perspective(&self) -> BTreeMap<GuestPerspective, usize> {
        let mut seen = BTreeMap::<&GuestId, GuestPerspective>::new();
        for contribution in self.guests.values() {
            seen.entry(&contribution.guest).or_insert(contribution.perspective);
        }
        let mut counts = BTreeMap::new();
        for perspective in seen.into_values() {
            *counts.entry(perspective).or_default() += 1;
        }
        counts
    }
}

/// One thing a guest sent from a phone, written by the laptop that served the room. Marked as
/// a guest's wherever it is shown: a guest is never a member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuestContribution {
    pub id: ContributionId,
    pub guest: GuestId,
    /// The name the guest chose; empty for "anoniem".
    pub name: String,
    pub perspective: GuestPerspective,
    pub kind: GuestKind,
    pub at: UnixMillis,
    /// The question voted for.
    pub question: Option<QuestionId>,
    /// A proposed question, a reaction, or a comment on scores.
    pub text: String,
    pub scores: BTreeMap<FactorId, i64>,
    /// A photo: the meeting's attachment that holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<AttachmentId>,
}

impl Session {
    /// Everything guests sent in this meeting's rooms, oldest first.
    pub fn guest_contributions(&self) -> Vec<&GuestContribution> {
        let mut all: Vec<&GuestContribution> = self.rooms.values().flat_map(|r| r.guests.values()).collect();
        all.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
        all
    }

    /// Actions not in the bin, in the order they were made.
    pub fn live_actions(&self) -> impl Iterator<Item = &Action> {
        let mut actions: Vec<&Action> = self.actions.values().filter(|a| a.deleted_at.is_none()).collect();
        actions.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        actions.into_iter()
    }
}

/// Something in a network's bin.
#[derive(Debug, Clone)]
pub enum Binned<'a> {
    Session(&'a Session),
    Question(&'a Question),
    Action(&'a Session, &'a Action),
    /// An attachment, with what it hangs on (its bytes stay on the laptops until the bin is
    /// emptied).
    Attachment(AttachedTo, &'a Attachment),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: ActionId,
    pub text: String,
    pub owner: Option<MemberId>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    pub done: bool,
    pub created_by: MemberId,
    pub created_at: UnixMillis,
    /// In the bin: hidden from lists until restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<UnixMillis>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: QuestionId,
    pub title: String,
    pub details: String,
    pub insights: String,
    pub status: QuestionStatus,
    pub proposed_by: MemberId,
    pub created_at: UnixMillis,
    /// Members who vote for this question, one vote each. Votes of removed members are kept
    /// in the document but not counted here.
    pub votes: BTreeSet<MemberId>,
    pub cycles: BTreeMap<CycleId, Cycle>,
    /// Sessions where this question was discussed (derived from the sessions' links).
    pub sessions: BTreeSet<SessionId>,
    pub deleted_at: Option<UnixMillis>,
    /// The network's themes this question is about.
    #[serde(default)]
    pub themes: BTreeSet<String>,
    /// Photos, recordings, films and documents of this question (the bin's too).
    #[serde(default)]
    pub attachments: BTreeMap<AttachmentId, Attachment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cycle {
    pub id: CycleId,
    pub plan: String,
    pub act: String,
    pub observe: String,
    pub reflect: String,
    pub started_on: String,
    pub ended_on: Option<String>,
    pub created_by: MemberId,
    pub created_at: UnixMillis,
    /// Photos, recordings, films and documents of this cycle (the bin's too).
    #[serde(default)]
    pub attachments: BTreeMap<AttachmentId, Attachment>,
}

impl Cycle {
    pub fn phase(&self, phase: CyclePhase) -> &str {
        match phase {
            CyclePhase::Plan => &self.plan,
            CyclePhase::Act => &self.act,
            CyclePhase::Observe => &self.observe,
            CyclePhase::Reflect => &self.reflect,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    pub id: FactorId,
    pub name: String,
    pub position: f64,
    pub removed_at: Option<UnixMillis>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReflectionRound {
    pub id: RoundId,
    pub title: String,
    pub opened_by: MemberId,
    pub opened_at: UnixMillis,
    pub closed_at: Option<UnixMillis>,
    /// The factors members score in this round (fixed when the round opens).
    pub factors: BTreeSet<FactorId>,
    /// Each member's score per factor.
    pub scores: BTreeMap<MemberId, BTreeMap<FactorId, Score>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub score: i64,
    pub comment: String,
}

/// Average and spread of one factor's scores in one round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FactorStats {
    pub count: usize,
    pub mean: f64,
    pub min: i64,
    pub max: i64,
    /// Population standard deviation.
    pub spread: f64,
}

impl ReflectionRound {
    pub fn stats(&self, factor: &FactorId) -> Option<FactorStats> {
        let scores: Vec<i64> =
            self.scores.values().filter_map(|per_factor| per_factor.get(factor)).map(|s| s.score).collect();
        let count = scores.len();
        if count == 0 {
            return None;
        }
        let mean = scores.iter().sum::<i64>() as f64 / count as f64;
        let variance = scores.iter().map(|s| (*s as f64 - mean).powi(2)).sum::<f64>() / count as f64;
        Some(FactorStats {
            count,
            mean,
            min: scores.iter().copied().min().unwrap_or_default(),
            max: scores.iter().copied().max().unwrap_or_default(),
            spread: variance.sqrt(),
        })
    }
}

impl NetworkSnapshot {
    /// The current member a device belongs to: who a connecting device is. Decided by
    /// [`crate::trust::owner`] over every record listing it, as [`crate::Network::member_for_device`].
    pub fn member_for_device(&self, device: &str) -> Option<&Member> {
        let claims = self.members.values().filter(|m| m.devices.contains_key(device)).map(|m| crate::trust::Claim {
            member: m,
            proven: m.proven.contains(device),
            removed: !m.is_current(),
        });
        crate::trust::owner(claims)
    }

    /// Sessions that are not deleted, by start date then id.
    pub fn live_sessions(&self) -> impl Iterator<Item = &Session> {
        let mut sessions: Vec<&Session> = self.sessions.values().filter(|s| s.deleted_at.is_none()).collect();
        sessions.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));
        sessions.into_iter()
    }

    /// Sessions, questions and actions in the bin, most recently deleted first.
    pub fn bin(&self) -> Vec<Binned<'_>> {
        let mut bin: Vec<(UnixMillis, Binned<'_>)> = Vec::new();
        for session in self.sessions.values() {
            if let Some(at) = session.deleted_at {
                bin.push((at, Binned::Session(session)));
            }
            for action in session.actions.values().filter(|_| session.deleted_at.is_none()) {
                if let Some(at) = action.deleted_at {
                    bin.push((at, Binned::Action(session, action)));
                }
            }
        }
        for question in self.questions.values() {
            if let Some(at) = question.deleted_at {
                bin.push((at, Binned::Question(question)));
            }
        }
        // An attachment of a meeting or question in the bin goes back with it.
        for (to, attachment) in self.attachments() {
            let holder_binned = match &to {
                AttachedTo::Session(s) => self.sessions.get(s).is_some_and(|s| s.deleted_at.is_some()),
                AttachedTo::Question(q) | AttachedTo::Cycle { question: q, .. } => {
                    self.questions.get(q).is_some_and(|q| q.deleted_at.is_some())
                }
            };
            if let Some(at) = attachment.deleted_at.filter(|_| !holder_binned) {
                bin.push((at, Binned::Attachment(to, attachment)));
            }
        }
        bin.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
        bin.into_iter().map(|(_, item)| item).collect()
    }

    /// Open actions (not done, not deleted) of live sessions, per owner, by due date. Actions
    /// nobody owns are listed under `None`.
    pub fn open_actions(&self) -> BTreeMap<Option<MemberId>, Vec<(&Session, &Action)>> {
        let mut open: BTreeMap<Option<MemberId>, Vec<(&Session, &Action)>> = BTreeMap::new();
        for session in self.live_sessions() {
            for action in session.live_actions() {
                if !action.done {
                    open.entry(action.owner.clone()).or_default().push((session, action));
                }
            }
        }
        for list in open.values_mut() {
            list.sort_by(|a, b| a.1.due.is_none().cmp(&b.1.due.is_none()).then(a.1.due.cmp(&b.1.due)));
        }
        open
    }

    /// Guests who voted for a question from a meeting's room on their phone (each guest once).
    /// Shown beside members' votes, marked as guests': a guest is never a member.
    pub fn guest_votes(&self, question: &QuestionId) -> usize {
        let guests: BTreeSet<&GuestId> = self
            .sessions
            .values()
            .filter(|s| s.deleted_at.is_none())
            .flat_map(|s| s.rooms.values())
            .flat_map(|r| r.guests.values())
            .filter(|c| c.kind == GuestKind::Vote && c.question.as_ref() == Some(question))
            .map(|c| &c.guest)
            .collect();
        guests.len()
    }

    /// Every attachment of the network (the bin's too) with what it hangs on, in a stable
    /// order: meetings', then questions', then cycles'.
    pub fn attachments(&self) -> Vec<(AttachedTo, &Attachment)> {
        let mut all = Vec::new();
        for session in self.sessions.values() {
            all.extend(session.attachments.values().map(|a| (AttachedTo::Session(session.id.clone()), a)));
        }
        for question in self.questions.values() {
            all.extend(question.attachments.values().map(|a| (AttachedTo::Question(question.id.clone()), a)));
        }
        for question in self.questions.values() {
            for cycle in question.cycles.values() {
                let to = || AttachedTo::Cycle { question: question.id.clone(), cycle: cycle.id.clone() };
                all.extend(cycle.attachments.values().map(|a| (to(), a)));
            }
        }
        all
    }

    /// The attachment `id`, wherever it hangs.
    pub fn attachment(&self, id: &AttachmentId) -> Option<(AttachedTo, &Attachment)> {
        self.attachments().into_iter().find(|(_, a)| a.id == *id)
    }

    pub fn live_questions(&self) -> impl Iterator<Item = &Question> {
        self.questions.values().filter(|q| q.deleted_at.is_none())
    }

    /// Factors still in use, in their display order.
    pub fn active_factors(&self) -> Vec<&Factor> {
        let mut factors: Vec<&Factor> = self.factors.values().filter(|f| f.removed_at.is_none()).collect();
        factors.sort_by(|a, b| a.position.total_cmp(&b.position).then(a.id.cmp(&b.id)));
        factors
    }
}
