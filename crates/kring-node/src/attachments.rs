//! Attachments' bytes: one iroh-blobs store per network, served to members behind the same gate
//! as sync, and fetched in the background from whichever member's laptop has them.
//!
//! The stores live in the data folder's `attachments/<network id>/`, beside the network's own
//! folder rather than in it: a new chapter replaces the network's folder whole. Each network has
//! a store of its own, so that a member of one network can never be given the bytes of another,
//! whatever hash they name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use iroh::Endpoint;
use iroh::endpoint::{Connection, RecvStream, SendStream, VarInt};
use iroh::protocol::{AcceptError, ProtocolHandler};
use iroh_blobs::Hash;
use iroh_blobs::api::blobs::BlobStatus;
use iroh_blobs::api::remote::GetProgressItem;
use iroh_blobs::protocol::{ChunkRanges, ERR_PERMISSION, GetRequest, Request};
use iroh_blobs::provider::events::EventSender;
use iroh_blobs::provider::{StreamPair, handle_get};
use iroh_blobs::store::fs::FsStore;
use kring_model::schema::MAX_ATTACHMENT_BYTES;
use kring_model::{AttachedTo, Attachment};
use n0_future::StreamExt;

use crate::error::{NodeError, Result};
use crate::events::NodeEvent;
use crate::links::{Pool, Slot};
use crate::shared::Shared;

/// iroh-blobs' own protocol (verified streaming of BLAKE3-named blobs), behind Kring's gate.
pub const ATTACHMENTS_ALPN: &[u8] = b"kring/attachments/1";

/// Where the stores are kept, under the data folder.
pub const ATTACHMENTS_DIR: &str = "attachments";

/// A member's request must arrive within this long after it opened a stream.
const REQUEST_TIME: Duration = Duration::from_secs(10);
/// How long a member's laptop may take to answer a dial for attachments.
const CONNECT_TIME: Duration = Duration::from_secs(5);
/// Attachments that could not be fetched are tried again after this long (sooner when a
/// document changes or a member connects).
const RETRY: Duration = Duration::from_secs(10);
/// At most one progress event per this many bytes, or per this long.
const PROGRESS_BYTES: u64 = 4 * 1024 * 1024;
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// The stores of a node's networks, opened when first needed.
#[derive(Debug)]
pub(crate) struct Stores {
    root: PathBuf,
    open: tokio::sync::Mutex<BTreeMap<String, FsStore>>,
    /// Wakes the background fetch (an attachment asked for, a member connected).
    pub(crate) fetch_now: tokio::sync::Notify,
    /// Attachments asked for on a laptop that fetches on demand (see `attachment_local`).
    pub(crate) asked: crate::attachment_local::Asked,
    /// Deleting the bytes no record names any more (see [`crate::attachment_cleanup`]).
    pub(crate) cleanup: crate::attachment_cleanup::Cleanup,
}

impl Stores {
    pub(crate) fn new(data_root: &Path) -> Stores {
        Stores {
            root: data_root.join(ATTACHMENTS_DIR),
            open: tokio::sync::Mutex::default(),
            fetch_now: tokio::sync::Notify::new(),
            asked: Default::default(),
            cleanup: crate::attachment_cleanup::Cleanup::default(),
        }
    }

    /// The data folder the stores are in.
    pub(crate) fn data_root(&self) -> &Path {
        self.root.parent().unwrap_or(&self.root)
    }

    /// The folder of `network`'s store.
    pub(crate) fn dir(&self, network: &str) -> Result<PathBuf> {
        if !kring_store::is_valid_network_id(network) {
            return Err(kring_store::StoreError::InvalidNetworkId(network.to_string()).into());
        }
        Ok(self.root.join(network))
    }

    /// The store of `network`, opened (and made, private to this account) the first time.
    pub(crate) async fn store(&self, network: &str) -> Result<FsStore> {
        let mut open = self.open.lock().await;
        if let Some(store) = open.get(network) {
            return Ok(store.clone());
        }
        let dir = self.dir(network)?;
        private_dir(&self.root)?;
        private_dir(&dir)?;
        let store = crate::attachment_cleanup::load(&dir, self.cleanup.collector(network)).await?;
        make_private(&dir);
        open.insert(network.to_string(), store.clone());
        Ok(store)
    }

