//! Themes on sessions and learning questions ("kindermishandeling", "werkplezier"): each theme a
//! record carries is its own key, `theme:<name>`, in the record's map. A key per theme merges
//! like a vote: two members tagging at once both count, and records made before themes existed
//! need no container created afterwards.

use crate::changes::ChangeKind;
use crate::error::{Field, Result};
use crate::ids::*;
use crate::network::Network;
use crate::schema::THEME_PREFIX;
use crate::validate::{self, MAX_SHORT};

impl Network {
    /// Gives a session a theme (`tagged`), or takes it away.
    pub fn tag_session(&mut self, by: &MemberId, session: &SessionId, theme: &str, tagged: bool) -> Result<()> {
        self.current_member(by)?;
        let obj = self.live_session(session)?;
        let key = theme_key(theme)?;
        let note = Network::note(by, ChangeKind::SessionEdited, session);
        self.change(note, |doc, _| tag(doc, &obj, &key, tagged))
    }

    /// Gives a learning question a theme (`tagged`), or takes it away.
    pub fn tag_question(&mut self, by: &MemberId, question: &QuestionId, theme: &str, tagged: bool) -> Result<()> {
        self.current_member(by)?;
        let obj = self.live_question(question)?;
        let key = theme_key(theme)?;
        let note = Network::note(by, ChangeKind::QuestionEdited, question);
        self.change(note, |doc, _| tag(doc, &obj, &key, tagged))
    }
}

fn theme_key(theme: &str) -> Result<String> {
    Ok(format!("{THEME_PREFIX}{}", validate::required(Field::Theme, theme, MAX_SHORT)?))
}

fn tag(doc: &mut automerge::AutoCommit, obj: &automerge::ObjId, key: &str, tagged: bool) -> Result<()> {
    use automerge::transaction::Transactable;
    if tagged {
        doc.put(obj, key, true)?;
    } else if crate::access::boolean(doc, obj, key).is_some() {
        doc.delete(obj, key)?;
    }
    Ok(())
}

/// The themes a record carries, from its keys.
pub(crate) fn themes_of(doc: &automerge::AutoCommit, obj: &automerge::ObjId) -> std::collections::BTreeSet<String> {
    use automerge::ReadDoc;
    doc.keys(obj)
        .filter_map(|key| key.strip_prefix(THEME_PREFIX).map(str::to_string))
        .filter(|theme| crate::access::boolean(doc, obj, &format!("{THEME_PREFIX}{theme}")) == Some(true))
        .collect()
}
