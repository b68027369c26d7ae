//! One module per command group. Each command returns the JSON object it prints.

mod bundle;
mod invite;
mod join;
mod member;
mod network;
mod question;
mod reflection;
pub mod serve;
mod session;
mod settings;
mod show;
mod sync;

use anyhow::Result;
use kring_store::DataDir;
use serde_json::Value;

use crate::cli::Command;

pub fn run(command: Command, data: &DataDir) -> Result<Value> {
    match command {
        Command::Network(command) => network::run(command, data),
        Command::Session(command) => session::run(command, data),
        Command::Question(command) => question::run(command, data),
        Command::Reflection(command) => reflection::run(command, data),
        Command::Member(command) => member::run(command, data),
        Command::Bundle(command) => bundle::run(command, data),
        Command::Show(args) => show::run(&args, data),
        Command::Invite(args) => invite::run(args, data),
        Command::Settings { offline, relay_url, public_relays, language } => {
            settings::run(offline, relay_url, public_relays, language, data)
        }
        Command::Join { ticket, me, profile, net, timeout } => {
            let profile = network::profile_of(&me, &profile)?;
            runtime()?.block_on(join::run(&ticket, &profile, &net, timeout, data))
        }
        Command::Sync { network, net, timeout } => runtime()?.block_on(sync::run(&network, &net, timeout, data)),
        Command::Serve { .. } => unreachable!("serve owns the data directory and runs in main"),
    }
}

/// Networking commands run on a tokio runtime; editing commands do not need one.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

/// The networking mode from the flags and the saved settings.
pub fn network_mode(net: &crate::cli::NetArgs, data: &DataDir) -> Result<kring_node::NetworkMode> {
    let config = data.config()?;
    let relay_url = match &config.relay_url {
        Some(url) => Some(
            url.parse().map_err(|err| anyhow::anyhow!("the relay URL '{url}' in the settings is invalid: {err}"))?,
        ),
        None => None,
    };
    Ok(kring_node::NetworkMode { offline: net.offline || config.offline, bind: net.bind, relay_url })
}
