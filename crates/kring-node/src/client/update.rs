//! What a node tells its interface.

use std::sync::Arc;

use kring_model::{ChangeSummary, MemberId, NetworkSnapshot, TextField};

use super::status::SyncStatus;
use crate::NodeError;

/// Why a command was refused, typed, so the interface words it in the person's language.
pub type Failure = Arc<NodeError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkEntry {
    pub id: String,
    pub name: String,
}

/// The watched network as it is now.
#[derive(Debug, Clone)]
pub struct NetworkView {
    pub network: String,
    /// Grows with every view sent; typing names the version it was made on.
    pub version: u64,
    /// Shared, so views can hold it for a frame without copying a big network.
    pub snapshot: Arc<NetworkSnapshot>,
    /// This device's member, if it still is one.
    pub me: Option<MemberId>,
    /// The last [`Command::Type`](super::Command::Type) request this view includes.
    pub typed: u64,
    /// The typist's caret (selection start and end) in this version of the text being typed in.
    pub caret: Option<(TextField, usize, usize)>,
    /// What others changed since this device's person last marked the network as seen.
    pub changes: Arc<ChangeSummary>,
}

#[derive(Debug, Clone)]
pub enum Update {
    /// The node runs; `device` is this device's id; `warnings`: what starting found (see
    /// [`crate::StartWarning`]).
    Ready {
        device: String,
        warnings: Vec<crate::StartWarning>,
    },
    /// The node could not start; nothing can be saved or synced.
    Failed(Failure),
    Networks(Vec<NetworkEntry>),
    View(Box<NetworkView>),
    Status(SyncStatus),
    /// The moments a text changed, newest first.
    History(TextHistory),
    /// A text as it was at `heads`.
    TextAt(TextAt),
    /// The leerhuizen held on this laptop.
    Leerhuizen(Vec<HeldLeerhuis>),
    /// Meetings, cycles and reflection rounds of every network on this laptop, oldest first.
    Timeline(Vec<TimelineItem>),
    /// What this laptop holds of the watched network's attachments.
    AttachmentsHere(super::AttachmentsHere),
    /// The bytes of a photo asked for with [`Command::ReadAttachment`](super::Command::ReadAttachment).
    AttachmentBytes {
        network: String,
        attachment: kring_model::AttachmentId,
        bytes: Result<super::Bytes, Failure>,
    },
    /// Every network's attachments on this laptop: disk use and fetch policy.
    AttachmentUse(Vec<super::AttachmentUse>),
    /// What a search across every network here found.
    Found(Box<Found>),
    /// How far the bundle of request `request` has been written or read.
    BundleProgress {
        request: u64,
        progress: crate::BundleProgress,
    },
    /// The result of request `request`: what it produced, or why it was refused.
    Done {
        request: u64,
        result: Result<Outcome, Failure>,
    },
}

/// What a command produced, for the window to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done, with nothing to show.
    Done,
    /// A network to open: created, joined, joined as one's other laptop, or read from a bundle.
    Network(String),
    /// The record an edit made (a meeting, question, reflection round, action): its id.
    Created(String),
    /// A member removed: how many open invitations they had made lapsed with it.
    InvitesRevoked(usize),
    /// An invitation, or a ticket for one's other laptop: to show and pass on.
    Ticket(String),
    /// A file written, here.
    Saved(std::path::PathBuf),
    /// A bundle merged into its network: how many of its changes were new, and how many
    /// attachments' bytes it carried (checked, and kept here).
    Merged { changes: usize, attachments: usize },
    /// The network went on in a new chapter, with this number.
    Chapter(u64),
}

impl Outcome {
    /// The network to open, when there is one.
    pub fn network(&self) -> Option<&str> {
        match self {
            Outcome::Network(id) => Some(id),
            _ => None,
        }
    }

    /// The record made, when there is one.
    pub fn created(&self) -> Option<&str> {
        match self {
            Outcome::Created(id) => Some(id),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TextHistory {
    pub field: TextField,
    pub versions: Vec<kring_model::TextVersion>,
}

#[derive(Debug, Clone)]
pub struct TextAt {
    pub field: TextField,
    pub heads: Vec<kring_model::automerge::ChangeHash>,
    pub text: String,
}

/// The hits of a search across every network on this laptop, for the query asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub query: String,
    pub results: kring_model::AcrossResults,
}

/// A leerhuis held on this laptop, as a linked network's pages need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldLeerhuis {
    pub id: String,
    pub name: String,
    /// The linked networks (still linked) this laptop is a delegate of: it shares for them.
    pub delegate_for: std::collections::BTreeSet<String>,
}

/// What happened in one of the networks on this laptop: the researcher's view across them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineItem {
    pub network: String,
    pub network_name: String,
    pub kind: TimelineKind,
    /// `YYYY-MM-DD`: a meeting's date, the day a cycle started or a round was opened.
    pub date: String,
    /// A meeting's or round's title; for a cycle, its question's.
    pub title: String,
    /// A meeting's or (a cycle's) question's themes; a round has none.
    pub themes: std::collections::BTreeSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimelineKind {
    Meeting,
    Cycle,
    Round,
}

impl TimelineItem {
    /// Everything of `snapshot` that goes on the timeline.
    pub fn of(network: &str, snapshot: &kring_model::NetworkSnapshot) -> Vec<TimelineItem> {
        let item = |kind, date: &str, title: &str, themes: &std::collections::BTreeSet<String>| TimelineItem {
            network: network.to_string(),
            network_name: snapshot.info.name.clone(),
            kind,
            date: date.chars().take(10).collect(),
            title: title.to_string(),
            themes: themes.clone(),
        };
        let none = std::collections::BTreeSet::new();
        let meetings = snapshot.live_sessions().map(|s| item(TimelineKind::Meeting, &s.starts_at, &s.title, &s.themes));
        let cycles = snapshot.live_questions().flat_map(|q| {
            q.cycles.values().map(|c| item(TimelineKind::Cycle, &c.started_on, &q.title, &q.themes)).collect::<Vec<_>>()
        });
        let rounds =
            snapshot.rounds.values().map(|r| item(TimelineKind::Round, &utc_day(r.opened_at), &r.title, &none));
        meetings.chain(cycles).chain(rounds).collect()
    }
}

/// The day (UTC) of a moment, as `YYYY-MM-DD` (the civil-from-days algorithm: no calendar
/// crate in the node for one date).
fn utc_day(millis: kring_model::UnixMillis) -> String {
    let days = millis.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_moment_is_its_utc_day() {
        assert_eq!(super::utc_day(0), "1970-01-01");
        // 2026-12-07T21:57:37Z, and a leap day.
        assert_eq!(super::utc_day(1_796_680_657_000), "2026-12-07");
        assert_eq!(super::utc_day(951_782_400_000), "2000-02-29");
    }
}
