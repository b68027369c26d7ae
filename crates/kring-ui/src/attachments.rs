//! What the window knows of attachments apart from the document: which are on this laptop and
//! which are arriving (as the node tells), the photos decoded for showing, and how a file is
//! handed to the system's viewer. Photos are decoded on a thread of their own: a 12-megapixel
//! photo takes longer than a frame, and a damaged one must never take the window down.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};

use kring_model::{AttachedTo, AttachmentId};
use kring_node::client::{AttachmentUse, AttachmentsHere, Bytes, Command, Failure};

use crate::state::{After, AppState};

/// Hands a file to the system's viewer. Tests put one in that only records the path.
pub type Opener = Box<dyn Fn(&Path) -> std::io::Result<()> + Send>;

/// Thumbnails are decoded to at most this many pixels a side (shown at half that on a
/// high-density screen).
const THUMBNAIL_SIDE: u32 = 320;
/// A photo shown full size is decoded to at most this many pixels a side (and never more than
/// the screen's graphics can take).
const FULL_SIDE: u32 = 4096;

/// A photo as the window can show it.
pub enum Picture {
    /// Its bytes were asked of the node.
    Reading,
    /// Being decoded, off the UI thread.
    Decoding,
    Shown(egui::TextureHandle),
    /// Damaged, or in a form Kring does not read.
    Unreadable,
    /// Too large to read into memory here (it can still be opened elsewhere).
    TooLarge,
    /// Not (or no longer) whole on this laptop: asked again when that changes.
    NotHere,
}

/// The photo shown full size.
pub struct Viewing {
    pub attachment: AttachmentId,
    pub name: String,
    pub picture: Picture,
}

/// A decoded photo, back from its thread.
struct Decoded {
    attachment: AttachmentId,
    full: bool,
    image: Option<egui::ColorImage>,
}

pub struct AttachmentDesk {
    /// What the node says this laptop holds of the open network's attachments.
    pub here: Option<AttachmentsHere>,
    /// Every network's attachments on this laptop (the settings).
    pub usage: Option<Vec<AttachmentUse>>,
    pub thumbnails: BTreeMap<AttachmentId, Picture>,
    pub viewing: Option<Viewing>,
    /// An image to show full size once it has been fetched.
    pub view_when_fetched: Option<(AttachmentId, String)>,
    pub opener: Opener,
    /// The list the person last acted in: a refusal shows there, and nowhere else.
    pub last_target: Option<AttachedTo>,
    /// The attachment each command in flight is about (its buttons wait meanwhile).
    pub requests: BTreeMap<u64, AttachmentId>,
    /// The attachment whose "Voor iedereen wissen" waits for its second click.
    pub erasing: Option<String>,
    decoded: (Sender<Decoded>, Receiver<Decoded>),
}

impl Default for AttachmentDesk {
    fn default() -> Self {
        AttachmentDesk {
            here: None,
            usage: None,
            thumbnails: BTreeMap::new(),
            viewing: None,
            view_when_fetched: None,
            opener: Box::new(|path| open::that_detached(path)),
            last_target: None,
            requests: BTreeMap::new(),
            erasing: None,
            decoded: channel(),
        }
    }
}

impl AttachmentDesk {
    /// Whether a command about `attachment` is still under way.
    pub fn busy(&self, attachment: &AttachmentId) -> bool {
        self.requests.values().any(|a| a == attachment)
    }

    /// Bytes of the attachment with content `hash` on this laptop, as the node last said (0 before
    /// it said).
    pub fn held(&self, hash: &str) -> u64 {
        self.here.as_ref().and_then(|here| here.held.get(hash)).copied().unwrap_or_default()
    }

    /// Bytes received of how many, while the attachment with content `hash` is arriving.
    pub fn fetching(&self, hash: &str) -> Option<(u64, u64)> {
        self.here.as_ref().and_then(|here| here.fetching.get(hash)).copied()
    }

    /// The node told what is held now: photos that could not be read are tried again.
    pub(crate) fn take_here(&mut self, here: AttachmentsHere) {
        if self.here.as_ref().is_some_and(|old| old.network != here.network) {
            self.thumbnails.clear();
            self.viewing = None;
        }
        self.thumbnails.retain(|_, picture| !matches!(picture, Picture::NotHere));
        self.here = Some(here);
    }

