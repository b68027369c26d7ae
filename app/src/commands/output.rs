//! What every `kring` command prints, in one place.
//!
//! A command prints one JSON object on stdout when it is done (an [`Output`]); `serve`,
//! `relay` and `device link` print one object per line as they go. Scripts and the tests in
//! `tests/` read these keys: a key renamed or a value changed here breaks them.
//!
//! Every object is printed with its keys in alphabetical order (see [`line`]), whatever the
//! order of the fields below, so the same answer is always the same bytes.
//!
//! Ids are the compact 32-hex-digit ids of the model; devices and endpoints are 64-hex-digit
//! device ids; `*_at` times are milliseconds since the Unix epoch (UTC); dates are as typed
//! (`2030-01-02`, `2030-01-02T15:00`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use kring_model::{
    ActionId, AttachmentId, AttachmentKind, Attendance, ContributionId, CycleId, CyclePhase, DeviceId, FactorId,
    FactorStats, GuestId, GuestKind, GuestPerspective, InviteId, MemberId, NetworkId, Perspective, QuestionId,
    QuestionStatus, Role, RoomId, RoundId, Score, SessionId, SessionKind, UnixMillis,
};
use kring_node::PeerReport;
use serde::Serialize;

/// `value` as one line of JSON, keys in alphabetical order, without the newline. Fails only
/// for a file name that is not valid UTF-8.
pub(crate) fn line(value: &impl Serialize) -> serde_json::Result<String> {
    // Through a `serde_json::Value`, whose objects keep their keys sorted.
    Ok(serde_json::to_value(value)?.to_string())
}

macro_rules! outputs {
    ($($name:ident),+ $(,)?) => {
        /// What a command prints when it is done: one of the objects below, as it is (no tag
        /// says which).
        #[derive(Debug, Serialize)]
        #[serde(untagged)]
        // One per command run, printed and gone: its size costs nothing.
        #[allow(clippy::large_enum_variant)]
        pub(crate) enum Output {
            $($name($name)),+
        }

        $(impl From<$name> for Output {
            fn from(output: $name) -> Output {
                Output::$name(output)
            }
        })+
    };
}

outputs!(
    Membership,
    NetworkList,
    NetworkName,
    NetworkDescription,
    NetworkRegion,
    NetworkThemes,
    SessionAdded,
    NotesLength,
    AgendaLength,
    AttendanceSet,
    SessionEdited,
    SessionTagged,
    SessionDeleted,
    QuestionLinked,
    ActionAdded,
    ActionDone,
    ActionDeleted,
    QuestionAdded,
    Votes,
    QuestionStatusSet,
    QuestionRenamed,
    QuestionTagged,
    QuestionDeleted,
    DetailsLength,
    InsightsLength,
    CycleStarted,
    CycleEnded,
    PhaseLength,
    RoundOpened,
    Scored,
    RoundClosed,
    Factor,
    FactorRemoved,
    MemberRemoved,
    RoleSet,
    ProfileSaved,
    DeviceLinked,
    DeviceAdded,
    InviteCreated,
    InviteRevoked,
    Published,
    Withdrawn,
    Overview,
    VouchersIssued,
    Unlinked,
    ReportWritten,
    InviteList,
    BundleExported,
    BundleImported,
    ChapterStarted,
    ChapterShown,
    Shown,
    OpenActions,
    Bin,
    CalendarWritten,
    Settings,
    Synced,
    AddressConnected,
    Refreshed,
    Attached,
    AttachmentSaved,
);

// ---- networks -------------------------------------------------------------------------------

/// `kring network create`, and `kring join` with a ticket of a network new to this laptop:
/// the network, and the member this laptop is in it.
#[derive(Debug, Serialize)]
pub(crate) struct Membership {
    pub network: NetworkId,
    pub member: MemberId,
}

/// `kring network list`: every network on this laptop.
#[derive(Debug, Serialize)]
pub(crate) struct NetworkList {
    pub networks: Vec<ListedNetwork>,
}

