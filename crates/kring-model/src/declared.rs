//! What a saved Automerge document declares — its bytes once unpacked, its operations and its
//! changes — counted from its columns' run headers before Automerge loads it.
//!
//! Automerge stores a document as columns, run-length encoded and perhaps deflated. A run header
//! of a few bytes can declare millions of rows, and Automerge makes room per row (per operation,
//! and per operation a change claims) when it loads: a crafted document of a few KB can ask for
//! gigabytes. Here each column is walked run by run, deflated columns inflated into a small
//! buffer, and nothing is kept per row: the work is linear in the bytes, the memory constant
//! (one number per change, once the changes are counted and within their limit).
//!
//! Format (as automerge 0.12 writes and reads it): a chunk is `magic (4) | checksum (4) | type
//! (1) | length (LEB128) | data`. A document's data holds its actors, heads, the specification
//! and length of each change column and each op column, then their data. A column's
//! specification is `id << 4 | deflated (8) | type`; its rows are run-length encoded (a signed
//! count: `n > 0` repeats one value `n` times, `n < 0` is `-n` literal values, `0` is a run of
//! nulls whose count follows), boolean columns are alternating counts of `false` and `true`,
//! value columns are raw bytes whose lengths another column gives.

use std::io::{BufRead, BufReader, Read};

/// Automerge's chunk magic.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// A column specification's deflate bit.
const DEFLATE: u64 = 0b1000;
/// The change column holding each change's largest operation counter (delta encoded).
const MAX_OP: u64 = 1 << 4 | 3;
/// The change columns holding each change's dependencies: their number (a group) and the
/// index of each (delta encoded).
const DEPS_COUNT: u64 = 4 << 4;
const DEPS: u64 = 4 << 4 | 3;
/// Dependencies per change on average at most (the busy network has 1.8: 14,771 for 8,337
/// changes).
const MAX_DEPS_PER_CHANGE: u64 = 8;
/// The most columns a change chunk may declare (Automerge writes fewer than 20).
const MAX_CHANGE_COLUMNS: usize = 64;

/// What a document may declare at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes once its deflated columns are inflated.
    pub bytes: u64,
    /// Operations: the rows of its op columns, and the operations its changes claim.
    pub ops: u64,
    /// Changes: the rows of its change columns.
    pub changes: u64,
}

impl Limits {
    /// What one Kring network may hold: 256 MiB unpacked (four times the largest saved
    /// network, 64 MiB), 8 million operations and a million changes. The busy network of the
    /// figures (`kring-bench`: 150 members, 3 years) holds 987,207 operations in 8,337 changes,
    /// and its "4x" scenario (12 years) about 4 million: the limit is twice that.
    pub const NETWORK: Limits = Limits { bytes: 256 * 1024 * 1024, ops: 8_000_000, changes: 1_000_000 };
}

/// What a document declares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Declared {
    /// Bytes once unpacked.
    pub bytes: u64,
    /// Operations: the most rows of any op column (or the successors they point at), and at
    /// least the operations the changes claim.
    pub ops: u64,
    pub changes: u64,
}

/// Why a document is refused before Automerge loads it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("it unpacks to more than {max} bytes")]
    TooLarge { max: u64 },
    #[error("it declares more than {max} operations")]
    TooManyOperations { max: u64 },
    #[error("it declares more than {max} changes")]
    TooManyChanges { max: u64 },
    #[error("its document cannot be read ({0})")]
    Malformed(&'static str),
}

