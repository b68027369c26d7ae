//! A network in one file for a USB stick, when laptops have no network at all. The file
//! format lives in the store; this writes a network with the signatures that vouch for it,
//! locked for the laptops of its current members (or a passphrase), and reads one back only if
//! this laptop may open it and every change in it is signed by its device and keeps the rules.

pub use crate::bundle_files::Written;
use iroh::PublicKey;
use kring_model::Network;
use kring_sync::SignatureBook;
use kring_sync::signed::Signed;
use kring_sync::untrusted::{Rejected, catch_automerge_panic};

pub use kring_store::bundle::{Lock, MIN_PASSPHRASE_CHARS, Passphrase, Unlock};

use crate::error::BundleProblem;
use crate::open_network::OpenNetwork;

/// Why a bundle was not merged. After `panicked`, the local network may be damaged in memory
/// and must be reloaded from disk, not saved.
#[derive(Debug, thiserror::Error)]
#[error("{problem}")]
pub struct MergeRefused {
    pub panicked: bool,
    pub problem: BundleProblem,
}

/// The laptops that may open a bundle of `network`: every device of its current members, and
/// `this_laptop` (which writes it, and normally is one of them).
pub fn readers(network: &Network, this_laptop: PublicKey) -> kring_model::Result<Vec<PublicKey>> {
    let mut readers = vec![this_laptop];
    for member in network.members()?.into_values().filter(|member| member.is_current()) {
        // Only devices that belong to a current member: not one a removed member's record lists too.
        let theirs = |device: &&String| network.member_for_device(device).ok().flatten().as_ref() == Some(&member.id);
        for device in member.devices.keys().filter(theirs) {
            // A device id that is no key (made up by a modified client) cannot read anything.
            let key = kring_model::trust::actor::key_bytes(device).and_then(|b| PublicKey::from_bytes(&b).ok());
            if let Some(key) = key.filter(|key| !readers.contains(key)) {
                readers.push(key);
            }
        }
    }
    Ok(readers)
}

/// A bundle ready to write: the whole network and its devices' signatures (`signatures`, from
/// [`OpenNetwork::sign_whole`]), locked with `lock` (the devices from [`readers`], or a
/// passphrase). There is no unlocked bundle.
pub fn write(network: &mut Network, signatures: &[Signed], lock: Lock<'_>) -> Vec<u8> {
    let id = network.id().to_string();
    kring_store::bundle::write(
        &id,
        &SignatureBook::encode(signatures),
        &kring_store::save_checked(network.doc_mut()),
        lock,
    )
}

/// A network read from a bundle, checked whole.
pub struct Incoming {
    pub network: Network,
    /// The signatures that vouched for it, accepted: kept where the network is kept.
    signatures: SignatureBook,
    /// The attachments' bytes it carried, checked against their hashes, waiting to be kept
    /// (see [`Incoming::keep_attachments`]).
    files: Option<crate::bundle_files::Staged>,
}

/// The network a bundle holds, or in words why it cannot be used: not for this laptop (or its
/// passphrase is missing or wrong), damaged, of an older Kring, or holding a change that is
/// unsigned or breaks the rules (nothing of it is then taken).
pub fn read(bytes: &[u8], unlock: Unlock<'_>) -> Result<Incoming, BundleProblem> {
    checked(kring_store::bundle::open(bytes, unlock)?)
}

/// [`read`] for the bundle file at `path`, read as a stream and refused by its size before it
/// is read if it is larger than a bundle can be (see [`kring_store::bundle::open_reader`]). The
/// outer error is the file's: it cannot be read at all.
pub fn read_file(path: &std::path::Path, unlock: Unlock<'_>) -> std::io::Result<Result<Incoming, BundleProblem>> {
    Ok(kring_store::bundle::open_file(path, unlock)?.map_err(BundleProblem::from).and_then(checked))
}

fn checked(bundle: kring_store::bundle::Opened) -> Result<Incoming, BundleProblem> {
    // Automerge inflates a document without a limit: counted first.
    kring_store::bundle::check_unpacked(&bundle.document)?;
    let offered = SignatureBook::decode(&bundle.signatures);
    let (network, signatures) = crate::whole_network::check(&bundle.document, &offered, &bundle.network)?;
    Ok(Incoming { network, signatures, files: None })
}

