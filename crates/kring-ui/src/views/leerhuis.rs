//! The leerhuis: on a leerhuis's network page the networks linked into it, and a link code
//! for the next; on a network's page the leerhuizen it is linked into, linking it, and joining
//! one through it; and the leerhuis's overview of its meetings and what the linked networks
//! shared, each with its source.

use std::collections::{BTreeMap, BTreeSet};

use kring_model::leerhuis::{FactorSummary, NewPublication, Publication, PublishedCycle};
use kring_model::{CycleId, FactorId, NetworkKind, NetworkSnapshot, Perspective, Profile, PublicationKind};
use kring_node::client::Command;

use crate::i18n::{Language, Text, tr, word};
use crate::screen::Screen;
use crate::state::{After, AppState};

/// The leerhuis part of the network page.
#[derive(Default)]
pub struct LinksSection {
    /// The last link code made, shown with a copy button and a QR code.
    pub ticket_made: Option<String>,
    /// The link code being pasted, while a coordinator links this network.
    pub linking: Option<String>,
    /// A coordinator about to unlink this network from a leerhuis.
    pub unlink: super::unlink::UnlinkDialog,
}

impl LinksSection {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, coordinator: bool) {
        if snapshot.info.kind == NetworkKind::Leerhuis {
            self.linked_networks(ui, state, snapshot, coordinator);
            ui.separator();
        }
        // A leerhuis can itself be linked into a higher one (a regional team into the core team).
        self.leerhuizen(ui, state, snapshot, coordinator);
    }

    fn linked_networks(
        &mut self,
        ui: &mut egui::Ui,
        state: &mut AppState,
        snapshot: &NetworkSnapshot,
        coordinator: bool,
    ) {
        let l = state.language;
        ui.strong(tr(l, Text::LinkedNetworks));
        let linked: Vec<_> = snapshot.links.values().filter(|link| link.is_linked()).collect();
        if linked.is_empty() {
            ui.label(tr(l, Text::NoLinkedNetworks));
        }
        for link in linked {
            ui.label(format!(
                "{} · {} {} · {} {}",
                link.name,
                tr(l, Text::LinkedSince),
                super::local_time(l, link.linked_at),
                tr(l, Text::DelegatesCount),
                link.delegates.len()
            ));
        }
        if !coordinator {
            return;
        }
        if ui.button(tr(l, Text::MakeLeerhuisTicket)).clicked() {
            let network = snapshot.info.id.to_string();
            state.send(Command::CreateLinkTicket { network }, After::ShowLeerhuisTicket);
        }
        super::error_line(ui, state, After::ShowLeerhuisTicket);
        if let Some(ticket) = &self.ticket_made {
            ui.label(tr(l, Text::LeerhuisTicketExplained));
            ui.add(egui::Label::new(egui::RichText::new(ticket).monospace()).wrap());
            if ui.button(tr(l, Text::Copy)).clicked() {
                ui.ctx().copy_text(ticket.clone());
            }
            super::qr::show(ui, ticket, 220.0);
        }
    }

    fn leerhuizen(&mut self, ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, coordinator: bool) {
        let l = state.language;
        ui.strong(tr(l, Text::LeerhuizenOfNetwork));
        let (linked, left): (Vec<_>, Vec<_>) =
            snapshot.info.leerhuizen.values().partition(|link| link.left_at.is_none());
        if linked.is_empty() {
            ui.label(tr(l, Text::NoLeerhuizen));
        }
        let network = snapshot.info.id.to_string();
        for link in left {
            let since = super::local_time(l, link.left_at.unwrap_or_default());
            ui.weak(format!("{} · {} {since}", link.name, tr(l, Text::UnlinkedSince)));
        }
        let profile = my_profile(state, snapshot);
        for link in linked {
            let here = state.networks.iter().any(|n| n.id == link.id.as_str());
            let delegate =
                state.leerhuizen.iter().any(|held| held.id == link.id.as_str() && held.delegate_for.contains(&network));
            ui.horizontal_wrapped(|ui| {
                ui.label(format!(
                    "{} · {} {}",
                    link.name,
                    tr(l, Text::LinkedSince),
                    super::local_time(l, link.linked_at)
                ));
                if delegate {
                    ui.weak(tr(l, Text::YouAreDelegate));
                } else if here {
                    ui.weak(tr(l, Text::InLeerhuis));
                }
                if !here
                    && let Some(profile) = &profile
                    && ui.button(tr(l, Text::JoinLeerhuis)).clicked()
                {
                    let command = Command::JoinLeerhuis {
                        network: network.clone(),
                        leerhuis: link.id.to_string(),
                        profile: profile.clone(),
                    };
                    state.send(command, After::LeerhuisJoined);
                }
                // Unlinking writes in the leerhuis too: from a laptop that holds it.
                if coordinator && here {
                    self.unlink.button(ui, state, link);
                }
            });
            self.unlink.confirm(ui, state, &network, link);
        }
        super::error_line(ui, state, After::LeerhuisJoined);
        if !coordinator {
            return;
        }
        match &mut self.linking {
            None => {
                if ui.button(tr(l, Text::LinkToLeerhuis)).clicked() {
                    self.linking = Some(String::new());
                }
            }
            Some(ticket) => {
                ui.label(tr(l, Text::PasteLinkCode));
                ui.horizontal(|ui| {
                    let label = ui.label(tr(l, Text::LinkCode));
                    ui.add(egui::TextEdit::multiline(ticket).desired_rows(2)).labelled_by(label.id);
                });
                let mut cancel = false;
                ui.horizontal(|ui| {
                    if ui.button(tr(l, Text::Link)).clicked()
                        && let Some(profile) = &profile
                    {
                        let command = Command::LinkIntoLeerhuis {
                            network: network.clone(),
                            ticket: ticket.trim().to_string(),
                            profile: profile.clone(),
                        };
                        state.send(command, After::LeerhuisLinked);
                    }
                    cancel = ui.button(tr(l, Text::Cancel)).clicked();
                });
                if cancel {
                    self.linking = None;
                }
            }
        }
        super::error_line(ui, state, After::LeerhuisLinked);
    }
}

