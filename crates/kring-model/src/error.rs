//! Why an edit was refused. Every refusal leaves the document exactly as it was.

use crate::ids::*;
use crate::vocab::UnknownWord;

/// A field a person fills in: named in errors, so that an interface can word it in the
/// person's language and show the error next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Title,
    Name,
    NetworkName,
    Description,
    Region,
    Theme,
    Location,
    Organisation,
    Action,
    Factor,
    Comment,
    Details,
    Agenda,
    Notes,
    Insights,
    CycleText,
    DeviceId,
    SecretHash,
    /// Who an invite was made for.
    MadeFor,
}

impl Field {
    pub const ALL: [Field; 19] = [
        Field::Title,
        Field::Name,
        Field::NetworkName,
        Field::Description,
        Field::Region,
        Field::Theme,
        Field::Location,
        Field::Organisation,
        Field::Action,
        Field::Factor,
        Field::Comment,
        Field::Details,
        Field::Agenda,
        Field::Notes,
        Field::Insights,
        Field::CycleText,
        Field::DeviceId,
        Field::SecretHash,
        Field::MadeFor,
    ];

    /// In English, for logs and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Name => "name",
            Field::NetworkName => "network name",
            Field::Description => "description",
            Field::Region => "region",
            Field::Theme => "theme",
            Field::Location => "location",
            Field::Organisation => "organisation",
            Field::Action => "action",
            Field::Factor => "factor",
            Field::Comment => "comment",
            Field::Details => "details",
            Field::Agenda => "agenda",
            Field::Notes => "notes",
            Field::Insights => "insights",
            Field::CycleText => "cycle text",
            Field::DeviceId => "device id",
            Field::SecretHash => "secret hash",
            Field::MadeFor => "name on the invitation",
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What only a coordinator may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoordinatorTask {
    NetworkDetails,
    AddMembers,
    ChangeRoles,
    RemoveMembers,
    OthersProfile,
    OthersDevices,
    OthersAttendance,
    Invites,
    Factors,
    OpenRound,
    CloseRound,
    NewChapter,
    UpgradeNetwork,
    LinkNetworks,
    JointMeetings,
}

impl CoordinatorTask {
    pub const ALL: [CoordinatorTask; 15] = [
        CoordinatorTask::NetworkDetails,
        CoordinatorTask::AddMembers,
        CoordinatorTask::ChangeRoles,
        CoordinatorTask::RemoveMembers,
        CoordinatorTask::OthersProfile,
        CoordinatorTask::OthersDevices,
        CoordinatorTask::OthersAttendance,
        CoordinatorTask::Invites,
        CoordinatorTask::Factors,
        CoordinatorTask::OpenRound,
        CoordinatorTask::CloseRound,
        CoordinatorTask::NewChapter,
        CoordinatorTask::UpgradeNetwork,
        CoordinatorTask::LinkNetworks,
        CoordinatorTask::JointMeetings,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CoordinatorTask::NetworkDetails => "change the network's details",
            CoordinatorTask::AddMembers => "add members",
            CoordinatorTask::ChangeRoles => "change roles",
            CoordinatorTask::RemoveMembers => "remove members",
            CoordinatorTask::OthersProfile => "edit another member's details",
            CoordinatorTask::OthersDevices => "add a device for another member",
            CoordinatorTask::OthersAttendance => "record another member's attendance",
            CoordinatorTask::Invites => "invite people or revoke invites",
            CoordinatorTask::Factors => "change the reflection factors",
            CoordinatorTask::OpenRound => "open a reflection round",
            CoordinatorTask::CloseRound => "close a reflection round",
            CoordinatorTask::NewChapter => "start a new chapter or erase for everyone",
            CoordinatorTask::UpgradeNetwork => "upgrade the network to a newer Kring",
            CoordinatorTask::LinkNetworks => "link a network and a leerhuis",
            CoordinatorTask::JointMeetings => "choose which linked networks a leerhuis meeting is for",
        }
    }
}

impl std::fmt::Display for CoordinatorTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind of record that can be deleted and restored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Session,
    Question,
    Action,
}

