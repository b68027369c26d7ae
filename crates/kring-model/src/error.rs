//! Why an edit was refused. Every refusal leaves the document exactly as it was.

use crate::ids::*;
use crate::vocab::UnknownWord;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} is too long ({len} characters; at most {max})")]
    TooLong { field: &'static str, len: usize, max: usize },
    #[error("{0}")]
    UnknownWord(#[from] UnknownWord),
    #[error("invalid date '{got}': use YYYY-MM-DD or YYYY-MM-DDTHH:MM")]
    BadDate { got: String },
    #[error("score must be between 1 and 5, not {0}")]
    BadScore(i64),
    #[error("position {pos} is outside {field} (length {len})")]
    BadTextRange { field: &'static str, pos: usize, len: usize },
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
    NotCoordinator { action: &'static str },
    #[error("the last coordinator cannot be removed or made a regular member")]
    LastCoordinator,
    #[error("{what} {id} has been deleted; restore it first")]
    Deleted { what: &'static str, id: String },
    #[error("reflection round {0} is closed")]
    RoundClosed(RoundId),
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

    #[error("this is not a Kring network document: {0}")]
    NotANetwork(String),
    #[error(
        "this network was written with schema version {found}; this Kring understands up to {supported}. Update Kring."
    )]
    NewerSchema { found: u64, supported: u64 },
    #[error("document error: {0}")]
    Automerge(#[from] automerge::AutomergeError),
}

pub type Result<T, E = ModelError> = std::result::Result<T, E>;