/// What the Automerge chunks in `bytes` (a whole document, perhaps followed by changes)
/// declare, if within `limits`.
pub fn count(mut bytes: &[u8], limits: &Limits) -> Result<Declared, Refused> {
    let mut total = Declared::default();
    while !bytes.is_empty() {
        let rest = bytes.strip_prefix(&MAGIC).ok_or(Refused::Malformed("not an Automerge chunk"))?;
        let (kind, rest) = rest.get(4..).and_then(|r| r.split_first()).ok_or(Refused::Malformed("cut short"))?;
        let (len, rest) = leb(rest)?;
        let data = rest.get(..to_usize(len)?).ok_or(Refused::Malformed("cut short"))?;
        let left = Limits { bytes: limits.bytes.saturating_sub(total.bytes), ..*limits };
        let this = match kind {
            0 => document(data, &left),
            1 => change(&mut { data }, data.len() as u64, &left),
            2 => {
                let mut inflated = Inflated::new(data, left.bytes);
                let declared = change(&mut inflated.reader, u64::MAX, &left).map_err(|err| inflated.blame(err))?;
                Ok(Declared { bytes: inflated.finish()?, ..declared })
            }
            _ => Err(Refused::Malformed("an unknown kind of chunk")),
        };
        let this = this.map_err(|err| match err {
            Refused::TooLarge { .. } => Refused::TooLarge { max: limits.bytes },
            other => other,
        })?;
        total.bytes += this.bytes;
        total.ops = total.ops.saturating_add(this.ops);
        total.changes = total.changes.saturating_add(this.changes);
        within(&total, limits)?;
        bytes = &rest[data.len()..];
    }
    Ok(total)
}

fn within(declared: &Declared, limits: &Limits) -> Result<(), Refused> {
    if declared.bytes > limits.bytes {
        Err(Refused::TooLarge { max: limits.bytes })
    } else if declared.ops > limits.ops {
        Err(Refused::TooManyOperations { max: limits.ops })
    } else if declared.changes > limits.changes {
        Err(Refused::TooManyChanges { max: limits.changes })
    } else {
        Ok(())
    }
}

/// A document chunk's data: actors, heads, the change and op columns (some deflated).
fn document(data: &[u8], limits: &Limits) -> Result<Declared, Refused> {
    let (actors, mut rest) = leb(data)?;
    for _ in 0..actors {
        let (len, after) = leb(rest)?;
        rest = after.get(to_usize(len)?..).ok_or(Refused::Malformed("cut short"))?;
    }
    let (heads, after) = leb(rest)?;
    rest = to_usize(heads)?.checked_mul(32).and_then(|len| after.get(len..)).ok_or(Refused::Malformed("cut short"))?;
    // The column specifications: each takes at least two bytes, so there are few.
    let mut specs = [Vec::new(), Vec::new()];
    for set in &mut specs {
        let (count, after) = leb(rest)?;
        rest = after;
        for _ in 0..count {
            let (spec, after) = leb(rest)?;
            let (len, after) = leb(after)?;
            rest = after;
            set.push((spec, to_usize(len)?));
        }
    }
    let [change_specs, op_specs] = specs;
    let mut declared = Declared { bytes: (data.len() - rest.len()) as u64, ..Declared::default() };
    let mut change_columns = Vec::with_capacity(change_specs.len());
    for (i, (spec, len)) in change_specs.into_iter().chain(op_specs).enumerate() {
        let column = rest.get(..len).ok_or(Refused::Malformed("cut short"))?;
        rest = &rest[len..];
        let left = limits.bytes.saturating_sub(declared.bytes);
        let (walked, bytes) = walk_column(spec, column, left)?;
        declared.bytes += bytes;
        if i < change_columns.capacity() {
            if spec >> 4 == DEPS >> 4 {
                // One row per dependency (a change has a few): as many as the changes allow.
                if walked.rows > limits.changes.saturating_mul(MAX_DEPS_PER_CHANGE) {
                    return Err(Refused::TooManyChanges { max: limits.changes });
                }
            } else {
                declared.changes = declared.changes.max(walked.rows);
            }
            change_columns.push((spec, column));
        } else {
            declared.ops = declared.ops.max(walked.rows).max(walked.sum);
        }
        within(&declared, limits)?;
    }
    declared.bytes += rest.len() as u64;
    within(&declared, limits)?;
    // The operations the changes claim, which Automerge makes room for before it reads one.
    let claimed = claimed_ops(&change_columns, declared.changes, limits)?;
    declared.ops = declared.ops.max(claimed);
    within(&declared, limits)?;
    Ok(declared)
}

