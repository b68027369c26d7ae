//! A meeting in memory with a room, and a plain HTTP/1.1 client over a real socket (so that
//! tests can send what no browser would).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use ed25519_dalek::SigningKey;
use kring_model::{
    MemberId, Network, NetworkDetails, NetworkSnapshot, NewSession, Profile, QuestionId, Role, RoomSetup, SessionId,
    TextField,
};
use kring_room::{Host, NetworkHost, Room, RoomOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Anna's network: a meeting with an agenda and confidential notes, another meeting, a
/// question for the room and one not for it, an open reflection round; Bram is a member.
pub(crate) struct Meeting {
    pub(crate) host: Arc<NetworkHost>,
    pub(crate) anna: MemberId,
    pub(crate) session: SessionId,
    pub(crate) question: QuestionId,
    pub(crate) other_question: QuestionId,
    pub(crate) round: kring_model::RoundId,
}

impl Meeting {
    pub(crate) fn new() -> Meeting {
        let key = SigningKey::from_bytes(&[7; 32]);
        let details = NetworkDetails { name: "PLG Rekenen".into(), ..Default::default() };
        let (mut network, anna) = Network::create(&details, &Profile::new("Anna de Vries"), &key).unwrap();
        let bram = SigningKey::from_bytes(&[8; 32]);
        network.add_member(&anna, &Profile::new("Bram Geheimnaam"), Role::Member, Some(&bram)).unwrap();
        let new =
            |title: &str| NewSession { title: title.into(), starts_at: "2026-12-09".into(), ..Default::default() };
        let session = network.add_session(&anna, &new("PLG 3: rekenen in de praktijk")).unwrap();
        network.add_session(&anna, &new("Andere bijeenkomst in Zwolle")).unwrap();
        network.update_text(&anna, &TextField::Agenda(session.clone()), "Welkom en kennismaking\nLeervragen").unwrap();
        network.update_text(&anna, &TextField::Notes(session.clone()), "VERTROUWELIJK: casus Jan").unwrap();
        let question = network.add_question(&anna, "Hoe leren leerlingen rekenen?", "VERTROUWELIJK detail").unwrap();
        let other_question = network.add_question(&anna, "Niet voor de kamer", "").unwrap();
        let round = network.open_round(&anna, "Reflectie december").unwrap();
        let host = Arc::new(NetworkHost::new(network, anna.clone()));
        Meeting { host, anna, session, question, other_question, round }
    }

    pub(crate) async fn open(&self, proposals: bool, reactions: bool) -> Room {
        self.open_with(vec![self.question.clone()], proposals, reactions).await
    }

    pub(crate) async fn open_with(&self, questions: Vec<QuestionId>, proposals: bool, reactions: bool) -> Room {
        let setup = RoomSetup { questions, reflection: Some(self.round.clone()), proposals, reactions, photos: false };
        self.open_for(setup, kring_room::until_end_of_day().max(std::time::Duration::from_secs(3600))).await
    }

    /// A room that takes photos (and nothing else).
    pub(crate) async fn open_for_photos(&self) -> Room {
        let setup = RoomSetup { photos: true, ..Default::default() };
        self.open_for(setup, kring_room::until_end_of_day().max(std::time::Duration::from_secs(3600))).await
    }

    /// The meeting's attachments a guest sent, with their bytes as this laptop keeps them.
    pub(crate) fn guest_photos(&self) -> Vec<(kring_model::Attachment, Vec<u8>)> {
        let snapshot = self.snapshot();
        let meeting = &snapshot.sessions[&self.session];
        let mut all: Vec<_> = meeting.attachments.values().filter(|a| a.from_guest.is_some()).cloned().collect();
        all.sort_by_key(|a| a.added_at);
        all.into_iter().map(|a| (a.clone(), self.host.photo(&a.hash).expect("the photo's bytes"))).collect()
    }

    pub(crate) async fn open_for(&self, setup: RoomSetup, open_for: std::time::Duration) -> Room {
        let bind = "127.0.0.1:0".parse().unwrap();
        let options = RoomOptions { session: self.session.clone(), setup, bind, open_for };
        Room::open(self.host.clone(), options).await.unwrap()
    }

    pub(crate) fn snapshot(&self) -> NetworkSnapshot {
        self.host.snapshot().unwrap()
    }

    /// Guests' contributions in the meeting.
    pub(crate) fn contributions(&self) -> usize {
        self.snapshot().sessions[&self.session].guest_contributions().len()
    }

    pub(crate) fn write_notes(&self, more: &str) {
        let edit = kring_model::Edit::AppendText { field: TextField::Notes(self.session.clone()), text: more.into() };
        self.host.apply(edit).unwrap();
    }
}

/// An answer as it came over the socket.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: BTreeMap<String, String>,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub(crate) fn headers_without_date(&self) -> BTreeMap<String, String> {
        self.headers.iter().filter(|(k, _)| *k != "date").map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

/// Sends `request` as it is and reads the whole answer (the connection closes after it).
pub(crate) async fn raw(room: &Room, request: &[u8]) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(room.addr()).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut bytes = Vec::new();
    // The server may answer before it has read everything sent (a body too large): what it
    // answered is what counts.
    let _ = stream.read_to_end(&mut bytes).await;
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("a whole answer");
    let head = String::from_utf8_lossy(&bytes[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer { status, headers, body: bytes[split + 4..].to_vec() }
}

pub(crate) async fn get(room: &Room, path: &str) -> Answer {
    raw(room, format!("GET {path} HTTP/1.1\r\nHost: kamer\r\nConnection: close\r\n\r\n").as_bytes()).await
}

pub(crate) async fn post(room: &Room, path: &str, token: Option<&str>, body: &[u8]) -> Answer {
    post_typed(room, path, token, "application/json", body).await
}

pub(crate) async fn post_typed(
    room: &Room,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> Answer {
    let token = token.map(|t| format!("X-Kring-Gast: {t}\r\n")).unwrap_or_default();
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: kamer\r\nConnection: close\r\nContent-Type: {content_type}\r\n{token}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    raw(room, &request).await
}

/// A send whose body comes in chunks, without a length up front.
pub(crate) fn chunked_request(path: &str, token: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path}send HTTP/1.1\r\nHost: kamer\r\nConnection: close\r\nContent-Type: application/json\r\nX-Kring-Gast: {token}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for chunk in body.chunks(1024) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    request
}

/// Sends `bytes` as a photo, as the page does.
pub(crate) async fn send_photo(room: &Room, token: &str, bytes: &[u8]) -> Answer {
    post_typed(room, &format!("{}photo", room.path()), Some(token), "application/octet-stream", bytes).await
}

/// The word of an answer's `{"error": "<word>"}`.
pub(crate) fn error_word(answer: &Answer) -> String {
    let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
    json["error"].as_str().unwrap_or_default().to_string()
}

/// A small PNG, made here (no fixture files): `width` by `height`, half transparent.
pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbaImage::from_fn(width, height, |x, y| image::Rgba([(x * 7) as u8, (y * 5) as u8, 90, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A small JPEG with an EXIF block holding a GPS position (the bytes `GPS 52.3702 N 4.8952 E`).
pub(crate) fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 3) as u8, 120, (y * 3) as u8]));
    let mut plain = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut plain, image::ImageFormat::Jpeg).unwrap();
    let plain = plain.into_inner();
    // APP1: "Exif\0\0", a big-endian TIFF header, an empty IFD, then the position as a phone
    // might leave it in the block.
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(GPS_MARK);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&plain[2..]);
    out
}

pub(crate) const GPS_MARK: &[u8] = b"GPS 52.3702 N 4.8952 E";

/// A PNG of a few dozen bytes whose header claims `width` by `height` pixels: what a
/// decompression bomb looks like before it is decoded.
pub(crate) fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = png(1, 1);
    // IHDR's data begins at byte 16 (signature 8, length 4, type 4); its CRC covers type and data.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Joins as `name` with `perspective`; returns the guest's token.
pub(crate) async fn join(room: &Room, name: &str, perspective: &str) -> String {
    let body = serde_json::json!({ "name": name, "perspective": perspective }).to_string();
    let answer = post(room, &format!("{}join", room.path()), None, body.as_bytes()).await;
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    json["token"].as_str().unwrap().to_string()
}

/// A code of the right length that is not the room's.
pub(crate) fn kring_room_code_like(n: usize) -> String {
    format!("{n:0>32}")
}
