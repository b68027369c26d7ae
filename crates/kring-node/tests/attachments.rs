//! Attachments' bytes between laptops: real nodes and raw iroh endpoints on 127.0.0.1, offline
//! mode, bounded in time, in temporary folders.

#[path = "support/strangers.rs"]
mod stranger;

use std::path::Path;
use std::time::{Duration, Instant};

use kring_model::{AttachedTo, MemberId, Network, NetworkDetails, NewSession, Profile, Role, SessionId};
use kring_node::{ATTACHMENTS_ALPN, ATTACHMENTS_DIR, NetworkMode, Node, NodeError, NodeEvent};
use kring_store::DataDir;
use tokio::sync::broadcast;

const WAIT: Duration = Duration::from_secs(120);

/// A data directory holding a new network founded by "Anna" (named `name`); its id.
fn found(data: &DataDir, name: &str) -> String {
    let details = NetworkDetails { name: name.into(), ..Default::default() };
    let (mut network, _) =
        Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key()).unwrap();
    let id = network.id().to_string();
    let mut store = data.create_network(&id, network.doc_mut()).unwrap();
    store.persist(network.doc_mut()).unwrap();
    id
}

/// `name` joins `network` on `dir` with a ticket of the running `node`; the member it became.
async fn join(node: &Node, network: &str, dir: &Path, name: &str) -> (DataDir, String) {
    let (_, ticket) = node.create_invite(network, Role::Member, 1, Duration::from_secs(600)).unwrap();
    let data = DataDir::open(dir).unwrap();
    let mode = NetworkMode::loopback_only();
    let (_, member) = Node::join(&data, &mode, &ticket, &Profile::new(name), Duration::from_secs(10)).await.unwrap();
    (data, member)
}

fn meeting(node: &Node, network: &str) -> SessionId {
    let new = NewSession { title: "PLG 3".into(), starts_at: "2026-12-09".into(), ..Default::default() };
    node.edit(network, |n, me| n.add_session(me, &new)).unwrap()
}

/// `len` bytes that differ from one place to the next (a film does not compress either).
fn film(path: &Path, len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    std::fs::write(path, &bytes).unwrap();
    bytes
}

