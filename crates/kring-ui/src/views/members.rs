//! The network's members (and which are online), your own profile, roles (coordinators can
//! make another member coordinator and back), invites with ticket and QR code, removing a
//! member after a confirmation, and linking your own other laptop.

use std::time::Duration;

use kring_model::{Edit, MemberId, NetworkSnapshot, Perspective, Profile, Role};
use kring_node::client::Command;

use crate::i18n::{Text, tr, word};
use crate::state::{After, AppState};

pub struct MembersPage {
    pub invite_role: Role,
    pub invite_uses: u32,
    pub invite_days: u32,
    /// Who the next invitation is for ("Bram (ouder)"), or empty.
    pub invite_for: String,
    /// The last ticket made, shown with a copy button and a QR code while it can be used.
    pub ticket_made: Option<String>,
    /// A member the coordinator asked to remove, waiting for confirmation.
    pub confirm_remove: Option<MemberId>,
    /// This person's profile, while they edit it.
    pub profile: Option<Profile>,
    /// The last device-link ticket made, while it can be used.
    pub link_made: Option<String>,
}

impl Default for MembersPage {
    fn default() -> Self {
        MembersPage {
            invite_role: Role::Member,
            invite_uses: 1,
            invite_days: 7,
            invite_for: String::new(),
            ticket_made: None,
            confirm_remove: None,
            profile: None,
            link_made: None,
        }
    }
}

