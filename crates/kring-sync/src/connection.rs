//! One connection to one peer device, syncing any number of networks: the whole protocol, with
//! no sockets and no async. A driver feeds it the messages that arrive and sends what
//! [`PeerConnection::poll_transmit`] returns; the node reacts to [`Event`]s.
//!
//! Access is checked on both sides, every time: a network is only synced with a device that
//! [`Library::may_sync`] accepts, and it stops the moment that answer changes (a member was
//! removed). A refused peer receives [`Message::Refused`] and not one byte of the document.
//!
//! What happens over time is decided here too (see [`crate::policy`]): a driver sleeps until
//! [`PeerConnection::poll_timeout`] and then calls [`PeerConnection::handle_timeout`], passing
//! the time in; the protocol never reads a clock.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use automerge::sync::{self, SyncDoc};
use automerge::{AutoCommit, ChangeHash};
use iroh_base::SecretKey;
use kring_model::CarriedOver;
use kring_model::trust::RuleBook;

use crate::chain::{self, Standing};
use crate::chapter::{Handoff, NextChapter};
use crate::frame::MAX_FRAME;
use crate::policy::{FIRST_MESSAGE_TIMEOUT, MAX_NETWORK_ID, Policy, STRANGER_FRAME};
use crate::signed::{self, Distrust, SignatureBook};
use crate::untrusted::catch_automerge_panic;
use crate::waiting;
use crate::wire::{Message, PeerAddr};

/// One network as the protocol checks and signs it: the document, the signatures this laptop
/// keeps to pass on others' changes, the rules, and this device's key.
pub struct Replica<'a> {
    pub doc: &'a mut AutoCommit,
    pub signatures: &'a mut SignatureBook,
    pub rules: &'a mut RuleBook,
    pub key: &'a SecretKey,
}

/// Everything of a [`Replica`] but the document: for a library that keeps one network's
/// document itself (tests, the bench, tools).
pub struct Checks {
    pub signatures: SignatureBook,
    pub rules: RuleBook,
    pub key: SecretKey,
}

impl Checks {
    pub fn new(key: SecretKey) -> Checks {
        Checks { signatures: SignatureBook::default(), rules: RuleBook::default(), key }
    }

    pub fn replica<'a>(&'a mut self, doc: &'a mut AutoCommit) -> Replica<'a> {
        Replica { doc, signatures: &mut self.signatures, rules: &mut self.rules, key: &self.key }
    }
}

