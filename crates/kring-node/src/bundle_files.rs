//! The attachments' bytes a bundle carries: written from this laptop's store, and read into a
//! waiting folder under the data folder, each checked against the hash and size its network's
//! document gives, before any goes into the store. Bytes another laptop sent are hostile until
//! their BLAKE3 hash is the one a record names.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use iroh_blobs::Hash;
use iroh_blobs::api::blobs::BlobStatus;
use iroh_blobs::store::fs::FsStore;
use kring_model::Network;
use kring_model::schema::MAX_ATTACHMENT_BYTES;
use kring_store::bundle::{Files, Lock};
use kring_sync::SignatureBook;
use kring_sync::signed::Signed;

use crate::attachments::{ATTACHMENTS_DIR, Stores};
use crate::error::{AttachmentFault, BundleProblem, NodeError, Result};

/// Where a bundle's files wait, under the attachments' folder: never a network's id.
const WAITING_PREFIX: &str = ".bundle-";
/// Read and written in pieces of this size.
const PIECE: usize = 256 * 1024;
/// Progress is told at most once per this many bytes of a file (and after each file).
const PROGRESS_BYTES: u64 = 4 * 1024 * 1024;

/// A bundle's files, checked and waiting in a folder of their own (deleted when dropped).
pub(crate) struct Staged {
    dir: PathBuf,
    files: Vec<(Hash, PathBuf)>,
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Staged {
    pub(crate) fn len(&self) -> usize {
        self.files.len()
    }

    /// Puts the files in `network`'s store under `root`, opened for the moment (no node runs:
    /// the command line). How many were new here.
    pub(crate) fn keep(self, root: &Path, network: &str) -> Result<usize> {
        let runtime = runtime()?;
        runtime.block_on(async {
            let stores = Stores::new(root);
            let kept = match stores.store(network).await {
                Ok(store) => self.keep_in(&store).await,
                Err(err) => Err(err),
            };
            stores.shutdown().await;
            kept
        })
    }

    /// Puts the files in `store` (tagged, as a file attached here is): the running node's own,
    /// or one opened for the moment. How many were new here.
    pub(crate) async fn keep_in(self, store: &FsStore) -> Result<usize> {
        let mut new = 0;
        for (hash, path) in &self.files {
            if crate::attachments::is_complete(store, *hash).await {
                continue;
            }
            let absolute = std::path::absolute(path).map_err(|err| NodeError::Attachments(err.to_string()))?;
            let tag = store.blobs().add_path(absolute).with_tag().await;
            let tag = tag.map_err(|err| NodeError::Attachments(err.to_string()))?;
            if tag.hash != *hash {
                return Err(NodeError::Attachments("a file changed while it was kept".into()));
            }
            new += 1;
        }
        Ok(new)
    }
}

/// A runtime for the stores while no node runs. Multi-threaded: the bundle's writer, which is
/// not async, waits on it with `Handle::block_on`.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|err| NodeError::Attachments(err.to_string()))
}