    /// Closes every store (its database written out): at the node's shutdown.
    pub(crate) async fn shutdown(&self) {
        let stores: Vec<FsStore> = std::mem::take(&mut *self.open.lock().await).into_values().collect();
        for store in stores {
            if let Err(err) = store.shutdown().await {
                tracing::warn!("an attachment store did not close cleanly: {err}");
            }
        }
    }
}

/// Whether the bytes of `hash` are whole in `store`.
pub(crate) async fn is_complete(store: &FsStore, hash: Hash) -> bool {
    matches!(store.blobs().status(hash).await, Ok(BlobStatus::Complete { .. }))
}

/// How much of `hash` `store` holds (verified chunks of a partial blob count).
async fn bytes_held(store: &FsStore, hash: Hash) -> u64 {
    store.remote().local(hash).await.map(|local| local.local_bytes()).unwrap_or_default()
}

/// Parses a hash as the document holds it (checked by the rules: 64 lowercase hex digits).
pub(crate) fn parse_hash(hash: &str) -> Option<Hash> {
    kring_model::is_content_hash(hash).then(|| hash.parse().ok()).flatten()
}

/// Takes the file at `path` into `network`'s store, after checking that it is a readable file
/// within the size Kring takes; its hash and size.
pub(crate) async fn take_in(stores: &Stores, network: &str, path: &Path) -> Result<(Hash, u64)> {
    let unusable = |reason: String| NodeError::AttachmentFile { path: path.to_path_buf(), reason };
    let meta = std::fs::metadata(path).map_err(|err| unusable(err.to_string()))?;
    if !meta.is_file() {
        return Err(NodeError::AttachmentNotAFile(path.to_path_buf()));
    }
    if meta.len() > MAX_ATTACHMENT_BYTES {
        let max = MAX_ATTACHMENT_BYTES;
        return Err(kring_model::ModelError::AttachmentTooLarge { size: meta.len(), max }.into());
    }
    // The store copies the file in (a file moved or changed later does not change what was
    // attached); it wants an absolute path.
    let absolute = std::path::absolute(path).map_err(|err| unusable(err.to_string()))?;
    std::fs::File::open(&absolute).map_err(|err| unusable(err.to_string()))?;
    let store = stores.store(network).await?;
    let tag = store.blobs().add_path(&absolute).with_tag().await.map_err(|err| unusable(err.to_string()))?;
    make_private(&stores.dir(network)?);
    let size = bytes_held(&store, tag.hash).await;
    Ok((tag.hash, size))
}

/// Takes `bytes` made on this laptop (a guest's photo, re-encoded by the room) into
/// `network`'s store, straight from memory: nothing of it is written anywhere else first.
/// Their hash and size.
pub(crate) async fn take_in_bytes(stores: &Stores, network: &str, bytes: Vec<u8>) -> Result<(Hash, u64)> {
    let size = bytes.len() as u64;
    if size > MAX_ATTACHMENT_BYTES {
        return Err(kring_model::ModelError::AttachmentTooLarge { size, max: MAX_ATTACHMENT_BYTES }.into());
    }
    let store = stores.store(network).await?;
    let tag = store.blobs().add_bytes(bytes).with_tag().await.map_err(|err| NodeError::Attachments(err.to_string()))?;
    make_private(&stores.dir(network)?);
    Ok((tag.hash, size))
}

/// What the document says of a file taken in from `path` with `hash` and `size`.
pub(crate) fn describe(path: &Path, hash: Hash, size: u64) -> kring_model::NewAttachment {
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let kind = kring_model::AttachmentKind::from_file_name(&name);
    kring_model::NewAttachment { name, kind, size, hash: hash.to_hex() }
}

/// Attaches the file at `path` to `to` in `open` while no node runs (the command line): as
/// [`crate::Node::attach`] does, with the network's store opened for the moment. The
/// attachment and its hash.
pub async fn attach_here(
    data: &kring_store::DataDir,
    open: &mut crate::OpenNetwork,
    to: &AttachedTo,
    path: &Path,
) -> Result<(kring_model::AttachmentId, String)> {
    open.network.check_attachable(to)?;
    let network = open.network.id().to_string();
    let stores = Stores::new(data.root());
    let taken = take_in(&stores, &network, path).await;
    stores.shutdown().await;
    let (hash, size) = taken?;
    let file = describe(path, hash, size);
    let id = open.edit(&data.device_id(), |n, me| n.add_attachment(me, to, &file))?;
    Ok((id, file.hash))
}

