//! Writes the fuzz targets' fixture and seed corpus from real Kring data:
//!
//! - `fixtures/network.automerge`: the local document of `sync_messages` (kept if it exists:
//!   the sync seeds and every grown corpus depend on its network id and change hashes);
//! - `corpus/<target>/seed-*`: small valid inputs in each target's input format (see the
//!   comment at the top of each target).
//!
//! Run from anywhere: `cargo run --manifest-path fuzz/Cargo.toml -p kring-fuzz-seedgen`.

use std::fs;
use std::path::{Path, PathBuf};

use kring_model::automerge::AutoCommit;
use kring_model::*;
use kring_store::{DataDir, LOG_FILE, NETWORKS_DIR, SNAPSHOT_FILE, record, snapshot_file};
use kring_sync::testing::Memory;
use kring_sync::{Message, PeerAddr, PeerConnection, frame};

fn device(n: u8) -> String {
    format!("{n:064x}")
}

/// Syncs `remote` (device 2) with `local` (device 1) until both are quiet; returns every
/// message the remote sent to the local side, in order, and the local side's connection.
fn converse(local: &mut Memory, remote: &mut Memory, local_dials: bool) -> (Vec<Message>, PeerConnection) {
    let id = local.network.id().to_string();
    let mut at_local = PeerConnection::new(device(2));
    let mut at_remote = PeerConnection::new(device(1));
    if local_dials {
        at_local.open(&id, local);
    } else {
        at_remote.open(&id, remote);
    }
    let mut sent = Vec::new();
    loop {
        let mut quiet = true;
        while let Some(message) = at_local.poll_transmit() {
            quiet = false;
            at_remote.receive(message, remote).expect("a well-behaved local side");
        }
        while let Some(message) = at_remote.poll_transmit() {
            quiet = false;
            sent.push(message.clone());
            if at_local.receive(message, local).is_err() {
                return (sent, at_local);
            }
        }
        while at_local.poll_event().is_some() {}
        while at_remote.poll_event().is_some() {}
        if quiet {
            return (sent, at_local);
        }
    }
}

fn frames(messages: &[Message]) -> Vec<u8> {
    messages.iter().flat_map(frame::encode).collect()
}

fn write_seed(fuzz: &Path, target: &str, name: &str, bytes: &[u8]) {
    let dir = fuzz.join("corpus").join(target);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
    println!("corpus/{target}/seed-{name}: {} bytes", bytes.len());
}

fn load(fixture: &[u8]) -> Network {
    Network::from_doc(AutoCommit::load(fixture).unwrap()).unwrap()
}

fn member(network: &Network, n: u8) -> MemberId {
    network.member_for_device(&device(n)).unwrap().expect("a member device")
}

