//! `kring/join/2`: an invitee proves the invite's secret and becomes a member.
//!
//! The invitee sends one [`JoinRequest`]: with the member id it chose and its device's proof
//! that it is that member (its signature over the network and the id, see
//! `kring_model::trust::proof`); the inviting device checks the invite and the proof, adds the
//! member with the invitee's device (authenticated by the connection), saves, and answers with
//! the whole network. Every refusal is the same few words ([`REFUSAL`]) and not a byte of the
//! network; the request must arrive within seconds and fit in 64 KiB.

use std::sync::Arc;
use std::time::Duration;

use iroh::Endpoint;
use iroh::SecretKey;
use iroh::endpoint::Connection;
use iroh::protocol::{AcceptError, ProtocolHandler};
use kring_model::trust::{DeviceKey, DeviceProof};
use kring_model::{InviteId, MemberId, ModelError, Network, Profile};
use kring_store::DataDir;
use kring_sync::{FrameReader, PeerAddr, SignatureBook, Signed, frame};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::address_book::{AddressBook, addr_to_text};
use crate::error::{NodeError, Result};
use crate::events::{FoundVia, NodeEvent};
use crate::links::{Pool, Slot};
use crate::open_network::OpenNetwork;
use crate::shared::Shared;
use crate::short::{shorten, shorten_to};
use kring_ticket::{InviteTicket, secret_hash};

/// 2: the request carries the joiner's member id and proof (a `kring/join/1` laptop would read
/// them as something else, or not at all).
pub const JOIN_ALPN: &[u8] = b"kring/join/2";
/// A join request is small; anything bigger is not one.
const MAX_REQUEST: usize = 64 * 1024;
/// The whole request must have arrived this long after the connection was made: a device that
/// sends nothing, or trickles its bytes, holds the connection no longer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Sending the answer (for a welcome, the whole network) may take this long.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);
/// The one answer to every join that fails, whatever the reason (unknown network or invite,
/// wrong secret, revoked, expired, used up): someone trying tickets learns nothing from it,
/// not even whether the network exists. The inviter's own log says why.
pub(crate) const REFUSAL: &str = "this ticket cannot be used";

#[derive(Serialize, Deserialize)]
pub struct JoinRequest {
    pub network: String,
    pub invite: String,
    pub secret: [u8; 32],
    pub name: String,
    pub perspective: String,
    pub organisation: String,
    /// Where the invitee can be reached, so members can sync with it later.
    pub addrs: Vec<String>,
    /// The member id the invitee chose: its device signs it before the member exists.
    pub member: String,
    /// The device's proof that it is `member` of `network` (64 bytes).
    pub proof: Vec<u8>,
}

impl JoinRequest {
    /// What a joiner with device `key` sends for `ticket`, as `profile`, reachable at `addrs`:
    /// with a fresh member id and the device's proof for it.
    pub fn new(ticket: &InviteTicket, profile: &Profile, addrs: Vec<String>, key: &SecretKey) -> JoinRequest {
        let member = MemberId::random().to_string();
        let proof = key.as_signing_key().prove(&ticket.network, &member);
        JoinRequest {
            network: ticket.network.clone(),
            invite: ticket.invite.clone(),
            secret: ticket.secret,
            name: profile.name.clone(),
            perspective: profile.perspective.to_string(),
            organisation: profile.organisation.clone(),
            addrs,
            member,
            proof,
        }
    }
}

/// Never shows the secret (see [`InviteTicket`]'s `Debug`).
impl std::fmt::Debug for JoinRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinRequest")
            .field("network", &self.network)
            .field("invite", &self.invite)
            .field("secret", &"(hidden)")
            .field("name", &self.name)
            .field("member", &self.member)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub enum JoinReply {
    /// The whole network, with the signatures of its devices' newest changes.
    Welcome {
        member: String,
        document: Vec<u8>,
        peers: Vec<PeerAddr>,
        signatures: Vec<Signed>,
    },
    Refused {
        reason: String,
    },
    /// As `Welcome`, for a network past its first chapter: with the hand-offs the inviting
    /// laptop keeps, from the first chapter to the current one (see `docs/chapters.md`).
    /// Added at the end, so that the others read as before.
    WelcomeWithChain {
        member: String,
        document: Vec<u8>,
        peers: Vec<PeerAddr>,
        signatures: Vec<Signed>,
        chain: Vec<kring_sync::Handoff>,
    },
}

