//! How much a room takes: bodies, guests, and requests per guest and in all. A meeting's
//! phones send a few things a minute each; anything far beyond that is refused cheaply.

use std::time::{Duration, Instant};

/// The largest request body (a guest's longest text is 500 characters).
pub const MAX_BODY: usize = 16 * 1024;
/// The most guests one room admits (a large leerhuis day).
pub const MAX_GUESTS: usize = 300;
/// Per guest: a burst of this many sends, then one per second.
pub(crate) const GUEST_BURST: f64 = 10.0;
pub(crate) const GUEST_PER_SECOND: f64 = 1.0;
/// All requests to the room together (page loads, joins, sends): a whole room arriving at
/// once, then a steady few hundred a second.
pub(crate) const ROOM_BURST: f64 = 1_000.0;
pub(crate) const ROOM_PER_SECOND: f64 = 300.0;
/// Texts (proposed questions and reactions) one guest may send in a room.
pub(crate) const MAX_TEXTS_PER_GUEST: usize = 20;
/// Photos one guest may send in a room.
pub const MAX_PHOTOS_PER_GUEST: usize = 3;
/// Photos a room takes in all (a large leerhuis day's worth).
pub const MAX_PHOTOS_PER_ROOM: usize = 100;
/// How long the page's view of the room is reused before the network is read again.
pub(crate) const VIEW_FRESH: Duration = Duration::from_secs(2);

/// A token bucket: `burst` at most, refilled at `per_second`.
#[derive(Debug)]
pub(crate) struct Bucket {
    tokens: f64,
    burst: f64,
    per_second: f64,
    last: Instant,
}

impl Bucket {
    pub(crate) fn new(burst: f64, per_second: f64) -> Bucket {
        Bucket { tokens: burst, burst, per_second, last: Instant::now() }
    }

    /// Takes one token if there is one.
    pub(crate) fn take(&mut self) -> bool {
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_gives_its_burst_then_refills_over_time() {
        let mut bucket = Bucket::new(3.0, 1_000.0);
        bucket.last += Duration::from_secs(3600); // a clock that stands still for this test
        assert!((0..3).all(|_| bucket.take()));
        assert!(!bucket.take());
        bucket.last = Instant::now() - Duration::from_millis(5);
        assert!(bucket.take(), "refilled after a few milliseconds at 1,000 a second");
    }
}