/// Deletes what a bundle's files left waiting when Kring stopped halfway (a crash).
pub(crate) fn remove_waiting(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root.join(ATTACHMENTS_DIR)) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(WAITING_PREFIX) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Reads every file of `files` into a waiting folder under `root`, each checked against what
/// `network` (the bundle's own network, checked whole) names: a hash of an attachment, of the
/// size it says, each once, and bytes that hash to it. The first that is not refuses them all.
/// Not to be called from inside an async runtime (it reads and writes files as they come).
/// Tells `progress` after every file and every few megabytes (how many bytes in all is not
/// known before the last file: `bytes` stays 0).
pub(crate) fn stage(
    root: &Path,
    network: &Network,
    mut files: Files,
    progress: &mut dyn FnMut(BundleProgress),
) -> Result<Staged, BundleProblem> {
    let mut named: BTreeMap<Hash, (String, Vec<u64>)> = BTreeMap::new();
    let attachments = network.attachments().map_err(|err| BundleProblem::MergeFailed(err.to_string()))?;
    for (_, attachment) in attachments {
        let Some(hash) = crate::attachments::parse_hash(&attachment.hash) else { continue };
        let entry = named.entry(hash).or_insert_with(|| (attachment.name.clone(), Vec::new()));
        entry.1.push(attachment.size);
    }
    let cannot =
        |err: std::io::Error| BundleProblem::MergeFailed(format!("its attachments cannot be kept here: {err}"));
    let dir = root.join(ATTACHMENTS_DIR).join(format!("{WAITING_PREFIX}{:016x}", rand::random::<u64>()));
    private_dir(&dir).map_err(cannot)?;
    let mut staged = Staged { dir, files: Vec::new() };
    let mut piece = vec![0u8; PIECE];
    let mut told = BundleProgress { files_done: 0, files: files.count() as usize, bytes_done: 0, bytes: 0 };
    progress(told);
    while let Some((hash, len)) = files.next_file()? {
        let hash = Hash::from_bytes(hash);
        let Some((name, sizes)) = named.get(&hash) else {
            return Err(BundleProblem::Attachment(AttachmentFault::Unnamed));
        };
        let name: String = name.chars().take(80).collect();
        if len > MAX_ATTACHMENT_BYTES || !sizes.contains(&len) {
            return Err(BundleProblem::Attachment(AttachmentFault::WrongSize { name, len }));
        }
        if staged.files.iter().any(|(held, _)| *held == hash) {
            return Err(BundleProblem::Attachment(AttachmentFault::Twice { name }));
        }
        let path = staged.dir.join(hash.to_hex());
        let mut file = private_file(&path).map_err(cannot)?;
        let mut hasher = blake3::Hasher::new();
        loop {
            let read = files.read_file(&mut piece)?;
            if read == 0 {
                break;
            }
            hasher.update(&piece[..read]);
            file.write_all(&piece[..read]).map_err(cannot)?;
            let before = told.bytes_done;
            told.bytes_done += read as u64;
            if told.bytes_done / PROGRESS_BYTES > before / PROGRESS_BYTES {
                progress(told);
            }
        }
        if hasher.finalize().as_bytes() != hash.as_bytes() {
            return Err(BundleProblem::Attachment(AttachmentFault::WrongHash { name }));
        }
        staged.files.push((hash, path));
        told.files_done += 1;
        progress(told);
    }
    Ok(staged)
}

/// What a bundle holds apart from the attachments' bytes: read from a network while it is held,
/// so that the bytes can be written after it is let go (sync goes on meanwhile).
pub(crate) struct Prepared {
    id: String,
    document: Vec<u8>,
    signatures: Vec<u8>,
    /// The hashes of the network's attachments, with the sizes its records give them.
    named: BTreeMap<Hash, Vec<u64>>,
}

impl Prepared {
    pub(crate) fn of(network: &mut Network, signatures: &[Signed]) -> Result<Prepared> {
        let mut named: BTreeMap<Hash, Vec<u64>> = BTreeMap::new();
        for (_, attachment) in network.attachments()? {
            if let Some(hash) = crate::attachments::parse_hash(&attachment.hash) {
                named.entry(hash).or_default().push(attachment.size);
            }
        }
        Ok(Prepared {
            id: network.id().to_string(),
            document: kring_store::save_checked(network.doc_mut()),
            signatures: SignatureBook::encode(signatures),
            named,
        })
    }

    /// The files a bundle can carry from `store`: the bytes that are whole there, of a size a
    /// record says (what an import accepts).
    pub(crate) async fn carried(&self, store: Option<&FsStore>) -> Vec<([u8; 32], u64)> {
        let mut files = Vec::new();
        let Some(store) = store else { return files };
        for (hash, sizes) in &self.named {
            if let Ok(BlobStatus::Complete { size }) = store.blobs().status(*hash).await
                && sizes.contains(&size)
            {
                files.push((*hash.as_bytes(), size));
            }
        }
        files
    }
}

/// Writes `prepared` without attachments' bytes to `path`, as Kring always wrote bundles
/// (replacing the file only once it is whole). Not to be called from inside an async runtime.
pub(crate) fn write_plain(path: &Path, prepared: &Prepared, lock: Lock<'_>) -> Result<Written> {
    let bytes = kring_store::bundle::write(&prepared.id, &prepared.signatures, &prepared.document, lock);
    kring_store::write_atomic(path, &bytes, None)?;
    Ok(Written { bytes: bytes.len() as u64, attachments: 0, missing: 0 })
}

/// How far writing or reading a bundle's attachments has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleProgress {
    /// Attachments written whole, of `files`.
    pub files_done: usize,
    pub files: usize,
    /// Their bytes written or read, of `bytes` (0 while reading: not known before the end).
    pub bytes_done: u64,
    pub bytes: u64,
}

