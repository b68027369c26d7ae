//! Where other devices were last reached, and where this one listened: `addresses.json` in the
//! data directory. Filled from tickets, join requests and what members tell each other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use iroh::{EndpointAddr, EndpointId, RelayUrl, TransportAddr};
use kring_sync::PeerAddr;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::events::FoundVia;

const FILE: &str = "addresses.json";

/// Remembered addresses that failed this long, with no connection to their device since, are
/// forgotten: a laptop's old DHCP lease or a ticket from last year only costs dials. The device
/// itself is still found by its id (on the LAN, or through DNS when online).
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(14 * 24 * 3600);

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct AddressBook {
    /// This device's own addresses during its last run, for tickets made while it is not running.
    pub own: BTreeSet<String>,
    pub devices: BTreeMap<String, BTreeSet<String>>,
    /// How each device's address was learnt.
    #[serde(default)]
    pub sources: BTreeMap<String, FoundVia>,
    /// When dialing a device's remembered addresses first failed, with no connection since
    /// (Unix seconds): addresses that failed for [`STALE_AFTER`] are forgotten.
    #[serde(default)]
    pub failing_since: BTreeMap<String, u64>,
    #[serde(skip)]
    path: PathBuf,
}

impl AddressBook {
    /// Loads the book; a missing or unreadable one starts empty (it is only a cache).
    pub fn load(data_dir: &Path) -> AddressBook {
        let path = data_dir.join(FILE);
        let mut book: AddressBook =
            std::fs::read(&path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
        book.path = path;
        book
    }

    pub fn save(&self) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).expect("an address book always serialises");
        // Private like everything in the data folder: it tells who met whom, and where.
        kring_store::write_atomic(&self.path, &bytes, Some(kring_store::PRIVATE_FILE_MODE))?;
        Ok(())
    }

    /// Remembers where a device can be reached, and how that was learnt. Returns whether
    /// anything was new. What a person did (a typed address, a ticket) names the source even
    /// when members had passed the address on before.
    pub fn learn(&mut self, addr: &EndpointAddr, via: FoundVia) -> bool {
        let device = addr.id.to_string();
        let known = self.devices.entry(device.clone()).or_default();
        let before = known.len();
        known.extend(addr.addrs.iter().map(addr_to_text));
        let new = known.len() != before;
        if new {
            // A new address is worth dialing again before it may be called stale.
            self.failing_since.remove(&device);
        }
        if new || matches!(via, FoundVia::Typed | FoundVia::Ticket) || !self.sources.contains_key(&device) {
            self.sources.insert(device, via);
        }
        new
    }

    /// A connection to `device` was made: its addresses work. Returns whether that changed the
    /// book (they had been failing).
    pub fn reached(&mut self, device: &str) -> bool {
        self.failing_since.remove(device).is_some()
    }

    /// Dialing `device` at its remembered addresses failed at `now` (Unix seconds). Returns
    /// whether its addresses were forgotten, having failed for [`STALE_AFTER`].
    pub fn dial_failed(&mut self, device: &str, now: u64) -> bool {
        if !self.devices.contains_key(device) {
            return false;
        }
        let since = *self.failing_since.entry(device.to_string()).or_insert(now);
        if now.saturating_sub(since) < STALE_AFTER.as_secs() {
            return false;
        }
        self.devices.remove(device);
        self.sources.remove(device);
        self.failing_since.remove(device);
        true
    }

    /// Remembers an address another member's device passed on.
    pub fn learn_from_member(&mut self, peer: &PeerAddr) -> bool {
        match to_endpoint_addr(&peer.device, &peer.addrs) {
            Some(addr) => self.learn(&addr, FoundVia::Member),
            None => false,
        }
    }

    /// Where to dial a device, and how it was found: a remembered address, or else its id
    /// alone for discovery on the LAN (when `find_by_id`).
    pub fn dial_addr(&self, device: &str, find_by_id: bool) -> Option<(EndpointAddr, FoundVia)> {
        if let Some(addr) = self.addr_of(device) {
            return Some((addr, self.sources.get(device).copied().unwrap_or(FoundVia::Member)));
        }
        let id = device.parse().ok().filter(|_| find_by_id)?;
        Some((EndpointAddr::new(id), FoundVia::Lan))
    }

    /// The port this device listened on last time, if it did.
    pub fn last_port(&self) -> Option<u16> {
        self.own.iter().find_map(|text| text.parse::<std::net::SocketAddr>().ok()).map(|socket| socket.port())
    }

    /// Records where this device listens now.
    pub fn set_own(&mut self, addr: &EndpointAddr) {
        self.own = addr.addrs.iter().map(addr_to_text).collect();
    }

    pub fn addr_of(&self, device: &str) -> Option<EndpointAddr> {
        to_endpoint_addr(device, self.devices.get(device)?)
    }

    pub fn own_addr(&self, id: EndpointId) -> EndpointAddr {
        to_endpoint_addr(&id.to_string(), &self.own).unwrap_or_else(|| EndpointAddr::new(id))
    }

    pub fn as_peer_addr(&self, device: &str) -> Option<PeerAddr> {
        let addrs = self.devices.get(device)?;
        Some(PeerAddr { device: device.to_string(), addrs: addrs.iter().cloned().collect() })
    }
}