/// One network in [`NetworkList`].
#[derive(Debug, Serialize)]
pub(crate) struct ListedNetwork {
    pub id: NetworkId,
    /// `null` when the network cannot be read.
    pub name: Option<String>,
    /// Why the network cannot be read; only then present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `kring network rename`: the network's name as now saved.
#[derive(Debug, Serialize)]
pub(crate) struct NetworkName {
    pub network: NetworkId,
    pub name: String,
}

/// `kring network describe`: the description as now saved (`""`: none).
#[derive(Debug, Serialize)]
pub(crate) struct NetworkDescription {
    pub network: NetworkId,
    pub description: String,
}

/// `kring network region`: the region as now saved (`""`: none).
#[derive(Debug, Serialize)]
pub(crate) struct NetworkRegion {
    pub network: NetworkId,
    pub region: String,
}

/// `kring network theme add|remove`: every theme of the network now, sorted.
#[derive(Debug, Serialize)]
pub(crate) struct NetworkThemes {
    pub network: NetworkId,
    pub themes: BTreeSet<String>,
}

// ---- sessions (meetings) --------------------------------------------------------------------

/// `kring session add`: the new meeting.
#[derive(Debug, Serialize)]
pub(crate) struct SessionAdded {
    pub session: SessionId,
}

/// `kring session notes`: the meeting's notes are now `notes_length` characters long.
#[derive(Debug, Serialize)]
pub(crate) struct NotesLength {
    pub session: SessionId,
    pub notes_length: usize,
}

/// `kring session agenda`: the meeting's agenda is now `agenda_length` characters long.
#[derive(Debug, Serialize)]
pub(crate) struct AgendaLength {
    pub session: SessionId,
    pub agenda_length: usize,
}

/// `kring session attend`: `member` (this laptop's own member unless `--member`) is now
/// `status` (`present`, `absent` or `excused`) for the meeting.
#[derive(Debug, Serialize)]
pub(crate) struct AttendanceSet {
    pub session: SessionId,
    pub member: MemberId,
    pub status: Attendance,
}

/// `kring session edit`: the meeting as now saved.
#[derive(Debug, Serialize)]
pub(crate) struct SessionEdited {
    pub session: SessionId,
    pub title: String,
    pub kind: SessionKind,
    /// When it starts, as typed.
    pub date: String,
    pub location: String,
}

/// `kring session theme`: `theme` (trimmed) now is (`tagged`) or is not a theme of the meeting.
#[derive(Debug, Serialize)]
pub(crate) struct SessionTagged {
    pub session: SessionId,
    pub theme: String,
    pub tagged: bool,
}

/// `kring session delete` (`deleted` true: in the bin) and `kring session restore` (false).
#[derive(Debug, Serialize)]
pub(crate) struct SessionDeleted {
    pub session: SessionId,
    pub deleted: bool,
}

/// `kring session link`: the learning question is now (`linked`) or is no longer linked to the
/// meeting (`--unlink`).
#[derive(Debug, Serialize)]
pub(crate) struct QuestionLinked {
    pub session: SessionId,
    pub question: QuestionId,
    pub linked: bool,
}

/// `kring session action add`: the new action of the meeting.
#[derive(Debug, Serialize)]
pub(crate) struct ActionAdded {
    pub session: SessionId,
    pub action: ActionId,
}

/// `kring session action done`: the action is now done, or not (`--undo`).
#[derive(Debug, Serialize)]
pub(crate) struct ActionDone {
    pub session: SessionId,
    pub action: ActionId,
    pub done: bool,
}

/// `kring session action delete` (`deleted` true: in the bin) and `restore` (false).
#[derive(Debug, Serialize)]
pub(crate) struct ActionDeleted {
    pub session: SessionId,
    pub action: ActionId,
    pub deleted: bool,
}

// ---- learning questions ---------------------------------------------------------------------

/// `kring question add`: the new learning question.
#[derive(Debug, Serialize)]
pub(crate) struct QuestionAdded {
    pub question: QuestionId,
}

/// `kring question vote` (and `--retract`): how many members vote for the question now.
#[derive(Debug, Serialize)]
pub(crate) struct Votes {
    pub question: QuestionId,
    pub votes: usize,
}

/// `kring question status`: the question's status now.
#[derive(Debug, Serialize)]
pub(crate) struct QuestionStatusSet {
    pub question: QuestionId,
    pub status: QuestionStatus,
}

/// `kring question rename`: the title as now saved.
#[derive(Debug, Serialize)]
pub(crate) struct QuestionRenamed {
    pub question: QuestionId,
    pub title: String,
}

/// `kring question theme`: `theme` (trimmed) now is (`tagged`) or is not a theme of the
/// question.
#[derive(Debug, Serialize)]
pub(crate) struct QuestionTagged {
    pub question: QuestionId,
    pub theme: String,
    pub tagged: bool,
}

/// `kring question delete` (`deleted` true: in the bin) and `kring question restore` (false).
#[derive(Debug, Serialize)]
pub(crate) struct QuestionDeleted {
    pub question: QuestionId,
    pub deleted: bool,
}

/// `kring question details`: the question's details are now `details_length` characters long.
#[derive(Debug, Serialize)]
pub(crate) struct DetailsLength {
    pub question: QuestionId,
    pub details_length: usize,
}

/// `kring question insights`: the question's insights are now `insights_length` characters
/// long.
#[derive(Debug, Serialize)]
pub(crate) struct InsightsLength {
    pub question: QuestionId,
    pub insights_length: usize,
}

/// `kring question cycle add`: the new action-research cycle and the day it started on
/// (`null` if it could not be read back).
#[derive(Debug, Serialize)]
pub(crate) struct CycleStarted {
    pub question: QuestionId,
    pub cycle: CycleId,
    pub started_on: Option<String>,
}

/// `kring question cycle end`: the day the cycle ended on, as now saved.
#[derive(Debug, Serialize)]
pub(crate) struct CycleEnded {
    pub question: QuestionId,
    pub cycle: CycleId,
    pub ended_on: Option<String>,
}

/// `kring question cycle write`: the cycle's text for `phase` is now `length` characters long.
#[derive(Debug, Serialize)]
pub(crate) struct PhaseLength {
    pub question: QuestionId,
    pub cycle: CycleId,
    pub phase: CyclePhase,
    pub length: usize,
}

// ---- reflection -----------------------------------------------------------------------------

/// `kring reflection open`: the new reflection round.
#[derive(Debug, Serialize)]
pub(crate) struct RoundOpened {
    pub round: RoundId,
}

/// `kring reflection score`: this laptop's member gave `factor` the `score` (1 to 5).
#[derive(Debug, Serialize)]
pub(crate) struct Scored {
    pub round: RoundId,
    pub factor: FactorId,
    pub score: i64,
}

/// `kring reflection close`: nobody can score in the round any more (`closed` is always true).
#[derive(Debug, Serialize)]
pub(crate) struct RoundClosed {
    pub round: RoundId,
    pub closed: bool,
}

/// `kring reflection factor add|rename`: the factor and its name as now saved.
#[derive(Debug, Serialize)]
pub(crate) struct Factor {
    pub factor: FactorId,
    pub name: Option<String>,
}

/// `kring reflection factor remove`: new rounds go without the factor (`removed` is always
/// true).
#[derive(Debug, Serialize)]
pub(crate) struct FactorRemoved {
    pub factor: FactorId,
    pub removed: bool,
}

// ---- members and devices --------------------------------------------------------------------

/// `kring member remove`: the member is removed (`removed` is always true), and the invites
/// revoked with them.
#[derive(Debug, Serialize)]
pub(crate) struct MemberRemoved {
    pub member: MemberId,
    pub removed: bool,
    pub revoked_invites: Vec<InviteId>,
    /// With `--new-chapter` only: the number of the chapter begun without the member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chapter: Option<u64>,
}

/// `kring member role`: the member's role now.
#[derive(Debug, Serialize)]
pub(crate) struct RoleSet {
    pub member: MemberId,
    pub role: Role,
}

/// `kring member profile`: the member's profile as now saved.
#[derive(Debug, Serialize)]
pub(crate) struct ProfileSaved {
    pub member: MemberId,
    pub name: String,
    pub perspective: Perspective,
    pub organisation: String,
}

/// `kring device link`, its first line: the one-time ticket to type on the other laptop,
/// valid until `expires_at`.
#[derive(Debug, Serialize)]
pub(crate) struct LinkTicket {
    pub ticket: String,
    pub network: String,
    pub expires_at: u64,
}

/// `kring device link`, its second line: the other laptop used the ticket and is now `device`
/// of `member` (`linked` is always true).
#[derive(Debug, Serialize)]
pub(crate) struct DeviceLinked {
    pub linked: bool,
    pub network: String,
    pub member: String,
    pub device: DeviceId,
}

/// `kring device add`: this laptop is now `device` of `member` in the network.
#[derive(Debug, Serialize)]
pub(crate) struct DeviceAdded {
    pub network: String,
    pub member: String,
    pub device: DeviceId,
}

/// `kring leerhuis publish`: the copy now in the leerhuis, and which version of its record.
#[derive(Debug, Serialize)]
pub(crate) struct Published {
    pub publication: kring_model::PublicationId,
    pub leerhuis: NetworkId,
    pub version: u64,
}

/// `kring leerhuis vouchers`: how many members of the network now have access to the leerhuis.
#[derive(Debug, Serialize)]
pub(crate) struct VouchersIssued {
    pub leerhuis: NetworkId,
    pub issued: usize,
    /// Who lost their place in the leerhuis, having been removed from the network.
    pub removed: Vec<MemberId>,
}

/// `kring leerhuis unlink`: the network left the leerhuis; `removed` members had joined
/// through it, and `withdrawn` says whether what it shared was withdrawn (else archived).
#[derive(Debug, Serialize)]
pub(crate) struct Unlinked {
    pub leerhuis: NetworkId,
    pub network: NetworkId,
    pub removed: usize,
    pub withdrawn: bool,
}

/// `kring leerhuis report`: where the report was written, and its size.
#[derive(Debug, Serialize)]
pub(crate) struct ReportWritten {
    pub file: PathBuf,
    pub bytes: usize,
}

/// `kring leerhuis withdraw` (`withdrawn` is always true).
#[derive(Debug, Serialize)]
pub(crate) struct Withdrawn {
    pub publication: kring_model::PublicationId,
    pub withdrawn: bool,
}

/// `kring leerhuis overview`: newest first, each with its source.
#[derive(Debug, Serialize)]
pub(crate) struct Overview {
    pub leerhuis: NetworkId,
    pub items: Vec<kring_model::leerhuis::OverviewItem>,
}

/// `kring invite`: the ticket to send the invitee, the invite it uses, and who it is for
/// (`null`: nobody named).
#[derive(Debug, Serialize)]
pub(crate) struct InviteCreated {
    pub ticket: String,
    pub invite: InviteId,
    pub made_for: Option<String>,
}

/// `kring invite list`: every invite of the network, oldest first.
#[derive(Debug, Serialize)]
pub(crate) struct InviteList {
    pub invites: Vec<ListedInvite>,
}

/// One invite in [`InviteList`]. `made_for` is who it was made for (`null`: nobody named);
/// `open` says whether it can still be used now (not revoked, not expired, not used up).
#[derive(Debug, Serialize)]
pub(crate) struct ListedInvite {
    pub id: InviteId,
    pub made_for: Option<String>,
    pub role: Role,
    pub used: u64,
    pub max_uses: u64,
    pub created_at: UnixMillis,
    pub expires_at: UnixMillis,
    pub revoked: bool,
    pub open: bool,
}

/// `kring invite revoke`: the invite can no longer be used (`revoked` is always true).
#[derive(Debug, Serialize)]
pub(crate) struct InviteRevoked {
    pub invite: InviteId,
    pub revoked: bool,
}

// ---- bundles and chapters -------------------------------------------------------------------

/// `kring bundle export`: the bundle written to `file`, `bytes` long.
#[derive(Debug, Serialize)]
pub(crate) struct BundleExported {
    pub network: String,
    pub file: PathBuf,
    pub bytes: usize,
    pub locked_for: LockedFor,
    /// With `--with-attachments`: the attachments whose bytes it carries, and those it does not
    /// (not whole on this laptop).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments_missing: Option<usize>,
}

/// Who can open an exported bundle: `"passphrase"`, or `{"members_devices": N}` for the N
/// devices of the network's current members.
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum LockedFor {
    Passphrase,
    MembersDevices(usize),
}

/// `kring bundle import`: the network was new to this laptop (`created`) or merged into its
/// copy; `new_changes` is how many changes this laptop did not have (all of them when new).
#[derive(Debug, Serialize)]
pub(crate) struct BundleImported {
    pub network: String,
    pub created: bool,
    pub new_changes: usize,
    /// The attachments whose bytes the bundle carried (only when it carried any).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<usize>,
}

/// The chapter a network is in, as `kring chapter show|new`, `kring erase` print it.
#[derive(Debug, Serialize)]
pub(crate) struct Chapter {
    pub network: String,
    /// 1 for the first chapter.
    pub chapter: u64,
    /// `""` for the first chapter.
    pub chapter_id: String,
    /// Who began the chapter, and when: `null` for the first chapter.
    pub started_by: Option<MemberId>,
    pub started_at: Option<UnixMillis>,
    /// Whether something was erased when the chapter began.
    pub erased: bool,
}

/// `kring chapter new` and `kring erase`: the chapter this laptop switched to, and whether it
/// kept the old chapter's history (`--keep-history`, never with an erasure).
#[derive(Debug, Serialize)]
pub(crate) struct ChapterStarted {
    #[serde(flatten)]
    pub chapter: Chapter,
    pub old_history_kept: bool,
}

/// `kring chapter show`: the chapter this laptop is on, and for every current member whether
/// their laptops are on it too.
#[derive(Debug, Serialize)]
pub(crate) struct ChapterShown {
    #[serde(flatten)]
    pub chapter: Chapter,
    pub members: Vec<MemberChapter>,
}

/// One member in [`ChapterShown`].
#[derive(Debug, Serialize)]
pub(crate) struct MemberChapter {
    pub member: MemberId,
    pub name: String,
    pub chapter: Switch,
}

/// Whether a member's laptops are on this laptop's chapter, as far as this laptop heard.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Switch {
    /// One of them said so, or the member is this laptop's own.
    Switched,
    /// One of them named another chapter.
    NotYet,
    /// None was heard from since this laptop switched.
    Unknown,
}

