//! What may exist in a network document, and who may write it: the allow-list every laptop
//! matches each operation of an incoming change against. A place that is not in this table is
//! refused, whatever it holds. `docs/trust-rules.md` is this table in words; every slot names
//! its rule there (`rule`), and a test holds the two together.

use automerge::ScalarValue;

use crate::leerhuis::{MAX_PUBLICATION_TEXT, MAX_VOUCHER_BYTES, MIN_GROUP};
use crate::schema::*;
use crate::trust::proof::{PROOF_BYTES, PROOF_PREFIX};
use crate::validate::{MAX_GUEST_NAME, MAX_GUEST_TEXT, MAX_LONG, MAX_NAME, MAX_SHORT};

/// One key of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seg {
    /// Exactly this key.
    Key(&'static str),
    /// A record's id (uuid, or a factor's stable name): 1–64 of `A-Z a-z 0-9 _ -`.
    Id,
    /// A device id: 64 lowercase hex digits.
    Device,
    /// A member's score or comment on a factor: `<member id>/<factor id>`.
    ScoreKey,
    /// A theme a record carries: `theme:<name>`.
    ThemeKey,
    /// A theme of the network: its name.
    Theme,
    /// A device's proof in its member record: `proof:<device id>`.
    ProofKey,
    /// A meeting's room for phones: `room:<room id>`.
    RoomKey,
    /// A leerhuis a network is linked into: `leerhuis:<leerhuis id>`.
    LeerhuisKey,
    /// One of the perspectives of members (`teacher`, `youth-parent`, ...).
    PerspectiveWord,
    /// An attachment of a meeting, question or cycle: `attachment:<attachment id>`.
    AttachmentKey,
}

/// What a slot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A record: a map created under an existing collection, with all its containers.
    Record,
    /// A map created in the same change as the record that holds it.
    Map,
    /// A collaborative text created in the same change as the record that holds it.
    Text,
    Scalar(Kind),
}

/// The scalar values Kring writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A string of at most this many characters.
    Str(usize),
    /// A record's id, as [`Seg::Id`] (e.g. who made it).
    IdStr,
    /// One word of a closed vocabulary.
    Word(&'static [&'static str]),
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, as the model writes it.
    DateTime,
    /// `YYYY-MM-DD`.
    Date,
    /// Milliseconds since 1970 (a moment).
    Millis,
    /// A whole number from 1.
    Count,
    /// A reflection score, 1 to 5.
    Score,
    /// A factor's place in the list.
    Position,
    /// The mark `true` of a set (votes, links, themes).
    True,
    Bool,
    /// A device's proof.
    Proof,
    /// The schema version: at least 1, at most what this build knows.
    Schema,
    /// A mean of reflection scores: 1 to 5.
    Mean,
    /// The spread (standard deviation) of reflection scores: 0 to 2.
    Spread,
    /// A number of people an aggregate stands for: at least [`MIN_GROUP`].
    Group,
    /// A voucher as it is kept (bounded bytes; what it says is checked where it is used).
    Voucher,
    /// An attachment's size in bytes: 0 to [`MAX_ATTACHMENT_BYTES`].
    Size,
    /// A content hash: 64 lowercase hex digits (BLAKE3, as the blob store names blobs).
    Hash,
}

/// Who may write a slot. Members are named by the key at `usize` in the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Who {
    /// Nobody after the network's (or chapter's) first change.
    Nobody,
    Coordinator,
    /// Any current member.
    Member,
    /// Only the member named at that key of the path (for a score key: its member part).
    Own(usize),
    /// The member named there, or a coordinator for them.
    OwnOrCoordinator(usize),
    /// A coordinator, or a delegate of the linked network named at that key of the path (a
    /// device its coordinators listed in the leerhuis, as of the change's history).
    CoordinatorOrDelegate(usize),
}

/// What a slot's writes are checked for beyond shape and writer (the rules that need the
/// document as of the change's history).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extra {
    None,
    /// The value names the change's author (who made or opened a record).
    Author,
    /// A member's role: nobody promotes themselves; a coordinator stays.
    Role,
    /// A member's removal: only forward; a coordinator stays.
    Removal,
    /// An invite's revocation: only forward.
    Revocation,
    /// A member admitted with an invite (as part of creating the member).
    InviteUse,
    /// A device listed under a member: one member per device, ever; with its proof.
    Device,
    /// A device's proof: valid for this network and member, for a device the member lists.
    Proof,
    /// The schema version: only raised.
    Schema,
    /// A guest's contribution: by the laptop of the member who opened the room, while the room
    /// is open, of a kind the room takes.
    Guest,
    /// A leerhuis's link to a network: only forward once left.
    LinkLeft,
    /// A publication in a leerhuis: by a delegate of the network it names, while linked, of
    /// the shape its kind allows (a reflection round only as aggregates of enough people).
    Publication,
    /// A publication's withdrawal: by a delegate of its network; never taken back.
    Withdrawal,
    /// A meeting's attendance per perspective in a publication: youth and parents only where
    /// enough were present (fewer are marked "<5" instead).
    SmallGroup,
    /// An attachment, made whole: a name, a kind, a size, a hash and who added it, together.
    Attachment,
    /// Whom a leerhuis meeting is for: only in a leerhuis, naming only networks linked into it.
    OpenTo,
    /// A guest's photo: an image attachment of the meeting and a photo contribution naming each
    /// other, by the laptop of the member who opened the room, while it is open and takes photos.
    GuestPhoto,
}

/// One place of the document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    /// Its rule in `docs/trust-rules.md`; the test that holds the two together reads it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) rule: u8,
    pub(crate) path: &'static [Seg],
    pub(crate) shape: Shape,
    pub(crate) who: Who,
    /// Written only in the change that creates the record holding it.
    pub(crate) once: bool,
    /// May be deleted (sets and optional marks); everything else is never deleted.
    pub(crate) deletable: bool,
    pub(crate) extra: Extra,
}

