//! What this laptop does with a network's attachments, apart from the shared document: whether
//! it fetches them all in the background or only those its person opens (a laptop with little
//! disk), how much disk they take, how much of one it holds, and the copies made for the
//! system's viewer.
//!
//! The fetch policy is this laptop's own choice, never written in the network: a file in the
//! network's store folder (`attachments/<network>/fetch-policy`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use kring_model::{Attachment, AttachmentId};

use crate::attachments::{self, Stores};
use crate::error::{NodeError, Result};
use crate::shared::Shared;

/// The file, in a network's store folder, that says this laptop fetches on demand.
pub const FETCH_POLICY_FILE: &str = "fetch-policy";
/// The folder, under the data folder, of the copies handed to the system's viewer. Emptied at
/// every start and stop of the app: a copy outlives no session of Kring.
pub const OPENED_DIR: &str = "opened";
/// An attachment read whole into memory (to show a photo) has at most this many bytes.
pub const MAX_IN_MEMORY: u64 = 64 * 1024 * 1024;
/// How long fetching an attachment someone asked for may go without a byte arriving before
/// the person is told no member's laptop that has it can be reached.
const STALL: Duration = Duration::from_secs(30);

/// When this laptop fetches a network's attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FetchPolicy {
    /// All of them, in the background, as soon as a member's laptop has them.
    #[default]
    Always,
    /// Only those the person opens or saves ("alleen als ik het open").
    OnDemand,
}

/// Attachments the person asked for on a laptop that fetches on demand, by network and hash.
#[derive(Debug, Default)]
pub(crate) struct Asked(Mutex<BTreeSet<(String, String)>>);

impl Asked {
    fn ask(&self, network: &str, hash: &str) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert((network.to_string(), hash.to_string()));
    }

    fn contains(&self, network: &str, hash: &str) -> bool {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).contains(&(network.to_string(), hash.to_string()))
    }
}

/// Of the attachments the background fetch found missing in `network`, those it fetches now,
/// the ones a person asked for first: all of them, unless this laptop fetches that network's
/// on demand; then only the ones asked for.
pub(crate) fn to_fetch(stores: &Stores, network: &str, mut wanted: Vec<Attachment>) -> Vec<Attachment> {
    let asked = |a: &Attachment| stores.asked.contains(network, &a.hash);
    if policy_in(stores, network) == FetchPolicy::OnDemand {
        wanted.retain(asked);
    }
    wanted.sort_by_key(|a| !asked(a));
    wanted
}

fn policy_in(stores: &Stores, network: &str) -> FetchPolicy {
    let Ok(dir) = stores.dir(network) else { return FetchPolicy::Always };
    match std::fs::read_to_string(dir.join(FETCH_POLICY_FILE)) {
        Ok(text) if text.trim() == "on-demand" => FetchPolicy::OnDemand,
        _ => FetchPolicy::Always,
    }
}

/// The bytes of every file under `dir` (0 when it is missing).
fn disk_use(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .filter_map(|entry| {
            let meta = entry.path().symlink_metadata().ok()?;
            Some(if meta.is_dir() { disk_use(&entry.path()) } else { meta.len() })
        })
        .sum()
}

/// Makes `dir` and its missing parents, private to this account (0700 on Unix).
fn private_dirs(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|err| NodeError::Attachments(format!("cannot make {}: {err}", dir.display())))
}

/// A file name from a document (a peer wrote it) that is safe to create in a folder of our
/// own: no folders, no hidden file, no control characters, of a sane length.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        last.chars().filter(|c| !c.is_control() && !matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|')).collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    // Long names are cut from the front, keeping the extension the viewer is chosen by.
    let kept: String = if trimmed.chars().count() > 120 {
        trimmed.chars().skip(trimmed.chars().count() - 120).collect()
    } else {
        trimmed.to_string()
    };
    if kept.is_empty() { "bijlage".to_string() } else { kept }
}

