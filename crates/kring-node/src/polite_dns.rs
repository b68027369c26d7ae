//! The DNS resolver the endpoint uses: the system's (or iroh's default) resolver, made polite
//! when the internet is only half there.
//!
//! On a network that silently drops DNS (a captive portal, a filtered school network, a
//! classroom access point with a dead uplink) iroh's relay client, its net reports and its
//! lookups of devices by id ask the same names again and again: thousands of packets a minute
//! and a warning each time. Here a name whose lookup failed is not asked again for a while: it
//! fails at once, without a packet, until its back-off has passed (30 s after a first failure,
//! doubling to 2 minutes; a name that does not exist is asked again after 30 s, as a colleague's
//! laptop may publish itself any moment). A change of network (iroh calls [`Resolver::reset`]) forgets every
//! back-off, so a laptop that joins the school Wi-Fi looks again at once.
//!
//! The resolver also tells whether the internet is there: lookups that fail with none
//! succeeding since means "no internet, only the local network", said once per change on the
//! [`Internet`] watch (the node turns it into one event).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use iroh::dns::{BoxIter, DnsError, DnsResolver, Resolver, TxtRecordData};
use n0_future::boxed::BoxFuture;
use tokio::sync::watch;
use tokio::time::Instant;

/// How long a name is left alone after its first failed lookup.
pub(crate) const FIRST_BACK_OFF: Duration = Duration::from_secs(30);
/// The longest a name that got no answer is left alone: also how late, at worst, Kring notices
/// that the internet came back without a change of network (a captive portal accepted).
const MAX_BACK_OFF: Duration = Duration::from_secs(120);
/// What one lookup of the inner resolver may take (its own retries included).
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether this device reaches the internet, as far as DNS tells: `None` until a lookup ended.
pub(crate) type Internet = watch::Receiver<Option<bool>>;

/// A failing name (or the internet as a whole): asked again no sooner than `until`; the next
/// failure waits `next`.
#[derive(Debug, Clone, Copy)]
struct BackOff {
    until: Instant,
    next: Duration,
}

impl BackOff {
    /// The back-off after one more failure than `before` had.
    fn after(before: Option<&BackOff>, now: Instant) -> BackOff {
        let wait = before.map_or(FIRST_BACK_OFF, |b| b.next);
        BackOff { until: now + wait, next: (wait * 2).min(MAX_BACK_OFF) }
    }
}

/// A failure this long after the last answer means the internet is gone (one name failing
/// while others answer does not).
const ANSWER_GOES_STALE: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
struct Lookups {
    /// One lookup of a name at a time: iroh's relay client, its net report and its address
    /// lookups often ask the same name at the same moment, and on a network that drops DNS
    /// each of those would send its own queries before the first one failed.
    asking: HashMap<String, Arc<tokio::sync::Mutex<()>>>,
    failing: HashMap<String, BackOff>,
    /// Set while the internet is gone: then one lookup probes whether it is back, once per
    /// back-off, and every other lookup fails at once.
    no_internet: Option<BackOff>,
    last_answer: Option<Instant>,
}

#[derive(Debug)]
struct State {
    lookups: Mutex<Lookups>,
    /// Held by the one lookup that finds out whether the internet answers (at the start, and
    /// once per back-off while it is gone); the others wait for its outcome instead of each
    /// sending queries of their own into the void.
    probe: tokio::sync::Mutex<()>,
    internet: watch::Sender<Option<bool>>,
}

impl State {
    fn new(internet: watch::Sender<Option<bool>>) -> State {
        State { lookups: Mutex::default(), probe: tokio::sync::Mutex::new(()), internet }
    }

    fn lookups(&self) -> std::sync::MutexGuard<'_, Lookups> {
        self.lookups.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The turn to look `host` up (see [`Lookups::asking`]).
    fn turn(&self, host: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.lookups().asking.entry(host.to_string()).or_default().clone()
    }

    /// Whether `host` must not be asked now: its own back-off runs, or the internet is gone
    /// and the time for the next probe has not come.
    fn waiting(&self, host: &str) -> bool {
        let now = Instant::now();
        let lookups = self.lookups();
        lookups.failing.get(host).is_some_and(|back_off| now < back_off.until)
            || lookups.no_internet.is_some_and(|back_off| now < back_off.until)
    }

    /// Whether the internet answered lately: then lookups need no probe first.
    fn answering(&self) -> bool {
        let lookups = self.lookups();
        lookups.no_internet.is_none()
            && lookups.last_answer.is_some_and(|at| Instant::now().duration_since(at) < ANSWER_GOES_STALE)
    }

