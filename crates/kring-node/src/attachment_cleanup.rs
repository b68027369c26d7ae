//! Deleting the bytes of attachments that no record of their network names any more: erased for
//! everyone (the record left with a new chapter), or in the bin when the bin was emptied (the
//! next chapter leaves binned records out). A record in the bin still names its bytes: they are
//! kept, so that it can be restored.
//!
//! iroh-blobs deletes a blob only in its store's garbage collection, which deletes what no tag
//! and no protecting callback keeps. Each store is opened with a collection that runs only when
//! a sweep asks for it ([`Collector`]), keeping exactly the hashes the network's document names;
//! a sweep first deletes the tags of everything else (a file taken in on this laptop is tagged).
//! The stores keep no bytes inline in their database ([`InlineOptions::NO_INLINE`]): every byte
//! of an attachment is in files of its own, which the collection deletes, so that no file in the
//! data folder holds any of it afterwards.
//!
//! A laptop sweeps a network after every switch to a new chapter (taken or begun), when the
//! node starts (a switch made by the command line, or cut off by a crash), and before the node
//! stops. Transfers of a hash the network no longer names are ended (see [`until_unnamed`]).

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use iroh_blobs::Hash;
use iroh_blobs::store::fs::FsStore;
use iroh_blobs::store::fs::options::{InlineOptions, Options};
use iroh_blobs::store::{GcConfig, ProtectCb, ProtectOutcome};
use kring_model::Network;
use n0_future::StreamExt;

use crate::error::{NodeError, Result};
use crate::shared::Shared;

/// How often a store's collection looks whether a sweep asked it to run (it does nothing else
/// unless asked).
const LOOK_EVERY: Duration = Duration::from_millis(100);
/// A collection that has not finished within this long is given up on (tried again later).
const COLLECT_TIME: Duration = Duration::from_secs(60);
/// A sweep that left bytes behind (a transfer of them was still ending) is tried again after
/// this long, this many times, before it waits for the next switch or start.
const AGAIN_AFTER: Duration = Duration::from_millis(500);
const ATTEMPTS: usize = 20;

/// The collection of one store: runs when [`Collector::collect`] asks, keeping what it is given.
#[derive(Debug)]
pub(crate) struct Collector {
    state: Mutex<Asked>,
    /// The number of the last collection finished.
    finished: tokio::sync::watch::Sender<u64>,
}

#[derive(Debug, Default)]
struct Asked {
    /// The number of the last collection asked for.
    last: u64,
    /// Asked for and not begun: its number and what it keeps.
    waiting: Option<(u64, HashSet<Hash>)>,
    /// Begun: its number.
    running: Option<u64>,
}

impl Collector {
    fn new() -> Collector {
        Collector { state: Mutex::default(), finished: tokio::sync::watch::Sender::new(0) }
    }

    /// Called by the store before each collection it could run: says whether to run it, and
    /// what to keep. Being called again means the one begun before has finished.
    fn protect(&self, live: &mut HashSet<Hash>) -> ProtectOutcome {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(done) = state.running.take() {
            self.finished.send_replace(done);
        }
        match state.waiting.take() {
            Some((number, keep)) => {
                live.extend(keep);
                state.running = Some(number);
                ProtectOutcome::Continue
            }
            None => ProtectOutcome::Abort,
        }
    }

    /// Runs the store's collection once, keeping `keep` and whatever is tagged, and waits until
    /// it has finished.
    async fn collect(&self, keep: HashSet<Hash>) -> Result<()> {
        let mut finished = self.finished.subscribe();
        let number = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.last += 1;
            // A collection asked for and not begun yet is replaced: this one keeps what the
            // document names now.
            state.waiting = Some((state.last, keep));
            state.last
        };
        match tokio::time::timeout(COLLECT_TIME, finished.wait_for(|done| *done >= number)).await {
            Ok(Ok(_)) => Ok(()),
            _ => Err(NodeError::Attachments("the store's clean-up did not finish".into())),
        }
    }
}

/// Opens (or makes) the store in `dir`, keeping no bytes in its database and with a collection
/// that `collector` runs.
pub(crate) async fn load(dir: &Path, collector: Arc<Collector>) -> Result<FsStore> {
    let mut options = Options::new(dir);
    options.inline = InlineOptions::NO_INLINE;
    let protect: ProtectCb = Arc::new(move |live| {
        let outcome = collector.protect(live);
        Box::pin(std::future::ready(outcome))
    });
    options.gc = Some(GcConfig { interval: LOOK_EVERY, add_protected: Some(protect) });
    FsStore::load_with_opts(dir.join("blobs.db"), options).await.map_err(|err| NodeError::Attachments(err.to_string()))
}

/// The sweeps of a node's stores: their collectors, and the networks to sweep.
#[derive(Debug, Default)]
pub(crate) struct Cleanup {
    collectors: Mutex<std::collections::BTreeMap<String, Arc<Collector>>>,
    /// Networks that switched chapter (or opened) and are not swept yet.
    due: Mutex<BTreeSet<String>>,
    /// Wakes the sweeping task.
    wake: tokio::sync::Notify,
    /// Held to read by whatever takes bytes in before their record is written (a file
    /// attached), and to write by a sweep: a sweep never deletes bytes whose record is on its
    /// way.
    pub(crate) adding: tokio::sync::RwLock<()>,
}

impl Cleanup {
    /// The collector of `network`'s store (made the first time).
    pub(crate) fn collector(&self, network: &str) -> Arc<Collector> {
        let mut collectors = self.collectors.lock().unwrap_or_else(|p| p.into_inner());
        collectors.entry(network.to_string()).or_insert_with(|| Arc::new(Collector::new())).clone()
    }

