//! The tickets people pass to each other as text or a QR code: an [`InviteTicket`] lets someone
//! join a network, a [`DeviceLinkTicket`] adds a member's second laptop. Each recognises the
//! other, so a ticket pasted in the wrong field gets a clear error.

mod device_link;
mod error;
mod invite;

pub use device_link::DeviceLinkTicket;
pub use error::TicketError;
pub use invite::{InviteTicket, new_secret, secret_hash};
