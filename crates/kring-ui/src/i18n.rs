//! Every word the desktop client shows, in Dutch (the default) and English. Views ask for a
//! [`Text`] key; a missing translation is a compile error, not a blank button.

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Welcome,
    WelcomeIntro,
    YourName,
    Perspective,
    Organisation,
    NetworkName,
    CreateNetwork,
    Sessions,
    Questions,
    NewSession,
    Title,
    Kind,
    Date,
    Location,
    AddSession,
    NoSessions,
    Notes,
    Agenda,
    Back,
    ProposeQuestion,
    Propose,
    Vote,
    RetractVote,
    Votes,
    Status,
    Upcoming,
    Past,
    LanguageLabel,
}

pub const ALL_TEXTS: [Text; 28] = [
    Text::Welcome,
    Text::WelcomeIntro,
    Text::YourName,
    Text::Perspective,
    Text::Organisation,
    Text::NetworkName,
    Text::CreateNetwork,
    Text::Sessions,
    Text::Questions,
    Text::NewSession,
    Text::Title,
    Text::Kind,
    Text::Date,
    Text::Location,
    Text::AddSession,
    Text::NoSessions,
    Text::Notes,
    Text::Agenda,
    Text::Back,
    Text::ProposeQuestion,
    Text::Propose,
    Text::Vote,
    Text::RetractVote,
    Text::Votes,
    Text::Status,
    Text::Upcoming,
    Text::Past,
    Text::LanguageLabel,
];

pub fn tr(language: Language, text: Text) -> &'static str {
    use Language::*;
    use Text::*;
    match (text, language) {
        (Welcome, Nl) => "Welkom bij Kring",
        (Welcome, En) => "Welcome to Kring",
        (WelcomeIntro, Nl) => "Start een leernetwerk. Je kunt later collega's uitnodigen.",
        (WelcomeIntro, En) => "Start a learning network. You can invite colleagues later.",
        (YourName, Nl) => "Je naam",
        (YourName, En) => "Your name",
        (Perspective, Nl) => "Perspectief",
        (Perspective, En) => "Perspective",
        (Organisation, Nl) => "Organisatie",
        (Organisation, En) => "Organisation",
        (NetworkName, Nl) => "Naam van het netwerk",
        (NetworkName, En) => "Network name",
        (CreateNetwork, Nl) => "Netwerk starten",
        (CreateNetwork, En) => "Start network",
        (Sessions, Nl) => "Bijeenkomsten",
        (Sessions, En) => "Sessions",
        (Questions, Nl) => "Leervragen",
        (Questions, En) => "Learning questions",
        (NewSession, Nl) => "Nieuwe bijeenkomst",
        (NewSession, En) => "New session",
        (Title, Nl) => "Titel",
        (Title, En) => "Title",
        (Kind, Nl) => "Soort",
        (Kind, En) => "Kind",
        (Date, Nl) => "Datum (JJJJ-MM-DD of JJJJ-MM-DDTUU:MM)",
        (Date, En) => "Date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
        (Location, Nl) => "Locatie",
        (Location, En) => "Location",
        (AddSession, Nl) => "Bijeenkomst toevoegen",
        (AddSession, En) => "Add session",
        (NoSessions, Nl) => "Nog geen bijeenkomsten.",
        (NoSessions, En) => "No sessions yet.",
        (Notes, Nl) => "Notities",
        (Notes, En) => "Notes",
        (Agenda, Nl) => "Agenda",
        (Agenda, En) => "Agenda",
        (Back, Nl) => "Terug",
        (Back, En) => "Back",
        (ProposeQuestion, Nl) => "Nieuwe leervraag",
        (ProposeQuestion, En) => "New learning question",
        (Propose, Nl) => "Voorstellen",
        (Propose, En) => "Propose",
        (Vote, Nl) => "Stem",
        (Vote, En) => "Vote",
        (RetractVote, Nl) => "Stem intrekken",
        (RetractVote, En) => "Retract vote",
        (Votes, Nl) => "stemmen",
        (Votes, En) => "votes",
        (Status, Nl) => "Status",
        (Status, En) => "Status",
        (Upcoming, Nl) => "Komend",
        (Upcoming, En) => "Upcoming",
        (Past, Nl) => "Geweest",
        (Past, En) => "Past",
        (LanguageLabel, Nl) => "Taal",
        (LanguageLabel, En) => "Language",
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
        ("youth-parent", Language::Nl) => "jongere / ouder",
        ("youth-parent", Language::En) => "youth / parent",
        ("plg", _) => "PLG",
        ("regioteam", Language::Nl) => "regioteam",
        ("regioteam", Language::En) => "regional team",
        ("leerhuis", _) => "leerhuis",
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
        (_, Language::Nl) => "anders",
        (_, Language::En) => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_exists_in_every_language_and_differs_where_it_should() {
        for language in Language::ALL {
            for text in ALL_TEXTS {
                assert!(!tr(language, text).trim().is_empty(), "{text:?} in {language:?}");
            }
        }
        let dutch: Vec<_> = ALL_TEXTS.iter().map(|t| tr(Language::Nl, *t)).collect();
        let english: Vec<_> = ALL_TEXTS.iter().map(|t| tr(Language::En, *t)).collect();
        assert!(dutch.iter().zip(&english).filter(|(d, e)| d != e).count() > ALL_TEXTS.len() / 2);
    }
}
