//! The invite ticket a coordinator hands out (as text or QR code): which network, which invite,
//! its secret, and how to reach the inviting device.

use iroh_base::EndpointAddr;
use iroh_tickets::{ParseError, Ticket};
use serde::{Deserialize, Serialize};

use crate::TicketError;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteTicket {
    pub network: String,
    pub invite: String,
    /// The one-time secret; the network document holds only its hash.
    pub secret: [u8; 32],
    /// The inviting device and other member devices that can let the invitee in.
    pub peers: Vec<EndpointAddr>,
}

/// Never shows the secret: a ticket printed by mistake in a log must not let anyone in.
impl std::fmt::Debug for InviteTicket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InviteTicket")
            .field("network", &self.network)
            .field("invite", &self.invite)
            .field("secret", &"(hidden)")
            .field("peers", &self.peers)
            .finish()
    }
}

/// Versioned, so a later Kring can still read today's tickets.
#[derive(Serialize, Deserialize)]
enum Wire {
    V1(InviteTicket),
}

impl Ticket for InviteTicket {
    const KIND: &'static str = "kring";

    fn encode_bytes(&self) -> Vec<u8> {
        postcard::to_stdvec(&Wire::V1(self.clone())).expect("tickets always serialise")
    }

    fn decode_bytes(bytes: &[u8]) -> Result<Self, ParseError> {
        let Wire::V1(ticket) = postcard::from_bytes(bytes)?;
        if ticket.peers.is_empty() {
            return Err(ParseError::verification_failed("the ticket names no device to contact"));
        }
        Ok(ticket)
    }
}

impl InviteTicket {
    /// Reads a pasted ticket; surrounding spaces and line breaks (from e-mail or chat) are ignored.
    pub fn parse(text: &str) -> Result<InviteTicket, TicketError> {
        let compact = crate::device_link::compact(text);
        if crate::device_link::is_link_text(&compact) {
            return Err(TicketError::DeviceLinkNotInvite);
        }
        InviteTicket::decode_string(&compact).map_err(|err| TicketError::BadInvite(err.to_string()))
    }

    pub fn to_text(&self) -> String {
        self.encode_string()
    }
}

/// The hash of an invite secret as stored in the network document.
pub fn secret_hash(secret: &[u8; 32]) -> String {
    use sha2::Digest;
    data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(secret))
}

/// A fresh random invite secret.
pub fn new_secret() -> [u8; 32] {
    let mut secret = [0u8; 32];
    rand::fill(&mut secret);
    secret
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> InviteTicket {
        let device = iroh_base::SecretKey::generate().public();
        let addr = EndpointAddr::new(device).with_ip_addr("127.0.0.1:4433".parse().unwrap());
        InviteTicket { network: "n1".into(), invite: "i1".into(), secret: new_secret(), peers: vec![addr] }
    }

    #[test]
    fn a_ticket_survives_being_pasted_with_line_breaks() {
        let ticket = ticket();
        let text = ticket.to_text();
        assert!(text.starts_with("kring"));
        let wrapped: String =
            text.as_bytes().chunks(40).map(|c| format!("  {}\n", std::str::from_utf8(c).unwrap())).collect();
        assert_eq!(InviteTicket::parse(&wrapped).unwrap(), ticket);
    }

    #[test]
    fn malformed_tickets_are_clear_errors() {
        let text = ticket().to_text();
        for bad in ["", "hello", "kring", &text[..text.len() / 2], &text.replace("kring", "endpoint"), "kring!!!!"] {
            assert!(matches!(InviteTicket::parse(bad), Err(TicketError::BadInvite(_))), "{bad}");
        }
    }

    #[test]
    fn a_ticket_shown_for_debugging_hides_its_secret() {
        let secret = [0xab; 32];
        let ticket = InviteTicket { network: "n".into(), invite: "i".into(), secret, peers: vec![] };
        let shown = format!("{ticket:?}");
        assert!(shown.contains("(hidden)"), "{shown}");
        assert!(!shown.contains("171"), "no byte of the secret (0xab = 171): {shown}");
        assert!(!shown.contains("ab, ab") && !shown.to_lowercase().contains("abab"), "{shown}");
    }

    #[test]
    fn the_secret_is_hashed_not_stored() {
        let secret = new_secret();
        assert_eq!(secret_hash(&secret).len(), 64);
        assert_ne!(secret_hash(&secret), data_encoding::HEXLOWER.encode(&secret));
        assert_ne!(new_secret(), secret);
    }
}