/// A change chunk's data (after inflating, if it was compressed): the change's header, then
/// its op columns. `len` is its length if known, to check the header against.
fn change(data: &mut impl BufRead, len: u64, limits: &Limits) -> Result<Declared, Refused> {
    let mut header = 0u64;
    let number = |data: &mut dyn BufRead, header: &mut u64| -> Result<u64, Refused> {
        let (value, bytes) = uleb(&mut { data })?.ok_or(Refused::Malformed("cut short"))?;
        *header += bytes;
        Ok(value)
    };
    let bytes = |data: &mut dyn BufRead, header: &mut u64, n: u64| -> Result<(), Refused> {
        if skip(&mut { data }, n)? != n {
            return Err(Refused::Malformed("cut short"));
        }
        *header += n;
        Ok(())
    };
    let deps = number(data, &mut header)?;
    bytes(data, &mut header, deps.saturating_mul(32))?;
    let actor = number(data, &mut header)?;
    bytes(data, &mut header, actor)?;
    let _seq = number(data, &mut header)?;
    let _start_op = number(data, &mut header)?;
    let _time = number(data, &mut header)?;
    let message = number(data, &mut header)?;
    bytes(data, &mut header, message)?;
    let others = number(data, &mut header)?;
    for _ in 0..others {
        let len = number(data, &mut header)?;
        bytes(data, &mut header, len)?;
    }
    let columns = number(data, &mut header)?;
    if columns > MAX_CHANGE_COLUMNS as u64 {
        return Err(Refused::Malformed("too many columns"));
    }
    let mut specs = [(0u64, 0u64); MAX_CHANGE_COLUMNS];
    for spec in specs.iter_mut().take(columns as usize) {
        *spec = (number(data, &mut header)?, number(data, &mut header)?);
    }
    if header > len {
        return Err(Refused::Malformed("cut short"));
    }
    // A change's operations are the rows of its op columns.
    let mut declared = Declared { bytes: header, changes: 1, ops: 0 };
    for &(spec, column_len) in &specs[..columns as usize] {
        let mut column = data.take(column_len);
        let walked = walk(spec & !DEFLATE, &mut column)?;
        if column.limit() != 0 {
            return Err(Refused::Malformed("cut short"));
        }
        declared.bytes = declared.bytes.saturating_add(column_len);
        declared.ops = declared.ops.max(walked.rows).max(walked.sum);
        within(&declared, limits)?;
    }
    // What follows (extra bytes) counts by its size only.
    declared.bytes = declared.bytes.saturating_add(skip(data, u64::MAX)?);
    within(&declared, limits)?;
    Ok(declared)
}

/// A deflated stream, inflated through a small buffer and cut off a byte past `max`.
struct Inflated<'a> {
    reader: BufReader<std::io::Take<flate2::bufread::DeflateDecoder<&'a [u8]>>>,
    max: u64,
}

impl<'a> Inflated<'a> {
    fn new(deflated: &'a [u8], max: u64) -> Inflated<'a> {
        let take = flate2::bufread::DeflateDecoder::new(deflated).take(max.saturating_add(1));
        Inflated { reader: BufReader::with_capacity(8 * 1024, take), max }
    }

    /// Reads what is left and returns how many bytes the stream inflated to, if at most `max`.
    fn finish(mut self) -> Result<u64, Refused> {
        std::io::copy(&mut self.reader, &mut std::io::sink()).map_err(|_| Refused::Malformed("bad deflate"))?;
        let inflated = self.max.saturating_add(1) - self.reader.get_ref().limit();
        if inflated > self.max { Err(Refused::TooLarge { max: self.max }) } else { Ok(inflated) }
    }

    /// A stream that ended early because it passed `max` is too large, not cut short.
    fn blame(&self, err: Refused) -> Refused {
        if self.reader.get_ref().limit() == 0 { Refused::TooLarge { max: self.max } } else { err }
    }
}

/// Walks one column of a document (`column`, deflated if its specification says so): its
/// rows, and the bytes it unpacks to (at most `max`).
fn walk_column(spec: u64, column: &[u8], max: u64) -> Result<(Walked, u64), Refused> {
    if spec & DEFLATE == 0 {
        let walked = walk(spec, &mut { column })?;
        return Ok((walked, column.len() as u64));
    }
    let mut inflated = Inflated::new(column, max);
    let walked = walk(spec & !DEFLATE, &mut inflated.reader).map_err(|err| inflated.blame(err))?;
    Ok((walked, inflated.finish()?))
}

/// What walking a column found: its rows, and for a group column (type 0) the sum of its
/// values (the rows of the columns it groups).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Walked {
    rows: u64,
    sum: u64,
}

/// The kinds of values in run-length encoded columns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Value {
    Unsigned,
    Signed,
    Text,
}