    /// A photo's bytes arrived: decoded for the thumbnail, the full view, or both.
    pub(crate) fn take_bytes(&mut self, ctx: &egui::Context, attachment: AttachmentId, bytes: Result<Bytes, Failure>) {
        let thumbnail = matches!(self.thumbnails.get(&attachment), Some(Picture::Reading));
        let viewing =
            self.viewing.as_mut().filter(|v| v.attachment == attachment && matches!(v.picture, Picture::Reading));
        let bytes = match bytes {
            Ok(Bytes(bytes)) => bytes,
            Err(err) => {
                let too_large = matches!(
                    err.as_ref(),
                    kring_node::NodeError::Model(kring_model::ModelError::AttachmentTooLarge { .. })
                );
                let failed = || if too_large { Picture::TooLarge } else { Picture::NotHere };
                if let Some(viewing) = viewing {
                    viewing.picture = failed();
                }
                if thumbnail {
                    self.thumbnails.insert(attachment, failed());
                }
                return;
            }
        };
        let mut sides = Vec::new();
        if let Some(viewing) = viewing {
            viewing.picture = Picture::Decoding;
            sides.push((true, FULL_SIDE.min(ctx.input(|i| i.max_texture_side) as u32)));
        }
        if thumbnail {
            self.thumbnails.insert(attachment.clone(), Picture::Decoding);
            sides.push((false, THUMBNAIL_SIDE));
        }
        if !sides.is_empty() {
            decode_apart(ctx, self.decoded.0.clone(), attachment, bytes, sides);
        }
    }

    /// Takes in the photos decoded since the last frame, as textures.
    pub(crate) fn receive_decoded(&mut self, ctx: &egui::Context) {
        while let Ok(Decoded { attachment, full, image }) = self.decoded.1.try_recv() {
            let picture = match image {
                Some(image) => {
                    let name = format!("attachment-{attachment}-{}", if full { "full" } else { "thumbnail" });
                    Picture::Shown(ctx.load_texture(name, image, egui::TextureOptions::LINEAR))
                }
                None => Picture::Unreadable,
            };
            if full {
                if let Some(viewing) = self.viewing.as_mut().filter(|v| v.attachment == attachment) {
                    viewing.picture = picture;
                }
            } else {
                self.thumbnails.insert(attachment, picture);
            }
        }
    }
}

/// Decodes `bytes` on a thread of its own, once per wanted size (`full`, at most that many
/// pixels a side), and sends each picture back; `None` for one that cannot be read.
fn decode_apart(
    ctx: &egui::Context,
    back: Sender<Decoded>,
    attachment: AttachmentId,
    bytes: std::sync::Arc<[u8]>,
    sides: Vec<(bool, u32)>,
) {
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new().name("decode-photo".into()).spawn(move || {
        for (full, side) in sides {
            // A decoder that panics on a crafted file costs that picture, not the window.
            let image = std::panic::catch_unwind(|| decode(&bytes, side)).ok().flatten();
            let _ = back.send(Decoded { attachment: attachment.clone(), full, image });
        }
        ctx.request_repaint();
    });
    if let Err(err) = spawned {
        tracing::warn!("cannot start decoding a photo: {err}");
    }
}

/// The picture in `bytes`, at most `side` pixels a side; `None` when it cannot be read.
pub fn decode(bytes: &[u8], side: u32) -> Option<egui::ColorImage> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().ok()?;
    // A small file that claims to be a picture of a million by a million pixels is refused
    // before anything is allocated for it.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(16_384);
    limits.max_image_height = Some(16_384);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut picture = reader.decode().ok()?;
    if picture.width() > side || picture.height() > side {
        picture = picture.thumbnail(side, side);
    }
    let rgba = picture.to_rgba8();
    let size = [rgba.width() as usize, rgba.height() as usize];
    Some(egui::ColorImage::from_rgba_unmultiplied(size, rgba.as_raw()))
}

/// Attachments through the open network's node.
impl AppState {
    /// Attaches the file at `path` to `to` (chosen in a dialog or dropped on the page).
    pub fn attach(&mut self, to: &AttachedTo, path: PathBuf) {
        let Some(network) = self.network_id().map(String::from) else { return };
        self.attachments.last_target = Some(to.clone());
        // A folder dropped on the page is refused here, in words, before the node is asked.
        if std::fs::metadata(&path).is_ok_and(|meta| !meta.is_file()) {
            self.refuse(After::Attached, kring_node::NodeError::AttachmentNotAFile(path));
            return;
        }
        self.send(Command::Attach { network, to: to.clone(), path }, After::Attached);
    }

