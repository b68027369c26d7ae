//! A network in one file, for a USB stick when laptops have no network at all:
//! `MAGIC | id length (u8) | network id | signatures frame | snapshot frame` (frames as in
//! [`crate::snapshot_file`]; the signatures are opaque here, the sync layer reads them).

use crate::data_dir::is_valid_network_id;
use crate::snapshot_file;

pub const MAGIC: [u8; 4] = *b"KRB2";
/// Bundles written before changes were signed: recognised, so that the answer is clear.
const UNSIGNED_MAGIC: [u8; 4] = *b"KRB1";

/// What a bundle holds.
#[derive(Debug, PartialEq, Eq)]
pub struct Bundle<'a> {
    pub network: &'a str,
    pub signatures: &'a [u8],
    pub document: &'a [u8],
}

pub fn encode(network: &str, signatures: &[u8], document: &[u8]) -> Vec<u8> {
    assert!(is_valid_network_id(network), "network ids are checked before they are stored");
    let mut bytes = MAGIC.to_vec();
    bytes.push(network.len() as u8);
    bytes.extend_from_slice(network.as_bytes());
    bytes.extend_from_slice(&snapshot_file::encode(signatures));
    bytes.extend_from_slice(&snapshot_file::encode(document));
    bytes
}

/// What the bundle holds, or why this is not a usable bundle.
pub fn decode(bytes: &[u8]) -> Result<Bundle<'_>, String> {
    if bytes.starts_with(&UNSIGNED_MAGIC) {
        return Err("it was made by an older Kring, without signatures; make a new bundle".into());
    }
    let rest = bytes.strip_prefix(&MAGIC).ok_or("it is not a Kring bundle")?;
    let (&len, rest) = rest.split_first().ok_or("it is cut short")?;
    let id = rest.get(..len as usize).ok_or("it is cut short")?;
    let id = std::str::from_utf8(id).ok().filter(|id| is_valid_network_id(id)).ok_or("its network id is invalid")?;
    let rest = &rest[len as usize..];
    let (signatures, rest) = snapshot_file::decode_first(rest)?;
    let document = snapshot_file::decode(rest)?;
    Ok(Bundle { network: id, signatures, document })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let bytes = encode("plg-rekenen", b"signatures", b"document");
        let expected = Bundle { network: "plg-rekenen", signatures: b"signatures", document: b"document" };
        assert_eq!(decode(&bytes).unwrap(), expected);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(decode(&flipped).is_err());
        assert!(decode(b"PK\x03\x04 a zip file").is_err());
    }
}