// ---- reading a network ----------------------------------------------------------------------

/// `kring show`: the whole network. Every list is in a fixed order and nothing local to this
/// laptop is in it, so two laptops holding the same document print the same bytes.
#[derive(Debug, Serialize)]
pub(crate) struct Shown {
    pub network: ShownNetwork,
    /// By id.
    pub members: Vec<ShownMember>,
    /// By date, then id; deleted ones too.
    pub sessions: Vec<ShownSession>,
    /// By creation, then id; deleted ones too.
    pub questions: Vec<ShownQuestion>,
    /// The factors new rounds are scored on, in their order.
    pub factors: Vec<ShownFactor>,
    /// The reflection rounds, by opening, then id.
    pub reflections: Vec<ShownRound>,
    /// A leerhuis: the networks linked into it, by id.
    pub links: Vec<kring_model::leerhuis::LinkedNetwork>,
    /// A leerhuis: what the linked networks shared, withdrawn ones too, by time, then id.
    pub publications: Vec<kring_model::leerhuis::Publication>,
}

/// The network's own details in [`Shown`].
#[derive(Debug, Serialize)]
pub(crate) struct ShownNetwork {
    pub id: NetworkId,
    pub name: String,
    pub description: String,
    pub region: String,
    pub themes: BTreeSet<String>,
    pub created_at: UnixMillis,
    pub created_by: MemberId,
    /// The version of the document's schema.
    pub schema: u64,
    /// `network` or `leerhuis`.
    pub kind: kring_model::NetworkKind,
    /// The leerhuizen this network is linked into, by id.
    pub leerhuizen: Vec<kring_model::leerhuis::LeerhuisLink>,
}

