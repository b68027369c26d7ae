//! Finding Kring laptops on the local network (mDNS), on every interface that can carry it.
//!
//! iroh's own mDNS lookup (`iroh-mdns-address-lookup`) sends and listens only on the interface
//! of the default route. A classroom access point or a hotspot without an internet uplink has
//! no default route: joining the multicast group then fails (`ENODEV`), every announcement
//! fails with "Network is unreachable", and no laptop finds another. The library underneath,
//! `swarm-discovery`, can work per interface; iroh's lookup never asks it to. This lookup does:
//! it gives `swarm-discovery` the IPv4 address of every interface that is up, running and
//! multicast-capable (default route or not), follows interfaces that come and go (Wi-Fi joins
//! later, a cable is pulled), and is quiet while there is none.
//!
//! On the wire it is the same as iroh's lookup (service `_kring-v1._udp.local`, the instance
//! named by the base32 device id, the addresses in SRV and A/AAAA records), so laptops with
//! an older Kring still find this one and the other way round.
//!
//! Everything heard is hostile until proven otherwise: announcements are unauthenticated, so
//! they only ever give addresses to try (iroh's TLS checks the device id on connecting), never
//! a relay to contact; each device keeps at most [`MAX_ADDRS`] addresses and at most
//! [`MAX_DEVICES`] devices are remembered, the longest unheard forgotten first.

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use iroh::EndpointId;
use iroh::address_lookup::{AddressLookup, EndpointData, EndpointInfo, Error as LookupError, Item};
use n0_future::StreamExt as _;
use n0_future::boxed::BoxStream;
use swarm_discovery::{Discoverer, DropGuard, IpClass, Peer};
use tokio::sync::{broadcast, watch};

/// Kring's own mDNS service name: other iroh apps on the LAN are not mistaken for Kring.
pub(crate) const SERVICE: &str = "kring-v1";
/// What iroh is told found an address (its "provenance").
const PROVENANCE: &str = "kring-lan";
/// How often the interfaces are looked at again (a few netlink dumps or system calls): a
/// laptop whose Wi-Fi connects is announced half a second later.
const INTERFACE_POLL: Duration = Duration::from_millis(500);
/// How long a dial by id alone waits for the device to be heard on the LAN: a query goes out
/// every 0.7 s or so, and answers come within a second.
const LOOKUP_WAIT: Duration = Duration::from_secs(10);
/// Devices remembered at once (a meeting of 30 laptops, and other Kring users of the school).
const MAX_DEVICES: usize = 256;
/// Addresses kept per device: a laptop has a few interfaces, each with an IPv4 and some IPv6.
const MAX_ADDRS: usize = 16;

/// The LAN discovery of one endpoint. Cheap to clone; discovery stops when the last clone
/// (the endpoint's) is dropped.
#[derive(Debug, Clone)]
pub(crate) struct LanDiscovery {
    inner: Arc<Inner>,
}

struct Inner {
    own: EndpointId,
    control: Mutex<Control>,
    heard: Mutex<HashMap<EndpointId, Heard>>,
    /// Bumped whenever a device was heard with new addresses (wakes waiting lookups).
    changed: watch::Sender<()>,
    /// Devices heard for the first time or at new addresses.
    found: broadcast::Sender<EndpointId>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LanDiscovery").field("own", &self.own).finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Control {
    /// Running while there is at least one interface to use.
    running: Option<DropGuard>,
    interfaces: BTreeSet<Ipv4Addr>,
    /// This device's own direct addresses, as the endpoint last published them.
    published: BTreeSet<SocketAddr>,
}

struct Heard {
    addrs: BTreeSet<SocketAddr>,
    at: Instant,
}

impl LanDiscovery {
    /// Starts looking for Kring laptops on the LAN, and announcing this one (`own`) once the
    /// endpoint publishes its addresses. Must be called within a tokio runtime.
    pub(crate) fn start(own: EndpointId) -> LanDiscovery {
        let inner = Arc::new(Inner::new(own));
        // The first look right away, so the first query goes out at once.
        inner.follow_interfaces(lan_interfaces());
        let weak = Arc::downgrade(&inner);
        tokio::spawn(watch_interfaces(weak));
        LanDiscovery { inner }
    }

