//! Signed changes: every change is bound to the device that made it (its key is in the actor
//! id) and vouched for by that device's ed25519 signature.
//!
//! A change's hash covers its dependencies, so a signature on a device's newest change vouches
//! for all of that device's earlier ones below it. A batch of changes (a sync message, a join
//! answer, a bundle) therefore carries one signature per *device tip*: a change of a device that
//! no other change of the same device in the batch builds on. Automerge's sync sends every
//! change that builds on one the peer lacks, so within a batch every path between two of its
//! changes is in the batch too, and the tips are enough. The receiver counts a change as vouched
//! for when it is signed, or when a signed change of the same device builds on it among the
//! changes it received (applied now, or still waiting for earlier ones).

use std::collections::HashMap;

use automerge::{AutoCommit, Change, ChangeHash};
use iroh_base::{PublicKey, SecretKey, Signature};
use kring_model::trust::{Refusal, RuleBook, actor::key_bytes, device_of_actor};
use serde::{Deserialize, Serialize};

use crate::waiting::Waiting;

/// Domain separation: a Kring change signature can never be mistaken for another signature
/// made with the same device key.
const CONTEXT: &[u8] = b"kring change signature v1:";

/// One device's signature on one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    pub change: [u8; 32],
    /// 64 bytes (serde has no arrays that long).
    pub signature: Vec<u8>,
}

/// Why a batch of changes was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Distrust {
    #[error("change {change} by device {device} carries no valid signature of that device")]
    Unsigned { change: String, device: String },
    #[error("{0}")]
    Rules(#[from] Refusal),
}

/// What a sync message carried, as [`SignatureBook::hold_arrived`] found it. Its single
/// changes are held (see [`Waiting`]) until they can be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arrived {
    /// Single changes only.
    Changes,
    /// Whole documents (these chunks, for Automerge) besides any changes: check what they
    /// brought with [`changes_since`].
    WholeDocument(Vec<Vec<u8>>),
    /// More changes waiting than a network ever needs.
    TooMany,
    /// A piece that is neither a change nor a whole document, or a compressed change that
    /// inflates beyond the largest message (why).
    Unreadable(String),
    /// A whole document that declares more than a network can hold (bytes unpacked,
    /// operations, changes): refused from its column headers before Automerge loads it.
    TooLarge(kring_model::declared::Refused),
}

/// Signatures peers may send ahead of the changes they vouch for, per network.
const MAX_OFFERED: usize = 100_000;
/// Different signatures offered for one change (only a valid one is ever used).
const MAX_OFFERS_PER_CHANGE: usize = 4;

/// The signatures a laptop keeps so that it can pass on other devices' changes: every tip
/// signature it accepted. Its own changes it signs when it sends them. It also holds what
/// peers offered for changes that have not been applied yet: Automerge keeps a change whose
/// history is incomplete until the rest arrives, perhaps from another peer, so the signature
/// must wait with the network, not with the connection it came on.
#[derive(Debug, Default, Clone)]
pub struct SignatureBook {
    by_change: HashMap<ChangeHash, Vec<u8>>,
    /// Accepted since the last save.
    unsaved: Vec<Signed>,
    /// Offered by peers, not yet checked: candidates per change.
    offered: HashMap<ChangeHash, Vec<Vec<u8>>>,
    /// Changes peers sent that this laptop did not have, as they arrived, until they can be
    /// applied (some wait for earlier ones) and have been checked.
    waiting: Waiting,
}

