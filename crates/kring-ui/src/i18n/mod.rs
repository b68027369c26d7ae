//! Every word the desktop client shows, in Dutch (the default) and English. Views ask for a
//! [`Text`] key; the table below is the only place words live, and a key without both
//! translations does not compile.

pub mod dates;
pub mod errors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Nl,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Nl, Language::En];

    pub fn from_code(code: &str) -> Language {
        if code == "en" { Language::En } else { Language::Nl }
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }
}

macro_rules! texts {
    ($($key:ident => $nl:literal, $en:literal;)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Text { $($key),+ }

        pub const ALL_TEXTS: &[Text] = &[$(Text::$key),+];

        pub fn tr(language: Language, text: Text) -> &'static str {
            match (text, language) {
                $((Text::$key, Language::Nl) => $nl, (Text::$key, Language::En) => $en,)+
            }
        }
    };
}

texts! {
    Welcome => "Welkom bij Kring", "Welcome to Kring";
    WelcomeIntro => "Start een leernetwerk of sluit je aan bij een bestaand netwerk.", "Start a learning network, or join one that exists.";
    YourName => "Je naam", "Your name";
    Perspective => "Perspectief", "Perspective";
    Organisation => "Organisatie", "Organisation";
    StartNew => "Een nieuw netwerk starten", "Start a new network";
    NetworkName => "Naam van het netwerk", "Network name";
    CreateNetwork => "Netwerk starten", "Start network";
    JoinExisting => "Aansluiten bij een netwerk", "Join a network";
    PasteTicket => "Plak de uitnodiging die je van de coördinator kreeg.", "Paste the invitation you received from the coordinator.";
    Ticket => "Uitnodiging", "Invitation";
    Join => "Aansluiten", "Join";
    AddNetwork => "Ander netwerk starten of aansluiten", "Start or join another network";
    ChooseNetwork => "Netwerk kiezen", "Choose network";
    NetworkOpening => "Het netwerk wordt geopend…", "Opening the network…";
    Sessions => "Bijeenkomsten", "Sessions";
    Questions => "Leervragen", "Learning questions";
    Members => "Leden", "Members";
    Settings => "Instellingen", "Settings";
    NewSession => "Nieuwe bijeenkomst", "New session";
    Title => "Titel", "Title";
    Kind => "Soort", "Kind";
    Date => "Datum", "Date";
    Location => "Locatie", "Location";
    AddSession => "Bijeenkomst toevoegen", "Add session";
    NoSessions => "Nog geen bijeenkomsten.", "No sessions yet.";
    Upcoming => "Komend", "Upcoming";
    Past => "Geweest", "Past";
    Present => "aanwezig", "present";
    Notes => "Notities", "Notes";
    Agenda => "Agenda", "Agenda";
    FromPhones => "Van telefoons (gasten)", "From phones (guests)";
    OpenRoomForPhones => "Kamer openen voor telefoons", "Open a room for phones";
    RoomIsOpen => "Kamer open voor telefoons", "Room open for phones";
    RoomOpening => "De kamer wordt geopend…", "Opening the room…";
    CloseRoom => "Kamer sluiten", "Close the room";
    Phones => "Telefoons", "Phones";
    RoomHelp => "Deelnemers scannen de code of typen het adres op hun telefoon, op hetzelfde wifi-netwerk als deze laptop.", "Participants scan the code or type the address on their phone, on the same Wi-Fi as this laptop.";
    RoomQuestions => "Leervragen om op te stemmen", "Learning questions to vote on";
    RoomReflection => "De open reflectieronde laten invullen", "Let guests score the open reflection round";
    RoomProposals => "Gasten mogen een leervraag voorstellen", "Guests may propose a learning question";
    RoomReactions => "Gasten mogen een reactie achterlaten", "Guests may leave a reaction";
    RoomPhotos => "Gasten mogen een foto sturen", "Guests may send a photo";
    RoomPhotosHelp => "Kring bewaart alleen een eigen kopie van elke foto, zonder locatie of andere gegevens uit de telefoon.", "Kring keeps only its own copy of each photo, without the location or other data from the phone.";
    PhotosSent => "Foto's", "Photos";
    OpenTheRoom => "Kamer openen", "Open the room";
    RoomElsewhere => "Er is al een kamer open bij een andere bijeenkomst.", "A room is already open at another meeting.";
    RoomFailed => "De kamer kon niet worden geopend of gesloten:", "The room could not be opened or closed:";
    GuestsByPhone => "Gasten via telefoon", "Guests by phone";
    Guest => "gast", "guest";
    Anonymous => "anoniem", "anonymous";
    GuestVoted => "stemde op", "voted for";
    GuestProposed => "stelde een leervraag voor:", "proposed a learning question:";
    GuestScored => "vulde de reflectie in:", "scored the reflection:";
    GuestReacted => "reageerde:", "reacted:";
    GuestSentPhoto => "stuurde een foto (bij de bijlagen)", "sent a photo (with the attachments)";
    Back => "Terug", "Back";
    Attendance => "Aanwezigheid", "Attendance";
    Actions => "Acties", "Actions";
    NewAction => "Nieuwe actie", "New action";
    Due => "klaar op", "due";
    AddAction => "Actie toevoegen", "Add action";
    DiscussedQuestions => "Besproken leervragen", "Learning questions discussed";
    Attachments => "Bijlagen", "Attachments";
    Attachment => "Bijlage", "Attachment";
    AddAttachment => "Bijlage toevoegen…", "Add attachment…";
    NoAttachments => "Nog geen bijlagen. Sleep een bestand hierheen of kies ‘Bijlage toevoegen…’.", "No attachments yet. Drag a file here or choose ‘Add attachment…’.";
    DropToAttach => "Laat los om als bijlage toe te voegen", "Drop to add as an attachment";
    AddedBy => "toegevoegd door", "added by";
    SaveAttachmentAs => "Opslaan als…", "Save as…";
    NotOnThisLaptop => "Nog niet op deze laptop", "Not on this laptop yet";
    Fetching => "Ophalen…", "Fetching…";
    PreviewOf => "Voorbeeld van", "Preview of";
    FullSize => "Ware grootte", "Full size";
    LoadingPicture => "Afbeelding laden…", "Loading the image…";
    UnreadablePicture => "Deze afbeelding kan niet worden getoond: het bestand is beschadigd of in een vorm die Kring niet kent. Met ‘Openen’ probeer je het in een ander programma.", "This image cannot be shown: the file is damaged or in a form Kring does not know. ‘Open’ tries it in another program.";
    PictureTooLarge => "Te groot om hier te tonen; kies ‘Openen’.", "Too large to show here; choose ‘Open’.";
    NoViewer => "Geen programma gevonden om dit bestand te openen. Een kopie staat in", "No program was found to open this file. A copy is in";
    AttachmentsOnThisLaptop => "Bijlagen op deze laptop", "Attachments on this laptop";
    FetchOnDemand => "alleen als ik het open", "only when I open it";
    FetchOnDemandExplained => "Voor een laptop met weinig ruimte: bijlagen van dit netwerk worden pas opgehaald als je ze opent of opslaat. Dit geldt alleen voor deze laptop, niet voor de anderen.", "For a laptop with little disk space: this network's attachments are fetched only when you open or save them. This applies to this laptop only, not to the others.";
    ProposeQuestion => "Nieuwe leervraag", "New learning question";
    Propose => "Voorstellen", "Propose";
    Vote => "Stem", "Vote";
    RetractVote => "Stem intrekken", "Retract vote";
    Votes => "stemmen", "votes";
    Status => "Status", "Status";
    Details => "Toelichting", "Details";
    Insights => "Inzichten", "Insights";
    DiscussedIn => "Besproken in", "Discussed in";
    Close => "Sluiten", "Close";
    Name => "Naam", "Name";
    Role => "Rol", "Role";
    Online => "Online", "Online";
    You => "jij", "you";
    Remove => "Verwijderen", "Remove";
    ConfirmRemove => "Echt verwijderen? Dit lid kan daarna niet meer synchroniseren.", "Really remove? This member can no longer sync afterwards.";
    YesRemove => "Ja, verwijderen", "Yes, remove";
    RemoveWithNewChapter => "Verwijderen en een nieuw hoofdstuk beginnen", "Remove and start a new chapter";
    RemoveWithNewChapterWhy => "Aanbevolen bij een verloren laptop of een conflict: de laptops van wie verwijderd is krijgen niets van het nieuwe hoofdstuk, en wat zij nog schrijven komt er nooit in.", "Recommended for a lost laptop or a conflict: the removed member's laptops get nothing of the new chapter, and nothing they still write ever reaches it.";
    Chapter => "Hoofdstuk", "Chapter";
    HasSwitched => "overgestapt", "switched";
    NotSwitchedYet => "nog niet overgestapt", "not switched yet";
    ChapterBegunBy => "begonnen door", "begun by";
    ChapterExplained => "Een nieuw hoofdstuk neemt het netwerk mee zoals het nu is, zonder de geschiedenis. Verwijderde leden krijgen er niets van, de prullenbak wordt leeggemaakt en open uitnodigingen vervallen. Elke laptop stapt over zodra hij een lid tegenkomt dat al is overgestapt; wat iemand offline schreef, wordt meegenomen.", "A new chapter takes the network along as it is now, without its history. Removed members get nothing of it, the bin is emptied and open invitations lapse. Every laptop switches as soon as it meets a member that already has; what someone wrote offline is carried over.";
    NewChapter => "Nieuw hoofdstuk beginnen…", "Start a new chapter…";
    KeepOldHistory => "Bewaar de oude geschiedenis op deze laptop (alleen als er niets gewist wordt)", "Keep the old history on this laptop (only when nothing is erased)";
    YesNewChapter => "Ja, begin een nieuw hoofdstuk", "Yes, start a new chapter";
    ChapterBegun => "Het netwerk gaat verder in hoofdstuk", "The network continues in chapter";
    SwitchedToChapter => "Deze laptop is overgestapt naar hoofdstuk", "This laptop switched to chapter";
    CarriedOverWork => "offline geschreven onderdelen meegenomen", "parts written offline carried over";
    LeftOutWork => "niet meegenomen, omdat het gewist is of niet van deze laptop kwam", "not carried over, because it was erased or was not this laptop's";
    DisplacedWork => "getypte tekens stonden in tekst die er niet meer is en staan nu op de dichtstbijzijnde plek", "typed characters stood in text that is gone and now stand at the nearest place";
    EraseForEveryone => "Voor iedereen wissen…", "Erase for everyone…";
    EraseWarning => "Dit wordt voor iedereen gewist, ook uit de geschiedenis op elke laptop: het netwerk gaat verder in een nieuw hoofdstuk zonder. Dit kan niet ongedaan worden gemaakt.", "This is erased for everyone, from the history on every laptop too: the network continues in a new chapter without it. This cannot be undone.";
    YesErase => "Ja, voor iedereen wissen", "Yes, erase for everyone";
    ErasedWhat => "Dit verdwijnt voor iedereen:", "This disappears for everyone:";
    EraseSelection => "Selectie voor iedereen wissen…", "Erase the selection for everyone…";
    EraseComment => "Opmerking voor iedereen wissen…", "Erase the comment for everyone…";
    Erased => "Gewist. Het netwerk gaat verder in hoofdstuk", "Erased. The network continues in chapter";
    Cancel => "Annuleren", "Cancel";
    Invite => "Uitnodigen", "Invite";
    MaxUses => "Aantal keer te gebruiken", "Number of uses";
    ValidDays => "Dagen geldig", "Days valid";
    InviteFor => "Voor wie (optioneel)", "For whom (optional)";
    InvitationFor => "uitnodiging voor", "invitation for";
    Activity => "Activiteit", "Activity";
    ActivityExplained => "Wat het netwerk deed, in één plaatje: maak er een schermafbeelding van voor een verslag.", "What the network did, in one picture: take a screenshot of it for a report.";
    MeetingsPerMonth => "Bijeenkomsten per maand", "Meetings per month";
    QuestionsByStatus => "Leervragen per status", "Learning questions by status";
    PresentPerPerspective => "Aanwezig per perspectief", "Present per perspective";
    NoMeetingsHeldYet => "Nog geen bijeenkomsten gehouden.", "No meetings held yet.";
    NoQuestionsYet => "Nog geen leervragen.", "No learning questions yet.";
    NobodyPresentYet => "Nog geen aanwezigheid ingevuld.", "No attendance filled in yet.";
    MakeInvite => "Uitnodiging maken", "Make invitation";
    TicketExplained => "Stuur deze uitnodiging aan de nieuwe deelnemer, of laat de QR-code scannen. Jouw laptop moet aan staan als die zich aansluit.", "Send this ticket to the new participant, or let them scan the QR code. Your laptop must be on when they join.";
    Copy => "Kopiëren", "Copy";
    OpenInvites => "Openstaande uitnodigingen", "Open invitations";
    Used => "gebruikt", "used";
    ValidUntil => "geldig tot", "valid until";
    Revoke => "Intrekken", "Revoke";
    ReachOffline => "Zonder internet (offline)", "No internet (offline)";
    ReachLan => "Alleen lokaal netwerk", "Local network only";
    ReachOnline => "Online", "Online";
    PeersConnected => "verbonden", "connected";
    Syncing => "Synchroniseren…", "Syncing…";
    InSync => "Bijgewerkt", "In sync";
    RemovedFromNetwork => "Je bent uit dit netwerk verwijderd", "You were removed from this network";
    RemovedExplained => "De andere leden synchroniseren dit netwerk niet meer met jouw laptop. Wat je hier ziet, is wat je had toen je werd verwijderd.", "The other members no longer sync this network with your laptop. What you see here is what you had when you were removed.";
    LastSynced => "Laatst gesynchroniseerd", "Last synced";
    PeerDetails => "Details", "Details";
    Advanced => "Geavanceerd: het adres van deze laptop", "Advanced: this laptop's address";
    Device => "Apparaat", "Device";
    Member => "Lid", "Member";
    Connection => "Verbinding", "Connection";
    Connected => "verbonden", "connected";
    ViaLocalNetwork => "via het schoolnetwerk", "over the local network";
    ViaInternet => "rechtstreeks via internet", "straight over the internet";
    ViaRelay => "via internet, door een doorgeefserver (relay)", "over the internet, through a relay";
    Refused => "geweigerd", "refused";
    YourAddress => "Jouw adres", "Your address";
    ConnectTo => "Verbinden met een adres of uitnodiging", "Connect to an address or invitation";
    Connect => "Verbinden", "Connect";
    LanguageLabel => "Taal", "Language";
    OfflineMode => "Zonder internet werken", "Work without the internet";
    OfflineExplained => "Kring gebruikt het internet dan helemaal niet. Laptops op hetzelfde schoolnetwerk vinden elkaar nog wel.", "Kring then does not use the internet at all. Laptops on the same school network still find each other.";
    RelayUrl => "Relay van de school of regio (URL)", "School or regional relay (URL)";
    AppliesAtRestart => "Netwerkinstellingen gelden na herstarten van Kring.", "Network settings apply after restarting Kring.";
    NoPublicServices => "Geen openbare diensten op internet gebruiken", "Use no public services on the internet";
    NoPublicServicesExplained => "Aan: deze laptop meldt zich nergens op internet aan en zoekt daar niemand op. Alleen een doorgeefserver van je school of regio wordt gebruikt, als die onder Geavanceerd is ingevuld.", "On: this laptop registers nowhere on the internet and looks no one up there. Only a forwarding server of your school or region is used, if one is filled in under Advanced.";
    LanAnnounce => "Collega's op hetzelfde schoolnetwerk vinden deze laptop vanzelf", "Colleagues on the same school network find this laptop by themselves";
    LanAnnounceExplained => "Uit: andere laptops in het gebouw zien deze laptop niet; collega's bereiken je dan via een uitnodiging of omdat jullie al eerder verbonden waren.", "Off: other laptops in the building do not see this laptop; colleagues then reach you through an invitation or because you were connected before.";
    ConnectionHeading => "Hoe deze laptop collega's bereikt", "How this laptop reaches colleagues";
    AdvancedSettings => "Geavanceerd: voor wie de ICT regelt", "Advanced: for whoever looks after IT";
    RelayExplained => "Een relay is een doorgeefserver op internet: hij geeft de berichten door als twee laptops elkaar niet rechtstreeks bereiken. Leeg: Kring gebruikt de openbare relays.", "A relay is a forwarding server on the internet: it passes the messages on when two laptops cannot reach each other directly. Empty: Kring uses the public relays.";
    TechnicalTerms => "Wat de vakjes hierboven technisch doen:", "What the boxes above do, technically:";
    OfflineTechnical => "Zonder internet werken: geen relay, geen DNS/pkarr en geen port mapping; alleen mDNS en adressen die je intypt.", "Work without the internet: no relay, no DNS/pkarr and no port mapping; only mDNS and addresses typed in.";
    LanTechnical => "Collega's op het schoolnetwerk: mDNS. Laptops op hetzelfde netwerk zien het apparaat-ID, de IP-adressen en de poort van deze laptop.", "Colleagues on the school network: mDNS. Laptops on the same network see this laptop's device id, IP addresses and port.";
    PublicTechnical => "Geen openbare diensten: niet in de publieke DNS/pkarr en geen publieke relay; alleen de relay hierboven.", "No public services: not in the public DNS/pkarr and no public relay; only the relay above.";
    RestartToApply => "Gewijzigd: herstart Kring om de nieuwe netwerkinstellingen te laten gelden.", "Changed: restart Kring to apply the new network settings.";
    DataFolder => "Gegevensmap", "Data folder";
    Reflection => "Reflectie", "Reflection";
    NewRound => "Nieuwe reflectieronde", "New reflection round";
    OpenRound => "Ronde openen", "Open round";
    NoRounds => "Nog geen reflectierondes.", "No reflection rounds yet.";
    Round => "Ronde", "Round";
    RoundOpen => "open", "open";
    RoundClosed => "gesloten", "closed";
    Results => "Resultaten", "Results";
    YourScores => "Jouw scores", "Your scores";
    ScoreExplained => "1 = herken ik niet, 5 = herken ik helemaal. Een toelichting wordt bewaard met je score.", "1 = not at all, 5 = completely. A comment is saved with your score.";
    Comment => "Toelichting (niet verplicht)", "Comment (optional)";
    CloseRound => "Ronde sluiten", "Close round";
    ConfirmCloseRound => "Ronde sluiten? Daarna kan niemand meer scoren.", "Close the round? Nobody can score afterwards.";
    YesCloseRound => "Ja, sluiten", "Yes, close";
    Factor => "Factor", "Factor";
    Comments => "Toelichtingen", "Comments";
    Report => "verslag", "report";
    ReportMadeOn => "Gemaakt op", "Made on";
    ReportMembers => "Deelnemers per perspectief", "Members by perspective";
    ReportCount => "Aantal", "Count";
    ReportTotal => "Totaal", "Total";
    ReportDate => "Datum", "Date";
    ReportPresent => "Aanwezig", "Present";
    ReportSessionsHeld => "Gehouden bijeenkomsten", "Sessions held";
    ReportCycle => "Actieonderzoekcyclus", "Action-research cycle";
    ReportStatsExplained => "Per factor: de gemiddelde score (1 tot 5), hoeveel mensen scoorden, en of hun meningen dicht bij elkaar liggen of uiteenlopen.", "Per factor: the average score (1 to 5), how many people scored, and whether their opinions are close together or differ.";
    Export => "Exporteren", "Export";
    ExportNotes => "Notities als Markdown…", "Notes as Markdown…";
    ExportReportMarkdown => "Netwerkverslag als Markdown…", "Network report as Markdown…";
    ExportReportHtml => "Netwerkverslag als HTML…", "Network report as HTML…";
    ExportAttendance => "Aanwezigheid als CSV…", "Attendance as CSV…";
    SavedTo => "Opgeslagen:", "Saved:";
    BundleExport => "Bundel maken voor een USB-stick…", "Make a bundle for a USB stick…";
    BundleImport => "Bundel van een USB-stick inlezen…", "Read a bundle from a USB stick…";
    BundleImported => "Bundel ingelezen, nieuwe wijzigingen:", "Bundle read, new changes:";
    BundleAttachmentsCarried => "bijlagen meegekomen:", "attachments carried:";
    ExportsArePlain => "Deze bestanden zijn niet versleuteld: bewaar ze zoals je leerlingdossiers bewaart.", "These files are not encrypted: keep them as you keep pupils' records.";
    BundleExportPassphrase => "Bundel met een wachtwoordzin maken…", "Make a bundle with a passphrase…";
    BundlePassphraseNote => "Voor een laptop die nog geen lid is. Geef de wachtwoordzin apart door, niet bij het bestand.", "For a laptop that is not a member yet. Pass the passphrase on separately, not with the file.";
    PassphraseTitle => "Wachtwoordzin van de bundel", "Passphrase of the bundle";
    PassphraseForExport => "Kies een wachtwoordzin: wie hem kent, kan de bundel openen.", "Choose a passphrase: whoever knows it can open the bundle.";
    PassphraseForImport => "Deze bundel is op slot met een wachtwoordzin. Vul hem in.", "This bundle is locked with a passphrase. Fill it in.";
    Passphrase => "Wachtwoordzin", "Passphrase";
    PassphraseAgain => "Nog een keer", "Once more";
    PassphraseTooShort => "Aantal tekens minstens:", "Number of characters at least:";
    PassphrasesDiffer => "De twee wachtwoordzinnen verschillen.", "The two passphrases differ.";
    SaveAs => "Opslaan als…", "Save as…";
    ReadIn => "Inlezen", "Read in";
    ReadNetworkFromBundle => "Een netwerk uit een bundel lezen", "Read a network from a bundle";
    ReadNetworkFromBundleExplained => "Kreeg je een bundel met een wachtwoordzin van een lid? Lees hem hier in. Om mee te schrijven heb je daarna nog een uitnodiging nodig.", "Did a member give you a bundle with a passphrase? Read it in here. To write in it too, you then still need an invitation.";
    BundleExportTitle => "Bundel maken", "Make a bundle";
    BundleWithAttachments => "Met bijlagen (foto's, opnames, documenten)", "With attachments (photos, recordings, documents)";
    BundleAttachmentsTogether => "samen", "together";
    BundleAttachmentsNote => "Met bijlagen is de bundel zo groot als de bijlagen samen. Zonder haalt de andere laptop ze later op bij een lid.", "With attachments the bundle is as large as they are together. Without, the other laptop fetches them from a member later.";
    BundleWriting => "Bundel wordt geschreven:", "Writing the bundle:";
    BundleReading => "Bundel wordt ingelezen:", "Reading the bundle in:";
    BundleForMembers => "De bundel is versleuteld: alleen laptops van leden kunnen hem openen.", "The bundle is encrypted: only the laptops of members can open it.";
    WhatChanged => "Wat is er veranderd", "What changed";
    MarkSeen => "Alles gezien", "Mark all as seen";
    ChangedMark => "gewijzigd", "changed";
    OtherChanges => "door andere software", "made by other software";
    And => "en", "and";
    FoundVia => "Gevonden via", "Found via";
    FoundLan => "lokaal netwerk", "local network";
    FoundTyped => "ingetypt adres", "typed address";
    FoundTicket => "uitnodiging", "invitation";
    FoundMember => "adres van een ander lid", "address from another member";
    FoundIncoming => "maakte zelf verbinding", "connected to this device";
    Received => "ontvangen", "received";
    RefusedFrom => "stuurde een wijziging die Kring weigert:", "sent a change Kring refuses:";
    UnknownLaptop => "Een onbekende laptop", "An unknown laptop";
    RemovedRevokesInvites => "Alle open uitnodigingen zijn ingetrokken: wie verwijderd is, heeft misschien nog een uitnodiging. Maak zo nodig nieuwe uitnodigingen.", "Every open invitation was revoked: a removed member may know a ticket. Make new invitations where needed.";
    TicketRefreshed => "Dit netwerk staat al op deze laptop. De adressen uit de uitnodiging zijn bijgewerkt; Kring maakt nu verbinding.", "This network is already on this laptop. Its addresses from the invitation were updated; Kring is connecting now.";
    AllThemes => "Alle thema's", "All themes";
    ThemeFilter => "Thema", "Theme";
    Action => "Actie", "Action";
    AddFactor => "Factor toevoegen", "Add factor";
    AddTheme => "Thema toevoegen", "Add theme";
    AddToCalendar => "In mijn agenda (.ics)", "Add to my calendar (.ics)";
    Bin => "Prullenbak", "Bin";
    BinEmpty => "De prullenbak is leeg.", "The bin is empty.";
    BinExplained => "Verwijderde bijeenkomsten, leervragen en acties. Alles blijft bewaard en is terug te zetten.", "Deleted sessions, learning questions and actions. Everything is kept and can be restored.";
    CalendarUpcoming => "Komende bijeenkomsten in mijn agenda (.ics)", "Upcoming sessions to my calendar (.ics)";
    ChooseMoment => "Kies links een moment om de tekst van toen te zien.", "Choose a moment on the left to see the text as it was.";
    Cycle => "Cyclus", "Cycle";
    Cycles => "Onderzoekscycli", "Research cycles";
    CyclesExplained => "Actieonderzoek in cycli: plannen, uitvoeren, observeren, reflecteren. Iedereen schrijft mee.", "Action research in cycles: plan, act, observe, reflect. Everyone writes along.";
    DateHint => "bijv. 7-12-2026 15:30", "e.g. 7-12-2026 15:30";
    Description => "Beschrijving", "Description";
    DueHint => "bijv. 7-12-2026", "e.g. 7-12-2026";
    EditDetails => "Gegevens wijzigen", "Edit details";
    EditProfile => "Mijn gegevens wijzigen", "Edit my details";
    EndCycle => "Cyclus afronden", "End cycle";
    EndDate => "Einddatum", "End date";
    Factors => "Reflectiefactoren", "Reflection factors";
    FactorsExplained => "De factoren die leden in een reflectieronde scoren. Coördinatoren passen ze aan; lopende rondes houden hun factoren.", "The factors members score in a reflection round. Coordinators change them; open rounds keep their factors.";
    FileMenu => "Bestand", "File";
    History => "Geschiedenis", "History";
    Import => "Inlezen", "Import";
    LinkLaptop => "Deze laptop koppelen", "Link this laptop";
    LinkThisLaptop => "Ben je al lid en is dit je tweede laptop?", "Already a member, and this is your second laptop?";
    LinkThisLaptopExplained => "Maak op je eerste laptop bij Leden een koppelcode (\"Mijn andere laptop toevoegen\") en plak die hier.", "On your first laptop, make a link ticket under Members (\"Add my other laptop\") and paste it here.";
    LinkTicket => "Koppelcode", "Link ticket";
    LinkTicketExplained => "Plak deze koppelcode op je andere laptop, onder \"Ben je al lid en is dit je tweede laptop?\". Hij werkt één keer, 15 minuten lang, zolang Kring hier open staat.", "Paste this link ticket on your other laptop, under \"Already a member, and this is your second laptop?\". It works once, for 15 minutes, while Kring is open here.";
    MakeCoordinator => "Coördinator maken", "Make coordinator";
    MakeLinkTicket => "Mijn andere laptop toevoegen", "Add my other laptop";
    MakeMember => "Gewoon lid maken", "Make regular member";
    MoveToBin => "Naar prullenbak", "Move to bin";
    MovedToBin => "Verplaatst naar de prullenbak; daar kun je het terugzetten.", "Moved to the bin; you can restore it from there.";
    NewFactor => "Nieuwe factor", "New factor";
    NewTheme => "Nieuw thema", "New theme";
    NoHistory => "Deze tekst is nog niet bewerkt.", "This text has not been edited yet.";
    NoOpenActions => "Geen open acties.", "No open actions.";
    NobodyYet => "Nog niemand", "Nobody yet";
    OpenActions => "Open acties per lid", "Open actions per member";
    OtherLaptop => "Je andere laptop", "Your other laptop";
    OtherLaptopExplained => "Werk je ook op een tweede laptop? Koppel hem: hij wordt een laptop van jou, met dezelfde stem en scores.", "Do you also work on a second laptop? Link it: it becomes a laptop of yours, with the same vote and scores.";
    Owner => "Wie", "Who";
    Question => "Leervraag", "Learning question";
    Region => "Regio", "Region";
    Rename => "Naam wijzigen", "Rename";
    Restore => "Terugzetten", "Restore";
    Running => "loopt nog", "running";
    Save => "Opslaan", "Save";
    Search => "Zoeken (Ctrl+F)", "Search (Ctrl+F)";
    SearchResults => "Gevonden voor", "Found for";
    SearchTruncated => "Alleen de eerste treffers staan hier; maak je zoekvraag preciezer.", "Only the first hits are shown; make your search more precise.";
    Session => "Bijeenkomst", "Session";
    StartCycle => "Nieuwe cyclus starten", "Start a new cycle";
    StartDate => "Startdatum", "Start date";
    StartedOffline => "Kring werkt deze keer zonder internet (gestart met --offline).", "Kring works without the internet this time (started with --offline).";
    TextAsOf => "De tekst op", "The text as of";
    TheNetwork => "Netwerk", "Network";
    Themes => "Thema's", "Themes";
    ThemesExplained => "Waar het netwerk aan werkt, bijvoorbeeld multiproblematiek, kindermishandeling of werkplezier.", "What the network works on, for example multiple problems, child abuse or job satisfaction.";
    YourProfile => "Jouw gegevens", "Your details";
    NoQuestionsWithTheme => "Geen leervragen met het thema", "No learning questions with the theme";
    NoSessionsWithTheme => "Geen bijeenkomsten met het thema", "No sessions with the theme";
    NoActionsWithTheme => "Geen open acties uit bijeenkomsten met het thema", "No open actions from sessions with the theme";
    ShowAllThemes => "Alle thema's tonen", "Show all themes";
    OpinionsClose => "de meningen liggen dicht bij elkaar", "opinions are close together";
    OpinionsApart => "de meningen lopen uiteen", "opinions differ";
    OnAverage => "gemiddeld", "average";
    OneScore => "score", "score";
    QuestionCard => "Leervraag", "Learning question";
    MoveTo => "Verplaatsen naar", "Move to";
    Phase => "Fase", "Phase";
    CycleEnded => "afgerond", "ended";
    InThisPeriod => "in deze periode", "in this period";
    OpenSessionHint => "Klik om de bijeenkomst te openen.", "Click to open the session.";
    MeetingMarker => "bijeenkomst over deze leervraag", "session about this learning question";
    DragCardHint => "Sleep een kaart naar een andere kolom, of gebruik de knoppen ‹ en › op de kaart.", "Drag a card to another column, or use the ‹ and › buttons on the card.";
    // The leerhuis.
    LinkedNetworks => "Gekoppelde netwerken", "Linked networks";
    NoLinkedNetworks => "Er is nog geen netwerk aan dit leerhuis gekoppeld.", "No network is linked into this leerhuis yet.";
    LinkedSince => "gekoppeld sinds", "linked since";
    DelegatesCount => "afgevaardigde laptops:", "delegate laptops:";
    MakeLeerhuisTicket => "Koppelcode voor een netwerk maken", "Make a link code for a network";
    LeerhuisTicketExplained => "Geef deze koppelcode aan een coördinator van het netwerk dat je koppelt. Hij werkt één keer, een week lang, en laat niemand anders binnen. Laat Kring open tot het netwerk gekoppeld is.", "Give this link code to a coordinator of the network you link. It works once, for a week, and lets no one else in. Keep Kring open until the network is linked.";
    LeerhuizenOfNetwork => "Leerhuizen waaraan dit netwerk gekoppeld is", "Leerhuizen this network is linked into";
    NoLeerhuizen => "Dit netwerk is aan geen leerhuis gekoppeld.", "This network is not linked into a leerhuis.";
    LinkToLeerhuis => "Aan een leerhuis koppelen…", "Link into a leerhuis…";
    LinkCode => "Koppelcode", "Link code";
    PasteLinkCode => "Plak de koppelcode die je van de coördinator van het leerhuis kreeg. De coördinatoren van dit netwerk handelen daarna namens het netwerk in het leerhuis; de leden kunnen meedoen zonder aparte uitnodiging.", "Paste the link code you received from the leerhuis's coordinator. This network's coordinators then act for it in the leerhuis; its members can take part without a separate invitation.";
    Link => "Koppelen", "Link";
    JoinLeerhuis => "Meedoen in het leerhuis", "Take part in the leerhuis";
    InLeerhuis => "je doet mee", "you take part";
    YouAreDelegate => "deze laptop deelt voor dit netwerk", "this laptop shares for this network";
    LeerhuisLinked => "Het netwerk is aan het leerhuis gekoppeld. Het leerhuis staat nu ook bij je netwerken.", "The network is linked into the leerhuis. The leerhuis is now among your networks too.";
    LeerhuisJoined => "Je doet mee in het leerhuis. Kies het bovenaan bij je netwerken.", "You take part in the leerhuis. Choose it at the top among your networks.";
    ShareWithLeerhuis => "Delen met het leerhuis…", "Share with the leerhuis…";
    ShareExplained => "Precies dit wordt gedeeld: een kopie, met de naam van dit netwerk erbij. Wat je hierna in dit netwerk wijzigt, verandert de kopie niet; opnieuw delen maakt een nieuwe versie. Namen, aantekeningen en opmerkingen van leden gaan niet mee.", "Exactly this is shared: a copy, with this network's name on it. What you change in this network afterwards does not change the copy; sharing again makes a new version. Members' names, notes and comments do not go along.";
    ShareTo => "Met leerhuis", "With leerhuis";
    ShareNow => "Nu delen", "Share now";
    SharedWithLeerhuis => "Gedeeld met het leerhuis.", "Shared with the leerhuis.";
    SummaryForLeerhuis => "Samenvatting voor het leerhuis", "Summary for the leerhuis";
    SummaryExplained => "De aantekeningen blijven in dit netwerk. Schrijf hier wat het leerhuis mag lezen.", "The notes stay in this network. Write here what the leerhuis may read.";
    NothingShared => "Er wordt niets gedeeld.", "Nothing is shared.";
    ScoredBy => "Ingevuld door", "Scored by";
    FactorFigures => "gemiddelde {mean} · spreiding {spread} · n = {n}", "mean {mean} · spread {spread} · n = {n}";
    PresentByPerspective => "Aanwezig per perspectief", "Present by perspective";
    Overview => "Overzicht", "Overview";
    OverviewExplained => "De bijeenkomsten van het leerhuis en wat de gekoppelde netwerken deelden, nieuwste eerst.", "The leerhuis's meetings and what the linked networks shared, newest first.";
    OverviewEmpty => "Nog niets om te tonen.", "Nothing to show yet.";
    KindMeeting => "bijeenkomst van het leerhuis", "meeting of the leerhuis";
    KindQuestion => "leervraag", "learning question";
    KindSession => "bijeenkomst", "meeting";
    KindReflection => "reflectieronde", "reflection round";
    FromNetwork => "uit", "from";
    Version => "versie", "version";
    SharedBy => "Gedeeld door", "Shared by";
    WithdrawPublication => "Intrekken", "Withdraw";
    PublicationWithdrawn => "Ingetrokken: deze kopie is door het netwerk teruggenomen en staat niet meer in het overzicht. Met het volgende hoofdstuk van het leerhuis verdwijnt de tekst van elke laptop.", "Withdrawn: the network took this copy back and it is no longer in the overview. With the leerhuis's next chapter its text leaves every laptop.";
    WithdrawnNotice => "Ingetrokken.", "Withdrawn.";
    Open => "Openen", "Open";
    Timeline => "Tijdlijn van alle netwerken", "Timeline of all networks";
    TimelineExplained => "Bijeenkomsten, onderzoekscycli en reflectierondes van elk netwerk op deze laptop, oudste eerst. Een reflectieronde heeft geen thema: met een thema gekozen valt ze weg.", "Meetings, research cycles and reflection rounds of every network on this laptop, oldest first. A reflection round has no theme: with a theme chosen it is left out.";
    TimelineEmpty => "Niets in deze periode.", "Nothing in this period.";
    PeriodFrom => "Van (JJJJ-MM-DD)", "From (YYYY-MM-DD)";
    PeriodTo => "Tot en met (JJJJ-MM-DD)", "Up to and including (YYYY-MM-DD)";
    KindCycle => "onderzoekscyclus", "research cycle";
    Network => "Netwerk", "Network";
    Refresh => "Vernieuwen", "Refresh";
    ExportCsv => "Opslaan als CSV", "Save as CSV";
    ExportMarkdown => "Opslaan als Markdown", "Save as Markdown";
    // The leerhuis: joint meetings, search across networks, unlinking.
    OpenFor => "Open voor:", "Open to:";
    OpenToAllLinked => "alle gekoppelde netwerken", "all linked networks";
    OpenToOnly => "alleen:", "only:";
    OpenToExplained => "Wie via een ander gekoppeld netwerk meedoet, ziet deze bijeenkomst niet in de lijst. Wie rechtstreeks in het leerhuis zit, ziet haar wel.", "Who takes part through another linked network does not see this meeting in their list. Who is in the leerhuis directly does see it.";
    ChooseOpenTo => "Kiezen voor wie…", "Choose who for…";
    PresentByNetwork => "Aanwezig per netwerk en perspectief", "Present by network and perspective";
    JoinedDirectly => "rechtstreeks", "directly";
    SearchAllNetworks => "Alle netwerken", "All networks";
    SearchThisNetwork => "Dit netwerk", "This network";
    UnlinkFromLeerhuis => "Ontkoppelen van het leerhuis…", "Unlink from the leerhuis…";
    UnlinkWithdraw => "publicaties intrekken", "withdraw what was shared";
    UnlinkArchive => "publicaties bewaren als archief", "keep what was shared as an archive";
    UnlinkExplained => "Na het ontkoppelen verliezen de leden die via dit netwerk in het leerhuis kwamen hun toegang tot het leerhuis; wie ook rechtstreeks is uitgenodigd, blijft. Toegang via dit netwerk geldt niet meer. Opnieuw koppelen kan later met een nieuwe koppelcode.", "After unlinking, the members who came into the leerhuis through this network lose their access to it; whoever was also invited directly stays. Access through this network no longer works. Linking again later takes a new link code.";
    UnlinkWithdrawExplained => "Wat dit netwerk deelde, wordt ingetrokken: het staat niet meer in het overzicht, en met het volgende hoofdstuk van het leerhuis verdwijnt de tekst van elke laptop.", "What this network shared is withdrawn: it leaves the overview, and with the leerhuis's next chapter its text leaves every laptop.";
    UnlinkArchiveExplained => "Wat dit netwerk deelde, blijft in het leerhuis staan als archief.", "What this network shared stays in the leerhuis as an archive.";
    UnlinkNow => "Ontkoppelen", "Unlink";
    UnlinkedSince => "ontkoppeld op", "unlinked on";
    Unlinked => "Het netwerk is van het leerhuis ontkoppeld.", "The network is unlinked from the leerhuis.";
}