use Extra as X;
use Kind as K;
use Seg::*;
use Shape as S;
use Who as W;

const fn slot(rule: u8, path: &'static [Seg], shape: Shape, who: Who) -> Slot {
    Slot { rule, path, shape, who, once: false, deletable: false, extra: Extra::None }
}

impl Slot {
    const fn once(mut self) -> Slot {
        self.once = true;
        self
    }
    const fn deletable(mut self) -> Slot {
        self.deletable = true;
        self
    }
    const fn extra(mut self, extra: Extra) -> Slot {
        self.extra = extra;
        self
    }
}

const PERSPECTIVES: &[&str] = &["student", "teacher", "practitioner", "researcher", "youth-parent", "other"];
const ROLES: &[&str] = &["coordinator", "member"];
const SESSION_KINDS: &[&str] = &["plg", "regioteam", "leerhuis", "other"];
const ATTENDANCE_WORDS: &[&str] = &["present", "absent", "excused"];
const QUESTION_STATUSES: &[&str] = &["proposed", "central", "exploring", "answered", "parked"];
const GUEST_PERSPECTIVES: &[&str] = &["youth", "parent", "student", "teacher", "practitioner", "researcher", "other"];
const GUEST_KINDS: &[&str] = &["vote", "question", "score", "reaction", "photo"];
const NETWORK_KINDS: &[&str] = &["network", "leerhuis"];
const PUBLICATION_KINDS: &[&str] = &["question", "session", "reflection"];
/// A publication's text fields.
const PUBLISHED: Kind = Kind::Str(MAX_PUBLICATION_TEXT);
const ATTACHMENT_KINDS: &[&str] = &["image", "audio", "video", "pdf", "document", "other"];