impl std::fmt::Display for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Record::Session => "session",
            Record::Question => "learning question",
            Record::Action => "action",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{field} must not be empty")]
    Empty { field: Field },
    #[error("{field} is too long ({len} characters; at most {max})")]
    TooLong { field: Field, len: usize, max: usize },
    #[error("{0}")]
    UnknownWord(#[from] UnknownWord),
    #[error("invalid date '{got}': use YYYY-MM-DD or YYYY-MM-DDTHH:MM")]
    BadDate { got: String },
    #[error("score must be between 1 and 5, not {0}")]
    BadScore(i64),
    #[error("position {pos} is outside {field} (length {len})")]
    BadTextRange { field: Field, pos: usize, len: usize },
    #[error("max uses must be at least 1")]
    BadMaxUses,

    #[error("no member {0} in this network")]
    UnknownMember(MemberId),
    #[error("no session {0} in this network")]
    UnknownSession(SessionId),
    #[error("no learning question {0} in this network")]
    UnknownQuestion(QuestionId),
    #[error("no invite {0} in this network")]
    UnknownInvite(InviteId),
    #[error("no action {0} in this session")]
    UnknownAction(ActionId),
    #[error("no cycle {0} in this learning question")]
    UnknownCycle(CycleId),
    #[error("no factor {0} in this network")]
    UnknownFactor(FactorId),
    #[error("no reflection round {0} in this network")]
    UnknownRound(RoundId),

    #[error("member {0} has been removed from this network")]
    MemberRemoved(MemberId),
    #[error("only a coordinator may {action}")]
    NotCoordinator { action: CoordinatorTask },
    #[error("the last coordinator cannot be removed or made a regular member")]
    LastCoordinator,
    #[error("{what} {id} has been deleted; restore it first")]
    Deleted { what: Record, id: String },
    #[error("reflection round {0} is closed")]
    RoundClosed(RoundId),
    #[error("no room {0} in this session")]
    UnknownRoom(RoomId),
    #[error("room {0} is closed")]
    RoomClosed(RoomId),
    #[error("this room does not take {0}")]
    NotInRoom(crate::vocab::GuestKind),
    #[error("this invite has been revoked")]
    InviteRevoked(InviteId),
    #[error("this invite has expired")]
    InviteExpired(InviteId),
    #[error("this invite has been used the maximum number of times")]
    InviteUsedUp(InviteId),
    #[error("this invite's secret does not match")]
    InviteSecretMismatch(InviteId),
    #[error("an invite must expire in the future")]
    BadExpiry,
    #[error("there is no such comment to erase")]
    NothingToErase,
    #[error("device {0} did not prove that it belongs to this member (its signature is missing or wrong)")]
    BadDeviceProof(DeviceId),
    #[error("member id {0} is already taken in this network")]
    MemberIdTaken(MemberId),
    #[error("'{0}' is not a member id Kring makes")]
    BadMemberId(String),
    #[error("device {0} already belongs to a member of this network")]
    DeviceTaken(DeviceId),
    #[error("device {0} is not one of this member's devices")]
    UnknownDevice(DeviceId),
    #[error("no attachment {0} there")]
    UnknownAttachment(AttachmentId),
    #[error("the file is too large to attach ({size} bytes; at most {max})")]
    AttachmentTooLarge { size: u64, max: u64 },
    #[error("'{0}' is not a content hash Kring makes (64 lowercase hexadecimal digits)")]
    BadAttachmentHash(String),

    #[error("{0}")]
    Leerhuis(#[from] LeerhuisError),

    #[error("this is not a Kring network document: {0}")]
    NotANetwork(String),
    #[error(
        "this network was written with schema version {found}; this Kring understands up to {supported}. Update Kring."
    )]
    NewerSchema { found: u64, supported: u64 },
    #[error("document error: {0}")]
    Automerge(#[from] automerge::AutomergeError),
}

/// Why a leerhuis refused to link, publish or withdraw. (Its numbers are the leerhuis's
/// `MIN_GROUP` and `MAX_PUBLICATION_TEXT`, held together by a test there.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeerhuisError {
    #[error("this network is not a leerhuis")]
    NotALeerhuis,
    #[error("a leerhuis cannot be linked into itself")]
    LinkToItself,
    #[error(
        "this would make a circle: a leerhuis cannot be linked into one linked into it, directly or through others"
    )]
    Cycle,
    #[error("network {0} is linked into this leerhuis already")]
    AlreadyLinked(NetworkId),
    #[error("network {0} is not linked into this leerhuis")]
    NotLinked(NetworkId),
    #[error("this laptop does not act for network {0} in the leerhuis (it is not one of its delegates)")]
    NotADelegate(NetworkId),
    #[error("a reflection round can only be shared once it is closed")]
    RoundOpen,
    #[error("scored by {scored}: a round can be shared from 5 scorers on")]
    TooFew { scored: u64 },
    #[error("this round was shared with the leerhuis already; a round goes up once")]
    AlreadyShared,
    #[error("a text to share is longer than 50,000 characters")]
    TooLong,
    #[error("no publication {0} in this leerhuis")]
    UnknownPublication(PublicationId),
    #[error("publication {0} has been withdrawn already")]
    Withdrawn(PublicationId),
    #[error("this voucher cannot be used: {0}")]
    BadVoucher(&'static str),
    #[error("this meeting was planned before Kring could limit it to some networks; it stays open to all")]
    OpenToAll,
}

pub type Result<T, E = ModelError> = std::result::Result<T, E>;
