//! `kring/leerhuis/2`: a network's coordinator links her network into a leerhuis; and
//! `kring/leerhuis-join/1`: a member of a linked network joins it with her voucher.
//!
//! The leerhuis's coordinator made a link ticket (an invite marked `link`, see
//! `kring_model::edit::leerhuis`). The network's coordinator sends one [`LinkNetworkRequest`]:
//! a join request with that ticket (she becomes a member of the leerhuis, her device proven as
//! for any join) and the network she links, with its coordinators' devices, which become its
//! delegates there. The leerhuis laptop admits her and records the link in one change, and
//! answers with the whole leerhuis, as a join does; every refusal is the same few words. Her
//! laptop then records the leerhuis in her network, with where its laptops are, and issues a
//! voucher to every member ([`record_on_our_side`]). A member later brings hers to any of those
//! laptops in one [`VoucherJoinRequest`], whether her coordinator is online or not.

use std::sync::Arc;
use std::time::Duration;

use iroh::Endpoint;
use iroh::endpoint::Connection;
use iroh::protocol::{AcceptError, ProtocolHandler};
use kring_model::{NetworkToLink, Profile, Role};
use kring_store::DataDir;
use serde::{Deserialize, Serialize};

use crate::address_book::addr_to_text;
use crate::error::{NodeError, Result};
use crate::join::{self, JoinRequest, Joined, Knock, Newcomer};
use crate::links::{Pool, Slot};
use crate::open_network::OpenNetwork;
use crate::shared::Shared;
use kring_ticket::InviteTicket;

/// `/2`: the request says what lies below the network (`/1` did not; a leerhuis could not
/// see a circle of three).
pub const LEERHUIS_ALPN: &[u8] = b"kring/leerhuis/2";
pub const LEERHUIS_JOIN_ALPN: &[u8] = b"kring/leerhuis-join/1";
/// How long a voucher holds: removal from a linked network reaches the leerhuis at the latest
/// then, even if no delegate's laptop syncs both in between.
pub const VOUCHER_VALID_FOR: Duration = Duration::from_secs(14 * 24 * 3600);
/// The most delegates one link lists: a network has a handful of coordinators' laptops.
const MAX_DELEGATES: usize = 64;

/// What a network's coordinator sends to link her network into a leerhuis.
#[derive(Debug, Serialize, Deserialize)]
pub struct LinkNetworkRequest {
    /// Her join request for the leerhuis, with the link ticket's secret.
    pub join: JoinRequest,
    /// The network she links: its id and name, and its coordinators' devices.
    pub network: String,
    pub name: String,
    pub delegates: Vec<String>,
    /// The networks linked into hers in turn (if hers is a leerhuis), so that the leerhuis
    /// refuses a link that would close a circle.
    pub below: Vec<String>,
}

/// The leerhuis protocol ([`LEERHUIS_ALPN`]): links a network that brings a link ticket made here.
#[derive(Debug, Clone)]
pub(crate) struct LeerhuisProtocol(Arc<Shared>);

impl LeerhuisProtocol {
    pub(crate) fn new(shared: Arc<Shared>) -> LeerhuisProtocol {
        LeerhuisProtocol(shared)
    }
}

impl ProtocolHandler for LeerhuisProtocol {
    async fn accept(&self, connection: Connection) -> std::result::Result<(), AcceptError> {
        let Some(_slot) = Slot::take(self.0.connections(), &connection, Pool::Joins) else { return Ok(()) };
        let admit = |shared: &Shared, device: &str, request: &LinkNetworkRequest| {
            let linked = NetworkToLink {
                id: kring_model::NetworkId::new(request.network.clone()),
                name: request.name.clone(),
                delegates: request.delegates.iter().take(MAX_DELEGATES).cloned().collect(),
                below: request.below.iter().map(|id| kring_model::NetworkId::new(id.clone())).collect(),
            };
            let invite = kring_model::InviteId::new(request.join.invite.clone());
            let hash = kring_ticket::secret_hash(&request.join.secret);
            join::admit_with(shared, device, &request.join.knock(), |network, newcomer| {
                let Newcomer { admitting, profile, member, proof } = newcomer;
                // A member here already links a second network she coordinates: no second place.
                if let Ok(Some(already)) = network.member_for_device(device) {
                    network.link_network_of_member(admitting, &invite, &hash, &already, &linked)?;
                    return Ok(already);
                }
                network.link_network(admitting, &invite, &hash, profile, member, proof, &linked)
            })
            .map(|reply| (reply, ()))
        };
        join::serve_with(self.0.clone(), connection, admit).await.map(|_| ()).map_err(AcceptError::from_err)
    }
}

