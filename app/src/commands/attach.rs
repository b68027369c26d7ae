//! `kring attach` and `kring attachment get`: a file's bytes into this laptop's store of the
//! network, and out of it (fetched from a member's laptop first when they are not here).

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use kring_model::{AttachedTo, AttachmentId, CycleId, QuestionId, SessionId};
use kring_node::{Node, NodeError};
use kring_store::DataDir;

use super::output::{Attached, AttachmentSaved, Output};
use crate::cli::{NetArgs, NetworkArg};
use crate::local_network::LocalNetwork;

/// What the flags attach to (clap lets through exactly a session, or a question with or
/// without a cycle).
pub(super) fn target(session: Option<String>, question: Option<String>, cycle: Option<String>) -> AttachedTo {
    match (session, question, cycle) {
        (Some(session), _, _) => AttachedTo::Session(SessionId::new(session)),
        (None, Some(question), Some(cycle)) => {
            AttachedTo::Cycle { question: QuestionId::new(question), cycle: CycleId::new(cycle) }
        }
        (None, question, _) => AttachedTo::Question(QuestionId::new(question.unwrap_or_default())),
    }
}

pub(super) async fn attach(network: &NetworkArg, to: &AttachedTo, file: &Path, data: &DataDir) -> Result<Output> {
    let mut local = LocalNetwork::open(data, network.network.as_deref())?;
    let (attachment, hash) =
        kring_node::attach_here(data, &mut local.open, to, file).await.context("the file cannot be attached")?;
    let snapshot = local.snapshot()?;
    let (_, added) = snapshot.attachment(&attachment).context("the attachment was written but cannot be read")?;
    Ok(Attached {
        network: local.open.network.id().clone(),
        attachment,
        hash,
        name: added.name.clone(),
        kind: added.kind,
        size: added.size,
    }
    .into())
}

/// From this laptop's store if the bytes are here; else through a node that fetches them from
/// a member's laptop, for at most `timeout` seconds.
pub(super) async fn get(
    network: &NetworkArg,
    attachment: &AttachmentId,
    out: &Path,
    net: &NetArgs,
    timeout: u64,
    data: &DataDir,
) -> Result<Output> {
    let (id, hash) = {
        let local = LocalNetwork::open(data, network.network.as_deref())?;
        let snapshot = local.snapshot()?;
        let (_, found) = snapshot
            .attachment(attachment)
            .with_context(|| format!("network {} has no attachment {attachment}", snapshot.info.id))?;
        (snapshot.info.id.to_string(), found.hash.clone())
    };
    let cannot = || format!("attachment {attachment} cannot be saved to {}", out.display());
    let (bytes, fetched) = match kring_node::save_here(data, &id, &hash, out).await {
        Ok(bytes) => (bytes, None),
        Err(NodeError::AttachmentNotHere) => {
            // Part of it may be here from a fetch that was cut off: only the rest travels.
            let held = kring_node::bytes_here(data, &id, &hash).await.with_context(cannot)?;
            (fetch(&id, attachment, out, net, timeout, data).await.with_context(cannot)?, Some(held))
        }
        Err(err) => return Err(err).with_context(cannot),
    };
    let saved = AttachmentSaved {
        attachment: attachment.clone(),
        hash,
        file: out.to_path_buf(),
        bytes,
        fetched: fetched.is_some(),
        resumed_from: fetched.unwrap_or(bytes),
    };
    Ok(saved.into())
}

async fn fetch(
    network: &str,
    attachment: &AttachmentId,
    out: &Path,
    net: &NetArgs,
    timeout: u64,
    data: &DataDir,
) -> Result<u64, NodeError> {
    let mode = super::network_mode(net, data).map_err(|err| NodeError::Connection(err.to_string()))?;
    let (node, warnings) = Node::start(data, &mode).await?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    node.spawn_dialer();
    node.spawn_attachment_fetch();
    let saved = node.save_attachment(network, attachment, out, Duration::from_secs(timeout)).await;
    node.shutdown().await;
    saved
}
