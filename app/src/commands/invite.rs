//! `kring invite` and `kring invite revoke`, without a running node: the ticket carries the
//! addresses this device listened on during its last `serve`.

use anyhow::{Result, bail};
use kring_model::{Edit, InviteId};
use kring_node::AddressBook;
use kring_store::DataDir;

use super::output::{InviteCreated, InviteRevoked, Output};
use crate::cli::{InviteAction, InviteArgs};
use crate::local_network::{self, LocalNetwork};

pub(super) fn run(args: InviteArgs, data: &DataDir) -> Result<Output> {
    match args.action {
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
                peers,
            )?;
            Ok(InviteCreated { ticket: ticket.to_text(), invite }.into())
        }
    }
}
