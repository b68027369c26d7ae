//! Starting a network's next chapter on this laptop, and taking one from another member (see
//! `docs/chapters.md`). Both end in the same crash-safe switch on disk
//! ([`kring_store::NetworkStore::switch_chapter`]).

use std::collections::BTreeMap;

use iroh::SecretKey;
use kring_model::automerge::ChangeHash;
use kring_model::trust::RuleBook;
use kring_model::{CarriedOver, Erasure, MemberId, Network, Origins, Role};
use kring_store::OldChapter;
use kring_sync::chain::{self, ChainError, Standing};
use kring_sync::signed::Signed;
use kring_sync::{Handoff, NextChapter, SignatureBook};

use crate::carried::{Carried, CarriedInto};
use crate::error::{NodeError, Result};
use crate::open_network::OpenNetwork;
use crate::whole_network::{self, Unusable};

/// Why a chapter offered by another member is not taken.
#[derive(Debug, thiserror::Error)]
pub enum Unfit {
    #[error("its hand-offs neither lead on from this laptop's chapter nor begin one that goes on beside it")]
    NotOurs,
    #[error("its hand-offs do not hold: {0}")]
    Chain(#[from] ChainError),
    #[error("it holds {0}")]
    Unusable(#[from] Unusable),
    #[error("its first change is not the one the hand-off names")]
    OtherBeginning,
    #[error("this laptop is not a member of it")]
    NotAMember,
}

/// A chapter, checked and ready to switch to, and what becomes of the old one.
pub struct Checked {
    network: Network,
    /// The hand-offs from the network's first chapter to this one, as this laptop keeps them.
    chain: Vec<Handoff>,
    signatures: SignatureBook,
    old: OldChapter,
    /// How this laptop's offline work in the chapter it leaves is found.
    carry: Carry,
    /// What of it was carried over, once it was, and where those characters came from.
    carried: Option<CarriedInto>,
    origins: Origins,
    /// Whether `origins` holds this laptop's characters in the first change already (noted
    /// when the chapter was begun here, on the copy it was begun from, away from the lock).
    copy_noted: bool,
}

/// Where the chapter a laptop leaves stands to the one it takes.
enum Carry {
    /// The next one: the new chapter's first change records what it was copied from.
    Next,
    /// Further on: the first hand-off after the chapter left records what it was copied from.
    Skipping(BTreeMap<String, u64>),
    /// Begun beside the one left, from the same chapter: the work is all after the first change,
    /// but for these changes, which carried work the new chapter was copied with; where its
    /// own characters came from in the chapter both were begun from says the rest.
    Sibling(Vec<ChangeHash>, Origins),
}

impl Checked {
    /// The chapter this one continues.
    pub fn continues(&self) -> &str {
        self.chain.last().map_or("", |handoff| handoff.from.as_str())
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
    begin_as(&mut open.network, &open.chain, &me, key, erase, keep_history)
}

/// [`begin`] as member `me`, on any copy of the network and the chain of hand-offs that led to
/// it: the node begins a chapter on a copy ([`Network::fork`]) so that the copying, which takes
/// seconds on a network of many years, holds up no connection and no other network.
pub fn begin_as(
    network: &mut Network,
    chain: &[Handoff],
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
    let (network_id, coordinators, base) = (network.id().to_string(), coordinator_devices(&next), next.chapter_base());
    let handoff = Handoff::sign(key, &network_id, (&from.id, &to), first, coordinators, base);
    let old = match keep_history && erase.is_empty() {
        true => OldChapter::Archive { name: format!("{network_id}-{}", from.number) },
        false => OldChapter::Delete,
    };
    let chain = chain::continued(chain, &[handoff]);
    // As where the chapter is taken: without them only a chapter begun beside this one, should
    // it win, misses this laptop's text; that is no reason to refuse beginning it.
    let origins = next.own_origins(network, &device).unwrap_or_else(|err| {
        tracing::warn!("where this laptop's text in the new chapter came from is not known: {err}");
        Origins::default()
    });
    let signatures = SignatureBook::default();
    Ok(Checked { network: next, chain, signatures, old, carry: Carry::Next, carried: None, origins, copy_noted: true })
}

/// The part of [`check`] that needs only the offered chapter, done ahead with no lock held: the
/// whole chapter loaded, every change in it checked for its signature and the rules, and what
/// its first change is and who made it (a second or more on a network of years, as for a join;
/// finding the first change of a loaded document alone takes a few hundred milliseconds); and
/// where this laptop's own characters in it came from, when it is the next chapter.
pub struct CheckedAhead {
    network: String,
    offered: std::result::Result<Offered, Unfit>,
}

/// A chapter another laptop offered, as its document shows it.
struct Offered {
    network: Network,
    signatures: SignatureBook,
    /// Its first change, and the device that made it.
    first: Option<(ChangeHash, Option<String>)>,
    /// Whether this laptop's device is a member's in it.
    takes_me: bool,
    /// Where this laptop's own characters in its first change came from (see [`Origins`]),
    /// read from the chapter it continues, whose id comes first.
    origins: Option<(String, Origins)>,
}

/// Checks what of a chapter offered for `network` needs only the offer (see [`CheckedAhead`]),
/// with a copy of the network as this laptop holds it `now` (to note where its own characters
/// came from, should the offer be its next chapter).
pub fn check_ahead(network: &str, next: &NextChapter, device: &str, now: Option<Network>) -> CheckedAhead {
    let mut offered = offered(network, &next.document, &next.signatures, device);
    if let (Ok(offered), Some(mut now)) = (&mut offered, now)
        && offered.network.chapter().previous == now.chapter_id()
    {
        match offered.network.own_origins(&mut now, device) {
            Ok(origins) => offered.origins = Some((now.chapter_id(), origins)),
            Err(err) => tracing::warn!("where this laptop's text in the offered chapter came from is not known: {err}"),
        }
    }
    CheckedAhead { network: network.to_string(), offered }
}

fn offered(
    network_id: &str,
    document: &[u8],
    signatures: &[Signed],
    device: &str,
) -> std::result::Result<Offered, Unfit> {
    let (mut network, signatures) = whole_network::check(document, signatures, network_id)?;
    let first = first_change(&mut network).map(|first| {
        let made_by = network.doc_mut().get_change_by_hash(&first).map(|change| change.actor_id().clone());
        (first, made_by.and_then(|actor| kring_model::trust::device_of_actor(&actor)))
    });
    let takes_me = network.member_for_device(device).ok().flatten().is_some();
    Ok(Offered { network, signatures, first, takes_me, origins: None })
}

/// Checks a chapter that member device `from` offered for `open`, with its chain of hand-offs.
/// Either it leads on from this laptop's chapter, any number of chapters further, or it was
/// begun beside this laptop's from the same chapter and goes on ([`chain::standing`]). The
/// hand-offs from there are checked one by one ([`chain::verify`]): the first against the
/// coordinators this laptop knows of the chapter it leaves, each later one against those the
/// hand-off before declares. The chapter begins with the change the last one names, made by
/// its signer; every change in it is signed and keeps the rules (checked here, or `ahead` for
/// the same offer); and this laptop is a member.
///
/// Nothing here needs more than `open` and the offer, so it can run on a copy.
pub fn check(
    open: &mut OpenNetwork,
    next: NextChapter,
    device: &str,
    ahead: Option<CheckedAhead>,
) -> std::result::Result<Checked, Unfit> {
    let NextChapter { chain: theirs, document, signatures } = next;
    let network_id = open.network.id().to_string();
    let ours = open.network.chapter_id();
    let offered_id = theirs.last().map(|link| link.to.clone()).ok_or(Unfit::NotOurs)?;
    let (links, carry) = match chain::standing(&ours, &open.chain, &offered_id, &theirs) {
        Standing::Behind => {
            let links = chain::after(&theirs, &ours).expect("behind: their chain leaves ours");
            // Only the next chapter's first change records what it was copied from.
            let carry = match links {
                [_] => Carry::Next,
                [first, ..] => Carry::Skipping(first.base.clone()),
                [] => unreachable!("a chain that leaves a chapter holds a link"),
            };
            let signers = coordinator_devices(&open.network);
            chain::verify(links, &network_id, |signer| signers.iter().any(|d| d == signer))?;
            (links, carry)
        }
        Standing::Loses => {
            let (mine, other) = chain::fork(&open.chain, &theirs).expect("losing: the chains part");
            let (mine, parent) = (mine.clone(), other.from.clone());
            let copied_with = |carried: &&CarriedInto| {
                carried.upto.iter().all(|(actor, last)| other.base.get(actor).is_some_and(|based| based >= last))
            };
            let held = open.carried.into.iter().filter(copied_with).map(|carried| ChangeHash(carried.change)).collect();
            let links = chain::after(&theirs, &parent).expect("the link where they part");
            let signers = parent_coordinators(open, &mine).ok_or(ChainError::NoRoster(0))?;
            chain::verify(links, &network_id, |signer| signers.iter().any(|d| d == signer))?;
            (links, Carry::Sibling(held, open.carried.origins.clone()))
        }
        _ => return Err(Unfit::NotOurs),
    };
    let last = links.last().expect("verified: not empty");
    let Offered { network, signatures, first, takes_me, origins } =
        match ahead.filter(|ahead| ahead.network == network_id) {
            Some(ahead) => ahead.offered?,
            None => offered(&network_id, &document, &signatures, device)?,
        };
    let by_signer = first.as_ref().and_then(|(_, by)| by.as_deref()) == Some(last.device.as_str());
    let first = first.map(|(first, _)| first);
    if first != Some(last.first_change()) || network.chapter_id() != last.to || !by_signer {
        return Err(Unfit::OtherBeginning);
    }
    if !takes_me {
        return Err(Unfit::NotAMember);
    }
    let chain = chain::continued(&open.chain, links);
    // Noted ahead against the chapter this laptop is still on: no need to note them again.
    let noted = origins.filter(|(from, _)| *from == ours && matches!(carry, Carry::Next)).map(|(_, origins)| origins);
    Ok(Checked {
        network,
        chain,
        signatures,
        old: OldChapter::Delete,
        carry,
        carried: None,
        copy_noted: noted.is_some(),
        origins: noted.unwrap_or_default(),
    })
}

/// The coordinator devices of the chapter this laptop's branch and a sibling were both begun
/// from (the *parent*), which `mine` leaves: as the chapter `mine` began copied them, which the
/// hand-off declares ([`chain::prefer`] ranks by the same). A hand-off of an older Kring declares
/// none: then as the hand-off into the parent declares them, or, when this laptop's own chapter
/// was begun from the parent, as its first change copied them.
fn parent_coordinators(open: &mut OpenNetwork, mine: &Handoff) -> Option<Vec<String>> {
    if !mine.coordinators.is_empty() {
        return Some(mine.coordinators.clone());
    }
    let parent = mine.from.as_str();
    if let Some(link) = open.chain.iter().find(|link| link.to == parent).filter(|link| !link.coordinators.is_empty()) {
        return Some(link.coordinators.clone());
    }
    if open.network.chapter().previous != parent {
        return None;
    }
    let first = first_change(&mut open.network)?;
    let copied = Network::from_doc(open.network.doc_mut().fork_at(&[first]).ok()?).ok()?;
    Some(coordinator_devices(&copied))
}

/// The devices of `network`'s coordinators that are not removed, each device only for the
/// member its proofs make it (never the first record listing it).
fn coordinator_devices(network: &Network) -> Vec<String> {
    let Ok(members) = network.members() else { return Vec::new() };
    let coordinators = members.iter().filter(|(_, member)| member.role == Role::Coordinator && member.is_current());
    coordinators
        .flat_map(|(id, member)| member.devices.keys().filter(move |device| is_of(network, device, id)).cloned())
        .collect()
}

fn is_of(network: &Network, device: &str, member: &kring_model::MemberId) -> bool {
    network.member_for_device(device).ok().flatten().as_ref() == Some(member)
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
    let mut carried = match &checked.carry {
        Carry::Next => trial.carry_over(old, device, &me)?,
        Carry::Skipping(base) => trial.carry_over_from(old, base, device, &me)?,
        Carry::Sibling(held, origins) => trial.carry_over_from_sibling(old, device, &me, held, origins)?,
    };
    if carried.values + carried.texts == 0 {
        return Ok(carried);
    }
    let change = trial.doc_mut().get_last_local_change();
    let hash = change.as_ref().map(|change| change.hash());
    let accepted = change.is_some_and(|change| RuleBook::default().check(trial.doc_mut(), &[change], false).is_ok());
    if accepted {
        *new = trial;
        let upto = own_last_changes(old, device);
        checked.carried = hash.map(|hash| CarriedInto { change: hash.0, upto });
        checked.origins.extend(&carried.origins);
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
pub(crate) fn switch_without_view(mut open: OpenNetwork, mut checked: Checked, device: &str) -> Result<OpenNetwork> {
    if matches!(checked.carry, Carry::Next) && !checked.copy_noted {
        // Only the chapter this one was begun from can say; it is gone after the switch.
        match checked.network.own_origins(&mut open.network, device) {
            Ok(own) => checked.origins.extend(&own),
            Err(err) => tracing::warn!("where this laptop's text in the new chapter came from is not known: {err}"),
        }
    }
    let carried = Carried { into: checked.carried.into_iter().collect(), origins: checked.origins };
    let chain = chain::encode(&checked.chain);
    let store =
        open.store.switch_chapter(checked.network.doc_mut(), Some(&chain), Some(&carried.encode()), &checked.old)?;
    let mut switched = OpenNetwork::new(checked.network, store, device);
    switched.signatures.take_accepted(&mut checked.signatures);
    switched.persist()?;
    Ok(switched)
}

/// What a member on a chapter this laptop's goes on from, or wins against, needs: this
/// laptop's chain, and its whole chapter with its signatures. `None` before a first hand-off.
pub fn way(open: &mut OpenNetwork, key: &SecretKey) -> Option<NextChapter> {
    if open.chain.is_empty() {
        return None;
    }
    let document = kring_store::save_checked(open.network.doc_mut());
    let signatures: Vec<Signed> = open.sign_whole(key)?;
    Some(NextChapter { chain: open.chain.clone(), document, signatures })
}

/// Keeps the chain of hand-offs the laptop that let this one in (a join, a second device of a
/// member) gave with the network, if it holds together and leads to the chapter given. Its
/// first hand-off cannot be checked here (this laptop never held an earlier chapter): the
/// inviting laptop is trusted for it as for the whole network. A chain that does not hold is
/// left out: this laptop then shows no one the way until it switches itself.
pub(crate) fn keep_given_chain(open: &mut OpenNetwork, chain: Vec<Handoff>) -> Result<()> {
    let Some(last) = chain.last() else { return Ok(()) };
    let network = open.network.id().to_string();
    let leads_here =
        last.to == open.network.chapter_id() && first_change(&mut open.network) == Some(last.first_change());
    match chain::verify(&chain, &network, |_| true) {
        Ok(()) if leads_here => {
            open.store.write_chain(&chain::encode(&chain))?;
            open.chain = chain;
        }
        Ok(()) => tracing::warn!("network {network}: the hand-offs given with it lead to another chapter; not kept"),
        Err(why) => tracing::warn!("network {network}: the hand-offs given with it do not hold ({why}); not kept"),
    }
    Ok(())
}

/// Per actor of `device` in `network`, the last of its changes.
fn own_last_changes(network: &mut Network, device: &str) -> BTreeMap<String, u64> {
    let mut last = BTreeMap::new();
    for meta in network.doc_mut().get_changes_meta(&[]) {
        if kring_model::trust::device_of_actor(&meta.actor).as_deref() == Some(device) {
            let seq = last.entry(meta.actor.to_hex_string()).or_insert(0);
            *seq = (*seq).max(meta.seq);
        }
    }
    last
}

/// The hash of a chapter's first change: the one change with no history.
fn first_change(network: &mut Network) -> Option<ChangeHash> {
    network.doc_mut().get_changes_meta(&[]).into_iter().find(|meta| meta.deps.is_empty()).map(|meta| meta.hash)
}
