//! `kring member remove|role|profile`.

use anyhow::{Context, Result};
use kring_model::{Applied, Edit, MemberId, Profile};
use kring_store::DataDir;

use super::output::{MemberRemoved, Output, ProfileSaved, RoleSet};
use crate::cli::MemberCommand;
use crate::local_network::{LocalNetwork, apply};

pub(super) fn run(command: MemberCommand, data: &DataDir) -> Result<Output> {
    match command {
        MemberCommand::Remove { network, member, new_chapter } => {
            let member = MemberId::new(member);
            // Every open invite goes with the removal: the removed person may know a ticket.
            let remove = Edit::RemoveMember { member: member.clone() };
            let (mut local, applied) = apply(data, network.network.as_deref(), &remove)?;
            super::leerhuis::follow_removal(data, &mut local);
            let revoked = match applied {
                Applied::RevokedInvites(revoked) => revoked,
                _ => Vec::new(),
            };
            let chapter = match new_chapter {
                true => Some(super::chapter::start(local, data, &[], false)?.chapter.chapter),
                false => None,
            };
            Ok(MemberRemoved { member, removed: true, revoked_invites: revoked, chapter }.into())
        }
        MemberCommand::Role { network, member, role } => {
            let member = MemberId::new(member);
            let role = role.parse()?;
            apply(data, network.network.as_deref(), &Edit::SetRole { member: member.clone(), role })?;
            Ok(RoleSet { member, role }.into())
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
            Ok(ProfileSaved {
                member,
                name: saved.name.clone(),
                perspective: saved.perspective,
                organisation: saved.organisation.clone(),
            }
            .into())
        }
    }
}