/// Walks a column of type `spec & 7` to its end, run header by run header.
fn walk(spec: u64, data: &mut impl BufRead) -> Result<Walked, Refused> {
    let value = match spec & 7 {
        0..=2 | 6 => Value::Unsigned,
        3 => Value::Signed,
        5 => Value::Text,
        4 => return booleans(data),
        _ => {
            // Raw values: their lengths are in another column.
            skip(data, u64::MAX)?;
            return Ok(Walked::default());
        }
    };
    let group = spec & 7 == 0;
    let mut walked = Walked::default();
    while let Some((count, _)) = sleb(data)? {
        match count {
            0 => {
                let (nulls, _) = uleb(data)?.ok_or(Refused::Malformed("cut short"))?;
                walked.rows = walked.rows.saturating_add(nulls);
            }
            n if n > 0 => {
                let repeated = read_value(data, value)?;
                walked.rows = walked.rows.saturating_add(n as u64);
                if group {
                    walked.sum = walked.sum.saturating_add(repeated.saturating_mul(n as u64));
                }
            }
            n => {
                for _ in 0..n.unsigned_abs() {
                    let value = read_value(data, value)?;
                    if group {
                        walked.sum = walked.sum.saturating_add(value);
                    }
                }
                walked.rows = walked.rows.saturating_add(n.unsigned_abs());
            }
        }
    }
    Ok(walked)
}

/// Alternating counts of `false` and `true`.
fn booleans(data: &mut impl BufRead) -> Result<Walked, Refused> {
    let mut walked = Walked::default();
    while let Some((count, _)) = uleb(data)? {
        walked.rows = walked.rows.saturating_add(count);
    }
    Ok(walked)
}

/// One value of a run: an unsigned number (returned), a signed one, or a string (skipped).
fn read_value(data: &mut impl BufRead, value: Value) -> Result<u64, Refused> {
    let cut = Refused::Malformed("cut short");
    match value {
        Value::Unsigned => Ok(uleb(data)?.ok_or(cut)?.0),
        Value::Signed => sleb(data)?.ok_or(cut).map(|_| 0),
        Value::Text => {
            let (len, _) = uleb(data)?.ok_or(cut.clone())?;
            if skip(data, len)? != len { Err(cut) } else { Ok(0) }
        }
    }
}

/// The operations the changes of a document claim: for each change, from the largest op
/// counter of the changes it depends on to its own (Automerge makes room for that many before
/// it reads the operations). One number per change is kept, and `changes` is within its limit.
fn claimed_ops(columns: &[(u64, &[u8])], changes: u64, limits: &Limits) -> Result<u64, Refused> {
    let find = |wanted: u64| columns.iter().find(|(spec, _)| spec & !DEFLATE == wanted).copied();
    let Some(max_op) = find(MAX_OP) else { return Ok(0) };
    let mut max_ops = Vec::with_capacity(to_usize(changes)?);
    let mut counter = 0i64;
    for delta in values(max_op, limits.bytes, changes)? {
        counter = counter.checked_add(delta?.unwrap_or(0)).ok_or(Refused::Malformed("a bad op counter"))?;
        max_ops.push(u64::try_from(counter).map_err(|_| Refused::Malformed("a bad op counter"))?);
    }
    let counts = match find(DEPS_COUNT) {
        Some(column) => Some(values(column, limits.bytes, changes)?),
        None => None,
    };
    let mut deps = match find(DEPS) {
        Some(column) => Some(values(column, limits.bytes, u64::MAX)?),
        None => None,
    };
    let mut claimed = 0u64;
    let mut dep = 0i64;
    let mut counts = counts.into_iter().flatten();
    for &max_op in &max_ops {
        let count = counts.next().transpose()?.flatten().unwrap_or(0);
        let mut before = 0u64;
        for _ in 0..count {
            let delta = deps.as_mut().and_then(Iterator::next).transpose()?.flatten();
            dep = dep.checked_add(delta.ok_or(Refused::Malformed("a missing dependency"))?).unwrap_or(-1);
            let index = usize::try_from(dep).map_err(|_| Refused::Malformed("a bad dependency"))?;
            before = before.max(*max_ops.get(index).ok_or(Refused::Malformed("a bad dependency"))?);
        }
        claimed = claimed.saturating_add(max_op.saturating_sub(before));
        if claimed > limits.ops {
            return Err(Refused::TooManyOperations { max: limits.ops });
        }
    }
    Ok(claimed)
}

