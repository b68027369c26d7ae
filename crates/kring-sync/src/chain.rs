//! The chain of hand-offs a laptop keeps, from the network's first chapter to the one it is on
//! (see `docs/chapters.md`). Hand-offs hold no content, so the chain holds nothing a chapter
//! erased. Two laptops on different chapters compare their chains: one leads from the other's
//! chapter (the one behind takes it, hand-off by hand-off), or both were begun from the same
//! chapter (the one [`prefer`] ranks first goes on, the same on every laptop).

use std::cmp::Ordering;

use crate::chapter::Handoff;

/// Where this laptop's chapter stands against a peer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Same,
    /// This laptop came from the peer's chapter: it shows the way.
    Ahead,
    /// The peer came from this laptop's chapter.
    Behind,
    /// Both were begun from one chapter, and this laptop's branch goes on.
    Wins,
    /// Both were begun from one chapter, and the peer's branch goes on.
    Loses,
    /// Nothing in the chains ties them (a chain an older Kring kept starts at a later chapter).
    Unrelated,
}

/// Why a chain of hand-offs is not taken. Each names the link (counted from 0).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("it holds no hand-off")]
    Empty,
    #[error("hand-off {0} is for another network or is not signed as it reads")]
    Tampered(usize),
    #[error("hand-off {0} does not lead from the chapter the one before it began")]
    OutOfOrder(usize),
    #[error("hand-off {0} is not signed by a coordinator of the chapter it leaves")]
    NotByCoordinator(usize),
    #[error("hand-off {0} leaves a chapter whose coordinators this laptop cannot know")]
    NoRoster(usize),
}

/// Compares this laptop's chapter `ours`, reached by `our_chain`, with a peer's.
pub fn standing(ours: &str, our_chain: &[Handoff], theirs: &str, their_chain: &[Handoff]) -> Standing {
    if ours == theirs {
        Standing::Same
    } else if after(our_chain, theirs).is_some() {
        Standing::Ahead
    } else if after(their_chain, ours).is_some() {
        Standing::Behind
    } else {
        match fork(our_chain, their_chain) {
            Some((mine, other)) if prefer(mine, other) == Ordering::Less => Standing::Wins,
            Some(_) => Standing::Loses,
            None => Standing::Unrelated,
        }
    }
}

/// The links of `chain` from the one that leaves `chapter` on, if it passes through it.
pub fn after<'a>(chain: &'a [Handoff], chapter: &str) -> Option<&'a [Handoff]> {
    chain.iter().position(|link| link.from == chapter).map(|at| &chain[at..])
}

/// Where two chains part: the first link of each that leaves the same chapter for another.
pub fn fork<'a>(ours: &'a [Handoff], theirs: &'a [Handoff]) -> Option<(&'a Handoff, &'a Handoff)> {
    ours.iter().find_map(|mine| {
        theirs.iter().find(|other| other.from == mine.from && other.to != mine.to).map(|other| (mine, other))
    })
}

/// Of two chapters begun from the same one, which goes on (`Less`: `a`). First the one whose
/// signer the other hand-off declares a coordinator too: the laptops on the other chapter check
/// it against those very coordinators, and a coordinator the other one demoted (or removed)
/// before beginning is not among them. Then the one copied from more of the old chapter's
/// changes (less work to carry over), then the smaller id. Every laptop computes it from the
/// two hand-offs alone.
pub fn prefer(a: &Handoff, b: &Handoff) -> Ordering {
    let acknowledged = |link: &Handoff, by: &Handoff| by.coordinators.is_empty() || by.declares(&link.device);
    (acknowledged(b, a).cmp(&acknowledged(a, b)))
        .then_with(|| b.base_changes().cmp(&a.base_changes()))
        .then_with(|| a.to.cmp(&b.to))
}

