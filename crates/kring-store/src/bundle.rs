//! A network in one file, for a USB stick when laptops have no network at all.
//!
//! The file is `KRB3 | age file`: an [age](https://age-encryption.org/v1) file (authenticated
//! encryption) made for the ed25519 device keys of the network's current members (as
//! `ssh-ed25519` recipients), or — for the rare laptop that is not a member yet — for a
//! passphrase (`scrypt`). Only those laptops, or whoever knows the passphrase, can read it; a
//! changed byte anywhere makes the whole file unreadable. Inside is the bundle itself:
//! `KRB2 | id length (u8) | network id | signatures frame | snapshot frame` (frames as in
//! [`crate::snapshot_file`]; the signatures are opaque here, the sync layer reads them).
//!
//! A bundle may carry the bytes of the network's attachments after the snapshot, inside the
//! same encryption: `KRA1 | count (u32 LE) | count x (BLAKE3 hash (32 bytes) | length (u64 LE) |
//! bytes)` ([`write_with_files`], [`open_with_files`]). A bundle without them is exactly what
//! Kring wrote before, and reads as before.
//!
//! An unlocked bundle is never written: [`write`] is the only way to make one. What the age
//! header shows to anyone holding the file: how many devices may read it and a 4-byte tag of
//! each device key (or that a passphrase locks it). Nothing of the network, not even its id.

mod device_identity;

use std::io::{BufRead, BufReader, Read, Write};

use age::secrecy::SecretString;
use iroh_base::{PublicKey, SecretKey};
use kring_model::declared::{self, Declared, Limits, Refused};

use crate::data_dir::is_valid_network_id;
use crate::snapshot_file;

/// The start of a bundle file: locked, with an age file after it.
pub const MAGIC: [u8; 4] = *b"KRB3";
/// The start of what a bundle holds once opened (and of the unlocked bundles of older Krings).
const INNER_MAGIC: [u8; 4] = *b"KRB2";
/// The start of the attachments' bytes a bundle carries, after its snapshot.
const FILES_MAGIC: [u8; 4] = *b"KRA1";
/// The most files one bundle carries.
pub const MAX_FILES: u32 = 100_000;
/// Bundles written before changes were signed: recognised, so that the answer is clear.
const UNSIGNED_MAGIC: [u8; 4] = *b"KRB1";
/// The most a bundle's document may hold: as much as the first sync of a network carries in
/// one message (`kring_sync::MAX_FRAME`, a whole compressed document).
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;
/// The most a bundle's signatures may take: 96 bytes each, for a million changes.
pub const MAX_SIGNATURES_BYTES: u64 = 96 * 1024 * 1024 / 8;
/// The age header (who may open it) at most: about 500 member devices. age reads it line by
/// line and parses it again after each, so a huge one costs minutes of work.
const MAX_HEADER_BYTES: usize = 64 * 1024;
/// The largest bundle file read at all, checked by its size before anything is read: what the
/// contents above need once sealed (age adds 16 bytes per 64 KiB) with the header.
pub const MAX_FILE_BYTES: u64 = (MAGIC.len() + MAX_HEADER_BYTES) as u64 + (INNER_LIMIT + INNER_LIMIT / 4096 + 16) + 32;
/// What opening a bundle may find inside the encryption at most.
const INNER_LIMIT: u64 = MAX_DOCUMENT_BYTES + MAX_SIGNATURES_BYTES + 1024;
/// The most Automerge may unpack a bundle's document to (its columns are deflated): four times
/// the largest document. A crafted bundle of 10 KB once unpacked to 747 MB.
pub const MAX_UNPACKED_BYTES: u64 = 4 * MAX_DOCUMENT_BYTES;
/// A passphrase shorter than this is refused when a bundle is written (a lost USB stick can be
/// tried offline for as long as its finder likes).
pub const MIN_PASSPHRASE_CHARS: usize = 12;
/// scrypt's work for a passphrase: N = 2^17 (128 MiB, about half a second), the least OWASP
/// advises. Opening accepts no more than this, so a crafted file cannot make a laptop work
/// for minutes or take gigabytes.
const PASSPHRASE_WORK: u8 = 17;

/// A passphrase, kept out of logs and wiped from memory when dropped.
pub struct Passphrase(SecretString);

impl Passphrase {
    pub fn new(text: String) -> Passphrase {
        Passphrase(SecretString::from(text))
    }

