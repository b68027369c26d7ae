//! `kring network create|list|rename|describe|region|theme`.

use anyhow::Result;
use kring_model::{Edit, Network, NetworkDetails, NetworkId, NetworkInfo, Profile};
use kring_store::DataDir;

use super::output::{
    ListedNetwork, Membership, NetworkDescription, NetworkList, NetworkName, NetworkRegion, NetworkThemes, Output,
};
use crate::cli::{NetworkArg, NetworkCommand, ProfileArgs, ThemeCommand};
use crate::local_network::{LocalNetwork, apply};

pub(super) fn run(command: NetworkCommand, data: &DataDir) -> Result<Output> {
    match command {
        NetworkCommand::Create { name, me, profile, kind } => {
            let details = NetworkDetails { name, kind: kind.parse()?, ..NetworkDetails::default() };
            let (network, member) =
                Network::create(&details, &profile_of(&me, &profile)?, data.device_key().as_signing_key())?;
            let mut local = LocalNetwork::create(data, network)?;
            local.save()?;
            Ok(Membership { network: local.open.network.id().clone(), member }.into())
        }
        NetworkCommand::List => {
            let mut networks = Vec::new();
            for id in data.network_ids()? {
                // One unreadable network must not hide the others.
                let (name, error) = match LocalNetwork::open(data, Some(&id)).and_then(|local| local.snapshot()) {
                    Ok(snapshot) => (Some(snapshot.info.name), None),
                    Err(err) => (None, Some(format!("{err:#}"))),
                };
                networks.push(ListedNetwork { id: NetworkId::new(id), name, error });
            }
            Ok(NetworkList { networks }.into())
        }
        NetworkCommand::Rename { network, name } => details(&network, data, Edit::Rename { name }, |info| {
            NetworkName { network: info.id, name: info.name }.into()
        }),
        NetworkCommand::Describe { network, description } => {
            details(&network, data, Edit::SetDescription { description }, |info| {
                NetworkDescription { network: info.id, description: info.description }.into()
            })
        }
        NetworkCommand::Region { network, region } => details(&network, data, Edit::SetRegion { region }, |info| {
            NetworkRegion { network: info.id, region: info.region }.into()
        }),
        NetworkCommand::Theme(ThemeCommand::Add { network, theme }) => {
            details(&network, data, Edit::AddTheme { theme }, |info| {
                NetworkThemes { network: info.id, themes: info.themes }.into()
            })
        }
        NetworkCommand::Theme(ThemeCommand::Remove { network, theme }) => {
            details(&network, data, Edit::RemoveTheme { theme }, |info| {
                NetworkThemes { network: info.id, themes: info.themes }.into()
            })
        }
    }
}

/// Changes the network's own details (coordinators) and answers with what `shown` takes from
/// them as now saved, e.g. the network's id and name.
fn details(network: &NetworkArg, data: &DataDir, edit: Edit, shown: impl Fn(NetworkInfo) -> Output) -> Result<Output> {
    let (local, _) = apply(data, network.network.as_deref(), &edit)?;
    Ok(shown(local.snapshot()?.info))
}

pub(super) fn profile_of(name: &str, args: &ProfileArgs) -> Result<Profile> {
    Ok(Profile {
        name: name.to_string(),
        perspective: args.perspective.parse()?,
        organisation: args.organisation.clone(),
    })
}
