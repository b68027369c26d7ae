//! The layout of a network document (schema v2). Every key the model reads or writes is named
//! here, so the whole schema can be read in one place:
//!
//! ```text
//! schema: 2
//! network:     { id, name, description, region, themes: {theme: true}, created_at, created_by,
//!                kind? ("network" | "leerhuis"; written by the first change, absent = "network"),
//!                leerhuis:<leerhuis id>: { name, linked_at, linked_by, left_at?, peers,
//!                                          vouchers: {member_id: voucher},
//!                                          above: {leerhuis id: true} (the leerhuizen it is
//!                                          linked into in turn, as known when linking) } (one key per
//!                leerhuis this network is linked into, like themes: no container made later) }
//! members:     { member_id: { name, perspective, organisation, role, devices: {device_id: added_at},
//!                             proof:<device_id>: bytes (one key per device: its signature, see
//!                             `trust::proof`), joined_at, removed_at?,
//!                             via?, voucher? (a leerhuis: joined through linked network `via`
//!                             with a delegate's voucher, see `leerhuis/voucher.rs`) } }
//! invites:     { invite_id: { secret_hash, created_by, created_at, expires_at, role, max_uses,
//!                             made_for? (who it was made for, e.g. "Bram (ouder)"),
//!                             uses: {member_id: used_at}, revoked_at?,
//!                             link? (true: a leerhuis's ticket for linking a network, see `leerhuis.rs`) } }
//! sessions:    { session_id: { title, kind, starts_at, location, agenda: Text, notes: Text,
//!                              attendance: {member_id: status}, questions: {question_id: true},
//!                              actions: {action_id: { text, owner?, due?, done, created_by, created_at, deleted_at? }},
//!                              theme:<name>: true (one key per theme), created_by, created_at, deleted_at?,
//!                              room:<room_id>: { opened_by, opened_at, closed_at?, questions: {question_id: true},
//!                                                reflection?: round_id, proposals, reactions,
//!                                                guests: {contribution_id: { guest, name, perspective, kind,
//!                                                         created_at, question?, text?, scores?: {factor_id: 1..5} }} }
//!                              (one key per room, like themes: a session made before rooms existed
//!                              needs no container made later) } }
//! questions:   { question_id: { title, details: Text, insights: Text, status, proposed_by, created_at,
//!                               votes: {member_id: true},
//!                               cycles: {cycle_id: { plan: Text, act: Text, observe: Text, reflect: Text,
//!                                                    started_on, ended_on?, created_by, created_at }},
//!                               deleted_at? } }
//! factors:     { factor_id: { name, position, created_at, removed_at? } }
//! attachment:<attachment_id>: { name, kind, size, hash, added_by, added_at, deleted_at? }
//!              (a photo, recording, film or document: one key per attachment, like rooms, in a
//!              session's, a question's or a cycle's map; the bytes are not in the document but
//!              travel between members' laptops as a blob named by `hash`, see `kring-node`)
//! reflections: { round_id: { title, opened_by, opened_at, closed_at?, factors: {factor_id: true},
//!                            scores: {"member_id/factor_id": 1..5}, comments: {"member_id/factor_id": text} } }
//! links:       { network_id: { name, linked_at, linked_by, delegates: {device_id: added_at}, left_at?,
//!                              below: {network_id: true} (linked into it in turn, as its laptop knew) } }
//!              (a leerhuis only: the networks linked into it, made by its first change)
//! publications: { publication_id: { from, network_name, kind, source, source_heads, version, title,
//!                                   body?, starts_at?, theme:<name>: true, n?,
//!                                   factors?: {factor_id: { name, mean, spread, n }},
//!                                   attendance?: {perspective: count}, attendance_few?: {perspective: true},
//!                                   published_by, published_at, withdrawn_at? } }
//!              (a leerhuis only: what a linked network's delegate shared, a copy; see `leerhuis.rs`)
//! chapter:     { id, number, previous, started_by, started_at, erased, base: {actor: seq} }   (from the
//!              second chapter on; written only by the chapter's first change, see `chapter.rs`)
//! ```
//!
//! Rules (see DESIGN.md): identity lives in maps keyed by id; per-member data lives under
//! per-member keys; prose is one `Text` per field, edited by splicing; records are soft-deleted;
//! all containers of a record are created in the change that creates the record, never lazily.

