//! Runs the sync protocol ([`PeerConnection`]) over one QUIC bi-stream: reads frames, feeds
//! them in, saves what changed before answering, writes what it has to say, tells it of changes
//! made elsewhere in this node (local edits, other peers) as they happen, and wakes it when it
//! asks to ([`PeerConnection::poll_timeout`]). When changes are passed on, how long a device may
//! stay silent and how large its frames may be is decided there ([`kring_sync::policy`]).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use iroh::endpoint::{Connection, RecvStream, SendStream};
use kring_sync::{Event, FrameReader, Library, Message, PeerAddr, PeerConnection, ProtocolError, Replica, frame};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::error::{NodeError, Result};
use crate::events::{FoundVia, NodeEvent};
use crate::links::Added;
use crate::networks::OneAtATime;
use crate::shared::{Change, Shared};

/// Messages at least this large report their progress, in steps of this many bytes.
const PROGRESS_STEP: usize = 256 * 1024;

/// Whether a connection stays open for live sync or ends once in sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Live,
    UntilInSync,
}

/// How a connection ended, per network it tried to sync.
#[derive(Debug, Default, Clone)]
pub(crate) struct Outcome {
    pub in_sync: BTreeSet<String>,
    pub refused: BTreeSet<String>,
    pub sent_bytes: u64,
    pub received_bytes: u64,
    pub error: Option<String>,
}

struct Driver {
    shared: Arc<Shared>,
    remote: String,
    id: u64,
    protocol: PeerConnection,
    outcome: Outcome,
    /// Networks changes or "in sync" came for on this connection.
    synced: BTreeSet<String>,
    /// Networks the peer refused in a message not yet handled.
    refused_by_peer: BTreeSet<String>,
}

/// The node's networks as the protocol sees them on one connection: one at a time (see
/// [`OneAtATime`]), and where this device itself can be reached when a network opens.
struct NodeLibrary<'a> {
    networks: OneAtATime<'a>,
    shared: &'a Shared,
}

impl<'a> NodeLibrary<'a> {
    fn new(shared: &'a Shared) -> NodeLibrary<'a> {
        NodeLibrary { networks: shared.networks().one_at_a_time(), shared }
    }
}

impl Library for NodeLibrary<'_> {
    fn document(&mut self, network: &str) -> Option<&mut kring_model::automerge::AutoCommit> {
        self.networks.document(network)
    }

    fn replica(&mut self, network: &str) -> Option<Replica<'_>> {
        self.networks.replica(network)
    }

    fn may_sync(&mut self, network: &str, device: &str) -> bool {
        self.networks.may_sync(network, device)
    }

    fn chapter(&mut self, network: &str) -> Option<String> {
        self.networks.chapter(network)
    }

    fn chain(&mut self, network: &str) -> Vec<kring_sync::Handoff> {
        self.networks.chain(network)
    }

    fn next_chapter(&mut self, network: &str) -> Option<kring_sync::NextChapter> {
        self.networks.next_chapter(network)
    }

    fn take_next_chapter(
        &mut self,
        network: &str,
        from: &str,
        next: kring_sync::NextChapter,
    ) -> std::result::Result<kring_model::CarriedOver, String> {
        self.networks.take_next_chapter(network, from, next)
    }

    fn saved_sync_state(&mut self, network: &str, device: &str) -> Option<Vec<u8>> {
        self.networks.saved_sync_state(network, device)
    }

    fn restore_saved(&mut self, network: &str) {
        self.networks.restore_saved(network)
    }

    /// The other member devices of `network` (and this one).
    fn peers(&mut self, network: &str, device: &str) -> Vec<PeerAddr> {
        let own_addr = self.shared.own_peer_addr();
        let own = self.networks.device().to_string();
        let Some(open) = self.networks.open(network) else { return Vec::new() };
        open.peer_addresses(&own, device, own_addr, &self.shared.book())
    }

    fn may_sync_any(&mut self, device: &str) -> bool {
        self.networks.may_sync_any(device)
    }
}

/// The protocol's clock is the runtime's (paused in tests that skip time).
fn now() -> std::time::Instant {
    tokio::time::Instant::now().into_std()
}

