//! A network in one file, for a USB stick when laptops have no network at all:
//! `MAGIC | id length (u8) | network id | snapshot frame` (see [`crate::snapshot_file`]).

use crate::data_dir::is_valid_network_id;
use crate::snapshot_file;

pub const MAGIC: [u8; 4] = *b"KRB1";

pub fn encode(network: &str, document: &[u8]) -> Vec<u8> {
    assert!(is_valid_network_id(network), "network ids are checked before they are stored");
    let mut bytes = MAGIC.to_vec();
    bytes.push(network.len() as u8);
    bytes.extend_from_slice(network.as_bytes());
    bytes.extend_from_slice(&snapshot_file::encode(document));
    bytes
}

/// The network id and the document bytes, or why this is not a usable bundle.
pub fn decode(bytes: &[u8]) -> Result<(&str, &[u8]), String> {
    let rest = bytes.strip_prefix(&MAGIC).ok_or("it is not a Kring bundle")?;
    let (&len, rest) = rest.split_first().ok_or("it is cut short")?;
    let id = rest.get(..len as usize).ok_or("it is cut short")?;
    let id = std::str::from_utf8(id).ok().filter(|id| is_valid_network_id(id)).ok_or("its network id is invalid")?;
    let document = snapshot_file::decode(&rest[len as usize..])?;
    Ok((id, document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let bytes = encode("plg-rekenen", b"document");
        assert_eq!(decode(&bytes).unwrap(), ("plg-rekenen", &b"document"[..]));
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(decode(&flipped).is_err());
        assert!(decode(b"PK\x03\x04 a zip file").is_err());
    }
}
