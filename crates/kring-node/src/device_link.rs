//! `kring/link/2`: another laptop of the same person becomes a device of their member.
//!
//! A member's laptop (A) makes a [`DeviceLinkTicket`] for one network and its member: a fresh
//! secret that stays in A's memory only (never in the shared document, never on disk), for one
//! use within minutes. The other laptop (B), which must not hold the network yet, dials A on
//! [`LINK_ALPN`] with a [`LinkRequest`], carrying B's proof that it is that member (its
//! signature over the network and the member id from the ticket). A checks the secret and the
//! proof, adds B's device (authenticated by the connection) with its proof to its own member — a change signed by A like every other, which the trust
//! rules allow a member for their own devices — and answers with the whole network, as it
//! answers a joiner ([`JoinReply`]). From then on B writes with its own key as that member: its
//! votes and scores are the member's, one per member. Requests are bounded in size and time as
//! joins are, and every refusal is the one [`REFUSAL`](crate::join::REFUSAL).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use iroh::endpoint::Connection;
use iroh::protocol::{AcceptError, ProtocolHandler};
use iroh::{Endpoint, EndpointAddr};
use kring_model::ModelError;
use kring_model::trust::{DeviceKey, DeviceProof};
use kring_store::DataDir;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::address_book::addr_to_text;
use crate::endpoint;
use crate::error::{NodeError, Result};
use crate::events::NodeEvent;
use crate::join::{self, JoinReply, Joined};
use crate::links::{Pool, Slot};
use crate::shared::{Change, Shared};
use crate::short::{shorten, shorten_to};
use kring_ticket::{DeviceLinkTicket, new_secret, secret_hash};

/// 2: the request carries the new laptop's proof (a `kring/link/1` laptop would not read it).
pub const LINK_ALPN: &[u8] = b"kring/link/2";
/// Device-link tickets a laptop keeps open at once; making another forgets the oldest.
const MAX_PENDING: usize = 8;
/// Used links remembered for whoever waits on them.
const MAX_USED: usize = 8;

/// What the other laptop sends: which network, the ticket's secret, and where it can be reached.
/// No name or profile: it is the same member, whose profile is in the document.
#[derive(Serialize, Deserialize)]
pub struct LinkRequest {
    pub network: String,
    pub secret: [u8; 32],
    /// Where the new device can be reached, so member devices can sync with it.
    pub addrs: Vec<String>,
    /// The new device's proof that it is the ticket's member of `network` (64 bytes).
    pub proof: Vec<u8>,
}

impl LinkRequest {
    /// What a laptop with device `key` sends for `ticket`, reachable at `addrs`.
    pub fn new(ticket: &DeviceLinkTicket, addrs: Vec<String>, key: &iroh::SecretKey) -> LinkRequest {
        let proof = key.as_signing_key().prove(&ticket.network, &ticket.member);
        LinkRequest { network: ticket.network.clone(), secret: ticket.secret, addrs, proof }
    }
}

/// Never shows the secret.
impl std::fmt::Debug for LinkRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkRequest").field("network", &self.network).field("secret", &"(hidden)").finish()
    }
}

/// A device added to this laptop's member through a device link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedDevice {
    pub network: String,
    pub member: String,
    pub device: String,
}

/// A device-link ticket this laptop made and has not seen used.
struct Pending {
    secret_hash: String,
    network: String,
    until: Instant,
    /// The device whose request was let in and is being answered.
    answering: Option<String>,
}

/// Where a device link stands, for whoever waits on it.
enum State {
    Used(LinkedDevice),
    /// Open until then; `None` while its answer is on its way.
    Open(Option<Instant>),
    /// Expired, cancelled, forgotten, or never made here.
    Gone,
}

/// The device links of a node: in memory only, so only this laptop, while it runs, can answer
/// its tickets.
pub(crate) struct DeviceLinks {
    pending: Vec<Pending>,
    used: VecDeque<(String, LinkedDevice)>,
    /// Ticks whenever a link is used or cancelled.
    changed: watch::Sender<()>,
}

impl Default for DeviceLinks {
    fn default() -> DeviceLinks {
        DeviceLinks { pending: Vec::new(), used: VecDeque::new(), changed: watch::Sender::new(()) }
    }
}

impl DeviceLinks {
    fn open(&mut self, secret_hash: String, network: String, until: Instant) {
        if self.pending.len() >= MAX_PENDING {
            self.pending.remove(0);
        }
        self.pending.push(Pending { secret_hash, network, until, answering: None });
    }

