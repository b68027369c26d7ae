//! The node's side of a client: runs commands, follows the node's events, and sends the
//! interface a fresh view whenever the watched network changed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use kring_model::{LiveSnapshot, Network, NetworkDetails, NetworkSnapshot, Profile};
use kring_store::DataDir;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::command::{BundlePassphrase, Command};
use super::first_paint;
use super::seen::Seen;
use super::status::{Reach, SyncStatus};
use super::typist::Typing;
use super::update::{Failure, NetworkEntry, NetworkView, Outcome, Update};
use super::{Outbox, Request};
use crate::address_book::addr_to_text;
use crate::{FoundVia, InviteTicket, NetworkMode, Node, NodeError, NodeEvent};

/// How long joining may take before the person is told the inviter cannot be reached.
const JOIN_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a ticket for the person's other laptop can be used.
const DEVICE_LINK_VALID: Duration = Duration::from_secs(15 * 60);
/// How often reachability and connection paths are looked at again.
const STATUS_INTERVAL: Duration = Duration::from_secs(2);

type Reply = Result<Outcome, Failure>;

fn failed(err: impl Into<NodeError>) -> Failure {
    Arc::new(err.into())
}

/// Work that finished on another task (joining, or beginning a chapter of a network of years,
/// takes seconds; the loop does not wait for it, and typing elsewhere goes on).
enum Finished {
    Joined {
        request: u64,
        result: Reply,
    },
    ChapterStarted {
        request: u64,
        result: Reply,
    },
    /// An attachment added, saved, copied or fetched.
    Attachment {
        request: u64,
        result: Reply,
    },
    /// A bundle written or read in.
    Bundle {
        request: u64,
        result: Reply,
    },
    /// A photo's bytes, read.
    Update(Box<Update>),
}

struct Backend {
    data: Arc<DataDir>,
    node: Arc<Node>,
    mode: NetworkMode,
    outbox: Outbox,
    finished: UnboundedSender<Finished>,
    watched: Option<String>,
    version: u64,
    typing: Typing,
    /// What changed in the watched network since its person last looked.
    seen: Option<Seen>,
    /// The watched network as last sent, brought up to date record by record.
    live: Option<LiveSnapshot>,
    /// The snapshot of the last view sent, shared again while nothing in it changes.
    shown: Option<Arc<NetworkSnapshot>>,
    /// The last typing request applied.
    typed: u64,
    view_dirty: bool,
    status: SyncStatus,
    status_sent: Option<SyncStatus>,
    /// Results wait until the view that shows their effect is sent.
    results: Vec<Update>,
    /// Which attachments of the watched network are here, and which are arriving.
    attachments: super::attachments::Tracker,
    /// Every network as the last search across them read it.
    search_snapshots: super::search_all::SearchSnapshots,
}

pub(crate) async fn run(data: DataDir, mode: NetworkMode, mut inbox: UnboundedReceiver<Request>, outbox: Outbox) {
    // Something to show while the networks load.
    if let Some((networks, view)) = first_paint::read(&data) {
        outbox.send(Update::Networks(networks));
        if let Some(view) = view {
            outbox.send(Update::View(Box::new(view)));
        }
    }
    let (node, warnings) = match Node::start(&data, &mode).await {
        Ok(started) => started,
        Err(err) => {
            let reason = failed(err);
            outbox.send(Update::Failed(reason.clone()));
            while let Some(request) = inbox.recv().await {
                outbox.send(Update::Done { request: request.id, result: Err(reason.clone()) });
            }
            return;
        }
    };
    node.spawn_dialer();
    node.spawn_attachment_fetch();
    // Copies made for the system's viewer last time are not kept.
    crate::clear_opened(data.root());
    let mut events = node.subscribe();
    let (finished, mut finished_rx) = unbounded_channel();
    let mut backend = Backend {
        data: Arc::new(data),
        node: Arc::new(node),
        mode,
        outbox,
        finished,
        watched: None,
        version: 0,
        typing: Typing::default(),
        seen: None,
        live: None,
        shown: None,
        typed: 0,
        view_dirty: false,
        status: SyncStatus::default(),
        status_sent: None,
        results: Vec::new(),
        attachments: Default::default(),
        search_snapshots: Default::default(),
    };
    // Who had switched to a network's new chapter, as heard before this start (the members
    // page shows it).
    for (network, endpoint, chapter) in backend.node.chapters_heard() {
        backend.status.apply(&NodeEvent::PeerChapter { network, endpoint, chapter });
    }
    backend.outbox.send(Update::Ready { device: backend.node.endpoint_id(), warnings });
    backend.send_networks();
    let mut tick = tokio::time::interval(STATUS_INTERVAL);
    loop {
        tokio::select! {
            request = inbox.recv() => match request {
                Some(request) => backend.handle(request),
                None => break,
            },
            event = events.recv() => match event {
                Ok(event) => {
                    backend.attachments.event(&event);
                    if let Some(network) = backend.status.apply(&event) {
                        backend.view_dirty |= backend.watched.as_ref() == Some(&network);
                    }
                    if matches!(event, NodeEvent::PeerConnected { .. }) {
                        // The Details show the new connection's path now, not at the next tick.
                        backend.refresh_reach().await;
                    }
                }
                // Missed events: look again at everything.
                Err(RecvError::Lagged(_)) => backend.view_dirty = true,
                Err(RecvError::Closed) => break,
            },
            Some(done) = finished_rx.recv() => backend.finish(done),
            _ = tick.tick() => {
                backend.refresh_reach().await;
                // A fetch that stopped is no longer shown as arriving.
                backend.attachments.dirty |= backend.attachments.fetching();
            }
        }
        backend.flush();
        backend.send_attachments_here().await;
    }
    backend.keep_for_first_paint();
    backend.node.shutdown().await;
    crate::clear_opened(backend.data.root());
}

