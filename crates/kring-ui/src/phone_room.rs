//! A meeting's room for phones, run from the window: the room's server on a thread of its own,
//! writing what guests send through this window's client like any edit (so the node signs,
//! saves and passes it on), and reading the meeting from the window's view.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kring_model::{Applied, Edit, ModelError, NetworkSnapshot, RoomSetup, SessionId};
use kring_node::NodeError;
use kring_node::client::{Failure, Outcome};
use kring_room::{Host, HostError, Room, RoomEvent, RoomOptions};

/// One thing the room asks the window to send to its node, and where the answer goes.
pub struct RoomWrite {
    pub network: String,
    pub ask: RoomAsk,
    pub reply: mpsc::Sender<Result<Outcome, Failure>>,
}

/// What a room asks of the window's node.
pub enum RoomAsk {
    /// An edit, as the window makes its own.
    Edit(Edit),
    /// A guest's photo (already re-encoded) to keep with the network's attachments.
    KeepPhoto(Vec<u8>),
}

/// Where a room stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Opening,
    Open { url: String },
    Failed(String),
    Closed,
}

/// A room the window runs.
pub struct RunningRoom {
    pub session: SessionId,
    pub phase: Arc<Mutex<Phase>>,
    /// Phones that joined.
    pub guests: Arc<AtomicUsize>,
    /// Photos guests sent, where the room takes them.
    pub photos: Arc<AtomicUsize>,
    pub photos_allowed: bool,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl RunningRoom {
    pub fn phase(&self) -> Phase {
        lock(&self.phase).clone()
    }

    pub fn guests(&self) -> usize {
        self.guests.load(Ordering::SeqCst)
    }

    pub fn photos(&self) -> usize {
        self.photos.load(Ordering::SeqCst)
    }

    /// Stops the server and closes the room in the network (on the room's thread).
    pub fn close(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The window's side of rooms: the writes rooms ask for, the answers they wait on, the view
/// they read, and the room that runs.
pub struct RoomDesk {
    writes: mpsc::Sender<RoomWrite>,
    pub(crate) asked: mpsc::Receiver<RoomWrite>,
    pub(crate) replies: HashMap<u64, mpsc::Sender<Result<Outcome, Failure>>>,
    pub(crate) snapshot: Arc<Mutex<Option<Arc<NetworkSnapshot>>>>,
    pub running: Option<RunningRoom>,
    /// Where rooms are served: every interface (phones on the LAN), a free port.
    pub bind: SocketAddr,
}

impl Default for RoomDesk {
    fn default() -> RoomDesk {
        let (writes, asked) = mpsc::channel();
        RoomDesk {
            writes,
            asked,
            replies: HashMap::new(),
            snapshot: Arc::default(),
            running: None,
            bind: SocketAddr::from(([0, 0, 0, 0], 0)),
        }
    }
}

impl RoomDesk {
    /// Opens a room in `session` of `network` and serves it on a thread of its own.
    pub fn open(
        &mut self,
        network: &str,
        session: SessionId,
        setup: RoomSetup,
        repaint: Arc<Mutex<Option<egui::Context>>>,
    ) {
        let phase = Arc::new(Mutex::new(Phase::Opening));
        let guests = Arc::new(AtomicUsize::new(0));
        let photos = Arc::new(AtomicUsize::new(0));
        let photos_allowed = setup.photos;
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let host = Arc::new(WindowHost {
            network: network.to_string(),
            writes: Mutex::new(self.writes.clone()),
            snapshot: self.snapshot.clone(),
            repaint: repaint.clone(),
        });
        // A room is for one meeting's day.
        let open_for = kring_room::until_end_of_day();
        let options = RoomOptions { session: session.clone(), setup, bind: self.bind, open_for };
        let (thread_phase, thread_guests, thread_photos) = (phase.clone(), guests.clone(), photos.clone());
        let wake = move || {
            if let Some(ctx) = lock(&repaint).as_ref() {
                ctx.request_repaint();
            }
        };
        let started = std::thread::Builder::new().name("kring-room".into()).spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(err) => {
                    *lock(&thread_phase) = Phase::Failed(err.to_string());
                    return wake();
                }
            };
            let counts = Counts { guests: thread_guests, photos: thread_photos };
            runtime.block_on(serve(host, options, stopped, thread_phase, counts, &wake));
        });
        if let Err(err) = started {
            *lock(&phase) = Phase::Failed(err.to_string());
        }
        self.running = Some(RunningRoom { session, phase, guests, photos, photos_allowed, stop: Some(stop) });
    }
}

