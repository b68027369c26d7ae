//! A laptop's device key (the iroh ed25519 key in `device.key`) as an age `ssh-ed25519`
//! recipient and identity. age takes an ssh-ed25519 identity only as an OpenSSH private key
//! file, so the key is put in that form here: in memory only, wiped when dropped, never written
//! anywhere. (This is the key's layout, not cryptography: age does all of that.)

use age::secrecy::zeroize::Zeroizing;
use data_encoding::{BASE64, BASE64_NOPAD};
use iroh_base::{PublicKey, SecretKey};

const KEY_TYPE: &[u8] = b"ssh-ed25519";
const BEGIN: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
const END: &str = "\n-----END OPENSSH PRIVATE KEY-----\n";

/// Who may read a bundle: the laptop with this device key.
pub(super) fn recipient(device: &PublicKey) -> age::ssh::Recipient {
    let line = format!("ssh-ed25519 {}", BASE64_NOPAD.encode(&public_blob(device)));
    line.parse().expect("a device key is an ed25519 point, as ssh-ed25519 needs")
}

/// What this laptop opens a bundle with.
pub(super) fn of(key: &SecretKey) -> age::ssh::Identity {
    let public = key.public();
    let blob = public_blob(&public);
    // PROTOCOL.key of OpenSSH: the unencrypted private section, padded to 8 bytes.
    let mut private = Zeroizing::new(Vec::with_capacity(160));
    private.extend_from_slice(&[0; 8]); // two equal check integers
    put_string(&mut private, KEY_TYPE);
    put_string(&mut private, public.as_bytes());
    let mut pair = Zeroizing::new([0u8; 64]); // seed || public key
    pair[..32].copy_from_slice(&*Zeroizing::new(key.to_bytes()));
    pair[32..].copy_from_slice(public.as_bytes());
    put_string(&mut private, &*pair);
    put_string(&mut private, b""); // comment
    for pad in 1..=7u8 {
        if private.len() % 8 == 0 {
            break;
        }
        private.push(pad);
    }
    let mut file = Zeroizing::new(Vec::with_capacity(64 + blob.len() + private.len()));
    file.extend_from_slice(b"openssh-key-v1\0");
    put_string(&mut file, b"none"); // cipher
    put_string(&mut file, b"none"); // key derivation
    put_string(&mut file, b""); // its options
    file.extend_from_slice(&1u32.to_be_bytes()); // one key
    put_string(&mut file, &blob);
    put_string(&mut file, &private);
    let mut pem = Zeroizing::new(String::with_capacity(BEGIN.len() + BASE64.encode_len(file.len()) + END.len()));
    pem.push_str(BEGIN);
    BASE64.encode_append(&file, &mut pem);
    pem.push_str(END);
    let identity = age::ssh::Identity::from_buffer(pem.as_bytes(), None).expect("an OpenSSH ed25519 key in memory");
    debug_assert!(matches!(identity, age::ssh::Identity::Unencrypted(_)));
    identity
}

/// The SSH wire form of an ed25519 public key (RFC 8709).
fn public_blob(key: &PublicKey) -> Vec<u8> {
    let mut blob = Vec::with_capacity(4 + KEY_TYPE.len() + 4 + 32);
    put_string(&mut blob, KEY_TYPE);
    put_string(&mut blob, key.as_bytes());
    blob
}

/// An SSH `string`: its length (u32, big-endian), then its bytes.
fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&u32::try_from(bytes.len()).expect("short").to_be_bytes());
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recipient_is_the_standard_ssh_line_of_the_device_key() {
        let key = SecretKey::from_bytes(&[7; 32]);
        let line = recipient(&key.public()).to_string();
        let encoded = line.strip_prefix("ssh-ed25519 ").unwrap();
        let blob = BASE64.decode(encoded.as_bytes()).unwrap();
        assert_eq!(&blob[..4], &[0, 0, 0, 11]);
        assert_eq!(&blob[blob.len() - 32..], key.public().as_bytes());
        assert!(matches!(of(&key), age::ssh::Identity::Unencrypted(_)));
    }
}