impl Backend {
    fn handle(&mut self, Request { id, command }: Request) {
        tracing::debug!(request = id, command = command.name());
        let result = match command {
            Command::Watch { network } => {
                self.watched = Some(network);
                self.view_dirty = true;
                Ok(Outcome::Done)
            }
            Command::CreateNetwork { name, founder } => self.create_network(&name, &founder),
            Command::Join { ticket, profile } => match InviteTicket::parse(ticket.trim()) {
                Ok(ticket) => {
                    self.spawn_join(id, ticket, profile);
                    return;
                }
                Err(err) => Err(failed(err)),
            },
            Command::Edit { network, edit } => self.edit(&network, edit),
            Command::Type { network, field, seen, splices, caret } => {
                self.typed = id;
                self.view_dirty = true;
                let typing = &mut self.typing;
                self.node
                    .edit(&network, |open, me| typing.type_text(&network, open, me, &field, seen, &splices, caret))
                    .map(|()| Outcome::Done)
                    .map_err(failed)
            }
            Command::CreateInvite { network, role, max_uses, valid_for, made_for } => {
                self.view_dirty = true;
                self.node
                    .create_invite_for(&network, role, max_uses, valid_for, &made_for)
                    .map(|(_, ticket)| Outcome::Ticket(ticket.to_text()))
                    .map_err(failed)
            }
            Command::Connect { address } => self.connect(&address),
            Command::SaveSettings { config } => self.data.save_config(&config).map(|()| Outcome::Done).map_err(failed),
            Command::MarkSeen { network } => self.mark_seen(&network),
            Command::WriteFile { path, contents } => write_file(&path, &contents),
            Command::ExportBundle { network, path, passphrase, with_attachments } => {
                self.spawn_export(id, network, path, passphrase, with_attachments);
                return;
            }
            Command::ImportBundle { path, passphrase, new_network } => {
                self.spawn_import(id, path, passphrase, new_network);
                return;
            }
            Command::CreateDeviceLink { network } => self
                .node
                .create_device_link(&network, DEVICE_LINK_VALID)
                .map(|t| Outcome::Ticket(t.to_text()))
                .map_err(failed),
            Command::LinkDevice { ticket } => match kring_ticket::DeviceLinkTicket::parse(ticket.trim()) {
                Ok(ticket) => {
                    self.spawn_link(id, ticket);
                    return;
                }
                Err(err) => Err(failed(err)),
            },
            Command::StartChapter { network, erase, keep_history } => {
                self.spawn_chapter(id, network, erase, keep_history);
                return;
            }
            Command::History { network, field } => self.history(&network, field),
            Command::TextAt { network, field, heads } => self.text_at(&network, field, heads),
            // The leerhuis (see the block at the end).
            Command::Leerhuizen => self.send_leerhuizen(),
            Command::CreateLinkTicket { network } => self
                .node
                .create_link_ticket(&network, LINK_TICKET_VALID)
                .map(|(_, ticket)| Outcome::Ticket(ticket.to_text()))
                .map_err(failed),
            Command::LinkIntoLeerhuis { network, ticket, profile } => match InviteTicket::parse(ticket.trim()) {
                Ok(ticket) => {
                    self.spawn_link_leerhuis(id, network, ticket, profile);
                    return;
                }
                Err(err) => Err(failed(err)),
            },
            Command::JoinLeerhuis { network, leerhuis, profile } => {
                self.spawn_join_leerhuis(id, network, leerhuis, profile);
                return;
            }
            Command::Publish { leerhuis, publication } => self.publish(&leerhuis, *publication),
            Command::Withdraw { leerhuis, publication } => self.withdraw(&leerhuis, &publication),
            Command::Timeline => self.send_timeline(),
            // Attachments (see the block at the end).
            Command::SetFetchPolicy { network, on_demand } => self.set_fetch_policy(&network, on_demand),
            Command::AttachmentUse => {
                self.results.push(Update::AttachmentUse(super::attachments::usage(&self.node)));
                Ok(Outcome::Done)
            }
            Command::Attach { .. }
            | Command::SaveAttachment { .. }
            | Command::CopyForViewer { .. }
            | Command::FetchAttachment { .. }
            | Command::KeepBytes { .. }
            | Command::ReadAttachment { .. } => {
                self.spawn_attachment_work(id, command);
                return;
            }
            Command::Unlink { network, leerhuis, withdraw } => self.unlink(&network, &leerhuis, withdraw),
            Command::SearchAll { query } => {
                let results = self.search_snapshots.search(&self.node, self.watched.as_deref(), &query);
                self.results.push(Update::Found(Box::new(super::Found { query, results })));
                Ok(Outcome::Done)
            }
        };
        self.results.push(Update::Done { request: id, result });
    }

