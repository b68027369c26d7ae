//! The leerhuis: a network of networks. A leerhuis is a network of kind `leerhuis` that also
//! holds the networks linked into it (`links`, with each network's delegates: the devices that
//! act for it there) and what those networks shared with it (`publications`: copies with their
//! source, never the records themselves). A linked network records the leerhuis on its side
//! (`network/leerhuis:<id>`). This file reads both; `edit/leerhuis.rs` writes them, and the
//! trust rules (`trust/rules/leerhuis.rs`) hold every laptop to their shapes.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{AutoCommit, ObjId};
use serde::{Deserialize, Serialize};

mod circles;
mod joint;
mod overview;
mod publish;
mod report;
mod voucher;

pub use crate::error::LeerhuisError;
pub(crate) use circles::MAX_LEVELS_SET;
pub use joint::{AttendanceByNetwork, shown_count};
pub use overview::{OverviewItem, Source};
pub use publish::NewPublication;
pub use report::FactorNaming;
pub use voucher::{MAX_VOUCHER_BYTES, Voucher};

use crate::access::{self, float, int, keys, string, true_keys, uint};
use crate::ids::*;
use crate::schema::*;
use crate::vocab::*;

/// The fewest people an aggregate shared with a leerhuis may stand for, and the fewest youth
/// and parents whose attendance is shown as a number ("<5" below it): common practice for
/// minimum cell counts, so that no one's score or presence can be singled out.
pub const MIN_GROUP: u64 = 5;
/// The longest text one field of a publication may hold (a question's details, a summary).
pub const MAX_PUBLICATION_TEXT: usize = 50_000;

/// A network linked into this leerhuis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkedNetwork {
    pub id: NetworkId,
    pub name: String,
    pub linked_at: UnixMillis,
    /// The leerhuis coordinator who accepted the link.
    pub linked_by: MemberId,
    /// The devices that act for the network here (its coordinators' devices), with when each
    /// was added.
    pub delegates: BTreeMap<DeviceId, UnixMillis>,
    pub left_at: Option<UnixMillis>,
    /// The networks linked into that network in turn, as its laptop knew when linking.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub below: BTreeSet<NetworkId>,
}

impl LinkedNetwork {
    pub fn is_linked(&self) -> bool {
        self.left_at.is_none()
    }
}

/// A leerhuis this network is linked into, as the network records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeerhuisLink {
    pub id: NetworkId,
    pub name: String,
    pub linked_at: UnixMillis,
    /// This network's coordinator who linked it.
    pub linked_by: MemberId,
    pub left_at: Option<UnixMillis>,
    /// Where the leerhuis's laptops were found (as `kring connect` takes them), for members
    /// who join it with their voucher.
    #[serde(default)]
    pub peers: String,
    /// The vouchers this network's delegates issued to its members, by member.
    #[serde(default, skip_serializing)]
    pub vouchers: BTreeMap<MemberId, Vec<u8>>,
    /// The leerhuizen that leerhuis is linked into in turn, as known when linking.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub above: BTreeSet<NetworkId>,
}

/// What a linked network shared with the leerhuis: a copy as it stood when it was published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Publication {
    pub id: PublicationId,
    /// The network it came from, and that network's name then.
    pub from: NetworkId,
    pub network_name: String,
    pub kind: PublicationKind,
    /// The record it is a copy of, in the network it came from, and that network's heads then.
    pub source: String,
    pub source_heads: String,
    /// 1 for the first time a record was published, one more each time it is published again.
    pub version: u64,
    pub title: String,
    /// A question's details, or a meeting's summary written for the leerhuis.
    pub body: String,
    /// A question's insights.
    pub insights: String,
    /// A meeting's date and time.
    pub starts_at: Option<String>,
    pub themes: BTreeSet<String>,
    /// A reflection round: how many members scored, and per factor the mean, spread and n.
    pub n: Option<u64>,
    pub factors: BTreeMap<FactorId, FactorSummary>,
    /// A meeting: how many were present per perspective; a perspective in `attendance_few`
    /// had fewer than [`MIN_GROUP`] present, and is shown as "<5".
    pub attendance: BTreeMap<Perspective, u64>,
    pub attendance_few: BTreeSet<Perspective>,
    /// A question's action-research cycles.
    pub cycles: BTreeMap<CycleId, PublishedCycle>,
    pub published_by: MemberId,
    pub published_at: UnixMillis,
    pub withdrawn_at: Option<UnixMillis>,
}

