//! The compacted snapshot's framing: `MAGIC | length (u64 LE) | CRC-32 (u32 LE) | document`.
//!
//! Automerge's own format would also notice most damage, but this header lets us say exactly
//! what is wrong ("cut short", "checksum mismatch") before handing the bytes to Automerge.

pub const MAGIC: [u8; 4] = *b"KRS1";
pub const HEADER_LEN: usize = 16;

pub fn encode(document: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER_LEN + document.len());
    bytes.extend_from_slice(&MAGIC);
    bytes.extend_from_slice(&(document.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(document).to_le_bytes());
    bytes.extend_from_slice(document);
    bytes
}

/// The document bytes, or why the file cannot be trusted.
pub fn decode(bytes: &[u8]) -> Result<&[u8], String> {
    if bytes.len() < HEADER_LEN {
        return Err(format!("only {} bytes, shorter than its header", bytes.len()));
    }
    if bytes[..4] != MAGIC {
        return Err("it is not a Kring snapshot (wrong magic)".into());
    }
    let len = u64::from_le_bytes(bytes[4..12].try_into().expect("8 bytes"));
    let crc = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes"));
    let document = &bytes[HEADER_LEN..];
    if document.len() as u64 != len {
        return Err(format!("its header announces {len} bytes but {} are there", document.len()));
    }
    if crc32fast::hash(document) != crc {
        return Err("checksum mismatch".into());
    }
    Ok(document)
}

/// The length of the document a frame's header (its first [`HEADER_LEN`] bytes) announces.
pub fn announced_len(header: &[u8; HEADER_LEN]) -> Result<u64, String> {
    if header[..4] != MAGIC {
        return Err("it is not a Kring snapshot (wrong magic)".into());
    }
    Ok(u64::from_le_bytes(header[4..12].try_into().expect("8 bytes")))
}

/// The first frame of `bytes` (checked as [`decode`] checks a whole file) and what follows it.
pub fn decode_first(bytes: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let len =
        bytes.get(4..12).map(|len| u64::from_le_bytes(len.try_into().expect("8 bytes"))).ok_or("it is cut short")?;
    let end = usize::try_from(len).ok().and_then(|len| len.checked_add(HEADER_LEN)).ok_or("it is cut short")?;
    let frame = bytes.get(..end).ok_or("it is cut short")?;
    Ok((decode(frame)?, &bytes[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_every_truncation_and_flip() {
        let bytes = encode(b"an automerge document");
        assert_eq!(decode(&bytes).unwrap(), b"an automerge document");
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for at in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x10;
            assert!(decode(&flipped).is_err(), "flip at {at}");
        }
    }
}
