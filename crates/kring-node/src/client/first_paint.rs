//! The first frame before the networks have loaded.
//!
//! Loading a big network takes Automerge a few hundred milliseconds (three years of a busy
//! PLG: about 300 ms), longer than a window may stay empty. So when the client closes, it keeps
//! what it showed of the network ([`keep`]); at the next start that copy is on screen at once
//! ([`read`]), and the live view replaces it as soon as the document has loaded. Anything done
//! meanwhile waits for the node and then happens as usual. A network new to this laptop gets
//! its copy at once ([`keep_new`]), so the very first start after a join is quick too.
//!
//! The network's name is kept beside the view, in plain text. When a view cannot be used
//! (damaged, or kept by an older Kring in another shape) the list of networks still shows at
//! once, from the names, and the network's screen says it is opening until the document has
//! loaded.

use std::sync::Arc;

use kring_model::{MemberId, NetworkSnapshot};
use kring_store::{DataDir, NetworkStore};
use serde::{Deserialize, Serialize};

use super::update::{NetworkEntry, NetworkView};

/// Bumped whenever what is kept changes shape; an older copy is then not used.
/// (2: the network's chapter; 3: which of a member's devices are proven.)
const FORMAT: u32 = 3;

#[derive(Serialize, Deserialize)]
struct Kept {
    format: u32,
    me: Option<MemberId>,
    snapshot: NetworkSnapshot,
}

/// Keeps what the interface shows of a network for the next start.
pub(crate) fn keep(store: &NetworkStore, me: Option<MemberId>, snapshot: NetworkSnapshot) {
    if let Err(err) = store.write_name(&snapshot.info.name) {
        tracing::warn!("cannot keep the network's name for the next start: {err}");
    }
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
    if let Some((me, snapshot)) = view_of(network, device) {
        keep(store, me, snapshot);
    }
}

/// What [`keep`] keeps of `network`, as `device`'s member sees it.
pub(crate) fn view_of(network: &kring_model::Network, device: &str) -> Option<(Option<MemberId>, NetworkSnapshot)> {
    let snapshot = network.snapshot().ok()?;
    let me = snapshot.member_for_device(device).map(|m| m.id.clone());
    Some((me, snapshot))
}

/// The networks in the order the interface lists them, and a view of the first — the one it
/// shows at the start — as kept by the last run, if it can be used. `None` unless every
/// network has a kept view or name (a partial list would look like a network had gone).
pub(crate) fn read(data: &DataDir) -> Option<(Vec<NetworkEntry>, Option<NetworkView>)> {
    let mut listed = Vec::new();
    for id in data.network_ids().ok()? {
        let copy = kept_view(data, &id);
        let name = match &copy {
            Some(copy) => copy.snapshot.info.name.clone(),
            None => data.read_name(&id)?,
        };
        listed.push((NetworkEntry { id, name }, copy));
    }
    listed.sort_by_key(|(entry, _)| list_order(&entry.name));
    let entries = listed.iter().map(|(entry, _)| entry.clone()).collect();
    let (first, copy) = listed.into_iter().next()?;
    let view = copy.map(|copy| NetworkView {
        network: first.id,
        // Before every live view (they count from 1): typing on it falls back to the present.
        version: 0,
        snapshot: Arc::new(copy.snapshot),
        me: copy.me,
        typed: 0,
        caret: None,
        changes: Default::default(),
    });
    Some((entries, view))
}

/// The view kept for network `id`, if it is whole, in this Kring's shape, and of that network.
fn kept_view(data: &DataDir, id: &str) -> Option<Kept> {
    let bytes = data.read_view_cache(id)?;
    let copy: Kept = postcard::from_bytes(&bytes).ok().filter(|k: &Kept| k.format == FORMAT)?;
    (copy.snapshot.info.id.as_str() == id).then_some(copy)
}

/// How the interface orders networks by name.
pub(crate) fn list_order(name: &str) -> String {
    name.to_lowercase()
}
