//! `kring bundle export|import`: a network on a USB stick, encrypted for the laptops of its
//! members (or, for a laptop that is not a member yet, with a passphrase).

use std::io::IsTerminal;

use anyhow::{Context, Result, anyhow, bail};
use kring_node::BundleProblem;
use kring_node::bundle::{self, Lock, MIN_PASSPHRASE_CHARS, Passphrase, Unlock};
use kring_store::DataDir;

use super::output::{BundleExported, BundleImported, LockedFor, Output};
use crate::cli::BundleCommand;
use crate::local_network::LocalNetwork;

/// Where a script gives a bundle's passphrase (an argument would show in the process list).
pub(super) const PASSPHRASE_VAR: &str = "KRING_BUNDLE_PASSPHRASE";

pub(super) fn run(command: BundleCommand, data: &DataDir) -> Result<Output> {
    match command {
        BundleCommand::Export { network, file, passphrase, with_attachments } => {
            // Asked first: nothing is done when no good passphrase comes.
            let passphrase = passphrase.then(|| ask_passphrase(true)).transpose()?;
            if passphrase.as_ref().is_some_and(|p| !p.is_long_enough()) {
                bail!(
                    "the passphrase must be at least {MIN_PASSPHRASE_CHARS} characters long; a sentence of a few words is easy to remember and hard to guess"
                );
            }
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let id = local.open.network.id().to_string();
            let signatures = local
                .open
                .sign_whole(data.device_key())
                .context("this laptop holds a change it cannot vouch for; sync once and try again")?;
            let readers = bundle::readers(&local.open.network, data.device_key().public())?;
            let (lock, locked_for) = match &passphrase {
                Some(passphrase) => (Lock::Passphrase(passphrase), LockedFor::Passphrase),
                None => (Lock::Devices(&readers), LockedFor::MembersDevices(readers.len())),
            };
            let written = bundle::write_file(data, &file, &mut local.open.network, &signatures, lock, with_attachments)
                .with_context(|| format!("{} was not written", file.display()))?;
            let (attachments, attachments_missing) = match with_attachments {
                true => (Some(written.attachments), Some(written.missing)),
                false => (None, None),
            };
            let bytes = written.bytes as usize;
            Ok(BundleExported { network: id, file, bytes, locked_for, attachments, attachments_missing }.into())
        }
        BundleCommand::Import { file, accept_new_network } => {
            // Read as a stream: a file larger than a bundle can be is refused by its size.
            let read = |passphrase: Option<&Passphrase>| {
                bundle::read_file_with_attachments(data, &file, Unlock { device: data.device_key(), passphrase })
                    .with_context(|| format!("cannot read {}", file.display()))
            };
            let read = match read(None)? {
                Err(BundleProblem::NeedsPassphrase) => read(Some(&ask_passphrase(false)?))?,
                read => read,
            };
            let mut incoming = read.map_err(|reason| anyhow!("{} cannot be imported: {reason}", file.display()))?;
            let id = incoming.network.id().to_string();
            let carried = incoming.attachments();
            let attachments = (carried > 0).then_some(carried);
            if !data.network_ids()?.contains(&id) {
                if !accept_new_network {
                    bail!(
                        "{} holds network {id}, which this device does not have; add --accept-new-network to take it in",
                        file.display()
                    );
                }
                let mut open = incoming.create(data)?;
                let changes = open.network.doc_mut().get_changes(&[]).len();
                return Ok(BundleImported { network: id, created: true, new_changes: changes, attachments }.into());
            }
            let mut local = LocalNetwork::open(data, Some(&id))?;
            // On an error nothing is saved: the copy on disk stays as it was.
            let new_changes = bundle::merge(&mut local.open, &mut incoming)
                .map_err(|rejected| anyhow!("{} cannot be imported: {rejected}", file.display()))?;
            local.save()?;
            incoming.keep_attachments(data).context("the network was merged, but its attachments were not kept")?;
            Ok(BundleImported { network: id, created: false, new_changes, attachments }.into())
        }
    }
}

/// A bundle's passphrase: from [`PASSPHRASE_VAR`], typed at the terminal (not shown; twice when
/// it is new), or the first line on stdin.
fn ask_passphrase(new: bool) -> Result<Passphrase> {
    if let Some(text) = std::env::var_os(PASSPHRASE_VAR) {
        let text = text.into_string().map_err(|_| anyhow!("{PASSPHRASE_VAR} is not valid text"))?;
        if text.is_empty() {
            bail!("{PASSPHRASE_VAR} is empty");
        }
        return Ok(Passphrase::new(text));
    }
    if std::io::stdin().is_terminal() {
        let text = rpassword::prompt_password("Wachtwoordzin van de bundel (passphrase): ")?;
        if new && rpassword::prompt_password("Nog een keer (again): ")? != text {
            bail!("the two passphrases differ; nothing was written");
        }
        return Ok(Passphrase::new(text));
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("cannot read the passphrase from stdin")?;
    line.truncate(line.trim_end_matches(['\n', '\r']).len());
    if line.is_empty() {
        bail!(
            "this needs a passphrase: set {PASSPHRASE_VAR}, type it at a terminal, or give it as the first line on stdin"
        );
    }
    Ok(Passphrase::new(line))
}