/// What the connection needs from the node that owns the documents.
pub trait Library {
    /// The document of a network this device holds.
    fn document(&mut self, network: &str) -> Option<&mut AutoCommit>;
    /// The same network with what checking and signing its changes needs.
    fn replica(&mut self, network: &str) -> Option<Replica<'_>>;
    /// Whether `device` may sync `network`: it is a device of a current member.
    fn may_sync(&mut self, network: &str, device: &str) -> bool;
    /// The chapter of `network` this device holds (empty for a network's first chapter).
    fn chapter(&mut self, network: &str) -> Option<String> {
        self.document(network).map(|doc| kring_model::chapter_id_of(doc))
    }
    /// The hand-offs from the network's first chapter to the one this device holds, as far as
    /// it keeps them (see [`crate::chain`]).
    fn chain(&mut self, _network: &str) -> Vec<Handoff> {
        Vec::new()
    }
    /// For a member device on a chapter that [`crate::chain::standing`] says this device's goes
    /// on from or wins against: this device's chain and its chapter whole. (A library that
    /// never switches has none.)
    fn next_chapter(&mut self, _network: &str) -> Option<NextChapter> {
        None
    }
    /// Member device `from` offered the chapter of `network` it holds: check it and switch to
    /// it, carrying this device's offline work over. `Err` says why it was not taken.
    fn take_next_chapter(&mut self, _network: &str, _from: &str, _next: NextChapter) -> Result<CarriedOver, String> {
        Err("this device does not switch chapters".into())
    }
    /// What [`PeerConnection::sync_state`] gave at the end of the last connection with `device`,
    /// so that reconnecting costs a few hundred bytes instead of a summary of all history.
    fn saved_sync_state(&mut self, network: &str, device: &str) -> Option<Vec<u8>>;
    /// Automerge failed part-way through applying a peer's changes to `network`, so the
    /// document in memory may be damaged: replace it with the last one saved. (Everything the
    /// protocol reports as [`Event::Changed`] is saved before the next message is handled.)
    fn restore_saved(&mut self, network: &str);
    /// Where member devices of `network` other than `device` (this one included) can be
    /// reached: told to `device` when the network opens with it. (A library that knows no
    /// addresses has none.)
    fn peers(&mut self, _network: &str, _device: &str) -> Vec<PeerAddr> {
        Vec::new()
    }
    /// Whether `device` may sync any network this device holds: refused one network, it is
    /// still no stranger. (A library that holds one network has answered with
    /// [`Library::may_sync`] already.)
    fn may_sync_any(&mut self, _device: &str) -> bool {
        false
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// New changes from the peer were applied: save them, then tell the other connections.
    Changed { network: String },
    /// Both sides hold the same heads of this network.
    InSync { network: String },
    /// This network is not synced with this peer (stranger, removed member, unknown network).
    Refused { network: String },
    /// The peer told us where member devices of this network can be reached.
    Peers { network: String, peers: Vec<PeerAddr> },
    /// The peer sent changes that Kring refuses (unsigned, or breaking the rules). Nothing of
    /// them was kept, and the connection is closed.
    Distrusted { network: String, reason: Distrust },
    /// This device switched to the network's next chapter, which the peer gave it, and carried
    /// this much of its offline work over.
    Switched { network: String, carried: CarriedOver },
    /// The peer holds the network in another chapter, and neither side could show the way from
    /// the other's: nothing is synced.
    OtherChapter { network: String },
    /// Two coordinators each began a chapter from the same one. `won`: this device's chapter
    /// goes on (the peer is given it); otherwise this device just switched to the peer's
    /// ([`Event::Switched`] says what it carried over).
    ConcurrentChapters { network: String, won: bool },
    /// The peer sent more changes built on changes it never sent than Kring holds for one
    /// connection (or one network): `bytes` of them, `max` allowed. What it sent that is still
    /// waiting was dropped, and the connection is closed.
    TooMuchWaiting { network: String, bytes: usize, max: usize },
    /// The peer said which chapter of the network it holds (so the interface can show who has
    /// switched to a new one).
    PeerChapter { network: String, chapter: String },
}

#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("the peer sent a sync message for network {0}, which was never opened")]
    NotOpen(String),
    #[error("the peer sent an unreadable sync message for network {network}: {reason}")]
    BadSyncMessage { network: String, reason: String },
    #[error("{0}")]
    Distrusted(Distrust),
    #[error("the peer offered a next chapter of network {network} that Kring does not take: {reason}")]
    BadChapter { network: String, reason: String },
    #[error(
        "device {device} sent {bytes} bytes of changes to network {network} that build on changes it never sent; at most {max} are held"
    )]
    TooMuchWaiting { network: String, device: String, bytes: usize, max: usize },
    #[error("the device named a network by an overlong id")]
    OverlongNetworkId,
    #[error("the device sent a message before opening a network")]
    BeforeOpen,
    /// The device may sync no network here: its refusal waits in
    /// [`PeerConnection::poll_transmit`]. Send it, then close; not another byte is read.
    #[error("refused a device that is a member of no network here")]
    Stranger,
    /// The device connected and sent no whole message within [`FIRST_MESSAGE_TIMEOUT`].
    #[error("the device sent no whole message")]
    Silent,
}

/// What a message about a change on this side offers the peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Offer {
    /// The changes it lacks, as far as we know: for edits made here, and answers.
    Changes,
    /// Our heads and a summary of what we have; the peer asks for what it lacks.
    Heads,
}

/// Automerge sync state for one network with one peer.
struct NetworkSync {
    /// The chapter both sides hold; messages for another are stale and ignored.
    chapter: String,
    state: sync::State,
    /// The peer told us it will not sync this network (or we stopped it).
    closed: bool,
    reported_in_sync: bool,
    /// This side sent the peer its chain for this network (once is enough).
    told_chain: bool,
}

/// Tells connections apart: what each one sent that waits for earlier changes is counted
/// against it (see [`crate::waiting`]).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

pub struct PeerConnection {
    id: u64,
    remote: String,
    networks: BTreeMap<String, NetworkSync>,
    outbox: VecDeque<Message>,
    events: VecDeque<Event>,
    policy: Policy,
}

impl PeerConnection {
    /// A connection with the device `remote` (its authenticated endpoint id).
    pub fn new(remote: impl Into<String>) -> PeerConnection {
        PeerConnection {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            remote: remote.into(),
            networks: BTreeMap::new(),
            outbox: VecDeque::new(),
            events: VecDeque::new(),
            policy: Policy::default(),
        }
    }

    pub fn remote(&self) -> &str {
        &self.remote
    }

