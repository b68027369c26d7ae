//! The network's members (and which are online), invites with ticket and QR code, and
//! removing a member (coordinators only, after a confirmation).

use std::time::Duration;

use kring_model::Role;
use kring_node::client::Command;

use crate::app::Forms;
use crate::i18n::{Text, tr, word};
use crate::state::{After, AppState};

pub fn show(ui: &mut egui::Ui, state: &mut AppState, forms: &mut Forms) {
    let l = state.language;
    let Some(snapshot) = state.shared_snapshot() else { return };
    let me = state.me().cloned();
    let coordinator = me.as_ref().and_then(|me| snapshot.members.get(me)).is_some_and(|m| m.role == Role::Coordinator);
    let online: Vec<String> = state.status.peers.iter().filter(|(_, p)| p.connected).map(|(d, _)| d.clone()).collect();

    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading(tr(l, Text::Members));
        egui::Grid::new("members").striped(true).show(ui, |ui| {
            for text in [Text::Name, Text::Perspective, Text::Organisation, Text::Role, Text::Online] {
                ui.strong(tr(l, text));
            }
            ui.end_row();
            for member in snapshot.members.values().filter(|m| m.is_current()) {
                let is_me = me.as_ref() == Some(&member.id);
                ui.label(if is_me { format!("{} ({})", member.name, tr(l, Text::You)) } else { member.name.clone() });
                ui.label(word(l, member.perspective.as_str()));
                ui.label(&member.organisation);
                ui.label(word(l, member.role.as_str()));
                let devices_online = member.devices.keys().filter(|d| online.contains(d)).count();
                if is_me || devices_online > 0 {
                    super::dot(ui, super::GREEN);
                } else {
                    ui.label("");
                }
                if coordinator && !is_me {
                    if forms.confirm_remove.as_ref() == Some(&member.id) {
                        ui.colored_label(ui.visuals().warn_fg_color, tr(l, Text::ConfirmRemove));
                        if ui.button(tr(l, Text::YesRemove)).clicked() {
                            let id = member.id.clone();
                            state.edit(After::MemberRemoved, move |n, me| {
                                let revoked = n.remove_member(me, &id)?;
                                Ok((!revoked.is_empty()).then(|| revoked.len().to_string()))
                            });
                            forms.confirm_remove = None;
                        }
                        if ui.button(tr(l, Text::Cancel)).clicked() {
                            forms.confirm_remove = None;
                        }
                    } else if ui.button(tr(l, Text::Remove)).clicked() {
                        forms.confirm_remove = Some(member.id.clone());
                    }
                }
                ui.end_row();
            }
        });
        super::error_line(ui, &state.error);

        if !coordinator {
            return;
        }
        ui.separator();
        ui.heading(tr(l, Text::Invite));
        ui.horizontal(|ui| {
            ui.label(tr(l, Text::Role));
            for role in Role::ALL {
                ui.selectable_value(&mut forms.invite_role, *role, word(l, role.as_str()));
            }
            ui.label(tr(l, Text::MaxUses));
            ui.add(egui::DragValue::new(&mut forms.invite_uses).range(1..=200));
            ui.label(tr(l, Text::ValidDays));
            ui.add(egui::DragValue::new(&mut forms.invite_days).range(1..=90));
        });
        if ui.button(tr(l, Text::MakeInvite)).clicked()
            && let Some(network) = state.network_id().map(String::from)
        {
            let valid_for = Duration::from_secs(u64::from(forms.invite_days) * 24 * 3600);
            let command = Command::CreateInvite {
                network,
                role: forms.invite_role,
                max_uses: u64::from(forms.invite_uses),
                valid_for,
            };
            state.send(command, After::ShowTicket);
        }
        if let Some(ticket) = forms.ticket_made.clone() {
            ui.label(tr(l, Text::TicketExplained));
            ui.horizontal(|ui| {
                ui.add(egui::Label::new(egui::RichText::new(&ticket).monospace()).wrap());
            });
            if ui.button(tr(l, Text::Copy)).clicked() {
                ui.ctx().copy_text(ticket.clone());
            }
            super::qr::show(ui, &ticket, 220.0);
        }

        let now = jiff::Timestamp::now().as_millisecond();
        let open: Vec<_> = snapshot.invites.values().filter(|i| i.is_open(now)).collect();
        if !open.is_empty() {
            ui.separator();
            ui.strong(tr(l, Text::OpenInvites));
            for invite in open {
                ui.horizontal(|ui| {
                    ui.label(format!(
                        "{} · {} {}/{} · {} {}",
                        word(l, invite.role.as_str()),
                        tr(l, Text::Used),
                        invite.uses.len(),
                        invite.max_uses,
                        tr(l, Text::ValidUntil),
                        super::local_time(invite.expires_at)
                    ));
                    if ui.small_button(tr(l, Text::Revoke)).clicked() {
                        let id = invite.id.clone();
                        state.edit(After::Nothing, move |n, me| n.revoke_invite(me, &id).map(|()| None));
                    }
                });
            }
        }
    });
}
