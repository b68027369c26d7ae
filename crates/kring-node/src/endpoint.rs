//! Building the one iroh endpoint a node uses, in the mode the person chose.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use iroh::dns::DnsResolver;
use iroh::endpoint::{Builder, IdleTimeout, PortmapperConfig, QuicTransportConfig, VarInt, presets};
use iroh::{Endpoint, EndpointAddr, RelayMode, RelayUrl, SecretKey, TransportAddr};

use crate::error::{NodeError, Result};
use crate::lan::LanDiscovery;
use crate::polite_dns::{Internet, PoliteResolver};

/// What a peer may have in flight to this device on one connection, all streams together.
/// QUIC's defaults (100 + 100 streams of 1.25 MB each, no limit per connection) would let one
/// stranger make this device buffer 250 MB before a single byte is read; with this, the 64
/// connections allowed at once (`links::MAX_MEMBER_CONNECTIONS`, and a few strangers and
/// joiners besides) hold at most 80 MB. One stream had
/// 1.25 MB by default: a LAN is still filled, a relay with 100 ms round trips gets 10 MB/s.
const RECEIVE_WINDOW: u32 = 1024 * 1024;

/// A connection that hears nothing (not even a keep-alive) for this long is gone: a colleague
/// whose laptop closed, crashed or left the Wi-Fi is shown gone within 10 s, not after QUIC's
/// 30 s. Keep-alives every [`KEEP_ALIVE`] keep a quiet but healthy connection open.
const IDLE_TIMEOUT: Duration = Duration::from_secs(6);
const KEEP_ALIVE: Duration = Duration::from_millis(1500);

#[derive(Debug, Clone)]
pub struct NetworkMode {
    /// No relay, no DNS or pkarr, no port mapping: only the LAN and addresses given.
    pub offline: bool,
    /// Listen on exactly this address (tests use 127.0.0.1:0).
    pub bind: Option<SocketAddr>,
    /// A relay run by a school or region instead of the public ones. With it, nothing is
    /// published to or looked up in public DNS/pkarr.
    pub relay_url: Option<RelayUrl>,
    /// Use no public service at all: no public DNS/pkarr and no public relay (only
    /// `relay_url`, if one is set).
    pub no_public_services: bool,
    /// Announce this device on the LAN, and find others there, by mDNS.
    pub lan_announce: bool,
}

impl Default for NetworkMode {
    /// Online with the public relays and DNS/pkarr, announced on the LAN.
    fn default() -> NetworkMode {
        NetworkMode { offline: false, bind: None, relay_url: None, no_public_services: false, lan_announce: true }
    }
}

/// Which relay the endpoint uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relay {
    /// None: only direct addresses (LAN, typed in, from tickets).
    None,
    /// The relay of a school or region.
    Custom(RelayUrl),
    /// iroh's public relays (run by n0).
    Public,
}

/// Everything outside this device that the endpoint may contact, decided in one place
/// ([`NetworkMode::services`]) and applied in one place (`builder_for`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Services {
    pub relay: Relay,
    /// Publish this device's id and home relay to, and look other devices' ids up in, n0's
    /// public DNS/pkarr servers (dns.iroh.link); and fall back on public DNS resolvers
    /// (Cloudflare, Google, Quad9) when the system's own DNS fails. Off: only the system's
    /// DNS is asked, and only for a custom relay's host name.
    pub dns_pkarr: bool,
    /// Announce this device on the LAN and find others there (multicast DNS).
    pub mdns: bool,
    /// Ask the LAN's router for a port mapping (UPnP, PCP, NAT-PMP; only in builds with iroh's
    /// `portmapper`): only with a relay, where it helps a direct path across the internet.
    pub port_mapping: bool,
}

impl NetworkMode {
    /// Listens on 127.0.0.1 only, in offline mode: no relay, no discovery, nothing but this
    /// machine is ever contacted (tests, the bench).
    pub fn loopback_only() -> NetworkMode {
        NetworkMode {
            offline: true,
            bind: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            lan_announce: false,
            ..NetworkMode::default()
        }
    }