    /// This connection among all of this process's: what it sent that waits for earlier
    /// changes is held under this id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The connection ended: what it sent that still waits for earlier changes is dropped (what
    /// another connection sent too stays). Call it once the peer is gone, or its orphans would
    /// stay in memory until those earlier changes arrive.
    pub fn release(&mut self, library: &mut impl Library) {
        let networks: Vec<String> = self.networks.keys().cloned().collect();
        for network in networks {
            if let Some(replica) = library.replica(&network) {
                replica.signatures.waiting_mut().release(self.id);
            }
        }
    }

    /// Bytes this connection has waiting in the networks other than `network`.
    fn waiting_elsewhere(&self, network: &str, library: &mut impl Library) -> usize {
        let others: Vec<&String> = self.networks.keys().filter(|other| *other != network).collect();
        others
            .into_iter()
            .filter_map(|other| library.replica(other).map(|replica| replica.signatures.waiting().bytes_from(self.id)))
            .sum()
    }

    /// Refuses the message whose changes were just held, if that makes this connection hold
    /// more than [`waiting::MAX_PER_CONNECTION`] (or the network more than
    /// [`waiting::MAX_PER_NETWORK`]): then what this connection sent that waits is dropped and
    /// the peer is named. Otherwise gives back `ready`.
    fn refuse_if_too_much_waiting(
        &mut self,
        network: &str,
        ready: waiting::Ready,
        library: &mut impl Library,
    ) -> Result<waiting::Ready, ProtocolError> {
        let elsewhere = self.waiting_elsewhere(network, library);
        let replica = library.replica(network).expect("checked when opened");
        let waiting = replica.signatures.waiting();
        let (mine, in_network) = (waiting.bytes_from(self.id) + elsewhere, waiting.bytes());
        let (bytes, max) = if mine > waiting::MAX_PER_CONNECTION {
            (mine, waiting::MAX_PER_CONNECTION)
        } else if in_network > waiting::MAX_PER_NETWORK {
            (in_network, waiting::MAX_PER_NETWORK)
        } else {
            return Ok(ready);
        };
        replica.signatures.waiting_mut().put_back(ready);
        self.release(library);
        let network = network.to_string();
        self.events.push_back(Event::TooMuchWaiting { network: network.clone(), bytes, max });
        Err(ProtocolError::TooMuchWaiting { network, device: self.remote.clone(), bytes, max })
    }

    /// Starts syncing `network` (dialing side).
    pub fn open(&mut self, network: &str, library: &mut impl Library) {
        if !library.may_sync(network, &self.remote) || library.document(network).is_none() {
            self.policy.refused.insert(network.to_string());
            self.events.push_back(Event::Refused { network: network.to_string() });
            return;
        }
        let chapter = library.chapter(network).unwrap_or_default();
        self.outbox.push_back(Message::Open { network: network.to_string(), chapter: chapter.clone() });
        self.start(network, chapter, library);
        // A fresh state, or one this device saved: nothing a peer said yet.
        let _ = self.generate(network, library);
    }

