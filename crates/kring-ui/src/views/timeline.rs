//! The researcher's view: one timeline of the meetings, research cycles and reflection rounds
//! of every network on this laptop, filtered by theme and period, each line with its network;
//! saved as CSV or Markdown.

use std::collections::BTreeSet;

use kring_node::client::{Command, TimelineItem, TimelineKind};

use crate::file_dialog::FileKind;
use crate::i18n::{Language, Text, tr};
use crate::state::{After, AppState};

#[derive(Default)]
pub struct TimelinePage {
    pub theme: Option<String>,
    /// The period, as typed (`YYYY-MM-DD`); empty is open-ended.
    pub from: String,
    pub to: String,
}

impl TimelinePage {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState) {
        let l = state.language;
        ui.horizontal_wrapped(|ui| {
            ui.heading(tr(l, Text::Timeline));
            if ui.button(tr(l, Text::Refresh)).clicked() {
                state.send(Command::Timeline, After::Nothing);
            }
        });
        ui.label(tr(l, Text::TimelineExplained));
        let Some(all) = state.timeline.clone() else {
            ui.spinner();
            return;
        };
        let themes: BTreeSet<&String> = all.iter().flat_map(|item| &item.themes).collect();
        if !themes.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.label(tr(l, Text::Themes));
                if ui.selectable_label(self.theme.is_none(), tr(l, Text::AllThemes)).clicked() {
                    self.theme = None;
                }
                for theme in themes {
                    if ui.selectable_label(self.theme.as_ref() == Some(theme), theme.as_str()).clicked() {
                        self.theme = Some(theme.clone());
                    }
                }
            });
        }
        ui.horizontal_wrapped(|ui| {
            super::field(ui, tr(l, Text::PeriodFrom), &mut self.from);
            super::field(ui, tr(l, Text::PeriodTo), &mut self.to);
        });
        let shown = self.filter(&all);
        ui.horizontal_wrapped(|ui| {
            let name = format!("kring-tijdlijn-{}", super::today());
            if ui.button(tr(l, Text::ExportCsv)).clicked() {
                state.save_as(ui.ctx(), format!("{name}.csv"), FileKind::Csv, csv(l, &shown).into_bytes());
            }
            if ui.button(tr(l, Text::ExportMarkdown)).clicked() {
                state.save_as(ui.ctx(), format!("{name}.md"), FileKind::Markdown, markdown(l, &shown).into_bytes());
            }
        });
        super::error_line(ui, state, After::Saved);
        ui.separator();
        if shown.is_empty() {
            ui.label(tr(l, Text::TimelineEmpty));
        }
        egui::ScrollArea::vertical().show(ui, |ui| {
            for item in &shown {
                ui.horizontal_wrapped(|ui| {
                    ui.label(super::date(l, &item.date));
                    ui.weak(kind_word(l, item.kind));
                    ui.label(&item.title);
                    ui.weak(format!("{} {}", tr(l, Text::FromNetwork), item.network_name));
                    if !item.themes.is_empty() {
                        ui.weak(format!("({})", item.themes.iter().cloned().collect::<Vec<_>>().join(", ")));
                    }
                });
            }
        });
    }

    /// The items about the chosen theme within the period (dates compare as written).
    pub fn filter<'a>(&self, all: &'a [TimelineItem]) -> Vec<&'a TimelineItem> {
        let (from, to) = (self.from.trim(), self.to.trim());
        all.iter()
            .filter(|item| self.theme.as_ref().is_none_or(|t| item.themes.contains(t)))
            .filter(|item| from.is_empty() || item.date.as_str() >= from)
            .filter(|item| to.is_empty() || item.date.as_str() <= to)
            .collect()
    }
}

fn kind_word(l: Language, kind: TimelineKind) -> &'static str {
    tr(
        l,
        match kind {
            TimelineKind::Meeting => Text::KindSession,
            TimelineKind::Cycle => Text::KindCycle,
            TimelineKind::Round => Text::KindReflection,
        },
    )
}

/// One row per item: date, kind, title, network, themes.
pub fn csv(l: Language, items: &[&TimelineItem]) -> String {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    let header = [Text::Date, Text::Kind, Text::Title, Text::Network, Text::Themes];
    // Writing to memory cannot fail.
    let _ = out.write_record(header.map(|text| tr(l, text)));
    for item in items {
        let themes = item.themes.iter().cloned().collect::<Vec<_>>().join(", ");
        let _ = out.write_record([
            item.date.as_str(),
            kind_word(l, item.kind),
            item.title.as_str(),
            item.network_name.as_str(),
            themes.as_str(),
        ]);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A table; a `|` in a title cannot break it.
pub fn markdown(l: Language, items: &[&TimelineItem]) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let header = [Text::Date, Text::Kind, Text::Title, Text::Network, Text::Themes].map(|t| tr(l, t));
    let mut out = format!("# {}\n\n| {} |\n|---|---|---|---|---|\n", tr(l, Text::Timeline), header.join(" | "));
    for item in items {
        let themes = item.themes.iter().cloned().collect::<Vec<_>>().join(", ");
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            item.date,
            kind_word(l, item.kind),
            cell(&item.title),
            cell(&item.network_name),
            cell(&themes)
        ));
    }
    out
}
