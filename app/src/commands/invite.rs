//! `kring invite` and `kring invite revoke`, without a running node: the ticket carries the
//! addresses this device listened on during its last `serve`.

use anyhow::{Result, bail};
use kring_model::InviteId;
use kring_node::AddressBook;
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::{InviteAction, InviteArgs};
use crate::local_network::LocalNetwork;

pub fn run(args: InviteArgs, data: &DataDir) -> Result<Value> {
    match args.action {
        Some(InviteAction::Revoke { network, invite }) => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let me = local.me()?;
            let invite = InviteId::new(invite);
            local.open.network.revoke_invite(&me, &invite)?;
            local.save()?;
            Ok(json!({ "invite": invite, "revoked": true }))
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
            Ok(json!({ "ticket": ticket.to_text(), "invite": invite }))
        }
    }
}
