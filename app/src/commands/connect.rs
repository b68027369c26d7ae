//! `kring connect ADDR|TICKET`: reach a laptop by its address when the LAN does not find it.
//! Also what `kring join` does with a ticket of a network this laptop already has.

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::{Result, bail};
use kring_node::address_book::{addr_to_text, parse_address};
use kring_node::{FoundVia, InviteTicket, NetworkMode, Node, NodeError, PeerReport, TicketError};
use kring_store::DataDir;

use super::output::{AddressConnected, Output, Refreshed};
use crate::cli::{NetArgs, NetworkArg};

pub(super) async fn run(
    target: &str,
    network: &NetworkArg,
    net: &NetArgs,
    timeout: u64,
    data: &DataDir,
) -> Result<Output> {
    let mode = super::network_mode(net, data)?;
    let target = target.trim();
    let ticket = match InviteTicket::parse(target) {
        Ok(ticket) => ticket,
        Err(TicketError::BadInvite(_)) => {
            return Ok(connect_to_address(target, network, &mode, timeout, data).await?.into());
        }
        Err(err) => return Err(err.into()),
    };
    if let Some(chosen) = &network.network
        && *chosen != ticket.network
    {
        bail!("the ticket is for network {}, not {chosen}", ticket.network);
    }
    if !data.network_ids()?.contains(&ticket.network) {
        bail!("network {} is not on this laptop; join it with `kring join TICKET --me NAME`", ticket.network);
    }
    Ok(refresh(&ticket, &mode, timeout, data).await?.into())
}

/// Remembers the address typed in (`ID@IP:PORT[,IP:PORT...]`) and syncs once with that laptop.
async fn connect_to_address(
    text: &str,
    network: &NetworkArg,
    mode: &NetworkMode,
    timeout: u64,
    data: &DataDir,
) -> Result<AddressConnected> {
    let addr = parse_address(text).ok_or_else(|| NodeError::NotAnAddress(text.to_string()))?;
    let node = start(data, mode).await?;
    let learned = node.remember(&addr, FoundVia::Typed);
    let devices = BTreeSet::from([addr.id.to_string()]);
    let peers = sync_and_stop(node, &devices, network.network.as_deref(), timeout).await?;
    Ok(AddressConnected {
        device: addr.id.to_string(),
        addrs: addr.addrs.iter().map(addr_to_text).collect(),
        learned,
        // No report: the laptop is no member device of any network here (yet).
        member_device: !peers.is_empty(),
        peers,
    })
}

/// A ticket of a network this laptop has: its addresses are remembered (they may be newer
/// than the ones known), and the laptop syncs once with the devices it names.
pub(super) async fn refresh(
    ticket: &InviteTicket,
    mode: &NetworkMode,
    timeout: u64,
    data: &DataDir,
) -> Result<Refreshed> {
    let node = start(data, mode).await?;
    let refreshed =
        node.refresh(ticket).and_then(|r| r.ok_or_else(|| NodeError::UnknownNetwork(ticket.network.clone())));
    let refreshed = match refreshed {
        Ok(refreshed) => refreshed,
        Err(err) => {
            node.shutdown().await;
            return Err(err.into());
        }
    };
    let devices = ticket.peers.iter().map(|peer| peer.id.to_string()).collect();
    let peers = sync_and_stop(node, &devices, Some(&ticket.network), timeout).await?;
    Ok(Refreshed { network: refreshed.network, member: refreshed.member, refreshed: true, peers })
}

async fn start(data: &DataDir, mode: &NetworkMode) -> Result<Node> {
    let (node, warnings) = Node::start(data, mode).await?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    Ok(node)
}

/// Syncs once with `devices` (those that are member devices here), then stops the node.
async fn sync_and_stop(
    node: Node,
    devices: &BTreeSet<String>,
    network: Option<&str>,
    timeout: u64,
) -> Result<Vec<PeerReport>> {
    let reports = node.sync_with(devices, network, Duration::from_secs(timeout)).await;
    node.shutdown().await;
    Ok(reports?)
}
