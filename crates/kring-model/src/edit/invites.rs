//! Invites: a coordinator's one-time secret that lets a new person join.

use automerge::{ObjType, transaction::Transactable};

use crate::access;
use crate::changes::{ChangeKind, ChangeNote};
use crate::error::{CoordinatorTask, Field, ModelError, Result};
use crate::genesis::Profile;
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;
use crate::trust::DeviceKey;
use crate::validate::{self, MAX_SHORT};
use crate::vocab::Role;

/// What a coordinator decides about an invite. The secret itself stays with the ticket; the
/// document only ever holds its hash.
#[derive(Debug, Clone)]
pub struct NewInvite {
    pub secret_hash: String,
    pub role: Role,
    pub expires_at: UnixMillis,
    pub max_uses: u64,
}

impl Network {
    pub fn create_invite(&mut self, by: &MemberId, invite: &NewInvite) -> Result<InviteId> {
        self.write_invite(by, invite, "", false)
    }

    /// An invite made for someone: `made_for` is a short name ("Bram (ouder)") that tells this
    /// invite apart from the other open ones; empty for nobody in particular. Written with the
    /// invite and never changed, like everything else it holds.
    pub fn create_invite_for(&mut self, by: &MemberId, invite: &NewInvite, made_for: &str) -> Result<InviteId> {
        self.write_invite(by, invite, made_for, false)
    }

    /// An invite, or with `link` a leerhuis's ticket for linking a network (see
    /// `edit/leerhuis.rs`): marked so in the record, so that neither can be used as the other.
    pub(crate) fn write_invite(
        &mut self,
        by: &MemberId,
        invite: &NewInvite,
        made_for: &str,
        link: bool,
    ) -> Result<InviteId> {
        self.coordinator(by, CoordinatorTask::Invites)?;
        let secret_hash = validate::required(Field::SecretHash, &invite.secret_hash, MAX_SHORT)?;
        let made_for = validate::optional(Field::MadeFor, made_for, MAX_SHORT)?;
        if invite.max_uses == 0 {
            return Err(ModelError::BadMaxUses);
        }
        if invite.expires_at <= self.now() {
            return Err(ModelError::BadExpiry);
        }
        let invites = self.root_map(INVITES)?;
        let id = InviteId::random();
        let note = Network::note(by, ChangeKind::InviteCreated, &id);
        self.change(note, |doc, now| {
            let obj = doc.put_object(&invites, id.as_str(), ObjType::Map)?;
            doc.put(&obj, SECRET_HASH, secret_hash)?;
            doc.put(&obj, CREATED_BY, by.as_str())?;
            doc.put(&obj, CREATED_AT, now)?;
            doc.put(&obj, EXPIRES_AT, invite.expires_at)?;
            doc.put(&obj, ROLE, invite.role.as_str())?;
            doc.put(&obj, MAX_USES, invite.max_uses)?;
            if !made_for.is_empty() {
                doc.put(&obj, MADE_FOR, made_for)?;
            }
            doc.put_object(&obj, USES, ObjType::Map)?;
            if link {
                doc.put(&obj, LINK, true)?;
            }
            Ok(())
        })?;
        Ok(id)
    }

    /// Whether `invite` is a leerhuis's link ticket rather than an invite for a person.
    pub fn invite_is_link(&self, invite: &InviteId) -> bool {
        self.invite_obj(invite).is_ok_and(|obj| access::boolean(&self.doc, &obj, LINK) == Some(true))
    }

    pub fn revoke_invite(&mut self, by: &MemberId, invite: &InviteId) -> Result<()> {
        self.coordinator(by, CoordinatorTask::Invites)?;
        let obj = self.invite_obj(invite)?;
        if access::int(&self.doc, &obj, REVOKED_AT).is_some() {
            return Err(ModelError::InviteRevoked(invite.clone()));
        }
        let note = Network::note(by, ChangeKind::InviteRevoked, invite);
        self.change(note, |doc, now| Ok(doc.put(&obj, REVOKED_AT, now)?))
    }