/// What a welcome brings, whichever of the two it came as.
pub(crate) struct Welcome {
    pub member: String,
    pub document: Vec<u8>,
    pub peers: Vec<PeerAddr>,
    pub signatures: Vec<Signed>,
    pub chain: Vec<kring_sync::Handoff>,
}

impl JoinReply {
    /// The welcome for `welcome`: with its chain, when the network has one.
    pub(crate) fn welcome(welcome: Welcome) -> JoinReply {
        let Welcome { member, document, peers, signatures, chain } = welcome;
        match chain.is_empty() {
            true => JoinReply::Welcome { member, document, peers, signatures },
            false => JoinReply::WelcomeWithChain { member, document, peers, signatures, chain },
        }
    }

    /// The welcome, or why not.
    pub(crate) fn into_welcome(self) -> std::result::Result<Welcome, String> {
        match self {
            JoinReply::Welcome { member, document, peers, signatures } => {
                Ok(Welcome { member, document, peers, signatures, chain: Vec::new() })
            }
            JoinReply::WelcomeWithChain { member, document, peers, signatures, chain } => {
                Ok(Welcome { member, document, peers, signatures, chain })
            }
            JoinReply::Refused { reason } => Err(reason),
        }
    }
}

/// The join protocol ([`JOIN_ALPN`]): lets in a laptop that brings an invite made here.
#[derive(Debug, Clone)]
pub(crate) struct JoinProtocol(Arc<Shared>);

impl JoinProtocol {
    pub(crate) fn new(shared: Arc<Shared>) -> JoinProtocol {
        JoinProtocol(shared)
    }
}

impl ProtocolHandler for JoinProtocol {
    async fn accept(&self, connection: Connection) -> std::result::Result<(), AcceptError> {
        let Some(_slot) = Slot::take(self.0.connections(), &connection, Pool::Joins) else { return Ok(()) };
        serve(self.0.clone(), connection).await.map_err(AcceptError::from_err)
    }
}

/// The inviting side: answers one join request.
async fn serve(shared: Arc<Shared>, conn: Connection) -> Result<()> {
    let admit = |shared: &Shared, device: &str, request: &JoinRequest| admit(shared, device, request).map(|r| (r, ()));
    serve_with(shared, conn, admit).await.map(|_| ())
}

/// Answers the one request of a door that hands out a whole network (a join, a device link):
/// reads it (bounded in size and time), lets `admit` decide, and sends its welcome or the one
/// [`REFUSAL`]. Returns what `admit` let in, once its welcome was sent.
pub(crate) async fn serve_with<R: DeserializeOwned, T>(
    shared: Arc<Shared>,
    conn: Connection,
    admit: impl FnOnce(&Shared, &str, &R) -> std::result::Result<(JoinReply, T), String>,
) -> Result<Option<T>> {
    // iroh logs the error, and it may quote the joining device (its reason for closing).
    answer(shared, &conn, admit)
        .await
        .map_err(|err| NodeError::Connection(shorten_to(&err.to_string(), 160).into_owned()))
}

