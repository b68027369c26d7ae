//! `kring join TICKET`. A ticket of a network this laptop already has refreshes the addresses
//! of its members instead (see `kring connect`).

use std::time::Duration;

use anyhow::Result;
use kring_model::{MemberId, NetworkId, Profile};
use kring_node::{InviteTicket, Node};
use kring_store::DataDir;

use super::output::{Membership, Output};
use crate::cli::NetArgs;

pub(super) async fn run(
    ticket: &str,
    profile: &Profile,
    net: &NetArgs,
    timeout: u64,
    data: &DataDir,
) -> Result<Output> {
    let ticket = InviteTicket::parse(ticket)?;
    let mode = super::network_mode(net, data)?;
    if data.network_ids()?.contains(&ticket.network) {
        return Ok(super::connect::refresh(&ticket, &mode, timeout, data).await?.into());
    }
    let (network, member) = Node::join(data, &mode, &ticket, profile, Duration::from_secs(timeout)).await?;
    Ok(Membership { network: NetworkId::new(network), member: MemberId::new(member) }.into())
}
