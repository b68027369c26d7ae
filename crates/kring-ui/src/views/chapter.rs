//! Chapters in the app: which chapter the network is in, a coordinator's "Nieuw hoofdstuk
//! beginnen", and "Voor iedereen wissen" on a meeting or a learning question, each behind a
//! clear warning and a second click.

use kring_model::{Erasure, NetworkSnapshot};

use crate::i18n::{Text, tr};
use crate::state::{After, AppState};

/// The chapter section of the network page.
#[derive(Default)]
pub struct ChapterSection {
    /// The coordinator clicked "Nieuw hoofdstuk beginnen…" and is asked to confirm.
    confirming: bool,
    keep_history: bool,
}

impl ChapterSection {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, coordinator: bool) {
        let l = state.language;
        let chapter = &snapshot.info.chapter;
        ui.strong(format!("{} {}", tr(l, Text::Chapter), chapter.number));
        if let (Some(by), Some(at)) = (&chapter.started_by, chapter.started_at) {
            let name = snapshot.members.get(by).map_or(by.as_str(), |m| m.name.as_str());
            ui.label(format!("{} {name}, {}", tr(l, Text::ChapterBegunBy), super::local_time(l, at)));
        }
        ui.label(tr(l, Text::ChapterExplained));
        if !coordinator {
            return;
        }
        if !self.confirming {
            if ui.button(tr(l, Text::NewChapter)).clicked() {
                self.confirming = true;
            }
        } else {
            ui.checkbox(&mut self.keep_history, tr(l, Text::KeepOldHistory));
            ui.horizontal(|ui| {
                if ui.button(tr(l, Text::YesNewChapter)).clicked() {
                    state.start_chapter(Vec::new(), self.keep_history);
                    self.confirming = false;
                }
                if ui.button(tr(l, Text::Cancel)).clicked() {
                    self.confirming = false;
                }
            });
        }
        super::error_line(ui, state, After::ChapterStarted);
    }
}

/// "Voor iedereen wissen…" for one record (`key` tells records apart): a coordinator's small
/// button, then what goes (`what`: the passage, the title, the comment) and the warning with
/// "Ja, voor iedereen wissen" and "Annuleren". `true` once the erasure was sent (the record will
/// be gone: the caller leaves its page).
pub fn erase_for_everyone(
    ui: &mut egui::Ui,
    state: &mut AppState,
    confirming: &mut Option<String>,
    key: &str,
    button: Text,
    what: &str,
    erasure: impl FnOnce() -> Erasure,
) -> bool {
    let l = state.language;
    if !state.is_coordinator() {
        return false;
    }
    if confirming.as_deref() != Some(key) {
        if ui.small_button(tr(l, button)).clicked() {
            *confirming = Some(key.to_string());
        }
        return false;
    }
    // Exactly what goes, before the second click: a selection is easily a word more or less.
    ui.label(egui::RichText::new(format!("{} ‘{}’", tr(l, Text::ErasedWhat), quoted(what))).strong());
    ui.colored_label(ui.visuals().warn_fg_color, tr(l, Text::EraseWarning));
    let mut sent = false;
    if ui.button(tr(l, Text::YesErase)).clicked() {
        state.start_chapter(vec![erasure()], false);
        *confirming = None;
        sent = true;
    }
    if ui.button(tr(l, Text::Cancel)).clicked() {
        *confirming = None;
    }
    sent
}

/// What is erased, as it is shown in the warning: trimmed, and a long passage by its beginning
/// and its end.
fn quoted(what: &str) -> String {
    const SHOWN: usize = 120;
    let what = what.trim();
    let count = what.chars().count();
    if count <= 2 * SHOWN + 20 {
        return what.to_string();
    }
    let start: String = what.chars().take(SHOWN).collect();
    let end: String = what.chars().skip(count - SHOWN).collect();
    format!("{} … {}", start.trim_end(), end.trim_start())
}

/// One line under the status bar after this laptop took a new chapter from a member's laptop:
/// which chapter, and what of its offline work was carried over. Where two coordinators had
/// begun a chapter each, it says so first, and which one the network goes on in.
pub fn switched_line(state: &AppState) -> Option<String> {
    let l = state.language;
    let here = |network: &str| Some(network) == state.network_id();
    let concurrent = state.status.concurrent.as_ref().filter(|c| here(&c.network));
    let switched = state.status.switched.as_ref().filter(|s| here(&s.network));
    let told = concurrent.map(|c| crate::i18n::concurrent_chapters(l, c.number, &c.by, c.switched));
    let Some(switched) = switched.filter(|s| concurrent.is_none_or(|c| c.number == s.number)) else { return told };
    let mut line = match told {
        Some(told) => told,
        None => format!("{} {}.", tr(l, Text::SwitchedToChapter), switched.number),
    };
    if switched.carried_over > 0 {
        line.push_str(&format!(" {} {}.", switched.carried_over, tr(l, Text::CarriedOverWork)));
    }
    if switched.left_out > 0 {
        line.push_str(&format!(" {} {}.", switched.left_out, tr(l, Text::LeftOutWork)));
    }
    if switched.displaced > 0 {
        line.push_str(&format!(" {} {}.", switched.displaced, tr(l, Text::DisplacedWork)));
    }
    Some(line)
}
