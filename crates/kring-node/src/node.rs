//! The running peer: one iroh endpoint, every network of the data directory, live sync with
//! every member device it can reach, and the join door for invitees.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use iroh::endpoint::Connection;
use iroh::protocol::{AcceptError, ProtocolHandler, Router};
use iroh::{Endpoint, EndpointAddr};
use kring_model::{InviteId, MemberId, Role};
use kring_store::DataDir;
use kring_sync::SYNC_ALPN;
use kring_ticket::{DeviceLinkTicket, InviteTicket};
use tokio::sync::broadcast;

use crate::attachments::{self, ATTACHMENTS_ALPN, AttachmentsProtocol};
use crate::device_link::{self, DeviceLinkProtocol, LINK_ALPN, LinkedDevice};
use crate::endpoint::{self, NetworkMode};
use crate::error::{NodeError, Result};
use crate::events::{FoundVia, NodeEvent};
use crate::invite;
use crate::join::{self, JOIN_ALPN, JoinProtocol, Joined};
use crate::leerhuis::{LEERHUIS_ALPN, LEERHUIS_JOIN_ALPN, LeerhuisProtocol, SeenLeerhuis, VoucherProtocol};
use crate::links::{Pool, Slot};
use crate::networks::Networks;
use crate::peer::{self, Mode, Outcome};
pub(crate) use crate::shared::{Change, Shared};

