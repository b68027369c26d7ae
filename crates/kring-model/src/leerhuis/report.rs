//! The programme report for a funder, from a leerhuis as its laptop holds it: the joint
//! meetings with who came per network and perspective, what every linked network shared, and
//! the key factors over time per network from its shared rounds. In Dutch, as Markdown; the
//! "<5" rule holds here too: youth and parents fewer than five are never a number.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{FactorSummary, shown_count};
use crate::ids::FactorId;
use crate::snapshot::NetworkSnapshot;
use crate::vocab::{Perspective, PublicationKind};

/// How a report names a shared factor.
pub type FactorNaming<'a> = dyn Fn(&FactorId, &FactorSummary) -> String + 'a;

/// The perspectives in the order a report shows them.
const PERSPECTIVES: [(Perspective, &str); 6] = [
    (Perspective::Teacher, "leraren"),
    (Perspective::Practitioner, "professionals"),
    (Perspective::Researcher, "onderzoekers"),
    (Perspective::Student, "studenten"),
    (Perspective::YouthParent, "jongeren en ouders"),
    (Perspective::Other, "anders"),
];

/// A Markdown table cell: pipes and line breaks would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// One decimal, with a comma, as Dutch readers write it.
fn decimal(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

impl NetworkSnapshot {
    /// The report as Markdown, made on `today` (`YYYY-MM-DD`), with every factor under the
    /// name its network shared it with.
    pub fn programme_report(&self, today: &str) -> String {
        self.programme_report_naming(today, &|_, factor| factor.name.clone())
    }

    /// [`NetworkSnapshot::programme_report`], with each factor named by `factor_name` (the
    /// interface names the built-in factors in its reader's language).
    pub fn programme_report_naming(&self, today: &str, factor_name: &FactorNaming<'_>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {} — programmaverslag\n\nGemaakt op {today}.\n", cell(&self.info.name));
        self.joint_meetings(&mut out);
        self.shared_by_network(&mut out);
        self.key_factors(&mut out, factor_name);
        out
    }

    fn joint_meetings(&self, out: &mut String) {
        let _ = writeln!(out, "## Gezamenlijke bijeenkomsten\n");
        let mut sessions: Vec<_> = self.sessions.values().filter(|s| s.deleted_at.is_none()).collect();
        sessions.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));
        if sessions.is_empty() {
            let _ = writeln!(out, "Nog geen bijeenkomsten.\n");
            return;
        }
        let header: Vec<&str> = PERSPECTIVES.iter().map(|(_, name)| *name).collect();
        for session in sessions {
            let _ = writeln!(out, "### {} ({})\n", cell(&session.title), session.starts_at.replace('T', " "));
            let present = self.attendance_by_network(session);
            if present.is_empty() {
                let _ = writeln!(out, "Geen aanwezigheid vastgelegd.\n");
                continue;
            }
            let _ = writeln!(out, "| netwerk | {} |", header.join(" | "));
            let _ = writeln!(out, "|---|{}", "---|".repeat(header.len()));
            for (network, counts) in &present {
                let cells: Vec<String> =
                    PERSPECTIVES.iter().map(|(p, _)| shown_count(*p, counts.get(p).copied().unwrap_or(0))).collect();
                let _ = writeln!(out, "| {} | {} |", cell(network.as_deref().unwrap_or("direct")), cells.join(" | "));
            }
            let _ = writeln!(out);
        }
    }

    fn shared_by_network(&self, out: &mut String) {
        let _ = writeln!(out, "## Gedeeld door de netwerken\n");
        let shared = self.current_publications();
        if shared.is_empty() {
            let _ = writeln!(out, "Nog niets gedeeld.\n");
            return;
        }
        let mut by_network: BTreeMap<&str, Vec<_>> = BTreeMap::new();
        for publication in shared {
            by_network.entry(publication.network_name.as_str()).or_default().push(publication);
        }
        for (network, publications) in by_network {
            let _ = writeln!(out, "### {}\n", cell(network));
            for p in publications {
                let kind = match p.kind {
                    PublicationKind::Question => "leervraag",
                    PublicationKind::Session => "bijeenkomst",
                    PublicationKind::Reflection => "reflectieronde",
                };
                let _ = writeln!(out, "- {kind}: {} (versie {})", cell(&p.title), p.version);
            }
            let _ = writeln!(out);
        }
    }

    fn key_factors(&self, out: &mut String, factor_name: &FactorNaming<'_>) {
        let _ = writeln!(out, "## Sleutelfactoren per netwerk\n");
        let mut rounds: Vec<_> =
            self.current_publications().into_iter().filter(|p| p.kind == PublicationKind::Reflection).collect();
        if rounds.is_empty() {
            let _ = writeln!(out, "Nog geen reflectierondes gedeeld.\n");
            return;
        }
        rounds.sort_by(|a, b| a.network_name.cmp(&b.network_name).then(a.published_at.cmp(&b.published_at)));
        let _ = writeln!(out, "| netwerk | ronde | factor | gemiddelde | spreiding | n |");
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for round in rounds {
            for (id, factor) in &round.factors {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    cell(&round.network_name),
                    cell(&round.title),
                    cell(&factor_name(id, factor)),
                    decimal(factor.mean),
                    decimal(factor.spread),
                    factor.n
                );
            }
        }
        let _ = writeln!(out);
    }
}
