//! Linking a network into a leerhuis, and what a linked network shares there.
//!
//! Linking is two-sided. The leerhuis's coordinator makes a link ticket (an invite marked
//! `link`); a coordinator of the network brings it to the leerhuis laptop, which admits her as a
//! member and records the network with its coordinators' devices as its delegates, in one
//! change ([`Network::link_network`]). Her laptop then records the leerhuis in the network
//! ([`Network::record_leerhuis`]). Only delegates publish for their network and withdraw what
//! it published ([`Network::publish`], [`Network::withdraw_publication`]).

use automerge::{ObjType, transaction::Transactable};

use crate::access;
use crate::changes::ChangeKind;
use crate::edit::invites::NewInvite;
use crate::error::{CoordinatorTask, Field, ModelError, Result};
use crate::genesis::Profile;
use crate::ids::*;
use crate::leerhuis::{CYCLE_PHASES, LeerhuisError, MAX_LEVELS_SET, NewPublication, Voucher};
use crate::network::Network;
use crate::schema::*;
use crate::trust::DeviceKey;
use crate::validate::{self, MAX_LONG, MAX_NAME};
use crate::vocab::{NetworkKind, PublicationKind, Role};

/// The network a coordinator links into a leerhuis, as she tells the leerhuis laptop.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetworkToLink {
    pub id: NetworkId,
    pub name: String,
    /// Her network's coordinators' devices: they act for it in the leerhuis.
    pub delegates: Vec<DeviceId>,
    /// The networks linked into hers in turn, as her laptop knows them (if hers is a leerhuis).
    pub below: Vec<NetworkId>,
}

/// A link as the leerhuis records it, checked ([`Network::checked_link`]).
struct NewLink {
    links: automerge::ObjId,
    id: NetworkId,
    name: String,
    delegates: Vec<DeviceId>,
    below: std::collections::BTreeSet<NetworkId>,
}

impl NewLink {
    /// Writes the record `links/<id>`, accepted by `admitting` at `now`.
    fn write(&self, doc: &mut automerge::AutoCommit, admitting: &MemberId, now: UnixMillis) -> Result<()> {
        let link = doc.put_object(&self.links, self.id.as_str(), ObjType::Map)?;
        doc.put(&link, NAME, self.name.as_str())?;
        doc.put(&link, LINKED_AT, now)?;
        doc.put(&link, LINKED_BY, admitting.as_str())?;
        let listed = doc.put_object(&link, DELEGATES, ObjType::Map)?;
        for device in &self.delegates {
            doc.put(&listed, device.as_str(), now)?;
        }
        let levels = doc.put_object(&link, BELOW, ObjType::Map)?;
        for id in &self.below {
            doc.put(&levels, id.as_str(), true)?;
        }
        Ok(())
    }
}

impl Network {
    /// What this document is: a network of people, or a leerhuis.
    pub fn kind(&self) -> NetworkKind {
        let info = self.root_map(NETWORK).ok();
        NetworkKind::from_doc(info.and_then(|info| access::string(&self.doc, &info, KIND)).as_deref())
    }

    fn leerhuis_only(&self) -> Result<()> {
        match self.kind() {
            NetworkKind::Leerhuis => Ok(()),
            NetworkKind::Network => Err(LeerhuisError::NotALeerhuis.into()),
        }
    }

    /// A leerhuis's ticket for linking one network: one use, by a coordinator of that network.
    pub fn create_link_invite(&mut self, by: &MemberId, invite: &NewInvite) -> Result<InviteId> {
        self.leerhuis_only()?;
        self.coordinator(by, CoordinatorTask::LinkNetworks)?;
        self.write_invite(by, invite, "", true)
    }

    /// The leerhuis's side of a link: admits the network's coordinator (who brought link ticket
    /// `invite`) as member `id` with `device`, and records `network` with its delegates, in one
    /// change. Run by the leerhuis laptop of `admitting`, a coordinator.
    #[allow(clippy::too_many_arguments)]
    pub fn link_network(
        &mut self,
        admitting: &MemberId,
        invite: &InviteId,
        secret_hash: &str,
        profile: &Profile,
        id: &MemberId,
        device: &(impl DeviceKey + ?Sized),
        network: &NetworkToLink,
    ) -> Result<MemberId> {
        let link = self.checked_link(admitting, invite, network)?;
        self.admit_with_invite(admitting, invite, secret_hash, profile, id, device, |doc, member, now| {
            // She comes through her network: if she leaves it, or it leaves, so does her place here.
            doc.put(member, VIA, network.id.as_str())?;
            link.write(doc, admitting, now)
        })
    }