/// Checks `links`, which lead from a chapter this laptop knows to the one it is offered: each
/// is signed as it reads and for `network`, each leaves the chapter the one before began, the
/// first is signed by a device `first_signer` accepts (a coordinator of the chapter this laptop
/// has, as it knows it), and every later one by a device the one before declares.
pub fn verify(links: &[Handoff], network: &str, first_signer: impl FnOnce(&str) -> bool) -> Result<(), ChainError> {
    let Some(first) = links.first() else { return Err(ChainError::Empty) };
    for (at, link) in links.iter().enumerate() {
        if link.network != network || !link.verifies() {
            return Err(ChainError::Tampered(at));
        }
    }
    if !first_signer(&first.device) {
        return Err(ChainError::NotByCoordinator(0));
    }
    for (at, pair) in links.windows(2).enumerate() {
        let (before, link) = (&pair[0], &pair[1]);
        if link.from != before.to {
            return Err(ChainError::OutOfOrder(at + 1));
        }
        if before.coordinators.is_empty() {
            return Err(ChainError::NoRoster(at + 1));
        }
        if !before.declares(&link.device) {
            return Err(ChainError::NotByCoordinator(at + 1));
        }
    }
    Ok(())
}

/// This laptop's chain once it takes `links`: its own hand-offs up to the chapter the first of
/// them leaves, then those.
pub fn continued(ours: &[Handoff], links: &[Handoff]) -> Vec<Handoff> {
    let from = links.first().map(|link| link.from.as_str());
    let kept = ours.iter().position(|link| Some(link.from.as_str()) == from).unwrap_or(ours.len());
    ours[..kept].iter().chain(links).cloned().collect()
}

/// The chain as it is kept on disk (`handoffs.bin`).
pub fn encode(chain: &[Handoff]) -> Vec<u8> {
    postcard::to_stdvec(chain).expect("a chain always serialises")
}

