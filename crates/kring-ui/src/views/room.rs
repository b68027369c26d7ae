//! "Kamer openen voor telefoons" on a meeting: what the room will hold, then, while it is open,
//! a large QR code and the address for the projector, the number of phones, and "Kamer sluiten".

use std::collections::BTreeSet;

use kring_model::{NetworkSnapshot, QuestionId, RoomSetup, Session};

use crate::i18n::{Text, tr};
use crate::phone_room::Phase;
use crate::state::AppState;

/// The room form of a meeting, while it is being filled in.
#[derive(Default)]
pub struct RoomPanel {
    form: Option<RoomForm>,
}

struct RoomForm {
    session: kring_model::SessionId,
    questions: BTreeSet<QuestionId>,
    reflection: bool,
    proposals: bool,
    reactions: bool,
    photos: bool,
}

impl RoomPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, session: &Session) {
        let l = state.language;
        if let Some(running) = &mut state.room.running {
            if running.session != session.id {
                if !matches!(running.phase(), Phase::Closed) {
                    ui.label(tr(l, Text::RoomElsewhere));
                    return;
                }
            } else {
                match running.phase() {
                    Phase::Opening => {
                        ui.label(tr(l, Text::RoomOpening));
                    }
                    Phase::Open { url } => {
                        ui.group(|ui| {
                            ui.heading(tr(l, Text::RoomIsOpen));
                            ui.label(tr(l, Text::RoomHelp));
                            super::qr::show(ui, &url, 280.0);
                            ui.add(egui::Label::new(egui::RichText::new(&url).monospace().size(18.0)).selectable(true));
                            ui.label(format!("{}: {}", tr(l, Text::Phones), running.guests()));
                            if running.photos_allowed {
                                ui.label(format!("{}: {}", tr(l, Text::PhotosSent), running.photos()));
                            }
                            if ui.button(tr(l, Text::CloseRoom)).clicked() {
                                running.close();
                            }
                        });
                        return;
                    }
                    Phase::Failed(reason) => {
                        ui.colored_label(ui.visuals().error_fg_color, format!("{} {reason}", tr(l, Text::RoomFailed)));
                    }
                    Phase::Closed => {}
                }
            }
        }
        let closed = state.room.running.as_ref().is_none_or(|r| matches!(r.phase(), Phase::Closed | Phase::Failed(_)));
        if !closed {
            return;
        }
        let open_round = snapshot.rounds.values().filter(|r| r.closed_at.is_none()).max_by_key(|r| r.opened_at);
        match &mut self.form {
            Some(form) if form.session == session.id => {
                let mut finished = false;
                ui.group(|ui| {
                    ui.strong(tr(l, Text::RoomQuestions));
                    for question in snapshot.live_questions() {
                        let mut chosen = form.questions.contains(&question.id);
                        if ui.checkbox(&mut chosen, &question.title).changed() {
                            if chosen {
                                form.questions.insert(question.id.clone());
                            } else {
                                form.questions.remove(&question.id);
                            }
                        }
                    }
                    if let Some(round) = open_round {
                        ui.checkbox(&mut form.reflection, format!("{}: {}", tr(l, Text::RoomReflection), round.title));
                    }
                    ui.checkbox(&mut form.proposals, tr(l, Text::RoomProposals));
                    ui.checkbox(&mut form.reactions, tr(l, Text::RoomReactions));
                    ui.checkbox(&mut form.photos, tr(l, Text::RoomPhotos)).on_hover_text(tr(l, Text::RoomPhotosHelp));
                    ui.horizontal(|ui| {
                        if ui.button(tr(l, Text::OpenTheRoom)).clicked() {
                            let setup = RoomSetup {
                                questions: form.questions.iter().cloned().collect(),
                                reflection: open_round.filter(|_| form.reflection).map(|r| r.id.clone()),
                                proposals: form.proposals,
                                reactions: form.reactions,
                                photos: form.photos,
                            };
                            state.open_room(session.id.clone(), setup);
                            finished = true;
                        } else if ui.button(tr(l, Text::Cancel)).clicked() {
                            finished = true;
                        }
                    });
                });
                if finished {
                    self.form = None;
                }
            }
            _ => {
                if ui.button(tr(l, Text::OpenRoomForPhones)).clicked() {
                    self.form = Some(RoomForm {
                        session: session.id.clone(),
                        // The questions the meeting is about, to begin with.
                        questions: session.questions.clone(),
                        reflection: open_round.is_some(),
                        proposals: true,
                        reactions: true,
                        // Photos only when the coordinator chooses them.
                        photos: false,
                    });
                }
            }
        }
    }
}