fn main() {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let fixture_path = fuzz.join("fixtures/network.automerge");
    if !fixture_path.exists() {
        let details = NetworkDetails {
            name: "PLG Rekenen Leiden".into(),
            description: "Rekenonderwijs in de onderbouw".into(),
            region: "Leiden".into(),
            ..Default::default()
        };
        let (mut network, anna) = Network::create(&details, &Profile::new("Anna"), device(1).as_str()).unwrap();
        network.add_member(&anna, &Profile::new("Bram"), Role::Member, Some(device(2).as_str())).unwrap();
        let new = NewSession {
            title: "Startbijeenkomst".into(),
            kind: SessionKind::Plg,
            starts_at: "2026-09-14T15:30".into(),
            location: "Bibliotheek".into(),
        };
        network.add_session(&anna, &new).unwrap();
        fs::create_dir_all(fixture_path.parent().unwrap()).unwrap();
        fs::write(&fixture_path, network.doc_mut().save()).unwrap();
        println!("wrote a new fixtures/network.automerge");
    }
    let fixture = fs::read(&fixture_path).unwrap();
    let id = load(&fixture).id().to_string();

    // --- sync_messages and frame_decoder: what a peer really sends -------------------------
    // The fixture's devices are made-up ids, not keys, so the local side refuses what the
    // remote side changed, as a real laptop would: the conversation, and so the seed, ends there.
    let side = |mut network: Network| {
        let saved_doc = network.doc_mut().save();
        let mut side = Memory::new(network, iroh_base::SecretKey::from_bytes(&[1; 32]));
        side.saved_doc = saved_doc;
        side
    };
    let edited_remote = || {
        let mut remote = load(&fixture);
        let bram = member(&remote, 2);
        let question = remote.add_question(&bram, "Hoe oefenen we de tafels?", "Eerste ideeën").unwrap();
        remote.update_text(&bram, &TextField::Details(question.clone()), "Eerste ideeën, aangevuld").unwrap();
        remote.vote(&bram, &question).unwrap();
        remote
    };

    for (name, local_dials) in [("member-dials", false), ("local-dials", true)] {
        let (sent, _) = converse(&mut side(load(&fixture)), &mut side(edited_remote()), local_dials);
        let flags = if local_dials { 0x02 } else { 0x00 };
        write_seed(&fuzz, "sync_messages", name, &[&[flags][..], &frames(&sent)].concat());
        write_seed(
            &fuzz,
            "sync_messages",
            &format!("{name}-fix-checksums"),
            &[&[flags | 0x08][..], &frames(&sent)].concat(),
        );
        if !local_dials {
            write_seed(&fuzz, "frame_decoder", "sync-stream", &[&[4, 17][..], &frames(&sent)].concat());
        }
    }

    // The remote's copy removes Bram (by the coordinator): the local side refuses mid-sync.
    let mut remote = edited_remote();
    let (anna, bram) = (member(&remote, 1), member(&remote, 2));
    remote.remove_member(&anna, &bram).unwrap();
    let (sent, _) = converse(&mut side(load(&fixture)), &mut side(remote), false);
    write_seed(&fuzz, "sync_messages", "member-removed", &[&[0x08][..], &frames(&sent)].concat());

    // A reconnect with saved sync state: sync once, edit, sync again from the saved state.
    let mut local = side(load(&fixture));
    let mut remote = side(edited_remote());
    let (_, at_local) = converse(&mut local, &mut remote, false);
    // The local side refused the remote's edits and forgot the network on that connection, so
    // it starts from a fresh state, as a node does then.
    let state = at_local.sync_state(&id).unwrap_or_else(|| kring_model::automerge::sync::State::new().encode());
    let bram = member(&remote.network, 2);
    remote.network.add_question(&bram, "Wat werkt bij verlengde instructie?", "").unwrap();
    local.saved.insert(device(2), state.clone());
    let (sent, _) = converse(&mut local, &mut remote, false);
    let mut seed = vec![0x04 | 0x08];
    seed.extend_from_slice(&(state.len() as u16).to_le_bytes());
    seed.extend_from_slice(&state);
    seed.extend(frames(&sent));
    write_seed(&fuzz, "sync_messages", "reconnect-saved-state", &seed);

    // Every other kind of message, and a stranger.
    let peers = vec![PeerAddr { device: device(3), addrs: vec!["192.168.1.20:4433".into()] }];
    let others = [
        Message::Open { network: id.clone(), chapter: String::new() },
        Message::Peers { network: id.clone(), peers },
        Message::Sync { network: "onbekend".into(), chapter: String::new(), data: vec![0x42, 0, 0, 0, 0], signatures: vec![] },
        Message::Refused { network: id.clone() },
        Message::Sync { network: id.clone(), chapter: String::new(), data: vec![0x42, 0, 0, 0, 0], signatures: vec![] },
    ];
    write_seed(&fuzz, "sync_messages", "other-messages", &[&[0x00][..], &frames(&others)].concat());
    write_seed(&fuzz, "sync_messages", "stranger", &[&[0x01][..], &frames(&others)].concat());
    write_seed(&fuzz, "frame_decoder", "other-messages", &[&[3, 5][..], &frames(&others)].concat());

    // --- ticket_parser: a ticket as Kring writes it ------------------------------------------
    use iroh_tickets::Ticket as _;
    let key = |n: u8| iroh_base::SecretKey::from_bytes(&[n; 32]).public();
    let one = vec![iroh_base::EndpointAddr::new(key(1)).with_ip_addr("192.168.1.20:4433".parse().unwrap())];
    let two = vec![
        iroh_base::EndpointAddr::new(key(1))
            .with_ip_addr("192.168.1.20:4433".parse().unwrap())
            .with_ip_addr("[fe80::1]:4433".parse().unwrap())
            .with_relay_url("https://relay.example.org./".parse().unwrap()),
        iroh_base::EndpointAddr::new(key(2)),
    ];
    for (name, peers) in [("one-peer", one), ("two-peers", two)] {
        let ticket = kring_ticket::InviteTicket {
            network: id.clone(),
            invite: "8f2c0d3a9b7e4c1d".into(),
            secret: [0x5a; 32],
            peers,
        };
        let bytes = ticket.encode_bytes();
        let text = ticket.to_text();
        write_seed(&fuzz, "ticket_parser", name, text.as_bytes());
        write_seed(&fuzz, "ticket_parser", &format!("{name}-bytes"), &[&[0xFF][..], &bytes].concat());
        if name == "one-peer" {
            let pasted: String =
                text.as_bytes().chunks(40).map(|c| format!("  {}\r\n", std::str::from_utf8(c).unwrap())).collect();
            write_seed(&fuzz, "ticket_parser", "pasted", pasted.as_bytes());
        }
    }

    // --- store_loader: a network as the store writes it ---------------------------------------
    let root = std::env::temp_dir().join(format!("kring-fuzz-seedgen-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    {
        let data = DataDir::open(&root).unwrap();
        let mut network = load(&fixture);
        let mut store = data.create_network("fuzz-network", network.doc_mut()).unwrap();
        let bram = member(&network, 2);
        let question = network.add_question(&bram, "Hoe oefenen we de tafels?", "").unwrap();
        store.persist(network.doc_mut()).unwrap();
        network.update_text(&bram, &TextField::Details(question), "Met kaartjes").unwrap();
        store.persist(network.doc_mut()).unwrap();
    }
    let dir = root.join(NETWORKS_DIR).join("fuzz-network");
    let snapshot = fs::read(dir.join(SNAPSHOT_FILE)).unwrap();
    let log = fs::read(dir.join(LOG_FILE)).unwrap();
    fs::remove_dir_all(&root).unwrap();

    let document = snapshot_file::decode(&snapshot).unwrap();
    let pieces = |records: &[&[u8]]| -> Vec<u8> {
        records.iter().flat_map(|r| [&(r.len() as u32).to_le_bytes()[..], r].concat()).collect()
    };
    let scan = record::scan(&log);
    assert_eq!(scan.records.len(), 2);
    let mut framed = vec![0x0F];
    framed.extend_from_slice(&(document.len() as u32).to_le_bytes());
    framed.extend_from_slice(document);
    framed.extend(pieces(&scan.records));
    write_seed(&fuzz, "store_loader", "framed", &framed);

    let mut raw = vec![0x05];
    raw.extend_from_slice(&(snapshot.len() as u32).to_le_bytes());
    raw.extend_from_slice(&snapshot);
    raw.extend_from_slice(&log);
    write_seed(&fuzz, "store_loader", "raw", &raw);
    write_seed(&fuzz, "store_loader", "raw-torn-log", &raw[..raw.len() - 7]);

    // No snapshot: the whole history in the log, one record per change.
    let mut whole = load(&fixture);
    let changes: Vec<Vec<u8>> = whole.doc_mut().get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
    let records: Vec<&[u8]> = changes.iter().map(Vec::as_slice).collect();
    let mut log_only = vec![0x0C, 0, 0, 0, 0];
    log_only.extend(pieces(&records));
    write_seed(&fuzz, "store_loader", "log-only", &log_only);
}
