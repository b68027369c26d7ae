//! "What changed since": every change carries a small note saying who did what to which
//! record, so a client can tell a member what happened while they were away (for instance after
//! a colleague's laptop synced the notes written offline during a meeting).

use std::collections::{BTreeMap, BTreeSet};

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

use crate::ids::{MemberId, UnixMillis};
use crate::network::Network;

/// What one change did, in words a person would use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    NetworkCreated,
    NetworkEdited,
    MemberAdded,
    MemberEdited,
    MemberRemoved,
    DeviceAdded,
    InviteCreated,
    InviteRevoked,
    InviteUsed,
    SessionAdded,
    SessionEdited,
    SessionDeleted,
    SessionRestored,
    AgendaEdited,
    NotesEdited,
    AttendanceSet,
    QuestionLinked,
    ActionAdded,
    ActionEdited,
    QuestionAdded,
    QuestionEdited,
    QuestionDeleted,
    QuestionRestored,
    DetailsEdited,
    InsightsEdited,
    Voted,
    VoteRetracted,
    StatusChanged,
    CycleAdded,
    CycleEdited,
    FactorEdited,
    RoundOpened,
    RoundClosed,
    Scored,
    ChapterStarted,
    /// Offline work from the old chapter, written again in the new one.
    CarriedOver,
    /// A meeting's room for phones was opened or closed.
    RoomOpened,
    RoomClosed,
    /// A guest in a room sent something from their phone (written by the laptop serving it).
    GuestContributed,
    /// A network was linked into a leerhuis (written on both sides), or left it.
    NetworkLinked,
    NetworkLeft,
    /// A linked network shared something with a leerhuis, or withdrew it.
    Published,
    PublicationWithdrawn,
    /// A member of a linked network joined the leerhuis with a delegate's voucher.
    JoinedThroughNetwork,
    /// A delegate issued vouchers to her network's members.
    VouchersIssued,
    /// An attachment was added, put in the bin, or taken out of it.
    AttachmentAdded,
    AttachmentDeleted,
    AttachmentRestored,
}

/// The commit message of every change Kring writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNote {
    pub by: MemberId,
    pub what: ChangeKind,
    /// The record it touched: a session id for notes, a question id for votes, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl ChangeNote {
    pub(crate) fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Commits what `doc` holds pending as one change with this note, made at `now` (the
    /// change's time is in seconds).
    pub(crate) fn commit(&self, doc: &mut automerge::AutoCommit, now: UnixMillis) {
        let options = automerge::transaction::CommitOptions::default()
            .with_time(now.div_euclid(1000))
            .with_message(self.encode());
        doc.commit_with(options);
    }

    /// `None` for changes written by other software or a future schema: they are counted as
    /// "other changes" rather than guessed at.
    pub fn decode(message: &str) -> Option<ChangeNote> {
        serde_json::from_str(message).ok()
    }
}

/// Changes of one kind to one record since the heads a member last saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeItem {
    pub what: ChangeKind,
    pub target: Option<String>,
    /// Everyone who made such a change, so the client can say "Anna and Bram edited the notes".
    pub by: BTreeSet<MemberId>,
    pub count: usize,
    /// Time of the most recent of these changes (as its author's clock said).
    pub last_at: UnixMillis,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChangeSummary {
    /// Grouped by kind and record, in a stable order.
    pub items: Vec<ChangeItem>,
    /// Changes without a Kring note (other software).
    pub other_changes: usize,
}

impl ChangeSummary {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.other_changes == 0
    }

    /// The records (session, question, ... ids) touched since then: what the client highlights.
    pub fn touched(&self) -> BTreeSet<&str> {
        self.items.iter().filter_map(|item| item.target.as_deref()).collect()
    }

    /// Whether anything happened to `target` (drawn per record, so it allocates nothing).
    pub fn touches(&self, target: &str) -> bool {
        self.items.iter().any(|item| item.target.as_deref() == Some(target))
    }

    /// Whether `what` happened to `target`.
    pub fn contains(&self, what: ChangeKind, target: &str) -> bool {
        self.items.iter().any(|i| i.what == what && i.target.as_deref() == Some(target))
    }

    /// Adds the changes of a later summary, so a long "since you last looked" can grow one
    /// sync at a time instead of being recounted from the start.
    pub fn absorb(&mut self, later: ChangeSummary) {
        let mut grouped: BTreeMap<(ChangeKind, Option<String>), ChangeItem> =
            self.items.drain(..).map(|item| ((item.what, item.target.clone()), item)).collect();
        for item in later.items {
            match grouped.get_mut(&(item.what, item.target.clone())) {
                Some(known) => {
                    known.by.extend(item.by);
                    known.count += item.count;
                    known.last_at = known.last_at.max(item.last_at);
                }
                None => {
                    grouped.insert((item.what, item.target.clone()), item);
                }
            }
        }
        self.items = grouped.into_values().collect();
        self.other_changes += later.other_changes;
    }

    /// Leaves out what only `member` did: nobody needs to be told about their own edits.
    pub fn without_member(mut self, member: &MemberId) -> ChangeSummary {
        self.items.retain(|item| item.by.iter().any(|by| by != member));
        for item in &mut self.items {
            item.by.remove(member);
        }
        self
    }
}

impl Network {
    /// What changed since `seen` (the heads a member last looked at). Heads this copy does not
    /// know are ignored, so a stale or foreign value yields "everything", never an error.
    pub fn changes_since(&mut self, seen: &[ChangeHash]) -> ChangeSummary {
        let known: Vec<ChangeHash> =
            seen.iter().filter(|hash| self.doc.get_change_meta_by_hash(hash).is_some()).copied().collect();
        let mut grouped: BTreeMap<(ChangeKind, Option<String>), ChangeItem> = BTreeMap::new();
        let mut other_changes = 0;
        for meta in self.doc.get_changes_meta(&known) {
            let Some(note) = meta.message.as_deref().and_then(ChangeNote::decode) else {
                other_changes += 1;
                continue;
            };
            let at = meta.timestamp.saturating_mul(1000);
            let item = grouped.entry((note.what, note.target.clone())).or_insert_with(|| ChangeItem {
                what: note.what,
                target: note.target,
                by: BTreeSet::new(),
                count: 0,
                last_at: at,
            });
            item.by.insert(note.by);
            item.count += 1;
            item.last_at = item.last_at.max(at);
        }
        ChangeSummary { items: grouped.into_values().collect(), other_changes }
    }
}