/// The schema version this build writes and fully understands. Migrations are additive only.
/// 2: every device listed under a member carries its proof (`proof:<device_id>`), and a change
/// that lists a device must prove it; a network begun as 1 is raised by a coordinator once her
/// own device is proven.
pub const SCHEMA_VERSION: u64 = 2;

/// A theme a session or question carries is the key `theme:<name>` (value `true`) in its map.
pub const THEME_PREFIX: &str = "theme:";
/// A meeting's room for phones is the record `room:<room id>` in the meeting's map.
pub const ROOM_PREFIX: &str = "room:";
/// A leerhuis a network is linked into is the record `leerhuis:<leerhuis id>` in its `network` map.
pub const LEERHUIS_PREFIX: &str = "leerhuis:";
/// An attachment is the record `attachment:<attachment id>` in a session's, a question's or a
/// cycle's map.
pub const ATTACHMENT_PREFIX: &str = "attachment:";
/// The largest attachment Kring takes: a film of a meeting fits, a whole disk image does not.
pub const MAX_ATTACHMENT_BYTES: u64 = 500 * 1024 * 1024;

pub const SCHEMA: &str = "schema";
pub const NETWORK: &str = "network";
pub const MEMBERS: &str = "members";
pub const INVITES: &str = "invites";
pub const SESSIONS: &str = "sessions";
pub const QUESTIONS: &str = "questions";
pub const FACTORS: &str = "factors";
pub const REFLECTIONS: &str = "reflections";
pub const CHAPTER: &str = "chapter";
pub const LINKS: &str = "links";
pub const PUBLICATIONS: &str = "publications";

pub const ID: &str = "id";
pub const NAME: &str = "name";
pub const TITLE: &str = "title";
pub const DESCRIPTION: &str = "description";
pub const REGION: &str = "region";
pub const THEMES: &str = "themes";
pub const CREATED_AT: &str = "created_at";
pub const CREATED_BY: &str = "created_by";
pub const DELETED_AT: &str = "deleted_at";

pub const PERSPECTIVE: &str = "perspective";
pub const ORGANISATION: &str = "organisation";
pub const ROLE: &str = "role";
pub const DEVICES: &str = "devices";
pub const JOINED_AT: &str = "joined_at";
pub const REMOVED_AT: &str = "removed_at";

pub const SECRET_HASH: &str = "secret_hash";
pub const EXPIRES_AT: &str = "expires_at";
pub const MAX_USES: &str = "max_uses";
/// The short name an invite was made for, so that two open invites can be told apart.
pub const MADE_FOR: &str = "made_for";
pub const USES: &str = "uses";
pub const REVOKED_AT: &str = "revoked_at";

pub const KIND: &str = "kind";
pub const STARTS_AT: &str = "starts_at";
pub const LOCATION: &str = "location";
pub const AGENDA: &str = "agenda";
pub const NOTES: &str = "notes";
pub const ATTENDANCE: &str = "attendance";
pub const ACTIONS: &str = "actions";
pub const TEXT: &str = "text";
pub const OWNER: &str = "owner";
pub const DUE: &str = "due";
pub const DONE: &str = "done";

pub const DETAILS: &str = "details";
pub const INSIGHTS: &str = "insights";
pub const STATUS: &str = "status";
pub const PROPOSED_BY: &str = "proposed_by";
pub const VOTES: &str = "votes";
pub const CYCLES: &str = "cycles";
pub const STARTED_ON: &str = "started_on";
pub const ENDED_ON: &str = "ended_on";