/// A member in [`Shown`], removed ones too.
#[derive(Debug, Serialize)]
pub(crate) struct ShownMember {
    pub id: MemberId,
    pub name: String,
    pub perspective: Perspective,
    pub organisation: String,
    pub role: Role,
    /// The member's devices, by id.
    pub devices: Vec<DeviceId>,
    /// The devices that proved they belong to the member (signed).
    pub proven_devices: BTreeSet<DeviceId>,
    pub joined_at: UnixMillis,
    pub removed: bool,
}

/// `kring room open`'s first line: the page's address first (printed in this order, not
/// sorted, so that a script or a person sees it at once).
#[derive(Debug, Serialize)]
pub(crate) struct RoomOpened {
    pub url: String,
    pub room: RoomId,
    pub session: SessionId,
    pub network: String,
}

/// `kring room open`'s line per guest contribution (`"event": "contribution"`).
#[derive(Debug, Serialize)]
pub(crate) struct GuestSent {
    pub event: &'static str,
    #[serde(flatten)]
    pub sent: kring_room::SentContribution,
}

/// `kring room open`'s last line, when the room is closed.
#[derive(Debug, Serialize)]
pub(crate) struct RoomClosed {
    pub event: &'static str,
    pub room: RoomId,
    pub guests: usize,
}