/// What a member of a linked network sends to join the leerhuis with her voucher.
#[derive(Debug, Serialize, Deserialize)]
pub struct VoucherJoinRequest {
    pub leerhuis: String,
    /// The voucher as her network keeps it ([`kring_model::leerhuis::Voucher::to_bytes`]).
    pub voucher: Vec<u8>,
    pub name: String,
    pub perspective: String,
    pub organisation: String,
    pub addrs: Vec<String>,
    /// The member id she chose in the leerhuis, and her device's proof for it.
    pub member: String,
    pub proof: Vec<u8>,
}

/// The voucher door ([`LEERHUIS_JOIN_ALPN`]): lets in a member of a linked network.
#[derive(Debug, Clone)]
pub(crate) struct VoucherProtocol(Arc<Shared>);

impl VoucherProtocol {
    pub(crate) fn new(shared: Arc<Shared>) -> VoucherProtocol {
        VoucherProtocol(shared)
    }
}

impl ProtocolHandler for VoucherProtocol {
    async fn accept(&self, connection: Connection) -> std::result::Result<(), AcceptError> {
        let Some(_slot) = Slot::take(self.0.connections(), &connection, Pool::Joins) else { return Ok(()) };
        let admit = |shared: &Shared, device: &str, request: &VoucherJoinRequest| {
            let voucher = kring_model::leerhuis::Voucher::from_bytes(&request.voucher)
                .ok_or_else(|| "a request without a voucher".to_string())?;
            let knock = Knock {
                network: &request.leerhuis,
                key: &voucher.id,
                name: &request.name,
                perspective: &request.perspective,
                organisation: &request.organisation,
                addrs: &request.addrs,
                member: &request.member,
                proof: &request.proof,
            };
            join::admit_with(shared, device, &knock, |network, newcomer| {
                let Newcomer { admitting, profile, member, proof } = newcomer;
                network.join_with_voucher(admitting, &voucher, profile, member, proof)
            })
            .map(|reply| (reply, ()))
        };
        join::serve_with(self.0.clone(), connection, admit).await.map(|_| ()).map_err(AcceptError::from_err)
    }
}

/// The network `open` as it goes into a leerhuis: its id, its name, and its coordinators'
/// devices. Only its coordinator links it.
pub fn network_to_link(open: &OpenNetwork, device: &str) -> Result<NetworkToLink> {
    let snapshot = open.network.snapshot()?;
    let me = snapshot.member_for_device(device).ok_or_else(|| NodeError::Connection("not a member".into()))?;
    if me.role != Role::Coordinator {
        let action = kring_model::CoordinatorTask::LinkNetworks;
        return Err(kring_model::ModelError::NotCoordinator { action }.into());
    }
    let coordinators = snapshot.members.values().filter(|m| m.is_current() && m.role == Role::Coordinator);
    let delegates = coordinators.flat_map(|m| m.devices.keys().cloned()).take(MAX_DELEGATES).collect();
    let below = open.network.networks_below()?.into_iter().collect();
    Ok(NetworkToLink { id: snapshot.info.id.clone(), name: snapshot.info.name.clone(), delegates, below })
}

/// How a link went on the network's side.
pub(crate) enum Linked {
    /// The leerhuis was new here: it is stored now.
    Joined(Box<Joined>),
    /// This device's member was in the leerhuis already (through another network): the link
    /// only; the leerhuis's laptops bring the change with the next sync. What it took.
    AlreadyMember { bytes: u64 },
}

/// The network's side: brings link ticket `ticket` to the leerhuis laptops it names, as
/// `profile`, for `network`; stores the leerhuis this device then holds, unless it held it
/// already.
pub(crate) async fn link(
    data: &DataDir,
    endpoint: &Endpoint,
    ticket: &InviteTicket,
    profile: &Profile,
    network: &NetworkToLink,
    timeout: Duration,
) -> Result<Linked> {
    // The leerhuis is below this network already: said here, before any laptop is dialed (the
    // leerhuis laptop's refusal would be the same few words as any other).
    if network.below.iter().any(|below| below.as_str() == ticket.network) {
        return Err(kring_model::ModelError::from(kring_model::leerhuis::LeerhuisError::Cycle).into());
    }
    let own = crate::endpoint::own_addr(endpoint);
    let join = JoinRequest::new(ticket, profile, own.addrs.iter().map(addr_to_text).collect(), data.device_key());
    let request = LinkNetworkRequest {
        join,
        network: network.id.to_string(),
        name: network.name.clone(),
        delegates: network.delegates.clone(),
        below: network.below.iter().map(ToString::to_string).collect(),
    };
    if data.network_ids()?.contains(&ticket.network) {
        let (reply, bytes) = join::ask_any(endpoint, &ticket.peers, LEERHUIS_ALPN, &request, timeout).await?;
        reply.into_welcome().map_err(NodeError::JoinRefused)?;
        return Ok(Linked::AlreadyMember { bytes });
    }
    let joined = join::receive(data, endpoint, &ticket.network, &ticket.peers, LEERHUIS_ALPN, &request, timeout);
    Ok(Linked::Joined(Box::new(joined.await?)))
}

