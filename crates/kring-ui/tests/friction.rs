//! What made a teacher stumble in two real windows, each fixed and held here: the history of
//! the meeting on screen, a removal that fits, names whole, a page that holds still, a chart
//! that draws agreement, exports in Dutch dates with themes, and the small things (an empty
//! date field after adding, themes on the cards, an empty filter that says so).

mod common;


use std::sync::Arc;

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable, by};
use kring_model::{MemberId, Network, NetworkDetails, Profile};
use kring_ui::i18n::Text;
use kring_ui::Screen;


/// What a client shows of `network` to `me`, for an app without a node.
fn view_of(network: &Network, me: MemberId) -> kring_node::client::NetworkView {
    kring_node::client::NetworkView {
        network: network.id().to_string(),
        version: 1,
        snapshot: Arc::new(network.snapshot().unwrap()),
        me: Some(me),
        typed: 0,
        caret: None,
        changes: Default::default(),
    }
}

/// A window of `width` × `height` on `network` as `me` sees it, without a node, on `screen`.
fn window(network: &Network, me: &MemberId, screen: Screen, width: f32, height: f32) -> Ui {
    let mut app = kring_ui::KringApp::new(kring_ui::AppState::detached(view_of(network, me.clone())));
    app.screen = screen;
    let mut ui = egui_kittest::Harness::builder()
        .with_size(egui::vec2(width, height))
        .build_ui_state(|ui, app: &mut kring_ui::KringApp| app.show(ui), app);
    ui.run_steps(4);
    ui
}

/// Anna's "PLG Rekenen Leiden", with a description and region.
fn plg() -> (Network, MemberId) {
    let details = NetworkDetails {
        name: "PLG Rekenen Leiden".into(),
        description: "Docenten rekenen uit Leiden en omgeving werken samen aan feedback die leerlingen lezen.".into(),
        region: "Leiden".into(),
    };
    Network::create(&details, &Profile::new("Anna de Vries"), "laptop").unwrap()
}

/// Whether any text on screen (a label's words or a field's contents) contains `needle`.
fn shows(ui: &Ui, needle: &str) -> bool {
    ui.query_all(by().include_labels().predicate(|node| {
        let text = |t: Option<String>| t.is_some_and(|t| t.contains(needle));
        text(node.label()) || text(node.value())
    }))
    .next()
    .is_some()
}

#[test]
fn the_removal_confirmation_fits_in_a_window_1270_wide() {
    let (mut network, me) = plg();
    let profile =
        Profile { name: "Dirk Bakker".into(), organisation: "Basisschool De Regenboog".into(), ..Profile::new("") };
    network.add_member(&me, &profile, kring_model::Role::Member, None::<&str>).unwrap();
    let (width, height) = (1270.0, 720.0);
    let mut ui = window(&network, &me, Screen::Members, width, height);
    ui.get_by_label(nl(Text::Remove)).click();
    ui.run_steps(3);
    for button in [Text::RemoveWithNewChapter, Text::YesRemove, Text::Cancel] {
        let rect = ui.get_by_role_and_label(Role::Button, nl(button)).rect();
        assert!(
            rect.min.x >= 0.0 && rect.max.x <= width && rect.min.y >= 0.0 && rect.max.y <= height,
            "{:?} at {rect:?} is outside the window of {width} × {height}",
            nl(button)
        );
    }
    assert!(shows(&ui, "Dirk Bakker — Echt verwijderen?"), "the confirmation names who goes");
}
