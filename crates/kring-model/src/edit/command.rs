//! Every user action on a network as plain data: what the desktop client sends to its node and
//! what the command line builds from its arguments. Being data, an action can be compared in a
//! test ("this click asked to delete session X") and named in a log without running it.

use crate::error::Result;
use crate::genesis::Profile;
use crate::ids::*;
use crate::network::Network;
use crate::vocab::{Attendance, QuestionStatus, Role};

use super::attachments::NewAttachment;
use super::rooms::{Guest, GuestInput, RoomSetup};
use super::sessions::{NewAction, NewSession, SessionChanges};
use super::text::TextField;
use crate::snapshot::AttachedTo;

/// One user action, made by a member (see [`Edit::apply`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    // The network itself (coordinators).
    Rename {
        name: String,
    },
    SetDescription {
        description: String,
    },
    SetRegion {
        region: String,
    },
    AddTheme {
        theme: String,
    },
    RemoveTheme {
        theme: String,
    },
    // Members.
    UpdateProfile {
        member: MemberId,
        profile: Profile,
    },
    SetRole {
        member: MemberId,
        role: Role,
    },
    RemoveMember {
        member: MemberId,
    },
    RevokeInvite {
        invite: InviteId,
    },
    // Sessions.
    AddSession(NewSession),
    /// A leerhuis meeting for the members of these linked networks only (empty: all).
    AddJointMeeting {
        session: NewSession,
        open_to: std::collections::BTreeSet<NetworkId>,
    },
    /// Whom a leerhuis meeting is for, chosen again.
    SetOpenTo {
        session: SessionId,
        open_to: std::collections::BTreeSet<NetworkId>,
    },
    EditSession {
        session: SessionId,
        changes: SessionChanges,
    },
    DeleteSession {
        session: SessionId,
    },
    RestoreSession {
        session: SessionId,
    },
    /// Give a session a theme (`tagged`) or take it away.
    TagSession {
        session: SessionId,
        theme: String,
        tagged: bool,
    },
    SetAttendance {
        session: SessionId,
        member: MemberId,
        attendance: Attendance,
    },
    LinkQuestion {
        session: SessionId,
        question: QuestionId,
        linked: bool,
    },
    AddAction {
        session: SessionId,
        action: NewAction,
    },
    SetActionDone {
        session: SessionId,
        action: ActionId,
        done: bool,
    },
    DeleteAction {
        session: SessionId,
        action: ActionId,
    },
    RestoreAction {
        session: SessionId,
        action: ActionId,
    },
    /// Replace a whole text (the command line; the desktop client types keystrokes instead).
    SetText {
        field: TextField,
        text: String,
    },
    AppendText {
        field: TextField,
        text: String,
    },
    // Learning questions and action research.
    AddQuestion {
        title: String,
        details: String,
    },
    RenameQuestion {
        question: QuestionId,
        title: String,
    },
    Vote {
        question: QuestionId,
    },
    RetractVote {
        question: QuestionId,
    },
    SetStatus {
        question: QuestionId,
        status: QuestionStatus,
    },
    DeleteQuestion {
        question: QuestionId,
    },
    RestoreQuestion {
        question: QuestionId,
    },
    TagQuestion {
        question: QuestionId,
        theme: String,
        tagged: bool,
    },
    AddCycle {
        question: QuestionId,
        started_on: String,
    },
    EndCycle {
        question: QuestionId,
        cycle: CycleId,
        ended_on: String,
    },
    // Reflection.
    AddFactor {
        name: String,
    },
    RenameFactor {
        factor: FactorId,
        name: String,
    },
    RemoveFactor {
        factor: FactorId,
    },
    OpenRound {
        title: String,
    },
    Score {
        round: RoundId,
        factor: FactorId,
        score: i64,
        comment: String,
    },
    CloseRound {
        round: RoundId,
    },
    // A meeting's room for phones (the laptop serving it writes what guests send).
    OpenRoom {
        session: SessionId,
        setup: RoomSetup,
    },
    CloseRoom {
        session: SessionId,
        room: RoomId,
    },
    GuestContribution {
        session: SessionId,
        room: RoomId,
        guest: Guest,
        input: GuestInput,
    },
    // Attachments (their bytes are put in this laptop's store first, see `kring-node`).
    AddAttachment {
        to: AttachedTo,
        file: NewAttachment,
    },
    DeleteAttachment {
        to: AttachedTo,
        attachment: AttachmentId,
    },
    RestoreAttachment {
        to: AttachedTo,
        attachment: AttachmentId,
    },
}

