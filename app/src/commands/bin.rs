//! `kring bin`: what is in the network's bin, most recently deleted first.

use anyhow::Result;
use kring_model::Binned;
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::NetworkArg;
use crate::local_network::LocalNetwork;

pub fn run(network: &NetworkArg, data: &DataDir) -> Result<Value> {
    let local = LocalNetwork::open(data, network.network.as_deref())?;
    let snapshot = local.snapshot()?;
    let bin: Vec<Value> = snapshot
        .bin()
        .into_iter()
        .map(|item| match item {
            Binned::Session(s) => {
                json!({ "kind": "session", "id": s.id, "title": s.title, "date": s.starts_at, "deleted_at": s.deleted_at })
            }
            Binned::Question(q) => {
                json!({ "kind": "question", "id": q.id, "title": q.title, "deleted_at": q.deleted_at })
            }
            Binned::Action(s, a) => json!({
                "kind": "action", "id": a.id, "text": a.text, "session": s.id, "session_title": s.title,
                "deleted_at": a.deleted_at,
            }),
        })
        .collect();
    Ok(json!({ "network": snapshot.info.id, "bin": bin }))
}