    /// What the endpoint may contact in this mode. Offline: nothing beyond the LAN. A custom
    /// relay or "no public services": no public DNS/pkarr. "No public services" without a
    /// custom relay: no relay at all. mDNS when `lan_announce` is on, in every mode, unless
    /// this device only listens on loopback (tests): then nothing but loopback is contacted.
    pub fn services(&self) -> Services {
        let public = !self.offline && !self.no_public_services;
        let relay = match &self.relay_url {
            _ if self.offline => Relay::None,
            Some(url) => Relay::Custom(url.clone()),
            None if public => Relay::Public,
            None => Relay::None,
        };
        Services {
            dns_pkarr: public && self.relay_url.is_none(),
            port_mapping: relay != Relay::None,
            relay,
            mdns: self.lan_announce && self.bind.is_none_or(|addr| !addr.ip().is_loopback()),
        }
    }

    /// Whether laptops on the same LAN find each other by mDNS.
    pub fn lan_discovery(&self) -> bool {
        self.services().mdns
    }

    /// Whether a device can be dialed by its id alone (found on the LAN or via DNS/pkarr).
    pub fn can_find_by_id(&self) -> bool {
        let services = self.services();
        services.mdns || services.dns_pkarr
    }
}

/// Binds the endpoint. `last_port` is the port this device used before: it is tried first, so
/// that the addresses other members remember (and tickets carry) stay valid across restarts.
pub async fn bind(key: SecretKey, mode: &NetworkMode, alpns: Vec<Vec<u8>>, last_port: Option<u16>) -> Result<Endpoint> {
    Ok(bind_watched(key, mode, alpns, last_port).await?.endpoint)
}

/// A bound endpoint and what a running node watches of it.
pub(crate) struct Bound {
    pub endpoint: Endpoint,
    /// The LAN discovery the endpoint uses (when the mode has it), to hear about laptops as
    /// they appear.
    pub lan: Option<LanDiscovery>,
    /// Whether the internet answers (DNS), in modes that use it.
    pub internet: Internet,
}

/// [`bind`], with the LAN discovery and the internet state a running node watches.
pub(crate) async fn bind_watched(
    key: SecretKey,
    mode: &NetworkMode,
    alpns: Vec<Vec<u8>>,
    last_port: Option<u16>,
) -> Result<Bound> {
    let lan = mode.services().mdns.then(|| LanDiscovery::start(key.public()));
    if let Some(port) = last_port.filter(|port| *port != 0) {
        let pinned = match mode.bind {
            Some(addr) if addr.port() == 0 => vec![SocketAddr::new(addr.ip(), port)],
            Some(_) => vec![],
            None => {
                vec![SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)), SocketAddr::from((Ipv6Addr::UNSPECIFIED, port))]
            }
        };
        if !pinned.is_empty() {
            match try_bind(key.clone(), mode, alpns.clone(), &pinned, lan.clone()).await {
                Ok((endpoint, internet)) => return Ok(Bound { endpoint, lan, internet }),
                Err(err) => tracing::debug!("port {port} is taken ({err}); using another"),
            }
        }
    }
    let sockets: Vec<SocketAddr> = mode.bind.into_iter().collect();
    let (endpoint, internet) = try_bind(key, mode, alpns, &sockets, lan.clone()).await?;
    Ok(Bound { endpoint, lan, internet })
}

