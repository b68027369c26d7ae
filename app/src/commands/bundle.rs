//! `kring bundle export|import`: a network on a USB stick.

use anyhow::{Context, Result, bail};
use kring_node::bundle;
use kring_store::{DataDir, write_atomic};
use serde_json::{Value, json};

use crate::cli::BundleCommand;
use crate::local_network::LocalNetwork;

pub fn run(command: BundleCommand, data: &DataDir) -> Result<Value> {
    match command {
        BundleCommand::Export { network, file } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let id = local.open.network.id().to_string();
            let signatures = local
                .open
                .sign_whole(data.device_key())
                .context("this laptop holds a change it cannot vouch for; sync once and try again")?;
            let bytes = bundle::write(&mut local.open.network, &signatures);
            write_atomic(&file, &bytes, None)?;
            Ok(json!({ "network": id, "file": file, "bytes": bytes.len() }))
        }
        BundleCommand::Import { file, accept_new_network } => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let mut incoming = bundle::read(&bytes)
                .map_err(|reason| anyhow::anyhow!("{} cannot be imported: {reason}", file.display()))?;
            let id = incoming.network.id().to_string();
            if !data.network_ids()?.contains(&id) {
                if !accept_new_network {
                    bail!(
                        "{} holds network {id}, which this device does not have; add --accept-new-network to take it in",
                        file.display()
                    );
                }
                let mut open = incoming.create(data)?;
                let changes = open.network.doc_mut().get_changes(&[]).len();
                return Ok(json!({ "network": id, "created": true, "new_changes": changes }));
            }
            let mut local = LocalNetwork::open(data, Some(&id))?;
            // On an error nothing is saved: the copy on disk stays as it was.
            let new_changes = bundle::merge(&mut local.open, &mut incoming)
                .map_err(|rejected| anyhow::anyhow!("{} cannot be imported: {rejected}", file.display()))?;
            local.save()?;
            Ok(json!({ "network": id, "created": false, "new_changes": new_changes }))
        }
    }
}
