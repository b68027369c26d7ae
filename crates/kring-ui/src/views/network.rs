//! The network itself: its name, description, region and themes, a picture of its activity,
//! and the reflection factors members score. Everyone reads them; coordinators change them.

use kring_model::{Edit, NetworkSnapshot};

use crate::i18n::{Text, factor_name, tr};
use crate::state::{After, AppState};

#[derive(Default)]
pub struct NetworkPage {
    /// The details as typed, while a coordinator edits them: name, description, region.
    pub details: Option<(String, String, String)>,
    pub theme: String,
    pub factor: String,
    /// A factor being renamed, with its new name.
    pub renaming: Option<(kring_model::FactorId, String)>,
    pub chapter: super::chapter::ChapterSection,
    /// Its leerhuis: the linked networks, or the leerhuizen it is linked into.
    pub leerhuis: super::leerhuis::LinksSection,
}

impl NetworkPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState) {
        let l = state.language;
        let Some(snapshot) = state.shared_snapshot() else { return };
        let coordinator = state.is_coordinator();
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.heading(tr(l, Text::TheNetwork));
            self.details(ui, state, &snapshot, coordinator);
            super::error_line(ui, state, After::NetworkEdited);
            super::error_line(ui, state, After::Nothing);
            ui.separator();
            self.leerhuis.ui(ui, state, &snapshot, coordinator);
            ui.separator();
            super::activity::show(ui, l, &snapshot, &super::today());
            ui.separator();
            self.chapter.ui(ui, state, &snapshot, coordinator);
            ui.separator();
            self.themes(ui, state, &snapshot, coordinator);
            ui.separator();
            self.factors(ui, state, &snapshot, coordinator);
        });
    }

    fn details(&mut self, ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, coordinator: bool) {
        let l = state.language;
        let info = &snapshot.info;
        let Some((mut name, mut description, mut region)) = self.details.take() else {
            // Two columns without a grid: a grid's column keeps the width of the first frame,
            // and a long name wrapped in it broke inside its words.
            let labels = [Text::NetworkName, Text::Description, Text::Region].map(|text| tr(l, text));
            let font = egui::TextStyle::Body.resolve(ui.style());
            let color = ui.visuals().strong_text_color();
            let label_width = labels
                .iter()
                .map(|label| ui.fonts_mut(|f| f.layout_no_wrap(label.to_string(), font.clone(), color).size().x))
                .fold(0.0, f32::max)
                + ui.spacing().item_spacing.x * 2.0;
            for (label, value) in labels.into_iter().zip([&info.name, &info.description, &info.region]) {
                ui.horizontal_top(|ui| {
                    let row = egui::vec2(label_width, ui.spacing().interact_size.y);
                    ui.allocate_ui_with_layout(row, egui::Layout::left_to_right(egui::Align::TOP), |ui| {
                        ui.set_min_width(label_width);
                        ui.strong(label);
                    });
                    ui.add(egui::Label::new(value.as_str()).wrap());
                });
            }
            if coordinator && ui.button(tr(l, Text::EditDetails)).clicked() {
                self.details = Some((info.name.clone(), info.description.clone(), info.region.clone()));
            }
            return;
        };
        let mut submit = super::entered(&super::field(ui, tr(l, Text::NetworkName), &mut name));
        ui.horizontal(|ui| {
            let label = ui.label(tr(l, Text::Description));
            ui.add(egui::TextEdit::multiline(&mut description).desired_rows(3)).labelled_by(label.id);
        });
        submit |= super::entered(&super::field(ui, tr(l, Text::Region), &mut region));
        let mut keep = true;
        ui.horizontal(|ui| {
            if ui.button(tr(l, Text::Save)).clicked() || submit {
                // Only what changed is written, so an unchanged field does not overwrite a
                // colleague's edit made meanwhile.
                if name != info.name {
                    state.edit(After::NetworkEdited, Edit::Rename { name: name.clone() });
                }
                if description != info.description {
                    state.edit(After::NetworkEdited, Edit::SetDescription { description: description.clone() });
                }
                if region != info.region {
                    state.edit(After::NetworkEdited, Edit::SetRegion { region: region.clone() });
                }
                keep = false;
            }
            if ui.button(tr(l, Text::Cancel)).clicked() {
                keep = false;
            }
        });
        if keep {
            self.details = Some((name, description, region));
        }
    }

    fn themes(&mut self, ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, coordinator: bool) {
        let l = state.language;
        ui.strong(tr(l, Text::Themes));
        ui.label(tr(l, Text::ThemesExplained));
        ui.horizontal_wrapped(|ui| {
            for theme in &snapshot.info.themes {
                ui.label(egui::RichText::new(theme).background_color(ui.visuals().faint_bg_color));
                if coordinator {
                    let remove = ui.small_button("×");
                    remove.widget_info(|| {
                        let spoken = format!("{}: {theme}", tr(l, Text::Remove));
                        egui::WidgetInfo::labeled(egui::Role::Button, true, spoken)
                    });
                    if remove.clicked() {
                        state.edit(After::NetworkEdited, Edit::RemoveTheme { theme: theme.clone() });
                    }
                }
            }
        });
        if coordinator {
            ui.horizontal(|ui| {
                let label = ui.label(tr(l, Text::NewTheme));
                let field = ui.text_edit_singleline(&mut self.theme).labelled_by(label.id);
                if ui.button(tr(l, Text::AddTheme)).clicked() || super::entered(&field) {
                    state.edit(After::NetworkEdited, Edit::AddTheme { theme: self.theme.clone() });
                    self.theme.clear();
                }
            });
        }
    }

    fn factors(&mut self, ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, coordinator: bool) {
        let l = state.language;
        ui.strong(tr(l, Text::Factors));
        ui.label(tr(l, Text::FactorsExplained));
        for factor in snapshot.active_factors() {
            ui.horizontal(|ui| match &mut self.renaming {
                Some((id, name)) if *id == factor.id => {
                    let label = ui.label(tr(l, Text::Factor));
                    let field = ui.text_edit_singleline(name).labelled_by(label.id);
                    if ui.button(tr(l, Text::Save)).clicked() || super::entered(&field) {
                        let edit = Edit::RenameFactor { factor: factor.id.clone(), name: name.clone() };
                        state.edit(After::NetworkEdited, edit);
                        self.renaming = None;
                    }
                }
                _ => {
                    ui.label(factor_name(l, factor));
                    if coordinator {
                        if ui.small_button(tr(l, Text::Rename)).clicked() {
                            self.renaming = Some((factor.id.clone(), factor_name(l, factor)));
                        }
                        if ui.small_button(tr(l, Text::Remove)).clicked() {
                            state.edit(After::NetworkEdited, Edit::RemoveFactor { factor: factor.id.clone() });
                        }
                    }
                }
            });
        }
        if coordinator {
            ui.horizontal(|ui| {
                let label = ui.label(tr(l, Text::NewFactor));
                let field = ui.text_edit_singleline(&mut self.factor).labelled_by(label.id);
                if ui.button(tr(l, Text::AddFactor)).clicked() || super::entered(&field) {
                    state.edit(After::NetworkEdited, Edit::AddFactor { name: self.factor.clone() });
                    self.factor.clear();
                }
            });
        }
    }
}
