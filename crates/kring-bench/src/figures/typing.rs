//! Two desktop clients on loopback, the big network open on the same meeting in both: one
//! types in the meeting's notes, a character at a time at a person's pace, and each keystroke
//! is timed from the moment the client sends it to the first view the other client receives
//! that holds it. Everything a person waits for is in that time: the writer's node applying
//! and saving the keystroke, the sync between the nodes, the reader's node applying and saving
//! it, and its view of the network reaching the interface.

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use kring_model::automerge::sync::{self, SyncDoc};
use kring_model::{MemberId, Network, Profile, Role, SessionId, Splice, TextField};
use kring_node::client::{Client, Command, NetworkView, SyncStatus, Update};
use kring_node::{NetworkMode, Node};
use kring_store::DataDir;

use crate::scenario::Dice;

/// What is typed: plain ASCII, so characters and bytes count alike.
const SENTENCE: &str = "Vandaag spraken we over feedback in groep 7 en wat de leerlingen ervan leren. ";

pub struct TypingFigures {
    /// Per keystroke, from A's send to B's first view holding it.
    pub latencies: Vec<Duration>,
    /// The notes' length before typing, in characters.
    pub notes_chars: usize,
}

/// Lets a new device (in the empty `dir_b`) join the network held in `dir_a`, with two nodes
/// that stop again: afterwards both data directories hold the network and know each other.
pub async fn join(dir_a: &Path, dir_b: &Path, network: &str) -> Result<()> {
    let data_a = DataDir::open(dir_a)?;
    let data_b = DataDir::open(dir_b)?;
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await?;
    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await?;
    let (_, ticket) = node_a.create_invite(network, Role::Member, 1, Duration::from_secs(600))?;
    node_b.join_network(&data_b, &ticket, &Profile::new("Cleo"), Duration::from_secs(120)).await?;
    node_b.shutdown().await;
    node_a.shutdown().await;
    Ok(())
}