    /// Devices heard on the LAN for the first time, or at new addresses.
    pub(crate) fn found(&self) -> broadcast::Receiver<EndpointId> {
        self.inner.found.subscribe()
    }
}

impl Inner {
    fn new(own: EndpointId) -> Inner {
        let (changed, _) = watch::channel(());
        let (found, _) = broadcast::channel(64);
        Inner { own, control: Mutex::default(), heard: Mutex::default(), changed, found }
    }

    fn control(&self) -> MutexGuard<'_, Control> {
        self.control.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn heard(&self) -> MutexGuard<'_, HashMap<EndpointId, Heard>> {
        self.heard.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Uses exactly `now`: starts discovery when the first interface appears, adds and removes
    /// interfaces while it runs, and stops it when none is left (nothing to send on, so
    /// nothing to warn about twice a second).
    fn follow_interfaces(self: &Arc<Self>, now: BTreeSet<Ipv4Addr>) {
        let mut control = self.control();
        if now == control.interfaces && (control.running.is_some() || now.is_empty()) {
            return;
        }
        if now.is_empty() {
            tracing::info!("no network interface for LAN discovery");
            control.running = None;
        } else if let Some(running) = &control.running {
            for gone in control.interfaces.difference(&now) {
                tracing::info!("LAN discovery stops using {gone}");
                running.remove_interface_v4(*gone);
            }
            for new in now.difference(&control.interfaces) {
                tracing::info!("LAN discovery uses {new}");
                running.add_interface_v4(*new);
            }
        } else {
            match self.spawn(&now, &control.published) {
                Ok(running) => {
                    tracing::info!("LAN discovery on {now:?}");
                    control.running = Some(running);
                }
                Err(err) => {
                    // Tried again at the next look (the interfaces may settle).
                    tracing::debug!("LAN discovery cannot start: {err}");
                    return;
                }
            }
        }
        control.interfaces = now;
    }

    fn spawn(
        self: &Arc<Self>,
        interfaces: &BTreeSet<Ipv4Addr>,
        published: &BTreeSet<SocketAddr>,
    ) -> Result<DropGuard, String> {
        let name = data_encoding::BASE32_NOPAD.encode(self.own.as_bytes()).to_ascii_lowercase();
        // The discoverer only holds a weak reference: it is stopped when this is dropped.
        let weak = Arc::downgrade(self);
        let callback = move |instance: &str, peer: &Peer| {
            if let Some(inner) = weak.upgrade() {
                inner.hear(instance, peer.addrs(), peer.is_expiry());
            }
        };
        let mut discoverer = Discoverer::new_interactive(SERVICE.to_string(), name)
            .with_callback(callback)
            .with_ip_class(IpClass::Auto)
            .with_multicast_interfaces_v4(interfaces.iter().copied().collect());
        for (port, ips) in by_port(published) {
            discoverer = discoverer.with_addrs(port, ips);
        }
        // Only logged: a boxed error would do no better.
        discoverer.spawn(&tokio::runtime::Handle::current()).map_err(|err| err.to_string())
    }

    /// What another laptop announced (`expired`: it is no longer heard). `instance` and every
    /// address come from the network.
    fn hear(&self, instance: &str, addrs: &[(IpAddr, u16)], expired: bool) {
        // The instance name is a device id in base32 (52 characters); anything else is not Kring.
        if instance.len() > 64 {
            return;
        }
        let Ok(device) = instance.parse::<EndpointId>() else { return };
        if device == self.own {
            return;
        }
        let mut heard = self.heard();
        if expired {
            heard.remove(&device);
            return;
        }
        let addrs: BTreeSet<SocketAddr> =
            addrs.iter().map(|(ip, port)| SocketAddr::new(*ip, *port)).filter(usable).take(MAX_ADDRS).collect();
        if addrs.is_empty() {
            return;
        }
        let now = Instant::now();
        if let Some(known) = heard.get_mut(&device) {
            known.at = now;
            if known.addrs == addrs {
                return;
            }
            known.addrs = addrs;
        } else {
            if heard.len() >= MAX_DEVICES
                && let Some(oldest) = heard.iter().min_by_key(|(_, h)| h.at).map(|(id, _)| *id)
            {
                heard.remove(&oldest);
            }
            heard.insert(device, Heard { addrs, at: now });
        }
        drop(heard);
        tracing::debug!("heard {} on the LAN", device.fmt_short());
        self.changed.send_replace(());
        let _ = self.found.send(device);
    }

