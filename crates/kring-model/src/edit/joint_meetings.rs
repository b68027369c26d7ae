//! Joint meetings of a leerhuis: a meeting is for the members of every linked network, or only
//! for those of the networks a coordinator chose (`sessions/<id>/open_to`). Who is "not
//! invited" is only what their list shows (see `leerhuis/joint.rs`): the document is shared by
//! every member of the leerhuis.

use std::collections::BTreeSet;

use automerge::transaction::Transactable;

use crate::access;
use crate::changes::ChangeKind;
use crate::error::{CoordinatorTask, Result};
use crate::ids::*;
use crate::leerhuis::LeerhuisError;
use crate::network::Network;
use crate::schema::*;
use crate::vocab::NetworkKind;

use super::sessions::NewSession;

impl Network {
    /// Plans a leerhuis meeting for the members of the linked networks `open_to` (empty: all
    /// of them), in one change: nobody sees it open to all first.
    pub fn add_joint_meeting(
        &mut self,
        by: &MemberId,
        session: &NewSession,
        open_to: &BTreeSet<NetworkId>,
    ) -> Result<SessionId> {
        self.may_choose_networks(by, open_to)?;
        self.plan_session(by, session, open_to)
    }

    /// Chooses again whom leerhuis meeting `session` is for: the members of the linked networks
    /// `open_to`, or (empty) of all of them. Only what differs is written, so a colleague's
    /// choice made meanwhile for another network stays.
    pub fn set_open_to(&mut self, by: &MemberId, session: &SessionId, open_to: &BTreeSet<NetworkId>) -> Result<()> {
        self.may_choose_networks(by, open_to)?;
        let obj = self.live_session(session)?;
        // A meeting planned before Kring kept this has no map, and one made later would be
        // refused by every laptop (it could hide a colleague's).
        let networks = access::obj(&self.doc, &obj, OPEN_TO).ok_or(LeerhuisError::OpenToAll)?;
        let now: BTreeSet<String> = access::true_keys(&self.doc, &networks).into_iter().collect();
        let wanted: BTreeSet<String> = open_to.iter().map(|n| n.to_string()).collect();
        let note = Network::note(by, ChangeKind::SessionEdited, session);
        self.change(note, |doc, _| {
            for gone in now.difference(&wanted) {
                doc.delete(&networks, gone.as_str())?;
            }
            for new in wanted.difference(&now) {
                doc.put(&networks, new.as_str(), true)?;
            }
            Ok(())
        })
    }

    /// Only a coordinator of a leerhuis chooses, and only networks linked into it now.
    fn may_choose_networks(&self, by: &MemberId, open_to: &BTreeSet<NetworkId>) -> Result<()> {
        if self.kind() != NetworkKind::Leerhuis {
            return Err(LeerhuisError::NotALeerhuis.into());
        }
        self.coordinator(by, CoordinatorTask::JointMeetings)?;
        match open_to.iter().find(|network| !self.link_of(network).is_some_and(|link| link.is_linked())) {
            Some(network) => Err(LeerhuisError::NotLinked(network.clone()).into()),
            None => Ok(()),
        }
    }
}
