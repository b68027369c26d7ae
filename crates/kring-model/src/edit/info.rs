//! The network's own details: name, description, region, themes.

use automerge::transaction::Transactable;

use crate::changes::ChangeKind;
use crate::error::{CoordinatorTask, Field, Result};
use crate::ids::MemberId;
use crate::network::Network;
use crate::schema::*;
use crate::validate::{self, MAX_LONG, MAX_NAME, MAX_SHORT};

impl Network {
    pub fn rename(&mut self, by: &MemberId, name: &str) -> Result<()> {
        let name = validate::required(Field::NetworkName, name, MAX_NAME)?;
        self.set_info(by, NAME, name)
    }

    pub fn set_description(&mut self, by: &MemberId, description: &str) -> Result<()> {
        let description = validate::optional(Field::Description, description, MAX_LONG)?;
        self.set_info(by, DESCRIPTION, description)
    }

    pub fn set_region(&mut self, by: &MemberId, region: &str) -> Result<()> {
        let region = validate::optional(Field::Region, region, MAX_SHORT)?;
        self.set_info(by, REGION, region)
    }

    /// Themes are a set keyed by the theme itself, so two members adding the same theme
    /// concurrently end up with it once.
    pub fn add_theme(&mut self, by: &MemberId, theme: &str) -> Result<()> {
        let theme = validate::required(Field::Theme, theme, MAX_SHORT)?;
        self.edit_themes(by, |doc, themes| Ok(doc.put(themes, theme, true)?))
    }

    pub fn remove_theme(&mut self, by: &MemberId, theme: &str) -> Result<()> {
        let theme = theme.trim().to_string();
        self.edit_themes(by, |doc, themes| Ok(doc.delete(themes, theme)?))
    }

    fn set_info(&mut self, by: &MemberId, key: &'static str, value: String) -> Result<()> {
        self.coordinator(by, CoordinatorTask::NetworkDetails)?;
        let info = self.root_map(NETWORK)?;
        let note = Network::note(by, ChangeKind::NetworkEdited, self.id());
        self.change(note, |doc, _| Ok(doc.put(&info, key, value)?))
    }

    fn edit_themes(
        &mut self,
        by: &MemberId,
        write: impl FnOnce(&mut automerge::AutoCommit, &automerge::ObjId) -> Result<()>,
    ) -> Result<()> {
        self.coordinator(by, CoordinatorTask::NetworkDetails)?;
        let info = self.root_map(NETWORK)?;
        let themes = self.child_map(&info, THEMES)?;
        let note = Network::note(by, ChangeKind::NetworkEdited, self.id());
        self.change(note, |doc, _| write(doc, &themes))
    }
}
