//! Property tests: however laptops interleave their offline edits and partial syncs, once every
//! change has reached every laptop they all show the same network, whatever the merge order.

mod common;

use common::*;
use kring_model::*;
use proptest::prelude::*;

/// Coordinator plus this many members, all current for the whole run.
const EXTRA_MEMBERS: usize = 3;

fn fixed_clock() -> UnixMillis {
    1_800_000_000_000
}

/// One step of the run. Indices into members, sessions and questions are taken modulo the
/// number known so far, so every generated step names something; a session or question created
/// on another laptop and not yet merged here is refused (`Unknown…`), which is part of the test.
#[derive(Debug, Clone)]
enum Op {
    AddSession {
        fork: usize,
        by: usize,
    },
    AppendNotes {
        fork: usize,
        by: usize,
        session: usize,
        text: String,
    },
    /// `pos` and `delete` are scaled to the notes' length on that laptop.
    SpliceNotes {
        fork: usize,
        by: usize,
        session: usize,
        pos: usize,
        delete: usize,
        text: String,
    },
    SetAttendance {
        fork: usize,
        by: usize,
        session: usize,
        member: usize,
        status: Attendance,
    },
    AddQuestion {
        fork: usize,
        by: usize,
    },
    Vote {
        fork: usize,
        by: usize,
        question: usize,
    },
    RetractVote {
        fork: usize,
        by: usize,
        question: usize,
    },
    SetStatus {
        fork: usize,
        by: usize,
        question: usize,
        status: QuestionStatus,
    },
    DeleteSession {
        fork: usize,
        by: usize,
        session: usize,
    },
    RestoreSession {
        fork: usize,
        by: usize,
        session: usize,
    },
    /// Scores 0 and 6 are generated too: they must be refused everywhere.
    Score {
        fork: usize,
        by: usize,
        factor: usize,
        score: i64,
    },
    /// A partial sync: `into` receives everything `from` has.
    Merge {
        from: usize,
        into: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    // Fork indices are generated wide and reduced modulo the number of forks when applied.
    let f = 0..4usize;
    let m = 0..EXTRA_MEMBERS + 1;
    let i = 0..8usize;
    // Short snippets with umlauts, an emoji and newlines: positions count chars, not bytes.
    let text = "[a-zëé😀 \n]{1,6}";
    prop_oneof![
        (f.clone(), m.clone()).prop_map(|(fork, by)| Op::AddSession { fork, by }),
        (f.clone(), m.clone(), i.clone(), text).prop_map(|(fork, by, session, text)| Op::AppendNotes {
            fork,
            by,
            session,
            text
        }),
        (f.clone(), m.clone(), i.clone(), any::<usize>(), 0..4usize, "[a-zë😀 ]{0,4}").prop_map(
            |(fork, by, session, pos, delete, text)| Op::SpliceNotes { fork, by, session, pos, delete, text }
        ),
        (f.clone(), m.clone(), i.clone(), m.clone(), prop::sample::select(Attendance::ALL))
            .prop_map(|(fork, by, session, member, status)| Op::SetAttendance { fork, by, session, member, status }),
        (f.clone(), m.clone()).prop_map(|(fork, by)| Op::AddQuestion { fork, by }),
        (f.clone(), m.clone(), i.clone()).prop_map(|(fork, by, question)| Op::Vote { fork, by, question }),
        (f.clone(), m.clone(), i.clone()).prop_map(|(fork, by, question)| Op::RetractVote { fork, by, question }),
        (f.clone(), m.clone(), i.clone(), prop::sample::select(QuestionStatus::ALL))
            .prop_map(|(fork, by, question, status)| Op::SetStatus { fork, by, question, status }),
        (f.clone(), m.clone(), i.clone()).prop_map(|(fork, by, session)| Op::DeleteSession { fork, by, session }),
        (f.clone(), m.clone(), i.clone()).prop_map(|(fork, by, session)| Op::RestoreSession { fork, by, session }),
        (f.clone(), m.clone(), 0..3usize, 0..=6i64).prop_map(|(fork, by, factor, score)| Op::Score {
            fork,
            by,
            factor,
            score
        }),
        (f.clone(), f).prop_map(|(from, into)| Op::Merge { from, into }),
    ]
}

/// A network with members, one session, one question and an open round, copied onto `forks`
/// laptops before anyone edits offline.
struct Run {
    forks: Vec<Network>,
    members: Vec<MemberId>,
    sessions: Vec<SessionId>,
    questions: Vec<QuestionId>,
    round: RoundId,
    factors: Vec<FactorId>,
    applied: usize,
    refused: usize,
}

impl Run {
    fn new(forks: usize) -> Run {
        let f = network_with_members(EXTRA_MEMBERS);
        let mut network = f.network.with_clock(fixed_clock);
        let mut members = vec![f.coordinator.clone()];
        members.extend(f.members);
        let sessions = vec![session(&mut network, &f.coordinator, "PLG 1")];
        let questions = vec![network.add_question(&f.coordinator, "Feedback op rekenen", "").unwrap()];
        let round = network.open_round(&f.coordinator, "Najaar").unwrap();
        let factors = ["trust", "ownership", "practice"].map(FactorId::new).to_vec();
        let forks = (0..forks).map(|_| network.fork()).collect();
        Run { forks, members, sessions, questions, round, factors, applied: 0, refused: 0 }
    }