pub fn addr_to_text(addr: &TransportAddr) -> String {
    match addr {
        TransportAddr::Ip(socket) => socket.to_string(),
        TransportAddr::Relay(url) => url.to_string(),
        other => format!("{other:?}"),
    }
}

pub fn to_endpoint_addr<'a>(device: &str, addrs: impl IntoIterator<Item = &'a String>) -> Option<EndpointAddr> {
    let id: EndpointId = device.parse().ok()?;
    let addrs = addrs.into_iter().filter_map(|text| {
        text.parse::<std::net::SocketAddr>()
            .map(TransportAddr::Ip)
            .ok()
            .or_else(|| text.parse::<RelayUrl>().ok().map(TransportAddr::Relay))
    });
    Some(EndpointAddr::from_parts(id, addrs))
}

/// Reads an address as people type it: `ID@IP:PORT[,IP:PORT…]`, or just `ID` (to be found on
/// the LAN or through DNS).
pub fn parse_address(text: &str) -> Option<EndpointAddr> {
    let (id, addrs) = text.trim().split_once('@').unwrap_or((text.trim(), ""));
    let addrs: Vec<String> = addrs.split(',').map(str::trim).filter(|a| !a.is_empty()).map(String::from).collect();
    let addr = to_endpoint_addr(id, &addrs)?;
    // Every part must have been understood: a typo is an error, not a silently dropped address.
    (addr.addrs.len() == addrs.len()).then_some(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_that_failed_for_two_weeks_are_forgotten_unless_reached_or_renewed() {
        let id = iroh::SecretKey::from_bytes(&[3; 32]).public();
        let device = id.to_string();
        let mut book = AddressBook::default();
        let old = to_endpoint_addr(&device, &["10.0.0.5:4433".to_string()]).unwrap();
        book.learn(&old, FoundVia::Ticket);
        let day = 24 * 3600;
        let start = 1_800_000_000;
        assert!(!book.dial_failed(&device, start));
        assert!(!book.dial_failed(&device, start + 13 * day), "13 days is not yet stale");
        // Reached once in between: the failures count from scratch.
        assert!(book.reached(&device), "it had been failing");
        assert!(!book.reached(&device), "nothing left to change");
        assert!(!book.dial_failed(&device, start + 14 * day));
        assert!(!book.dial_failed(&device, start + 27 * day));
        // A new address learnt: also from scratch.
        let new = to_endpoint_addr(&device, &["10.0.0.6:4433".to_string()]).unwrap();
        book.learn(&new, FoundVia::Member);
        assert!(!book.dial_failed(&device, start + 28 * day));
        assert!(book.dial_failed(&device, start + 42 * day), "failed for 14 days: forgotten");
        assert!(book.addr_of(&device).is_none());
        assert_eq!(book.dial_addr(&device, true).map(|(addr, via)| (addr.addrs.len(), via)), Some((0, FoundVia::Lan)));
        assert!(!book.dial_failed(&device, start + 43 * day), "nothing left to forget");
    }
}
