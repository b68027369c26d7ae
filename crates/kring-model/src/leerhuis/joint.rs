//! Joint meetings as the people of a leerhuis see them: whom a meeting is for, and who came,
//! per network and perspective (the meeting page and the programme report show the same).

use std::collections::BTreeMap;

use super::MIN_GROUP;
use crate::ids::*;
use crate::snapshot::{NetworkSnapshot, Session};
use crate::vocab::{Attendance, Perspective, Role};

/// Who was present at a meeting: per network they came through (its name; `None` for who
/// joined the leerhuis directly), per perspective.
pub type AttendanceByNetwork = BTreeMap<Option<String>, BTreeMap<Perspective, u64>>;

impl NetworkSnapshot {
    /// Whether `member` has `session` in their list: a meeting for chosen networks is shown to
    /// those who came through one of them, to whoever joined the leerhuis directly, and to its
    /// coordinators (who plan it). Only a view filter: the document, meeting and all, is shared
    /// by every member of the leerhuis, and nothing stops a member from reading it there.
    pub fn invited(&self, session: &Session, member: Option<&MemberId>) -> bool {
        if session.open_to.is_empty() {
            return true;
        }
        let Some(member) = member.and_then(|id| self.members.get(id)) else { return true };
        member.role == Role::Coordinator || member.via.as_ref().is_none_or(|via| session.open_to.contains(via))
    }

    /// Who was present at `session`, per network and perspective.
    pub fn attendance_by_network(&self, session: &Session) -> AttendanceByNetwork {
        let mut present = AttendanceByNetwork::new();
        for (member, status) in &session.attendance {
            let Some(member) = self.members.get(member).filter(|_| *status == Attendance::Present) else { continue };
            let network = member.via.as_ref().and_then(|id| self.links.get(id)).map(|link| link.name.clone());
            *present.entry(network).or_default().entry(member.perspective).or_default() += 1;
        }
        present
    }
}

/// A number of people as a leerhuis shows it: youth and parents fewer than five as "<5".
pub fn shown_count(perspective: Perspective, n: u64) -> String {
    match (perspective, n) {
        (_, 0) => "0".into(),
        (Perspective::YouthParent, n) if n < MIN_GROUP => format!("<{MIN_GROUP}"),
        (_, n) => n.to_string(),
    }
}