    fn item(&self, device: &EndpointId) -> Option<Item> {
        let heard = self.heard();
        let addrs = heard.get(device)?.addrs.iter().copied();
        let info = EndpointInfo::from_parts(*device, EndpointData::from_iter(addrs.map(iroh::TransportAddr::Ip)));
        Some(Item::new(info, PROVENANCE, None))
    }
}

impl AddressLookup for LanDiscovery {
    /// Announces this device's direct addresses (never a relay: that is not for the LAN).
    fn publish(&self, data: &EndpointData) {
        let addrs: BTreeSet<SocketAddr> = data.ip_addrs().copied().filter(usable).collect();
        let mut control = self.inner.control();
        if control.published == addrs {
            return;
        }
        if let Some(running) = &control.running {
            running.remove_all();
            for (port, ips) in by_port(&addrs) {
                running.add(port, ips);
            }
        }
        control.published = addrs;
    }

    /// Where the device was heard, at once; or, if it was not, the first time it is within
    /// [`LOOKUP_WAIT`].
    fn resolve(&self, device: EndpointId) -> Option<BoxStream<Result<Item, LookupError>>> {
        let inner = self.inner.clone();
        let mut changed = inner.changed.subscribe();
        let wait = async move {
            let deadline = tokio::time::Instant::now() + LOOKUP_WAIT;
            loop {
                if let Some(item) = inner.item(&device) {
                    return Some(Ok(item));
                }
                match tokio::time::timeout_at(deadline, changed.changed()).await {
                    Ok(Ok(())) => continue,
                    _ => return None,
                }
            }
        };
        Some(Box::pin(n0_future::stream::once_future(wait).filter_map(|item| item)))
    }
}

/// Follows the interfaces until discovery is dropped.
async fn watch_interfaces(inner: Weak<Inner>) {
    loop {
        tokio::time::sleep(INTERFACE_POLL).await;
        if inner.strong_count() == 0 {
            return;
        }
        let Ok(now) = tokio::task::spawn_blocking(lan_interfaces).await else { return };
        let Some(inner) = inner.upgrade() else { return };
        inner.follow_interfaces(now);
    }
}

/// The IPv4 addresses of the interfaces mDNS can use: up, running, multicast-capable, not
/// loopback. A default route is not needed.
fn lan_interfaces() -> BTreeSet<Ipv4Addr> {
    netdev::get_interfaces()
        .into_iter()
        .filter(|i| i.is_up() && i.is_running() && i.is_multicast() && !i.is_loopback())
        .flat_map(|i| i.ipv4.into_iter().map(|net| net.addr()))
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified() && !ip.is_multicast() && !ip.is_broadcast())
        .collect()
}

/// Whether an address can be dialed (and so is worth announcing or remembering).
fn usable(addr: &SocketAddr) -> bool {
    let ip = addr.ip();
    let broadcast = matches!(ip, IpAddr::V4(v4) if v4.is_broadcast());
    addr.port() != 0 && !ip.is_unspecified() && !ip.is_loopback() && !ip.is_multicast() && !broadcast
}

