//! The device-link ticket: made on a member's laptop for one other laptop of the same person.
//! It names the network, the laptop that made it (the only one that can answer it: the secret
//! lives in that laptop's memory, never in the shared document) and a one-time secret.
//!
//! Its text starts with `kringlink`, an invite's with `kring` and then always `a` (the first
//! byte of an invite is its version, 0): each can tell the other apart, so a ticket pasted in
//! the wrong field gets a clear error rather than "invalid length".

use iroh_base::EndpointAddr;
use iroh_tickets::{ParseError, Ticket};
use serde::{Deserialize, Serialize};

use crate::{InviteTicket, TicketError};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceLinkTicket {
    pub network: String,
    /// The member the other laptop becomes a device of: it signs its proof for this member
    /// before it asks (see `kring_model::trust::proof`).
    pub member: String,
    /// The one-time secret; only the laptop that made the ticket knows it (in memory).
    pub secret: [u8; 32],
    /// The laptop that made the ticket, with the addresses it listens on.
    pub peer: EndpointAddr,
}

/// Never shows the secret: a ticket printed by mistake in a log must not link anyone's laptop.
impl std::fmt::Debug for DeviceLinkTicket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceLinkTicket")
            .field("network", &self.network)
            .field("member", &self.member)
            .field("secret", &"(hidden)")
            .field("peer", &self.peer)
            .finish()
    }
}

/// Versioned, so a later Kring can still read today's tickets.
#[derive(Serialize, Deserialize)]
enum Wire {
    /// Made by a Kring before device proofs: it names no member, and that Kring answers only
    /// `kring/link/1`.
    V1 { network: String, secret: [u8; 32], peer: EndpointAddr },
    /// With the member (`kring/link/2`).
    V2(DeviceLinkTicket),
}

impl Ticket for DeviceLinkTicket {
    const KIND: &'static str = "kringlink";

    fn encode_bytes(&self) -> Vec<u8> {
        postcard::to_stdvec(&Wire::V2(self.clone())).expect("tickets always serialise")
    }

    fn decode_bytes(bytes: &[u8]) -> Result<Self, ParseError> {
        match postcard::from_bytes(bytes)? {
            Wire::V2(ticket) => Ok(ticket),
            Wire::V1 { .. } => Err(ParseError::verification_failed(
                "it was made by an older Kring; update Kring on the laptop that made it and make a new one",
            )),
        }
    }
}

/// A pasted ticket without the spaces and line breaks e-mail or chat put in, in lower case.
pub(crate) fn compact(text: &str) -> String {
    text.split_whitespace().collect::<String>().to_ascii_lowercase()
}

/// Whether `compact` text (see [`compact`]) is meant as a device-link ticket.
pub(crate) fn is_link_text(compact: &str) -> bool {
    compact.starts_with(DeviceLinkTicket::KIND)
}

impl DeviceLinkTicket {
    /// Reads a pasted ticket; surrounding spaces and line breaks are ignored. An invite ticket
    /// is [`TicketError::InviteNotDeviceLink`].
    pub fn parse(text: &str) -> Result<DeviceLinkTicket, TicketError> {
        let compact = compact(text);
        if !is_link_text(&compact) && InviteTicket::parse(&compact).is_ok() {
            return Err(TicketError::InviteNotDeviceLink);
        }
        DeviceLinkTicket::decode_string(&compact).map_err(|err| TicketError::BadDeviceLink(err.to_string()))
    }

    pub fn to_text(&self) -> String {
        self.encode_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::new_secret;

    fn addr() -> EndpointAddr {
        let device = iroh_base::SecretKey::generate().public();
        EndpointAddr::new(device).with_ip_addr("127.0.0.1:4433".parse().unwrap())
    }

    fn ticket() -> DeviceLinkTicket {
        DeviceLinkTicket { network: "n1".into(), member: "m1".into(), secret: new_secret(), peer: addr() }
    }

    #[test]
    fn a_link_ticket_survives_being_pasted_with_line_breaks() {
        let ticket = ticket();
        let text = ticket.to_text();
        assert!(text.starts_with("kringlink"), "{text}");
        let wrapped: String =
            text.as_bytes().chunks(40).map(|c| format!("  {}\n", std::str::from_utf8(c).unwrap())).collect();
        assert_eq!(DeviceLinkTicket::parse(&wrapped).unwrap(), ticket);
        assert_eq!(DeviceLinkTicket::parse(&text.to_uppercase()).unwrap(), ticket);
    }

    #[test]
    fn a_ticket_in_the_wrong_field_is_named_for_what_it_is() {
        let link = ticket().to_text();
        let invite =
            InviteTicket { network: "n1".into(), invite: "i1".into(), secret: new_secret(), peers: vec![addr()] }
                .to_text();
        assert!(!invite.starts_with("kringlink"), "{invite}");
        assert!(matches!(DeviceLinkTicket::parse(&invite), Err(TicketError::InviteNotDeviceLink)));
        assert!(matches!(InviteTicket::parse(&link), Err(TicketError::DeviceLinkNotInvite)));
        assert!(matches!(InviteTicket::parse(&format!(" {link}\n")), Err(TicketError::DeviceLinkNotInvite)));
    }

    #[test]
    fn malformed_link_tickets_are_clear_errors() {
        let text = ticket().to_text();
        for bad in ["", "hello", "kringlink", &text[..text.len() / 2], "kringlink!!!!"] {
            assert!(matches!(DeviceLinkTicket::parse(bad), Err(TicketError::BadDeviceLink(_))), "{bad}");
        }
    }

    #[test]
    fn a_link_ticket_of_an_older_kring_asks_for_an_update() {
        let old = Wire::V1 { network: "n1".into(), secret: new_secret(), peer: addr() };
        let text = format!(
            "{}{}",
            DeviceLinkTicket::KIND,
            data_encoding::BASE32_NOPAD.encode(&postcard::to_stdvec(&old).unwrap()).to_lowercase()
        );
        let Err(TicketError::BadDeviceLink(why)) = DeviceLinkTicket::parse(&text) else { panic!("{text}") };
        assert!(why.contains("older Kring"), "{why}");
    }

    #[test]
    fn a_link_ticket_shown_for_debugging_hides_its_secret() {
        let ticket = DeviceLinkTicket { secret: [0xab; 32], ..ticket() };
        let shown = format!("{ticket:?}");
        assert!(shown.contains("(hidden)"), "{shown}");
        // Neither as bytes nor as hex (the rest of the ticket is random: a few digits alike
        // may occur by chance, the secret's run of them never does).
        let (as_bytes, as_hex) = ("171, 171, 171, 171", "abababababababab");
        assert!(!shown.contains(as_bytes) && !shown.to_lowercase().contains(as_hex), "{shown}");
    }
}