/// Who this person is in a leerhuis: as in this network.
fn my_profile(state: &AppState, snapshot: &NetworkSnapshot) -> Option<Profile> {
    let me = snapshot.members.get(state.me()?)?;
    Some(Profile { name: me.name.clone(), perspective: me.perspective, organisation: me.organisation.clone() })
}

/// The leerhuis's overview, and one publication opened from it. Its theme is the top bar's
/// filter, so the two never disagree.
#[derive(Default)]
pub struct OverviewPage;

impl OverviewPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, screen: &mut Screen) {
        let l = state.language;
        let Some(snapshot) = state.shared_snapshot() else { return };
        if snapshot.info.kind != NetworkKind::Leerhuis {
            *screen = Screen::Sessions;
            return;
        }
        ui.heading(format!("{} · {}", tr(l, Text::Overview), snapshot.info.name));
        ui.label(tr(l, Text::OverviewExplained));
        // Themes of the leerhuis and of what was shared: a network may tag with its own, which
        // the top bar's list (the leerhuis's themes) does not hold.
        let every = snapshot.overview(None);
        let themes: BTreeSet<&String> = every.iter().flat_map(|item| &item.themes).collect();
        if !themes.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.label(tr(l, Text::Themes));
                if ui.selectable_label(state.theme.is_none(), tr(l, Text::AllThemes)).clicked() {
                    state.theme = None;
                }
                for theme in themes {
                    if ui.selectable_label(state.theme.as_ref() == Some(theme), theme.as_str()).clicked() {
                        state.theme = Some(theme.clone());
                    }
                }
            });
        }
        ui.separator();
        let mut items = snapshot.overview(state.theme.as_deref());
        // A joint meeting for other linked networks is not in this person's list.
        items.retain(|item| {
            item.kind != "meeting"
                || snapshot
                    .sessions
                    .get(&kring_model::SessionId::new(item.id.clone()))
                    .is_none_or(|s| snapshot.invited(s, state.me()))
        });
        if items.is_empty() {
            ui.label(tr(l, Text::OverviewEmpty));
        }
        egui::ScrollArea::vertical().show(ui, |ui| {
            for item in items {
                ui.horizontal_wrapped(|ui| {
                    let kind = match item.kind.as_str() {
                        "meeting" => Text::KindMeeting,
                        "question" => Text::KindQuestion,
                        "session" => Text::KindSession,
                        _ => Text::KindReflection,
                    };
                    ui.label(super::date(l, &item.date));
                    ui.weak(tr(l, kind));
                    let opened = ui.link(&item.title);
                    let mut source = format!("{} {}", tr(l, Text::FromNetwork), item.source.network_name);
                    if let Some(version) = item.source.version.filter(|v| *v > 1) {
                        source.push_str(&format!(" · {} {version}", tr(l, Text::Version)));
                    }
                    ui.weak(source);
                    if !item.themes.is_empty() {
                        ui.weak(format!("({})", item.themes.iter().cloned().collect::<Vec<_>>().join(", ")));
                    }
                    if opened.clicked() {
                        *screen = if item.kind == "meeting" {
                            Screen::Session(kring_model::SessionId::new(item.id.clone()))
                        } else {
                            Screen::Publication(kring_model::PublicationId::new(item.id.clone()))
                        };
                    }
                });
            }
        });
    }

    /// One publication as it was shared; its delegate can withdraw it.
    pub fn publication(
        &mut self,
        ui: &mut egui::Ui,
        state: &mut AppState,
        screen: &mut Screen,
        id: &kring_model::PublicationId,
    ) {
        let l = state.language;
        let Some(snapshot) = state.shared_snapshot() else { return };
        let Some(publication) = snapshot.publications.get(id) else {
            *screen = Screen::Leerhuis;
            return;
        };
        ui.horizontal_wrapped(|ui| {
            if ui.button(tr(l, Text::Back)).clicked() {
                *screen = Screen::Leerhuis;
            }
            ui.heading(&publication.title);
        });
        ui.label(format!(
            "{} {} · {} {} · {} {}",
            tr(l, Text::FromNetwork),
            publication.network_name,
            tr(l, Text::Version),
            publication.version,
            tr(l, Text::SharedBy),
            super::member_name(&snapshot, &publication.published_by),
        ));
        ui.weak(super::local_time(l, publication.published_at));
        if publication.is_withdrawn() {
            // Taken back by its network: its text is not shown again, though this laptop still
            // holds it until the leerhuis's next chapter.
            ui.colored_label(ui.visuals().warn_fg_color, tr(l, Text::PublicationWithdrawn));
            return;
        }
        let delegate = state.device.as_ref().is_some_and(|device| {
            snapshot.links.get(&publication.from).is_some_and(|link| link.delegates.contains_key(device))
        });
        if delegate && ui.button(tr(l, Text::WithdrawPublication)).clicked() {
            let command = Command::Withdraw { leerhuis: snapshot.info.id.to_string(), publication: id.clone() };
            state.send(command, After::Withdrawn);
        }
        super::error_line(ui, state, After::Withdrawn);
        ui.separator();
        egui::ScrollArea::vertical().show(ui, |ui| show_copy(ui, l, &SharedCopy::from(publication)));
    }
}