async fn sleep_until_some(due: Option<std::time::Instant>) {
    if let Some(due) = due {
        tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
    }
}

/// Runs one connection to its end. `dial` lists the networks to open (dialing side); the
/// accepting side passes `None` and serves what the peer asks for and may have.
pub(crate) async fn run(
    shared: Arc<Shared>,
    conn: Connection,
    dial: Option<Vec<String>>,
    mode: Mode,
    found_via: FoundVia,
) -> Outcome {
    let remote = conn.remote_id().to_string();
    let mut driver = Driver {
        id: shared.next_connection_id(),
        protocol: PeerConnection::new(remote.clone()),
        shared,
        remote,
        outcome: Outcome::default(),
        synced: BTreeSet::new(),
        refused_by_peer: BTreeSet::new(),
    };
    if mode == Mode::Live {
        let own = driver.shared.networks().device().to_string();
        let closer = conn.clone();
        let close = move || closer.close(0u32.into(), b"already connected");
        if driver.shared.links().add(&own, &driver.remote, driver.id, dial.is_some(), close) == Added::Duplicate {
            conn.close(0u32.into(), b"already connected");
            driver.outcome.error = Some("already connected".into());
            return driver.outcome;
        }
    }
    // Every connection says when it opens and ends, with its id: a device is online while one
    // of them is open, whatever order the events of two connections arrive in.
    let (endpoint, connection) = (driver.remote.clone(), driver.id);
    driver.shared.emit(NodeEvent::PeerConnected { endpoint, connection, found_via });
    let streams = match &dial {
        Some(_) => conn.open_bi().await.map_err(NodeError::connection),
        // The stream only arrives with the peer's first bytes.
        None => driver.accept_stream(&conn).await,
    };
    let result = match streams {
        Ok((mut send, recv)) => {
            let result = driver.drive(&mut send, recv, dial, mode).await;
            // Let the peer receive everything written (a refusal, the last changes) before
            // the connection goes away; bounded, a vanished peer does not hold us up.
            if send.finish().is_ok() {
                let _ = tokio::time::timeout(Duration::from_secs(3), send.stopped()).await;
            }
            result
        }
        Err(err) => Err(err),
    };
    driver.save_sync_states();
    // What the peer sent that still waits for earlier changes goes with it.
    driver.protocol.release(&mut NodeLibrary::new(&driver.shared));
    let reason = match result {
        Ok(()) => "done".to_string(),
        Err(err) => {
            // May quote the peer (its reason for closing, a network it named).
            let error = crate::short::shorten_to(&err.to_string(), 160).into_owned();
            driver.outcome.error = Some(error.clone());
            error
        }
    };
    match mode {
        Mode::Live => driver.shared.links().remove(&driver.remote, driver.id),
        Mode::UntilInSync => conn.close(0u32.into(), b"in sync"),
    }
    driver.shared.emit(NodeEvent::PeerDisconnected {
        endpoint: driver.remote.clone(),
        connection: driver.id,
        reason,
        sent_bytes: driver.outcome.sent_bytes,
        received_bytes: driver.outcome.received_bytes,
    });
    driver.outcome
}

impl Driver {
    /// The peer's stream, which arrives with its first bytes; a device that sends none in
    /// time is ended (see [`PeerConnection::expect_first_message`]).
    async fn accept_stream(&mut self, conn: &Connection) -> Result<(SendStream, RecvStream)> {
        self.protocol.expect_first_message(now());
        loop {
            let due = self.protocol.poll_timeout();
            tokio::select! {
                accepted = conn.accept_bi() => return accepted.map_err(NodeError::connection),
                _ = sleep_until_some(due), if due.is_some() => {
                    if self.handle_timeout().is_err() {
                        return Err(NodeError::connection("the device connected but said nothing"));
                    }
                }
            }
        }
    }

