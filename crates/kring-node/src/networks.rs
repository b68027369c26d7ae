//! Every network a node holds, with its store: what the sync protocol reads and writes.

use std::collections::BTreeMap;

use kring_model::automerge::AutoCommit;
use kring_model::{MemberId, Network};
use kring_store::{DataDir, NetworkStore};
use kring_sync::{Library, PeerAddr};

use crate::address_book::AddressBook;
use crate::error::Result;

pub struct OpenNetwork {
    pub network: Network,
    pub store: NetworkStore,
}

pub struct Networks {
    open: BTreeMap<String, OpenNetwork>,
    pub book: AddressBook,
    /// This device's id, never dialed and never told to others as a peer.
    pub device: String,
}

impl Networks {
    /// Opens every network in the data directory. One that cannot be opened is skipped with a
    /// warning rather than keeping the others offline.
    pub fn load(data: &DataDir) -> Result<(Networks, Vec<String>)> {
        let mut open = BTreeMap::new();
        let mut warnings = Vec::new();
        for id in data.network_ids()? {
            match data.open_network(&id) {
                Ok((store, doc, report)) => {
                    warnings.extend(report.problems.iter().map(|p| p.to_string()));
                    match Network::from_doc(doc) {
                        Ok(network) => {
                            open.insert(id, OpenNetwork { network, store });
                        }
                        Err(err) => warnings.push(format!("network {id} is not synced: {err}")),
                    }
                }
                Err(err) => warnings.push(format!("network {id} is not synced: {err}")),
            }
        }
        let book = AddressBook::load(data.root());
        Ok((Networks { open, book, device: data.device_id() }, warnings))
    }

    pub fn ids(&self) -> Vec<String> {
        self.open.keys().cloned().collect()
    }

    /// The network's name, as its members gave it.
    pub fn name_of(&self, id: &str) -> Option<String> {
        self.open.get(id)?.network.name().ok()
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut OpenNetwork> {
        self.open.get_mut(id)
    }

    /// Saves (fsyncs) whatever changed in `network`.
    pub fn persist(&mut self, network: &str) -> Result<()> {
        if let Some(open) = self.open.get_mut(network) {
            open.store.persist(open.network.doc_mut())?;
        }
        Ok(())
    }

    /// Devices of current members of `network` other than this one, with their member.
    pub fn member_devices(&self, network: &str) -> Vec<(String, MemberId)> {
        let Some(open) = self.open.get(network) else { return Vec::new() };
        let Ok(members) = open.network.members() else { return Vec::new() };
        members
            .into_values()
            .filter(|m| m.is_current())
            .flat_map(|m| m.devices.into_keys().map(move |d| (d, m.id.clone())))
            .filter(|(device, _)| *device != self.device)
            .collect()
    }

    /// What to tell a member about where the network's devices are: every member device we
    /// know an address for, except the one we are telling.
    pub fn peer_addresses(&self, network: &str, except: &str, own: Option<PeerAddr>) -> Vec<PeerAddr> {
        let mut peers: Vec<PeerAddr> = self
            .member_devices(network)
            .into_iter()
            .filter(|(device, _)| device != except)
            .filter_map(|(device, _)| self.book.as_peer_addr(&device))
            .collect();
        peers.extend(own);
        peers
    }

    /// Learns addresses a member told us, for devices of that network's members only.
    pub fn learn_peers(&mut self, network: &str, peers: &[PeerAddr]) {
        let members: Vec<String> = self.member_devices(network).into_iter().map(|(d, _)| d).collect();
        let mut changed = false;
        for peer in peers.iter().filter(|p| members.contains(&p.device)) {
            changed |= self.book.learn_from_member(peer);
        }
        if changed && let Err(err) = self.book.save() {
            tracing::warn!("cannot save the address book: {err}");
        }
    }

    pub fn sync_state_saved(&mut self, network: &str, device: &str, state: &[u8]) {
        if let Some(open) = self.open.get(network)
            && let Err(err) = open.store.write_sync_state(device, state)
        {
            tracing::warn!("cannot save sync state: {err}");
        }
    }

    pub fn insert(&mut self, id: String, open: OpenNetwork) {
        self.open.insert(id, open);
    }
}

impl Library for Networks {
    fn document(&mut self, network: &str) -> Option<&mut AutoCommit> {
        self.open.get_mut(network).map(|open| open.network.doc_mut())
    }

    fn may_sync(&mut self, network: &str, device: &str) -> bool {
        self.open.get(network).and_then(|open| open.network.member_for_device(device).ok().flatten()).is_some()
    }

    fn saved_sync_state(&mut self, network: &str, device: &str) -> Option<Vec<u8>> {
        self.open.get(network)?.store.read_sync_state(device)
    }
}
