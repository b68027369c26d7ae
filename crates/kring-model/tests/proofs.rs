//! A device belongs to the member it proved itself to: its own signature over the network and
//! the member id. Nobody takes over a colleague by listing her laptop under his own record.

mod common;

use automerge::transaction::Transactable;
use automerge::{ObjType, ROOT, ReadDoc};
use common::*;
use kring_model::schema::{DEVICES, MEMBERS, NAME, ROLE, SCHEMA, SCHEMA_VERSION};
use kring_model::trust::{DeviceKey, DeviceProof, proof_key};
use kring_model::*;

/// What a modified client writes: a member record `id` listing `device`, without its proof.
fn raw_record_listing(network: &mut Network, id: &str, device: &str) {
    let doc = network.doc_mut();
    let members = match doc.get(ROOT, MEMBERS).unwrap() {
        Some((_, members)) => members,
        None => panic!("no members"),
    };
    let record = doc.put_object(&members, id, ObjType::Map).unwrap();
    doc.put(&record, NAME, "Sok").unwrap();
    doc.put(&record, ROLE, Role::Coordinator.as_str()).unwrap();
    let devices = doc.put_object(&record, DEVICES, ObjType::Map).unwrap();
    doc.put(&devices, device, 1_i64).unwrap();
    doc.commit();
}

/// Every lookup of a device's member: the network's, a snapshot's and the node's index.
fn members_for(network: &mut Network, device: &str) -> [Option<MemberId>; 3] {
    let read = network.member_for_device(device).unwrap();
    let snapshot = network.snapshot().unwrap().member_for_device(device).map(|m| m.id.clone());
    let indexed = DeviceIndex::read(network).unwrap().member_for_device(network, device).unwrap();
    [read, snapshot, indexed]
}

#[test]
fn a_new_network_is_schema_2_and_its_founders_device_is_proven() {
    let Fixture { mut network, coordinator, .. } = network_with_members(0);
    assert_eq!(network.schema(), SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 2);
    assert!(network.device_proven(&coordinator, &device_a()));
    assert!(network.snapshot().unwrap().members[&coordinator].proven.contains(&device_a()));
    assert_eq!(
        members_for(&mut network, &device_a()),
        [Some(coordinator.clone()), Some(coordinator.clone()), Some(coordinator)]
    );
}

#[test]
fn a_second_record_listing_a_device_does_not_take_it_over() {
    let Fixture { mut network, coordinator, .. } = network_with_members(0);
    // A member id that sorts before every real one: "first in id order" would pick it.
    raw_record_listing(&mut network, "0000-sok", &device_a());
    let anna = Some(coordinator);
    assert_eq!(members_for(&mut network, &device_a()), [anna.clone(), anna.clone(), anna]);
}

#[test]
fn a_device_listed_under_a_removed_member_is_refused_under_every_record() {
    let Fixture { mut network, coordinator, .. } = network_with_members(0);
    let bram_key = key(0xb2);
    let bram_device = bram_key.device_id();
    let bram = network.add_member(&coordinator, &Profile::new("Bram"), Role::Member, Some(&bram_key)).unwrap();
    assert_eq!(network.member_for_device(&bram_device).unwrap(), Some(bram.clone()));
    network.remove_member(&coordinator, &bram).unwrap();

    // His sock puppet lists his laptop: unproven, it counts for nothing.
    raw_record_listing(&mut network, "0000-sok", &bram_device);
    assert_eq!(members_for(&mut network, &bram_device), [None, None, None]);
    // Nor with the laptop's own proof for the puppet: the device is still the removed member's.
    let proof = bram_key.prove(network.id().as_str(), "0000-sok");
    let doc = network.doc_mut();
    let (_, members) = doc.get(ROOT, MEMBERS).unwrap().unwrap();
    let (_, sok) = doc.get(&members, "0000-sok").unwrap().unwrap();
    doc.put(&sok, proof_key(&bram_device), automerge::ScalarValue::Bytes(proof)).unwrap();
    doc.commit();
    assert_eq!(members_for(&mut network, &bram_device), [None, None, None]);

    // And no honest edit gives it to anyone again.
    let err =
        refused(&mut network, |n| n.add_member(&coordinator, &Profile::new("Bram"), Role::Member, Some(&bram_key)));
    assert!(matches!(err, ModelError::DeviceTaken(ref d) if *d == bram_device), "{err:?}");
}

#[test]
fn a_device_is_added_only_with_its_own_proof_and_only_once() {
    let Fixture { mut network, coordinator, members } = network_with_members(1);
    let bram = &members[0];
    let laptop = key(0xb3);
    // Signed for another member: no proof for Bram.
    let wrong = DeviceProof { device: laptop.device_id(), signature: laptop.prove(network.id().as_str(), "someone") };
    let err = refused(&mut network, |n| n.add_device(bram, bram, &wrong));
    assert!(matches!(err, ModelError::BadDeviceProof(_)), "{err:?}");
    let right =
        DeviceProof { device: laptop.device_id(), signature: laptop.prove(network.id().as_str(), bram.as_str()) };
    network.add_device(bram, bram, &right).unwrap();
    assert!(network.device_proven(bram, &laptop.device_id()));
    assert_eq!(network.member_for_device(&laptop.device_id()).unwrap().as_ref(), Some(bram));
    // Listed once, under one member.
    let err = refused(&mut network, |n| n.add_device(bram, bram, &right));
    assert!(matches!(err, ModelError::DeviceTaken(_)), "{err:?}");
    let err = refused(&mut network, |n| n.add_device(&coordinator, &coordinator, &laptop));
    assert!(matches!(err, ModelError::DeviceTaken(_)), "{err:?}");
}

