//! `kring/leerhuis/1`: a network's coordinator links her network into a leerhuis.
//!
//! The leerhuis's coordinator made a link ticket (an invite marked `link`, see
//! `kring_model::edit::leerhuis`). The network's coordinator sends one [`LinkNetworkRequest`]:
//! a join request with that ticket (she becomes a member of the leerhuis, her device proven as
//! for any join) and the network she links, with its coordinators' devices, which become its
//! delegates there. The leerhuis laptop admits her and records the link in one change, and
//! answers with the whole leerhuis, as a join does; every refusal is the same few words. Her
//! laptop then records the leerhuis in her network ([`record_on_our_side`]).

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
use crate::join::{self, Admission, JoinRequest, Joined};
use crate::links::{Pool, Slot};
use crate::open_network::OpenNetwork;
use crate::shared::Shared;
use crate::ticket::InviteTicket;

pub const LEERHUIS_ALPN: &[u8] = b"kring/leerhuis/1";
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
            };
            join::admit_with(shared, device, &request.join, |network, admission| {
                let Admission { admitting, invite, secret_hash, profile, member, proof } = admission;
                network.link_network(admitting, invite, secret_hash, profile, member, proof, &linked)
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
    Ok(NetworkToLink { id: snapshot.info.id.clone(), name: snapshot.info.name.clone(), delegates })
}

/// The network's side: brings link ticket `ticket` to the leerhuis laptops it names, as
/// `profile`, for `network`; stores the leerhuis this device then holds.
pub(crate) async fn link(
    data: &DataDir,
    endpoint: &Endpoint,
    ticket: &InviteTicket,
    profile: &Profile,
    network: &NetworkToLink,
    timeout: Duration,
) -> Result<Joined> {
    let own = crate::endpoint::own_addr(endpoint);
    let join = JoinRequest::new(ticket, profile, own.addrs.iter().map(addr_to_text).collect(), data.device_key());
    let request = LinkNetworkRequest {
        join,
        network: network.id.to_string(),
        name: network.name.clone(),
        delegates: network.delegates.clone(),
    };
    join::receive(data, endpoint, ticket, LEERHUIS_ALPN, &request, timeout).await
}

/// Records in `open` (the linked network) the leerhuis it was just linked into, as this
/// device's member, and saves.
pub fn record_on_our_side(open: &mut OpenNetwork, device: &str, leerhuis: &kring_model::NetworkSnapshot) -> Result<()> {
    let (id, name) = (&leerhuis.info.id, &leerhuis.info.name);
    open.edit(device, |network, me| network.record_leerhuis(me, id, name))?;
    Ok(())
}