/// Every event so far, without waiting.
fn drain(events: &mut broadcast::Receiver<NodeEvent>) -> Vec<NodeEvent> {
    let mut all = Vec::new();
    while let Ok(event) = events.try_recv() {
        all.push(event);
    }
    all
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.path().is_dir() {
            files.extend(files_under(&entry.path()));
        } else {
            files.push(entry.path());
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_film_added_on_one_laptop_reaches_a_member_byte_for_byte() {
    let (dir_a, dir_b, files) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let data_a = DataDir::open(dir_a.path()).unwrap();
    let network = found(&data_a, "PLG Rekenen");
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let mut served = node_a.subscribe();
    let (data_b, _) = join(&node_a, &network, dir_b.path(), "Bram").await;
    let session = meeting(&node_a, &network);

    // What cannot be attached changes nothing: a missing file, one too large (sparse: no disk
    // spent), a meeting that does not exist.
    let heads = node_a.read(&network, |n| n.heads()).unwrap();
    let to = AttachedTo::Session(session.clone());
    let missing = node_a.attach(&network, &to, &files.path().join("weg.mp4")).await.unwrap_err();
    assert!(matches!(missing, NodeError::AttachmentFile { .. }), "{missing}");
    let huge = files.path().join("te-groot.mp4");
    std::fs::File::create(&huge).unwrap().set_len(kring_model::schema::MAX_ATTACHMENT_BYTES + 1).unwrap();
    let too_large = node_a.attach(&network, &to, &huge).await.unwrap_err();
    assert!(matches!(too_large, NodeError::Model(kring_model::ModelError::AttachmentTooLarge { .. })), "{too_large}");
    let elsewhere = AttachedTo::Session(SessionId::new("geen-vergadering"));
    let film_path = files.path().join("interview.mp4");
    let bytes = film(&film_path, 50 * 1024 * 1024);
    assert!(node_a.attach(&network, &elsewhere, &film_path).await.is_err());
    assert_eq!(node_a.read(&network, |n| n.heads()).unwrap(), heads);

    // Anna attaches a 50 MB film to the meeting.
    let (attachment, hash) = node_a.attach(&network, &to, &film_path).await.unwrap();
    assert_eq!(hash, blake3::hash(&bytes).to_hex().to_string(), "named by the BLAKE3 hash of its bytes");
    assert!(node_a.has_attachment(&network, &hash).await.unwrap());
    let shown = node_a.read(&network, |n| n.snapshot().unwrap()).unwrap();
    let (_, listed) = shown.attachment(&attachment).unwrap();
    assert_eq!(
        (listed.name.as_str(), listed.size, listed.kind),
        ("interview.mp4", bytes.len() as u64, kring_model::AttachmentKind::Video)
    );

    // Bram's laptop syncs the network, then fetches the film in the background.
    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await.unwrap();
    let mut events_b = node_b.subscribe();
    let reports = node_b.sync_once(None, Duration::from_secs(20)).await.unwrap();
    assert_eq!(reports[0].status, "in-sync", "{reports:?}");
    let started = Instant::now();
    node_b.spawn_attachment_fetch();
    let out = files.path().join("op-b.mp4");
    let written = node_b.save_attachment(&network, &attachment, &out, WAIT).await.unwrap();
    let took = started.elapsed();
    println!(
        "50 MB attachment from laptop A to laptop B on loopback: {:.2} s ({:.1} MB/s)",
        took.as_secs_f64(),
        50.0 / took.as_secs_f64()
    );
    assert_eq!(written, bytes.len() as u64);
    let received = std::fs::read(&out).unwrap();
    assert!(received == bytes, "byte for byte");
    assert_eq!(blake3::hash(&received).to_hex().to_string(), hash);

    // With progress on the way, and Anna's laptop says whom it gave the film.
    let events = drain(&mut events_b);
    let partway = events.iter().any(
        |e| matches!(e, NodeEvent::AttachmentProgress { received, total, .. } if *received > 0 && received < total),
    );
    assert!(partway, "progress while fetching: {events:?}");
    assert!(events.iter().any(|e| matches!(e, NodeEvent::AttachmentFetched { bytes, .. } if *bytes == written)));
    let bram_device = data_b.device_id();
    let served = drain(&mut served);
    assert!(served.iter().any(|e| matches!(e, NodeEvent::AttachmentServed { endpoint, .. } if bram_device.starts_with(endpoint.trim_end_matches('…')))));

    // Kept where other accounts on the laptop cannot read it.
    #[cfg(unix)]
    for dir in [dir_a.path(), dir_b.path()] {
        use std::os::unix::fs::PermissionsExt;
        let kept = files_under(&dir.join(ATTACHMENTS_DIR));
        assert!(!kept.is_empty());
        for file in kept {
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode & 0o077, 0, "{} is {mode:o}", file.display());
        }
    }

    node_b.shutdown().await;
    node_a.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_a_removed_member_and_a_member_of_another_network_get_no_byte() {
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let data_a = DataDir::open(dirs[0].path()).unwrap();
    let network = found(&data_a, "PLG Rekenen");
    let other = found(&data_a, "Casusoverleg");
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let mut events_a = node_a.subscribe();
    let (data_b, _) = join(&node_a, &network, dirs[1].path(), "Bram").await;
    let (data_c, cas) = join(&node_a, &network, dirs[2].path(), "Cas").await;
    let session = meeting(&node_a, &network);
    let case = meeting(&node_a, &other);
    let photo = dirs[3].path().join("flip-over.jpg");
    let bytes = film(&photo, 3 * 1024 * 1024);
    let (attachment, hash) = node_a.attach(&network, &AttachedTo::Session(session), &photo).await.unwrap();
    // The same kind of thing in a network Bram is not in.
    let secret = dirs[3].path().join("casus.pdf");
    film(&secret, 1024 * 1024 + 7);
    let (_, secret_hash) = node_a.attach(&other, &AttachedTo::Session(case), &secret).await.unwrap();

    // Cas's laptop learns of the photo, then Cas is removed before it fetched a byte.
    let (node_c, _) = Node::start(&data_c, &NetworkMode::loopback_only()).await.unwrap();
    // (Bram's laptop is not running: only Anna's answers.)
    let anna = [data_a.device_id()].into();
    let reports = node_c.sync_with(&anna, None, Duration::from_secs(20)).await.unwrap();
    assert_eq!(reports[0].status, "in-sync", "{reports:?}");
    node_a.edit(&network, |n, anna| n.remove_member(anna, &MemberId::new(cas))).unwrap();
    node_c.spawn_attachment_fetch();
    let out = dirs[3].path().join("op-c.jpg");
    let refused = node_c.save_attachment(&network, &attachment, &out, Duration::from_secs(4)).await.unwrap_err();
    assert!(matches!(refused, NodeError::AttachmentNotHere), "{refused}");
    assert!(!out.exists());
    assert!(!node_c.has_attachment(&network, &hash).await.unwrap());
    node_c.shutdown().await;

    // A stranger who learned the hash, asking with iroh-blobs itself.
    let blob = hash.parse::<iroh_blobs::Hash>().unwrap();
    let fetch_as = |endpoint: iroh::Endpoint, hash: iroh_blobs::Hash| {
        let addr = node_a.addr();
        async move {
            let store = iroh_blobs::store::mem::MemStore::new();
            let asked = tokio::time::timeout(Duration::from_secs(10), async {
                let connection = endpoint.connect(addr, ATTACHMENTS_ALPN).await.map_err(|e| e.to_string())?;
                let got = store.remote().fetch(connection.clone(), hash).await.map_err(|e| e.to_string());
                connection.close(0u32.into(), b"");
                got.map(drop)
            })
            .await
            .expect("bounded in time");
            // What of the blob the asking side holds afterwards, in bytes.
            let held = store.remote().local(hash).await.unwrap().local_bytes();
            endpoint.close().await;
            (asked, held)
        }
    };
    let (asked, held) = fetch_as(stranger::raw_device().await, blob).await;
    assert!(asked.is_err(), "a stranger's fetch fails");
    assert_eq!(held, 0);

    // Bram, a member of the photo's network, asking for the other network's file with his own
    // laptop's key: nothing either; the photo itself he gets.
    let bram = stranger::device_endpoint(Some(data_b.device_key().clone())).await;
    let (asked, held) = fetch_as(bram, secret_hash.parse().unwrap()).await;
    assert!(asked.is_err(), "another network's bytes are refused: {asked:?}");
    assert_eq!(held, 0);
    let bram = stranger::device_endpoint(Some(data_b.device_key().clone())).await;
    let (asked, held) = fetch_as(bram, blob).await;
    assert_eq!(asked, Ok(()));
    assert_eq!(held, bytes.len() as u64);

    // Anna's laptop gave bytes to Bram only, and said no to what he may not have.
    let events = drain(&mut events_a);
    let served: Vec<&String> = events
        .iter()
        .filter_map(|e| match e {
            NodeEvent::AttachmentServed { endpoint, hash: given, .. } => Some((endpoint, given)),
            _ => None,
        })
        .map(|(endpoint, given)| {
            assert_eq!(*given, hash, "only the photo was given");
            endpoint
        })
        .collect();
    assert_eq!(served.len(), 1, "{events:?}");
    assert!(data_b.device_id().starts_with(served[0].trim_end_matches('…')));
    assert!(
        events.iter().any(|e| matches!(e, NodeEvent::AttachmentRefused { hash: asked, .. } if *asked == secret_hash))
    );

    node_a.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attachment_is_fetched_from_whichever_member_has_it() {
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let data_a = DataDir::open(dirs[0].path()).unwrap();
    let network = found(&data_a, "Regioteam West");
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let (data_b, _) = join(&node_a, &network, dirs[1].path(), "Bram").await;
    let (data_c, _) = join(&node_a, &network, dirs[2].path(), "Cas").await;
    let session = meeting(&node_a, &network);
    let recording = dirs[3].path().join("interview.m4a");
    let bytes = film(&recording, 5 * 1024 * 1024);
    let (attachment, hash) = node_a.attach(&network, &AttachedTo::Session(session), &recording).await.unwrap();
    let only = |data: &DataDir| [data.device_id()].into();

    // Bram's laptop fetches the recording from Anna's; then Anna's laptop closes.
    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await.unwrap();
    let reports = node_b.sync_with(&only(&data_a), None, Duration::from_secs(20)).await.unwrap();
    assert_eq!(reports[0].status, "in-sync", "{reports:?}");
    node_b.spawn_attachment_fetch();
    let out_b = dirs[3].path().join("op-b.m4a");
    node_b.save_attachment(&network, &attachment, &out_b, WAIT).await.unwrap();
    node_a.shutdown().await;

    // Cas's laptop, which has not seen Anna's since joining, syncs with Bram's and gets the
    // recording from it.
    let (node_c, _) = Node::start(&data_c, &NetworkMode::loopback_only()).await.unwrap();
    let mut events_c = node_c.subscribe();
    node_c.remember(&node_b.addr(), kring_node::FoundVia::Typed);
    let reports = node_c.sync_with(&only(&data_b), None, Duration::from_secs(20)).await.unwrap();
    assert_eq!(reports[0].status, "in-sync", "{reports:?}");
    node_c.spawn_attachment_fetch();
    let out_c = dirs[3].path().join("op-c.m4a");
    node_c.save_attachment(&network, &attachment, &out_c, WAIT).await.unwrap();
    assert!(std::fs::read(&out_c).unwrap() == bytes, "byte for byte");
    let from = drain(&mut events_c).into_iter().find_map(|event| match event {
        NodeEvent::AttachmentFetched { hash: fetched, endpoint, .. } if fetched == hash => Some(endpoint),
        _ => None,
    });
    let bram = data_b.device_id();
    assert!(from.is_some_and(|from| bram.starts_with(from.trim_end_matches('…'))), "from Bram's laptop");

    node_c.shutdown().await;
    node_b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_laptop_fetches_no_more_than_the_document_says_an_attachment_holds() {
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let data_a = DataDir::open(dirs[0].path()).unwrap();
    let network = found(&data_a, "PLG Rekenen");
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let (data_b, _) = join(&node_a, &network, dirs[1].path(), "Bram").await;
    let session = meeting(&node_a, &network);
    let to = AttachedTo::Session(session);
    let big = dirs[2].path().join("groot.mp4");
    film(&big, 8 * 1024 * 1024);
    // Anna's laptop holds 8 MB under a hash; the only attachment not in the bin that names it
    // says it is 1,000 bytes (a modified client can write any size the rules allow).
    let (honest, hash) = node_a.attach(&network, &to, &big).await.unwrap();
    node_a.edit(&network, |n, me| n.delete_attachment(me, &to, &honest)).unwrap();
    let small = kring_model::NewAttachment {
        name: "klein.jpg".into(),
        kind: kring_model::AttachmentKind::Image,
        size: 1_000,
        hash: hash.clone(),
    };
    let lying = node_a.edit(&network, |n, me| n.add_attachment(me, &to, &small)).unwrap();

    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await.unwrap();
    let reports = node_b.sync_once(None, Duration::from_secs(20)).await.unwrap();
    assert_eq!(reports[0].status, "in-sync", "{reports:?}");
    node_b.spawn_attachment_fetch();
    let out = dirs[2].path().join("op-b.jpg");
    let refused = node_b.save_attachment(&network, &lying, &out, Duration::from_secs(4)).await.unwrap_err();
    assert!(matches!(refused, NodeError::AttachmentNotHere), "{refused}");
    node_b.shutdown().await;
    let held = kring_node::bytes_here(&data_b, &network, &hash).await.unwrap();
    assert!(held > 0, "it was asked for");
    assert!(held <= 16 * 1024, "{held} bytes kept of a file said to hold 1,000");
    node_a.shutdown().await;
}

/// `len` bytes of a file of its own: no other file made with another `seed` shares a run of them.
fn file_of(path: &Path, len: usize, seed: u64) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ seed.wrapping_mul(0x2545_f491_4f6c_dd1d);
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect();
    std::fs::write(path, &bytes).unwrap();
    bytes
}

/// Runs of 32 bytes from the start, the middle and the end of `bytes`: a file that holds any of
/// them holds part of it.
fn runs_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    let len = bytes.len();
    [0, len / 2, len - 32].into_iter().map(|at| bytes[at..at + 32].to_vec()).collect()
}

/// The files under `dir` that hold any of `runs`.
fn holding(dir: &Path, runs: &[Vec<u8>]) -> Vec<std::path::PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|file| {
            let content = std::fs::read(file).unwrap_or_default();
            runs.iter().any(|run| content.windows(run.len()).any(|w| w == run.as_slice()))
        })
        .collect()
}