    /// The leerhuis's side of a link brought by `member`, a member here already (she links a
    /// second network she coordinates): records `network` with its delegates and spends link
    /// ticket `invite` (revoked: it links nothing more), in one change. Her place here stays
    /// with the network she came through. Run by the leerhuis laptop of `admitting`.
    pub fn link_network_of_member(
        &mut self,
        admitting: &MemberId,
        invite: &InviteId,
        secret_hash: &str,
        member: &MemberId,
        network: &NetworkToLink,
    ) -> Result<()> {
        let link = self.checked_link(admitting, invite, network)?;
        self.check_invite(invite, secret_hash)?;
        self.current_member(member)?;
        let ticket = self.invite_obj(invite)?;
        let note = Network::note(admitting, ChangeKind::NetworkLinked, &network.id);
        self.change(note, |doc, now| {
            link.write(doc, admitting, now)?;
            Ok(doc.put(&ticket, REVOKED_AT, now)?)
        })
    }

    /// What linking `network` with link ticket `invite` writes, checked: by a coordinator of
    /// this leerhuis, with a link ticket, no circle, not linked before, within bounds.
    fn checked_link(&self, admitting: &MemberId, invite: &InviteId, network: &NetworkToLink) -> Result<NewLink> {
        self.leerhuis_only()?;
        self.coordinator(admitting, CoordinatorTask::LinkNetworks)?;
        if !self.invite_is_link(invite) {
            return Err(ModelError::UnknownInvite(invite.clone()));
        }
        if network.id == *self.id() {
            return Err(LeerhuisError::LinkToItself.into());
        }
        let below: std::collections::BTreeSet<NetworkId> =
            network.below.iter().filter(|id| validate::id(id.as_str())).take(MAX_LEVELS_SET).cloned().collect();
        Network::refuse_circle((&network.id, &below), (self.id(), &self.leerhuizen_above()?))?;
        let links = self.root_map(LINKS)?;
        if access::obj(&self.doc, &links, network.id.as_str()).is_some() {
            return Err(LeerhuisError::AlreadyLinked(network.id.clone()).into());
        }
        Ok(NewLink {
            links,
            id: network.id.clone(),
            name: validate::required(Field::NetworkName, &network.name, MAX_NAME)?,
            delegates: network.delegates.iter().filter(|d| validate::device_id(d)).take(64).cloned().collect(),
            below,
        })
    }

    /// The network's side of a link: records `leerhuis` (its id and name, `peers`: where its
    /// laptops were found, as `kring connect` takes them, and `above`: the leerhuizen it is
    /// linked into in turn, as its document says) in this network.
    pub fn record_leerhuis(
        &mut self,
        by: &MemberId,
        leerhuis: &NetworkId,
        name: &str,
        peers: &str,
        above: &std::collections::BTreeSet<NetworkId>,
    ) -> Result<()> {
        self.coordinator(by, CoordinatorTask::LinkNetworks)?;
        if leerhuis == self.id() {
            return Err(LeerhuisError::LinkToItself.into());
        }
        let above: std::collections::BTreeSet<NetworkId> =
            above.iter().filter(|id| validate::id(id.as_str())).take(MAX_LEVELS_SET).cloned().collect();
        Network::refuse_circle((self.id(), &self.networks_below()?), (leerhuis, &above))?;
        let info = self.root_map(NETWORK)?;
        let key = leerhuis_key(leerhuis.as_str());
        if access::obj(&self.doc, &info, &key).is_some() {
            return Err(LeerhuisError::AlreadyLinked(leerhuis.clone()).into());
        }
        let name = validate::required(Field::NetworkName, name, MAX_NAME)?;
        let peers = validate::optional(Field::Location, peers, MAX_LONG)?;
        let note = Network::note(by, ChangeKind::NetworkLinked, leerhuis);
        self.change(note, |doc, now| {
            let record = doc.put_object(&info, key.as_str(), ObjType::Map)?;
            doc.put(&record, NAME, name)?;
            doc.put(&record, LINKED_AT, now)?;
            doc.put(&record, LINKED_BY, by.as_str())?;
            doc.put(&record, PEERS, peers)?;
            doc.put_object(&record, VOUCHERS, ObjType::Map)?;
            let levels = doc.put_object(&record, ABOVE, ObjType::Map)?;
            for id in &above {
                doc.put(&levels, id.as_str(), true)?;
            }
            Ok(())
        })
    }