    /// Long enough to lock a bundle with ([`MIN_PASSPHRASE_CHARS`]).
    pub fn is_long_enough(&self) -> bool {
        use age::secrecy::ExposeSecret;
        self.0.expose_secret().chars().count() >= MIN_PASSPHRASE_CHARS
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

/// Who can open a bundle.
#[derive(Debug, Clone, Copy)]
pub enum Lock<'a> {
    /// The laptops with these device keys (at least one).
    Devices(&'a [PublicKey]),
    /// Whoever knows the passphrase.
    Passphrase(&'a Passphrase),
}

/// What this laptop opens a bundle with: its own device key, and a passphrase if it has one.
#[derive(Debug, Clone, Copy)]
pub struct Unlock<'a> {
    pub device: &'a SecretKey,
    pub passphrase: Option<&'a Passphrase>,
}

/// Why a file cannot be opened as a bundle.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("it is not a Kring bundle")]
    NotABundle,
    /// A bundle of an older Kring: unsigned (`KRB1`) or not locked (`KRB2`).
    #[error("it was made by an older Kring ({0}); make a new bundle")]
    Older(&'static str),
    #[error("it is locked for the laptops of the network's members, and this laptop is not one of them")]
    NotForThisLaptop,
    #[error("it is locked with a passphrase")]
    NeedsPassphrase,
    #[error("the passphrase is wrong")]
    WrongPassphrase,
    /// Cut short, changed, or not made by Kring: the encryption's own check failed.
    #[error("it is damaged or was changed ({0})")]
    Damaged(String),
    /// The file, or a part it announces, is larger than a bundle can be: refused by its size,
    /// before it is read.
    #[error("its {what} is {size} bytes; a bundle's is at most {max}")]
    TooLarge { what: &'static str, size: u64, max: u64 },
    /// Its document would unpack to more than a bundle's may (see [`MAX_UNPACKED_BYTES`]).
    #[error("its network would take more than {max} bytes once unpacked")]
    UnpacksTooLarge { max: u64 },
    /// Its document declares more operations than a network can hold (see
    /// [`kring_model::declared::Limits::NETWORK`]).
    #[error("its network declares more than {max} operations")]
    TooManyOperations { max: u64 },
    /// Its document declares more changes than a network can hold.
    #[error("its network declares more than {max} changes")]
    TooManyChanges { max: u64 },
    /// Opened, but what is inside is not a bundle (why).
    #[error("what it holds is not a Kring bundle ({0})")]
    NotABundleInside(String),
}

/// What an opened bundle holds.
#[derive(Debug, PartialEq, Eq)]
pub struct Opened {
    pub network: String,
    pub signatures: Vec<u8>,
    pub document: Vec<u8>,
}

/// What a bundle holds.
#[derive(Debug, PartialEq, Eq)]
pub struct Bundle<'a> {
    pub network: &'a str,
    pub signatures: &'a [u8],
    pub document: &'a [u8],
}

/// A bundle file holding `network`, locked with `lock`.
///
/// # Panics
/// If `lock` names no device (callers always include the writing laptop itself).
pub fn write(network: &str, signatures: &[u8], document: &[u8], lock: Lock<'_>) -> Vec<u8> {
    seal(&encode(network, signatures, document), lock)
}

/// Opens a bundle held in memory: see [`open_reader`].
pub fn open(bytes: &[u8], unlock: Unlock<'_>) -> Result<Opened, OpenError> {
    open_reader(bytes, bytes.len() as u64, unlock)
}

/// Opens the bundle file at `path` (see [`open_reader`]): refused by its size before a byte of
/// it is read if it is larger than a bundle can be. An error reading the file is an
/// [`std::io::Error`]; everything else an [`OpenError`].
pub fn open_file(path: &std::path::Path, unlock: Unlock<'_>) -> std::io::Result<Result<Opened, OpenError>> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    Ok(open_reader(file, size, unlock))
}

/// Opens a bundle of `size` bytes from `reader`, reading it as a stream: a size beyond
/// [`MAX_FILE_BYTES`] is refused before anything is read, the encryption is undone as the
/// bytes come, and each part inside is checked against its limit by the size it announces
/// before room is made for it. Never reads more than [`MAX_FILE_BYTES`], whatever `size` says.
/// Check the document with [`check_unpacked`] before Automerge loads it.
pub fn open_reader(reader: impl Read, size: u64, unlock: Unlock<'_>) -> Result<Opened, OpenError> {
    if size > MAX_FILE_BYTES {
        return Err(OpenError::TooLarge { what: "file", size, max: MAX_FILE_BYTES });
    }
    let mut decrypted = decrypt(reader, MAX_FILE_BYTES, unlock)?;
    // The payload is checked chunk by chunk (64 KiB); a changed or missing byte ends reading.
    let opened = read_inner(&mut (&mut decrypted).take(INNER_LIMIT + 1))?;
    // Attachments' bytes after the document are left unread (see `open_with_files`).
    read_files_start(&mut (&mut decrypted).take(8))?;
    Ok(opened)
}

/// The bundle's contents as they come out of the encryption, after its magic and header are
/// checked; at most `limit` bytes of `reader` are read.
fn decrypt<R: Read>(reader: R, limit: u64, unlock: Unlock<'_>) -> Result<impl Read + use<R>, OpenError> {
    let mut reader = BufReader::new(reader.take(limit));
    let mut magic = [0u8; 4];
    let damaged = |err: &dyn std::fmt::Display| OpenError::Damaged(err.to_string());
    if let Err(err) = reader.read_exact(&mut magic) {
        return Err(if err.kind() == std::io::ErrorKind::UnexpectedEof {
            OpenError::NotABundle
        } else {
            damaged(&err)
        });
    }
    match magic {
        UNSIGNED_MAGIC => return Err(OpenError::Older("without signatures")),
        INNER_MAGIC => return Err(OpenError::Older("not locked")),
        MAGIC => {}
        _ => return Err(OpenError::NotABundle),
    }
    let header = read_header(&mut reader)?;
    let sealed = BufReader::new(std::io::Cursor::new(header).chain(reader));
    let decryptor = age::Decryptor::new_buffered(sealed).map_err(|err| damaged(&err))?;
    let reader = if decryptor.is_scrypt() {
        let passphrase = unlock.passphrase.ok_or(OpenError::NeedsPassphrase)?;
        let mut identity = age::scrypt::Identity::new(passphrase.0.clone());
        identity.set_max_work_factor(PASSPHRASE_WORK);
        decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|err| match err {
            age::DecryptError::DecryptionFailed => OpenError::WrongPassphrase,
            err => damaged(&err),
        })?
    } else {
        let identity = device_identity::of(unlock.device);
        decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|err| match err {
            age::DecryptError::NoMatchingKeys => OpenError::NotForThisLaptop,
            err => damaged(&err),
        })?
    };
    Ok(reader)
}

