//! Find anything in one network: session titles, locations, agendas, notes and actions, and
//! learning questions' titles, details, insights and action-research cycles.
//!
//! Matching ignores case and accents ("leerling" finds "Leerling", "coordinator" finds
//! "coördinator", "ij" finds "ĳ"): both the query and the texts are folded to lower-case
//! compatibility-decomposed text without combining marks (NFKD). A query of several words finds
//! the texts that contain every word; a hit points at the first place the first word occurs.
//! Ranges count `char`s of the original text, the unit of Kring's text positions and of egui's
//! text cursor, so the client can highlight the hit and scroll to it.

use std::ops::Range;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use crate::edit::text::TextField;
use crate::ids::*;
use crate::snapshot::{NetworkSnapshot, Question, Session};
use crate::vocab::CyclePhase;

/// At most this many hits come back from [`search`]; [`SearchResults::truncated`] says when
/// there were more.
pub const MAX_HITS: usize = 200;

/// Characters of context on each side of a hit in its [`Hit::excerpt`].
pub const EXCERPT_CONTEXT: usize = 40;

/// Where a hit is: which text of which record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Place {
    SessionTitle(SessionId),
    Agenda(SessionId),
    Notes(SessionId),
    Location(SessionId),
    Action(SessionId, ActionId),
    QuestionTitle(QuestionId),
    Details(QuestionId),
    Insights(QuestionId),
    Cycle(QuestionId, CycleId, CyclePhase),
}

impl Place {
    /// The session the hit is in, if it is in one.
    pub fn session(&self) -> Option<&SessionId> {
        match self {
            Place::SessionTitle(s) | Place::Agenda(s) | Place::Notes(s) | Place::Location(s) | Place::Action(s, _) => {
                Some(s)
            }
            _ => None,
        }
    }

    /// The learning question the hit is in, if it is in one.
    pub fn question(&self) -> Option<&QuestionId> {
        match self {
            Place::QuestionTitle(q) | Place::Details(q) | Place::Insights(q) | Place::Cycle(q, ..) => Some(q),
            _ => None,
        }
    }

    /// The collaborative text the hit is in (one with a history and live cursors), if it is
    /// one; titles, locations and actions are plain values.
    pub fn text_field(&self) -> Option<TextField> {
        match self {
            Place::Agenda(s) => Some(TextField::Agenda(s.clone())),
            Place::Notes(s) => Some(TextField::Notes(s.clone())),
            Place::Details(q) => Some(TextField::Details(q.clone())),
            Place::Insights(q) => Some(TextField::Insights(q.clone())),
            Place::Cycle(q, c, phase) => Some(TextField::Cycle(q.clone(), c.clone(), *phase)),
            Place::SessionTitle(_) | Place::Location(_) | Place::Action(..) | Place::QuestionTitle(_) => None,
        }
    }
}

/// One text that matches the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub place: Place,
    /// The first occurrence of the query's first word in the place's text, in `char`s.
    pub range: Range<usize>,
    /// The text around the hit on one line (at most [`EXCERPT_CONTEXT`] characters each side),
    /// with "…" where it was cut.
    pub excerpt: String,
    /// Where the hit is in `excerpt`, in `char`s.
    pub excerpt_range: Range<usize>,
}

/// What a search found, in display order: sessions newest first (title, location, agenda,
/// notes, actions), then learning questions newest first (title, details, insights, cycles).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// More texts matched than the limit; the client can say "more than 200 hits".
    pub truncated: bool,
}

impl SearchResults {
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }
}

impl NetworkSnapshot {
    /// Searches every live text of the network; see [`search`].
    pub fn search(&self, query: &str) -> SearchResults {
        search(self, query)
    }
}

/// Searches the live (not deleted) sessions, actions and learning questions of `snapshot` for
/// `query`, ignoring case and accents; every word of the query must occur in the same text.
/// An empty query finds nothing. At most [`MAX_HITS`] hits.
pub fn search(snapshot: &NetworkSnapshot, query: &str) -> SearchResults {
    search_with_limit(snapshot, query, MAX_HITS)
}

