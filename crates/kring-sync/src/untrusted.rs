//! Automerge calls on bytes from outside: a peer's sync message, a bundle from a USB stick.
//!
//! Automerge 0.12 panics on some malformed changes instead of returning an error (fuzzing found
//! an actor index out of range in a change chunk, reached from `receive_sync_message`). Such
//! bytes must cost the sender its connection or the user an error message, never the app, so
//! these calls go through [`catch_automerge_panic`].

use std::fmt::Display;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `decode`, turning its error or its panic into a message. The panic happens while
/// Automerge decodes the changes, before it applies any, so a document it was given is left as
/// it was (the sync_messages fuzz target checks that it still saves and loads unchanged).
pub fn catch_automerge_panic<T, E: Display>(decode: impl FnOnce() -> Result<T, E>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(decode)) {
        Ok(result) => result.map_err(|err| err.to_string()),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(format!("Automerge could not decode the changes ({what})"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_message() {
        let result: Result<(), String> =
            catch_automerge_panic(|| -> Result<(), String> { panic!("index out of bounds") });
        assert_eq!(result.unwrap_err(), "Automerge could not decode the changes (index out of bounds)");
        let ok: Result<u8, String> = catch_automerge_panic(|| Ok::<u8, String>(7));
        assert_eq!(ok, Ok(7));
        let err: Result<u8, String> = catch_automerge_panic(|| Err::<u8, &str>("bad chunk"));
        assert_eq!(err.unwrap_err(), "bad chunk");
    }
}
