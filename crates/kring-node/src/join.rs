//! `kring/join/1`: an invitee proves the invite's secret and becomes a member.
//!
//! The invitee sends one [`JoinRequest`]; the inviting device checks the invite, adds the
//! member with the invitee's device (authenticated by the connection), saves, and answers with
//! the whole network. Any refusal carries a reason and not a byte of the network.

use std::sync::Arc;
use std::time::Duration;

use iroh::Endpoint;
use iroh::endpoint::Connection;
use kring_model::automerge::AutoCommit;
use kring_model::{InviteId, ModelError, Network, Profile};
use kring_store::DataDir;
use kring_sync::untrusted::catch_automerge_panic;
use kring_sync::{FrameReader, PeerAddr, frame};
use serde::{Deserialize, Serialize};

use crate::address_book::{AddressBook, addr_to_text};
use crate::error::{NodeError, Result};
use crate::events::{FoundVia, NodeEvent};
use crate::networks::OpenNetwork;
use crate::node::Shared;
use crate::ticket::{InviteTicket, secret_hash};

pub const JOIN_ALPN: &[u8] = b"kring/join/1";
/// A join request is small; anything bigger is not one.
const MAX_REQUEST: usize = 64 * 1024;

#[derive(Debug, Serialize, Deserialize)]
pub struct JoinRequest {
    pub network: String,
    pub invite: String,
    pub secret: [u8; 32],
    pub name: String,
    pub perspective: String,
    pub organisation: String,
    /// Where the invitee can be reached, so members can sync with it later.
    pub addrs: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum JoinReply {
    Welcome { member: String, document: Vec<u8>, peers: Vec<PeerAddr> },
    Refused { reason: String },
}

/// The inviting side: answers one join request.
pub async fn serve(shared: Arc<Shared>, conn: Connection) -> Result<()> {
    let device = conn.remote_id().to_string();
    let (mut send, mut recv) = conn.accept_bi().await.map_err(NodeError::connection)?;
    let bytes = recv.read_to_end(MAX_REQUEST).await.map_err(NodeError::connection)?;
    let mut reader = FrameReader::with_limit(MAX_REQUEST);
    reader.push(&bytes);
    let request: JoinRequest = reader.next_frame()?.ok_or_else(|| NodeError::connection("empty join request"))?;
    let reply = match admit(&shared, &device, &request) {
        Ok(reply) => reply,
        Err(reason) => {
            shared.emit(NodeEvent::JoinRefused { endpoint: device.clone(), reason: reason.clone() });
            JoinReply::Refused { reason }
        }
    };
    send.write_all(&frame::encode(&reply)).await.map_err(NodeError::connection)?;
    send.finish().map_err(NodeError::connection)?;
    // The invitee reads last, so it closes; wait for that (bounded).
    let _ = tokio::time::timeout(Duration::from_secs(10), conn.closed()).await;
    Ok(())
}

fn admit(shared: &Shared, device: &str, request: &JoinRequest) -> std::result::Result<JoinReply, String> {
    // The same answer for an unknown network, an unknown invite or a wrong secret: a guesser
    // learns nothing about which networks exist.
    let not_valid = || "this ticket is not valid here".to_string();
    let profile = Profile {
        name: request.name.clone(),
        perspective: request.perspective.parse().map_err(|e: kring_model::UnknownWord| e.to_string())?,
        organisation: request.organisation.clone(),
    };
    let mut library = shared.lock();
    let own = shared.own_peer_addr();
    let peers = library.peer_addresses(&request.network, device, own);
    let open = library.get_mut(&request.network).ok_or_else(not_valid)?;
    let invite = InviteId::new(request.invite.clone());
    let member = match open.network.join_with_invite(&invite, &secret_hash(&request.secret), &profile, device) {
        Ok(member) => member,
        Err(ModelError::UnknownInvite(_) | ModelError::InviteSecretMismatch(_)) => return Err(not_valid()),
        Err(err) => return Err(err.to_string()),
    };
    open.store.persist(open.network.doc_mut()).map_err(|err| format!("the inviting device could not save: {err}"))?;
    let document = open.network.doc_mut().save();
    let network = request.network.clone();
    if let Some(addr) = crate::address_book::to_endpoint_addr(device, &request.addrs) {
        library.book.learn(&addr, FoundVia::Incoming);
        let _ = library.book.save();
    }
    drop(library);
    shared.publish(crate::node::Change { network: network.clone(), from_peer: None });
    shared.emit(NodeEvent::MemberJoined { network, member: member.to_string(), endpoint: device.to_string() });
    Ok(JoinReply::Welcome { member: member.to_string(), document, peers })
}

/// A network this device just joined (saved and open), with the addresses it learned on the way.
pub struct Joined {
    pub network: String,
    pub member: String,
    pub opened: OpenNetwork,
    /// The devices named in the ticket.
    pub ticket_peers: Vec<iroh::EndpointAddr>,
    /// The member devices the inviter told us about.
    pub told_peers: Vec<PeerAddr>,
    /// What the request and the inviter's answer took (Kring frames; the network is most of it).
    pub bytes: u64,
}

impl Joined {
    /// Remembers every address learned while joining.
    pub fn learn_into(&self, book: &mut AddressBook) {
        for peer in &self.ticket_peers {
            book.learn(peer, FoundVia::Ticket);
        }
        for peer in &self.told_peers {
            book.learn_from_member(peer);
        }
    }
}

/// The invitee's side: dials the devices in the ticket until one lets it in, then stores the
/// network.
pub async fn join(
    data: &DataDir,
    endpoint: &Endpoint,
    ticket: &InviteTicket,
    profile: &Profile,
    timeout: Duration,
) -> Result<Joined> {
    if data.network_ids()?.contains(&ticket.network) {
        return Err(NodeError::AlreadyMember(ticket.network.clone()));
    }
    let own = crate::endpoint::own_addr(endpoint);
    let request = JoinRequest {
        network: ticket.network.clone(),
        invite: ticket.invite.clone(),
        secret: ticket.secret,
        name: profile.name.clone(),
        perspective: profile.perspective.to_string(),
        organisation: profile.organisation.clone(),
        addrs: own.addrs.iter().map(addr_to_text).collect(),
    };
    let attempt = async {
        let mut last_error = None;
        for peer in &ticket.peers {
            match ask(endpoint, peer.clone(), &request).await {
                Ok(answer) => return Ok(answer),
                Err(err) => last_error = Some(err),
            }
        }
        Err(last_error.unwrap_or(NodeError::Unreachable(timeout.as_secs())))
    };
    let (reply, bytes) =
        tokio::time::timeout(timeout, attempt).await.map_err(|_| NodeError::Unreachable(timeout.as_secs()))??;
    let (member, document, peers) = match reply {
        JoinReply::Welcome { member, document, peers } => (member, document, peers),
        JoinReply::Refused { reason } => return Err(NodeError::JoinRefused(reason)),
    };
    let doc = catch_automerge_panic(|| AutoCommit::load(&document))
        .map_err(|err| NodeError::connection(format!("the inviter sent a damaged network: {err}")))?;
    let mut network = Network::from_doc(doc)?;
    if network.id().as_str() != ticket.network {
        return Err(NodeError::connection("the inviter sent a different network than the ticket names"));
    }
    // Creating the store saves the whole document.
    let store = data.create_network(&ticket.network, network.doc_mut())?;
    Ok(Joined {
        network: ticket.network.clone(),
        member,
        opened: OpenNetwork { network, store },
        ticket_peers: ticket.peers.clone(),
        told_peers: peers,
        bytes,
    })
}

/// The inviter's answer, and the bytes both frames took.
async fn ask(endpoint: &Endpoint, peer: iroh::EndpointAddr, request: &JoinRequest) -> Result<(JoinReply, u64)> {
    let conn = endpoint.connect(peer, JOIN_ALPN).await.map_err(NodeError::connection)?;
    let (mut send, mut recv) = conn.open_bi().await.map_err(NodeError::connection)?;
    let asked = frame::encode(request);
    send.write_all(&asked).await.map_err(NodeError::connection)?;
    send.finish().map_err(NodeError::connection)?;
    let bytes = recv.read_to_end(kring_sync::MAX_FRAME).await.map_err(NodeError::connection)?;
    conn.close(0u32.into(), b"thanks");
    let mut reader = FrameReader::default();
    reader.push(&bytes);
    let reply = reader.next_frame()?.ok_or_else(|| NodeError::connection("the inviter closed without an answer"))?;
    Ok((reply, (asked.len() + bytes.len()) as u64))
}
