//! Attachments: one film fetched by several laptops at once from the laptop that attached it,
//! through Kring (its gate, its background fetch, its stores) and, in the same run, through
//! iroh-blobs alone (its own protocol, stores and endpoints bound as Kring binds them); the
//! memory the process takes above idle while Kring's laptops fetch; and the time a laptop takes
//! to open a network with gigabytes of attachments, beside the same network without them.
//! Everything on 127.0.0.1, offline.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use iroh::protocol::Router;
use iroh_blobs::BlobsProtocol;
use iroh_blobs::store::fs::FsStore;
use kring_model::{AttachedTo, Network, NetworkDetails, NewSession, Profile, Role};
use kring_node::{NetworkMode, Node};
use kring_store::DataDir;

use crate::system::resident_mb;

/// How long any one transfer or open may take before the bench gives up.
const BOUND: Duration = Duration::from_secs(900);

pub struct TransferFigures {
    pub bytes: u64,
    pub laptops: usize,
    /// Until every laptop holds the whole film: Kring, and iroh-blobs alone.
    pub kring: Duration,
    pub plain: Duration,
    /// The process's resident memory with every laptop up and nothing moving, and the most it
    /// took while Kring's laptops fetched.
    pub idle_mb: f64,
    pub peak_mb: f64,
}

pub struct OpenFigures {
    /// The attachments' bytes in the network's store.
    pub stored: u64,
    /// From starting the node to the network read (median of the runs), with the
    /// attachments and without them.
    pub with: Duration,
    pub without: Duration,
    /// With them: from starting the node until an attachment's bytes are known to be whole.
    pub first_attachment: Duration,
}

/// `len` bytes that differ from one place to the next (a film does not compress either),
/// written to `path`.
fn film(path: &Path, len: u64, seed: u64) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ seed.wrapping_mul(0x2545_f491_4f6c_dd1d);
    let mut block = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        for chunk in block.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
        }
        let now = left.min(block.len() as u64) as usize;
        out.write_all(&block[..now])?;
        left -= now as u64;
    }
    out.flush()?;
    Ok(())
}

/// A data folder holding a new network founded by Anna, with one meeting.
fn found(dir: &Path) -> Result<(DataDir, String)> {
    let data = DataDir::open(dir)?;
    let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
    let (mut network, anna) = Network::create(&details, &Profile::new("Anna"), data.device_key().as_signing_key())?;
    let new = NewSession { title: "PLG 3".into(), starts_at: "2026-12-09".into(), ..Default::default() };
    network.add_session(&anna, &new)?;
    let id = network.id().to_string();
    let mut store = data.create_network(&id, network.doc_mut())?;
    store.persist(network.doc_mut())?;
    Ok((data, id))
}

fn the_meeting(node: &Node, network: &str) -> Result<AttachedTo> {
    let session = node.read(network, |n| n.snapshot().map(|s| s.sessions.keys().next().cloned()))??;
    Ok(AttachedTo::Session(session.context("a meeting")?))
}

/// Samples the process's resident memory until stopped; the most it saw.
fn sample_memory() -> (Arc<AtomicBool>, std::thread::JoinHandle<f64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = stop.clone();
    let sampler = std::thread::spawn(move || {
        let mut peak: f64 = 0.0;
        while !stopping.load(Ordering::Relaxed) {
            peak = peak.max(resident_mb());
            std::thread::sleep(Duration::from_millis(10));
        }
        peak
    });
    (stop, sampler)
}

/// A film of `bytes` from one laptop to `laptops` others at once, through Kring and through
/// iroh-blobs alone, in folders under `dir`.
pub async fn transfer(dir: &Path, bytes: u64, laptops: usize) -> Result<TransferFigures> {
    let source = dir.join("film.mp4");
    film(&source, bytes, 1)?;
    let plain = plain_transfer(&dir.join("plain"), &source, laptops)
        .await
        .map_err(|err| anyhow::anyhow!("iroh-blobs alone: {err:?}"))?;
    let (kring, idle_mb, peak_mb) = kring_transfer(&dir.join("kring"), &source, laptops).await.context("Kring")?;
    Ok(TransferFigures { bytes, laptops, kring, plain, idle_mb, peak_mb })
}

