//! What can go wrong while running a node, joining or syncing.

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error(transparent)]
    Store(#[from] kring_store::StoreError),
    #[error(transparent)]
    Model(#[from] kring_model::ModelError),
    /// A pasted ticket that is not one, or not the kind this field takes.
    #[error(transparent)]
    Ticket(#[from] kring_ticket::TicketError),
    #[error("the invite was refused: {0}")]
    JoinRefused(String),
    #[error(
        "could not reach any device of the inviting network within {0} seconds; is the inviter's Kring running and on the same network?"
    )]
    Unreachable(u64),
    #[error("network {0} is not on this device")]
    UnknownNetwork(String),
    #[error("this device is not a current member of the network")]
    NotAMember,
    /// While this laptop began a new chapter, it took another one from a colleague's laptop.
    #[error("the network moved to another chapter while the new one was being begun")]
    ChapterMovedOn,
    #[error("network {0} is already on this device")]
    AlreadyMember(String),
    /// The laptop that made the ticket said no: a wrong, expired or already used ticket.
    #[error(
        "your other laptop refused the device link: the ticket is wrong, has expired or was already used; make a new one"
    )]
    DeviceLinkRefused,
    /// The laptop that made the ticket did not answer within this many seconds.
    #[error(
        "could not reach the laptop that made the device-link ticket within {0} seconds; is Kring running there, and on the same network?"
    )]
    DeviceLinkUnreachable(u64),
    /// Nobody used the device-link ticket before it expired (or it was cancelled).
    #[error("the device-link ticket expired before another laptop used it")]
    DeviceLinkExpired,
    /// This laptop already holds the network (by its id) that a device-link ticket is for.
    #[error("network {0} is already on this laptop; a device link is only for a laptop that does not have it yet")]
    AlreadyLinked(String),
    /// The other laptop's answer to a device link cannot be taken (what was wrong with it).
    #[error("your other laptop sent {0}; nothing was kept")]
    DeviceLinkUnusable(String),
    #[error("cannot start networking: {0}")]
    Bind(String),
    #[error("{0}")]
    Connection(String),
    #[error(transparent)]
    Frame(#[from] kring_sync::FrameError),
    #[error(transparent)]
    Protocol(#[from] kring_sync::ProtocolError),
    #[error("'{0}' is not a Kring address (ID@IP:PORT) or ticket")]
    NotAnAddress(String),
    #[error("{path} cannot be read in: {problem}")]
    Bundle { path: std::path::PathBuf, problem: Box<BundleProblem> },
    /// A file to attach, or to save an attachment to, cannot be used (why).
    #[error("{path}: {reason}")]
    AttachmentFile { path: std::path::PathBuf, reason: String },
    /// The attachment's bytes are not whole on this laptop, and no member's laptop gave them.
    #[error("the attachment is not on this laptop yet, and no member's laptop that has it could be reached")]
    AttachmentNotHere,
    /// The store of the attachments' bytes failed (why).
    #[error("the attachments on this laptop cannot be read or written: {0}")]
    Attachments(String),
    /// What was to be attached is not a file (a folder, say).
    #[error("{0} is not a file")]
    AttachmentNotAFile(std::path::PathBuf),
}

/// Why a bundle from a USB stick is not read in.
#[derive(Debug, thiserror::Error)]
pub enum BundleProblem {
    #[error("it is not a Kring bundle ({0})")]
    NotABundle(String),
    #[error("it holds {0}")]
    Unusable(#[from] crate::whole_network::Unusable),
    #[error("it holds a network with another beginning")]
    AnotherBeginning,
    /// The same network, in another chapter (see `docs/chapters.md`).
    #[error("chapter {bundle} of the network, and this laptop is on chapter {here}; sync with a member instead")]
    OtherChapter { bundle: u64, here: u64 },
    #[error("it holds a network this device has not joined; join it with a ticket first")]
    NotJoined,
    #[error("merging it failed ({0}); nothing was changed")]
    MergeFailed(String),
    /// Made by an older Kring: unsigned, or not locked (what it lacks).
    #[error("it was made by an older Kring ({0}); make a new bundle")]
    Older(String),
    /// Locked for the laptops of the network's members, and this laptop is none of them.
    #[error(
        "it is locked for the laptops of the network's members, and this laptop is not one of them; ask a member to make a bundle with a passphrase, or to invite you"
    )]
    NotForThisLaptop,
    /// Locked with a passphrase, and none was given.
    #[error("it is locked with a passphrase")]
    NeedsPassphrase,
    #[error("the passphrase is wrong")]
    WrongPassphrase,
    /// A passphrase to lock a bundle with must be at least this many characters.
    #[error("the passphrase must be at least {} characters long", kring_store::bundle::MIN_PASSPHRASE_CHARS)]
    PassphraseTooShort,
    /// Cut short or changed: its encryption's own check failed (the reason).
    #[error("it is damaged or was changed ({0}); nothing was changed")]
    Damaged(String),
    /// The file, or a part it announces (`what`), is larger than a bundle can be; refused by
    /// its size, before it was read.
    #[error("its {what} is {size} bytes, and a bundle's is at most {max}; nothing was read in")]
    TooLarge { what: &'static str, size: u64, max: u64 },
    /// Its network would take more than `max` bytes once unpacked; refused before unpacking.
    #[error("its network would take more than {max} bytes once unpacked; nothing was read in")]
    UnpacksTooLarge { max: u64 },
    /// Its network declares more operations than a network can hold; refused from its column
    /// headers, before Automerge made room for them.
    #[error("its network declares more than {max} operations; nothing was read in")]
    TooManyOperations { max: u64 },
    /// Its network declares more changes than a network can hold.
    #[error("its network declares more than {max} changes; nothing was read in")]
    TooManyChanges { max: u64 },
    /// The bytes of an attachment it carries are not what its network says of them.
    #[error("{0}; nothing was changed")]
    Attachment(AttachmentFault),
}

/// What is wrong with the bytes of an attachment a bundle carries (named as its network names
/// it, cut to 80 characters).
#[derive(Debug, thiserror::Error)]
pub enum AttachmentFault {
    #[error("it carries bytes that no attachment of its network names")]
    Unnamed,
    #[error("it says attachment '{name}' holds {len} bytes, which its network does not")]
    WrongSize { name: String, len: u64 },
    #[error("it carries the bytes of attachment '{name}' twice")]
    Twice { name: String },
    #[error("the bytes of attachment '{name}' do not match its hash")]
    WrongHash { name: String },
}

impl From<kring_store::bundle::OpenError> for BundleProblem {
    fn from(err: kring_store::bundle::OpenError) -> BundleProblem {
        use kring_store::bundle::OpenError;
        match err {
            OpenError::NotABundle => BundleProblem::NotABundle("another kind of file".into()),
            OpenError::Older(what) => BundleProblem::Older(what.into()),
            OpenError::NotForThisLaptop => BundleProblem::NotForThisLaptop,
            OpenError::NeedsPassphrase => BundleProblem::NeedsPassphrase,
            OpenError::WrongPassphrase => BundleProblem::WrongPassphrase,
            OpenError::Damaged(reason) => BundleProblem::Damaged(reason),
            OpenError::TooLarge { what, size, max } => BundleProblem::TooLarge { what, size, max },
            OpenError::UnpacksTooLarge { max } => BundleProblem::UnpacksTooLarge { max },
            OpenError::TooManyOperations { max } => BundleProblem::TooManyOperations { max },
            OpenError::TooManyChanges { max } => BundleProblem::TooManyChanges { max },
            OpenError::NotABundleInside(reason) => BundleProblem::NotABundle(reason),
        }
    }
}

impl NodeError {
    pub(crate) fn connection(err: impl std::fmt::Display) -> NodeError {
        NodeError::Connection(err.to_string())
    }
}

pub type Result<T, E = NodeError> = std::result::Result<T, E>;
