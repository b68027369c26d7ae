//! Every error a person can meet, worded in their language. The node hands the interface typed
//! errors; nothing English reaches a Dutch screen. Each `match` names every variant (no
//! catch-all), so a new kind of error does not compile until it has words here.

use kring_model::declared::Refused;
use kring_model::{CoordinatorTask, Field, ModelError, Record};
use kring_node::{AttachmentFault, BundleProblem, NodeError, StartWarning, TicketError, Unusable};
use kring_store::StoreError;
use kring_sync::{Distrust, FrameError, ProtocolError};

use super::{Language, breach_words};

/// Picks the Dutch or the English wording.
fn say(language: Language, nl: String, en: String) -> String {
    match language {
        Language::Nl => nl,
        Language::En => en,
    }
}

/// What starting found about one network, with what the person can do about it.
pub fn start_warning(l: Language, warning: &StartWarning) -> String {
    let name = warning.network_name();
    match warning {
        StartWarning::NotOpened { reason, .. } => {
            let reason = node_error(l, reason);
            say(
                l,
                format!(
                    "Het netwerk ‘{name}’ kon niet worden geopend en wordt nu niet gesynchroniseerd. {reason} \
                     Start Kring opnieuw; lukt het dan nog niet, vraag een collega om een bundel of om een \
                     nieuwe uitnodiging."
                ),
                format!(
                    "The network ‘{name}’ could not be opened and is not synced now. {reason} Start Kring \
                     again; if that does not help, ask a colleague for a bundle or a new invitation."
                ),
            )
        }
        StartWarning::Damaged { .. } => say(
            l,
            format!(
                "In ‘{name}’ was een bestand beschadigd; het is apart gezet. Wat erin stond, krijg je terug \
                 van de laptops van collega's zodra je met hen synchroniseert."
            ),
            format!(
                "A file of ‘{name}’ was damaged and has been set aside. What it held comes back from your \
                 colleagues' laptops as soon as you sync with them."
            ),
        ),
        StartWarning::Unfinished { .. } => say(
            l,
            format!(
                "In ‘{name}’ is een bewerking die nog werd opgeslagen toen Kring stopte, niet bewaard. Kijk je \
                 laatste wijziging even na."
            ),
            format!(
                "In ‘{name}’, an edit that was being saved when Kring stopped was not kept. Check your last change."
            ),
        ),
        StartWarning::ProofNotWritten { .. } => say(
            l,
            format!(
                "Kring kon voor ‘{name}’ niet vastleggen dat deze laptop bij jou hoort; dat gebeurt bij de \
                 volgende start. Het netwerk werkt gewoon."
            ),
            format!(
                "Kring could not record for ‘{name}’ that this laptop is yours; it does so at the next start. \
                 The network works as usual."
            ),
        ),
    }
}

/// Why a pasted ticket was not taken.
fn ticket_error(l: Language, err: &TicketError) -> String {
    match err {
        TicketError::BadInvite(_) => say(
            l,
            "Dit is geen geldig Kring-ticket. Kopieer het hele ticket opnieuw, of vraag de coördinator het nog eens te sturen.".into(),
            "This is not a valid Kring ticket. Copy the whole ticket again, or ask the coordinator to send it again.".into(),
        ),
        TicketError::DeviceLinkNotInvite => say(
            l,
            "Dit is een koppelcode voor je eigen tweede laptop, geen uitnodiging. Plak hem onder \"Ben je al lid en is dit je tweede laptop?\", of vraag een coördinator om een uitnodiging.".into(),
            "This is a link ticket for your own second laptop, not an invitation. Paste it under \"Already a member, and this is your second laptop?\", or ask a coordinator for an invitation.".into(),
        ),
        TicketError::InviteNotDeviceLink => say(
            l,
            "Dit is een uitnodiging om lid te worden, geen koppelcode. Plak hem onder \"Aansluiten bij een netwerk\".".into(),
            "This is an invitation to become a member, not a link ticket. Paste it under \"Join a network\".".into(),
        ),
        TicketError::BadDeviceLink(_) => say(
            l,
            "Dit is geen geldige koppelcode. Kopieer hem helemaal, of maak een nieuwe op je andere laptop.".into(),
            "This is not a valid link ticket. Copy all of it, or make a new one on your other laptop.".into(),
        ),
    }
}