    fn edit(&mut self, network: &str, edit: kring_model::Edit) -> Reply {
        self.view_dirty = true;
        let applied = self.node.edit(network, |network, me| edit.apply(network, me)).map_err(failed)?;
        Ok(match applied {
            kring_model::Applied::Nothing => Outcome::Done,
            kring_model::Applied::Created(id) => Outcome::Created(id),
            kring_model::Applied::RevokedInvites(revoked) if revoked.is_empty() => Outcome::Done,
            kring_model::Applied::RevokedInvites(revoked) => Outcome::InvitesRevoked(revoked.len()),
        })
    }

    fn history(&mut self, network: &str, field: kring_model::TextField) -> Reply {
        let versions = self.node.read(network, |n| n.text_history(&field)).map_err(failed)?.map_err(failed)?;
        self.results.push(Update::History(super::TextHistory { field, versions }));
        Ok(Outcome::Done)
    }

    fn text_at(
        &mut self,
        network: &str,
        field: kring_model::TextField,
        heads: Vec<kring_model::automerge::ChangeHash>,
    ) -> Reply {
        let text = self.node.read(network, |n| n.text_at(&field, &heads)).map_err(failed)?.map_err(failed)?;
        self.results.push(Update::TextAt(super::TextAt { field, heads, text }));
        Ok(Outcome::Done)
    }

    fn mark_seen(&mut self, network_id: &str) -> Reply {
        self.view_dirty = true;
        let mut open = self.node.shared().networks().lock(network_id).ok_or_else(|| not_open(network_id))?;
        let open = &mut *open;
        match self.seen.as_mut().filter(|seen| seen.follows(network_id, &open.network)) {
            Some(seen) => seen.mark(&mut open.network, &open.store),
            None => Seen::open(network_id, &mut open.network, &open.store).mark(&mut open.network, &open.store),
        }
        Ok(Outcome::Done)
    }

    /// Writes a bundle on a task of its own: with a network's films it takes a while, and
    /// meanwhile the window and sync go on. Progress goes straight to the window.
    fn spawn_export(
        &self,
        request: u64,
        network: String,
        path: PathBuf,
        passphrase: Option<BundlePassphrase>,
        with_attachments: bool,
    ) {
        let (node, outbox, finished) = (self.node.clone(), self.outbox.clone(), self.finished.clone());
        tokio::spawn(async move {
            // Locked for the laptops of the current members, or with a passphrase: never plain.
            let lock = match passphrase {
                Some(passphrase) => crate::BundleFor::Passphrase(passphrase.to_passphrase()),
                None => crate::BundleFor::Members,
            };
            let progress = move |progress| outbox.send(Update::BundleProgress { request, progress });
            let written = node.export_bundle(&network, &path, lock, with_attachments, progress).await;
            let result = written.map(|_| Outcome::Saved(path)).map_err(failed);
            let _ = finished.send(Finished::Bundle { request, result });
        });
    }

