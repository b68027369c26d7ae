//! `kring network create|list`.

use anyhow::Result;
use kring_model::{Network, NetworkDetails, Profile};
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::{NetworkCommand, ProfileArgs};
use crate::local_network::LocalNetwork;

pub fn run(command: NetworkCommand, data: &DataDir) -> Result<Value> {
    match command {
        NetworkCommand::Create { name, me, profile } => {
            let details = NetworkDetails { name, ..NetworkDetails::default() };
            let (network, member) = Network::create(&details, &profile_of(&me, &profile)?, &data.device_id())?;
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
    }
}

pub fn profile_of(name: &str, args: &ProfileArgs) -> Result<Profile> {
    Ok(Profile {
        name: name.to_string(),
        perspective: args.perspective.parse()?,
        organisation: args.organisation.clone(),
    })
}