/// What a network records of the leerhuis it is linked into, read from the leerhuis as this
/// device holds it.
pub(crate) struct SeenLeerhuis {
    id: kring_model::NetworkId,
    name: String,
    /// The leerhuizen it is linked into in turn.
    above: std::collections::BTreeSet<kring_model::NetworkId>,
    /// This device's member there.
    pub(crate) member: String,
}

impl SeenLeerhuis {
    pub(crate) fn of(leerhuis: &kring_model::Network, device: &str) -> Result<SeenLeerhuis> {
        let member = leerhuis.member_for_device(device)?.map(|m| m.to_string()).unwrap_or_default();
        let above = leerhuis.leerhuizen_above()?;
        Ok(SeenLeerhuis { id: leerhuis.id().clone(), name: leerhuis.name()?, above, member })
    }
}

/// Records in `open` (the linked network) the leerhuis it was just linked into, with `peers`
/// (where its laptops are), and issues every member a voucher for it; as this device's member
/// (the network's coordinator, a delegate there), saved.
pub(crate) fn record_on_our_side(
    open: &mut OpenNetwork,
    key: &iroh::SecretKey,
    leerhuis: &SeenLeerhuis,
    peers: &[iroh::EndpointAddr],
) -> Result<()> {
    let SeenLeerhuis { id, name, above, .. } = leerhuis;
    let device = key.public().to_string();
    let peers = peers_to_text(peers);
    open.edit(&device, |network, me| network.record_leerhuis(me, id, name, &peers, above))?;
    issue_vouchers(open, key, id)?;
    Ok(())
}

/// Issues (again) a voucher for `leerhuis` to every current member of `open`, valid for
/// [`VOUCHER_VALID_FOR`]; a removed member's is taken away. Returns how many were issued.
pub fn issue_vouchers(
    open: &mut OpenNetwork,
    key: &iroh::SecretKey,
    leerhuis: &kring_model::NetworkId,
) -> Result<usize> {
    let device = key.public().to_string();
    let until = crate::invite::now_millis().saturating_add(VOUCHER_VALID_FOR.as_millis() as i64);
    open.edit(&device, |network, me| network.issue_vouchers(me, key.as_signing_key(), leerhuis, until))
}

/// On a delegate's laptop that holds both `network` and `leerhuis` (the one it is linked
/// into): removes from the leerhuis whoever joined through `network` and is no longer a
/// current member of it, and issues the vouchers again (a removed member's is taken away).
/// Returns whom it removed from the leerhuis.
pub fn follow_network(
    network: &mut OpenNetwork,
    leerhuis: &mut OpenNetwork,
    key: &iroh::SecretKey,
) -> Result<Vec<kring_model::MemberId>> {
    let device = key.public().to_string();
    let members = network.network.members()?;
    let current = members.values().filter(|m| m.is_current()).flat_map(|m| m.devices.keys().cloned()).collect();
    let id = network.network.id().clone();
    let removed = leerhuis.edit(&device, |l, me| l.follow_removals(me, &device, &id, &current))?;
    issue_vouchers(network, key, leerhuis.network.id())?;
    Ok(removed)
}

/// One edit of one network as this laptop's member, saved (on a running laptop also offered to
/// its peers); [`unlink`] hands its caller two.
pub type EditOne<'a> =
    &'a mut dyn FnMut(&mut kring_model::Network, &kring_model::MemberId) -> kring_model::Result<usize>;

/// A network leaving a leerhuis, as `kring leerhuis unlink` and the app's network page both do
/// it, on the laptop of a coordinator of the network (its delegate in the leerhuis, `device`)
/// that holds both: first the leerhuis marks the link left, removes whoever came through it and,
/// with `withdraw`, withdraws what it shared (else it stays as an archive); then the network
/// records that it left, which takes its vouchers back. `edit` runs one step on the network it
/// names. Returns how many lost their place in the leerhuis.
pub fn unlink(
    network: &kring_model::NetworkId,
    leerhuis: &kring_model::NetworkId,
    device: &str,
    withdraw: bool,
    mut edit: impl FnMut(&kring_model::NetworkId, EditOne) -> Result<usize>,
) -> Result<usize> {
    let removed = edit(leerhuis, &mut |l, me| l.unlink_network(me, device, network, withdraw))?;
    edit(network, &mut |n, me| n.leave_leerhuis(me, leerhuis).map(|()| 0))?;
    Ok(removed)
}