/// Writes the bytes of the attachment with hash `hash` of `network` to `out` from this
/// laptop's store, while no node runs; [`NodeError::AttachmentNotHere`] when they are not
/// whole here. How many bytes were written.
pub async fn save_here(data: &kring_store::DataDir, network: &str, hash: &str, out: &Path) -> Result<u64> {
    let parsed = parse_hash(hash).ok_or_else(|| kring_model::ModelError::BadAttachmentHash(hash.to_string()))?;
    let stores = Stores::new(data.root());
    let saved = copy_out(&stores, network, parsed, out).await;
    stores.shutdown().await;
    saved
}

/// How many bytes of the attachment with hash `hash` of `network` this laptop holds, while no
/// node runs: all of them, part (a fetch that was cut off, to be resumed), or none.
pub async fn bytes_here(data: &kring_store::DataDir, network: &str, hash: &str) -> Result<u64> {
    let parsed = parse_hash(hash).ok_or_else(|| kring_model::ModelError::BadAttachmentHash(hash.to_string()))?;
    let stores = Stores::new(data.root());
    let held = match stores.store(network).await {
        Ok(store) => Ok(bytes_held(&store, parsed).await),
        Err(err) => Err(err),
    };
    stores.shutdown().await;
    held
}

/// Writes the bytes of `hash` (whole in `network`'s store) to `out`; how many.
pub(crate) async fn copy_out(stores: &Stores, network: &str, hash: Hash, out: &Path) -> Result<u64> {
    let store = stores.store(network).await?;
    if !is_complete(&store, hash).await {
        return Err(NodeError::AttachmentNotHere);
    }
    let absolute = std::path::absolute(out)
        .map_err(|err| NodeError::AttachmentFile { path: out.to_path_buf(), reason: err.to_string() })?;
    store
        .blobs()
        .export(hash, &absolute)
        .finish()
        .await
        .map_err(|err| NodeError::AttachmentFile { path: out.to_path_buf(), reason: err.to_string() })
}

/// The network whose store may give `hash` to `device`: one that lists the hash and in which
/// the device belongs to a current member, as of now (a removal takes effect at once).
fn gate(shared: &Shared, device: &str, hash: &str) -> Option<String> {
    let networks = shared.networks();
    networks.ids().into_iter().find(|id| {
        networks.lock(id).is_some_and(|mut open| {
            open.may_sync(device) && open.network.attachments().is_ok_and(|all| all.iter().any(|(_, a)| a.hash == hash))
        })
    })
}

/// The attachments protocol ([`ATTACHMENTS_ALPN`]): gives a member's laptop the bytes of an
/// attachment its network lists, and nothing else to anyone.
#[derive(Debug, Clone)]
pub(crate) struct AttachmentsProtocol(pub(crate) Arc<Shared>);

/// Why a connection or stream was refused, as the asking side sees it.
const REFUSED: VarInt = ERR_PERMISSION;

impl ProtocolHandler for AttachmentsProtocol {
    async fn accept(&self, connection: Connection) -> std::result::Result<(), AcceptError> {
        let remote = connection.remote_id().to_string();
        if !self.0.networks().is_member_device(&remote) {
            // A stranger learns nothing, not even whether this laptop holds any attachment.
            connection.close(REFUSED, b"");
            return Ok(());
        }
        // Counted with the member's sync connections: the same caps per device and in all.
        let Some(_slot) = Slot::take(self.0.connections(), &connection, Pool::Members) else { return Ok(()) };
        // One request at a time: a member's laptop fetches one attachment after the other.
        while let Ok((send, recv)) = connection.accept_bi().await {
            serve(&self.0, &connection, &remote, send, recv).await;
        }
        Ok(())
    }
}

