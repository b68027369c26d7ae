//! Every network a node holds, each behind a lock of its own ([`Networks`]), and the networks
//! as the sync protocol of one connection sees them: one at a time ([`OneAtATime`]).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use iroh::SecretKey;
use kring_model::automerge::AutoCommit;
use kring_model::{MemberId, Network};
use kring_store::{Appended, DataDir};
use kring_sync::{Library, Replica};
use parking_lot::{ArcMutexGuard, RawMutex};

use crate::error::{NodeError, Result};
use crate::open_network::OpenNetwork;
use crate::start_warning::StartWarning;

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

/// What is behind one network's lock: `None` once the network is closed (a switch to a new
/// chapter failed on disk, or its saved copy could not be read back).
type Slot = Option<OpenNetwork>;

/// One network's own lock: every reader and writer of the network takes it, and no other
/// network's. A big network being copied, saved or synced holds up nothing of the others.
type Handle = Arc<parking_lot::Mutex<Slot>>;

/// A network held under its own lock (see [`Networks::lock`]). Whoever holds one never waits
/// for another network's lock meanwhile: two connections that sync the same networks in
/// another order then never wait for each other for ever.
pub(crate) struct Held {
    id: String,
    guard: ArcMutexGuard<RawMutex, Slot>,
}

impl Held {
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// Replaces the network with what `switch` makes of it (the same network in its next
    /// chapter). Should that fail, the network stays closed: on disk it may be in either
    /// chapter, and the next start finishes or undoes the switch (see `kring_store`).
    fn switch(mut self, networks: &Networks, switch: impl FnOnce(OpenNetwork) -> Result<OpenNetwork>) -> Result<Held> {
        let open = self.guard.take().expect("a held network is open");
        match switch(open) {
            Ok(switched) => {
                *self.guard = Some(switched);
                Ok(self)
            }
            Err(err) => {
                tracing::error!(
                    "network {} is closed until Kring starts again: the switch to a new chapter failed ({err})",
                    self.id
                );
                networks.forget(&self.id);
                Err(err)
            }
        }
    }

    /// Closes the network (see [`Slot`]).
    fn close(mut self, networks: &Networks) {
        *self.guard = None;
        networks.forget(&self.id);
    }
}

impl std::ops::Deref for Held {
    type Target = OpenNetwork;
    fn deref(&self) -> &OpenNetwork {
        self.guard.as_ref().expect("a held network is open")
    }
}

impl std::ops::DerefMut for Held {
    fn deref_mut(&mut self) -> &mut OpenNetwork {
        self.guard.as_mut().expect("a held network is open")
    }
}

/// Every network of the node, each behind its own lock. The list itself is locked only to
/// look a network up, add or close one, never while waiting for a network.
pub(crate) struct Networks {
    handles: Mutex<BTreeMap<String, Handle>>,
    key: SecretKey,
    /// This device's id, never dialed and never told to others as a peer.
    device: String,
}

impl Networks {
    /// Opens every network in the data directory. One that cannot be opened is skipped with a
    /// warning rather than keeping the others offline.
    pub(crate) fn load(data: &DataDir) -> Result<(Networks, Vec<StartWarning>)> {
        let mut handles = BTreeMap::new();
        let mut warnings = Vec::new();
        for (id, loaded) in load_in_parallel(data, data.network_ids()?) {
            match loaded {
                Ok((opened, problems)) => {
                    warnings.extend(problems);
                    handles.insert(id, Arc::new(parking_lot::Mutex::new(Some(opened))));
                }
                Err(err) => {
                    let name = data.read_name(&id);
                    warnings.push(StartWarning::NotOpened { network: id, name, reason: Arc::new(err) });
                }
            }
        }
        let networks =
            Networks { handles: Mutex::new(handles), key: data.device_key().clone(), device: data.device_id() };
        Ok((networks, warnings))
    }

    fn handles(&self) -> MutexGuard<'_, BTreeMap<String, Handle>> {
        self.handles.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// This device's id.
    pub(crate) fn device(&self) -> &str {
        &self.device
    }

    pub(crate) fn ids(&self) -> Vec<String> {
        self.handles().keys().cloned().collect()
    }

    /// Network `id` under its own lock, waiting only for that network; `None` when it is not
    /// open here. Held briefly, never across an await, and never beside another network.
    pub(crate) fn lock(&self, id: &str) -> Option<Held> {
        let handle = self.handles().get(id).cloned()?;
        let guard = handle.lock_arc();
        guard.is_some().then(|| Held { id: id.to_string(), guard })
    }