/// Deletes the copies made for the system's viewer of `network`'s attachments whose hash is
/// not in `keep`: an erased attachment leaves no copy behind while the app still runs.
pub(crate) fn drop_viewer_copies(data_root: &Path, network: &str, keep: &std::collections::HashSet<iroh_blobs::Hash>) {
    let Ok(copies) = std::fs::read_dir(data_root.join(OPENED_DIR).join(network)) else { return };
    for copy in copies.flatten() {
        let name = copy.file_name();
        let named = name.to_str().and_then(attachments::parse_hash).is_some_and(|hash| keep.contains(&hash));
        if !named && let Err(err) = std::fs::remove_dir_all(copy.path()) {
            tracing::warn!("cannot delete the viewer's copy {}: {err}", copy.path().display());
        }
    }
}

/// Empties the folder of copies made for the system's viewer (see [`OPENED_DIR`]).
pub fn clear_opened(data_root: &Path) {
    let dir = data_root.join(OPENED_DIR);
    if dir.exists()
        && let Err(err) = std::fs::remove_dir_all(&dir)
    {
        tracing::warn!("cannot empty {}: {err}", dir.display());
    }
}

/// The attachments on this laptop, apart from the document: what it fetches, holds and hands
/// to the system's viewer. Got from [`crate::Node::attachments_here`].
#[derive(Debug, Clone, Copy)]
pub struct LocalAttachments<'a> {
    shared: &'a Shared,
}

