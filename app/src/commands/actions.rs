//! `kring actions`: the open actions of every meeting, per member.

use anyhow::Result;
use kring_model::{MemberId, ModelError};
use kring_store::DataDir;

use super::output::{MemberActions, OpenAction, OpenActions, Output};
use crate::cli::NetworkArg;
use crate::local_network::LocalNetwork;

/// Whose actions to list.
pub(super) enum Whose {
    Everyone,
    Member(String),
    Mine,
}

pub(super) fn run(network: &NetworkArg, whose: Whose, data: &DataDir) -> Result<Output> {
    let local = LocalNetwork::open(data, network.network.as_deref())?;
    let snapshot = local.snapshot()?;
    let only = match whose {
        Whose::Everyone => None,
        Whose::Mine => Some(local.me()?),
        Whose::Member(id) => {
            let member = MemberId::new(id);
            if !snapshot.members.contains_key(&member) {
                return Err(ModelError::UnknownMember(member).into());
            }
            Some(member)
        }
    };
    let open_actions = snapshot
        .open_actions()
        .into_iter()
        .filter(|(owner, _)| only.is_none() || owner.as_ref() == only.as_ref())
        .map(|(owner, actions)| {
            let name = owner.as_ref().and_then(|id| snapshot.members.get(id)).map(|m| m.name.clone());
            let actions = actions
                .into_iter()
                .map(|(session, action)| OpenAction {
                    session: session.id.clone(),
                    session_title: session.title.clone(),
                    session_date: session.starts_at.clone(),
                    action: action.id.clone(),
                    text: action.text.clone(),
                    due: action.due.clone(),
                })
                .collect();
            MemberActions { member: owner, name, actions }
        })
        .collect();
    Ok(OpenActions { network: snapshot.info.id.clone(), open_actions }.into())
}
