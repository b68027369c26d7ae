//! Building the one iroh endpoint a node uses, in the mode the person chose.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use iroh::endpoint::{PortmapperConfig, QuicTransportConfig, VarInt, presets};
use iroh::{Endpoint, EndpointAddr, RelayMode, RelayUrl, SecretKey, TransportAddr};
use iroh_mdns_address_lookup::MdnsAddressLookup;

use crate::error::{NodeError, Result};

/// Kring's own mDNS service name: other iroh apps on the LAN are not mistaken for Kring.
const LAN_SERVICE: &str = "kring-v1";

/// What a peer may have in flight to this device on one connection, all streams together.
/// QUIC's defaults (100 + 100 streams of 1.25 MB each, no limit per connection) would let one
/// stranger make this device buffer 250 MB before a single byte is read; with this, the 64
/// connections allowed at once (`links::MAX_CONNECTIONS`) hold at most 64 MB. One stream had
/// 1.25 MB by default: a LAN is still filled, a relay with 100 ms round trips gets 10 MB/s.
const RECEIVE_WINDOW: u32 = 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct NetworkMode {
    /// No relay, no DNS or pkarr, no port mapping: only the LAN and addresses given.
    pub offline: bool,
    /// Listen on exactly this address (tests use 127.0.0.1:0).
    pub bind: Option<SocketAddr>,
    /// A relay run by a school or region instead of the public ones.
    pub relay_url: Option<RelayUrl>,
}

impl NetworkMode {
    /// Listens on 127.0.0.1 only, in offline mode: no relay, no discovery, nothing but this
    /// machine is ever contacted (tests, the bench).
    pub fn loopback_only() -> NetworkMode {
        NetworkMode { offline: true, bind: Some(SocketAddr::from(([127, 0, 0, 1], 0))), relay_url: None }
    }

    /// Laptops on the same LAN find each other by mDNS, in every mode, unless this device only
    /// listens on loopback (tests): then nothing but loopback is ever contacted.
    pub fn lan_discovery(&self) -> bool {
        self.bind.is_none_or(|addr| !addr.ip().is_loopback())
    }

    /// Whether a device can be dialed by its id alone (found on the LAN or via DNS).
    pub fn can_find_by_id(&self) -> bool {
        self.lan_discovery() || !self.offline
    }
}

/// Binds the endpoint. `last_port` is the port this device used before: it is tried first, so
/// that the addresses other members remember (and tickets carry) stay valid across restarts.
pub async fn bind(key: SecretKey, mode: &NetworkMode, alpns: Vec<Vec<u8>>, last_port: Option<u16>) -> Result<Endpoint> {
    if let Some(port) = last_port.filter(|port| *port != 0) {
        let pinned = match mode.bind {
            Some(addr) if addr.port() == 0 => vec![SocketAddr::new(addr.ip(), port)],
            Some(_) => vec![],
            None => {
                vec![SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)), SocketAddr::from((Ipv6Addr::UNSPECIFIED, port))]
            }
        };
        if !pinned.is_empty() {
            match try_bind(key.clone(), mode, alpns.clone(), &pinned).await {
                Ok(endpoint) => return Ok(endpoint),
                Err(err) => tracing::debug!("port {port} is taken ({err}); using another"),
            }
        }
    }
    let sockets: Vec<SocketAddr> = mode.bind.into_iter().collect();
    try_bind(key, mode, alpns, &sockets).await
}

/// Binds to exactly `sockets`, or iroh's defaults (every interface, a random port) if empty.
async fn try_bind(key: SecretKey, mode: &NetworkMode, alpns: Vec<Vec<u8>>, sockets: &[SocketAddr]) -> Result<Endpoint> {
    let bind_err = |err: &dyn std::fmt::Display| NodeError::Bind(err.to_string());
    let mut builder = if mode.offline {
        Endpoint::builder(presets::Minimal)
            .relay_mode(RelayMode::Disabled)
            .portmapper_config(PortmapperConfig::Disabled)
    } else {
        let builder = Endpoint::builder(presets::N0);
        match &mode.relay_url {
            Some(url) => builder.relay_mode(RelayMode::Custom(url.clone().into())),
            None => builder,
        }
    };
    // Kring opens one bidirectional stream per connection (sync or join), never a one-way one.
    let transport = QuicTransportConfig::builder()
        .max_concurrent_bidi_streams(VarInt::from_u32(4))
        .max_concurrent_uni_streams(VarInt::from_u32(0))
        .stream_receive_window(VarInt::from_u32(RECEIVE_WINDOW))
        .receive_window(VarInt::from_u32(RECEIVE_WINDOW))
        .build();
    builder = builder.secret_key(key).alpns(alpns).transport_config(transport);
    if mode.lan_discovery() {
        builder = builder.address_lookup(MdnsAddressLookup::builder().service_name(LAN_SERVICE));
    }
    if !sockets.is_empty() {
        builder = builder.clear_ip_transports();
        for socket in sockets {
            builder = builder.bind_addr(*socket).map_err(|e| bind_err(&e))?;
        }
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
