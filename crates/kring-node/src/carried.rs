//! What this laptop keeps beside a chapter it took (`carried.bin`): the offline work it
//! carried into it and where its own characters came from (see `docs/chapters.md`).

use std::collections::BTreeMap;

use kring_model::Origins;

/// Offline work this laptop carried into a chapter when it took it: the change that holds it,
/// and per actor of the chapter it left, the last of its own changes it held. Should that
/// chapter lose against one begun beside it that was copied with all of that work already, the
/// change is not carried over a second time.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct CarriedInto {
    pub(crate) change: [u8; 32],
    pub(crate) upto: BTreeMap<String, u64>,
}

/// What this laptop keeps beside a chapter it took from the one before, to carry its work over
/// once should the chapter lose against one begun beside it (`carried.bin`).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Carried {
    pub(crate) into: Vec<CarriedInto>,
    /// Where this laptop's own characters in the chapter came from (see [`Origins`]).
    pub(crate) origins: Origins,
}

impl Carried {
    /// As kept beside the chapter; a file of an older Kring holds only what was carried.
    pub(crate) fn decode(bytes: &[u8]) -> Carried {
        postcard::from_bytes(bytes)
            .or_else(|_| postcard::from_bytes(bytes).map(|into| Carried { into, origins: Origins::default() }))
            .unwrap_or_default()
    }

    pub(crate) fn encode(&self) -> Vec<u8> {
        postcard::to_stdvec(self).expect("always serialises")
    }
}
