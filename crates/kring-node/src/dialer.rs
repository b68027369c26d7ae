//! Dialing the member devices that are not connected: each on its own back-off, short on the
//! LAN (a colleague whose laptop wakes up is reached within seconds), longer where a dial costs
//! the internet (a relay, DNS lookups of its id). A colleague heard on the LAN is dialed at
//! once (`Shared::dial_now` clears every back-off), and remembered addresses that failed for
//! two weeks are forgotten ([`crate::address_book::STALE_AFTER`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use iroh::{Endpoint, EndpointAddr};
use kring_sync::SYNC_ALPN;
use tokio::time::Instant;

use crate::events::FoundVia;
use crate::peer::{self, Mode};
use crate::shared::Shared;

/// How often the dialer looks for devices to dial.
const TICK: Duration = Duration::from_secs(1);
/// The longest wait between dials of a device on the LAN.
const LAN_CAP: Duration = Duration::from_secs(4);
/// The longest wait between dials that use the internet.
const INTERNET_CAP: Duration = Duration::from_secs(30);
/// How long one dial may take.
const DIAL_TIMEOUT: Duration = Duration::from_secs(3);

/// When each device may be dialed again.
#[derive(Debug, Default)]
struct BackOffs {
    by_device: HashMap<String, Attempts>,
}

#[derive(Debug, Clone, Copy)]
struct Attempts {
    failures: u32,
    next: Instant,
}

impl BackOffs {
    fn due(&self, device: &str, now: Instant) -> bool {
        self.by_device.get(device).is_none_or(|attempts| now >= attempts.next)
    }

    /// A dial failed: the next waits twice as long as the last, up to `cap`.
    fn failed(&mut self, device: &str, cap: Duration, now: Instant) {
        let failures = self.by_device.get(device).map_or(0, |a| a.failures).saturating_add(1);
        let wait = TICK.saturating_mul(1 << failures.min(16)).min(cap);
        self.by_device.insert(device.to_string(), Attempts { failures, next: now + wait });
    }

    fn succeeded(&mut self, device: &str) {
        self.by_device.remove(device);
    }

    /// Someone walked in (heard on the LAN), or a member or address is new: dial everyone.
    fn clear(&mut self) {
        self.by_device.clear();
    }
}

