//! Device settings that are not part of any network: `config.json` in the data directory.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::atomic::{PRIVATE_FILE_MODE, write_atomic};
use crate::error::{IoContext, Result, StoreError};

pub(crate) const CONFIG_FILE: &str = "config.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Never contact relays, DNS or port mapping: only the LAN and addresses given by hand.
    pub offline: bool,
    /// A relay run by a school or region instead of the public ones.
    pub relay_url: Option<String>,
    /// The interface language: "nl" (default) or "en".
    pub language: String,
    /// Use no public service: nothing published to or looked up in public DNS/pkarr, and no
    /// public relay (only `relay_url`, if set). Off by default.
    pub no_public_services: bool,
    /// Announce this laptop on the local network (mDNS) so that others there find it. On by
    /// default.
    pub lan_announce: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config { offline: false, relay_url: None, language: "nl".into(), no_public_services: false, lan_announce: true }
    }
}

impl Config {
    /// Reads the settings; a missing file means the defaults.
    pub fn load(dir: &Path) -> Result<Config> {
        let path = dir.join(CONFIG_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|err| StoreError::BadConfig { path, reason: err.to_string() })
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(err) => Err(err).at(&path),
        }
    }

    pub fn save(&self, dir: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).expect("a Config always serialises");
        write_atomic(&dir.join(CONFIG_FILE), &bytes, Some(PRIVATE_FILE_MODE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_gives_defaults_and_saved_settings_come_back() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Config::load(dir.path()).unwrap(), Config::default());
        let config = Config {
            offline: true,
            relay_url: Some("https://relay.example.nl".into()),
            language: "en".into(),
            no_public_services: true,
            lan_announce: false,
        };
        config.save(dir.path()).unwrap();
        assert_eq!(Config::load(dir.path()).unwrap(), config);
    }

    /// A config.json written before the privacy settings existed loads, with public services
    /// allowed and LAN announcement on, as before.
    #[test]
    fn an_older_file_without_the_privacy_settings_gets_their_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            br#"{ "offline": false, "relay_url": "https://relay.example.nl/", "language": "en" }"#,
        )
        .unwrap();
        let config = Config::load(dir.path()).unwrap();
        assert!(!config.no_public_services);
        assert!(config.lan_announce);
        assert_eq!(config.relay_url.as_deref(), Some("https://relay.example.nl/"));
        assert_eq!(config.language, "en");
    }

    #[test]
    fn a_broken_file_is_a_clear_error_and_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), b"{ not json").unwrap();
        let err = Config::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("config.json"), "{err}");
        assert_eq!(std::fs::read(dir.path().join(CONFIG_FILE)).unwrap(), b"{ not json");
    }
}