impl Publication {
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn_at.is_some()
    }
}

/// One factor of a published reflection round: no one's score, only the group's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorSummary {
    pub name: String,
    pub mean: f64,
    /// The standard deviation of the scores.
    pub spread: f64,
    pub n: u64,
}

/// One action-research cycle of a published question.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PublishedCycle {
    pub started_on: String,
    pub ended_on: Option<String>,
    pub plan: String,
    pub act: String,
    pub observe: String,
    pub reflect: String,
}

/// The phases of a cycle as a publication stores them (plain text, not collaborative).
pub(crate) const CYCLE_PHASES: [&str; 4] = ["plan", "act", "observe", "reflect"];

pub(crate) fn linked_network(doc: &AutoCommit, obj: &ObjId, id: String) -> LinkedNetwork {
    LinkedNetwork {
        id: NetworkId::new(id),
        name: string(doc, obj, NAME).unwrap_or_default(),
        linked_at: int(doc, obj, LINKED_AT).unwrap_or_default(),
        linked_by: MemberId::new(string(doc, obj, LINKED_BY).unwrap_or_default()),
        delegates: access::obj(doc, obj, DELEGATES)
            .map(|d| keys(doc, &d).into_iter().filter_map(|k| int(doc, &d, &k).map(|at| (k, at))).collect())
            .unwrap_or_default(),
        left_at: int(doc, obj, LEFT_AT),
        below: id_set(doc, obj, BELOW),
    }
}

/// The ids marked in the set `key` of `obj`.
fn id_set(doc: &AutoCommit, obj: &ObjId, key: &str) -> BTreeSet<NetworkId> {
    access::obj(doc, obj, key)
        .map(|set| true_keys(doc, &set).into_iter().map(NetworkId::new).collect())
        .unwrap_or_default()
}

/// The leerhuizen a network's `network` map records (`leerhuis:<id>` records).
pub(crate) fn leerhuizen(doc: &AutoCommit, info: &ObjId) -> BTreeMap<NetworkId, LeerhuisLink> {
    keys(doc, info)
        .into_iter()
        .filter_map(|key| {
            let id = key.strip_prefix(LEERHUIS_PREFIX)?.to_string();
            let obj = access::obj(doc, info, &key)?;
            let link = LeerhuisLink {
                id: NetworkId::new(id.clone()),
                name: string(doc, &obj, NAME).unwrap_or_default(),
                linked_at: int(doc, &obj, LINKED_AT).unwrap_or_default(),
                linked_by: MemberId::new(string(doc, &obj, LINKED_BY).unwrap_or_default()),
                left_at: int(doc, &obj, LEFT_AT),
                peers: string(doc, &obj, PEERS).unwrap_or_default(),
                vouchers: access::obj(doc, &obj, VOUCHERS)
                    .map(|v| {
                        keys(doc, &v)
                            .into_iter()
                            .filter_map(|k| access::bytes(doc, &v, &k).map(|b| (MemberId::new(k), b)))
                            .collect()
                    })
                    .unwrap_or_default(),
                above: id_set(doc, &obj, ABOVE),
            };
            Some((NetworkId::new(id), link))
        })
        .collect()
}

