//! Deterministic simulation of a leerhuis: its laptops edit, connect and disconnect in a random
//! order chosen by proptest, while a linked network's delegate publishes, withdraws and follows
//! removals, members of that network join with vouchers on whichever leerhuis laptop they meet,
//! coordinators remove members and change roles, and the network may leave. Every change is
//! signed and checked against the rules on every laptop it reaches: an honest change is never
//! refused (the world fails the test if one is), and once everyone is connected again every
//! current member's laptop holds the same leerhuis.
//!
//! CI runs 64 seeds of 1 to 40 steps; `KRING_SIM_SEEDS` and `KRING_SIM_STEPS` as in
//! `simulation.rs` for long runs.

mod common;

use std::collections::BTreeSet;

use common::*;
use iroh_base::SecretKey;
use kring_model::leerhuis::Voucher;
use kring_model::trust::DeviceKey;
use kring_model::*;
use proptest::prelude::*;

/// Lotte founds the leerhuis (peer 0); Anna coordinates the linked PLG and is its delegate
/// (peer 1); the others are direct members of the leerhuis.
const NAMES: [&str; 4] = ["Lotte", "Anna", "Chris", "Dewi"];
/// Members of the PLG who may come into the leerhuis with a voucher.
const PLG_MEMBERS: usize = 3;

#[derive(Debug, Clone)]
enum Step {
    /// Peer writes a line in the joint meeting's notes.
    Write(usize, String),
    /// Peer shares the PLG's question (again: a new version). Only the delegate's laptop can.
    Publish(usize),
    /// Peer withdraws the n-th publication it knows (the delegate or a leerhuis coordinator).
    Withdraw(usize, usize),
    /// Peer's laptop admits the n-th PLG member, who brings a voucher signed by Anna's device.
    VoucherJoin(usize, usize),
    /// Anna removes the n-th member from the PLG, and peer follows removals into the leerhuis
    /// (only the delegate's laptop can).
    FollowRemoval(usize, usize),
    /// Peer removes another peer's member (only coordinators can).
    Remove(usize, usize),
    /// Peer makes another peer's member coordinator, or a regular member again.
    Role(usize, usize, bool),
    /// Peer unlinks the PLG, withdrawing its publications or keeping them as an archive.
    Unlink(usize, bool),
    Connect(usize, usize),
    /// The newest live connection drops.
    Drop,
    /// Let the messages flow.
    Run,
}

fn step(peers: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..peers, "[a-zé][a-zé ]{0,11}").prop_map(|(p, text)| Step::Write(p, text)),
        2 => (0..peers).prop_map(Step::Publish),
        1 => (0..peers, 0..3usize).prop_map(|(p, n)| Step::Withdraw(p, n)),
        2 => (0..peers, 0..PLG_MEMBERS).prop_map(|(p, n)| Step::VoucherJoin(p, n)),
        1 => (0..peers, 0..PLG_MEMBERS).prop_map(|(p, n)| Step::FollowRemoval(p, n)),
        1 => (0..peers, 0..peers).prop_map(|(p, target)| Step::Remove(p, target)),
        1 => (0..peers, 0..peers, any::<bool>()).prop_map(|(p, target, up)| Step::Role(p, target, up)),
        1 => (0..peers, any::<bool>()).prop_map(|(p, withdraw)| Step::Unlink(p, withdraw)),
        3 => (0..peers, 0..peers).prop_map(|(a, b)| Step::Connect(a, b)),
        1 => Just(Step::Drop),
        3 => Just(Step::Run),
    ]
}

/// The PLG as Anna's laptop holds it: not synced in this world, only the source of what she
/// shares, vouches for and removes.
struct Plg {
    network: Network,
    anna: MemberId,
    question: QuestionId,
    /// Its other members, with their one device each.
    members: Vec<(MemberId, SecretKey)>,
    /// Anna's device, a delegate of the PLG in the leerhuis: it signs the vouchers.
    anna_key: SecretKey,
}