/// Checks what a bundle's document declares before Automerge loads it: at most
/// [`MAX_UNPACKED_BYTES`] once unpacked, and no more operations and changes than a network can
/// hold, counted from its columns' run headers without keeping anything (see
/// [`kring_model::declared`]). Automerge makes room for every operation a document declares
/// before it reads one. What it declares, if within the limits.
pub fn check_unpacked(document: &[u8]) -> Result<Declared, OpenError> {
    let limits = Limits { bytes: MAX_UNPACKED_BYTES, ..Limits::NETWORK };
    declared::count(document, &limits).map_err(|err| match err {
        Refused::TooLarge { max } => OpenError::UnpacksTooLarge { max },
        Refused::TooManyOperations { max } => OpenError::TooManyOperations { max },
        Refused::TooManyChanges { max } => OpenError::TooManyChanges { max },
        malformed => OpenError::NotABundleInside(malformed.to_string()),
    })
}

/// The age header, line by line up to its last (`--- MAC`), at most [`MAX_HEADER_BYTES`].
fn read_header(reader: &mut impl BufRead) -> Result<Vec<u8>, OpenError> {
    let mut header = Vec::new();
    loop {
        let start = header.len();
        let mut line = reader.take((MAX_HEADER_BYTES - start) as u64 + 1);
        let read = line.read_until(b'\n', &mut header).map_err(|err| OpenError::Damaged(err.to_string()))?;
        if header.len() > MAX_HEADER_BYTES {
            let max = MAX_HEADER_BYTES as u64;
            return Err(OpenError::TooLarge { what: "list of who may open it", size: header.len() as u64, max });
        }
        if read == 0 || !header.ends_with(b"\n") {
            return Err(OpenError::Damaged("it is cut short".into()));
        }
        if header[start..].starts_with(b"---") {
            return Ok(header);
        }
    }
}

/// What an opened bundle holds, read part by part: each part's announced size is checked
/// before room is made for it.
fn read_inner(reader: &mut impl Read) -> Result<Opened, OpenError> {
    let inside = |reason: &str| OpenError::NotABundleInside(reason.to_string());
    let read = |reader: &mut dyn Read, buffer: &mut [u8]| {
        reader.read_exact(buffer).map_err(|err| match err.kind() {
            // The encryption vouches for every byte: a part cut short is damage.
            std::io::ErrorKind::UnexpectedEof => OpenError::Damaged("it is cut short".into()),
            _ => OpenError::Damaged(err.to_string()),
        })
    };
    let mut magic = [0u8; 5];
    read(reader, &mut magic)?;
    if magic[..4] != INNER_MAGIC {
        return Err(inside("it is not a Kring bundle"));
    }
    let mut id = vec![0u8; magic[4] as usize];
    read(reader, &mut id)?;
    let network =
        String::from_utf8(id).ok().filter(|id| is_valid_network_id(id)).ok_or(inside("its network id is invalid"))?;
    let mut part = |what: &'static str, max: u64| -> Result<Vec<u8>, OpenError> {
        let mut header = [0u8; snapshot_file::HEADER_LEN];
        read(reader, &mut header)?;
        let size = snapshot_file::announced_len(&header).map_err(|reason| inside(&reason))?;
        if size > max {
            return Err(OpenError::TooLarge { what, size, max });
        }
        let mut frame = header.to_vec();
        frame.resize(snapshot_file::HEADER_LEN + size as usize, 0);
        read(reader, &mut frame[snapshot_file::HEADER_LEN..])?;
        snapshot_file::decode(&frame).map_err(|reason| inside(&reason))?;
        frame.drain(..snapshot_file::HEADER_LEN);
        Ok(frame)
    };
    let signatures = part("signatures", MAX_SIGNATURES_BYTES)?;
    let document = part("network", MAX_DOCUMENT_BYTES)?;
    Ok(Opened { network, signatures, document })
}

