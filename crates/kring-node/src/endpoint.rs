//! Building the one iroh endpoint a node uses, in the mode the person chose.

use std::net::SocketAddr;

use iroh::endpoint::{PortmapperConfig, presets};
use iroh::{Endpoint, EndpointAddr, RelayMode, RelayUrl, SecretKey, TransportAddr};

use crate::error::{NodeError, Result};

#[derive(Debug, Clone, Default)]
pub struct NetworkMode {
    /// No relay, no DNS or pkarr, no port mapping: only the LAN and addresses given.
    pub offline: bool,
    /// Listen on exactly this address (tests use 127.0.0.1:0).
    pub bind: Option<SocketAddr>,
    /// A relay run by a school or region instead of the public ones.
    pub relay_url: Option<RelayUrl>,
}

pub async fn bind(key: SecretKey, mode: &NetworkMode, alpns: Vec<Vec<u8>>) -> Result<Endpoint> {
    let bind_err = |err: &dyn std::fmt::Display| NodeError::Bind(err.to_string());
    let mut builder = if mode.offline {
        Endpoint::builder(presets::Minimal).relay_mode(RelayMode::Disabled)
    } else {
        let builder = Endpoint::builder(presets::N0);
        match &mode.relay_url {
            Some(url) => builder.relay_mode(RelayMode::Custom(url.clone().into())),
            None => builder,
        }
    };
    builder = builder.secret_key(key).alpns(alpns);
    if mode.offline {
        builder = builder.portmapper_config(PortmapperConfig::Disabled);
    }
    if let Some(addr) = mode.bind {
        builder = builder.clear_ip_transports().bind_addr(addr).map_err(|e| bind_err(&e))?;
    }
    builder.bind().await.map_err(|e| bind_err(&e))
}

/// This endpoint's address with the sockets it is actually bound to (what tickets carry).
pub fn own_addr(endpoint: &Endpoint) -> EndpointAddr {
    let mut addr = endpoint.addr();
    for socket in endpoint.bound_sockets() {
        if !socket.ip().is_unspecified() {
            addr.addrs.insert(TransportAddr::Ip(socket));
        }
    }
    addr
}
