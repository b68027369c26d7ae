//! Creating an invite: a fresh secret, its hash in the document, the secret in the ticket.

use std::time::Duration;

use iroh::EndpointAddr;
use kring_model::{InviteId, NewInvite, Role, UnixMillis};

use crate::error::Result;
use crate::open_network::OpenNetwork;
use crate::ticket::{InviteTicket, new_secret, secret_hash};

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
    let secret = new_secret();
    let expires_at = now_millis().saturating_add(valid_for.as_millis().min(i64::MAX as u128) as UnixMillis);
    let new = NewInvite { secret_hash: secret_hash(&secret), role, expires_at, max_uses };
    let invite = open.edit(device, |network, me| network.create_invite_for(me, &new, made_for))?;
    let ticket = InviteTicket { network: open.network.id().to_string(), invite: invite.to_string(), secret, peers };
    Ok((invite, ticket))
}

/// The current time as the document stores it.
pub(crate) fn now_millis() -> UnixMillis {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as UnixMillis)
}
