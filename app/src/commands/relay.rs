//! `kring relay`: a relay for the laptops of a school or region. Laptops that cannot reach each
//! other directly (other buildings, VLANs, client isolation on the Wi-Fi) send their traffic
//! through it. The relay only passes on packets that are end-to-end encrypted between two
//! laptops (QUIC with the devices' own keys): it never sees a note, a name or a network, only
//! which device ids talk. It runs plain HTTP: put it behind the school's HTTPS proxy to hide
//! even that.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use iroh_relay::server::{RelayConfig, Server, ServerConfig};

use super::output::{self, RelayListening};

pub(crate) fn run(listen: SocketAddr) -> Result<()> {
    super::runtime()?.block_on(relay(listen))
}

async fn relay(listen: SocketAddr) -> Result<()> {
    let mut config = ServerConfig::default();
    config.relay = Some(RelayConfig::new(listen));
    let server = Server::spawn(config).await.with_context(|| format!("cannot run a relay on {listen}"))?;
    let bound = server.http_addr().context("the relay did not start listening")?;
    let url = if bound.ip().is_unspecified() {
        format!("http://<the address of this server>:{}", bound.port())
    } else {
        format!("http://{bound}")
    };
    let stop = super::serve::shutdown_signal();
    // One line as every long-running command prints: what to tell the laptops.
    println!("{}", output::line(&RelayListening { relay: url, listening: bound.to_string() })?);
    stop.await;
    server.shutdown().await.context("the relay did not stop cleanly")?;
    Ok(())
}
