//! "What changed since you last looked": the heads a person marked as seen are kept in the
//! network's local notes on this device; the summary since then grows with every change, so
//! a view never recounts the whole history.

use kring_model::automerge::ChangeHash;
use kring_model::{ChangeSummary, Network};
use kring_store::NetworkStore;
use serde::{Deserialize, Serialize};

/// This device's notes about one network, in its store's local file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct LocalNotes {
    /// Hex change hashes of what the person marked as seen.
    #[serde(default)]
    seen: Option<Vec<String>>,
}

/// What changed in the watched network since the person last marked it as seen.
pub(super) struct Seen {
    network: String,
    /// The chapter the mark is in: a new chapter starts without one (its folder has no notes).
    chapter: String,
    /// Everything since the mark, counted up to `counted`.
    summary: ChangeSummary,
    counted: Vec<ChangeHash>,
}

impl Seen {
    /// Starts following `network`. A network never looked at before counts as seen now: the
    /// first open is not a list of everything ever done.
    pub(super) fn open(network_id: &str, network: &mut Network, store: &NetworkStore) -> Seen {
        let notes: LocalNotes = store.read_local().unwrap_or_default();
        let marked = notes.seen.map(|hashes| hashes.iter().filter_map(|h| h.parse().ok()).collect::<Vec<_>>());
        let mut seen = Seen {
            network: network_id.to_string(),
            chapter: network.chapter_id(),
            summary: ChangeSummary::default(),
            counted: Vec::new(),
        };
        match marked {
            Some(heads) => {
                seen.summary = network.changes_since(&heads);
                seen.counted = network.heads();
            }
            None => seen.mark(network, store),
        }
        seen
    }

    /// Whether this follows `network` as it is now (the same network, in the same chapter).
    pub(super) fn follows(&self, network_id: &str, network: &Network) -> bool {
        self.network == network_id && self.chapter == network.chapter_id()
    }

    /// The changes since the mark, counting only what arrived since the last call.
    pub(super) fn summary(&mut self, network: &mut Network) -> &ChangeSummary {
        let heads = network.heads();
        if heads != self.counted {
            let later = network.changes_since(&self.counted);
            self.summary.absorb(later);
            self.counted = heads;
        }
        &self.summary
    }

    /// Everything up to now is seen.
    pub(super) fn mark(&mut self, network: &mut Network, store: &NetworkStore) {
        let heads = network.heads();
        let notes = LocalNotes { seen: Some(heads.iter().map(|h| h.to_string()).collect()) };
        if let Err(err) = store.write_local(&notes) {
            tracing::warn!("cannot remember what was seen in {}: {err}", self.network);
        }
        self.summary = ChangeSummary::default();
        self.counted = heads;
    }
}
