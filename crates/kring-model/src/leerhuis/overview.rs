//! One view across networks: a leerhuis's own meetings and what every linked network shared
//! with it, each with its source, by theme.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Publication;
use crate::ids::*;
use crate::snapshot::NetworkSnapshot;
use crate::vocab::PublicationKind;

/// One line of the overview.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverviewItem {
    /// `meeting` (the leerhuis's own) or the kind of publication (`question`, `session`,
    /// `reflection`).
    pub kind: String,
    /// The meeting's or the publication's id in the leerhuis.
    pub id: String,
    pub title: String,
    /// `YYYY-MM-DD`: the meeting's date, or the day it was shared.
    pub date: String,
    pub themes: BTreeSet<String>,
    pub source: Source,
}

/// Where an item of the overview comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub network: NetworkId,
    pub network_name: String,
    /// The record in that network (a meeting of the leerhuis is its own source).
    pub record: String,
    /// Which version of a shared record this is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

impl NetworkSnapshot {
    /// The publications shown: of every record a network shared, its newest version, unless
    /// that was withdrawn.
    pub fn current_publications(&self) -> Vec<&Publication> {
        let mut newest: BTreeMap<(&NetworkId, PublicationKind, &str), &Publication> = BTreeMap::new();
        for publication in self.publications.values() {
            let key = (&publication.from, publication.kind, publication.source.as_str());
            let newer = newest
                .get(&key)
                .is_none_or(|seen| (publication.version, publication.published_at) > (seen.version, seen.published_at));
            if newer {
                newest.insert(key, publication);
            }
        }
        newest.into_values().filter(|p| !p.is_withdrawn()).collect()
    }

    /// The leerhuis's meetings and the linked networks' current publications, about `theme`
    /// where one is given, newest first.
    pub fn overview(&self, theme: Option<&str>) -> Vec<OverviewItem> {
        let about = |themes: &BTreeSet<String>| theme.is_none_or(|t| themes.contains(t));
        let own = Source {
            network: self.info.id.clone(),
            network_name: self.info.name.clone(),
            record: String::new(),
            version: None,
        };
        let meetings =
            self.sessions.values().filter(|s| s.deleted_at.is_none() && about(&s.themes)).map(|s| OverviewItem {
                kind: "meeting".into(),
                id: s.id.to_string(),
                title: s.title.clone(),
                date: s.starts_at.chars().take(10).collect(),
                themes: s.themes.clone(),
                source: Source { record: s.id.to_string(), ..own.clone() },
            });
        let shared = self.current_publications().into_iter().filter(|p| about(&p.themes)).map(|p| OverviewItem {
            kind: p.kind.to_string(),
            id: p.id.to_string(),
            title: p.title.clone(),
            date: p
                .starts_at
                .as_deref()
                .map(|d| d.chars().take(10).collect())
                .unwrap_or_else(|| day_of(p.published_at)),
            themes: p.themes.clone(),
            source: Source {
                network: p.from.clone(),
                network_name: p.network_name.clone(),
                record: p.source.clone(),
                version: Some(p.version),
            },
        });
        let mut items: Vec<OverviewItem> = meetings.chain(shared).collect();
        items.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)).then_with(|| a.id.cmp(&b.id)));
        items
    }
}

/// The day (UTC) of a moment, as `YYYY-MM-DD`.
fn day_of(millis: UnixMillis) -> String {
    jiff::Timestamp::from_millisecond(millis).map(|t| t.strftime("%Y-%m-%d").to_string()).unwrap_or_default()
}
