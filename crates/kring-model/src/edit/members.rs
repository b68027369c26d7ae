//! Members and their devices.

use automerge::{AutoCommit, ObjId, ObjType, ROOT, ScalarValue, transaction::Transactable};

use crate::access;
use crate::changes::ChangeKind;
use crate::error::{CoordinatorTask, Field, ModelError, Result};
use crate::genesis::Profile;
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;
use crate::trust::key::checked_proof;
use crate::trust::{DeviceKey, proof_key};
use crate::validate::{self, MAX_SHORT};
use crate::vocab::Role;

/// Writes a new member record with all its containers (never created lazily) and returns its
/// devices map.
pub(crate) fn write_member(
    doc: &mut AutoCommit,
    member: &ObjId,
    profile: &Profile,
    role: Role,
    now: UnixMillis,
) -> Result<ObjId> {
    doc.put(member, NAME, profile.name.as_str())?;
    doc.put(member, PERSPECTIVE, profile.perspective.as_str())?;
    doc.put(member, ORGANISATION, profile.organisation.as_str())?;
    doc.put(member, ROLE, role.as_str())?;
    let devices = doc.put_object(member, DEVICES, ObjType::Map)?;
    doc.put(member, JOINED_AT, now)?;
    Ok(devices)
}

/// Writes `device`'s proof beside it in `member`'s record (none for a made-up device).
pub(crate) fn write_proof(doc: &mut AutoCommit, member: &ObjId, device: &str, proof: Option<Vec<u8>>) -> Result<()> {
    if let Some(proof) = proof {
        doc.put(member, proof_key(device), ScalarValue::Bytes(proof))?;
    }
    Ok(())
}

impl Network {
    /// Adds a person, with one device if `device` is given (which proves it is theirs: in tests
    /// and the bench, where one hand holds every key). Only a coordinator adds members
    /// directly; joining with an invite goes through [`Network::join_with_invite`].
    pub fn add_member<K: DeviceKey + ?Sized>(
        &mut self,
        by: &MemberId,
        profile: &Profile,
        role: Role,
        device: Option<&K>,
    ) -> Result<MemberId> {
        self.coordinator(by, CoordinatorTask::AddMembers)?;
        let profile = profile.validated()?;
        let id = MemberId::random();
        let device = device.map(|key| self.new_device(&id, key)).transpose()?;
        let members = self.root_map(MEMBERS)?;
        let note = Network::note(by, ChangeKind::MemberAdded, &id);
        self.change(note, |doc, now| {
            let member = doc.put_object(&members, id.as_str(), ObjType::Map)?;
            let devices = write_member(doc, &member, &profile, role, now)?;
            if let Some((device, proof)) = device {
                doc.put(&devices, device.as_str(), now)?;
                write_proof(doc, &member, &device, proof)?;
            }
            Ok(())
        })?;
        Ok(id)
    }

    /// A device about to be listed under `member`: its id, checked to belong to no member yet
    /// (a device belongs to one member, ever: removed ones included), and its checked proof.
    pub(crate) fn new_device(
        &self,
        member: &MemberId,
        key: &(impl DeviceKey + ?Sized),
    ) -> Result<(DeviceId, Option<Vec<u8>>)> {
        let device = validate::required(Field::DeviceId, &key.device_id(), MAX_SHORT)?;
        if self.listed_anywhere(&device)? {
            return Err(ModelError::DeviceTaken(device));
        }
        let proof = checked_proof(key, self.id().as_str(), member.as_str())?;
        Ok((device, proof))
    }

    /// Whether any member record, removed or not, lists `device`.
    fn listed_anywhere(&self, device: &str) -> Result<bool> {
        let members = self.root_map(MEMBERS)?;
        let doc = &self.doc;
        Ok(access::keys(doc, &members).iter().any(|id| {
            access::obj(doc, &members, id)
                .and_then(|member| access::obj(doc, &member, DEVICES))
                .is_some_and(|devices| access::int(doc, &devices, device).is_some())
        }))
    }

    /// Changes a member's own details. Members edit themselves; coordinators may edit anyone.
    pub fn update_profile(&mut self, by: &MemberId, member: &MemberId, profile: &Profile) -> Result<()> {
        if by != member {
            self.coordinator(by, CoordinatorTask::OthersProfile)?;
        }
        let obj = self.current_member(member)?;
        let profile = profile.validated()?;
        let note = Network::note(by, ChangeKind::MemberEdited, member);
        self.change(note, |doc, _| {
            // Only changed fields are written, so concurrent edits of different fields both stay.
            for (key, value) in [
                (NAME, profile.name.as_str()),
                (PERSPECTIVE, profile.perspective.as_str()),
                (ORGANISATION, profile.organisation.as_str()),
            ] {
                if access::string(doc, &obj, key).as_deref() != Some(value) {
                    doc.put(&obj, key, value)?;
                }
            }
            Ok(())
        })
    }

