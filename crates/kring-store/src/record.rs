//! The change log's framing, kept pure (bytes in, records out) so it can be tested exhaustively.
//!
//! A record is `MAGIC (4) | payload length (u32 LE) | CRC-32 of length and payload (u32 LE) |
//! payload`. The magic lets the reader find the next record after a damaged one; the checksum
//! tells a complete record from a torn or flipped one.

pub const MAGIC: [u8; 4] = *b"KRL1";
pub const HEADER_LEN: usize = 12;
/// No single change chunk is anywhere near this; a larger length field is damage.
pub const MAX_PAYLOAD: usize = 256 * 1024 * 1024;

/// Frames one payload as a log record.
pub fn encode(payload: &[u8]) -> Vec<u8> {
    assert!(payload.len() <= MAX_PAYLOAD, "a log record payload must be at most {MAX_PAYLOAD} bytes");
    let len = (payload.len() as u32).to_le_bytes();
    let mut crc = crc32fast::Hasher::new();
    crc.update(&len);
    crc.update(payload);
    let mut record = Vec::with_capacity(HEADER_LEN + payload.len());
    record.extend_from_slice(&MAGIC);
    record.extend_from_slice(&len);
    record.extend_from_slice(&crc.finalize().to_le_bytes());
    record.extend_from_slice(payload);
    record
}

/// A stretch of bytes that held no intact record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    pub offset: usize,
    pub len: usize,
}

/// What a scan of a log found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan<'a> {
    /// Every intact record, in file order.
    pub records: Vec<&'a [u8]>,
    /// Bytes after the last intact record that end inside an unfinished record: what a crash
    /// in the middle of an append leaves behind. Harmless; the edit was never acknowledged.
    pub torn_tail: Option<Damage>,
    /// Damaged stretches with intact records after them: real corruption.
    pub damaged: Vec<Damage>,
    /// The length of the file up to and including the last intact record.
    pub intact_len: usize,
}

enum Frame<'a> {
    Intact {
        payload: &'a [u8],
        end: usize,
    },
    /// The bytes end before the record this header announces.
    Unfinished,
    Bad,
}

fn frame_at(bytes: &[u8], offset: usize) -> Frame<'_> {
    let rest = &bytes[offset..];
    if rest.len() < HEADER_LEN {
        return if MAGIC.starts_with(&rest[..rest.len().min(4)]) { Frame::Unfinished } else { Frame::Bad };
    }
    if rest[..4] != MAGIC {
        return Frame::Bad;
    }
    let len_bytes: [u8; 4] = rest[4..8].try_into().expect("slice of 4");
    let crc_bytes: [u8; 4] = rest[8..12].try_into().expect("slice of 4");
    let len = u32::from_le_bytes(len_bytes) as usize;
    if len > MAX_PAYLOAD {
        return Frame::Bad;
    }
    if rest.len() < HEADER_LEN + len {
        return Frame::Unfinished;
    }
    let payload = &rest[HEADER_LEN..HEADER_LEN + len];
    let mut crc = crc32fast::Hasher::new();
    crc.update(&len_bytes);
    crc.update(payload);
    if crc.finalize() != u32::from_le_bytes(crc_bytes) {
        return Frame::Bad;
    }
    Frame::Intact { payload, end: offset + HEADER_LEN + len }
}

/// Reads every intact record. Never fails and never panics: whatever is not an intact record is
/// reported as a torn tail (at the end, unfinished) or as damage (anything else).
pub fn scan(bytes: &[u8]) -> Scan<'_> {
    let mut scan = Scan::default();
    let mut offset = 0;
    // Where the current stretch of unreadable bytes began, if we are in one.
    let mut bad_since: Option<usize> = None;
    while offset < bytes.len() {
        match frame_at(bytes, offset) {
            Frame::Intact { payload, end } => {
                if let Some(start) = bad_since.take() {
                    scan.damaged.push(Damage { offset: start, len: offset - start });
                }
                scan.records.push(payload);
                scan.intact_len = end;
                offset = end;
            }
            Frame::Unfinished if bad_since.is_none() && !has_intact_record_after(bytes, offset) => {
                scan.torn_tail = Some(Damage { offset, len: bytes.len() - offset });
                return scan;
            }
            Frame::Unfinished | Frame::Bad => {
                bad_since.get_or_insert(offset);
                offset = next_magic(bytes, offset + 1);
            }
        }
    }
    if let Some(start) = bad_since {
        scan.damaged.push(Damage { offset: start, len: bytes.len() - start });
    }
    scan
}