/// The leerhuis world of `peers` laptops (2 to 4), and the PLG linked into it.
fn programme(peers: usize) -> (World, Plg, SessionId) {
    let key = |seed: u8| SecretKey::from_bytes(&[seed; 32]);
    let keys: Vec<SecretKey> = (0..peers).map(|i| key(i as u8 + 1)).collect();
    let anna_key = keys[1].clone();

    let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
    let (mut plg, anna) = Network::create(&details, &Profile::new("Anna"), anna_key.as_signing_key()).unwrap();
    let members: Vec<(MemberId, SecretKey)> = (0..PLG_MEMBERS)
        .map(|i| {
            let device = key(100 + i as u8);
            let name = Profile::new(format!("Docent {i}"));
            (plg.add_member(&anna, &name, Role::Member, Some(device.as_signing_key())).unwrap(), device)
        })
        .collect();
    let question = plg.add_question(&anna, "Hoe houden we rekenen vol?", "").unwrap();

    let details = NetworkDetails { name: "Leerhuis Jeugd".into(), kind: NetworkKind::Leerhuis, ..Default::default() };
    let (mut leerhuis, lotte) = Network::create(&details, &Profile::new(NAMES[0]), keys[0].as_signing_key()).unwrap();
    let ticket = NewInvite { secret_hash: "h".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
    let invite = leerhuis.create_link_invite(&lotte, &ticket).unwrap();
    let linked = NetworkToLink {
        id: plg.id().clone(),
        name: "PLG Rekenen".into(),
        delegates: vec![anna_key.as_signing_key().device_id()],
        below: Vec::new(),
    };
    let anna_there = leerhuis
        .link_network(
            &lotte,
            &invite,
            "h",
            &Profile::new(NAMES[1]),
            &MemberId::random(),
            anna_key.as_signing_key(),
            &linked,
        )
        .unwrap();
    plg.record_leerhuis(&anna, leerhuis.id(), "Leerhuis Jeugd", "", &Default::default()).unwrap();
    let mut members_there = vec![lotte.clone(), anna_there];
    for (name, key) in NAMES.iter().zip(&keys).skip(2) {
        let device = Some(key.as_signing_key());
        members_there.push(leerhuis.add_member(&lotte, &Profile::new(*name), Role::Member, device).unwrap());
    }
    let session = session(&mut leerhuis, &lotte);
    let world = world_of(&mut leerhuis, keys, members_there);
    (world, Plg { network: plg, anna, question, members, anna_key }, session)
}

/// The publications peer `p`'s copy knows, in a stable order.
fn publications(world: &World, p: usize) -> Vec<PublicationId> {
    world.peers[p].network.snapshot().unwrap().publications.into_keys().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(setting("KRING_SIM_SEEDS", 64) as u32))]

    #[test]
    fn every_leerhuis_laptop_ends_with_the_same_leerhuis((peers, steps) in scenario(step)) {
        let (mut world, mut plg, session) = programme(peers);
        let plg_id = plg.network.id().clone();
        let leerhuis_id = world.peers[0].network.id().clone();
        let mut written = Vec::new();
        for step in steps {
            // Each edit is made as the app makes it: the model refuses what this laptop's member
            // may not do (as far as this laptop knows), and nothing is sent.
            let me = |world: &World, p: usize| world.peers[p].me.clone();
            let device = |world: &World, p: usize| world.peers[p].device.clone();
            let done = match step {
                Step::Write(p, text) => {
                    let by = me(&world, p);
                    let ok = world.peers[p].network.append_text(&by, &TextField::Notes(session.clone()), &text).is_ok();
                    if ok {
                        written.push((p, text.trim().to_string()));
                    }
                    ok.then_some(p)
                }
                Step::Publish(p) => {
                    let heads = plg.network.heads();
                    let new = plg.network.snapshot().unwrap().question_publication(&plg.question, &heads).unwrap();
                    let (by, on) = (me(&world, p), device(&world, p));
                    world.peers[p].network.publish(&by, &on, &new).is_ok().then_some(p)
                }
                Step::Withdraw(p, n) => {
                    let Some(id) = publications(&world, p).get(n).cloned() else { continue };
                    let (by, on) = (me(&world, p), device(&world, p));
                    world.peers[p].network.withdraw_publication(&by, &on, &id).is_ok().then_some(p)
                }
                Step::VoucherJoin(p, n) => {
                    let (member, key) = &plg.members[n];
                    let current = plg.network.snapshot().unwrap().members[member].is_current();
                    if !current {
                        continue; // Anna's laptop holds no voucher for a removed member.
                    }
                    let devices = [key.as_signing_key().device_id()];
                    let voucher = Voucher::issue(
                        plg.anna_key.as_signing_key(),
                        leerhuis_id.as_str(),
                        plg_id.as_str(),
                        &devices,
                        i64::MAX / 2,
                    );
                    let profile = Profile::new(format!("Docent {n}"));
                    let by = me(&world, p);
                    let joined = world.peers[p].network.join_with_voucher(&by, &voucher, &profile, &MemberId::random(), key.as_signing_key());
                    joined.is_ok().then_some(p)
                }
                Step::FollowRemoval(p, n) => {
                    let (member, _) = plg.members[n].clone();
                    let _ = plg.network.remove_member(&plg.anna, &member);
                    let snapshot = plg.network.snapshot().unwrap();
                    let current: BTreeSet<DeviceId> = snapshot
                        .members
                        .values()
                        .filter(|m| m.is_current())
                        .flat_map(|m| m.devices.keys().cloned())
                        .collect();
                    let (by, on) = (me(&world, p), device(&world, p));
                    let followed = world.peers[p].network.follow_removals(&by, &on, &plg_id, &current);
                    followed.is_ok_and(|gone| !gone.is_empty()).then_some(p)
                }
                Step::Remove(p, target) => {
                    let (by, them) = (me(&world, p), me(&world, target));
                    world.peers[p].network.remove_member(&by, &them).is_ok().then_some(p)
                }
                Step::Role(p, target, up) => {
                    let (by, them) = (me(&world, p), me(&world, target));
                    let role = if up { Role::Coordinator } else { Role::Member };
                    world.peers[p].network.set_role(&by, &them, role).is_ok().then_some(p)
                }
                Step::Unlink(p, withdraw) => {
                    let (by, on) = (me(&world, p), device(&world, p));
                    world.peers[p].network.unlink_network(&by, &on, &plg_id, withdraw).is_ok().then_some(p)
                }
                Step::Connect(a, b) if a != b => {
                    world.connect(a, b);
                    None
                }
                Step::Connect(..) => None,
                Step::Drop => {
                    if let Some(index) = world.links.iter().rposition(|l| l.up) {
                        world.disconnect(index);
                    }
                    None
                }
                Step::Run => {
                    world.run();
                    None
                }
            };
            if let Some(p) = done {
                world.edited(p);
            }
        }
        let (members, snapshots) = world.settle()?;
        let Some(&first) = members.first() else { return Ok(()) };
        let notes = &snapshots[first].sessions[&session].notes;
        for (p, text) in written.iter().filter(|(p, t)| !t.is_empty() && members.contains(p)) {
            prop_assert!(notes.contains(text.as_str()), "{:?} by peer {} lost from {:?}", text, p, notes);
        }
    }
}