/// After the snapshot: the end, or the attachments' bytes (their count), or nothing else.
fn read_files_start(reader: &mut impl Read) -> Result<Option<u32>, OpenError> {
    let mut magic = [0u8; 4];
    let mut got = 0;
    while got < magic.len() {
        match reader.read(&mut magic[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(OpenError::Damaged("it is cut short".into())),
            Ok(n) => got += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(OpenError::Damaged(err.to_string())),
        }
    }
    if magic != FILES_MAGIC {
        return Err(OpenError::NotABundleInside("it goes on after the network".into()));
    }
    let mut count = [0u8; 4];
    read_exact(reader, &mut count)?;
    let count = u32::from_le_bytes(count);
    if count > MAX_FILES {
        return Err(OpenError::TooLarge { what: "number of attachments", size: count.into(), max: MAX_FILES.into() });
    }
    Ok(Some(count))
}

fn read_exact(reader: &mut impl Read, buffer: &mut [u8]) -> Result<(), OpenError> {
    reader.read_exact(buffer).map_err(|err| match err.kind() {
        // The encryption vouches for every byte: a part cut short is damage.
        std::io::ErrorKind::UnexpectedEof => OpenError::Damaged("it is cut short".into()),
        _ => OpenError::Damaged(err.to_string()),
    })
}

/// The attachments' bytes a bundle carries, read one file after the other as they come out of
/// the encryption (see [`open_with_files`]).
pub struct Files {
    reader: Box<dyn Read + Send>,
    /// Files it says it carries.
    count: u32,
    /// Files not begun yet.
    left: u32,
    /// Bytes of the file begun that are not read yet.
    in_file: u64,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Files").field("left", &self.left).field("in_file", &self.in_file).finish()
    }
}

impl Files {
    /// How many files the bundle says it carries (at most [`MAX_FILES`]).
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The next file's BLAKE3 hash and length, as the bundle says; `None` after the last (and
    /// the bundle is checked to end there). The file before must have been read whole.
    pub fn next_file(&mut self) -> Result<Option<([u8; 32], u64)>, OpenError> {
        if self.in_file > 0 {
            return Err(OpenError::NotABundleInside("a file was not read whole".into()));
        }
        if self.left == 0 {
            let mut more = [0u8; 1];
            return match self.reader.read(&mut more) {
                Ok(0) => Ok(None),
                Ok(_) => Err(OpenError::NotABundleInside("it goes on after its attachments".into())),
                Err(err) => Err(OpenError::Damaged(err.to_string())),
            };
        }
        let mut head = [0u8; 40];
        read_exact(&mut self.reader, &mut head)?;
        self.left -= 1;
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&head[..32]);
        let len = u64::from_le_bytes(head[32..].try_into().expect("eight bytes"));
        self.in_file = len;
        Ok(Some((hash, len)))
    }

    /// Reads the file begun into `buffer`; 0 once it is read whole.
    pub fn read_file(&mut self, buffer: &mut [u8]) -> Result<usize, OpenError> {
        let wanted = buffer.len().min(usize::try_from(self.in_file).unwrap_or(usize::MAX));
        if wanted == 0 {
            return Ok(0);
        }
        let read = loop {
            match self.reader.read(&mut buffer[..wanted]) {
                Ok(0) => return Err(OpenError::Damaged("it is cut short".into())),
                Ok(read) => break read,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => return Err(OpenError::Damaged(err.to_string())),
            }
        };
        self.in_file -= read as u64;
        Ok(read)
    }
}

