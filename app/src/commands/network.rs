//! `kring network create|list|rename|describe|region|theme`.

use anyhow::Result;
use kring_model::{Edit, Network, NetworkDetails, NetworkInfo, Profile};
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::{NetworkArg, NetworkCommand, ProfileArgs, ThemeCommand};
use crate::local_network::{LocalNetwork, apply};

pub fn run(command: NetworkCommand, data: &DataDir) -> Result<Value> {
    match command {
        NetworkCommand::Create { name, me, profile } => {
            let details = NetworkDetails { name, ..NetworkDetails::default() };
            let (network, member) =
                Network::create(&details, &profile_of(&me, &profile)?, data.device_key().as_signing_key())?;
            let mut local = LocalNetwork::create(data, network)?;
            local.save()?;
            Ok(json!({ "network": local.open.network.id(), "member": member }))
        }
        NetworkCommand::List => {
            let mut networks = Vec::new();
            for id in data.network_ids()? {
                // One unreadable network must not hide the others.
                let entry = match LocalNetwork::open(data, Some(&id)).and_then(|local| local.snapshot()) {
                    Ok(snapshot) => json!({ "id": id, "name": snapshot.info.name }),
                    Err(err) => json!({ "id": id, "name": null, "error": format!("{err:#}") }),
                };
                networks.push(entry);
            }
            Ok(json!({ "networks": networks }))
        }
        NetworkCommand::Rename { network, name } => {
            details(&network, data, Edit::Rename { name }, |info| json!({ "name": info.name }))
        }
        NetworkCommand::Describe { network, description } => details(
            &network,
            data,
            Edit::SetDescription { description },
            |info| json!({ "description": info.description }),
        ),
        NetworkCommand::Region { network, region } => {
            details(&network, data, Edit::SetRegion { region }, |info| json!({ "region": info.region }))
        }
        NetworkCommand::Theme(ThemeCommand::Add { network, theme }) => {
            details(&network, data, Edit::AddTheme { theme }, |info| json!({ "themes": info.themes }))
        }
        NetworkCommand::Theme(ThemeCommand::Remove { network, theme }) => {
            details(&network, data, Edit::RemoveTheme { theme }, |info| json!({ "themes": info.themes }))
        }
    }
}

/// Changes the network's own details (coordinators) and answers with the network's id and the
/// detail as now saved, e.g. `{"network": …, "name": …}`.
fn details(network: &NetworkArg, data: &DataDir, edit: Edit, shown: impl Fn(&NetworkInfo) -> Value) -> Result<Value> {
    let (local, _) = apply(data, network.network.as_deref(), &edit)?;
    let info = local.snapshot()?.info;
    let mut answer = shown(&info);
    answer["network"] = json!(info.id);
    Ok(answer)
}

pub fn profile_of(name: &str, args: &ProfileArgs) -> Result<Profile> {
    Ok(Profile {
        name: name.to_string(),
        perspective: args.perspective.parse()?,
        organisation: args.organisation.clone(),
    })
}
