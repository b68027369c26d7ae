//! The live connections of a node, by device: at most one per pair of devices.
//!
//! Two devices that find each other at the same moment both dial, and would then keep two
//! connections that carry every change twice. The device with the larger id settles it: when it
//! holds both its own connection to the other and one from the other, it closes its own. Both
//! sides see the same outcome without talking about it, and a connection left over from before
//! a restart never blocks a new one (the smaller device keeps whatever it is given; the larger
//! only ever closes the connection it dialed).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use iroh::endpoint::Connection;

/// Incoming connections (sync and join) one device may hold at once. An honest one holds one
/// live sync, now and then with a one-off sync or a join beside it, and briefly an old
/// connection it has not noticed is gone; more is a device trying to tie this one up.
pub(crate) const MAX_CONNECTIONS_PER_DEVICE: usize = 4;
/// Incoming sync connections at once from member devices (of any network here): a meeting of
/// 30 laptops all connected to each other with room to spare. Strangers never take these.
pub(crate) const MAX_MEMBER_CONNECTIONS: usize = 64;
/// Incoming sync connections at once from strangers (devices of no member here): enough to
/// tell a few at a time that they are refused. A stranger's costs about 1 MB at most (the QUIC
/// receive window; its frames are tiny) and ends within 10 s. Eighty strangers redialing as
/// fast as they could once filled every place, and a member's `kring sync` found none.
pub(crate) const MAX_STRANGER_CONNECTIONS: usize = 8;
/// Incoming join and device-link connections at once: a joiner is a stranger by its device
/// until it is let in, so it has places of its own that strangers on the sync protocol cannot
/// take. A coordinator's room rarely sees more than a few joins at the same moment.
pub(crate) const MAX_JOIN_CONNECTIONS: usize = 8;

/// Which of the incoming places a connection takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pool {
    /// Sync, from a device of a current member of a network here.
    Members,
    /// Sync, from any other device.
    Strangers,
    /// Join or device link (the invite or link ticket is checked inside).
    Joins,
}

