//! Strangers on the network: laptops nobody invited, each trying one way to make a Kring
//! laptop spend memory or say something. Shared by the in-process test of the node
//! (`crates/kring-node/tests/strangers.rs`) and the one against the real `kring serve`
//! (`tests/strangers.rs`). Only ever dials 127.0.0.1.
#![allow(dead_code)] // each test uses its own part of this

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use iroh::endpoint::{Connection, PortmapperConfig, RecvStream, SendStream, presets};
use iroh::{Endpoint, EndpointAddr};
use kring_sync::{Message, SYNC_ALPN};
use tokio::time::timeout;

/// The largest frame there is (64 MiB).
pub(crate) const MAX_FRAME: usize = kring_sync::MAX_FRAME;

/// One frame of the sync protocol, as any client would encode it.
pub(crate) fn frame(message: Message) -> Vec<u8> {
    kring_sync::frame::encode(&message)
}

pub(crate) fn open(network: &str) -> Vec<u8> {
    frame(Message::Open { network: network.to_string(), chapter: String::new() })
}

/// What one stranger tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attack {
    /// The header of the largest frame there is (64 MiB), then 64 MiB of junk.
    HugeFrame,
    /// An `Open` naming a network by a 16 MB id.
    HugeName,
    /// An `Open` of the real network (the stranger learned its id), then a 64 MiB frame.
    KnownNetwork,
    /// An `Open` whose id is as long as the small first frame allows (253 characters).
    LongName,
    /// The first stream stalls after two bytes (the node waits up to 10 s for a first
    /// message) while as many more streams as the node allows each carry a 64 MiB frame that
    /// it never reads.
    ManyStreams,
    /// No `Open` at all: refusals and peer lists naming networks, thousands of them.
    NoOpen,
}

pub(crate) const ATTACKS: [Attack; 6] =
    [Attack::HugeFrame, Attack::HugeName, Attack::KnownNetwork, Attack::LongName, Attack::ManyStreams, Attack::NoOpen];

/// What the strangers send, made once (a 16 MB name per stranger would be 800 MB here).
pub(crate) struct Payloads {
    pub network: String,
    pub huge_name: Vec<u8>,
    pub junk: Vec<u8>,
}

/// How far the strangers are: how many have dialed `serve` (and got in, or not), and how many
/// are done.
#[derive(Default)]
pub(crate) struct Progress {
    pub dialed: AtomicUsize,
    pub done: AtomicUsize,
}