/// Answers one request of member device `remote`: the bytes of one attachment it may have, or a
/// refusal that carries nothing.
async fn serve(shared: &Shared, connection: &Connection, remote: &str, mut send: SendStream, mut recv: RecvStream) {
    let refuse = |send: &mut SendStream, recv: &mut RecvStream| {
        let _ = send.reset(REFUSED);
        let _ = recv.stop(REFUSED);
    };
    let request = tokio::time::timeout(REQUEST_TIME, Request::read_async(&mut recv)).await;
    // Only a request for one whole file: no pushes into this laptop's store, no lists.
    let get = match request {
        Ok(Ok((Request::Get(get), _))) if get.ranges.is_blob() => get,
        _ => return refuse(&mut send, &mut recv),
    };
    let hash = get.hash.to_hex();
    let Some(network) = gate(shared, remote, &hash) else {
        shared.emit(NodeEvent::AttachmentRefused { endpoint: remote.to_string(), hash });
        return refuse(&mut send, &mut recv);
    };
    let store = match shared.attachments().store(&network).await {
        Ok(store) => store,
        Err(err) => {
            tracing::warn!("cannot open the attachments of network {network}: {err}");
            return refuse(&mut send, &mut recv);
        }
    };
    let pair = StreamPair::new(connection.stable_id() as u64, recv, send, EventSender::DEFAULT);
    // Bytes the network no longer names (erased, or their bin emptied) stop going out at once.
    let served = tokio::select! {
        served = handle_get(pair, (*store).clone(), get) => served.map_err(|err| err.to_string()),
        _ = crate::attachment_cleanup::until_unnamed(shared, &network, &hash) => Err("no longer in the network".into()),
    };
    match served {
        Ok(()) => shared.emit(NodeEvent::AttachmentServed { network, hash, endpoint: remote.to_string() }),
        Err(err) => tracing::debug!("attachment {hash} not sent whole to {remote}: {err}"),
    }
}

/// Fetches, until the node stops, every attachment (not in the bin) of every network that this
/// laptop lacks, from member devices that have it: again whenever a document changes, a member
/// connects, an attachment is asked for, and every [`RETRY`].
pub(crate) async fn fetch_in_background(endpoint: Endpoint, shared: Arc<Shared>, find_by_id: bool) {
    let mut changes = shared.changes.subscribe();
    let mut events = shared.subscribe();
    loop {
        fetch_missing(&endpoint, &shared, find_by_id).await;
        tokio::select! {
            _ = changes.recv() => {
                // A burst of changes (typing, a first sync) is looked at once.
                tokio::time::sleep(Duration::from_millis(200)).await;
                changes = changes.resubscribe();
            }
            _ = member_connected(&mut events) => {}
            _ = shared.attachments().fetch_now.notified() => {}
            _ = tokio::time::sleep(RETRY) => {}
        }
    }
}

/// Returns when a connection to a device opens (it may have what this laptop lacks); the
/// node's other events, this fetch's own progress among them, are passed over.
async fn member_connected(events: &mut tokio::sync::broadcast::Receiver<NodeEvent>) {
    loop {
        match events.recv().await {
            Ok(NodeEvent::PeerConnected { .. }) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => return,
            Ok(_) => {}
            Err(tokio::sync::broadcast::error::RecvError::Closed) => std::future::pending().await,
        }
    }
}

/// One round of [`fetch_in_background`].
async fn fetch_missing(endpoint: &Endpoint, shared: &Shared, find_by_id: bool) {
    for network in shared.networks().ids() {
        let (wanted, devices) = {
            let Some(mut open) = shared.networks().lock(&network) else { continue };
            let live = |(_, a): &(AttachedTo, Attachment)| a.deleted_at.is_none();
            let wanted: Vec<Attachment> =
                open.network.attachments().unwrap_or_default().into_iter().filter(live).map(|(_, a)| a).collect();
            (wanted, open.other_member_devices(shared.networks().device()))
        };
        // A laptop that fetches this network's attachments on demand waits to be asked.
        let wanted = crate::attachment_local::to_fetch(shared.attachments(), &network, wanted);
        if wanted.is_empty() {
            continue;
        }
        let store = match shared.attachments().store(&network).await {
            Ok(store) => store,
            Err(err) => {
                tracing::warn!("cannot open the attachments of network {network}: {err}");
                continue;
            }
        };
        // Laptops connected now first: they are there.
        let mut devices: Vec<String> = devices.into_iter().map(|(device, _)| device).collect();
        devices.sort_by_key(|device| !shared.links().is_connected(device));
        for attachment in wanted {
            let Some(hash) = parse_hash(&attachment.hash) else { continue };
            if is_complete(&store, hash).await {
                continue;
            }
            for device in &devices {
                match fetch_from(endpoint, shared, &store, &network, &attachment, hash, device, find_by_id).await {
                    Ok(()) => break,
                    Err(err) => tracing::debug!("attachment {} not fetched from {device}: {err}", attachment.hash),
                }
            }
        }
    }
}