impl SignatureBook {
    /// Reads what [`SignatureBook::encode`] wrote; damaged entries are skipped (a missing
    /// signature only means a whole document is sent once instead of a few changes).
    pub fn from_blobs<'a>(blobs: impl IntoIterator<Item = &'a [u8]>) -> SignatureBook {
        let mut book = SignatureBook::default();
        for blob in blobs {
            book.add(&SignatureBook::decode(blob));
        }
        book
    }

    /// The signatures [`SignatureBook::encode`] wrote; none if the bytes are not that.
    pub fn decode(bytes: &[u8]) -> Vec<Signed> {
        postcard::from_bytes(bytes).unwrap_or_default()
    }

    pub fn encode(entries: &[Signed]) -> Vec<u8> {
        postcard::to_stdvec(entries).expect("signatures always serialise")
    }

    pub fn add(&mut self, entries: &[Signed]) {
        for entry in entries {
            self.by_change.insert(ChangeHash(entry.change), entry.signature.clone());
        }
    }

    /// Takes signatures a peer sent with a batch, to check when their changes are applied.
    /// `false` (nothing taken) if that would hold more than a network ever needs.
    pub fn offer(&mut self, signatures: &[Signed]) -> bool {
        if self.offered.len() + signatures.len() > MAX_OFFERED {
            return false;
        }
        for signed in signatures.iter().filter(|s| s.signature.len() == 64) {
            let offers = self.offered.entry(ChangeHash(signed.change)).or_default();
            if offers.len() < MAX_OFFERS_PER_CHANGE && !offers.contains(&signed.signature) {
                offers.push(signed.signature.clone());
            }
        }
        true
    }

    /// Keeps the changes of a sync message that `doc` lacks, sent on connection `from`, until
    /// they can be applied and checked.
    pub fn hold_arrived<'a>(
        &mut self,
        doc: &mut AutoCommit,
        chunks: impl Iterator<Item = &'a [u8]>,
        from: u64,
    ) -> Arrived {
        let mut documents = Vec::new();
        for chunk in chunks.flat_map(split_chunks) {
            if is_whole_document(chunk) {
                use kring_model::declared::{Limits, Refused, count};
                match count(chunk, &Limits::NETWORK) {
                    Ok(_) => documents.push(chunk.to_vec()),
                    Err(Refused::Malformed(why)) => return Arrived::Unreadable(why.to_string()),
                    Err(too_much) => return Arrived::TooLarge(too_much),
                }
                continue;
            }
            if let Err(reason) = inflates_within(chunk, crate::frame::MAX_FRAME as u64) {
                return Arrived::Unreadable(reason);
            }
            let change = match Change::try_from(chunk) {
                Ok(change) => change,
                Err(err) => return Arrived::Unreadable(err.to_string()),
            };
            if doc.get_change_meta_by_hash(&change.hash()).is_none() {
                self.waiting.hold(change, chunk, from);
            }
        }
        if self.waiting.len() > MAX_OFFERED {
            Arrived::TooMany
        } else if documents.is_empty() {
            Arrived::Changes
        } else {
            Arrived::WholeDocument(documents)
        }
    }

    /// The changes held until applied.
    pub fn arrived(&self) -> impl Iterator<Item = &Change> {
        self.waiting.changes()
    }

    /// The changes held for want of earlier ones, and what they cost.
    pub fn waiting(&self) -> &Waiting {
        &self.waiting
    }

    pub(crate) fn waiting_mut(&mut self) -> &mut Waiting {
        &mut self.waiting
    }

    /// The held changes Automerge has applied now (the rest still wait for earlier ones).
    pub fn take_applied(&mut self, doc: &mut AutoCommit) -> Vec<Change> {
        self.waiting.take_applied(doc)
    }

    /// Signatures that came with accepted changes: kept, and saved with them.
    pub fn add_received(&mut self, entries: &[Signed]) {
        self.add(entries);
        self.unsaved.extend_from_slice(entries);
    }

    /// Takes over the signatures `other` accepted and has not saved (a checked bundle's).
    pub fn take_accepted(&mut self, other: &mut SignatureBook) {
        let accepted = std::mem::take(&mut other.unsaved);
        self.add_received(&accepted);
    }

    /// What to save with the next change-log record, if anything.
    pub fn take_unsaved(&mut self) -> Option<Vec<u8>> {
        if self.unsaved.is_empty() {
            return None;
        }
        Some(SignatureBook::encode(&std::mem::take(&mut self.unsaved)))
    }

    pub fn get(&self, change: &ChangeHash) -> Option<&Vec<u8>> {
        self.by_change.get(change)
    }

    pub fn len(&self) -> usize {
        self.by_change.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_change.is_empty()
    }
}

/// This device's signature on `change`.
pub fn sign(key: &SecretKey, change: &ChangeHash) -> Signed {
    let signature = key.sign(&message(change));
    Signed { change: change.0, signature: signature.to_bytes().to_vec() }
}

fn message(change: &ChangeHash) -> Vec<u8> {
    [CONTEXT, change.0.as_slice()].concat()
}

fn verifies(device: &str, change: &ChangeHash, signature: &[u8]) -> bool {
    let Some(key) = key_bytes(device).and_then(|k| PublicKey::from_bytes(&k).ok()) else { return false };
    let Ok(signature) = Signature::try_from(signature) else { return false };
    key.verify(&message(change), &signature).is_ok()
}

/// One change of a batch: what the signature check needs to know of it.
struct Node {
    hash: ChangeHash,
    device: Option<String>,
    deps: Vec<ChangeHash>,
}