    /// The open link for `secret_hash` in `network`, or why not (for this laptop's log).
    fn find(&self, secret_hash: &str, network: &str) -> std::result::Result<usize, &'static str> {
        if self.used.iter().any(|(hash, _)| hash == secret_hash) {
            return Err("already used");
        }
        let at = self.pending.iter().position(|p| p.secret_hash == secret_hash).ok_or("wrong secret")?;
        let link = &self.pending[at];
        if link.network != network {
            Err("another network")
        } else if link.answering.is_some() {
            Err("in use by another device")
        } else if link.until <= Instant::now() {
            Err("expired")
        } else {
            Ok(at)
        }
    }

    /// The answer to `linked` was sent: the link is used.
    fn delivered(&mut self, linked: LinkedDevice) {
        let answered =
            |p: &Pending| p.answering.as_deref() == Some(linked.device.as_str()) && p.network == linked.network;
        if let Some(at) = self.pending.iter().position(answered) {
            let link = self.pending.remove(at);
            if self.used.len() >= MAX_USED {
                self.used.pop_front();
            }
            self.used.push_back((link.secret_hash, linked));
            self.changed.send_replace(());
        }
    }

    /// The answer to `device` could not be sent: its link may be used again (the device, added
    /// already, then just gets the network).
    fn undelivered(&mut self, device: &str) {
        for link in self.pending.iter_mut().filter(|p| p.answering.as_deref() == Some(device)) {
            link.answering = None;
        }
    }

    fn state(&self, secret_hash: &str) -> State {
        if let Some((_, linked)) = self.used.iter().find(|(hash, _)| hash == secret_hash) {
            return State::Used(linked.clone());
        }
        match self.pending.iter().find(|p| p.secret_hash == secret_hash) {
            Some(link) if link.answering.is_some() => State::Open(None),
            Some(link) if link.until > Instant::now() => State::Open(Some(link.until)),
            _ => State::Gone,
        }
    }
}

/// The device-link protocol ([`LINK_ALPN`]): answers the person's other laptop when it uses a
/// ticket made here. The tickets' secrets live here, in memory only.
#[derive(Clone)]
pub(crate) struct DeviceLinkProtocol {
    shared: Arc<Shared>,
    links: Arc<Mutex<DeviceLinks>>,
}

impl std::fmt::Debug for DeviceLinkProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceLinkProtocol")
    }
}

impl DeviceLinkProtocol {
    pub(crate) fn new(shared: Arc<Shared>) -> DeviceLinkProtocol {
        DeviceLinkProtocol { shared, links: Arc::default() }
    }

    fn links(&self) -> MutexGuard<'_, DeviceLinks> {
        self.links.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A one-time ticket for `network`, valid for `valid_for`, that points at `here`: the
    /// person's other laptop pastes it to become another device of the member this laptop is.
    pub(crate) fn create(&self, network: &str, valid_for: Duration, here: EndpointAddr) -> Result<DeviceLinkTicket> {
        let networks = self.shared.networks();
        let open = networks.lock_known(network)?;
        let member = open.network.member_for_device(networks.device())?.ok_or(NodeError::NotAMember)?;
        drop(open);
        let secret = new_secret();
        let now = Instant::now();
        let until = now.checked_add(valid_for).unwrap_or_else(|| now + Duration::from_secs(24 * 3600));
        self.links().open(secret_hash(&secret), network.to_string(), until);
        Ok(DeviceLinkTicket { network: network.to_string(), member: member.to_string(), secret, peer: here })
    }

    /// Waits until another laptop has used `ticket` and received the network; the device it
    /// added. [`NodeError::DeviceLinkExpired`] once it expired unused (or was cancelled).
    pub(crate) async fn used(&self, ticket: &DeviceLinkTicket) -> Result<LinkedDevice> {
        let hash = secret_hash(&ticket.secret);
        loop {
            let (mut changed, state) = {
                let links = self.links();
                (links.changed.subscribe(), links.state(&hash))
            };
            let woken = match state {
                State::Used(linked) => return Ok(linked),
                State::Gone => return Err(NodeError::DeviceLinkExpired),
                State::Open(None) => changed.changed().await,
                State::Open(Some(until)) => {
                    let until = tokio::time::Instant::from_std(until);
                    tokio::time::timeout_at(until, changed.changed()).await.unwrap_or(Ok(()))
                }
            };
            if woken.is_err() {
                return Err(NodeError::DeviceLinkExpired);
            }
        }
    }

    /// Makes `ticket` unusable, if it was not used yet.
    pub(crate) fn cancel(&self, ticket: &DeviceLinkTicket) {
        let hash = secret_hash(&ticket.secret);
        let mut links = self.links();
        links.pending.retain(|p| p.secret_hash != hash || p.answering.is_some());
        links.changed.send_replace(());
    }
}