/// The whole schema. The top level (the collections, `schema`, `network` and `chapter`) is
/// written only by a network's or chapter's first change, which is checked as a whole instead.
pub(crate) const TABLE: &[Slot] = &[
    // The network's details.
    slot(1, &[Key(SCHEMA)], S::Scalar(K::Schema), W::Coordinator).extra(X::Schema),
    slot(2, &[Key(NETWORK), Key(ID)], S::Scalar(K::IdStr), W::Nobody),
    slot(2, &[Key(NETWORK), Key(CREATED_AT)], S::Scalar(K::Millis), W::Nobody),
    slot(2, &[Key(NETWORK), Key(CREATED_BY)], S::Scalar(K::IdStr), W::Nobody),
    slot(3, &[Key(NETWORK), Key(NAME)], S::Scalar(K::Str(MAX_NAME)), W::Coordinator),
    slot(3, &[Key(NETWORK), Key(DESCRIPTION)], S::Scalar(K::Str(MAX_LONG)), W::Coordinator),
    slot(3, &[Key(NETWORK), Key(REGION)], S::Scalar(K::Str(MAX_SHORT)), W::Coordinator),
    slot(3, &[Key(NETWORK), Key(THEMES)], S::Map, W::Nobody),
    slot(3, &[Key(NETWORK), Key(THEMES), Theme], S::Scalar(K::True), W::Coordinator).deletable(),
    // Members.
    slot(4, &[Key(MEMBERS), Id], S::Record, W::Coordinator).extra(X::InviteUse),
    slot(5, &[Key(MEMBERS), Id, Key(NAME)], S::Scalar(K::Str(MAX_NAME)), W::OwnOrCoordinator(1)),
    slot(5, &[Key(MEMBERS), Id, Key(PERSPECTIVE)], S::Scalar(K::Word(PERSPECTIVES)), W::OwnOrCoordinator(1)),
    slot(5, &[Key(MEMBERS), Id, Key(ORGANISATION)], S::Scalar(K::Str(MAX_SHORT)), W::OwnOrCoordinator(1)),
    slot(6, &[Key(MEMBERS), Id, Key(ROLE)], S::Scalar(K::Word(ROLES)), W::Coordinator).extra(X::Role),
    slot(7, &[Key(MEMBERS), Id, Key(JOINED_AT)], S::Scalar(K::Millis), W::Coordinator).once(),
    slot(8, &[Key(MEMBERS), Id, Key(REMOVED_AT)], S::Scalar(K::Millis), W::Coordinator).extra(X::Removal),
    slot(9, &[Key(MEMBERS), Id, Key(DEVICES)], S::Map, W::Coordinator),
    slot(9, &[Key(MEMBERS), Id, Key(DEVICES), Device], S::Scalar(K::Millis), W::OwnOrCoordinator(1)).extra(X::Device),
    slot(10, &[Key(MEMBERS), Id, ProofKey], S::Scalar(K::Proof), W::Member).extra(X::Proof),
    // Invites.
    slot(11, &[Key(INVITES), Id], S::Record, W::Coordinator),
    slot(11, &[Key(INVITES), Id, Key(SECRET_HASH)], S::Scalar(K::Str(MAX_SHORT)), W::Coordinator).once(),
    slot(11, &[Key(INVITES), Id, Key(CREATED_BY)], S::Scalar(K::IdStr), W::Coordinator).once().extra(X::Author),
    slot(11, &[Key(INVITES), Id, Key(CREATED_AT)], S::Scalar(K::Millis), W::Coordinator).once(),
    slot(11, &[Key(INVITES), Id, Key(EXPIRES_AT)], S::Scalar(K::Millis), W::Coordinator).once(),
    slot(11, &[Key(INVITES), Id, Key(ROLE)], S::Scalar(K::Word(ROLES)), W::Coordinator).once(),
    slot(11, &[Key(INVITES), Id, Key(MAX_USES)], S::Scalar(K::Count), W::Coordinator).once(),
    slot(35, &[Key(INVITES), Id, Key(MADE_FOR)], S::Scalar(K::Str(MAX_SHORT)), W::Coordinator).once(),
    slot(11, &[Key(INVITES), Id, Key(USES)], S::Map, W::Coordinator),
    slot(12, &[Key(INVITES), Id, Key(USES), Id], S::Scalar(K::Millis), W::Member).extra(X::InviteUse),
    slot(13, &[Key(INVITES), Id, Key(REVOKED_AT)], S::Scalar(K::Millis), W::Coordinator).extra(X::Revocation),
    // Meetings.
    slot(14, &[Key(SESSIONS), Id], S::Record, W::Member),
    slot(15, &[Key(SESSIONS), Id, Key(TITLE)], S::Scalar(K::Str(MAX_NAME)), W::Member),
    slot(15, &[Key(SESSIONS), Id, Key(KIND)], S::Scalar(K::Word(SESSION_KINDS)), W::Member),
    slot(15, &[Key(SESSIONS), Id, Key(STARTS_AT)], S::Scalar(K::DateTime), W::Member),
    slot(15, &[Key(SESSIONS), Id, Key(LOCATION)], S::Scalar(K::Str(MAX_SHORT)), W::Member),
    slot(15, &[Key(SESSIONS), Id, ThemeKey], S::Scalar(K::True), W::Member).deletable(),
    slot(15, &[Key(SESSIONS), Id, Key(DELETED_AT)], S::Scalar(K::Millis), W::Member).deletable(),
    slot(16, &[Key(SESSIONS), Id, Key(CREATED_BY)], S::Scalar(K::IdStr), W::Member).once().extra(X::Author),
    slot(16, &[Key(SESSIONS), Id, Key(CREATED_AT)], S::Scalar(K::Millis), W::Member).once(),
    slot(17, &[Key(SESSIONS), Id, Key(AGENDA)], S::Text, W::Member),
    slot(17, &[Key(SESSIONS), Id, Key(NOTES)], S::Text, W::Member),
    slot(18, &[Key(SESSIONS), Id, Key(ATTENDANCE)], S::Map, W::Member),
    slot(18, &[Key(SESSIONS), Id, Key(ATTENDANCE), Id], S::Scalar(K::Word(ATTENDANCE_WORDS)), W::OwnOrCoordinator(3)),
    slot(19, &[Key(SESSIONS), Id, Key(QUESTIONS)], S::Map, W::Member),
    slot(19, &[Key(SESSIONS), Id, Key(QUESTIONS), Id], S::Scalar(K::True), W::Member).deletable(),
    slot(20, &[Key(SESSIONS), Id, Key(ACTIONS)], S::Map, W::Member),
    slot(20, &[Key(SESSIONS), Id, Key(ACTIONS), Id], S::Record, W::Member),
    slot(20, &[Key(SESSIONS), Id, Key(ACTIONS), Id, Key(TEXT)], S::Scalar(K::Str(MAX_LONG)), W::Member).once(),
    slot(20, &[Key(SESSIONS), Id, Key(ACTIONS), Id, Key(OWNER)], S::Scalar(K::IdStr), W::Member).once(),
    slot(20, &[Key(SESSIONS), Id, Key(ACTIONS), Id, Key(DUE)], S::Scalar(K::Date), W::Member).once(),
    slot(20, &[Key(SESSIONS), Id, Key(ACTIONS), Id, Key(DONE)], S::Scalar(K::Bool), W::Member),
    slot(20, &[Key(SESSIONS), Id, Key(ACTIONS), Id, Key(DELETED_AT)], S::Scalar(K::Millis), W::Member).deletable(),
    slot(16, &[Key(SESSIONS), Id, Key(ACTIONS), Id, Key(CREATED_BY)], S::Scalar(K::IdStr), W::Member)
        .once()
        .extra(X::Author),
    slot(16, &[Key(SESSIONS), Id, Key(ACTIONS), Id, Key(CREATED_AT)], S::Scalar(K::Millis), W::Member).once(),
    // Learning questions.
    slot(21, &[Key(QUESTIONS), Id], S::Record, W::Member),
    slot(22, &[Key(QUESTIONS), Id, Key(TITLE)], S::Scalar(K::Str(MAX_NAME)), W::Member),
    slot(22, &[Key(QUESTIONS), Id, Key(STATUS)], S::Scalar(K::Word(QUESTION_STATUSES)), W::Member),
    slot(22, &[Key(QUESTIONS), Id, ThemeKey], S::Scalar(K::True), W::Member).deletable(),
    slot(22, &[Key(QUESTIONS), Id, Key(DELETED_AT)], S::Scalar(K::Millis), W::Member).deletable(),
    slot(16, &[Key(QUESTIONS), Id, Key(PROPOSED_BY)], S::Scalar(K::IdStr), W::Member).once().extra(X::Author),
    slot(16, &[Key(QUESTIONS), Id, Key(CREATED_AT)], S::Scalar(K::Millis), W::Member).once(),
    slot(17, &[Key(QUESTIONS), Id, Key(DETAILS)], S::Text, W::Member),
    slot(17, &[Key(QUESTIONS), Id, Key(INSIGHTS)], S::Text, W::Member),
    slot(23, &[Key(QUESTIONS), Id, Key(VOTES)], S::Map, W::Member),
    slot(23, &[Key(QUESTIONS), Id, Key(VOTES), Id], S::Scalar(K::True), W::Own(3)).deletable(),
    slot(24, &[Key(QUESTIONS), Id, Key(CYCLES)], S::Map, W::Member),
    slot(24, &[Key(QUESTIONS), Id, Key(CYCLES), Id], S::Record, W::Member),
    slot(17, &[Key(QUESTIONS), Id, Key(CYCLES), Id, Key("plan")], S::Text, W::Member),
    slot(17, &[Key(QUESTIONS), Id, Key(CYCLES), Id, Key("act")], S::Text, W::Member),
    slot(17, &[Key(QUESTIONS), Id, Key(CYCLES), Id, Key("observe")], S::Text, W::Member),
    slot(17, &[Key(QUESTIONS), Id, Key(CYCLES), Id, Key("reflect")], S::Text, W::Member),
    slot(24, &[Key(QUESTIONS), Id, Key(CYCLES), Id, Key(STARTED_ON)], S::Scalar(K::Date), W::Member).once(),
    slot(24, &[Key(QUESTIONS), Id, Key(CYCLES), Id, Key(ENDED_ON)], S::Scalar(K::Date), W::Member),
    slot(16, &[Key(QUESTIONS), Id, Key(CYCLES), Id, Key(CREATED_BY)], S::Scalar(K::IdStr), W::Member)
        .once()
        .extra(X::Author),
    slot(16, &[Key(QUESTIONS), Id, Key(CYCLES), Id, Key(CREATED_AT)], S::Scalar(K::Millis), W::Member).once(),
    // Reflection: the key factors and the rounds in which members score them.
    slot(25, &[Key(FACTORS), Id], S::Record, W::Coordinator),
    slot(25, &[Key(FACTORS), Id, Key(NAME)], S::Scalar(K::Str(MAX_NAME)), W::Coordinator),
    slot(25, &[Key(FACTORS), Id, Key(POSITION)], S::Scalar(K::Position), W::Coordinator).once(),
    slot(25, &[Key(FACTORS), Id, Key(CREATED_AT)], S::Scalar(K::Millis), W::Coordinator).once(),
    slot(25, &[Key(FACTORS), Id, Key(REMOVED_AT)], S::Scalar(K::Millis), W::Coordinator),
    slot(26, &[Key(REFLECTIONS), Id], S::Record, W::Coordinator),
    slot(26, &[Key(REFLECTIONS), Id, Key(TITLE)], S::Scalar(K::Str(MAX_NAME)), W::Coordinator).once(),
    slot(26, &[Key(REFLECTIONS), Id, Key(OPENED_BY)], S::Scalar(K::IdStr), W::Coordinator).once().extra(X::Author),
    slot(26, &[Key(REFLECTIONS), Id, Key(OPENED_AT)], S::Scalar(K::Millis), W::Coordinator).once(),
    slot(26, &[Key(REFLECTIONS), Id, Key(CLOSED_AT)], S::Scalar(K::Millis), W::Coordinator),
    slot(26, &[Key(REFLECTIONS), Id, Key(FACTORS)], S::Map, W::Coordinator),
    slot(26, &[Key(REFLECTIONS), Id, Key(FACTORS), Id], S::Scalar(K::True), W::Coordinator).once(),
    slot(27, &[Key(REFLECTIONS), Id, Key(SCORES)], S::Map, W::Coordinator),
    slot(27, &[Key(REFLECTIONS), Id, Key(SCORES), ScoreKey], S::Scalar(K::Score), W::Own(3)),
    slot(27, &[Key(REFLECTIONS), Id, Key(COMMENTS)], S::Map, W::Coordinator),
    slot(27, &[Key(REFLECTIONS), Id, Key(COMMENTS), ScoreKey], S::Scalar(K::Str(MAX_LONG)), W::Own(3)).deletable(),
    // A meeting's room for phones, and what guests send from it.
    slot(32, &[Key(SESSIONS), Id, RoomKey], S::Record, W::Member),
    slot(32, &[Key(SESSIONS), Id, RoomKey, Key(OPENED_BY)], S::Scalar(K::IdStr), W::Member).once().extra(X::Author),
    slot(32, &[Key(SESSIONS), Id, RoomKey, Key(OPENED_AT)], S::Scalar(K::Millis), W::Member).once(),
    slot(32, &[Key(SESSIONS), Id, RoomKey, Key(QUESTIONS)], S::Map, W::Member),
    slot(32, &[Key(SESSIONS), Id, RoomKey, Key(QUESTIONS), Id], S::Scalar(K::True), W::Member).once(),
    slot(32, &[Key(SESSIONS), Id, RoomKey, Key(REFLECTION)], S::Scalar(K::IdStr), W::Member).once(),
    slot(32, &[Key(SESSIONS), Id, RoomKey, Key(PROPOSALS)], S::Scalar(K::Bool), W::Member).once(),
    slot(32, &[Key(SESSIONS), Id, RoomKey, Key(REACTIONS)], S::Scalar(K::Bool), W::Member).once(),
    slot(32, &[Key(SESSIONS), Id, RoomKey, Key(PHOTOS)], S::Scalar(K::True), W::Member).once(),
    slot(32, &[Key(SESSIONS), Id, RoomKey, Key(GUESTS)], S::Map, W::Member),
    slot(33, &[Key(SESSIONS), Id, RoomKey, Key(CLOSED_AT)], S::Scalar(K::Millis), W::Member),
    slot(34, &[Key(SESSIONS), Id, RoomKey, Key(GUESTS), Id], S::Record, W::Member).extra(X::Guest),
    slot(34, &[Key(SESSIONS), Id, RoomKey, Key(GUESTS), Id, Key(GUEST)], S::Scalar(K::IdStr), W::Member).once(),
    slot(34, &[Key(SESSIONS), Id, RoomKey, Key(GUESTS), Id, Key(NAME)], S::Scalar(K::Str(MAX_GUEST_NAME)), W::Member)
        .once(),
    slot(
        34,
        &[Key(SESSIONS), Id, RoomKey, Key(GUESTS), Id, Key(PERSPECTIVE)],
        S::Scalar(K::Word(GUEST_PERSPECTIVES)),
        W::Member,
    )
    .once(),
    slot(34, &[Key(SESSIONS), Id, RoomKey, Key(GUESTS), Id, Key(KIND)], S::Scalar(K::Word(GUEST_KINDS)), W::Member)
        .once(),
    slot(34, &[Key(SESSIONS), Id, RoomKey, Key(GUESTS), Id, Key(CREATED_AT)], S::Scalar(K::Millis), W::Member).once(),
    slot(34, &[Key(SESSIONS), Id, RoomKey, Key(GUESTS), Id, Key(QUESTION)], S::Scalar(K::IdStr), W::Member).once(),
    slot(34, &[Key(SESSIONS), Id, RoomKey, Key(GUESTS), Id, Key(TEXT)], S::Scalar(K::Str(MAX_GUEST_TEXT)), W::Member)
        .once(),
    slot(34, &[Key(SESSIONS), Id, RoomKey, Key(GUESTS), Id, Key(SCORES)], S::Map, W::Member),
    slot(34, &[Key(SESSIONS), Id, RoomKey, Key(GUESTS), Id, Key(SCORES), Id], S::Scalar(K::Score), W::Member).once(),
    // A guest's photo: the contribution names the meeting's attachment, which names it back.
    slot(54, &[Key(SESSIONS), Id, RoomKey, Key(GUESTS), Id, Key(ATTACHMENT)], S::Scalar(K::IdStr), W::Member).once(),
    slot(54, &[Key(SESSIONS), Id, AttachmentKey, Key(ROOM)], S::Scalar(K::IdStr), W::Member)
        .once()
        .extra(X::GuestPhoto),
    slot(54, &[Key(SESSIONS), Id, AttachmentKey, Key(CONTRIBUTION)], S::Scalar(K::IdStr), W::Member)
        .once()
        .extra(X::GuestPhoto),
    // The leerhuis: what a network is, the networks linked into a leerhuis, and what they share.
    slot(36, &[Key(NETWORK), Key(KIND)], S::Scalar(K::Word(NETWORK_KINDS)), W::Nobody),
    slot(37, &[Key(INVITES), Id, Key(LINK)], S::Scalar(K::True), W::Coordinator).once(),
    slot(38, &[Key(LINKS), Id], S::Record, W::Coordinator),
    slot(38, &[Key(LINKS), Id, Key(NAME)], S::Scalar(K::Str(MAX_NAME)), W::Coordinator).once(),
    slot(38, &[Key(LINKS), Id, Key(LINKED_AT)], S::Scalar(K::Millis), W::Coordinator).once(),
    slot(38, &[Key(LINKS), Id, Key(LINKED_BY)], S::Scalar(K::IdStr), W::Coordinator).once().extra(X::Author),
    slot(38, &[Key(LINKS), Id, Key(DELEGATES)], S::Map, W::Coordinator),
    slot(39, &[Key(LINKS), Id, Key(DELEGATES), Device], S::Scalar(K::Millis), W::CoordinatorOrDelegate(1)),
    slot(38, &[Key(LINKS), Id, Key(BELOW)], S::Map, W::Coordinator).once(),
    slot(38, &[Key(LINKS), Id, Key(BELOW), Id], S::Scalar(K::True), W::Coordinator).once(),
    slot(39, &[Key(LINKS), Id, Key(LEFT_AT)], S::Scalar(K::Millis), W::CoordinatorOrDelegate(1)).extra(X::LinkLeft),
    slot(40, &[Key(NETWORK), LeerhuisKey], S::Record, W::Coordinator),
    slot(40, &[Key(NETWORK), LeerhuisKey, Key(NAME)], S::Scalar(K::Str(MAX_NAME)), W::Coordinator).once(),
    slot(40, &[Key(NETWORK), LeerhuisKey, Key(LINKED_AT)], S::Scalar(K::Millis), W::Coordinator).once(),
    slot(40, &[Key(NETWORK), LeerhuisKey, Key(LINKED_BY)], S::Scalar(K::IdStr), W::Coordinator).once().extra(X::Author),
    slot(40, &[Key(NETWORK), LeerhuisKey, Key(LEFT_AT)], S::Scalar(K::Millis), W::Coordinator).extra(X::LinkLeft),
    slot(40, &[Key(NETWORK), LeerhuisKey, Key(ABOVE)], S::Map, W::Coordinator).once(),
    slot(40, &[Key(NETWORK), LeerhuisKey, Key(ABOVE), Id], S::Scalar(K::True), W::Coordinator).once(),
    slot(41, &[Key(PUBLICATIONS), Id], S::Record, W::Member).extra(X::Publication),
    slot(41, &[Key(PUBLICATIONS), Id, Key(FROM)], S::Scalar(K::IdStr), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(NETWORK_NAME)], S::Scalar(K::Str(MAX_NAME)), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(KIND)], S::Scalar(K::Word(PUBLICATION_KINDS)), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(SOURCE)], S::Scalar(K::IdStr), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(SOURCE_HEADS)], S::Scalar(K::Str(MAX_LONG)), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(VERSION)], S::Scalar(K::Count), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(TITLE)], S::Scalar(K::Str(MAX_NAME)), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(BODY)], S::Scalar(PUBLISHED), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(INSIGHTS)], S::Scalar(PUBLISHED), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(STARTS_AT)], S::Scalar(K::DateTime), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, ThemeKey], S::Scalar(K::True), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(CYCLES)], S::Map, W::Member),
    slot(41, &[Key(PUBLICATIONS), Id, Key(CYCLES), Id], S::Map, W::Member),
    slot(41, &[Key(PUBLICATIONS), Id, Key(CYCLES), Id, Key(STARTED_ON)], S::Scalar(K::Date), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(CYCLES), Id, Key(ENDED_ON)], S::Scalar(K::Date), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(CYCLES), Id, Key("plan")], S::Scalar(PUBLISHED), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(CYCLES), Id, Key("act")], S::Scalar(PUBLISHED), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(CYCLES), Id, Key("observe")], S::Scalar(PUBLISHED), W::Member).once(),
    slot(41, &[Key(PUBLICATIONS), Id, Key(CYCLES), Id, Key("reflect")], S::Scalar(PUBLISHED), W::Member).once(),
    slot(16, &[Key(PUBLICATIONS), Id, Key(PUBLISHED_BY)], S::Scalar(K::IdStr), W::Member).once().extra(X::Author),
    slot(16, &[Key(PUBLICATIONS), Id, Key(PUBLISHED_AT)], S::Scalar(K::Millis), W::Member).once(),
    slot(42, &[Key(PUBLICATIONS), Id, Key(N)], S::Scalar(K::Group), W::Member).once(),
    slot(42, &[Key(PUBLICATIONS), Id, Key(FACTORS)], S::Map, W::Member),
    slot(42, &[Key(PUBLICATIONS), Id, Key(FACTORS), Id], S::Map, W::Member),
    slot(42, &[Key(PUBLICATIONS), Id, Key(FACTORS), Id, Key(NAME)], S::Scalar(K::Str(MAX_NAME)), W::Member).once(),
    slot(42, &[Key(PUBLICATIONS), Id, Key(FACTORS), Id, Key(MEAN)], S::Scalar(K::Mean), W::Member).once(),
    slot(42, &[Key(PUBLICATIONS), Id, Key(FACTORS), Id, Key(SPREAD)], S::Scalar(K::Spread), W::Member).once(),
    slot(42, &[Key(PUBLICATIONS), Id, Key(FACTORS), Id, Key(N)], S::Scalar(K::Group), W::Member).once(),
    slot(43, &[Key(PUBLICATIONS), Id, Key(ATTENDANCE)], S::Map, W::Member),
    slot(43, &[Key(PUBLICATIONS), Id, Key(ATTENDANCE), PerspectiveWord], S::Scalar(K::Count), W::Member)
        .once()
        .extra(X::SmallGroup),
    slot(43, &[Key(PUBLICATIONS), Id, Key(ATTENDANCE_FEW)], S::Map, W::Member),
    slot(43, &[Key(PUBLICATIONS), Id, Key(ATTENDANCE_FEW), PerspectiveWord], S::Scalar(K::True), W::Member).once(),
    slot(44, &[Key(PUBLICATIONS), Id, Key(WITHDRAWN_AT)], S::Scalar(K::Millis), W::Member).extra(X::Withdrawal),
    slot(50, &[Key(NETWORK), LeerhuisKey, Key(PEERS)], S::Scalar(K::Str(MAX_LONG)), W::Coordinator),
    slot(50, &[Key(NETWORK), LeerhuisKey, Key(VOUCHERS)], S::Map, W::Coordinator),
    slot(50, &[Key(NETWORK), LeerhuisKey, Key(VOUCHERS), Id], S::Scalar(K::Voucher), W::Coordinator).deletable(),
    slot(51, &[Key(MEMBERS), Id, Key(VIA)], S::Scalar(K::IdStr), W::Coordinator).once(),
    slot(51, &[Key(MEMBERS), Id, Key(VOUCHER)], S::Scalar(K::Voucher), W::Coordinator).once(),
    // Joint meetings: a leerhuis meeting's map is made with it (by whoever plans it, empty);
    // only a coordinator fills it.
    slot(53, &[Key(SESSIONS), Id, Key(OPEN_TO)], S::Map, W::Member).extra(X::OpenTo),
    slot(53, &[Key(SESSIONS), Id, Key(OPEN_TO), Id], S::Scalar(K::True), W::Coordinator).deletable().extra(X::OpenTo),
    // Attachments of a meeting, a question and a cycle: what the document says of a file whose
    // bytes travel as a blob between members' laptops.
    slot(45, &[Key(SESSIONS), Id, AttachmentKey], S::Record, W::Member).extra(X::Attachment),
    slot(45, &[Key(SESSIONS), Id, AttachmentKey, Key(NAME)], S::Scalar(K::Str(MAX_NAME)), W::Member).once(),
    slot(45, &[Key(SESSIONS), Id, AttachmentKey, Key(KIND)], S::Scalar(K::Word(ATTACHMENT_KINDS)), W::Member).once(),
    slot(45, &[Key(SESSIONS), Id, AttachmentKey, Key(SIZE)], S::Scalar(K::Size), W::Member).once(),
    slot(45, &[Key(SESSIONS), Id, AttachmentKey, Key(HASH)], S::Scalar(K::Hash), W::Member).once(),
    slot(46, &[Key(SESSIONS), Id, AttachmentKey, Key(ADDED_BY)], S::Scalar(K::IdStr), W::Member)
        .once()
        .extra(X::Author),
    slot(46, &[Key(SESSIONS), Id, AttachmentKey, Key(ADDED_AT)], S::Scalar(K::Millis), W::Member).once(),
    slot(47, &[Key(SESSIONS), Id, AttachmentKey, Key(DELETED_AT)], S::Scalar(K::Millis), W::Member).deletable(),
    slot(45, &[Key(QUESTIONS), Id, AttachmentKey], S::Record, W::Member).extra(X::Attachment),
    slot(45, &[Key(QUESTIONS), Id, AttachmentKey, Key(NAME)], S::Scalar(K::Str(MAX_NAME)), W::Member).once(),
    slot(45, &[Key(QUESTIONS), Id, AttachmentKey, Key(KIND)], S::Scalar(K::Word(ATTACHMENT_KINDS)), W::Member).once(),
    slot(45, &[Key(QUESTIONS), Id, AttachmentKey, Key(SIZE)], S::Scalar(K::Size), W::Member).once(),
    slot(45, &[Key(QUESTIONS), Id, AttachmentKey, Key(HASH)], S::Scalar(K::Hash), W::Member).once(),
    slot(46, &[Key(QUESTIONS), Id, AttachmentKey, Key(ADDED_BY)], S::Scalar(K::IdStr), W::Member)
        .once()
        .extra(X::Author),
    slot(46, &[Key(QUESTIONS), Id, AttachmentKey, Key(ADDED_AT)], S::Scalar(K::Millis), W::Member).once(),
    slot(47, &[Key(QUESTIONS), Id, AttachmentKey, Key(DELETED_AT)], S::Scalar(K::Millis), W::Member).deletable(),
    slot(45, &[Key(QUESTIONS), Id, Key(CYCLES), Id, AttachmentKey], S::Record, W::Member).extra(X::Attachment),
    slot(45, &[Key(QUESTIONS), Id, Key(CYCLES), Id, AttachmentKey, Key(NAME)], S::Scalar(K::Str(MAX_NAME)), W::Member)
        .once(),
    slot(
        45,
        &[Key(QUESTIONS), Id, Key(CYCLES), Id, AttachmentKey, Key(KIND)],
        S::Scalar(K::Word(ATTACHMENT_KINDS)),
        W::Member,
    )
    .once(),
    slot(45, &[Key(QUESTIONS), Id, Key(CYCLES), Id, AttachmentKey, Key(SIZE)], S::Scalar(K::Size), W::Member).once(),
    slot(45, &[Key(QUESTIONS), Id, Key(CYCLES), Id, AttachmentKey, Key(HASH)], S::Scalar(K::Hash), W::Member).once(),
    slot(46, &[Key(QUESTIONS), Id, Key(CYCLES), Id, AttachmentKey, Key(ADDED_BY)], S::Scalar(K::IdStr), W::Member)
        .once()
        .extra(X::Author),
    slot(46, &[Key(QUESTIONS), Id, Key(CYCLES), Id, AttachmentKey, Key(ADDED_AT)], S::Scalar(K::Millis), W::Member)
        .once(),
    slot(47, &[Key(QUESTIONS), Id, Key(CYCLES), Id, AttachmentKey, Key(DELETED_AT)], S::Scalar(K::Millis), W::Member)
        .deletable(),
];

