//! How large an Automerge document becomes once Automerge unpacks it, counted without
//! unpacking it: a bundle's document is checked with this before Automerge loads it.
//!
//! Automerge deflates the columns of a saved document and inflates them when loading, with no
//! limit: a crafted bundle of 10 KB made a laptop take 747 MB. Here each deflated column is
//! inflated into nothing but a counter, and counting stops at the limit.

use std::io::Read;

/// Automerge's chunk magic.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// A column spec's deflate bit.
const DEFLATE: u64 = 0b1000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unpacked {
    #[error("it unpacks to more than {max} bytes")]
    TooLarge { max: u64 },
    #[error("its document cannot be read ({0})")]
    Malformed(&'static str),
}

/// The bytes the document in `bytes` (Automerge chunks: a whole document, perhaps changes)
/// takes once unpacked, if at most `max`.
pub fn size(mut bytes: &[u8], max: u64) -> Result<u64, Unpacked> {
    let mut total = 0u64;
    while !bytes.is_empty() {
        let rest = bytes.strip_prefix(&MAGIC).ok_or(Unpacked::Malformed("not an Automerge chunk"))?;
        let (kind, rest) = rest.get(4..).and_then(|r| r.split_first()).ok_or(Unpacked::Malformed("cut short"))?;
        let (len, rest) = leb(rest)?;
        let data = rest.get(..to_usize(len)?).ok_or(Unpacked::Malformed("cut short"))?;
        let left = max.saturating_sub(total);
        let this = match kind {
            0 => document(data, left),
            1 => Ok(data.len() as u64),
            2 => inflated(data, left),
            _ => Err(Unpacked::Malformed("an unknown kind of chunk")),
        };
        total += this.map_err(|err| match err {
            Unpacked::TooLarge { .. } => Unpacked::TooLarge { max },
            malformed => malformed,
        })?;
        if total > max {
            return Err(Unpacked::TooLarge { max });
        }
        bytes = &rest[data.len()..];
    }
    Ok(total)
}

/// A document chunk's data: actors, heads, the change and op columns (some deflated).
fn document(data: &[u8], max: u64) -> Result<u64, Unpacked> {
    let (actors, mut rest) = leb(data)?;
    for _ in 0..actors {
        let (len, after) = leb(rest)?;
        rest = after.get(to_usize(len)?..).ok_or(Unpacked::Malformed("cut short"))?;
    }
    let (heads, after) = leb(rest)?;
    rest = to_usize(heads)?.checked_mul(32).and_then(|len| after.get(len..)).ok_or(Unpacked::Malformed("cut short"))?;
    let mut columns = Vec::new();
    for _ in 0..2 {
        let (count, after) = leb(rest)?;
        rest = after;
        for _ in 0..count {
            let (spec, after) = leb(rest)?;
            let (len, after) = leb(after)?;
            rest = after;
            columns.push((spec, to_usize(len)?));
        }
    }
    let mut total = (data.len() - rest.len()) as u64;
    for (spec, len) in columns {
        let column = rest.get(..len).ok_or(Unpacked::Malformed("cut short"))?;
        rest = &rest[len..];
        let left = max.saturating_sub(total);
        total += if spec & DEFLATE != 0 { inflated(column, left)? } else { len as u64 };
        if total > max {
            return Err(Unpacked::TooLarge { max });
        }
    }
    Ok(total + rest.len() as u64)
}

/// What `deflated` inflates to, counted (nothing is kept), if at most `max` bytes.
fn inflated(deflated: &[u8], max: u64) -> Result<u64, Unpacked> {
    let mut inflater = flate2::bufread::DeflateDecoder::new(deflated).take(max.saturating_add(1));
    let len = std::io::copy(&mut inflater, &mut std::io::sink()).map_err(|_| Unpacked::Malformed("bad deflate"))?;
    if len > max { Err(Unpacked::TooLarge { max }) } else { Ok(len) }
}

/// An unsigned LEB128 number at the start of `bytes`, and what follows it.
fn leb(bytes: &[u8]) -> Result<(u64, &[u8]), Unpacked> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, &bytes[i + 1..]));
        }
    }
    Err(Unpacked::Malformed("a bad number"))
}

fn to_usize(len: u64) -> Result<usize, Unpacked> {
    usize::try_from(len).map_err(|_| Unpacked::Malformed("a length beyond memory"))
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    use super::*;

    /// A document with `n` notes of repeated text: it deflates well.
    fn document_with(n: usize) -> AutoCommit {
        let mut doc = AutoCommit::new();
        for i in 0..n {
            doc.put(ROOT, format!("note {i}"), "Verslag van de bijeenkomst. ".repeat(20)).unwrap();
            doc.commit();
        }
        doc
    }

    #[test]
    fn a_saved_document_is_counted_as_automerge_unpacks_it() {
        let mut doc = document_with(200);
        let saved = crate::save_checked(&mut doc);
        let plain = doc.save_with_options(automerge::SaveOptions { deflate: false, retain_orphans: false });
        let size = size(&saved, u64::MAX).unwrap();
        assert!(saved.len() < plain.len(), "the columns were deflated");
        // Unpacked, the document is about as large as saved without deflate (headers differ).
        let (size, plain) = (size as f64, plain.len() as f64);
        assert!((size - plain).abs() / plain < 0.05, "{size} against {plain}");
        assert_eq!(super::size(&saved, size as u64 - 1), Err(Unpacked::TooLarge { max: size as u64 - 1 }));
        // Changes (plain and compressed) count too.
        let changes: Vec<u8> = doc.get_changes(&[]).iter_mut().flat_map(|c| c.bytes().to_vec()).collect();
        assert!(super::size(&changes, u64::MAX).unwrap() as usize >= changes.len());
    }

    #[test]
    fn anything_else_is_malformed() {
        let saved = crate::save_checked(&mut document_with(3));
        for cut in [1, 8, 12, saved.len() / 2, saved.len() - 1] {
            assert!(matches!(size(&saved[..cut], u64::MAX), Err(Unpacked::Malformed(_))), "cut at {cut}");
        }
        assert!(matches!(size(b"PK\x03\x04", u64::MAX), Err(Unpacked::Malformed(_))));
    }
}