/// Opens the bundle file at `path` like [`open_file`], and with it the attachments' bytes it
/// carries, if any, to be read after (and checked against) its document. A bundle with
/// attachments is as large as they are: only the document is bounded as in [`open_reader`],
/// each file by what the caller accepts of the length it announces.
pub fn open_with_files(
    path: &std::path::Path,
    unlock: Unlock<'_>,
) -> std::io::Result<Result<(Opened, Option<Files>), OpenError>> {
    let file = std::fs::File::open(path)?;
    Ok(open_reader_with_files(file, unlock))
}

/// [`open_with_files`] from any reader.
pub fn open_reader_with_files(
    reader: impl Read + Send + 'static,
    unlock: Unlock<'_>,
) -> Result<(Opened, Option<Files>), OpenError> {
    let mut decrypted = decrypt(reader, u64::MAX, unlock)?;
    let opened = read_inner(&mut (&mut decrypted).take(INNER_LIMIT))?;
    let files = read_files_start(&mut decrypted)?;
    Ok((opened, files.map(|left| Files { reader: Box::new(decrypted), count: left, left, in_file: 0 })))
}

/// A bundle file that carries attachments' bytes, written to `out` as a stream: `network`,
/// its signatures and document as [`write`] writes them, then each of `files` (its BLAKE3 hash,
/// its length, and its bytes, written by `fill` as they are read from wherever they are kept).
pub fn write_with_files(
    out: &mut dyn Write,
    network: &str,
    signatures: &[u8],
    document: &[u8],
    files: &[([u8; 32], u64)],
    lock: Lock<'_>,
    fill: &mut dyn FnMut(usize, &mut dyn Write) -> std::io::Result<u64>,
) -> std::io::Result<()> {
    out.write_all(&MAGIC)?;
    let mut writer = encryptor(lock).wrap_output(out)?;
    writer.write_all(&encode(network, signatures, document))?;
    writer.write_all(&FILES_MAGIC)?;
    let count = u32::try_from(files.len()).ok().filter(|count| *count <= MAX_FILES);
    let count = count.ok_or_else(|| std::io::Error::other("too many attachments for one bundle"))?;
    writer.write_all(&count.to_le_bytes())?;
    for (index, (hash, len)) in files.iter().enumerate() {
        writer.write_all(hash)?;
        writer.write_all(&len.to_le_bytes())?;
        let written = fill(index, &mut writer)?;
        if written != *len {
            return Err(std::io::Error::other(format!("an attachment gave {written} bytes of the {len} it holds")));
        }
    }
    writer.finish()?;
    Ok(())
}

fn encryptor(lock: Lock<'_>) -> age::Encryptor {
    match lock {
        Lock::Devices(devices) => {
            assert!(!devices.is_empty(), "a bundle is locked for at least the laptop that writes it");
            let recipients: Vec<age::ssh::Recipient> = devices.iter().map(device_identity::recipient).collect();
            age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
                .expect("ssh-ed25519 recipients go together")
        }
        Lock::Passphrase(passphrase) => {
            let mut recipient = age::scrypt::Recipient::new(passphrase.0.clone());
            recipient.set_work_factor(PASSPHRASE_WORK);
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .expect("one passphrase is a valid set of recipients")
        }
    }
}

fn seal(inner: &[u8], lock: Lock<'_>) -> Vec<u8> {
    let encryptor = encryptor(lock);
    let mut bytes = MAGIC.to_vec();
    let mut writer = encryptor.wrap_output(&mut bytes).expect("writing to memory");
    writer.write_all(inner).expect("writing to memory");
    writer.finish().expect("writing to memory");
    bytes
}

fn encode(network: &str, signatures: &[u8], document: &[u8]) -> Vec<u8> {
    assert!(is_valid_network_id(network), "network ids are checked before they are stored");
    let mut bytes = INNER_MAGIC.to_vec();
    bytes.push(network.len() as u8);
    bytes.extend_from_slice(network.as_bytes());
    bytes.extend_from_slice(&snapshot_file::encode(signatures));
    bytes.extend_from_slice(&snapshot_file::encode(document));
    bytes
}

