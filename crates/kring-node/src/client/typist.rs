//! Which version of a text the person typing sees, so their keystrokes land where they saw
//! them and their caret comes back to the same place after remote edits.

use std::collections::VecDeque;

use kring_model::automerge::ChangeHash;
use kring_model::{CaretAnchor, MemberId, Network, Splice, TextField};

/// How many recent view versions are remembered. The interface adopts a view within a frame
/// or two; an older one is only named after a long stall, and then typing falls back to the
/// present.
const REMEMBERED_VIEWS: usize = 256;

/// The heads of the views recently sent to the interface.
#[derive(Default)]
pub struct ViewHistory {
    views: VecDeque<(u64, Vec<ChangeHash>)>,
}

impl ViewHistory {
    pub fn remember(&mut self, version: u64, heads: Vec<ChangeHash>) {
        if self.views.len() == REMEMBERED_VIEWS {
            self.views.pop_front();
        }
        self.views.push_back((version, heads));
    }

    pub fn heads_of(&self, version: u64) -> Option<&Vec<ChangeHash>> {
        self.views.iter().find(|(v, _)| *v == version).map(|(_, heads)| heads)
    }
}

/// The text being typed in, and the version of it the typist sees.
pub struct Typist {
    pub network: String,
    pub field: TextField,
    /// The view version the interface last adopted.
    adopted: u64,
    /// Exactly the text on the typist's screen: the adopted view plus their keystrokes since.
    seen: Vec<ChangeHash>,
    caret: Option<(CaretAnchor, CaretAnchor)>,
}

impl Typist {
    /// Applies one batch of keystrokes made on view `version` and moves the caret.
    pub fn type_text(
        slot: &mut Option<Typist>,
        history: &ViewHistory,
        (network_id, network, me): (&str, &mut Network, &MemberId),
        field: &TextField,
        version: u64,
        splices: &[Splice],
        caret: Option<(usize, usize)>,
    ) -> Result<(), String> {
        let same_text = slot.as_ref().is_some_and(|t| t.network == network_id && t.field == *field);
        if !same_text || slot.as_ref().is_some_and(|t| version > t.adopted) {
            let seen = history.heads_of(version).cloned().unwrap_or_else(|| network.heads());
            *slot = Some(Typist {
                network: network_id.to_string(),
                field: field.clone(),
                adopted: version,
                seen,
                caret: None,
            });
        }
        let Some(typist) = slot.as_mut() else { return Ok(()) };
        if !splices.is_empty() {
            typist.seen = network.type_text(me, field, &typist.seen, splices).map_err(|e| e.to_string())?;
        }
        if let Some((start, end)) = caret {
            let anchor = |pos| network.caret_anchor(field, &typist.seen, pos);
            typist.caret = anchor(start).and_then(|a| Ok((a, anchor(end)?))).ok();
        }
        Ok(())
    }

    /// The caret in the current text.
    pub fn caret(&self, network: &Network) -> Option<(TextField, usize, usize)> {
        let (start, end) = self.caret.as_ref()?;
        let start = network.caret_position(&self.field, start).ok()?;
        let end = network.caret_position(&self.field, end).ok()?;
        Some((self.field.clone(), start, end))
    }
}
