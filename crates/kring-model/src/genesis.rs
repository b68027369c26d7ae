//! Creating a network: the one change every copy of a network descends from.
//!
//! Exactly one peer — the founding coordinator — creates a network. Every other device starts
//! from an empty document and syncs before its first write, so no two peers ever create the same
//! container (which would hide one of them after a merge).

use automerge::{AutoCommit, ObjType, ROOT, transaction::Transactable};

use crate::changes::{ChangeKind, ChangeNote};
use crate::error::{Field, Result};
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;
use crate::trust::DeviceKey;
use crate::trust::key::checked_proof;
use crate::validate::{self, MAX_LONG, MAX_NAME, MAX_SHORT};
use crate::vocab::{NetworkKind, Perspective, Role};

/// Who a person is in a network.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub name: String,
    pub perspective: Perspective,
    pub organisation: String,
}

impl Profile {
    pub fn new(name: impl Into<String>) -> Self {
        Profile { name: name.into(), ..Profile::default() }
    }

    /// The profile as it will be stored: trimmed and checked.
    pub(crate) fn validated(&self) -> Result<Profile> {
        Ok(Profile {
            name: validate::required(Field::Name, &self.name, MAX_NAME)?,
            perspective: self.perspective,
            organisation: validate::optional(Field::Organisation, &self.organisation, MAX_SHORT)?,
        })
    }
}

/// What the founder fills in when starting a network.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetworkDetails {
    pub name: String,
    pub description: String,
    pub region: String,
    /// A network of people, or a leerhuis (a network of networks); fixed for good.
    pub kind: NetworkKind,
}

impl Network {
    /// Starts a new network with `founder` as its first coordinator, using `device`, which
    /// proves it belongs to her (see [`crate::trust::DeviceKey`]).
    pub fn create(
        details: &NetworkDetails,
        founder: &Profile,
        device: &(impl DeviceKey + ?Sized),
    ) -> Result<(Network, MemberId)> {
        let name = validate::required(Field::NetworkName, &details.name, MAX_NAME)?;
        let description = validate::optional(Field::Description, &details.description, MAX_LONG)?;
        let region = validate::optional(Field::Region, &details.region, MAX_SHORT)?;
        let founder = founder.validated()?;
        let key = device;
        let device = validate::required(Field::DeviceId, &key.device_id(), MAX_SHORT)?;

        let network_id = NetworkId::random();
        let member_id = MemberId::random();
        let proof = checked_proof(key, network_id.as_str(), member_id.as_str())?;
        let now = jiff::Timestamp::now().as_millisecond();

        let mut doc = AutoCommit::new().with_actor(crate::trust::actor_for_device(&device));
        doc.put(ROOT, SCHEMA, SCHEMA_VERSION)?;

        let info = doc.put_object(ROOT, NETWORK, ObjType::Map)?;
        doc.put(&info, ID, network_id.as_str())?;
        doc.put(&info, NAME, name)?;
        doc.put(&info, DESCRIPTION, description)?;
        doc.put(&info, REGION, region)?;
        doc.put_object(&info, THEMES, ObjType::Map)?;
        doc.put(&info, CREATED_AT, now)?;
        doc.put(&info, CREATED_BY, member_id.as_str())?;
        doc.put(&info, KIND, details.kind.as_str())?;

        for map in [MEMBERS, INVITES, SESSIONS, QUESTIONS, FACTORS, REFLECTIONS] {
            doc.put_object(ROOT, map, ObjType::Map)?;
        }
        // A leerhuis's own collections exist from its first change, as every collection does:
        // made later, two laptops would each make one and hide the other's.
        if details.kind == NetworkKind::Leerhuis {
            for map in [LINKS, PUBLICATIONS] {
                doc.put_object(ROOT, map, ObjType::Map)?;
            }
        }

        let mut network = Network::from_doc(doc)?;
        let members = network.root_map(MEMBERS)?;
        let factors = network.root_map(FACTORS)?;
        let doc = &mut network.doc;
        let member = doc.put_object(&members, member_id.as_str(), ObjType::Map)?;
        let devices = crate::edit::members::write_member(doc, &member, &founder, Role::Coordinator, now)?;
        doc.put(&devices, device.as_str(), now)?;
        crate::edit::members::write_proof(doc, &member, &device, proof)?;

        for (position, (id, name)) in DEFAULT_FACTORS.iter().enumerate() {
            let factor = doc.put_object(&factors, *id, ObjType::Map)?;
            doc.put(&factor, NAME, *name)?;
            doc.put(&factor, POSITION, position as f64)?;
            doc.put(&factor, CREATED_AT, now)?;
        }

        let note = ChangeNote { by: member_id.clone(), what: ChangeKind::NetworkCreated, target: None };
        note.commit(doc, now);
        Ok((network, member_id))
    }
}