/// What an opened bundle holds, or why it is not usable.
pub fn decode(inner: &[u8]) -> Result<Bundle<'_>, String> {
    let rest = inner.strip_prefix(&INNER_MAGIC).ok_or("it is not a Kring bundle")?;
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

    const MARKER: &[u8] = b"Vertrouwelijk: zorgleerling M.";

    fn keys() -> (SecretKey, SecretKey, SecretKey) {
        (SecretKey::from_bytes(&[1; 32]), SecretKey::from_bytes(&[2; 32]), SecretKey::from_bytes(&[3; 32]))
    }

    fn unlock(device: &SecretKey) -> Unlock<'_> {
        Unlock { device, passphrase: None }
    }

    #[test]
    fn the_inner_bundle_round_trips_and_rejects_damage() {
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

    #[test]
    fn every_listed_device_opens_a_bundle_and_no_other() {
        let (anna, bram, stranger) = keys();
        let readers = [anna.public(), bram.public()];
        let file = write("plg-rekenen", b"signatures", MARKER, Lock::Devices(&readers));
        assert!(file.starts_with(&MAGIC));
        assert!(!file.windows(MARKER.len()).any(|w| w == MARKER), "the notes are not readable in the file");
        assert!(!file.windows(11).any(|w| w == b"plg-rekenen"), "nor is the network's id");
        for reader in [&anna, &bram] {
            let opened = open(&file, unlock(reader)).unwrap();
            assert_eq!((opened.network.as_str(), opened.document.as_slice()), ("plg-rekenen", MARKER));
            assert_eq!(opened.signatures, b"signatures");
        }
        assert!(matches!(open(&file, unlock(&stranger)), Err(OpenError::NotForThisLaptop)));
        // A passphrase does not open a bundle locked for devices.
        let guess = Passphrase::new("een lange gok van iemand".into());
        let with_guess = Unlock { device: &stranger, passphrase: Some(&guess) };
        assert!(matches!(open(&file, with_guess), Err(OpenError::NotForThisLaptop)));
    }

    #[test]
    fn a_passphrase_bundle_opens_with_the_right_passphrase_only() {
        let (anna, _, _) = keys();
        let passphrase = Passphrase::new("zeven blauwe fietsen op het plein".into());
        let file = write("plg-rekenen", b"signatures", MARKER, Lock::Passphrase(&passphrase));
        assert!(!file.windows(MARKER.len()).any(|w| w == MARKER));
        assert!(matches!(open(&file, unlock(&anna)), Err(OpenError::NeedsPassphrase)));
        let wrong = Passphrase::new("acht blauwe fietsen op het plein".into());
        let refused = open(&file, Unlock { device: &anna, passphrase: Some(&wrong) });
        assert!(matches!(refused, Err(OpenError::WrongPassphrase)), "{refused:?}");
        let opened = open(&file, Unlock { device: &anna, passphrase: Some(&passphrase) }).unwrap();
        assert_eq!(opened.document, MARKER);
    }

    /// A bundle carrying `files` (hash, bytes), for `readers`.
    fn with_files(files: &[([u8; 32], &[u8])], readers: &[PublicKey]) -> Vec<u8> {
        let list: Vec<([u8; 32], u64)> = files.iter().map(|(hash, bytes)| (*hash, bytes.len() as u64)).collect();
        let mut out = Vec::new();
        let mut fill =
            |index: usize, into: &mut dyn Write| into.write_all(files[index].1).map(|()| files[index].1.len() as u64);
        write_with_files(&mut out, "plg-rekenen", b"signatures", MARKER, &list, Lock::Devices(readers), &mut fill)
            .unwrap();
        out
    }

    /// A file as a bundle carries it: its hash and its bytes.
    type Carried = ([u8; 32], Vec<u8>);

    /// Every file `files` holds, read whole.
    fn read_all(mut files: Files) -> Result<Vec<Carried>, OpenError> {
        let mut all = Vec::new();
        while let Some((hash, len)) = files.next_file()? {
            let mut bytes = Vec::new();
            let mut piece = [0u8; 1000];
            loop {
                let read = files.read_file(&mut piece)?;
                if read == 0 {
                    break;
                }
                bytes.extend_from_slice(&piece[..read]);
            }
            assert_eq!(bytes.len() as u64, len);
            all.push((hash, bytes));
        }
        Ok(all)
    }

    #[test]
    fn a_bundle_carries_files_after_its_network_and_reads_as_before_without_them() {
        let (anna, _, _) = keys();
        let photo = vec![7u8; 200_000];
        let file = with_files(&[([1; 32], &photo), ([2; 32], b"kort")], &[anna.public()]);
        assert!(!file.windows(MARKER.len()).any(|w| w == MARKER), "encrypted");
        let bundle = file.clone();
        let (opened, files) = open_reader_with_files(std::io::Cursor::new(bundle), unlock(&anna)).unwrap();
        assert_eq!(opened.document, MARKER);
        let read = read_all(files.expect("it carries files")).unwrap();
        assert_eq!(read, [([1; 32], photo.clone()), ([2; 32], b"kort".to_vec())]);
        // The plain reader takes its network and leaves the files be.
        assert_eq!(open(&file, unlock(&anna)).unwrap().document, MARKER);
        // Without files: nothing after the network, as Kring wrote bundles before.
        let plain = write("plg-rekenen", b"signatures", MARKER, Lock::Devices(&[anna.public()]));
        let (_, files) = open_reader_with_files(std::io::Cursor::new(plain), unlock(&anna)).unwrap();
        assert!(files.is_none());
        // Cut short anywhere in the files, or changed: refused while reading them.
        for cut in [file.len() - 1, file.len() - 20_000, file.len() / 2] {
            let short = file[..cut].to_vec();
            let refused = open_reader_with_files(std::io::Cursor::new(short), unlock(&anna))
                .and_then(|(_, files)| read_all(files.expect("files")));
            assert!(matches!(refused, Err(OpenError::Damaged(_))), "cut at {cut}: {refused:?}");
        }
        let mut changed = file.clone();
        let at = changed.len() - 1000;
        changed[at] ^= 1;
        let refused = open_reader_with_files(std::io::Cursor::new(changed), unlock(&anna))
            .and_then(|(_, files)| read_all(files.expect("files")));
        assert!(matches!(refused, Err(OpenError::Damaged(_))), "{refused:?}");
    }

    #[test]
    fn a_changed_or_cut_file_is_refused() {
        let (anna, _, _) = keys();
        let file = write("plg-rekenen", b"signatures", MARKER, Lock::Devices(&[anna.public()]));
        // Every byte after the magic: the header, its MAC, the nonce and the payload.
        for at in MAGIC.len()..file.len() {
            let mut changed = file.clone();
            changed[at] ^= 0x01;
            assert!(open(&changed, unlock(&anna)).is_err(), "a change at {at} of {}", file.len());
        }
        for cut in [MAGIC.len(), file.len() / 2, file.len() - 1] {
            assert!(matches!(open(&file[..cut], unlock(&anna)), Err(OpenError::Damaged(_))), "cut at {cut}");
        }
    }

    #[test]
    fn older_and_foreign_files_are_named() {
        let (anna, _, _) = keys();
        let plain = encode("plg-rekenen", b"signatures", b"document");
        assert!(matches!(open(&plain, unlock(&anna)), Err(OpenError::Older("not locked"))));
        assert!(matches!(open(b"KRB1...", unlock(&anna)), Err(OpenError::Older("without signatures"))));
        assert!(matches!(open(b"PK\x03\x04 a zip file", unlock(&anna)), Err(OpenError::NotABundle)));
        assert!(matches!(open(b"KRB3 not age", unlock(&anna)), Err(OpenError::Damaged(_))));
    }

    /// Counts the bytes read through it.
    struct Counting<R> {
        inner: R,
        read: std::rc::Rc<std::cell::Cell<u64>>,
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read.set(self.read.get() + n as u64);
            Ok(n)
        }
    }

    /// `KRB3` and then `byte` for ever, counting what is read.
    fn endless(byte: u8) -> (Counting<impl Read>, std::rc::Rc<std::cell::Cell<u64>>) {
        let read = std::rc::Rc::new(std::cell::Cell::new(0));
        let inner = MAGIC.as_slice().chain(std::io::repeat(byte));
        (Counting { inner, read: read.clone() }, read)
    }

    #[test]
    fn a_file_larger_than_a_bundle_can_be_is_refused_by_its_size_before_a_byte_is_read() {
        let (anna, _, _) = keys();
        let (reader, read) = endless(b'a');
        let refused = open_reader(reader, 1 << 30, unlock(&anna));
        assert!(
            matches!(refused, Err(OpenError::TooLarge { what: "file", size, max }) if size == 1 << 30 && max == MAX_FILE_BYTES)
        );
        assert_eq!(read.get(), 0, "nothing was read");

        // A real file of 1 GiB starting with the magic (sparse: it takes no disk).
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("groot.kring");
        let file = std::fs::File::create(&path).unwrap();
        std::io::Write::write_all(&mut &file, &MAGIC).unwrap();
        file.set_len(1 << 30).unwrap();
        let refused = open_file(&path, unlock(&anna)).unwrap();
        assert!(matches!(refused, Err(OpenError::TooLarge { what: "file", .. })), "{refused:?}");

        // A stream that says it is small and never ends: read no further than its limits.
        let (reader, read) = endless(b'a');
        let refused = open_reader(reader, 1000, unlock(&anna));
        assert!(matches!(refused, Err(OpenError::TooLarge { what: "list of who may open it", .. })), "{refused:?}");
        assert!(read.get() < 2 * MAX_HEADER_BYTES as u64, "{} bytes read", read.get());
    }

    #[test]
    fn a_part_larger_than_a_bundle_has_is_refused_by_the_size_it_announces() {
        let (anna, _, _) = keys();
        // A sealed bundle whose network frame announces 1 TB and holds a few bytes.
        let mut inner = INNER_MAGIC.to_vec();
        inner.push(11);
        inner.extend_from_slice(b"plg-rekenen");
        inner.extend_from_slice(&snapshot_file::encode(b"signatures"));
        let mut huge = snapshot_file::encode(b"document");
        huge[4..12].copy_from_slice(&(1u64 << 40).to_le_bytes());
        inner.extend_from_slice(&huge);
        let file = seal(&inner, Lock::Devices(&[anna.public()]));
        let refused = open(&file, unlock(&anna));
        assert!(
            matches!(refused, Err(OpenError::TooLarge { what: "network", size, .. }) if size == 1 << 40),
            "{refused:?}"
        );
    }

    #[test]
    fn a_document_that_unpacks_beyond_the_limit_is_refused_before_automerge_sees_it() {
        let (anna, _, _) = keys();
        // An Automerge document whose one deflated column inflates to a byte more than the
        // limit: a few hundred kilobytes in the file.
        let zeros = std::io::repeat(0).take(MAX_UNPACKED_BYTES + 1);
        let mut deflater = flate2::read::DeflateEncoder::new(zeros, flate2::Compression::best());
        let mut column = Vec::new();
        deflater.read_to_end(&mut column).unwrap();
        let mut data = vec![0, 0, 1]; // no actors, no heads, one change column
        leb(0x10 | 0x08, &mut data); // column 1, deflated
        leb(column.len() as u64, &mut data);
        data.push(0); // no op columns
        data.extend_from_slice(&column);
        let mut document = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 0];
        leb(data.len() as u64, &mut document);
        document.extend_from_slice(&data);
        let file = write("plg-rekenen", b"signatures", &document, Lock::Devices(&[anna.public()]));
        assert!(file.len() < 1024 * 1024, "{} bytes", file.len());
        let opened = open(&file, unlock(&anna)).unwrap();
        let refused = check_unpacked(&opened.document);
        assert!(matches!(refused, Err(OpenError::UnpacksTooLarge { max: MAX_UNPACKED_BYTES })), "{refused:?}");
    }

    /// Appends `n` as an unsigned LEB128 number, as Automerge's documents write their lengths.
    fn leb(mut n: u64, out: &mut Vec<u8>) {
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

    /// Peak resident memory of this process so far (VmHWM), in MB (Linux; 0 elsewhere).
    fn peak_mb() -> f64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kb = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok());
        kb.unwrap_or(0.0) * 1024.0 / 1e6
    }

    #[test]
    fn a_document_that_declares_ten_million_operations_is_refused_before_automerge_sees_it() {
        let (anna, _, _) = keys();
        // Ten million operations (actor 0, action "set"), each column one run header: a signed
        // LEB128 count, then the value repeated.
        let run = |rows: u64, value: u8| {
            let mut column = Vec::new();
            let mut n = rows;
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 && byte & 0x40 == 0 {
                    column.push(byte);
                    break;
                }
                column.push(byte | 0x80);
            }
            column.push(value);
            column
        };
        let ops =
            [(2 << 4 | 1, run(10_000_000, 0)), (2 << 4 | 3, run(10_000_000, 1)), (4 << 4 | 2, run(10_000_000, 1))];
        let changes = [(1, run(1, 0)), (1 << 4 | 3, run(1, 1))];
        let mut data = vec![1, 16];
        data.extend_from_slice(&[7; 16]);
        data.push(0);
        for set in [&changes[..], &ops[..]] {
            leb(set.len() as u64, &mut data);
            for (spec, column) in set {
                leb(*spec, &mut data);
                leb(column.len() as u64, &mut data);
            }
        }
        for (_, column) in changes.iter().chain(&ops) {
            data.extend_from_slice(column);
        }
        let mut document = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 0];
        leb(data.len() as u64, &mut document);
        document.extend_from_slice(&data);
        let file = write("plg-rekenen", b"signatures", &document, Lock::Devices(&[anna.public()]));
        let before = peak_mb();
        let opened = open(&file, unlock(&anna)).unwrap();
        let refused = check_unpacked(&opened.document);
        let after = peak_mb();
        eprintln!(
            "a document of {} bytes (a bundle of {} bytes) declaring 10,000,000 operations: refused with {refused:?}; \
             this test's peak resident memory {before:.1} MB before, {after:.1} MB after",
            document.len(),
            file.len()
        );
        let max = kring_model::declared::Limits::NETWORK.ops;
        assert!(matches!(refused, Err(OpenError::TooManyOperations { max: m }) if m == max), "{refused:?}");
        assert!(document.len() < 200, "{} bytes", document.len());
    }

    #[test]
    fn passphrases_shorter_than_twelve_characters_are_too_short() {
        assert!(!Passphrase::new("geheim".into()).is_long_enough());
        assert!(Passphrase::new("ë".repeat(MIN_PASSPHRASE_CHARS)).is_long_enough());
        assert_eq!(format!("{:?}", Passphrase::new("geheim".into())), "Passphrase(..)");
    }
}
