//! One network as the node holds it: the document, where it is saved, and what checking and
//! passing on others' changes needs. Reached under its own lock (see [`crate::networks`]).

use std::collections::BTreeMap;

use iroh::SecretKey;
use kring_model::schema::SCHEMA_VERSION;
use kring_model::trust::RuleBook;
use kring_model::{DeviceIndex, MemberId, Network};
use kring_store::{Appended, DataDir, NetworkStore};
use kring_sync::{PeerAddr, SignatureBook};

use crate::address_book::AddressBook;
use crate::error::{NodeError, Result};

/// One network as the node holds it: the document, where it is saved, and what checking and
/// passing on others' changes needs.
pub struct OpenNetwork {
    pub network: Network,
    pub store: NetworkStore,
    pub signatures: SignatureBook,
    pub rules: RuleBook,
    /// Which member each device is: asked for every message a peer sends.
    devices: Option<DeviceIndex>,
    /// The coordinators' hand-offs from the network's first chapter to the current one, as far
    /// as this laptop knows them: shown to members on an earlier chapter, or on one begun beside.
    pub(crate) chain: Vec<kring_sync::Handoff>,
    /// Which chapter each member device last said it holds (see [`OpenNetwork::heard_chapter`]).
    pub chapters_heard: BTreeMap<String, String>,
    /// The offline work this laptop carried into the current chapter when it took it, and
    /// where its own characters in it came from.
    pub(crate) carried: crate::carried::Carried,
}

impl OpenNetwork {
    /// The hand-offs from the network's first chapter to the current one that this laptop keeps.
    pub fn chain(&self) -> &[kring_sync::Handoff] {
        &self.chain
    }

    /// Takes a network just loaded, created or joined. From here on its changes are made as
    /// `device`, so that they carry its key and signature.
    pub fn new(mut network: Network, store: NetworkStore, device: &str) -> OpenNetwork {
        network.set_device(device);
        let signatures = SignatureBook::from_blobs(store.signature_blobs());
        let chain = read_chain(&store);
        let chapters_heard = store.read_chapters_heard();
        let carried = store.read_carried().map(|bytes| crate::carried::Carried::decode(&bytes)).unwrap_or_default();
        OpenNetwork {
            network,
            store,
            signatures,
            rules: RuleBook::default(),
            devices: None,
            chain,
            chapters_heard,
            carried,
        }
    }

    /// Member device `device` said it holds the network in `chapter`: kept, so that who has
    /// switched to a new chapter is still known after a restart. Written only when it changed
    /// (once per device and chapter); returns whether it did.
    pub fn heard_chapter(&mut self, device: &str, chapter: &str) -> bool {
        if self.chapters_heard.get(device).map(String::as_str) == Some(chapter) {
            return false;
        }
        self.chapters_heard.insert(device.to_string(), chapter.to_string());
        if let Err(err) = self.store.write_chapters_heard(&self.chapters_heard) {
            tracing::warn!("cannot keep which chapter a colleague's laptop is on: {err}");
        }
        true
    }

    /// Opens network `id` from `data`, to edit it while no node runs (the command line, or a
    /// laptop whose app is closed).
    pub fn open(data: &DataDir, id: &str) -> Result<(OpenNetwork, kring_store::LoadReport)> {
        let (store, doc, report) = data.open_network(id)?;
        let mut open = OpenNetwork::new(Network::from_doc(doc)?, store, &data.device_id());
        open.prove_own_device(data.device_key())?;
        Ok((open, report))
    }

    /// A network begun on an older Kring lists this laptop without its proof: it writes it
    /// now, and a coordinator's laptop then raises the network to this Kring's schema, from
    /// when on every device added must bring its proof. Each is one change, made and saved as
    /// every edit. Nothing happens for a network whose device is proven and schema current.
    pub fn prove_own_device(&mut self, key: &SecretKey) -> Result<()> {
        let device = key.public().to_string();
        let Some(me) = self.member_for_device(&device)? else { return Ok(()) };
        if !self.network.device_proven(&me, &device) {
            self.edit(&device, |network, me| network.prove_device(me, key.as_signing_key()))?;
        }
        let coordinator = self.network.members()?.get(&me).is_some_and(|m| m.role == kring_model::Role::Coordinator);
        if coordinator && self.network.schema() < SCHEMA_VERSION && self.network.device_proven(&me, &device) {
            self.edit(&device, |network, me| network.raise_schema(me))?;
        }
        Ok(())
    }

    /// Stores a network new to this device (just created, or taken from a bundle).
    pub fn create(data: &DataDir, mut network: Network) -> Result<OpenNetwork> {
        let id = network.id().to_string();
        let store = data.create_network(&id, network.doc_mut())?;
        let open = OpenNetwork::new(network, store, &data.device_id());
        crate::client::first_paint::keep_new(&open.store, &open.network, &data.device_id());
        Ok(open)
    }

    /// Makes a change as the member this device is, and saves it (fsynced) before returning.
    /// Nothing is kept if `edit` fails.
    pub fn edit<T, E>(
        &mut self,
        device: &str,
        edit: impl FnOnce(&mut Network, &MemberId) -> std::result::Result<T, E>,
    ) -> Result<T>
    where
        NodeError: From<E>,
    {
        let (value, appended) = self.edit_unsynced(device, edit)?;
        self.store.make_durable(appended)?;
        Ok(value)
    }

    /// [`OpenNetwork::edit`], with the change written to the log but not yet made durable:
    /// see [`kring_store::NetworkStore::append_signed`].
    pub(crate) fn edit_unsynced<T, E>(
        &mut self,
        device: &str,
        edit: impl FnOnce(&mut Network, &MemberId) -> std::result::Result<T, E>,
    ) -> Result<(T, Appended)>
    where
        NodeError: From<E>,
    {
        let me = self.member_for_device(device)?.ok_or(NodeError::NotAMember)?;
        let value = edit(&mut self.network, &me)?;
        Ok((value, self.append()?))
    }

