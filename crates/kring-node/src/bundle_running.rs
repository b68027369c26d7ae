//! A bundle written or read while the node runs (the app): through the node's own attachment
//! stores, as a second store on the same folder would collide on its database lock. The
//! network is held only while it is read or merged; the long work (encrypting or checking
//! hundreds of megabytes) runs on a blocking thread, so that sync and the window go on.

use std::path::Path;

use kring_store::DataDir;

use crate::bundle::{self, Lock, Passphrase, Unlock, Written};
use crate::bundle_files::{self, BundleProgress, Prepared};
use crate::error::{BundleProblem, NodeError, Result};
use crate::node::Node;

/// Who can open a bundle that the running node writes.
#[derive(Debug)]
pub enum BundleFor {
    /// The laptops of the network's current members (and this one).
    Members,
    /// Whoever knows the passphrase: a laptop that is not a member yet.
    Passphrase(Passphrase),
}

/// A bundle read in through the running node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub network: String,
    /// The network was not on this laptop before.
    pub created: bool,
    /// How many of its changes were new here (all of them for a network taken in).
    pub new_changes: usize,
    /// How many attachments' bytes it carried: checked, and kept here.
    pub attachments: usize,
}

fn not_finished(err: tokio::task::JoinError) -> NodeError {
    NodeError::Attachments(format!("the bundle's work stopped: {err}"))
}

impl Node {
    /// Writes `network` as a bundle to `path` for `lock`, with the bytes of its attachments
    /// that are whole on this laptop when `with_attachments` is asked (read from this node's
    /// stores), telling `progress` after every file and every few megabytes. A bundle without
    /// them is one as Kring always wrote. The file is replaced only once the new one is whole.
    pub async fn export_bundle(
        &self,
        network: &str,
        path: &Path,
        lock: BundleFor,
        with_attachments: bool,
        mut progress: impl FnMut(BundleProgress) + Send + 'static,
    ) -> Result<Written> {
        if let BundleFor::Passphrase(passphrase) = &lock
            && !passphrase.is_long_enough()
        {
            let problem = Box::new(BundleProblem::PassphraseTooShort);
            return Err(NodeError::Bundle { path: path.to_path_buf(), problem });
        }
        let (prepared, readers) = {
            let networks = self.shared().networks();
            let mut open = networks.lock_known(network)?;
            // Never for a network this laptop checked (as the app's export always said).
            let signatures =
                networks.sign_whole(&mut open).ok_or_else(|| NodeError::UnknownNetwork(network.to_string()))?;
            let readers = bundle::readers(&open.network, self.endpoint.id())?;
            (Prepared::of(&mut open.network, &signatures)?, readers)
        };
        let store = match with_attachments {
            true => Some(self.shared().attachments().store(network).await?),
            false => None,
        };
        let files = prepared.carried(store.as_ref()).await;
        let (runtime, path) = (tokio::runtime::Handle::current(), path.to_path_buf());
        let written = tokio::task::spawn_blocking(move || {
            // Never plain: for the members' laptops, or with a passphrase.
            let lock = match &lock {
                BundleFor::Members => Lock::Devices(&readers),
                BundleFor::Passphrase(passphrase) => Lock::Passphrase(passphrase),
            };
            match &store {
                Some(store) => {
                    bundle_files::write_prepared(&runtime, Some(store), &files, &path, &prepared, lock, &mut progress)
                }
                None => bundle_files::write_plain(&path, &prepared, lock),
            }
        });
        written.await.map_err(not_finished)?
    }

    /// Reads the bundle file at `path` in (opened with this laptop's key of `data`, or
    /// `passphrase`), as a stream: its network is checked whole, and each attachment's bytes it
    /// carries against the hash and size its network gives (waiting on disk, never all in
    /// memory), before anything is kept. Then the bytes go into this node's store of the
    /// network and the network is merged, or with `new_network` taken in when it is not here.
    /// Tells `progress` after every attachment read and every few megabytes. A bundle refused
    /// changes nothing.
    pub async fn import_bundle(
        &self,
        data: &DataDir,
        path: &Path,
        passphrase: Option<Passphrase>,
        new_network: bool,
        mut progress: impl FnMut(BundleProgress) + Send + 'static,
    ) -> Result<Imported> {
        let bundle_failed = |problem| NodeError::Bundle { path: path.to_path_buf(), problem: Box::new(problem) };
        let (key, file) = (data.device_key().clone(), path.to_path_buf());
        let opened = tokio::task::spawn_blocking(move || {
            bundle::open_with_attachments(&file, Unlock { device: &key, passphrase: passphrase.as_ref() })
        });
        let opened = opened.await.map_err(not_finished)?;
        let opened = opened.map_err(|source| kring_store::StoreError::Io { path: path.to_path_buf(), source })?;
        let (mut incoming, files) = opened.map_err(bundle_failed)?;
        let id = incoming.network.id().to_string();
        // Refused before its attachments are read: a network not here (unless asked for), or
        // another chapter or beginning of it.
        let here = match self.shared().networks().lock(&id) {
            Some(mut open) => {
                bundle::may_merge(&mut open, &mut incoming).map_err(bundle_failed)?;
                true
            }
            None if new_network => false,
            None => return Err(bundle_failed(BundleProblem::NotJoined)),
        };
        let staged = match files {
            Some(files) => {
                let root = data.root().to_path_buf();
                let staging = tokio::task::spawn_blocking(move || {
                    let staged = bundle_files::stage(&root, &incoming.network, files, &mut progress);
                    (incoming, staged)
                });
                let (back, staged) = staging.await.map_err(not_finished)?;
                incoming = back;
                Some(staged.map_err(bundle_failed)?)
            }
            None => None,
        };
        let attachments = staged.as_ref().map_or(0, |staged| staged.len());
        // No sweep deletes the bytes before the records that name them are merged.
        let _adding = self.shared().attachments().cleanup.adding.read().await;
        if let Some(staged) = staged {
            let store = self.shared().attachments().store(&id).await?;
            staged.keep_in(&store).await?;
        }
        let networks = self.shared().networks();
        if !here && networks.lock(&id).is_none() {
            let mut open = incoming.create(data)?;
            let new_changes = open.network.doc_mut().get_changes(&[]).len();
            networks.insert(id.clone(), open);
            return Ok(Imported { network: id, created: true, new_changes, attachments });
        }
        let (new_changes, appended) = {
            let mut open = networks.lock(&id).ok_or_else(|| bundle_failed(BundleProblem::NotJoined))?;
            let new_changes = match bundle::merge(&mut open, &mut incoming) {
                Ok(new_changes) => new_changes,
                Err(refused) => {
                    drop(open);
                    if refused.panicked {
                        networks.restore_saved(&id);
                    }
                    return Err(bundle_failed(refused.problem));
                }
            };
            (new_changes, open.append()?)
        };
        self.shared().offer_and_keep(&id, None, appended)?;
        Ok(Imported { network: id, created: false, new_changes, attachments })
    }
}