/// Waits (at most [`WAIT`]) until no file under any of `dirs` holds any of `runs`.
async fn until_no_file_holds(dirs: &[&Path], runs: &[Vec<u8>]) {
    let started = Instant::now();
    loop {
        let left: Vec<_> = dirs.iter().flat_map(|dir| holding(dir, runs)).collect();
        if left.is_empty() {
            return;
        }
        assert!(started.elapsed() < WAIT, "still holding the erased bytes: {left:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_attachment_leaves_no_byte_in_any_file_of_any_laptop_once_it_switched() {
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let data_a = DataDir::open(dirs[0].path()).unwrap();
    let network = found(&data_a, "Casusoverleg Jeugdzorg");
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let (data_b, _) = join(&node_a, &network, dirs[1].path(), "Bram").await;
    let (data_c, _) = join(&node_a, &network, dirs[2].path(), "Cas").await;
    let session = meeting(&node_a, &network);
    let to = AttachedTo::Session(session);
    // A case file, a small note (a few KB: no store keeps it inside its database) and a photo
    // that stays.
    let files = dirs[3].path();
    let case = file_of(&files.join("dossier-joris.pdf"), 300 * 1024 + 11, 1);
    let note = file_of(&files.join("notitie.txt"), 5_000, 2);
    let photo = file_of(&files.join("flip-over.jpg"), 200 * 1024, 3);
    let (case_id, case_hash) = node_a.attach(&network, &to, &files.join("dossier-joris.pdf")).await.unwrap();
    let (note_id, _) = node_a.attach(&network, &to, &files.join("notitie.txt")).await.unwrap();
    let (photo_id, photo_hash) = node_a.attach(&network, &to, &files.join("flip-over.jpg")).await.unwrap();

    // Bram's and Cas's laptops fetch all three.
    let anna = [data_a.device_id()].into();
    let mut others = Vec::new();
    for data in [&data_b, &data_c] {
        let (node, _) = Node::start(data, &NetworkMode::loopback_only()).await.unwrap();
        let reports = node.sync_with(&anna, None, Duration::from_secs(20)).await.unwrap();
        assert_eq!(reports[0].status, "in-sync", "{reports:?}");
        node.spawn_attachment_fetch();
        for attachment in [&case_id, &note_id, &photo_id] {
            node.save_attachment(&network, attachment, &files.join("uit"), WAIT).await.unwrap();
        }
        // Bram opened the case file in his viewer: that copy too goes with the erasure.
        if others.is_empty() {
            node.attachments_here().copy_for_viewer(data.root(), &network, &case_id).await.unwrap();
        }
        others.push(node);
    }
    std::fs::remove_file(files.join("uit")).unwrap();
    let mut erased = runs_of(&case);
    erased.extend(runs_of(&note));
    let laptops = [dirs[0].path(), dirs[1].path(), dirs[2].path()];
    for dir in laptops {
        // (The scan finds them while they are there.)
        let (case, note) = (holding(dir, &runs_of(&case)), holding(dir, &runs_of(&note)));
        let viewer = usize::from(dir == dirs[1].path());
        assert!(case.len() == 1 + viewer && note.len() == 1, "{case:?} {note:?}");
    }

    // Anna erases the case file and the note for everyone; Bram's and Cas's laptops take the
    // new chapter from hers.
    node_a.erase_attachment(&network, &case_id).unwrap();
    let chapter = node_a.erase_attachment(&network, &note_id).unwrap();
    assert_eq!(chapter.number, 3);
    for node in &others {
        let reports = node.sync_with(&anna, None, Duration::from_secs(20)).await.unwrap();
        assert_eq!(reports[0].status, "in-sync", "{reports:?}");
        assert_eq!(node.read(&network, |n| n.chapter().number).unwrap(), 3);
    }
    until_no_file_holds(&laptops, &erased).await;
    for node in [&node_a, &others[0], &others[1]] {
        assert!(!node.has_attachment(&network, &case_hash).await.unwrap());
        assert!(node.has_attachment(&network, &photo_hash).await.unwrap(), "the photo stays");
    }
    for dir in laptops {
        assert_eq!(holding(dir, &runs_of(&photo)).len(), 1, "the photo's bytes stay: {}", dir.display());
    }
    // And nothing brings them back: a laptop that asks for them is refused.
    let bram = stranger::device_endpoint(Some(data_b.device_key().clone())).await;
    let addr = node_a.addr();
    let asked = tokio::time::timeout(Duration::from_secs(10), async {
        let store = iroh_blobs::store::mem::MemStore::new();
        let connection = bram.connect(addr, ATTACHMENTS_ALPN).await.map_err(|e| e.to_string())?;
        let got = store.remote().fetch(connection.clone(), case_hash.parse::<iroh_blobs::Hash>().unwrap()).await;
        connection.close(0u32.into(), b"");
        got.map(drop).map_err(|e| e.to_string())
    })
    .await
    .expect("bounded in time");
    assert!(asked.is_err(), "erased bytes are not served");
    bram.close().await;

    for node in others {
        node.shutdown().await;
    }
    node_a.shutdown().await;
    until_no_file_holds(&laptops, &erased).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attachment_in_the_bin_keeps_its_bytes_until_the_bin_is_emptied() {
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let data_a = DataDir::open(dirs[0].path()).unwrap();
    let network = found(&data_a, "PLG Rekenen");
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let (data_b, _) = join(&node_a, &network, dirs[1].path(), "Bram").await;
    let to = AttachedTo::Session(meeting(&node_a, &network));
    let path = dirs[2].path().join("verslag.pdf");
    let bytes = file_of(&path, 250 * 1024, 4);
    let (attachment, hash) = node_a.attach(&network, &to, &path).await.unwrap();
    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await.unwrap();
    let anna = [data_a.device_id()].into();
    assert_eq!(node_b.sync_with(&anna, None, Duration::from_secs(20)).await.unwrap()[0].status, "in-sync");
    node_b.spawn_attachment_fetch();
    node_b.save_attachment(&network, &attachment, &dirs[2].path().join("uit.pdf"), WAIT).await.unwrap();

    // Bram puts it in the bin: on both laptops the bytes stay (it can be restored), also through
    // a sweep.
    node_b.edit(&network, |n, me| n.delete_attachment(me, &to, &attachment)).unwrap();
    assert_eq!(node_b.sync_with(&anna, None, Duration::from_secs(20)).await.unwrap()[0].status, "in-sync");
    let laptops = [dirs[0].path(), dirs[1].path()];
    for node in [&node_a, &node_b] {
        assert!(
            node.read(&network, |n| n.snapshot().unwrap().attachment(&attachment).unwrap().1.deleted_at.is_some())
                .unwrap()
        );
        assert_eq!(node.sweep_attachments(&network).await.unwrap().deleted, 0);
        assert!(node.has_attachment(&network, &hash).await.unwrap());
    }
    for dir in laptops {
        assert_eq!(holding(dir, &runs_of(&bytes)).len(), 1, "{}", dir.display());
    }

    // Anna begins a new chapter: the bin is emptied, and with it go the bytes.
    node_a.start_chapter(&network, &[], false).unwrap();
    assert_eq!(node_b.sync_with(&anna, None, Duration::from_secs(20)).await.unwrap()[0].status, "in-sync");
    until_no_file_holds(&laptops, &runs_of(&bytes)).await;
    for node in [&node_a, &node_b] {
        assert!(!node.has_attachment(&network, &hash).await.unwrap());
    }
    node_b.shutdown().await;
    node_a.shutdown().await;
}

/// Anna's network with one meeting and, on her laptop (no node running), a case file attached
/// to it: her open network, the attachment, its hash and bytes.
fn anna_with_a_case(
    runtime: &tokio::runtime::Runtime,
    data: &DataDir,
    file: &Path,
) -> (kring_node::OpenNetwork, kring_model::AttachmentId, String, Vec<u8>) {
    let network = found(data, "Casusoverleg Jeugdzorg");
    let (mut open, _) = kring_node::OpenNetwork::open(data, &network).unwrap();
    let new = NewSession { title: "Casus 4".into(), starts_at: "2026-12-09".into(), ..Default::default() };
    let session = open.edit(&data.device_id(), |n, me| n.add_session(me, &new)).unwrap();
    let bytes = file_of(file, 400 * 1024 + 3, 7);
    let to = AttachedTo::Session(session);
    let (attachment, hash) = runtime.block_on(kring_node::attach_here(data, &mut open, &to, file)).unwrap();
    (open, attachment, hash, bytes)
}

#[test]
fn a_bundle_with_attachments_carries_their_bytes_to_a_laptop_that_never_connected() {
    use kring_node::bundle::{self, Lock, Passphrase, Unlock};
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let data_a = DataDir::open(dirs[0].path()).unwrap();
    let files = dirs[3].path();
    let (mut open, attachment, hash, bytes) = anna_with_a_case(&runtime, &data_a, &files.join("dossier.pdf"));
    let network = open.network.id().to_string();
    let signatures = open.sign_whole(data_a.device_key()).unwrap();
    let passphrase = Passphrase::new("de bus naar Leiden rijdt om negen".into());
    let lock = Lock::Passphrase(&passphrase);

    // With the attachments, and without: the same network.
    let with = files.join("met-bijlagen.kring");
    let written = bundle::write_file(&data_a, &with, &mut open.network, &signatures, lock, true).unwrap();
    assert_eq!((written.attachments, written.missing), (1, 0));
    assert!(written.bytes > bytes.len() as u64);
    let without = files.join("zonder.kring");
    let written = bundle::write_file(&data_a, &without, &mut open.network, &signatures, lock, false).unwrap();
    assert_eq!(written.attachments, 0);
    assert!(written.bytes < bytes.len() as u64 / 4, "{} bytes", written.bytes);
    for file in [&with, &without] {
        assert!(holding(files, &runs_of(&bytes)).iter().all(|held| held != file), "encrypted: {}", file.display());
    }
    // A bundle without attachments is one as Kring wrote it before: the plain reader takes it.
    let key = iroh::SecretKey::from_bytes(&[7; 32]);
    let unlock = Unlock { device: &key, passphrase: Some(&passphrase) };
    assert!(kring_store::bundle::open(&std::fs::read(&without).unwrap(), unlock).is_ok());
    assert!(bundle::read_file(&with, unlock).unwrap().is_ok(), "the plain reader leaves the bytes be");

    // Dewi's laptop has never met any of the network's: with the bundle, the file is there,
    // byte for byte.
    let data_d = DataDir::open(dirs[1].path()).unwrap();
    let unlock_d = Unlock { device: data_d.device_key(), passphrase: Some(&passphrase) };
    let incoming = bundle::read_file_with_attachments(&data_d, &with, unlock_d).unwrap().unwrap();
    assert_eq!(incoming.attachments(), 1);
    incoming.create(&data_d).unwrap();
    let out = files.join("bij-dewi.pdf");
    let saved = runtime.block_on(kring_node::save_here(&data_d, &network, &hash, &out)).unwrap();
    assert_eq!(saved, bytes.len() as u64);
    assert!(std::fs::read(&out).unwrap() == bytes, "byte for byte");
    let waiting: Vec<_> = files_under(&dirs[1].path().join(ATTACHMENTS_DIR))
        .into_iter()
        .filter(|file| file.to_string_lossy().contains(".bundle-"))
        .collect();
    assert!(waiting.is_empty(), "nothing left waiting: {waiting:?}");

    // Eva's laptop, with the bundle without them: the network, and not a byte of the file.
    let data_e = DataDir::open(dirs[2].path()).unwrap();
    let unlock_e = Unlock { device: data_e.device_key(), passphrase: Some(&passphrase) };
    let incoming = bundle::read_file_with_attachments(&data_e, &without, unlock_e).unwrap().unwrap();
    assert_eq!(incoming.attachments(), 0);
    let at_eva = incoming.create(&data_e).unwrap();
    assert!(at_eva.network.snapshot().unwrap().attachment(&attachment).is_some(), "what it is, listed");
    let missing = runtime.block_on(kring_node::save_here(&data_e, &network, &hash, &files.join("x"))).unwrap_err();
    assert!(matches!(missing, NodeError::AttachmentNotHere), "{missing}");
    assert!(holding(dirs[2].path(), &runs_of(&bytes)).is_empty());
}

#[test]
fn a_bundle_whose_attachment_bytes_were_changed_is_refused_and_changes_nothing() {
    use kring_node::bundle::{self, Lock, Passphrase, Unlock};
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let data_a = DataDir::open(dirs[0].path()).unwrap();
    let files = dirs[2].path();
    let (mut open, _, hash, bytes) = anna_with_a_case(&runtime, &data_a, &files.join("dossier.pdf"));
    let network = open.network.id().to_string();
    let signatures = open.sign_whole(data_a.device_key()).unwrap();
    let passphrase = Passphrase::new("de bus naar Leiden rijdt om negen".into());
    let lock = Lock::Passphrase(&passphrase);
    let data_b = DataDir::open(dirs[1].path()).unwrap();
    let unlock = Unlock { device: data_b.device_key(), passphrase: Some(&passphrase) };
    let refused = |file: &Path, why: &str| {
        let problem = match bundle::read_file_with_attachments(&data_b, file, unlock).unwrap() {
            Ok(_) => panic!("{} was read in", file.display()),
            Err(problem) => problem.to_string(),
        };
        assert!(problem.contains(why), "{problem}");
        assert!(data_b.network_ids().unwrap().is_empty(), "no network");
        assert!(files_under(&dirs[1].path().join(ATTACHMENTS_DIR)).is_empty(), "no file kept");
    };

    // A byte changed on the USB stick, in the attachment's part: the encryption's own check.
    let good = files.join("goed.kring");
    bundle::write_file(&data_a, &good, &mut open.network, &signatures, lock, true).unwrap();
    let mut changed = std::fs::read(&good).unwrap();
    let at = changed.len() - 100 * 1024;
    changed[at] ^= 0x40;
    std::fs::write(files.join("veranderd.kring"), &changed).unwrap();
    refused(&files.join("veranderd.kring"), "damaged or was changed");

    // Made by a laptop of a member (it holds the key): the network as it is, but other bytes
    // under the attachment's hash, or bytes no attachment names.
    let document = kring_store::save_checked(open.network.doc_mut());
    let signed = kring_sync::SignatureBook::encode(&signatures);
    let craft = |name: &str, hash: [u8; 32], content: &[u8]| {
        let path = files.join(name);
        let mut out = std::fs::File::create(&path).unwrap();
        let list = [(hash, content.len() as u64)];
        let mut fill = |_: usize, into: &mut dyn std::io::Write| into.write_all(content).map(|()| content.len() as u64);
        kring_store::bundle::write_with_files(&mut out, &network, &signed, &document, &list, lock, &mut fill).unwrap();
        path
    };
    let named: [u8; 32] = *hash.parse::<iroh_blobs::Hash>().unwrap().as_bytes();
    let mut other = bytes.clone();
    other[bytes.len() / 2] ^= 1;
    refused(&craft("andere-bytes.kring", named, &other), "do not match its hash");
    refused(&craft("te-kort.kring", named, &bytes[..1000]), "which its network does not");
    let stranger = *blake3::hash(b"iets anders").as_bytes();
    refused(&craft("onbekend.kring", stranger, b"iets anders"), "no attachment of its network names");
    // The honest one is read in.
    assert!(
        bundle::read_file_with_attachments(&data_b, &craft("eerlijk.kring", named, &bytes), unlock).unwrap().is_ok()
    );
}

/// The passphrase the bundles of the running nodes below are locked with.
fn bus() -> kring_node::bundle::Passphrase {
    kring_node::bundle::Passphrase::new("de bus naar Leiden rijdt om negen".into())
}

/// The files a bundle's attachments left waiting under a data folder (none once it is read).
fn waiting_files(dir: &Path) -> Vec<std::path::PathBuf> {
    files_under(&dir.join(ATTACHMENTS_DIR))
        .into_iter()
        .filter(|file| file.to_string_lossy().contains(".bundle-"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_node_writes_and_reads_a_bundle_with_attachments_through_its_own_stores() {
    use kring_node::bundle::Unlock;
    use kring_node::{BundleFor, BundleProblem, BundleProgress};
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let files = dirs[3].path();
    let data_a = DataDir::open(dirs[0].path()).unwrap();
    let network = found(&data_a, "Casusoverleg Jeugdzorg");
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let to = AttachedTo::Session(meeting(&node_a, &network));
    // A recording of 9 MB: progress is told within it too. Attaching opened the node's store.
    let bytes = file_of(&files.join("gesprek.m4a"), 9 * 1024 * 1024 + 5, 11);
    let (attachment, hash) = node_a.attach(&network, &to, &files.join("gesprek.m4a")).await.unwrap();

    // Anna's running node writes the bundle through its own store: no second store on the
    // folder, no lock to collide on.
    let told: std::sync::Arc<std::sync::Mutex<Vec<BundleProgress>>> = Default::default();
    let keep = told.clone();
    let with = files.join("met-bijlagen.kring");
    let lock = BundleFor::Passphrase(bus());
    let written =
        node_a.export_bundle(&network, &with, lock, true, move |p| keep.lock().unwrap().push(p)).await.unwrap();
    assert_eq!((written.attachments, written.missing), (1, 0));
    assert!(written.bytes > bytes.len() as u64);
    let told = told.lock().unwrap().clone();
    let last = *told.last().expect("progress was told");
    assert_eq!(
        (last.files_done, last.files, last.bytes_done, last.bytes),
        (1, 1, bytes.len() as u64, bytes.len() as u64)
    );
    assert!(told.iter().any(|p| p.files_done == 0 && p.bytes_done > 0), "within the file too: {told:?}");
    let without = files.join("zonder.kring");
    let written = node_a.export_bundle(&network, &without, BundleFor::Passphrase(bus()), false, |_| {}).await.unwrap();
    assert_eq!(written.attachments, 0);
    assert!(written.bytes < 1024 * 1024, "{} bytes", written.bytes);
    for file in [&with, &without] {
        assert!(holding(files, &runs_of(&bytes)).iter().all(|held| held != file), "encrypted: {}", file.display());
    }
    // The node still serves from its store: it was not closed or taken.
    assert!(node_a.has_attachment(&network, &hash).await.unwrap());
    // For the members' laptops: Anna's key opens it, with the recording inside.
    let for_members = files.join("voor-leden.kring");
    let written = node_a.export_bundle(&network, &for_members, BundleFor::Members, true, |_| {}).await.unwrap();
    assert_eq!(written.attachments, 1);
    let unlock = Unlock { device: data_a.device_key(), passphrase: None };
    let (_, carried) =
        kring_store::bundle::open_reader_with_files(std::fs::File::open(&for_members).unwrap(), unlock).unwrap();
    assert_eq!(carried.expect("the recording is in it").count(), 1);

    // A byte changed on the stick, in the recording's part: Dewi's running node refuses it,
    // and holds no network and no byte of it.
    let data_d = DataDir::open(dirs[1].path()).unwrap();
    let (node_d, _) = Node::start(&data_d, &NetworkMode::loopback_only()).await.unwrap();
    let mut changed = std::fs::read(&with).unwrap();
    let at = changed.len() - 2 * 1024 * 1024;
    changed[at] ^= 0x20;
    let tampered = files.join("veranderd.kring");
    std::fs::write(&tampered, &changed).unwrap();
    let refused = node_d.import_bundle(&data_d, &tampered, Some(bus()), true, |_| {}).await.unwrap_err();
    assert!(
        matches!(&refused, NodeError::Bundle { problem, .. } if matches!(**problem, BundleProblem::Damaged(_))),
        "{refused}"
    );
    assert!(data_d.network_ids().unwrap().is_empty(), "no network");
    assert!(holding(dirs[1].path(), &runs_of(&bytes)).is_empty(), "no byte of the recording kept");
    assert!(waiting_files(dirs[1].path()).is_empty(), "nothing left waiting");

    // The honest one: the network, and the recording in Dewi's node's store, byte for byte.
    let read: std::sync::Arc<std::sync::Mutex<Vec<BundleProgress>>> = Default::default();
    let keep = read.clone();
    let imported = node_d.import_bundle(&data_d, &with, Some(bus()), true, move |p| keep.lock().unwrap().push(p));
    let imported = imported.await.unwrap();
    let last = *read.lock().unwrap().last().expect("progress was told");
    assert_eq!((last.files_done, last.files, last.bytes_done), (1, 1, bytes.len() as u64));
    assert!(imported.created && imported.attachments == 1, "{imported:?}");
    assert!(node_d.has_attachment(&network, &hash).await.unwrap());
    let out = files.join("bij-dewi.m4a");
    node_d.save_attachment(&network, &attachment, &out, Duration::from_secs(5)).await.unwrap();
    assert!(std::fs::read(&out).unwrap() == bytes, "byte for byte");
    assert!(waiting_files(dirs[1].path()).is_empty(), "nothing left waiting");

    // Anna plans the next case and writes a new bundle; a member's laptop (it holds the key)
    // puts other bytes under the recording's hash. Dewi's node, whose store is open now,
    // refuses it and its network stays as it was; the honest one merges.
    let next = NewSession { title: "Casus 5".into(), starts_at: "2026-12-16".into(), ..Default::default() };
    node_a.edit(&network, |n, me| n.add_session(me, &next)).unwrap();
    let second = files.join("tweede.kring");
    node_a.export_bundle(&network, &second, BundleFor::Passphrase(bus()), true, |_| {}).await.unwrap();
    let passphrase = bus();
    let unlock = Unlock { device: data_d.device_key(), passphrase: Some(&passphrase) };
    let (opened, _) =
        kring_store::bundle::open_reader_with_files(std::fs::File::open(&second).unwrap(), unlock).unwrap();
    let mut other = bytes.clone();
    other[bytes.len() / 3] ^= 1;
    let crafted = files.join("andere-bytes.kring");
    let named: [u8; 32] = *hash.parse::<iroh_blobs::Hash>().unwrap().as_bytes();
    let mut out = std::fs::File::create(&crafted).unwrap();
    let mut fill = |_: usize, into: &mut dyn std::io::Write| into.write_all(&other).map(|()| other.len() as u64);
    let list = [(named, other.len() as u64)];
    let lock = kring_node::bundle::Lock::Passphrase(&passphrase);
    kring_store::bundle::write_with_files(
        &mut out,
        &opened.network,
        &opened.signatures,
        &opened.document,
        &list,
        lock,
        &mut fill,
    )
    .unwrap();
    drop(out);
    let heads = node_d.read(&network, |n| n.heads()).unwrap();
    let refused = node_d.import_bundle(&data_d, &crafted, Some(bus()), false, |_| {}).await.unwrap_err();
    assert!(refused.to_string().contains("do not match its hash"), "{refused}");
    assert_eq!(node_d.read(&network, |n| n.heads()).unwrap(), heads, "nothing merged");
    assert!(waiting_files(dirs[1].path()).is_empty(), "nothing left waiting");
    let out = files.join("nog-steeds.m4a");
    node_d.save_attachment(&network, &attachment, &out, Duration::from_secs(5)).await.unwrap();
    assert!(std::fs::read(&out).unwrap() == bytes, "the recording kept is the honest one");
    let merged = node_d.import_bundle(&data_d, &second, Some(bus()), false, |_| {}).await.unwrap();
    assert!(!merged.created && merged.new_changes > 0, "{merged:?}");
    let sessions = node_d.read(&network, |n| n.snapshot().unwrap().sessions.len()).unwrap();
    assert_eq!(sessions, 2);
    node_d.shutdown().await;
    node_a.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_larger_than_one_without_attachments_may_be_is_read_in_by_a_running_node() {
    use kring_node::BundleFor;
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let files = dirs[2].path();
    let data_a = DataDir::open(dirs[0].path()).unwrap();
    let network = found(&data_a, "PLG Rekenen");
    let (node_a, _) = Node::start(&data_a, &NetworkMode::loopback_only()).await.unwrap();
    let to = AttachedTo::Session(meeting(&node_a, &network));
    // A film larger than a bundle without attachments may be: such a bundle was refused by its
    // size before. It is read as a stream, each file waiting on disk, never whole in memory.
    let film = files.join("les.mp4");
    let bytes = file_of(&film, kring_store::bundle::MAX_FILE_BYTES as usize + 4 * 1024 * 1024, 21);
    let hash = blake3::hash(&bytes);
    drop(bytes);
    let (attachment, _) = node_a.attach(&network, &to, &film).await.unwrap();
    let stick = files.join("groot.kring");
    let written = node_a.export_bundle(&network, &stick, BundleFor::Passphrase(bus()), true, |_| {}).await.unwrap();
    assert!(written.bytes > kring_store::bundle::MAX_FILE_BYTES, "{} bytes", written.bytes);

    let data_b = DataDir::open(dirs[1].path()).unwrap();
    let (node_b, _) = Node::start(&data_b, &NetworkMode::loopback_only()).await.unwrap();
    let imported = node_b.import_bundle(&data_b, &stick, Some(bus()), true, |_| {}).await.unwrap();
    assert_eq!(imported.attachments, 1);
    let out = files.join("bij-bram.mp4");
    node_b.save_attachment(&network, &attachment, &out, Duration::from_secs(5)).await.unwrap();
    assert_eq!(blake3::hash(&std::fs::read(&out).unwrap()), hash, "byte for byte");
    node_b.shutdown().await;
    node_a.shutdown().await;
}
