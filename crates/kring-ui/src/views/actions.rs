//! Open actions of every member across all sessions: who promised what, by when. Ticking one
//! marks it done where it was agreed.

use kring_model::Edit;

use crate::i18n::{Text, tr};
use crate::screen::Screen;
use crate::state::{After, AppState};

pub fn show(ui: &mut egui::Ui, state: &mut AppState, screen: &mut Screen) {
    let l = state.language;
    let Some(snapshot) = state.shared_snapshot() else { return };
    ui.heading(tr(l, Text::OpenActions));
    super::error_line(ui, state, After::Nothing);
    let open = snapshot.open_actions();
    if open.is_empty() {
        ui.label(tr(l, Text::NoOpenActions));
        return;
    }
    let me = state.me().cloned();
    // Mine first, then by name; actions nobody owns last.
    let mut owners: Vec<_> = open.keys().cloned().collect();
    owners.sort_by_key(|owner| {
        let name = owner.as_ref().map(|o| super::member_name(&snapshot, o)).unwrap_or_default();
        (owner.is_none(), owner != &me, name)
    });
    let any_shown = open.values().flatten().any(|(s, _)| super::themes::passes(state, &s.themes));
    if !any_shown {
        super::themes::nothing_under_filter(ui, state, Text::NoActionsWithTheme);
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        for owner in owners {
            let name = match &owner {
                Some(member) => super::member_name(&snapshot, member),
                None => tr(l, Text::NobodyYet).to_string(),
            };
            let shown: Vec<_> = open[&owner].iter().filter(|(s, _)| super::themes::passes(state, &s.themes)).collect();
            if shown.is_empty() {
                continue;
            }
            ui.strong(name);
            for (session, action) in shown {
                ui.horizontal_wrapped(|ui| {
                    let mut done = false;
                    if ui.checkbox(&mut done, &action.text).changed() {
                        let edit = Edit::SetActionDone { session: session.id.clone(), action: action.id.clone(), done };
                        state.edit(After::Nothing, edit);
                    }
                    if let Some(due) = &action.due {
                        ui.label(format!("· {} {}", tr(l, Text::Due), super::date(l, due)));
                    }
                    if ui.link(format!("· {}", session.title)).clicked() {
                        *screen = Screen::Session(session.id.clone());
                    }
                });
            }
            ui.add_space(6.0);
        }
    });
}
