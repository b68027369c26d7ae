//! A meeting's room for phones. Youth and parents take part from their phone without an
//! install or an account: a member's laptop serves a small page on the LAN (a random port, a
//! long random code in the address), showing only what the member put in the room — the
//! meeting's title and agenda, chosen learning questions, an open reflection round — and
//! writes what guests send as guests' contributions, through the node like any edit. Where the
//! member allowed it, a guest may send a photo: the laptop decodes it and keeps only its own
//! re-encoding (`photo.rs`), attached to the meeting as the guest's.
//!
//! Closing the room stops the server and closes the room in the network; a new room has a new
//! code. See `docs/trust-rules.md` (rules 32–34, and 54 for a guest's photo) for what every other laptop accepts.

mod assets;
mod host;
mod http;
mod limits;
mod photo;
mod server;
mod upload;
mod view;

pub use assets::page_bytes;
pub use host::{Host, HostError, NetworkHost, NodeHost};
pub use http::GUEST_HEADER;
pub use limits::{MAX_BODY, MAX_GUESTS, MAX_PHOTOS_PER_GUEST, MAX_PHOTOS_PER_ROOM};
pub use photo::{MAX_PHOTO_BYTES, MAX_PIXELS, MAX_SIDE, PhotoError, reencode};
pub use server::{Room, RoomError, RoomEvent, RoomOptions, SentContribution, until_end_of_day};
pub use view::{RoomView, ShownFactor, ShownQuestion, ShownRound, view_of};
