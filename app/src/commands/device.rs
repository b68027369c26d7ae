//! `kring device link` and `kring device add`: Kring on a second laptop of the same person.
//!
//! `link` runs on the laptop in use: it starts this device as a peer, prints a one-time ticket
//! (the first JSON line) and serves until the other laptop has used it (the second line: the
//! device it linked) or it expires (an error). The ticket's secret lives only in that process:
//! once it ends, the ticket is useless. `add` runs on the other laptop, which becomes another
//! device of the same member, with the whole network.

use std::io::Write;
use std::time::Duration;

use anyhow::{Result, bail};
use kring_node::{DeviceLinkTicket, Node};
use kring_store::DataDir;

use super::output::{self, DeviceAdded, DeviceLinked, LinkTicket, Output};
use crate::cli::{DeviceCommand, NetArgs, NetworkArg};

pub(super) fn run(command: DeviceCommand, data: &DataDir) -> Result<Output> {
    match command {
        DeviceCommand::Link { network, minutes, net } => {
            Ok(super::runtime()?.block_on(link(&network, minutes, &net, data))?.into())
        }
        DeviceCommand::Add { ticket, net, timeout } => {
            Ok(super::runtime()?.block_on(add(&ticket, &net, timeout, data))?.into())
        }
    }
}

async fn link(network: &NetworkArg, minutes: u64, net: &NetArgs, data: &DataDir) -> Result<DeviceLinked> {
    let mode = super::network_mode(net, data)?;
    let (node, warnings) = Node::start(data, &mode).await?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    let result = serve_link(&node, network, Duration::from_secs(minutes * 60)).await;
    node.shutdown().await;
    result
}

async fn serve_link(node: &Node, network: &NetworkArg, valid_for: Duration) -> Result<DeviceLinked> {
    let network = node.network_id(network.network.as_deref())?;
    let ticket = node.create_device_link(&network, valid_for)?;
    let expires_at = (std::time::SystemTime::now() + valid_for).duration_since(std::time::UNIX_EPOCH)?;
    let first = LinkTicket { ticket: ticket.to_text(), network, expires_at: u64::try_from(expires_at.as_millis())? };
    {
        // The ticket must be readable now, while this command waits.
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{}", output::line(&first)?)?;
        stdout.flush()?;
    }
    tokio::select! {
        linked = node.device_link_used(&ticket) => {
            let linked = linked?;
            Ok(DeviceLinked { linked: true, network: linked.network, member: linked.member, device: linked.device })
        }
        _ = tokio::signal::ctrl_c() => {
            node.cancel_device_link(&ticket);
            bail!("stopped before another laptop used the device-link ticket")
        }
    }
}

async fn add(ticket: &str, net: &NetArgs, timeout: u64, data: &DataDir) -> Result<DeviceAdded> {
    let ticket = DeviceLinkTicket::parse(ticket)?;
    let mode = super::network_mode(net, data)?;
    let linked = Node::link(data, &mode, &ticket, Duration::from_secs(timeout)).await?;
    Ok(DeviceAdded { network: linked.network, member: linked.member, device: data.device_id() })
}