    /// Issues, as coordinator `by` whose device is `key` (a delegate of this network in
    /// `leerhuis`), a voucher to every other current member for their devices, valid until
    /// `expires_at`; a removed member's voucher is taken away. Returns how many were issued.
    pub fn issue_vouchers(
        &mut self,
        by: &MemberId,
        key: &ed25519_dalek::SigningKey,
        leerhuis: &NetworkId,
        expires_at: UnixMillis,
    ) -> Result<usize> {
        self.coordinator(by, CoordinatorTask::LinkNetworks)?;
        let info = self.root_map(NETWORK)?;
        let record = access::obj(&self.doc, &info, &leerhuis_key(leerhuis.as_str()))
            .ok_or_else(|| LeerhuisError::NotLinked(leerhuis.clone()))?;
        if access::int(&self.doc, &record, LEFT_AT).is_some() {
            return Err(LeerhuisError::NotLinked(leerhuis.clone()).into());
        }
        let vouchers = self.child_map(&record, VOUCHERS)?;
        let members = self.members()?;
        let held: Vec<String> = access::keys(&self.doc, &vouchers);
        let network = self.id().to_string();
        let issued: Vec<(String, Vec<u8>)> = members
            .values()
            .filter(|m| m.is_current() && m.id != *by && !m.devices.is_empty())
            .map(|m| {
                let devices: Vec<DeviceId> = m.devices.keys().cloned().collect();
                let voucher = Voucher::issue(key, leerhuis.as_str(), &network, &devices, expires_at);
                (m.id.to_string(), voucher.to_bytes())
            })
            .collect();
        let gone: Vec<String> = held
            .into_iter()
            .filter(|id| !members.get(&MemberId::new(id.clone())).is_some_and(|m| m.is_current()))
            .collect();
        let note = Network::note(by, ChangeKind::VouchersIssued, leerhuis);
        let count = issued.len();
        self.change(note, |doc, _| {
            for (member, voucher) in issued {
                doc.put(&vouchers, member, voucher)?;
            }
            for member in gone {
                doc.delete(&vouchers, member)?;
            }
            Ok(())
        })?;
        Ok(count)
    }

    /// Admits, on the leerhuis laptop of `admitting`, a member of a linked network who brings
    /// `voucher`, as member `id` with `device` (which the voucher names).
    pub fn join_with_voucher(
        &mut self,
        admitting: &MemberId,
        voucher: &Voucher,
        profile: &Profile,
        id: &MemberId,
        device: &(impl DeviceKey + ?Sized),
    ) -> Result<MemberId> {
        self.leerhuis_only()?;
        self.current_member(admitting)?;
        let bad = |why| ModelError::from(LeerhuisError::BadVoucher(why));
        if !voucher.signed() {
            return Err(bad("its signature does not hold"));
        }
        if voucher.leerhuis != self.id().as_str() {
            return Err(bad("it is for another leerhuis"));
        }
        let network = NetworkId::new(voucher.network.clone());
        let link = self.link_of(&network).filter(|l| l.is_linked()).ok_or(bad("its network is not linked"))?;
        if !link.delegates.contains_key(&voucher.signer) {
            return Err(bad("it was not signed by a delegate of its network"));
        }
        if voucher.expires_at <= self.now() {
            return Err(bad("it has expired"));
        }
        if !voucher.devices.contains(&device.device_id()) {
            return Err(bad("it names other devices"));
        }
        let note = Network::note(id, ChangeKind::JoinedThroughNetwork, &network);
        let bytes = voucher.to_bytes();
        self.admit_newcomer(note, id, profile, Role::Member, device, |doc, member, _| {
            doc.put(member, VIA, network.as_str())?;
            doc.put(member, VOUCHER, bytes)?;
            Ok(())
        })
    }