fn next_magic(bytes: &[u8], from: usize) -> usize {
    bytes.get(from..).and_then(|rest| rest.windows(4).position(|w| w == MAGIC)).map_or(bytes.len(), |pos| from + pos)
}

fn has_intact_record_after(bytes: &[u8], offset: usize) -> bool {
    let mut at = next_magic(bytes, offset + 1);
    while at < bytes.len() {
        if matches!(frame_at(bytes, at), Frame::Intact { .. }) {
            return true;
        }
        at = next_magic(bytes, at + 1);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn log_of(payloads: &[&[u8]]) -> Vec<u8> {
        payloads.iter().flat_map(|p| encode(p)).collect()
    }

    #[test]
    fn reads_back_what_was_written() {
        let log = log_of(&[b"one", b"", b"three"]);
        let scan = scan(&log);
        assert_eq!(scan.records, vec![&b"one"[..], b"", b"three"]);
        assert_eq!(scan.torn_tail, None);
        assert!(scan.damaged.is_empty());
        assert_eq!(scan.intact_len, log.len());
    }

    #[test]
    fn every_truncation_keeps_every_complete_record_as_a_torn_tail() {
        let payloads: [&[u8]; 3] = [b"first change", b"second", b"third and last change"];
        let log = log_of(&payloads);
        let ends: Vec<usize> = payloads
            .iter()
            .scan(0, |end, p| {
                *end += HEADER_LEN + p.len();
                Some(*end)
            })
            .collect();
        for cut in 0..=log.len() {
            let scan = scan(&log[..cut]);
            let complete = ends.iter().filter(|&&end| end <= cut).count();
            assert_eq!(scan.records, payloads[..complete].to_vec(), "cut at {cut}");
            assert!(scan.damaged.is_empty(), "cut at {cut}: {:?}", scan.damaged);
            assert_eq!(scan.torn_tail.is_some(), !ends.contains(&cut) && cut != 0, "cut at {cut}");
        }
    }

    #[test]
    fn a_damaged_record_in_the_middle_is_reported_and_the_rest_is_kept() {
        let mut log = log_of(&[b"alpha", b"bravo", b"charlie"]);
        let second = HEADER_LEN + 5;
        log[second + HEADER_LEN + 2] ^= 0x40; // flip a bit in "bravo"
        let scan = scan(&log);
        assert_eq!(scan.records, vec![&b"alpha"[..], b"charlie"]);
        assert_eq!(scan.damaged, vec![Damage { offset: second, len: HEADER_LEN + 5 }]);
        assert_eq!(scan.torn_tail, None);
    }

    #[test]
    fn a_flipped_last_record_is_damage_not_a_torn_tail() {
        let mut log = log_of(&[b"alpha", b"bravo"]);
        let last = log.len() - 1;
        log[last] ^= 1;
        let scan = scan(&log);
        assert_eq!(scan.records, vec![&b"alpha"[..]]);
        assert_eq!(scan.damaged.len(), 1);
    }

    proptest! {
        #[test]
        fn bit_flips_never_panic_and_keep_every_untouched_record(
            payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 1..8),
            flips in prop::collection::vec((any::<prop::sample::Index>(), 0u8..8), 1..4),
        ) {
            let mut log = Vec::new();
            let mut spans = Vec::new();
            for p in &payloads {
                let start = log.len();
                log.extend(encode(p));
                spans.push(start..log.len());
            }
            let mut touched = vec![false; payloads.len()];
            for (index, bit) in &flips {
                let at = index.index(log.len());
                log[at] ^= 1 << bit;
                touched[spans.iter().position(|s| s.contains(&at)).unwrap()] = true;
            }
            let scan = scan(&log);
            // Every record whose bytes were not touched is still read, in order.
            let untouched: Vec<&[u8]> = payloads.iter().zip(&touched).filter(|(_, t)| !**t).map(|(p, _)| p.as_slice()).collect();
            let mut found = scan.records.iter();
            for record in untouched {
                prop_assert!(found.any(|r| *r == record));
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let scan = scan(&bytes);
            prop_assert!(scan.intact_len <= bytes.len());
        }
    }
}