fn by_port(addrs: &BTreeSet<SocketAddr>) -> HashMap<u16, Vec<IpAddr>> {
    let mut ports: HashMap<u16, Vec<IpAddr>> = HashMap::new();
    for addr in addrs {
        ports.entry(addr.port()).or_default().push(addr.ip());
    }
    ports
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn device() -> EndpointId {
        iroh::SecretKey::generate().public()
    }

    fn base32(id: &EndpointId) -> String {
        data_encoding::BASE32_NOPAD.encode(id.as_bytes()).to_ascii_lowercase()
    }

    fn lan(ip: [u8; 4], port: u16) -> (IpAddr, u16) {
        (IpAddr::from(ip), port)
    }

    #[test]
    fn what_is_heard_is_checked_before_it_is_kept() {
        let own = device();
        let inner = Inner::new(own);
        let mut found = inner.found.subscribe();
        // Not Kring, not a device id, this device itself, nothing dialable: all ignored.
        let garbage = ["", "x", &"a".repeat(10_000), "not-base32!", &base32(&own)];
        for instance in garbage {
            inner.hear(instance, &[lan([10, 77, 0, 9], 4433)], false);
        }
        let other = device();
        let unusable = [lan([0, 0, 0, 0], 4433), lan([224, 0, 0, 251], 5353), lan([10, 0, 0, 1], 0)];
        inner.hear(&base32(&other), &unusable, false);
        assert!(inner.heard().is_empty());
        assert!(found.try_recv().is_err());

        // A colleague: kept, at most MAX_ADDRS addresses, and announced once per change.
        let many: Vec<(IpAddr, u16)> = (1..=200).map(|n| lan([10, 77, 0, n], 4433)).collect();
        inner.hear(&base32(&other), &many, false);
        assert_eq!(found.try_recv().unwrap(), other);
        assert_eq!(inner.item(&other).unwrap().ip_addrs().count(), MAX_ADDRS);
        inner.hear(&base32(&other), &many, false);
        assert!(found.try_recv().is_err(), "heard again at the same addresses: no news");
        inner.hear(&base32(&other), &[lan([10, 77, 0, 5], 4433)], false);
        assert_eq!(found.try_recv().unwrap(), other, "a new address is news");
        // Hex ids are ids too.
        let hex = device();
        inner.hear(&hex.to_string(), &[lan([10, 77, 0, 6], 4433)], false);
        assert_eq!(found.try_recv().unwrap(), hex);
        // Gone from the LAN: forgotten.
        inner.hear(&base32(&other), &[], true);
        assert!(inner.item(&other).is_none());
    }

    #[test]
    fn a_crowd_of_announcements_keeps_only_the_most_recently_heard() {
        let inner = Inner::new(device());
        let first = device();
        inner.hear(&base32(&first), &[lan([10, 77, 0, 1], 4433)], false);
        for _ in 0..MAX_DEVICES + 50 {
            inner.hear(&base32(&device()), &[lan([10, 77, 1, 1], 4433)], false);
        }
        assert_eq!(inner.heard().len(), MAX_DEVICES);
        assert!(inner.item(&first).is_none(), "the longest unheard is forgotten first");
    }

    #[tokio::test(start_paused = true)]
    async fn a_lookup_answers_when_the_device_is_heard_and_gives_up_after_a_while() {
        let discovery = LanDiscovery { inner: Arc::new(Inner::new(device())) };
        let colleague = device();
        let mut lookup = discovery.resolve(colleague).unwrap();
        let inner = discovery.inner.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            inner.hear(&base32(&colleague), &[lan([10, 77, 0, 7], 4433)], false);
        });
        let item = lookup.next().await.unwrap().unwrap();
        assert_eq!(item.endpoint_id(), colleague);
        assert_eq!(item.ip_addrs().copied().collect::<Vec<_>>(), vec!["10.77.0.7:4433".parse().unwrap()]);
        assert!(lookup.next().await.is_none());

        // Heard before: at once. Never heard: nothing, after LOOKUP_WAIT.
        let again = discovery.resolve(colleague).unwrap().next().await;
        assert!(again.is_some_and(|item| item.is_ok()));
        let started = tokio::time::Instant::now();
        assert!(discovery.resolve(device()).unwrap().next().await.is_none());
        assert_eq!(started.elapsed(), LOOKUP_WAIT);
    }

    #[test]
    fn only_dialable_own_addresses_are_announced() {
        let discovery = LanDiscovery { inner: Arc::new(Inner::new(device())) };
        let data = EndpointData::from_iter([
            iroh::TransportAddr::Ip("10.77.0.1:4433".parse().unwrap()),
            iroh::TransportAddr::Ip("127.0.0.1:4433".parse().unwrap()),
            iroh::TransportAddr::Relay("https://relay.school.example".parse().unwrap()),
        ]);
        discovery.publish(&data);
        let published = discovery.inner.control().published.clone();
        assert_eq!(published, BTreeSet::from(["10.77.0.1:4433".parse().unwrap()]));
    }
}
