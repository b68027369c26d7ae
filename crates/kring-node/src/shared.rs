//! What every protocol and task of a node shares: the networks, the connections by device,
//! where this laptop can be reached, and the channels that carry changes and events between
//! them. The node owns it; protocols hold an `Arc` of it, never the node.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use iroh::EndpointAddr;
use kring_store::Appended;
use kring_sync::PeerAddr;
use tokio::sync::broadcast;

use crate::address_book::{AddressBook, addr_to_text};
use crate::error::Result;
use crate::events::NodeEvent;
use crate::links::{Connections, Links};
use crate::networks::Networks;

/// A network's document changed: other connections pass it on.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub network: String,
    /// The connection that brought the changes; `None` for an edit made on this device.
    pub from_peer: Option<u64>,
}

/// What the connections of a node share. Each network has a lock of its own (see
/// [`Networks`]); nothing here is locked for every network at once.
pub(crate) struct Shared {
    networks: Networks,
    pub(crate) changes: broadcast::Sender<Change>,
    events: broadcast::Sender<NodeEvent>,
    next_connection: AtomicU64,
    own_addr: Mutex<Option<EndpointAddr>>,
    /// Wakes the dialer: a new member, network or address means someone may be reachable now.
    pub(crate) dial_now: tokio::sync::Notify,
    connections: Arc<Connections>,
    /// Where other devices were last reached. Taken after a network's lock when both are
    /// needed, never before it.
    book: Mutex<AddressBook>,
    /// Every task the node started (the dialer, its dials, the watchers, connections typed in
    /// by hand): none outlives [`Shared::stop_tasks`].
    tasks: tokio_util::task::TaskTracker,
    /// Ends the tasks that would otherwise wait for ever (the dialer, the watchers).
    stopping: tokio_util::sync::CancellationToken,
    /// The attachments' bytes, a store per network.
    attachments: crate::attachments::Stores,
}

impl Shared {
    /// Shares `networks`; with the first receiver of the node's events, subscribed before any
    /// connection could emit one.
    pub(crate) fn new(
        networks: Networks,
        book: AddressBook,
        attachments: crate::attachments::Stores,
    ) -> (Arc<Shared>, broadcast::Receiver<NodeEvent>) {
        let (changes, _) = broadcast::channel(1024);
        let (events, first_events) = broadcast::channel(1024);
        let shared = Shared {
            networks,
            changes,
            events,
            next_connection: AtomicU64::new(0),
            own_addr: Mutex::new(None),
            dial_now: tokio::sync::Notify::new(),
            connections: Arc::default(),
            book: Mutex::new(book),
            tasks: tokio_util::task::TaskTracker::new(),
            stopping: tokio_util::sync::CancellationToken::new(),
            attachments,
        };
        (Arc::new(shared), first_events)
    }

    /// The stores of the attachments' bytes.
    pub(crate) fn attachments(&self) -> &crate::attachments::Stores {
        &self.attachments
    }

    /// The address book (see the field's comment for the order of locks).
    pub(crate) fn book(&self) -> MutexGuard<'_, AddressBook> {
        self.book.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Learns addresses a member told us for `network`, for devices of its members only.
    pub(crate) fn learn_peers(&self, network: &str, peers: &[PeerAddr]) {
        let members: Vec<String> = self.networks.member_devices(network).into_iter().map(|(d, _)| d).collect();
        let mut book = self.book();
        let mut changed = false;
        for peer in peers.iter().filter(|p| members.contains(&p.device)) {
            changed |= book.learn_from_member(peer);
        }
        if changed && let Err(err) = book.save() {
            tracing::warn!("cannot save the address book: {err}");
        }
    }

    /// Remembers where a device being let in (an invitee, a member's other laptop) says it can
    /// be reached.
    pub(crate) fn learn_incoming(&self, device: &str, addrs: &[String]) {
        if let Some(addr) = crate::address_book::to_endpoint_addr(device, addrs) {
            let mut book = self.book();
            book.learn(&addr, crate::events::FoundVia::Incoming);
            let _ = book.save();
        }
    }

    /// Runs `task` as one of the node's own, ended when the node shuts down.
    pub(crate) fn spawn(&self, task: impl std::future::Future<Output = ()> + Send + 'static) {
        let stopping = self.stopping.clone();
        self.tasks.spawn(async move {
            tokio::select! {
                _ = stopping.cancelled() => {}
                _ = task => {}
            }
        });
    }