    /// Reads a bundle in on a task of its own (checking a film's bytes takes a while), merges
    /// it into the network it holds, keeps its attachments and passes the news on to peers.
    /// Without the passphrase a bundle locked with one is refused as needing it: the interface
    /// then asks for it.
    fn spawn_import(&self, request: u64, path: PathBuf, passphrase: Option<BundlePassphrase>, new_network: bool) {
        let (node, data, finished) = (self.node.clone(), self.data.clone(), self.finished.clone());
        let outbox = self.outbox.clone();
        tokio::spawn(async move {
            let passphrase = passphrase.as_ref().map(BundlePassphrase::to_passphrase);
            let progress = move |progress| outbox.send(Update::BundleProgress { request, progress });
            let imported = node.import_bundle(&data, &path, passphrase, new_network, progress).await;
            let result = imported
                .map(|imported| match new_network {
                    true => Outcome::Network(imported.network),
                    false => Outcome::Merged { changes: imported.new_changes, attachments: imported.attachments },
                })
                .map_err(failed);
            let _ = finished.send(Finished::Bundle { request, result });
        });
    }

    fn create_network(&mut self, name: &str, founder: &Profile) -> Reply {
        let details = NetworkDetails { name: name.to_string(), ..Default::default() };
        let (mut network, _) =
            Network::create(&details, founder, self.data.device_key().as_signing_key()).map_err(failed)?;
        let id = network.id().to_string();
        // Creating the store saves the whole document.
        let store = self.data.create_network(&id, network.doc_mut()).map_err(failed)?;
        first_paint::keep_new(&store, &network, &self.data.device_id());
        self.node.add_network(network, store);
        self.send_networks();
        Ok(Outcome::Network(id))
    }

    fn spawn_join(&self, request: u64, ticket: InviteTicket, profile: Profile) {
        let (node, data, finished) = (self.node.clone(), self.data.clone(), self.finished.clone());
        tokio::spawn(async move {
            let result = node.join_network(&data, &ticket, &profile, JOIN_TIMEOUT).await;
            let result = result.map(|joined| Outcome::Network(joined.network)).map_err(failed);
            let _ = finished.send(Finished::Joined { request, result });
        });
    }

    fn spawn_link(&self, request: u64, ticket: kring_ticket::DeviceLinkTicket) {
        let (node, data, finished) = (self.node.clone(), self.data.clone(), self.finished.clone());
        tokio::spawn(async move {
            let result = node.link_device(&data, &ticket, JOIN_TIMEOUT).await;
            let result = result.map(|joined| Outcome::Network(joined.network)).map_err(failed);
            let _ = finished.send(Finished::Joined { request, result });
        });
    }

    /// Begins the next chapter of `network` on a thread of its own (see
    /// [`Node::start_chapter`]): the copy takes seconds on a network of years.
    fn spawn_chapter(&self, request: u64, network: String, erase: Vec<kring_model::Erasure>, keep_history: bool) {
        let (node, finished) = (self.node.clone(), self.finished.clone());
        tokio::task::spawn_blocking(move || {
            let started = node.start_chapter(&network, &erase, keep_history);
            let result = started.map(|chapter| Outcome::Chapter(chapter.number)).map_err(failed);
            let _ = finished.send(Finished::ChapterStarted { request, result });
        });
    }

    fn finish(&mut self, done: Finished) {
        match done {
            Finished::Joined { request, result } => {
                if result.is_ok() {
                    self.send_networks();
                    // Linking into a leerhuis also wrote in the network on screen.
                    self.view_dirty = true;
                }
                self.results.push(Update::Done { request, result });
            }
            Finished::ChapterStarted { request, result } => {
                self.view_dirty = true;
                self.results.push(Update::Done { request, result });
            }
            Finished::Attachment { request, result } => {
                self.view_dirty = true;
                self.attachments.dirty = true;
                self.results.push(Update::Done { request, result });
            }
            Finished::Bundle { request, result } => {
                if matches!(result, Ok(Outcome::Network(_))) {
                    self.send_networks();
                }
                self.view_dirty = true;
                self.attachments.dirty = true;
                self.results.push(Update::Done { request, result });
            }
            Finished::Update(update) => self.results.push(*update),
        }
    }

