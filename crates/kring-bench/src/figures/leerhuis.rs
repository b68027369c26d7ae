//! A leerhuis with eight linked busy networks, as the action researcher's laptop holds them
//! all: every network shared its learning questions (with their details and insights) with
//! the leerhuis. Measured: reading the leerhuis, its overview of one theme, and a search
//! across all nine networks, as the app does them.

use std::time::{Duration, Instant};

use anyhow::Result;
use iroh_base::SecretKey;
use kring_model::leerhuis::NewPublication;
use kring_model::{
    MemberId, Network, NetworkDetails, NetworkKind, NetworkSnapshot, NetworkToLink, NewInvite, Profile, Role,
};

use crate::scenario::{self, Scale};

pub struct LeerhuisFigures {
    pub networks: usize,
    pub publications: usize,
    /// The leerhuis read whole into what the app shows.
    pub read: Duration,
    /// The overview of one theme, from what was read.
    pub overview: Duration,
    /// One search across the leerhuis and every linked network, from what was read.
    pub search: Duration,
}

/// `count` busy networks of `scale` linked into one leerhuis, each sharing every learning
/// question it has (themed "werkplezier" one in three).
pub fn measure(scale: Scale, count: usize) -> Result<LeerhuisFigures> {
    let researcher = SecretKey::from_bytes(&[200; 32]);
    let details = NetworkDetails { name: "Leerhuis Jeugd".into(), kind: NetworkKind::Leerhuis, ..Default::default() };
    let (mut leerhuis, lotte) = Network::create(&details, &Profile::new("Lotte"), researcher.as_signing_key())?;
    let mut snapshots = Vec::new();
    let mut publications = 0;
    for n in 0..count {
        let coordinator = SecretKey::from_bytes(&[n as u8 + 1; 32]);
        let mut generated = scenario::generate(scale, &coordinator);
        let snapshot = generated.network.snapshot()?;
        let heads = generated.network.heads();
        let ticket = NewInvite { secret_hash: "h".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
        let invite = leerhuis.create_link_invite(&lotte, &ticket)?;
        let linked = NetworkToLink {
            id: snapshot.info.id.clone(),
            name: format!("Netwerk {n}"),
            delegates: vec![coordinator.public().to_string()],
            below: Vec::new(),
        };
        let key = coordinator.as_signing_key();
        let delegate = leerhuis.link_network(
            &lotte,
            &invite,
            "h",
            &Profile::new("Coördinator"),
            &MemberId::random(),
            key,
            &linked,
        )?;
        leerhuis.set_device(&coordinator.public().to_string());
        for (i, question) in snapshot.questions.keys().enumerate() {
            let mut shared: NewPublication = snapshot.question_publication(question, &heads)?;
            if i % 3 == 0 {
                shared.themes.insert("werkplezier".into());
            }
            leerhuis.publish(&delegate, &coordinator.public().to_string(), &shared)?;
            publications += 1;
        }
        leerhuis.set_device(&researcher.public().to_string());
        snapshots.push(snapshot);
    }

    let started = Instant::now();
    let read = leerhuis.snapshot()?;
    let read_took = started.elapsed();
    let started = Instant::now();
    let overview = read.overview(Some("werkplezier"));
    let overview_took = started.elapsed();
    anyhow::ensure!(!overview.is_empty(), "the overview of a theme with shared questions is empty");
    let everywhere: Vec<&NetworkSnapshot> = std::iter::once(&read).chain(&snapshots).collect();
    let started = Instant::now();
    // As the app's "Alle netwerken" does it: one query, one limit of hits for all networks.
    let found = kring_model::search_across(everywhere.iter().copied(), "feedback");
    let hits: usize = found.networks.iter().map(|network| network.hits.len()).sum();
    let search_took = started.elapsed();
    anyhow::ensure!(hits > 0, "a search across the networks found nothing");
    Ok(LeerhuisFigures { networks: count, publications, read: read_took, overview: overview_took, search: search_took })
}