    /// Feeds one message from the peer. An error means the peer misbehaved: close the
    /// connection.
    pub fn receive(&mut self, message: Message, library: &mut impl Library) -> Result<(), ProtocolError> {
        match message {
            Message::Open { network, chapter } => {
                if !library.may_sync(&network, &self.remote) || library.document(&network).is_none() {
                    self.refuse(&network);
                    return Ok(());
                }
                let ours = library.chapter(&network).unwrap_or_default();
                self.events.push_back(Event::PeerChapter { network: network.clone(), chapter: chapter.clone() });
                if chapter != ours {
                    self.set_aside(&network, chapter.clone());
                    // Their chain is not known yet: say ours unless this side came from theirs.
                    self.answer_other_chapter(&network, &chapter, &[], library);
                } else if !self.is_open(&network) || self.networks[&network].chapter != ours {
                    // Opened again after a refusal: the device may have joined since (its
                    // node opens the network on connections it already had).
                    // With no sync before, no reply yet: the dialer's first sync message follows
                    // its open at once, and answering that alone saves a redundant round. After
                    // one, our changes since go at once, while the dialer's travel this way.
                    if self.start(&network, ours, library) {
                        // As in `open`: a failure drops the network from this connection.
                        let _ = self.generate(&network, library);
                    }
                }
            }
            Message::Chapter { network, chapter } => self.their_chain(network, chapter, Vec::new(), library),
            Message::Chain { network, chapter, chain } => self.their_chain(network, chapter, chain, library),
            Message::NextChapter { network, next } => self.take(network, (*next).into(), library)?,
            Message::Way { network, next } => self.take(network, *next, library)?,
            Message::Sync { network, chapter, data, signatures } => {
                let Some(entry) = self.networks.get(&network) else {
                    return Err(ProtocolError::NotOpen(network));
                };
                // A message for a chapter this side no longer syncs with the peer: on its way
                // before a switch.
                if entry.closed || entry.chapter != chapter {
                    return Ok(());
                }
                if library.chapter(&network).as_deref() != Some(chapter.as_str()) {
                    // This side switched since: open the network again in its new chapter.
                    self.networks.remove(&network);
                    self.open(&network, library);
                    return Ok(());
                }
                if !library.may_sync(&network, &self.remote) {
                    self.refuse(&network);
                    return Ok(());
                }
                let bad = |reason: String| ProtocolError::BadSyncMessage { network: network.clone(), reason };
                let mut decoded = sync::Message::decode(&data).map_err(|err| bad(err.to_string()))?;
                drop(data);
                let replica = library.replica(&network).expect("checked when opened");
                if !replica.signatures.offer(&signatures) {
                    return Err(bad("too many signatures".into()));
                }
                // The changes as they arrived: checking them must not make Automerge dig each
                // one out of a large document again. They are held here (not in Automerge,
                // whose own queue has no limit) until the changes they build on are here too.
                let documents = match replica.signatures.hold_arrived(replica.doc, decoded.changes.iter(), self.id) {
                    signed::Arrived::TooMany => return Err(bad("too many changes waiting for earlier ones".into())),
                    signed::Arrived::Unreadable(reason) => return Err(bad(reason)),
                    signed::Arrived::TooLarge(refused) => {
                        return Err(bad(format!("a whole network that holds {refused}")));
                    }
                    signed::Arrived::WholeDocument(documents) => documents,
                    signed::Arrived::Changes => Vec::new(),
                };
                let ready = replica.signatures.waiting_mut().take_ready(replica.doc);
                let ready = self.refuse_if_too_much_waiting(&network, ready, library)?;
                let replica = library.replica(&network).expect("checked when opened");
                if let Err(refusal) = replica.rules.refuse_oversized(replica.doc, ready.changes()) {
                    // Refused before Automerge spends memory and time on it.
                    return Err(self.distrusted(network, signed::Distrust::Rules(refusal), library));
                }
                replica.rules.prepare(replica.doc, ready.changes());
                let whole = !documents.is_empty();
                let mut chunks = documents;
                chunks.extend(ready.changes().map(|change| change.raw_bytes().to_vec()));
                decoded.changes = chunks.into();
                let applying = ready.into_changes();
                let state = &mut self.networks.get_mut(&network).expect("checked above").state;
                let told = state.last_sent_heads.clone();
                let before = replica.doc.get_heads();
                let applied = catch_automerge_panic(|| {
                    replica.doc.sync().receive_sync_message(state, decoded)?;
                    if whole {
                        // Held changes may build on what a whole document brought (or be in it).
                        replica.signatures.take_applied(replica.doc);
                        let now = replica.signatures.waiting_mut().take_ready(replica.doc);
                        if !now.is_empty() {
                            replica.doc.apply_changes(now.into_changes())?;
                        }
                    }
                    Ok::<_, automerge::AutomergeError>(())
                });
                if let Err(rejected) = applied {
                    if rejected.panicked {
                        // Automerge may have stopped half-way through applying the changes:
                        // go back to the saved document, and forget what this peer told us.
                        library.restore_saved(&network);
                        self.networks.remove(&network);
                    }
                    return Err(bad(rejected.reason));
                }
                if replica.doc.get_heads() != before {
                    let new = if whole {
                        // A whole document may have brought more than was held; what was held
                        // and is applied now waits no longer.
                        replica.signatures.take_applied(replica.doc);
                        signed::changes_since(replica.doc, &before)
                    } else {
                        applying
                    };
                    let verdict = signed::verify_batch(replica.doc, &new, replica.signatures, replica.rules, false);
                    match verdict {
                        Ok(()) => self.events.push_back(Event::Changed { network: network.clone() }),
                        Err(reason) => return Err(self.distrusted(network, reason, library)),
                    }
                }
                // A peer at our heads that sent no changes counts, for Automerge, as told our
                // heads. Not so when they came here over another connection (the copies this
                // one brought were dropped above as held): this peer would never learn that
                // the two are in sync. It hears our heads once.
                let state = &mut self.networks.get_mut(&network).expect("checked above").state;
                if state.last_sent_heads != told && !state.last_sent_heads.is_empty() {
                    state.last_sent_heads = told;
                }
                self.generate(&network, library).map_err(bad)?;
            }
            Message::Peers { network, peers } => {
                if self.is_open(&network) && library.may_sync(&network, &self.remote) {
                    self.events.push_back(Event::Peers { network, peers });
                }
            }
            Message::Refused { network } => {
                if let Some(entry) = self.networks.get_mut(&network) {
                    entry.closed = true;
                }
                self.policy.refused.insert(network.clone());
                self.events.push_back(Event::Refused { network });
            }
        }
        Ok(())
    }

