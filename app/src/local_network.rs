//! One network opened from this device's data directory, with "me": the member this device
//! acts as. Every command works on one of these and saves before it reports success.

use anyhow::{Context, Result, bail};
use kring_model::{Applied, Edit, MemberId, Network, NetworkSnapshot};
use kring_node::OpenNetwork;
use kring_store::DataDir;

pub(crate) struct LocalNetwork {
    /// The network, its store and signatures: edits go through it, as in the running node.
    pub open: OpenNetwork,
    device: String,
}

impl LocalNetwork {
    /// Opens the network `id`, or the only network on this device when `id` is `None`.
    /// Problems found while loading are reported on stderr; whatever loaded is used.
    pub(crate) fn open(data: &DataDir, id: Option<&str>) -> Result<LocalNetwork> {
        let id = match id {
            Some(id) => id.to_string(),
            None => only_network(data)?,
        };
        let (open, report) = OpenNetwork::open(data, &id).with_context(|| format!("network {id} cannot be opened"))?;
        for problem in &report.problems {
            eprintln!("warning: {problem}");
        }
        Ok(LocalNetwork { open, device: data.device_id() })
    }

    /// Stores a network that is new to this device.
    pub(crate) fn create(data: &DataDir, network: Network) -> Result<LocalNetwork> {
        Ok(LocalNetwork { open: OpenNetwork::create(data, network)?, device: data.device_id() })
    }

    pub(crate) fn snapshot(&self) -> Result<NetworkSnapshot> {
        Ok(self.open.network.snapshot()?)
    }

    /// The member this device acts as in this network.
    pub(crate) fn me(&self) -> Result<MemberId> {
        // Reads only the members; every command asks this first.
        match self.open.network.member_for_device(&self.device)? {
            Some(member) => Ok(member),
            None => bail!("this device is not a current member of network {}", self.open.network.id()),
        }
    }

    /// Writes every edit made so far to disk (fsynced) — call before reporting success.
    pub(crate) fn save(&mut self) -> Result<()> {
        self.open.persist()?;
        Ok(())
    }

    /// Makes one change as the member this device is, checked by the model, and saves it.
    /// On an error nothing is saved: the copy on disk stays as it was.
    pub(crate) fn apply(&mut self, edit: &Edit) -> Result<Applied> {
        let me = self.me()?;
        tracing::debug!(edit = edit.name(), "applying");
        let applied = edit.apply(&mut self.open.network, &me)?;
        self.save()?;
        Ok(applied)
    }
}

/// How every editing command changes a network: opens it (`network`, or the only one), applies
/// `edit` as this device's member and saves. The network stays open for reading the result.
pub(crate) fn apply(data: &DataDir, network: Option<&str>, edit: &Edit) -> Result<(LocalNetwork, Applied)> {
    let mut local = LocalNetwork::open(data, network)?;
    let applied = local.apply(edit)?;
    Ok((local, applied))
}

fn only_network(data: &DataDir) -> Result<String> {
    let ids = data.network_ids()?;
    match ids.as_slice() {
        [only] => Ok(only.clone()),
        [] => bail!("this device has no network yet; start one with `kring network create`"),
        _ => bail!("this device has {} networks; choose one with --network ID ({})", ids.len(), ids.join(", ")),
    }
}

/// The id of the record an edit made (a session, a question, a cycle, ...).
pub(crate) fn created(applied: &Applied) -> Result<String> {
    match applied.created() {
        Some(id) => Ok(id.to_string()),
        None => bail!("the change was made, but the model reported no new record"),
    }
}