    fn apply(&mut self, op: &Op) {
        let n = self.forks.len();
        let member = |i: usize| self.members[i % self.members.len()].clone();
        let sid = |i: usize| self.sessions[i % self.sessions.len()].clone();
        let qid = |i: usize| self.questions[i % self.questions.len()].clone();
        let result = match op.clone() {
            Op::Merge { from, into } => {
                let (from, into) = (from % n, into % n);
                if from != into {
                    let mut source = self.forks[from].fork();
                    self.forks[into].merge(&mut source).unwrap();
                }
                return;
            }
            Op::AddSession { fork, by } => {
                let title = format!("Sessie {}", self.sessions.len() + 1);
                let new = NewSession {
                    title,
                    kind: SessionKind::Plg,
                    starts_at: "2026-12-01".into(),
                    location: String::new(),
                };
                self.forks[fork % n].add_session(&member(by), &new).map(|id| self.sessions.push(id))
            }
            Op::AppendNotes { fork, by, session, text } => {
                self.forks[fork % n].append_text(&member(by), &TextField::Notes(sid(session)), &text)
            }
            Op::SpliceNotes { fork, by, session, pos, delete, text } => {
                let network = &mut self.forks[fork % n];
                let notes = TextField::Notes(sid(session));
                // Scale to this laptop's text so the splice is usually in range.
                match network.text(&notes) {
                    Ok(current) => {
                        let len = current.chars().count();
                        let pos = pos % (len + 1);
                        let delete = delete.min(len - pos);
                        network.splice_text(&member(by), &notes, pos, delete, &text)
                    }
                    Err(err) => Err(err),
                }
            }
            Op::SetAttendance { fork, by, session, member: who, status } => {
                self.forks[fork % n].set_attendance(&member(by), &sid(session), &member(who), status)
            }
            Op::AddQuestion { fork, by } => {
                let title = format!("Vraag {}", self.questions.len() + 1);
                self.forks[fork % n].add_question(&member(by), &title, "").map(|id| self.questions.push(id))
            }
            Op::Vote { fork, by, question } => self.forks[fork % n].vote(&member(by), &qid(question)),
            Op::RetractVote { fork, by, question } => self.forks[fork % n].retract_vote(&member(by), &qid(question)),
            Op::SetStatus { fork, by, question, status } => {
                self.forks[fork % n].set_status(&member(by), &qid(question), status)
            }
            Op::DeleteSession { fork, by, session } => self.forks[fork % n].delete_session(&member(by), &sid(session)),
            Op::RestoreSession { fork, by, session } => {
                self.forks[fork % n].restore_session(&member(by), &sid(session))
            }
            Op::Score { fork, by, factor, score } => {
                let factor = &self.factors[factor % self.factors.len()];
                let result = self.forks[fork % n].score(&member(by), &self.round, factor, score, "");
                // Only the range check may refuse a score here.
                assert_eq!(result.is_ok(), (1..=5).contains(&score), "{op:?}: {result:?}");
                result
            }
        };
        match result {
            Ok(()) => self.applied += 1,
            Err(_) => self.refused += 1,
        }
    }
}

fn snapshots_and_heads(forks: &mut [Network]) -> Vec<(NetworkSnapshot, Vec<automerge::ChangeHash>)> {
    forks
        .iter_mut()
        .map(|f| {
            let mut heads = f.heads();
            heads.sort();
            (f.snapshot().unwrap(), heads)
        })
        .collect()
}

/// Merges every fork into `forks[target]`, taking the others in `order`.
fn merge_into(forks: &mut [Network], target: usize, order: impl Iterator<Item = usize>) {
    for i in order.filter(|&i| i != target) {
        let mut source = forks[i].fork();
        forks[target].merge(&mut source).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn all_laptops_converge_after_a_full_sync(forks in 2..=4usize, ops in prop::collection::vec(op(), 5..40)) {
        let mut run = Run::new(forks);
        for op in &ops {
            run.apply(op);
        }
        prop_assert!(run.applied > 0, "no edit succeeded: {} refused", run.refused);

        merge_all(&mut run.forks);
        let states = snapshots_and_heads(&mut run.forks);
        for (i, state) in states.iter().enumerate().skip(1) {
            prop_assert_eq!(&state.1, &states[0].1, "heads of laptop {} differ", i);
            prop_assert_eq!(&state.0, &states[0].0, "snapshot of laptop {} differs", i);
        }

        // Nothing created anywhere is lost (sessions are soft-deleted, never removed).
        let snapshot = &states[0].0;
        prop_assert!(run.sessions.iter().all(|s| snapshot.sessions.contains_key(s)));
        prop_assert!(run.questions.iter().all(|q| snapshot.questions.contains_key(q)));
        prop_assert_eq!(snapshot.sessions.len(), run.sessions.len());
        prop_assert_eq!(snapshot.questions.len(), run.questions.len());

        // Syncing again changes nothing.
        merge_all(&mut run.forks);
        prop_assert_eq!(&snapshots_and_heads(&mut run.forks), &states);
    }

    #[test]
    fn merge_order_does_not_matter(forks in 2..=4usize, ops in prop::collection::vec(op(), 5..40)) {
        let mut run = Run::new(forks);
        for op in &ops {
            run.apply(op);
        }
        prop_assert!(run.applied > 0, "no edit succeeded: {} refused", run.refused);

        // A second copy of every laptop's state, before the final sync.
        let mut copies: Vec<Network> = run.forks.iter_mut().map(Network::fork).collect();
        let last = forks - 1;
        merge_into(&mut run.forks, 0, 0..forks);
        merge_into(&mut copies, last, (0..forks).rev());

        let forward = snapshots_and_heads(&mut run.forks[..1]).remove(0);
        let backward = snapshots_and_heads(&mut copies[last..]).remove(0);
        prop_assert_eq!(&forward.1, &backward.1, "heads differ");
        prop_assert_eq!(&forward.0, &backward.0, "snapshots differ");
    }
}