/// [`read_file`] for a bundle that may carry attachments' bytes: each file it carries must be
/// the bytes of an attachment its network names, of the size the attachment says, and match
/// its hash; else the whole bundle is refused and nothing is kept. The bytes wait under `data`
/// until [`Incoming::keep_attachments`] puts them in the network's store (or are deleted when
/// the `Incoming` is dropped).
pub fn read_file_with_attachments(
    data: &kring_store::DataDir,
    path: &std::path::Path,
    unlock: Unlock<'_>,
) -> std::io::Result<Result<Incoming, BundleProblem>> {
    let (mut incoming, files) = match open_with_attachments(path, unlock)? {
        Ok(opened) => opened,
        Err(problem) => return Ok(Err(problem)),
    };
    if let Some(files) = files {
        // No node runs: what an earlier import left waiting is nobody's.
        crate::bundle_files::remove_waiting(data.root());
        match crate::bundle_files::stage(data.root(), &incoming.network, files, &mut |_| {}) {
            Ok(staged) => incoming.files = Some(staged),
            Err(problem) => return Ok(Err(problem)),
        }
    }
    Ok(Ok(incoming))
}

/// The network of the bundle file at `path`, checked whole, and the attachments' bytes it
/// carries, not read yet (see [`crate::bundle_files::stage`]).
pub(crate) fn open_with_attachments(
    path: &std::path::Path,
    unlock: Unlock<'_>,
) -> std::io::Result<Result<(Incoming, Option<kring_store::bundle::Files>), BundleProblem>> {
    let (opened, files) = match kring_store::bundle::open_with_files(path, unlock)? {
        Ok(opened) => opened,
        Err(err) => return Ok(Err(err.into())),
    };
    Ok(checked(opened).map(|incoming| (incoming, files)))
}

/// Writes a bundle of `network` to `path` (as [`write`] makes it, replacing the file only once
/// it is whole), with the bytes of its attachments that are whole on this laptop when
/// `with_attachments` is asked. Not to be called from inside an async runtime.
pub fn write_file(
    data: &kring_store::DataDir,
    path: &std::path::Path,
    network: &mut Network,
    signatures: &[Signed],
    lock: Lock<'_>,
    with_attachments: bool,
) -> crate::Result<Written> {
    if !with_attachments {
        let bytes = write(network, signatures, lock);
        kring_store::write_atomic(path, &bytes, None)?;
        return Ok(Written { bytes: bytes.len() as u64, attachments: 0, missing: 0 });
    }
    crate::bundle_files::write(data.root(), path, network, signatures, lock)
}

impl Incoming {
    /// How many attachments' bytes the bundle carried.
    pub fn attachments(&self) -> usize {
        self.files.as_ref().map_or(0, |files| files.len())
    }

    /// Puts the attachments' bytes the bundle carried in the network's store on this laptop,
    /// once the network itself is stored ([`Incoming::create`] or [`merge`]). Not to be called
    /// from inside an async runtime. How many.
    pub fn keep_attachments(&mut self, data: &kring_store::DataDir) -> crate::Result<usize> {
        match self.files.take() {
            Some(files) => files.keep(data.root(), self.network.id().as_str()),
            None => Ok(0),
        }
    }

    /// Stores the network on a laptop that did not have it.
    /// The attachments' bytes it carried go into the network's store.
    pub fn create(mut self, data: &kring_store::DataDir) -> crate::Result<OpenNetwork> {
        let files = self.files.take();
        let mut open = OpenNetwork::create(data, self.network)?;
        open.signatures = self.signatures;
        open.persist()?;
        if let Some(files) = files {
            files.keep(data.root(), open.network.id().as_str())?;
        }
        Ok(open)
    }
}

/// Takes everything new from `incoming` into `local`; returns how many changes were new. The
/// bundle must grow from the same beginning as the local network. After an error that says
/// Automerge panicked, `local` may be damaged and must not be saved.
pub fn merge(local: &mut OpenNetwork, incoming: &mut Incoming) -> Result<usize, MergeRefused> {
    may_merge(local, incoming).map_err(|problem| MergeRefused { panicked: false, problem })?;
    let before = local.network.heads();
    catch_automerge_panic(|| local.network.merge(&mut incoming.network)).map_err(|rejected: Rejected| {
        MergeRefused { panicked: rejected.panicked, problem: BundleProblem::MergeFailed(rejected.to_string()) }
    })?;
    local.signatures.take_accepted(&mut incoming.signatures);
    Ok(local.network.doc_mut().get_changes(&before).len())
}

