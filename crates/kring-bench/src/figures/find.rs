//! Finding things on the big network: a search query over the snapshot the client holds, and
//! opening a text's history (listing its versions and reading the oldest) for the notes with
//! the most changes.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use kring_model::{ChangeNote, Network, SessionId, TextField};

/// Words a person would look for: common and rare, with and without accents, two words, and
/// one that is nowhere.
pub const QUERIES: &[&str] = &[
    "leerlingen",
    "feedback",
    "formatief",
    "jeugdzorg",
    "motivatie",
    "schoolleiding",
    "onderzoeker",
    "één",
    "een",
    "marieke",
    "groep 6",
    "verslag klaar",
    "ouders doelen",
    "leervraag 17",
    "bijeenkomst",
    "lokaal",
    "coordinator",
    "AANPAKKEN",
    "rubric",
    "zzzqx",
];

pub struct FindFigures {
    /// One per query in [`QUERIES`].
    pub search: Vec<Duration>,
    /// Hits per query (before the cap), and whether the cap cut any off.
    pub hits: Vec<(usize, bool)>,
    /// Listing the versions and reading the oldest, per repetition.
    pub history: Vec<Duration>,
    pub versions: usize,
    pub history_changes: usize,
    /// The busiest notes' length now, in characters.
    pub notes_chars: usize,
    /// Reading the oldest version alone (Automerge's historical read).
    pub read_oldest: Duration,
    /// The slow way to find the changes that touched the text: taking every change out of the
    /// document and decoding its operations.
    pub decode_all: Duration,
}

/// Measures on `network` (the generated one); `repeat` times for the history.
pub fn measure(network: &mut Network, sessions: &[SessionId], repeat: usize) -> Result<FindFigures> {
    let snapshot = network.snapshot()?;
    let mut search = Vec::new();
    let mut hits = Vec::new();
    for query in QUERIES {
        let started = Instant::now();
        let results = kring_model::search(&snapshot, query);
        search.push(started.elapsed());
        hits.push((results.hits.len(), results.truncated));
    }
    ensure!(hits[0].0 > 0, "a word from every meeting's notes was not found");

    // The busiest notes: the session whose notes most changes name.
    let mut edits = std::collections::HashMap::<&str, usize>::new();
    for meta in network.doc_mut().get_changes_meta(&[]) {
        if let Some(note) = meta.message.as_deref().and_then(ChangeNote::decode)
            && note.what == kring_model::ChangeKind::NotesEdited
            && let Some(target) = note.target
            && let Some(session) = sessions.iter().find(|s| s.as_str() == target)
        {
            *edits.entry(session.as_str()).or_default() += 1;
        }
    }
    let busiest = edits.into_iter().max_by_key(|(id, n)| (*n, *id)).map(|(id, _)| SessionId::new(id));
    let field = TextField::Notes(busiest.context("no notes were typed")?);

    let mut history = Vec::new();
    let (mut versions, mut history_changes) = (0, 0);
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        let list = network.text_history(&field)?;
        let oldest = list.last().context("the notes have no history")?;
        let text = network.text_at(&field, &oldest.heads)?;
        history.push(started.elapsed());
        ensure!(!text.is_empty(), "the oldest version of the notes is empty");
        versions = list.len();
        history_changes = list.iter().map(|v| v.changes).sum();
    }
    let notes_chars = network.text(&field)?.chars().count();

    let list = network.text_history(&field)?;
    let oldest = list.last().context("the notes have no history")?;
    let started = Instant::now();
    network.text_at(&field, &oldest.heads)?;
    let read_oldest = started.elapsed();
    let target: kring_model::automerge::legacy::ObjectId =
        network.text_object(&field)?.to_string().parse().map_err(|_| anyhow::anyhow!("an object id"))?;
    let started = Instant::now();
    let touching = network
        .doc_mut()
        .get_changes(&[])
        .iter()
        .filter(|change| change.decode().operations.iter().any(|op| op.obj == target))
        .count();
    let decode_all = started.elapsed();
    ensure!(touching == history_changes, "the history found {history_changes} changes, decoding all {touching}");
    Ok(FindFigures { search, hits, history, versions, history_changes, notes_chars, read_oldest, decode_all })
}
