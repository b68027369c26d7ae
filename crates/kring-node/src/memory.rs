//! Giving memory back to the system once a crowd of connections has gone.
//!
//! Every connection, even one turned away at once, costs its QUIC state and buffers while it
//! lasts. Once freed, glibc's allocator keeps that memory for the next allocation instead of
//! returning it: eighty strangers redialing `kring serve` for 15 s took it from 36 to 89 MB,
//! and it stayed at 89 MB after they had gone, of which `malloc_trim` gave 42 MB back. So when
//! the last stranger (or joiner) connection ends, freed memory is handed back a second later.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A hand-back is waiting to run.
static SCHEDULED: AtomicBool = AtomicBool::new(false);
/// Time for the connections that just closed to be let go of (QUIC drains a closed one for a
/// few round trips).
const AFTER: Duration = Duration::from_secs(1);

/// Hands freed memory back to the system in a second (once, however often it is asked).
pub(crate) fn give_back_soon() {
    if SCHEDULED.swap(true, Ordering::AcqRel) {
        return;
    }
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(async {
                tokio::time::sleep(AFTER).await;
                SCHEDULED.store(false, Ordering::Release);
                give_back();
            });
        }
        Err(_) => {
            SCHEDULED.store(false, Ordering::Release);
            give_back();
        }
    }
}

/// Returns the allocator's free memory to the system, where the allocator keeps it otherwise.
fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of glibc's own heaps; it touches no memory
    // in use and may be called from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
