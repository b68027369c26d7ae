//! What an interface can ask of its node.

use std::path::PathBuf;
use std::time::Duration;

use kring_model::automerge::ChangeHash;
use kring_model::{Edit, Erasure, Profile, Role, Splice, TextField};

/// A bundle's passphrase as the person typed it. Never shown in logs or debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct BundlePassphrase(String);

impl BundlePassphrase {
    pub fn new(text: impl Into<String>) -> BundlePassphrase {
        BundlePassphrase(text.into())
    }

    /// Long enough to lock a bundle with.
    pub fn is_long_enough(&self) -> bool {
        self.0.chars().count() >= crate::bundle::MIN_PASSPHRASE_CHARS
    }

    pub(crate) fn to_passphrase(&self) -> crate::bundle::Passphrase {
        crate::bundle::Passphrase::new(self.0.clone())
    }
}

impl std::fmt::Debug for BundlePassphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BundlePassphrase(..)")
    }
}

/// Commands are plain data: a test can see which one a click sent without running a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Show this network: snapshots of it follow every change, local or remote.
    Watch {
        network: String,
    },
    CreateNetwork {
        name: String,
        founder: Profile,
    },
    /// Join with a pasted ticket. Answers with the network's id.
    Join {
        ticket: String,
        profile: Profile,
    },
    /// One user action, run as this device's member. Answers with the id of what it created,
    /// if anything (a new session, a new question), or for a removal the number of invites it
    /// revoked.
    Edit {
        network: String,
        edit: Edit,
    },
    /// Keystrokes in a text, made on the snapshot of version `seen` plus the typist's earlier
    /// keystrokes, and where the caret (selection start and end) is now.
    Type {
        network: String,
        field: TextField,
        seen: u64,
        splices: Vec<Splice>,
        caret: Option<(usize, usize)>,
    },
    /// Answers with the ticket text.
    CreateInvite {
        network: String,
        role: Role,
        max_uses: u64,
        valid_for: Duration,
        /// Who it is for ("Bram (ouder)"), or empty.
        made_for: String,
    },
    /// Connect to a device by its address (`ID@IP:PORT`, as the status shows it) or a ticket.
    Connect {
        address: String,
    },
    /// Save settings (language, offline mode, relay); networking ones apply at the next start.
    SaveSettings {
        config: kring_store::Config,
    },
    /// Everything in the network up to now has been seen: "what changed" starts afresh.
    MarkSeen {
        network: String,
    },
    /// Save an export. Answers with the path written.
    WriteFile {
        path: PathBuf,
        contents: Vec<u8>,
    },
    /// Write the whole network as a bundle for a USB stick: locked for the laptops of the
    /// members, or with a passphrase for a laptop that is not a member yet; with the bytes of
    /// the attachments on this laptop when `with_attachments` (progress follows as
    /// [`Update::BundleProgress`](super::Update::BundleProgress)). Answers with the path written.
    ExportBundle {
        network: String,
        path: PathBuf,
        passphrase: Option<BundlePassphrase>,
        with_attachments: bool,
    },
    /// Merge the network of a bundle into this device's copy (a bundle locked with a
    /// passphrase needs it), and keep the attachments' bytes it carries, each checked. Answers with the number of new changes; with `new_network`, a
    /// network this laptop does not have yet is taken in too, and the answer is its id.
    ImportBundle {
        path: PathBuf,
        passphrase: Option<BundlePassphrase>,
        new_network: bool,
    },
    /// A one-time ticket for this person's other laptop. Answers with the ticket text.
    CreateDeviceLink {
        network: String,
    },
    /// Become another laptop of the member whose laptop made `ticket`. Answers with the
    /// network's id.
    LinkDevice {
        ticket: String,
    },
    /// Begin the network's next chapter (coordinators), without what `erase` names, and switch
    /// to it. Answers with the new chapter's number.
    StartChapter {
        network: String,
        erase: Vec<Erasure>,
        keep_history: bool,
    },
    /// The moments a text changed, sent as [`Update::History`](super::Update::History).
    History {
        network: String,
        field: TextField,
    },
    /// A text as it was at `heads`, sent as [`Update::TextAt`](super::Update::TextAt).
    TextAt {
        network: String,
        field: TextField,
        heads: Vec<ChangeHash>,
    },

    // The leerhuis.
    /// The leerhuizen held on this laptop, sent as [`Update::Leerhuizen`](super::Update::Leerhuizen).
    Leerhuizen,
    /// A link ticket for one network to link into leerhuis `network`. Answers with its text.
    CreateLinkTicket {
        network: String,
    },
    /// Links `network` into the leerhuis of link ticket `ticket` (its coordinator). Answers
    /// with the leerhuis's id.
    LinkIntoLeerhuis {
        network: String,
        ticket: String,
        profile: Profile,
    },
    /// Joins `leerhuis` with the voucher this member was issued in `network`. Answers with the
    /// leerhuis's id.
    JoinLeerhuis {
        network: String,
        leerhuis: String,
        profile: Profile,
    },
    /// Writes `publication` (as it was shown to the person) into `leerhuis`, stamped with the
    /// heads of the network it comes from. Answers with the publication's id.
    Publish {
        leerhuis: String,
        publication: Box<kring_model::leerhuis::NewPublication>,
    },
    Withdraw {
        leerhuis: String,
        publication: kring_model::PublicationId,
    },
    /// Meetings, cycles and rounds of every network here, sent as
    /// [`Update::Timeline`](super::Update::Timeline).
    Timeline,

    // Attachments.
    /// Attaches the file at `path` to a meeting, question or cycle. Answers with the
    /// attachment's id.
    Attach {
        network: String,
        to: kring_model::AttachedTo,
        path: PathBuf,
    },
    /// Writes an attachment to `path`, fetched first if it is not on this laptop. Answers with
    /// the path written.
    SaveAttachment {
        network: String,
        attachment: kring_model::AttachmentId,
        path: PathBuf,
    },
    /// A private copy of an attachment for the system's viewer, fetched first if it is not on
    /// this laptop. Answers with the copy's path.
    CopyForViewer {
        network: String,
        attachment: kring_model::AttachmentId,
    },
    /// Fetches an attachment to this laptop if it is not here (on a laptop that fetches on
    /// demand, this is the asking).
    FetchAttachment {
        network: String,
        attachment: kring_model::AttachmentId,
    },
    /// The bytes of a photo held here, sent as
    /// [`Update::AttachmentBytes`](super::Update::AttachmentBytes).
    ReadAttachment {
        network: String,
        attachment: kring_model::AttachmentId,
    },
    /// Keeps bytes made on this laptop (a guest's photo, re-encoded by the room) in
    /// `network`'s attachment store. Answers with their content hash, as `Created`.
    KeepBytes {
        network: String,
        bytes: super::Bytes,
    },
    /// Fetch `network`'s attachments only when opened (`on_demand`), or all in the background.
    SetFetchPolicy {
        network: String,
        on_demand: bool,
    },
    /// The disk use and fetch policy of every network's attachments, sent as
    /// [`Update::AttachmentUse`](super::Update::AttachmentUse).
    AttachmentUse,
    /// `network` leaves `leerhuis` (see [`crate::leerhuis::unlink`]): what it shared there is
    /// withdrawn, or (without `withdraw`) kept as an archive.
    Unlink {
        network: String,
        leerhuis: String,
        withdraw: bool,
    },
    /// Searches every network here, sent as [`Update::Found`](super::Update::Found); the
    /// network on screen comes first.
    SearchAll {
        query: String,
    },
}