    async fn drive(
        &mut self,
        send: &mut SendStream,
        mut recv: RecvStream,
        dial: Option<Vec<String>>,
        mode: Mode,
    ) -> Result<()> {
        let mut changes = self.shared.changes.subscribe();
        match dial {
            Some(networks) => {
                let mut library = NodeLibrary::new(&self.shared);
                for network in &networks {
                    self.protocol.dial(network, &mut library);
                }
            }
            // Until the first whole message: a peer that sends a few bytes and then nothing is
            // dropped like a silent one.
            None => self.protocol.expect_first_message(now()),
        }
        self.after_input()?;
        let mut reader = FrameReader::with_limit(self.protocol.frame_limit());
        let mut reported = 0;
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            self.flush(send).await?;
            if mode == Mode::UntilInSync && self.settled() {
                return Ok(());
            }
            let due = self.protocol.poll_timeout();
            tokio::select! {
                read = recv.read(&mut buffer) => match read.map_err(NodeError::connection)? {
                    None => return Ok(()),
                    Some(n) => {
                        self.outcome.received_bytes += n as u64;
                        reader.push(&buffer[..n]);
                        while let Some(message) = self.next_message(&mut reader)? {
                            let (message, ahead) = self.check_ahead(message).await?;
                            if let Err(err) = self.receive(message, ahead) {
                                if matches!(err, NodeError::Protocol(ProtocolError::Stranger)) {
                                    // It gets the refusal and nothing more: not another byte read.
                                    self.flush(send).await?;
                                }
                                return Err(err);
                            }
                        }
                        self.report_progress(&reader, &mut reported);
                    }
                },
                change = changes.recv() => {
                    if !self.take_changes(change, &mut changes) {
                        return Ok(());
                    }
                    self.after_input()?;
                },
                _ = sleep_until_some(due), if due.is_some() => {
                    let timed_out = self.handle_timeout();
                    self.after_input()?;
                    timed_out?;
                },
            }
        }
    }

    /// Lets the protocol do what is due now (pass on relayed changes, end a silent device).
    fn handle_timeout(&mut self) -> Result<()> {
        Ok(self.protocol.handle_timeout(now(), &mut NodeLibrary::new(&self.shared))?)
    }

    /// Takes `first` and every change already queued behind it, so that a burst of changes
    /// costs the peer one message, not one each. Networks edited on this device are passed on
    /// at once; changes from other peers wait in the protocol (see
    /// [`PeerConnection::changed_elsewhere`]). `false` once the node is shutting down.
    fn take_changes(
        &mut self,
        first: std::result::Result<Change, RecvError>,
        changes: &mut broadcast::Receiver<Change>,
    ) -> bool {
        let mut own_edits = BTreeSet::new();
        let mut next = Some(first);
        let now = now();
        while let Some(change) = next {
            match change {
                Ok(Change { network, from_peer: None }) => {
                    own_edits.insert(network);
                }
                Ok(Change { network, from_peer: Some(connection) }) if connection != self.id => {
                    self.protocol.changed_elsewhere(&network, now);
                }
                Ok(_) => {}
                // Missed some: any open network may have changed.
                Err(RecvError::Lagged(_)) => own_edits.extend(self.protocol.open_networks().map(str::to_string)),
                Err(RecvError::Closed) => return false,
            }
            next = match changes.try_recv() {
                Ok(change) => Some(Ok(change)),
                Err(TryRecvError::Lagged(n)) => Some(Err(RecvError::Lagged(n))),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Closed) => Some(Err(RecvError::Closed)),
            };
        }
        if !own_edits.is_empty() {
            let mut library = NodeLibrary::new(&self.shared);
            for network in &own_edits {
                self.protocol.changed_here(network, &mut library);
            }
        }
        true
    }

    /// Tells how much of a large incoming message has arrived, every [`PROGRESS_STEP`] bytes.
    fn report_progress(&self, reader: &FrameReader, reported: &mut usize) {
        let Some((received, total)) = reader.pending() else {
            *reported = 0;
            return;
        };
        if total >= PROGRESS_STEP && (received < *reported || received - *reported >= PROGRESS_STEP) {
            *reported = received;
            let (received, total) = (received as u64, total as u64);
            self.shared.emit(NodeEvent::Progress { endpoint: self.remote.clone(), received, total });
        }
    }

    /// The next whole message, no larger than the protocol takes from this device now (see
    /// [`PeerConnection::frame_limit`]).
    fn next_message(&mut self, reader: &mut FrameReader) -> Result<Option<Message>> {
        reader.set_limit(self.protocol.frame_limit());
        Ok(reader.next_message()?)
    }

    /// Checks the whole of a next chapter a member device offers before the network's lock is
    /// taken for it (see [`crate::chapters::CheckedAhead`]), on a thread where it holds up no
    /// connection. Any other message, and one from a device that may not sync that network
    /// (refused unread), comes back as it is.
    async fn check_ahead(&self, message: Message) -> Result<(Message, Option<crate::chapters::CheckedAhead>)> {
        // (An older Kring's `NextChapter` is checked under the lock, as before.)
        let Message::Way { network, .. } = &message else { return Ok((message, None)) };
        let networks = self.shared.networks();
        let now = {
            let Some(mut open) = networks.lock(network) else { return Ok((message, None)) };
            if !self.protocol.is_trusted() || !open.may_sync(&self.remote) {
                return Ok((message, None));
            }
            Some(open.network.fork())
        };
        let device = networks.device().to_string();
        let checked = tokio::task::spawn_blocking(move || {
            let ahead = match &message {
                Message::Way { network, next } => Some(crate::chapters::check_ahead(network, next, &device, now)),
                _ => None,
            };
            (message, ahead)
        });
        // A check that panicked took the message with it: the connection ends.
        checked.await.map_err(|_| NodeError::connection("checking the next chapter the device offered failed"))
    }

    /// Handles one message. An error ends the connection; [`ProtocolError::Stranger`] once
    /// the refusal is sent.
    fn receive(&mut self, message: Message, ahead: Option<crate::chapters::CheckedAhead>) -> Result<()> {
        if let Message::Refused { network } = &message {
            self.refused_by_peer.insert(network.clone());
        }
        let received = {
            let mut library = NodeLibrary::new(&self.shared);
            library.networks.checked_ahead = ahead;
            self.protocol.handle_message(message, &mut library)
        };
        // Even when the message ends the connection, what it brought before that is saved.
        self.after_input()?;
        Ok(received?)
    }

    /// Handles the protocol's events: saves received changes *before* the answer that
    /// acknowledges them is sent, then tells the rest of the node.
    fn after_input(&mut self) -> Result<()> {
        while let Some(event) = self.protocol.poll_event() {
            match event {
                Event::Changed { network } => {
                    // Made durable before this connection answers (the peer may then forget it).
                    let appended = self.shared.networks().append(&network)?;
                    self.shared.offer_and_keep(&network, Some(self.id), appended)?;
                    self.synced.insert(network.clone());
                    let (endpoint, connection) = (self.remote.clone(), self.id);
                    self.shared.emit(NodeEvent::Received { network, endpoint, connection });
                }
                Event::InSync { network } => {
                    let heard = self.shared.networks().in_sync_with(&network, &self.remote);
                    if let Some(chapter) = heard {
                        let endpoint = self.remote.clone();
                        self.shared.emit(NodeEvent::PeerChapter { network: network.clone(), endpoint, chapter });
                    }
                    let at = crate::invite::now_millis();
                    self.synced.insert(network.clone());
                    let (endpoint, connection) = (self.remote.clone(), self.id);
                    self.shared.emit(NodeEvent::InSync { network, endpoint, connection, at });
                }
                Event::Refused { network } => {
                    self.outcome.refused.insert(network.clone());
                    if self.refused_by_peer.remove(&network) && self.was_synced(&network) {
                        self.shared
                            .emit(NodeEvent::Removed { network: network.clone(), endpoint: self.remote.clone() });
                    }
                    self.shared.emit(NodeEvent::Refused { network, endpoint: self.remote.clone() });
                }
                Event::Peers { network, peers } => self.shared.learn_peers(&network, &peers),
                Event::Switched { network, carried } => {
                    self.shared.keep_first_view(&network);
                    let number = self.shared.networks().lock(&network).map_or(0, |open| open.network.chapter().number);
                    // The other connections open the network again, in its new chapter.
                    self.shared.publish(Change { network: network.clone(), from_peer: Some(self.id) });
                    self.shared.emit(NodeEvent::ChapterSwitched {
                        network,
                        number,
                        endpoint: Some(self.remote.clone()),
                        carried_over: carried.texts + carried.values,
                        left_out: carried.left_out,
                        displaced: carried.displaced,
                    });
                }
                Event::ConcurrentChapters { network, won } => {
                    let (number, by) = self.shared.networks().lock(&network).map_or((0, String::new()), |open| {
                        let chapter = open.network.chapter();
                        let members = open.network.members().unwrap_or_default();
                        let by = chapter.started_by.and_then(|by| members.get(&by).map(|m| m.name.clone()));
                        (chapter.number, by.unwrap_or_default())
                    });
                    let endpoint = self.remote.clone();
                    self.shared.emit(NodeEvent::ConcurrentChapters { network, number, by, switched: !won, endpoint });
                }
                Event::PeerChapter { network, chapter } => {
                    self.shared.networks().heard_chapter(&network, &self.remote, &chapter);
                    self.shared.emit(NodeEvent::PeerChapter { network, endpoint: self.remote.clone(), chapter });
                }
                Event::OtherChapter { network } => {
                    self.outcome.refused.insert(network.clone());
                    self.shared.emit(NodeEvent::OtherChapter { network, endpoint: self.remote.clone() });
                }
                Event::TooMuchWaiting { network, bytes, max } => {
                    tracing::warn!(
                        "network {}: device {} sent {bytes} bytes of changes built on changes it never sent (at most {max} are held); refused",
                        crate::short::shorten(&network),
                        crate::short::shorten(&self.remote)
                    );
                    let (bytes, max) = (bytes as u64, max as u64);
                    self.shared.emit(NodeEvent::TooMuchWaiting { network, endpoint: self.remote.clone(), bytes, max });
                }
                Event::Distrusted { network, reason } => {
                    tracing::warn!("network {}: {}", crate::short::shorten(&network), reason);
                    let (member, breach) = match &reason {
                        kring_sync::Distrust::Rules(refusal) => {
                            (refusal.member.as_ref().map(|(id, _)| id.to_string()), Some(refusal.breach))
                        }
                        kring_sync::Distrust::Unsigned { .. } => (None, None),
                    };
                    let reason = reason.to_string();
                    self.shared.emit(NodeEvent::Distrusted {
                        network,
                        endpoint: self.remote.clone(),
                        reason,
                        member,
                        breach,
                    });
                }
            }
        }
        Ok(())
    }

    async fn flush(&mut self, send: &mut SendStream) -> Result<()> {
        while let Some(message) = self.protocol.poll_transmit() {
            let bytes = frame::encode(&message);
            self.outcome.sent_bytes += bytes.len() as u64;
            send.write_all(&bytes).await.map_err(NodeError::connection)?;
        }
        Ok(())
    }

    /// Every network this side asked for is in sync or refused.
    fn settled(&mut self) -> bool {
        self.protocol.settled(&mut NodeLibrary::new(&self.shared))
    }

    /// Whether the peer synced `network` with this device before: on this connection, or on an
    /// earlier one (its saved sync state holds heads both had). A peer that did and refuses it
    /// now was told this device's member was removed; one that never did may only lack news of
    /// its joining.
    fn was_synced(&mut self, network: &str) -> bool {
        if self.synced.contains(network) {
            return true;
        }
        let Some(mut open) = self.shared.networks().lock(network) else { return false };
        let saved = open.store.read_sync_state(&self.remote);
        let decoded = saved.and_then(|bytes| kring_model::automerge::sync::State::decode(&bytes).ok());
        // Refused by a device this one holds a member's: not a refusal on both sides.
        decoded.is_some_and(|state| !state.shared_heads.is_empty()) && open.may_sync(&self.remote)
    }

    /// Keeps each network's sync state for the next connection, and notes where we ended.
    fn save_sync_states(&mut self) {
        let mut library = NodeLibrary::new(&self.shared);
        let networks: Vec<String> = self.protocol.open_networks().map(str::to_string).collect();
        for network in networks {
            if self.protocol.in_sync(&network, &mut library) {
                self.outcome.in_sync.insert(network.clone());
            }
            if let Some(state) = self.protocol.sync_state(&network)
                && let Some(open) = library.networks.open(&network)
            {
                open.keep_sync_state(&self.remote, &state);
            }
        }
    }
}
