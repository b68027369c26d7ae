//! The "busy PLG, 3 years" network: 150 members, 120 meetings whose notes (about 8,000
//! characters each) were typed in bursts by a few people, 400 learning questions and 3,000 votes.
//! Every burst is one change, as the desktop client commits them.

use std::collections::BTreeMap;

use iroh_base::SecretKey;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use kring_model::{MemberId, Network, NetworkDetails, NewSession, Profile, Role, SessionId, SessionKind, TextField};

/// How big the generated network is.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub members: usize,
    pub sessions: usize,
    pub notes_chars: usize,
    pub questions: usize,
    pub votes: usize,
}

impl Scale {
    /// The network the targets are about.
    pub const BUSY_PLG: Scale = Scale { members: 150, sessions: 120, notes_chars: 8_000, questions: 400, votes: 3_000 };
    /// A small network for the smoke run in CI: every figure is produced, quickly.
    pub const SMOKE: Scale = Scale { members: 12, sessions: 6, notes_chars: 600, questions: 20, votes: 60 };

    /// The same network `times` as long in use: `times` as many meetings, questions and
    /// votes (4x the busy PLG is 12 years: 480 meetings, 1,600 questions, 12,000 votes). The
    /// members and the length of each meeting's notes stay as they are.
    pub fn times(self, times: usize) -> Scale {
        Scale { sessions: self.sessions * times, questions: self.questions * times, votes: self.votes * times, ..self }
    }
}

/// The generated network, as the founder's device holds it.
pub struct Scenario {
    pub network: Network,
    pub founder: MemberId,
    pub sessions: Vec<SessionId>,
    /// Changes in the document's history.
    pub changes: usize,
    /// Every member device's signature on its newest change: what the founder's laptop keeps
    /// so that it can hand the network on.
    pub signatures: Vec<kring_sync::Signed>,
}

const PROSE: &[&str] = &[
    "We bespraken hoe leerlingen feedback lezen en wat de school daarmee kan doen.",
    "Marieke liet voorbeelden zien uit groep 6; de leerlingen schreven zelf een leerdoel.",
    "Afspraak: volgende keer neemt iedereen één les mee waarin formatief werd gewerkt.",
    "De jeugdzorg herkent het beeld: ouders willen vaker betrokken worden bij de doelen.",
    "Vraag van de onderzoeker: hoe meten we of het verschil maakt voor de motivatie?",
    "Nog open: wie schrijft het verslag voor de schoolleiding en wanneer is dat klaar?",
];

/// A seeded random source, so every run builds the same network and makes the same moves.
pub struct Dice(StdRng);

impl Dice {
    pub fn new(seed: u64) -> Dice {
        Dice(StdRng::seed_from_u64(seed))
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0.random_range(0..n.max(1))
    }
}