#[test]
fn a_joiner_brings_its_chosen_member_id_and_proof() {
    let Fixture { mut network, coordinator, members } = network_with_members(1);
    let invite = NewInvite { secret_hash: "hash".into(), role: Role::Member, expires_at: i64::MAX, max_uses: 5 };
    let invite = network.create_invite(&coordinator, &invite).unwrap();
    let laptop = key(0xc1);
    let network_id = network.id().to_string();
    let joins = |n: &mut Network, id: &MemberId, proof: DeviceProof| {
        n.join_with_invite(&coordinator, &invite, "hash", &Profile::new("Cas"), id, &proof)
    };
    let cas = MemberId::random();
    let proof_for =
        |member: &str| DeviceProof { device: laptop.device_id(), signature: laptop.prove(&network_id, member) };

    let err = refused(&mut network, |n| joins(n, &cas, proof_for("another-member")));
    assert!(matches!(err, ModelError::BadDeviceProof(_)), "{err:?}");
    let err = refused(&mut network, |n| joins(n, &cas, DeviceProof { device: laptop.device_id(), signature: vec![] }));
    assert!(matches!(err, ModelError::BadDeviceProof(_)), "{err:?}");
    let taken = members[0].clone();
    let err = refused(&mut network, |n| joins(n, &taken, proof_for(taken.as_str())));
    assert!(matches!(err, ModelError::MemberIdTaken(ref id) if *id == taken), "{err:?}");
    let odd = MemberId::new("cas/trust");
    let err = refused(&mut network, |n| joins(n, &odd, proof_for(odd.as_str())));
    assert!(matches!(err, ModelError::BadMemberId(_)), "{err:?}");

    assert_eq!(joins(&mut network, &cas, proof_for(cas.as_str())).unwrap(), cas);
    let snapshot = network.snapshot().unwrap();
    assert!(snapshot.members[&cas].proven.contains(&laptop.device_id()));
    assert_eq!(snapshot.member_for_device(&laptop.device_id()).map(|m| &m.id), Some(&cas));
}

/// A network begun by an older Kring: schema 1, no proofs. `network_with_members` as such a
/// Kring left it.
fn old_network() -> Fixture {
    let mut f = network_with_members(1);
    let doc = f.network.doc_mut();
    let (_, members) = doc.get(ROOT, MEMBERS).unwrap().unwrap();
    let (_, anna) = doc.get(&members, f.coordinator.as_str()).unwrap().unwrap();
    doc.delete(&anna, proof_key(&device_a())).unwrap();
    doc.put(ROOT, SCHEMA, 1_u64).unwrap();
    doc.commit();
    f
}

#[test]
fn an_old_network_proves_its_devices_and_a_coordinator_raises_it_to_schema_2() {
    let Fixture { mut network, coordinator, members } = old_network();
    assert_eq!(network.schema(), 1);
    // Unproven, the device is still its one member's.
    assert!(!network.device_proven(&coordinator, &device_a()));
    assert_eq!(network.member_for_device(&device_a()).unwrap().as_ref(), Some(&coordinator));

    // Only the device itself can write its proof, for its own member.
    let err = refused(&mut network, |n| n.prove_device(&members[0], &key_a()));
    assert!(matches!(err, ModelError::UnknownDevice(_)), "{err:?}");
    assert!(network.prove_device(&coordinator, &key_a()).unwrap());
    assert!(network.device_proven(&coordinator, &device_a()));
    assert!(!network.prove_device(&coordinator, &key_a()).unwrap(), "once");

    let err = refused(&mut network, |n| n.raise_schema(&members[0]));
    assert!(matches!(err, ModelError::NotCoordinator { action: CoordinatorTask::UpgradeNetwork }), "{err:?}");
    assert!(network.raise_schema(&coordinator).unwrap());
    assert_eq!(network.schema(), 2);
    assert!(!network.raise_schema(&coordinator).unwrap(), "once");
}

#[test]
fn a_new_chapter_keeps_every_proof() {
    let Fixture { mut network, coordinator, .. } = network_with_members(0);
    let bram_key = key(0xb2);
    let bram = network.add_member(&coordinator, &Profile::new("Bram"), Role::Member, Some(&bram_key)).unwrap();
    let next = network.start_chapter(&coordinator, &device_a(), &[]).unwrap();
    let snapshot = next.snapshot().unwrap();
    assert!(snapshot.members[&coordinator].proven.contains(&device_a()));
    assert!(snapshot.members[&bram].proven.contains(&bram_key.device_id()));
    assert_eq!(next.schema(), 2);
    assert_eq!(next.member_for_device(&bram_key.device_id()).unwrap(), Some(bram));
}