/// Scores apart by less than this (the population standard deviation, on the 1–5 scale) count
/// as opinions that are close together.
pub const CLOSE_SPREAD: f64 = 1.0;

/// A reflection factor's scores in plain words: "gemiddeld 3,5 · 4 mensen, de meningen liggen
/// dicht bij elkaar" / "average 3.5 · 4 people, opinions differ"; one score: "score 4 · 1
/// persoon". Dutch writes a decimal comma.
pub fn opinion_words(language: Language, mean: f64, spread: f64, people: usize) -> String {
    let who = count(language, people, ("persoon", "mensen"), ("person", "people"));
    if people == 1 {
        return format!("{} {mean:.0} · {who}", tr(language, Text::OneScore));
    }
    let mut average = format!("{mean:.1}");
    if language == Language::Nl {
        average = average.replace('.', ",");
    }
    let opinions = if spread < CLOSE_SPREAD { Text::OpinionsClose } else { Text::OpinionsApart };
    format!("{} {average} · {who}, {}", tr(language, Text::OnAverage), tr(language, opinions))
}

/// A file's size as people read it, in steps of 1024: "3,4 MB" / "3.4 MB", "120 KB", "512 bytes".
pub fn file_size(language: Language, bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return count(language, bytes as usize, ("byte", "bytes"), ("byte", "bytes"));
    }
    let mut size = bytes as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    // One decimal while it says something (3,4 MB), none from 100 on (120 KB).
    let mut number = if size < 100.0 { format!("{size:.1}") } else { format!("{size:.0}") };
    if language == Language::Nl {
        number = number.replace('.', ",");
    }
    format!("{number} {}", UNITS[unit])
}