/// [`search`] with another limit on the number of hits.
pub fn search_with_limit(snapshot: &NetworkSnapshot, query: &str, limit: usize) -> SearchResults {
    let query = Query::new(query);
    let mut found = Collector { query: &query, folded: String::new(), results: SearchResults::default(), limit };
    if !query.is_empty() {
        look_through(snapshot, &mut found);
    }
    found.results
}

/// The hits of one network in a search across several (see [`search_across`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkHits {
    pub network: NetworkId,
    pub network_name: String,
    /// In display order, each with the title of the meeting or question it is in.
    pub hits: Vec<(Hit, String)>,
}

/// What a search across every network on a laptop found: per network, in the order asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AcrossResults {
    /// Only networks with a hit.
    pub networks: Vec<NetworkHits>,
    /// More texts matched than [`MAX_HITS`], counted over all networks together.
    pub truncated: bool,
}

/// Searches `snapshots` for `query` as [`search`] searches one (the query folded once), with
/// one limit of [`MAX_HITS`] for them together.
pub fn search_across<'a>(snapshots: impl IntoIterator<Item = &'a NetworkSnapshot>, query: &str) -> AcrossResults {
    let query = Query::new(query);
    let mut found =
        Collector { query: &query, folded: String::new(), results: SearchResults::default(), limit: MAX_HITS };
    let mut across = AcrossResults::default();
    if query.is_empty() {
        return across;
    }
    for snapshot in snapshots {
        let go_on = look_through(snapshot, &mut found);
        let hits = std::mem::take(&mut found.results.hits);
        // The limit holds for every network together.
        found.limit = found.limit.saturating_sub(hits.len());
        if !hits.is_empty() {
            let hits = hits.into_iter().map(|hit| {
                let title = record_title(snapshot, &hit.place);
                (hit, title)
            });
            across.networks.push(NetworkHits {
                network: snapshot.info.id.clone(),
                network_name: snapshot.info.name.clone(),
                hits: hits.collect(),
            });
        }
        if !go_on {
            across.truncated = true;
            break;
        }
    }
    across
}

/// The title of the meeting or question a hit is in.
fn record_title(snapshot: &NetworkSnapshot, place: &Place) -> String {
    let session = place.session().and_then(|s| snapshot.sessions.get(s)).map(|s| s.title.clone());
    let question = || place.question().and_then(|q| snapshot.questions.get(q)).map(|q| q.title.clone());
    session.or_else(question).unwrap_or_default()
}

/// Looks for the query in every live text of `snapshot`; `false` once the limit was passed.
fn look_through(snapshot: &NetworkSnapshot, found: &mut Collector) -> bool {
    let mut sessions: Vec<&Session> = snapshot.sessions.values().filter(|s| s.deleted_at.is_none()).collect();
    sessions.sort_by(|a, b| b.starts_at.cmp(&a.starts_at).then(b.created_at.cmp(&a.created_at)).then(b.id.cmp(&a.id)));
    for session in sessions {
        let id = &session.id;
        let texts = [
            (Place::SessionTitle(id.clone()), &session.title),
            (Place::Location(id.clone()), &session.location),
            (Place::Agenda(id.clone()), &session.agenda),
            (Place::Notes(id.clone()), &session.notes),
        ];
        for (place, text) in texts {
            if !found.look(text, || place) {
                return false;
            }
        }
        for action in session.live_actions() {
            if !found.look(&action.text, || Place::Action(id.clone(), action.id.clone())) {
                return false;
            }
        }
    }

    let mut questions: Vec<&Question> = snapshot.live_questions().collect();
    questions.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    for question in questions {
        let id = &question.id;
        let texts = [
            (Place::QuestionTitle(id.clone()), &question.title),
            (Place::Details(id.clone()), &question.details),
            (Place::Insights(id.clone()), &question.insights),
        ];
        for (place, text) in texts {
            if !found.look(text, || place) {
                return false;
            }
        }
        let mut cycles: Vec<_> = question.cycles.values().collect();
        cycles.sort_by(|a, b| {
            b.started_on.cmp(&a.started_on).then(b.created_at.cmp(&a.created_at)).then(b.id.cmp(&a.id))
        });
        for cycle in cycles {
            for phase in [CyclePhase::Plan, CyclePhase::Act, CyclePhase::Observe, CyclePhase::Reflect] {
                if !found.look(cycle.phase(phase), || Place::Cycle(id.clone(), cycle.id.clone(), phase)) {
                    return false;
                }
            }
        }
    }
    true
}

