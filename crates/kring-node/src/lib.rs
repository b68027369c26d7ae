//! The running Kring peer. A [`Node`] owns one iroh endpoint and every network in the data
//! directory; it serves `kring/sync/3` to current members, `kring/join/2` to invitees,
//! `kring/link/2` to a member's other laptop (a device link), `kring/leerhuis/2` to a
//! network's coordinator who links her network into a leerhuis, `kring/leerhuis-join/1` to a
//! member of a linked network with her voucher, and `kring/attachments/1` (the bytes of
//! attachments) to current members, dials known member devices,
//! and reports what happens as [`NodeEvent`]s. The protocol itself lives in `kring-sync`; this
//! crate moves its bytes over QUIC.

pub mod address_book;
mod attachment_cleanup;
mod attachment_local;
mod attachments;
pub mod bundle;
mod bundle_files;
mod bundle_running;
mod carried;
pub mod chapters;
pub mod client;
mod device_link;
mod dialer;
pub mod endpoint;
mod error;
mod events;
pub mod invite;
mod join;
mod lan;
pub mod leerhuis;
mod links;
mod memory;
mod networks;
mod node;
mod open_network;
mod peer;
mod polite_dns;
mod shared;
pub mod short;
mod start_warning;
mod whole_network;

pub use address_book::AddressBook;
pub use attachment_cleanup::{Swept, sweep_here as sweep_attachments_here};
pub use attachment_local::{
    FETCH_POLICY_FILE, FetchPolicy, LocalAttachments, MAX_IN_MEMORY, OPENED_DIR, clear_opened, safe_file_name,
};
pub use attachments::{ATTACHMENTS_ALPN, ATTACHMENTS_DIR, attach_here, bytes_here, save_here};
pub use bundle_files::BundleProgress;
pub use bundle_running::{BundleFor, Imported};
pub use device_link::{LINK_ALPN, LinkRequest, LinkedDevice};
pub use endpoint::{NetworkMode, Relay, Services};
pub use error::{AttachmentFault, BundleProblem, NodeError, Result};
pub use events::{FoundVia, NodeEvent, PeerPath};
pub use join::{JOIN_ALPN, JoinReply, JoinRequest};
pub use kring_ticket::{DeviceLinkTicket, InviteTicket, TicketError};
pub use node::{JoinedNetwork, Node, PeerReport};
pub use open_network::OpenNetwork;
pub use start_warning::StartWarning;
pub use whole_network::Unusable;
