//! `kring settings`: offline mode, relay, language.

use anyhow::{Context, Result};
use kring_store::DataDir;
use serde_json::{Value, json};

pub fn run(
    offline: Option<bool>,
    relay_url: Option<String>,
    public_relays: bool,
    language: Option<String>,
    data: &DataDir,
) -> Result<Value> {
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
    data.save_config(&config)?;
    Ok(
        json!({ "offline": config.offline, "relay_url": config.relay_url, "language": config.language, "data_dir": data.root() }),
    )
}