/// What a copy holds, whether about to be shared or shared: shown the same way both times.
pub struct SharedCopy<'a> {
    pub kind: PublicationKind,
    pub title: &'a str,
    pub body: &'a str,
    pub insights: &'a str,
    pub starts_at: Option<&'a str>,
    pub themes: &'a BTreeSet<String>,
    pub n: Option<u64>,
    pub factors: &'a BTreeMap<FactorId, FactorSummary>,
    pub attendance: &'a BTreeMap<Perspective, u64>,
    pub attendance_few: &'a BTreeSet<Perspective>,
    pub cycles: &'a BTreeMap<CycleId, PublishedCycle>,
}

impl<'a> From<&'a Publication> for SharedCopy<'a> {
    fn from(p: &'a Publication) -> SharedCopy<'a> {
        SharedCopy {
            kind: p.kind,
            title: &p.title,
            body: &p.body,
            insights: &p.insights,
            starts_at: p.starts_at.as_deref(),
            themes: &p.themes,
            n: p.n,
            factors: &p.factors,
            attendance: &p.attendance,
            attendance_few: &p.attendance_few,
            cycles: &p.cycles,
        }
    }
}

impl<'a> From<&'a NewPublication> for SharedCopy<'a> {
    fn from(p: &'a NewPublication) -> SharedCopy<'a> {
        SharedCopy {
            kind: p.kind,
            title: &p.title,
            body: &p.body,
            insights: &p.insights,
            starts_at: p.starts_at.as_deref(),
            themes: &p.themes,
            n: p.n,
            factors: &p.factors,
            attendance: &p.attendance,
            attendance_few: &p.attendance_few,
            cycles: &p.cycles,
        }
    }
}

