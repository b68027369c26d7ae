//! The command line: what a person (or a script, or a test) can ask `kring` to do headless.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "kring",
    version,
    about = "Kring: notes, meetings and learning questions of a learning network, shared peer to peer",
    long_about = "Kring keeps a learning network's members, meetings (sessions) with shared notes, and \
                  learning questions on every participant's own laptop, and syncs them directly between \
                  laptops.\n\nWithout a command, kring opens the desktop app. With a command it works \
                  headless: output is one JSON object on stdout, errors are one line on stderr."
)]
pub(crate) struct Cli {
    /// Where Kring keeps this device's key, settings and networks.
    #[arg(long, global = true, env = "KRING_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// For the desktop client (no command): use no relay, DNS or port mapping.
    #[arg(long = "offline", id = "gui_offline")]
    pub gui_offline: bool,
    /// For the desktop client (no command): listen on this address, e.g. 127.0.0.1:0.
    #[arg(long = "bind", id = "gui_bind", value_name = "ADDR:PORT")]
    pub gui_bind: Option<std::net::SocketAddr>,

    /// For the desktop client (no command): the screen to open first.
    #[arg(long, value_name = "SCREEN", value_parser = ["sessions", "session", "questions", "question", "actions", "reflection", "members", "network", "bin", "settings", "leerhuis", "timeline"])]
    pub screen: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Start a network or list the networks on this device.
    #[command(subcommand)]
    Network(NetworkCommand),
    /// Meetings of the network: plan them, take notes, record who was there.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Learning questions the network works on: propose, vote, move along.
    #[command(subcommand)]
    Question(QuestionCommand),
    /// Reflection rounds on the key factors of network learning: open, score, close.
    #[command(subcommand)]
    Reflection(ReflectionCommand),
    /// Members of the network.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Use Kring on another laptop of your own: link it to a network you are in.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Carry a network on a USB stick: write it to a file, or merge a file into this device.
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// A new chapter of the network: a fresh start holding the network as it is now, without
    /// its history (coordinators only). Removed members get nothing of it.
    #[command(subcommand)]
    Chapter(ChapterCommand),
    /// Erase something for everyone (coordinators only): the network continues in a new chapter
    /// without it, and once every laptop has switched, no file on any of them holds it. Cannot
    /// be undone.
    Erase {
        #[command(flatten)]
        network: NetworkArg,
        #[command(flatten)]
        what: EraseArgs,
        /// With --text: the first character to erase, counted from 0.
        #[arg(long, value_name = "N", requires = "text")]
        from: Option<usize>,
        /// With --text: the character after the last one to erase.
        #[arg(long, value_name = "N", requires = "text")]
        to: Option<usize>,
    },
    /// Attach a photo, recording, film or document (at most 500 MB) to a meeting, a learning
    /// question or one of its cycles. Its bytes are kept on this laptop and go only to the
    /// laptops of current members, which fetch them when they sync. Prints the attachment's id
    /// and the hash of its bytes.
    Attach {
        #[command(flatten)]
        network: NetworkArg,
        /// To this meeting.
        #[arg(long, value_name = "ID", required_unless_present = "question", conflicts_with = "question")]
        session: Option<String>,
        /// To this learning question.
        #[arg(long, value_name = "ID")]
        question: Option<String>,
        /// With --question: to this action-research cycle of it.
        #[arg(long, value_name = "ID", requires = "question")]
        cycle: Option<String>,
        /// The file to attach.
        file: PathBuf,
    },
    /// An attachment's bytes.
    #[command(subcommand)]
    Attachment(AttachmentCommand),
    /// Print the whole network as JSON.
    Show(NetworkArg),
    /// List the open actions (not done) of every meeting, per member.
    Actions {
        #[command(flatten)]
        network: NetworkArg,
        /// Only this member's actions.
        #[arg(long, value_name = "ID", conflicts_with = "mine")]
        member: Option<String>,
        /// Only your own actions.
        #[arg(long)]
        mine: bool,
    },
    /// List what is in the bin: deleted meetings, learning questions and actions.
    Bin(NetworkArg),
    /// Write meetings as an iCalendar (.ics) file for Outlook, Google Calendar and the like:
    /// one meeting, or every upcoming one. Without --out the calendar itself goes to stdout.
    Calendar {
        #[command(flatten)]
        network: NetworkArg,
        /// Only this meeting (default: every meeting from today on).
        #[arg(long, value_name = "ID")]
        session: Option<String>,
        /// Write the calendar to FILE and print a JSON summary instead.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Run a relay for the laptops of a school or region, until stopped (Ctrl-C): laptops that
    /// cannot reach each other directly (other buildings, client isolation on the Wi-Fi) pass
    /// their encrypted traffic through it. Needs no data folder. Point every laptop at it with
    /// `kring settings --relay-url http://SERVER:PORT`.
    Relay {
        /// Listen on this address and port.
        #[arg(long, default_value = "0.0.0.0:3340", value_name = "ADDR:PORT")]
        listen: std::net::SocketAddr,
    },
    /// Run this device as a peer until stopped (Ctrl-C): sync live with every member it can
    /// reach, and let invitees in. Prints its address, then one JSON line per event.
    Serve {
        #[command(flatten)]
        net: NetArgs,
        /// Also create an invite and print its ticket.
        #[arg(long)]
        invite: bool,
        #[command(flatten)]
        limits: InviteLimits,
        #[command(flatten)]
        network: NetworkArg,
    },
    /// A room for phones in a meeting: youth and parents take part from their phone, without an
    /// install or an account, over the Wi-Fi of the meeting room.
    #[command(subcommand)]
    Room(RoomCommand),
    /// Invite someone: prints a ticket to send them. Or revoke an invite.
    Invite(InviteArgs),
    /// A leerhuis: a network of networks. Link a network into it, share what a network learned
    /// there, and see what every linked network shared.
    #[command(subcommand)]
    Leerhuis(LeerhuisCommand),
    /// Join a network with the ticket a coordinator sent you.
    Join {
        ticket: String,
        #[arg(long, value_name = "NAME")]
        me: String,
        #[command(flatten)]
        profile: ProfileArgs,
        #[command(flatten)]
        net: NetArgs,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 20, value_name = "SECS")]
        timeout: u64,
    },
    /// Show or change this device's settings.
    Settings {
        /// Always work offline (true) or use the internet when it is there (false).
        #[arg(long, value_name = "BOOL")]
        offline: Option<bool>,
        /// Use the relay of your school or region, e.g. https://relay.school.nl.
        #[arg(long, value_name = "URL", conflicts_with = "public_relays")]
        relay_url: Option<String>,
        /// Go back to the public relays.
        #[arg(long)]
        public_relays: bool,
        #[arg(long, value_parser = ["nl", "en"])]
        language: Option<String>,
        /// Use no public service (true): nothing published to or looked up in public DNS/pkarr,
        /// and no public relay (only your own relay, if set).
        #[arg(long, value_name = "BOOL")]
        no_public_services: Option<bool>,
        /// Announce this laptop on the local network by mDNS (true, the default) or not (false).
        #[arg(long, value_name = "BOOL")]
        lan_announce: Option<bool>,
    },
    /// Reach a colleague's laptop that the local network does not find (multicast blocked,
    /// another subnet): remember its address, or the addresses in a ticket, and sync once with
    /// it. A ticket may be one used before: its addresses may be newer.
    Connect {
        /// The other laptop's address as its Kring shows it (ID@IP:PORT[,IP:PORT...]), or an
        /// invite ticket of a network this laptop already has.
        target: String,
        #[command(flatten)]
        network: NetworkArg,
        #[command(flatten)]
        net: NetArgs,
        /// Give up on the other laptop after this many seconds.
        #[arg(long, default_value_t = 20, value_name = "SECS")]
        timeout: u64,
    },
    /// Sync once with every member device that can be reached, then stop.
    Sync {
        #[command(flatten)]
        network: NetworkArg,
        #[command(flatten)]
        net: NetArgs,
        /// Give up on a device after this many seconds.
        #[arg(long, default_value_t = 20, value_name = "SECS")]
        timeout: u64,
    },
}