    /// Writes `new` into this leerhuis as member `by` on `device`, a delegate of the network it
    /// comes from. Publishing a record again makes a new version beside the old.
    pub fn publish(&mut self, by: &MemberId, device: &str, new: &NewPublication) -> Result<PublicationId> {
        self.leerhuis_only()?;
        self.current_member(by)?;
        // Read narrowly: a leerhuis holds thousands of publications, and this runs for each.
        let link = self.link_of(&new.from).filter(|link| link.is_linked());
        let link = link.ok_or_else(|| LeerhuisError::NotLinked(new.from.clone()))?;
        if !link.delegates.contains_key(device) {
            return Err(LeerhuisError::NotADelegate(new.from.clone()).into());
        }
        let earlier = self.versions_of(&new.from, new.kind, &new.source)?;
        if new.kind == PublicationKind::Reflection && !earlier.is_empty() {
            return Err(LeerhuisError::AlreadyShared.into());
        }
        let version = earlier.iter().max().copied().unwrap_or(0) + 1;
        let title = validate::required(Field::Title, &new.title, MAX_NAME)?;
        let network_name = validate::optional(Field::NetworkName, &new.network_name, MAX_NAME)?;
        let publications = self.root_map(PUBLICATIONS)?;
        let id = PublicationId::random();
        let note = Network::note(by, ChangeKind::Published, &id);
        self.change(note, |doc, now| {
            let record = doc.put_object(&publications, id.as_str(), ObjType::Map)?;
            doc.put(&record, FROM, new.from.as_str())?;
            doc.put(&record, NETWORK_NAME, network_name)?;
            doc.put(&record, KIND, new.kind.as_str())?;
            doc.put(&record, SOURCE, new.source.as_str())?;
            doc.put(&record, SOURCE_HEADS, new.source_heads.as_str())?;
            doc.put(&record, VERSION, version)?;
            doc.put(&record, TITLE, title)?;
            for (key, text) in [(BODY, &new.body), (INSIGHTS, &new.insights)] {
                if !text.is_empty() {
                    doc.put(&record, key, text.as_str())?;
                }
            }
            if let Some(starts_at) = &new.starts_at {
                doc.put(&record, STARTS_AT, starts_at.as_str())?;
            }
            for theme in &new.themes {
                doc.put(&record, format!("{THEME_PREFIX}{theme}"), true)?;
            }
            if let Some(n) = new.n {
                doc.put(&record, N, n)?;
                let factors = doc.put_object(&record, FACTORS, ObjType::Map)?;
                for (factor, summary) in &new.factors {
                    let obj = doc.put_object(&factors, factor.as_str(), ObjType::Map)?;
                    doc.put(&obj, NAME, summary.name.as_str())?;
                    doc.put(&obj, MEAN, summary.mean)?;
                    doc.put(&obj, SPREAD, summary.spread)?;
                    doc.put(&obj, N, summary.n)?;
                }
            }
            if new.kind == PublicationKind::Session {
                let attendance = doc.put_object(&record, ATTENDANCE, ObjType::Map)?;
                for (perspective, count) in &new.attendance {
                    doc.put(&attendance, perspective.as_str(), *count)?;
                }
                let few = doc.put_object(&record, ATTENDANCE_FEW, ObjType::Map)?;
                for perspective in &new.attendance_few {
                    doc.put(&few, perspective.as_str(), true)?;
                }
            }
            if new.kind == PublicationKind::Question {
                let cycles = doc.put_object(&record, CYCLES, ObjType::Map)?;
                for (cycle_id, cycle) in &new.cycles {
                    let obj = doc.put_object(&cycles, cycle_id.as_str(), ObjType::Map)?;
                    doc.put(&obj, STARTED_ON, cycle.started_on.as_str())?;
                    if let Some(ended_on) = &cycle.ended_on {
                        doc.put(&obj, ENDED_ON, ended_on.as_str())?;
                    }
                    let texts = [&cycle.plan, &cycle.act, &cycle.observe, &cycle.reflect];
                    for (phase, text) in CYCLE_PHASES.iter().zip(texts) {
                        doc.put(&obj, *phase, text.as_str())?;
                    }
                }
            }
            doc.put(&record, PUBLISHED_BY, by.as_str())?;
            doc.put(&record, PUBLISHED_AT, now)?;
            Ok(())
        })?;
        Ok(id)
    }