    fn connect(&self, address: &str) -> Reply {
        let address = address.trim();
        let (addrs, via) = match InviteTicket::parse(address) {
            Ok(ticket) => (ticket.peers, FoundVia::Ticket),
            Err(_) => {
                let addr = crate::address_book::parse_address(address)
                    .ok_or_else(|| failed(NodeError::NotAnAddress(address.to_string())))?;
                (vec![addr], FoundVia::Typed)
            }
        };
        for addr in addrs {
            self.node.remember(&addr, via);
            self.node.connect(addr, via);
        }
        Ok(Outcome::Done)
    }

    fn send_networks(&self) {
        let networks = self.node.shared().networks();
        let entry = |id: String| NetworkEntry { name: networks.name_of(&id).unwrap_or_else(|| id.clone()), id };
        let mut entries: Vec<NetworkEntry> = networks.ids().into_iter().map(entry).collect();
        entries.sort_by_key(|entry| first_paint::list_order(&entry.name));
        self.outbox.send(Update::Networks(entries));
    }

    async fn refresh_reach(&mut self) {
        self.status.reach = if self.mode.offline {
            Reach::Offline
        } else if self.node.has_relay() {
            Reach::Online
        } else {
            Reach::LanOnly
        };
        self.status.address = address_text(&self.node);
        let connected: Vec<String> =
            self.status.peers.iter().filter(|(_, p)| p.connected).map(|(id, _)| id.clone()).collect();
        for device in connected {
            let path = self.node.path_to(&device).await;
            if let Some(peer) = self.status.peers.get_mut(&device) {
                peer.path = path;
            }
        }
    }

    /// Sends what changed since the last round: the view (once, however many changes), the
    /// status, then the results of the commands handled.
    fn flush(&mut self) {
        if self.view_dirty {
            self.view_dirty = false;
            self.send_view();
        }
        if self.status_sent.as_ref() != Some(&self.status) {
            self.status_sent = Some(self.status.clone());
            self.outbox.send(Update::Status(self.status.clone()));
        }
        for result in self.results.drain(..) {
            self.outbox.send(result);
        }
    }

    /// Keeps the view of the watched network, and of any network that has none kept yet, for
    /// the next start (see [`first_paint`]).
    fn keep_for_first_paint(&self) {
        let networks = self.node.shared().networks();
        let device = networks.device();
        for network_id in networks.ids() {
            if self.watched.as_ref() != Some(&network_id) && self.data.read_view_cache(&network_id).is_some() {
                continue;
            }
            let Some(open) = networks.lock(&network_id) else { continue };
            let Ok(snapshot) = open.network.snapshot() else { continue };
            let me = snapshot.member_for_device(device).map(|m| m.id.clone());
            first_paint::keep(&open.store, me, snapshot);
        }
    }

    fn send_view(&mut self) {
        let Some(network_id) = self.watched.clone() else { return };
        let (changed, me, changes, caret) = {
            let networks = self.node.shared().networks();
            let Some(mut open) = networks.lock(&network_id) else { return };
            let open = &mut *open;
            let device = networks.device();
            if self.seen.as_ref().is_none_or(|seen| !seen.follows(&network_id, &open.network)) {
                self.seen = Some(Seen::open(&network_id, &mut open.network, &open.store));
            }
            // Only the records changed since the last view are read again (a whole read of a
            // busy network takes a tenth of a second: longer than a keystroke may take).
            let updated = match self.live.take() {
                Some(mut live) => live.update(&mut open.network).map(|changed| (live, changed)),
                None => LiveSnapshot::read(&mut open.network).map(|live| (live, true)),
            };
            let (live, changed) = match updated {
                Ok((live, changed)) => (self.live.insert(live), changed),
                Err(err) => {
                    tracing::warn!("cannot read network {network_id}: {err}");
                    return;
                }
            };
            self.version += 1;
            self.typing.remember_view(self.version, open.network.heads());
            let caret = self.typing.caret(&network_id, &open.network);
            let me = live.snapshot().member_for_device(device).map(|m| m.id.clone());
            let changes = match (self.seen.as_mut(), &me) {
                (Some(seen), Some(me)) => seen.summary(&mut open.network).clone().without_member(me),
                (Some(seen), None) => seen.summary(&mut open.network).clone(),
                (None, _) => Default::default(),
            };
            (changed, me, changes, caret)
        };
        // Copied with the network's lock released (its connections need it meanwhile), and only
        // when something in it changed.
        let snapshot = match (&self.shown, &self.live) {
            (Some(shown), _) if !changed => shown.clone(),
            (_, Some(live)) => Arc::new(live.snapshot().clone()),
            (_, None) => return,
        };
        self.shown = Some(snapshot.clone());
        let view = NetworkView {
            me,
            changes: Arc::new(changes),
            network: network_id,
            version: self.version,
            snapshot,
            typed: self.typed,
            caret,
        };
        self.outbox.send(Update::View(Box::new(view)));
    }
}