/// A room for phones of a meeting in [`Shown`].
#[derive(Debug, Serialize)]
pub(crate) struct ShownRoom {
    pub id: RoomId,
    pub opened_by: MemberId,
    pub opened_at: UnixMillis,
    pub open: bool,
    pub questions: BTreeSet<QuestionId>,
    pub reflection: Option<RoundId>,
    pub proposals: bool,
    pub reactions: bool,
    /// Whether guests may send a photo.
    pub photos: bool,
    /// What guests sent, oldest first.
    pub contributions: Vec<ShownGuestContribution>,
}

/// A guest's contribution in [`Shown`]: marked as a guest's by its `guest`.
#[derive(Debug, Serialize)]
pub(crate) struct ShownGuestContribution {
    pub id: ContributionId,
    pub guest: ShownGuest,
    pub kind: GuestKind,
    pub at: UnixMillis,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<QuestionId>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub scores: BTreeMap<FactorId, i64>,
    /// A photo: the meeting's attachment that holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<kring_model::AttachmentId>,
}

/// Who a guest said they are; `name` is "anoniem" when they chose none.
#[derive(Debug, Serialize)]
pub(crate) struct ShownGuest {
    pub id: GuestId,
    pub name: String,
    pub perspective: GuestPerspective,
}

/// A meeting in [`Shown`].
#[derive(Debug, Serialize)]
pub(crate) struct ShownSession {
    pub id: SessionId,
    pub title: String,
    pub kind: SessionKind,
    pub date: String,
    pub location: String,
    pub agenda: String,
    pub notes: String,
    pub attendance: BTreeMap<MemberId, Attendance>,
    /// The learning questions linked to the meeting.
    pub questions: BTreeSet<QuestionId>,
    /// By creation, then id; deleted ones too.
    pub actions: Vec<ShownAction>,
    pub themes: BTreeSet<String>,
    /// In the bin.
    pub deleted: bool,
    /// Rooms for phones opened in the meeting, with what guests sent (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rooms: Vec<ShownRoom>,
    /// Photos, recordings, films and documents (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<ShownAttachment>,
    /// A leerhuis meeting only for the members of these linked networks (left out when it is
    /// for all of them).
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub open_to: BTreeSet<NetworkId>,
}

