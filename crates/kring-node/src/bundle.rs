//! A network in one file for a USB stick, when laptops have no network at all. The file
//! format lives in the store; this writes a network with the signatures that vouch for it, and
//! reads one back only if every change in it is signed by its device and keeps the rules.

use kring_model::Network;
use kring_sync::SignatureBook;
use kring_sync::signed::Signed;
use kring_sync::untrusted::{Rejected, catch_automerge_panic};

use crate::error::BundleProblem;
use crate::networks::OpenNetwork;

/// Why a bundle was not merged. After `panicked`, the local network may be damaged in memory
/// and must be reloaded from disk, not saved.
#[derive(Debug, thiserror::Error)]
#[error("{problem}")]
pub struct MergeRefused {
    pub panicked: bool,
    pub problem: BundleProblem,
}

/// A bundle ready to write: the whole network and its devices' signatures (`signatures`, from
/// [`OpenNetwork::sign_whole`]).
pub fn write(network: &mut Network, signatures: &[Signed]) -> Vec<u8> {
    let id = network.id().to_string();
    kring_store::bundle::encode(&id, &SignatureBook::encode(signatures), &network.doc_mut().save())
}

/// A network read from a bundle, checked whole.
pub struct Incoming {
    pub network: Network,
    /// The signatures that vouched for it, accepted: kept where the network is kept.
    signatures: SignatureBook,
}

/// The network a bundle holds, or in words why it cannot be used: damaged, of an older Kring,
/// or holding a change that is unsigned or breaks the rules (nothing of it is then taken).
pub fn read(bytes: &[u8]) -> Result<Incoming, BundleProblem> {
    let bundle = kring_store::bundle::decode(bytes).map_err(BundleProblem::NotABundle)?;
    let offered = SignatureBook::decode(bundle.signatures);
    let (network, signatures) = crate::whole_network::check(bundle.document, &offered, bundle.network)?;
    Ok(Incoming { network, signatures })
}

impl Incoming {
    /// Stores the network on a laptop that did not have it.
    pub fn create(self, data: &kring_store::DataDir) -> crate::Result<OpenNetwork> {
        let mut open = OpenNetwork::create(data, self.network)?;
        open.signatures = self.signatures;
        open.persist()?;
        Ok(open)
    }
}

/// Takes everything new from `incoming` into `local`; returns how many changes were new. The
/// bundle must grow from the same beginning as the local network. After an error that says
/// Automerge panicked, `local` may be damaged and must not be saved.
pub fn merge(local: &mut OpenNetwork, incoming: &mut Incoming) -> Result<usize, MergeRefused> {
    let beginning = local.network.doc_mut().get_changes_meta(&[]).first().map(|meta| meta.hash);
    if beginning.is_some_and(|hash| incoming.network.doc_mut().get_change_meta_by_hash(&hash).is_none()) {
        return Err(MergeRefused { panicked: false, problem: BundleProblem::AnotherBeginning });
    }
    let before = local.network.heads();
    catch_automerge_panic(|| local.network.merge(&mut incoming.network)).map_err(|rejected: Rejected| {
        MergeRefused { panicked: rejected.panicked, problem: BundleProblem::MergeFailed(rejected.to_string()) }
    })?;
    local.signatures.take_accepted(&mut incoming.signatures);
    Ok(local.network.doc_mut().get_changes(&before).len())
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
        let (mut network, anna) =
            Network::create(&details, &Profile::new("Anna"), &anna_key.public().to_string()).unwrap();
        let bram_device = bram_key.public().to_string();
        let bram = network.add_member(&anna, &Profile::new("Bram"), Role::Member, Some(&bram_device)).unwrap();
        let mut at_bram = network.fork();
        at_bram.set_device(&bram_device);
        (anna_key, bram_key, at_bram, bram)
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
        let signatures = signed::sign_whole_as(at_bram.doc_mut(), &[anna_key, bram_key]);
        let incoming = read(&write(&mut at_bram, &signatures)).unwrap();
        assert_eq!(incoming.network.id(), at_bram.id());
    }

    #[test]
    fn a_bundle_with_a_change_that_breaks_the_rules_is_refused_whole() {
        let (anna_key, bram_key, mut at_bram, bram) = two_laptops();
        let me = member_obj(&mut at_bram, &bram);
        at_bram.doc_mut().put(&me, "role", "coordinator").unwrap();
        at_bram.doc_mut().commit();
        let signatures = signed::sign_whole_as(at_bram.doc_mut(), &[anna_key, bram_key]);
        let refused = read(&write(&mut at_bram, &signatures)).err().unwrap();
        assert!(refused.to_string().contains("making themselves coordinator"), "{refused}");
    }

    #[test]
    fn a_bundle_with_an_unsigned_change_is_refused_whole() {
        let (anna_key, bram_key, mut at_bram, bram) = two_laptops();
        let session =
            kring_model::NewSession { title: "Casus".into(), starts_at: "2026-12-01".into(), ..Default::default() };
        at_bram.add_session(&bram, &session).unwrap();
        // Signed by Anna's key only: Bram's change carries no signature of his laptop.
        let signatures = signed::sign_whole_as(at_bram.doc_mut(), &[anna_key]);
        let refused = read(&write(&mut at_bram, &signatures)).err().unwrap();
        assert!(refused.to_string().contains("no valid signature"), "{refused}");
        // ... and signed by the wrong device.
        let wrong = signed::sign_whole_as(at_bram.doc_mut(), std::slice::from_ref(&bram_key))
            .into_iter()
            .map(|s| signed::sign(&SecretKey::from_bytes(&[3; 32]), &kring_model::automerge::ChangeHash(s.change)))
            .collect::<Vec<_>>();
        assert!(read(&write(&mut at_bram, &wrong)).is_err());
    }
}