/// Every occurrence of every word of `query` in `text`, in `char`s, in order and merged where
/// they overlap: what the client highlights in the text a hit opened.
pub fn find_all(text: &str, query: &str) -> Vec<Range<usize>> {
    let query = Query::new(query);
    let mut folded = String::new();
    fold_into(text, &mut folded);
    let mut bytes: Vec<Range<usize>> = Vec::new();
    for word in &query.words {
        let mut from = 0;
        while let Some(at) = folded.get(from..).and_then(|rest| rest.find(word.as_str())) {
            let start = from + at;
            bytes.push(start..start + word.len());
            // Overlapping occurrences ("aa" in "aaa") are covered by the merge below.
            from = start + folded[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    bytes.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for range in bytes {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    let mut map = FoldMap::new(text);
    merged.into_iter().map(|r| map.original(r)).collect()
}

/// A query: its words, folded.
struct Query {
    words: Vec<String>,
}

impl Query {
    fn new(query: &str) -> Query {
        let mut folded = String::new();
        fold_into(query, &mut folded);
        Query { words: folded.split_whitespace().map(str::to_string).collect() }
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Gathers hits up to the limit, reusing one buffer for the folded texts.
struct Collector<'q> {
    query: &'q Query,
    folded: String,
    results: SearchResults,
    limit: usize,
}

impl Collector<'_> {
    /// Looks for the query in `text`; `false` once the limit is passed (stop looking).
    fn look(&mut self, text: &str, place: impl FnOnce() -> Place) -> bool {
        if text.is_empty() {
            return true;
        }
        self.folded.clear();
        fold_into(text, &mut self.folded);
        let Some((first, rest)) = self.query.words.split_first() else { return true };
        let Some(at) = self.folded.find(first.as_str()) else { return true };
        if !rest.iter().all(|word| self.folded.contains(word.as_str())) {
            return true;
        }
        if self.results.hits.len() >= self.limit {
            self.results.truncated = true;
            return false;
        }
        let range = FoldMap::new(text).original(at..at + first.len());
        let (excerpt, excerpt_range) = excerpt(text, &range);
        self.results.hits.push(Hit { place: place(), range, excerpt, excerpt_range });
        true
    }
}

/// Folds one character: lower case, compatibility decomposition (ĳ → ij, ﬁ → fi), combining
/// marks (accents, umlauts) left out.
fn fold_char(c: char, out: &mut impl FnMut(char)) {
    if c.is_ascii() {
        out(c.to_ascii_lowercase());
        return;
    }
    decompose_compatible(c, |d| {
        if is_combining_mark(d) {
            return;
        }
        for lower in d.to_lowercase() {
            if !is_combining_mark(lower) {
                out(lower);
            }
        }
    });
}

fn fold_into(text: &str, folded: &mut String) {
    if text.is_ascii() {
        folded.push_str(text);
        folded.make_ascii_lowercase();
        return;
    }
    folded.reserve(text.len());
    for c in text.chars() {
        fold_char(c, &mut |f| folded.push(f));
    }
}

/// Maps byte ranges of a text's folded form back to `char` ranges of the text, walking it once
/// from the start (ranges asked in increasing order).
struct FoldMap<'t> {
    chars: std::str::Chars<'t>,
    /// The current char's index, where its folded form starts, and how many bytes it has.
    index: usize,
    folded_at: usize,
    width: usize,
    /// Past the last char (`index` is then the text's length).
    done: bool,
}

impl<'t> FoldMap<'t> {
    fn new(text: &'t str) -> FoldMap<'t> {
        let mut map = FoldMap { chars: text.chars(), index: 0, folded_at: 0, width: 0, done: false };
        map.load();
        map
    }

    fn load(&mut self) {
        match self.chars.next() {
            Some(c) => {
                let mut width = 0;
                fold_char(c, &mut |f| width += f.len_utf8());
                self.width = width;
            }
            None => {
                self.width = 0;
                self.done = true;
            }
        }
    }

    /// The index of the char whose folded form holds folded byte `byte`.
    fn char_at(&mut self, byte: usize) -> usize {
        while !self.done && self.folded_at + self.width <= byte {
            self.folded_at += self.width;
            self.index += 1;
            self.load();
        }
        self.index
    }

    /// The chars whose folded forms make up the folded bytes `range`.
    fn original(&mut self, range: Range<usize>) -> Range<usize> {
        let start = self.char_at(range.start);
        let last = self.char_at(range.end.saturating_sub(1).max(range.start));
        let end = if self.done { last } else { last + 1 };
        start..end.max(start)
    }
}

/// About [`EXCERPT_CONTEXT`] characters around `range` of `text`, on one line, with "…" where
/// it was cut; and where `range` is in it.
fn excerpt(text: &str, range: &Range<usize>) -> (String, Range<usize>) {
    let chars: Vec<char> = text.chars().collect();
    let end = range.end.min(chars.len());
    let start = range.start.min(end);
    let mut from = start.saturating_sub(EXCERPT_CONTEXT);
    let mut to = end.saturating_add(EXCERPT_CONTEXT).min(chars.len());
    // Never start or end inside a character built of several (an accent, an emoji sequence).
    while from > 0 && joins_previous(chars[from]) {
        from -= 1;
    }
    while to < chars.len() && joins_previous(chars[to]) {
        to += 1;
    }
    let mut excerpt = String::new();
    let mut offset = 0;
    if from > 0 {
        excerpt.push('…');
        offset = 1;
    }
    excerpt.extend(chars[from..to].iter().map(|&c| if c.is_whitespace() || c.is_control() { ' ' } else { c }));
    if to < chars.len() {
        excerpt.push('…');
    }
    let hit = offset + (start - from)..offset + (end - from);
    (excerpt, hit)
}

/// Whether `c` belongs to the character before it: a combining mark, a zero-width joiner, a
/// variation selector or an emoji modifier.
fn joins_previous(c: char) -> bool {
    is_combining_mark(c)
        || matches!(c, '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::sessions::{NewAction, NewSession};
    use crate::genesis::{NetworkDetails, Profile};
    use crate::network::Network;
    use crate::vocab::SessionKind;

    fn network() -> (Network, MemberId) {
        let details = NetworkDetails { name: "PLG Lezen".into(), ..Default::default() };
        Network::create(&details, &Profile::new("Anna"), "device-anna").unwrap()
    }

    fn session(network: &mut Network, by: &MemberId, title: &str, starts_at: &str) -> SessionId {
        let new = NewSession {
            title: title.into(),
            kind: SessionKind::Plg,
            starts_at: starts_at.into(),
            location: "Lokaal 2.14".into(),
        };
        network.add_session(by, &new).unwrap()
    }

    #[test]
    fn a_search_across_networks_labels_each_hit_with_its_network_and_shares_one_limit() {
        let (mut lezen, anna) = network();
        let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
        let (mut rekenen, bram) = Network::create(&details, &Profile::new("Bram"), "device-bram").unwrap();
        let in_lezen = session(&mut lezen, &anna, "Feedback op schrijven", "2026-09-01");
        session(&mut lezen, &anna, "Iets anders", "2026-09-02");
        let question = rekenen.add_question(&bram, "Hoe lezen ze onze feedback?", "").unwrap();
        let (lezen_s, rekenen_s) = (lezen.snapshot().unwrap(), rekenen.snapshot().unwrap());

        let found = search_across([&lezen_s, &rekenen_s], "FEEDBACK");
        assert!(!found.truncated);
        let names: Vec<&str> = found.networks.iter().map(|n| n.network_name.as_str()).collect();
        assert_eq!(names, ["PLG Lezen", "PLG Rekenen"], "in the order asked");
        assert_eq!(found.networks[0].network, lezen_s.info.id);
        assert_eq!(found.networks[0].hits.len(), 1);
        assert_eq!(found.networks[0].hits[0].0.place, Place::SessionTitle(in_lezen));
        assert_eq!(found.networks[0].hits[0].1, "Feedback op schrijven", "with its record's title");
        assert_eq!(found.networks[1].hits[0].0.place, Place::QuestionTitle(question));
        assert!(search_across([&lezen_s, &rekenen_s], "nergens").networks.is_empty());
        assert!(search_across([&lezen_s, &rekenen_s], "  ").networks.is_empty());

        // One limit for all networks together: the second network gets what the first left.
        for n in 0..MAX_HITS {
            session(&mut rekenen, &bram, &format!("Feedback {n}"), "2026-10-01");
        }
        let rekenen_s = rekenen.snapshot().unwrap();
        let found = search_across([&lezen_s, &rekenen_s], "feedback");
        assert!(found.truncated);
        assert_eq!(found.networks.iter().map(|n| n.hits.len()).sum::<usize>(), MAX_HITS);
        assert_eq!(found.networks[0].hits.len(), 1);
    }

    fn chars(text: &str, range: &Range<usize>) -> String {
        text.chars().skip(range.start).take(range.len()).collect()
    }

    #[test]
    fn a_word_in_the_notes_is_found_in_the_right_session_at_the_right_place() {
        let (mut network, anna) = network();
        let first = session(&mut network, &anna, "Bijeenkomst 1", "2026-09-01");
        let second = session(&mut network, &anna, "Bijeenkomst 2", "2026-10-01");
        let notes = "Één punt: de rubric. Daarna spraken we over leerlingen die vastlopen.";
        network.update_text(&anna, &TextField::Notes(second.clone()), notes).unwrap();
        network.update_text(&anna, &TextField::Notes(first.clone()), "Alleen een opening.").unwrap();

        let results = search(&network.snapshot().unwrap(), "leerlingen");
        assert!(!results.truncated);
        assert_eq!(results.hits.len(), 1, "{results:?}");
        let hit = &results.hits[0];
        assert_eq!(hit.place, Place::Notes(second.clone()));
        assert_eq!(hit.place.text_field(), Some(TextField::Notes(second.clone())));
        assert_eq!(hit.place.session(), Some(&second));
        // Char offsets, not bytes: "Één" takes 5 bytes but 3 chars.
        let start =
            notes.chars().collect::<Vec<_>>().windows(10).position(|w| w.iter().collect::<String>() == "leerlingen");
        assert_eq!(hit.range, start.unwrap()..start.unwrap() + 10);
        assert_eq!(chars(notes, &hit.range), "leerlingen");
        assert_eq!(chars(&hit.excerpt, &hit.excerpt_range), "leerlingen");
        assert!(hit.excerpt.starts_with('…') && !hit.excerpt.ends_with('…'), "{}", hit.excerpt);
        assert!(hit.excerpt.chars().count() <= 2 * EXCERPT_CONTEXT + 10 + 2);
    }

    #[test]
    fn case_and_accents_do_not_matter() {
        let (mut network, anna) = network();
        let sid = session(&mut network, &anna, "Overleg met de Coördinator", "2026-09-01");
        let notes = TextField::Notes(sid.clone());
        network.update_text(&anna, &notes, "De LEERLING koos zelf.\nHet ĳsje van café Zoë.").unwrap();
        let snapshot = network.snapshot().unwrap();

        let found = |query: &str| search(&snapshot, query).hits;
        let title = found("coordinator");
        assert_eq!(title.len(), 1);
        assert_eq!(title[0].place, Place::SessionTitle(sid.clone()));
        assert_eq!(chars(&snapshot.sessions[&sid].title, &title[0].range), "Coördinator");
        assert_eq!(found("COÖRDINATOR")[0].place, Place::SessionTitle(sid.clone()));

        let text = &snapshot.sessions[&sid].notes;
        for (query, expected) in [("leerling", "LEERLING"), ("ijsje", "ĳsje"), ("cafe zoe", "café"), ("zoë", "Zoë")]
        {
            let hits = found(query);
            assert_eq!(hits.len(), 1, "{query}: {hits:?}");
            assert_eq!(hits[0].place, Place::Notes(sid.clone()), "{query}");
            assert_eq!(chars(text, &hits[0].range), expected, "{query}");
        }
        // Accents written as combining marks (NFD) fold the same way.
        assert_eq!(found("Zoe\u{308}").len(), 1);
    }

    #[test]
    fn every_word_must_be_in_the_same_text() {
        let (mut network, anna) = network();
        let sid = session(&mut network, &anna, "Rekenen", "2026-09-01");
        network.update_text(&anna, &TextField::Agenda(sid.clone()), "Welkom, daarna feedback.").unwrap();
        network.update_text(&anna, &TextField::Notes(sid.clone()), "Over feedback op rekenen.").unwrap();
        let snapshot = network.snapshot().unwrap();

        let hits = search(&snapshot, "rekenen feedback").hits;
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].place, Place::Notes(sid.clone()));
        // The range is the first word's.
        assert_eq!(chars(&snapshot.sessions[&sid].notes, &hits[0].range), "rekenen");
        assert!(search(&snapshot, "welkom rekenen").is_empty());
        assert_eq!(search(&snapshot, "feedback").hits.len(), 2);
    }

    #[test]
    fn deleted_records_are_not_found() {
        let (mut network, anna) = network();
        let gone = session(&mut network, &anna, "Weg", "2026-09-01");
        let kept = session(&mut network, &anna, "Blijft", "2026-09-02");
        for sid in [&gone, &kept] {
            network.update_text(&anna, &TextField::Notes(sid.clone()), "formatief evalueren").unwrap();
        }
        let action = NewAction { text: "Formatief lesje delen".into(), ..Default::default() };
        let binned_action = network.add_action(&anna, &kept, &action).unwrap();
        let question = network.add_question(&anna, "Formatief werken?", "").unwrap();
        network.delete_session(&anna, &gone).unwrap();
        network.delete_action(&anna, &kept, &binned_action).unwrap();
        network.delete_question(&anna, &question).unwrap();

        let hits = search(&network.snapshot().unwrap(), "formatief").hits;
        assert_eq!(hits.iter().map(|h| h.place.clone()).collect::<Vec<_>>(), [Place::Notes(kept.clone())]);

        network.restore_session(&anna, &gone).unwrap();
        network.restore_question(&anna, &question).unwrap();
        assert_eq!(search(&network.snapshot().unwrap(), "formatief").hits.len(), 3);
    }

    #[test]
    fn sessions_come_newest_first_then_questions_and_cycles() {
        let (mut network, anna) = network();
        let old = session(&mut network, &anna, "Lezen in de herfst", "2025-10-01");
        let new = session(&mut network, &anna, "Lezen in de lente", "2026-04-01");
        let action =
            network.add_action(&anna, &new, &NewAction { text: "Lezen".into(), ..Default::default() }).unwrap();
        let question = network.add_question(&anna, "Hoe lezen ze?", "Begrijpend lezen").unwrap();
        let cycle = network.add_cycle(&anna, &question, "2026-04-02").unwrap();
        let plan = TextField::Cycle(question.clone(), cycle.clone(), CyclePhase::Plan);
        network.update_text(&anna, &plan, "Eerst samen lezen").unwrap();
        let reflect = TextField::Cycle(question.clone(), cycle.clone(), CyclePhase::Reflect);
        network.update_text(&anna, &reflect, "Lezen ging goed").unwrap();

        let places: Vec<Place> =
            search(&network.snapshot().unwrap(), "lezen").hits.into_iter().map(|h| h.place).collect();
        assert_eq!(
            places,
            [
                Place::SessionTitle(new.clone()),
                Place::Action(new, action),
                Place::SessionTitle(old),
                Place::QuestionTitle(question.clone()),
                Place::Details(question.clone()),
                Place::Cycle(question.clone(), cycle.clone(), CyclePhase::Plan),
                Place::Cycle(question, cycle, CyclePhase::Reflect),
            ]
        );
    }

    #[test]
    fn too_many_hits_are_cut_off_and_say_so() {
        let (mut network, anna) = network();
        for i in 0..5 {
            session(&mut network, &anna, &format!("Overleg {i}"), "2026-09-01");
        }
        let snapshot = network.snapshot().unwrap();
        let results = search_with_limit(&snapshot, "overleg", 3);
        assert_eq!(results.hits.len(), 3);
        assert!(results.truncated);
        let results = search_with_limit(&snapshot, "overleg", 5);
        assert_eq!(results.hits.len(), 5);
        assert!(!results.truncated);
    }

    #[test]
    fn an_empty_query_finds_nothing() {
        let (mut network, anna) = network();
        session(&mut network, &anna, "Overleg", "2026-09-01");
        let snapshot = network.snapshot().unwrap();
        for query in ["", " ", "\n\t ", "\u{301}", "\u{301} \u{308}"] {
            assert!(search(&snapshot, query).is_empty(), "{query:?}");
            assert!(find_all("Overleg", query).is_empty(), "{query:?}");
        }
    }

    #[test]
    fn find_all_marks_every_occurrence_of_every_word() {
        let text = "Één leerling, twee LEERLINGEN; ĳs en ijs.";
        let found: Vec<String> = find_all(text, "leerling ijs").iter().map(|r| chars(text, r)).collect();
        assert_eq!(found, ["leerling", "LEERLING", "ĳs", "ijs"]);
        let overlapping = find_all("aaaa", "aa");
        assert_eq!((overlapping.len(), overlapping.first()), (1, Some(&(0..4))));
    }

    #[test]
    fn odd_unicode_never_panics_and_ranges_stay_inside_the_text() {
        let texts = [
            "",
            " ",
            "e\u{301}e\u{301}n\u{308}",
            "\u{301}\u{301}begint met accenten",
            "👩‍👩‍👧‍👦 familie 👍🏽 en 🇳🇱 vlag",
            "ĳsselmeer ĲSSELMEER ﬁets",
            "İstanbul ǅ ß ẞ Σσς",
            "a\u{0}b\r\nc\u{200d}\u{fe0f}",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ｆｕｌｌｗｉｄｔｈ ①②",
            &"lang ".repeat(50),
        ];
        let queries = [
            "e",
            "é",
            "\u{301}",
            "ij",
            "ĳ",
            "👍",
            "👩",
            "istanbul",
            "i",
            "ss",
            "σ",
            "fiets",
            "unicode",
            "full",
            "1",
            "lang lang",
            "b c",
            "\u{0}",
            "a",
        ];
        let (mut network, anna) = network();
        let sid = session(&mut network, &anna, "Vreemde tekens", "2026-09-01");
        for text in texts {
            network.update_text(&anna, &TextField::Notes(sid.clone()), text).unwrap();
            let snapshot = network.snapshot().unwrap();
            let length = text.chars().count();
            for query in queries {
                for range in find_all(text, query) {
                    assert!(range.start < range.end && range.end <= length, "{text:?} {query:?} {range:?}");
                }
                for hit in search(&snapshot, query).hits {
                    let excerpt = hit.excerpt.chars().count();
                    assert!(hit.excerpt_range.end <= excerpt, "{text:?} {query:?} {hit:?}");
                    if hit.place == Place::Notes(sid.clone()) {
                        assert!(hit.range.start < hit.range.end && hit.range.end <= length, "{text:?} {query:?}");
                        assert!(!hit.excerpt.contains('\n'));
                    }
                }
            }
        }
    }
}
