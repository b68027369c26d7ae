//! `kring bundle export|import`: a network on a USB stick.

use anyhow::{Context, Result, bail};
use kring_model::Network;
use kring_model::automerge::AutoCommit;
use kring_store::{DataDir, bundle, write_atomic};
use serde_json::{Value, json};

use crate::cli::BundleCommand;
use crate::local_network::LocalNetwork;

pub fn run(command: BundleCommand, data: &DataDir) -> Result<Value> {
    match command {
        BundleCommand::Export { network, file } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let id = local.network.id().to_string();
            let bytes = bundle::encode(&id, &local.network.doc_mut().save());
            write_atomic(&file, &bytes, None)?;
            Ok(json!({ "network": id, "file": file, "bytes": bytes.len() }))
        }
        BundleCommand::Import { file, accept_new_network } => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let (id, document) = bundle::decode(&bytes)
                .map_err(|reason| anyhow::anyhow!("{} cannot be imported: {reason}", file.display()))?;
            let doc =
                AutoCommit::load(document).with_context(|| format!("{} holds a damaged network", file.display()))?;
            let mut incoming =
                Network::from_doc(doc).with_context(|| format!("{} cannot be imported", file.display()))?;
            if incoming.id().as_str() != id {
                bail!("{} is inconsistent: it is labelled {id} but holds network {}", file.display(), incoming.id());
            }
            if !data.network_ids()?.iter().any(|known| known == id) {
                if !accept_new_network {
                    bail!(
                        "{} holds network {id}, which this device does not have; add --accept-new-network to take it in",
                        file.display()
                    );
                }
                let mut local = LocalNetwork::create(data, incoming)?;
                local.save()?;
                let changes = local.network.doc_mut().get_changes(&[]).len();
                return Ok(json!({ "network": id, "created": true, "new_changes": changes }));
            }
            let mut local = LocalNetwork::open(data, Some(id))?;
            let before = local.network.heads();
            local.network.merge(&mut incoming)?;
            local.save()?;
            let new_changes = local.network.doc_mut().get_changes(&before).len();
            Ok(json!({ "network": id, "created": false, "new_changes": new_changes }))
        }
    }
}
