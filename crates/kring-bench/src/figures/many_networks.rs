//! An action researcher's laptop with nine networks (a leerhuis and eight leernetwerken), each
//! the size of the busy PLG. A colleague's laptop (A) founded them all and the researcher's
//! laptop (B) joined each. Measured on B: its desktop client from start to the first frame and
//! to all nine loaded, its resident memory, and the reconnect after a day on which both laptops
//! edited every network offline: B dials A and syncs all nine.

use std::path::Path;
use std::time::Duration;

use anyhow::{Result, ensure};
use kring_model::automerge::sync;
use kring_model::{Network, Profile, Role, SessionId};
use kring_node::{NetworkMode, Node};
use kring_store::DataDir;

use crate::figures::network::{self, b_syncs_with_a, read};
use crate::limits;
use crate::scenario::{self, Dice, Scale};

/// One of the laptop's networks: its id and its meetings (where the day's edits go).
pub struct Held {
    pub id: String,
    pub sessions: Vec<SessionId>,
}

/// A founds `count` networks of `scale` in `dir_a`.
pub fn found(dir_a: &Path, scale: Scale, count: usize) -> Result<Vec<Held>> {
    let data_a = DataDir::open(dir_a)?;
    (0..count)
        .map(|_| {
            let mut generated = scenario::generate(scale, data_a.device_key());
            generated.keep(&data_a)?;
            Ok(Held { id: generated.network.id().to_string(), sessions: generated.sessions })
        })
        .collect()
}

/// B (an empty `dir_b`) joins every network A holds, one invite each.
pub async fn join_all(dir_a: &Path, dir_b: &Path, networks: &[Held]) -> Result<()> {
    let data_a = DataDir::open(dir_a)?;
    let data_b = DataDir::open(dir_b)?;
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await?;
    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await?;
    for held in networks {
        let (_, ticket) = node_a.create_invite(&held.id, Role::Member, 1, Duration::from_secs(600))?;
        node_b.join_network(&data_b, &ticket, &Profile::new("Onderzoeker"), Duration::from_secs(120)).await?;
    }
    node_b.shutdown().await;
    node_a.shutdown().await;
    Ok(())
}

pub struct ReconnectFigures {
    /// From B's dial to in sync with A in every network.
    pub time: Duration,
    /// What the two nodes sent each other (Kring frames), all networks.
    pub bytes: u64,
    /// Automerge's own sync of the same documents in memory, network after network.
    pub limit: Duration,
}

/// Both laptops make `edits` edits offline in every network (a day's work), then B reconnects
/// to A and syncs them all.
pub async fn reconnect(dir_a: &Path, dir_b: &Path, networks: &[Held], edits: usize) -> Result<ReconnectFigures> {
    let data_a = DataDir::open(dir_a)?;
    let data_b = DataDir::open(dir_b)?;
    let (device_a, device_b) = (data_a.device_id(), data_b.device_id());
    let mut dice = Dice::new(9);
    let mut limit = Duration::ZERO;
    for held in networks {
        let mut a = network::edit_offline(&data_a, &held.id, &held.sessions, edits, &mut dice)?;
        let mut b = network::edit_offline(&data_b, &held.id, &held.sessions, edits, &mut dice)?;
        let state = |saved: Option<Vec<u8>>| saved.and_then(|s| sync::State::decode(&s).ok()).unwrap_or_default();
        let (mut sa, mut sb) = (state(a.store.read_sync_state(&device_b)), state(b.store.read_sync_state(&device_a)));
        let cost = limits::automerge_sync(a.network.doc_mut(), &mut sa, b.network.doc_mut(), &mut sb);
        ensure!(a.network.heads() == b.network.heads(), "Automerge alone did not converge");
        limit += cost.time;
    }

    let synced = b_syncs_with_a(&data_a, &data_b, None).await?;
    ensure!(synced.reports.len() == networks.len(), "B synced {} networks of {}", synced.reports.len(), networks.len());
    for held in networks {
        let heads_a = read(&synced.node_a, &held.id, Network::heads)?;
        let heads_b = read(&synced.node_b, &held.id, Network::heads)?;
        ensure!(heads_a == heads_b, "A and B differ in network {} after the reconnect", held.id);
    }
    let figures = ReconnectFigures { time: synced.time, bytes: synced.bytes(), limit };
    synced.shutdown().await;
    Ok(figures)
}