/// An attachment of a meeting, question or cycle in [`Shown`]: what the network says of it
/// (whether its bytes are on this laptop is not said: `show` prints the same on every laptop).
#[derive(Debug, Serialize)]
pub(crate) struct ShownAttachment {
    pub id: AttachmentId,
    pub name: String,
    pub kind: AttachmentKind,
    pub size: u64,
    pub hash: String,
    pub added_by: MemberId,
    pub added_at: UnixMillis,
    /// In the bin.
    pub deleted: bool,
    /// A guest's photo from the meeting's room: the room and the contribution it came with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_guest: Option<kring_model::FromGuest>,
}

/// An action of a meeting in [`Shown`].
#[derive(Debug, Serialize)]
pub(crate) struct ShownAction {
    pub id: ActionId,
    pub text: String,
    pub owner: Option<MemberId>,
    pub due: Option<String>,
    pub done: bool,
    pub deleted: bool,
}

/// A learning question in [`Shown`].
#[derive(Debug, Serialize)]
pub(crate) struct ShownQuestion {
    pub id: QuestionId,
    pub title: String,
    pub details: String,
    pub insights: String,
    pub status: QuestionStatus,
    /// The members who vote for it.
    pub votes: BTreeSet<MemberId>,
    pub proposed_by: MemberId,
    pub created_at: UnixMillis,
    /// The meetings it is linked to.
    pub sessions: BTreeSet<SessionId>,
    /// By the day they started on, then id.
    pub cycles: Vec<ShownCycle>,
    pub themes: BTreeSet<String>,
    pub deleted: bool,
    /// Photos, recordings, films and documents (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<ShownAttachment>,
}