/// The back-off cap for a dial of `addr`: short when it stays on the LAN (private and
/// link-local addresses, or a lookup by id on the LAN only), long when it uses the internet.
fn cap_for(addr: &EndpointAddr, dns_lookups: bool) -> Duration {
    let local = |ip: IpAddr| match ip {
        IpAddr::V4(v4) => v4.is_private() || v4.is_link_local() || v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_unique_local() || v6.is_unicast_link_local() || v6.is_loopback(),
    };
    let internet = addr.relay_urls().next().is_some()
        || addr.ip_addrs().any(|socket| !local(socket.ip()))
        || (addr.addrs.is_empty() && dns_lookups);
    if internet { INTERNET_CAP } else { LAN_CAP }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Keeps dialing member devices that are not connected until the endpoint closes.
/// `find_by_id`: a device without a remembered address is dialed by its id alone;
/// `dns_lookups`: such a dial asks public DNS.
pub(crate) fn spawn(endpoint: Endpoint, shared: Arc<Shared>, find_by_id: bool, dns_lookups: bool) {
    shared.clone().spawn(async move {
        // Devices being dialed, or connected through this dialer.
        let dialing: Arc<Mutex<BTreeSet<String>>> = Default::default();
        let back_offs: Arc<Mutex<BackOffs>> = Default::default();
        while !endpoint.is_closed() {
            let now = Instant::now();
            let targets: Vec<(String, (EndpointAddr, FoundVia), Vec<String>)> = {
                let networks = shared.networks();
                let mut by_device: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for network in networks.ids() {
                    let Some(mut open) = networks.lock(&network) else { continue };
                    for device in open.member_device_ids().unwrap_or_default() {
                        if device != networks.device() {
                            by_device.entry(device).or_default().push(network.clone());
                        }
                    }
                }
                let links = shared.links();
                let dialing = dialing.lock().unwrap_or_else(|p| p.into_inner());
                let back_offs = back_offs.lock().unwrap_or_else(|p| p.into_inner());
                by_device
                    .into_iter()
                    .filter(|(device, _)| !links.is_connected(device) && !dialing.contains(device))
                    .filter(|(device, _)| back_offs.due(device, now))
                    .filter_map(|(device, networks)| {
                        shared.book().dial_addr(&device, find_by_id).map(|addr| (device, addr, networks))
                    })
                    .collect()
            };
            for (device, (addr, via), networks) in targets {
                let (endpoint, shared) = (endpoint.clone(), shared.clone());
                let (dialing, back_offs) = (dialing.clone(), back_offs.clone());
                dialing.lock().unwrap_or_else(|p| p.into_inner()).insert(device.clone());
                shared.clone().spawn_connection(async move {
                    let cap = cap_for(&addr, dns_lookups);
                    let remembered = !addr.addrs.is_empty();
                    match tokio::time::timeout(DIAL_TIMEOUT, endpoint.connect(addr, SYNC_ALPN)).await {
                        Ok(Ok(conn)) => {
                            back_offs.lock().unwrap_or_else(|p| p.into_inner()).succeeded(&device);
                            {
                                let mut book = shared.book();
                                if book.reached(&device) {
                                    let _ = book.save();
                                }
                            }
                            peer::run(shared, conn, Some(networks), Mode::Live, via).await;
                        }
                        _ => {
                            back_offs.lock().unwrap_or_else(|p| p.into_inner()).failed(&device, cap, Instant::now());
                            if remembered {
                                let mut book = shared.book();
                                // Saved when the book changed (the first failure, or addresses
                                // forgotten), not at every failed dial.
                                let first_failure = !book.failing_since.contains_key(&device);
                                let forgot = book.dial_failed(&device, unix_now());
                                if forgot {
                                    tracing::debug!("forgot the stale addresses of {}", crate::short::shorten(&device));
                                }
                                if first_failure || forgot {
                                    let _ = book.save();
                                }
                            }
                        }
                    }
                    dialing.lock().unwrap_or_else(|p| p.into_inner()).remove(&device);
                });
            }
            tokio::select! {
                _ = tokio::time::sleep(TICK) => {}
                _ = shared.dial_now.notified() => back_offs.lock().unwrap_or_else(|p| p.into_inner()).clear(),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(addrs: &[&str]) -> EndpointAddr {
        let id = iroh::SecretKey::from_bytes(&[7; 32]).public();
        let addrs: Vec<String> = addrs.iter().map(|a| a.to_string()).collect();
        crate::address_book::to_endpoint_addr(&id.to_string(), &addrs).unwrap()
    }

    #[test]
    fn a_device_on_the_lan_is_dialed_again_within_seconds_one_over_the_internet_less_often() {
        let start = Instant::now();
        let mut back_offs = BackOffs::default();
        let lan = cap_for(&addr(&["192.168.1.20:4433"]), true);
        let far = cap_for(&addr(&["https://relay.school.example/"]), true);
        assert_eq!((lan, far), (LAN_CAP, INTERNET_CAP));
        assert_eq!(cap_for(&addr(&[]), false), LAN_CAP, "found by id on the LAN only");
        assert_eq!(cap_for(&addr(&[]), true), INTERNET_CAP, "found by id through DNS");
        assert_eq!(cap_for(&addr(&["203.0.113.9:4433", "10.0.0.2:4433"]), true), INTERNET_CAP);

        let waits = |cap: Duration, back_offs: &mut BackOffs, device: &str| -> Vec<u64> {
            (0..8)
                .map(|_| {
                    back_offs.failed(device, cap, start);
                    (back_offs.by_device[device].next - start).as_secs()
                })
                .collect()
        };
        assert_eq!(waits(lan, &mut back_offs, "lan"), [2, 4, 4, 4, 4, 4, 4, 4]);
        assert_eq!(waits(far, &mut back_offs, "far"), [2, 4, 8, 16, 30, 30, 30, 30]);
        assert!(!back_offs.due("lan", start + Duration::from_secs(3)));
        assert!(back_offs.due("lan", start + LAN_CAP));
        back_offs.succeeded("far");
        assert!(back_offs.due("far", start));
        back_offs.clear();
        assert!(back_offs.due("lan", start), "heard on the LAN: dialed at once");
    }
}
