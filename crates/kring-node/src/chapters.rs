//! Starting a network's next chapter on this laptop, and taking one from another member (see
//! `docs/chapters.md`). Both end in the same crash-safe switch on disk
//! ([`kring_store::NetworkStore::switch_chapter`]).

use iroh::SecretKey;
use kring_model::automerge::ChangeHash;
use kring_model::trust::RuleBook;
use kring_model::{CarriedOver, Erasure, MemberId, Network, Role};
use kring_store::OldChapter;
use kring_sync::signed::Signed;
use kring_sync::{Handoff, NextChapter, SignatureBook};

use crate::error::{NodeError, Result};
use crate::networks::OpenNetwork;
use crate::whole_network::{self, Unusable};

/// Why a next chapter offered by another member is not taken.
#[derive(Debug, thiserror::Error)]
pub enum Unfit {
    #[error("its hand-off is for another network or chapter")]
    NotOurs,
    #[error("its hand-off is not signed by a device of a current coordinator")]
    NotByCoordinator,
    #[error("it holds {0}")]
    Unusable(#[from] Unusable),
    #[error("its first change is not the one the hand-off names")]
    OtherBeginning,
    #[error("this laptop is not a member of it")]
    NotAMember,
}

/// A next chapter, checked and ready to switch to, and what becomes of the old one.
pub struct Checked {
    network: Network,
    handoff: Handoff,
    signatures: SignatureBook,
    old: OldChapter,
}

impl Checked {
    /// The chapter this one continues.
    pub fn continues(&self) -> &str {
        &self.handoff.from
    }
}

/// Begins the next chapter of `open` as the coordinator this laptop is, without `erase`, and
/// switches to it. The old chapter is deleted, or archived when `keep_history` is asked and
/// nothing was erased.
pub fn start(mut open: OpenNetwork, key: &SecretKey, erase: &[Erasure], keep_history: bool) -> Result<OpenNetwork> {
    let begun = begin(&mut open, key, erase, keep_history)?;
    switch(open, begun, &key.public().to_string())
}

/// The next chapter of `open`, begun as [`start`] does, not yet switched to: whatever is
/// refused (not a coordinator, nothing to erase there) leaves `open` as it was.
pub fn begin(open: &mut OpenNetwork, key: &SecretKey, erase: &[Erasure], keep_history: bool) -> Result<Checked> {
    let me = open.member_for_device(&key.public().to_string())?.ok_or(NodeError::NotAMember)?;
    begin_as(&mut open.network, &me, key, erase, keep_history)
}

/// [`begin`] as member `me`, on any copy of the network: the node begins a chapter on a copy
/// ([`Network::fork`]) so that the copying, which takes seconds on a network of many years,
/// holds up no connection and no other network.
pub fn begin_as(
    network: &mut Network,
    me: &MemberId,
    key: &SecretKey,
    erase: &[Erasure],
    keep_history: bool,
) -> Result<Checked> {
    let device = key.public().to_string();
    let from = network.chapter();
    let mut next = network.start_chapter(me, &device, erase)?;
    let to = next.chapter_id();
    let first = first_change(&mut next).expect("a chapter just begun has its first change");
    let handoff = Handoff::sign(key, network.id().as_str(), &from.id, &to, first);
    let old = match keep_history && erase.is_empty() {
        true => OldChapter::Archive { name: format!("{}-{}", network.id(), from.number) },
        false => OldChapter::Delete,
    };
    Ok(Checked { network: next, handoff, signatures: SignatureBook::default(), old })
}

/// The long part of [`check`], done ahead with no lock held: the whole chapter loaded, and every
/// change in it checked for its signature and the rules (a second or more on a network of
/// years, as for a join).
pub struct CheckedAhead {
    network: String,
    whole: std::result::Result<(Network, SignatureBook), Unusable>,
}

/// Checks the whole of a next chapter offered for `network` (see [`CheckedAhead`]).
pub fn check_ahead(network: &str, next: &NextChapter) -> CheckedAhead {
    let whole = whole_network::check(&next.document, &next.signatures, network);
    CheckedAhead { network: network.to_string(), whole }
}

impl CheckedAhead {
    pub fn network(&self) -> &str {
        &self.network
    }
}

/// Checks a next chapter that member device `from` offered for `open`: the hand-off leads from
/// the chapter this laptop is on, and is signed by a device of a coordinator of it; the
/// chapter begins with the change it names, made by that device; every change in it is signed
/// and keeps the rules (checked here, or `ahead` for the same offer); and this laptop is a
/// member of it.
pub fn check(
    open: &mut OpenNetwork,
    next: NextChapter,
    device: &str,
    ahead: Option<CheckedAhead>,
) -> std::result::Result<Checked, Unfit> {
    let NextChapter { handoff, document, signatures } = next;
    let network_id = open.network.id().to_string();
    if handoff.network != network_id || handoff.from != open.network.chapter_id() || !handoff.verifies() {
        return Err(Unfit::NotOurs);
    }
    // The member the signing device belongs to by its proofs, never the first record listing it.
    let signer = open
        .network
        .member_for_device(&handoff.device)
        .ok()
        .flatten()
        .and_then(|member| open.network.members().ok().and_then(|mut members| members.remove(&member)));
    if signer.is_none_or(|member| member.role != Role::Coordinator) {
        return Err(Unfit::NotByCoordinator);
    }
    let (mut network, signatures) = match ahead.filter(|ahead| ahead.network == network_id) {
        Some(ahead) => ahead.whole?,
        None => whole_network::check(&document, &signatures, &network_id)?,
    };
    let first = first_change(&mut network);
    let made_by = first.and_then(|first| network.doc_mut().get_change_by_hash(&first).map(|c| c.actor_id().clone()));
    let by_signer =
        made_by.and_then(|actor| kring_model::trust::device_of_actor(&actor)) == Some(handoff.device.clone());
    if first != Some(handoff.first_change()) || network.chapter_id() != handoff.to || !by_signer {
        return Err(Unfit::OtherBeginning);
    }
    if network.member_for_device(device).ok().flatten().is_none() {
        return Err(Unfit::NotAMember);
    }
    Ok(Checked { network, handoff, signatures, old: OldChapter::Delete })
}

/// Switches `open` to a checked chapter another member gave, carrying this laptop's offline
/// work in the old chapter over into it (see [`carry_over`]); says how much.
pub fn take(mut open: OpenNetwork, mut checked: Checked, device: &str) -> Result<(OpenNetwork, CarriedOver)> {
    let carried = carry_over(&mut open, &mut checked, device)?;
    Ok((switch(open, checked, device)?, carried))
}

/// Writes `device`'s offline work in `open` (the old chapter) again in the checked new one
/// (see [`Network::carry_over`]), on a trial copy first: a change that other laptops' rules
/// would refuse (the member was made a regular member meanwhile, say) would cost this laptop
/// every sync, so then nothing is carried over. `open` is left as it was.
pub fn carry_over(open: &mut OpenNetwork, checked: &mut Checked, device: &str) -> Result<CarriedOver> {
    let Some(me) = open.member_for_device(device)? else { return Ok(CarriedOver::default()) };
    let (old, new) = (&mut open.network, &mut checked.network);
    let mut trial = new.fork();
    trial.set_device(device);
    let mut carried = trial.carry_over(old, device, &me)?;
    if carried.values + carried.texts == 0 {
        return Ok(carried);
    }
    let change = trial.doc_mut().get_last_local_change();
    let accepted = change.is_some_and(|change| RuleBook::default().check(trial.doc_mut(), &[change], false).is_ok());
    if accepted {
        *new = trial;
    } else {
        tracing::warn!("offline work could not be carried into the new chapter: it breaks the network's rules there");
        carried.left_out += carried.values + carried.texts;
        carried.values = 0;
        carried.texts = 0;
        carried.displaced = 0;
    }
    if carried.changes > 0 {
        tracing::info!(?carried, "offline work carried into the new chapter");
    }
    Ok(carried)
}

/// Switches `open` to the checked chapter, on disk first (see
/// [`kring_store::NetworkStore::switch_chapter`]), and keeps its first view.
pub fn switch(open: OpenNetwork, checked: Checked, device: &str) -> Result<OpenNetwork> {
    let switched = switch_without_view(open, checked, device)?;
    crate::client::first_paint::keep_new(&switched.store, &switched.network, device);
    Ok(switched)
}

/// [`switch`], leaving the first view to keep to the caller: reading the whole network for it
/// takes as long as a snapshot, which the node does not do under its lock.
pub(crate) fn switch_without_view(open: OpenNetwork, mut checked: Checked, device: &str) -> Result<OpenNetwork> {
    let handoff = checked.handoff.encode();
    let store = open.store.switch_chapter(checked.network.doc_mut(), Some(&handoff), &checked.old)?;
    let mut switched = OpenNetwork::new(checked.network, store, device);
    switched.signatures.take_accepted(&mut checked.signatures);
    switched.persist()?;
    Ok(switched)
}

/// What a member still on the chapter this laptop came from needs: the hand-off, and the
/// whole chapter with its signatures.
pub fn way_from(open: &mut OpenNetwork, key: &SecretKey, behind: &str) -> Option<NextChapter> {
    let handoff = open.handoff.clone().filter(|handoff| handoff.from == behind)?;
    let document = kring_store::save_checked(open.network.doc_mut());
    let signatures: Vec<Signed> = open.sign_whole(key)?;
    Some(NextChapter { handoff, document, signatures })
}

/// The hash of a chapter's first change: the one change with no history.
fn first_change(network: &mut Network) -> Option<ChangeHash> {
    network.doc_mut().get_changes_meta(&[]).into_iter().find(|meta| meta.deps.is_empty()).map(|meta| meta.hash)
}
