//! Driving a node from a user interface.
//!
//! [`Client::start`] runs a [`Node`](crate::Node) on a tokio runtime of its own thread. The
//! interface sends [`Command`]s and receives [`Update`]s: snapshots of the network it shows,
//! the sync status, and the result of each command. It never waits on disk or network; the
//! `wake` callback (egui's `request_repaint`) tells it that an update is waiting.

mod attachments;
mod backend;
mod command;
pub(crate) mod first_paint;
mod search_all;
mod seen;
mod status;
mod typist;
mod update;

use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;

use kring_store::DataDir;
use tokio::sync::mpsc as tokio_mpsc;

pub use attachments::{AttachmentUse, AttachmentsHere, Bytes};
pub use command::{BundlePassphrase, Command};
pub use status::{PeerStatus, Reach, RefusedChange, Switched, SyncStatus};
pub use update::{
    Failure, Found, HeldLeerhuis, NetworkEntry, NetworkView, Outcome, TextAt, TextHistory, TimelineItem, TimelineKind,
    Update,
};

use crate::NetworkMode;

/// One command with the number its result will carry.
pub(crate) struct Request {
    pub id: u64,
    pub command: Command,
}

/// Where updates go: a channel the interface drains, and a nudge to make it look.
#[derive(Clone)]
pub(crate) struct Outbox {
    updates: mpsc::Sender<Update>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl Outbox {
    pub(crate) fn send(&self, update: Update) {
        if self.updates.send(update).is_ok() {
            (self.wake)();
        }
    }
}

/// The interface's handle on its running node. Dropping it stops the node gracefully.
pub struct Client {
    requests: Option<tokio_mpsc::UnboundedSender<Request>>,
    next_request: u64,
    thread: Option<JoinHandle<()>>,
    /// A detached client keeps what it was asked instead of running it.
    kept: Option<Vec<Command>>,
}

impl Client {
    /// Starts the node for `data` on its own thread.
    pub fn start(
        data: DataDir,
        mode: NetworkMode,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> std::io::Result<(Client, mpsc::Receiver<Update>)> {
        let (updates, receiver) = mpsc::channel();
        let (requests, inbox) = tokio_mpsc::unbounded_channel();
        let outbox = Outbox { updates, wake: Arc::new(wake) };
        let thread = std::thread::Builder::new().name("kring-node".into()).spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
                Ok(runtime) => runtime,
                Err(err) => {
                    let err = kring_store::StoreError::Io { path: "tokio runtime".into(), source: err };
                    outbox.send(Update::Failed(Arc::new(crate::NodeError::Store(err))));
                    return;
                }
            };
            runtime.block_on(backend::run(data, mode, inbox, outbox));
        })?;
        Ok((Client { requests: Some(requests), next_request: 1, thread: Some(thread), kept: None }, receiver))
    }

    /// A client with no node: it keeps every command sent, unanswered. For testing an
    /// interface's clicks without disk or network.
    pub fn detached() -> (Client, mpsc::Receiver<Update>) {
        let (_updates, receiver) = mpsc::channel();
        (Client { requests: None, next_request: 1, thread: None, kept: Some(Vec::new()) }, receiver)
    }

    /// What a detached client was asked, in order.
    pub fn sent(&self) -> &[Command] {
        self.kept.as_deref().unwrap_or_default()
    }

    /// Sends a command; its result arrives as [`Update::Done`] with the returned number.
    pub fn send(&mut self, command: Command) -> u64 {
        let id = self.next_request;
        self.next_request += 1;
        if let Some(kept) = &mut self.kept {
            kept.push(command);
            return id;
        }
        if let Some(requests) = &self.requests {
            let _ = requests.send(Request { id, command });
        }
        id
    }

    /// Closes every connection, saves, and waits for the node's thread to end.
    pub fn stop(&mut self) {
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.stop();
    }
}