impl Command {
    /// What kind of command this is, for logs: never what it carries (notes hold pupils' data).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Watch { .. } => "watch",
            Command::CreateNetwork { .. } => "create network",
            Command::Join { .. } => "join",
            Command::Edit { edit, .. } => edit.name(),
            Command::Type { .. } => "type",
            Command::CreateInvite { .. } => "create invite",
            Command::Connect { .. } => "connect",
            Command::SaveSettings { .. } => "save settings",
            Command::MarkSeen { .. } => "mark seen",
            Command::WriteFile { .. } => "write file",
            Command::ExportBundle { .. } => "export bundle",
            Command::ImportBundle { .. } => "import bundle",
            Command::CreateDeviceLink { .. } => "create device link",
            Command::LinkDevice { .. } => "link device",
            Command::StartChapter { .. } => "start chapter",
            Command::History { .. } => "history",
            Command::TextAt { .. } => "text at",
            Command::Leerhuizen => "leerhuizen",
            Command::CreateLinkTicket { .. } => "create link ticket",
            Command::LinkIntoLeerhuis { .. } => "link into leerhuis",
            Command::JoinLeerhuis { .. } => "join leerhuis",
            Command::Publish { .. } => "publish",
            Command::Withdraw { .. } => "withdraw publication",
            Command::Timeline => "timeline",
            Command::Attach { .. } => "attach",
            Command::SaveAttachment { .. } => "save attachment",
            Command::CopyForViewer { .. } => "copy attachment for viewer",
            Command::FetchAttachment { .. } => "fetch attachment",
            Command::ReadAttachment { .. } => "read attachment",
            Command::SetFetchPolicy { .. } => "set fetch policy",
            Command::KeepBytes { .. } => "keep bytes",
            Command::AttachmentUse => "attachment use",
            Command::Unlink { .. } => "unlink from leerhuis",
            Command::SearchAll { .. } => "search all networks",
        }
    }
}
