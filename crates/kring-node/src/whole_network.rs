//! A whole network received from another laptop — the inviter's answer to a join, or a bundle
//! from a USB stick — checked before anything of it is kept: it loads, it is the network it
//! claims to be, and every change in it, from the very first, carries its laptop's signature and
//! keeps the rules.

use kring_model::Network;
use kring_model::automerge::AutoCommit;
use kring_model::declared::{self, Limits, Refused};
use kring_model::trust::RuleBook;
use kring_sync::signed::{self, Signed};
use kring_sync::untrusted::catch_automerge_panic;
use kring_sync::{Distrust, SignatureBook};

/// Why a received network is not taken.
#[derive(Debug, thiserror::Error)]
pub enum Unusable {
    #[error("a damaged network ({0})")]
    Damaged(String),
    #[error("no usable network ({0})")]
    NotANetwork(String),
    #[error("network {found} instead of {expected}")]
    OtherNetwork { expected: String, found: String },
    #[error("a change Kring refuses: {0}")]
    Refused(#[from] Distrust),
    /// It declares more than a network can hold (bytes unpacked, operations or changes):
    /// refused from its column headers, before Automerge made room for any of it.
    #[error("more than a network can hold: {0}")]
    TooLarge(Refused),
}

/// The network in `document`, which must be `expected`, with the signatures that vouch for it
/// (accepted, to be kept with it).
pub(crate) fn check(
    document: &[u8],
    signatures: &[Signed],
    expected: &str,
) -> Result<(Network, SignatureBook), Unusable> {
    // Automerge makes room for every operation a document declares before it reads one: a
    // few KB of run headers can declare millions. Counted first, keeping nothing.
    declared::count(document, &Limits::NETWORK).map_err(|refused| match refused {
        Refused::Malformed(why) => Unusable::Damaged(why.to_string()),
        too_much => Unusable::TooLarge(too_much),
    })?;
    let doc = catch_automerge_panic(|| AutoCommit::load(document)).map_err(|err| Unusable::Damaged(err.to_string()))?;
    let mut network = Network::from_doc(doc).map_err(|err| Unusable::NotANetwork(err.to_string()))?;
    if network.id().as_str() != expected {
        return Err(Unusable::OtherNetwork { expected: expected.to_string(), found: network.id().to_string() });
    }
    let mut book = SignatureBook::default();
    book.offer(signatures);
    let all = signed::changes_since(network.doc_mut(), &[]);
    signed::verify_batch(network.doc_mut(), &all, &mut book, &mut RuleBook::default(), true)?;
    Ok((network, book))
}

#[cfg(test)]
mod tests {
    use iroh::SecretKey;
    use kring_model::trust::Breach;
    use kring_model::{NetworkDetails, Profile};
    use kring_sync::signed::sign_whole_as;

    use super::*;

    fn founded(key: &SecretKey, name: &str) -> Network {
        let details = NetworkDetails { name: name.into(), ..Default::default() };
        Network::create(&details, &Profile::new("Anna"), key.as_signing_key()).unwrap().0
    }

    #[test]
    fn a_signed_network_that_keeps_the_rules_is_taken() {
        let key = SecretKey::from_bytes(&[1; 32]);
        let mut network = founded(&key, "PLG");
        let signatures = sign_whole_as(network.doc_mut(), std::slice::from_ref(&key));
        let (taken, _) = check(&network.doc_mut().save(), &signatures, network.id().as_str()).unwrap();
        assert_eq!(taken.id(), network.id());
    }

    #[test]
    fn another_network_a_damaged_one_and_unsigned_changes_are_refused() {
        let key = SecretKey::from_bytes(&[1; 32]);
        let mut network = founded(&key, "PLG");
        let document = network.doc_mut().save();
        let signatures = sign_whole_as(network.doc_mut(), std::slice::from_ref(&key));
        assert!(matches!(check(&document, &signatures, "another-network"), Err(Unusable::OtherNetwork { .. })));
        assert!(matches!(
            check(&document[..document.len() / 2], &signatures, network.id().as_str()),
            Err(Unusable::Damaged(_))
        ));
        let unsigned = check(&document, &[], network.id().as_str());
        assert!(matches!(unsigned, Err(Unusable::Refused(Distrust::Unsigned { .. }))), "{:?}", unsigned.err());
    }

    #[test]
    fn a_network_with_a_second_beginning_is_refused() {
        // Both beginnings are signed by the same laptop: only the rule stops the second.
        let key = SecretKey::from_bytes(&[1; 32]);
        let mut network = founded(&key, "PLG");
        let mut other = founded(&key, "Overname");
        network.doc_mut().merge(other.doc_mut()).unwrap();
        let signatures = sign_whole_as(network.doc_mut(), std::slice::from_ref(&key));
        let document = network.doc_mut().save();
        // Which of the two network ids the merged document shows depends on Automerge's order.
        let shown = Network::from_doc(AutoCommit::load(&document).unwrap()).unwrap().id().to_string();
        match check(&document, &signatures, &shown) {
            Err(Unusable::Refused(Distrust::Rules(refusal))) => assert_eq!(refusal.breach, Breach::Genesis),
            other => panic!("{:?}", other.map(|_| ())),
        }
    }
}