    /// Network `id` under its own lock, or [`NodeError::UnknownNetwork`].
    pub(crate) fn lock_known(&self, id: &str) -> Result<Held> {
        self.lock(id).ok_or_else(|| NodeError::UnknownNetwork(id.to_string()))
    }

    /// Opens `open` as network `id` (new here: created, joined or taken from a bundle).
    pub(crate) fn insert(&self, id: String, open: OpenNetwork) {
        // One handle per network, looked up and added under one lock of the list; whoever waits
        // for the network finds it as it is now.
        let handle = self.handles().entry(id).or_default().clone();
        *handle.lock() = Some(open);
    }

    /// Takes a closed network off the list (called with its lock held: a network's lock may
    /// be held while the list's is taken, never the other way round).
    fn forget(&self, id: &str) {
        self.handles().remove(id);
    }

    /// The network's name, as its members gave it.
    pub(crate) fn name_of(&self, id: &str) -> Option<String> {
        self.lock(id)?.network.name().ok()
    }

    /// A copy of `network` as it is now, to read with the lock free (Automerge shares its
    /// storage: taken in a moment).
    pub(crate) fn copy_of(&self, network: &str) -> Option<Network> {
        Some(self.lock(network)?.network.fork())
    }

    /// See [`OpenNetwork::append`]; nothing for a network not open here.
    pub(crate) fn append(&self, network: &str) -> Result<Appended> {
        match self.lock(network) {
            Some(mut open) => Ok(open.append()?),
            None => Ok(Appended::Nothing),
        }
    }

    /// Devices of current members of `network` other than this one, with their member.
    pub(crate) fn member_devices(&self, network: &str) -> Vec<(String, MemberId)> {
        let Some(mut open) = self.lock(network) else { return Vec::new() };
        open.other_member_devices(&self.device)
    }

    /// Whether `device` belongs to a current member of any network here.
    pub(crate) fn is_member_device(&self, device: &str) -> bool {
        self.ids().iter().any(|id| self.lock(id).is_some_and(|mut open| open.may_sync(device)))
    }

    /// Makes a change on this device in `network` (see [`crate::Node::edit`]), written to the
    /// log; the caller makes it durable.
    pub(crate) fn edit<T, E>(
        &self,
        network: &str,
        edit: impl FnOnce(&mut Network, &MemberId) -> std::result::Result<T, E>,
    ) -> Result<(T, Appended)>
    where
        NodeError: From<E>,
    {
        self.lock_known(network)?.edit_unsynced(&self.device, edit)
    }

    /// An edit's record could not be made durable: it is written again with the next.
    pub(crate) fn sync_failed(&self, network: &str, heads_before: Vec<kring_model::automerge::ChangeHash>) {
        if let Some(mut open) = self.lock(network) {
            open.store.sync_failed(heads_before);
        }
    }

    /// Signatures for the whole document of `network` (see [`OpenNetwork::sign_whole`]).
    pub(crate) fn sign_whole(&self, open: &mut OpenNetwork) -> Option<Vec<kring_sync::Signed>> {
        open.sign_whole(&self.key)
    }

    /// What a laptop being let in (an invitee, or the member's other laptop) receives: the
    /// whole network and the signatures that vouch for it. `None` if a change lacks a signature.
    pub(crate) fn welcome(&self, open: &mut OpenNetwork) -> Option<(Vec<u8>, Vec<kring_sync::Signed>)> {
        let document = kring_store::save_checked(open.network.doc_mut());
        let signatures = self.sign_whole(open)?;
        Some((document, signatures))
    }

    /// See [`OpenNetwork::heard_chapter`].
    pub(crate) fn heard_chapter(&self, network: &str, device: &str, chapter: &str) {
        if let Some(mut open) = self.lock(network) {
            open.heard_chapter(device, chapter);
        }
    }

    /// Member device `device` is in sync with this laptop on `network`: it holds the chapter
    /// this laptop does (a dialing laptop hears no chapter named otherwise). Returns that
    /// chapter if this is news.
    pub(crate) fn in_sync_with(&self, network: &str, device: &str) -> Option<String> {
        let mut open = self.lock(network)?;
        let chapter = open.network.chapter_id();
        open.heard_chapter(device, &chapter).then_some(chapter)
    }

