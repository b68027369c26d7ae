//! What an interface is told of the attachments' bytes on this laptop: which are here, which
//! are arriving (from the node's progress events), and how much disk each network's take.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kring_model::NetworkSnapshot;

use crate::{FetchPolicy, Node, NodeEvent};

/// What this laptop holds of the watched network's attachments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttachmentsHere {
    pub network: String,
    /// The bytes held of each attachment (not in the bin), by content hash: whole when as
    /// many as its size.
    pub held: BTreeMap<String, u64>,
    /// Attachments arriving now, by content hash: bytes received, of how many.
    pub fetching: BTreeMap<String, (u64, u64)>,
    /// This laptop fetches the network's attachments only when they are opened.
    pub on_demand: bool,
}

/// One network's attachments on this laptop, for the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentUse {
    pub network: String,
    pub name: String,
    /// On this laptop's disk.
    pub bytes: u64,
    pub on_demand: bool,
}

/// An attachment's bytes in memory: shown by length, never in full, in debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Bytes(pub Arc<[u8]>);

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

/// Progress not heard of for this long is a fetch that stopped (it is tried again later).
const STALE: Duration = Duration::from_secs(15);

/// Follows the node's attachment events and tells the interface what changed for the network
/// it watches.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    /// By network and hash: received of total, and when last heard.
    progress: BTreeMap<(String, String), ((u64, u64), Instant)>,
    /// The attachments of the watched network as last looked at, by hash.
    looked_at: BTreeSet<String>,
    sent: Option<AttachmentsHere>,
    /// Something happened that may change what is held.
    pub(crate) dirty: bool,
}

impl Tracker {
    /// Takes in one node event.
    pub(crate) fn event(&mut self, event: &NodeEvent) {
        match event {
            NodeEvent::AttachmentProgress { network, hash, received, total, .. } => {
                self.progress.insert((network.clone(), hash.clone()), ((*received, *total), Instant::now()));
                self.dirty = true;
            }
            NodeEvent::AttachmentFetched { network, hash, .. } => {
                self.progress.remove(&(network.clone(), hash.clone()));
                self.dirty = true;
            }
            _ => {}
        }
    }

    /// Whether a fetch is under way (its progress is looked at again now and then).
    pub(crate) fn fetching(&self) -> bool {
        !self.progress.is_empty()
    }

    /// What the interface should be told of `network`'s attachments (`snapshot`), when that
    /// changed since it was last told.
    pub(crate) async fn look(
        &mut self,
        node: &Node,
        network: &str,
        snapshot: &NetworkSnapshot,
    ) -> Option<AttachmentsHere> {
        let live: Vec<(String, u64)> = snapshot
            .attachments()
            .into_iter()
            .filter(|(_, a)| a.deleted_at.is_none())
            .map(|(_, a)| (a.hash.clone(), a.size))
            .collect();
        let hashes: BTreeSet<String> = live.iter().map(|(hash, _)| hash.clone()).collect();
        let other_network = self.sent.as_ref().is_none_or(|sent| sent.network != network);
        if !self.dirty && hashes == self.looked_at && !other_network {
            return None;
        }
        self.dirty = false;
        self.looked_at = hashes;
        self.progress.retain(|_, (_, heard)| heard.elapsed() < STALE);
        let mut here = AttachmentsHere {
            network: network.to_string(),
            on_demand: node.attachments_here().fetch_policy(network) == FetchPolicy::OnDemand,
            ..Default::default()
        };
        for (hash, size) in live {
            let held = node.attachments_here().attachment_bytes_here(network, &hash).await.unwrap_or_default();
            if held < size
                && let Some((progress, _)) = self.progress.get(&(network.to_string(), hash.clone()))
            {
                here.fetching.insert(hash.clone(), *progress);
            }
            here.held.insert(hash, held);
        }
        if self.sent.as_ref() == Some(&here) {
            return None;
        }
        self.sent = Some(here.clone());
        Some(here)
    }
}

/// Every network's attachments on this laptop.
pub(crate) fn usage(node: &Node) -> Vec<AttachmentUse> {
    let networks = node.shared().networks();
    let mut all: Vec<AttachmentUse> = networks
        .ids()
        .into_iter()
        .map(|id| AttachmentUse {
            name: networks.name_of(&id).unwrap_or_else(|| id.clone()),
            bytes: node.attachments_here().attachments_disk_use(&id),
            on_demand: node.attachments_here().fetch_policy(&id) == FetchPolicy::OnDemand,
            network: id,
        })
        .collect();
    all.sort_by_key(|network| super::first_paint::list_order(&network.name));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attachment_is_arriving_from_its_first_progress_until_it_is_fetched() {
        let mut tracker = Tracker::default();
        let (network, hash, endpoint) = (String::from("plg"), String::from("h"), String::from("anna"));
        let (received, total) = (45, 100);
        tracker.event(&NodeEvent::AttachmentProgress {
            network: network.clone(),
            hash: hash.clone(),
            endpoint: endpoint.clone(),
            received,
            total,
        });
        assert!(tracker.fetching() && tracker.dirty);
        tracker.dirty = false;
        tracker.event(&NodeEvent::Internet { reachable: true });
        assert!(!tracker.dirty, "other events change nothing here");
        tracker.event(&NodeEvent::AttachmentFetched { network, hash, endpoint, bytes: total });
        assert!(!tracker.fetching() && tracker.dirty);
    }
}
