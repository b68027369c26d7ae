//! The attachments of a meeting, a learning question or an action-research cycle: each file's
//! name, kind, size and who added it, whether it is on this laptop (or arriving), photos as
//! thumbnails and full size on click, other files opened in the system's viewer or saved
//! elsewhere. Files are added with a dialog or by dropping them on the page.

use std::collections::BTreeMap;

use kring_model::{AttachedTo, Attachment, AttachmentId, AttachmentKind, Edit, NetworkSnapshot};

use crate::attachments::Picture;
use crate::file_dialog::{FileJob, FileKind};
use crate::i18n::{Text, file_size, tr, word};
use crate::state::{After, AppState};

/// How large a thumbnail is drawn.
const THUMBNAIL: egui::Vec2 = egui::vec2(160.0, 120.0);

/// The list "Bijlagen" of `to`, with its button to add a file.
pub fn list(
    ui: &mut egui::Ui,
    state: &mut AppState,
    snapshot: &NetworkSnapshot,
    to: &AttachedTo,
    attachments: &BTreeMap<AttachmentId, Attachment>,
) {
    let l = state.language;
    ui.strong(tr(l, Text::Attachments));
    let mut live: Vec<&Attachment> = attachments.values().filter(|a| a.deleted_at.is_none()).collect();
    live.sort_by(|a, b| (a.added_at, &a.id).cmp(&(b.added_at, &b.id)));
    if live.is_empty() {
        ui.label(egui::RichText::new(tr(l, Text::NoAttachments)).weak());
    }
    for attachment in live {
        row(ui, state, snapshot, to, attachment);
    }
    if ui.button(tr(l, Text::AddAttachment)).clicked()
        && let Some(network) = state.network_id().map(String::from)
    {
        state.ask_file(ui.ctx(), None, FileKind::Any, FileJob::Attach { network, to: to.clone() });
    }
    // A refusal shows under the list the person acted in, not under every list on the page.
    if state.attachments.last_target.as_ref() == Some(to) {
        for after in [After::Attached, After::OpenedAttachment, After::FetchedToView, After::SavedAttachment] {
            super::error_line(ui, state, after);
        }
    }
}

