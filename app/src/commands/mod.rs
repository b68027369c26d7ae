//! One module per command group. Each command returns what it prints (see [`output`]).

mod actions;
mod attach;
mod bin;
mod bundle;
pub(crate) mod calendar;
mod chapter;
mod connect;
mod device;
mod invite;
mod join;
mod leerhuis;
mod member;
mod network;
pub(crate) mod output;
mod question;
mod reflection;
pub(crate) mod relay;
pub(crate) mod room;
pub(crate) mod serve;
mod session;
mod settings;
mod show;
mod sync;

use anyhow::Result;
use kring_store::DataDir;

use self::output::Output;
use crate::cli::Command;

pub(crate) fn run(command: Command, data: &DataDir) -> Result<Output> {
    match command {
        Command::Network(command) => network::run(command, data),
        Command::Session(command) => session::run(command, data),
        Command::Question(command) => question::run(command, data),
        Command::Reflection(command) => reflection::run(command, data),
        Command::Member(command) => member::run(command, data),
        Command::Device(command) => device::run(command, data),
        Command::Bundle(command) => bundle::run(command, data),
        Command::Chapter(command) => chapter::run(command, data),
        Command::Erase { network, what, from, to } => {
            chapter::erase(network.network.as_deref(), &what, from.zip(to), data)
        }
        Command::Attach { network, session, question, cycle, file } => {
            let to = attach::target(session, question, cycle);
            runtime()?.block_on(attach::attach(&network, &to, &file, data))
        }
        Command::Attachment(crate::cli::AttachmentCommand::Get { network, attachment, out, net, timeout }) => {
            let attachment = kring_model::AttachmentId::new(attachment);
            runtime()?.block_on(attach::get(&network, &attachment, &out, &net, timeout, data))
        }
        Command::Show(args) => show::run(&args, data),
        Command::Actions { network, member, mine } => {
            let whose = match (member, mine) {
                (Some(member), _) => actions::Whose::Member(member),
                (None, true) => actions::Whose::Mine,
                (None, false) => actions::Whose::Everyone,
            };
            actions::run(&network, whose, data)
        }
        Command::Bin(network) => bin::run(&network, data),
        Command::Calendar { network, session, out: Some(out) } => {
            calendar::write(&network, session.as_deref(), &out, data)
        }
        Command::Calendar { out: None, .. } => unreachable!("a calendar for stdout is printed as it is, in main"),
        Command::Invite(args) => invite::run(args, data),
        Command::Leerhuis(command) => leerhuis::run(command, data),
        Command::Settings { offline, relay_url, public_relays, language, no_public_services, lan_announce } => {
            let privacy = settings::Privacy { no_public_services, lan_announce };
            settings::run(offline, relay_url, public_relays, language, privacy, data)
        }
        Command::Join { ticket, me, profile, net, timeout } => {
            let profile = network::profile_of(&me, &profile)?;
            runtime()?.block_on(join::run(&ticket, &profile, &net, timeout, data))
        }
        Command::Sync { network, net, timeout } => runtime()?.block_on(sync::run(&network, &net, timeout, data)),
        Command::Connect { target, network, net, timeout } => {
            runtime()?.block_on(connect::run(&target, &network, &net, timeout, data))
        }
        Command::Serve { .. } => unreachable!("serve owns the data directory and runs in main"),
        Command::Room(_) => unreachable!("a room prints a line per contribution and runs in main"),
        Command::Relay { .. } => unreachable!("a relay needs no data directory and runs in main"),
    }
}

/// Networking commands run on a tokio runtime; editing commands do not need one.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

/// The networking mode from the flags and the saved settings.
pub(crate) fn network_mode(net: &crate::cli::NetArgs, data: &DataDir) -> Result<kring_node::NetworkMode> {
    mode_of(net, &data.config()?)
}

fn mode_of(net: &crate::cli::NetArgs, config: &kring_store::Config) -> Result<kring_node::NetworkMode> {
    let relay_url = match &config.relay_url {
        Some(url) => Some(
            url.parse().map_err(|err| anyhow::anyhow!("the relay URL '{url}' in the settings is invalid: {err}"))?,
        ),
        None => None,
    };
    Ok(kring_node::NetworkMode {
        offline: net.offline || config.offline,
        bind: net.bind,
        relay_url,
        no_public_services: config.no_public_services,
        lan_announce: config.lan_announce,
    })
}

#[cfg(test)]
mod tests {
    use kring_node::{Relay, Services};
    use kring_store::Config;

    use super::*;
    use crate::cli::NetArgs;

    const SCHOOL: &str = "https://relay.school.example/";

    fn services(config: Config, offline_flag: bool) -> Services {
        mode_of(&NetArgs { offline: offline_flag, bind: None }, &config).unwrap().services()
    }

    /// The saved settings reach the endpoint: each combination gives the relay, DNS/pkarr and
    /// mDNS it should.
    #[test]
    fn settings_decide_relay_dns_and_mdns() {
        let school = || Relay::Custom(SCHOOL.parse().unwrap());
        let cases = [
            // (no_public_services, custom relay, lan_announce) => relay, dns_pkarr, mdns
            ((false, false, true), (Relay::Public, true, true)),
            ((false, false, false), (Relay::Public, true, false)),
            ((false, true, true), (school(), false, true)),
            ((false, true, false), (school(), false, false)),
            ((true, false, true), (Relay::None, false, true)),
            ((true, false, false), (Relay::None, false, false)),
            ((true, true, true), (school(), false, true)),
            ((true, true, false), (school(), false, false)),
        ];
        for ((no_public_services, custom, lan_announce), (relay, dns_pkarr, mdns)) in cases {
            let config = Config {
                no_public_services,
                lan_announce,
                relay_url: custom.then(|| SCHOOL.to_string()),
                ..Config::default()
            };
            let got = services(config.clone(), false);
            assert_eq!((got.relay, got.dns_pkarr, got.mdns), (relay, dns_pkarr, mdns), "{config:?}");
            // Offline, from the settings or the flag, there is never a relay or DNS/pkarr.
            for (offline_setting, offline_flag) in [(true, false), (false, true)] {
                let got = services(Config { offline: offline_setting, ..config.clone() }, offline_flag);
                assert_eq!((got.relay, got.dns_pkarr, got.mdns), (Relay::None, false, mdns), "offline {config:?}");
            }
        }
    }

    #[test]
    fn an_invalid_relay_in_the_settings_is_an_error() {
        let config = Config { relay_url: Some("not a url".into()), ..Config::default() };
        let err = mode_of(&NetArgs { offline: false, bind: None }, &config).unwrap_err();
        assert!(err.to_string().contains("not a url"), "{err}");
    }
}