/// Binds to exactly `sockets`, or iroh's defaults (every interface, a random port) if empty.
async fn try_bind(
    key: SecretKey,
    mode: &NetworkMode,
    alpns: Vec<Vec<u8>>,
    sockets: &[SocketAddr],
    lan: Option<LanDiscovery>,
) -> Result<(Endpoint, Internet)> {
    let bind_err = |err: &dyn std::fmt::Display| NodeError::Bind(err.to_string());
    let (mut builder, internet) = builder_for(&mode.services());
    if let Some(lan) = lan {
        builder = builder.address_lookup(lan);
    }
    // Kring opens one bidirectional stream per connection (sync or join), never a one-way one.
    let transport = QuicTransportConfig::builder()
        .max_concurrent_bidi_streams(VarInt::from_u32(4))
        .max_concurrent_uni_streams(VarInt::from_u32(0))
        .stream_receive_window(VarInt::from_u32(RECEIVE_WINDOW))
        .receive_window(VarInt::from_u32(RECEIVE_WINDOW))
        .keep_alive_interval(KEEP_ALIVE)
        .max_idle_timeout(Some(IdleTimeout::try_from(IDLE_TIMEOUT).expect("6 s fits")))
        .build();
    builder = builder.secret_key(key).alpns(alpns).transport_config(transport);
    if !sockets.is_empty() {
        builder = builder.clear_ip_transports();
        for socket in sockets {
            builder = builder.bind_addr(*socket).map_err(|e| bind_err(&e))?;
        }
    }
    let endpoint = builder.bind().await.map_err(|e| bind_err(&e))?;
    Ok((endpoint, internet))
}

/// The endpoint builder for `services`: the only place relays and DNS/pkarr lookups are added.
/// `presets::N0` is what adds n0's DNS/pkarr lookups (a `PkarrPublisher`, a `PkarrResolver`
/// and a `DnsAddressLookup`, all against dns.iroh.link), so it is used only with `dns_pkarr`;
/// otherwise `presets::Minimal` adds no lookup and no relay, and the DNS resolver asks only
/// the system's nameservers, never iroh's public fallback resolvers. Either resolver is made
/// polite ([`crate::polite_dns`]): a name that failed is left alone for a while.
fn builder_for(services: &Services) -> (Builder, Internet) {
    let (mut builder, resolver) = if services.dns_pkarr {
        (Endpoint::builder(presets::N0), DnsResolver::new())
    } else {
        let system_dns_only = DnsResolver::builder().with_system_defaults().disable_fallback().build();
        (Endpoint::builder(presets::Minimal), system_dns_only)
    };
    let (resolver, internet) = PoliteResolver::wrap(resolver);
    builder = builder.dns_resolver(resolver);
    builder = builder.relay_mode(match &services.relay {
        Relay::None => RelayMode::Disabled,
        Relay::Custom(url) => RelayMode::Custom(school_relay(url)),
        Relay::Public => iroh::endpoint::default_relay_mode(),
    });
    if !services.port_mapping {
        builder = builder.portmapper_config(PortmapperConfig::Disabled);
    }
    // mDNS (`services.mdns`) is Kring's own lookup, added by `try_bind` (see `crate::lan`).
    (builder, internet)
}

/// Set once this process began closing an endpoint for good (a node's shutdown, the end of a
/// one-off sync or join): iroh's tasks then end one by one and some say so as errors
/// ("relay_recv_channel closed"), which is a normal end and nothing to show a person.
static CLOSING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether this process is closing its endpoint: a log filter hides iroh's farewells then.
pub fn closing() -> bool {
    CLOSING.load(std::sync::atomic::Ordering::Relaxed)
}