/// Writes a bundle of `network` with the bytes of every attachment it names that are whole on
/// this laptop (under `root`) to `path`, replacing it only once the new one is whole. While no
/// node runs (the command line): the store is opened for the moment.
pub(crate) fn write(
    root: &Path,
    path: &Path,
    network: &mut Network,
    signatures: &[Signed],
    lock: Lock<'_>,
) -> Result<Written> {
    let prepared = Prepared::of(network, signatures)?;
    let runtime = runtime()?;
    let stores = Stores::new(root);
    let written = (|| {
        let store = match stores.dir(&prepared.id)?.exists() {
            true => Some(runtime.block_on(stores.store(&prepared.id))?),
            false => None,
        };
        let files = runtime.block_on(prepared.carried(store.as_ref()));
        write_prepared(runtime.handle(), store.as_ref(), &files, path, &prepared, lock, &mut |_| {})
    })();
    runtime.block_on(stores.shutdown());
    written
}

/// Writes `prepared` with `files` (from [`Prepared::carried`]), read from `store` on `runtime`,
/// to `path`, replacing it only once the new one is whole; tells `progress` after every file and
/// every few megabytes. Not to be called from inside an async runtime.
pub(crate) fn write_prepared(
    runtime: &tokio::runtime::Handle,
    store: Option<&FsStore>,
    files: &[([u8; 32], u64)],
    path: &Path,
    prepared: &Prepared,
    lock: Lock<'_>,
    progress: &mut dyn FnMut(BundleProgress),
) -> Result<Written> {
    let missing = prepared.named.len() - files.len();
    let total = BundleProgress {
        files_done: 0,
        files: files.len(),
        bytes_done: 0,
        bytes: files.iter().map(|(_, len)| len).sum(),
    };
    let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.{:08x}.tmp", rand::random::<u32>()));
    let failed = |err: std::io::Error| NodeError::AttachmentFile { path: path.to_path_buf(), reason: err.to_string() };
    let wrote = (|| {
        let file = private_file(&tmp)?;
        let mut out = std::io::BufWriter::new(file);
        let mut done = 0;
        progress(total);
        let mut fill = |index: usize, into: &mut dyn Write| -> std::io::Result<u64> {
            let (hash, _) = files[index];
            let store = store.ok_or_else(|| std::io::Error::other("no store"))?;
            let before = done;
            let mut tell =
                |bytes: u64| progress(BundleProgress { files_done: index, bytes_done: before + bytes, ..total });
            let written = runtime.block_on(copy_blob(store, Hash::from_bytes(hash), into, &mut tell))?;
            done += written;
            progress(BundleProgress { files_done: index + 1, bytes_done: done, ..total });
            Ok(written)
        };
        let (id, signatures, document) = (&prepared.id, &prepared.signatures, &prepared.document);
        kring_store::bundle::write_with_files(&mut out, id, signatures, document, files, lock, &mut fill)?;
        let file = out.into_inner().map_err(|err| err.into_error())?;
        file.sync_all()?;
        let bytes = file.metadata()?.len();
        std::fs::rename(&tmp, path)?;
        Ok(bytes)
    })();
    match wrote {
        Ok(bytes) => Ok(Written { bytes, attachments: files.len(), missing }),
        Err(err) => {
            let _ = std::fs::remove_file(&tmp);
            Err(failed(err))
        }
    }
}

/// Writes the bytes of `hash` in `store` to `into`, telling `tell` how many now and then; how
/// many.
async fn copy_blob(
    store: &FsStore,
    hash: Hash,
    into: &mut dyn Write,
    tell: &mut dyn FnMut(u64),
) -> std::io::Result<u64> {
    use tokio::io::AsyncReadExt;
    let mut reader = store.blobs().reader(hash);
    let mut piece = vec![0u8; PIECE];
    let (mut total, mut told) = (0, 0);
    loop {
        let read = reader.read(&mut piece).await?;
        if read == 0 {
            return Ok(total);
        }
        into.write_all(&piece[..read])?;
        total += read as u64;
        if total - told >= PROGRESS_BYTES {
            told = total;
            tell(total);
        }
    }
}
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// What [`crate::bundle::write_file`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// The bundle's size.
    pub bytes: u64,
    /// The attachments whose bytes it carries.
    pub attachments: usize,
    /// The attachments whose bytes it does not carry: not (whole) on this laptop.
    pub missing: usize,
}