/// The largest change Kring writes, in bytes as it travels (a network's or chapter's first
/// change, checked whole, excepted): an honest client splits a larger paste over several
/// changes. Beyond it a change costs every laptop memory and time out of proportion.
pub const MAX_CHANGE_BYTES: usize = 1024 * 1024;
/// The most operations one change may hold (a character typed is one). Reading a change
/// op by op costs about 200 bytes per operation while it is checked.
pub const MAX_CHANGE_OPS: usize = 200_000;
/// The most characters one change may insert into one text; [`crate::edit`] splits longer
/// pastes over several changes.
pub const MAX_TEXT_INSERT: usize = 100_000;
/// One character of a text as Automerge stores it (a code point): never more than 4 bytes.
const MAX_TEXT_ELEMENT: usize = 4;

impl Seg {
    pub(crate) fn admits(self, key: &str) -> bool {
        match self {
            Seg::Key(name) => key == name,
            Seg::Id => is_id(key),
            Seg::Device => is_device(key),
            Seg::ScoreKey => key.split_once('/').is_some_and(|(member, factor)| is_id(member) && is_id(factor)),
            Seg::ThemeKey => key.strip_prefix(THEME_PREFIX).is_some_and(is_theme),
            Seg::Theme => is_theme(key),
            Seg::ProofKey => key.strip_prefix(PROOF_PREFIX).is_some_and(is_device),
            Seg::RoomKey => key.strip_prefix(ROOM_PREFIX).is_some_and(is_id),
            Seg::LeerhuisKey => key.strip_prefix(LEERHUIS_PREFIX).is_some_and(is_id),
            Seg::PerspectiveWord => PERSPECTIVES.contains(&key),
            Seg::AttachmentKey => key.strip_prefix(ATTACHMENT_PREFIX).is_some_and(is_id),
        }
    }
}

