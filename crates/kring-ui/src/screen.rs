//! Which screen the desktop client shows. Views change it to navigate; the app only draws the
//! one named here.

use kring_model::{QuestionId, SessionId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Sessions,
    Session(SessionId),
    Questions,
    /// One learning question with its action-research cycles.
    Question(QuestionId),
    Reflection,
    Members,
    /// Open actions of every member, across sessions.
    Actions,
    /// The network's own details, themes and reflection factors.
    Network,
    /// What was deleted, to restore.
    Bin,
    /// Search results for the query in the top bar.
    Search,
    Settings,
    /// Start or join another network.
    AddNetwork,
    /// A leerhuis's overview: its meetings and what the linked networks shared.
    Leerhuis,
    /// One publication in the leerhuis, as it was shared.
    Publication(kring_model::PublicationId),
    /// The researcher's timeline across every network on this laptop.
    Timeline,
}

impl Screen {
    /// The tab in the top bar this screen belongs to.
    pub fn tab(&self) -> Screen {
        match self {
            Screen::Session(_) => Screen::Sessions,
            Screen::Question(_) => Screen::Questions,
            Screen::Publication(_) => Screen::Leerhuis,
            other => other.clone(),
        }
    }
}