/// "1 stem" / "3 stemmen": a count with its noun in the right number.
pub fn count(language: Language, n: usize, (nl_one, nl_many): (&str, &str), (en_one, en_many): (&str, &str)) -> String {
    let noun = match (language, n == 1) {
        (Language::Nl, true) => nl_one,
        (Language::Nl, false) => nl_many,
        (Language::En, true) => en_one,
        (Language::En, false) => en_many,
    };
    format!("{n} {noun}")
}

/// What the status line says once two coordinators were found to have begun a chapter each
/// from the same one: which chapter the network goes on in, begun by whom (`by`, a name), and
/// what becomes of the work in the other.
pub fn concurrent_chapters(language: Language, number: u64, by: &str, switched: bool) -> String {
    let of = match (language, by.is_empty()) {
        (_, true) => String::new(),
        (Language::Nl, false) => format!(" van {by}"),
        (Language::En, false) => format!(", begun by {by}"),
    };
    match (language, switched) {
        (Language::Nl, true) => format!(
            "Twee coördinatoren begonnen tegelijk een nieuw hoofdstuk; dit netwerk gaat verder in hoofdstuk {number}{of}. Je eigen werk is meegenomen."
        ),
        (Language::Nl, false) => format!(
            "Twee coördinatoren begonnen tegelijk een nieuw hoofdstuk; dit netwerk gaat verder in hoofdstuk {number}{of}. Laptops in het andere hoofdstuk stappen over en nemen hun eigen werk mee."
        ),
        (Language::En, true) => format!(
            "Two coordinators started a new chapter at the same time; this network continues in chapter {number}{of}. Your own work was carried over."
        ),
        (Language::En, false) => format!(
            "Two coordinators started a new chapter at the same time; this network continues in chapter {number}{of}. Laptops in the other chapter switch and carry their own work over."
        ),
    }
}