/// Why a command the person gave was refused.
pub fn node_error(l: Language, err: &NodeError) -> String {
    match err {
        NodeError::Store(err) => store_error(l, err),
        NodeError::Model(err) => model_error(l, err),
        NodeError::Ticket(err) => ticket_error(l, err),
        NodeError::JoinRefused(_) => say(
            l,
            "Dit ticket kan niet (meer) gebruikt worden: het is ingetrokken, verlopen of al gebruikt. Vraag de coördinator om een nieuw ticket.".into(),
            "This ticket cannot be used: it was revoked, has expired or was used already. Ask the coordinator for a new one.".into(),
        ),
        NodeError::Unreachable(secs) => say(
            l,
            format!("Binnen {secs} seconden was geen laptop van het netwerk bereikbaar. Staat Kring open bij wie je uitnodigde, en zitten jullie op hetzelfde netwerk?"),
            format!("No laptop of the network could be reached within {secs} seconds. Is Kring open at the inviter's, and are you on the same network?"),
        ),
        NodeError::UnknownNetwork(_) => say(
            l,
            "Dit netwerk staat niet (meer) op deze laptop.".into(),
            "This network is not (or no longer) on this laptop.".into(),
        ),
        NodeError::NotAMember => say(
            l,
            "Deze laptop hoort niet (meer) bij een lid van dit netwerk.".into(),
            "This laptop does not (or no longer) belong to a member of this network.".into(),
        ),
        NodeError::ChapterMovedOn => say(
            l,
            "Terwijl het nieuwe hoofdstuk werd begonnen, nam deze laptop een ander nieuw hoofdstuk over van een collega. Er is niets veranderd; bekijk het netwerk en begin zo nodig opnieuw.".into(),
            "While the new chapter was being begun, this laptop took another new chapter from a colleague's laptop. Nothing was changed; look at the network and begin again if still needed.".into(),
        ),
        NodeError::AlreadyMember(_) => say(
            l,
            "Dit netwerk staat al op deze laptop.".into(),
            "This network is already on this laptop.".into(),
        ),
        NodeError::DeviceLinkRefused => say(
            l,
            "Je andere laptop weigerde de koppeling: de code klopt niet, is verlopen of al gebruikt. Maak een nieuwe.".into(),
            "Your other laptop refused the link: the ticket is wrong, has expired or was used already. Make a new one.".into(),
        ),
        NodeError::DeviceLinkUnreachable(secs) => say(
            l,
            format!("Binnen {secs} seconden was je andere laptop niet bereikbaar. Staat Kring daar open, op hetzelfde netwerk?"),
            format!("Your other laptop could not be reached within {secs} seconds. Is Kring open there, on the same network?"),
        ),
        NodeError::DeviceLinkExpired => say(
            l,
            "De koppelcode is verlopen voordat een andere laptop hem gebruikte.".into(),
            "The link ticket expired before another laptop used it.".into(),
        ),
        NodeError::AlreadyLinked(_) => say(
            l,
            "Dit netwerk staat al op deze laptop; koppelen is alleen voor een laptop die het nog niet heeft.".into(),
            "This network is already on this laptop; linking is only for a laptop that does not have it yet.".into(),
        ),
        NodeError::DeviceLinkUnusable(_) => say(
            l,
            "Je andere laptop stuurde een netwerk dat Kring niet kan gebruiken; er is niets bewaard.".into(),
            "Your other laptop sent a network Kring cannot use; nothing was kept.".into(),
        ),
        NodeError::Bind(_) => say(
            l,
            "Kring kan niet verbinden met het netwerk van deze laptop (de poort is bezet of geblokkeerd). Kring werkt wel lokaal.".into(),
            "Kring cannot use this laptop's network (the port is taken or blocked). Kring still works locally.".into(),
        ),
        NodeError::Connection(_) => {
            say(l, "De verbinding met de andere laptop viel weg.".into(), "The connection to the other laptop was lost.".into())
        }
        NodeError::Frame(err) => frame_error(l, err),
        NodeError::Protocol(err) => protocol_error(l, err),
        NodeError::NotAnAddress(text) => say(
            l,
            format!("'{text}' is geen Kring-adres (ID@IP:POORT) of ticket."),
            format!("'{text}' is not a Kring address (ID@IP:PORT) or ticket."),
        ),
        NodeError::Bundle { path, problem } => {
            let file = file_name(path);
            say(
                l,
                format!("{file} kan niet worden ingelezen: {}", bundle_problem(l, problem)),
                format!("{file} cannot be read in: {}", bundle_problem(l, problem)),
            )
        }
        NodeError::AttachmentFile { path, .. } => {
            let file = file_name(path);
            say(
                l,
                format!("{file} kan niet worden gebruikt: het bestand ontbreekt of kan niet worden gelezen of geschreven."),
                format!("{file} cannot be used: the file is missing or cannot be read or written."),
            )
        }
        NodeError::AttachmentNotHere => say(
            l,
            "Deze bijlage staat nog niet op deze laptop, en geen laptop van een lid die haar heeft was bereikbaar.".into(),
            "This attachment is not on this laptop yet, and no member's laptop that has it could be reached.".into(),
        ),
        NodeError::Attachments(_) => say(
            l,
            "De bijlagen op deze laptop kunnen niet worden gelezen of bewaard.".into(),
            "The attachments on this laptop cannot be read or saved.".into(),
        ),
        NodeError::AttachmentNotAFile(path) => {
            let file = file_name(path);
            say(
                l,
                format!("‘{file}’ is geen bestand (een map?) en kan niet als bijlage worden toegevoegd."),
                format!("‘{file}’ is not a file (a folder?) and cannot be added as an attachment."),
            )
        }
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

pub(crate) fn bundle_problem(l: Language, problem: &BundleProblem) -> String {
    match problem {
        BundleProblem::NotABundle(_) => say(
            l,
            "het is geen Kring-bundel, of het bestand is beschadigd.".into(),
            "it is not a Kring bundle, or the file is damaged.".into(),
        ),
        BundleProblem::Unusable(unusable) => unusable_network(l, unusable),
        BundleProblem::AnotherBeginning => say(
            l,
            "het is een ander netwerk met dezelfde naam.".into(),
            "it is a different network with the same name.".into(),
        ),
        BundleProblem::OtherChapter { bundle, here } => say(
            l,
            format!(
                "het komt uit hoofdstuk {bundle} van het netwerk, en deze laptop is bij hoofdstuk {here}. Synchroniseer met een lid om over te stappen."
            ),
            format!(
                "it comes from chapter {bundle} of the network, and this laptop is on chapter {here}. Sync with a member to switch."
            ),
        ),
        BundleProblem::NotJoined => say(
            l,
            "dit netwerk staat nog niet op deze laptop. Sluit je eerst aan met een ticket.".into(),
            "this network is not on this laptop yet. Join it with a ticket first.".into(),
        ),
        BundleProblem::MergeFailed(_) => say(
            l,
            "samenvoegen mislukte; er is niets veranderd.".into(),
            "merging it failed; nothing was changed.".into(),
        ),
        BundleProblem::Older(_) => say(
            l,
            "hij is gemaakt door een oudere Kring. Vraag om een nieuwe bundel.".into(),
            "it was made by an older Kring. Ask for a new bundle.".into(),
        ),
        BundleProblem::NotForThisLaptop => say(
            l,
            "alleen laptops van leden van het netwerk kunnen deze bundel openen, en deze laptop hoort bij geen van hen. Vraag een lid om je uit te nodigen.".into(),
            "only the laptops of the network's members can open this bundle, and this laptop is none of them. Ask a member to invite you.".into(),
        ),
        BundleProblem::NeedsPassphrase => say(
            l,
            "deze bundel is op slot met een wachtwoordzin: vul die in om hem in te lezen.".into(),
            "this bundle is locked with a passphrase: fill it in to read the bundle in.".into(),
        ),
        BundleProblem::WrongPassphrase => {
            say(l, "de wachtwoordzin klopt niet.".into(), "the passphrase is wrong.".into())
        }
        BundleProblem::PassphraseTooShort => say(
            l,
            format!(
                "de wachtwoordzin moet minstens {} tekens lang zijn; een zin van een paar woorden is makkelijk te onthouden en moeilijk te raden.",
                kring_store::bundle::MIN_PASSPHRASE_CHARS
            ),
            format!(
                "the passphrase must be at least {} characters long; a sentence of a few words is easy to remember and hard to guess.",
                kring_store::bundle::MIN_PASSPHRASE_CHARS
            ),
        ),
        BundleProblem::Damaged(_) => say(
            l,
            "het bestand is beschadigd of veranderd; er is niets ingelezen.".into(),
            "the file is damaged or was changed; nothing was read in.".into(),
        ),
        BundleProblem::TooLarge { max, .. } => say(
            l,
            format!(
                "het bestand is groter dan een Kring-bundel kan zijn (hoogstens {} MB); er is niets ingelezen.",
                max.div_ceil(1_000_000)
            ),
            format!(
                "the file is larger than a Kring bundle can be (at most {} MB); nothing was read in.",
                max.div_ceil(1_000_000)
            ),
        ),
        BundleProblem::UnpacksTooLarge { max } => say(
            l,
            format!(
                "het netwerk erin zou uitgepakt meer dan {} MB innemen; zo groot wordt een Kring-netwerk niet, dus er is niets ingelezen.",
                max / 1_000_000
            ),
            format!(
                "the network in it would take more than {} MB unpacked; no Kring network is that large, so nothing was read in.",
                max / 1_000_000
            ),
        ),
        BundleProblem::TooManyOperations { max } => too_many(l, "bewerkingen", "operations", *max),
        BundleProblem::TooManyChanges { max } => too_many(l, "wijzigingen", "changes", *max),
        BundleProblem::Attachment(fault) => attachment_fault(l, fault),
    }
}

/// The bytes of an attachment in a bundle that are not what its network says of them.
fn attachment_fault(l: Language, fault: &AttachmentFault) -> String {
    let (nl, en) = match fault {
        AttachmentFault::Unnamed => (
            "er zit een bestand in dat bij geen bijlage van het netwerk hoort".to_string(),
            "it holds a file that belongs to no attachment of the network".to_string(),
        ),
        AttachmentFault::WrongSize { name, .. } => (
            format!("de bijlage ‘{name}’ erin is niet zo groot als het netwerk zegt"),
            format!("the attachment ‘{name}’ in it is not the size the network says"),
        ),
        AttachmentFault::Twice { name } => {
            (format!("de bijlage ‘{name}’ zit er twee keer in"), format!("the attachment ‘{name}’ is in it twice"))
        }
        AttachmentFault::WrongHash { name } => (
            format!("de bijlage ‘{name}’ erin is veranderd (de inhoud klopt niet met de vingerafdruk in het netwerk)"),
            format!(
                "the attachment ‘{name}’ in it was changed (its content does not match the fingerprint in the network)"
            ),
        ),
    };
    say(l, format!("{nl}; er is niets ingelezen."), format!("{en}; nothing was read in."))
}

/// A network that declares more operations or changes than a Kring network can hold.
fn too_many(l: Language, nl: &str, en: &str, max: u64) -> String {
    say(
        l,
        format!(
            "het netwerk erin zegt meer dan {} {nl} te bevatten; zoveel heeft een Kring-netwerk niet, dus er is niets ingelezen.",
            thousands(max)
        ),
        format!(
            "the network in it claims to hold more than {} {en}; no Kring network holds that many, so nothing was read in.",
            thousands(max)
        ),
    )
}

/// `8000000` as `8 000 000`: digits in groups of three, with non-breaking spaces.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

fn unusable_network(l: Language, unusable: &Unusable) -> String {
    match unusable {
        Unusable::Damaged(_) | Unusable::NotANetwork(_) => {
            say(l, "het netwerk erin is beschadigd.".into(), "the network in it is damaged.".into())
        }
        Unusable::OtherNetwork { .. } => {
            say(l, "het bevat een ander netwerk dan het zegt.".into(), "it holds another network than it says.".into())
        }
        Unusable::Refused(distrust) => distrust_words(l, distrust),
        Unusable::TooLarge(refused) => match refused {
            Refused::TooManyOperations { max } => too_many(l, "bewerkingen", "operations", *max),
            Refused::TooManyChanges { max } => too_many(l, "wijzigingen", "changes", *max),
            Refused::TooLarge { max } => say(
                l,
                format!(
                    "het netwerk erin zou uitgepakt meer dan {} MB innemen; er is niets ingelezen.",
                    max / 1_000_000
                ),
                format!("the network in it would take more than {} MB unpacked; nothing was read in.", max / 1_000_000),
            ),
            Refused::Malformed(_) => {
                say(l, "het netwerk erin is beschadigd.".into(), "the network in it is damaged.".into())
            }
        },
    }
}

fn distrust_words(l: Language, distrust: &Distrust) -> String {
    let breach = match distrust {
        Distrust::Unsigned { .. } => None,
        Distrust::Rules(refusal) => Some(refusal.breach),
    };
    say(
        l,
        format!("het bevat een wijziging die Kring weigert ({}).", breach_words(l, breach)),
        format!("it holds a change Kring refuses ({}).", breach_words(l, breach)),
    )
}

fn frame_error(l: Language, err: &FrameError) -> String {
    match err {
        FrameError::TooLarge { .. } | FrameError::Malformed(_) => say(
            l,
            "De andere laptop stuurde iets wat geen Kring-bericht is; de verbinding is gesloten.".into(),
            "The other laptop sent something that is not a Kring message; the connection was closed.".into(),
        ),
    }
}

fn protocol_error(l: Language, err: &ProtocolError) -> String {
    match err {
        ProtocolError::NotOpen(_) | ProtocolError::BadSyncMessage { .. } => say(
            l,
            "De andere laptop stuurde een onleesbaar bericht; de verbinding is gesloten.".into(),
            "The other laptop sent an unreadable message; the connection was closed.".into(),
        ),
        ProtocolError::Distrusted(distrust) => say(
            l,
            format!("De andere laptop stuurde een wijziging die Kring weigert: {}", breach_of(l, distrust)),
            format!("The other laptop sent a change Kring refuses: {}", breach_of(l, distrust)),
        ),
        // Why a connection ends that the node stops on its own (they were connection errors
        // before they were the sync core's): the connection was lost, as far as anyone here can
        // tell.
        ProtocolError::OverlongNetworkId
        | ProtocolError::BeforeOpen
        | ProtocolError::Stranger
        | ProtocolError::Silent => say(
            l,
            "De verbinding met de andere laptop viel weg.".into(),
            "The connection to the other laptop was lost.".into(),
        ),
        ProtocolError::BadChapter { .. } => say(
            l,
            "De andere laptop bood een nieuw hoofdstuk aan dat Kring niet vertrouwt; je blijft in het huidige.".into(),
            "The other laptop offered a new chapter Kring does not trust; you stay in the current one.".into(),
        ),
        ProtocolError::TooMuchWaiting { max, .. } => say(
            l,
            format!(
                "De andere laptop stuurde meer dan {} MB aan wijzigingen die voortbouwen op wijzigingen die hij nooit stuurde; de verbinding is gesloten en wat hij stuurde is weggegooid.",
                max / 1_000_000
            ),
            format!(
                "The other laptop sent more than {} MB of changes built on changes it never sent; the connection was closed and what it sent was dropped.",
                max / 1_000_000
            ),
        ),
    }
}

fn breach_of(l: Language, distrust: &Distrust) -> &'static str {
    match distrust {
        Distrust::Unsigned { .. } => breach_words(l, None),
        Distrust::Rules(refusal) => breach_words(l, Some(refusal.breach)),
    }
}

/// Problems with this laptop's own files.
pub fn store_error(l: Language, err: &StoreError) -> String {
    match err {
        StoreError::InUse { pid, .. } => say(
            l,
            format!("Kring is al geopend op deze laptop (proces {pid}). Sluit dat venster eerst."),
            format!("Kring is already open on this laptop (process {pid}). Close that window first."),
        ),
        StoreError::Io { path, source } => {
            let file = path.display();
            say(
                l,
                format!("Kring kan {file} niet lezen of schrijven: {}.", io_words(l, source.kind())),
                format!("Kring cannot read or write {file}: {}.", io_words(l, source.kind())),
            )
        }
        StoreError::BadDeviceKey { path, .. } => say(
            l,
            format!(
                "De sleutel van deze laptop ({}) is beschadigd. Kring liet hem onaangeroerd: zet een reservekopie terug, of verplaats het bestand om als nieuwe laptop te beginnen.",
                path.display()
            ),
            format!(
                "This laptop's key ({}) is damaged. Kring left it untouched: restore a backup, or move the file away to start as a new laptop.",
                path.display()
            ),
        ),
        StoreError::UnknownNetwork(_) => {
            say(l, "Dit netwerk staat niet op deze laptop.".into(), "This network is not on this laptop.".into())
        }
        StoreError::InvalidNetworkId(_) => {
            say(l, "Dit is geen geldige netwerk-id.".into(), "This is not a valid network id.".into())
        }
        StoreError::NetworkExists(_) => {
            say(l, "Dit netwerk staat al op deze laptop.".into(), "This network is already on this laptop.".into())
        }
        StoreError::Corrupt { path, .. } => say(
            l,
            format!("{} is beschadigd. Kring liet het onaangeroerd.", path.display()),
            format!("{} is damaged. Kring left it untouched.", path.display()),
        ),
        StoreError::BadConfig { path, .. } => say(
            l,
            format!(
                "Het instellingenbestand {} is onleesbaar; Kring gebruikt de standaardinstellingen.",
                path.display()
            ),
            format!("The settings file {} is unreadable; Kring uses the default settings.", path.display()),
        ),
    }
}

fn io_words(l: Language, kind: std::io::ErrorKind) -> String {
    use std::io::ErrorKind as K;
    let (nl, en) = match kind {
        K::NotFound => ("het bestand of de map bestaat niet", "the file or folder does not exist"),
        K::PermissionDenied => ("geen toestemming", "permission denied"),
        K::AlreadyExists => ("het bestand bestaat al", "the file already exists"),
        K::StorageFull => ("de schijf is vol", "the disk is full"),
        K::ReadOnlyFilesystem => ("de schijf is alleen-lezen", "the disk is read-only"),
        K::IsADirectory => ("dat is een map, geen bestand", "that is a folder, not a file"),
        K::InvalidFilename => ("de bestandsnaam is ongeldig", "the file name is invalid"),
        _ => ("een fout van het besturingssysteem", "an error of the operating system"),
    };
    say(l, nl.into(), en.into())
}

/// Why the model refused an action.
pub fn model_error(l: Language, err: &ModelError) -> String {
    match err {
        ModelError::Empty { field } => {
            let name = field_name(l, *field);
            say(l, format!("Vul {name} in."), format!("Fill in the {name}."))
        }
        ModelError::TooLong { field, len, max } => {
            let name = field_name(l, *field);
            say(
                l,
                format!("{} is te lang: {len} tekens, hooguit {max}.", capital(&name)),
                format!("The {name} is too long: {len} characters, at most {max}."),
            )
        }
        ModelError::UnknownWord(unknown) => say(
            l,
            format!("'{}' is geen geldige keuze.", unknown.got),
            format!("'{}' is not a valid choice.", unknown.got),
        ),
        ModelError::BadDate { got } => say(
            l,
            format!("'{got}' is geen datum. Typ bijvoorbeeld 7-12-2026 of 7-12-2026 15:30."),
            format!("'{got}' is not a date. Type for example 7-12-2026 or 7-12-2026 15:30."),
        ),
        ModelError::BadScore(score) => {
            say(l, format!("Een score is 1 tot en met 5, niet {score}."), format!("A score is 1 to 5, not {score}."))
        }
        ModelError::BadTextRange { field, .. } => {
            let name = field_name(l, *field);
            say(
                l,
                format!("{} veranderde terwijl je typte; probeer het nog eens.", capital(&name)),
                format!("The {name} changed while you typed; please try again."),
            )
        }
        ModelError::BadMaxUses => say(
            l,
            "Een uitnodiging moet minstens één keer te gebruiken zijn.".into(),
            "An invitation must be usable at least once.".into(),
        ),
        ModelError::UnknownMember(_) => {
            say(l, "Dit lid bestaat niet (meer).".into(), "This member does not exist.".into())
        }
        ModelError::UnknownSession(_) => {
            say(l, "Deze bijeenkomst bestaat niet (meer).".into(), "This session does not exist.".into())
        }
        ModelError::UnknownQuestion(_) => {
            say(l, "Deze leervraag bestaat niet (meer).".into(), "This learning question does not exist.".into())
        }
        ModelError::UnknownInvite(_) => {
            say(l, "Deze uitnodiging bestaat niet (meer).".into(), "This invitation does not exist.".into())
        }
        ModelError::UnknownAction(_) => {
            say(l, "Deze actie bestaat niet (meer).".into(), "This action does not exist.".into())
        }
        ModelError::UnknownCycle(_) => {
            say(l, "Deze cyclus bestaat niet (meer).".into(), "This cycle does not exist.".into())
        }
        ModelError::UnknownFactor(_) => {
            say(l, "Deze reflectiefactor bestaat niet (meer).".into(), "This reflection factor does not exist.".into())
        }
        ModelError::UnknownRound(_) => {
            say(l, "Deze reflectieronde bestaat niet (meer).".into(), "This reflection round does not exist.".into())
        }
        ModelError::MemberRemoved(_) => say(
            l,
            "Dit lid is uit het netwerk verwijderd.".into(),
            "This member has been removed from the network.".into(),
        ),
        ModelError::NotCoordinator { action } => say(
            l,
            format!("Alleen een coördinator mag {}.", task_words(l, *action)),
            format!("Only a coordinator may {}.", task_words(l, *action)),
        ),
        ModelError::LastCoordinator => say(
            l,
            "Een netwerk heeft altijd een coördinator: maak eerst iemand anders coördinator.".into(),
            "A network always has a coordinator: make someone else coordinator first.".into(),
        ),
        ModelError::Deleted { what, .. } => {
            let (nl, en) = record_words(*what);
            say(
                l,
                format!("Deze {nl} staat in de prullenbak; zet hem eerst terug."),
                format!("This {en} is in the bin; restore it first."),
            )
        }
        ModelError::RoundClosed(_) => {
            say(l, "Deze reflectieronde is gesloten.".into(), "This reflection round is closed.".into())
        }
        ModelError::UnknownRoom(_) => {
            say(l, "Deze kamer bestaat niet (meer).".into(), "This room does not exist.".into())
        }
        ModelError::RoomClosed(_) => say(l, "Deze kamer is gesloten.".into(), "This room is closed.".into()),
        ModelError::Leerhuis(err) => leerhuis_words(l, err),
        ModelError::NotInRoom(_) => {
            say(l, "Dit kan niet in deze kamer.".into(), "This room does not take that.".into())
        }
        ModelError::InviteRevoked(_) => {
            say(l, "Deze uitnodiging is ingetrokken.".into(), "This invitation has been revoked.".into())
        }
        ModelError::InviteExpired(_) => {
            say(l, "Deze uitnodiging is verlopen.".into(), "This invitation has expired.".into())
        }
        ModelError::InviteUsedUp(_) => say(
            l,
            "Deze uitnodiging is al zo vaak gebruikt als mocht.".into(),
            "This invitation has been used as often as allowed.".into(),
        ),
        ModelError::InviteSecretMismatch(_) => say(
            l,
            "De geheime code van deze uitnodiging klopt niet.".into(),
            "This invitation's secret does not match.".into(),
        ),
        ModelError::BadExpiry => say(
            l,
            "Een uitnodiging moet in de toekomst verlopen.".into(),
            "An invitation must expire in the future.".into(),
        ),
        ModelError::NothingToErase => {
            say(l, "Daar staat niets om te wissen.".into(), "There is nothing there to erase.".into())
        }
        ModelError::BadDeviceProof(_) => say(
            l,
            "Deze laptop heeft niet bewezen dat hij van dit lid is.".into(),
            "This laptop did not prove that it belongs to this member.".into(),
        ),
        ModelError::MemberIdTaken(_) | ModelError::BadMemberId(_) => say(
            l,
            "Deze aanmelding kan niet worden gebruikt; probeer het opnieuw.".into(),
            "This request to join cannot be used; please try again.".into(),
        ),
        ModelError::DeviceTaken(_) => say(
            l,
            "Deze laptop hoort al bij een lid van dit netwerk; een laptop hoort bij één lid.".into(),
            "This laptop already belongs to a member of this network; a laptop belongs to one member.".into(),
        ),
        ModelError::UnknownDevice(_) => {
            say(l, "Deze laptop is niet van dit lid.".into(), "This laptop is not one of this member's.".into())
        }
        ModelError::UnknownAttachment(_) => {
            say(l, "Deze bijlage bestaat niet (meer).".into(), "This attachment does not exist (any more).".into())
        }
        ModelError::AttachmentTooLarge { max, .. } => say(
            l,
            format!("Dit bestand is te groot om bij te voegen (hoogstens {} MB).", max / (1024 * 1024)),
            format!("This file is too large to attach (at most {} MB).", max / (1024 * 1024)),
        ),
        ModelError::BadAttachmentHash(_) => say(
            l,
            "Deze bijlage is niet goed vastgelegd; er is niets veranderd.".into(),
            "This attachment was not recorded properly; nothing was changed.".into(),
        ),
        ModelError::NotANetwork(_) => say(
            l,
            "Dit is geen Kring-netwerk, of het is beschadigd.".into(),
            "This is not a Kring network, or it is damaged.".into(),
        ),
        ModelError::NewerSchema { .. } => say(
            l,
            "Dit netwerk is gemaakt met een nieuwere Kring. Werk Kring bij.".into(),
            "This network was made with a newer Kring. Please update Kring.".into(),
        ),
        ModelError::Automerge(_) => say(
            l,
            "Kring kon deze wijziging niet vastleggen; er is niets veranderd.".into(),
            "Kring could not record this change; nothing was changed.".into(),
        ),
    }
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn record_words(record: Record) -> (&'static str, &'static str) {
    match record {
        Record::Session => ("bijeenkomst", "session"),
        Record::Question => ("leervraag", "learning question"),
        Record::Action => ("actie", "action"),
    }
}

/// A field as the error names it, with its article where the language needs one ("de titel").
pub fn field_name(l: Language, field: Field) -> String {
    let nl = match field {
        Field::Title => "de titel",
        Field::Name => "de naam",
        Field::NetworkName => "de naam van het netwerk",
        Field::Description => "de beschrijving",
        Field::Region => "de regio",
        Field::Theme => "het thema",
        Field::Location => "de locatie",
        Field::Organisation => "de organisatie",
        Field::Action => "de actie",
        Field::Factor => "de factor",
        Field::Comment => "de toelichting",
        Field::Details => "de toelichting",
        Field::Agenda => "de agenda",
        Field::Notes => "de notities",
        Field::Insights => "de inzichten",
        Field::CycleText => "de tekst van de cyclus",
        Field::DeviceId => "de apparaat-id",
        Field::SecretHash => "de code van de uitnodiging",
        Field::MadeFor => "de naam op de uitnodiging",
    };
    say(l, nl.into(), field.as_str().into())
}

/// Why the leerhuis refused to link, share or withdraw.
fn leerhuis_words(l: Language, err: &kring_model::leerhuis::LeerhuisError) -> String {
    use kring_model::leerhuis::{LeerhuisError as E, MIN_GROUP};
    let (nl, en) = match err {
        E::NotALeerhuis => ("Dit netwerk is geen leerhuis.".into(), "This network is not a leerhuis.".into()),
        E::LinkToItself => (
            "Een leerhuis kan niet aan zichzelf gekoppeld worden.".into(),
            "A leerhuis cannot be linked to itself.".into(),
        ),
        E::Cycle => (
            "Dit zou een kring maken: dit leerhuis valt al (via andere) onder het netwerk dat je wilt koppelen. Een leerhuis kan niet in een leerhuis dat eronder valt.".into(),
            "This would make a circle: this leerhuis is already (through others) below the network you want to link. A leerhuis cannot go into one below it.".into(),
        ),
        E::AlreadyLinked(_) => {
            ("Deze netwerken zijn al gekoppeld.".into(), "These networks are linked already.".into())
        }
        E::NotLinked(_) => (
            "Dit netwerk is niet (meer) aan het leerhuis gekoppeld.".into(),
            "This network is not linked to the leerhuis (any more).".into(),
        ),
        E::NotADelegate(_) => (
            "Alleen de afgevaardigden van een netwerk (de laptops van zijn coördinatoren) delen namens dat netwerk."
                .into(),
            "Only a network's delegates (its coordinators' laptops) share on its behalf.".into(),
        ),
        E::RoundOpen => (
            "Een reflectieronde kan pas gedeeld worden als hij gesloten is.".into(),
            "A reflection round can only be shared once it is closed.".into(),
        ),
        E::TooFew { scored } => (
            format!(
                "Pas vanaf {MIN_GROUP} deelnemers kan een ronde gedeeld worden; in deze ronde scoorden er {scored}."
            ),
            format!("A round can be shared from {MIN_GROUP} participants on; {scored} scored in this one."),
        ),
        E::AlreadyShared => (
            "Deze ronde is al met het leerhuis gedeeld; een ronde gaat maar één keer.".into(),
            "This round was shared with the leerhuis already; a round goes up once.".into(),
        ),
        E::TooLong => ("Een tekst om te delen is te lang.".into(), "A text to share is too long.".into()),
        E::UnknownPublication(_) => {
            ("Dit gedeelde stuk bestaat niet (meer).".into(), "This shared item does not exist.".into())
        }
        E::Withdrawn(_) => {
            ("Dit gedeelde stuk is al ingetrokken.".into(), "This shared item was withdrawn already.".into())
        }
        E::BadVoucher(_) => (
            "Deze toegang tot het leerhuis geldt niet (meer). Vraag de coördinator van je netwerk om een nieuwe."
                .into(),
            "This access to the leerhuis is not valid (any more). Ask your network's coordinator for a new one.".into(),
        ),
        E::OpenToAll => (
            "Deze bijeenkomst is gepland voordat Kring haar tot enkele netwerken kon beperken; ze blijft open voor alle gekoppelde netwerken. Plan een nieuwe om te kiezen."
                .into(),
            "This meeting was planned before Kring could limit it to some networks; it stays open to all linked networks. Plan a new one to choose."
                .into(),
        ),
    };
    say(l, nl, en)
}

fn task_words(l: Language, task: CoordinatorTask) -> &'static str {
    let (nl, en) = match task {
        CoordinatorTask::NetworkDetails => ("de gegevens van het netwerk wijzigen", "change the network's details"),
        CoordinatorTask::AddMembers => ("leden toevoegen", "add members"),
        CoordinatorTask::ChangeRoles => ("rollen wijzigen", "change roles"),
        CoordinatorTask::RemoveMembers => ("leden verwijderen", "remove members"),
        CoordinatorTask::OthersProfile => ("de gegevens van een ander lid wijzigen", "edit another member's details"),
        CoordinatorTask::OthersDevices => ("een laptop aan een ander lid koppelen", "add a laptop for another member"),
        CoordinatorTask::OthersAttendance => {
            ("de aanwezigheid van een ander lid invullen", "record another member's attendance")
        }
        CoordinatorTask::Invites => ("uitnodigingen maken of intrekken", "make or revoke invitations"),
        CoordinatorTask::Factors => ("de reflectiefactoren wijzigen", "change the reflection factors"),
        CoordinatorTask::OpenRound => ("een reflectieronde openen", "open a reflection round"),
        CoordinatorTask::CloseRound => ("een reflectieronde sluiten", "close a reflection round"),
        CoordinatorTask::NewChapter => {
            ("een nieuw hoofdstuk beginnen of iets voor iedereen wissen", "start a new chapter or erase for everyone")
        }
        CoordinatorTask::UpgradeNetwork => {
            ("het netwerk naar een nieuwere Kring overzetten", "upgrade the network to a newer Kring")
        }
        CoordinatorTask::LinkNetworks => ("een netwerk aan een leerhuis koppelen", "link a network and a leerhuis"),
        CoordinatorTask::JointMeetings => (
            "kiezen voor welke gekoppelde netwerken een bijeenkomst is",
            "choose which linked networks a meeting is for",
        ),
    };
    match l {
        Language::Nl => nl,
        Language::En => en,
    }
}

#[cfg(test)]
mod tests {
    use kring_model::trust::{Breach, CoordinatorAction, OwnData, Refusal};
    use kring_model::{InviteId, MemberId, SessionId};

    use super::*;

    fn refusal(breach: Breach) -> Distrust {
        Distrust::Rules(Refusal { change: "c".into(), device: None, member: None, breach })
    }

    fn io(kind: std::io::ErrorKind) -> StoreError {
        StoreError::Io { path: "/data/kring/x".into(), source: std::io::Error::from(kind) }
    }

    /// One error of every kind the node can hand the interface (every variant, each field
    /// name, coordinator task and refusal).
    fn every_error() -> Vec<NodeError> {
        let mut errors: Vec<NodeError> = Vec::new();
        let id = || "abc".to_string();
        let mut model = vec![
            ModelError::UnknownWord(kring_model::UnknownWord { what: "role", got: "baas".into(), expected: "".into() }),
            ModelError::BadDate { got: "31-02".into() },
            ModelError::BadScore(9),
            ModelError::BadMaxUses,
            ModelError::UnknownMember(MemberId::new(id())),
            ModelError::UnknownSession(SessionId::new(id())),
            ModelError::UnknownQuestion(kring_model::QuestionId::new(id())),
            ModelError::UnknownInvite(InviteId::new(id())),
            ModelError::UnknownAction(kring_model::ActionId::new(id())),
            ModelError::UnknownCycle(kring_model::CycleId::new(id())),
            ModelError::UnknownFactor(kring_model::FactorId::new(id())),
            ModelError::UnknownRound(kring_model::RoundId::new(id())),
            ModelError::MemberRemoved(MemberId::new(id())),
            ModelError::LastCoordinator,
            ModelError::RoundClosed(kring_model::RoundId::new(id())),
            ModelError::UnknownRoom(kring_model::RoomId::new(id())),
            ModelError::RoomClosed(kring_model::RoomId::new(id())),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::NotALeerhuis),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::LinkToItself),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::AlreadyLinked(
                kring_model::NetworkId::new(id()),
            )),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::NotLinked(kring_model::NetworkId::new(id()))),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::NotADelegate(kring_model::NetworkId::new(id()))),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::RoundOpen),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::TooFew { scored: 4 }),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::AlreadyShared),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::TooLong),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::Cycle),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::OpenToAll),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::BadVoucher("it has expired")),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::BadVoucher("it has expired")),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::UnknownPublication(
                kring_model::PublicationId::new(id()),
            )),
            ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::Withdrawn(
                kring_model::PublicationId::new(id()),
            )),
            ModelError::NotInRoom(kring_model::GuestKind::Vote),
            ModelError::InviteRevoked(InviteId::new(id())),
            ModelError::InviteExpired(InviteId::new(id())),
            ModelError::InviteUsedUp(InviteId::new(id())),
            ModelError::InviteSecretMismatch(InviteId::new(id())),
            ModelError::BadExpiry,
            ModelError::NothingToErase,
            ModelError::UnknownAttachment(kring_model::AttachmentId::new(id())),
            ModelError::AttachmentTooLarge { size: 600 << 20, max: 500 << 20 },
            ModelError::BadAttachmentHash("xyz".into()),
            ModelError::NotANetwork("no schema".into()),
            ModelError::NewerSchema { found: 9, supported: 1 },
            ModelError::Automerge(kring_model::automerge::AutomergeError::Fail),
        ];
        for field in Field::ALL {
            model.push(ModelError::Empty { field });
            model.push(ModelError::TooLong { field, len: 201, max: 200 });
            model.push(ModelError::BadTextRange { field, pos: 9, len: 2 });
        }
        model.extend(CoordinatorTask::ALL.map(|action| ModelError::NotCoordinator { action }));
        model.extend(
            [Record::Session, Record::Question, Record::Action].map(|what| ModelError::Deleted { what, id: id() }),
        );
        errors.extend(model.into_iter().map(NodeError::Model));

        let kinds = [
            std::io::ErrorKind::NotFound,
            std::io::ErrorKind::PermissionDenied,
            std::io::ErrorKind::StorageFull,
            std::io::ErrorKind::Other,
        ];
        errors.extend(kinds.map(|kind| NodeError::Store(io(kind))));
        errors.extend(
            [
                StoreError::InUse { dir: "/d".into(), pid: "42".into() },
                StoreError::BadDeviceKey { path: "/d/key".into(), reason: "short".into() },
                StoreError::UnknownNetwork(id()),
                StoreError::InvalidNetworkId(id()),
                StoreError::NetworkExists(id()),
                StoreError::Corrupt { path: "/d/n".into(), reason: "bad".into() },
                StoreError::BadConfig { path: "/d/c".into(), reason: "bad".into() },
            ]
            .map(NodeError::Store),
        );
        let breaches = [
            Breach::NoDevice,
            Breach::NotAMember,
            Breach::Genesis,
            Breach::CoordinatorOnly(CoordinatorAction::ChangeRoles),
            Breach::OthersData(OwnData::Vote),
            Breach::SelfPromotion,
            Breach::LastCoordinator,
            Breach::UndoRemoval,
            Breach::UndoRevocation,
            Breach::BadInvite,
            Breach::RecordReplaced,
            Breach::ForgedAuthor,
            Breach::UnknownPlace,
            Breach::OutsideRoom,
        ];
        for breach in breaches {
            errors.push(NodeError::Protocol(ProtocolError::Distrusted(refusal(breach))));
            let problem = BundleProblem::Unusable(Unusable::Refused(refusal(breach)));
            errors.push(NodeError::Bundle { path: "plg.kring".into(), problem: Box::new(problem) });
        }
        let unsigned = || Distrust::Unsigned { change: "c".into(), device: "d".into() };
        errors.push(NodeError::Protocol(ProtocolError::Distrusted(unsigned())));
        let problems = [
            BundleProblem::NotABundle("bad magic".into()),
            BundleProblem::Unusable(Unusable::Damaged("x".into())),
            BundleProblem::Unusable(Unusable::NotANetwork("x".into())),
            BundleProblem::Unusable(Unusable::OtherNetwork { expected: id(), found: id() }),
            BundleProblem::Unusable(Unusable::Refused(unsigned())),
            BundleProblem::AnotherBeginning,
            BundleProblem::OtherChapter { bundle: 1, here: 2 },
            BundleProblem::NotJoined,
            BundleProblem::MergeFailed("panic".into()),
            BundleProblem::Older("not locked".into()),
            BundleProblem::NotForThisLaptop,
            BundleProblem::NeedsPassphrase,
            BundleProblem::WrongPassphrase,
            BundleProblem::PassphraseTooShort,
            BundleProblem::Damaged("stream chunk failed".into()),
            BundleProblem::TooLarge { what: "file", size: 1 << 30, max: 70_000_000 },
            BundleProblem::UnpacksTooLarge { max: 268_435_456 },
            BundleProblem::TooManyOperations { max: 8_000_000 },
            BundleProblem::TooManyChanges { max: 1_000_000 },
            BundleProblem::Unusable(Unusable::TooLarge(Refused::TooManyOperations { max: 8_000_000 })),
            BundleProblem::Attachment(AttachmentFault::Unnamed),
            BundleProblem::Attachment(AttachmentFault::WrongSize { name: "casus.pdf".into(), len: 1000 }),
            BundleProblem::Attachment(AttachmentFault::Twice { name: "casus.pdf".into() }),
            BundleProblem::Attachment(AttachmentFault::WrongHash { name: "casus.pdf".into() }),
        ];
        errors.extend(
            problems
                .map(|problem| NodeError::Bundle { path: "/media/usb/plg.kring".into(), problem: Box::new(problem) }),
        );
        errors.extend([
            NodeError::Ticket(TicketError::BadInvite("invalid length at 114".into())),
            NodeError::JoinRefused("this ticket cannot be used".into()),
            NodeError::Unreachable(20),
            NodeError::UnknownNetwork(id()),
            NodeError::NotAMember,
            NodeError::ChapterMovedOn,
            NodeError::AlreadyMember(id()),
            NodeError::Bind("address in use".into()),
            NodeError::Connection("timed out".into()),
            NodeError::Frame(FrameError::TooLarge { len: 9, max: 1 }),
            NodeError::Frame(FrameError::Malformed("x".into())),
            NodeError::Protocol(ProtocolError::NotOpen(id())),
            NodeError::Protocol(ProtocolError::BadSyncMessage { network: id(), reason: "x".into() }),
            NodeError::Protocol(ProtocolError::BadChapter { network: id(), reason: "x".into() }),
            NodeError::Protocol(ProtocolError::TooMuchWaiting {
                network: id(),
                device: "d".into(),
                bytes: 70_000_000,
                max: 67_108_864,
            }),
            NodeError::Protocol(ProtocolError::OverlongNetworkId),
            NodeError::Protocol(ProtocolError::BeforeOpen),
            NodeError::Protocol(ProtocolError::Stranger),
            NodeError::Protocol(ProtocolError::Silent),
            NodeError::NotAnAddress("hallo".into()),
            NodeError::Ticket(TicketError::DeviceLinkNotInvite),
            NodeError::Ticket(TicketError::InviteNotDeviceLink),
            NodeError::Ticket(TicketError::BadDeviceLink("invalid length".into())),
            NodeError::DeviceLinkRefused,
            NodeError::DeviceLinkUnreachable(20),
            NodeError::DeviceLinkExpired,
            NodeError::AlreadyLinked(id()),
            NodeError::DeviceLinkUnusable("a damaged network".into()),
            NodeError::AttachmentFile { path: "/home/anna/film.mp4".into(), reason: "not found".into() },
            NodeError::AttachmentNotHere,
            NodeError::Attachments("database locked".into()),
            NodeError::AttachmentNotAFile("/home/anna/Foto's".into()),
        ]);
        errors
    }

    /// Words that give an English text away; none is a Dutch word.
    const ENGLISH: &[&str] = &[
        " the ",
        " is not ",
        " must ",
        " cannot ",
        " could ",
        " invalid",
        " not ",
        " this ",
        "please",
        " refused",
        " with ",
        " of the ",
        "error",
        " should ",
        " already ",
    ];

    #[test]
    fn every_error_has_dutch_and_english_words_and_no_english_in_dutch() {
        for err in every_error() {
            let dutch = node_error(Language::Nl, &err);
            let english = node_error(Language::En, &err);
            assert!(!dutch.trim().is_empty() && !english.trim().is_empty(), "{err:?}");
            assert_ne!(dutch, english, "{err:?}");
            let padded = format!(" {} ", dutch.to_lowercase());
            for word in ENGLISH {
                assert!(!padded.contains(word), "English {word:?} in the Dutch words for {err:?}: {dutch}");
            }
            // Technical details stay in the log: not the English text of the error itself.
            assert!(!dutch.contains(&err.to_string()), "{err:?}: {dutch}");
        }
    }

    #[test]
    fn an_empty_field_names_the_field() {
        let err = NodeError::Model(ModelError::Empty { field: Field::Title });
        assert_eq!(node_error(Language::Nl, &err), "Vul de titel in.");
        assert_eq!(node_error(Language::En, &err), "Fill in the title.");
        let err = NodeError::Model(ModelError::NotCoordinator { action: CoordinatorTask::ChangeRoles });
        assert_eq!(node_error(Language::Nl, &err), "Alleen een coördinator mag rollen wijzigen.");
    }
}