/// `None` if the bytes are not a chain.
pub fn decode(bytes: &[u8]) -> Option<Vec<Handoff>> {
    postcard::from_bytes(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ChangeHash;
    use iroh_base::SecretKey;
    use std::collections::BTreeMap;

    fn key(n: u8) -> SecretKey {
        SecretKey::from_bytes(&[n; 32])
    }

    fn device(n: u8) -> String {
        key(n).public().to_string()
    }

    /// Coordinator `by` hands "net" over from `from` to `to`, declaring `next` to lead it.
    fn link(by: u8, from: &str, to: &str, next: &[u8], base: u64) -> Handoff {
        let coordinators = next.iter().map(|&n| device(n)).collect();
        let base = BTreeMap::from([("actor".to_string(), base)]);
        Handoff::sign(&key(by), "net", (from, to), ChangeHash([to.len() as u8; 32]), coordinators, base)
    }

    /// Anna (1) begins chapter 2 handing it to Bert (2), who begins 3 with Cor (3), who begins 4.
    fn chain() -> Vec<Handoff> {
        vec![link(1, "", "two", &[1, 2], 10), link(2, "two", "three", &[3], 4), link(3, "three", "four", &[3], 2)]
    }

    fn by_anna(device: &str) -> bool {
        device == self::device(1)
    }

    #[test]
    fn a_chain_verifies_hand_off_by_hand_off() {
        let chain = chain();
        assert_eq!(verify(&chain, "net", by_anna), Ok(()));
        // From the middle: the first link is checked against what the laptop knows.
        assert_eq!(verify(&chain[1..], "net", |d| d == device(2)), Ok(()));
        assert_eq!(verify(&[], "net", by_anna), Err(ChainError::Empty));
        assert_eq!(verify(&chain, "other", by_anna), Err(ChainError::Tampered(0)));
    }

    #[test]
    fn a_tampered_link_is_refused() {
        let mut chain = chain();
        chain[1].coordinators.push(device(9));
        assert_eq!(verify(&chain, "net", by_anna), Err(ChainError::Tampered(1)));
        let mut chain = self::chain();
        chain[2].to = "elsewhere".into();
        assert_eq!(verify(&chain, "net", by_anna), Err(ChainError::Tampered(2)));
    }

    #[test]
    fn links_in_the_wrong_order_or_missing_are_refused() {
        let chain = chain();
        let swapped = [chain[0].clone(), chain[2].clone(), chain[1].clone()];
        assert_eq!(verify(&swapped, "net", by_anna), Err(ChainError::OutOfOrder(1)));
        let missing = [chain[0].clone(), chain[2].clone()];
        assert_eq!(verify(&missing, "net", by_anna), Err(ChainError::OutOfOrder(1)));
    }

    #[test]
    fn a_signer_the_link_before_does_not_declare_is_refused() {
        // Dirk (4) signs on from chapter 3, which Bert handed to Cor alone.
        let chain = [chain()[..2].to_vec(), vec![link(4, "three", "four", &[4], 2)]].concat();
        assert_eq!(verify(&chain, "net", by_anna), Err(ChainError::NotByCoordinator(2)));
        // And the first link by someone the laptop does not know as a coordinator.
        assert_eq!(verify(&self::chain(), "net", |d| d == device(2)), Err(ChainError::NotByCoordinator(0)));
        // A link that declares no one (an older Kring's) cannot vouch for the next.
        let mut old = self::chain();
        old[0] = link(1, "", "two", &[], 0);
        assert_eq!(verify(&old, "net", by_anna), Err(ChainError::NoRoster(1)));
    }

    #[test]
    fn two_laptops_agree_on_where_they_stand() {
        let chain = chain();
        assert_eq!(standing("four", &chain, "two", &chain[..1]), Standing::Ahead);
        assert_eq!(standing("two", &chain[..1], "four", &chain), Standing::Behind);
        assert_eq!(standing("", &[], "four", &chain), Standing::Behind);
        assert_eq!(standing("four", &chain, "four", &chain), Standing::Same);
        // Bert and Cor both began a chapter from "three"; the one copied from more goes on.
        let bert = [chain[..2].to_vec(), vec![link(2, "three", "four-b", &[2], 3)]].concat();
        assert_eq!(standing("four-b", &bert, "four", &chain), Standing::Wins);
        assert_eq!(standing("four", &chain, "four-b", &bert), Standing::Loses);
        // With as many, the smaller id; and further chapters on a branch do not change it.
        let even = [chain[..2].to_vec(), vec![link(2, "three", "a", &[2], 2), link(2, "a", "b", &[2], 9)]].concat();
        assert_eq!(standing("b", &even, "four", &chain), Standing::Wins);
        assert_eq!(standing("four", &chain, "b", &even), Standing::Loses);
        assert_eq!(standing("x", &[], "four", &chain), Standing::Unrelated);
    }

    #[test]
    fn a_chapter_begun_by_a_coordinator_the_other_does_not_declare_does_not_go_on() {
        // Bert (2) demoted Anna (1) and began "bert" leading alone; Anna, not knowing, began
        // "anna", copied from more changes, with both of them.
        let anna = link(1, "", "anna", &[1, 2], 9);
        let bert = link(2, "", "bert", &[2], 3);
        assert_eq!(prefer(&bert, &anna), Ordering::Less);
        assert_eq!(standing("anna", std::slice::from_ref(&anna), "bert", std::slice::from_ref(&bert)), Standing::Loses);
        // Each excluded the other: back to the number of changes.
        let anna = link(1, "", "anna", &[1], 9);
        assert_eq!(prefer(&anna, &bert), Ordering::Less);
    }

    #[test]
    fn a_chain_taken_keeps_this_laptops_links_up_to_where_it_parts() {
        let chain = chain();
        assert_eq!(continued(&chain[..1], &chain[1..]), chain);
        let other = link(2, "two", "three-b", &[2], 4);
        assert_eq!(continued(&chain, std::slice::from_ref(&other)), vec![chain[0].clone(), other]);
        assert_eq!(decode(&encode(&chain)), Some(chain));
        assert_eq!(decode(b"\xff"), None);
    }
}