async fn answer<R: DeserializeOwned, T>(
    shared: Arc<Shared>,
    conn: &Connection,
    admit: impl FnOnce(&Shared, &str, &R) -> std::result::Result<(JoinReply, T), String>,
) -> Result<Option<T>> {
    let device = conn.remote_id().to_string();
    let request = async {
        let (send, mut recv) = conn.accept_bi().await.map_err(NodeError::connection)?;
        let bytes = recv.read_to_end(MAX_REQUEST).await.map_err(NodeError::connection)?;
        Ok::<_, NodeError>((send, bytes))
    };
    let (mut send, bytes) = tokio::time::timeout(REQUEST_TIMEOUT, request)
        .await
        .map_err(|_| NodeError::connection("the joining device sent no whole request in time"))??;
    let mut reader = FrameReader::with_limit(MAX_REQUEST);
    reader.push(&bytes);
    let request: R = reader.next_frame()?.ok_or_else(|| NodeError::connection("empty join request"))?;
    let (reply, admitted) = match admit(&shared, &device, &request) {
        Ok((reply, admitted)) => (reply, Some(admitted)),
        Err(reason) => {
            shared.emit(NodeEvent::JoinRefused { endpoint: device.clone(), reason });
            (JoinReply::Refused { reason: REFUSAL.to_string() }, None)
        }
    };
    let answered = async {
        send.write_all(&frame::encode(&reply)).await.map_err(NodeError::connection)?;
        send.finish().map_err(NodeError::connection)
    };
    tokio::time::timeout(ANSWER_TIMEOUT, answered)
        .await
        .map_err(|_| NodeError::connection("the joining device did not take the answer in time"))??;
    // The invitee reads last, so it closes; wait for that (bounded).
    let _ = tokio::time::timeout(Duration::from_secs(10), conn.closed()).await;
    Ok(admitted)
}

/// The welcome, or why not: one short line for this device's log (the joiner only ever gets
/// [`REFUSAL`]).
fn admit(shared: &Shared, device: &str, request: &JoinRequest) -> std::result::Result<JoinReply, String> {
    let invite = InviteId::new(request.invite.clone());
    let hash = secret_hash(&request.secret);
    admit_with(shared, device, &request.knock(), |network, newcomer| {
        // A leerhuis's link ticket links a network; it lets no one in as a person.
        if network.invite_is_link(&invite) {
            return Err(ModelError::UnknownInvite(invite.clone()));
        }
        let Newcomer { admitting, profile, member, proof } = newcomer;
        network.join_with_invite(admitting, &invite, &hash, profile, member, proof)
    })
}

/// What every request to be let into a network brings, whatever lets it in (an invite, a
/// link ticket, a voucher).
pub(crate) struct Knock<'a> {
    pub network: &'a str,
    /// What lets it in, named in this laptop's log (an invite's id).
    pub key: &'a str,
    pub name: &'a str,
    pub perspective: &'a str,
    pub organisation: &'a str,
    pub addrs: &'a [String],
    /// The member id the joiner chose, and its device's proof for it.
    pub member: &'a str,
    pub proof: &'a [u8],
}

impl JoinRequest {
    pub(crate) fn knock(&self) -> Knock<'_> {
        Knock {
            network: &self.network,
            key: &self.invite,
            name: &self.name,
            perspective: &self.perspective,
            organisation: &self.organisation,
            addrs: &self.addrs,
            member: &self.member,
            proof: &self.proof,
        }
    }
}

/// The newcomer as the model adds them.
pub(crate) struct Newcomer<'a> {
    /// The member this laptop is, in whose name it admits.
    pub admitting: &'a MemberId,
    pub profile: &'a Profile,
    pub member: &'a MemberId,
    pub proof: &'a DeviceProof,
}