/// Whether `incoming` can be merged into `local`: the same chapter, grown from the same
/// beginning. Asked before a bundle's attachments are read, and again by [`merge`].
pub(crate) fn may_merge(local: &mut OpenNetwork, incoming: &mut Incoming) -> Result<(), BundleProblem> {
    let (bundle, here) = (incoming.network.chapter(), local.network.chapter());
    if bundle.id != here.id {
        // Merging two chapters would bring back what the newer one erased.
        return Err(BundleProblem::OtherChapter { bundle: bundle.number, here: here.number });
    }
    let beginning = local.network.doc_mut().get_changes_meta(&[]).first().map(|meta| meta.hash);
    if beginning.is_some_and(|hash| incoming.network.doc_mut().get_change_meta_by_hash(&hash).is_none()) {
        return Err(BundleProblem::AnotherBeginning);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use iroh::SecretKey;
    use kring_model::automerge::transaction::Transactable;
    use kring_model::automerge::{ROOT, ReadDoc, Value};
    use kring_model::{MemberId, NetworkDetails, Profile, Role};

    use kring_sync::signed;

    use super::*;

    /// Anna's network with Bram as a member; Bram's copy, writing as his laptop.
    fn two_laptops() -> (SecretKey, SecretKey, Network, MemberId) {
        let (anna_key, bram_key) = (SecretKey::from_bytes(&[1; 32]), SecretKey::from_bytes(&[2; 32]));
        let details = NetworkDetails { name: "PLG Jeugdzorg".into(), ..Default::default() };
        let (mut network, anna) = Network::create(&details, &Profile::new("Anna"), anna_key.as_signing_key()).unwrap();
        let bram_device = bram_key.public().to_string();
        let bram =
            network.add_member(&anna, &Profile::new("Bram"), Role::Member, Some(bram_key.as_signing_key())).unwrap();
        let mut at_bram = network.fork();
        at_bram.set_device(&bram_device);
        (anna_key, bram_key, at_bram, bram)
    }

    /// A bundle as `key`'s laptop writes it: for the network's current members.
    fn bundle(network: &mut Network, signatures: &[Signed], key: &SecretKey) -> Vec<u8> {
        let readers = readers(network, key.public()).unwrap();
        write(network, signatures, Lock::Devices(&readers))
    }

    fn read_as(bytes: &[u8], key: &SecretKey) -> Result<Incoming, BundleProblem> {
        read(bytes, Unlock { device: key, passphrase: None })
    }

    fn member_obj(network: &mut Network, member: &MemberId) -> kring_model::automerge::ObjId {
        let doc = network.doc_mut();
        let Ok(Some((Value::Object(_), members))) = doc.get(ROOT, "members") else { panic!("members") };
        let Ok(Some((Value::Object(_), obj))) = doc.get(&members, member.as_str()) else { panic!("member") };
        obj
    }

    #[test]
    fn a_bundle_whose_changes_are_signed_and_keep_the_rules_is_read() {
        let (anna_key, bram_key, mut at_bram, bram) = two_laptops();
        at_bram.set_description(&bram, "mag niet").unwrap_err();
        let session =
            kring_model::NewSession { title: "Casus".into(), starts_at: "2026-12-01".into(), ..Default::default() };
        at_bram.add_session(&bram, &session).unwrap();
        let signatures = signed::sign_whole_as(at_bram.doc_mut(), &[anna_key.clone(), bram_key.clone()]);
        let incoming = read_as(&bundle(&mut at_bram, &signatures, &bram_key), &anna_key).unwrap();
        assert_eq!(incoming.network.id(), at_bram.id());
    }

    #[test]
    fn a_bundle_from_another_chapter_is_refused_and_says_which() {
        let (anna_key, bram_key, mut at_bram, _) = two_laptops();
        let anna_device = anna_key.public().to_string();
        let anna = at_bram.member_for_device(&anna_device).unwrap().unwrap();
        let signatures = signed::sign_whole_as(at_bram.doc_mut(), &[anna_key.clone(), bram_key.clone()]);
        let old_bundle = bundle(&mut at_bram, &signatures, &bram_key);

        // Anna's laptop has gone on to a second chapter; Bram's bundle is from the first.
        let dir = tempfile::tempdir().unwrap();
        let data = kring_store::DataDir::open(dir.path()).unwrap();
        let next = at_bram.start_chapter(&anna, &anna_device, &[]).unwrap();
        let mut at_anna = OpenNetwork::create(&data, next).unwrap();
        let heads = at_anna.network.heads();
        let mut incoming = read_as(&old_bundle, &anna_key).unwrap();
        let refused = merge(&mut at_anna, &mut incoming).unwrap_err();
        assert!(matches!(refused.problem, BundleProblem::OtherChapter { bundle: 1, here: 2 }), "{}", refused.problem);
        assert_eq!(at_anna.network.heads(), heads, "nothing of the old chapter came in");
    }

    #[test]
    fn only_the_laptops_of_current_members_open_a_bundle() {
        let (anna_key, bram_key, mut at_bram, _) = two_laptops();
        let stranger = SecretKey::from_bytes(&[9; 32]);
        let signatures = signed::sign_whole_as(at_bram.doc_mut(), &[anna_key.clone(), bram_key.clone()]);
        let file = bundle(&mut at_bram, &signatures, &bram_key);
        assert!(read_as(&file, &anna_key).is_ok() && read_as(&file, &bram_key).is_ok());
        assert!(matches!(read_as(&file, &stranger), Err(BundleProblem::NotForThisLaptop)));

        // Anna removes Bram: her next bundle is not for his laptop.
        let mut at_anna = at_bram.fork();
        at_anna.set_device(&anna_key.public().to_string());
        let members = at_anna.members().unwrap();
        let anna = members.values().find(|m| m.name == "Anna").unwrap().id.clone();
        let bram = members.values().find(|m| m.name == "Bram").unwrap().id.clone();
        at_anna.remove_member(&anna, &bram).unwrap();
        assert_eq!(readers(&at_anna, anna_key.public()).unwrap(), [anna_key.public()]);
        let signatures = signed::sign_whole_as(at_anna.doc_mut(), &[anna_key.clone(), bram_key.clone()]);
        let file = bundle(&mut at_anna, &signatures, &anna_key);
        assert!(read_as(&file, &anna_key).is_ok());
        assert!(matches!(read_as(&file, &bram_key), Err(BundleProblem::NotForThisLaptop)));
    }

    #[test]
    fn a_passphrase_bundle_opens_for_a_laptop_that_is_no_member_yet() {
        let (anna_key, bram_key, mut at_bram, _) = two_laptops();
        let newcomer = SecretKey::from_bytes(&[9; 32]);
        let signatures = signed::sign_whole_as(at_bram.doc_mut(), &[anna_key, bram_key]);
        let passphrase = Passphrase::new("de bus naar Leiden rijdt om negen".into());
        let file = write(&mut at_bram, &signatures, Lock::Passphrase(&passphrase));
        assert!(matches!(read_as(&file, &newcomer), Err(BundleProblem::NeedsPassphrase)));
        let wrong = Passphrase::new("de bus naar Leiden rijdt om tien".into());
        let refused = read(&file, Unlock { device: &newcomer, passphrase: Some(&wrong) });
        assert!(matches!(refused, Err(BundleProblem::WrongPassphrase)));
        let incoming = read(&file, Unlock { device: &newcomer, passphrase: Some(&passphrase) }).unwrap();
        assert_eq!(incoming.network.id(), at_bram.id());
    }

    #[test]
    fn a_bundle_with_a_change_that_breaks_the_rules_is_refused_whole() {
        let (anna_key, bram_key, mut at_bram, bram) = two_laptops();
        let me = member_obj(&mut at_bram, &bram);
        at_bram.doc_mut().put(&me, "role", "coordinator").unwrap();
        at_bram.doc_mut().commit();
        let signatures = signed::sign_whole_as(at_bram.doc_mut(), &[anna_key.clone(), bram_key]);
        let refused = read_as(&bundle(&mut at_bram, &signatures, &anna_key), &anna_key).err().unwrap();
        assert!(refused.to_string().contains("making themselves coordinator"), "{refused}");
    }

    #[test]
    fn a_bundle_with_an_unsigned_change_is_refused_whole() {
        let (anna_key, bram_key, mut at_bram, bram) = two_laptops();
        let session =
            kring_model::NewSession { title: "Casus".into(), starts_at: "2026-12-01".into(), ..Default::default() };
        at_bram.add_session(&bram, &session).unwrap();
        // Signed by Anna's key only: Bram's change carries no signature of his laptop.
        let signatures = signed::sign_whole_as(at_bram.doc_mut(), std::slice::from_ref(&anna_key));
        let refused = read_as(&bundle(&mut at_bram, &signatures, &anna_key), &anna_key).err().unwrap();
        assert!(refused.to_string().contains("no valid signature"), "{refused}");
        // ... and signed by the wrong device.
        let wrong = signed::sign_whole_as(at_bram.doc_mut(), std::slice::from_ref(&bram_key))
            .into_iter()
            .map(|s| signed::sign(&SecretKey::from_bytes(&[3; 32]), &kring_model::automerge::ChangeHash(s.change)))
            .collect::<Vec<_>>();
        assert!(read_as(&bundle(&mut at_bram, &wrong, &anna_key), &anna_key).is_err());
    }
}