/// A voucher that runs out within this long is issued again.
const RENEW_WITHIN: Duration = Duration::from_secs(7 * 24 * 3600);
/// How often a running laptop looks whether vouchers are due.
const VOUCHER_CHECK_EVERY: Duration = Duration::from_secs(3600);

/// Keeps the vouchers fresh of every network this laptop coordinates that is linked into a
/// leerhuis, at start and every hour, and makes removals follow into each leerhuis it holds:
/// without it a member's access would run out after two weeks.
pub(crate) async fn keep_vouchers_fresh(shared: Arc<Shared>, key: iroh::SecretKey) {
    loop {
        refresh_vouchers(&shared, &key);
        tokio::time::sleep(VOUCHER_CHECK_EVERY).await;
    }
}

/// One round of [`keep_vouchers_fresh`]. Problems are logged: the next round tries again.
pub(crate) fn refresh_vouchers(shared: &Shared, key: &iroh::SecretKey) {
    let device = key.public().to_string();
    let until = crate::invite::now_millis().saturating_add(VOUCHER_VALID_FOR.as_millis() as i64);
    let renew_before = crate::invite::now_millis().saturating_add(RENEW_WITHIN.as_millis() as i64);
    for network in shared.networks().ids() {
        let due = {
            let Some(mut open) = shared.networks().lock(&network) else { continue };
            vouchers_due(&mut open, &device, renew_before).unwrap_or_default()
        };
        for (leerhuis, current) in due {
            let issued = shared
                .networks()
                .edit(&network, |n, me| n.issue_vouchers(me, key.as_signing_key(), &leerhuis, until))
                .and_then(|(_, appended)| shared.offer_and_keep(&network, None, appended));
            if let Err(err) = issued {
                tracing::warn!("could not renew the leerhuis vouchers of network {network}: {err}");
            }
            let linked = kring_model::NetworkId::new(network.clone());
            let followed = shared
                .networks()
                .edit(leerhuis.as_str(), |l, me| l.follow_removals(me, &device, &linked, &current))
                .and_then(|(_, appended)| shared.offer_and_keep(leerhuis.as_str(), None, appended));
            // Not held here, or this laptop is not a delegate there: nothing to follow.
            if let Err(err) = followed {
                tracing::debug!("removals of network {network} not followed into {leerhuis}: {err}");
            }
        }
    }
}

/// The leerhuizen whose vouchers `open` needs issued again, by this laptop's coordinator
/// (`device`): a current member without one, a removed member with one, or one that runs out
/// before `renew_before`. With the devices of the network's current members.
fn vouchers_due(
    open: &mut OpenNetwork,
    device: &str,
    renew_before: i64,
) -> Result<Vec<(kring_model::NetworkId, std::collections::BTreeSet<String>)>> {
    let links = open.network.leerhuis_links()?;
    if links.values().all(|link| link.left_at.is_some()) {
        return Ok(Vec::new());
    }
    let members = open.network.members()?;
    let Some(me) = open.member_for_device(device)? else { return Ok(Vec::new()) };
    if members.get(&me).map(|m| m.role) != Some(Role::Coordinator) {
        return Ok(Vec::new());
    }
    let current: std::collections::BTreeSet<String> =
        members.values().filter(|m| m.is_current()).flat_map(|m| m.devices.keys().cloned()).collect();
    let due = links.into_values().filter(|link| link.left_at.is_none()).filter(|link| {
        let lacking = members
            .values()
            .any(|m| m.is_current() && m.id != me && !m.devices.is_empty() && !link.vouchers.contains_key(&m.id));
        let stale = link.vouchers.iter().any(|(member, bytes)| {
            let gone = !members.get(member).is_some_and(|m| m.is_current());
            let expiring =
                kring_model::leerhuis::Voucher::from_bytes(bytes).is_none_or(|v| v.expires_at < renew_before);
            gone || expiring
        });
        lacking || stale
    });
    Ok(due.map(|link| (link.id, current.clone())).collect())
}

