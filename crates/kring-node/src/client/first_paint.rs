//! The first frame before the networks have loaded.
//!
//! Loading a big network takes Automerge a few hundred milliseconds (three years of a busy
//! PLG: about 300 ms), longer than a window may stay empty. So when the client closes, it keeps
//! what it showed of the network ([`keep`]); at the next start that copy is on screen at once
//! ([`read`]), and the live view replaces it as soon as the document has loaded. Anything done
//! meanwhile waits for the node and then happens as usual. A network new to this laptop gets
//! its copy at once ([`keep_new`]), so the very first start after a join is quick too.

use std::sync::Arc;

use kring_model::{MemberId, NetworkSnapshot};
use kring_store::{DataDir, NetworkStore};
use serde::{Deserialize, Serialize};

use super::update::{NetworkEntry, NetworkView};

/// Bumped whenever what is kept changes shape; an older copy is then not used.
/// (2: the network's chapter.)
const FORMAT: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Kept {
    format: u32,
    me: Option<MemberId>,
    snapshot: NetworkSnapshot,
}

/// Keeps what the interface shows of a network for the next start.
pub fn keep(store: &NetworkStore, me: Option<MemberId>, snapshot: NetworkSnapshot) {
    let kept = Kept { format: FORMAT, me, snapshot };
    let written = postcard::to_stdvec(&kept)
        .map_err(|err| err.to_string())
        .and_then(|bytes| store.write_view_cache(&bytes).map_err(|err| err.to_string()));
    if let Err(err) = written {
        tracing::warn!("cannot keep the view for the next start: {err}");
    }
}

/// Keeps the first view of a network new to this laptop (just created, joined, linked or taken
/// from a bundle), so that even the first start after it shows the network at once.
pub(crate) fn keep_new(store: &NetworkStore, network: &kring_model::Network, device: &str) {
    let Ok(snapshot) = network.snapshot() else { return };
    let me = snapshot.member_for_device(device).map(|m| m.id.clone());
    keep(store, me, snapshot);
}

/// The networks in the order the interface lists them, and a view of the first — the one it
/// shows at the start — as kept by the last run. `None` unless every network has a usable copy
/// (a partial list would look like a network had gone).
pub fn read(data: &DataDir) -> Option<(Vec<NetworkEntry>, NetworkView)> {
    let mut kept = Vec::new();
    for id in data.network_ids().ok()? {
        let bytes = data.read_view_cache(&id)?;
        let copy: Kept = postcard::from_bytes(&bytes).ok().filter(|k: &Kept| k.format == FORMAT)?;
        if copy.snapshot.info.id.as_str() != id {
            return None;
        }
        kept.push((id, copy));
    }
    kept.sort_by_key(|(_, copy)| list_order(&copy.snapshot.info.name));
    let entries =
        kept.iter().map(|(id, copy)| NetworkEntry { id: id.clone(), name: copy.snapshot.info.name.clone() }).collect();
    let (network, first) = kept.into_iter().next()?;
    let view = NetworkView {
        network,
        // Before every live view (they count from 1): typing on it falls back to the present.
        version: 0,
        snapshot: Arc::new(first.snapshot),
        me: first.me,
        typed: 0,
        caret: None,
        changes: Default::default(),
    };
    Some((entries, view))
}

/// How the interface orders networks by name.
pub fn list_order(name: &str) -> String {
    name.to_lowercase()
}