/// One attachment: its thumbnail (a photo), what it is, where its bytes are, and its buttons.
fn row(ui: &mut egui::Ui, state: &mut AppState, snapshot: &NetworkSnapshot, to: &AttachedTo, a: &Attachment) {
    let l = state.language;
    // Until the node has looked (a moment after the attachment appears), nothing is said of
    // where its bytes are.
    let held = state.attachments.here.as_ref().and_then(|here| here.held.get(&a.hash)).copied();
    let whole = held.is_some_and(|held| held >= a.size);
    let image = a.kind == AttachmentKind::Image;
    ui.horizontal(|ui| {
        if image {
            thumbnail(ui, state, a, whole);
        }
        ui.vertical(|ui| {
            ui.label(egui::RichText::new(&a.name).strong());
            // A guest's photo is the guest's, marked as every guest's contribution is.
            let who = guest_of(snapshot, to, a).map_or_else(
                || super::member_name(snapshot, &a.added_by),
                |guest| {
                    let name =
                        if guest.name.is_empty() { tr(l, Text::Anonymous).to_string() } else { guest.name.clone() };
                    format!("{name} ({}, {})", tr(l, Text::Guest), word(l, guest.perspective.as_str()))
                },
            );
            let kind = word(l, a.kind.as_str());
            ui.label(format!("{kind} · {} · {} {who}", file_size(l, a.size), tr(l, Text::AddedBy)));
            let busy = state.attachments.busy(&a.id);
            if held.is_some() && !whole {
                let status = match state.attachments.fetching(&a.hash) {
                    Some((received, total)) => format!("{} {} %", tr(l, Text::Fetching), percent(received, total)),
                    None if busy => tr(l, Text::Fetching).to_string(),
                    None => tr(l, Text::NotOnThisLaptop).to_string(),
                };
                ui.label(egui::RichText::new(status).weak());
            }
            let picture = state.attachments.thumbnails.get(&a.id);
            let shown_here = image && !matches!(picture, Some(Picture::Unreadable | Picture::TooLarge));
            match picture {
                Some(Picture::Unreadable) => {
                    ui.add(egui::Label::new(egui::RichText::new(tr(l, Text::UnreadablePicture)).weak()).wrap());
                }
                Some(Picture::TooLarge) => {
                    ui.label(egui::RichText::new(tr(l, Text::PictureTooLarge)).weak());
                }
                _ => {}
            }
            ui.horizontal(|ui| {
                let open = ui.add_enabled(!busy, egui::Button::new(tr(l, Text::Open)));
                named(&open, egui::Role::Button, format!("{}: {}", tr(l, Text::Open), a.name));
                if open.clicked() {
                    // A photo is shown here; anything else (and a photo Kring cannot read) in
                    // the system's own viewer.
                    match (shown_here, whole) {
                        (true, true) => state.show_full(&a.id, &a.name),
                        (true, false) => state.fetch_to_view(to, &a.id, &a.name),
                        (false, _) => state.open_attachment(to, &a.id),
                    }
                }
                let save = ui.add_enabled(!busy, egui::Button::new(tr(l, Text::SaveAttachmentAs)));
                named(&save, egui::Role::Button, format!("{}: {}", tr(l, Text::SaveAttachmentAs), a.name));
                if save.clicked() {
                    let job = FileJob::SaveAttachment { to: to.clone(), attachment: a.id.clone() };
                    // The name comes from another laptop: offered as a plain file name only.
                    let name = kring_node::safe_file_name(&a.name);
                    state.ask_file(ui.ctx(), Some(name), FileKind::Any, job);
                }
                // The bin keeps the bytes (it can be put back); erasing takes them from every
                // laptop with the next chapter.
                let bin = ui.small_button(tr(l, Text::MoveToBin));
                named(&bin, egui::Role::Button, format!("{}: {}", tr(l, Text::MoveToBin), a.name));
                if bin.clicked() {
                    state.edit(After::Nothing, Edit::DeleteAttachment { to: to.clone(), attachment: a.id.clone() });
                    state.notice = Some(tr(l, Text::MovedToBin).to_string());
                }
            });
            // Below the buttons: its confirmation says what goes, on lines of its own.
            let mut erasing = state.attachments.erasing.take();
            let erase = || kring_model::Erasure::Attachment(a.id.clone());
            let key = a.id.as_str();
            super::chapter::erase_for_everyone(ui, state, &mut erasing, key, Text::EraseForEveryone, &a.name, erase);
            state.attachments.erasing = erasing;
        });
    });
}

/// The guest who sent `a` from a room of the meeting it hangs on, where it is a guest's photo.
fn guest_of<'a>(
    snapshot: &'a NetworkSnapshot,
    to: &AttachedTo,
    a: &Attachment,
) -> Option<&'a kring_model::GuestContribution> {
    let (AttachedTo::Session(session), Some(from)) = (to, &a.from_guest) else { return None };
    snapshot.sessions.get(session)?.rooms.get(&from.room)?.guests.get(&from.contribution)
}

