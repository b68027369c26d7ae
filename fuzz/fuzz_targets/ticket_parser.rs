//! `InviteTicket::parse` on arbitrary text.
//!
//! Input: the text itself, or `0xFF | bytes`, which is turned into `kring` + base32(bytes) so
//! the fuzzer also reaches the ticket's postcard payload without having to discover base32.
//! Must never panic; a ticket that parses must survive `to_text` → `parse` unchanged.
#![no_main]

use kring_ticket::InviteTicket;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = match data {
        [0xFF, bytes @ ..] => format!("kring{}", data_encoding::BASE32_NOPAD.encode(bytes).to_ascii_lowercase()),
        _ => String::from_utf8_lossy(data).into_owned(),
    };
    if let Ok(ticket) = InviteTicket::parse(&text) {
        assert!(!ticket.peers.is_empty(), "a ticket without a device to contact was accepted");
        let again = InviteTicket::parse(&ticket.to_text()).expect("a parsed ticket's own text parses");
        assert_eq!(again, ticket, "a ticket changed on to_text/parse");
    }
});