/// A member's side: joins the leerhuis `leerhuis` that `open` (her network) is linked into,
/// with the voucher her network's delegate issued her, at the leerhuis laptops it names.
pub(crate) async fn join_with_voucher(
    data: &DataDir,
    endpoint: &Endpoint,
    open: &mut OpenNetwork,
    leerhuis: &str,
    profile: &Profile,
    timeout: Duration,
) -> Result<Joined> {
    let own = crate::endpoint::own_addr(endpoint);
    let addrs = own.addrs.iter().map(addr_to_text).collect();
    let (request, peers) = voucher_request(open, data.device_key(), leerhuis, profile, addrs)?;
    join::receive(data, endpoint, leerhuis, &peers, LEERHUIS_JOIN_ALPN, &request, timeout).await
}

/// What this laptop (`key`) sends to join `leerhuis` through `open` (its member's network),
/// reachable at `addrs`, and the leerhuis laptops to send it to: read from the network at once,
/// so that no lock is held while the leerhuis laptop answers.
pub(crate) fn voucher_request(
    open: &mut OpenNetwork,
    key: &iroh::SecretKey,
    leerhuis: &str,
    profile: &Profile,
    addrs: Vec<String>,
) -> Result<(VoucherJoinRequest, Vec<iroh::EndpointAddr>)> {
    let me = open.member_for_device(&key.public().to_string())?.ok_or(NodeError::NotAMember)?;
    let links = open.network.leerhuis_links()?;
    let not_linked = || kring_model::leerhuis::LeerhuisError::NotLinked(open.network.id().clone());
    let link = links
        .get(&kring_model::NetworkId::new(leerhuis.to_string()))
        .filter(|link| link.left_at.is_none())
        .ok_or_else(|| kring_model::ModelError::from(not_linked()))?;
    let no_voucher = kring_model::leerhuis::LeerhuisError::BadVoucher("your network's coordinator has issued none yet");
    let voucher = link.vouchers.get(&me).cloned().ok_or_else(|| kring_model::ModelError::from(no_voucher))?;
    let member = kring_model::MemberId::random().to_string();
    let request = VoucherJoinRequest {
        leerhuis: leerhuis.to_string(),
        voucher,
        name: profile.name.clone(),
        perspective: profile.perspective.to_string(),
        organisation: profile.organisation.clone(),
        addrs,
        proof: kring_model::trust::DeviceKey::prove(key.as_signing_key(), leerhuis, &member),
        member,
    };
    Ok((request, peers_from_text(&link.peers)))
}

/// Where a leerhuis's laptops are, as a linked network keeps it: one address per line, as
/// `kring connect` takes them (`ID@IP:PORT[,IP:PORT…]`).
fn peers_to_text(peers: &[iroh::EndpointAddr]) -> String {
    let line = |peer: &iroh::EndpointAddr| {
        let addrs: Vec<String> = peer.addrs.iter().map(addr_to_text).collect();
        format!("{}@{}", peer.id, addrs.join(","))
    };
    peers.iter().map(line).collect::<Vec<_>>().join("\n")
}

fn peers_from_text(text: &str) -> Vec<iroh::EndpointAddr> {
    text.lines().filter_map(crate::address_book::parse_address).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A link request is sent as these bytes (postcard): the join request as `kring/join/2`
    /// sends it, then the network's id, name, delegates and what lies below it. Changing how it
    /// is encoded needs a new ALPN, or laptops on `kring/leerhuis/2` would misread it.
    #[test]
    fn a_link_request_is_sent_as_pinned() {
        let join = JoinRequest {
            network: "n".into(),
            invite: "i".into(),
            secret: [0x5e; 32],
            name: "a".into(),
            perspective: "teacher".into(),
            organisation: "o".into(),
            addrs: vec![],
            member: "m".into(),
            proof: vec![0x9f],
        };
        let request = LinkNetworkRequest {
            join,
            network: "n1".into(),
            name: "P".into(),
            delegates: vec!["d".into()],
            below: vec!["b".into()],
        };
        let pinned = concat!(
            "016e 0169",                                                        // network "n", invite "i"
            "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e", // secret
            "0161 0774656163686572 016f",                                       // name, perspective, organisation
            "00 016d 019f",                                                     // no addrs, member "m", proof
            "026e31 0150 01 0164", // network "n1", name "P", delegates: "d"
            "01 0162",             // below: "b"
        );
        let sent = postcard::to_stdvec(&request).unwrap();
        let hex: String = sent.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, pinned.replace(' ', ""));
        let read: LinkNetworkRequest = postcard::from_bytes(&sent).unwrap();
        assert_eq!(postcard::to_stdvec(&read).unwrap(), sent);
    }
}
