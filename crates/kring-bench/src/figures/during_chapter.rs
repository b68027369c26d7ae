//! Typing in one network while the same laptop begins a new chapter of another: A and B share
//! the big network and a small one; A edits the small one, edit after edit, and each edit is
//! timed until B has applied and saved it — first on its own, then while A begins a new chapter
//! of the big network and B takes it. Beginning a chapter copies the whole network (seconds on
//! a network of years); nothing else on the laptop may wait for that.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use kring_model::{Network, NetworkDetails, Profile, Role};
use kring_node::{NetworkMode, Node, NodeEvent};
use kring_store::DataDir;
use tokio::sync::broadcast::{self, error::TryRecvError};

/// Edits timed before the chapter is begun.
const EDITS_BEFORE: usize = 60;
/// How long one edit may take to reach B before the run fails.
const EDIT_TIMEOUT: Duration = Duration::from_secs(10);

pub struct DuringChapterFigures {
    /// Each edit in the small network, from A's edit to B having it, with nothing else going on.
    pub before: Vec<Duration>,
    /// The same while A begins the big network's new chapter and until B has taken it.
    pub during: Vec<Duration>,
    /// From asking A's node for the new chapter until it was on it.
    pub begun: Duration,
    /// From asking A's node until B was on the new chapter.
    pub taken: Duration,
}

/// A (in `data_a`) and B (in `data_b`) both hold network `big`; a small network founded on A
/// is added, B joins it, and the edits are timed.
pub async fn measure(data_a: &DataDir, data_b: &DataDir, big: &str) -> Result<DuringChapterFigures> {
    let details = NetworkDetails { name: "PLG Lezen".into(), ..Default::default() };
    let (network, _) = Network::create(&details, &Profile::new("Anna"), data_a.device_key().as_signing_key())?;
    let small = network.id().to_string();
    kring_node::OpenNetwork::create(data_a, network)?;

    let (node_a, _) = Node::start(data_a, &NetworkMode::loopback_only()).await?;
    let (node_b, _) = Node::start(data_b, &NetworkMode::loopback_only()).await?;
    let (_, ticket) = node_a.create_invite(&small, Role::Member, 1, Duration::from_secs(600))?;
    node_b.join_network(data_b, &ticket, &Profile::new("Bram"), Duration::from_secs(120)).await?;
    let mut events = node_b.subscribe();
    node_b.spawn_dialer();
    in_sync(&mut events, &[&small, big]).await.context("B never got in sync with A on both networks")?;

    let figures = tokio::task::block_in_place(|| {
        let mut before = Vec::with_capacity(EDITS_BEFORE);
        for n in 0..EDITS_BEFORE {
            before.push(edit_reaches_b(&node_a, &small, n, &mut events)?);
        }
        let mut switched = node_b.subscribe();
        std::thread::scope(|scope| {
            let asked = Instant::now();
            let node = &node_a;
            let begin = scope.spawn(move || node.start_chapter(big, &[], false).map(|_| asked.elapsed()));
            let (mut during, mut taken) = (Vec::new(), None);
            while taken.is_none() || !begin.is_finished() {
                during.push(edit_reaches_b(&node_a, &small, before.len() + during.len(), &mut events)?);
                if taken.is_none() && b_switched(&mut switched, big)? {
                    taken = Some(asked.elapsed());
                }
                if asked.elapsed() > Duration::from_secs(300) {
                    bail!("B did not take the new chapter within five minutes");
                }
            }
            let begun = begin.join().map_err(|_| anyhow::anyhow!("beginning the chapter panicked"))??;
            Ok(DuringChapterFigures { before, during, begun, taken: taken.unwrap_or_default() })
        })
    });
    node_b.shutdown().await;
    node_a.shutdown().await;
    figures
}

/// One edit of the small network on A, timed until B has applied and saved it.
fn edit_reaches_b(
    node_a: &Node,
    small: &str,
    n: usize,
    events: &mut broadcast::Receiver<NodeEvent>,
) -> Result<Duration> {
    loop {
        match events.try_recv() {
            Err(TryRecvError::Empty) => break,
            Err(TryRecvError::Closed) => bail!("B's node stopped"),
            _ => continue,
        }
    }
    let started = Instant::now();
    node_a.edit(small, |network, me| network.set_description(me, &format!("Leesbegrip, ronde {n}")))?;
    loop {
        match events.try_recv() {
            Ok(NodeEvent::Received { network, .. }) if network == small => return Ok(started.elapsed()),
            Ok(_) | Err(TryRecvError::Lagged(_)) => {}
            Err(TryRecvError::Empty) if started.elapsed() > EDIT_TIMEOUT => bail!("edit {n} never reached B"),
            Err(TryRecvError::Empty) => std::thread::sleep(Duration::from_micros(100)),
            Err(TryRecvError::Closed) => bail!("B's node stopped"),
        }
    }
}

/// Whether B has said, since the last look, that it took network `big`'s new chapter.
fn b_switched(events: &mut broadcast::Receiver<NodeEvent>, big: &str) -> Result<bool> {
    loop {
        match events.try_recv() {
            Ok(NodeEvent::ChapterSwitched { network, .. }) if network == big => return Ok(true),
            Ok(_) | Err(TryRecvError::Lagged(_)) => {}
            Err(TryRecvError::Empty) => return Ok(false),
            Err(TryRecvError::Closed) => bail!("B's node stopped"),
        }
    }
}

/// Waits (up to a minute) until B has said it is in sync with A on each of `networks`, in any
/// order.
async fn in_sync(events: &mut broadcast::Receiver<NodeEvent>, networks: &[&str]) -> Result<()> {
    let mut waiting: Vec<&str> = networks.to_vec();
    tokio::time::timeout(Duration::from_secs(60), async {
        while !waiting.is_empty() {
            match events.recv().await {
                Ok(NodeEvent::InSync { network, .. }) => waiting.retain(|n| *n != network),
                Ok(_) => continue,
                // Missed some: the one wanted may be among them.
                Err(broadcast::error::RecvError::Lagged(_)) => bail!("missed B's events"),
                Err(broadcast::error::RecvError::Closed) => bail!("the node stopped"),
            }
        }
        Ok(())
    })
    .await
    .map_err(|_| anyhow::anyhow!("nothing within a minute"))?
}
