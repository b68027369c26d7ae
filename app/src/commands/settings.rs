//! `kring settings`: offline mode, relay, language, public services and LAN announcement.

use anyhow::{Context, Result};
use kring_store::DataDir;

use super::output::{Output, Settings};

/// What this laptop shows of itself: to public DNS/pkarr and relays, and on the LAN.
pub(super) struct Privacy {
    pub no_public_services: Option<bool>,
    pub lan_announce: Option<bool>,
}

pub(super) fn run(
    offline: Option<bool>,
    relay_url: Option<String>,
    public_relays: bool,
    language: Option<String>,
    privacy: Privacy,
    data: &DataDir,
) -> Result<Output> {
    let mut config = data.config()?;
    if let Some(offline) = offline {
        config.offline = offline;
    }
    if let Some(url) = relay_url {
        // Checked now, so a typo is found here and not at the next meeting.
        let url: iroh::RelayUrl = url.parse().with_context(|| format!("'{url}' is not a valid relay URL"))?;
        config.relay_url = Some(url.to_string());
    }
    if public_relays {
        config.relay_url = None;
    }
    if let Some(language) = language {
        config.language = language;
    }
    if let Some(no_public_services) = privacy.no_public_services {
        config.no_public_services = no_public_services;
    }
    if let Some(lan_announce) = privacy.lan_announce {
        config.lan_announce = lan_announce;
    }
    data.save_config(&config)?;
    Ok(Settings {
        offline: config.offline,
        relay_url: config.relay_url,
        language: config.language,
        no_public_services: config.no_public_services,
        lan_announce: config.lan_announce,
        data_dir: data.root().to_path_buf(),
    }
    .into())
}
