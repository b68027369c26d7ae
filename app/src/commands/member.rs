//! `kring member remove`.

use anyhow::Result;
use kring_model::MemberId;
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::MemberCommand;
use crate::local_network::LocalNetwork;

pub fn run(command: MemberCommand, data: &DataDir) -> Result<Value> {
    match command {
        MemberCommand::Remove { network, member } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let me = local.me()?;
            let member = MemberId::new(member);
            // Every open invite goes with the removal: the removed person may know a ticket.
            let revoked = local.open.network.remove_member(&me, &member)?;
            local.save()?;
            Ok(json!({ "member": member, "removed": true, "revoked_invites": revoked }))
        }
    }
}