/// Every field of a copy that holds something, labelled.
pub fn show_copy(ui: &mut egui::Ui, l: Language, copy: &SharedCopy) {
    ui.strong(copy.title);
    if let Some(starts_at) = copy.starts_at {
        ui.label(format!("{}: {}", tr(l, Text::Date), super::date(l, starts_at)));
    }
    if !copy.themes.is_empty() {
        let themes = copy.themes.iter().cloned().collect::<Vec<_>>().join(", ");
        ui.label(format!("{}: {themes}", tr(l, Text::Themes)));
    }
    let body_label = match copy.kind {
        PublicationKind::Session => Text::SummaryForLeerhuis,
        _ => Text::Details,
    };
    for (label, text) in [(body_label, copy.body), (Text::Insights, copy.insights)] {
        if !text.is_empty() {
            ui.label(egui::RichText::new(tr(l, label)).strong());
            ui.add(egui::Label::new(text).wrap());
        }
    }
    if copy.kind == PublicationKind::Session {
        ui.label(egui::RichText::new(tr(l, Text::PresentByPerspective)).strong());
        for (perspective, count) in copy.attendance {
            ui.label(format!("{}: {count}", word(l, perspective.as_str())));
        }
        for perspective in copy.attendance_few {
            ui.label(format!("{}: <{}", word(l, perspective.as_str()), kring_model::leerhuis::MIN_GROUP));
        }
    }
    if let Some(n) = copy.n {
        ui.label(format!("{}: {n}", tr(l, Text::ScoredBy)));
        for (id, factor) in copy.factors {
            let figures = tr(l, Text::FactorFigures)
                .replace("{mean}", &format!("{:.2}", factor.mean))
                .replace("{spread}", &format!("{:.2}", factor.spread))
                .replace("{n}", &factor.n.to_string());
            let name = crate::i18n::named_factor(l, id.as_str(), &factor.name);
            ui.label(format!("{name}: {figures}"));
        }
    }
    if !copy.cycles.is_empty() {
        ui.label(egui::RichText::new(tr(l, Text::Cycles)).strong());
        for cycle in copy.cycles.values() {
            let ended = cycle.ended_on.as_deref().map(|e| format!(" – {}", super::date(l, e))).unwrap_or_default();
            ui.label(format!("{} {}{ended}", tr(l, Text::Cycle), super::date(l, &cycle.started_on)));
            for (phase, text) in
                [("plan", &cycle.plan), ("act", &cycle.act), ("observe", &cycle.observe), ("reflect", &cycle.reflect)]
            {
                if !text.is_empty() {
                    ui.add(egui::Label::new(format!("{}: {text}", word(l, phase))).wrap());
                }
            }
        }
    }
}