    /// The local document of `network` changed (an edit here, or changes from another peer):
    /// send the peer what it lacks.
    pub fn local_change(&mut self, network: &str, library: &mut impl Library) {
        self.changed(network, library, Offer::Changes);
    }

    /// Changes from another peer reached the local document of `network`: tell this peer our
    /// heads, and let it ask for what it lacks. On a LAN where everyone is connected to
    /// everyone it has them already, from their writer, and they are not sent again.
    pub fn relayed_change(&mut self, network: &str, library: &mut impl Library) {
        self.changed(network, library, Offer::Heads);
    }

    fn changed(&mut self, network: &str, library: &mut impl Library, offer: Offer) {
        if self.is_open(network) {
            if library.chapter(network).as_deref() != Some(self.networks[network].chapter.as_str()) {
                // This side switched to a new chapter: open the network again in it.
                self.networks.remove(network);
                self.open(network, library);
            } else if library.may_sync(network, &self.remote) {
                // A peer's message that makes generating fail already failed when it arrived
                // (answering it generates too) and cost it the network there.
                let _ = self.generate_offering(network, library, offer);
            } else {
                self.refuse(network);
            }
        }
    }

    /// Tells the peer where member devices of `network` can be reached.
    pub fn share_peers(&mut self, network: &str, peers: Vec<PeerAddr>, library: &mut impl Library) {
        if self.is_open(network) && !peers.is_empty() && library.may_sync(network, &self.remote) {
            self.outbox.push_back(Message::Peers { network: network.to_string(), peers });
        }
    }

    /// Whether `network` is being synced on this connection (opened, and not refused).
    pub fn is_open(&self, network: &str) -> bool {
        self.networks.get(network).is_some_and(|entry| !entry.closed)
    }