impl MembersPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState) {
        let l = state.language;
        let Some(snapshot) = state.shared_snapshot() else { return };
        let me = state.me().cloned();
        let coordinator = state.is_coordinator();
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.heading(tr(l, Text::Members));
            self.table(ui, state, &snapshot, me.as_ref(), coordinator);
            if coordinator {
                self.confirm_removal(ui, state, &snapshot);
            }
            super::error_line(ui, state, After::MemberRemoved);
            super::error_line(ui, state, After::Nothing);
            ui.separator();
            if let Some(me) = &me {
                self.my_profile(ui, state, &snapshot, me);
                ui.separator();
                self.other_laptop(ui, state);
            }
            if coordinator {
                ui.separator();
                self.invites(ui, state, &snapshot);
            }
        });
    }

    fn table(
        &mut self,
        ui: &mut egui::Ui,
        state: &mut AppState,
        snapshot: &NetworkSnapshot,
        me: Option<&MemberId>,
        coordinator: bool,
    ) {
        let l = state.language;
        // Removed from the network: nobody syncs it with this laptop, however connected.
        let removed = state.removed_from_open();
        let online: Vec<String> =
            state.status.peers.iter().filter(|(_, p)| p.connected && !removed).map(|(d, _)| d.clone()).collect();
        // From a second chapter on: who has switched to it, as far as this laptop has heard.
        let chapter = &snapshot.info.chapter;
        let show_switched = chapter.number > 1;
        egui::Grid::new("members").striped(true).show(ui, |ui| {
            for text in [Text::Name, Text::Perspective, Text::Organisation, Text::Role, Text::Online] {
                ui.strong(tr(l, text));
            }
            if show_switched {
                ui.strong(tr(l, Text::Chapter));
            }
            ui.end_row();
            for member in snapshot.members.values().filter(|m| m.is_current()) {
                let is_me = me == Some(&member.id);
                ui.label(if is_me { format!("{} ({})", member.name, tr(l, Text::You)) } else { member.name.clone() });
                ui.label(word(l, member.perspective.as_str()));
                ui.label(&member.organisation);
                ui.label(word(l, member.role.as_str()));
                let devices_online = member.devices.keys().filter(|d| online.contains(d)).count();
                if is_me || devices_online > 0 {
                    // Said as "Online: Anna" to a screen reader.
                    let spoken = format!("{}: {}", tr(l, Text::Online), member.name);
                    let dot = super::dot(ui, super::GREEN);
                    dot.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, spoken.clone()));
                } else {
                    ui.label("");
                }
                if show_switched {
                    ui.label(switched_words(state, member, &snapshot.info.id, &chapter.id, is_me));
                }
                if coordinator {
                    ui.horizontal(|ui| {
                        let (label, role) = match member.role {
                            Role::Coordinator => (Text::MakeMember, Role::Member),
                            Role::Member => (Text::MakeCoordinator, Role::Coordinator),
                        };
                        let button = ui.small_button(tr(l, label));
                        button.widget_info(|| {
                            let spoken = format!("{}: {}", tr(l, label), member.name);
                            egui::WidgetInfo::labeled(egui::Role::Button, true, spoken)
                        });
                        if button.clicked() {
                            state.edit(After::Nothing, Edit::SetRole { member: member.id.clone(), role });
                        }
                        if !is_me {
                            self.remove_button(ui, state, member);
                        }
                    });
                }
                ui.end_row();
            }
        });
    }

    /// The small "Verwijderen" in a member's row; the confirmation shows below the table.
    fn remove_button(&mut self, ui: &mut egui::Ui, state: &AppState, member: &kring_model::Member) {
        let l = state.language;
        let asked = self.confirm_remove.as_ref() == Some(&member.id);
        if ui.add(egui::Button::new(tr(l, Text::Remove)).small().selected(asked)).clicked() {
            self.confirm_remove = if asked { None } else { Some(member.id.clone()) };
        }
    }

    /// "Echt verwijderen?" for the member whose "Verwijderen" was clicked, below the table at
    /// the page's width: the words wrap and every button stays in sight, the recommended first.
    fn confirm_removal(&mut self, ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot) {
        let l = state.language;
        let Some(member) = self.confirm_remove.as_ref().and_then(|m| snapshot.members.get(m)) else {
            self.confirm_remove = None;
            return;
        };
        if !member.is_current() {
            self.confirm_remove = None;
            return;
        }
        let member = member.clone();
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            let asked = format!("{} — {}", member.name, tr(l, Text::ConfirmRemove));
            ui.add(egui::Label::new(egui::RichText::new(asked).color(ui.visuals().warn_fg_color)).wrap());
            ui.add(egui::Label::new(tr(l, Text::RemoveWithNewChapterWhy)).wrap());
            ui.horizontal_wrapped(|ui| {
                if ui.button(tr(l, Text::RemoveWithNewChapter)).clicked() {
                    // In this order: the new chapter holds the removal.
                    state.edit(After::MemberRemoved, Edit::RemoveMember { member: member.id.clone() });
                    state.start_chapter(Vec::new(), false);
                    self.confirm_remove = None;
                }
                if ui.button(tr(l, Text::YesRemove)).clicked() {
                    state.edit(After::MemberRemoved, Edit::RemoveMember { member: member.id.clone() });
                    self.confirm_remove = None;
                }
                if ui.button(tr(l, Text::Cancel)).clicked() {
                    self.confirm_remove = None;
                }
            });
        });
    }

    fn my_profile(&mut self, ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, me: &MemberId) {
        let l = state.language;
        let Some(member) = snapshot.members.get(me) else { return };
        ui.strong(tr(l, Text::YourProfile));
        let Some(mut profile) = self.profile.take() else {
            if ui.button(tr(l, Text::EditProfile)).clicked() {
                self.profile = Some(Profile {
                    name: member.name.clone(),
                    perspective: member.perspective,
                    organisation: member.organisation.clone(),
                });
            }
            return;
        };
        let mut keep = true;
        let mut submit = super::entered(&super::field(ui, tr(l, Text::YourName), &mut profile.name));
        ui.horizontal_wrapped(|ui| {
            ui.label(tr(l, Text::Perspective));
            for perspective in Perspective::ALL {
                ui.selectable_value(&mut profile.perspective, *perspective, word(l, perspective.as_str()));
            }
        });
        submit |= super::entered(&super::field(ui, tr(l, Text::Organisation), &mut profile.organisation));
        ui.horizontal(|ui| {
            if ui.button(tr(l, Text::Save)).clicked() || submit {
                let edit = Edit::UpdateProfile { member: me.clone(), profile: profile.clone() };
                state.edit(After::ProfileSaved, edit);
            }
            keep = !ui.button(tr(l, Text::Cancel)).clicked();
        });
        if keep {
            self.profile = Some(profile);
        }
        super::error_line(ui, state, After::ProfileSaved);
    }

    /// "Mijn andere laptop toevoegen": a one-time ticket the person's other laptop pastes.
    fn other_laptop(&mut self, ui: &mut egui::Ui, state: &mut AppState) {
        let l = state.language;
        ui.strong(tr(l, Text::OtherLaptop));
        ui.label(tr(l, Text::OtherLaptopExplained));
        if ui.button(tr(l, Text::MakeLinkTicket)).clicked()
            && let Some(network) = state.network_id().map(String::from)
        {
            state.send(Command::CreateDeviceLink { network }, After::ShowLinkTicket);
        }
        super::error_line(ui, state, After::ShowLinkTicket);
        if let Some(ticket) = self.link_made.clone() {
            ticket_box(ui, l, &ticket, Text::LinkTicketExplained);
        }
    }

    fn invites(&mut self, ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot) {
        let l = state.language;
        ui.heading(tr(l, Text::Invite));
        ui.horizontal_wrapped(|ui| {
            ui.label(tr(l, Text::Role));
            for role in Role::ALL {
                ui.selectable_value(&mut self.invite_role, *role, word(l, role.as_str()));
            }
            let label = ui.label(tr(l, Text::MaxUses));
            ui.add(egui::DragValue::new(&mut self.invite_uses).range(1..=200)).labelled_by(label.id);
            let label = ui.label(tr(l, Text::ValidDays));
            ui.add(egui::DragValue::new(&mut self.invite_days).range(1..=90)).labelled_by(label.id);
        });
        let submit = super::entered(&super::field(ui, tr(l, Text::InviteFor), &mut self.invite_for));
        if (ui.button(tr(l, Text::MakeInvite)).clicked() || submit)
            && let Some(network) = state.network_id().map(String::from)
        {
            let valid_for = Duration::from_secs(u64::from(self.invite_days) * 24 * 3600);
            let command = Command::CreateInvite {
                network,
                role: self.invite_role,
                max_uses: u64::from(self.invite_uses),
                valid_for,
                made_for: self.invite_for.clone(),
            };
            state.send(command, After::ShowTicket);
        }
        super::error_line(ui, state, After::ShowTicket);
        let now = jiff::Timestamp::now().as_millisecond();
        // A ticket shows only while its invite can still be used: revoked, expired or used up,
        // it is gone from the screen.
        let still_open = |ticket: &str| {
            kring_node::InviteTicket::parse(ticket).ok().is_some_and(|t| {
                snapshot.invites.get(&kring_model::InviteId::new(t.invite)).is_some_and(|i| i.is_open(now))
            })
        };
        if self.ticket_made.as_deref().is_some_and(|t| !still_open(t)) {
            self.ticket_made = None;
        }
        if let Some(ticket) = self.ticket_made.clone() {
            ticket_box(ui, l, &ticket, Text::TicketExplained);
        }
        let open: Vec<_> = snapshot.invites.values().filter(|i| i.is_open(now)).collect();
        if !open.is_empty() {
            ui.separator();
            ui.strong(tr(l, Text::OpenInvites));
            for invite in open {
                ui.horizontal_wrapped(|ui| {
                    // Named, two open invitations no longer look alike.
                    let named =
                        invite.made_for.as_ref().map(|name| format!("{} {name} · ", tr(l, Text::InvitationFor)));
                    ui.label(format!(
                        "{}{} · {} {}/{} · {} {}",
                        named.as_deref().unwrap_or_default(),
                        word(l, invite.role.as_str()),
                        tr(l, Text::Used),
                        invite.uses.len(),
                        invite.max_uses,
                        tr(l, Text::ValidUntil),
                        super::local_time(l, invite.expires_at)
                    ));
                    let revoke = ui.small_button(tr(l, Text::Revoke));
                    if let Some(name) = &invite.made_for {
                        let spoken = format!("{}: {name}", tr(l, Text::Revoke));
                        revoke.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, spoken.clone()));
                    }
                    if revoke.clicked() {
                        state.edit(After::Nothing, Edit::RevokeInvite { invite: invite.id.clone() });
                    }
                });
            }
        }
    }
}