    /// Checks that `invite` can be used now with a secret whose hash is `secret_hash`.
    pub fn check_invite(&self, invite: &InviteId, secret_hash: &str) -> Result<()> {
        let obj = self.invite_obj(invite)?;
        let doc = &self.doc;
        if access::string(doc, &obj, SECRET_HASH).as_deref() != Some(secret_hash) {
            return Err(ModelError::InviteSecretMismatch(invite.clone()));
        }
        if access::int(doc, &obj, REVOKED_AT).is_some() {
            return Err(ModelError::InviteRevoked(invite.clone()));
        }
        if access::int(doc, &obj, EXPIRES_AT).unwrap_or(0) <= self.now() {
            return Err(ModelError::InviteExpired(invite.clone()));
        }
        let uses = access::obj(doc, &obj, USES).map(|u| access::keys(doc, &u).len()).unwrap_or(0);
        if uses as u64 >= access::uint(doc, &obj, MAX_USES).unwrap_or(1) {
            return Err(ModelError::InviteUsedUp(invite.clone()));
        }
        Ok(())
    }

    /// Adds the person holding a valid invite as member `id` with their device, in one change
    /// that also records the use. The joiner chose `id` and signed it with its device before
    /// asking (its proof travels with the request, see [`crate::trust::DeviceProof`]); an id
    /// already taken, or a proof that does not hold, is refused. Run by the inviting device
    /// once the secret has been proven; its member (`admitting`) must still be a member, or no
    /// other laptop would accept the change.
    pub fn join_with_invite(
        &mut self,
        admitting: &MemberId,
        invite: &InviteId,
        secret_hash: &str,
        profile: &Profile,
        id: &MemberId,
        device: &(impl DeviceKey + ?Sized),
    ) -> Result<MemberId> {
        self.admit_with_invite(admitting, invite, secret_hash, profile, id, device, |_, _, _| Ok(()))
    }

    /// As [`Network::join_with_invite`], with `also` written in the same change, given the new
    /// member's record (a leerhuis records the network a link ticket linked).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn admit_with_invite(
        &mut self,
        admitting: &MemberId,
        invite: &InviteId,
        secret_hash: &str,
        profile: &Profile,
        id: &MemberId,
        device: &(impl DeviceKey + ?Sized),
        also: impl FnOnce(&mut automerge::AutoCommit, &automerge::ObjId, UnixMillis) -> Result<()>,
    ) -> Result<MemberId> {
        self.current_member(admitting)?;
        self.check_invite(invite, secret_hash)?;
        let obj = self.invite_obj(invite)?;
        let role = Role::from_doc(access::string(&self.doc, &obj, ROLE).as_deref());
        let uses = self.child_map(&obj, USES)?;
        let note = Network::note(id, ChangeKind::InviteUsed, invite);
        self.admit_newcomer(note, id, profile, role, device, |doc, member, now| {
            doc.put(&uses, id.as_str(), now)?;
            also(doc, member, now)
        })
    }

    /// Adds a newcomer who chose member id `id` and brings `device` with its proof, as `role`,
    /// in one change noted `note` that also writes `also` (what let them in). Everything is
    /// checked first: the profile, the id's shape, that it is free, and the device's proof.
    pub(crate) fn admit_newcomer(
        &mut self,
        note: ChangeNote,
        id: &MemberId,
        profile: &Profile,
        role: Role,
        device: &(impl DeviceKey + ?Sized),
        also: impl FnOnce(&mut automerge::AutoCommit, &automerge::ObjId, UnixMillis) -> Result<()>,
    ) -> Result<MemberId> {
        let profile = profile.validated()?;
        check_member_id(id)?;
        let members = self.root_map(MEMBERS)?;
        if access::obj(&self.doc, &members, id.as_str()).is_some() {
            return Err(ModelError::MemberIdTaken(id.clone()));
        }
        let (device, proof) = self.new_device(id, device)?;
        self.change(note, |doc, now| {
            let member = doc.put_object(&members, id.as_str(), ObjType::Map)?;
            let devices = crate::edit::members::write_member(doc, &member, &profile, role, now)?;
            doc.put(&devices, device.as_str(), now)?;
            crate::edit::members::write_proof(doc, &member, &device, proof)?;
            also(doc, &member, now)
        })?;
        Ok(id.clone())
    }
}

/// A member id chosen by a joiner has the shape of the ids Kring makes (see
/// [`MemberId::random`]): letters, digits and dashes, short. Anything else could be mistaken for
/// a path (`member/factor` keys) or fill the document.
fn check_member_id(id: &MemberId) -> Result<()> {
    let id = id.as_str();
    let fits = (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if fits { Ok(()) } else { Err(ModelError::BadMemberId(id.chars().take(80).collect())) }
}
