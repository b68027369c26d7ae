//! Two real nodes on 127.0.0.1 with the big network: the first join, the time from an edit on
//! A to the moment it is applied (and saved) on B, and the resync after both made 1,000 edits
//! offline. Each beside Automerge's own sync of the same documents in memory. Then A begins a
//! new chapter and B takes it: the switch beside the first join; and another, while A types in
//! a second network (see [`super::during_chapter`]).

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use kring_model::automerge::sync::{self, SyncDoc};
use kring_model::{MemberId, Network, Profile, Role, SessionId, TextField};
use kring_node::{NetworkMode, Node, NodeEvent};
use kring_store::DataDir;
use tokio::sync::broadcast;

use crate::limits::{self, SyncCost};
use crate::scenario::Dice;
use crate::system;
use kring_sync::testing::Memory;

pub struct JoinFigures {
    pub time: Duration,
    /// What the join request and the answer took (Kring frames).
    pub bytes: u64,
    /// Bytes on the loopback interface during the join (QUIC, UDP and IP included).
    pub wire_bytes: u64,
    pub limit: SyncCost,
    /// `save()` of the network: the compressed snapshot.
    pub snapshot_bytes: usize,
}

pub struct LatencyFigures {
    /// From the edit on A to B having applied and saved it.
    pub kring: Vec<Duration>,
    /// The same work in memory with Automerge alone: the edit on A, A's sync message (encoded
    /// and decoded) and B's receive of it.
    pub automerge: Vec<Duration>,
}

pub struct ResyncFigures {
    pub time: Duration,
    /// What the two nodes sent each other (Kring frames).
    pub bytes: u64,
    pub wire_bytes: u64,
    /// Kring's protocol core on the same documents, in memory: its round trips.
    pub protocol: SyncCost,
    pub limit: SyncCost,
    /// Encoded size of the changes each side lacked.
    pub changes_bytes: usize,
    pub changes: usize,
}

/// A begins a new chapter of the network; B, on the old one, takes it in one `sync`.
pub struct ChapterFigures {
    /// A: the copy of the network into the new chapter, written to disk, the old one deleted.
    pub begin: Duration,
    /// B: from dialing A to in sync in the new chapter (the old one deleted).
    pub switch: Duration,
    /// What the two nodes sent each other (Kring frames).
    pub bytes: u64,
    pub wire_bytes: u64,
    /// Of beginning it: the copy into the new chapter's first change, and noting where A's own
    /// characters in it came from (both part of `begin`), and how many there are.
    pub copy: Duration,
    pub origins: Duration,
    pub own_characters: u64,
}

pub struct NetworkFigures {
    pub join: JoinFigures,
    pub latency: LatencyFigures,
    pub resync: ResyncFigures,
    pub chapter: ChapterFigures,
    pub during_chapter: super::during_chapter::DuringChapterFigures,
}

/// Runs all three on the network in `dir_a` (held by A, its founder), with B joining from an
/// empty `dir_b`.
pub async fn measure(
    dir_a: &std::path::Path,
    dir_b: &std::path::Path,
    founder: &MemberId,
    sessions: &[SessionId],
    edits: usize,
    offline_edits: usize,
) -> Result<NetworkFigures> {
    let data_a = DataDir::open(dir_a)?;
    let data_b = DataDir::open(dir_b)?;
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await?;
    let id = node_a.network_id(None)?;
    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await?;

    let join = first_join(&node_a, &node_b, &data_b, &id).await?;
    let latency = edit_latency(&node_a, &node_b, &id, founder, sessions, edits).await?;
    node_b.shutdown().await;
    node_a.shutdown().await;
    drop((node_a, node_b));
    let resync = resync(&data_a, &data_b, &id, sessions, offline_edits).await?;
    let chapter = chapter_switch(&data_a, &data_b, &id, founder).await?;
    let during_chapter = super::during_chapter::measure(&data_a, &data_b, &id).await?;
    Ok(NetworkFigures { join, latency, resync, chapter, during_chapter })
}