impl<'a> LocalAttachments<'a> {
    pub(crate) fn new(shared: &'a Shared) -> LocalAttachments<'a> {
        LocalAttachments { shared }
    }

    /// Reads `network` as it is now.
    fn read<T>(&self, network: &str, read: impl FnOnce(&mut kring_model::Network) -> T) -> Result<T> {
        Ok(read(&mut self.shared.networks().lock_known(network)?.network))
    }

    /// When this laptop fetches `network`'s attachments.
    pub fn fetch_policy(&self, network: &str) -> FetchPolicy {
        policy_in(self.shared.attachments(), network)
    }

    /// Sets when this laptop fetches `network`'s attachments; kept across restarts. Back to
    /// [`FetchPolicy::Always`], what is missing is fetched at once.
    pub fn set_fetch_policy(&self, network: &str, policy: FetchPolicy) -> Result<()> {
        self.read(network, |_| ())?;
        let stores = self.shared.attachments();
        let dir = stores.dir(network)?;
        private_dirs(&dir)?;
        let file = dir.join(FETCH_POLICY_FILE);
        match policy {
            FetchPolicy::OnDemand => {
                kring_store::write_atomic(&file, b"on-demand\n", Some(kring_store::PRIVATE_FILE_MODE))?
            }
            FetchPolicy::Always => {
                if let Err(err) = std::fs::remove_file(&file)
                    && err.kind() != std::io::ErrorKind::NotFound
                {
                    return Err(kring_store::StoreError::Io { path: file, source: err }.into());
                }
                stores.fetch_now.notify_one();
            }
        }
        Ok(())
    }

    /// The bytes `network`'s attachments take on this laptop's disk.
    pub fn attachments_disk_use(&self, network: &str) -> u64 {
        self.shared.attachments().dir(network).map(|dir| disk_use(&dir)).unwrap_or_default()
    }

    /// How many bytes of the attachment with content hash `hash` this laptop holds (all of them
    /// once whole; part while it is being fetched).
    pub async fn attachment_bytes_here(&self, network: &str, hash: &str) -> Result<u64> {
        let Some(parsed) = attachments::parse_hash(hash) else { return Ok(0) };
        let store = self.shared.attachments().store(network).await?;
        Ok(store.remote().local(parsed).await.map(|local| local.local_bytes()).unwrap_or_default())
    }

    /// The attachment `attachment` of `network`, wherever it hangs.
    fn attachment_record(&self, network: &str, attachment: &AttachmentId) -> Result<Attachment> {
        self.read(network, |n| {
            let all = n.attachments()?;
            let found = all.into_iter().find(|(_, a)| a.id == *attachment).map(|(_, a)| a);
            found.ok_or_else(|| kring_model::ModelError::UnknownAttachment(attachment.clone()))
        })?
        .map_err(NodeError::from)
    }

    /// Brings the bytes of `attachment` to this laptop if they are not here yet (asked for,
    /// also on a laptop that fetches on demand), waiting as long as they keep arriving. Its
    /// record. [`NodeError::AttachmentNotHere`] when nothing arrived for a while.
    pub async fn bring_attachment_here(&self, network: &str, attachment: &AttachmentId) -> Result<Attachment> {
        let record = self.attachment_record(network, attachment)?;
        let hash = attachments::parse_hash(&record.hash)
            .ok_or_else(|| kring_model::ModelError::BadAttachmentHash(record.hash.clone()))?;
        let stores = self.shared.attachments();
        let store = stores.store(network).await?;
        if attachments::is_complete(&store, hash).await {
            return Ok(record);
        }
        stores.asked.ask(network, &record.hash);
        stores.fetch_now.notify_one();
        let (mut held, mut since) = (0, tokio::time::Instant::now());
        while !attachments::is_complete(&store, hash).await {
            let now = self.attachment_bytes_here(network, &record.hash).await?;
            if now > held {
                (held, since) = (now, tokio::time::Instant::now());
            } else if since.elapsed() >= STALL {
                return Err(NodeError::AttachmentNotHere);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(record)
    }

    /// Writes `attachment` of `network` to `out`, fetched first if it is not here (see
    /// [`Node::bring_attachment_here`]). How many bytes were written.
    pub async fn save_attachment_asked(&self, network: &str, attachment: &AttachmentId, out: &Path) -> Result<u64> {
        let record = self.bring_attachment_here(network, attachment).await?;
        let hash = attachments::parse_hash(&record.hash).ok_or(NodeError::AttachmentNotHere)?;
        attachments::copy_out(self.shared.attachments(), network, hash, out).await
    }

    /// A private copy of `attachment` for the system's viewer, under the data folder's
    /// [`OPENED_DIR`], named as it was added; fetched first if it is not here. Its path.
    pub async fn copy_for_viewer(&self, data_root: &Path, network: &str, attachment: &AttachmentId) -> Result<PathBuf> {
        let record = self.bring_attachment_here(network, attachment).await?;
        let hash = attachments::parse_hash(&record.hash).ok_or(NodeError::AttachmentNotHere)?;
        self.shared.attachments().dir(network)?;
        let dir = data_root.join(OPENED_DIR).join(network).join(&record.hash);
        private_dirs(&dir)?;
        let out = dir.join(safe_file_name(&record.name));
        let copied = out.metadata().is_ok_and(|meta| meta.len() == record.size);
        if !copied {
            attachments::copy_out(self.shared.attachments(), network, hash, &out).await?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600));
        }
        Ok(out)
    }

    /// The bytes of `attachment` of `network`, whole on this laptop and at most
    /// [`MAX_IN_MEMORY`] of them (a photo to show); nothing is fetched for it.
    pub async fn attachment_in_memory(&self, network: &str, attachment: &AttachmentId) -> Result<Vec<u8>> {
        let record = self.attachment_record(network, attachment)?;
        let hash = attachments::parse_hash(&record.hash).ok_or(NodeError::AttachmentNotHere)?;
        let store = self.shared.attachments().store(network).await?;
        if !attachments::is_complete(&store, hash).await {
            return Err(NodeError::AttachmentNotHere);
        }
        if record.size > MAX_IN_MEMORY {
            return Err(kring_model::ModelError::AttachmentTooLarge { size: record.size, max: MAX_IN_MEMORY }.into());
        }
        let bytes = store.blobs().get_bytes(hash).await.map_err(|err| NodeError::Attachments(err.to_string()))?;
        Ok(bytes.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_from_a_document_becomes_a_plain_file_name() {
        assert_eq!(safe_file_name("flip-over.jpg"), "flip-over.jpg");
        assert_eq!(safe_file_name("../../.bashrc"), "bashrc");
        assert_eq!(safe_file_name("C:\\Users\\anna\\casus.pdf"), "casus.pdf");
        assert_eq!(safe_file_name("a\nb\u{7}.txt"), "ab.txt");
        assert_eq!(safe_file_name(""), "bijlage");
        assert_eq!(safe_file_name("..."), "bijlage");
        let long = format!("{}.pdf", "x".repeat(500));
        let kept = safe_file_name(&long);
        assert_eq!(kept.chars().count(), 120);
        assert!(kept.ends_with(".pdf"));
    }
}
