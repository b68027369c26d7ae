//! `kring bin`: what is in the network's bin, most recently deleted first.

use anyhow::Result;
use kring_model::Binned;
use kring_store::DataDir;

use super::output::{Bin, BinItem, Output};
use crate::cli::NetworkArg;
use crate::local_network::LocalNetwork;

pub(super) fn run(network: &NetworkArg, data: &DataDir) -> Result<Output> {
    let local = LocalNetwork::open(data, network.network.as_deref())?;
    let snapshot = local.snapshot()?;
    let bin = snapshot
        .bin()
        .into_iter()
        .map(|item| match item {
            Binned::Session(s) => BinItem::Session {
                id: s.id.clone(),
                title: s.title.clone(),
                date: s.starts_at.clone(),
                deleted_at: s.deleted_at,
            },
            Binned::Question(q) => {
                BinItem::Question { id: q.id.clone(), title: q.title.clone(), deleted_at: q.deleted_at }
            }
            Binned::Action(s, a) => BinItem::Action {
                id: a.id.clone(),
                text: a.text.clone(),
                session: s.id.clone(),
                session_title: s.title.clone(),
                deleted_at: a.deleted_at,
            },
            Binned::Attachment(to, a) => {
                BinItem::Attachment { id: a.id.clone(), name: a.name.clone(), to, deleted_at: a.deleted_at }
            }
        })
        .collect();
    Ok(Bin { network: snapshot.info.id.clone(), bin }.into())
}
