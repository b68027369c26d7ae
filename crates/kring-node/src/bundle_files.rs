//! The attachments' bytes a bundle carries: written from this laptop's store, and read into a
//! waiting folder under the data folder, each checked against the hash and size its network's
//! document gives, before any goes into the store. Bytes another laptop sent are hostile until
//! their BLAKE3 hash is the one a record names.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use iroh_blobs::Hash;
use iroh_blobs::api::blobs::BlobStatus;
use kring_model::Network;
use kring_model::schema::MAX_ATTACHMENT_BYTES;
use kring_store::bundle::{Files, Lock};
use kring_sync::SignatureBook;
use kring_sync::signed::Signed;

use crate::attachments::{ATTACHMENTS_DIR, Stores};
use crate::error::{BundleProblem, NodeError, Result};

/// Where a bundle's files wait, under the attachments' folder: never a network's id.
const WAITING_PREFIX: &str = ".bundle-";
/// Read and written in pieces of this size.
const PIECE: usize = 256 * 1024;

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

    /// Puts the files in `network`'s store under `root` (tagged, as a file attached here is).
    /// How many were new here.
    pub(crate) fn keep(self, root: &Path, network: &str) -> Result<usize> {
        let runtime = runtime()?;
        runtime.block_on(async {
            let stores = Stores::new(root);
            let kept = async {
                let store = stores.store(network).await?;
                let mut new = 0;
                for (hash, path) in &self.files {
                    if crate::attachments::is_complete(&store, *hash).await {
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
            .await;
            stores.shutdown().await;
            kept
        })
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
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
pub(crate) fn stage(root: &Path, network: &Network, mut files: Files) -> Result<Staged, BundleProblem> {
    let damaged = |why: String| BundleProblem::Damaged(why);
    let mut named: BTreeMap<Hash, (String, Vec<u64>)> = BTreeMap::new();
    let attachments = network.attachments().map_err(|err| BundleProblem::MergeFailed(err.to_string()))?;
    for (_, attachment) in attachments {
        let Some(hash) = crate::attachments::parse_hash(&attachment.hash) else { continue };
        let entry = named.entry(hash).or_insert_with(|| (attachment.name.clone(), Vec::new()));
        entry.1.push(attachment.size);
    }
    remove_waiting(root);
    let cannot =
        |err: std::io::Error| BundleProblem::MergeFailed(format!("its attachments cannot be kept here: {err}"));
    let dir = root.join(ATTACHMENTS_DIR).join(format!("{WAITING_PREFIX}{:016x}", rand::random::<u64>()));
    private_dir(&dir).map_err(cannot)?;
    let mut staged = Staged { dir, files: Vec::new() };
    let mut piece = vec![0u8; PIECE];
    while let Some((hash, len)) = files.next_file()? {
        let hash = Hash::from_bytes(hash);
        let Some((name, sizes)) = named.get(&hash) else {
            return Err(damaged("it carries bytes that no attachment of its network names".into()));
        };
        let name: String = name.chars().take(80).collect();
        if len > MAX_ATTACHMENT_BYTES || !sizes.contains(&len) {
            return Err(damaged(format!("it says attachment '{name}' holds {len} bytes, which its network does not")));
        }
        if staged.files.iter().any(|(held, _)| *held == hash) {
            return Err(damaged(format!("it carries the bytes of attachment '{name}' twice")));
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
        }
        if hasher.finalize().as_bytes() != hash.as_bytes() {
            return Err(damaged(format!("the bytes of attachment '{name}' do not match its hash")));
        }
        staged.files.push((hash, path));
    }
    Ok(staged)
}

/// Writes a bundle of `network` with the bytes of every attachment it names that are whole on
/// this laptop (under `root`) to `path`, replacing it only once the new one is whole.
pub(crate) fn write(
    root: &Path,
    path: &Path,
    network: &mut Network,
    signatures: &[Signed],
    lock: Lock<'_>,
) -> Result<Written> {
    let id = network.id().to_string();
    let document = kring_store::save_checked(network.doc_mut());
    let signatures = SignatureBook::encode(signatures);
    let mut named: BTreeMap<Hash, Vec<u64>> = BTreeMap::new();
    for (_, attachment) in network.attachments()? {
        if let Some(hash) = crate::attachments::parse_hash(&attachment.hash) {
            named.entry(hash).or_default().push(attachment.size);
        }
    }
    let runtime = runtime()?;
    let stores = Stores::new(root);
    let written = (|| {
        let store = match stores.dir(&id)?.exists() {
            true => Some(runtime.block_on(stores.store(&id))?),
            false => None,
        };
        // Only bytes that are whole here, of the size a record says (what an import accepts).
        let mut files = Vec::new();
        for (hash, sizes) in &named {
            let status = store.as_ref().map(|store| runtime.block_on(store.blobs().status(*hash)));
            if let Some(Ok(BlobStatus::Complete { size })) = status
                && sizes.contains(&size)
            {
                files.push((*hash.as_bytes(), size));
            }
        }
        let missing = named.len() - files.len();
        let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = path.with_file_name(format!(".{file_name}.{:08x}.tmp", rand::random::<u32>()));
        let failed =
            |err: std::io::Error| NodeError::AttachmentFile { path: path.to_path_buf(), reason: err.to_string() };
        let wrote = (|| {
            let file = private_file(&tmp)?;
            let mut out = std::io::BufWriter::new(file);
            let mut fill = |index: usize, into: &mut dyn Write| -> std::io::Result<u64> {
                let (hash, _) = files[index];
                let store = store.as_ref().ok_or_else(|| std::io::Error::other("no store"))?;
                runtime.block_on(copy_blob(store, Hash::from_bytes(hash), into))
            };
            kring_store::bundle::write_with_files(&mut out, &id, &signatures, &document, &files, lock, &mut fill)?;
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
    })();
    runtime.block_on(stores.shutdown());
    written
}

/// Writes the bytes of `hash` in `store` to `into`; how many.
async fn copy_blob(store: &iroh_blobs::store::fs::FsStore, hash: Hash, into: &mut dyn Write) -> std::io::Result<u64> {
    use tokio::io::AsyncReadExt;
    let mut reader = store.blobs().reader(hash);
    let mut piece = vec![0u8; PIECE];
    let mut total = 0;
    loop {
        let read = reader.read(&mut piece).await?;
        if read == 0 {
            return Ok(total);
        }
        into.write_all(&piece[..read])?;
        total += read as u64;
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
