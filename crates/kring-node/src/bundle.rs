//! A network in one file for a USB stick, when laptops have no network at all. The file
//! format lives in the store; this reads and checks a bundle's network and merges it in.

use kring_model::Network;
use kring_model::automerge::AutoCommit;
use kring_sync::untrusted::{Rejected, catch_automerge_panic};

/// A bundle ready to write: the whole network, compressed.
pub fn write(network: &mut Network) -> Vec<u8> {
    let id = network.id().to_string();
    kring_store::bundle::encode(&id, &network.doc_mut().save())
}

/// The network a bundle holds, or in words why it cannot be used.
pub fn read(bytes: &[u8]) -> Result<Network, String> {
    let (id, document) = kring_store::bundle::decode(bytes)?;
    let doc = catch_automerge_panic(|| AutoCommit::load(document))
        .map_err(|err| format!("it holds a damaged network ({err})"))?;
    let network = Network::from_doc(doc).map_err(|err| format!("it holds no usable network ({err})"))?;
    if network.id().as_str() != id {
        return Err(format!("it is labelled {id} but holds network {}", network.id()));
    }
    Ok(network)
}

/// Takes everything new from `incoming` into `local`; returns how many changes were new.
/// After an error that says Automerge panicked, `local` may be damaged and must not be saved.
pub fn merge(local: &mut Network, incoming: &mut Network) -> Result<usize, Rejected> {
    let before = local.heads();
    catch_automerge_panic(|| local.merge(incoming))?;
    Ok(local.doc_mut().get_changes(&before).len())
}
