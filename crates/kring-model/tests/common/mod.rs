//! Shared set-up: a network with a few members, as separate devices would hold it.
#![allow(dead_code)]

use kring_model::trust::DeviceKey;
use kring_model::trust::key::SigningKey;
use kring_model::*;

/// A made-up laptop with a real key (its changes can be checked like a peer's): `seed` tells
/// them apart.
pub(crate) fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// The founder's laptop.
pub(crate) fn key_a() -> SigningKey {
    key(0xa1)
}

pub(crate) fn device_a() -> String {
    key_a().device_id()
}

pub(crate) struct Fixture {
    pub network: Network,
    pub coordinator: MemberId,
    pub members: Vec<MemberId>,
}

/// A network founded by "Anna" with `extra` more members.
pub(crate) fn network_with_members(extra: usize) -> Fixture {
    let details = NetworkDetails { name: "PLG Rekenen Leiden".into(), ..Default::default() };
    let founder = Profile {
        name: "Anna de Vries".into(),
        perspective: Perspective::Teacher,
        organisation: "Da Vinci College".into(),
    };
    let (mut network, coordinator) = Network::create(&details, &founder, &key_a()).unwrap();
    let members = (0..extra)
        .map(|i| {
            let profile = Profile::new(format!("Member {i}"));
            network.add_member(&coordinator, &profile, Role::Member, Some(format!("device-{i}").as_str())).unwrap()
        })
        .collect();
    Fixture { network, coordinator, members }
}

pub(crate) fn session(network: &mut Network, by: &MemberId, title: &str) -> SessionId {
    network
        .add_session(
            by,
            &NewSession {
                title: title.into(),
                kind: SessionKind::Plg,
                starts_at: "2026-11-24T15:30".into(),
                location: "Lokaal 12".into(),
            },
        )
        .unwrap()
}

/// Merges every fork into every other, as a full round of syncing would.
pub(crate) fn merge_all(forks: &mut [Network]) {
    for i in 0..forks.len() {
        for j in 0..forks.len() {
            if i != j {
                let (a, b) = if i < j {
                    let (left, right) = forks.split_at_mut(j);
                    (&mut left[i], &mut right[0])
                } else {
                    let (left, right) = forks.split_at_mut(i);
                    (&mut right[0], &mut left[j])
                };
                a.merge(b).unwrap();
            }
        }
    }
}

/// Runs an edit that must be refused and returns its error, after checking that the refusal
/// left the document exactly as it was: same heads (nothing committed, nothing left pending)
/// and the same snapshot.
#[track_caller]
pub(crate) fn refused<T: std::fmt::Debug>(
    network: &mut Network,
    edit: impl FnOnce(&mut Network) -> Result<T>,
) -> ModelError {
    let heads = network.heads();
    let snapshot = network.snapshot().unwrap();
    let result = edit(network);
    // `heads()` closes any open transaction, so a half-written edit would show up here.
    assert_eq!(network.heads(), heads, "a refused edit must not change the document (result: {result:?})");
    assert_eq!(network.snapshot().unwrap(), snapshot, "a refused edit must not change the snapshot");
    match result {
        Ok(value) => panic!("expected the edit to be refused, but it succeeded with {value:?}"),
        Err(err) => err,
    }
}