fn batch_nodes(doc: &mut AutoCommit, changes: &[ChangeHash]) -> Vec<Node> {
    changes
        .iter()
        .filter_map(|hash| {
            let meta = doc.get_change_meta_by_hash(hash)?;
            Some(Node { hash: *hash, device: device_of_actor(&meta.actor), deps: meta.deps.clone() })
        })
        .collect()
}

fn change_node(change: &Change) -> Node {
    Node { hash: change.hash(), device: device_of_actor(change.actor_id()), deps: change.deps().to_vec() }
}

fn change_nodes(changes: &[Change]) -> Vec<Node> {
    changes.iter().map(change_node).collect()
}

/// Every change of `doc` not among the ancestors of `heads`, in one pass over the document:
/// what a whole document brought (joining, a bundle, a sync message that carried one).
pub fn changes_since(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Vec<Change> {
    doc.get_changes(heads)
}

/// For each change of a batch: whether a change of the same device that `counts` builds on it
/// within the batch. (Kahn's order over the batch's own edges, children before parents, with a
/// bit per device.)
fn same_device_above(nodes: &[Node], counts: impl Fn(usize) -> bool) -> Vec<bool> {
    let index: HashMap<ChangeHash, usize> = nodes.iter().enumerate().map(|(i, n)| (n.hash, i)).collect();
    let mut devices: HashMap<&str, usize> = HashMap::new();
    for node in nodes {
        if let Some(device) = &node.device {
            let next = devices.len();
            devices.entry(device.as_str()).or_insert(next);
        }
    }
    let bit_of = |i: usize| nodes[i].device.as_deref().map(|device| devices[device]);
    let words = devices.len().div_ceil(64).max(1);
    let mut above: Vec<Vec<u64>> = vec![vec![0; words]; nodes.len()];
    let mut children_left = vec![0usize; nodes.len()];
    for node in nodes {
        for dep in &node.deps {
            if let Some(&d) = index.get(dep) {
                children_left[d] += 1;
            }
        }
    }
    let mut ready: Vec<usize> = (0..nodes.len()).filter(|&i| children_left[i] == 0).collect();
    while let Some(i) = ready.pop() {
        let mut passed_down = above[i].clone();
        if let Some(bit) = bit_of(i).filter(|_| counts(i)) {
            passed_down[bit / 64] |= 1 << (bit % 64);
        }
        for dep in &nodes[i].deps {
            if let Some(&d) = index.get(dep) {
                for (w, word) in passed_down.iter().enumerate() {
                    above[d][w] |= word;
                }
                children_left[d] -= 1;
                if children_left[d] == 0 {
                    ready.push(d);
                }
            }
        }
    }
    (0..nodes.len()).map(|i| bit_of(i).is_some_and(|bit| above[i][bit / 64] & (1 << (bit % 64)) != 0)).collect()
}

/// The device tips of a batch (see the module's comment), as indices into `nodes`.
fn device_tips(nodes: &[Node]) -> Vec<usize> {
    let above = same_device_above(nodes, |_| true);
    (0..nodes.len()).filter(|&i| !above[i]).collect()
}

/// The signatures to send with `changes` (a batch going to a peer): this device signs its own
/// tips, the book gives the others'. `None` if the book lacks one; then send the whole document,
/// whose tips this laptop always holds.
pub fn sign_batch(
    doc: &mut AutoCommit,
    changes: &[ChangeHash],
    book: &SignatureBook,
    key: &SecretKey,
) -> Option<Vec<Signed>> {
    tip_signatures(doc, changes, book, key).collect()
}

/// [`sign_batch`], leaving out the tips the book lacks.
pub fn sign_what_can_be(
    doc: &mut AutoCommit,
    changes: &[ChangeHash],
    book: &SignatureBook,
    key: &SecretKey,
) -> Vec<Signed> {
    tip_signatures(doc, changes, book, key).flatten().collect()
}

/// For each device tip of `changes`: this device's own signature, or the one the book holds.
fn tip_signatures(
    doc: &mut AutoCommit,
    changes: &[ChangeHash],
    book: &SignatureBook,
    key: &SecretKey,
) -> impl Iterator<Item = Option<Signed>> {
    let own = key.public().to_string();
    let nodes = batch_nodes(doc, changes);
    let tips = device_tips(&nodes);
    tips.into_iter().map(move |i| {
        let node = &nodes[i];
        if node.device.as_deref() == Some(own.as_str()) {
            Some(sign(key, &node.hash))
        } else {
            book.get(&node.hash).map(|s| Signed { change: node.hash.0, signature: s.clone() })
        }
    })
}

/// Signatures on the device tips of the whole document, each made with its device's key from
/// `keys`: for generated networks and tests, where one program plays several devices. Tips of
/// devices without a key are left out.
pub fn sign_whole_as(doc: &mut AutoCommit, keys: &[SecretKey]) -> Vec<Signed> {
    let keys: HashMap<String, &SecretKey> = keys.iter().map(|key| (key.public().to_string(), key)).collect();
    let all = all_changes(doc);
    let nodes = batch_nodes(doc, &all);
    device_tips(&nodes)
        .into_iter()
        .filter_map(|i| {
            let key = keys.get(nodes[i].device.as_deref()?)?;
            Some(sign(key, &nodes[i].hash))
        })
        .collect()
}

/// The Automerge chunks one after another in `bytes` (Automerge's newer sync messages put all
/// changes in one piece): each is `magic (4) | checksum (4) | type (1) | length (LEB128) |
/// data`. What cannot be split is returned whole, for the caller's parser to refuse.
fn split_chunks(mut bytes: &[u8]) -> Vec<&[u8]> {
    let mut chunks = Vec::new();
    while !bytes.is_empty() {
        let Some(end) = chunk_len(bytes).filter(|&len| len <= bytes.len()) else {
            chunks.push(bytes);
            break;
        };
        chunks.push(&bytes[..end]);
        bytes = &bytes[end..];
    }
    chunks
}

/// The length of the chunk at the start of `bytes`, header included.
fn chunk_len(bytes: &[u8]) -> Option<usize> {
    let (data_len, header_len) = chunk_header(bytes)?;
    data_len.checked_add(header_len)
}

/// The length of the data of the chunk at the start of `bytes`, header excluded.
fn chunk_data_len(bytes: &[u8]) -> Option<usize> {
    chunk_header(bytes).map(|(data_len, _)| data_len)
}

/// The data length a chunk's header announces, and the header's own length.
fn chunk_header(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut len: u64 = 0;
    for (i, byte) in bytes.get(9..)?.iter().enumerate().take(10) {
        len |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((usize::try_from(len).ok()?, 9 + i + 1));
        }
    }
    None
}