impl Pool {
    fn max(self) -> usize {
        match self {
            Pool::Members => MAX_MEMBER_CONNECTIONS,
            Pool::Strangers => MAX_STRANGER_CONNECTIONS,
            Pool::Joins => MAX_JOIN_CONNECTIONS,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

struct Link {
    id: u64,
    dialed_by_us: bool,
    /// Closes the connection (a real one: `Connection::close`).
    close: Box<dyn Fn() + Send>,
}

#[derive(Default)]
pub(crate) struct Links {
    by_device: BTreeMap<String, Vec<Link>>,
    /// Incoming connections open now, by device, and per pool (see [`Slot`]).
    incoming: BTreeMap<String, usize>,
    in_pool: [usize; 3],
}

/// The node's connections by device ([`Links`]), shared by every protocol.
#[derive(Default)]
pub(crate) struct Connections(Mutex<Links>);

impl Connections {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Links> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// An incoming connection's place in its [`Pool`]; given back when dropped.
pub(crate) struct Slot {
    connections: Arc<Connections>,
    remote: String,
    pool: Pool,
}

impl Slot {
    /// A place for `conn` in `pool`, or `None` once it is closed: its device, or the pool,
    /// already holds as many connections as allowed.
    pub(crate) fn take(connections: &Arc<Connections>, conn: &Connection, pool: Pool) -> Option<Slot> {
        let remote = conn.remote_id().to_string();
        if connections.lock().enter(&remote, pool) {
            Some(Slot { connections: connections.clone(), remote, pool })
        } else {
            conn.close(2u32.into(), b"too many connections");
            None
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let crowd_gone = self.connections.lock().leave(&self.remote, self.pool);
        if crowd_gone {
            crate::memory::give_back_soon();
        }
    }
}

/// What [`Links::add`] decided about a new connection.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Added {
    /// Use it.
    Use,
    /// Close it: the device already has the connection the pair keeps.
    Duplicate,
}

impl Links {
    /// Registers connection `id` with `remote`, closing a connection it replaces.
    pub(crate) fn add(
        &mut self,
        own: &str,
        remote: &str,
        id: u64,
        dialed_by_us: bool,
        close: impl Fn() + Send + 'static,
    ) -> Added {
        let links = self.by_device.entry(remote.to_string()).or_default();
        let settles_it = own > remote;
        if settles_it && dialed_by_us && links.iter().any(|link| !link.dialed_by_us) {
            return Added::Duplicate;
        }
        if settles_it && !dialed_by_us {
            links.retain(|link| {
                if link.dialed_by_us {
                    (link.close)();
                }
                !link.dialed_by_us
            });
        }
        links.push(Link { id, dialed_by_us, close: Box::new(close) });
        Added::Use
    }

    /// Forgets connection `id` (once it ended, or was closed as a duplicate).
    pub(crate) fn remove(&mut self, remote: &str, id: u64) {
        let Some(links) = self.by_device.get_mut(remote) else { return };
        links.retain(|link| link.id != id);
        if links.is_empty() {
            self.by_device.remove(remote);
        }
    }

    pub(crate) fn is_connected(&self, remote: &str) -> bool {
        self.by_device.contains_key(remote)
    }

    /// Counts a new incoming connection from `remote` in `pool`, unless that would pass a cap.
    fn enter(&mut self, remote: &str, pool: Pool) -> bool {
        let of_device = self.incoming.get(remote).copied().unwrap_or(0);
        if of_device >= MAX_CONNECTIONS_PER_DEVICE || self.in_pool[pool.index()] >= pool.max() {
            return false;
        }
        self.incoming.insert(remote.to_string(), of_device + 1);
        self.in_pool[pool.index()] += 1;
        true
    }

    /// An incoming connection counted by [`Links::enter`] ended. Whether it was the last of
    /// the strangers' and joiners' (what they cost can be given back now).
    fn leave(&mut self, remote: &str, pool: Pool) -> bool {
        if let Some(count) = self.incoming.get_mut(remote) {
            *count -= 1;
            if *count == 0 {
                self.incoming.remove(remote);
            }
            self.in_pool[pool.index()] -= 1;
        }
        pool != Pool::Members && self.in_pool[Pool::Strangers.index()] + self.in_pool[Pool::Joins.index()] == 0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    const SMALL: &str = "1111";
    const LARGE: &str = "9999";

    fn closer() -> (Arc<AtomicBool>, impl Fn() + Send + 'static) {
        let closed = Arc::new(AtomicBool::new(false));
        let flag = closed.clone();
        (closed, move || flag.store(true, Ordering::SeqCst))
    }

    #[test]
    fn both_dialing_at_once_leaves_the_connection_the_smaller_device_dialed() {
        // On the larger device: its own dial registers first, then the smaller one's arrives.
        let mut at_large = Links::default();
        let (own_closed, close_own) = closer();
        assert_eq!(at_large.add(LARGE, SMALL, 1, true, close_own), Added::Use);
        let (theirs_closed, close_theirs) = closer();
        assert_eq!(at_large.add(LARGE, SMALL, 2, false, close_theirs), Added::Use);
        assert!(own_closed.load(Ordering::SeqCst), "its own connection is closed");
        assert!(!theirs_closed.load(Ordering::SeqCst));
        at_large.remove(SMALL, 1);
        assert!(at_large.is_connected(SMALL), "the one kept is still there");

        // The other order: the smaller one's connection is there first; its own is not used.
        let mut at_large = Links::default();
        let (_, close_theirs) = closer();
        at_large.add(LARGE, SMALL, 1, false, close_theirs);
        let (_, close_own) = closer();
        assert_eq!(at_large.add(LARGE, SMALL, 2, true, close_own), Added::Duplicate);

        // The smaller device keeps both until the larger closes its own.
        let mut at_small = Links::default();
        let (a, close_a) = closer();
        let (b, close_b) = closer();
        assert_eq!(at_small.add(SMALL, LARGE, 1, true, close_a), Added::Use);
        assert_eq!(at_small.add(SMALL, LARGE, 2, false, close_b), Added::Use);
        assert!(!a.load(Ordering::SeqCst) && !b.load(Ordering::SeqCst));
        at_small.remove(LARGE, 2);
        assert!(at_small.is_connected(LARGE), "one connection is left");
        at_small.remove(LARGE, 1);
        assert!(!at_small.is_connected(LARGE));
    }

    #[test]
    fn incoming_connections_are_capped_per_device_and_per_pool() {
        let mut links = Links::default();
        for _ in 0..MAX_CONNECTIONS_PER_DEVICE {
            assert!(links.enter(SMALL, Pool::Members));
        }
        assert!(!links.enter(SMALL, Pool::Joins), "one more from the same device, in any pool");
        links.leave(SMALL, Pool::Members);
        assert!(links.enter(SMALL, Pool::Members), "a place came free");

        // Strangers fill their own places, and no member's or joiner's.
        let mut n = 0;
        while links.enter(&format!("stranger {n}"), Pool::Strangers) {
            n += 1;
        }
        assert_eq!(n, MAX_STRANGER_CONNECTIONS);
        for pool in [Pool::Members, Pool::Joins] {
            assert!(links.enter(LARGE, pool), "{pool:?} still has places");
            links.leave(LARGE, pool);
        }
        links.leave("stranger 0", Pool::Strangers);
        assert!(links.enter("stranger 0", Pool::Strangers));

        let others = MAX_MEMBER_CONNECTIONS - MAX_CONNECTIONS_PER_DEVICE;
        for n in 0..others {
            assert!(links.enter(&format!("member {n}"), Pool::Members));
        }
        assert!(!links.enter(LARGE, Pool::Members), "all members' places are taken");
        assert!(links.enter(LARGE, Pool::Joins), "a join still gets in");
        assert_eq!(links.in_pool, [MAX_MEMBER_CONNECTIONS, MAX_STRANGER_CONNECTIONS, 1]);
    }

    #[test]
    fn a_connection_left_from_before_a_restart_never_blocks_a_new_one() {
        // The larger device restarted: the smaller one still holds its old connection to it
        // and takes the new one too.
        let mut at_small = Links::default();
        at_small.add(SMALL, LARGE, 1, true, || {});
        assert_eq!(at_small.add(SMALL, LARGE, 2, false, || {}), Added::Use);

        // The smaller device restarted and dials: the larger one drops its old connection.
        let mut at_large = Links::default();
        let (old_closed, close_old) = closer();
        at_large.add(LARGE, SMALL, 1, true, close_old);
        assert_eq!(at_large.add(LARGE, SMALL, 2, false, || {}), Added::Use);
        assert!(old_closed.load(Ordering::SeqCst));
    }
}