/// An action-research cycle of a question in [`Shown`], with the text of each phase.
#[derive(Debug, Serialize)]
pub(crate) struct ShownCycle {
    pub id: CycleId,
    pub started_on: String,
    pub ended_on: Option<String>,
    pub plan: String,
    pub act: String,
    pub observe: String,
    pub reflect: String,
    /// Photos, recordings, films and documents (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<ShownAttachment>,
}

/// A factor in [`Shown`].
#[derive(Debug, Serialize)]
pub(crate) struct ShownFactor {
    pub id: FactorId,
    pub name: String,
}

/// A reflection round in [`Shown`].
#[derive(Debug, Serialize)]
pub(crate) struct ShownRound {
    pub id: RoundId,
    pub title: String,
    pub opened_by: MemberId,
    pub opened_at: UnixMillis,
    pub closed: bool,
    /// The factors scored in this round.
    pub factors: BTreeSet<FactorId>,
    /// Every member's score and comment per factor.
    pub scores: BTreeMap<MemberId, BTreeMap<FactorId, Score>>,
    /// Per factor that has a score: count, mean, min, max and spread of the scores.
    pub stats: BTreeMap<FactorId, FactorStats>,
}

/// `kring actions`: the open actions (not done, not deleted), per member.
#[derive(Debug, Serialize)]
pub(crate) struct OpenActions {
    pub network: NetworkId,
    pub open_actions: Vec<MemberActions>,
}

/// One member's open actions in [`OpenActions`]; `member` and `name` are `null` for the
/// actions that nobody owns.
#[derive(Debug, Serialize)]
pub(crate) struct MemberActions {
    pub member: Option<MemberId>,
    pub name: Option<String>,
    pub actions: Vec<OpenAction>,
}

/// One open action, with the meeting it was agreed in.
#[derive(Debug, Serialize)]
pub(crate) struct OpenAction {
    pub session: SessionId,
    pub session_title: String,
    pub session_date: String,
    pub action: ActionId,
    pub text: String,
    pub due: Option<String>,
}

/// `kring bin`: what is in the network's bin, most recently deleted first.
#[derive(Debug, Serialize)]
pub(crate) struct Bin {
    pub network: NetworkId,
    pub bin: Vec<BinItem>,
}

