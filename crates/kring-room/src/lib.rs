//! A meeting's room for phones. Youth and parents take part from their phone without an
//! install or an account: a member's laptop serves a small page on the LAN (a random port, a
//! long random code in the address), showing only what the member put in the room — the
//! meeting's title and agenda, chosen learning questions, an open reflection round — and
//! writes what guests send as guests' contributions, through the node like any edit.
//!
//! Closing the room stops the server and closes the room in the network; a new room has a new
//! code. See `docs/trust-rules.md` (rules 32–34) for what every other laptop accepts.

mod assets;
mod host;
mod http;
mod limits;
mod server;
mod view;

pub use assets::page_bytes;
pub use host::{Host, HostError, NetworkHost, NodeHost};
pub use http::GUEST_HEADER;
pub use limits::{MAX_BODY, MAX_GUESTS};
pub use server::{Room, RoomError, RoomEvent, RoomOptions, SentContribution, until_end_of_day};
pub use view::{RoomView, ShownFactor, ShownQuestion, ShownRound, view_of};