/// Lets in the device that knocked with `write` (which adds the member to the network, and
/// for a link the linked network too), saves, and answers with the whole network.
pub(crate) fn admit_with(
    shared: &Shared,
    device: &str,
    request: &Knock<'_>,
    write: impl FnOnce(&mut Network, Newcomer<'_>) -> std::result::Result<MemberId, ModelError>,
) -> std::result::Result<JoinReply, String> {
    let why = |what: &str| format!("{what} (invite {}, network {})", shorten(request.key), shorten(request.network));
    let profile = Profile {
        name: request.name.to_string(),
        perspective: request.perspective.parse().map_err(|_| why("unknown perspective"))?,
        organisation: request.organisation.to_string(),
    };
    let networks = shared.networks();
    let own_device = networks.device();
    let mut open = networks.lock(request.network).ok_or_else(|| why("unknown network"))?;
    let peers = open.peer_addresses(own_device, device, shared.own_peer_addr(), &shared.book());
    // This laptop admits in its member's name: it must still be a member itself.
    let admitting =
        open.network.member_for_device(own_device).ok().flatten().ok_or_else(|| why("not a member here"))?;
    let chosen = MemberId::new(request.member.to_string());
    let proof = DeviceProof { device: device.to_string(), signature: request.proof.to_vec() };
    let newcomer = Newcomer { admitting: &admitting, profile: &profile, member: &chosen, proof: &proof };
    let member = match write(&mut open.network, newcomer) {
        Ok(member) => member,
        Err(ModelError::UnknownInvite(_)) => return Err(why("unknown invite")),
        Err(ModelError::InviteSecretMismatch(_)) => return Err(why("wrong secret")),
        Err(ModelError::InviteRevoked(_)) => return Err(why("revoked invite")),
        Err(ModelError::InviteExpired(_)) => return Err(why("expired invite")),
        Err(ModelError::InviteUsedUp(_)) => return Err(why("used-up invite")),
        Err(ModelError::BadDeviceProof(_)) => return Err(why("the joining device's proof does not hold")),
        Err(ModelError::MemberIdTaken(_)) => return Err(why("the member id the joining device chose is taken")),
        Err(ModelError::BadMemberId(_)) => return Err(why("the joining device chose no proper member id")),
        Err(ModelError::DeviceTaken(_)) => return Err(why("the joining device belongs to a member already")),
        Err(ModelError::Leerhuis(kring_model::leerhuis::LeerhuisError::BadVoucher(what))) => {
            return Err(why(&format!("a voucher that does not hold: {what}")));
        }
        Err(err) => return Err(why(&shorten_to(&err.to_string(), 80))),
    };
    let appended = open.append().map_err(|err| format!("the inviting device could not save: {err}"))?;
    let network = request.network.to_string();
    let (document, signatures) = networks.welcome(&mut open).ok_or_else(|| why("a change without a signature"))?;
    let chain = open.chain.clone();
    drop(open);
    shared.learn_incoming(device, request.addrs);
    // Saved before the welcome goes: the inviting laptop never forgets a member it let in.
    shared
        .offer_and_keep(&network, None, appended)
        .map_err(|err| format!("the inviting device could not save: {err}"))?;
    shared.emit(NodeEvent::MemberJoined { network, member: member.to_string(), endpoint: device.to_string() });
    Ok(JoinReply::welcome(Welcome { member: member.to_string(), document, peers, signatures, chain }))
}

/// A network this device just joined (saved and open), with the addresses it learned on the way.
pub(crate) struct Joined {
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
    pub(crate) fn learn_into(&self, book: &mut AddressBook) {
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
pub(crate) async fn join(
    data: &DataDir,
    endpoint: &Endpoint,
    ticket: &InviteTicket,
    profile: &Profile,
    timeout: Duration,
) -> Result<Joined> {
    let own = crate::endpoint::own_addr(endpoint);
    let request = JoinRequest::new(ticket, profile, own.addrs.iter().map(addr_to_text).collect(), data.device_key());
    receive(data, endpoint, &ticket.network, &ticket.peers, JOIN_ALPN, &request, timeout).await
}

/// Asks `peers` (devices holding `network`), on `alpn`, to let this device in with `request`,
/// until one answers with the whole network; checks that network and stores it.
pub(crate) async fn receive(
    data: &DataDir,
    endpoint: &Endpoint,
    network: &str,
    peers: &[iroh::EndpointAddr],
    alpn: &[u8],
    request: &impl Serialize,
    timeout: Duration,
) -> Result<Joined> {
    if data.network_ids()?.iter().any(|id| id == network) {
        return Err(NodeError::AlreadyMember(network.to_string()));
    }
    let (reply, bytes) = ask_any(endpoint, peers, alpn, request, timeout).await?;
    let Welcome { member, document, peers: told_peers, signatures, chain } =
        reply.into_welcome().map_err(NodeError::JoinRefused)?;
    let (checked, book) = crate::whole_network::check(&document, &signatures, network)
        .map_err(|why| NodeError::connection(format!("the inviting laptop sent {why}")))?;
    let mut opened = keep_checked(data, checked, book)?;
    crate::chapters::keep_given_chain(&mut opened, chain)?;
    Ok(Joined { network: network.to_string(), member, opened, ticket_peers: peers.to_vec(), told_peers, bytes })
}

/// Asks `peers` in turn, on `alpn`, with `request`, until one answers (a welcome or a
/// refusal); that answer and what it took.
pub(crate) async fn ask_any(
    endpoint: &Endpoint,
    peers: &[iroh::EndpointAddr],
    alpn: &[u8],
    request: &impl Serialize,
    timeout: Duration,
) -> Result<(JoinReply, u64)> {
    let attempt = async {
        let mut last_error = None;
        for peer in peers {
            match ask(endpoint, peer.clone(), alpn, request).await {
                Ok(answer) => return Ok(answer),
                Err(err) => last_error = Some(err),
            }
        }
        Err(last_error.unwrap_or(NodeError::Unreachable(timeout.as_secs())))
    };
    tokio::time::timeout(timeout, attempt).await.map_err(|_| NodeError::Unreachable(timeout.as_secs()))?
}

/// Saves a network received whole and checked ([`crate::whole_network::check`]) as this
/// device's copy, with the signatures that vouch for it.
pub(crate) fn keep_checked(data: &DataDir, network: Network, book: SignatureBook) -> Result<OpenNetwork> {
    // Creating the store saves the whole document.
    let mut opened = OpenNetwork::create(data, network)?;
    opened.signatures = book;
    opened.persist()?;
    Ok(opened)
}

/// The answer of the device at `peer` to `request` on `alpn` (a join, a device link), and the
/// bytes both frames took.
pub(crate) async fn ask<R: Serialize>(
    endpoint: &Endpoint,
    peer: iroh::EndpointAddr,
    alpn: &[u8],
    request: &R,
) -> Result<(JoinReply, u64)> {
    let conn = endpoint.connect(peer, alpn).await.map_err(NodeError::connection)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device_link::{LINK_ALPN, LinkRequest};

    fn join_request() -> JoinRequest {
        JoinRequest {
            network: "n".into(),
            invite: "i".into(),
            secret: [0x5e; 32],
            name: "a".into(),
            perspective: "teacher".into(),
            organisation: "o".into(),
            addrs: vec!["1.2.3.4:5".into()],
            member: "m".into(),
            proof: vec![0x9f],
        }
    }

    fn link_request() -> LinkRequest {
        LinkRequest { network: "n".into(), secret: [0x5e; 32], addrs: vec!["1.2.3.4:5".into()], proof: vec![0x9f] }
    }

    fn replies() -> Vec<JoinReply> {
        let peers = || vec![PeerAddr { device: "d".into(), addrs: vec!["1.2.3.4:5".into()] }];
        let signatures = || vec![kring_sync::testing::example_signed()];
        let handoff = kring_sync::testing::example_handoff();
        vec![
            JoinReply::Welcome { member: "m".into(), document: vec![0xd0], peers: peers(), signatures: signatures() },
            JoinReply::Refused { reason: "r".into() },
            JoinReply::WelcomeWithChain {
                member: "m".into(),
                document: vec![0xd0],
                peers: peers(),
                signatures: signatures(),
                chain: vec![handoff],
            },
        ]
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// `sent` is the `pinned` bytes (hex; spaces only for reading), or the test fails saying why
    /// that matters.
    fn assert_pinned(what: &str, alpns: &str, sent: &[u8], pinned: &str) {
        assert_eq!(
            hex(sent),
            pinned.replace(' ', ""),
            "{what} is no longer sent as before, and laptops on {alpns} would misread it: changing how it is \
             encoded needs a new ALPN"
        );
    }

    fn alpn(alpn: &[u8]) -> String {
        String::from_utf8_lossy(alpn).into_owned()
    }

    /// A join request is sent as the bytes pinned for it (postcard; strings and lists begin with
    /// their length, `[u8; 32]` has none), and those bytes read as the request.
    #[test]
    fn a_join_request_is_sent_as_pinned() {
        let pinned = concat!(
            "016e",                                                             // network "n"
            "0169",                                                             // invite "i"
            "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e", // secret
            "0161",                                                             // name "a"
            "0774656163686572",                                                 // perspective "teacher"
            "016f",                                                             // organisation "o"
            "01 09312e322e332e343a35",                                          // addrs: "1.2.3.4:5"
            "016d",                                                             // member "m"
            "019f",                                                             // proof
        );
        let sent = postcard::to_stdvec(&join_request()).unwrap();
        assert_pinned("a join request", &alpn(JOIN_ALPN), &sent, pinned);
        let read: JoinRequest = postcard::from_bytes(&sent).unwrap();
        assert_eq!(postcard::to_stdvec(&read).unwrap(), sent);
    }

    /// A device-link request is sent as the bytes pinned for it, and those bytes read as it.
    #[test]
    fn a_link_request_is_sent_as_pinned() {
        let pinned = concat!(
            "016e",                                                             // network "n"
            "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e", // secret
            "01 09312e322e332e343a35",                                          // addrs: "1.2.3.4:5"
            "019f",                                                             // proof
        );
        let sent = postcard::to_stdvec(&link_request()).unwrap();
        assert_pinned("a device-link request", &alpn(LINK_ALPN), &sent, pinned);
        let read: LinkRequest = postcard::from_bytes(&sent).unwrap();
        assert_eq!(postcard::to_stdvec(&read).unwrap(), sent);
    }

    /// The bytes of every kind of reply, in the order of [`JoinReply`] (a kind is sent as its
    /// place in it, first).
    const PINNED_REPLIES: [&str; 3] = [
        concat!(
            "00",                                                               // Welcome
            "016d",                                                             // member "m"
            "01d0",                                                             // document
            "01 0164 01 09312e322e332e343a35",                                  // peers: one, device "d" at "1.2.3.4:5"
            "01",                                                               // signatures: one
            "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", // change
            "025152",                                                           // signature
        ),
        concat!(
            "01",   // Refused
            "0172", // reason "r"
        ),
        concat!(
            "02",                                                               // WelcomeWithChain
            "016d",                                                             // member "m"
            "01d0",                                                             // document
            "01 0164 01 09312e322e332e343a35",                                  // peers: one, device "d" at "1.2.3.4:5"
            "01",                                                               // signatures: one
            "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", // change
            "025152",                                                           // signature
            "01",                                                               // chain: one hand-off
            "016e 0166 0174",                                                   // network, from, to
            "f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1", // first
            "0164 015a",                                                        // device, signature
            "01 016b",                                                          // coordinators: "k"
            "01 0161 ac02",                                                     // base: "a" at 300
        ),
    ];

    /// The name of a kind of reply. No wildcard: a new kind of reply does not compile here until
    /// it is named, and [`every_kind_of_join_reply_is_pinned`] then asks for its bytes.
    fn kind(reply: &JoinReply) -> &'static str {
        match reply {
            JoinReply::Welcome { .. } => "Welcome",
            JoinReply::Refused { .. } => "Refused",
            JoinReply::WelcomeWithChain { .. } => "WelcomeWithChain",
        }
    }

    /// Every reply (to a join and to a device link alike) is sent as the bytes pinned for it, and
    /// those bytes read as the reply.
    #[test]
    fn every_join_reply_is_sent_as_pinned() {
        let alpns = format!("{} and {}", alpn(JOIN_ALPN), alpn(LINK_ALPN));
        let replies = replies();
        assert_eq!(replies.len(), PINNED_REPLIES.len());
        for (reply, pinned) in replies.iter().zip(PINNED_REPLIES) {
            let sent = postcard::to_stdvec(reply).unwrap();
            assert_pinned(&format!("a {} reply", kind(reply)), &alpns, &sent, pinned);
            let read: JoinReply = postcard::from_bytes(&sent).unwrap();
            assert_eq!(postcard::to_stdvec(&read).unwrap(), sent, "{}", kind(reply));
        }
    }

    /// Every kind of reply serde knows of has its bytes pinned, in order.
    #[test]
    fn every_kind_of_join_reply_is_pinned() {
        let pinned: Vec<&str> = replies().iter().map(kind).collect();
        assert_eq!(
            pinned,
            kring_sync::testing::variant_names::<JoinReply>(),
            "every kind of reply must be pinned in `replies()` and `PINNED_REPLIES`, in the order of `JoinReply` (a \
             new kind goes at its end: the others keep their numbers)"
        );
    }
}