    pub fn poll_transmit(&mut self) -> Option<Message> {
        self.outbox.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The state to keep for the next connection with this peer (a few dozen bytes).
    pub fn sync_state(&self, network: &str) -> Option<Vec<u8>> {
        self.networks.get(network).map(|entry| entry.state.encode())
    }

    /// Whether both sides hold the same heads of `network`.
    pub fn in_sync(&self, network: &str, library: &mut impl Library) -> bool {
        let (Some(entry), Some(doc)) = (self.networks.get(network), library.document(network)) else { return false };
        heads_agree(&entry.state, &doc.get_heads())
    }

    /// Networks being synced on this connection.
    pub fn open_networks(&self) -> impl Iterator<Item = &str> {
        self.networks.iter().filter(|(_, entry)| !entry.closed).map(|(network, _)| network.as_str())
    }

    /// Starts syncing `network` with this peer, from the state saved at the end of the last
    /// sync with it. Returns whether there was one: then our first message can carry our
    /// changes at once (see [`assume_they_kept`]).
    fn start(&mut self, network: &str, chapter: String, library: &mut impl Library) -> bool {
        // A damaged saved state only costs a full summary, so it is simply not used.
        let saved = library.saved_sync_state(network, &self.remote);
        let mut state = saved.and_then(|bytes| sync::State::decode(&bytes).ok()).unwrap_or_default();
        let resumed = assume_they_kept(&mut state);
        let entry = NetworkSync { chapter, state, closed: false, reported_in_sync: false, told_chain: false };
        self.networks.insert(network.to_string(), entry);
        // A network the device may sync is open with it: no stranger.
        self.policy.trusted = true;
        resumed
    }

    /// The peer holds `network` in `their` chapter, not ours: nothing is synced until one side
    /// has switched and opens it again.
    fn set_aside(&mut self, network: &str, their: String) {
        let told_chain = self.networks.get(network).is_some_and(|entry| entry.told_chain);
        let entry = NetworkSync {
            chapter: their,
            state: sync::State::new(),
            closed: true,
            reported_in_sync: false,
            told_chain,
        };
        self.networks.insert(network.to_string(), entry);
    }

    /// The peer holds `network` in chapter `theirs`, reached by `chain` (answering our open, or
    /// our own chain). One that names the chapter this side holds now answers an open from
    /// before this side switched, and is on its way: this side's open of the new chapter
    /// follows it.
    fn their_chain(&mut self, network: String, theirs: String, chain: Vec<Handoff>, library: &mut impl Library) {
        let now_ours = library.chapter(&network).as_deref() == Some(theirs.as_str());
        if self.networks.contains_key(&network) && !now_ours && library.may_sync(&network, &self.remote) {
            self.events.push_back(Event::PeerChapter { network: network.clone(), chapter: theirs.clone() });
            self.set_aside(&network, theirs.clone());
            self.answer_other_chapter(&network, &theirs, &chain, library);
        }
    }

    /// The peer holds `network` in chapter `theirs`, not ours. Where ours goes on from theirs,
    /// or wins against it, the peer is given ours; otherwise it is told our chain once, so that
    /// it can do the same; a peer whose chapter ties to nothing of ours is reported.
    fn answer_other_chapter(&mut self, network: &str, theirs: &str, chain: &[Handoff], library: &mut impl Library) {
        let ours = library.chapter(network).unwrap_or_default();
        let our_chain = library.chain(network);
        let standing = chain::standing(&ours, &our_chain, theirs, chain);
        let network = network.to_string();
        if matches!(standing, Standing::Ahead | Standing::Wins)
            && let Some(next) = library.next_chapter(&network)
        {
            if standing == Standing::Wins {
                self.events.push_back(Event::ConcurrentChapters { network: network.clone(), won: true });
            }
            self.outbox.push_back(Message::Way { network, next: Box::new(next) });
            return;
        }
        let entry = self.networks.get_mut(&network).expect("set aside before");
        if standing != Standing::Same && !entry.told_chain {
            entry.told_chain = true;
            self.outbox.push_back(Message::Chain { network, chapter: ours, chain: our_chain });
        } else if !matches!(standing, Standing::Behind | Standing::Loses | Standing::Same) {
            self.policy.refused.insert(network.clone());
            self.events.push_back(Event::OtherChapter { network });
        }
    }

    /// The peer gave its chapter of `network`, with its chain: the library checks it and
    /// switches, and the network is opened again, in that chapter.
    fn take(&mut self, network: String, next: NextChapter, library: &mut impl Library) -> Result<(), ProtocolError> {
        if !library.may_sync(&network, &self.remote) {
            self.refuse(&network);
            return Ok(());
        }
        let ours = library.chapter(&network).unwrap_or_default();
        let theirs = next.chain.last().map(|link| link.to.clone()).unwrap_or_default();
        if theirs == ours {
            // Taken from another peer meanwhile; this side's open of it is on its way.
            return Ok(());
        }
        let concurrent = chain::standing(&ours, &library.chain(&network), &theirs, &next.chain) == Standing::Loses;
        let carried = match library.take_next_chapter(&network, &self.remote, next) {
            Ok(carried) => carried,
            Err(reason) => return Err(ProtocolError::BadChapter { network, reason }),
        };
        self.events.push_back(Event::Switched { network: network.clone(), carried });
        if concurrent {
            self.events.push_back(Event::ConcurrentChapters { network: network.clone(), won: false });
        }
        self.networks.remove(&network);
        self.open(&network, library);
        Ok(())
    }

    /// Stops syncing `network` with this peer. The peer's own sync messages that are already on
    /// their way are then ignored, not treated as a protocol error.
    /// A message that broke the rules: nothing of it is kept (back to the saved document), the
    /// network is closed on this connection, and who sent what is reported.
    fn distrusted(&mut self, network: String, reason: signed::Distrust, library: &mut impl Library) -> ProtocolError {
        library.restore_saved(&network);
        self.networks.remove(&network);
        self.events.push_back(Event::Distrusted { network, reason: reason.clone() });
        ProtocolError::Distrusted(reason)
    }

    fn refuse(&mut self, network: &str) {
        let entry = self.networks.entry(network.to_string()).or_insert_with(|| NetworkSync {
            chapter: String::new(),
            state: sync::State::new(),
            closed: true,
            reported_in_sync: false,
            told_chain: false,
        });
        entry.closed = true;
        self.policy.refused.insert(network.to_string());
        self.outbox.push_back(Message::Refused { network: network.to_string() });
        self.events.push_back(Event::Refused { network: network.to_string() });
    }

    /// Queues Automerge's next sync message for the peer, if there is one. What the peer told
    /// us can make Automerge panic here (fuzzing found a summary of its changes with no bits: a
    /// division by zero); then the network is no longer synced on this connection and the
    /// complaint is returned.
    fn generate(&mut self, network: &str, library: &mut impl Library) -> Result<(), String> {
        self.generate_offering(network, library, Offer::Changes)
    }

    fn generate_offering(&mut self, network: &str, library: &mut impl Library, offer: Offer) -> Result<(), String> {
        let Some(replica) = library.replica(network) else { return Ok(()) };
        let Some(entry) = self.networks.get_mut(network) else { return Ok(()) };
        let sent_before = entry.state.sent_hashes.clone();
        // Heads only: not knowing what the peer has, Automerge offers no changes.
        let held_back = (offer == Offer::Heads).then(|| entry.state.their_have.take());
        let generated = catch_automerge_panic(|| {
            Ok::<_, std::convert::Infallible>(replica.doc.sync().generate_sync_message(&mut entry.state))
        });
        if let Some(their_have) = held_back {
            entry.state.their_have = their_have;
        }
        let message = match generated {
            Ok(message) => message,
            Err(rejected) => {
                self.networks.remove(network);
                return Err(rejected.reason);
            }
        };
        if let Some(mut message) = message {
            entry.reported_in_sync = false;
            if !replica.signatures.waiting().is_empty() {
                // Ask for what the held changes need, as Automerge did while it held them.
                message.need = replica.signatures.waiting().missing_before(replica.doc, &message.need);
                let their_heads = entry.state.their_heads.as_deref().unwrap_or_default();
                if !message.need.iter().all(|hash| their_heads.contains(hash)) {
                    // Automerge says what it has only once it lacks nothing the peer has.
                    message.have.clear();
                }
            }
            // The changes this message carries: a whole document (Automerge sends one when the
            // peer lacks much), or the ones it newly counts as sent.
            let batch: Vec<ChangeHash> = if message.changes.iter().any(signed::is_whole_document) {
                signed::all_changes(replica.doc)
            } else {
                entry.state.sent_hashes.difference(&sent_before).copied().collect()
            };
            let signatures = match signed::sign_batch(replica.doc, &batch, replica.signatures, replica.key) {
                Some(signatures) => signatures,
                None => {
                    // A tip this laptop holds no signature for (it passed on a change's middle
                    // part once): send the whole document, whose tips it holds as a rule. Should
                    // one still be missing (a network kept from before changes were signed),
                    // what it can sign goes with it: the peer needs signatures only for the
                    // changes new to it, and this laptop's own it can always sign.
                    let all = signed::all_changes(replica.doc);
                    message.changes = replica.doc.save().into();
                    message.version = sync::MessageVersion::V2;
                    entry.state.sent_hashes.extend(all.iter().copied());
                    signed::sign_what_can_be(replica.doc, &all, replica.signatures, replica.key)
                }
            };
            let data = message.encode();
            let chapter = entry.chapter.clone();
            self.outbox.push_back(Message::Sync { network: network.to_string(), chapter, data, signatures });
        }
        let in_sync = heads_agree(&entry.state, &replica.doc.get_heads());
        if in_sync && !entry.reported_in_sync {
            entry.reported_in_sync = true;
            self.events.push_back(Event::InSync { network: network.to_string() });
        } else if !in_sync {
            entry.reported_in_sync = false;
        }
        Ok(())
    }
}

/// Driving a connection: what a driver feeds in (messages read, changes made on this device or
/// brought by other peers, the time) and asks (the largest frame to read, when to wake, whether
/// a connection that syncs once is done). The policy behind the answers is [`crate::policy`].
impl PeerConnection {
    /// Opens `network` as the dialing side, telling the peer where the network's other devices
    /// are; the connection waits for its verdict (see [`PeerConnection::settled`]).
    pub fn dial(&mut self, network: &str, library: &mut impl Library) {
        self.policy.wanted.insert(network.to_string());
        self.open_sharing_peers(network, library);
    }