    /// The link of `network` into this leerhuis, read alone.
    pub(crate) fn link_of(&self, network: &NetworkId) -> Option<crate::leerhuis::LinkedNetwork> {
        let links = self.root_map(LINKS).ok()?;
        let obj = access::obj(&self.doc, &links, network.as_str())?;
        Some(crate::leerhuis::linked_network(&self.doc, &obj, network.to_string()))
    }

    /// The versions of `source` of `kind` that `from` published here before.
    fn versions_of(&self, from: &NetworkId, kind: PublicationKind, source: &str) -> Result<Vec<u64>> {
        let publications = self.root_map(PUBLICATIONS)?;
        let doc = &self.doc;
        Ok(access::keys(doc, &publications)
            .iter()
            .filter_map(|id| access::obj(doc, &publications, id))
            .filter(|p| {
                access::string(doc, p, FROM).as_deref() == Some(from.as_str())
                    && access::string(doc, p, SOURCE).as_deref() == Some(source)
                    && access::string(doc, p, KIND).as_deref() == Some(kind.as_str())
            })
            .map(|p| access::uint(doc, &p, VERSION).unwrap_or(1))
            .collect())
    }

    /// Withdraws publication `id`: by a delegate of the network it came from, or a coordinator
    /// of the leerhuis. Its text leaves every laptop with the leerhuis's next chapter.
    pub fn withdraw_publication(&mut self, by: &MemberId, device: &str, id: &PublicationId) -> Result<()> {
        self.leerhuis_only()?;
        let member = self.current_member(by)?;
        let publications = self.root_map(PUBLICATIONS)?;
        let record = access::obj(&self.doc, &publications, id.as_str())
            .ok_or_else(|| LeerhuisError::UnknownPublication(id.clone()))?;
        if access::int(&self.doc, &record, WITHDRAWN_AT).is_some() {
            return Err(LeerhuisError::Withdrawn(id.clone()).into());
        }
        let from = NetworkId::new(access::string(&self.doc, &record, FROM).unwrap_or_default());
        let delegate = self.link_of(&from).is_some_and(|link| link.delegates.contains_key(device));
        if !delegate && self.role_of(&member) != Role::Coordinator {
            return Err(LeerhuisError::NotADelegate(from).into());
        }
        let note = Network::note(by, ChangeKind::PublicationWithdrawn, id);
        self.change(note, |doc, now| Ok(doc.put(&record, WITHDRAWN_AT, now)?))
    }

    /// Removes from this leerhuis, as member `by` on `device` (a delegate of `network`), every
    /// member who joined through `network` and none of whose devices is in `current` (the
    /// devices of `network`'s current members, as her laptop holds it): removal from a linked
    /// network follows into the leerhuis. Returns whom it removed.
    pub fn follow_removals(
        &mut self,
        by: &MemberId,
        device: &str,
        network: &NetworkId,
        current: &std::collections::BTreeSet<DeviceId>,
    ) -> Result<Vec<MemberId>> {
        self.leerhuis_only()?;
        self.current_member(by)?;
        let snapshot = self.snapshot()?;
        let link = snapshot.links.get(network).ok_or_else(|| LeerhuisError::NotLinked(network.clone()))?;
        if !link.delegates.contains_key(device) {
            return Err(LeerhuisError::NotADelegate(network.clone()).into());
        }
        let gone: Vec<MemberId> = snapshot
            .members
            .values()
            .filter(|m| m.is_current() && m.via.as_ref() == Some(network))
            .filter(|m| !m.devices.keys().any(|d| current.contains(d)))
            .map(|m| m.id.clone())
            .collect();
        self.remove_joined_through(by, &gone)?;
        Ok(gone)
    }