/// Checks that a compressed change (chunk type 2) inflates to at most `max` bytes, counting
/// while inflating and keeping nothing: Automerge inflates a change whole, without a limit, and
/// a few kilobytes of deflate can ask for gigabytes.
fn inflates_within(chunk: &[u8], max: u64) -> Result<(), String> {
    use std::io::Read;
    if chunk.get(8) != Some(&2) {
        return Ok(());
    }
    let data = chunk_len(chunk)
        .zip(chunk_data_len(chunk))
        .and_then(|(len, data_len)| chunk.get(len - data_len..len))
        .ok_or("a compressed change cut short")?;
    let mut inflater = flate2::bufread::DeflateDecoder::new(data).take(max + 1);
    let inflated = std::io::copy(&mut inflater, &mut std::io::sink()).map_err(|err| err.to_string())?;
    if inflated > max {
        return Err(format!("a compressed change inflates to more than {max} bytes"));
    }
    Ok(())
}

/// Whether an Automerge chunk is a whole document (chunk type 0 after the 4-byte magic and the
/// 4-byte checksum) rather than a change.
pub fn is_whole_document(chunk: &[u8]) -> bool {
    const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
    chunk.starts_with(&MAGIC) && chunk.get(8) == Some(&0)
}

/// Every change of the document: what a whole-document batch holds.
pub fn all_changes(doc: &mut AutoCommit) -> Vec<ChangeHash> {
    doc.get_changes_meta(&[]).into_iter().map(|meta| meta.hash).collect()
}