/// One thing in the bin, with its `kind`: `session`, `question` or `action`.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum BinItem {
    Session {
        id: SessionId,
        title: String,
        date: String,
        deleted_at: Option<UnixMillis>,
    },
    Question {
        id: QuestionId,
        title: String,
        deleted_at: Option<UnixMillis>,
    },
    /// An action, with the meeting it belongs to.
    Action {
        id: ActionId,
        text: String,
        session: SessionId,
        session_title: String,
        deleted_at: Option<UnixMillis>,
    },
    /// An attachment, with what it hangs on.
    Attachment {
        id: kring_model::AttachmentId,
        name: String,
        to: kring_model::AttachedTo,
        deleted_at: Option<UnixMillis>,
    },
}

/// `kring calendar --out FILE`: the calendar written, with how many meetings it holds.
#[derive(Debug, Serialize)]
pub(crate) struct CalendarWritten {
    pub file: PathBuf,
    pub sessions: usize,
    pub bytes: usize,
}

/// `kring settings`: this laptop's settings as now saved.
#[derive(Debug, Serialize)]
pub(crate) struct Settings {
    pub offline: bool,
    /// The school's or region's relay; `null`: the public relays.
    pub relay_url: Option<String>,
    /// `nl` or `en`.
    pub language: String,
    pub no_public_services: bool,
    pub lan_announce: bool,
    /// Where this laptop keeps its key, settings and networks.
    pub data_dir: PathBuf,
}

// ---- attachments ----------------------------------------------------------------------------

/// `kring attach`: the attachment written, and the BLAKE3 hash of its bytes (64 hex digits).
#[derive(Debug, Serialize)]
pub(crate) struct Attached {
    pub network: NetworkId,
    pub attachment: AttachmentId,
    pub hash: String,
    pub name: String,
    pub kind: AttachmentKind,
    pub size: u64,
}

/// `kring attachment get`: where the bytes were written; `fetched` when they came from a
/// member's laptop just now rather than from this laptop's store, and `resumed_from` how many
/// of them were here already (from a fetch that was cut off; all of them when not fetched).
#[derive(Debug, Serialize)]
pub(crate) struct AttachmentSaved {
    pub attachment: AttachmentId,
    pub hash: String,
    pub file: PathBuf,
    pub bytes: u64,
    pub fetched: bool,
    pub resumed_from: u64,
}

// ---- networking -----------------------------------------------------------------------------

/// `kring sync`: how syncing went with each member device.
#[derive(Debug, Serialize)]
pub(crate) struct Synced {
    pub peers: Vec<PeerReport>,
}

/// `kring connect ADDRESS`: the laptop at the address typed in.
#[derive(Debug, Serialize)]
pub(crate) struct AddressConnected {
    pub device: DeviceId,
    pub addrs: Vec<String>,
    /// The address was new to this laptop.
    pub learned: bool,
    /// The device is a member device of a network here (it was synced with).
    pub member_device: bool,
    pub peers: Vec<PeerReport>,
}

/// `kring connect TICKET` and `kring join TICKET` with a ticket of a network this laptop has:
/// the ticket's addresses were remembered (`refreshed` is always true), and synced with.
#[derive(Debug, Serialize)]
pub(crate) struct Refreshed {
    pub network: String,
    pub member: String,
    pub refreshed: bool,
    pub peers: Vec<PeerReport>,
}

/// `kring serve`, its first line: this laptop's endpoint and addresses, and with `--invite` a
/// ticket and the invite it uses. Every line after it is a [`kring_node::NodeEvent`] or a
/// [`ServeProblem`].
#[derive(Debug, Serialize)]
pub(crate) struct Serving {
    pub endpoint: DeviceId,
    pub addrs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite: Option<InviteId>,
}

/// A line of `kring serve` that is no event of the node: `{"event": "error", "message": …}`.
#[derive(Debug, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub(crate) enum ServeProblem {
    /// Events came faster than they were printed; `message` says how many were not shown.
    Error { message: String },
}

/// `kring relay`, its one line: the URL to give the laptops, and the address it listens on.
#[derive(Debug, Serialize)]
pub(crate) struct RelayListening {
    pub relay: String,
    pub listening: String,
}