/// Starts a client on each directory (A's and B's, see [`join`]), opens `session` in both, and
/// types `keystrokes` characters at the end of its notes in A.
pub fn measure(
    dir_a: &Path,
    dir_b: &Path,
    network: &str,
    session: &SessionId,
    keystrokes: usize,
) -> Result<TypingFigures> {
    let (mut client_a, updates_a) = Client::start(DataDir::open(dir_a)?, NetworkMode::loopback_only(), || {})?;
    let (mut client_b, updates_b) = Client::start(DataDir::open(dir_b)?, NetworkMode::loopback_only(), || {})?;
    client_a.send(Command::Watch { network: network.to_string() });
    client_b.send(Command::Watch { network: network.to_string() });
    // Each client's updates are read on a thread of their own, as an interface reads them
    // every frame.
    let arrivals: Arc<Mutex<Arrivals>> = Arc::default();
    let a = Follower::start(updates_a, network, None);
    let b = Follower::start(updates_b, network, Some((session.clone(), arrivals.clone())));
    let device_a = a.wait("A's node to start", |seen| seen.device.clone())?;
    // B in sync with A, and both views showing the same notes.
    let notes = |seen: &Seen| Some(seen.view.as_ref()?.snapshot.sessions.get(session)?.notes.clone());
    b.wait("B to get in sync with A", |seen| {
        seen.status.as_ref()?.peers.get(&device_a)?.in_sync.contains(network).then_some(())
    })?;
    let base = b.wait("the two clients to show the same notes", |seen| {
        let in_b = notes(seen)?;
        (a.now(notes)? == in_b).then_some(in_b)
    })?;
    let field = TextField::Notes(session.clone());
    let typed: String = SENTENCE.chars().cycle().take(keystrokes).collect();
    arrivals.lock().unwrap().expect(base.clone(), typed.clone());

    // A types as the text editor does: each keystroke names the view it was made on, the
    // newest one that holds every keystroke sent before.
    let mut dice = Dice::new(0x7e57);
    let base_chars = base.chars().count();
    let (mut adopted, mut last_sent) = (0u64, 0u64);
    let mut sent = Vec::with_capacity(keystrokes);
    for (n, c) in typed.chars().enumerate() {
        if let Some(view) = a.now(|seen| seen.view.clone())
            && view.version > adopted
            && view.typed >= last_sent
        {
            adopted = view.version;
        }
        let pos = base_chars + n;
        let splices = vec![Splice { pos, delete: 0, insert: c.to_string() }];
        let command = Command::Type {
            network: network.to_string(),
            field: field.clone(),
            seen: adopted,
            splices,
            caret: Some((pos + 1, pos + 1)),
        };
        sent.push(Instant::now());
        last_sent = client_a.send(command);
        std::thread::sleep(Duration::from_millis(30 + dice.below(21) as u64));
    }

    let deadline = Instant::now() + Duration::from_secs(30);
    while arrivals.lock().unwrap().at.len() < keystrokes {
        if Instant::now() > deadline {
            let arrived = arrivals.lock().unwrap().at.len();
            bail!("only {arrived} of {keystrokes} keystrokes reached the other client");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let arrivals = arrivals.lock().unwrap();
    if let Some(problem) = &arrivals.problem {
        bail!("{problem}");
    }
    let latencies = sent.iter().zip(&arrivals.at).map(|(sent, at)| at.saturating_duration_since(*sent)).collect();
    drop(arrivals);
    client_a.stop();
    client_b.stop();
    a.join()?;
    b.join()?;
    Ok(TypingFigures { latencies, notes_chars: base_chars })
}

/// When each keystroke first showed in B's view.
#[derive(Default)]
struct Arrivals {
    base: String,
    typed: String,
    /// Arrival of keystroke `n`, in order (A types at the end, so they arrive in order).
    at: Vec<Instant>,
    problem: Option<String>,
}

impl Arrivals {
    fn expect(&mut self, base: String, typed: String) {
        self.base = base;
        self.typed = typed;
        self.at.clear();
    }

    /// B shows `notes` now.
    fn seen(&mut self, notes: &str, now: Instant) {
        if self.typed.is_empty() {
            return;
        }
        let Some(extra) = notes.strip_prefix(self.base.as_str()) else {
            self.problem.get_or_insert_with(|| "B's notes lost their beginning".into());
            return;
        };
        if !self.typed.starts_with(extra) {
            self.problem.get_or_insert_with(|| format!("B's notes end in {extra:?}, which A did not type"));
            return;
        }
        while self.at.len() < extra.len() {
            self.at.push(now);
        }
    }
}

/// What a client told its interface so far.
#[derive(Default)]
struct Seen {
    device: Option<String>,
    status: Option<SyncStatus>,
    /// The newest live view of the network.
    view: Option<Arc<NetworkView>>,
    failed: Option<String>,
}

/// Reads a client's updates on a thread of its own until the client stops.
struct Follower {
    seen: Arc<Mutex<Seen>>,
    thread: std::thread::JoinHandle<()>,
}

impl Follower {
    /// Follows `updates`, keeping the newest view of `network`; with `watch`, also when each
    /// keystroke first showed in the session's notes.
    fn start(updates: Receiver<Update>, network: &str, watch: Option<(SessionId, Arc<Mutex<Arrivals>>)>) -> Follower {
        let network = network.to_string();
        let seen: Arc<Mutex<Seen>> = Arc::default();
        let shared = seen.clone();
        let thread = std::thread::spawn(move || {
            loop {
                let update = match updates.recv_timeout(Duration::from_secs(1)) {
                    Ok(update) => update,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => return,
                };
                let now = Instant::now();
                let mut seen = shared.lock().unwrap();
                match update {
                    Update::Ready { device, .. } => seen.device = Some(device),
                    Update::Status(status) => seen.status = Some(status),
                    Update::Failed(reason) => seen.failed = Some(reason.to_string()),
                    Update::View(view) if view.network == network && view.version > 0 => {
                        if let Some((session, arrivals)) = &watch
                            && let Some(s) = view.snapshot.sessions.get(session)
                        {
                            arrivals.lock().unwrap().seen(&s.notes, now);
                        }
                        seen.view = Some(Arc::new(*view));
                    }
                    _ => {}
                }
            }
        });
        Follower { seen, thread }
    }

    /// What `read` makes of what the client said so far.
    fn now<T>(&self, read: impl FnOnce(&Seen) -> Option<T>) -> Option<T> {
        read(&self.seen.lock().unwrap())
    }

    /// Waits (up to two minutes) until `ready` makes something of what the client said.
    fn wait<T>(&self, what: &str, mut ready: impl FnMut(&Seen) -> Option<T>) -> Result<T> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            {
                let seen = self.seen.lock().unwrap();
                if let Some(reason) = &seen.failed {
                    bail!("a client failed: {reason}");
                }
                if let Some(value) = ready(&seen) {
                    return Ok(value);
                }
            }
            if Instant::now() > deadline {
                bail!("waited two minutes for {what}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn join(self) -> Result<()> {
        self.thread.join().map_err(|_| anyhow::anyhow!("a reader of updates panicked"))
    }
}

/// What the keystroke's way cannot go below, measured in the same run.
pub struct TypingLimits {
    /// Automerge alone: one keystroke from one copy of the network to another in memory
    /// (generate and receive the sync message), p50.
    pub sync: Duration,
    /// Reading the whole network into a snapshot, p50: what every view cost before views were
    /// updated record by record.
    pub whole_snapshot: Duration,
}

/// Measures [`TypingLimits`] on `network` (`by` typing at the end of `session`'s notes).
pub fn limits(network: &mut Network, by: &MemberId, session: &SessionId) -> Result<TypingLimits> {
    let mut a = network.fork();
    let mut b = network.fork();
    let (mut sa, mut sb) = (sync::State::new(), sync::State::new());
    crate::limits::automerge_sync(a.doc_mut(), &mut sa, b.doc_mut(), &mut sb);
    let field = TextField::Notes(session.clone());
    let mut syncs = Vec::new();
    for c in SENTENCE.chars().take(40) {
        let at = a.text(&field)?.chars().count();
        a.splice_text(by, &field, at, 0, &c.to_string())?;
        let started = Instant::now();
        let message = a.doc_mut().sync().generate_sync_message(&mut sa).context("a sync message")?;
        let message = sync::Message::decode(&message.encode())?;
        b.doc_mut().sync().receive_sync_message(&mut sb, message)?;
        syncs.push(started.elapsed());
        crate::limits::automerge_sync(a.doc_mut(), &mut sa, b.doc_mut(), &mut sb);
    }
    let mut wholes = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        network.snapshot()?;
        wholes.push(started.elapsed());
    }
    let p50 = |samples: &mut Vec<Duration>| crate::system::quantile(samples, 0.5);
    Ok(TypingLimits { sync: p50(&mut syncs), whole_snapshot: p50(&mut wholes) })
}
