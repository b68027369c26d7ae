//! "What changed since you last looked": after a merge (a colleague's laptop back after the
//! meeting) a list of who did what, each line leading to the record; the records themselves
//! carry a "changed" mark until the person marks everything as seen.

use kring_model::{ChangeItem, ChangeKind, MemberId, NetworkSnapshot, QuestionId, RoundId, SessionId};

use crate::i18n::{Language, Text, change_words, tr};
use crate::screen::Screen;
use crate::state::AppState;

/// The colour of everything marked as changed.
pub const CHANGED: egui::Color32 = egui::Color32::from_rgb(220, 120, 20);

/// The button in the status bar at the bottom, only while something changed.
pub fn button(ui: &mut egui::Ui, state: &AppState, shown: &mut bool) {
    let Some(changes) = state.changes() else { return };
    if changes.is_empty() {
        return;
    }
    let count = changes.items.len() + usize::from(changes.other_changes > 0);
    let label = egui::RichText::new(format!("{} ({count})", tr(state.language, Text::WhatChanged))).color(CHANGED);
    if ui.selectable_label(*shown, label).clicked() {
        *shown = !*shown;
    }
}

/// The list, in a panel on the right.
pub fn panel(ui: &mut egui::Ui, state: &mut AppState, shown: &mut bool, screen: &mut Screen) {
    let l = state.language;
    let (Some(changes), Some(snapshot)) = (state.view.as_ref().map(|v| v.changes.clone()), state.shared_snapshot())
    else {
        return;
    };
    if !*shown || changes.is_empty() {
        return;
    }
    egui::Panel::right("changes").resizable(true).default_size(320.0).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading(tr(l, Text::WhatChanged));
            if ui.small_button(tr(l, Text::Close)).clicked() {
                *shown = false;
            }
        });
        if ui.button(tr(l, Text::MarkSeen)).clicked() {
            state.mark_seen();
            *shown = false;
        }
        ui.separator();
        egui::ScrollArea::vertical().show(ui, |ui| {
            let mut items: Vec<&ChangeItem> = changes.items.iter().collect();
            items.sort_by_key(|item| std::cmp::Reverse(item.last_at));
            for item in items {
                let line = format!("{} — {}", describe(l, &snapshot, item), super::local_time(l, item.last_at));
                match destination(&snapshot, item) {
                    Some(target) => {
                        if ui.link(line).clicked() {
                            *screen = open(target);
                        }
                    }
                    None => {
                        ui.label(line);
                    }
                }
            }
            if changes.other_changes > 0 {
                let count =
                    crate::i18n::count(l, changes.other_changes, ("wijziging", "wijzigingen"), ("change", "changes"));
                ui.label(format!("{count} {}", tr(l, Text::OtherChanges)));
            }
        });
    });
}

/// "Anna en Bram bewerkte de notities van PLG 3".
pub fn describe(l: Language, snapshot: &NetworkSnapshot, item: &ChangeItem) -> String {
    let names: Vec<String> = item.by.iter().map(|m| super::member_name(snapshot, m)).collect();
    let who = match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {} {last}", rest.join(", "), tr(l, Text::And)),
        None => String::new(),
    };
    let target = item.target.as_deref().map(|t| target_name(snapshot, t)).unwrap_or_default();
    format!("{who} {} {target}", change_words(l, item.what)).trim_end().to_string()
}

/// The title or name of the record a change touched.
fn target_name(snapshot: &NetworkSnapshot, target: &str) -> String {
    let session = snapshot.sessions.get(&SessionId::new(target)).map(|s| s.title.clone());
    let question = || snapshot.questions.get(&QuestionId::new(target)).map(|q| q.title.clone());
    let round = || snapshot.rounds.get(&RoundId::new(target)).map(|r| r.title.clone());
    let member = || snapshot.members.get(&MemberId::new(target)).map(|m| m.name.clone());
    session.or_else(question).or_else(round).or_else(member).unwrap_or_default()
}

/// Where a change can be looked at.
enum Destination {
    Session(SessionId),
    Question(QuestionId),
    Reflection,
    Members,
}

fn destination(snapshot: &NetworkSnapshot, item: &ChangeItem) -> Option<Destination> {
    let target = item.target.as_deref()?;
    match item.what {
        ChangeKind::RoundOpened | ChangeKind::RoundClosed | ChangeKind::Scored => Some(Destination::Reflection),
        ChangeKind::MemberAdded | ChangeKind::MemberEdited | ChangeKind::InviteUsed => Some(Destination::Members),
        _ if snapshot.sessions.get(&SessionId::new(target)).is_some_and(|s| s.deleted_at.is_none()) => {
            Some(Destination::Session(SessionId::new(target)))
        }
        _ if snapshot.questions.get(&QuestionId::new(target)).is_some_and(|q| q.deleted_at.is_none()) => {
            Some(Destination::Question(QuestionId::new(target)))
        }
        _ => None,
    }
}

fn open(destination: Destination) -> Screen {
    match destination {
        Destination::Session(id) => Screen::Session(id),
        Destination::Question(id) => Screen::Question(id),
        Destination::Reflection => Screen::Reflection,
        Destination::Members => Screen::Members,
    }
}

/// A "changed" mark beside a record changed since the person last looked.
pub fn mark(ui: &mut egui::Ui, state: &AppState, id: &str) {
    if state.changes().is_some_and(|changes| changes.touches(id)) {
        ui.label(egui::RichText::new(tr(state.language, Text::ChangedMark)).small().color(CHANGED));
    }
}
