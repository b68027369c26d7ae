//! One network opened from this device's data directory, with "me": the member this device
//! acts as. Every command works on one of these and saves before it reports success.

use anyhow::{Context, Result, bail};
use kring_model::{MemberId, Network, NetworkSnapshot};
use kring_store::{DataDir, NetworkStore};

pub struct LocalNetwork {
    pub network: Network,
    store: NetworkStore,
    device: String,
}

impl LocalNetwork {
    /// Opens the network `id`, or the only network on this device when `id` is `None`.
    /// Problems found while loading are reported on stderr; whatever loaded is used.
    pub fn open(data: &DataDir, id: Option<&str>) -> Result<LocalNetwork> {
        let id = match id {
            Some(id) => id.to_string(),
            None => only_network(data)?,
        };
        let (store, doc, report) = data.open_network(&id)?;
        for problem in &report.problems {
            eprintln!("warning: {problem}");
        }
        let network = Network::from_doc(doc).with_context(|| format!("network {id} cannot be opened"))?;
        Ok(LocalNetwork { network, store, device: data.device_id() })
    }

    /// Stores a network that is new to this device.
    pub fn create(data: &DataDir, mut network: Network) -> Result<LocalNetwork> {
        let id = network.id().to_string();
        let store = data.create_network(&id, network.doc_mut())?;
        Ok(LocalNetwork { network, store, device: data.device_id() })
    }

    pub fn snapshot(&self) -> Result<NetworkSnapshot> {
        Ok(self.network.snapshot()?)
    }

    /// The member this device acts as in this network.
    pub fn me(&self) -> Result<MemberId> {
        // Reads only the members; every command asks this first.
        match self.network.member_for_device(&self.device)? {
            Some(member) => Ok(member),
            None => bail!("this device is not a current member of network {}", self.network.id()),
        }
    }

    /// The document and its store, for code that edits and saves in one go.
    pub fn parts(&mut self) -> (&mut Network, &mut NetworkStore) {
        (&mut self.network, &mut self.store)
    }

    /// Writes every edit made so far to disk (fsynced) — call before reporting success.
    pub fn save(&mut self) -> Result<()> {
        self.store.persist(self.network.doc_mut())?;
        Ok(())
    }
}

fn only_network(data: &DataDir) -> Result<String> {
    let ids = data.network_ids()?;
    match ids.as_slice() {
        [only] => Ok(only.clone()),
        [] => bail!("this device has no network yet; start one with `kring network create`"),
        _ => bail!("this device has {} networks; choose one with --network ID ({})", ids.len(), ids.join(", ")),
    }
}