/// The values of a run-length encoded column of numbers, row by row (at most `rows`): `None`
/// for a null. Signed for delta columns, unsigned otherwise.
fn values(
    (spec, column): (u64, &[u8]),
    max: u64,
    rows: u64,
) -> Result<impl Iterator<Item = Result<Option<i64>, Refused>>, Refused> {
    let reader: Box<dyn BufRead + '_> =
        if spec & DEFLATE == 0 { Box::new(column) } else { Box::new(Inflated::new(column, max).reader) };
    let signed = spec & 7 == 3;
    let mut state = Values { reader, signed, run: Run::Between, left: rows };
    Ok(std::iter::from_fn(move || state.next()))
}

enum Run {
    Between,
    Repeat(u64, Option<i64>),
    Literal(u64),
}

struct Values<R> {
    reader: R,
    signed: bool,
    run: Run,
    left: u64,
}

impl<R: BufRead> Values<R> {
    fn next(&mut self) -> Option<Result<Option<i64>, Refused>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        Some(self.step())
    }

    fn number(&mut self) -> Result<i64, Refused> {
        let cut = Refused::Malformed("cut short");
        if self.signed {
            Ok(sleb(&mut self.reader)?.ok_or(cut)?.0)
        } else {
            i64::try_from(uleb(&mut self.reader)?.ok_or(cut)?.0).map_err(|_| Refused::Malformed("a bad number"))
        }
    }

    fn step(&mut self) -> Result<Option<i64>, Refused> {
        loop {
            match self.run {
                Run::Repeat(ref mut left @ 1.., value) => {
                    *left -= 1;
                    return Ok(value);
                }
                Run::Literal(ref mut left @ 1..) => {
                    *left -= 1;
                    return self.number().map(Some);
                }
                _ => {
                    let Some((count, _)) = sleb(&mut self.reader)? else {
                        return Err(Refused::Malformed("a column shorter than the changes"));
                    };
                    self.run = match count {
                        0 => Run::Repeat(uleb(&mut self.reader)?.ok_or(Refused::Malformed("cut short"))?.0, None),
                        n if n > 0 => Run::Repeat(n as u64, Some(self.number()?)),
                        n => Run::Literal(n.unsigned_abs()),
                    };
                }
            }
        }
    }
}

/// The next byte, or `None` at the end.
fn byte(data: &mut impl BufRead) -> Result<Option<u8>, Refused> {
    let buf = data.fill_buf().map_err(|_| Refused::Malformed("bad deflate"))?;
    let Some(&first) = buf.first() else { return Ok(None) };
    data.consume(1);
    Ok(Some(first))
}

/// An unsigned LEB128 number and its length in bytes, or `None` at the end.
fn uleb(data: &mut impl BufRead) -> Result<Option<(u64, u64)>, Refused> {
    let mut value = 0u64;
    for i in 0..10 {
        let Some(b) = byte(data)? else {
            return if i == 0 { Ok(None) } else { Err(Refused::Malformed("cut short")) };
        };
        value |= u64::from(b & 0x7f).checked_shl(7 * i).unwrap_or(0);
        if b & 0x80 == 0 {
            return Ok(Some((value, u64::from(i) + 1)));
        }
    }
    Err(Refused::Malformed("a bad number"))
}

/// A signed LEB128 number and its length in bytes, or `None` at the end.
fn sleb(data: &mut impl BufRead) -> Result<Option<(i64, u64)>, Refused> {
    let mut value = 0i64;
    for i in 0..10u32 {
        let Some(b) = byte(data)? else {
            return if i == 0 { Ok(None) } else { Err(Refused::Malformed("cut short")) };
        };
        value |= i64::from(b & 0x7f).checked_shl(7 * i).unwrap_or(0);
        if b & 0x80 == 0 {
            if b & 0x40 != 0 && 7 * (i + 1) < 64 {
                value |= -1i64 << (7 * (i + 1));
            }
            return Ok(Some((value, u64::from(i) + 1)));
        }
    }
    Err(Refused::Malformed("a bad number"))
}

