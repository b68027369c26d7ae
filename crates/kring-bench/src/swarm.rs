//! Many real Kring nodes in one process, on 127.0.0.1 in offline mode, all members of one
//! network with one meeting whose notes they all write in. Used by the bench (20 nodes, 50
//! edits each) and by the load test (a minute of editing with laptops going away and back).

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use kring_model::automerge::ChangeHash;
use kring_model::{MemberId, Network, NetworkDetails, NewSession, Profile, Role, SessionKind, TextField};
use kring_node::{FoundVia, NetworkMode, Node};
use kring_store::DataDir;
use tempfile::TempDir;

/// One participant: a data directory and, while the laptop is "on", its node.
pub struct Peer {
    pub data: DataDir,
    pub node: Option<Node>,
    pub member: MemberId,
    /// A node still shutting down (closing its connections takes a few seconds).
    closing: Option<tokio::task::JoinHandle<()>>,
}

pub struct Swarm {
    pub network: String,
    pub notes: TextField,
    pub peers: Vec<Peer>,
    _root: TempDir,
}

impl Swarm {
    /// Creates the network with `n` members (one device each), gives every device its copy,
    /// starts every node, and lets each know where the nodes started before it are (as LAN
    /// discovery would); they find the rest through each other.
    pub async fn start(n: usize) -> Result<Swarm> {
        let root = tempfile::tempdir()?;
        let mut datas = Vec::new();
        for i in 0..n {
            datas.push(DataDir::open(&root.path().join(format!("peer-{i:02}")))?);
        }
        let details = NetworkDetails { name: "Regioteam".into(), ..Default::default() };
        let (mut network, founder) =
            Network::create(&details, &Profile::new("Deelnemer 0"), datas[0].device_key().as_signing_key())?;
        let mut members = vec![founder.clone()];
        for (i, data) in datas.iter().enumerate().skip(1) {
            let profile = Profile::new(format!("Deelnemer {i}"));
            members.push(network.add_member(
                &founder,
                &profile,
                Role::Member,
                Some(data.device_key().as_signing_key()),
            )?);
        }
        let new = NewSession {
            title: "Regiobijeenkomst".into(),
            kind: SessionKind::Plg,
            starts_at: "2026-11-23".into(),
            location: "Aula".into(),
        };
        let session = network.add_session(&founder, &new)?;
        let id = network.id().to_string();
        // Each laptop starts with the network as founded, and the founder's signature on it.
        let founding = kring_sync::signed::sign_whole_as(network.doc_mut(), &[datas[0].device_key().clone()]);
        for data in &datas {
            let mut opened = kring_node::OpenNetwork::create(data, network.fork())?;
            opened.signatures.add_received(&founding);
            opened.persist()?;
        }
        let mut peers = Vec::new();
        for (data, member) in datas.into_iter().zip(members) {
            peers.push(Peer { data, node: None, member, closing: None });
        }
        let mut swarm = Swarm { network: id, notes: TextField::Notes(session), peers, _root: root };
        for i in 0..n {
            swarm.switch_on(i).await?;
        }
        Ok(swarm)
    }

    fn node(&self, i: usize) -> Result<&Node> {
        self.peers[i].node.as_ref().ok_or_else(|| anyhow!("peer {i} is switched off"))
    }

    /// Starts peer `i`'s node. It dials the peers before it; the peers after it "see it appear
    /// on the LAN" and dial it (that also resets their back-off, as discovery does).
    pub async fn switch_on(&mut self, i: usize) -> Result<()> {
        if let Some(closing) = self.peers[i].closing.take() {
            closing.await?;
        }
        let (node, warnings) = Node::start(&self.peers[i].data, &NetworkMode::loopback_only()).await?;
        anyhow::ensure!(warnings.is_empty(), "peer {i} started with warnings: {warnings:?}");
        let addr = node.addr();
        for (j, other) in self.peers.iter().enumerate() {
            let Some(other_node) = &other.node else { continue };
            if j < i {
                node.remember(&other_node.addr(), FoundVia::Lan);
            } else {
                other_node.remember(&addr, FoundVia::Lan);
            }
        }
        node.spawn_dialer();
        self.peers[i].node = Some(node);
        Ok(())
    }

    /// Starts shutting peer `i`'s node down, as when a laptop's lid closes, without waiting for
    /// it; the peer can be written to again once [`Swarm::is_off`].
    pub fn begin_switch_off(&mut self, i: usize) {
        if let Some(node) = self.peers[i].node.take() {
            self.peers[i].closing = Some(tokio::spawn(async move { node.shutdown().await }));
        }
    }

    pub fn is_on(&self, i: usize) -> bool {
        self.peers[i].node.is_some()
    }

    /// Switched off completely: its store is free for offline edits.
    pub fn is_off(&self, i: usize) -> bool {
        self.peers[i].node.is_none() && self.peers[i].closing.as_ref().is_none_or(|c| c.is_finished())
    }

    /// Peer `i` types `text` at the end of the meeting notes; returns once it is saved on disk
    /// (the edit is acknowledged). A switched-off peer writes into its store directly, as the
    /// app does offline.
    pub fn write(&self, i: usize, text: &str) -> Result<()> {
        let peer = &self.peers[i];
        anyhow::ensure!(self.is_on(i) || self.is_off(i), "peer {i} is still shutting down");
        let write = |network: &mut Network, me: &MemberId| network.append_text(me, &self.notes, text);
        match &peer.node {
            Some(node) => node.edit(&self.network, write)?,
            None => kring_node::OpenNetwork::open(&peer.data, &self.network)?.0.edit(&peer.data.device_id(), write)?,
        }
        Ok(())
    }

    /// Heads of every switched-on peer.
    pub fn heads(&self) -> Vec<Vec<ChangeHash>> {
        (0..self.peers.len())
            .filter_map(|i| self.node(i).ok())
            .filter_map(|node| node.read(&self.network, Network::heads).ok())
            .collect()
    }

    /// Waits until every switched-on peer holds the same heads; returns how long it took.
    pub async fn converged(&self, within: Duration) -> Result<Duration> {
        let started = Instant::now();
        loop {
            let heads = self.heads();
            if heads.windows(2).all(|pair| pair[0] == pair[1]) {
                return Ok(started.elapsed());
            }
            if started.elapsed() > within {
                let distinct: std::collections::BTreeSet<_> = heads.iter().collect();
                anyhow::bail!("{} different states after {} s", distinct.len(), within.as_secs());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The meeting notes as peer `i` holds them.
    pub fn notes_of(&self, i: usize) -> Result<String> {
        Ok(self.node(i)?.read(&self.network, |network| network.text(&self.notes))??)
    }

    pub async fn shutdown(mut self) {
        for i in 0..self.peers.len() {
            self.begin_switch_off(i);
        }
        for peer in &mut self.peers {
            if let Some(closing) = peer.closing.take() {
                let _ = closing.await;
            }
        }
    }
}