fn is_id(key: &str) -> bool {
    (1..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_device(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn is_theme(name: &str) -> bool {
    !name.trim().is_empty() && name.chars().count() <= MAX_SHORT
}

impl Kind {
    pub(crate) fn admits(self, value: &ScalarValue) -> bool {
        let int = || match value {
            ScalarValue::Int(n) => Some(*n),
            ScalarValue::Uint(n) => i64::try_from(*n).ok(),
            _ => None,
        };
        match (self, value) {
            (Kind::Str(max), ScalarValue::Str(s)) => s.chars().count() <= max,
            (Kind::IdStr, ScalarValue::Str(s)) => is_id(s),
            (Kind::Word(words), ScalarValue::Str(s)) => words.contains(&s.as_str()),
            (Kind::DateTime, ScalarValue::Str(s)) => {
                s.len() <= 16 && crate::validate::date_time(s).is_ok_and(|d| d == **s)
            }
            (Kind::Date, ScalarValue::Str(s)) => s.len() == 10 && crate::validate::date(s).is_ok_and(|d| d == **s),
            (Kind::Position, ScalarValue::F64(f)) => f.is_finite(),
            (Kind::True, ScalarValue::Boolean(b)) => *b,
            (Kind::Bool, ScalarValue::Boolean(_)) => true,
            (Kind::Proof, ScalarValue::Bytes(bytes)) => bytes.len() == PROOF_BYTES,
            (Kind::Millis, _) => int().is_some_and(|n| n >= 0),
            (Kind::Count, _) => int().is_some_and(|n| n >= 1),
            (Kind::Score, _) => int().is_some_and(|n| (1..=5).contains(&n)),
            (Kind::Schema, _) => int().is_some_and(|n| (1..=SCHEMA_VERSION as i64).contains(&n)),
            (Kind::Mean, ScalarValue::F64(f)) => (1.0..=5.0).contains(f),
            (Kind::Spread, ScalarValue::F64(f)) => (0.0..=2.0).contains(f),
            (Kind::Group, _) => int().is_some_and(|n| n >= MIN_GROUP as i64),
            (Kind::Voucher, ScalarValue::Bytes(bytes)) => bytes.len() <= MAX_VOUCHER_BYTES,
            (Kind::Size, _) => int().is_some_and(|n| (0..=MAX_ATTACHMENT_BYTES as i64).contains(&n)),
            (Kind::Hash, ScalarValue::Str(s)) => crate::is_content_hash(s),
            _ => false,
        }
    }
}

/// One element inserted into a text: a single character.
pub(crate) fn is_text_element(value: &ScalarValue) -> bool {
    matches!(value, ScalarValue::Str(s) if !s.is_empty() && s.len() <= MAX_TEXT_ELEMENT && s.chars().count() == 1)
}

/// The slot a path of keys belongs to, if any.
pub(crate) fn slot_for(path: &[&str]) -> Option<&'static Slot> {
    TABLE
        .iter()
        .find(|slot| slot.path.len() == path.len() && slot.path.iter().zip(path).all(|(seg, key)| seg.admits(key)))
}

/// The vocabularies above are the model's own: a word added there must be added here, or
/// laptops would refuse it (checked in a test).
#[cfg(test)]
pub(crate) fn vocabularies() -> [(&'static [&'static str], Vec<&'static str>); 10] {
    use crate::vocab::*;
    [
        (PERSPECTIVES, Perspective::ALL.iter().map(|w| w.as_str()).collect()),
        (ROLES, Role::ALL.iter().map(|w| w.as_str()).collect()),
        (SESSION_KINDS, SessionKind::ALL.iter().map(|w| w.as_str()).collect()),
        (ATTENDANCE_WORDS, Attendance::ALL.iter().map(|w| w.as_str()).collect()),
        (QUESTION_STATUSES, QuestionStatus::ALL.iter().map(|w| w.as_str()).collect()),
        (GUEST_PERSPECTIVES, GuestPerspective::ALL.iter().map(|w| w.as_str()).collect()),
        (GUEST_KINDS, GuestKind::ALL.iter().map(|w| w.as_str()).collect()),
        (NETWORK_KINDS, NetworkKind::ALL.iter().map(|w| w.as_str()).collect()),
        (PUBLICATION_KINDS, PublicationKind::ALL.iter().map(|w| w.as_str()).collect()),
        (ATTACHMENT_KINDS, AttachmentKind::ALL.iter().map(|w| w.as_str()).collect()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_uses_the_model_vocabularies() {
        for (table, model) in vocabularies() {
            assert_eq!(table, model.as_slice());
        }
    }

    #[test]
    fn every_path_has_exactly_one_slot() {
        for (i, one) in TABLE.iter().enumerate() {
            for other in &TABLE[i + 1..] {
                let same = one.path.len() == other.path.len()
                    && one.path.iter().zip(other.path).all(|(a, b)| a == b || overlaps(*a, *b));
                assert!(!same, "two slots for {:?}", one.path);
            }
        }
    }

    /// Two segments some key matches both of.
    fn overlaps(a: Seg, b: Seg) -> bool {
        let probe = |seg: Seg| match seg {
            Seg::Key(k) => k.to_string(),
            Seg::Id => "id-1".into(),
            Seg::Device => "ab".repeat(32),
            Seg::ScoreKey => "m/f".into(),
            Seg::ThemeKey => "theme:x".into(),
            Seg::Theme => "x".into(),
            Seg::ProofKey => format!("proof:{}", "ab".repeat(32)),
            Seg::RoomKey => "room:r1".into(),
            Seg::LeerhuisKey => "leerhuis:l1".into(),
            Seg::PerspectiveWord => "teacher".into(),
            Seg::AttachmentKey => "attachment:a1".into(),
        };
        a.admits(&probe(b)) || b.admits(&probe(a))
    }

    #[test]
    fn keys_and_values_outside_the_schema_are_not_admitted() {
        assert!(slot_for(&[SESSIONS, "s1", "colour"]).is_none());
        assert!(slot_for(&[SESSIONS, "s1", NOTES, "x"]).is_none(), "nothing inside a text by key");
        assert!(slot_for(&[MEMBERS, "m1", DEVICES, "not-a-key"]).is_none());
        assert!(slot_for(&[QUESTIONS, "q1", VOTES, "m1", "deeper"]).is_none());
        assert!(slot_for(&[MEMBERS, &"x".repeat(65)]).is_none(), "an id too long");
        assert!(Kind::Str(3).admits(&ScalarValue::Str("abc".into())));
        assert!(!Kind::Str(3).admits(&ScalarValue::Str("abcd".into())));
        assert!(!Kind::True.admits(&ScalarValue::Boolean(false)));
        assert!(!Kind::Score.admits(&ScalarValue::Int(6)));
        assert!(!Kind::Millis.admits(&ScalarValue::Str("1".into())));
        assert!(!Kind::DateTime.admits(&ScalarValue::Str("2026-13-01".into())));
        assert!(Kind::DateTime.admits(&ScalarValue::Str("2026-12-01T09:30".into())));
        assert!(!Kind::Word(ROLES).admits(&ScalarValue::Str("admin".into())));
        assert!(is_text_element(&ScalarValue::Str("ë".into())));
        assert!(!is_text_element(&ScalarValue::Str("ab".into())));
    }
}
