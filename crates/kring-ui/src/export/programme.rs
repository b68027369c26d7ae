//! A leerhuis's programme report for the funder (written by the model, in Dutch), with the
//! built-in key factors named in the reader's language: a network shares a round with its
//! factors' stored names, which are English for the built-in ones.

use kring_model::NetworkSnapshot;

use crate::i18n::{Language, named_factor};

/// The report as Markdown, made on `today` (`YYYY-MM-DD`).
pub fn programme_report(l: Language, snapshot: &NetworkSnapshot, today: &str) -> String {
    snapshot.programme_report_naming(today, &|id, factor| named_factor(l, id.as_str(), &factor.name))
}

#[cfg(test)]
mod tests {
    use kring_model::leerhuis::{FactorSummary, NewPublication};
    use kring_model::*;

    use super::*;

    /// A leerhuis with "PLG Rekenen" linked and a round of it shared: the built-in factor
    /// "trust" under its built-in name, and one a coordinator renamed.
    fn shared_round() -> NetworkSnapshot {
        // Anna's laptop key, as her data folder keeps it.
        let dir = tempfile::tempdir().unwrap();
        let data = kring_store::DataDir::open(dir.path()).unwrap();
        let (key, delegate) = (data.device_key().as_signing_key(), data.device_id());
        let details =
            NetworkDetails { name: "Leerhuis Jeugd".into(), kind: NetworkKind::Leerhuis, ..Default::default() };
        let (mut leerhuis, lotte) = Network::create(&details, &Profile::new("Lotte"), "device-lotte").unwrap();
        let ticket = NewInvite { secret_hash: "h".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
        let invite = leerhuis.create_link_invite(&lotte, &ticket).unwrap();
        let plg = NetworkToLink {
            id: NetworkId::random(),
            name: "PLG Rekenen".into(),
            delegates: vec![delegate.clone()],
            below: Vec::new(),
        };
        let anna = Profile::new("Anna");
        let anna = leerhuis.link_network(&lotte, &invite, "h", &anna, &MemberId::random(), key, &plg).unwrap();
        let figures = |name: &str| FactorSummary { name: name.into(), mean: 3.0, spread: 0.5, n: 5 };
        let round = NewPublication {
            from: plg.id.clone(),
            network_name: "PLG Rekenen".into(),
            kind: PublicationKind::Reflection,
            source: "ronde-1".into(),
            title: "Ronde najaar".into(),
            n: Some(5),
            factors: [(FactorId::new("trust"), figures("Trust")), (FactorId::new("ownership"), figures("Wie trekt"))]
                .into(),
            ..NewPublication::default()
        };
        leerhuis.publish(&anna, &delegate, &round).unwrap();
        leerhuis.snapshot().unwrap()
    }

    #[test]
    fn the_built_in_factors_are_named_in_the_readers_language_and_a_renamed_one_as_named() {
        let snapshot = shared_round();
        let dutch = programme_report(Language::Nl, &snapshot, "2026-12-08");
        assert!(dutch.contains("| PLG Rekenen | Ronde najaar | Vertrouwen | 3,0 | 0,5 | 5 |"), "{dutch}");
        assert!(!dutch.contains("| Trust |"), "{dutch}");
        assert!(dutch.contains("| Wie trekt |"), "renamed by its network: {dutch}");
        let english = programme_report(Language::En, &snapshot, "2026-12-08");
        assert!(english.contains("| Ronde najaar | Trust |"), "{english}");
    }
}
