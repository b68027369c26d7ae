//! Ctrl+F across every network on this laptop: each network's snapshot is read again only when
//! the network changed since the last search (reading a busy network whole takes much longer
//! than searching it), then one search runs over all of them.

use std::collections::HashMap;
use std::sync::Arc;

use kring_model::automerge::ChangeHash;
use kring_model::{AcrossResults, NetworkSnapshot};

use crate::Node;

#[derive(Default)]
pub(crate) struct SearchSnapshots {
    /// By network: its heads, and the snapshot read at them.
    held: HashMap<String, (Vec<ChangeHash>, Arc<NetworkSnapshot>)>,
}

impl SearchSnapshots {
    /// Searches every network here for `query`: `first` (the one on screen) first, then the
    /// others by name.
    pub(crate) fn search(&mut self, node: &Node, first: Option<&str>, query: &str) -> AcrossResults {
        let networks = node.shared().networks();
        let mut snapshots: Vec<(String, Arc<NetworkSnapshot>)> = Vec::new();
        for id in networks.ids() {
            let Some(heads) = networks.lock(&id).map(|mut open| open.network.heads()) else { continue };
            let kept = self.held.get(&id).filter(|(seen, _)| *seen == heads).map(|(_, s)| s.clone());
            let snapshot = match kept {
                Some(snapshot) => snapshot,
                // Read from a copy, with the network's lock free meanwhile.
                None => {
                    let Some(mut copy) = networks.copy_of(&id) else { continue };
                    let Ok(snapshot) = copy.snapshot() else { continue };
                    let snapshot = Arc::new(snapshot);
                    self.held.insert(id.clone(), (copy.heads(), snapshot.clone()));
                    snapshot
                }
            };
            snapshots.push((id, snapshot));
        }
        self.held.retain(|id, _| snapshots.iter().any(|(here, _)| here == id));
        snapshots.sort_by(|(a, a_snapshot), (b, b_snapshot)| {
            let (a_later, b_later) = (Some(a.as_str()) != first, Some(b.as_str()) != first);
            a_later.cmp(&b_later).then_with(|| a_snapshot.info.name.cmp(&b_snapshot.info.name))
        });
        kring_model::search_across(snapshots.iter().map(|(_, snapshot)| snapshot.as_ref()), query)
    }
}