async fn chapter_switch(data_a: &DataDir, data_b: &DataDir, id: &str, founder: &MemberId) -> Result<ChapterFigures> {
    let (mut open, _) = kring_node::OpenNetwork::open(data_a, id)?;
    let device = data_a.device_key().public().to_string();
    let mut copy = open.network.fork();
    let started = Instant::now();
    let mut next = copy.start_chapter(founder, &device, &[])?;
    let copying = started.elapsed();
    let started = Instant::now();
    let own = next.own_origins(&mut copy, &device)?;
    let origins = started.elapsed();
    drop((copy, next));
    let started = Instant::now();
    let switched = kring_node::chapters::start(open, data_a.device_key(), &[], false)?;
    let begin = started.elapsed();
    let expected = switched.network.chapter_id();
    drop(switched);

    let synced = b_syncs_with_a(data_a, data_b, Some(id)).await?;
    let Synced { node_a, node_b, time: switch, wire_bytes, .. } = &synced;
    let chapter = read(node_b, id, |network| network.chapter_id())?;
    ensure!(chapter == expected, "B is not on the new chapter");
    let (heads_a, heads_b) = (read(node_a, id, Network::heads)?, read(node_b, id, Network::heads)?);
    ensure!(heads_a == heads_b, "A and B differ after the switch");
    let (bytes, wire_bytes, own_characters) = (synced.bytes(), *wire_bytes, own.len());
    let figures = ChapterFigures { begin, switch: *switch, bytes, wire_bytes, copy: copying, origins, own_characters };
    synced.shutdown().await;
    Ok(figures)
}

async fn first_join(node_a: &Node, node_b: &Node, data_b: &DataDir, id: &str) -> Result<JoinFigures> {
    let (_, ticket) = node_a.create_invite(id, Role::Member, 1, Duration::from_secs(600))?;
    let wire = system::loopback_bytes();
    let started = Instant::now();
    let joined = node_b.join_network(data_b, &ticket, &Profile::new("Bram"), Duration::from_secs(120)).await?;
    let time = started.elapsed();
    let wire_bytes = system::loopback_bytes() - wire;

    // The limit: an empty document syncing with A's in memory, and A's saved size.
    let mut doc = fork(node_a, id)?;
    let snapshot_bytes = doc.doc_mut().save().len();
    let mut empty = kring_model::automerge::AutoCommit::new();
    let (mut sa, mut sb) = (sync::State::new(), sync::State::new());
    let limit = limits::automerge_sync(doc.doc_mut(), &mut sa, &mut empty, &mut sb);
    ensure!(empty.get_heads() == doc.heads(), "the in-memory join did not finish");
    Ok(JoinFigures { time, bytes: joined.bytes, wire_bytes, limit, snapshot_bytes })
}

