//! A room: opened in the network, served on its own port under a long random code, closed in
//! the network when the server stops.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kring_model::{
    ContributionId, Edit, FactorId, Guest, GuestId, GuestInput, GuestKind, GuestPerspective, QuestionId, RoomId,
    RoomSetup, SessionId,
};
use serde::Serialize;
use tokio::sync::{broadcast, oneshot};

use crate::host::{Host, HostError};
use crate::limits::{Bucket, GUEST_BURST, GUEST_PER_SECOND, ROOM_BURST, ROOM_PER_SECOND};
use crate::view::RoomView;

/// What a room is opened with.
#[derive(Debug, Clone)]
pub struct RoomOptions {
    pub session: SessionId,
    pub setup: RoomSetup,
    /// Where the page is served; port 0 takes a free port.
    pub bind: SocketAddr,
    /// How long the room stays open at most: after that its address answers nothing, as if it
    /// were closed ([`until_end_of_day`] for a meeting's room).
    pub open_for: Duration,
}

/// The time left until midnight here: a room is for one meeting's day.
pub fn until_end_of_day() -> Duration {
    let now = jiff::Zoned::now();
    let midnight = now.date().tomorrow().and_then(|day| day.to_zoned(now.time_zone().clone()));
    match midnight {
        Ok(midnight) => Duration::try_from(midnight.timestamp().duration_since(now.timestamp())).unwrap_or_default(),
        // A date at the end of the calendar, or a time zone that cannot say: a day from now.
        Err(_) => Duration::from_secs(24 * 3600),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RoomError {
    #[error(transparent)]
    Host(#[from] HostError),
    #[error("the room's page cannot be served on {bind}: {source}")]
    Bind { bind: SocketAddr, source: std::io::Error },
}

/// What happens in a room, for the window and the command line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum RoomEvent {
    /// A phone joined; `guests` are in the room now.
    Joined { guests: usize },
    /// A guest's contribution was written into the network.
    Contribution(SentContribution),
    /// The room's time is up (the end of the meeting's day): its address answers nothing any
    /// more, and it should be closed.
    Ended,
}

/// One contribution as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentContribution {
    pub contribution: ContributionId,
    pub guest: GuestId,
    /// The guest's chosen name; empty for "anoniem".
    pub name: String,
    pub perspective: GuestPerspective,
    pub kind: GuestKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<QuestionId>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub scores: BTreeMap<FactorId, i64>,
}

/// A guest's phone, known by its random token.
pub(crate) struct GuestState {
    pub(crate) guest: Guest,
    pub(crate) bucket: Bucket,
    pub(crate) votes: HashSet<QuestionId>,
    pub(crate) scored: bool,
    pub(crate) texts: usize,
    /// Photos sent, or being decoded now.
    pub(crate) photos: usize,
}

/// What the server's requests share.
pub(crate) struct Shared {
    pub(crate) host: Arc<dyn Host>,
    pub(crate) session: SessionId,
    pub(crate) room: RoomId,
    pub(crate) code: String,
    pub(crate) guests: Mutex<HashMap<String, GuestState>>,
    pub(crate) overall: Mutex<Bucket>,
    pub(crate) view: Mutex<Option<(Instant, Arc<Vec<u8>>)>>,
    pub(crate) events: broadcast::Sender<RoomEvent>,
    pub(crate) closed: AtomicBool,
    /// After this the room answers as a closed one.
    pub(crate) until: Instant,
    /// Whether the room takes photos (as it was opened).
    pub(crate) photos: bool,
    /// Photos sent in the room, or being decoded now (changed only under the guests' lock).
    pub(crate) photos_sent: std::sync::atomic::AtomicUsize,
    /// One photo decoded at a time: decoding takes a core and up to a few hundred megabytes.
    pub(crate) decoding: tokio::sync::Semaphore,
}

/// Locks a mutex whose holder may have panicked: what it guards stays usable.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An open room and its server.
pub struct Room {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// A long random code, new for every room: 160 bits in lowercase base32.
pub(crate) fn random_code() -> String {
    let mut bytes = [0u8; 20];
    rand::fill(&mut bytes);
    data_encoding::BASE32_NOPAD.encode(&bytes).to_lowercase()
}

impl Room {
    /// Opens a room in the meeting (written in the network) and serves its page.
    pub async fn open(host: Arc<dyn Host>, options: RoomOptions) -> Result<Room, RoomError> {
        let listener = tokio::net::TcpListener::bind(options.bind)
            .await
            .map_err(|source| RoomError::Bind { bind: options.bind, source })?;
        let addr = listener.local_addr().map_err(|source| RoomError::Bind { bind: options.bind, source })?;
        let opened = host.apply(Edit::OpenRoom { session: options.session.clone(), setup: options.setup.clone() })?;
        let room =
            opened.created().map(RoomId::new).ok_or_else(|| HostError::Other("the room was not opened".into()))?;
        let (events, _) = broadcast::channel(1024);
        let shared = Arc::new(Shared {
            host,
            session: options.session,
            room,
            code: random_code(),
            guests: Mutex::new(HashMap::new()),
            overall: Mutex::new(Bucket::new(ROOM_BURST, ROOM_PER_SECOND)),
            view: Mutex::new(None),
            events,
            closed: AtomicBool::new(false),
            until: Instant::now() + options.open_for,
            photos: options.setup.photos,
            photos_sent: Default::default(),
            decoding: tokio::sync::Semaphore::new(1),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let app = crate::http::router(shared.clone());
        let ending = shared.clone();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app).with_graceful_shutdown(async move {
                tokio::select! {
                    _ = stopped => {}
                    _ = tokio::time::sleep_until(ending.until.into()) => {
                        ending.closed.store(true, Ordering::SeqCst);
                        let _ = ending.events.send(RoomEvent::Ended);
                    }
                }
            });
            if let Err(err) = served.await {
                tracing::warn!("the room's server stopped: {err}");
            }
        });
        Ok(Room { shared, addr, stop: Some(stop), task: Some(task) })
    }

    /// The address the page is served on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's path: `/k/<code>/`.
    pub fn path(&self) -> String {
        format!("/k/{}/", self.shared.code)
    }

    /// The page's address as a phone on the LAN types it (or reads it from the QR code). A room
    /// served on every interface is reached at this laptop's LAN address.
    pub fn url(&self) -> String {
        let ip = if self.addr.ip().is_unspecified() { lan_ip() } else { self.addr.ip() };
        format!("http://{}{}", SocketAddr::new(ip, self.addr.port()), self.path())
    }

    pub fn id(&self) -> &RoomId {
        &self.shared.room
    }

    pub fn session(&self) -> &SessionId {
        &self.shared.session
    }

    /// How many phones joined.
    pub fn guests(&self) -> usize {
        lock(&self.shared.guests).len()
    }

    /// How many photos guests sent (or are sending now).
    pub fn photos(&self) -> usize {
        self.shared.photos_sent.load(Ordering::SeqCst)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<RoomEvent> {
        self.shared.events.subscribe()
    }

    /// What the page shows now (for the window's projector view and tests).
    pub fn view(&self) -> Option<RoomView> {
        crate::http::read_view(&self.shared)
    }

    /// Stops the server (the address answers nothing from then on) and closes the room in the
    /// network, so that no laptop accepts a contribution for it any more.
    pub async fn close(mut self) -> Result<(), RoomError> {
        self.stop_server().await;
        let (session, room) = (self.shared.session.clone(), self.shared.room.clone());
        self.shared.host.apply(Edit::CloseRoom { session, room })?;
        Ok(())
    }

    async fn stop_server(&mut self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            // Open keep-alive connections would hold a graceful stop: a phone's page must
            // not keep the room open, so the server is ended outright after a moment.
            let mut task = task;
            if tokio::time::timeout(std::time::Duration::from_secs(2), &mut task).await.is_err() {
                task.abort();
            }
        }
    }
}

impl Drop for Room {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// This laptop's address on the LAN: the one a packet to the outside would leave from (no
/// packet is sent). Without any network, the loopback address.
fn lan_ip() -> std::net::IpAddr {
    let probe = std::net::UdpSocket::bind("0.0.0.0:0").and_then(|socket| {
        socket.connect("192.0.2.1:9")?;
        socket.local_addr()
    });
    match probe {
        Ok(addr) if !addr.ip().is_unspecified() => addr.ip(),
        _ => std::net::IpAddr::from([127, 0, 0, 1]),
    }
}

impl GuestState {
    pub(crate) fn new(guest: Guest) -> GuestState {
        GuestState {
            guest,
            bucket: Bucket::new(GUEST_BURST, GUEST_PER_SECOND),
            votes: HashSet::new(),
            scored: false,
            texts: 0,
            photos: 0,
        }
    }
}

impl SentContribution {
    pub(crate) fn of(contribution: ContributionId, guest: &Guest, input: &GuestInput) -> SentContribution {
        let (question, text, scores) = match input {
            GuestInput::Vote { question } => (Some(question.clone()), String::new(), BTreeMap::new()),
            GuestInput::Question { text } | GuestInput::Reaction { text } => (None, text.clone(), BTreeMap::new()),
            GuestInput::Score { scores, comment } => (None, comment.clone(), scores.clone()),
            GuestInput::Photo { .. } => (None, String::new(), BTreeMap::new()),
        };
        SentContribution {
            contribution,
            guest: guest.id.clone(),
            name: guest.name.clone(),
            perspective: guest.perspective,
            kind: input.kind(),
            question,
            text,
            scores,
        }
    }
}