/// Skips `n` bytes (or to the end): how many were skipped.
fn skip(data: &mut impl BufRead, n: u64) -> Result<u64, Refused> {
    std::io::copy(&mut data.take(n), &mut std::io::sink()).map_err(|_| Refused::Malformed("bad deflate"))
}

/// An unsigned LEB128 number at the start of `bytes`, and what follows it.
fn leb(bytes: &[u8]) -> Result<(u64, &[u8]), Refused> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f).checked_shl(7 * i as u32).unwrap_or(0);
        if byte & 0x80 == 0 {
            return Ok((value, &bytes[i + 1..]));
        }
    }
    Err(Refused::Malformed("a bad number"))
}

fn to_usize(len: u64) -> Result<usize, Refused> {
    usize::try_from(len).map_err(|_| Refused::Malformed("a length beyond memory"))
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};

    use super::*;

    const UNLIMITED: Limits = Limits { bytes: u64::MAX, ops: u64::MAX, changes: u64::MAX };

    fn push_leb(out: &mut Vec<u8>, mut n: u64) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    fn push_sleb(out: &mut Vec<u8>, mut n: i64) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if (n == 0 && byte & 0x40 == 0) || (n == -1 && byte & 0x40 != 0) {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    /// A document chunk with one actor, no heads, and these columns (`spec`, data).
    fn document_chunk(changes: &[(u64, Vec<u8>)], ops: &[(u64, Vec<u8>)]) -> Vec<u8> {
        let mut data = vec![1, 16];
        data.extend_from_slice(&[7; 16]);
        data.push(0);
        for set in [changes, ops] {
            push_leb(&mut data, set.len() as u64);
            for (spec, column) in set {
                push_leb(&mut data, *spec);
                push_leb(&mut data, column.len() as u64);
            }
        }
        for (_, column) in changes.iter().chain(ops) {
            data.extend_from_slice(column);
        }
        let mut chunk = MAGIC.to_vec();
        chunk.extend_from_slice(&[0, 0, 0, 0, 0]);
        push_leb(&mut chunk, data.len() as u64);
        chunk.extend_from_slice(&data);
        chunk
    }

    /// A column that repeats `value` `rows` times: a few bytes.
    fn repeated(rows: i64, value: Vec<u8>) -> Vec<u8> {
        let mut column = Vec::new();
        push_sleb(&mut column, rows);
        column.extend_from_slice(&value);
        column
    }

    /// A document with notes typed and partly deleted, a list and a map, in `n` changes.
    fn honest(n: usize) -> AutoCommit {
        let mut doc = AutoCommit::new();
        let text = doc.put_object(ROOT, "notes", ObjType::Text).unwrap();
        let list = doc.put_object(ROOT, "votes", ObjType::List).unwrap();
        doc.commit();
        for i in 0..n {
            doc.splice_text(&text, 0, 0, "Verslag van de bijeenkomst; ").unwrap();
            doc.splice_text(&text, 3, 4, "").unwrap();
            doc.insert(&list, 0, i as i64).unwrap();
            doc.put(ROOT, format!("key {}", i % 7), "waarde").unwrap();
            doc.commit();
        }
        doc
    }

    #[test]
    fn an_honest_document_declares_what_automerge_finds_in_it() {
        let mut doc = honest(300);
        let stats = doc.stats();
        for saved in [doc.save(), doc.save_nocompress()] {
            let declared = count(&saved, &UNLIMITED).unwrap();
            assert_eq!(declared.changes, stats.num_changes);
            // The op columns hold the operations Automerge keeps; the changes also claim the
            // deletions, which it keeps as successors only.
            assert!(declared.ops >= stats.num_ops, "{declared:?} against {stats:?}");
            assert!(declared.ops <= 2 * stats.num_ops, "{declared:?} against {stats:?}");
            let exact = Limits { bytes: declared.bytes, ops: declared.ops, changes: declared.changes };
            assert_eq!(count(&saved, &exact), Ok(declared));
            let fewer = Limits { ops: declared.ops - 1, ..exact };
            assert_eq!(count(&saved, &fewer), Err(Refused::TooManyOperations { max: declared.ops - 1 }));
            let fewer = Limits { changes: declared.changes - 1, ..exact };
            assert!(matches!(count(&saved, &fewer), Err(Refused::TooManyChanges { .. })));
        }
        // Changes after the document, plain and compressed, count too.
        let mut more = doc.save();
        let heads = doc.get_heads();
        let notes = doc.get(ROOT, "notes").unwrap().unwrap().1;
        doc.splice_text(&notes, 0, 0, &"nog meer tekst ".repeat(100)).unwrap();
        doc.commit();
        let changes = doc.get_changes(&heads);
        let before = count(&more, &UNLIMITED).unwrap();
        more.extend_from_slice(changes[0].raw_bytes());
        let after = count(&more, &UNLIMITED).unwrap();
        assert_eq!(after.changes, before.changes + 1);
        assert!(after.ops >= before.ops + 1500, "{after:?}");
        assert!(AutoCommit::load(&more).is_ok());
    }

    #[test]
    fn ten_million_operations_in_a_few_bytes_are_refused_unread() {
        // Ten million operations by actor 0, action "set", in run headers of a few bytes.
        let ops = [(2 << 4 | 1, repeated(10_000_000, vec![0])), (4 << 4 | 2, repeated(10_000_000, vec![1]))];
        let changes = [(1 << 4 | 3, repeated(1, vec![1])), (1 << 4 | 3, repeated(1, vec![1]))];
        let crafted = document_chunk(&changes[..1], &ops);
        assert!(crafted.len() < 100, "{} bytes", crafted.len());
        let refused = count(&crafted, &Limits::NETWORK);
        assert_eq!(refused, Err(Refused::TooManyOperations { max: Limits::NETWORK.ops }));

        // The same, deflated: the run headers are inflated, never the rows.
        let deflate = |column: &[u8]| {
            let mut out = Vec::new();
            flate2::read::DeflateEncoder::new(column, flate2::Compression::best()).read_to_end(&mut out).unwrap();
            out
        };
        let deflated: Vec<(u64, Vec<u8>)> = ops.iter().map(|(spec, col)| (spec | DEFLATE, deflate(col))).collect();
        let refused = count(&document_chunk(&changes[..1], &deflated), &Limits::NETWORK);
        assert_eq!(refused, Err(Refused::TooManyOperations { max: Limits::NETWORK.ops }));

        // A successor group that points at ten million successors.
        let succ = [(
            8 << 4,
            repeated(1, {
                let mut v = Vec::new();
                push_leb(&mut v, 10_000_000);
                v
            }),
        )];
        let refused = count(&document_chunk(&[], &succ), &Limits::NETWORK);
        assert_eq!(refused, Err(Refused::TooManyOperations { max: Limits::NETWORK.ops }));
    }

    #[test]
    fn a_change_that_claims_ten_million_operations_is_refused() {
        // One change, no dependencies, whose op counter reaches ten million: Automerge makes
        // room for ten million operations before it finds none.
        let mut max_op = Vec::new();
        push_sleb(&mut max_op, 10_000_000);
        let changes = [(1, repeated(1, vec![0])), (MAX_OP, repeated(1, max_op))];
        let refused = count(&document_chunk(&changes, &[]), &Limits::NETWORK);
        assert_eq!(refused, Err(Refused::TooManyOperations { max: Limits::NETWORK.ops }));

        // A million changes each claiming the next ten operations past their dependency.
        let changes = [(1, repeated(1_000_001, vec![0]))];
        let refused = count(&document_chunk(&changes, &[]), &Limits::NETWORK);
        assert_eq!(refused, Err(Refused::TooManyChanges { max: Limits::NETWORK.changes }));
    }

    #[test]
    fn anything_else_is_malformed() {
        let saved = honest(3).save();
        for cut in [1, 8, 12, saved.len() / 2, saved.len() - 1] {
            assert!(matches!(count(&saved[..cut], &UNLIMITED), Err(Refused::Malformed(_))), "cut at {cut}");
        }
        assert!(matches!(count(b"PK\x03\x04", &UNLIMITED), Err(Refused::Malformed(_))));
        // A dependency on a change that is not there.
        let mut deps = Vec::new();
        push_sleb(&mut deps, 5);
        let changes = [(MAX_OP, repeated(1, vec![3])), (DEPS_COUNT, repeated(1, vec![1])), (DEPS, repeated(1, deps))];
        assert_eq!(count(&document_chunk(&changes, &[]), &UNLIMITED), Err(Refused::Malformed("a bad dependency")));
    }
}