#[derive(Debug, Args)]
pub(crate) struct NetArgs {
    /// Use no relay, DNS or port mapping: only the local network and known addresses.
    #[arg(long)]
    pub offline: bool,
    /// Listen on this address, e.g. 127.0.0.1:0 (default: every interface, the port of the
    /// last run).
    #[arg(long, value_name = "ADDR:PORT")]
    pub bind: Option<std::net::SocketAddr>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum RoomCommand {
    /// Open a room in a meeting and serve its page until stopped (Ctrl-C), which closes the
    /// room. Prints the page's address (`url`, for a QR code or the projector) first, then one
    /// JSON line per contribution a guest sends.
    Open {
        #[command(flatten)]
        network: NetworkArg,
        /// The meeting.
        #[arg(long, value_name = "ID")]
        session: String,
        /// Serve the page on this address (default: every interface, a free port).
        #[arg(long, default_value = "0.0.0.0:0", value_name = "ADDR:PORT")]
        bind: std::net::SocketAddr,
        /// A learning question guests may vote on (repeat for more).
        #[arg(long = "question", value_name = "ID")]
        questions: Vec<String>,
        /// An open reflection round guests may score.
        #[arg(long, value_name = "ID")]
        reflection: Option<String>,
        /// Guests may propose a learning question.
        #[arg(long)]
        proposals: bool,
        /// Guests may leave a short reaction.
        #[arg(long)]
        reactions: bool,
        /// Guests may send a photo (at most 8 MB; the laptop keeps only its own re-encoding,
        /// attached to the meeting as the guest's).
        #[arg(long)]
        photos: bool,
        /// This laptop syncs with no relay, DNS or port mapping meanwhile.
        #[arg(long)]
        offline: bool,
        /// The address this laptop syncs with other laptops on meanwhile (as `serve --bind`).
        #[arg(long, value_name = "ADDR:PORT")]
        sync_bind: Option<std::net::SocketAddr>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct InviteLimits {
    /// How many people may join with the ticket.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub max_uses: u64,
    /// How long the ticket stays valid, e.g. 30m, 24h, 7days.
    #[arg(long, default_value = "7days", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub expires: std::time::Duration,
    /// Who the invite is for, e.g. "Bram (ouder)": shown with the open invites, so that two
    /// can be told apart. At most 200 characters.
    #[arg(long = "for", default_value = "", value_name = "NAME")]
    pub made_for: String,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct InviteArgs {
    #[command(subcommand)]
    pub action: Option<InviteAction>,
    #[command(flatten)]
    pub network: NetworkArg,
    /// The role the invitee gets.
    #[arg(long, default_value = "member", value_parser = words(kring_model::Role::ALL))]
    pub role: String,
    #[command(flatten)]
    pub limits: InviteLimits,
}

#[derive(Debug, Subcommand)]
pub(crate) enum InviteAction {
    /// The network's invites: who each is for, its role, uses, expiry, and whether it is open.
    List(NetworkArg),
    /// Make an invite unusable.
    Revoke {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        invite: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum LeerhuisCommand {
    /// In the leerhuis (its coordinator): make a one-time ticket for linking one network; send
    /// it to that network's coordinator, and keep this laptop reachable (`kring serve`).
    LinkTicket {
        /// The leerhuis.
        #[command(flatten)]
        network: NetworkArg,
        /// How long the ticket stays valid, e.g. 24h, 7days.
        #[arg(long, default_value = "7days", value_parser = humantime::parse_duration, value_name = "DURATION")]
        expires: std::time::Duration,
    },
    /// In your network (its coordinator): link it into the leerhuis of TICKET. Your network's
    /// coordinators' laptops become its delegates there: they share on its behalf.
    Link {
        ticket: String,
        /// Your network.
        #[command(flatten)]
        network: NetworkArg,
        /// Your name in the leerhuis (default: your name in your network).
        #[arg(long, value_name = "NAME")]
        me: Option<String>,
        #[command(flatten)]
        net: NetArgs,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 20, value_name = "SECS")]
        timeout: u64,
    },
    /// Join the leerhuis your network is linked into, without an invitation: with the access
    /// your network's coordinator gave its members (a voucher, valid for two weeks at a time).
    Join {
        /// Your network.
        #[command(flatten)]
        network: NetworkArg,
        /// The leerhuis (may be left out when your network is linked into one).
        #[arg(long, value_name = "ID")]
        leerhuis: Option<String>,
        /// Your name in the leerhuis (default: your name in your network).
        #[arg(long, value_name = "NAME")]
        me: Option<String>,
        #[command(flatten)]
        net: NetArgs,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 20, value_name = "SECS")]
        timeout: u64,
    },
    /// Give your network's members access to the leerhuis again (a coordinator): for new
    /// members, and before the access of two weeks runs out; removed members lose theirs.
    Vouchers {
        /// Your network.
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        leerhuis: Option<String>,
    },
    /// Share a learning question, a meeting or a closed reflection round of your network with
    /// the leerhuis, as a copy (a delegate only). Sharing again makes a new version.
    #[command(group = clap::ArgGroup::new("what").required(true))]
    Publish {
        /// Your network.
        #[command(flatten)]
        network: NetworkArg,
        /// The leerhuis (may be left out when your network is linked into one).
        #[arg(long, value_name = "ID")]
        leerhuis: Option<String>,
        #[arg(long, value_name = "ID", group = "what")]
        question: Option<String>,
        #[arg(long, value_name = "ID", group = "what")]
        session: Option<String>,
        /// A closed round: shared only as per-factor mean, spread and n, from five scorers on.
        #[arg(long, value_name = "ID", group = "what")]
        reflection: Option<String>,
        /// For a meeting: a summary written for the leerhuis (its notes stay in your network).
        #[arg(long, value_name = "TEXT", requires = "session")]
        summary: Option<String>,
    },
    /// Take your network out of the leerhuis (its coordinator): access through it ends for its
    /// members, and what it shared is withdrawn, or kept there as an archive.
    #[command(group = clap::ArgGroup::new("shared").required(true))]
    Unlink {
        /// Your network.
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        leerhuis: Option<String>,
        /// Withdraw everything your network shared.
        #[arg(long, group = "shared")]
        withdraw: bool,
        /// Keep what your network shared in the leerhuis, as an archive.
        #[arg(long, group = "shared")]
        archive: bool,
    },
    /// Withdraw something your network shared with the leerhuis.
    Withdraw {
        /// Your network.
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        leerhuis: Option<String>,
        #[arg(long, value_name = "ID")]
        publication: String,
    },
    /// The programme report for a funder: the joint meetings with attendance per network and
    /// perspective (youth and parents below five as "<5"), what every network shared, and the
    /// key factors of the shared rounds; Markdown, or HTML with `--html`.
    Report {
        /// The leerhuis.
        #[command(flatten)]
        network: NetworkArg,
        /// Write the report to FILE (it prints a JSON summary).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// A web page (to open in a browser or print to PDF) instead of Markdown.
        #[arg(long)]
        html: bool,
    },
    /// The leerhuis's meetings and what every linked network shared, newest first, each with its
    /// source.
    Overview {
        /// The leerhuis.
        #[command(flatten)]
        network: NetworkArg,
        /// Only what is about this theme.
        #[arg(long)]
        theme: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum DeviceCommand {
    /// On the laptop you use now: make a one-time ticket for your other laptop and wait,
    /// serving, until it has used the ticket or the ticket expires. Prints the ticket as the
    /// first JSON line and the linked laptop as the second.
    Link {
        #[command(flatten)]
        network: NetworkArg,
        /// How many minutes the ticket stays valid.
        #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=1440), value_name = "N")]
        minutes: u64,
        #[command(flatten)]
        net: NetArgs,
    },
    /// On your other laptop: become another device of yourself (the same member) with the
    /// ticket from `kring device link`. This laptop must not hold the network yet.
    Add {
        ticket: String,
        #[command(flatten)]
        net: NetArgs,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 20, value_name = "SECS")]
        timeout: u64,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ChapterCommand {
    /// Begin a new chapter now.
    New {
        #[command(flatten)]
        network: NetworkArg,
        /// Keep the old chapter's history on this laptop (in the data folder's `archive`),
        /// readable with this laptop only. Without it, the old chapter is deleted.
        #[arg(long)]
        keep_history: bool,
    },
    /// Which chapter this laptop is on.
    Show(NetworkArg),
}

/// What `kring erase` erases: exactly one of these.
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub(crate) struct EraseArgs {
    /// A meeting, with its agenda, notes and actions.
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// A learning question, with its cycles.
    #[arg(long, value_name = "ID")]
    pub question: Option<String>,
    /// A passage of a text, FIELD being notes:SESSION, agenda:SESSION, details:QUESTION or
    /// insights:QUESTION; with --from and --to (characters, counted from 0).
    #[arg(long, value_name = "FIELD", requires_all = ["from", "to"])]
    pub text: Option<String>,
    /// A member's comment in a reflection round, as ROUND:MEMBER:FACTOR.
    #[arg(long, value_name = "ROUND:MEMBER:FACTOR")]
    pub comment: Option<String>,
    /// What a guest sent from a phone, as SESSION:ROOM:CONTRIBUTION (see `kring show`).
    #[arg(long, value_name = "SESSION:ROOM:CONTRIBUTION")]
    pub guest: Option<String>,
    /// An attachment (see `kring show`): its bytes are deleted from every laptop once it has
    /// switched to the new chapter, this one at once.
    #[arg(long, value_name = "ID")]
    pub attachment: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum MemberCommand {
    /// Remove a member (coordinators only). Their devices are refused from then on.
    Remove {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        member: String,
        /// And begin a new chapter, of which the removed member's laptops get nothing:
        /// recommended for a lost laptop or a conflict.
        #[arg(long)]
        new_chapter: bool,
    },
    /// Make a member coordinator or a regular member (coordinators only; never the last
    /// coordinator).
    Role {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        member: String,
        #[arg(long, value_parser = words(kring_model::Role::ALL))]
        role: String,
    },
    /// Change your own name, perspective or organisation (coordinators: anyone's, with --member).
    Profile {
        #[command(flatten)]
        network: NetworkArg,
        /// Whose profile (default: your own).
        #[arg(long, value_name = "ID")]
        member: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_parser = words(kring_model::Perspective::ALL))]
        perspective: Option<String>,
        #[arg(long)]
        organisation: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum BundleCommand {
    /// Write the whole network to FILE, encrypted: only the laptops of the network's current
    /// members can read it (or, with --passphrase, whoever knows the passphrase).
    Export {
        #[command(flatten)]
        network: NetworkArg,
        file: PathBuf,
        /// Lock the bundle with a passphrase instead, for a laptop that is not a member yet.
        /// The passphrase (12 characters or more) comes from the environment variable
        /// KRING_BUNDLE_PASSPHRASE, or is asked at the terminal, or is the first line on stdin;
        /// never an argument, which others could read in the list of processes.
        #[arg(long)]
        passphrase: bool,
        /// Also carry the bytes of the network's attachments that are on this laptop (photos,
        /// recordings, documents: the bundle grows by their size). Without it the bundle holds
        /// only what the attachments are; members' laptops fetch the bytes when they sync.
        #[arg(long)]
        with_attachments: bool,
    },
    /// Merge the network in FILE into this device's copy, with the attachments' bytes it
    /// carries (each checked against its hash: a bundle whose bytes do not match is refused). A bundle locked with a passphrase asks
    /// for it as export does (KRING_BUNDLE_PASSPHRASE, the terminal, or stdin).
    Import {
        file: PathBuf,
        /// Also accept a network this device does not hold yet.
        #[arg(long)]
        accept_new_network: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum NetworkCommand {
    /// Start a new learning network, with you as its first coordinator.
    Create {
        /// The network's name, e.g. "PLG Rekenen Leiden".
        #[arg(long)]
        name: String,
        /// Your own name as the other members will see it.
        #[arg(long, value_name = "NAME")]
        me: String,
        #[command(flatten)]
        profile: ProfileArgs,
        /// `leerhuis` for a network of networks (other networks link into it).
        #[arg(long, default_value = "network", value_parser = words(kring_model::NetworkKind::ALL))]
        kind: String,
    },
    /// List the networks on this device.
    List,
    /// Give the network another name (coordinators).
    Rename {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long)]
        name: String,
    },
    /// Describe what the network is about (coordinators; "" clears it).
    Describe {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long)]
        description: String,
    },
    /// Set the network's region, e.g. "Leiden" (coordinators; "" clears it).
    Region {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long)]
        region: String,
    },
    /// The themes the network works on, e.g. werkplezier (coordinators).
    #[command(subcommand)]
    Theme(ThemeCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum ThemeCommand {
    /// Add a theme.
    Add {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long)]
        theme: String,
    },
    /// Remove a theme.
    Remove {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long)]
        theme: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ProfileArgs {
    /// The perspective you bring to the network.
    #[arg(long, default_value = "other", value_parser = words(kring_model::Perspective::ALL))]
    pub perspective: String,
    /// Your school, organisation or institution.
    #[arg(long, default_value = "")]
    pub organisation: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AttachmentCommand {
    /// Save an attachment's bytes to a file: from this laptop, or else fetched from a member's
    /// laptop that has them (waiting at most --timeout seconds for one to answer).
    Get {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        attachment: String,
        /// Where to write it.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        net: NetArgs,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 60, value_name = "SECS")]
        timeout: u64,
    },
}

#[derive(Debug, Args)]
pub(crate) struct NetworkArg {
    /// Which network; may be left out when this device has exactly one.
    #[arg(long, value_name = "ID")]
    pub network: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SessionCommand {
    /// Plan a meeting.
    #[command(visible_alias = "create")]
    Add {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long)]
        title: String,
        #[arg(long, value_parser = words(kring_model::SessionKind::ALL))]
        kind: String,
        /// YYYY-MM-DD or YYYY-MM-DDTHH:MM.
        #[arg(long)]
        date: String,
        #[arg(long, default_value = "")]
        location: String,
        /// In a leerhuis (coordinators): only for the members of these linked networks, by id,
        /// comma-separated; left out, the meeting is for all of them.
        #[arg(long, value_name = "NETWORKS", value_delimiter = ',')]
        open_to: Vec<String>,
    },
    /// Add a paragraph to a meeting's notes.
    Notes {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        session: String,
        #[arg(long, value_name = "TEXT")]
        append: String,
    },
    /// Record whether a member attended (yourself unless --member is given).
    Attend {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        session: String,
        #[arg(long, value_name = "ID")]
        member: Option<String>,
        #[arg(long, value_parser = words(kring_model::Attendance::ALL))]
        status: String,
    },
    /// Change a meeting's title, kind, date or location; what is left out stays as it is.
    Edit {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        session: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long, value_parser = words(kring_model::SessionKind::ALL))]
        kind: Option<String>,
        /// YYYY-MM-DD or YYYY-MM-DDTHH:MM.
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        location: Option<String>,
        /// In a leerhuis (coordinators): only for the members of these linked networks, by id,
        /// comma-separated.
        #[arg(long, value_name = "NETWORKS", value_delimiter = ',', conflicts_with = "open_to_all")]
        open_to: Option<Vec<String>>,
        /// In a leerhuis (coordinators): for the members of all linked networks again.
        #[arg(long)]
        open_to_all: bool,
    },
    /// Give a meeting one of the network's themes (or take it away with --remove).
    Theme {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        session: String,
        #[arg(long, value_name = "THEME")]
        theme: String,
        #[arg(long)]
        remove: bool,
    },
    /// Put a meeting in the bin (it can be restored).
    Delete {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        session: String,
    },
    /// Take a meeting out of the bin.
    Restore {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        session: String,
    },
    /// Add a paragraph to a meeting's agenda.
    Agenda {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        session: String,
        #[arg(long, value_name = "TEXT")]
        append: String,
    },
    /// Record that a learning question was discussed in a meeting (or undo that with --unlink).
    Link {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        session: String,
        #[arg(long, value_name = "ID")]
        question: String,
        #[arg(long)]
        unlink: bool,
    },
    /// The actions agreed in a meeting: who does what, by when.
    #[command(subcommand)]
    Action(ActionCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum ActionCommand {
    /// Agree on an action in a meeting.
    Add {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        session: String,
        #[arg(long)]
        text: String,
        /// The member who takes it on.
        #[arg(long, value_name = "ID")]
        owner: Option<String>,
        /// YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
    },
    /// Mark an action done (or not done again with --undo).
    Done {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        session: String,
        #[arg(long, value_name = "ID")]
        action: String,
        #[arg(long)]
        undo: bool,
    },
    /// Put an action in the bin (it can be restored).
    Delete {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        session: String,
        #[arg(long, value_name = "ID")]
        action: String,
    },
    /// Take an action out of the bin.
    Restore {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        session: String,
        #[arg(long, value_name = "ID")]
        action: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum QuestionCommand {
    /// Propose a learning question.
    Add {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        details: String,
    },
    /// Vote for a question (one vote per member), or take your vote back.
    Vote {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        question: String,
        #[arg(long)]
        retract: bool,
    },
    /// Move a question along: proposed, central, exploring, answered, or parked.
    Status {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        question: String,
        #[arg(long, value_parser = words(kring_model::QuestionStatus::ALL))]
        status: String,
    },
    /// Give a question another title.
    Rename {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        question: String,
        #[arg(long)]
        title: String,
    },
    /// Give a question one of the network's themes (or take it away with --remove).
    Theme {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        question: String,
        #[arg(long, value_name = "THEME")]
        theme: String,
        #[arg(long)]
        remove: bool,
    },
    /// Put a question in the bin (it can be restored).
    Delete {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        question: String,
    },
    /// Take a question out of the bin.
    Restore {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        question: String,
    },
    /// Add a paragraph to a question's details.
    Details {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        question: String,
        #[arg(long, value_name = "TEXT")]
        append: String,
    },
    /// Add a paragraph to what the network learned about a question.
    Insights {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        question: String,
        #[arg(long, value_name = "TEXT")]
        append: String,
    },
    /// Action research on a question: cycles of plan, act, observe and reflect.
    #[command(subcommand)]
    Cycle(CycleCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum CycleCommand {
    /// Start a cycle.
    Add {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        question: String,
        /// YYYY-MM-DD (default: today).
        #[arg(long, value_name = "DATE")]
        start: Option<String>,
    },
    /// End a cycle.
    End {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        question: String,
        #[arg(long, value_name = "ID")]
        cycle: String,
        /// YYYY-MM-DD (default: today).
        #[arg(long, value_name = "DATE")]
        end: Option<String>,
    },
    /// Add a paragraph to one phase of a cycle.
    Write {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        question: String,
        #[arg(long, value_name = "ID")]
        cycle: String,
        #[arg(long, value_parser = words(kring_model::CyclePhase::ALL))]
        phase: String,
        #[arg(long, value_name = "TEXT")]
        append: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ReflectionCommand {
    /// Open a round on the factors in use now (coordinators).
    Open {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long)]
        title: String,
    },
    /// Score one factor from 1 to 5, with an optional comment; scoring again replaces it.
    Score {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        round: String,
        /// The factor's id, e.g. trust or knowledge-sharing.
        #[arg(long, value_name = "ID")]
        factor: String,
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=5))]
        score: i64,
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Close a round: nobody can score in it afterwards (coordinators).
    Close {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        round: String,
    },
    /// The factors scored in new rounds (coordinators).
    #[command(subcommand)]
    Factor(FactorCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum FactorCommand {
    /// Add a factor at the end of the list.
    Add {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long)]
        name: String,
    },
    /// Give a factor another name.
    Rename {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        factor: String,
        #[arg(long)]
        name: String,
    },
    /// Take a factor out of future rounds; earlier rounds keep their scores.
    Remove {
        #[command(flatten)]
        network: NetworkArg,
        #[arg(long, value_name = "ID")]
        factor: String,
    },
}

/// Accepts exactly the words of one of the model's vocabularies, and lists them in `--help`.
fn words<T: std::fmt::Display>(all: &[T]) -> PossibleValuesParser {
    PossibleValuesParser::new(all.iter().map(|word| clap::builder::PossibleValue::new(word.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn vocabulary_words_are_checked_by_the_parser() {
        let parsed = Cli::try_parse_from(["kring", "question", "status", "--question", "q", "--status", "central"]);
        assert!(parsed.is_ok());
        let refused = Cli::try_parse_from(["kring", "question", "status", "--question", "q", "--status", "done"]);
        assert!(refused.unwrap_err().to_string().contains("answered"));
    }
}