/// A photo's thumbnail (asked for the first time it is drawn), or a place held for it.
fn thumbnail(ui: &mut egui::Ui, state: &mut AppState, a: &Attachment, whole: bool) {
    let l = state.language;
    if whole && !state.attachments.thumbnails.contains_key(&a.id) {
        state.read_thumbnail(&a.id);
    }
    match state.attachments.thumbnails.get(&a.id) {
        Some(Picture::Shown(texture)) if whole => {
            let picture = egui::Image::from_texture(egui::load::SizedTexture::from_handle(texture))
                .max_size(THUMBNAIL)
                .corner_radius(4.0)
                .alt_text(format!("{}: {}", tr(l, Text::PreviewOf), a.name))
                .sense(egui::Sense::click());
            let response = ui.add(picture).on_hover_cursor(egui::CursorIcon::ZoomIn);
            if response.clicked() {
                state.show_full(&a.id, &a.name);
            }
        }
        Some(Picture::Reading | Picture::Decoding) if whole => {
            ui.allocate_ui(THUMBNAIL, |ui| {
                ui.set_min_size(THUMBNAIL);
                ui.centered_and_justified(|ui| ui.spinner());
            });
        }
        _ => {
            // Not here (yet), or not a picture Kring can read: an empty frame keeps the rows
            // aligned.
            let (rect, _) = ui.allocate_exact_size(THUMBNAIL, egui::Sense::hover());
            let stroke = ui.visuals().widgets.noninteractive.bg_stroke;
            ui.painter().rect_stroke(rect, 4.0, stroke, egui::StrokeKind::Inside);
        }
    }
}

/// Sets the name a screen reader (and a test) knows a widget by.
fn named(response: &egui::Response, role: egui::Role, label: String) {
    response.widget_info(|| egui::WidgetInfo::labeled(role, response.enabled(), &label));
}

/// Whole percents of `total`, never past 100.
fn percent(received: u64, total: u64) -> u64 {
    (received.min(total) * 100).checked_div(total).unwrap_or(100)
}

/// Files dropped on the page become attachments of `to`; while files hover over the window,
/// the page says where they will go.
pub fn take_dropped(ui: &mut egui::Ui, state: &mut AppState, to: &AttachedTo) {
    let (hovering, dropped) = ui.ctx().input(|i| (!i.raw.hovered_files.is_empty(), i.raw.dropped_files.clone()));
    if hovering {
        let rect = ui.max_rect();
        let painter =
            ui.ctx().layer_painter(egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("drop-files")));
        painter.rect_filled(rect, 6.0, ui.visuals().extreme_bg_color.gamma_multiply(0.85));
        painter.rect_stroke(rect, 6.0, ui.visuals().selection.stroke, egui::StrokeKind::Inside);
        let font = egui::TextStyle::Heading.resolve(ui.style());
        let text = tr(state.language, Text::DropToAttach);
        painter.text(rect.center(), egui::Align2::CENTER_CENTER, text, font, ui.visuals().strong_text_color());
    }
    for file in dropped {
        state.attach(to, file.path().to_path_buf());
    }
}

/// The photo shown full size, over the page; Escape, a click beside it or "Sluiten" closes it.
pub fn viewer(ctx: &egui::Context, state: &mut AppState) {
    let Some(viewing) = &state.attachments.viewing else { return };
    let l = state.language;
    let mut close = false;
    let room = ctx.content_rect().size() * 0.85 - egui::vec2(0.0, 60.0);
    let modal = egui::Modal::new(egui::Id::unique("attachment-viewer")).show(ctx, |ui| {
        ui.horizontal(|ui| {
            ui.strong(&viewing.name);
            if ui.button(tr(l, Text::Close)).clicked() {
                close = true;
            }
        });
        match &viewing.picture {
            Picture::Shown(texture) => {
                let picture = egui::Image::from_texture(egui::load::SizedTexture::from_handle(texture))
                    .max_size(room.max(egui::vec2(100.0, 100.0)))
                    .alt_text(format!("{}: {}", tr(l, Text::FullSize), viewing.name));
                ui.add(picture);
            }
            Picture::Unreadable => {
                ui.label(tr(l, Text::UnreadablePicture));
            }
            Picture::TooLarge => {
                ui.label(tr(l, Text::PictureTooLarge));
            }
            Picture::NotHere => {
                ui.label(tr(l, Text::NotOnThisLaptop));
            }
            Picture::Reading | Picture::Decoding => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(tr(l, Text::LoadingPicture));
                });
            }
        }
    });
    if close || modal.should_close() {
        state.attachments.viewing = None;
    }
}