/// Checks a batch that Automerge has just applied to `doc`: every device tip carries a valid
/// signature of its device (among those offered to `book`), and every change keeps the rules
/// as of its own history. On success the tips' signatures are kept in the book (and saved with
/// the changes); on failure the caller puts back the saved document.
pub fn verify_batch(
    doc: &AutoCommit,
    changes: &[Change],
    book: &mut SignatureBook,
    rules: &mut RuleBook,
    first_sync: bool,
) -> Result<(), Distrust> {
    // Changes still waiting for earlier ones belong to the batch too: a signature on one of
    // them vouches for what it builds on, applied now.
    let mut nodes = change_nodes(changes);
    let applied = nodes.len();
    nodes.extend(book.waiting.changes().map(change_node));
    let signatures: Vec<Option<&Vec<u8>>> = nodes
        .iter()
        .map(|node| {
            let device = node.device.as_deref()?;
            let offers = book.offered.get(&node.hash)?;
            offers.iter().find(|signature| verifies(device, &node.hash, signature))
        })
        .collect();
    let vouched_from_above = same_device_above(&nodes, |i| signatures[i].is_some());
    if let Some(i) = (0..applied).find(|&i| signatures[i].is_none() && !vouched_from_above[i]) {
        let device = nodes[i].device.clone().unwrap_or_default();
        return Err(Distrust::Unsigned { change: nodes[i].hash.to_string(), device });
    }
    rules.check(doc, changes, first_sync)?;
    let used: Vec<Signed> = (0..applied)
        .filter_map(|i| signatures[i].map(|s| Signed { change: nodes[i].hash.0, signature: s.clone() }))
        .collect();
    for node in &nodes[..applied] {
        book.offered.remove(&node.hash);
    }
    book.add_received(&used);
    Ok(())
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;

    use super::*;

    /// A document with a tip of another device whose signature this laptop does not hold (kept
    /// from before changes were signed): a batch of everything cannot be signed whole, but this
    /// laptop's own newest change still goes signed. (Before, nothing was signed then, and the
    /// peer refused this laptop's own change as unsigned.)
    #[test]
    fn what_can_be_signed_is_signed_when_another_devices_tip_has_no_signature() {
        let (own, other) = (SecretKey::from_bytes(&[1; 32]), SecretKey::from_bytes(&[2; 32]));
        let mut doc = AutoCommit::new().with_actor(kring_model::trust::actor_for_device(&other.public().to_string()));
        doc.put(automerge::ROOT, "from before", 1).unwrap();
        doc.commit();
        doc.set_actor(kring_model::trust::actor_for_device(&own.public().to_string()));
        doc.put(automerge::ROOT, "mine", 2).unwrap();
        doc.commit();
        let all = all_changes(&mut doc);
        let book = SignatureBook::default();
        assert_eq!(sign_batch(&mut doc, &all, &book, &own), None);
        let signed = sign_what_can_be(&mut doc, &all, &book, &own);
        let mine = doc.get_last_local_change().unwrap().hash();
        assert_eq!(signed.iter().map(|s| s.change).collect::<Vec<_>>(), vec![mine.0]);
    }

    #[test]
    fn changes_sent_in_one_piece_are_split_and_a_document_is_told_apart() {
        let mut doc = AutoCommit::new();
        doc.put(automerge::ROOT, "a", 1).unwrap();
        doc.commit();
        doc.put(automerge::ROOT, "b", 2).unwrap();
        doc.commit();
        let changes = doc.get_changes(&[]);
        let joined: Vec<u8> = changes.iter().flat_map(|c| c.raw_bytes().to_vec()).collect();
        let split: Vec<ChangeHash> =
            split_chunks(&joined).into_iter().map(|chunk| Change::try_from(chunk).unwrap().hash()).collect();
        assert_eq!(split, changes.iter().map(Change::hash).collect::<Vec<_>>());
        assert!(!is_whole_document(&joined));
        assert!(is_whole_document(&doc.save()));
        // A cut piece is handed on whole, for the change parser to refuse.
        assert_eq!(split_chunks(&joined[..joined.len() - 1]).len(), 2);
        assert!(Change::try_from(split_chunks(&joined[..joined.len() - 1])[1]).is_err());
    }

    #[test]
    fn a_whole_document_that_declares_ten_million_operations_is_refused_unloaded() {
        // A document chunk with one actor whose op column is one run of ten million rows: a
        // count of 10,000,000 (signed LEB128) and the actor index 0.
        let column = [0x80, 0xad, 0xe2, 0x04, 0x00];
        let mut data = vec![1, 16];
        data.extend_from_slice(&[7; 16]);
        data.extend_from_slice(&[0, 0, 1, 2 << 4 | 1, column.len() as u8]);
        data.extend_from_slice(&column);
        let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 0, data.len() as u8];
        chunk.extend_from_slice(&data);
        assert!(is_whole_document(&chunk));
        let mut doc = AutoCommit::new();
        let arrived = SignatureBook::default().hold_arrived(&mut doc, std::iter::once(chunk.as_slice()), 1);
        let max = kring_model::declared::Limits::NETWORK.ops;
        assert_eq!(arrived, Arrived::TooLarge(kring_model::declared::Refused::TooManyOperations { max }));
    }
}