/// What an applied edit produced, beyond the change itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Nothing,
    /// The id of the record it made (a session, a question, a cycle, a round, ...).
    Created(String),
    /// Removing a member revoked these open invites in the same change.
    RevokedInvites(Vec<InviteId>),
}

impl Applied {
    /// The created record's id, if any.
    pub fn created(&self) -> Option<&str> {
        match self {
            Applied::Created(id) => Some(id),
            _ => None,
        }
    }
}

impl Edit {
    /// Makes the change as member `by`, after checking it the way the model always does.
    pub fn apply(&self, network: &mut Network, by: &MemberId) -> Result<Applied> {
        let created = |id: &str| Applied::Created(id.to_string());
        let done = |()| Applied::Nothing;
        Ok(match self {
            Edit::Rename { name } => network.rename(by, name).map(done)?,
            Edit::SetDescription { description } => network.set_description(by, description).map(done)?,
            Edit::SetRegion { region } => network.set_region(by, region).map(done)?,
            Edit::AddTheme { theme } => network.add_theme(by, theme).map(done)?,
            Edit::RemoveTheme { theme } => network.remove_theme(by, theme).map(done)?,
            Edit::UpdateProfile { member, profile } => network.update_profile(by, member, profile).map(done)?,
            Edit::SetRole { member, role } => network.set_role(by, member, *role).map(done)?,
            Edit::RemoveMember { member } => Applied::RevokedInvites(network.remove_member(by, member)?),
            Edit::RevokeInvite { invite } => network.revoke_invite(by, invite).map(done)?,
            Edit::AddSession(session) => created(network.add_session(by, session)?.as_str()),
            Edit::AddJointMeeting { session, open_to } => {
                created(network.add_joint_meeting(by, session, open_to)?.as_str())
            }
            Edit::SetOpenTo { session, open_to } => network.set_open_to(by, session, open_to).map(done)?,
            Edit::EditSession { session, changes } => network.edit_session(by, session, changes).map(done)?,
            Edit::DeleteSession { session } => network.delete_session(by, session).map(done)?,
            Edit::RestoreSession { session } => network.restore_session(by, session).map(done)?,
            Edit::SetAttendance { session, member, attendance } => {
                network.set_attendance(by, session, member, *attendance).map(done)?
            }
            Edit::LinkQuestion { session, question, linked } => {
                network.link_question(by, session, question, *linked).map(done)?
            }
            Edit::AddAction { session, action } => created(network.add_action(by, session, action)?.as_str()),
            Edit::SetActionDone { session, action, done: is_done } => {
                network.set_action_done(by, session, action, *is_done).map(done)?
            }
            Edit::DeleteAction { session, action } => network.delete_action(by, session, action).map(done)?,
            Edit::RestoreAction { session, action } => network.restore_action(by, session, action).map(done)?,
            Edit::SetText { field, text } => network.update_text(by, field, text).map(done)?,
            Edit::TagSession { session, theme, tagged } => {
                network.tag_session(by, session, theme, *tagged).map(done)?
            }
            Edit::TagQuestion { question, theme, tagged } => {
                network.tag_question(by, question, theme, *tagged).map(done)?
            }
            Edit::AppendText { field, text } => network.append_text(by, field, text).map(done)?,
            Edit::AddQuestion { title, details } => created(network.add_question(by, title, details)?.as_str()),
            Edit::RenameQuestion { question, title } => network.rename_question(by, question, title).map(done)?,
            Edit::Vote { question } => network.vote(by, question).map(done)?,
            Edit::RetractVote { question } => network.retract_vote(by, question).map(done)?,
            Edit::SetStatus { question, status } => network.set_status(by, question, *status).map(done)?,
            Edit::DeleteQuestion { question } => network.delete_question(by, question).map(done)?,
            Edit::RestoreQuestion { question } => network.restore_question(by, question).map(done)?,
            Edit::AddCycle { question, started_on } => created(network.add_cycle(by, question, started_on)?.as_str()),
            Edit::EndCycle { question, cycle, ended_on } => {
                network.end_cycle(by, question, cycle, ended_on).map(done)?
            }
            Edit::AddFactor { name } => created(network.add_factor(by, name)?.as_str()),
            Edit::RenameFactor { factor, name } => network.rename_factor(by, factor, name).map(done)?,
            Edit::RemoveFactor { factor } => network.remove_factor(by, factor).map(done)?,
            Edit::OpenRound { title } => created(network.open_round(by, title)?.as_str()),
            Edit::Score { round, factor, score, comment } => {
                network.score(by, round, factor, *score, comment).map(done)?
            }
            Edit::CloseRound { round } => network.close_round(by, round).map(done)?,
            Edit::OpenRoom { session, setup } => created(network.open_room(by, session, setup)?.as_str()),
            Edit::CloseRoom { session, room } => network.close_room(by, session, room).map(done)?,
            Edit::GuestContribution { session, room, guest, input } => {
                created(network.add_guest_contribution(by, session, room, guest, input)?.as_str())
            }
            Edit::AddAttachment { to, file } => created(network.add_attachment(by, to, file)?.as_str()),
            Edit::DeleteAttachment { to, attachment } => network.delete_attachment(by, to, attachment).map(done)?,
            Edit::RestoreAttachment { to, attachment } => network.restore_attachment(by, to, attachment).map(done)?,
        })
    }