    /// A lookup of `host` ended: a failure starts (or doubles) its back-off, an answer ends it.
    /// A name that does not exist is an answer too: the internet is there.
    fn ended(&self, host: &str, outcome: Outcome) {
        let now = Instant::now();
        let mut lookups = self.lookups();
        match outcome {
            Outcome::Answered => {
                lookups.failing.remove(host);
            }
            // The internet answered: asked again after the first back-off, never later.
            Outcome::NoSuchName => {
                lookups.failing.insert(host.to_string(), BackOff::after(None, now));
            }
            Outcome::NoAnswer => {
                let back_off = BackOff::after(lookups.failing.get(host), now);
                lookups.failing.insert(host.to_string(), back_off);
            }
        }
        if outcome == Outcome::NoAnswer {
            let stale = lookups.last_answer.is_none_or(|at| now.duration_since(at) >= ANSWER_GOES_STALE);
            if stale {
                lookups.no_internet = Some(BackOff::after(lookups.no_internet.as_ref(), now));
            }
        } else {
            lookups.last_answer = Some(now);
            lookups.no_internet = None;
        }
        let reachable = lookups.no_internet.is_none();
        drop(lookups);
        self.internet.send_if_modified(|known| {
            let changed = *known != Some(reachable);
            *known = Some(reachable);
            changed
        });
    }

    /// A new network: what failed before may work now.
    fn forget_failures(&self) {
        let mut lookups = self.lookups();
        lookups.failing.clear();
        lookups.no_internet = None;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Answered,
    NoSuchName,
    NoAnswer,
}

impl Outcome {
    fn of<T>(result: &Result<T, DnsError>) -> Outcome {
        match result {
            Ok(_) => Outcome::Answered,
            Err(DnsError::NxDomain { .. }) => Outcome::NoSuchName,
            Err(_) => Outcome::NoAnswer,
        }
    }
}

/// The polite resolver around `inner` (see the module's text).
#[derive(Debug, Clone)]
pub(crate) struct PoliteResolver {
    inner: DnsResolver,
    state: Arc<State>,
}

impl PoliteResolver {
    /// `inner` made polite, and the watch that tells whether the internet is there.
    pub(crate) fn wrap(inner: DnsResolver) -> (DnsResolver, Internet) {
        let (internet, watching) = watch::channel(None);
        let state = Arc::new(State::new(internet));
        (DnsResolver::custom(PoliteResolver { inner, state }), watching)
    }

    /// Looks `host` up with `lookup`, unless it is backed off.
    fn ask<T, F, Fut>(&self, host: String, lookup: F) -> BoxFuture<Result<BoxIter<T>, DnsError>>
    where
        T: Send + 'static,
        F: FnOnce(DnsResolver, String) -> Fut + Send + 'static,
        Fut: Future<Output = Result<BoxIter<T>, DnsError>> + Send + 'static,
    {
        let (inner, state) = (self.inner.clone(), self.state.clone());
        Box::pin(async move {
            let turn = state.turn(&host);
            let _turn = turn.lock().await;
            let _probe = if state.answering() { None } else { Some(state.probe.lock().await) };
            if state.waiting(&host) {
                return Err(DnsError::from(n0_error::AnyError::from("backed off after failed lookups")));
            }
            let mut asking = Asking { state: state.clone(), host: host.clone(), outcome: Outcome::NoAnswer };
            let result = lookup(inner, host).await;
            asking.outcome = Outcome::of(&result);
            result
        })
    }
}

/// A lookup under way. iroh gives up on slow lookups by dropping them (its own timeouts are
/// often shorter than the resolver's), so the outcome is recorded when this is dropped: a
/// lookup dropped before it ended is one that got no answer.
struct Asking {
    state: Arc<State>,
    host: String,
    outcome: Outcome,
}

impl Drop for Asking {
    fn drop(&mut self) {
        self.state.ended(&self.host, self.outcome);
    }
}

impl Resolver for PoliteResolver {
    fn lookup_ipv4(&self, host: String) -> BoxFuture<Result<BoxIter<Ipv4Addr>, DnsError>> {
        self.ask(host, |inner, host| async move {
            let found = inner.lookup_ipv4(host, LOOKUP_TIMEOUT).await?;
            let v4: Vec<Ipv4Addr> =
                found.filter_map(|ip| if let IpAddr::V4(ip) = ip { Some(ip) } else { None }).collect();
            Ok(Box::new(v4.into_iter()) as BoxIter<Ipv4Addr>)
        })
    }

    fn lookup_ipv6(&self, host: String) -> BoxFuture<Result<BoxIter<Ipv6Addr>, DnsError>> {
        self.ask(host, |inner, host| async move {
            let found = inner.lookup_ipv6(host, LOOKUP_TIMEOUT).await?;
            let v6: Vec<Ipv6Addr> =
                found.filter_map(|ip| if let IpAddr::V6(ip) = ip { Some(ip) } else { None }).collect();
            Ok(Box::new(v6.into_iter()) as BoxIter<Ipv6Addr>)
        })
    }

    fn lookup_txt(&self, host: String) -> BoxFuture<Result<BoxIter<TxtRecordData>, DnsError>> {
        self.ask(host, |inner, host| async move {
            let found = inner.lookup_txt(host, LOOKUP_TIMEOUT).await?;
            Ok(Box::new(found.collect::<Vec<_>>().into_iter()) as BoxIter<TxtRecordData>)
        })
    }

