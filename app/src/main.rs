//! `kring`: the desktop app without a command, the headless tool with one.

mod cli;
mod commands;
mod local_network;

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use kring_store::DataDir;

use cli::Cli;

fn main() -> ExitCode {
    init_logging();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => {
            // --help and --version: print as clap formats them.
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("{}", one_line(&err.render().to_string()));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line, with the whole chain of causes: "cannot open …: no such file".
            eprintln!("error: {}", one_line(&format!("{err:#}")));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    if let Some(cli::Command::Relay { listen }) = cli.command {
        // A relay on a school's server keeps nothing: no data folder, no device key.
        return commands::relay::run(listen);
    }
    let root = match cli.data_dir {
        Some(dir) => dir,
        None => DataDir::default_root().context("this system has no home or data directory; pass --data-dir DIR")?,
    };
    let data = DataDir::open(&root)?;
    let Some(command) = cli.command else {
        // No command: the desktop client.
        let net = cli::NetArgs { offline: cli.gui_offline, bind: cli.gui_bind };
        let mode = commands::network_mode(&net, &data)?;
        return kring_ui::run(data, mode, cli.screen)
            .map_err(|err| anyhow::anyhow!("the desktop window could not open: {err}"));
    };
    if let cli::Command::Serve { net, invite, limits, network } = command {
        // Serve prints a line per event as it goes, not one object at the end.
        return commands::serve::run(commands::serve::ServeArgs { net, invite, limits, network }, &data);
    }
    if let cli::Command::Room(command) = command {
        // A room prints its address, then a line per contribution, as it goes.
        return commands::room::run(command, &data);
    }
    if let cli::Command::Calendar { network, session, out: None } = &command {
        // The calendar itself, to save or pipe on (`kring calendar > plg.ics`).
        let (calendar, _) = commands::calendar::ics(network, session.as_deref(), &data)?;
        return print_out(&calendar);
    }
    let output = commands::run(command, &data)?;
    let line = commands::output::line(&output).context("the answer cannot be written as JSON")?;
    print_out(&format!("{line}\n"))
}

/// Writes `text` to stdout. A reader that stopped reading early (`kring show | head -c 100`)
/// is not an error: the output simply ends there, quietly.
fn print_out(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => Ok(written.context("cannot write to stdout")?),
    }
}

/// Scripts and people read errors as one line.
fn one_line(message: &str) -> String {
    message.lines().map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Logs go to stderr (stdout is for JSON), quiet unless `KRING_LOG` asks for more.
fn init_logging() {
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::EnvFilter::try_from_env("KRING_LOG").unwrap_or_else(|_| {
        // The mDNS library warns that a LAN without a default route has no "default
        // interface" (normal on a classroom access point, and handled), and logs an error twice
        // a second where the Wi-Fi blocks multicast: neither is anything a person can act on.
        // Without internet, iroh warns each time it could not publish this laptop's address;
        // Kring says once that the internet is gone (the `internet` event) instead.
        tracing_subscriber::EnvFilter::new("warn,swarm_discovery=off,iroh::address_lookup::pkarr=error")
    });
    // Once Kring closes its endpoint, iroh's tasks end and some say so as errors: a normal end.
    let quiet_while_closing = tracing_subscriber::filter::filter_fn(|meta| {
        !(kring_node::endpoint::closing() && meta.target().starts_with("iroh"))
    });
    let stderr = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    tracing_subscriber::registry().with(stderr.with_filter(filter).with_filter(quiet_while_closing)).init();
}
