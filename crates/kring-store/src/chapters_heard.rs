//! Which chapter each member device last said it holds, kept beside the network: so that "who
//! has switched" to a new chapter survives a restart of this laptop. The file belongs to the
//! chapter's folder, so a switch to the next chapter starts it afresh.

use std::collections::BTreeMap;
use std::fs;

use crate::atomic::{PRIVATE_FILE_MODE, write_atomic};
use crate::error::Result;
use crate::network_store::NetworkStore;

/// Device id → the chapter id it named, as JSON.
pub const CHAPTERS_HEARD_FILE: &str = "chapters-heard.json";

/// More than a network's member devices ever are; a larger file is not Kring's and is ignored.
const MAX_DEVICES: usize = 10_000;
/// Device ids and chapter ids are short hex strings.
const MAX_ID_BYTES: usize = 128;

impl NetworkStore {
    /// What [`NetworkStore::write_chapters_heard`] kept; empty when nothing was, or what is
    /// there is damaged (it is only ever a hint for the members page).
    pub fn read_chapters_heard(&self) -> BTreeMap<String, String> {
        let Ok(bytes) = fs::read(self.dir().join(CHAPTERS_HEARD_FILE)) else { return BTreeMap::new() };
        let heard: BTreeMap<String, String> = serde_json::from_slice(&bytes).unwrap_or_default();
        let sane = heard.len() <= MAX_DEVICES
            && heard.iter().all(|(device, chapter)| device.len() <= MAX_ID_BYTES && chapter.len() <= MAX_ID_BYTES);
        if sane { heard } else { BTreeMap::new() }
    }

    pub fn write_chapters_heard(&self, heard: &BTreeMap<String, String>) -> Result<()> {
        let bytes = serde_json::to_vec(heard).expect("a map of strings always serialises");
        write_atomic(&self.dir().join(CHAPTERS_HEARD_FILE), &bytes, Some(PRIVATE_FILE_MODE))
    }
}

#[cfg(test)]
mod tests {
    use crate::DataDir;

    #[test]
    fn chapters_heard_are_kept_and_damage_reads_as_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::open(dir.path()).unwrap();
        let mut doc = automerge::AutoCommit::new();
        let store = data.create_network("0123456789abcdef0123456789abcdef", &mut doc).unwrap();
        assert!(store.read_chapters_heard().is_empty());

        let heard = [("device-a".to_string(), "chapter-2".to_string())].into_iter().collect();
        store.write_chapters_heard(&heard).unwrap();
        assert_eq!(store.read_chapters_heard(), heard);

        std::fs::write(store.dir().join(super::CHAPTERS_HEARD_FILE), b"{\"device-a\": 7").unwrap();
        assert!(store.read_chapters_heard().is_empty());
        let long = format!("{{\"{}\": \"c\"}}", "d".repeat(200));
        std::fs::write(store.dir().join(super::CHAPTERS_HEARD_FILE), long).unwrap();
        assert!(store.read_chapters_heard().is_empty());
    }
}
