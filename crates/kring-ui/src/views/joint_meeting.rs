//! A leerhuis's joint meetings: whom a meeting is for (the members of all linked networks, or
//! only of chosen ones), chosen when it is planned or afterwards by a coordinator, and who came
//! per network and perspective. Who is not invited only does not see the meeting in their list
//! (`NetworkSnapshot::invited`): the leerhuis's document is shared by all its members.

use std::collections::BTreeSet;

use kring_model::leerhuis::shown_count;
use kring_model::{Edit, NetworkId, NetworkKind, NetworkSnapshot, Perspective, Session, SessionId};

use crate::i18n::{Language, Text, tr, word};
use crate::state::{After, AppState};

/// "Open voor: alle gekoppelde netwerken / alleen: [networks]", as ticked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpenToChoice {
    pub only: bool,
    pub networks: BTreeSet<NetworkId>,
}

impl OpenToChoice {
    pub fn of(session: &Session) -> OpenToChoice {
        OpenToChoice { only: !session.open_to.is_empty(), networks: session.open_to.clone() }
    }

    /// The networks chosen; empty is all of them (also "only" with none ticked).
    pub fn chosen(&self) -> BTreeSet<NetworkId> {
        if self.only { self.networks.clone() } else { BTreeSet::new() }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, l: Language, snapshot: &NetworkSnapshot) {
        ui.horizontal_wrapped(|ui| {
            ui.label(tr(l, Text::OpenFor));
            ui.radio_value(&mut self.only, false, tr(l, Text::OpenToAllLinked));
            ui.radio_value(&mut self.only, true, tr(l, Text::OpenToOnly));
            for link in snapshot.links.values().filter(|link| link.is_linked()) {
                let mut ticked = self.only && self.networks.contains(&link.id);
                if ui.checkbox(&mut ticked, &link.name).changed() {
                    // Ticking a network is choosing "only".
                    self.only |= ticked;
                    if ticked {
                        self.networks.insert(link.id.clone());
                    } else {
                        self.networks.remove(&link.id);
                    }
                }
            }
        });
        ui.weak(tr(l, Text::OpenToExplained));
    }
}

/// Whom the meeting is for, in words: "alle gekoppelde netwerken", or the chosen ones' names.
fn whom(l: Language, snapshot: &NetworkSnapshot, session: &Session) -> String {
    if session.open_to.is_empty() {
        return tr(l, Text::OpenToAllLinked).to_string();
    }
    let name = |id: &NetworkId| snapshot.links.get(id).map_or_else(|| id.to_string(), |link| link.name.clone());
    session.open_to.iter().map(name).collect::<Vec<_>>().join(", ")
}

/// On a leerhuis meeting's page: whom it is for, and a coordinator's choice of it.
#[derive(Default)]
pub struct JointPanel {
    pub choosing: Option<(SessionId, OpenToChoice)>,
}

impl JointPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, session: &Session) {
        if snapshot.info.kind != NetworkKind::Leerhuis {
            return;
        }
        let l = state.language;
        match self.choosing.take() {
            Some((id, mut choice)) if id == session.id => {
                choice.ui(ui, l, snapshot);
                let mut keep = true;
                ui.horizontal(|ui| {
                    if ui.button(tr(l, Text::Save)).clicked() {
                        let edit = Edit::SetOpenTo { session: id.clone(), open_to: choice.chosen() };
                        state.edit(After::Nothing, edit);
                        keep = false;
                    }
                    keep &= !ui.button(tr(l, Text::Cancel)).clicked();
                });
                if keep {
                    self.choosing = Some((id, choice));
                }
            }
            _ => {
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!("{} {}", tr(l, Text::OpenFor), whom(l, snapshot, session)));
                    if state.is_coordinator() && ui.small_button(tr(l, Text::ChooseOpenTo)).clicked() {
                        self.choosing = Some((session.id.clone(), OpenToChoice::of(session)));
                    }
                });
            }
        }
    }
}

/// Who came to a leerhuis meeting, per network they came through and perspective (the
/// programme report's table): youth and parents fewer than five as "<5".
pub fn present_by_network(ui: &mut egui::Ui, l: Language, snapshot: &NetworkSnapshot, session: &Session) {
    if snapshot.info.kind != NetworkKind::Leerhuis {
        return;
    }
    ui.strong(tr(l, Text::PresentByNetwork));
    let present = snapshot.attendance_by_network(session);
    if present.is_empty() {
        ui.label(tr(l, Text::NobodyPresentYet));
        return;
    }
    egui::Grid::new(("present-by-network", session.id.as_str())).striped(true).show(ui, |ui| {
        ui.strong(tr(l, Text::Network));
        for perspective in Perspective::ALL {
            ui.strong(word(l, perspective.as_str()));
        }
        ui.end_row();
        for (network, counts) in &present {
            ui.label(network.as_deref().unwrap_or(tr(l, Text::JoinedDirectly)));
            for perspective in Perspective::ALL {
                ui.label(shown_count(*perspective, counts.get(perspective).copied().unwrap_or(0)));
            }
            ui.end_row();
        }
    });
}