    /// This side accepted the connection at `now`: the peer must send a whole message within
    /// [`FIRST_MESSAGE_TIMEOUT`], or [`PeerConnection::handle_timeout`] ends the connection.
    /// The driver says so again when the peer's stream opens (it arrives with its first
    /// bytes): the whole message is then due within that time from them.
    pub fn expect_first_message(&mut self, now: Instant) {
        if !self.policy.heard {
            self.policy.first_message_by = Some(now + FIRST_MESSAGE_TIMEOUT);
        }
    }

    /// The largest frame to read from the peer now: small until it may sync a network here
    /// (see [`STRANGER_FRAME`]), then [`MAX_FRAME`].
    pub fn frame_limit(&self) -> usize {
        if self.policy.trusted { MAX_FRAME } else { STRANGER_FRAME }
    }

    /// Whether the device opened (or was opened) a network it may sync here, or may sync one:
    /// its messages are read whole. Once trusted, a connection stays so.
    pub fn is_trusted(&self) -> bool {
        self.policy.trusted
    }

    /// Feeds one whole message read from the peer's stream, with the checks a device that is
    /// not trusted yet gets first: a message naming an overlong network id ends the
    /// connection, and so does anything but an `Open` before it opened a network it may sync.
    /// A stranger (it may sync no network here) is refused and ends the connection
    /// ([`ProtocolError::Stranger`]: its refusal is the last thing sent). A network the peer
    /// opens with this side is told where the network's other devices are. An error means:
    /// close the connection.
    pub fn handle_message(&mut self, message: Message, library: &mut impl Library) -> Result<(), ProtocolError> {
        self.policy.heard = true;
        if message.network().len() > MAX_NETWORK_ID {
            return Err(ProtocolError::OverlongNetworkId);
        }
        if !self.policy.trusted && !matches!(message, Message::Open { .. }) {
            return Err(ProtocolError::BeforeOpen);
        }
        let opened = match &message {
            // The answer to it carries everything this side has for the peer.
            Message::Sync { network, .. } => {
                self.policy.relay.remove(network);
                None
            }
            Message::Open { network, .. } => Some(network.clone()),
            _ => None,
        };
        self.receive(message, library)?;
        if let Some(network) = opened {
            if self.is_open(&network) {
                self.share_peers_from(&network, library);
            } else if !self.policy.trusted {
                // Refused. A member device of another network here is no stranger: it may
                // open that one next, and its messages for this one are read and ignored.
                self.policy.trusted = library.may_sync_any(&self.remote);
                if !self.policy.trusted {
                    return Err(ProtocolError::Stranger);
                }
            }
        }
        Ok(())
    }

