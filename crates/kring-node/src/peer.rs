//! Runs the sync protocol ([`PeerConnection`]) over one QUIC bi-stream: reads frames, feeds
//! them in, saves what changed before answering, writes what it has to say, and relays changes
//! made elsewhere in this node (local edits, other peers) as they happen.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use iroh::endpoint::{Connection, RecvStream, SendStream};
use kring_sync::{Event, FrameReader, Library, MAX_FRAME, Message, PeerAddr, PeerConnection, frame};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::error::{NodeError, Result};
use crate::events::{FoundVia, NodeEvent};
use crate::links::Added;
use crate::networks::Networks;
use crate::shared::{Change, Shared};

/// A device that connects must say something within this time: a silent one would hold a
/// connection (and its memory) for ever.
const FIRST_MESSAGE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long changes from other peers wait before they are passed on (see [`Relay`]); edits
/// made on this device go out at once.
const RELAY_DELAY: Duration = Duration::from_millis(100);

/// Messages at least this large report their progress, in steps of this many bytes.
const PROGRESS_STEP: usize = 256 * 1024;

/// The largest frame a device may send until it has opened a network it may sync: room for an
/// `Open` naming a network, nothing a stranger could fill memory with. From then on frames may
/// be [`MAX_FRAME`] (a whole network on a first sync).
const STRANGER_FRAME: usize = 256;

/// Network ids are 32 hex digits. A message naming a longer one is not from a Kring peer and
/// ends the connection; its name is neither logged nor echoed in a refusal.
const MAX_NETWORK_ID: usize = 64;

/// Whether a connection stays open for live sync or ends once in sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Live,
    UntilInSync,
}

/// How a connection ended, per network it tried to sync.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
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
    /// Networks this side asked for (dialer) — the ones that must reach a verdict.
    wanted: BTreeSet<String>,
    relay: Relay,
    /// The device has opened a network it may sync here, or is a member device of one: it may
    /// send frames of any size. Until then only an `Open` of at most [`STRANGER_FRAME`] bytes.
    trusted: bool,
    /// Networks changes or "in sync" came for on this connection.
    synced: BTreeSet<String>,
    /// Networks the peer refused in a message not yet handled.
    refused_by_peer: BTreeSet<String>,
}

/// Changes that reached this node from other peers wait [`RELAY_DELAY`] before they are passed
/// on to this one: when everyone is connected to everyone (a meeting on one LAN), the peer has
/// usually got them from the writer by then, and said so, and they are not sent twice.
#[derive(Default)]
struct Relay {
    networks: BTreeSet<String>,
    due: Option<tokio::time::Instant>,
}

impl Relay {
    fn add(&mut self, network: String) {
        self.networks.insert(network);
        self.due.get_or_insert_with(|| tokio::time::Instant::now() + RELAY_DELAY);
    }

    fn remove(&mut self, network: &str) {
        self.networks.remove(network);
        if self.networks.is_empty() {
            self.due = None;
        }
    }
}

/// Tells the peer where the other member devices of `network` (and this one) can be reached.
fn share_peers(protocol: &mut PeerConnection, library: &mut Networks, own: Option<PeerAddr>, network: &str) {
    let peers = library.peer_addresses(network, protocol.remote(), own);
    protocol.share_peers(network, peers, library);
}

async fn sleep_until_some(due: Option<tokio::time::Instant>) {
    if let Some(due) = due {
        tokio::time::sleep_until(due).await;
    }
}

