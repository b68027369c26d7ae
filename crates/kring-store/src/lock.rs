//! One Kring process per data directory: an OS file lock on `kring.lock` holding the owner's pid.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::atomic::private_file_options;
use crate::error::{IoContext, Result, StoreError};

pub(crate) const LOCK_FILE: &str = "kring.lock";

/// Held for as long as the process uses the data directory; the OS releases it on exit or crash,
/// so a stale lock file never blocks anyone.
#[derive(Debug)]
pub(crate) struct DirLock {
    _file: File,
}

impl DirLock {
    pub(crate) fn acquire(dir: &Path) -> Result<DirLock> {
        let path = dir.join(LOCK_FILE);
        let mut file =
            private_file_options().read(true).write(true).create(true).truncate(false).open(&path).at(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                let pid = pid.trim();
                let pid = if pid.is_empty() { "unknown".to_string() } else { pid.to_string() };
                return Err(StoreError::InUse { dir: dir.to_path_buf(), pid });
            }
            Err(TryLockError::Error(err)) => return Err(err).at(&path),
        }
        file.set_len(0).at(&path)?;
        file.rewind().at(&path)?;
        write!(file, "{}", std::process::id()).at(&path)?;
        file.flush().at(&path)?;
        Ok(DirLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_names_the_pid_of_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let _held = DirLock::acquire(dir.path()).unwrap();
        let err = DirLock::acquire(dir.path()).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, StoreError::InUse { .. }));
        assert!(message.contains(&format!("in use by pid {}", std::process::id())), "{message}");
    }

    #[test]
    fn the_lock_is_released_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        drop(DirLock::acquire(dir.path()).unwrap());
        DirLock::acquire(dir.path()).unwrap();
    }
}