    /// Sends a command about one attachment, shown in the list of `to`.
    fn about_attachment(&mut self, to: &AttachedTo, attachment: &AttachmentId, command: Command, after: After) {
        self.attachments.last_target = Some(to.clone());
        let id = self.send(command, after);
        self.attachments.requests.insert(id, attachment.clone());
    }

    /// Opens an attachment in the system's viewer, fetched first if it is not here.
    pub fn open_attachment(&mut self, to: &AttachedTo, attachment: &AttachmentId) {
        let Some(network) = self.network_id().map(String::from) else { return };
        let command = Command::CopyForViewer { network, attachment: attachment.clone() };
        self.about_attachment(to, attachment, command, After::OpenedAttachment);
    }

    /// Shows a photo held here full size.
    pub fn show_full(&mut self, attachment: &AttachmentId, name: &str) {
        let Some(network) = self.network_id().map(String::from) else { return };
        self.attachments.viewing =
            Some(Viewing { attachment: attachment.clone(), name: name.to_string(), picture: Picture::Reading });
        self.send(Command::ReadAttachment { network, attachment: attachment.clone() }, After::Nothing);
    }

    /// Fetches a photo that is not here yet, then shows it full size.
    pub fn fetch_to_view(&mut self, to: &AttachedTo, attachment: &AttachmentId, name: &str) {
        let Some(network) = self.network_id().map(String::from) else { return };
        self.attachments.view_when_fetched = Some((attachment.clone(), name.to_string()));
        let command = Command::FetchAttachment { network, attachment: attachment.clone() };
        self.about_attachment(to, attachment, command, After::FetchedToView);
    }

    /// Asks for a photo's bytes, for its thumbnail.
    pub fn read_thumbnail(&mut self, attachment: &AttachmentId) {
        let Some(network) = self.network_id().map(String::from) else { return };
        self.attachments.thumbnails.insert(attachment.clone(), Picture::Reading);
        self.send(Command::ReadAttachment { network, attachment: attachment.clone() }, After::Nothing);
    }

    /// Saves an attachment where the person chooses, fetched first if it is not here.
    pub fn save_attachment_to(&mut self, to: &AttachedTo, attachment: &AttachmentId, path: PathBuf) {
        let Some(network) = self.network_id().map(String::from) else { return };
        let command = Command::SaveAttachment { network, attachment: attachment.clone(), path };
        self.about_attachment(to, attachment, command, After::SavedAttachment);
    }

    /// Fetch the open network's attachments only when opened (`on_demand`), or all of them.
    pub fn set_fetch_policy(&mut self, network: &str, on_demand: bool) {
        self.send(Command::SetFetchPolicy { network: network.to_string(), on_demand }, After::Nothing);
    }

    /// Asks how much disk every network's attachments take.
    pub fn ask_attachment_use(&mut self) {
        self.send(Command::AttachmentUse, After::Nothing);
    }

    /// Hands a copy made for the viewer to the system; says where it is if no viewer took it.
    pub fn hand_to_viewer(&mut self, path: &Path) {
        if let Err(err) = (self.attachments.opener)(path) {
            tracing::warn!("no viewer opened {}: {err}", path.display());
            let words = crate::i18n::tr(self.language, crate::i18n::Text::NoViewer);
            self.notice = Some(format!("{words} {}", path.display()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_picture_is_none_and_a_large_one_is_made_small() {
        assert!(decode(b"\x89PNG\r\n\x1a\nnot really", 320).is_none());
        assert!(decode(&[0xff, 0xd8, 0xff, 0xe0, 0, 0], 320).is_none());
        assert!(decode(&[], 320).is_none());
        let mut png = Vec::new();
        let big = image::RgbaImage::from_pixel(1000, 500, image::Rgba([200, 30, 30, 255]));
        image::DynamicImage::ImageRgba8(big)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let small = decode(&png, 320).unwrap();
        assert_eq!(small.size, [320, 160]);
        // A picture cut short is refused, not half shown or a panic.
        assert!(decode(&png[..png.len() / 2], 320).is_none());
    }
}
