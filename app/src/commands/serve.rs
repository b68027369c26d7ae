//! `kring serve`: this device as a live peer until Ctrl-C or SIGTERM. Prints its address (and
//! a ticket with `--invite`) as the first JSON line, then one JSON line per event.

use std::io::Write;

use anyhow::Result;
use kring_node::Node;
use kring_node::address_book::addr_to_text;
use kring_store::DataDir;
use serde::Serialize;

use super::output::{self, ServeProblem, Serving};
use crate::cli::{InviteLimits, NetArgs, NetworkArg};

pub(crate) struct ServeArgs {
    pub net: NetArgs,
    pub invite: bool,
    pub limits: InviteLimits,
    pub network: NetworkArg,
}

pub(crate) fn run(args: ServeArgs, data: &DataDir) -> Result<()> {
    super::runtime()?.block_on(serve(args, data))
}

async fn serve(args: ServeArgs, data: &DataDir) -> Result<()> {
    let mode = super::network_mode(&args.net, data)?;
    let (node, warnings) = Node::start(data, &mode).await?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    // However serving ends (Ctrl-C, or an invitation that cannot be made), the node closes its
    // connections before the command ends.
    let result = serve_until_stopped(&node, &args).await;
    node.shutdown().await;
    result
}

/// Prints where this laptop listens (and an invitation when asked for), then every event of
/// the node until Ctrl-C.
async fn serve_until_stopped(node: &Node, args: &ServeArgs) -> Result<()> {
    let mut events = node.subscribe();
    let mut first = Serving {
        endpoint: node.endpoint_id(),
        addrs: node.addr().addrs.iter().map(addr_to_text).collect(),
        ticket: None,
        invite: None,
    };
    if args.invite {
        let network = node.network_id(args.network.network.as_deref())?;
        let limits = &args.limits;
        let (invite, ticket) = node.create_invite_for(
            &network,
            kring_model::Role::Member,
            limits.max_uses,
            limits.expires,
            &limits.made_for,
        )?;
        first.ticket = Some(ticket.to_text());
        first.invite = Some(invite);
    }
    let stop = shutdown_signal();
    tokio::pin!(stop);
    print_line(&first);
    node.spawn_dialer();
    node.spawn_attachment_fetch();

    loop {
        tokio::select! {
            _ = &mut stop => break,
            event = events.recv() => match event {
                Ok(event) => print_line(&event),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    print_line(&ServeProblem::Error { message: format!("{missed} events were not shown") });
                }
                Err(_) => break,
            },
        }
    }
    Ok(())
}

fn print_line(value: &impl Serialize) {
    let line = match output::line(value) {
        Ok(line) => line,
        Err(err) => {
            tracing::warn!("a line could not be written as JSON: {err}");
            return;
        }
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
}

/// Ctrl-C, or SIGTERM (how service managers and `kill` stop a process). The handlers are in
/// place when this returns, before the first line is printed: a script that stops Kring as
/// soon as it has read that line gets a clean stop, not the default "killed".
pub(crate) fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (interrupt, terminate) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()));
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                }
                // No handlers (not expected on a desktop system): Ctrl-C as tokio sees it.
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