    /// Runs `connection` as one of the node's own: at shutdown it is not cut off but ends as
    /// the endpoint closes, saving what it must (see [`Shared::stop_tasks`]).
    pub(crate) fn spawn_connection(&self, connection: impl std::future::Future<Output = ()> + Send + 'static) {
        self.tasks.spawn(connection);
    }

    /// Ends every task of the node: the waiting ones at once, connections once the endpoint
    /// has closed them (each within a few seconds). Returns how many are still running after
    /// `grace` (none, unless a connection hangs).
    pub(crate) async fn stop_tasks(&self, grace: std::time::Duration) -> usize {
        self.stopping.cancel();
        self.tasks.close();
        let _ = tokio::time::timeout(grace, self.tasks.wait()).await;
        self.tasks.len()
    }

    /// How many of the node's tasks run now.
    #[cfg(test)]
    pub(crate) fn running_tasks(&self) -> usize {
        self.tasks.len()
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<NodeEvent> {
        self.events.subscribe()
    }

    /// Where this laptop listens now: told to members in a welcome and in sync.
    pub(crate) fn set_own_addr(&self, addr: EndpointAddr) {
        *self.own_addr.lock().unwrap_or_else(|p| p.into_inner()) = Some(addr);
    }

    /// The node's networks, each under a lock of its own (see [`Networks::lock`]).
    pub(crate) fn networks(&self) -> &Networks {
        &self.networks
    }

    pub(crate) fn next_connection_id(&self) -> u64 {
        self.next_connection.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn publish(&self, change: Change) {
        let _ = self.changes.send(change);
    }

    /// What every writer of a network does once its change is in the document and `appended`
    /// to the log (an edit here, a join admitted, a bundle merged, a peer's changes): offers it
    /// to every connection but the one it came from (`from_peer`), then makes it durable with
    /// the lock free. It counts as saved only once this returns; should this laptop crash
    /// before, a peer that has it gives it back.
    pub(crate) fn offer_and_keep(&self, network: &str, from_peer: Option<u64>, appended: Appended) -> Result<()> {
        if matches!(appended, Appended::Nothing) {
            return Ok(());
        }
        self.publish(Change { network: network.to_string(), from_peer });
        if let Appended::Unsynced(unsynced) = appended
            && let Err(err) = unsynced.sync()
        {
            self.networks.sync_failed(network, unsynced.heads_before);
            return Err(err.into());
        }
        Ok(())
    }

    pub(crate) fn emit(&self, event: NodeEvent) {
        // A new chapter may name fewer attachments: the bytes of the others are deleted.
        if let NodeEvent::ChapterSwitched { network, .. } = &event {
            self.attachments.cleanup.sweep_later(network);
        }
        // Ids and errors in an event may come from a peer: each is cut to size here.
        let event = event.bounded();
        tracing::debug!(?event);
        if matches!(event, NodeEvent::MemberJoined { .. }) {
            self.dial_now.notify_one();
        }
        let _ = self.events.send(event);
    }

    pub(crate) fn links(&self) -> MutexGuard<'_, Links> {
        self.connections.lock()
    }

    /// The incoming connections' places (see [`crate::links::Slot`]).
    pub(crate) fn connections(&self) -> &Arc<Connections> {
        &self.connections
    }

    /// Keeps the view of `network` for the next start (see [`crate::client::first_paint`]),
    /// read from a copy with the lock free: a snapshot of a big network takes a while.
    pub(crate) fn keep_first_view(&self, network: &str) {
        let Some(copy) = self.networks.copy_of(network) else { return };
        let device = self.networks.device();
        let Some((me, snapshot)) = crate::client::first_paint::view_of(&copy, device) else { return };
        if let Some(open) = self.networks.lock(network) {
            crate::client::first_paint::keep(&open.store, me, snapshot);
        }
    }

    pub(crate) fn own_peer_addr(&self) -> Option<PeerAddr> {
        let addr = self.own_addr.lock().ok()?.clone()?;
        Some(PeerAddr { device: addr.id.to_string(), addrs: addr.addrs.iter().map(addr_to_text).collect() })
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Shared")
    }
}
