//! What a room's page shows: only what the member put in the room. Built from the network as a
//! new, small struct, so that nothing else (notes, members, other meetings) can reach a phone
//! by accident: a field the page does not need is not here to be sent.

use kring_model::{NetworkSnapshot, RoomId, SessionId};
use serde::Serialize;

/// The room as the phone page reads it (`state`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoomView {
    /// The meeting's title.
    pub title: String,
    /// The meeting's agenda.
    pub agenda: String,
    /// The learning questions guests may vote on.
    pub questions: Vec<ShownQuestion>,
    /// The reflection round guests may score, while it is open.
    pub reflection: Option<ShownRound>,
    pub proposals: bool,
    pub reactions: bool,
    /// Whether guests may send a photo.
    pub photos: bool,
    /// Whether the room still takes contributions.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownQuestion {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownRound {
    pub title: String,
    pub factors: Vec<ShownFactor>,
}

/// A factor in both languages: the default factors have Dutch names of their own; a factor a
/// network named itself is shown as it was named.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownFactor {
    pub id: String,
    pub nl: String,
    pub en: String,
}

/// The Dutch names of the default factors (the document holds the English ones).
const DUTCH_FACTORS: &[(&str, &str)] = &[
    ("shared-goal", "Gedeeld doel"),
    ("ownership", "Eigenaarschap"),
    ("trust", "Vertrouwen"),
    ("facilitation", "Facilitering door schoolleiding"),
    ("knowledge-sharing", "Kennis delen"),
    ("diversity", "Diversiteit van perspectieven"),
    ("practice", "Verbinding met de praktijk"),
];

/// The room `room` of meeting `session`, as its page shows it; `None` when there is no such room.
pub fn view_of(snapshot: &NetworkSnapshot, session: &SessionId, room: &RoomId) -> Option<RoomView> {
    let meeting = snapshot.sessions.get(session)?;
    let held = meeting.rooms.get(room)?;
    let mut questions: Vec<ShownQuestion> = held
        .questions
        .iter()
        .filter_map(|id| snapshot.questions.get(id))
        .filter(|q| q.deleted_at.is_none())
        .map(|q| ShownQuestion { id: q.id.to_string(), title: q.title.clone() })
        .collect();
    questions.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
    let reflection =
        held.reflection.as_ref().and_then(|id| snapshot.rounds.get(id)).filter(|round| round.closed_at.is_none()).map(
            |round| {
                let mut factors: Vec<_> = round.factors.iter().filter_map(|id| snapshot.factors.get(id)).collect();
                factors.sort_by(|a, b| a.position.total_cmp(&b.position).then(a.id.cmp(&b.id)));
                let factors = factors
                    .into_iter()
                    .map(|f| {
                        let dutch = DUTCH_FACTORS.iter().find(|(id, _)| *id == f.id.as_str()).map(|(_, nl)| *nl);
                        let default_name = kring_model::schema::DEFAULT_FACTORS
                            .iter()
                            .any(|(id, name)| *id == f.id.as_str() && *name == f.name);
                        let nl = dutch.filter(|_| default_name).map(str::to_string).unwrap_or_else(|| f.name.clone());
                        ShownFactor { id: f.id.to_string(), nl, en: f.name.clone() }
                    })
                    .collect();
                ShownRound { title: round.title.clone(), factors }
            },
        );
    Some(RoomView {
        title: meeting.title.clone(),
        agenda: meeting.agenda.clone(),
        questions,
        reflection,
        proposals: held.proposals,
        reactions: held.reactions,
        photos: held.photos,
        open: held.is_open() && meeting.deleted_at.is_none(),
    })
}