async fn kring_transfer(dir: &Path, source: &Path, laptops: usize) -> Result<(Duration, f64, f64)> {
    let mode = NetworkMode::loopback_only();
    let (data_a, network) = found(&dir.join("anna"))?;
    let (node_a, _) = Node::start(&data_a, &mode).await?;
    let to = the_meeting(&node_a, &network)?;
    let (_, hash) = node_a.attach(&network, &to, source).await?;
    let anna = [data_a.device_id()].into();
    let mut nodes = Vec::new();
    for i in 0..laptops {
        let (_, ticket) = node_a.create_invite(&network, Role::Member, 1, Duration::from_secs(600))?;
        let data = DataDir::open(&dir.join(format!("laptop-{i}")))?;
        Node::join(&data, &mode, &ticket, &Profile::new(format!("Lid {i}")), Duration::from_secs(20)).await?;
        let (node, _) = Node::start(&data, &mode).await?;
        let reports = node.sync_with(&anna, None, Duration::from_secs(20)).await?;
        ensure!(reports.iter().all(|r| r.status == "in-sync"), "{reports:?}");
        nodes.push((data, node));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = resident_mb();
    let (stop, sampler) = sample_memory();
    // Each laptop says when the film is whole there (as the app learns it).
    let mut fetched = tokio::task::JoinSet::new();
    for (_, node) in &nodes {
        let (mut events, hash) = (node.subscribe(), hash.clone());
        fetched.spawn(async move {
            loop {
                match events.recv().await {
                    Ok(kring_node::NodeEvent::AttachmentFetched { hash: got, .. }) if got == hash => return Ok(()),
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(err) => return Err(anyhow::anyhow!("{err}")),
                }
            }
        });
    }
    let started = Instant::now();
    for (_, node) in &nodes {
        node.spawn_attachment_fetch();
    }
    while let Some(done) = tokio::time::timeout(BOUND, fetched.join_next()).await? {
        done??;
    }
    let took = started.elapsed();
    for (_, node) in &nodes {
        ensure!(node.has_attachment(&network, &hash).await?, "a laptop said it has the film, and has not");
    }
    stop.store(true, Ordering::Relaxed);
    let peak = sampler.join().unwrap_or_default();
    for (_, node) in nodes {
        node.shutdown().await;
    }
    node_a.shutdown().await;
    Ok((took, idle, peak))
}

/// The same transfers with iroh-blobs alone: a store and an endpoint per laptop, its own
/// protocol, nothing of Kring's in between.
async fn plain_transfer(dir: &Path, source: &Path, laptops: usize) -> Result<Duration> {
    let mode = NetworkMode::loopback_only();
    let alpns = vec![iroh_blobs::ALPN.to_vec()];
    let load = |name: String| {
        let path = dir.join(name);
        async move {
            std::fs::create_dir_all(&path)?;
            FsStore::load(&path).await.map_err(|err| anyhow::anyhow!("{err:?}"))
        }
    };
    let store_a = load("anna".into()).await?;
    let tag = store_a.blobs().add_path(std::path::absolute(source)?).with_tag().await?;
    let endpoint_a = kring_node::endpoint::bind(iroh::SecretKey::generate(), &mode, alpns.clone(), None).await?;
    let addr = kring_node::endpoint::own_addr(&endpoint_a);
    let router = Router::builder(endpoint_a).accept(iroh_blobs::ALPN, BlobsProtocol::new(&store_a, None)).spawn();
    let mut others = Vec::new();
    for i in 0..laptops {
        let store = load(format!("laptop-{i}")).await?;
        let endpoint = kring_node::endpoint::bind(iroh::SecretKey::generate(), &mode, alpns.clone(), None).await?;
        others.push((store, endpoint));
    }
    let started = Instant::now();
    let mut fetches = tokio::task::JoinSet::new();
    for (store, endpoint) in &others {
        let (store, endpoint, addr, hash) = (store.clone(), endpoint.clone(), addr.clone(), tag.hash);
        fetches.spawn(async move {
            let connection = endpoint.connect(addr, iroh_blobs::ALPN).await?;
            store.remote().fetch(connection.clone(), hash).await?;
            connection.close(0u32.into(), b"");
            anyhow::Ok(())
        });
    }
    while let Some(fetched) = tokio::time::timeout(BOUND, fetches.join_next()).await? {
        fetched??;
    }
    let took = started.elapsed();
    for (store, endpoint) in others {
        ensure!(
            matches!(store.blobs().status(tag.hash).await?, iroh_blobs::api::blobs::BlobStatus::Complete { .. }),
            "iroh-blobs alone did not deliver the film"
        );
        endpoint.close().await;
        // (A store may end before it answers that it has.)
        let _ = store.shutdown().await;
    }
    router.shutdown().await?;
    let _ = store_a.shutdown().await;
    Ok(took)
}

/// A network with `files` attachments of `each` bytes (taken in as the command line does),
/// opened by a node `runs` times with them and as often without them (their folder moved
/// aside), alternating.
pub async fn open(dir: &Path, files: usize, each: u64, runs: usize) -> Result<OpenFigures> {
    let (data, network) = found(&dir.join("anna"))?;
    let (mut open, _) = kring_node::OpenNetwork::open(&data, &network)?;
    let session = open.network.snapshot()?.sessions.keys().next().cloned().context("a meeting")?;
    let to = AttachedTo::Session(session);
    let mut first_hash = String::new();
    for n in 0..files {
        let source = dir.join(format!("opname-{n}.mp4"));
        film(&source, each, 100 + n as u64)?;
        let (_, hash) = kring_node::attach_here(&data, &mut open, &to, &source).await?;
        std::fs::remove_file(&source)?;
        if n == 0 {
            first_hash = hash;
        }
    }
    drop(open);
    let stored = dir_bytes(&dir.join("anna").join(kring_node::ATTACHMENTS_DIR));
    let (attachments, aside) = (dir.join("anna").join(kring_node::ATTACHMENTS_DIR), dir.join("attachments-aside"));
    let mode = NetworkMode::loopback_only();
    let (mut with, mut without, mut first) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        for has_them in [true, false] {
            if !has_them {
                std::fs::rename(&attachments, &aside)?;
            }
            let started = Instant::now();
            let (node, _) = Node::start(&data, &mode).await?;
            let listed = node.read(&network, |n| n.snapshot().map(|s| s.attachments().len()))??;
            let opened = started.elapsed();
            ensure!(listed == files, "{listed} of {files} attachments listed");
            if has_them {
                ensure!(node.has_attachment(&network, &first_hash).await?, "the first attachment is whole");
                first.push(started.elapsed());
                with.push(opened);
            } else {
                without.push(opened);
            }
            node.shutdown().await;
            if !has_them {
                std::fs::rename(&aside, &attachments)?;
            }
        }
    }
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    Ok(OpenFigures { stored, with: median(with), without: median(without), first_attachment: median(first) })
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => dir_bytes(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}
