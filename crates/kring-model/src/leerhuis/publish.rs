//! What a network shares with a leerhuis, made from the network's own records: a copy written
//! for the purpose, never the record. The privacy rules are applied here, where the network's
//! data is, and checked again by every leerhuis laptop on the shape that arrives (see
//! `trust/rules/leerhuis.rs`): a reflection round only as per-factor mean, spread and n of at
//! least five people, never names, member ids or comments; youth and parents present at a
//! meeting as a number only from five on.

use std::collections::{BTreeMap, BTreeSet};

use automerge::ChangeHash;

use super::{FactorSummary, LeerhuisError, MAX_PUBLICATION_TEXT, MIN_GROUP, PublishedCycle};
use crate::error::{ModelError, Result};
use crate::ids::*;
use crate::snapshot::NetworkSnapshot;
use crate::vocab::*;

/// A publication about to be written into a leerhuis (see [`crate::leerhuis::Publication`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewPublication {
    pub from: NetworkId,
    pub network_name: String,
    pub kind: PublicationKind,
    pub source: String,
    pub source_heads: String,
    pub title: String,
    pub body: String,
    pub insights: String,
    pub starts_at: Option<String>,
    pub themes: BTreeSet<String>,
    pub n: Option<u64>,
    pub factors: BTreeMap<FactorId, FactorSummary>,
    pub attendance: BTreeMap<Perspective, u64>,
    pub attendance_few: BTreeSet<Perspective>,
    pub cycles: BTreeMap<CycleId, PublishedCycle>,
}

/// The heads a copy was made at, as a publication stores them (hex, comma-separated; so many
/// that they would not fit are cut: they only say where to look).
fn heads_text(heads: &[ChangeHash]) -> String {
    heads.iter().take(70).map(ChangeHash::to_string).collect::<Vec<_>>().join(",")
}

fn bounded(text: &str) -> Result<String> {
    let text = text.trim();
    if text.chars().count() > MAX_PUBLICATION_TEXT {
        return Err(ModelError::Leerhuis(LeerhuisError::TooLong));
    }
    Ok(text.to_string())
}

/// Two decimals: what a report shows, and no more digits than the scores can carry.
fn rounded(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

impl NetworkSnapshot {
    fn publication_base(&self, kind: PublicationKind, source: &str, heads: &[ChangeHash]) -> NewPublication {
        NewPublication {
            from: self.info.id.clone(),
            network_name: self.info.name.clone(),
            kind,
            source: source.to_string(),
            source_heads: heads_text(heads),
            ..NewPublication::default()
        }
    }

    /// A learning question with its insights and action-research cycles, as it stands at `heads`.
    pub fn question_publication(&self, id: &QuestionId, heads: &[ChangeHash]) -> Result<NewPublication> {
        let question = self.questions.get(id).ok_or_else(|| ModelError::UnknownQuestion(id.clone()))?;
        let mut cycles = BTreeMap::new();
        for (cycle_id, cycle) in &question.cycles {
            let published = PublishedCycle {
                started_on: cycle.started_on.clone(),
                ended_on: cycle.ended_on.clone(),
                plan: bounded(&cycle.plan)?,
                act: bounded(&cycle.act)?,
                observe: bounded(&cycle.observe)?,
                reflect: bounded(&cycle.reflect)?,
            };
            cycles.insert(cycle_id.clone(), published);
        }
        Ok(NewPublication {
            title: question.title.clone(),
            body: bounded(&question.details)?,
            insights: bounded(&question.insights)?,
            themes: question.themes.clone(),
            cycles,
            ..self.publication_base(PublicationKind::Question, id.as_str(), heads)
        })
    }

    /// A meeting: its title, date and themes, how many were present per perspective (youth
    /// and parents as "<5" below five), and a `summary` written for the leerhuis. Never its
    /// notes, which were written for the network.
    pub fn session_publication(&self, id: &SessionId, summary: &str, heads: &[ChangeHash]) -> Result<NewPublication> {
        let session = self.sessions.get(id).ok_or_else(|| ModelError::UnknownSession(id.clone()))?;
        let mut present: BTreeMap<Perspective, u64> = BTreeMap::new();
        for (member, status) in &session.attendance {
            if *status == Attendance::Present
                && let Some(member) = self.members.get(member)
            {
                *present.entry(member.perspective).or_default() += 1;
            }
        }
        let (few, attendance): (BTreeMap<_, _>, BTreeMap<_, _>) =
            present.into_iter().partition(|(p, n)| *p == Perspective::YouthParent && *n < MIN_GROUP);
        Ok(NewPublication {
            title: session.title.clone(),
            body: bounded(summary)?,
            starts_at: Some(session.starts_at.clone()).filter(|s| !s.is_empty()),
            themes: session.themes.clone(),
            attendance,
            attendance_few: few.into_keys().collect(),
            ..self.publication_base(PublicationKind::Session, id.as_str(), heads)
        })
    }

    /// A closed reflection round as the group's figures only: per factor the mean, spread and
    /// number of scorers, each of at least five people; no names, ids or comments.
    pub fn round_publication(&self, id: &RoundId, heads: &[ChangeHash]) -> Result<NewPublication> {
        let round = self.rounds.get(id).ok_or_else(|| ModelError::UnknownRound(id.clone()))?;
        if round.closed_at.is_none() {
            return Err(ModelError::Leerhuis(LeerhuisError::RoundOpen));
        }
        let scored = round.scores.values().filter(|per_factor| !per_factor.is_empty()).count() as u64;
        if scored < MIN_GROUP {
            return Err(ModelError::Leerhuis(LeerhuisError::TooFew { scored }));
        }
        let mut factors = BTreeMap::new();
        for factor in &round.factors {
            // A factor fewer than five scored stays out: its figures could point at someone.
            let Some(stats) = round.stats(factor).filter(|s| s.count as u64 >= MIN_GROUP) else { continue };
            let name = self.factors.get(factor).map(|f| f.name.clone()).unwrap_or_else(|| factor.to_string());
            let summary =
                FactorSummary { name, mean: rounded(stats.mean), spread: rounded(stats.spread), n: stats.count as u64 };
            factors.insert(factor.clone(), summary);
        }
        if factors.is_empty() {
            return Err(ModelError::Leerhuis(LeerhuisError::TooFew { scored: 0 }));
        }
        Ok(NewPublication {
            title: round.title.clone(),
            n: Some(scored),
            factors,
            ..self.publication_base(PublicationKind::Reflection, id.as_str(), heads)
        })
    }
}
