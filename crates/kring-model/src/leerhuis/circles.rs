//! No circles of leerhuizen. A programme is a tree (PLG → regional team → core team): a network
//! linked into a leerhuis that is, in turn, linked into that network would let each vouch for
//! the other's members without end. Each side of a link records what it knew of the levels
//! beyond the other: the leerhuis notes what lies below the network it links (`below`), the
//! network notes what lies above the leerhuis it is linked into (`above`). From its own
//! document alone a laptop then sees every level above and below it that was linked before, in
//! either order, and refuses a link that would close a circle. Links made at the same moment on
//! laptops that have not met can still close one; nothing but a laptop holding all of them could
//! tell.

use std::collections::BTreeSet;

use super::LeerhuisError;
use crate::error::Result;
use crate::ids::NetworkId;
use crate::network::Network;
use crate::schema::*;

/// The most networks one `below` or `above` set holds: programmes have a few levels of at most
/// dozens of networks.
pub(crate) const MAX_LEVELS_SET: usize = 256;

impl Network {
    /// The leerhuizen this network is linked into, directly or in turn.
    pub fn leerhuizen_above(&self) -> Result<BTreeSet<NetworkId>> {
        let linked = self.leerhuis_links()?.into_values().filter(|link| link.left_at.is_none());
        Ok(linked.flat_map(|link| std::iter::once(link.id).chain(link.above)).collect())
    }

    /// The networks linked into this leerhuis, directly or in turn (none for a network of
    /// people).
    pub fn networks_below(&self) -> Result<BTreeSet<NetworkId>> {
        let Ok(links) = self.root_map(LINKS) else { return Ok(BTreeSet::new()) };
        let linked = crate::access::keys(&self.doc, &links).into_iter().filter_map(|id| {
            let obj = crate::access::obj(&self.doc, &links, &id)?;
            Some(super::linked_network(&self.doc, &obj, id)).filter(|link| link.is_linked())
        });
        Ok(linked.flat_map(|link| std::iter::once(link.id).chain(link.below)).collect())
    }

    /// Refuses linking `below` (a network, with what lies below it) under `above` (a leerhuis,
    /// with what lies above it) if that closes a circle.
    pub(crate) fn refuse_circle(
        below: (&NetworkId, &BTreeSet<NetworkId>),
        above: (&NetworkId, &BTreeSet<NetworkId>),
    ) -> Result<()> {
        let lower = std::iter::once(below.0).chain(below.1);
        let mut upper = std::iter::once(above.0).chain(above.1);
        let lower: BTreeSet<&NetworkId> = lower.collect();
        if upper.any(|id| lower.contains(id)) {
            return Err(LeerhuisError::Cycle.into());
        }
        Ok(())
    }
}