// The leerhuis: linking, joining and sharing through the running node.

/// How long a link ticket for a network can be used.
const LINK_TICKET_VALID: Duration = Duration::from_secs(7 * 24 * 3600);

impl Backend {
    /// Tells the interface which leerhuizen this laptop holds and which networks it shares for.
    fn send_leerhuizen(&mut self) -> Reply {
        let networks = self.node.shared().networks();
        let device = networks.device().to_string();
        let mut held = Vec::new();
        for id in networks.ids() {
            let Some(open) = networks.lock(&id) else { continue };
            if open.network.kind() != kring_model::NetworkKind::Leerhuis {
                continue;
            }
            let Ok(snapshot) = open.network.snapshot() else { continue };
            let delegate_for = snapshot
                .links
                .values()
                .filter(|link| link.is_linked() && link.delegates.contains_key(&device))
                .map(|link| link.id.to_string())
                .collect();
            held.push(super::HeldLeerhuis { id, name: snapshot.info.name.clone(), delegate_for });
        }
        self.results.push(Update::Leerhuizen(held));
        Ok(Outcome::Done)
    }

    fn spawn_link_leerhuis(&self, request: u64, network: String, ticket: InviteTicket, profile: Profile) {
        let (node, data, finished) = (self.node.clone(), self.data.clone(), self.finished.clone());
        tokio::spawn(async move {
            let result = node.link_into_leerhuis_running(&data, &network, &ticket, &profile, JOIN_TIMEOUT).await;
            let result = result.map(|joined| Outcome::Network(joined.network)).map_err(failed);
            let _ = finished.send(Finished::Joined { request, result });
        });
    }

    fn spawn_join_leerhuis(&self, request: u64, network: String, leerhuis: String, profile: Profile) {
        let (node, data, finished) = (self.node.clone(), self.data.clone(), self.finished.clone());
        tokio::spawn(async move {
            let result = node.join_leerhuis_running(&data, &network, &leerhuis, &profile, JOIN_TIMEOUT).await;
            let result = result.map(|joined| Outcome::Network(joined.network)).map_err(failed);
            let _ = finished.send(Finished::Joined { request, result });
        });
    }

    /// Publishes what the person saw, with the heads its network has now: the window's view
    /// follows every change, so what it showed is the record as it stands.
    fn publish(&mut self, leerhuis: &str, mut publication: kring_model::leerhuis::NewPublication) -> Reply {
        let heads = self.node.read(publication.from.as_str(), |n| n.heads()).map_err(failed)?;
        publication.source_heads = heads.iter().take(70).map(ToString::to_string).collect::<Vec<_>>().join(",");
        self.view_dirty = true;
        let device = self.data.device_id();
        let id = self.node.edit(leerhuis, |network, me| network.publish(me, &device, &publication)).map_err(failed)?;
        Ok(Outcome::Created(id.to_string()))
    }

    /// The researcher's timeline across every network here, one network's lock at a time.
    fn send_timeline(&mut self) -> Reply {
        let networks = self.node.shared().networks();
        let mut items = Vec::new();
        for id in networks.ids() {
            let Some(open) = networks.lock(&id) else { continue };
            let Ok(snapshot) = open.network.snapshot() else { continue };
            items.extend(super::TimelineItem::of(&id, &snapshot));
        }
        items.sort_by(|a, b| {
            (&a.date, &a.network_name, a.kind, &a.title).cmp(&(&b.date, &b.network_name, b.kind, &b.title))
        });
        self.results.push(Update::Timeline(items));
        Ok(Outcome::Done)
    }