    /// The current member `device` belongs to, as [`Network::member_for_device`] says, without
    /// reading every member each time.
    pub fn member_for_device(&mut self, device: &str) -> Result<Option<MemberId>> {
        let (index, network) = self.device_index()?;
        Ok(index.member_for_device(network, device)?)
    }

    /// Every device of a current member, read again only when the members changed (the
    /// dialer asks every second).
    pub fn member_device_ids(&mut self) -> Result<Vec<String>> {
        let (index, network) = self.device_index()?;
        Ok(index.devices(network)?.cloned().collect())
    }

    /// Every device of a current member with its member, read again only when the members
    /// changed (asked whenever a peer connects or tells where others are).
    pub fn member_devices(&mut self) -> Result<Vec<(String, MemberId)>> {
        let (index, network) = self.device_index()?;
        Ok(index.devices_with_members(network)?.map(|(device, member)| (device.clone(), member.clone())).collect())
    }

    /// [`OpenNetwork::member_devices`] but `own` (this device).
    pub(crate) fn other_member_devices(&mut self, own: &str) -> Vec<(String, MemberId)> {
        let mut devices = self.member_devices().unwrap_or_default();
        devices.retain(|(device, _)| device != own);
        devices
    }

    /// Whether `device` may sync this network: it is a device of a current member.
    pub(crate) fn may_sync(&mut self, device: &str) -> bool {
        self.member_for_device(device).ok().flatten().is_some()
    }

    /// What to tell a member about where the network's devices are: every member device we
    /// know an address for but `own` and the one we are telling (`except`), and where this
    /// device is (`own_addr`).
    pub(crate) fn peer_addresses(
        &mut self,
        own: &str,
        except: &str,
        own_addr: Option<PeerAddr>,
        book: &AddressBook,
    ) -> Vec<PeerAddr> {
        let mut peers: Vec<PeerAddr> = self
            .other_member_devices(own)
            .into_iter()
            .filter(|(device, _)| device != except)
            .filter_map(|(device, _)| book.as_peer_addr(&device))
            .collect();
        peers.extend(own_addr);
        peers
    }

    /// Keeps what a connection with `device` ended with, for the next one.
    pub(crate) fn keep_sync_state(&self, device: &str, state: &[u8]) {
        if let Err(err) = self.store.write_sync_state(device, state) {
            tracing::warn!("cannot save sync state: {err}");
        }
    }

    /// Automerge failed part-way through applying a peer's changes: the document in memory is
    /// replaced by the one last saved (see [`Library::restore_saved`]). `Err` when that cannot
    /// be read back: then the network must be closed rather than kept damaged.
    pub(crate) fn restore_saved(&mut self, id: &str, device: &str) -> std::result::Result<(), String> {
        let reloaded = self.store.reload().map_err(|err| err.to_string()).and_then(|(doc, report)| {
            for problem in &report.problems {
                tracing::warn!("network {id}: {problem}");
            }
            Network::from_doc(doc).map_err(|err| err.to_string())
        });
        match reloaded {
            Ok(mut saved) => {
                tracing::warn!("network {id}: a peer's changes could not be applied; back to the saved copy");
                saved.set_device(device);
                self.network = saved;
                self.devices = None;
                // Signatures that came with refused changes are not kept either.
                self.signatures = SignatureBook::from_blobs(self.store.signature_blobs());
                Ok(())
            }
            Err(err) => {
                // Better not synced until restart than a damaged document saved over a good one.
                tracing::error!("network {id} is closed: its saved copy cannot be read back ({err})");
                Err(err)
            }
        }
    }

    /// The device index (read the first time it is asked for), and the network it indexes.
    fn device_index(&mut self) -> Result<(&mut DeviceIndex, &mut Network)> {
        if self.devices.is_none() {
            self.devices = Some(DeviceIndex::read(&mut self.network)?);
        }
        Ok((self.devices.as_mut().expect("read just now"), &mut self.network))
    }

    /// Signatures for the whole document, made with `key` (this laptop's) where a tip is its
    /// own: what goes with the network to a joiner or into a bundle. `None` if this laptop
    /// lacks one (it never does for a network it checked).
    pub fn sign_whole(&mut self, key: &SecretKey) -> Option<Vec<kring_sync::Signed>> {
        let all = kring_sync::signed::all_changes(self.network.doc_mut());
        kring_sync::signed::sign_batch(self.network.doc_mut(), &all, &self.signatures, key)
    }

    /// Saves (fsyncs) whatever changed, with the signatures that came with it.
    pub fn persist(&mut self) -> kring_store::Result<bool> {
        let appended = self.append()?;
        self.store.make_durable(appended)
    }

    /// Writes what changed since the last write (with the signatures that came with it) to the
    /// network's log, leaving the fsync to the caller: see [`crate::node::Shared::offer_and_keep`].
    pub fn append(&mut self) -> kring_store::Result<Appended> {
        let signatures = self.signatures.take_unsaved();
        self.store.append_signed(self.network.doc_mut(), signatures)
    }
}

/// The chain of hand-offs kept beside a chapter, or the one hand-off an older Kring kept.
fn read_chain(store: &NetworkStore) -> Vec<kring_sync::Handoff> {
    if let Some(bytes) = store.read_chain() {
        return kring_sync::chain::decode(&bytes).unwrap_or_default();
    }
    store.read_handoff().and_then(|bytes| kring_sync::Handoff::decode_v1(&bytes)).into_iter().collect()
}