/// What the room's screen counts while it is open.
struct Counts {
    guests: Arc<AtomicUsize>,
    photos: Arc<AtomicUsize>,
}

async fn serve(
    host: Arc<WindowHost>,
    options: RoomOptions,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
    phase: Arc<Mutex<Phase>>,
    counts: Counts,
    wake: &(dyn Fn() + Sync),
) {
    let room = match Room::open(host, options).await {
        Ok(room) => room,
        Err(err) => {
            *lock(&phase) = Phase::Failed(err.to_string());
            return wake();
        }
    };
    *lock(&phase) = Phase::Open { url: room.url() };
    wake();
    let mut events = room.subscribe();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            event = events.recv() => match event {
                Ok(RoomEvent::Joined { guests: now }) => {
                    counts.guests.store(now, Ordering::SeqCst);
                    wake();
                }
                Ok(RoomEvent::Contribution(sent)) => {
                    if sent.kind == kring_model::GuestKind::Photo {
                        counts.photos.fetch_add(1, Ordering::SeqCst);
                    }
                    wake();
                }
                Ok(RoomEvent::Ended) => break,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => break,
            },
        }
    }
    let closed = room.close().await;
    *lock(&phase) = match closed {
        Ok(()) => Phase::Closed,
        Err(err) => Phase::Failed(err.to_string()),
    };
    wake();
}

/// A room's host in the window: edits go to the window, which sends them to its node.
struct WindowHost {
    network: String,
    writes: Mutex<mpsc::Sender<RoomWrite>>,
    snapshot: Arc<Mutex<Option<Arc<NetworkSnapshot>>>>,
    repaint: Arc<Mutex<Option<egui::Context>>>,
}

impl WindowHost {
    /// Asks the window's node, and waits for its answer.
    fn ask(&self, ask: RoomAsk) -> Result<Outcome, HostError> {
        let (reply, answer) = mpsc::channel();
        let write = RoomWrite { network: self.network.clone(), ask, reply };
        lock(&self.writes).send(write).map_err(|_| HostError::Other("the window was closed".into()))?;
        if let Some(ctx) = lock(&self.repaint).as_ref() {
            ctx.request_repaint();
        }
        match answer.recv_timeout(Duration::from_secs(30)) {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(failure)) => Err(host_error(&failure)),
            Err(_) => Err(HostError::Other("the window did not answer".into())),
        }
    }
}

impl Host for WindowHost {
    fn apply(&self, edit: Edit) -> Result<Applied, HostError> {
        match self.ask(RoomAsk::Edit(edit))? {
            Outcome::Created(id) => Ok(Applied::Created(id)),
            _ => Ok(Applied::Nothing),
        }
    }

    fn keep_photo(&self, jpeg: Vec<u8>) -> Result<String, HostError> {
        match self.ask(RoomAsk::KeepPhoto(jpeg))? {
            Outcome::Created(hash) => Ok(hash),
            _ => Err(HostError::Other("the photo was not kept".into())),
        }
    }

    fn snapshot(&self) -> Result<NetworkSnapshot, HostError> {
        let snapshot = lock(&self.snapshot).clone();
        snapshot.map(|s| (*s).clone()).ok_or_else(|| HostError::Other("no network is open".into()))
    }
}

/// The model's refusals the room answers phones on, as they were; others in words.
fn host_error(failure: &NodeError) -> HostError {
    match failure {
        NodeError::Model(ModelError::RoomClosed(room)) => HostError::Model(ModelError::RoomClosed(room.clone())),
        NodeError::Model(ModelError::UnknownRoom(room)) => HostError::Model(ModelError::UnknownRoom(room.clone())),
        NodeError::Model(ModelError::RoundClosed(round)) => HostError::Model(ModelError::RoundClosed(round.clone())),
        NodeError::Model(err) => HostError::Refused(err.to_string()),
        other => HostError::Other(other.to_string()),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