/// Runs one connection to its end. `dial` lists the networks to open (dialing side); the
/// accepting side passes `None` and serves what the peer asks for and may have.
pub async fn run(
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
        wanted: dial.iter().flatten().cloned().collect(),
        relay: Relay::default(),
        trusted: false,
        synced: BTreeSet::new(),
        refused_by_peer: BTreeSet::new(),
    };
    if mode == Mode::Live {
        let own = driver.shared.lock().device.clone();
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
        None => match tokio::time::timeout(FIRST_MESSAGE_TIMEOUT, conn.accept_bi()).await {
            Ok(accepted) => accepted.map_err(NodeError::connection),
            Err(_) => Err(NodeError::connection("the device connected but said nothing")),
        },
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
    driver.protocol.release(&mut *driver.shared.lock());
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
    async fn drive(
        &mut self,
        send: &mut SendStream,
        mut recv: RecvStream,
        dial: Option<Vec<String>>,
        mode: Mode,
    ) -> Result<()> {
        let mut changes = self.shared.changes.subscribe();
        let mut heard = dial.is_some();
        if let Some(networks) = dial {
            let mut library = self.shared.lock();
            for network in &networks {
                self.protocol.open(network, &mut *library);
                share_peers(&mut self.protocol, &mut library, self.shared.own_peer_addr(), network);
            }
        }
        self.after_input()?;
        let mut reader = FrameReader::with_limit(STRANGER_FRAME);
        let mut reported = 0;
        // Until the first whole message (accepting side only): a peer that sends a few bytes
        // and then nothing is dropped like a silent one.
        let first_message_by = tokio::time::Instant::now() + FIRST_MESSAGE_TIMEOUT;
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            self.flush(send).await?;
            if mode == Mode::UntilInSync && self.all_settled() {
                return Ok(());
            }
            tokio::select! {
                read = recv.read(&mut buffer) => match read.map_err(NodeError::connection)? {
                    None => return Ok(()),
                    Some(n) => {
                        self.outcome.received_bytes += n as u64;
                        reader.push(&buffer[..n]);
                        while let Some(message) = self.next_message(&mut reader)? {
                            heard = true;
                            let (message, ahead) = self.check_ahead(message).await?;
                            if self.receive(message, ahead)? {
                                // It gets the refusal and nothing more: not another byte read.
                                self.flush(send).await?;
                                return Err(NodeError::connection("refused a device that is a member of no network here"));
                            }
                        }
                        self.report_progress(&reader, &mut reported);
                    }
                },
                change = changes.recv() => {
                    let Some(own_edits) = self.take_changes(change, &mut changes) else { return Ok(()) };
                    self.pass_on(own_edits, false)?;
                },
                _ = sleep_until_some(self.relay.due), if self.relay.due.is_some() => {
                    let relayed = std::mem::take(&mut self.relay.networks);
                    self.relay.due = None;
                    self.pass_on(relayed, true)?;
                },
                _ = tokio::time::sleep_until(first_message_by), if !heard => {
                    return Err(NodeError::connection("the device sent no whole message"));
                }
            }
        }
    }

    /// Takes `first` and every change already queued behind it, so that a burst of changes
    /// costs the peer one message, not one each. Returns the networks edited on this device,
    /// to pass on at once; changes from other peers wait in `self.relay`. `None` once the node
    /// is shutting down.
    fn take_changes(
        &mut self,
        first: std::result::Result<Change, RecvError>,
        changes: &mut broadcast::Receiver<Change>,
    ) -> Option<BTreeSet<String>> {
        let mut own_edits = BTreeSet::new();
        let mut next = Some(first);
        while let Some(change) = next {
            match change {
                Ok(Change { network, from_peer: None }) => {
                    own_edits.insert(network);
                }
                Ok(Change { network, from_peer: Some(connection) }) if connection != self.id => {
                    self.relay.add(network);
                }
                Ok(_) => {}
                // Missed some: any open network may have changed.
                Err(RecvError::Lagged(_)) => own_edits.extend(self.protocol.open_networks().map(str::to_string)),
                Err(RecvError::Closed) => return None,
            }
            next = match changes.try_recv() {
                Ok(change) => Some(Ok(change)),
                Err(TryRecvError::Lagged(n)) => Some(Err(RecvError::Lagged(n))),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Closed) => Some(Err(RecvError::Closed)),
            };
        }
        Some(own_edits)
    }

    /// Offers the peer what changed in `networks`: the changes themselves when they were made
    /// here, our heads when they came from another peer (`relayed`).
    fn pass_on(&mut self, networks: BTreeSet<String>, relayed: bool) -> Result<()> {
        if networks.is_empty() {
            return Ok(());
        }
        let mut library = self.shared.lock();
        for network in &networks {
            if self.protocol.is_open(network) {
                if relayed {
                    self.protocol.relayed_change(network, &mut *library);
                } else {
                    self.protocol.local_change(network, &mut *library);
                }
            } else if library.may_sync(network, &self.remote) {
                // A network this device joined (or the peer was let into) after the connection
                // opened, or one the peer refused before it had joined.
                self.protocol.open(network, &mut *library);
                share_peers(&mut self.protocol, &mut library, self.shared.own_peer_addr(), network);
            }
        }
        drop(library);
        self.after_input()
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

    /// The next whole message. Frames may be large once the device is trusted (see
    /// [`Driver::trusted`]): a network it may sync is open on this connection.
    fn next_message(&mut self, reader: &mut FrameReader) -> Result<Option<Message>> {
        self.trusted |= self.protocol.open_networks().next().is_some();
        reader.set_limit(if self.trusted { MAX_FRAME } else { STRANGER_FRAME });
        Ok(reader.next_message()?)
    }

    /// Checks the whole of a next chapter a member device offers before the node's lock is
    /// taken for it (see [`crate::chapters::CheckedAhead`]), on a thread where it holds up no
    /// connection. Any other message, and one from a device that may not sync that network
    /// (refused unread), comes back as it is.
    async fn check_ahead(&self, message: Message) -> Result<(Message, Option<crate::chapters::CheckedAhead>)> {
        // (An older Kring's `NextChapter` is checked under the lock, as before.)
        let Message::Way { network, .. } = &message else { return Ok((message, None)) };
        let device = {
            let mut library = self.shared.lock();
            if !self.trusted || !library.may_sync(network, &self.remote) {
                return Ok((message, None));
            }
            library.device.clone()
        };
        let checked = tokio::task::spawn_blocking(move || {
            let ahead = match &message {
                Message::Way { network, next } => Some(crate::chapters::check_ahead(network, next, &device)),
                _ => None,
            };
            (message, ahead)
        });
        // A check that panicked took the message with it: the connection ends.
        checked.await.map_err(|_| NodeError::connection("checking the next chapter the device offered failed"))
    }

    /// Handles one message. `Ok(true)`: the device was refused and is a member of no network
    /// here (a stranger); the connection ends once the refusal is sent.
    fn receive(&mut self, message: Message, ahead: Option<crate::chapters::CheckedAhead>) -> Result<bool> {
        if message.network().len() > MAX_NETWORK_ID {
            return Err(NodeError::connection("the device named a network by an overlong id"));
        }
        if !self.trusted && !matches!(message, Message::Open { .. }) {
            return Err(NodeError::connection("the device sent a message before opening a network"));
        }
        match &message {
            // The answer to it carries everything this side has for the peer.
            Message::Sync { network, .. } => self.relay.remove(network),
            Message::Refused { network } => {
                self.refused_by_peer.insert(network.clone());
            }
            _ => {}
        }
        let opened = match &message {
            Message::Open { network, .. } => Some(network.clone()),
            _ => None,
        };
        let mut stranger = false;
        let received = {
            let mut library = self.shared.lock();
            library.checked_ahead = ahead;
            let received = self.protocol.receive(message, &mut *library);
            library.checked_ahead = None;
            if received.is_ok()
                && let Some(network) = opened
            {
                if self.protocol.is_open(&network) {
                    share_peers(&mut self.protocol, &mut library, self.shared.own_peer_addr(), &network);
                } else if !self.trusted {
                    // Refused. A member device of another network here is no stranger: it may
                    // open that one next, and its messages for this one are read and ignored.
                    let ids = library.ids();
                    self.trusted = ids.iter().any(|id| library.may_sync(id, &self.remote));
                    stranger = !self.trusted;
                }
            }
            received
        };
        // Even when the message ends the connection, what it brought before that is saved.
        self.after_input()?;
        received?;
        Ok(stranger)
    }

    /// Handles the protocol's events: saves received changes *before* the answer that
    /// acknowledges them is sent, then tells the rest of the node.
    fn after_input(&mut self) -> Result<()> {
        while let Some(event) = self.protocol.poll_event() {
            match event {
                Event::Changed { network } => {
                    self.shared.lock().persist(&network)?;
                    self.shared.publish(Change { network: network.clone(), from_peer: Some(self.id) });
                    self.synced.insert(network.clone());
                    let (endpoint, connection) = (self.remote.clone(), self.id);
                    self.shared.emit(NodeEvent::Received { network, endpoint, connection });
                }
                Event::InSync { network } => {
                    let heard = self.shared.lock().in_sync_with(&network, &self.remote);
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
                Event::Peers { network, peers } => self.shared.lock().learn_peers(&network, &peers),
                Event::Switched { network, carried } => {
                    self.shared.keep_first_view(&network);
                    let number = self.shared.lock().get_mut(&network).map_or(0, |open| open.network.chapter().number);
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
                    let (number, by) = self.shared.lock().get_mut(&network).map_or((0, String::new()), |open| {
                        let chapter = open.network.chapter();
                        let members = open.network.members().unwrap_or_default();
                        let by = chapter.started_by.and_then(|by| members.get(&by).map(|m| m.name.clone()));
                        (chapter.number, by.unwrap_or_default())
                    });
                    let endpoint = self.remote.clone();
                    self.shared.emit(NodeEvent::ConcurrentChapters { network, number, by, switched: !won, endpoint });
                }
                Event::PeerChapter { network, chapter } => {
                    self.shared.lock().heard_chapter(&network, &self.remote, &chapter);
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
    fn all_settled(&mut self) -> bool {
        let mut library = self.shared.lock();
        self.wanted
            .iter()
            .all(|network| self.outcome.refused.contains(network) || self.protocol.in_sync(network, &mut *library))
    }

    /// Whether the peer synced `network` with this device before: on this connection, or on an
    /// earlier one (its saved sync state holds heads both had). A peer that did and refuses it
    /// now was told this device's member was removed; one that never did may only lack news of
    /// its joining.
    fn was_synced(&mut self, network: &str) -> bool {
        if self.synced.contains(network) {
            return true;
        }
        let mut library = self.shared.lock();
        let saved = library.saved_sync_state(network, &self.remote);
        let decoded = saved.and_then(|bytes| kring_model::automerge::sync::State::decode(&bytes).ok());
        // Refused by a device this one holds a member's: not a refusal on both sides.
        decoded.is_some_and(|state| !state.shared_heads.is_empty()) && library.may_sync(network, &self.remote)
    }

    /// Keeps each network's sync state for the next connection, and notes where we ended.
    fn save_sync_states(&mut self) {
        let mut library = self.shared.lock();
        let networks: Vec<String> = self.protocol.open_networks().map(str::to_string).collect();
        for network in networks {
            if self.protocol.in_sync(&network, &mut *library) {
                self.outcome.in_sync.insert(network.clone());
            }
            if let Some(state) = self.protocol.sync_state(&network) {
                library.sync_state_saved(&network, &self.remote, &state);
            }
        }
    }
}