/// "Bram Jansens laptop" / "Bram Jansen's laptop": whose laptop sent something.
pub fn laptop_of(language: Language, name: &str) -> String {
    match language {
        // Dutch adds -s, or an apostrophe after a name ending in a sibilant.
        Language::Nl if name.ends_with(['s', 'x', 'z']) => format!("{name}' laptop"),
        Language::Nl => format!("{name}s laptop"),
        Language::En => format!("{name}'s laptop"),
    }
}

/// What a refused change tried to do, as a coordinator would say it ("zichzelf coördinator
/// maken"). `None`: it carried no valid signature.
pub fn breach_words(language: Language, breach: Option<kring_model::trust::Breach>) -> &'static str {
    use kring_model::trust::{Breach::*, CoordinatorAction as A, OwnData as D};
    let (nl, en) = match breach {
        None => ("een wijziging zonder geldige handtekening", "a change without a valid signature"),
        Some(NoDevice) => ("een wijziging die van geen Kring-apparaat komt", "a change from no Kring device"),
        Some(NotAMember) => ("schrijven terwijl het geen lid meer is", "writing while no longer a member"),
        Some(Genesis) => ("het netwerk opnieuw beginnen", "starting the network over"),
        Some(CoordinatorOnly(action)) => match action {
            A::NetworkDetails => (
                "de netwerkgegevens wijzigen (alleen coördinatoren)",
                "changing the network details (coordinators only)",
            ),
            A::AddMembers => ("leden toevoegen (alleen coördinatoren)", "adding members (coordinators only)"),
            A::ChangeRoles => ("rollen wijzigen (alleen coördinatoren)", "changing roles (coordinators only)"),
            A::RemoveMembers => ("leden verwijderen (alleen coördinatoren)", "removing members (coordinators only)"),
            A::Invites => ("uitnodigingen beheren (alleen coördinatoren)", "managing invitations (coordinators only)"),
            A::Factors => {
                ("reflectiefactoren wijzigen (alleen coördinatoren)", "changing reflection factors (coordinators only)")
            }
            A::Rounds => (
                "een reflectieronde openen of sluiten (alleen coördinatoren)",
                "opening or closing a reflection round (coordinators only)",
            ),
            A::Leerhuis => (
                "een netwerk aan een leerhuis koppelen (alleen coördinatoren)",
                "linking a network and a leerhuis (coordinators only)",
            ),
            A::JointMeetings => (
                "kiezen voor welke gekoppelde netwerken een bijeenkomst is (alleen coördinatoren van het leerhuis)",
                "choosing which linked networks a meeting is for (leerhuis coordinators only)",
            ),
        },
        Some(NotADelegate) => (
            "in het leerhuis optreden voor een netwerk zonder er afgevaardigde van te zijn",
            "acting in the leerhuis for a network without being its delegate",
        ),
        Some(SharedTooMuch) => (
            "meer met het leerhuis delen dan mag (scores van minder dan vijf mensen, opmerkingen of namen)",
            "sharing more with the leerhuis than allowed (scores of fewer than five people, comments or names)",
        ),
        Some(SelfPromotion) => ("zichzelf coördinator maken", "making themselves coordinator"),
        Some(OthersData(what)) => match what {
            D::Vote => ("de stem van een ander lid wijzigen", "changing another member's vote"),
            D::Scores => {
                ("de reflectiescores van een ander lid wijzigen", "changing another member's reflection scores")
            }
            D::Profile => ("de gegevens van een ander lid wijzigen", "changing another member's details"),
            D::Devices => ("een apparaat aan een ander lid koppelen", "adding a device to another member"),
            D::Attendance => ("de aanwezigheid van een ander lid invullen", "recording another member's attendance"),
        },
        Some(LastCoordinator) => {
            ("de laatste coördinator verwijderen of degraderen", "removing or demoting the last coordinator")
        }
        Some(UndoRemoval) => ("een verwijdering ongedaan maken", "undoing a removal"),
        Some(UndoRevocation) => ("een ingetrokken uitnodiging herstellen", "restoring a revoked invitation"),
        Some(BadInvite) => ("iemand toevoegen zonder geldige uitnodiging", "adding someone without a valid invitation"),
        Some(RecordReplaced) => {
            ("gegevens vervangen in plaats van bewerken", "replacing records instead of editing them")
        }
        Some(ForgedAuthor) => ("schrijven op naam van een ander lid", "writing in another member's name"),
        Some(UnknownPlace) => ("schrijven waar Kring nooit schrijft", "writing where Kring never writes"),
        Some(BadValue) => ("een waarde die Kring daar nooit schrijft", "a value Kring never writes there"),
        Some(Rewritten) => ("wijzigen wat maar één keer wordt vastgelegd", "changing what is written only once"),
        Some(DeviceClaimed) => (
            "een apparaat koppelen dat van een ander is of zich niet heeft bewezen",
            "listing a device that is someone else's or did not prove itself",
        ),
        Some(TooLarge) => ("een wijziging groter dan Kring ooit schrijft", "a change larger than Kring ever writes"),
        Some(OutsideRoom) => (
            "een bijdrage van een gast buiten een eigen open kamer",
            "a guest's contribution outside an open room of theirs",
        ),
    };
    match language {
        Language::Nl => nl,
        Language::En => en,
    }
}

