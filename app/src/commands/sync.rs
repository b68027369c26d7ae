//! `kring sync`: one round of syncing with every reachable member device.

use std::time::Duration;

use anyhow::Result;
use kring_node::Node;
use kring_store::DataDir;

use super::output::{Output, Synced};
use crate::cli::{NetArgs, NetworkArg};

pub(super) async fn run(network: &NetworkArg, net: &NetArgs, timeout: u64, data: &DataDir) -> Result<Output> {
    let mode = super::network_mode(net, data)?;
    let (node, warnings) = Node::start(data, &mode).await?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    let reports = node.sync_once(network.network.as_deref(), Duration::from_secs(timeout)).await;
    node.shutdown().await;
    Ok(Synced { peers: reports? }.into())
}