/// Fetches `attachment` (whatever of it `store` lacks) from member device `device`.
#[allow(clippy::too_many_arguments)]
async fn fetch_from(
    endpoint: &Endpoint,
    shared: &Shared,
    store: &FsStore,
    network: &str,
    attachment: &Attachment,
    hash: Hash,
    device: &str,
    find_by_id: bool,
) -> std::result::Result<(), String> {
    let total = attachment.size;
    // Only the chunks of as many bytes as the document says the file holds: a laptop that
    // holds more under that hash (the document lied) is not asked for the rest, and the file
    // stays unfinished here rather than growing past what was said.
    let said = ChunkRanges::from(bao_tree::ChunkNum(0)..bao_tree::ChunkNum(total.div_ceil(1024).max(1)));
    let local = store.remote().local(hash).await.map_err(|err| err.to_string())?;
    let missing = local.missing();
    let Some((0, missing)) = missing.ranges.as_single() else { return Err("nothing to ask for".into()) };
    let ask = missing & &said;
    if ask.is_empty() {
        return Err(format!("not whole, though all of the {total} bytes the document says it holds are here"));
    }
    let already = local.local_bytes();
    let (addr, _) = shared.book().dial_addr(device, find_by_id).ok_or("no address known")?;
    let connection = match tokio::time::timeout(CONNECT_TIME, endpoint.connect(addr, ATTACHMENTS_ALPN)).await {
        Ok(Ok(connection)) => connection,
        Ok(Err(err)) => return Err(err.to_string()),
        Err(_) => return Err("no answer".into()),
    };
    let progress = |received: u64| NodeEvent::AttachmentProgress {
        network: network.to_string(),
        hash: attachment.hash.clone(),
        endpoint: device.to_string(),
        received,
        total,
    };
    let request = GetRequest::blob_ranges(hash, ask);
    let mut items = std::pin::pin!(store.remote().execute_get(connection.clone(), request).stream());
    let (mut told, mut told_at) = (0, Instant::now());
    let transfer = async {
        loop {
            match items.next().await {
                Some(GetProgressItem::Progress(got)) => {
                    let received = already + got;
                    // A member's laptop that sends more than the document says the file holds is
                    // stopped there (the rules bound what a document may say).
                    if received > total.max(1) + 16 * 1024 {
                        break Err(format!("more than the {total} bytes the attachment has"));
                    }
                    if received - told >= PROGRESS_BYTES || told_at.elapsed() >= PROGRESS_EVERY {
                        (told, told_at) = (received, Instant::now());
                        shared.emit(progress(received));
                    }
                }
                Some(GetProgressItem::Done(_)) => break Ok(()),
                Some(GetProgressItem::Error(err)) => break Err(err.to_string()),
                None => break Err("the transfer ended early".into()),
            }
        }
    };
    // Bytes the network no longer names (erased, or their bin emptied) are not fetched further.
    let outcome = tokio::select! {
        outcome = transfer => outcome,
        _ = crate::attachment_cleanup::until_unnamed(shared, network, &attachment.hash) => {
            Err("no longer in the network".to_string())
        }
    };
    // This side received last: it closes (see the notes on iroh).
    connection.close(VarInt::from_u32(0), b"");
    outcome?;
    if !is_complete(store, hash).await {
        return Err("not whole".into());
    }
    if let Ok(dir) = shared.attachments().dir(network) {
        make_private(&dir);
    }
    shared.emit(progress(total));
    shared.emit(NodeEvent::AttachmentFetched {
        network: network.to_string(),
        hash: attachment.hash.clone(),
        endpoint: device.to_string(),
        bytes: total,
    });
    Ok(())
}

/// Makes `dir` (and not its parents) if it is missing, private to this account (0700 on Unix).
fn private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|err| NodeError::Attachments(format!("cannot make {}: {err}", dir.display())))
}

/// Takes every permission beyond the owner's off the files and folders under `dir` (0600 and
/// 0700 on Unix): the blob store makes its files with the process's default mode.
fn make_private(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let Ok(meta) = entry.path().symlink_metadata() else { continue };
            if meta.file_type().is_symlink() {
                continue;
            }
            let allowed = if meta.is_dir() { 0o700 } else { 0o600 };
            let mode = meta.permissions().mode() & 0o7777;
            if mode & !allowed != 0 {
                let _ = std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode & allowed));
            }
            if meta.is_dir() {
                make_private(&entry.path());
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}