    fn clear_cache(&self) {
        self.inner.clear_cache();
    }

    /// The network changed: what failed before may work now, so every back-off is forgotten.
    fn reset(&self) -> Box<dyn Resolver> {
        tracing::debug!("network changed: DNS lookups may be tried again");
        self.inner.reset();
        self.state.forget_failures();
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;

    /// A nameserver that never answers: a UDP socket nobody reads, on loopback.
    fn silent_nameserver() -> (std::net::UdpSocket, SocketAddr) {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = socket.local_addr().unwrap();
        (socket, addr)
    }

    /// Counts the queries that reach a nameserver socket, without answering any.
    fn queries(socket: &std::net::UdpSocket) -> usize {
        socket.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 512];
        let mut count = 0;
        while socket.recv_from(&mut buf).is_ok() {
            count += 1;
        }
        count
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_name_that_failed_is_not_asked_again_until_its_back_off_passed() {
        let (socket, addr) = silent_nameserver();
        let (resolver, mut internet) = PoliteResolver::wrap(DnsResolver::with_nameserver(addr));
        let first = resolver.lookup_ipv4("relay.school.example", Duration::from_secs(1)).await;
        assert!(first.is_err(), "nothing answers");
        let asked = queries(&socket);
        assert!(asked >= 1, "the first lookup asked the nameserver");
        assert_eq!(*internet.borrow_and_update(), Some(false), "no internet, said once");

        // Asked again and again (as iroh's relay client does): no packet leaves.
        for _ in 0..20 {
            assert!(resolver.lookup_ipv4("relay.school.example", Duration::from_secs(1)).await.is_err());
        }
        assert_eq!(queries(&socket), 0, "a backed-off name is not asked");
        assert!(!internet.has_changed().unwrap(), "the state did not change, so nothing more is said");

        // Nothing answered at all: other names wait too (the internet is gone).
        assert!(resolver.lookup_txt("_iroh.example", Duration::from_secs(1)).await.is_err());
        assert_eq!(queries(&socket), 0, "no internet: only a probe now and then");

        // A change of network: both are asked again at once.
        resolver.reset();
        let _ = resolver.lookup_ipv4("relay.school.example", Duration::from_secs(1)).await;
        assert!(queries(&socket) >= 1, "a new network: asked again");
        resolver.reset();
        let _ = resolver.lookup_txt("_iroh.example", Duration::from_secs(1)).await;
        assert!(queries(&socket) >= 1, "a new network: asked again");
    }

    #[tokio::test(start_paused = true)]
    async fn without_internet_every_name_waits_for_the_next_probe_and_an_answer_lets_all_through() {
        let (internet, watching) = watch::channel(None);
        let state = State::new(internet);
        assert!(!state.answering(), "nothing known yet: the first lookup probes");
        state.ended("relay.example", Outcome::NoAnswer);
        assert_eq!(*watching.borrow(), Some(false));
        assert!(state.waiting("dns.example"), "the internet is gone: other names wait too");
        tokio::time::advance(FIRST_BACK_OFF).await;
        assert!(!state.waiting("dns.example"), "time for the next probe");
        state.ended("dns.example", Outcome::NoAnswer);
        tokio::time::advance(FIRST_BACK_OFF).await;
        assert!(state.waiting("peer.example"), "the second back-off is twice as long");
        tokio::time::advance(FIRST_BACK_OFF).await;
        assert!(!state.waiting("peer.example"));
        // The probe got an answer (a name that does not exist is one): the internet is back.
        state.ended("peer.example", Outcome::NoSuchName);
        assert_eq!(*watching.borrow(), Some(true));
        assert!(state.answering());
        assert!(!state.waiting("dns.example"));
        assert!(state.waiting("peer.example"), "a name that does not exist is not asked again at once");
        // ... but again after 30 s however often it was asked: the colleague may be online now.
        for _ in 0..4 {
            tokio::time::advance(FIRST_BACK_OFF).await;
            assert!(!state.waiting("peer.example"));
            state.ended("peer.example", Outcome::NoSuchName);
        }
    }

    #[test]
    fn the_back_off_doubles_up_to_two_minutes_and_an_answer_ends_it() {
        let (internet, _watching) = watch::channel(None);
        let state = State::new(internet);
        let mut waits = Vec::new();
        for _ in 0..6 {
            state.ended("dns.example", Outcome::NoAnswer);
            let back_off = state.lookups().failing["dns.example"];
            waits.push((back_off.until - Instant::now()).as_secs_f64().round() as u64);
        }
        assert_eq!(waits, [30, 60, 120, 120, 120, 120]);
        assert!(state.waiting("dns.example"));
        state.ended("dns.example", Outcome::Answered);
        assert!(!state.waiting("dns.example"));
        assert!(!state.waiting("relay.example"), "the internet answered: every name may be asked");
        assert_eq!(*state.internet.borrow(), Some(true));
    }
}