/// Wakes the dialer as soon as a member device that is not connected is heard on the LAN (it
/// just walked in, or got a new address): it is dialed at once, not after the back-off.
async fn dial_when_heard(shared: Arc<Shared>, mut heard: broadcast::Receiver<iroh::EndpointId>) {
    loop {
        let device = match heard.recv().await {
            Ok(device) => device.to_string(),
            Err(broadcast::error::RecvError::Lagged(_)) => {
                shared.dial_now.notify_one();
                continue;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let member = shared.networks().is_member_device(&device);
        if member && !shared.links().is_connected(&device) {
            tracing::debug!("member device {} heard on the LAN; dialing", crate::short::shorten(&device));
            shared.dial_now.notify_one();
        }
    }
}

/// One event each time the internet comes or goes (as DNS tells), never a stream of warnings.
async fn say_when_internet_changes(shared: Arc<Shared>, mut internet: crate::polite_dns::Internet) {
    while internet.changed().await.is_ok() {
        let Some(reachable) = *internet.borrow_and_update() else { continue };
        if reachable {
            tracing::info!("internet reachable");
        } else {
            tracing::info!("no internet: only the local network");
        }
        shared.emit(NodeEvent::Internet { reachable });
    }
}

/// A network joined through a running node.
#[derive(Debug, Clone)]
pub struct JoinedNetwork {
    pub network: String,
    pub member: String,
    /// What the join request and the inviter's answer took (Kring frames).
    pub bytes: u64,
    /// The network was on this device already: nothing was joined, the ticket's addresses
    /// were remembered (and are dialed) instead.
    pub refreshed: bool,
}

/// The status of one peer after [`Node::sync_once`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct PeerReport {
    pub endpoint: String,
    pub member: String,
    pub network: String,
    /// `in-sync`, `unreachable`, `refused` or `interrupted`.
    pub status: String,
    /// What the connection to this device carried: shared by every network synced over it.
    pub sent_bytes: u64,
    pub received_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

pub struct Node {
    pub(crate) endpoint: Endpoint,
    /// Devices without a remembered address can still be found (mDNS on the LAN, or DNS).
    find_by_id: bool,
    /// Dials by id ask public DNS/pkarr.
    dns_lookups: bool,
    /// The school's own relay, when one is set: this device's home relay.
    own_relay: Option<iroh::RelayUrl>,
    router: Router,
    shared: Arc<Shared>,
    device_link: DeviceLinkProtocol,
    /// Subscribed before the node took its first connection: for the first [`Node::subscribe`].
    first_events: Mutex<Option<broadcast::Receiver<NodeEvent>>>,
}

/// The sync protocol ([`SYNC_ALPN`]): live sync with every device that connects.
#[derive(Debug, Clone)]
struct SyncProtocol(Arc<Shared>);

impl ProtocolHandler for SyncProtocol {
    async fn accept(&self, connection: Connection) -> std::result::Result<(), AcceptError> {
        // A place among the members' if the device belongs to a current member of a network
        // here, else among the strangers'.
        let remote = connection.remote_id().to_string();
        let member = self.0.networks().is_member_device(&remote);
        let pool = if member { Pool::Members } else { Pool::Strangers };
        let Some(_slot) = Slot::take(self.0.connections(), &connection, pool) else { return Ok(()) };
        peer::run(self.0.clone(), connection, None, Mode::Live, FoundVia::Incoming).await;
        Ok(())
    }
}

impl Node {
    /// Opens every network of `data` and starts listening. Load problems are returned as
    /// warnings; the node runs with whatever could be opened.
    /// The caller keeps `data` (and so its lock) open for as long as the node runs.
    pub async fn start(data: &DataDir, mode: &NetworkMode) -> Result<(Node, Vec<crate::StartWarning>)> {
        let (networks, warnings) = Networks::load(data)?;
        let book = crate::AddressBook::load(data.root());
        let last_port = book.last_port();
        let alpns = [SYNC_ALPN, JOIN_ALPN, LINK_ALPN, LEERHUIS_ALPN, LEERHUIS_JOIN_ALPN, ATTACHMENTS_ALPN]
            .map(<[u8]>::to_vec)
            .to_vec();
        let endpoint::Bound { endpoint, lan, internet } =
            endpoint::bind_watched(data.device_key().clone(), mode, alpns, last_port).await?;
        let (shared, first_events) = Shared::new(networks, book, attachments::Stores::new(data.root()));
        let device_link = DeviceLinkProtocol::new(shared.clone());
        let router = Router::builder(endpoint.clone())
            .accept(SYNC_ALPN, SyncProtocol(shared.clone()))
            .accept(JOIN_ALPN, JoinProtocol::new(shared.clone()))
            .accept(LINK_ALPN, device_link.clone())
            .accept(LEERHUIS_ALPN, LeerhuisProtocol::new(shared.clone()))
            .accept(LEERHUIS_JOIN_ALPN, VoucherProtocol::new(shared.clone()))
            .accept(ATTACHMENTS_ALPN, AttachmentsProtocol(shared.clone()))
            .spawn();
        if let Some(lan) = lan {
            shared.spawn(dial_when_heard(shared.clone(), lan.found()));
        }
        shared.spawn(say_when_internet_changes(shared.clone(), internet));
        shared.spawn(crate::leerhuis::keep_vouchers_fresh(shared.clone(), data.device_key().clone()));
        // What a bundle's attachments left waiting when Kring stopped halfway.
        crate::bundle_files::remove_waiting(data.root());
        // Bytes a switch made while no node ran (the command line, or a crash) left unnamed.
        for network in shared.networks().ids() {
            if shared.attachments().dir(&network).is_ok_and(|dir| dir.exists()) {
                shared.attachments().cleanup.sweep_later(&network);
            }
        }
        shared.spawn(crate::attachment_cleanup::sweep_in_background(shared.clone()));
        let node = Node {
            endpoint,
            router,
            shared,
            device_link,
            first_events: Mutex::new(Some(first_events)),
            find_by_id: mode.can_find_by_id(),
            dns_lookups: mode.services().dns_pkarr,
            own_relay: match mode.services().relay {
                endpoint::Relay::Custom(url) => Some(url),
                _ => None,
            },
        };
        node.remember_own_addr()?;
        Ok((node, warnings))
    }

    pub fn endpoint_id(&self) -> String {
        self.endpoint.id().to_string()
    }

    /// This device's address now (bound sockets; relay when online).
    pub fn addr(&self) -> EndpointAddr {
        let mut addr = endpoint::own_addr(&self.endpoint);
        // The school's own relay is the home relay from the start, also in the seconds before
        // iroh has chosen it: a ticket made then must carry it, or a laptop that reaches this
        // one only through the relay could not use it.
        if let Some(relay) = &self.own_relay {
            addr.addrs.insert(iroh::TransportAddr::Relay(relay.clone()));
        }
        addr
    }

    /// The node's events. The first subscriber gets every event since the node started: a
    /// colleague's laptop that was dialing this one connects in the first milliseconds, and an
    /// interface that missed it showed that colleague offline while their changes arrived.
    pub fn subscribe(&self) -> broadcast::Receiver<NodeEvent> {
        let first = self.first_events.lock().unwrap_or_else(|p| p.into_inner()).take();
        first.unwrap_or_else(|| self.shared.subscribe())
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Saves where this device listens, for tickets made while it is not running.
    fn remember_own_addr(&self) -> Result<()> {
        let addr = self.addr();
        self.shared.set_own_addr(addr.clone());
        let mut book = self.shared.book();
        book.set_own(&addr);
        book.save()
    }

    /// The network to use: `id`, or the only one.
    pub fn network_id(&self, id: Option<&str>) -> Result<String> {
        let ids = self.shared.networks().ids();
        match (id, ids.as_slice()) {
            (Some(id), _) if ids.iter().any(|known| known == id) => Ok(id.to_string()),
            (Some(id), _) => Err(kring_store::StoreError::UnknownNetwork(id.to_string()).into()),
            (None, [only]) => Ok(only.clone()),
            (None, _) => Err(NodeError::Connection("choose a network with --network ID".into())),
        }
    }

    /// Creates an invite in `network` (by this device's member, who must be a coordinator) and
    /// returns it with a ticket that points at this running device.
    pub fn create_invite(
        &self,
        network: &str,
        role: Role,
        max_uses: u64,
        valid_for: Duration,
    ) -> Result<(InviteId, InviteTicket)> {
        self.create_invite_for(network, role, max_uses, valid_for, "")
    }

    /// As [`Node::create_invite`], made for someone: `made_for` is the short name the open
    /// invites are told apart by ("Bram (ouder)"), or empty.
    pub fn create_invite_for(
        &self,
        network: &str,
        role: Role,
        max_uses: u64,
        valid_for: Duration,
        made_for: &str,
    ) -> Result<(InviteId, InviteTicket)> {
        let networks = self.shared.networks();
        let mut open =
            networks.lock(network).ok_or_else(|| kring_store::StoreError::UnknownNetwork(network.to_string()))?;
        // This device first, then a few other member devices that can also let the invitee in.
        let mut peers = vec![self.addr()];
        let book = self.shared.book();
        let others = open.other_member_devices(networks.device()).into_iter();
        peers.extend(others.filter_map(|(device, _)| book.addr_of(&device)).take(3));
        drop(book);
        let created = invite::create(&mut open, networks.device(), role, max_uses, valid_for, made_for, peers)?;
        drop(open);
        self.local_edit(network);
        Ok(created)
    }

    /// Tells live connections that a local edit was made (and saved) in `network`.
    pub fn local_edit(&self, network: &str) {
        self.shared.publish(Change { network: network.to_string(), from_peer: None });
    }

    /// Makes a change on this device: the one way to edit a network the node holds. `edit` runs
    /// under the lock of that network (no other network waits) and the member this device is; what it wrote is
    /// written to disk, offered to every connected peer (which receive it signed by this
    /// device) and fsynced: when this returns, it is saved. Nothing is kept if `edit` fails.
    pub fn edit<T, E>(
        &self,
        network: &str,
        edit: impl FnOnce(&mut kring_model::Network, &kring_model::MemberId) -> std::result::Result<T, E>,
    ) -> Result<T>
    where
        NodeError: From<E>,
    {
        let (value, appended) = self.shared.networks().edit(network, edit)?;
        self.shared.offer_and_keep(network, None, appended)?;
        Ok(value)
    }

    /// Begins the next chapter of `network` as the coordinator this laptop is, without `erase`
    /// (see [`crate::chapters::start`]), and switches to it; connected members are offered it
    /// at once.
    ///
    /// The new chapter is written from a copy of the network, with the lock free: copying a
    /// network of many years takes seconds, and meanwhile every connection, every other
    /// network and the window go on. What this laptop writes in the network meanwhile is
    /// carried into the new chapter; others' edits are carried over by their own laptops, as
    /// any offline work. Only the switch itself (writing the new chapter to disk) holds the
    /// lock.
    pub fn start_chapter(
        &self,
        network: &str,
        erase: &[kring_model::Erasure],
        keep_history: bool,
    ) -> Result<kring_model::ChapterInfo> {
        let mut copy = self.shared.networks().for_new_chapter(network)?;
        let begun = copy.begin(erase, keep_history)?;
        drop(copy);
        let chapter = self.shared.networks().switch_to_begun(network, begun)?;
        self.shared.keep_first_view(network);
        self.shared.emit(NodeEvent::ChapterSwitched {
            network: network.to_string(),
            number: chapter.number,
            endpoint: None,
            carried_over: 0,
            left_out: 0,
            displaced: 0,
        });
        self.local_edit(network);
        Ok(chapter)
    }

    /// Erases `attachment` of `network` for everyone, as the coordinator this laptop is: the
    /// network continues in a new chapter without its record (see [`Node::start_chapter`]), and
    /// every laptop deletes its bytes once it has switched; this one at once, in the
    /// background (see [`Node::sweep_attachments`] to wait for it).
    pub fn erase_attachment(
        &self,
        network: &str,
        attachment: &kring_model::AttachmentId,
    ) -> Result<kring_model::ChapterInfo> {
        self.start_chapter(network, &[kring_model::Erasure::Attachment(attachment.clone())], false)
    }

    /// Deletes now the bytes of every attachment that no record of `network` names any more
    /// (erased, or left with the bin when a chapter began); a record in the bin keeps its bytes.
    /// A laptop does this by itself after each switch to a new chapter and when it starts.
    pub async fn sweep_attachments(&self, network: &str) -> Result<crate::Swept> {
        crate::attachment_cleanup::sweep_network(&self.shared, network).await
    }

    /// For every network: which chapter each member device last said it holds, as `(network,
    /// device, chapter)`, kept across restarts.
    pub fn chapters_heard(&self) -> Vec<(String, String, String)> {
        self.shared.networks().chapters_heard()
    }

    /// The attachments on this laptop: their fetch policy, bytes and copies for the viewer.
    pub fn attachments_here(&self) -> crate::attachment_local::LocalAttachments<'_> {
        crate::attachment_local::LocalAttachments::new(&self.shared)
    }

    /// Reads a network the node holds, under its lock (briefly: its connections wait meanwhile).
    pub fn read<T>(&self, network: &str, read: impl FnOnce(&mut kring_model::Network) -> T) -> Result<T> {
        let mut open = self.shared.networks().lock_known(network)?;
        Ok(read(&mut open.network))
    }

    /// Dials every member device of the given networks (all when `None`) that has a known
    /// address, syncs until in sync with each, and reports per device.
    pub async fn sync_once(&self, network: Option<&str>, timeout: Duration) -> Result<Vec<PeerReport>> {
        self.sync_devices(network, None, timeout).await
    }

    /// [`Node::sync_once`] with only `devices` (typed in, or from a ticket): those of them that
    /// are member devices of the networks.
    pub async fn sync_with(
        &self,
        devices: &BTreeSet<String>,
        network: Option<&str>,
        timeout: Duration,
    ) -> Result<Vec<PeerReport>> {
        self.sync_devices(network, Some(devices), timeout).await
    }

    async fn sync_devices(
        &self,
        network: Option<&str>,
        only: Option<&BTreeSet<String>>,
        timeout: Duration,
    ) -> Result<Vec<PeerReport>> {
        let networks = match network {
            Some(id) => vec![self.network_id(Some(id))?],
            None => self.shared.networks().ids(),
        };
        // One connection per device, carrying every network both hold: a colleague in nine
        // networks is one peer, and a peer takes only a few connections from one device.
        // Per device: the networks (and the member it is in each) and where to dial it.
        type Target = (Vec<(String, MemberId)>, Option<(EndpointAddr, FoundVia)>);
        let mut targets: BTreeMap<String, Target> = BTreeMap::new();
        {
            for network in &networks {
                for (device, member) in self.shared.networks().member_devices(network) {
                    if only.is_some_and(|only| !only.contains(&device)) {
                        continue;
                    }
                    let target = targets.entry(device.clone()).or_insert_with(|| {
                        let addr = self.shared.book().dial_addr(&device, self.find_by_id);
                        (Vec::new(), addr)
                    });
                    target.0.push((network.clone(), member));
                }
            }
        }
        // All devices at once: an unreachable laptop costs one timeout, not one each.
        let mut attempts = tokio::task::JoinSet::new();
        for (device, (networks, addr)) in targets {
            let endpoint = self.endpoint.clone();
            let shared = self.shared.clone();
            attempts.spawn(async move {
                let report = |(network, member): &(String, MemberId), status: &str| PeerReport {
                    endpoint: device.clone(),
                    member: member.to_string(),
                    network: network.clone(),
                    status: status.into(),
                    sent_bytes: 0,
                    received_bytes: 0,
                    error: None,
                };
                let Some((addr, via)) = addr else {
                    return networks.iter().map(|n| report(n, "unreachable")).collect::<Vec<_>>();
                };
                let ids: Vec<String> = networks.iter().map(|(network, _)| network.clone()).collect();
                let attempt = async {
                    let conn = endpoint.connect(addr, SYNC_ALPN).await.map_err(NodeError::connection)?;
                    Ok::<Outcome, NodeError>(peer::run(shared, conn, Some(ids), Mode::UntilInSync, via).await)
                };
                let outcome = tokio::time::timeout(timeout, attempt).await;
                networks
                    .iter()
                    .map(|entry| {
                        let network = &entry.0;
                        match &outcome {
                            Err(_) => PeerReport {
                                error: Some(format!("no answer within {} seconds", timeout.as_secs())),
                                ..report(entry, "unreachable")
                            },
                            Ok(Err(err)) => PeerReport { error: Some(err.to_string()), ..report(entry, "unreachable") },
                            Ok(Ok(outcome)) => {
                                let status = if outcome.refused.contains(network) {
                                    "refused"
                                } else if outcome.in_sync.contains(network) {
                                    "in-sync"
                                } else {
                                    "interrupted"
                                };
                                PeerReport {
                                    sent_bytes: outcome.sent_bytes,
                                    received_bytes: outcome.received_bytes,
                                    error: outcome.error.clone(),
                                    ..report(entry, status)
                                }
                            }
                        }
                    })
                    .collect()
            });
        }
        let mut reports = Vec::new();
        while let Some(device) = attempts.join_next().await {
            reports.extend(device.map_err(NodeError::connection)?);
        }
        reports.sort_by(|a, b| (&a.network, &a.endpoint).cmp(&(&b.network, &b.endpoint)));
        Ok(reports)
    }

    /// Connects to the device at `addr` and syncs live every network both hold, until either
    /// side stops. For addresses typed in by hand, when LAN discovery does not find a peer.
    pub fn connect(&self, addr: EndpointAddr, via: FoundVia) {
        let (endpoint, shared) = (self.endpoint.clone(), self.shared.clone());
        self.shared.spawn_connection(async move {
            let device = addr.id.to_string();
            let networks: Vec<String> = {
                let networks = shared.networks();
                let theirs = |n: &String| networks.member_devices(n).iter().any(|(d, _)| *d == device);
                networks.ids().into_iter().filter(theirs).collect()
            };
            match tokio::time::timeout(Duration::from_secs(5), endpoint.connect(addr, SYNC_ALPN)).await {
                Ok(Ok(conn)) => {
                    peer::run(shared, conn, Some(networks), Mode::Live, via).await;
                }
                Ok(Err(err)) => shared.emit(NodeEvent::Error { message: format!("cannot reach {device}: {err}") }),
                Err(_) => shared.emit(NodeEvent::Error { message: format!("cannot reach {device}: no answer") }),
            }
        });
    }

    /// Keeps dialing member devices that are not connected, each on its own back-off, until
    /// shutdown (see [`crate::dialer`]).
    pub fn spawn_dialer(&self) {
        crate::dialer::spawn(self.endpoint.clone(), self.shared.clone(), self.find_by_id, self.dns_lookups);
    }

    /// Fetches, until shutdown, the attachments of every network that this laptop lacks, from
    /// whichever member's laptop has them (see [`crate::attachments`]), reporting
    /// [`NodeEvent::AttachmentProgress`] and [`NodeEvent::AttachmentFetched`].
    pub fn spawn_attachment_fetch(&self) {
        let (endpoint, shared) = (self.endpoint.clone(), self.shared.clone());
        self.shared.spawn(attachments::fetch_in_background(endpoint, shared, self.find_by_id));
    }

    /// Attaches the file at `path` to a meeting, question or cycle of `network`: its bytes are
    /// taken into this laptop's store of the network and the attachment is written (and saved)
    /// as this laptop's member. Returns the attachment and the hash of its bytes. A missing file,
    /// one over 500 MiB or a target that does not exist changes nothing.
    pub async fn attach(
        &self,
        network: &str,
        to: &kring_model::AttachedTo,
        path: &std::path::Path,
    ) -> Result<(kring_model::AttachmentId, String)> {
        self.read(network, |n| n.check_attachable(to))??;
        // No sweep deletes the bytes before their record is written.
        let _adding = self.shared.attachments().cleanup.adding.read().await;
        let (hash, size) = attachments::take_in(self.shared.attachments(), network, path).await?;
        let file = attachments::describe(path, hash, size);
        let id = self.edit(network, |n, me| n.add_attachment(me, to, &file))?;
        Ok((id, file.hash))
    }

    /// Keeps `bytes` made on this laptop (a guest's re-encoded photo) in `network`'s attachment
    /// store, so that an edit naming their hash can follow. Their hash (lowercase hex) and size.
    pub async fn keep_attachment_bytes(&self, network: &str, bytes: Vec<u8>) -> Result<(String, u64)> {
        self.read(network, |_| ())?;
        let (hash, size) = attachments::take_in_bytes(self.shared.attachments(), network, bytes).await?;
        Ok((hash.to_hex(), size))
    }

    /// Whether the bytes of the attachment with content hash `hash` are whole on this laptop.
    pub async fn has_attachment(&self, network: &str, hash: &str) -> Result<bool> {
        let Some(hash) = attachments::parse_hash(hash) else { return Ok(false) };
        let store = self.shared.attachments().store(network).await?;
        Ok(attachments::is_complete(&store, hash).await)
    }

    /// Writes the bytes of `attachment` of `network` to `out`, waiting at most `wait` for them
    /// to be fetched from a member's laptop when they are not here yet (the background fetch,
    /// [`Node::spawn_attachment_fetch`], must run for that). How many bytes were written.
    pub async fn save_attachment(
        &self,
        network: &str,
        attachment: &kring_model::AttachmentId,
        out: &std::path::Path,
        wait: Duration,
    ) -> Result<u64> {
        let hash = self.read(network, |n| {
            let all = n.attachments()?;
            let found = all.into_iter().find(|(_, a)| a.id == *attachment).map(|(_, a)| a.hash);
            found.ok_or_else(|| kring_model::ModelError::UnknownAttachment(attachment.clone()))
        })??;
        let parsed = attachments::parse_hash(&hash).ok_or(kring_model::ModelError::BadAttachmentHash(hash))?;
        let store = self.shared.attachments().store(network).await?;
        let deadline = tokio::time::Instant::now() + wait;
        while !attachments::is_complete(&store, parsed).await {
            if tokio::time::Instant::now() >= deadline {
                return Err(NodeError::AttachmentNotHere);
            }
            self.shared.attachments().fetch_now.notify_one();
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        attachments::copy_out(self.shared.attachments(), network, parsed, out).await
    }

    /// Closes every connection gracefully and stops listening.
    pub async fn shutdown(&self) {
        endpoint::begin_closing();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.router.shutdown()).await;
        self.endpoint.close().await;
        let running = self.shared.stop_tasks(Duration::from_secs(5)).await;
        if running > 0 {
            tracing::warn!("{running} of the node's tasks were still running when it shut down");
        }
        // A switch just made: its unnamed bytes go before the node stops (`kring sync`).
        let _ = tokio::time::timeout(Duration::from_secs(30), crate::attachment_cleanup::sweep_due(&self.shared)).await;
        self.shared.attachments().shutdown().await;
    }

    /// Joins a network with a ticket, using a short-lived endpoint of this device (the CLI,
    /// when no node runs).
    pub async fn join(
        data: &DataDir,
        mode: &NetworkMode,
        ticket: &InviteTicket,
        profile: &kring_model::Profile,
        timeout: Duration,
    ) -> Result<(String, String)> {
        let (endpoint, book) = Node::short_lived(data, mode).await?;
        let result = join::join(data, &endpoint, ticket, profile, timeout).await;
        let joined = Node::close_short_lived(endpoint, book, result).await?;
        Ok((joined.network, joined.member))
    }

    /// Links `network` (held here; this device's member is its coordinator) into the leerhuis
    /// whose link ticket is `ticket`, using a short-lived endpoint of this device (the CLI):
    /// the leerhuis is stored here, and `network` records it. Returns the leerhuis's id and
    /// this device's member there.
    pub async fn link_into_leerhuis(
        data: &DataDir,
        mode: &NetworkMode,
        ticket: &InviteTicket,
        profile: &kring_model::Profile,
        network: &mut crate::OpenNetwork,
        timeout: Duration,
    ) -> Result<(String, String)> {
        let to_link = crate::leerhuis::network_to_link(network, &data.device_id())?;
        let (endpoint, book) = Node::short_lived(data, mode).await?;
        let result = crate::leerhuis::link(data, &endpoint, ticket, profile, &to_link, timeout).await;
        let learn = |linked: &crate::leerhuis::Linked, book: &mut crate::AddressBook| {
            if let crate::leerhuis::Linked::Joined(joined) = linked {
                joined.learn_into(book);
            }
        };
        let linked = Node::close_short_lived_then(endpoint, book, result, learn).await?;
        let seen = match linked {
            crate::leerhuis::Linked::Joined(joined) => SeenLeerhuis::of(&joined.opened.network, &data.device_id())?,
            crate::leerhuis::Linked::AlreadyMember { .. } => {
                SeenLeerhuis::of(&crate::OpenNetwork::open(data, &ticket.network)?.0.network, &data.device_id())?
            }
        };
        crate::leerhuis::record_on_our_side(network, data.device_key(), &seen, &ticket.peers)?;
        Ok((ticket.network.clone(), seen.member))
    }

    /// Joins the leerhuis `leerhuis` that `network` (held here) is linked into, with the
    /// voucher this device's member was issued there, using a short-lived endpoint (the CLI).
    /// Returns this device's member in the leerhuis.
    pub async fn join_leerhuis(
        data: &DataDir,
        mode: &NetworkMode,
        network: &mut crate::OpenNetwork,
        leerhuis: &str,
        profile: &kring_model::Profile,
        timeout: Duration,
    ) -> Result<String> {
        let (endpoint, book) = Node::short_lived(data, mode).await?;
        let result = crate::leerhuis::join_with_voucher(data, &endpoint, network, leerhuis, profile, timeout).await;
        let joined = Node::close_short_lived(endpoint, book, result).await?;
        Ok(joined.member)
    }

    /// A short-lived endpoint of this device, to receive a whole network (a join, a device
    /// link) while no node runs (the CLI); with the address book it learns into.
    pub(crate) async fn short_lived(data: &DataDir, mode: &NetworkMode) -> Result<(Endpoint, crate::AddressBook)> {
        let book = crate::AddressBook::load(data.root());
        let endpoint = endpoint::bind(data.device_key().clone(), mode, vec![], book.last_port()).await?;
        Ok((endpoint, book))
    }

    /// Closes a [`Node::short_lived`] endpoint and remembers what receiving the network taught.
    pub(crate) async fn close_short_lived(
        endpoint: Endpoint,
        book: crate::AddressBook,
        result: Result<Joined>,
    ) -> Result<Joined> {
        Node::close_short_lived_then(endpoint, book, result, Joined::learn_into).await
    }

    /// As [`Node::close_short_lived`], for any outcome: `learn` notes what it taught.
    pub(crate) async fn close_short_lived_then<T>(
        endpoint: Endpoint,
        mut book: crate::AddressBook,
        result: Result<T>,
        learn: impl FnOnce(&T, &mut crate::AddressBook),
    ) -> Result<T> {
        if result.is_ok() {
            book.set_own(&endpoint::own_addr(&endpoint));
        }
        endpoint::close(&endpoint).await;
        let outcome = result?;
        learn(&outcome, &mut book);
        book.save()?;
        Ok(outcome)
    }

    /// Joins a network with a ticket through this running node, which then syncs it live.
    pub async fn join_network(
        &self,
        data: &DataDir,
        ticket: &InviteTicket,
        profile: &kring_model::Profile,
        timeout: Duration,
    ) -> Result<JoinedNetwork> {
        if let Some(refreshed) = self.refresh(ticket)? {
            return Ok(refreshed);
        }
        let joined = join::join(data, &self.endpoint, ticket, profile, timeout).await?;
        self.take_joined(joined)
    }

    /// A ticket for a network this device already holds (pasted again, or a newer one): its
    /// addresses are news about where members are. Remembers them (the dialer dials them at
    /// once) and returns what happened; `None` when the network is not here.
    pub fn refresh(&self, ticket: &InviteTicket) -> Result<Option<JoinedNetwork>> {
        let member = {
            let networks = self.shared.networks();
            let Some(open) = networks.lock(&ticket.network) else { return Ok(None) };
            open.network.member_for_device(networks.device())?.map(|member| member.to_string()).unwrap_or_default()
        };
        for peer in ticket.peers.iter().filter(|peer| peer.id != self.endpoint.id()) {
            self.remember(peer, FoundVia::Ticket);
        }
        Ok(Some(JoinedNetwork { network: ticket.network.clone(), member, bytes: 0, refreshed: true }))
    }

    /// Opens a network this device just received whole (joined, or linked as another device of
    /// its member) and syncs it live from here on.
    pub(crate) fn take_joined(&self, joined: Joined) -> Result<JoinedNetwork> {
        {
            let mut book = self.shared.book();
            joined.learn_into(&mut book);
            book.save()?;
        }
        self.shared.networks().insert(joined.network.clone(), joined.opened);
        // Connections already open (the inviter may have dialed before the network was
        // saved here) start syncing it; the dialer reaches the others.
        self.local_edit(&joined.network);
        self.shared.dial_now.notify_one();
        Ok(JoinedNetwork { network: joined.network, member: joined.member, bytes: joined.bytes, refreshed: false })
    }

    /// Remembers where a device is (typed in by hand, or from a pasted ticket), and wakes the
    /// dialer. Returns whether an address was new.
    pub fn remember(&self, addr: &EndpointAddr, via: FoundVia) -> bool {
        let mut book = self.shared.book();
        let new = book.learn(addr, via);
        if new && let Err(err) = book.save() {
            tracing::warn!("cannot save the address book: {err}");
        }
        drop(book);
        self.shared.dial_now.notify_one();
        new
    }

    /// Takes over a network created on this device while the node runs.
    pub fn add_network(&self, network: kring_model::Network, store: kring_store::NetworkStore) {
        let id = network.id().to_string();
        let networks = self.shared.networks();
        networks.insert(id, crate::open_network::OpenNetwork::new(network, store, networks.device()));
    }

    /// The current reachability of a device: whether a direct path or only a relay is in use.
    pub async fn path_to(&self, device: &str) -> Option<crate::PeerPath> {
        let info = self.endpoint.remote_info(device.parse().ok()?).await?;
        let active: Vec<_> = info
            .addrs()
            .filter(|a| matches!(a.usage(), iroh::endpoint::TransportAddrUsage::Active))
            .map(|a| a.addr().clone())
            .collect();
        let direct = active.iter().find_map(|a| match a {
            iroh::TransportAddr::Ip(ip) => Some(*ip),
            _ => None,
        });
        match (direct, active.first()) {
            (Some(ip), _) => Some(crate::PeerPath::direct(ip)),
            (None, Some(_)) => Some(crate::PeerPath::Relay),
            (None, None) => None,
        }
    }

    /// Whether this device currently has a home relay (it can be reached over the internet).
    pub fn has_relay(&self) -> bool {
        self.addr().relay_urls().next().is_some()
    }

    /// Makes a one-time device-link ticket for `network`, valid for `valid_for`: the person's
    /// other laptop pastes it to become another device of the member this laptop is. Only this
    /// laptop, while its node runs, can answer it (the secret is kept in memory only).
    pub fn create_device_link(&self, network: &str, valid_for: Duration) -> Result<DeviceLinkTicket> {
        self.device_link.create(network, valid_for, self.addr())
    }

    /// Waits until another laptop has used `ticket` (made here) and received the network; the
    /// device it added. [`NodeError::DeviceLinkExpired`] once it expired unused (or was
    /// cancelled).
    pub async fn device_link_used(&self, ticket: &DeviceLinkTicket) -> Result<LinkedDevice> {
        self.device_link.used(ticket).await
    }

    /// Makes `ticket` (made here) unusable, if it was not used yet.
    pub fn cancel_device_link(&self, ticket: &DeviceLinkTicket) {
        self.device_link.cancel(ticket);
    }

    /// Makes this laptop another device of the member who made `ticket` on their other laptop,
    /// through this running node, which then syncs the network live. This laptop must not hold
    /// the network yet ([`NodeError::AlreadyLinked`]).
    pub async fn link_device(
        &self,
        data: &DataDir,
        ticket: &DeviceLinkTicket,
        timeout: Duration,
    ) -> Result<JoinedNetwork> {
        let linked = device_link::link(data, &self.endpoint, ticket, timeout).await?;
        self.take_joined(linked)
    }

    /// [`Node::link_device`] with a short-lived endpoint of this device (the CLI, when no node
    /// runs).
    pub async fn link(
        data: &DataDir,
        mode: &NetworkMode,
        ticket: &DeviceLinkTicket,
        timeout: Duration,
    ) -> Result<JoinedNetwork> {
        device_link::not_here_yet(data, ticket)?;
        let (endpoint, book) = Node::short_lived(data, mode).await?;
        let result = device_link::link(data, &endpoint, ticket, timeout).await;
        let linked = Node::close_short_lived(endpoint, book, result).await?;
        Ok(JoinedNetwork { network: linked.network, member: linked.member, bytes: linked.bytes, refreshed: false })
    }
}

/// The leerhuis through a running node (the desktop app): the same steps as
/// [`Node::link_into_leerhuis`] and [`Node::join_leerhuis`], over this node's own endpoint, and
/// the leerhuis then synced live. No network's lock is held while waiting for the other laptop.
impl Node {
    /// A link ticket for `leerhuis` (by this device's member, a coordinator of it), pointing
    /// at this running device.
    pub fn create_link_ticket(&self, leerhuis: &str, valid_for: Duration) -> Result<(InviteId, InviteTicket)> {
        let created = {
            let networks = self.shared.networks();
            let mut open = networks.lock_known(leerhuis)?;
            invite::create_link(&mut open, networks.device(), valid_for, vec![self.addr()])?
        };
        self.local_edit(leerhuis);
        Ok(created)
    }

    /// Links `network` (held here; this device's member coordinates it) into the leerhuis whose
    /// link ticket is `ticket`; records the leerhuis in `network` and issues every member a
    /// voucher. Returns the leerhuis, now held here too.
    pub async fn link_into_leerhuis_running(
        &self,
        data: &DataDir,
        network: &str,
        ticket: &InviteTicket,
        profile: &kring_model::Profile,
        timeout: Duration,
    ) -> Result<JoinedNetwork> {
        let to_link = {
            let networks = self.shared.networks();
            let open = networks.lock_known(network)?;
            crate::leerhuis::network_to_link(&open, networks.device())?
        };
        let linked = crate::leerhuis::link(data, &self.endpoint, ticket, profile, &to_link, timeout).await?;
        let joined = match linked {
            crate::leerhuis::Linked::Joined(joined) => joined,
            crate::leerhuis::Linked::AlreadyMember { bytes } => {
                // The leerhuis is held here (one network's lock at a time: it, then ours).
                let seen = {
                    let networks = self.shared.networks();
                    SeenLeerhuis::of(&networks.lock_known(&ticket.network)?.network, networks.device())?
                };
                let mut open = self.shared.networks().lock_known(network)?;
                crate::leerhuis::record_on_our_side(&mut open, data.device_key(), &seen, &ticket.peers)?;
                drop(open);
                self.local_edit(network);
                self.shared.dial_now.notify_one();
                return Ok(JoinedNetwork {
                    network: ticket.network.clone(),
                    member: seen.member,
                    bytes,
                    refreshed: true,
                });
            }
        };
        {
            let seen = SeenLeerhuis::of(&joined.opened.network, &data.device_id())?;
            let mut open = self.shared.networks().lock_known(network)?;
            crate::leerhuis::record_on_our_side(&mut open, data.device_key(), &seen, &ticket.peers)?;
        }
        self.local_edit(network);
        self.take_joined(*joined)
    }

    /// Joins `leerhuis`, which `network` (held here) is linked into, with the voucher this
    /// device's member was issued in `network`. Returns the leerhuis, now held here too.
    pub async fn join_leerhuis_running(
        &self,
        data: &DataDir,
        network: &str,
        leerhuis: &str,
        profile: &kring_model::Profile,
        timeout: Duration,
    ) -> Result<JoinedNetwork> {
        let own = endpoint::own_addr(&self.endpoint);
        let addrs = own.addrs.iter().map(crate::address_book::addr_to_text).collect();
        let (request, peers) = {
            let mut open = self.shared.networks().lock_known(network)?;
            crate::leerhuis::voucher_request(&mut open, data.device_key(), leerhuis, profile, addrs)?
        };
        let alpn = crate::leerhuis::LEERHUIS_JOIN_ALPN;
        let joined = join::receive(data, &self.endpoint, leerhuis, &peers, alpn, &request, timeout).await?;
        self.take_joined(joined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The node owns every task it starts: after shutdown none runs on, whether it waited for
    /// ever (the dialer) or held a connection (one typed in by hand).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_task_of_the_node_outlives_its_shutdown() {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (data_a, data_b) = (DataDir::open(dir_a.path()).unwrap(), DataDir::open(dir_b.path()).unwrap());
        let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
        let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await.unwrap();
        node_a.spawn_dialer();
        let mut events = node_a.subscribe();
        node_a.connect(node_b.addr(), FoundVia::Typed);
        let connected = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Ok(NodeEvent::PeerConnected { .. }) = events.recv().await {
                    return;
                }
            }
        });
        connected.await.expect("the typed-in connection opened");
        assert!(node_a.shared.running_tasks() >= 2, "the dialer and the connection run");

        tokio::time::timeout(Duration::from_secs(15), node_a.shutdown()).await.expect("shut down in time");
        assert_eq!(node_a.shared.running_tasks(), 0);
        node_b.shutdown().await;
        assert_eq!(node_b.shared.running_tasks(), 0);
    }
}
