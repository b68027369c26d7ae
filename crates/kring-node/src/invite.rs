//! Creating an invite: a fresh secret, its hash in the document, the secret in the ticket.

use std::time::Duration;

use iroh::EndpointAddr;
use kring_model::{InviteId, NewInvite, Role, UnixMillis};

use crate::error::Result;
use crate::open_network::OpenNetwork;
use kring_ticket::{InviteTicket, new_secret, secret_hash};

/// Creates and saves an invite by the member of `device` (a coordinator), valid for
/// `valid_for` and `max_uses` joins, made for `made_for` (a short name, or empty), with a
/// ticket that points at `peers`.
pub fn create(
    open: &mut OpenNetwork,
    device: &str,
    role: Role,
    max_uses: u64,
    valid_for: Duration,
    made_for: &str,
    peers: Vec<EndpointAddr>,
) -> Result<(InviteId, InviteTicket)> {
    let new = |secret_hash| NewInvite { secret_hash, role, expires_at: expiry(valid_for), max_uses };
    write(open, device, peers, |network, me, secret_hash| network.create_invite_for(me, &new(secret_hash), made_for))
}

/// Creates and saves a leerhuis's link ticket by the member of `device` (its coordinator):
/// one network may link with it, within `valid_for`. The ticket points at `peers`.
pub fn create_link(
    open: &mut OpenNetwork,
    device: &str,
    valid_for: Duration,
    peers: Vec<EndpointAddr>,
) -> Result<(InviteId, InviteTicket)> {
    let new = |secret_hash| NewInvite { secret_hash, role: Role::Member, expires_at: expiry(valid_for), max_uses: 1 };
    write(open, device, peers, |network, me, secret_hash| network.create_link_invite(me, &new(secret_hash)))
}

/// Writes an invite with `create`, given a fresh secret's hash, and makes its ticket.
fn write(
    open: &mut OpenNetwork,
    device: &str,
    peers: Vec<EndpointAddr>,
    create: impl FnOnce(&mut kring_model::Network, &kring_model::MemberId, String) -> kring_model::Result<InviteId>,
) -> Result<(InviteId, InviteTicket)> {
    let secret = new_secret();
    let invite = open.edit(device, |network, me| create(network, me, secret_hash(&secret)))?;
    let ticket = InviteTicket { network: open.network.id().to_string(), invite: invite.to_string(), secret, peers };
    Ok((invite, ticket))
}

fn expiry(valid_for: Duration) -> UnixMillis {
    now_millis().saturating_add(valid_for.as_millis().min(i64::MAX as u128) as UnixMillis)
}

/// The current time as the document stores it.
pub(crate) fn now_millis() -> UnixMillis {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as UnixMillis)
}
