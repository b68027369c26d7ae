//! `kring member remove|role|profile`.

use anyhow::{Context, Result};
use kring_model::{Applied, Edit, MemberId, Profile};
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::MemberCommand;
use crate::local_network::{LocalNetwork, apply};

pub fn run(command: MemberCommand, data: &DataDir) -> Result<Value> {
    match command {
        MemberCommand::Remove { network, member, new_chapter } => {
            let member = MemberId::new(member);
            // Every open invite goes with the removal: the removed person may know a ticket.
            let remove = Edit::RemoveMember { member: member.clone() };
            let (local, applied) = apply(data, network.network.as_deref(), &remove)?;
            let revoked = match applied {
                Applied::RevokedInvites(revoked) => revoked,
                _ => Vec::new(),
            };
            let mut removed = json!({ "member": member, "removed": true, "revoked_invites": revoked });
            if new_chapter {
                removed["chapter"] = super::chapter::start(local, data, &[], false)?["chapter"].clone();
            }
            Ok(removed)
        }
        MemberCommand::Role { network, member, role } => {
            let member = MemberId::new(member);
            apply(data, network.network.as_deref(), &Edit::SetRole { member: member.clone(), role: role.parse()? })?;
            Ok(json!({ "member": member, "role": role }))
        }
        MemberCommand::Profile { network, member, name, perspective, organisation } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let member = match member {
                Some(member) => MemberId::new(member),
                None => local.me()?,
            };
            // What is left out stays as it is.
            let current = local
                .snapshot()?
                .members
                .get(&member)
                .cloned()
                .ok_or_else(|| anyhow::Error::new(kring_model::ModelError::UnknownMember(member.clone())))?;
            let profile = Profile {
                name: name.unwrap_or(current.name),
                perspective: match perspective {
                    Some(word) => word.parse()?,
                    None => current.perspective,
                },
                organisation: organisation.unwrap_or(current.organisation),
            };
            local.apply(&Edit::UpdateProfile { member: member.clone(), profile })?;
            let snapshot = local.snapshot()?;
            let saved = snapshot.members.get(&member).context("the member is gone")?;
            Ok(json!({
                "member": member, "name": saved.name, "perspective": saved.perspective,
                "organisation": saved.organisation,
            }))
        }
    }
}
