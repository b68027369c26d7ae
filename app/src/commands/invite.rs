//! `kring invite`, `kring invite list` and `kring invite revoke`, without a running node: the
//! ticket carries the addresses this device listened on during its last `serve`.

use anyhow::{Result, bail};
use kring_model::{Edit, InviteId};
use kring_node::AddressBook;
use kring_store::DataDir;

use super::output::{InviteCreated, InviteList, InviteRevoked, ListedInvite, Output};
use crate::cli::{InviteAction, InviteArgs};
use crate::local_network::{self, LocalNetwork};

pub(super) fn run(args: InviteArgs, data: &DataDir) -> Result<Output> {
    match args.action {
        Some(InviteAction::List(network)) => {
            let local = LocalNetwork::open(data, network.network.as_deref())?;
            let snapshot = local.snapshot()?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as kring_model::UnixMillis);
            let mut invites: Vec<_> = snapshot.invites.values().collect();
            invites.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
            let invites = invites
                .into_iter()
                .map(|i| ListedInvite {
                    id: i.id.clone(),
                    made_for: i.made_for.clone(),
                    role: i.role,
                    used: i.uses.len() as u64,
                    max_uses: i.max_uses,
                    created_at: i.created_at,
                    expires_at: i.expires_at,
                    revoked: i.revoked_at.is_some(),
                    open: i.is_open(now),
                })
                .collect();
            Ok(InviteList { invites }.into())
        }
        Some(InviteAction::Revoke { network, invite }) => {
            let invite = InviteId::new(invite);
            local_network::apply(data, network.network.as_deref(), &Edit::RevokeInvite { invite: invite.clone() })?;
            Ok(InviteRevoked { invite, revoked: true }.into())
        }
        None => {
            let book = AddressBook::load(data.root());
            if book.own.is_empty() {
                bail!(
                    "this device has not been online yet, so a ticket could not say where to find it; run `kring serve --invite` instead"
                );
            }
            let mut local = LocalNetwork::open(data, args.network.network.as_deref())?;
            let peers = vec![book.own_addr(data.device_key().public())];
            let (invite, ticket) = kring_node::invite::create(
                &mut local.open,
                &data.device_id(),
                args.role.parse()?,
                args.limits.max_uses,
                args.limits.expires,
                &args.limits.made_for,
                peers,
            )?;
            let made_for = Some(args.limits.made_for.trim().to_string()).filter(|name| !name.is_empty());
            Ok(InviteCreated { ticket: ticket.to_text(), invite, made_for }.into())
        }
    }
}