/// This process begins closing its endpoint for good (see [`closing`]).
pub(crate) fn begin_closing() {
    CLOSING.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Closes `endpoint` for good (see [`closing`]).
pub(crate) async fn close(endpoint: &Endpoint) {
    begin_closing();
    endpoint.close().await;
}

/// The relay map for a school's own relay. A plain-HTTP relay (as `kring relay` runs) has no
/// QUIC address discovery: probing it for that would hold up choosing it as the home relay,
/// and so every first connection through it, until the probe times out (3 s).
fn school_relay(url: &RelayUrl) -> iroh::RelayMap {
    if url.scheme() == "http" { iroh::RelayConfig::new(url.clone(), None).into() } else { url.clone().into() }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn relay() -> RelayUrl {
        "https://relay.school.example".parse().unwrap()
    }

    /// Every combination of the settings, with the relay, DNS/pkarr and mDNS it must give.
    #[test]
    fn each_combination_of_settings_gives_the_expected_services() {
        for offline in [false, true] {
            for no_public_services in [false, true] {
                for custom in [false, true] {
                    for lan_announce in [false, true] {
                        let relay_url = custom.then(relay);
                        let mode = NetworkMode { offline, bind: None, relay_url, no_public_services, lan_announce };
                        let expected_relay = match (offline, custom, no_public_services) {
                            (true, _, _) => Relay::None,
                            (false, true, _) => Relay::Custom(relay()),
                            (false, false, false) => Relay::Public,
                            (false, false, true) => Relay::None,
                        };
                        let expected = Services {
                            relay: expected_relay,
                            dns_pkarr: !offline && !no_public_services && !custom,
                            mdns: lan_announce,
                            port_mapping: !offline && (custom || !no_public_services),
                        };
                        assert_eq!(mode.services(), expected, "{mode:?}");
                        assert_eq!(mode.lan_discovery(), lan_announce, "{mode:?}");
                        assert_eq!(mode.can_find_by_id(), expected.mdns || expected.dns_pkarr, "{mode:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_plain_http_school_relay_is_not_probed_for_quic_address_discovery() {
        let http: RelayUrl = "http://relay.school.example:3340".parse().unwrap();
        assert!(school_relay(&http).get(&http).unwrap().quic.is_none(), "kring relay has no QUIC endpoint");
        let https = relay();
        assert!(school_relay(&https).get(&https).unwrap().quic.is_some(), "a relay behind TLS may have one");
    }

    #[test]
    fn public_dns_and_relays_only_in_the_default_mode() {
        let default = NetworkMode::default().services();
        assert_eq!(default, Services { relay: Relay::Public, dns_pkarr: true, mdns: true, port_mapping: true });
        let private = NetworkMode { no_public_services: true, ..NetworkMode::default() }.services();
        assert_eq!(private, Services { relay: Relay::None, dns_pkarr: false, mdns: true, port_mapping: false });
        let school = NetworkMode { relay_url: Some(relay()), ..NetworkMode::default() }.services();
        assert_eq!(
            school,
            Services { relay: Relay::Custom(relay()), dns_pkarr: false, mdns: true, port_mapping: true }
        );
    }

    #[test]
    fn loopback_listeners_never_use_mdns() {
        assert_eq!(
            NetworkMode::loopback_only().services(),
            Services { relay: Relay::None, dns_pkarr: false, mdns: false, port_mapping: false }
        );
        let announcing_on_loopback = NetworkMode { lan_announce: true, ..NetworkMode::loopback_only() };
        assert!(!announcing_on_loopback.services().mdns);
        assert!(!announcing_on_loopback.can_find_by_id());
    }

    /// The endpoint itself, online but with "no public services": no relay in its address, no
    /// relay it tries to reach, no address lookup at all. Only 127.0.0.1 is bound, and the
    /// services are checked before binding, so a mistake fails here without contacting anyone.
    #[tokio::test]
    async fn an_endpoint_without_public_services_has_no_relay_and_no_lookup() {
        use iroh::Watcher as _;
        let mode = NetworkMode {
            bind: Some(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
            no_public_services: true,
            lan_announce: false,
            ..NetworkMode::default()
        };
        assert!(!mode.offline, "this test is about online mode");
        assert_eq!(
            mode.services(),
            Services { relay: Relay::None, dns_pkarr: false, mdns: false, port_mapping: false }
        );
        let endpoint = bind(SecretKey::generate(), &mode, vec![b"kring/test".to_vec()], None).await.unwrap();
        assert!(
            endpoint.address_lookup().unwrap().is_empty(),
            "{} address lookups",
            endpoint.address_lookup().unwrap().len()
        );
        let addr = own_addr(&endpoint);
        assert_eq!(addr.relay_urls().count(), 0, "{addr:?}");
        assert!(addr.ip_addrs().all(|ip| ip.ip().is_loopback()), "{addr:?}");
        assert!(endpoint.home_relay_status().get().is_empty());
        endpoint.close().await;
    }
}
