//! Deterministic simulation: several peers edit, connect and disconnect in a random order
//! chosen by proptest; once everyone is connected again, every peer holds the same network.
//! Every change is signed and checked against the rules on every laptop it reaches, and
//! coordinators remove members, change roles and make, use and revoke invites while others are
//! offline: an honest change is never refused (the world fails the test if one is).
//!
//! CI runs 100 seeds of 1 to 40 steps. The long run (`scripts/long-runs.sh`) sets
//! `KRING_SIM_SEEDS=1000 KRING_SIM_STEPS=10000`: every seed then takes exactly that many steps.

mod common;

use common::*;
use kring_model::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    /// Peer writes a line in the shared notes.
    Write(usize, String),
    Vote(usize),
    /// A peer proposes a question.
    Propose(usize),
    Connect(usize, usize),
    /// The newest live connection drops.
    Drop,
    /// Let the messages flow.
    Run,
    /// Peer removes the member of another peer (only coordinators can; others' laptops refuse
    /// the edit locally, as the app does).
    Remove(usize, usize),
    /// Peer makes another peer's member coordinator, or a regular member again.
    Role(usize, usize, bool),
    /// Peer makes an invite for two people.
    Invite(usize),
    /// Peer admits a new person with the n-th invite it knows (the inviter's side of a join).
    Admit(usize, usize),
    /// Peer revokes the n-th invite it knows.
    Revoke(usize, usize),
}

fn step(peers: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..peers, "[a-zé][a-zé ]{0,11}").prop_map(|(p, text)| Step::Write(p, text)),
        (0..peers).prop_map(Step::Vote),
        (0..peers).prop_map(Step::Propose),
        (0..peers, 0..peers).prop_map(|(a, b)| Step::Connect(a, b)),
        Just(Step::Drop),
        Just(Step::Run),
        (0..peers, 0..peers).prop_map(|(p, target)| Step::Remove(p, target)),
        (0..peers, 0..peers, any::<bool>()).prop_map(|(p, target, up)| Step::Role(p, target, up)),
        (0..peers).prop_map(Step::Invite),
        (0..peers, 0..4usize).prop_map(|(p, n)| Step::Admit(p, n)),
        (0..peers, 0..4usize).prop_map(|(p, n)| Step::Revoke(p, n)),
    ]
}

/// The invites peer `p`'s copy knows, in a stable order.
fn invites(world: &World, p: usize) -> Vec<InviteId> {
    world.peers[p].network.snapshot().unwrap().invites.into_keys().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(setting("KRING_SIM_SEEDS", 100) as u32))]

    #[test]
    fn every_peer_ends_with_the_same_network((peers, steps) in scenario(step)) {
        let names = ["Anna", "Bram", "Chris", "Dewi"];
        let mut world = world(&names[..peers]);
        let me = world.peers[0].me.clone();
        let session = session(&mut world.peers[0].network, &me);
        let question = world.peers[0].network.add_question(&me, "Startvraag", "").unwrap();
        // Everyone starts from the network as founded (they joined before the meeting).
        for i in 1..peers {
            let mut founder = world.peers[0].network.fork();
            world.peers[i].network.merge(&mut founder).unwrap();
        }
        world.share_signatures(0);
        let mut written = Vec::new();
        for step in steps {
            match step {
                // A laptop whose member was removed (as far as it knows) can no longer edit:
                // the model refuses, and nothing is sent.
                Step::Write(p, text) => {
                    let me = world.peers[p].me.clone();
                    if world.peers[p].network.append_text(&me, &TextField::Notes(session.clone()), &text).is_ok() {
                        written.push((p, text.trim().to_string()));
                        world.edited(p);
                    }
                }
                Step::Vote(p) => {
                    let me = world.peers[p].me.clone();
                    if world.peers[p].network.vote(&me, &question).is_ok() {
                        world.edited(p);
                    }
                }
                Step::Propose(p) => {
                    let me = world.peers[p].me.clone();
                    if world.peers[p].network.add_question(&me, "Nieuwe vraag", "").is_ok() {
                        world.edited(p);
                    }
                }
                Step::Remove(p, target) => {
                    let (me, them) = (world.peers[p].me.clone(), world.peers[target].me.clone());
                    if world.peers[p].network.remove_member(&me, &them).is_ok() {
                        world.edited(p);
                    }
                }
                Step::Role(p, target, up) => {
                    let (me, them) = (world.peers[p].me.clone(), world.peers[target].me.clone());
                    let role = if up { Role::Coordinator } else { Role::Member };
                    if world.peers[p].network.set_role(&me, &them, role).is_ok() {
                        world.edited(p);
                    }
                }
                Step::Invite(p) => {
                    let me = world.peers[p].me.clone();
                    let invite = NewInvite { secret_hash: "h".into(), role: Role::Member, expires_at: i64::MAX, max_uses: 2 };
                    if world.peers[p].network.create_invite(&me, &invite).is_ok() {
                        world.edited(p);
                    }
                }
                Step::Admit(p, n) => {
                    let Some(invite) = invites(&world, p).get(n).cloned() else { continue };
                    let device = iroh_base::SecretKey::from_bytes(&[200 + n as u8; 32]);
                    let newcomer = Profile::new("Nieuw lid");
                    let me = world.peers[p].me.clone();
                    let chosen = kring_model::MemberId::random();
                    let joined = world.peers[p].network.join_with_invite(
                        &me,
                        &invite,
                        "h",
                        &newcomer,
                        &chosen,
                        device.as_signing_key(),
                    );
                    if joined.is_ok() {
                        world.edited(p);
                    }
                }
                Step::Revoke(p, n) => {
                    let me = world.peers[p].me.clone();
                    let Some(invite) = invites(&world, p).get(n).cloned() else { continue };
                    if world.peers[p].network.revoke_invite(&me, &invite).is_ok() {
                        world.edited(p);
                    }
                }
                Step::Connect(a, b) if a != b => { world.connect(a, b); }
                Step::Connect(..) => {}
                Step::Drop => {
                    if let Some(index) = world.links.iter().rposition(|l| l.up) {
                        world.disconnect(index);
                    }
                }
                Step::Run => { world.run(); }
            }
        }
        let (members, snapshots) = world.settle()?;
        let Some(&first) = members.first() else { return Ok(()) };
        // Every note a current member wrote is kept.
        let notes = &snapshots[first].sessions[&session].notes;
        for (p, text) in written.iter().filter(|(p, t)| !t.is_empty() && members.contains(p)) {
            prop_assert!(notes.contains(text.as_str()), "{:?} by peer {} lost from {:?}", text, p, notes);
        }
    }
}