    /// `network` was edited on this device: the peer is sent what it lacks at once. A network
    /// not synced on this connection that the peer may sync is opened (this device joined it,
    /// or the peer was let in, after the connection opened).
    pub fn changed_here(&mut self, network: &str, library: &mut impl Library) {
        if self.is_open(network) {
            self.local_change(network, library);
        } else if library.may_sync(network, &self.remote) {
            self.open_sharing_peers(network, library);
        }
    }

    /// Changes from another peer reached `network` at `now`: they are passed on (as our heads,
    /// see [`PeerConnection::relayed_change`]) [`crate::policy::RELAY_DELAY`] after the first
    /// of them that waits, by [`PeerConnection::handle_timeout`]; a message from this peer
    /// about the network answers them sooner.
    pub fn changed_elsewhere(&mut self, network: &str, now: Instant) {
        self.policy.relay.add(network, now);
    }

    /// When [`PeerConnection::handle_timeout`] is next due, if anything waits for the time.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.policy.timeout()
    }

    /// Does what is due at `now`: passes on relayed changes whose delay is over, and ends the
    /// connection ([`ProtocolError::Silent`]) with a device that said nothing in time.
    pub fn handle_timeout(&mut self, now: Instant, library: &mut impl Library) -> Result<(), ProtocolError> {
        if self.policy.silent_at(now) {
            return Err(ProtocolError::Silent);
        }
        if let Some(networks) = self.policy.relay.take_due(now) {
            for network in &networks {
                if self.is_open(network) {
                    self.relayed_change(network, library);
                } else if library.may_sync(network, &self.remote) {
                    self.open_sharing_peers(network, library);
                }
            }
        }
        Ok(())
    }

    /// Every network this side dialed for is in sync or refused: a connection that syncs once
    /// is done.
    pub fn settled(&self, library: &mut impl Library) -> bool {
        self.policy.wanted.iter().all(|network| self.policy.refused.contains(network) || self.in_sync(network, library))
    }

    fn open_sharing_peers(&mut self, network: &str, library: &mut impl Library) {
        self.open(network, library);
        self.share_peers_from(network, library);
    }

    fn share_peers_from(&mut self, network: &str, library: &mut impl Library) {
        let peers = library.peers(network, &self.remote);
        self.share_peers(network, peers, library);
    }
}

/// After a sync the peer kept everything up to the heads both had then (`shared_heads`, the
/// part of a sync state that is saved). Telling Automerge so lets our first message carry our
/// changes since, from both sides at once, instead of only after a round of summaries: a laptop
/// back after a day offline is in sync after one exchange, and both sides apply what they get at
/// the same time. Should the peer hold less after all (its folder restored from a copy),
/// Automerge sends what it lacks once it has said what it has. What the peer holds now stays
/// unknown (`their_heads`) until it speaks, so neither side counts as in sync before that.
/// Returns whether there was a sync before.
fn assume_they_kept(state: &mut sync::State) -> bool {
    if state.shared_heads.is_empty() {
        return false;
    }
    let since_last_sync = sync::Have { last_sync: state.shared_heads.clone(), bloom: Default::default() };
    state.their_have = Some(vec![since_last_sync]);
    state.their_need = Some(Vec::new());
    true
}

/// Both sides have the same heads: what we have, they have, and they told us so.
fn heads_agree(state: &sync::State, ours: &[ChangeHash]) -> bool {
    state.shared_heads == ours && state.their_heads.as_deref() == Some(ours)
}