    /// Adds another device (laptop) to a member, with the device's proof that it is theirs
    /// (made on that laptop: see [`crate::trust::DeviceProof`]). Members add their own;
    /// coordinators anyone's.
    pub fn add_device(&mut self, by: &MemberId, member: &MemberId, device: &(impl DeviceKey + ?Sized)) -> Result<()> {
        if by != member {
            self.coordinator(by, CoordinatorTask::OthersDevices)?;
        }
        let obj = self.current_member(member)?;
        let (device, proof) = self.new_device(member, device)?;
        let devices = self.child_map(&obj, DEVICES)?;
        let note = Network::note(by, ChangeKind::DeviceAdded, member);
        self.change(note, |doc, now| {
            doc.put(&devices, device.as_str(), now)?;
            write_proof(doc, &obj, &device, proof)
        })
    }

    /// Whether `device` is listed under `member` with its valid proof.
    pub fn device_proven(&self, member: &MemberId, device: &str) -> bool {
        self.member_obj(member)
            .is_ok_and(|obj| crate::read::proven(&self.doc, &obj, self.id().as_str(), member.as_str(), device))
    }

    /// Writes the proof of `device`, listed under `by` before proofs existed (a network begun
    /// on an older Kring): the device's own migration. Whether there was one to write (a
    /// device proven already, or one without a key, writes nothing).
    pub fn prove_device(&mut self, by: &MemberId, device: &(impl DeviceKey + ?Sized)) -> Result<bool> {
        let obj = self.current_member(by)?;
        let id = device.device_id();
        let listed = access::obj(&self.doc, &obj, DEVICES).is_some_and(|d| access::int(&self.doc, &d, &id).is_some());
        if !listed {
            return Err(ModelError::UnknownDevice(id));
        }
        if self.device_proven(by, &id) {
            return Ok(false);
        }
        let Some(proof) = checked_proof(device, self.id().as_str(), by.as_str())? else { return Ok(false) };
        let note = Network::note(by, ChangeKind::MemberEdited, by);
        self.change(note, |doc, _| write_proof(doc, &obj, &id, Some(proof)))?;
        Ok(true)
    }

    /// The schema version the document says it follows (see [`SCHEMA_VERSION`]).
    pub fn schema(&self) -> u64 {
        access::uint(&self.doc, &ROOT, SCHEMA).unwrap_or_default()
    }

    /// Raises the network to the schema this Kring writes: from then on every device added
    /// must bring its proof. A coordinator's, once her own device is proven (an older Kring
    /// can then no longer open the network). Whether it was raised.
    pub fn raise_schema(&mut self, by: &MemberId) -> Result<bool> {
        self.coordinator(by, CoordinatorTask::UpgradeNetwork)?;
        if self.schema() >= SCHEMA_VERSION {
            return Ok(false);
        }
        let note = Network::note(by, ChangeKind::NetworkEdited, SCHEMA);
        self.change(note, |doc, _| Ok(doc.put(ROOT, SCHEMA, SCHEMA_VERSION)?))?;
        Ok(true)
    }

    pub fn set_role(&mut self, by: &MemberId, member: &MemberId, role: Role) -> Result<()> {
        self.coordinator(by, CoordinatorTask::ChangeRoles)?;
        let obj = self.current_member(member)?;
        if role != Role::Coordinator && self.role_of(&obj) == Role::Coordinator {
            self.ensure_other_coordinator(member)?;
        }
        let note = Network::note(by, ChangeKind::MemberEdited, member);
        self.change(note, |doc, _| Ok(doc.put(&obj, ROLE, role.as_str())?))
    }

    /// Removes a member (soft: the record stays so history keeps its names). From then on their
    /// devices are refused and their votes no longer count. Every open invite is revoked in the
    /// same change: the removed member may know a ticket. Returns the invites revoked.
    pub fn remove_member(&mut self, by: &MemberId, member: &MemberId) -> Result<Vec<InviteId>> {
        self.coordinator(by, CoordinatorTask::RemoveMembers)?;
        let obj = self.current_member(member)?;
        if self.role_of(&obj) == Role::Coordinator {
            self.ensure_other_coordinator(member)?;
        }
        let open = self.open_invites()?;
        let note = Network::note(by, ChangeKind::MemberRemoved, member);
        self.change(note, |doc, now| {
            doc.put(&obj, REMOVED_AT, now)?;
            for (_, invite) in &open {
                doc.put(invite, REVOKED_AT, now)?;
            }
            Ok(())
        })?;
        Ok(open.into_iter().map(|(id, _)| id).collect())
    }

    /// Invites not yet revoked (expired or used up ones too: revoking them costs nothing).
    fn open_invites(&self) -> Result<Vec<(InviteId, automerge::ObjId)>> {
        let invites = self.root_map(INVITES)?;
        Ok(access::keys(&self.doc, &invites)
            .into_iter()
            .filter_map(|id| access::obj(&self.doc, &invites, &id).map(|obj| (InviteId::new(id), obj)))
            .filter(|(_, obj)| access::int(&self.doc, obj, REVOKED_AT).is_none())
            .collect())
    }

    /// A network must keep a coordinator, or nobody could invite or remove anyone again.
    fn ensure_other_coordinator(&self, leaving: &MemberId) -> Result<()> {
        let members = self.root_map(MEMBERS)?;
        let other = access::keys(&self.doc, &members).into_iter().any(|id| {
            id != leaving.as_str()
                && self
                    .current_member(&MemberId::new(id.clone()))
                    .is_ok_and(|obj| self.role_of(&obj) == Role::Coordinator)
        });
        if other { Ok(()) } else { Err(ModelError::LastCoordinator) }
    }
}
