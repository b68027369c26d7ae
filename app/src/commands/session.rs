//! `kring session add|notes|attend|edit|delete|restore|agenda|link|action`.

use anyhow::{Context, Result};
use kring_model::{ActionId, Edit, MemberId, NewAction, NewSession, QuestionId, SessionChanges, SessionId, TextField};
use kring_store::DataDir;

use super::output::{
    ActionAdded, ActionDeleted, ActionDone, AgendaLength, AttendanceSet, NotesLength, Output, QuestionLinked,
    SessionAdded, SessionDeleted, SessionEdited, SessionTagged,
};
use crate::cli::{ActionCommand, SessionCommand};
use crate::local_network::{self, LocalNetwork, apply};

pub(super) fn run(command: SessionCommand, data: &DataDir) -> Result<Output> {
    match command {
        SessionCommand::Add { network, title, kind, date, location, open_to } => {
            let new = NewSession { title, kind: kind.parse()?, starts_at: date, location };
            let edit = match open_to.is_empty() {
                true => Edit::AddSession(new),
                false => Edit::AddJointMeeting { session: new, open_to: networks(open_to) },
            };
            let (_, applied) = apply(data, network.network.as_deref(), &edit)?;
            Ok(SessionAdded { session: SessionId::new(local_network::created(&applied)?) }.into())
        }
        SessionCommand::Notes { network, session, append } => {
            let session = SessionId::new(session);
            let field = TextField::Notes(session.clone());
            let notes_length = append_text(data, network.network.as_deref(), field, append)?;
            Ok(NotesLength { session, notes_length }.into())
        }
        SessionCommand::Agenda { network, session, append } => {
            let session = SessionId::new(session);
            let field = TextField::Agenda(session.clone());
            let agenda_length = append_text(data, network.network.as_deref(), field, append)?;
            Ok(AgendaLength { session, agenda_length }.into())
        }
        SessionCommand::Attend { network, session, member, status } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let session = SessionId::new(session);
            let member = match member {
                Some(member) => MemberId::new(member),
                None => local.me()?,
            };
            let status = status.parse()?;
            local.apply(&Edit::SetAttendance {
                session: session.clone(),
                member: member.clone(),
                attendance: status,
            })?;
            Ok(AttendanceSet { session, member, status }.into())
        }
        SessionCommand::Edit { network, session, title, kind, date, location, open_to, open_to_all } => {
            let session = SessionId::new(session);
            let kind = kind.map(|kind| kind.parse()).transpose()?;
            let changes = SessionChanges { title, kind, starts_at: date, location };
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            if changes != SessionChanges::default() || (open_to.is_none() && !open_to_all) {
                local.apply(&Edit::EditSession { session: session.clone(), changes })?;
            }
            if open_to.is_some() || open_to_all {
                let open_to = networks(open_to.unwrap_or_default());
                local.apply(&Edit::SetOpenTo { session: session.clone(), open_to })?;
            }
            let snapshot = local.snapshot()?;
            let s = snapshot.sessions.get(&session).context("the edited session is gone")?;
            Ok(SessionEdited {
                session,
                title: s.title.clone(),
                kind: s.kind,
                date: s.starts_at.clone(),
                location: s.location.clone(),
            }
            .into())
        }
        SessionCommand::Theme { network, session, theme, remove } => {
            let session = SessionId::new(session);
            let edit = Edit::TagSession { session: session.clone(), theme: theme.clone(), tagged: !remove };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(SessionTagged { session, theme: theme.trim().to_string(), tagged: !remove }.into())
        }
        SessionCommand::Delete { network, session } => {
            let session = SessionId::new(session);
            apply(data, network.network.as_deref(), &Edit::DeleteSession { session: session.clone() })?;
            Ok(SessionDeleted { session, deleted: true }.into())
        }
        SessionCommand::Restore { network, session } => {
            let session = SessionId::new(session);
            apply(data, network.network.as_deref(), &Edit::RestoreSession { session: session.clone() })?;
            Ok(SessionDeleted { session, deleted: false }.into())
        }
        SessionCommand::Link { network, session, question, unlink } => {
            let (session, question) = (SessionId::new(session), QuestionId::new(question));
            let edit = Edit::LinkQuestion { session: session.clone(), question: question.clone(), linked: !unlink };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(QuestionLinked { session, question, linked: !unlink }.into())
        }
        SessionCommand::Action(command) => action(command, data),
    }
}

/// Network ids as typed after `--open-to` (blanks around the commas left out).
fn networks(typed: Vec<String>) -> std::collections::BTreeSet<kring_model::NetworkId> {
    typed.iter().map(|id| id.trim()).filter(|id| !id.is_empty()).map(kring_model::NetworkId::new).collect()
}

fn action(command: ActionCommand, data: &DataDir) -> Result<Output> {
    match command {
        ActionCommand::Add { network, session, text, owner, due } => {
            let session = SessionId::new(session);
            let action = NewAction { text, owner: owner.map(MemberId::new), due };
            let (_, applied) =
                apply(data, network.network.as_deref(), &Edit::AddAction { session: session.clone(), action })?;
            Ok(ActionAdded { session, action: ActionId::new(local_network::created(&applied)?) }.into())
        }
        ActionCommand::Done { network, session, action, undo } => {
            let (session, action) = (SessionId::new(session), ActionId::new(action));
            let edit = Edit::SetActionDone { session: session.clone(), action: action.clone(), done: !undo };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(ActionDone { session, action, done: !undo }.into())
        }
        ActionCommand::Delete { network, session, action } => {
            let (session, action) = (SessionId::new(session), ActionId::new(action));
            apply(
                data,
                network.network.as_deref(),
                &Edit::DeleteAction { session: session.clone(), action: action.clone() },
            )?;
            Ok(ActionDeleted { session, action, deleted: true }.into())
        }
        ActionCommand::Restore { network, session, action } => {
            let (session, action) = (SessionId::new(session), ActionId::new(action));
            let edit = Edit::RestoreAction { session: session.clone(), action: action.clone() };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(ActionDeleted { session, action, deleted: false }.into())
        }
    }
}

/// Adds a paragraph to a shared text and answers with the text's new length, in characters.
pub(super) fn append_text(data: &DataDir, network: Option<&str>, field: TextField, text: String) -> Result<usize> {
    let (local, _) = apply(data, network, &Edit::AppendText { field: field.clone(), text })?;
    Ok(local.open.network.text(&field)?.chars().count())
}
