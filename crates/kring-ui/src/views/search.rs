//! Find anything in the open network: the field in the top bar (Ctrl+F) and the list of hits,
//! each opening the session or question with the hit selected in its text.

use kring_model::search::{Hit, Place, search};
use kring_node::client::Command;

use crate::i18n::count;
use crate::i18n::{Language, Text, tr};
use crate::screen::Screen;
use crate::state::{After, AppState};

/// Wide enough for "Zoeken (Ctrl+F)", narrow enough for the top bar to stay one row at 1100 px.
const SEARCH_WIDTH: f32 = 120.0;

/// What the person searches for, and the hits of the last query run.
#[derive(Default)]
pub struct SearchPage {
    pub query: String,
    /// The query the hits are for, and the network they were found in.
    searched: Option<(String, String)>,
    pub hits: Vec<Hit>,
    pub truncated: bool,
    /// "Alle netwerken": search every network on this laptop (the node does, see
    /// [`Command::SearchAll`]), hits labelled with their network.
    pub everywhere: bool,
    /// The query and view last asked of the node, so that it is asked once.
    asked: Option<(String, String)>,
}

/// Where a hit opens: the screen, and the text and character range to select there.
pub struct Opened {
    /// The network it is in, when that is not the one on screen.
    pub network: Option<String>,
    pub screen: Screen,
    pub field: Option<kring_model::TextField>,
    pub range: (usize, usize),
}

impl SearchPage {
    /// The field in the top bar. Ctrl+F puts the caret in it; Enter (or typing) shows the hits.
    pub fn field(&mut self, ui: &mut egui::Ui, state: &AppState, screen: &mut Screen) {
        let l = state.language;
        let id = ui.make_persistent_id("search-field");
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::F)) {
            ui.memory_mut(|m| m.request_focus(id));
        }
        let response = ui.add(
            egui::TextEdit::singleline(&mut self.query)
                .id(id)
                .hint_text(tr(l, Text::Search))
                .desired_width(SEARCH_WIDTH),
        );
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, tr(l, Text::Search)));
        if (response.changed() && !self.query.trim().is_empty()) || super::entered(&response) {
            *screen = Screen::Search;
        }
    }

    /// The hits for the query, found again whenever the query or the network changed.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState) -> Option<Opened> {
        let l = state.language;
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.everywhere, false, tr(l, Text::SearchThisNetwork));
            ui.selectable_value(&mut self.everywhere, true, tr(l, Text::SearchAllNetworks));
        });
        if self.everywhere {
            return self.everywhere(ui, state);
        }
        let snapshot = state.shared_snapshot()?;
        let version = state.view.as_ref().map(|v| format!("{}:{}", v.network, v.version)).unwrap_or_default();
        if self.searched.as_ref() != Some(&(self.query.clone(), version.clone())) {
            let results = search(&snapshot, &self.query);
            self.hits = results.hits;
            self.truncated = results.truncated;
            self.searched = Some((self.query.clone(), version));
        }
        ui.heading(format!("{} “{}”", tr(l, Text::SearchResults), self.query.trim()));
        ui.label(count(l, self.hits.len(), ("treffer", "treffers"), ("hit", "hits")));
        if self.truncated {
            ui.label(tr(l, Text::SearchTruncated));
        }
        let mut opened = None;
        egui::ScrollArea::vertical().show(ui, |ui| {
            for hit in &self.hits {
                let (record, place) = describe(state, &snapshot, &hit.place);
                ui.horizontal_wrapped(|ui| {
                    if ui.link(format!("{record} · {place}")).clicked() {
                        opened = Some(open(hit, None));
                    }
                });
                excerpt(ui, hit);
                ui.add_space(4.0);
            }
        });
        opened
    }
}