    /// Asks for `network` to be swept soon.
    pub(crate) fn sweep_later(&self, network: &str) {
        self.due.lock().unwrap_or_else(|p| p.into_inner()).insert(network.to_string());
        self.wake.notify_one();
    }

    /// A network to sweep, no longer due: asked for again while it is swept, it is swept again.
    fn next_due(&self) -> Option<String> {
        self.due.lock().unwrap_or_else(|p| p.into_inner()).pop_first()
    }
}

/// What a sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Blobs deleted (whole or in part).
    pub deleted: usize,
    /// Blobs no record names that are still there (a transfer of them was ending).
    pub left: usize,
}

/// The hashes of every attachment `network` names, in the bin too; an error when the document
/// cannot be read (then nothing may be deleted).
pub(crate) fn named(network: &Network) -> Result<HashSet<Hash>> {
    let all = network.attachments()?;
    Ok(all.iter().filter_map(|(_, attachment)| crate::attachments::parse_hash(&attachment.hash)).collect())
}

/// Deletes from `store` every blob not in `keep`: the tags that keep them, then their bytes.
pub(crate) async fn sweep(store: &FsStore, collector: &Collector, keep: &HashSet<Hash>) -> Result<Swept> {
    let failed = |err: &dyn std::fmt::Display| NodeError::Attachments(err.to_string());
    let mut tags = store.tags().list().await.map_err(|err| failed(&err))?;
    let mut stale = Vec::new();
    while let Some(tag) = tags.next().await {
        let tag = tag.map_err(|err| failed(&err))?;
        if !keep.contains(&tag.hash) {
            stale.push(tag.name);
        }
    }
    for name in stale {
        store.tags().delete(name).await.map_err(|err| failed(&err))?;
    }
    let unnamed = |held: Vec<Hash>| held.into_iter().filter(|hash| !keep.contains(hash)).count();
    let before = unnamed(store.blobs().list().hashes().await.map_err(|err| failed(&err))?);
    if before == 0 {
        return Ok(Swept::default());
    }
    collector.collect(keep.clone()).await?;
    let left = unnamed(store.blobs().list().hashes().await.map_err(|err| failed(&err))?);
    Ok(Swept { deleted: before.saturating_sub(left), left })
}

/// Sweeps `network`'s store in a running node, if it has one.
pub(crate) async fn sweep_network(shared: &Shared, network: &str) -> Result<Swept> {
    let stores = shared.attachments();
    if !stores.dir(network)?.exists() {
        return Ok(Swept::default());
    }
    let _no_adding = stores.cleanup.adding.write().await;
    let keep = {
        let Some(open) = shared.networks().lock(network) else { return Ok(Swept::default()) };
        named(&open.network)?
    };
    crate::attachment_local::drop_viewer_copies(stores.data_root(), network, &keep);
    let store = stores.store(network).await?;
    let swept = sweep(&store, &stores.cleanup.collector(network), &keep).await?;
    if swept.deleted > 0 {
        tracing::info!("network {network}: the bytes of {} attachments no record names were deleted", swept.deleted);
    }
    Ok(swept)
}

/// Sweeps, until the node stops, every network asked for (see [`Cleanup::sweep_later`]).
pub(crate) async fn sweep_in_background(shared: Arc<Shared>) {
    loop {
        shared.attachments().cleanup.wake.notified().await;
        sweep_due(&shared).await;
    }
}

/// Sweeps every network asked for, each until nothing unnamed is left (or [`ATTEMPTS`] tries).
pub(crate) async fn sweep_due(shared: &Shared) {
    let cleanup = &shared.attachments().cleanup;
    let mut tried = std::collections::BTreeMap::<String, usize>::new();
    while let Some(network) = cleanup.next_due() {
        let attempt = tried.entry(network.clone()).or_default();
        *attempt += 1;
        match sweep_network(shared, &network).await {
            Ok(swept) if swept.left > 0 && *attempt < ATTEMPTS => {
                tokio::time::sleep(AGAIN_AFTER).await;
                cleanup.sweep_later(&network);
            }
            Ok(swept) if swept.left > 0 => {
                tracing::warn!("network {network}: {} attachments no record names are still here", swept.left);
            }
            Ok(_) => {}
            Err(err) => tracing::warn!("network {network}: attachments no record names were not deleted: {err}"),
        }
    }
}

/// Sweeps `network`'s store while no node runs (the command line, after it switched chapter).
pub async fn sweep_here(data: &kring_store::DataDir, network: &Network) -> Result<Swept> {
    let id = network.id().to_string();
    let stores = crate::attachments::Stores::new(data.root());
    if !stores.dir(&id)?.exists() {
        return Ok(Swept::default());
    }
    let keep = named(network)?;
    crate::attachment_local::drop_viewer_copies(data.root(), &id, &keep);
    let swept = match stores.store(&id).await {
        Ok(store) => sweep(&store, &stores.cleanup.collector(&id), &keep).await,
        Err(err) => Err(err),
    };
    stores.shutdown().await;
    swept
}

/// Returns once `network` no longer names an attachment with hash `hash` (or is closed): what
/// serves or fetches those bytes stops then.
pub(crate) async fn until_unnamed(shared: &Shared, network: &str, hash: &str) {
    let mut changes = shared.changes.subscribe();
    loop {
        let names = |open: crate::networks::Held| {
            open.network.attachments().is_ok_and(|all| all.iter().any(|(_, a)| a.hash == hash))
        };
        if !shared.networks().lock(network).is_some_and(names) {
            return;
        }
        loop {
            match changes.recv().await {
                Ok(change) if change.network != network => continue,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return std::future::pending().await,
            }
        }
    }
}