/// What a change did, as the "what changed" list says it: "Bram *edited the notes of* PLG 3".
pub fn change_words(language: Language, what: kring_model::ChangeKind) -> &'static str {
    use kring_model::ChangeKind::*;
    let (nl, en) = match what {
        NetworkCreated => ("startte het netwerk", "started the network"),
        NetworkEdited => ("wijzigde de netwerkgegevens", "edited the network details"),
        MemberAdded => ("voegde een lid toe:", "added a member:"),
        MemberEdited => ("wijzigde de gegevens van", "edited the details of"),
        MemberRemoved => ("verwijderde", "removed"),
        DeviceAdded => ("koppelde een apparaat aan", "added a device for"),
        InviteCreated => ("maakte een uitnodiging", "made an invitation"),
        InviteRevoked => ("trok een uitnodiging in", "revoked an invitation"),
        InviteUsed => ("sloot zich aan", "joined"),
        SessionAdded => ("plande", "planned"),
        SessionEdited => ("wijzigde", "edited"),
        SessionDeleted => ("verwijderde", "deleted"),
        SessionRestored => ("zette terug:", "restored"),
        AgendaEdited => ("bewerkte de agenda van", "edited the agenda of"),
        NotesEdited => ("bewerkte de notities van", "edited the notes of"),
        AttendanceSet => ("vulde de aanwezigheid in bij", "recorded attendance at"),
        QuestionLinked => ("koppelde een leervraag aan", "linked a learning question to"),
        ActionAdded => ("voegde een actie toe aan", "added an action to"),
        ActionEdited => ("wijzigde een actie van", "edited an action of"),
        QuestionAdded => ("stelde een leervraag voor:", "proposed a learning question:"),
        QuestionEdited => ("wijzigde de leervraag", "edited the learning question"),
        QuestionDeleted => ("verwijderde de leervraag", "deleted the learning question"),
        QuestionRestored => ("zette de leervraag terug:", "restored the learning question"),
        DetailsEdited => ("bewerkte de toelichting van", "edited the details of"),
        InsightsEdited => ("bewerkte de inzichten van", "edited the insights of"),
        Voted => ("stemde op", "voted for"),
        VoteRetracted => ("trok een stem in op", "retracted a vote for"),
        StatusChanged => ("veranderde de status van", "changed the status of"),
        CycleAdded => ("startte een cyclus bij", "started a cycle for"),
        CycleEdited => ("werkte aan een cyclus van", "worked on a cycle of"),
        FactorEdited => ("wijzigde de reflectiefactoren", "changed the reflection factors"),
        RoundOpened => ("opende de reflectieronde", "opened the reflection round"),
        RoundClosed => ("sloot de reflectieronde", "closed the reflection round"),
        Scored => ("scoorde in", "scored in"),
        ChapterStarted => ("begon een nieuw hoofdstuk", "started a new chapter"),
        CarriedOver => ("nam offline werk mee naar het nieuwe hoofdstuk", "carried offline work into the new chapter"),
        RoomOpened => ("opende een kamer voor telefoons bij", "opened a room for phones at"),
        RoomClosed => ("sloot de kamer voor telefoons bij", "closed the room for phones at"),
        GuestContributed => ("schreef een bijdrage van een gast bij", "wrote a guest's contribution at"),
        NetworkLinked => ("koppelde het netwerk aan een leerhuis", "linked the network and a leerhuis"),
        NetworkLeft => ("ontkoppelde het netwerk van een leerhuis", "unlinked the network from a leerhuis"),
        Published => ("deelde iets met het leerhuis", "shared something with the leerhuis"),
        PublicationWithdrawn => {
            ("trok iets in dat met het leerhuis gedeeld was", "withdrew something shared with the leerhuis")
        }
        JoinedThroughNetwork => {
            ("kwam via het eigen netwerk in het leerhuis", "joined the leerhuis through their own network")
        }
        VouchersIssued => ("gaf de leden toegang tot het leerhuis", "gave the members access to the leerhuis"),
        AttachmentAdded => ("voegde een bijlage toe aan", "added an attachment to"),
        AttachmentDeleted => ("gooide een bijlage weg bij", "put an attachment in the bin at"),
        AttachmentRestored => ("zette een bijlage terug bij", "restored an attachment at"),
    };
    match language {
        Language::Nl => nl,
        Language::En => en,
    }
}