pub(crate) fn publication(doc: &AutoCommit, obj: &ObjId, id: String) -> Publication {
    let map_of = |key: &str| access::obj(doc, obj, key);
    let perspectives = |key: &str| -> BTreeMap<Perspective, u64> {
        map_of(key)
            .map(|m| {
                keys(doc, &m)
                    .into_iter()
                    .filter_map(|k| Some((k.parse().ok()?, uint(doc, &m, &k).unwrap_or(1))))
                    .collect()
            })
            .unwrap_or_default()
    };
    let factors = map_of(FACTORS)
        .map(|m| {
            keys(doc, &m)
                .into_iter()
                .filter_map(|k| {
                    let f = access::obj(doc, &m, &k)?;
                    let summary = FactorSummary {
                        name: string(doc, &f, NAME).unwrap_or_default(),
                        mean: float(doc, &f, MEAN).unwrap_or_default(),
                        spread: float(doc, &f, SPREAD).unwrap_or_default(),
                        n: uint(doc, &f, N).unwrap_or_default(),
                    };
                    Some((FactorId::new(k), summary))
                })
                .collect()
        })
        .unwrap_or_default();
    let cycles = map_of(CYCLES)
        .map(|m| {
            keys(doc, &m)
                .into_iter()
                .filter_map(|k| {
                    let c = access::obj(doc, &m, &k)?;
                    let phase = |p: &str| string(doc, &c, p).unwrap_or_default();
                    let cycle = PublishedCycle {
                        started_on: phase(STARTED_ON),
                        ended_on: string(doc, &c, ENDED_ON),
                        plan: phase(CYCLE_PHASES[0]),
                        act: phase(CYCLE_PHASES[1]),
                        observe: phase(CYCLE_PHASES[2]),
                        reflect: phase(CYCLE_PHASES[3]),
                    };
                    Some((CycleId::new(k), cycle))
                })
                .collect()
        })
        .unwrap_or_default();
    Publication {
        id: PublicationId::new(id),
        from: NetworkId::new(string(doc, obj, FROM).unwrap_or_default()),
        network_name: string(doc, obj, NETWORK_NAME).unwrap_or_default(),
        kind: PublicationKind::from_doc(string(doc, obj, KIND).as_deref()),
        source: string(doc, obj, SOURCE).unwrap_or_default(),
        source_heads: string(doc, obj, SOURCE_HEADS).unwrap_or_default(),
        version: uint(doc, obj, VERSION).unwrap_or(1),
        title: string(doc, obj, TITLE).unwrap_or_default(),
        body: string(doc, obj, BODY).unwrap_or_default(),
        insights: string(doc, obj, INSIGHTS).unwrap_or_default(),
        starts_at: string(doc, obj, STARTS_AT),
        themes: keys(doc, obj).into_iter().filter_map(|k| k.strip_prefix(THEME_PREFIX).map(str::to_string)).collect(),
        n: uint(doc, obj, N),
        factors,
        attendance: perspectives(ATTENDANCE),
        attendance_few: map_of(ATTENDANCE_FEW)
            .map(|m| true_keys(doc, &m).into_iter().filter_map(|k| k.parse().ok()).collect())
            .unwrap_or_default(),
        cycles,
        published_by: MemberId::new(string(doc, obj, PUBLISHED_BY).unwrap_or_default()),
        published_at: int(doc, obj, PUBLISHED_AT).unwrap_or_default(),
        withdrawn_at: int(doc, obj, WITHDRAWN_AT),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The refusals name the leerhuis's own numbers (written out in `error.rs`, which this
    /// module's rules use).
    #[test]
    fn the_refusals_say_the_numbers_the_rules_use() {
        assert_eq!(MIN_GROUP, 5);
        assert!(LeerhuisError::TooFew { scored: 4 }.to_string().contains("from 5 scorers"));
        assert_eq!(MAX_PUBLICATION_TEXT, 50_000);
        assert!(LeerhuisError::TooLong.to_string().contains("50,000 characters"));
    }
}
