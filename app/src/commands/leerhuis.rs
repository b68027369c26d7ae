//! `kring leerhuis link-ticket|link|publish|withdraw|overview`: a network of networks.

use std::time::Duration;

use anyhow::{Result, bail};
use kring_model::{MemberId, NetworkId, Profile, PublicationId, QuestionId, RoundId, SessionId};
use kring_node::{AddressBook, InviteTicket, Node};
use kring_store::DataDir;

use super::output::{
    InviteCreated, Membership, Output, Overview, Published, ReportWritten, Unlinked, VouchersIssued, Withdrawn,
};
use crate::cli::{LeerhuisCommand, NetworkArg};
use crate::local_network::LocalNetwork;

pub(super) fn run(command: LeerhuisCommand, data: &DataDir) -> Result<Output> {
    match command {
        LeerhuisCommand::LinkTicket { network, expires } => link_ticket(&network, expires, data),
        LeerhuisCommand::Link { ticket, network, me, net, timeout } => {
            let ticket = InviteTicket::parse(&ticket)?;
            let mode = super::network_mode(&net, data)?;
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let profile = profile_in_leerhuis(&local, me)?;
            let timeout = Duration::from_secs(timeout);
            let linking = Node::link_into_leerhuis(data, &mode, &ticket, &profile, &mut local.open, timeout);
            let (leerhuis, member) = super::runtime()?.block_on(linking)?;
            Ok(Membership { network: NetworkId::new(leerhuis), member: MemberId::new(member) }.into())
        }
        LeerhuisCommand::Join { network, leerhuis, me, net, timeout } => {
            let mode = super::network_mode(&net, data)?;
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let leerhuis = linked_leerhuis(&local.snapshot()?, leerhuis)?;
            let profile = profile_in_leerhuis(&local, me)?;
            let joining =
                Node::join_leerhuis(data, &mode, &mut local.open, &leerhuis, &profile, Duration::from_secs(timeout));
            let member = super::runtime()?.block_on(joining)?;
            Ok(Membership { network: NetworkId::new(leerhuis), member: MemberId::new(member) }.into())
        }
        LeerhuisCommand::Vouchers { network, leerhuis } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let id = NetworkId::new(linked_leerhuis(&local.snapshot()?, leerhuis)?);
            // Where this laptop holds the leerhuis too, removals follow there first.
            let removed = match data.network_ids()?.contains(&id.to_string()) {
                true => {
                    let mut there = LocalNetwork::open(data, Some(id.as_str()))?;
                    kring_node::leerhuis::follow_network(&mut local.open, &mut there.open, data.device_key())?
                }
                false => Vec::new(),
            };
            let issued = kring_node::leerhuis::issue_vouchers(&mut local.open, data.device_key(), &id)?;
            Ok(VouchersIssued { leerhuis: id, issued, removed }.into())
        }
        LeerhuisCommand::Unlink { network, leerhuis, withdraw, archive: _ } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let snapshot = local.snapshot()?;
            let mut there = open_leerhuis(data, &snapshot, leerhuis)?;
            let device = data.device_id();
            let id = snapshot.info.id.clone();
            let leerhuis = there.open.network.id().clone();
            // The same steps as the app's network page takes.
            let removed = kring_node::leerhuis::unlink(&id, &leerhuis, &device, withdraw, |which, step| {
                let open = if *which == id { &mut local.open } else { &mut there.open };
                open.edit(&device, |n, me| step(n, me))
            })?;
            Ok(Unlinked { leerhuis, network: id, removed, withdrawn: withdraw }.into())
        }
        LeerhuisCommand::Publish { network, leerhuis, question, session, reflection, summary } => {
            let mut source = LocalNetwork::open(data, network.network.as_deref())?;
            let snapshot = source.snapshot()?;
            let heads = source.open.network.heads();
            let mut leerhuis = open_leerhuis(data, &snapshot, leerhuis)?;
            let new = match (question, session, reflection) {
                (Some(q), _, _) => snapshot.question_publication(&QuestionId::new(q), &heads)?,
                (_, Some(s), _) => {
                    let summary = summary.unwrap_or_default();
                    snapshot.session_publication(&SessionId::new(s), &summary, &heads)?
                }
                (_, _, Some(r)) => snapshot.round_publication(&RoundId::new(r), &heads)?,
                (None, None, None) => bail!("choose what to share: --question, --session or --reflection"),
            };
            let device = data.device_id();
            let id = leerhuis.open.edit(&device, |network, me| network.publish(me, &device, &new))?;
            let version = leerhuis.snapshot()?.publications.get(&id).map_or(1, |p| p.version);
            Ok(Published { publication: id, leerhuis: leerhuis.open.network.id().clone(), version }.into())
        }
        LeerhuisCommand::Withdraw { network, leerhuis, publication } => {
            let source = LocalNetwork::open(data, network.network.as_deref())?;
            let mut leerhuis = open_leerhuis(data, &source.snapshot()?, leerhuis)?;
            let device = data.device_id();
            let id = PublicationId::new(publication);
            leerhuis.open.edit(&device, |network, me| network.withdraw_publication(me, &device, &id))?;
            Ok(Withdrawn { publication: id, withdrawn: true }.into())
        }
        LeerhuisCommand::Report { network, out, html } => {
            let snapshot = leerhuis_snapshot(data, &network)?;
            let today = jiff::Zoned::now().date().to_string();
            let markdown = kring_ui::export::programme_report(kring_ui::i18n::Language::Nl, &snapshot, &today);
            let report = match html {
                true => {
                    let heading = format!("{} — programmaverslag", snapshot.info.name);
                    kring_ui::export::html_page(kring_ui::i18n::Language::Nl, &heading, &markdown)
                }
                false => markdown,
            };
            kring_store::write_atomic(&out, report.as_bytes(), None)?;
            Ok(ReportWritten { file: out, bytes: report.len() }.into())
        }
        LeerhuisCommand::Overview { network, theme } => {
            let snapshot = leerhuis_snapshot(data, &network)?;
            Ok(Overview { leerhuis: snapshot.info.id.clone(), items: snapshot.overview(theme.as_deref()) }.into())
        }
    }
}