/// Builds the network, founded by the device with key `founder_key`. Every member writes
/// from a device of its own (one run of Kring each), as they would, so every change keeps the
/// rules and carries its device; [`Scenario::signatures`] vouch for them.
pub fn generate(scale: Scale, founder_key: &SecretKey) -> Scenario {
    let details = NetworkDetails { name: "Drukke PLG".into(), ..Default::default() };
    let founder_device = founder_key.public().to_string();
    let (mut network, founder) =
        Network::create(&details, &Profile::new("Coördinator"), founder_key.as_signing_key()).expect("a new network");
    let mut members = vec![founder.clone()];
    let mut keys = vec![founder_key.clone()];
    let mut actors = BTreeMap::new();
    actors.insert(founder.clone(), network.doc_mut().get_actor().clone());
    for i in 1..scale.members {
        let profile = Profile::new(format!("Lid {i}"));
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let key = SecretKey::from_bytes(&seed);
        let device = key.public().to_string();
        let member =
            network.add_member(&founder, &profile, Role::Member, Some(key.as_signing_key())).expect("a member");
        actors.insert(member.clone(), kring_model::trust::actor_for_device(&device));
        members.push(member);
        keys.push(key);
    }
    let mut network = Writers { network, actors };
    let mut dice = Dice::new(0x5eed);
    let mut sessions = Vec::new();
    for s in 0..scale.sessions {
        let new = NewSession {
            title: format!("Bijeenkomst {s}"),
            kind: SessionKind::Plg,
            starts_at: format!("{}-{:02}-{:02}", 2024 + s * 3 / scale.sessions.max(1), 1 + (s / 4) % 12, 1 + s % 28),
            location: "Lokaal 2.14".into(),
        };
        let session = network.as_member(&founder).add_session(&founder, &new).expect("a session");
        type_notes(&mut network, &members, &TextField::Notes(session.clone()), scale.notes_chars, &mut dice);
        sessions.push(session);
    }
    let mut questions = Vec::new();
    for q in 0..scale.questions {
        let by = &members[dice.below(members.len())];
        let title = format!("Leervraag {q}: hoe pakken we dit aan?");
        questions.push(network.as_member(by).add_question(by, &title, "").expect("a question"));
    }
    // One vote per member and question (voting again changes nothing): distinct pairs only.
    let mut cast = std::collections::BTreeSet::new();
    while cast.len() < scale.votes.min(members.len() * questions.len()) {
        let (m, q) = (dice.below(members.len()), dice.below(questions.len()));
        if cast.insert((m, q)) {
            network.as_member(&members[m]).vote(&members[m], &questions[q]).expect("a vote");
        }
    }
    let mut network = network.network;
    network.doc_mut().set_actor(kring_model::trust::actor_for_device(&founder_device));
    let changes = network.doc_mut().get_changes(&[]).len();
    let signatures = kring_sync::signed::sign_whole_as(network.doc_mut(), &keys);
    Scenario { network, founder, sessions, changes, signatures }
}

impl Scenario {
    /// Writes the network into `data` as its founder's laptop holds it: the document, and
    /// every member device's signature so that it can hand the network on.
    pub fn keep(&mut self, data: &kring_store::DataDir) -> kring_node::Result<()> {
        let mut opened = kring_node::OpenNetwork::create(data, self.network.fork())?;
        opened.signatures.add_received(&self.signatures);
        opened.persist()?;
        Ok(())
    }
}

/// The network with each member's device actor: edits are made by whoever makes them.
struct Writers {
    network: Network,
    actors: BTreeMap<MemberId, kring_model::automerge::ActorId>,
}

impl Writers {
    fn as_member(&mut self, member: &MemberId) -> &mut Network {
        self.network.doc_mut().set_actor(self.actors[member].clone());
        &mut self.network
    }
}

/// Notes as three people type them during a meeting: bursts of 20–400 characters, mostly at
/// the end, sometimes a correction further up.
fn type_notes(network: &mut Writers, members: &[MemberId], field: &TextField, target: usize, dice: &mut Dice) {
    let typists: Vec<&MemberId> = (0..3).map(|_| &members[dice.below(members.len())]).collect();
    let mut length = 0;
    while length < target {
        let by = typists[dice.below(typists.len())];
        let mut burst = String::new();
        let wanted = 20 + dice.below(380);
        while burst.chars().count() < wanted {
            burst.push_str(PROSE[dice.below(PROSE.len())]);
            burst.push(if dice.below(4) == 0 { '\n' } else { ' ' });
        }
        let burst: String = burst.chars().take(wanted).collect();
        let (at, delete) =
            if length > 100 && dice.below(5) == 0 { (dice.below(length - 10), dice.below(6)) } else { (length, 0) };
        network.as_member(by).splice_text(by, field, at, delete, &burst).expect("typing in the notes");
        length = length - delete + wanted;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smoke_network_has_what_its_scale_says() {
        let scenario = generate(Scale::SMOKE, &SecretKey::from_bytes(&[1; 32]));
        let snapshot = scenario.network.snapshot().unwrap();
        assert_eq!(snapshot.members.len(), Scale::SMOKE.members);
        assert_eq!(snapshot.sessions.len(), Scale::SMOKE.sessions);
        assert_eq!(snapshot.questions.len(), Scale::SMOKE.questions);
        let votes: usize = snapshot.questions.values().map(|q| q.votes.len()).sum();
        assert_eq!(votes, Scale::SMOKE.votes);
        for session in snapshot.sessions.values() {
            assert!(session.notes.chars().count() >= Scale::SMOKE.notes_chars, "{}", session.notes.len());
        }
        assert!(scenario.changes > Scale::SMOKE.sessions * 2);
    }
}