    /// Removes `members` (who joined through a linked network) in one change.
    fn remove_joined_through(&mut self, by: &MemberId, members: &[MemberId]) -> Result<()> {
        if members.is_empty() {
            return Ok(());
        }
        let objs = members.iter().map(|m| self.member_obj(m)).collect::<Result<Vec<_>>>()?;
        let note = Network::note(by, ChangeKind::MemberRemoved, &members[0]);
        self.change(note, |doc, now| {
            for obj in &objs {
                doc.put(obj, REMOVED_AT, now)?;
            }
            Ok(())
        })
    }

    /// The network's side of leaving: records that it left `leerhuis`, and takes every
    /// voucher back.
    pub fn leave_leerhuis(&mut self, by: &MemberId, leerhuis: &NetworkId) -> Result<()> {
        self.coordinator(by, CoordinatorTask::LinkNetworks)?;
        let info = self.root_map(NETWORK)?;
        let record = access::obj(&self.doc, &info, &leerhuis_key(leerhuis.as_str()))
            .filter(|r| access::int(&self.doc, r, LEFT_AT).is_none())
            .ok_or_else(|| LeerhuisError::NotLinked(leerhuis.clone()))?;
        let vouchers = self.child_map(&record, VOUCHERS)?;
        let held = access::keys(&self.doc, &vouchers);
        let note = Network::note(by, ChangeKind::NetworkLeft, leerhuis);
        self.change(note, |doc, now| {
            doc.put(&record, LEFT_AT, now)?;
            for member in held {
                doc.delete(&vouchers, member)?;
            }
            Ok(())
        })
    }

    /// The leerhuis's side of a network leaving, by member `by` on `device` (a delegate of
    /// `network`, or a coordinator of the leerhuis): the link is marked left, whoever joined
    /// through it is removed, and with `withdraw` its publications are withdrawn (else they
    /// stay as an archive). Returns how many members lost their place.
    pub fn unlink_network(
        &mut self,
        by: &MemberId,
        device: &str,
        network: &NetworkId,
        withdraw: bool,
    ) -> Result<usize> {
        self.leerhuis_only()?;
        let member = self.current_member(by)?;
        let snapshot = self.snapshot()?;
        let link = snapshot
            .links
            .get(network)
            .filter(|l| l.is_linked())
            .ok_or_else(|| LeerhuisError::NotLinked(network.clone()))?;
        if !link.delegates.contains_key(device) && self.role_of(&member) != Role::Coordinator {
            return Err(LeerhuisError::NotADelegate(network.clone()).into());
        }
        let through: Vec<MemberId> = snapshot
            .members
            .values()
            .filter(|m| m.is_current() && m.via.as_ref() == Some(network))
            .map(|m| m.id.clone())
            .collect();
        if withdraw {
            let shown: Vec<PublicationId> = snapshot
                .publications
                .values()
                .filter(|p| p.from == *network && !p.is_withdrawn())
                .map(|p| p.id.clone())
                .collect();
            for publication in shown {
                self.withdraw_publication(by, device, &publication)?;
            }
        }
        let links = self.root_map(LINKS)?;
        let record = access::obj(&self.doc, &links, network.as_str())
            .ok_or_else(|| LeerhuisError::NotLinked(network.clone()))?;
        let note = Network::note(by, ChangeKind::NetworkLeft, network);
        self.change(note, |doc, now| Ok(doc.put(&record, LEFT_AT, now)?))?;
        // Last: the delegate who unlinks came through her network herself.
        self.remove_joined_through(by, &through)?;
        Ok(through.len())
    }
}

impl Network {
    /// The leerhuizen this network is linked into, read from its details alone (cheap: a
    /// laptop asks it of every network it coordinates, to keep the vouchers fresh).
    pub fn leerhuis_links(&self) -> Result<std::collections::BTreeMap<NetworkId, crate::leerhuis::LeerhuisLink>> {
        Ok(crate::leerhuis::leerhuizen(&self.doc, &self.root_map(NETWORK)?))
    }
}