/// A ticket to send: what to do with it, the ticket, a copy button and its QR code.
fn ticket_box(ui: &mut egui::Ui, l: crate::i18n::Language, ticket: &str, explained: Text) {
    ui.label(tr(l, explained));
    ui.add(egui::Label::new(egui::RichText::new(ticket).monospace()).wrap());
    if ui.button(tr(l, Text::Copy)).clicked() {
        ui.ctx().copy_text(ticket.to_string());
    }
    super::qr::show(ui, ticket, 220.0);
}

/// Whether `member`'s laptops said they are on the network's current chapter: "overgestapt" if
/// one did, "nog niet" if one said another, nothing when none was heard from since the start.
fn switched_words(
    state: &AppState,
    member: &kring_model::Member,
    network: &kring_model::NetworkId,
    chapter: &str,
    is_me: bool,
) -> &'static str {
    let l = state.language;
    let heard: Vec<&String> = member
        .devices
        .keys()
        .filter_map(|device| state.status.peers.get(device)?.chapters.get(network.as_str()))
        .collect();
    if is_me || heard.iter().any(|c| c.as_str() == chapter) {
        tr(l, Text::HasSwitched)
    } else if !heard.is_empty() {
        tr(l, Text::NotSwitchedYet)
    } else {
        ""
    }
}