/// A raw endpoint on 127.0.0.1 with `key` (a fresh one if `None`): a device the test drives
/// byte by byte.
pub(crate) async fn device_endpoint(key: Option<iroh::SecretKey>) -> Endpoint {
    let mut builder = Endpoint::builder(presets::Minimal);
    if let Some(key) = key {
        builder = builder.secret_key(key);
    }
    builder
        .portmapper_config(PortmapperConfig::Disabled)
        .clear_ip_transports()
        .bind_addr((std::net::Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .bind()
        .await
        .unwrap()
}

/// A raw endpoint with a fresh key on 127.0.0.1: a device nobody invited.
pub(crate) async fn raw_device() -> Endpoint {
    device_endpoint(None).await
}

/// The answer, byte for byte, of the laptop at `addr` to one framed `request` on `alpn`, sent
/// by a fresh device: what anyone who knows the address can get.
pub(crate) async fn ask(addr: EndpointAddr, alpn: &[u8], request: &impl serde::Serialize) -> Vec<u8> {
    ask_as(iroh::SecretKey::generate(), addr, alpn, request).await
}

/// [`ask`], sent by the device with `key` (whose proof a request may carry).
#[allow(dead_code)]
pub(crate) async fn ask_as(
    key: iroh::SecretKey,
    addr: EndpointAddr,
    alpn: &[u8],
    request: &impl serde::Serialize,
) -> Vec<u8> {
    let device = device_endpoint(Some(key)).await;
    let conn = device.connect(addr, alpn).await.unwrap();
    let (mut send, mut recv) = conn.open_bi().await.unwrap();
    send.write_all(&kring_sync::frame::encode(request)).await.unwrap();
    send.finish().unwrap();
    let bytes = recv.read_to_end(MAX_FRAME).await.unwrap();
    conn.close(0u32.into(), b"thanks");
    device.close().await;
    bytes
}

/// The one frame of an answer [`ask`] got.
pub(crate) fn reply<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> T {
    let mut reader = kring_sync::FrameReader::default();
    reader.push(bytes);
    reader.next_frame().unwrap().unwrap()
}

/// The header of the largest frame there is, then junk up to its size, until `serve` stops it.
pub(crate) async fn flood(send: &mut SendStream, junk: &[u8]) {
    if send.write_all(&(MAX_FRAME as u32).to_be_bytes()).await.is_err() {
        return;
    }
    let mut written = 0;
    while written < MAX_FRAME && send.write_all(junk).await.is_ok() {
        written += junk.len();
    }
}

/// Everything `serve` sends on `recv` until it ends the stream or the connection; `None` if it
/// still has not after `within`.
pub(crate) async fn answer(recv: &mut RecvStream, within: Duration) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    timeout(within, async {
        while let Ok(Some(n)) = recv.read(&mut buffer).await {
            bytes.extend_from_slice(&buffer[..n]);
        }
    })
    .await
    .ok()?;
    Some(bytes)
}

/// What a stranger got: the bytes `serve` sent on its first stream, and whether it was turned
/// away at once for want of room (a stranger gets one of a few places, not a member's).
#[derive(Debug)]
pub(crate) struct Answer {
    pub bytes: Vec<u8>,
    pub turned_away: bool,
}

/// One stranger's attempt: what `serve` answered, `None` if it did not end the connection (or
/// could not be reached).
pub(crate) async fn attack(
    device: Endpoint,
    addr: EndpointAddr,
    attack: Attack,
    payloads: Arc<Payloads>,
    progress: Arc<Progress>,
) -> Option<Answer> {
    let dialed = timeout(Duration::from_secs(10), device.connect(addr, SYNC_ALPN)).await;
    progress.dialed.fetch_add(1, Ordering::SeqCst);
    let conn: Connection = dialed.ok()?.ok()?;
    let (mut send, mut recv) = match conn.open_bi().await {
        Ok(streams) => streams,
        // Turned away so fast that not even a stream could be opened: that is an answer too.
        Err(_) => {
            let gone = timeout(Duration::from_secs(5), conn.closed()).await.ok()?;
            device.close().await;
            let turned_away = gone.to_string().contains("too many connections");
            return turned_away.then(|| Answer { bytes: Vec::new(), turned_away });
        }
    };
    let junk = &payloads.junk;
    let sending = async {
        match attack {
            Attack::HugeFrame => flood(&mut send, junk).await,
            Attack::HugeName => {
                let _ = send.write_all(&payloads.huge_name).await;
            }
            Attack::KnownNetwork => {
                if send.write_all(&open(&payloads.network)).await.is_ok() {
                    flood(&mut send, junk).await;
                }
            }
            Attack::LongName => {
                let open = open(&"x".repeat(252));
                assert_eq!(open.len(), 4 + 256, "the largest frame a stranger may send");
                if send.write_all(&open).await.is_ok() {
                    flood(&mut send, junk).await;
                }
            }
            Attack::ManyStreams => {
                let _ = send.write_all(&[0, 0]).await;
                let mut floods = tokio::task::JoinSet::new();
                // QUIC's default would allow 99 more.
                while floods.len() < 99 {
                    let Ok(Ok((mut more, _))) = timeout(Duration::from_millis(300), conn.open_bi()).await else {
                        break;
                    };
                    let payloads = payloads.clone();
                    floods.spawn(async move { flood(&mut more, &payloads.junk).await });
                }
                while floods.join_next().await.is_some() {}
            }
            Attack::NoOpen => {
                let (refused, peers) = (
                    frame(Message::Refused { network: "r".repeat(60) }),
                    frame(Message::Peers { network: "p".repeat(60), peers: vec![] }),
                );
                let spam: Vec<u8> = (0..5000).flat_map(|_| refused.iter().chain(&peers).copied()).collect();
                let _ = send.write_all(&spam).await;
            }
        }
    };
    // Reads while sending: what `serve` says before it closes is not lost.
    let (_, answered) =
        tokio::join!(timeout(Duration::from_secs(20), sending), answer(&mut recv, Duration::from_secs(20)));
    let gone = timeout(Duration::from_secs(5), conn.closed()).await.ok();
    device.close().await;
    let turned_away = gone.as_ref().is_some_and(|reason| reason.to_string().contains("too many connections"));
    answered.filter(|_| gone.is_some()).map(|bytes| Answer { bytes, turned_away })
}

/// One stranger dialing again and again until `stop`; counts its dials in `dials`.
pub(crate) async fn redial(
    device: iroh::Endpoint,
    addr: iroh::EndpointAddr,
    network: Option<String>,
    stop: Arc<AtomicBool>,
    dials: Arc<AtomicUsize>,
) {
    let stopped = || async {
        while !stop.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    while !stop.load(Ordering::Relaxed) {
        dials.fetch_add(1, Ordering::Relaxed);
        let Ok(Ok(conn)) = timeout(Duration::from_secs(2), device.connect(addr.clone(), SYNC_ALPN)).await else {
            continue;
        };
        if let Some(network) = &network
            && let Ok((mut send, _recv)) = conn.open_bi().await
        {
            let _ = send.write_all(&open(network)).await;
        }
        tokio::select! {
            _ = conn.closed() => {}
            _ = stopped() => {}
        }
    }
    device.close().await;
}
