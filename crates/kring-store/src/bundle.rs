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
//! An unlocked bundle is never written: [`write`] is the only way to make one. What the age
//! header shows to anyone holding the file: how many devices may read it and a 4-byte tag of
//! each device key (or that a passphrase locks it). Nothing of the network, not even its id.

mod device_identity;

use std::io::{Read, Write};

use age::secrecy::SecretString;
use iroh_base::{PublicKey, SecretKey};

use crate::data_dir::is_valid_network_id;
use crate::snapshot_file;

/// The start of a bundle file: locked, with an age file after it.
pub const MAGIC: [u8; 4] = *b"KRB3";
/// The start of what a bundle holds once opened (and of the unlocked bundles of older Krings).
const INNER_MAGIC: [u8; 4] = *b"KRB2";
/// Bundles written before changes were signed: recognised, so that the answer is clear.
const UNSIGNED_MAGIC: [u8; 4] = *b"KRB1";
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

/// Opens a bundle file: what it holds, still to be read with [`decode`].
pub fn open(bytes: &[u8], unlock: Unlock<'_>) -> Result<Vec<u8>, OpenError> {
    if bytes.starts_with(&UNSIGNED_MAGIC) {
        return Err(OpenError::Older("without signatures"));
    }
    if bytes.starts_with(&INNER_MAGIC) {
        return Err(OpenError::Older("not locked"));
    }
    let sealed = bytes.strip_prefix(&MAGIC).ok_or(OpenError::NotABundle)?;
    let damaged = |err: &dyn std::fmt::Display| OpenError::Damaged(err.to_string());
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
    let mut inner = Vec::new();
    // The payload is checked chunk by chunk; a changed or missing byte ends reading here.
    let mut reader = reader;
    reader.read_to_end(&mut inner).map_err(|err| damaged(&err))?;
    Ok(inner)
}

fn seal(inner: &[u8], lock: Lock<'_>) -> Vec<u8> {
    let encryptor = match lock {
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
    };
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
            let inner = open(&file, unlock(reader)).unwrap();
            assert_eq!(decode(&inner).unwrap().document, MARKER);
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
        let inner = open(&file, Unlock { device: &anna, passphrase: Some(&passphrase) }).unwrap();
        assert_eq!(decode(&inner).unwrap().document, MARKER);
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

    #[test]
    fn passphrases_shorter_than_twelve_characters_are_too_short() {
        assert!(!Passphrase::new("geheim".into()).is_long_enough());
        assert!(Passphrase::new("ë".repeat(MIN_PASSPHRASE_CHARS)).is_long_enough());
        assert_eq!(format!("{:?}", Passphrase::new("geheim".into())), "Passphrase(..)");
    }
}