    /// For every network, which chapter each member device last said it holds.
    pub(crate) fn chapters_heard(&self) -> Vec<(String, String, String)> {
        let mut heard = Vec::new();
        for network in self.ids() {
            let Some(open) = self.lock(&network) else { continue };
            let devices = open.chapters_heard.iter();
            heard.extend(devices.map(|(device, chapter)| (network.clone(), device.clone(), chapter.clone())));
        }
        heard
    }

    /// What beginning the next chapter of `network` away from the lock needs, taken in a
    /// moment (see [`crate::Node::start_chapter`]).
    pub(crate) fn for_new_chapter(&self, network: &str) -> Result<ChapterCopy> {
        let mut open = self.lock_known(network)?;
        let me = open.member_for_device(&self.device)?.ok_or(NodeError::NotAMember)?;
        Ok(ChapterCopy { network: open.network.fork(), chain: open.chain.clone(), me, key: self.key.clone() })
    }

    /// Switches `network` to a chapter begun on a copy of it ([`Self::for_new_chapter`]),
    /// carrying over what this laptop wrote in it meanwhile. Refused, with the network left as
    /// it is, when it moved to another chapter meanwhile (taken from a colleague's laptop).
    /// The first view of the new chapter is left to the caller to keep (see
    /// [`crate::chapters::switch_without_view`]).
    pub(crate) fn switch_to_begun(
        &self,
        network: &str,
        mut begun: crate::chapters::Checked,
    ) -> Result<kring_model::ChapterInfo> {
        let mut open = self.lock_known(network)?;
        if open.network.chapter_id() != begun.continues() {
            return Err(NodeError::ChapterMovedOn);
        }
        let carried = crate::chapters::carry_over(&mut open, &mut begun, &self.device)?;
        if carried.changes > 0 {
            tracing::info!(?carried, "network {network}: edits made while the new chapter was begun carried into it");
        }
        let switched = open.switch(self, |open| crate::chapters::switch_without_view(open, begun, &self.device))?;
        Ok(switched.network.chapter())
    }

    /// Begins the next chapter of `network` as the coordinator this laptop is and switches to
    /// it (the node does the same with the copying away from the lock).
    #[cfg(test)]
    fn start_chapter(
        &self,
        network: &str,
        erase: &[kring_model::Erasure],
        keep_history: bool,
    ) -> Result<kring_model::ChapterInfo> {
        let mut copy = self.for_new_chapter(network)?;
        let begun = copy.begin(erase, keep_history)?;
        self.switch_to_begun(network, begun)
    }

    /// See [`OpenNetwork::restore_saved`]; a network whose saved copy cannot be read back is
    /// closed. Call it holding no network.
    pub(crate) fn restore_saved(&self, id: &str) {
        self.one_at_a_time().restore_saved(id);
    }

    /// The networks as the sync protocol of one connection sees them.
    pub(crate) fn one_at_a_time(&self) -> OneAtATime<'_> {
        OneAtATime { networks: self, held: None, checked_ahead: None }
    }
}

/// The node's networks as the sync protocol sees them on one connection ([`Library`]): a call
/// about a network takes that network's lock, and keeps it for the calls about the same
/// network that follow; a call about another network lets it go first. So one message is
/// handled under its own network's lock only, while connections of other networks go on.
pub(crate) struct OneAtATime<'a> {
    networks: &'a Networks,
    held: Option<Held>,
    /// A next chapter a peer offers, checked by its connection before it took the lock (see
    /// [`crate::chapters::CheckedAhead`]); taken by the next [`Library::take_next_chapter`].
    pub(crate) checked_ahead: Option<crate::chapters::CheckedAhead>,
}

impl OneAtATime<'_> {
    /// Network `id`, held under its lock (any other network held is let go first).
    pub(crate) fn open(&mut self, id: &str) -> Option<&mut OpenNetwork> {
        if self.held.as_ref().is_none_or(|held| held.id() != id) {
            self.held = None;
            self.held = self.networks.lock(id);
        }
        self.held.as_deref_mut()
    }

    /// This device's id.
    pub(crate) fn device(&self) -> &str {
        &self.networks.device
    }
}

