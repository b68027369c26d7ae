//! "Over Kring": the version, the licence and where this laptop keeps Kring's data. Its few
//! words are here rather than in the i18n table, one match per language.

use std::path::Path;

use crate::i18n::Language;

/// The version of this build, as `kring --version` prints it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const LICENCE: &str = "EUPL-1.2";

#[derive(Debug, Clone, Copy)]
enum Words {
    Title,
    Version,
    Summary,
    Licence,
    DataFolder,
    DataFolderExplained,
    Copy,
}

fn words(language: Language, which: Words) -> &'static str {
    match (language, which) {
        (Language::Nl, Words::Title) => "Over Kring",
        (Language::En, Words::Title) => "About Kring",
        (Language::Nl, Words::Version) => "Versie",
        (Language::En, Words::Version) => "Version",
        (Language::Nl, Words::Summary) => {
            "Kring bewaart je leernetwerk op je eigen laptop en deelt het rechtstreeks met de laptops van de andere leden: geen server, geen account, geen cloud."
        }
        (Language::En, Words::Summary) => {
            "Kring keeps your learning network on your own laptop and shares it directly with the other members' laptops: no server, no account, no cloud."
        }
        (Language::Nl, Words::Licence) => "Licentie",
        (Language::En, Words::Licence) => "Licence",
        (Language::Nl, Words::DataFolder) => "Je gegevens staan in",
        (Language::En, Words::DataFolder) => "Your data is in",
        (Language::Nl, Words::DataFolderExplained) => {
            "Daar staan de sleutel van deze laptop (device.key) en al je netwerken. Kring verwijderen laat deze map staan."
        }
        (Language::En, Words::DataFolderExplained) => {
            "It holds this laptop's key (device.key) and all your networks. Uninstalling Kring leaves this folder in place."
        }
        (Language::Nl, Words::Copy) => "Kopiëren",
        (Language::En, Words::Copy) => "Copy",
    }
}

/// Draws "Over Kring" for `data_root`, the data folder this run of Kring uses.
pub fn show(ui: &mut egui::Ui, language: Language, data_root: &Path) {
    let w = |which| words(language, which);
    ui.heading(w(Words::Title));
    ui.label(format!("Kring — {} {VERSION}", w(Words::Version).to_lowercase()));
    ui.label(w(Words::Summary));
    ui.label(format!("{}: {LICENCE} (European Union Public Licence)", w(Words::Licence)));
    ui.separator();
    let folder = data_root.display().to_string();
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("{}:", w(Words::DataFolder)));
        ui.monospace(&folder);
        if ui.button(w(Words::Copy)).clicked() {
            ui.ctx().copy_text(folder.clone());
        }
    });
    ui.label(w(Words::DataFolderExplained));
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    #[test]
    fn about_shows_the_version_the_licence_and_the_data_folder_in_both_languages() {
        let folder = Path::new("/home/anna/.local/share/kring");
        for (language, title, version) in
            [(Language::Nl, "Over Kring", "versie"), (Language::En, "About Kring", "version")]
        {
            let harness = Harness::new_ui(|ui| show(ui, language, folder));
            assert!(harness.query_by_label(title).is_some(), "{language:?}: no title");
            let line = format!("Kring — {version} {}", env!("CARGO_PKG_VERSION"));
            assert!(harness.query_by_label(&line).is_some(), "{language:?}: no {line:?}");
            assert!(harness.query_by_label_contains("EUPL-1.2").is_some(), "{language:?}: no licence");
            assert!(harness.query_by_label(&folder.display().to_string()).is_some(), "{language:?}: no data folder");
        }
    }

    #[test]
    fn every_word_has_both_languages() {
        use Words::*;
        for which in [Title, Version, Summary, Licence, DataFolder, DataFolderExplained, Copy] {
            assert_ne!(words(Language::Nl, which), words(Language::En, which), "{which:?}");
        }
    }
}
