//! The device's secret key: its identity towards other devices (the iroh endpoint id).

use std::path::Path;

use iroh_base::SecretKey;

use crate::atomic::{PRIVATE_FILE_MODE, write_atomic};
use crate::error::{IoContext, Result, StoreError};

pub(crate) const DEVICE_KEY_FILE: &str = "device.key";

/// Loads the key, or creates one on first start (readable by the owner only).
///
/// A key file that exists but is damaged is never replaced: replacing it would silently turn
/// this laptop into a stranger to every network it belongs to.
pub(crate) fn load_or_create(dir: &Path) -> Result<SecretKey> {
    let path = dir.join(DEVICE_KEY_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => {
            let bytes: [u8; 32] = bytes.as_slice().try_into().map_err(|_| StoreError::BadDeviceKey {
                path: path.clone(),
                reason: format!("expected 32 bytes, found {}", bytes.len()),
            })?;
            Ok(SecretKey::from_bytes(&bytes))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretKey::generate();
            write_atomic(&path, &key.to_bytes(), Some(PRIVATE_FILE_MODE))?;
            tracing::info!(path = %path.display(), "created a new device key");
            Ok(key)
        }
        Err(err) => Err(err).at(&path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_created_once_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(dir.path()).unwrap();
        let second = load_or_create(dir.path()).unwrap();
        assert_eq!(first.public(), second.public());
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        load_or_create(dir.path()).unwrap();
        let mode = std::fs::metadata(dir.path().join(DEVICE_KEY_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_damaged_key_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DEVICE_KEY_FILE);
        std::fs::write(&path, b"short").unwrap();
        let err = load_or_create(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::BadDeviceKey { .. }), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"short");
    }
}