    /// The same two steps as `kring leerhuis unlink`, each offered to the peers of its network.
    fn unlink(&mut self, network: &str, leerhuis: &str, withdraw: bool) -> Reply {
        self.view_dirty = true;
        let device = self.data.device_id();
        let (network, leerhuis) = (kring_model::NetworkId::new(network), kring_model::NetworkId::new(leerhuis));
        let node = &self.node;
        crate::leerhuis::unlink(&network, &leerhuis, &device, withdraw, |id, step| {
            node.edit(id.as_str(), |n, me| step(n, me))
        })
        .map_err(failed)?;
        // This laptop shares for the network there no more.
        self.send_leerhuizen()
    }

    fn withdraw(&mut self, leerhuis: &str, publication: &kring_model::PublicationId) -> Reply {
        self.view_dirty = true;
        let device = self.data.device_id();
        self.node
            .edit(leerhuis, |network, me| network.withdraw_publication(me, &device, publication))
            .map_err(failed)?;
        Ok(Outcome::Done)
    }
}

// Attachments: their bytes added, fetched, saved and shown through the running node.

impl Backend {
    /// Runs an attachment command on a task of its own: copying in a film, or fetching one from
    /// a colleague's laptop, takes a while, and meanwhile typing goes on.
    fn spawn_attachment_work(&self, request: u64, command: Command) {
        let (node, data, finished) = (self.node.clone(), self.data.clone(), self.finished.clone());
        tokio::spawn(async move {
            let result = match command {
                Command::Attach { network, to, path } => {
                    node.attach(&network, &to, &path).await.map(|(id, _)| Outcome::Created(id.to_string()))
                }
                Command::SaveAttachment { network, attachment, path } => node
                    .attachments_here()
                    .save_attachment_asked(&network, &attachment, &path)
                    .await
                    .map(|_| Outcome::Saved(path)),
                Command::CopyForViewer { network, attachment } => node
                    .attachments_here()
                    .copy_for_viewer(data.root(), &network, &attachment)
                    .await
                    .map(Outcome::Saved),
                Command::FetchAttachment { network, attachment } => {
                    node.attachments_here().bring_attachment_here(&network, &attachment).await.map(|_| Outcome::Done)
                }
                Command::KeepBytes { network, bytes } => {
                    node.keep_attachment_bytes(&network, bytes.0.to_vec()).await.map(|(hash, _)| Outcome::Created(hash))
                }
                Command::ReadAttachment { network, attachment } => {
                    let read = node.attachments_here().attachment_in_memory(&network, &attachment).await;
                    let bytes = read.map(|bytes| super::Bytes(bytes.into())).map_err(failed);
                    let _ = finished.send(Finished::Update(Box::new(Update::AttachmentBytes {
                        network,
                        attachment,
                        bytes,
                    })));
                    Ok(Outcome::Done)
                }
                _ => Ok(Outcome::Done),
            };
            let _ = finished.send(Finished::Attachment { request, result: result.map_err(failed) });
        });
    }

    fn set_fetch_policy(&mut self, network: &str, on_demand: bool) -> Reply {
        let policy = if on_demand { crate::FetchPolicy::OnDemand } else { crate::FetchPolicy::Always };
        self.node.attachments_here().set_fetch_policy(network, policy).map_err(failed)?;
        self.attachments.dirty = true;
        self.results.push(Update::AttachmentUse(super::attachments::usage(&self.node)));
        Ok(Outcome::Done)
    }

    /// Tells the interface which attachments of the watched network are here, when that changed.
    async fn send_attachments_here(&mut self) {
        let (Some(network), Some(snapshot)) = (self.watched.clone(), self.shown.clone()) else { return };
        if let Some(here) = self.attachments.look(&self.node, &network, &snapshot).await {
            self.outbox.send(Update::AttachmentsHere(here));
        }
    }
}

fn not_open(network: &str) -> Failure {
    failed(NodeError::UnknownNetwork(network.to_string()))
}

/// Writes a file the person chose, whole or not at all.
fn write_file(path: &Path, contents: &[u8]) -> Reply {
    kring_store::write_atomic(path, contents, None).map_err(failed)?;
    Ok(Outcome::Saved(path.to_path_buf()))
}

/// This device's address as a person can type it into another laptop: `ID@IP:PORT,IP:PORT`.
fn address_text(node: &Node) -> String {
    let addr = node.addr();
    let ips: Vec<String> =
        addr.addrs.iter().filter(|a| matches!(a, iroh::TransportAddr::Ip(_))).map(addr_to_text).collect();
    format!("{}@{}", addr.id, ips.join(","))
}