async fn edit_latency(
    node_a: &Node,
    node_b: &Node,
    id: &str,
    founder: &MemberId,
    sessions: &[SessionId],
    edits: usize,
) -> Result<LatencyFigures> {
    let mut events = node_b.subscribe();
    node_b.spawn_dialer();
    // Wait until B, live-connected, is in sync with A.
    wait_for(&mut events, Duration::from_secs(60), |e| matches!(e, NodeEvent::InSync { network, .. } if network == id))
        .await
        .context("B never got in sync with A")?;

    let mut in_memory_a = fork(node_a, id)?;
    let mut in_memory_b = fork(node_b, id)?;
    let (mut sa, mut sb) = (sync::State::new(), sync::State::new());
    limits::automerge_sync(in_memory_a.doc_mut(), &mut sa, in_memory_b.doc_mut(), &mut sb);

    let mut dice = Dice::new(42);
    let mut figures = LatencyFigures { kring: Vec::new(), automerge: Vec::new() };
    for n in 0..edits {
        let field = TextField::Notes(sessions[dice.below(sessions.len())].clone());
        let text = format!(" [aanvulling {n}]");
        let length = in_memory_a.text(&field)?.chars().count();
        let at = dice.below(length);

        // Kring: A types (saved to disk), B applies and saves it.
        while events.try_recv().is_ok() {}
        let started = Instant::now();
        node_a.edit(id, |network, me| network.splice_text(me, &field, at, 0, &text))?;
        wait_for(
            &mut events,
            Duration::from_secs(10),
            |e| matches!(e, NodeEvent::Received { network, .. } if network == id),
        )
        .await
        .with_context(|| format!("edit {n} never reached B"))?;
        figures.kring.push(started.elapsed());
        let arrived = read(node_b, id, |network| network.text(&field))??;
        ensure!(arrived.contains(&text), "B was told of edit {n} but does not hold it");

        // Automerge alone: the same work, from making the edit on A to B's receive.
        let started = Instant::now();
        in_memory_a.splice_text(founder, &field, at, 0, &text)?;
        let message = in_memory_a.doc_mut().sync().generate_sync_message(&mut sa).context("a message")?;
        let message = sync::Message::decode(&message.encode())?;
        in_memory_b.doc_mut().sync().receive_sync_message(&mut sb, message)?;
        figures.automerge.push(started.elapsed());
        limits::automerge_sync(in_memory_a.doc_mut(), &mut sa, in_memory_b.doc_mut(), &mut sb);

        // People pause between bursts; so do we, a little.
        tokio::time::sleep(Duration::from_millis(2 + dice.below(8) as u64)).await;
    }
    Ok(figures)
}

async fn resync(
    data_a: &DataDir,
    data_b: &DataDir,
    id: &str,
    sessions: &[SessionId],
    edits: usize,
) -> Result<ResyncFigures> {
    // Both laptops offline: each makes its edits and saves them.
    let (device_a, device_b) = (data_a.device_id(), data_b.device_id());
    let mut dice = Dice::new(7);
    let mut sides = Vec::new();
    for (data, other) in [(data_a, &device_b), (data_b, &device_a)] {
        let opened = edit_offline(data, id, sessions, edits, &mut dice)?;
        let saved_state = opened.store.read_sync_state(other);
        let key = data.device_key().clone();
        sides.push(limits::side(opened.network, opened.signatures, key, other, saved_state));
    }
    let [mut a, mut b]: [Memory; 2] = sides.try_into().map_err(|_| anyhow::anyhow!("two sides"))?;
    let lacking_b = b.network.doc_mut().get_changes_added(a.network.doc_mut());
    let lacking_a = a.network.doc_mut().get_changes_added(b.network.doc_mut());
    let changes = lacking_a.len() + lacking_b.len();
    let changes_bytes = lacking_a.iter().chain(&lacking_b).map(|c| c.raw_bytes().len()).sum();

    // Automerge alone, from the sync states the nodes saved.
    let state = |saved: Option<&Vec<u8>>| saved.and_then(|s| sync::State::decode(s).ok());
    let (mut sa, mut sb) = (
        state(a.saved.get(&device_b)).unwrap_or_else(sync::State::new),
        state(b.saved.get(&device_a)).unwrap_or_else(sync::State::new),
    );
    let (mut am_a, mut am_b) = (a.network.fork(), b.network.fork());
    let limit = limits::automerge_sync(am_a.doc_mut(), &mut sa, am_b.doc_mut(), &mut sb);
    ensure!(am_a.heads() == am_b.heads(), "Automerge alone did not converge");
    // Kring's protocol core on the same documents: its round trips.
    let protocol = limits::kring_sync(&mut b, &mut a);
    ensure!(a.network.heads() == b.network.heads(), "the protocol core did not converge");
    let expected = a.network.heads();
    drop((a, b));

    // The real thing: both nodes start, B dials A and syncs until in sync.
    let synced = b_syncs_with_a(data_a, data_b, Some(id)).await?;
    let (heads_a, heads_b) = (read(&synced.node_a, id, Network::heads)?, read(&synced.node_b, id, Network::heads)?);
    ensure!(heads_a == heads_b && heads_a == expected, "the nodes did not converge to the merged network");
    let (time, bytes, wire_bytes) = (synced.time, synced.bytes(), synced.wire_bytes);
    synced.shutdown().await;
    Ok(ResyncFigures { time, bytes, wire_bytes, protocol, limit, changes_bytes, changes })
}

