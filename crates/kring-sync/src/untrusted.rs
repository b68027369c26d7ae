//! Automerge calls on bytes from outside: a peer's sync message, a bundle from a USB stick.
//!
//! Automerge 0.12 panics on some malformed changes instead of returning an error (fuzzing found
//! an actor index out of range in a change chunk, an object missing from its index while a
//! change was being applied, and a division by zero on a peer's empty summary of its changes).
//! Such bytes must cost the sender its connection or the user an error message, never the app,
//! so these calls go through [`catch_automerge_panic`].

use std::fmt::{self, Display};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Why Automerge did not take bytes from outside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub reason: String,
    /// Automerge panicked rather than returning an error. If it was applying changes to a
    /// document, it may have stopped half-way: that document must not be used or saved.
    pub panicked: bool,
}

impl Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Runs `decode`, turning its error or its panic into a [`Rejected`].
pub fn catch_automerge_panic<T, E: Display>(decode: impl FnOnce() -> Result<T, E>) -> Result<T, Rejected> {
    match catch_unwind(AssertUnwindSafe(decode)) {
        Ok(result) => result.map_err(|err| Rejected { reason: err.to_string(), panicked: false }),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(Rejected { reason: format!("Automerge failed on data from outside ({what})"), panicked: true })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_rejection_that_says_so() {
        let result: Result<(), Rejected> =
            catch_automerge_panic(|| -> Result<(), String> { panic!("index out of bounds") });
        let rejected = result.unwrap_err();
        assert_eq!(rejected.to_string(), "Automerge failed on data from outside (index out of bounds)");
        assert!(rejected.panicked);
        let ok = catch_automerge_panic(|| Ok::<u8, String>(7));
        assert_eq!(ok, Ok(7));
        let err = catch_automerge_panic(|| Err::<u8, &str>("bad chunk")).unwrap_err();
        assert_eq!(err, Rejected { reason: "bad chunk".into(), panicked: false });
    }
}
