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
        let setup = RoomSetup { questions, reflection: Some(self.round.clone()), proposals, reactions };
        self.open_for(setup, kring_room::until_end_of_day().max(std::time::Duration::from_secs(3600))).await
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