pub const POSITION: &str = "position";
pub const OPENED_BY: &str = "opened_by";
pub const OPENED_AT: &str = "opened_at";
pub const CLOSED_AT: &str = "closed_at";
pub const SCORES: &str = "scores";
pub const COMMENTS: &str = "comments";

pub const REFLECTION: &str = "reflection";
pub const PROPOSALS: &str = "proposals";
pub const REACTIONS: &str = "reactions";
pub const GUESTS: &str = "guests";
pub const GUEST: &str = "guest";
pub const QUESTION: &str = "question";

pub const LINKED_AT: &str = "linked_at";
pub const LINKED_BY: &str = "linked_by";
pub const LEFT_AT: &str = "left_at";
pub const DELEGATES: &str = "delegates";
pub const LINK: &str = "link";
pub const FROM: &str = "from";
pub const NETWORK_NAME: &str = "network_name";
pub const SOURCE: &str = "source";
pub const SOURCE_HEADS: &str = "source_heads";
pub const VERSION: &str = "version";
pub const BODY: &str = "body";
pub const N: &str = "n";
pub const MEAN: &str = "mean";
pub const SPREAD: &str = "spread";
pub const ATTENDANCE_FEW: &str = "attendance_few";
pub const PUBLISHED_BY: &str = "published_by";
pub const PUBLISHED_AT: &str = "published_at";
pub const WITHDRAWN_AT: &str = "withdrawn_at";
pub const VIA: &str = "via";
pub const VOUCHER: &str = "voucher";
pub const VOUCHERS: &str = "vouchers";
pub const PEERS: &str = "peers";
/// The networks linked (in turn) into a linked network, and the leerhuizen a leerhuis is linked
/// into in turn: what each side knew when linking, so that a circle of three or more is refused.
pub const BELOW: &str = "below";
pub const ABOVE: &str = "above";
/// A leerhuis meeting's networks, when it is not for all linked networks.
pub const OPEN_TO: &str = "open_to";

pub const NUMBER: &str = "number";
pub const PREVIOUS: &str = "previous";
pub const STARTED_BY: &str = "started_by";
pub const STARTED_AT: &str = "started_at";
pub const ERASED: &str = "erased";
pub const BASE: &str = "base";

pub const SIZE: &str = "size";
pub const HASH: &str = "hash";
pub const ADDED_BY: &str = "added_by";
pub const ADDED_AT: &str = "added_at";
/// Whether a room takes photos from guests' phones (written with the room, only when it does).
pub const PHOTOS: &str = "photos";
/// A guest's photo: the attachment names the room and the contribution it came with, and the
/// contribution names the attachment.
pub const ROOM: &str = "room";
pub const CONTRIBUTION: &str = "contribution";
pub const ATTACHMENT: &str = "attachment";

/// The key of one member's score (or comment) on one factor in a reflection round. Flat scalar
/// keys rather than a nested map per member, so two devices of one member never race to create
/// the same container.
pub fn score_key(member: &str, factor: &str) -> String {
    format!("{member}/{factor}")
}

/// The key of a meeting's room in the meeting's map.
pub fn room_key(room: &str) -> String {
    format!("{ROOM_PREFIX}{room}")
}

/// The key of a leerhuis in a linked network's `network` map.
pub fn leerhuis_key(leerhuis: &str) -> String {
    format!("{LEERHUIS_PREFIX}{leerhuis}")
}

/// The key of an attachment in the map of what it is attached to.
pub fn attachment_key(attachment: &str) -> String {
    format!("{ATTACHMENT_PREFIX}{attachment}")
}

/// The default key factors of network learning, with stable ids so that every network's genesis
/// names them the same way.
pub const DEFAULT_FACTORS: &[(&str, &str)] = &[
    ("shared-goal", "Shared goal"),
    ("ownership", "Ownership"),
    ("trust", "Trust"),
    ("facilitation", "Facilitation by school leadership"),
    ("knowledge-sharing", "Knowledge sharing"),
    ("diversity", "Diversity of perspectives"),
    ("practice", "Connection to practice"),
];