/// A reflection factor's name: the built-in factors in the interface's language, unless a
/// coordinator renamed them.
pub fn factor_name(language: Language, factor: &kring_model::Factor) -> String {
    named_factor(language, factor.id.as_str(), &factor.name)
}

/// The name of factor `id`, as a network named it (`name`), in the interface's language where
/// it is a built-in factor under its built-in name (a shared round carries the name it had).
pub fn named_factor(language: Language, id: &str, name: &str) -> String {
    let default = kring_model::schema::DEFAULT_FACTORS.iter().find(|(d, _)| *d == id);
    match (default, language) {
        (Some((d, built_in)), Language::Nl) if *built_in == name => word(language, d).to_string(),
        _ => name.to_string(),
    }
}

/// The words of the model's vocabularies, as people read them.
pub fn word(language: Language, word: &str) -> &'static str {
    match (word, language) {
        ("student", Language::Nl) => "student",
        ("student", Language::En) => "student",
        ("teacher", Language::Nl) => "docent",
        ("teacher", Language::En) => "teacher / lecturer",
        ("practitioner", Language::Nl) => "praktijkprofessional",
        ("practitioner", Language::En) => "practitioner",
        ("researcher", Language::Nl) => "onderzoeker",
        ("researcher", Language::En) => "researcher",
        ("youth", Language::Nl) => "jongere",
        ("youth", Language::En) => "young person",
        ("parent", Language::Nl) => "ouder",
        ("parent", Language::En) => "parent",
        ("youth-parent", Language::Nl) => "jongere / ouder",
        ("youth-parent", Language::En) => "youth / parent",
        ("plg", _) => "PLG",
        ("regioteam", Language::Nl) => "regioteam",
        ("regioteam", Language::En) => "regional team",
        ("leerhuis", Language::Nl) => "leerhuis",
        ("leerhuis", Language::En) => "learning house (leerhuis)",
        ("proposed", Language::Nl) => "voorgesteld",
        ("proposed", Language::En) => "proposed",
        ("central", Language::Nl) => "centraal",
        ("central", Language::En) => "central",
        ("exploring", Language::Nl) => "in onderzoek",
        ("exploring", Language::En) => "exploring",
        ("answered", Language::Nl) => "beantwoord",
        ("answered", Language::En) => "answered",
        ("parked", Language::Nl) => "geparkeerd",
        ("parked", Language::En) => "parked",
        ("coordinator", Language::Nl) => "coördinator",
        ("coordinator", Language::En) => "coordinator",
        ("member", Language::Nl) => "lid",
        ("member", Language::En) => "member",
        ("present", Language::Nl) => "aanwezig",
        ("present", Language::En) => "present",
        ("absent", Language::Nl) => "afwezig",
        ("absent", Language::En) => "absent",
        ("excused", Language::Nl) => "afgemeld",
        ("excused", Language::En) => "excused",
        ("plan", Language::Nl) => "plannen",
        ("plan", Language::En) => "plan",
        ("act", Language::Nl) => "uitvoeren",
        ("act", Language::En) => "act",
        ("observe", Language::Nl) => "observeren",
        ("observe", Language::En) => "observe",
        ("reflect", Language::Nl) => "reflecteren",
        ("reflect", Language::En) => "reflect",
        ("image", Language::Nl) => "afbeelding",
        ("image", Language::En) => "image",
        ("audio", Language::Nl) => "geluid",
        ("audio", Language::En) => "audio",
        ("video", _) => "video",
        ("pdf", _) => "PDF",
        ("document", _) => "document",
        ("shared-goal", _) => "Gedeeld doel",
        ("ownership", _) => "Eigenaarschap",
        ("trust", _) => "Vertrouwen",
        ("facilitation", _) => "Facilitering door de schoolleiding",
        ("knowledge-sharing", _) => "Kennisdeling",
        ("diversity", _) => "Diversiteit aan perspectieven",
        ("practice", _) => "Verbinding met de praktijk",
        (_, Language::Nl) => "anders",
        (_, Language::En) => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_right_number() {
        let votes = (("stem", "stemmen"), ("vote", "votes"));
        assert_eq!(count(Language::Nl, 1, votes.0, votes.1), "1 stem");
        assert_eq!(count(Language::Nl, 0, votes.0, votes.1), "0 stemmen");
        assert_eq!(count(Language::En, 1, votes.0, votes.1), "1 vote");
        assert_eq!(count(Language::En, 2, votes.0, votes.1), "2 votes");
    }

    #[test]
    fn file_sizes_read_as_people_write_them() {
        assert_eq!(file_size(Language::Nl, 512), "512 bytes");
        assert_eq!(file_size(Language::Nl, 1), "1 byte");
        assert_eq!(file_size(Language::Nl, 3_565_158), "3,4 MB");
        assert_eq!(file_size(Language::En, 3_565_158), "3.4 MB");
        assert_eq!(file_size(Language::Nl, 120 * 1024), "120 KB");
        assert_eq!(file_size(Language::Nl, 500 * 1024 * 1024), "500 MB");
        assert_eq!(file_size(Language::Nl, 2 * 1024 * 1024 * 1024), "2,0 GB");
    }

    #[test]
    fn concurrent_chapters_are_told_in_either_language() {
        assert_eq!(
            concurrent_chapters(Language::Nl, 2, "Anna", true),
            "Twee coördinatoren begonnen tegelijk een nieuw hoofdstuk; dit netwerk gaat verder in hoofdstuk 2 van Anna. Je eigen werk is meegenomen."
        );
        assert!(concurrent_chapters(Language::En, 3, "", false).contains("continues in chapter 3. Laptops"));
    }

    #[test]
    fn every_text_exists_in_every_language_and_differs_where_it_should() {
        for language in Language::ALL {
            for text in ALL_TEXTS.iter().copied() {
                assert!(!tr(language, text).trim().is_empty(), "{text:?} in {language:?}");
            }
        }
        let dutch: Vec<_> = ALL_TEXTS.iter().map(|t| tr(Language::Nl, *t)).collect();
        let english: Vec<_> = ALL_TEXTS.iter().map(|t| tr(Language::En, *t)).collect();
        assert!(dutch.iter().zip(&english).filter(|(d, e)| d != e).count() > ALL_TEXTS.len() / 2);
    }
}