/// The leerhuis `network` as this laptop holds it.
fn leerhuis_snapshot(data: &DataDir, network: &NetworkArg) -> Result<kring_model::NetworkSnapshot> {
    let snapshot = LocalNetwork::open(data, network.network.as_deref())?.snapshot()?;
    if snapshot.info.kind != kring_model::NetworkKind::Leerhuis {
        bail!("network {} is not a leerhuis", snapshot.info.id);
    }
    Ok(snapshot)
}

/// A link ticket made without a running node: it carries the addresses this device listened
/// on during its last `serve`, as `kring invite` does.
fn link_ticket(network: &NetworkArg, expires: Duration, data: &DataDir) -> Result<Output> {
    let book = AddressBook::load(data.root());
    if book.own.is_empty() {
        bail!(
            "this device has not been online yet, so a ticket could not say where to find it; run `kring serve` once"
        );
    }
    let mut local = LocalNetwork::open(data, network.network.as_deref())?;
    let peers = vec![book.own_addr(data.device_key().public())];
    let (invite, ticket) = kring_node::invite::create_link(&mut local.open, &data.device_id(), expires, peers)?;
    Ok(InviteCreated { ticket: ticket.to_text(), invite, made_for: None }.into())
}

/// Who the coordinator is in the leerhuis: as in her network, under `name` if she gave one.
fn profile_in_leerhuis(network: &LocalNetwork, name: Option<String>) -> Result<Profile> {
    let snapshot = network.snapshot()?;
    let me = network.me()?;
    let member = snapshot.members.get(&me).ok_or_else(|| anyhow::anyhow!("this device is not a member"))?;
    Ok(Profile {
        name: name.unwrap_or_else(|| member.name.clone()),
        perspective: member.perspective,
        organisation: member.organisation.clone(),
    })
}

/// The leerhuis `id`, or the one leerhuis the network `source` is linked into.
fn linked_leerhuis(source: &kring_model::NetworkSnapshot, id: Option<String>) -> Result<String> {
    let linked: Vec<&NetworkId> =
        source.info.leerhuizen.values().filter(|l| l.left_at.is_none()).map(|l| &l.id).collect();
    Ok(match (id, linked.as_slice()) {
        (Some(id), _) => id,
        (None, [only]) => only.to_string(),
        (None, []) => bail!("network {} is not linked into a leerhuis", source.info.id),
        (None, _) => {
            bail!("network {} is linked into several leerhuizen; choose one with --leerhuis ID", source.info.id)
        }
    })
}

/// The leerhuis `id` (or the one `source` is linked into), held on this device.
fn open_leerhuis(data: &DataDir, source: &kring_model::NetworkSnapshot, id: Option<String>) -> Result<LocalNetwork> {
    let id = linked_leerhuis(source, id)?;
    if !data.network_ids()?.contains(&id) {
        bail!("leerhuis {id} is not on this device");
    }
    LocalNetwork::open(data, Some(&id))
}

/// After a member was removed from `network` on this laptop: where this laptop also holds a
/// leerhuis the network is linked into, and acts for the network there, the removal follows
/// into it (and the vouchers are issued again). Problems are warnings: the removal itself
/// is done and saved.
pub(super) fn follow_removal(data: &DataDir, network: &mut LocalNetwork) {
    let Ok(snapshot) = network.snapshot() else { return };
    let held = data.network_ids().unwrap_or_default();
    for link in snapshot.info.leerhuizen.values().filter(|l| l.left_at.is_none()) {
        if !held.contains(&link.id.to_string()) {
            continue;
        }
        let followed = LocalNetwork::open(data, Some(link.id.as_str())).and_then(|mut there| {
            Ok(kring_node::leerhuis::follow_network(&mut network.open, &mut there.open, data.device_key())?)
        });
        if let Err(err) = followed {
            eprintln!("warning: the removal could not follow into leerhuis {}: {err:#}", link.id);
        }
    }
}