impl SearchPage {
    /// Every network on this laptop: asked of the node once per query (and again when the
    /// network on screen changed), shown per network under its name.
    fn everywhere(&mut self, ui: &mut egui::Ui, state: &mut AppState) -> Option<Opened> {
        let l = state.language;
        let query = self.query.trim().to_string();
        let version = state.view.as_ref().map(|v| format!("{}:{}", v.network, v.version)).unwrap_or_default();
        if self.asked.as_ref() != Some(&(query.clone(), version.clone())) {
            state.send(Command::SearchAll { query: query.clone() }, After::Nothing);
            self.asked = Some((query.clone(), version));
        }
        ui.heading(format!("{} “{query}” · {}", tr(l, Text::SearchResults), tr(l, Text::SearchAllNetworks)));
        let Some(found) = state.found.as_ref().filter(|found| found.query == query) else {
            ui.spinner();
            return None;
        };
        let total = found.results.networks.iter().map(|n| n.hits.len()).sum();
        ui.label(count(l, total, ("treffer", "treffers"), ("hit", "hits")));
        if found.results.truncated {
            ui.label(tr(l, Text::SearchTruncated));
        }
        let mut opened = None;
        egui::ScrollArea::vertical().show(ui, |ui| {
            for network in &found.results.networks {
                ui.add_space(4.0);
                ui.strong(&network.network_name);
                for (hit, record) in &network.hits {
                    ui.horizontal_wrapped(|ui| {
                        let label = format!("{} · {record} · {}", network.network_name, place_word(l, &hit.place));
                        if ui.link(label).clicked() {
                            opened = Some(open(hit, Some(network.network.to_string())));
                        }
                    });
                    excerpt(ui, hit);
                    ui.add_space(4.0);
                }
            }
        });
        opened
    }
}

/// The hit's excerpt with the matched words marked.
fn excerpt(ui: &mut egui::Ui, hit: &Hit) {
    let mut job = egui::text::LayoutJob::default();
    let body = egui::TextFormat { color: ui.visuals().text_color(), ..Default::default() };
    let marked = egui::TextFormat {
        color: ui.visuals().strong_text_color(),
        background: ui.visuals().selection.bg_fill,
        ..Default::default()
    };
    let chars: Vec<char> = hit.excerpt.chars().collect();
    let (start, end) = (hit.excerpt_range.start.min(chars.len()), hit.excerpt_range.end.min(chars.len()));
    job.append(&chars[..start].iter().collect::<String>(), 0.0, body.clone());
    job.append(&chars[start..end].iter().collect::<String>(), 0.0, marked);
    job.append(&chars[end..].iter().collect::<String>(), 0.0, body);
    ui.label(job);
}

/// Which record a hit is in and which of its texts: ("PLG 3", "Notities").
fn describe(state: &AppState, snapshot: &kring_model::NetworkSnapshot, place: &Place) -> (String, String) {
    let l = state.language;
    let record = match (place.session(), place.question()) {
        (Some(s), _) => snapshot.sessions.get(s).map(|s| s.title.clone()),
        (_, Some(q)) => snapshot.questions.get(q).map(|q| q.title.clone()),
        _ => None,
    };
    (record.unwrap_or_default(), place_word(l, place))
}

/// Which text of its record a hit is in: "Notities".
fn place_word(l: Language, place: &Place) -> String {
    match place {
        Place::SessionTitle(_) | Place::QuestionTitle(_) => tr(l, Text::Title).to_string(),
        Place::Agenda(_) => tr(l, Text::Agenda).to_string(),
        Place::Notes(_) => tr(l, Text::Notes).to_string(),
        Place::Location(_) => tr(l, Text::Location).to_string(),
        Place::Action(..) => tr(l, Text::Actions).to_string(),
        Place::Details(_) => tr(l, Text::Details).to_string(),
        Place::Insights(_) => tr(l, Text::Insights).to_string(),
        Place::Cycle(_, _, phase) => crate::i18n::word(l, phase.as_str()).to_string(),
    }
}

fn open(hit: &Hit, network: Option<String>) -> Opened {
    let screen = match (hit.place.session(), hit.place.question()) {
        (Some(s), _) => Screen::Session(s.clone()),
        (_, Some(q)) => Screen::Question(q.clone()),
        _ => Screen::Sessions,
    };
    Opened { network, screen, field: hit.place.text_field(), range: (hit.range.start, hit.range.end) }
}
