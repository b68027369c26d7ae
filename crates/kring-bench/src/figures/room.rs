//! A meeting's room for phones, full: sixty phones join at once and each sends a vote, a score
//! and a reaction, to the coordinator's real node on loopback (every contribution written and
//! saved like an edit). Measured: the time per contribution as a phone waits for it, and the
//! size of the page a phone loads.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use kring_model::{Network, NetworkDetails, NewSession, Profile, RoomSetup, TextField};
use kring_node::{NetworkMode, Node};
use kring_room::{NodeHost, Room, RoomOptions};
use kring_store::DataDir;

pub struct RoomFigures {
    pub phones: usize,
    /// How long each contribution took, from sending it to its answer, sorted.
    pub took: Vec<Duration>,
    /// From the first phone joining to the last contribution answered.
    pub all: Duration,
    /// The page, its style and its script together.
    pub page_bytes: usize,
}

impl RoomFigures {
    pub fn percentile(&self, p: usize) -> Duration {
        self.took.get(self.took.len() * p / 100).or(self.took.last()).copied().unwrap_or_default()
    }
}

/// `phones` phones in one room of a meeting of a network founded in `dir`.
pub async fn full_room(dir: &std::path::Path, phones: usize) -> Result<RoomFigures> {
    let data = DataDir::open(dir)?;
    let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
    let (mut network, anna) = Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key())?;
    let new = NewSession {
        title: "PLG 3: rekenen in de praktijk".into(),
        starts_at: "2026-12-09".into(),
        ..Default::default()
    };
    let session = network.add_session(&anna, &new)?;
    network.update_text(&anna, &TextField::Agenda(session.clone()), "Welkom\nLeervragen kiezen")?;
    let question = network.add_question(&anna, "Hoe betrekken we ouders?", "")?;
    let round = network.open_round(&anna, "Reflectie december")?;
    let id = network.id().to_string();
    data.create_network(&id, network.doc_mut())?;

    let (node, _) = Node::start(&data, &NetworkMode::loopback_only()).await?;
    let node = Arc::new(node);
    let host = Arc::new(NodeHost::new(node.clone(), id.clone()));
    let setup = RoomSetup {
        questions: vec![question.clone()],
        reflection: Some(round),
        proposals: true,
        reactions: true,
        photos: false,
    };
    let options = RoomOptions { session, setup, bind: "127.0.0.1:0".parse()?, open_for: Duration::from_secs(3600) };
    let room = Room::open(host, options).await.context("opening the room")?;
    let url = room.url();
    let page_bytes = kring_room::page_bytes();

    // The HTTP client is built with TLS, which needs a provider named (never used: plain HTTP).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..phones {
        let (url, question) = (url.clone(), question.to_string());
        tasks.spawn(async move { phone(&url, n, &question).await });
    }
    let mut took = Vec::new();
    while let Some(phone) = tasks.join_next().await {
        took.extend(phone.context("a phone")??);
    }
    let all = started.elapsed();
    took.sort();
    ensure!(took.len() == phones * 3, "{} of {} contributions answered", took.len(), phones * 3);
    room.close().await.context("closing the room")?;
    node.shutdown().await;
    Ok(RoomFigures { phones, took, all, page_bytes })
}

/// One phone: joins as a young person or a parent, then votes, scores and reacts; how long each
/// of the three took.
async fn phone(url: &str, n: usize, question: &str) -> Result<Vec<Duration>> {
    let client = reqwest::Client::new();
    let perspective = if n.is_multiple_of(2) { "youth" } else { "parent" };
    let join = serde_json::json!({ "name": format!("Telefoon {n}"), "perspective": perspective });
    let joined: serde_json::Value = client.post(format!("{url}join")).json(&join).send().await?.json().await?;
    let token = joined["token"].as_str().context("a guest token")?.to_string();
    let mut took = Vec::new();
    for body in [
        serde_json::json!({ "kind": "vote", "question": question }),
        serde_json::json!({ "kind": "score", "scores": { "trust": 4, "ownership": 3 } }),
        serde_json::json!({ "kind": "reaction", "text": format!("Reactie van telefoon {n}") }),
    ] {
        let sent = Instant::now();
        let answer =
            client.post(format!("{url}send")).header(kring_room::GUEST_HEADER, &token).json(&body).send().await?;
        ensure!(answer.status().is_success(), "a contribution was refused: {}", answer.status());
        took.push(sent.elapsed());
    }
    Ok(took)
}