impl Library for OneAtATime<'_> {
    fn document(&mut self, network: &str) -> Option<&mut AutoCommit> {
        self.open(network).map(|open| open.network.doc_mut())
    }

    fn replica(&mut self, network: &str) -> Option<Replica<'_>> {
        let key = &self.networks.key;
        let open = self.open(network)?;
        Some(Replica { doc: open.network.doc_mut(), signatures: &mut open.signatures, rules: &mut open.rules, key })
    }

    fn may_sync(&mut self, network: &str, device: &str) -> bool {
        self.open(network).is_some_and(|open| open.may_sync(device))
    }

    fn may_sync_any(&mut self, device: &str) -> bool {
        self.held = None;
        self.networks.is_member_device(device)
    }

    fn chapter(&mut self, network: &str) -> Option<String> {
        Some(self.open(network)?.network.chapter_id())
    }

    fn chain(&mut self, network: &str) -> Vec<kring_sync::Handoff> {
        self.open(network).map(|open| open.chain.clone()).unwrap_or_default()
    }

    fn next_chapter(&mut self, network: &str) -> Option<kring_sync::NextChapter> {
        let key = &self.networks.key;
        crate::chapters::way(self.open(network)?, key)
    }

    fn take_next_chapter(
        &mut self,
        network: &str,
        from: &str,
        next: kring_sync::NextChapter,
    ) -> std::result::Result<kring_model::CarriedOver, String> {
        let networks = self.networks;
        let device = networks.device.as_str();
        let ahead = self.checked_ahead.take();
        let open = self.open(network).ok_or("the network is not on this laptop")?;
        let mut checked = crate::chapters::check(open, next, device, ahead).map_err(|unfit| unfit.to_string())?;
        let carried = crate::chapters::carry_over(open, &mut checked, device).map_err(|err| err.to_string())?;
        tracing::info!("network {network}: switching to the next chapter, given by device {from}");
        let held = self.held.take().expect("held just now");
        // The first view of the new chapter is kept by the connection, with the lock free.
        let switch = |open| crate::chapters::switch_without_view(open, checked, device);
        let switched = held.switch(networks, switch).map_err(|err| err.to_string())?;
        self.held = Some(switched);
        Ok(carried)
    }

    fn saved_sync_state(&mut self, network: &str, device: &str) -> Option<Vec<u8>> {
        self.open(network)?.store.read_sync_state(device)
    }

    fn restore_saved(&mut self, network: &str) {
        let device = self.networks.device.clone();
        let Some(open) = self.open(network) else { return };
        if open.restore_saved(network, &device).is_err() {
            let held = self.held.take().expect("held just now");
            held.close(self.networks);
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

    /// Each network has a lock of its own: while one is held (a peer's big batch being
    /// applied, a network being saved), this laptop edits and reads another at once.
    #[test]
    fn a_network_held_holds_up_no_other_network() {
        let (dir, _, first, _) = one_network();
        let data = DataDir::open(dir.path()).unwrap();
        let details = NetworkDetails { name: "Leernetwerk Jeugd".into(), ..Default::default() };
        let (mut network, _) =
            Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key()).unwrap();
        let second = network.id().to_string();
        data.create_network(&second, network.doc_mut()).unwrap();
        let (networks, _) = Networks::load(&data).unwrap();
        let networks = Arc::new(networks);

        let held = networks.lock(&first).unwrap();
        let (done, finished) = std::sync::mpsc::channel();
        let other = {
            let (networks, second) = (networks.clone(), second.clone());
            std::thread::spawn(move || {
                let edited = networks.edit(&second, |network, me| network.set_description(me, "tegelijk"));
                let name = networks.name_of(&second);
                done.send((edited.is_ok(), name)).unwrap();
            })
        };
        let (edited, name) = finished.recv_timeout(std::time::Duration::from_secs(10)).expect("not held up");
        assert!(edited);
        assert_eq!(name.as_deref(), Some("Leernetwerk Jeugd"));
        other.join().unwrap();

        // The same network waits for the one who holds it.
        let (done, finished) = std::sync::mpsc::channel();
        let waiting = {
            let (networks, first) = (networks.clone(), first.clone());
            std::thread::spawn(move || done.send(networks.name_of(&first)).unwrap())
        };
        assert!(finished.recv_timeout(std::time::Duration::from_millis(200)).is_err(), "waits while held");
        drop(held);
        assert_eq!(finished.recv_timeout(std::time::Duration::from_secs(10)).unwrap().as_deref(), Some("PLG Rekenen"));
        waiting.join().unwrap();
    }

    /// A laptop that switched on an older Kring kept its one hand-off in `handoff.bin`, signed
    /// with the older words: it is read as a chain of one, and still shows the way to a member
    /// on the chapter before.
    #[test]
    fn an_older_kring_s_one_hand_off_is_read_as_a_chain_of_one() {
        let (dir, networks, id, _) = one_network();
        let key = networks.key.clone();
        let open = networks.lock(&id).unwrap();
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
        drop(open);

        let (networks, _) = Networks::load(&DataDir::open(dir.path()).unwrap()).unwrap();
        let mut networks = networks.one_at_a_time();
        let chain = networks.chain(&id);
        assert_eq!((chain.len(), chain[0].from.as_str()), (1, "earlier"));
        assert!(chain[0].verifies() && chain[0].coordinators.is_empty());
        let way = networks.next_chapter(&id).expect("the way from the chapter before");
        assert_eq!(way.chain, chain);
    }

    #[test]
    fn restoring_puts_back_what_was_saved_and_drops_the_rest() {
        let (_dir, networks, id, founder) = one_network();

        let mut open = networks.lock(&id).unwrap();
        open.network.set_description(&founder, "saved").unwrap();
        open.persist().unwrap();
        let saved = open.network.heads();
        // Stands in for changes Automerge applied half-way before it panicked.
        open.network.set_description(&founder, "never saved").unwrap();
        drop(open);

        networks.restore_saved(&id);
        let mut open = networks.lock(&id).unwrap();
        assert_eq!(open.network.heads(), saved);
        assert_eq!(open.network.snapshot().unwrap().info.description, "saved");
        // The store goes on saving from there.
        open.network.set_description(&founder, "after").unwrap();
        let open = &mut *open;
        assert!(open.store.persist(open.network.doc_mut()).unwrap());
    }

    #[test]
    fn a_new_chapter_that_is_refused_leaves_the_network_open_and_as_it_was() {
        let (_dir, networks, id, _) = one_network();
        let heads = networks.lock(&id).unwrap().network.heads();
        let nothing = kring_model::Erasure::Session(kring_model::SessionId::new("no-such-meeting"));
        let refused = networks.start_chapter(&id, &[nothing], false).unwrap_err();
        assert!(matches!(refused, NodeError::Model(kring_model::ModelError::UnknownSession(_))), "{refused}");
        let mut open = networks.lock(&id).expect("the network is still open");
        assert_eq!(open.network.heads(), heads);
        assert_eq!(open.network.chapter().number, 1);
        drop(open);
        // And it goes on: the next chapter can be begun.
        assert_eq!(networks.start_chapter(&id, &[], false).unwrap().number, 2);
        assert_eq!(networks.lock(&id).unwrap().network.chapter().number, 2);
    }

    #[test]
    fn what_this_laptop_writes_while_a_chapter_is_begun_on_a_copy_is_carried_into_it() {
        let (_dir, networks, id, founder) = one_network();
        let mut copy = networks.for_new_chapter(&id).unwrap();
        // The copy is being made into the new chapter, with the lock free; meanwhile she types.
        let mut open = networks.lock(&id).unwrap();
        open.network.set_description(&founder, "geschreven terwijl het hoofdstuk begon").unwrap();
        open.persist().unwrap();
        drop(open);
        let begun = copy.begin(&[], false).unwrap();

        let chapter = networks.switch_to_begun(&id, begun).unwrap();
        assert_eq!(chapter.number, 2);
        let open = networks.lock(&id).unwrap();
        assert_eq!(open.network.chapter().number, 2);
        assert_eq!(open.network.snapshot().unwrap().info.description, "geschreven terwijl het hoofdstuk begon");
    }

    #[test]
    fn a_chapter_begun_on_a_copy_is_not_switched_to_once_the_network_moved_on() {
        let (_dir, networks, id, _) = one_network();
        let mut copy = networks.for_new_chapter(&id).unwrap();
        let begun = copy.begin(&[], false).unwrap();
        // Meanwhile the network moved to another chapter (here: begun at once).
        networks.start_chapter(&id, &[], false).unwrap();
        let moved_to = networks.lock(&id).unwrap().network.chapter_id();

        let refused = networks.switch_to_begun(&id, begun).unwrap_err();
        assert!(matches!(refused, NodeError::ChapterMovedOn), "{refused}");
        let open = networks.lock(&id).expect("still open");
        assert_eq!(open.network.chapter_id(), moved_to, "left as it was");
    }

    #[test]
    fn a_network_whose_saved_copy_is_gone_is_closed_rather_than_kept_damaged() {
        let (_dir, networks, id, _) = one_network();
        let network_dir = networks.lock(&id).unwrap().store.dir().to_path_buf();
        std::fs::remove_dir_all(&network_dir).unwrap();

        networks.restore_saved(&id);
        assert!(networks.lock(&id).is_none());
        assert!(networks.ids().is_empty());
    }
}
