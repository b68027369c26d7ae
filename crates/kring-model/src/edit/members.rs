//! Members and their devices.

use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, transaction::Transactable};

use crate::access;
use crate::changes::ChangeKind;
use crate::error::{CoordinatorTask, Field, ModelError, Result};
use crate::genesis::Profile;
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;
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

impl Network {
    /// Adds a person with one device. Only a coordinator adds members directly; joining with an
    /// invite goes through [`Network::join_with_invite`].
    pub fn add_member(
        &mut self,
        by: &MemberId,
        profile: &Profile,
        role: Role,
        device: Option<&str>,
    ) -> Result<MemberId> {
        self.coordinator(by, CoordinatorTask::AddMembers)?;
        let profile = profile.validated()?;
        let device = device.map(|d| validate::required(Field::DeviceId, d, MAX_SHORT)).transpose()?;
        if let Some(device) = &device {
            self.ensure_device_free(device)?;
        }
        let members = self.root_map(MEMBERS)?;
        let id = MemberId::random();
        let note = Network::note(by, ChangeKind::MemberAdded, &id);
        self.change(note, |doc, now| {
            let member = doc.put_object(&members, id.as_str(), ObjType::Map)?;
            let devices = write_member(doc, &member, &profile, role, now)?;
            if let Some(device) = device {
                doc.put(&devices, device, now)?;
            }
            Ok(())
        })?;
        Ok(id)
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

    /// Adds another device (laptop) to a member. Members add their own; coordinators anyone's.
    pub fn add_device(&mut self, by: &MemberId, member: &MemberId, device: &str) -> Result<()> {
        if by != member {
            self.coordinator(by, CoordinatorTask::OthersDevices)?;
        }
        let obj = self.current_member(member)?;
        let device = validate::required(Field::DeviceId, device, MAX_SHORT)?;
        self.ensure_device_free(&device)?;
        let devices = self.child_map(&obj, DEVICES)?;
        let note = Network::note(by, ChangeKind::DeviceAdded, member);
        self.change(note, |doc, now| Ok(doc.put(&devices, device, now)?))
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

    /// A device belongs to one member, ever: a record that lists it already, even a removed
    /// member's, keeps it (every laptop refuses a second).
    pub(crate) fn ensure_device_free(&self, device: &str) -> Result<()> {
        let members = self.root_map(MEMBERS)?;
        let taken = access::keys(&self.doc, &members).into_iter().any(|id| {
            access::obj(&self.doc, &members, &id)
                .and_then(|member| access::obj(&self.doc, &member, DEVICES))
                .is_some_and(|devices| self.doc.get(&devices, device).ok().flatten().is_some())
        });
        if taken { Err(ModelError::DeviceTaken(device.to_string())) } else { Ok(()) }
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
