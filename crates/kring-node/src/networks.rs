//! Every network a node holds, with its store: what the sync protocol reads and writes.

use std::collections::BTreeMap;
use std::sync::Arc;

use iroh::SecretKey;
use kring_model::automerge::AutoCommit;
use kring_model::schema::SCHEMA_VERSION;
use kring_model::trust::RuleBook;
use kring_model::{DeviceIndex, MemberId, Network};
use kring_store::{Appended, DataDir, NetworkStore};
use kring_sync::{Library, PeerAddr, Replica, SignatureBook};

use crate::address_book::AddressBook;
use crate::error::{NodeError, Result};
use crate::start_warning::StartWarning;

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
    pub(crate) carried: crate::chapters::Carried,
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
        let carried = store.read_carried().map(|bytes| crate::chapters::Carried::decode(&bytes)).unwrap_or_default();
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
    fn edit_unsynced<T, E>(
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

/// A network as it is now, to begin its next chapter from with no lock held: a copy of the
/// document (Automerge shares its storage), the hand-offs that led to it, who this laptop is in
/// it, and its key.
pub(crate) struct ChapterCopy {
    network: Network,
    chain: Vec<kring_sync::Handoff>,
    me: MemberId,
    key: SecretKey,
}

impl ChapterCopy {
    /// The next chapter, begun on the copy (see [`crate::chapters::begin_as`]).
    pub(crate) fn begin(
        &mut self,
        erase: &[kring_model::Erasure],
        keep_history: bool,
    ) -> Result<crate::chapters::Checked> {
        crate::chapters::begin_as(&mut self.network, &self.chain, &self.me, &self.key, erase, keep_history)
    }
}

pub(crate) struct Networks {
    open: BTreeMap<String, OpenNetwork>,
    key: SecretKey,
    /// This device's id, never dialed and never told to others as a peer.
    pub device: String,
    /// A next chapter a peer offers, checked by its connection before it took the lock (see
    /// [`crate::chapters::CheckedAhead`]); taken by the next [`Library::take_next_chapter`].
    pub checked_ahead: Option<crate::chapters::CheckedAhead>,
}

impl Networks {
    /// Opens every network in the data directory. One that cannot be opened is skipped with a
    /// warning rather than keeping the others offline.
    pub(crate) fn load(data: &DataDir) -> Result<(Networks, Vec<StartWarning>)> {
        let mut open = BTreeMap::new();
        let mut warnings = Vec::new();
        for (id, loaded) in load_in_parallel(data, data.network_ids()?) {
            match loaded {
                Ok((opened, problems)) => {
                    warnings.extend(problems);
                    open.insert(id, opened);
                }
                Err(err) => {
                    let name = data.read_name(&id);
                    warnings.push(StartWarning::NotOpened { network: id, name, reason: Arc::new(err) });
                }
            }
        }
        Ok((Networks { open, key: data.device_key().clone(), device: data.device_id(), checked_ahead: None }, warnings))
    }

    pub(crate) fn ids(&self) -> Vec<String> {
        self.open.keys().cloned().collect()
    }

    /// The network's name, as its members gave it.
    pub(crate) fn name_of(&self, id: &str) -> Option<String> {
        self.open.get(id)?.network.name().ok()
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut OpenNetwork> {
        self.open.get_mut(id)
    }

    /// A copy of `network` as it is now, to read with the lock free (Automerge shares its
    /// storage: taken in a moment).
    pub(crate) fn copy_of(&mut self, network: &str) -> Option<Network> {
        Some(self.open.get_mut(network)?.network.fork())
    }

    /// See [`OpenNetwork::append`]; nothing for a network not open here.
    pub(crate) fn append(&mut self, network: &str) -> Result<Appended> {
        match self.open.get_mut(network) {
            Some(open) => Ok(open.append()?),
            None => Ok(Appended::Nothing),
        }
    }

    /// Devices of current members of `network` other than this one, with their member.
    pub(crate) fn member_devices(&mut self, network: &str) -> Vec<(String, MemberId)> {
        let Some(open) = self.open.get_mut(network) else { return Vec::new() };
        let mut devices = open.member_devices().unwrap_or_default();
        devices.retain(|(device, _)| *device != self.device);
        devices
    }

    /// What to tell a member about where the network's devices are: every member device we
    /// know an address for, except the one we are telling.
    pub(crate) fn peer_addresses(
        &mut self,
        network: &str,
        except: &str,
        own: Option<PeerAddr>,
        book: &AddressBook,
    ) -> Vec<PeerAddr> {
        let mut peers: Vec<PeerAddr> = self
            .member_devices(network)
            .into_iter()
            .filter(|(device, _)| device != except)
            .filter_map(|(device, _)| book.as_peer_addr(&device))
            .collect();
        peers.extend(own);
        peers
    }

    pub(crate) fn sync_state_saved(&mut self, network: &str, device: &str, state: &[u8]) {
        if let Some(open) = self.open.get(network)
            && let Err(err) = open.store.write_sync_state(device, state)
        {
            tracing::warn!("cannot save sync state: {err}");
        }
    }

    /// Makes a change on this device in `network` (see [`crate::Node::edit`]), written to the
    /// log; the caller makes it durable.
    pub(crate) fn edit<T, E>(
        &mut self,
        network: &str,
        edit: impl FnOnce(&mut Network, &MemberId) -> std::result::Result<T, E>,
    ) -> Result<(T, Appended)>
    where
        NodeError: From<E>,
    {
        let device = self.device.clone();
        let open = self.open.get_mut(network).ok_or_else(|| NodeError::UnknownNetwork(network.to_string()))?;
        open.edit_unsynced(&device, edit)
    }

    /// An edit's record could not be made durable: it is written again with the next.
    pub(crate) fn sync_failed(&mut self, network: &str, heads_before: Vec<kring_model::automerge::ChangeHash>) {
        if let Some(open) = self.open.get_mut(network) {
            open.store.sync_failed(heads_before);
        }
    }

    /// Signatures for the whole document of `network`: what goes with it to a joiner or into a
    /// bundle. `None` if this laptop lacks one (it never does for a network it checked).
    pub(crate) fn sign_whole(&mut self, network: &str) -> Option<Vec<kring_sync::Signed>> {
        self.open.get_mut(network)?.sign_whole(&self.key)
    }

    /// What a laptop being let in (an invitee, or the member's other laptop) receives: the
    /// whole network and the signatures that vouch for it. `None` if a change lacks a signature.
    pub(crate) fn welcome(&mut self, network: &str) -> Option<(Vec<u8>, Vec<kring_sync::Signed>)> {
        let document = kring_store::save_checked(self.open.get_mut(network)?.network.doc_mut());
        let signatures = self.sign_whole(network)?;
        Some((document, signatures))
    }

    /// See [`OpenNetwork::heard_chapter`].
    pub(crate) fn heard_chapter(&mut self, network: &str, device: &str, chapter: &str) {
        if let Some(open) = self.open.get_mut(network) {
            open.heard_chapter(device, chapter);
        }
    }

    /// Member device `device` is in sync with this laptop on `network`: it holds the chapter
    /// this laptop does (a dialing laptop hears no chapter named otherwise). Returns that
    /// chapter if this is news.
    pub(crate) fn in_sync_with(&mut self, network: &str, device: &str) -> Option<String> {
        let open = self.open.get_mut(network)?;
        let chapter = open.network.chapter_id();
        open.heard_chapter(device, &chapter).then_some(chapter)
    }

    /// For every network, which chapter each member device last said it holds.
    pub(crate) fn chapters_heard(&self) -> Vec<(String, String, String)> {
        let heard = self.open.iter().flat_map(|(network, open)| {
            open.chapters_heard.iter().map(|(device, chapter)| (network.clone(), device.clone(), chapter.clone()))
        });
        heard.collect()
    }

    pub(crate) fn insert(&mut self, id: String, open: OpenNetwork) {
        self.open.insert(id, open);
    }

    /// What beginning the next chapter of `network` away from the lock needs, taken in a
    /// moment (see [`crate::Node::start_chapter`]).
    pub(crate) fn for_new_chapter(&mut self, network: &str) -> Result<ChapterCopy> {
        let open = self.open.get_mut(network).ok_or_else(|| NodeError::UnknownNetwork(network.to_string()))?;
        let me = open.member_for_device(&self.device)?.ok_or(NodeError::NotAMember)?;
        Ok(ChapterCopy { network: open.network.fork(), chain: open.chain.clone(), me, key: self.key.clone() })
    }

    /// Switches `network` to a chapter begun on a copy of it ([`Self::for_new_chapter`]),
    /// carrying over what this laptop wrote in it meanwhile. Refused, with the network left as
    /// it is, when it moved to another chapter meanwhile (taken from a colleague's laptop).
    /// The first view of the new chapter is left to the caller to keep (see
    /// [`crate::chapters::switch_without_view`]).
    pub(crate) fn switch_to_begun(
        &mut self,
        network: &str,
        mut begun: crate::chapters::Checked,
    ) -> Result<kring_model::ChapterInfo> {
        let open = self.open.get_mut(network).ok_or_else(|| NodeError::UnknownNetwork(network.to_string()))?;
        if open.network.chapter_id() != begun.continues() {
            return Err(NodeError::ChapterMovedOn);
        }
        let carried = crate::chapters::carry_over(open, &mut begun, &self.device)?;
        if carried.changes > 0 {
            tracing::info!(?carried, "network {network}: edits made while the new chapter was begun carried into it");
        }
        let open = self.open.remove(network).expect("found above");
        match crate::chapters::switch_without_view(open, begun, &self.device) {
            Ok(switched) => Ok(self.switched(network, switched)),
            Err(err) => Err(switch_failed(network, err)),
        }
    }

    /// Begins the next chapter of `network` as the coordinator this laptop is and switches to
    /// it, all under one lock (the node does the same with the copying away from it).
    #[cfg(test)]
    fn start_chapter(
        &mut self,
        network: &str,
        erase: &[kring_model::Erasure],
        keep_history: bool,
    ) -> Result<kring_model::ChapterInfo> {
        let mut copy = self.for_new_chapter(network)?;
        let begun = copy.begin(erase, keep_history)?;
        self.switch_to_begun(network, begun)
    }

    /// Puts the network in its new chapter in place; says which chapter it is.
    fn switched(&mut self, network: &str, switched: OpenNetwork) -> kring_model::ChapterInfo {
        let chapter = switched.network.chapter();
        self.open.insert(network.to_string(), switched);
        chapter
    }
}

/// The chain of hand-offs kept beside a chapter, or the one hand-off an older Kring kept.
fn read_chain(store: &NetworkStore) -> Vec<kring_sync::Handoff> {
    if let Some(bytes) = store.read_chain() {
        return kring_sync::chain::decode(&bytes).unwrap_or_default();
    }
    store.read_handoff().and_then(|bytes| kring_sync::Handoff::decode_v1(&bytes)).into_iter().collect()
}

/// A switch that failed on disk leaves the network closed (what is on disk may be either
/// chapter): the next start finishes or undoes the switch (see `kring_store`). Everything that
/// can be refused is checked before the switch begins, with the network still open.
fn switch_failed(network: &str, err: NodeError) -> NodeError {
    tracing::error!("network {network} is closed until Kring starts again: the switch to a new chapter failed ({err})");
    err
}

impl Library for Networks {
    fn document(&mut self, network: &str) -> Option<&mut AutoCommit> {
        self.open.get_mut(network).map(|open| open.network.doc_mut())
    }

    fn replica(&mut self, network: &str) -> Option<Replica<'_>> {
        let open = self.open.get_mut(network)?;
        Some(Replica {
            doc: open.network.doc_mut(),
            signatures: &mut open.signatures,
            rules: &mut open.rules,
            key: &self.key,
        })
    }

    fn may_sync(&mut self, network: &str, device: &str) -> bool {
        self.open.get_mut(network).and_then(|open| open.member_for_device(device).ok().flatten()).is_some()
    }

    fn may_sync_any(&mut self, device: &str) -> bool {
        self.ids().iter().any(|id| self.may_sync(id, device))
    }

    fn chapter(&mut self, network: &str) -> Option<String> {
        Some(self.open.get(network)?.network.chapter_id())
    }

    fn chain(&mut self, network: &str) -> Vec<kring_sync::Handoff> {
        self.open.get(network).map(|open| open.chain.clone()).unwrap_or_default()
    }

    fn next_chapter(&mut self, network: &str) -> Option<kring_sync::NextChapter> {
        let open = self.open.get_mut(network)?;
        crate::chapters::way(open, &self.key)
    }

    fn take_next_chapter(
        &mut self,
        network: &str,
        from: &str,
        next: kring_sync::NextChapter,
    ) -> std::result::Result<kring_model::CarriedOver, String> {
        let device = self.device.clone();
        let open = self.open.get_mut(network).ok_or("the network is not on this laptop")?;
        let ahead = self.checked_ahead.take();
        let mut checked = crate::chapters::check(open, next, &device, ahead).map_err(|unfit| unfit.to_string())?;
        let carried = crate::chapters::carry_over(open, &mut checked, &device).map_err(|err| err.to_string())?;
        let open = self.open.remove(network).expect("found above");
        tracing::info!("network {network}: switching to the next chapter, given by device {from}");
        // The first view of the new chapter is kept by the connection, with the lock free.
        match crate::chapters::switch_without_view(open, checked, &device) {
            Ok(switched) => {
                self.switched(network, switched);
                Ok(carried)
            }
            Err(err) => Err(switch_failed(network, err).to_string()),
        }
    }

    fn saved_sync_state(&mut self, network: &str, device: &str) -> Option<Vec<u8>> {
        self.open.get(network)?.store.read_sync_state(device)
    }

    fn restore_saved(&mut self, network: &str) {
        let Some(open) = self.open.get_mut(network) else { return };
        let reloaded = open.store.reload().map_err(|err| err.to_string()).and_then(|(doc, report)| {
            for problem in &report.problems {
                tracing::warn!("network {network}: {problem}");
            }
            Network::from_doc(doc).map_err(|err| err.to_string())
        });
        match reloaded {
            Ok(mut saved) => {
                tracing::warn!("network {network}: a peer's changes could not be applied; back to the saved copy");
                saved.set_device(&self.device);
                open.network = saved;
                // Signatures that came with refused changes are not kept either.
                open.signatures = SignatureBook::from_blobs(open.store.signature_blobs());
            }
            Err(err) => {
                // Better not synced until restart than a damaged document saved over a good one.
                tracing::error!("network {network} is closed: its saved copy cannot be read back ({err})");
                self.open.remove(network);
            }
        }
    }
}

/// A network opened from disk with its load problems, or why it cannot be opened.
type Loaded = Result<(OpenNetwork, Vec<StartWarning>)>;

/// Loads the networks `ids` of `data`, several at once: Automerge's load of a big network takes
/// a few hundred milliseconds of one core, and a laptop in nine networks has more than one core.
/// Each with its load problems, or why it cannot be opened.
fn load_in_parallel(data: &DataDir, ids: Vec<String>) -> Vec<(String, Loaded)> {
    let load = |id: &str| -> Loaded {
        let (store, doc, report) = data.open_network(id)?;
        let (network, name) = (id.to_string(), data.read_name(id));
        let mut problems: Vec<StartWarning> = (report.problems.iter())
            .map(|problem| match problem.kind {
                kring_store::ProblemKind::TornTail => {
                    StartWarning::Unfinished { network: network.clone(), name: name.clone() }
                }
                kring_store::ProblemKind::Damaged => StartWarning::Damaged {
                    network: network.clone(),
                    name: name.clone(),
                    file: problem.file.clone(),
                    moved_to: problem.moved_to.clone(),
                },
            })
            .collect();
        let mut open = OpenNetwork::new(Network::from_doc(doc)?, store, &data.device_id());
        // The network works without: the proof is written at the next start.
        if let Err(err) = open.prove_own_device(data.device_key()) {
            problems.push(StartWarning::ProofNotWritten { network, name, reason: err.to_string() });
        }
        Ok((open, problems))
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(ids.len()).max(1);
    let chunk = ids.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = ids
            .chunks(chunk)
            .map(|chunk| {
                (chunk, scope.spawn(move || chunk.iter().map(|id| (id.clone(), load(id))).collect::<Vec<_>>()))
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|(chunk, worker)| {
                // A load that panicked is reported for its networks, never silently left out.
                worker.join().unwrap_or_else(|_| {
                    let failed = |id: &String| kring_store::StoreError::Corrupt {
                        path: data.root().join(kring_store::NETWORKS_DIR).join(id),
                        reason: "loading it failed inside Automerge".into(),
                    };
                    chunk.iter().map(|id| (id.clone(), Err(failed(id).into()))).collect()
                })
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use kring_model::{NetworkDetails, Profile};

    use super::*;

    /// A data directory holding one network founded on its device, loaded; the directory lives
    /// as long as the returned guard.
    fn one_network() -> (tempfile::TempDir, Networks, String, MemberId) {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::open(dir.path()).unwrap();
        let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
        let (mut network, founder) =
            Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key()).unwrap();
        let id = network.id().to_string();
        data.create_network(&id, network.doc_mut()).unwrap();
        let (networks, warnings) = Networks::load(&data).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        (dir, networks, id, founder)
    }

    /// A laptop that switched on an older Kring kept its one hand-off in `handoff.bin`, signed
    /// with the older words: it is read as a chain of one, and still shows the way to a member
    /// on the chapter before.
    #[test]
    fn an_older_kring_s_one_hand_off_is_read_as_a_chain_of_one() {
        let (dir, mut networks, id, _) = one_network();
        let key = networks.key.clone();
        let open = networks.get_mut(&id).unwrap();
        let mut old = kring_sync::chapter::HandoffV1 {
            network: id.clone(),
            from: "earlier".into(),
            to: open.network.chapter_id(),
            first: [1; 32],
            device: key.public().to_string(),
            signature: Vec::new(),
        };
        let words = (&old.network, &old.from, &old.to, &old.first, &old.device);
        let words = [&b"kring chapter hand-off v1:"[..], &postcard::to_stdvec(&words).unwrap()].concat();
        old.signature = key.sign(&words).to_bytes().to_vec();
        let file = open.store.dir().join(kring_store::HANDOFF_FILE);
        std::fs::write(file, postcard::to_stdvec(&old).unwrap()).unwrap();

        let (mut networks, _) = Networks::load(&DataDir::open(dir.path()).unwrap()).unwrap();
        let chain = networks.chain(&id);
        assert_eq!((chain.len(), chain[0].from.as_str()), (1, "earlier"));
        assert!(chain[0].verifies() && chain[0].coordinators.is_empty());
        let way = networks.next_chapter(&id).expect("the way from the chapter before");
        assert_eq!(way.chain, chain);
    }

    #[test]
    fn restoring_puts_back_what_was_saved_and_drops_the_rest() {
        let (_dir, mut networks, id, founder) = one_network();

        let open = networks.get_mut(&id).unwrap();
        open.network.set_description(&founder, "saved").unwrap();
        networks.get_mut(&id).unwrap().persist().unwrap();
        let saved = networks.get_mut(&id).unwrap().network.heads();
        // Stands in for changes Automerge applied half-way before it panicked.
        networks.get_mut(&id).unwrap().network.set_description(&founder, "never saved").unwrap();

        networks.restore_saved(&id);
        let open = networks.get_mut(&id).unwrap();
        assert_eq!(open.network.heads(), saved);
        assert_eq!(open.network.snapshot().unwrap().info.description, "saved");
        // The store goes on saving from there.
        open.network.set_description(&founder, "after").unwrap();
        assert!(open.store.persist(open.network.doc_mut()).unwrap());
    }

    #[test]
    fn a_new_chapter_that_is_refused_leaves_the_network_open_and_as_it_was() {
        let (_dir, mut networks, id, _) = one_network();
        let heads = networks.get_mut(&id).unwrap().network.heads();
        let nothing = kring_model::Erasure::Session(kring_model::SessionId::new("no-such-meeting"));
        let refused = networks.start_chapter(&id, &[nothing], false).unwrap_err();
        assert!(matches!(refused, NodeError::Model(kring_model::ModelError::UnknownSession(_))), "{refused}");
        let open = networks.get_mut(&id).expect("the network is still open");
        assert_eq!(open.network.heads(), heads);
        assert_eq!(open.network.chapter().number, 1);
        // And it goes on: the next chapter can be begun.
        assert_eq!(networks.start_chapter(&id, &[], false).unwrap().number, 2);
        assert_eq!(networks.get_mut(&id).unwrap().network.chapter().number, 2);
    }

    #[test]
    fn what_this_laptop_writes_while_a_chapter_is_begun_on_a_copy_is_carried_into_it() {
        let (_dir, mut networks, id, founder) = one_network();
        let mut copy = networks.for_new_chapter(&id).unwrap();
        // The copy is being made into the new chapter, with the lock free; meanwhile she types.
        let open = networks.get_mut(&id).unwrap();
        open.network.set_description(&founder, "geschreven terwijl het hoofdstuk begon").unwrap();
        networks.get_mut(&id).unwrap().persist().unwrap();
        let begun = copy.begin(&[], false).unwrap();

        let chapter = networks.switch_to_begun(&id, begun).unwrap();
        assert_eq!(chapter.number, 2);
        let open = networks.get_mut(&id).unwrap();
        assert_eq!(open.network.chapter().number, 2);
        assert_eq!(open.network.snapshot().unwrap().info.description, "geschreven terwijl het hoofdstuk begon");
    }

    #[test]
    fn a_chapter_begun_on_a_copy_is_not_switched_to_once_the_network_moved_on() {
        let (_dir, mut networks, id, _) = one_network();
        let mut copy = networks.for_new_chapter(&id).unwrap();
        let begun = copy.begin(&[], false).unwrap();
        // Meanwhile the network moved to another chapter (here: begun at once).
        networks.start_chapter(&id, &[], false).unwrap();
        let moved_to = networks.get_mut(&id).unwrap().network.chapter_id();

        let refused = networks.switch_to_begun(&id, begun).unwrap_err();
        assert!(matches!(refused, NodeError::ChapterMovedOn), "{refused}");
        let open = networks.get_mut(&id).expect("still open");
        assert_eq!(open.network.chapter_id(), moved_to, "left as it was");
    }

    #[test]
    fn a_network_whose_saved_copy_is_gone_is_closed_rather_than_kept_damaged() {
        let (_dir, mut networks, id, _) = one_network();
        let network_dir = networks.get_mut(&id).unwrap().store.dir().to_path_buf();
        std::fs::remove_dir_all(&network_dir).unwrap();

        networks.restore_saved(&id);
        assert!(networks.get_mut(&id).is_none());
        assert!(networks.ids().is_empty());
    }
}