impl ProtocolHandler for DeviceLinkProtocol {
    async fn accept(&self, connection: Connection) -> std::result::Result<(), AcceptError> {
        let Some(_slot) = Slot::take(self.shared.connections(), &connection, Pool::Joins) else { return Ok(()) };
        let device = connection.remote_id().to_string();
        let admit = |shared: &Shared, device: &str, request: &LinkRequest| admit(shared, &self.links, device, request);
        match join::serve_with(self.shared.clone(), connection, admit).await {
            Ok(Some(linked)) => {
                self.links().delivered(linked);
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(err) => {
                self.links().undelivered(&device);
                Err(AcceptError::from_err(err))
            }
        }
    }
}

/// The welcome for `device`, as a device of this laptop's member, or why not: one short line for
/// this laptop's log (the other device only ever gets the one refusal).
fn admit(
    shared: &Shared,
    links: &Mutex<DeviceLinks>,
    device: &str,
    request: &LinkRequest,
) -> std::result::Result<(JoinReply, LinkedDevice), String> {
    let why = |what: &str| format!("device link: {what} (network {})", shorten(&request.network));
    // Held throughout: two devices with the same ticket cannot both get in.
    let mut links = links.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let link = links.find(&secret_hash(&request.secret), &request.network).map_err(why)?;
    let networks = shared.networks();
    let own_device = networks.device();
    let mut open = networks.lock(&request.network).ok_or_else(|| why("unknown network"))?;
    let peers = open.peer_addresses(own_device, device, shared.own_peer_addr(), &shared.book());
    let me = open.network.member_for_device(own_device).ok().flatten().ok_or_else(|| why("not a member here"))?;
    match open.network.member_for_device(device).ok().flatten() {
        // Linked before, and the answer got lost: it only needs the network.
        Some(holder) if holder == me => {}
        Some(_) => return Err(why("a device of another member")),
        None => {
            let proof = DeviceProof { device: device.to_string(), signature: request.proof.clone() };
            open.edit(own_device, |network, me| network.add_device(me, me, &proof)).map_err(|err| match err {
                NodeError::Model(ModelError::BadDeviceProof(_)) => why("the new device's proof does not hold"),
                err => why(&shorten_to(&err.to_string(), 80)),
            })?
        }
    }
    let network = request.network.clone();
    let (document, signatures) = networks.welcome(&mut open).ok_or_else(|| why("a change without a signature"))?;
    let chain = open.chain.clone();
    drop(open);
    shared.learn_incoming(device, &request.addrs);
    links.pending[link].answering = Some(device.to_string());
    drop(links);
    let member = me.to_string();
    shared.publish(Change { network: network.clone(), from_peer: None });
    shared.emit(NodeEvent::MemberJoined { network: network.clone(), member: member.clone(), endpoint: device.into() });
    let linked = LinkedDevice { network, member: member.clone(), device: device.to_string() };
    Ok((JoinReply::welcome(join::Welcome { member, document, peers, signatures, chain }), linked))
}

/// The other laptop's side: asks the laptop in the ticket, checks the whole network it sends
/// and that this laptop is in it as a device of the member, and stores it.
pub(crate) async fn link(
    data: &DataDir,
    endpoint: &Endpoint,
    ticket: &DeviceLinkTicket,
    timeout: Duration,
) -> Result<Joined> {
    not_here_yet(data, ticket)?;
    let own = endpoint::own_addr(endpoint);
    let request = LinkRequest::new(ticket, own.addrs.iter().map(addr_to_text).collect(), data.device_key());
    let asked = join::ask(endpoint, ticket.peer.clone(), LINK_ALPN, &request);
    let (reply, bytes) = tokio::time::timeout(timeout, asked)
        .await
        .map_err(|_| NodeError::DeviceLinkUnreachable(timeout.as_secs()))??;
    let Ok(join::Welcome { member, document, peers, signatures, chain }) = reply.into_welcome() else {
        return Err(NodeError::DeviceLinkRefused);
    };
    let (network, book) = crate::whole_network::check(&document, &signatures, &ticket.network)
        .map_err(|why| NodeError::DeviceLinkUnusable(why.to_string()))?;
    let holder = network.member_for_device(&data.device_id())?;
    if holder.as_ref().map(|m| m.as_str()) != Some(member.as_str()) {
        return Err(NodeError::DeviceLinkUnusable(
            "a network in which this laptop is not a device of the member".into(),
        ));
    }
    let mut opened = join::keep_checked(data, network, book)?;
    crate::chapters::keep_given_chain(&mut opened, chain)?;
    Ok(Joined {
        network: ticket.network.clone(),
        member,
        opened,
        ticket_peers: vec![ticket.peer.clone()],
        told_peers: peers,
        bytes,
    })
}

/// A laptop that holds the network already is no new device for it: refused before anything
/// is sent (the link stays usable for the laptop it was meant for).
pub(crate) fn not_here_yet(data: &DataDir, ticket: &DeviceLinkTicket) -> Result<()> {
    if data.network_ids()?.contains(&ticket.network) {
        return Err(NodeError::AlreadyLinked(ticket.network.clone()));
    }
    Ok(())
}