    /// A short English name, for logs and tests.
    pub fn name(&self) -> &'static str {
        match self {
            Edit::Rename { .. } => "rename network",
            Edit::SetDescription { .. } => "set description",
            Edit::SetRegion { .. } => "set region",
            Edit::AddTheme { .. } => "add theme",
            Edit::RemoveTheme { .. } => "remove theme",
            Edit::UpdateProfile { .. } => "update profile",
            Edit::SetRole { .. } => "set role",
            Edit::RemoveMember { .. } => "remove member",
            Edit::RevokeInvite { .. } => "revoke invite",
            Edit::AddSession(_) => "add session",
            Edit::AddJointMeeting { .. } => "add joint meeting",
            Edit::SetOpenTo { .. } => "set open to",
            Edit::EditSession { .. } => "edit session",
            Edit::DeleteSession { .. } => "delete session",
            Edit::RestoreSession { .. } => "restore session",
            Edit::SetAttendance { .. } => "set attendance",
            Edit::LinkQuestion { .. } => "link question",
            Edit::AddAction { .. } => "add action",
            Edit::SetActionDone { .. } => "set action done",
            Edit::DeleteAction { .. } => "delete action",
            Edit::RestoreAction { .. } => "restore action",
            Edit::SetText { .. } => "set text",
            Edit::TagSession { .. } => "tag session",
            Edit::TagQuestion { .. } => "tag question",
            Edit::AppendText { .. } => "append text",
            Edit::AddQuestion { .. } => "add question",
            Edit::RenameQuestion { .. } => "rename question",
            Edit::Vote { .. } => "vote",
            Edit::RetractVote { .. } => "retract vote",
            Edit::SetStatus { .. } => "set status",
            Edit::DeleteQuestion { .. } => "delete question",
            Edit::RestoreQuestion { .. } => "restore question",
            Edit::AddCycle { .. } => "add cycle",
            Edit::EndCycle { .. } => "end cycle",
            Edit::AddFactor { .. } => "add factor",
            Edit::RenameFactor { .. } => "rename factor",
            Edit::RemoveFactor { .. } => "remove factor",
            Edit::OpenRound { .. } => "open round",
            Edit::Score { .. } => "score",
            Edit::CloseRound { .. } => "close round",
            Edit::OpenRoom { .. } => "open room",
            Edit::CloseRoom { .. } => "close room",
            Edit::GuestContribution { .. } => "guest contribution",
            Edit::AddAttachment { .. } => "add attachment",
            Edit::DeleteAttachment { .. } => "delete attachment",
            Edit::RestoreAttachment { .. } => "restore attachment",
        }
    }
}
