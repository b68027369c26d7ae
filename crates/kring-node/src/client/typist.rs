//! Which version of a text the person typing sees, so their keystrokes land where they saw
//! them and their caret comes back to the same place after remote edits.

use std::collections::VecDeque;

use kring_model::automerge::ChangeHash;
use kring_model::{CaretAnchor, MemberId, Network, Splice, TextField};

/// How many recent view versions are remembered. The interface adopts a view within a frame
/// or two; an older one is only named after a long stall, and then typing falls back to the
/// present.
const REMEMBERED_VIEWS: usize = 256;

/// The views recently sent to the interface, and the text being typed in.
#[derive(Default)]
pub(super) struct Typing {
    /// Version and heads of each recent view.
    views: VecDeque<(u64, Vec<ChangeHash>)>,
    typist: Option<Typist>,
}

/// The text being typed in, and the version of it the typist sees.
struct Typist {
    network: String,
    field: TextField,
    /// The view version the interface last adopted.
    adopted: u64,
    /// Exactly the text on the typist's screen: the adopted view plus their keystrokes since.
    seen: Vec<ChangeHash>,
    caret: Option<(CaretAnchor, CaretAnchor)>,
}

impl Typing {
    /// Remembers that view `version` showed the document at `heads`.
    pub(super) fn remember_view(&mut self, version: u64, heads: Vec<ChangeHash>) {
        if self.views.len() == REMEMBERED_VIEWS {
            self.views.pop_front();
        }
        self.views.push_back((version, heads));
    }

    /// Applies one batch of keystrokes made in `field` of `network_id` on view `version`, and
    /// moves the caret.
    #[allow(clippy::too_many_arguments)] // one keystroke batch, as the command carries it
    pub(super) fn type_text(
        &mut self,
        network_id: &str,
        network: &mut Network,
        me: &MemberId,
        field: &TextField,
        version: u64,
        splices: &[Splice],
        caret: Option<(usize, usize)>,
    ) -> kring_model::Result<()> {
        let same_text = self.typist.as_ref().is_some_and(|t| t.network == network_id && t.field == *field);
        if !same_text || self.typist.as_ref().is_some_and(|t| version > t.adopted) {
            let seen = self.heads_of(version).cloned().unwrap_or_else(|| network.heads());
            let network = network_id.to_string();
            self.typist = Some(Typist { network, field: field.clone(), adopted: version, seen, caret: None });
        }
        let Some(typist) = self.typist.as_mut() else { return Ok(()) };
        if !splices.is_empty() {
            typist.seen = network.type_text(me, field, &typist.seen, splices)?;
        }
        if let Some((start, end)) = caret {
            let anchor = |pos| network.caret_anchor(field, &typist.seen, pos);
            typist.caret = anchor(start).and_then(|a| Ok((a, anchor(end)?))).ok();
        }
        Ok(())
    }

    /// The typist's caret in the current text, if they type in `network_id`.
    pub(super) fn caret(&self, network_id: &str, network: &Network) -> Option<(TextField, usize, usize)> {
        let typist = self.typist.as_ref().filter(|t| t.network == network_id)?;
        let (start, end) = typist.caret.as_ref()?;
        let start = network.caret_position(&typist.field, start).ok()?;
        let end = network.caret_position(&typist.field, end).ok()?;
        Some((typist.field.clone(), start, end))
    }

    fn heads_of(&self, version: u64) -> Option<&Vec<ChangeHash>> {
        self.views.iter().find(|(v, _)| *v == version).map(|(_, heads)| heads)
    }
}