/// One person's offline work on network `id` in `data`: `edits` insertions at random places
/// in the meetings' notes, saved every 50 edits as the app saves a burst of typing.
pub fn edit_offline(
    data: &DataDir,
    id: &str,
    sessions: &[SessionId],
    edits: usize,
    dice: &mut Dice,
) -> Result<kring_node::OpenNetwork> {
    let (mut opened, _) = kring_node::OpenNetwork::open(data, id)?;
    let me = opened.network.member_for_device(&data.device_id())?.context("a member device")?;
    for n in 0..edits {
        let field = TextField::Notes(sessions[dice.below(sessions.len())].clone());
        let at = dice.below(opened.network.text(&field)?.chars().count());
        opened.network.splice_text(&me, &field, at, 0, &format!(" [offline {n}]"))?;
        if n % 50 == 49 {
            opened.persist()?;
        }
    }
    opened.persist()?;
    Ok(opened)
}

/// Two nodes that synced once, and what it took.
pub struct Synced {
    pub node_a: Node,
    pub node_b: Node,
    pub time: Duration,
    pub wire_bytes: u64,
    /// B's report on each network it synced with A.
    pub reports: Vec<kring_node::PeerReport>,
}

impl Synced {
    /// What the two nodes sent each other (Kring frames), over all networks: one connection
    /// carries them all, and each report gives its total.
    pub fn bytes(&self) -> u64 {
        self.reports.first().map_or(0, |r| r.sent_bytes + r.received_bytes)
    }

    pub async fn shutdown(self) {
        self.node_b.shutdown().await;
        self.node_a.shutdown().await;
    }
}

/// Starts A and B from their folders; B dials A and syncs network `id` (every network when
/// `None`) until in sync.
pub async fn b_syncs_with_a(data_a: &DataDir, data_b: &DataDir, id: Option<&str>) -> Result<Synced> {
    let (node_a, _) = Node::start(data_a, &NetworkMode::loopback_only()).await?;
    let (node_b, _) = Node::start(data_b, &NetworkMode::loopback_only()).await?;
    let wire = system::loopback_bytes();
    let started = Instant::now();
    let reports = node_b.sync_once(id, Duration::from_secs(120)).await?;
    let time = started.elapsed();
    let wire_bytes = system::loopback_bytes() - wire;
    let reports: Vec<_> = reports.into_iter().filter(|r| r.endpoint == data_a.device_id()).collect();
    ensure!(!reports.is_empty(), "B did not sync with A");
    if let Some(report) = reports.iter().find(|r| r.status != "in-sync") {
        bail!("the sync of {} ended {}: {:?}", report.network, report.status, report.error);
    }
    Ok(Synced { node_a, node_b, time, wire_bytes, reports })
}

/// Reads `node`'s copy of the network, under its lock.
pub fn read<T>(node: &Node, id: &str, read: impl FnOnce(&mut Network) -> T) -> Result<T> {
    Ok(node.read(id, read)?)
}

/// A copy of the network as `node` holds it now.
fn fork(node: &Node, id: &str) -> Result<Network> {
    read(node, id, Network::fork)
}

/// Waits for the first event that `wanted` accepts.
async fn wait_for(
    events: &mut broadcast::Receiver<NodeEvent>,
    within: Duration,
    wanted: impl Fn(&NodeEvent) -> bool,
) -> Result<()> {
    tokio::time::timeout(within, async {
        loop {
            match events.recv().await {
                Ok(event) if wanted(&event) => return Ok(()),
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => bail!("the node stopped"),
            }
        }
    })
    .await
    .map_err(|_| anyhow::anyhow!("nothing within {} s", within.as_secs()))?
}
