//! `kring session add|notes|attend|edit|delete|restore|agenda|link|action`.

use anyhow::{Context, Result};
use kring_model::{ActionId, Edit, MemberId, NewAction, NewSession, QuestionId, SessionChanges, SessionId, TextField};
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::{ActionCommand, SessionCommand};
use crate::local_network::{self, LocalNetwork, apply};

pub fn run(command: SessionCommand, data: &DataDir) -> Result<Value> {
    match command {
        SessionCommand::Add { network, title, kind, date, location } => {
            let new = NewSession { title, kind: kind.parse()?, starts_at: date, location };
            let (_, applied) = apply(data, network.network.as_deref(), &Edit::AddSession(new))?;
            Ok(json!({ "session": local_network::created(&applied)? }))
        }
        SessionCommand::Notes { network, session, append } => {
            let field = TextField::Notes(SessionId::new(session));
            append_text(data, network.network.as_deref(), field, append, "notes_length")
        }
        SessionCommand::Agenda { network, session, append } => {
            let field = TextField::Agenda(SessionId::new(session));
            append_text(data, network.network.as_deref(), field, append, "agenda_length")
        }
        SessionCommand::Attend { network, session, member, status } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let session = SessionId::new(session);
            let member = match member {
                Some(member) => MemberId::new(member),
                None => local.me()?,
            };
            let edit =
                Edit::SetAttendance { session: session.clone(), member: member.clone(), attendance: status.parse()? };
            local.apply(&edit)?;
            Ok(json!({ "session": session, "member": member, "status": status }))
        }
        SessionCommand::Edit { network, session, title, kind, date, location } => {
            let session = SessionId::new(session);
            let kind = kind.map(|kind| kind.parse()).transpose()?;
            let changes = SessionChanges { title, kind, starts_at: date, location };
            let (local, _) =
                apply(data, network.network.as_deref(), &Edit::EditSession { session: session.clone(), changes })?;
            let snapshot = local.snapshot()?;
            let s = snapshot.sessions.get(&session).context("the edited session is gone")?;
            Ok(json!({
                "session": session, "title": s.title, "kind": s.kind, "date": s.starts_at, "location": s.location,
            }))
        }
        SessionCommand::Theme { network, session, theme, remove } => {
            let session = SessionId::new(session);
            let edit = Edit::TagSession { session: session.clone(), theme: theme.clone(), tagged: !remove };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(json!({ "session": session, "theme": theme.trim(), "tagged": !remove }))
        }
        SessionCommand::Delete { network, session } => {
            let session = SessionId::new(session);
            apply(data, network.network.as_deref(), &Edit::DeleteSession { session: session.clone() })?;
            Ok(json!({ "session": session, "deleted": true }))
        }
        SessionCommand::Restore { network, session } => {
            let session = SessionId::new(session);
            apply(data, network.network.as_deref(), &Edit::RestoreSession { session: session.clone() })?;
            Ok(json!({ "session": session, "deleted": false }))
        }
        SessionCommand::Link { network, session, question, unlink } => {
            let (session, question) = (SessionId::new(session), QuestionId::new(question));
            let edit = Edit::LinkQuestion { session: session.clone(), question: question.clone(), linked: !unlink };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(json!({ "session": session, "question": question, "linked": !unlink }))
        }
        SessionCommand::Action(command) => action(command, data),
    }
}

fn action(command: ActionCommand, data: &DataDir) -> Result<Value> {
    match command {
        ActionCommand::Add { network, session, text, owner, due } => {
            let session = SessionId::new(session);
            let action = NewAction { text, owner: owner.map(MemberId::new), due };
            let (_, applied) =
                apply(data, network.network.as_deref(), &Edit::AddAction { session: session.clone(), action })?;
            Ok(json!({ "session": session, "action": local_network::created(&applied)? }))
        }
        ActionCommand::Done { network, session, action, undo } => {
            let (session, action) = (SessionId::new(session), ActionId::new(action));
            let edit = Edit::SetActionDone { session: session.clone(), action: action.clone(), done: !undo };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(json!({ "session": session, "action": action, "done": !undo }))
        }
        ActionCommand::Delete { network, session, action } => {
            let (session, action) = (SessionId::new(session), ActionId::new(action));
            apply(
                data,
                network.network.as_deref(),
                &Edit::DeleteAction { session: session.clone(), action: action.clone() },
            )?;
            Ok(json!({ "session": session, "action": action, "deleted": true }))
        }
        ActionCommand::Restore { network, session, action } => {
            let (session, action) = (SessionId::new(session), ActionId::new(action));
            let edit = Edit::RestoreAction { session: session.clone(), action: action.clone() };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(json!({ "session": session, "action": action, "deleted": false }))
        }
    }
}

/// Adds a paragraph to a shared text and reports the text's new length under `length_key`
/// (with the record's id, e.g. `{"session": …, "notes_length": …}`).
pub fn append_text(
    data: &DataDir,
    network: Option<&str>,
    field: TextField,
    text: String,
    length_key: &str,
) -> Result<Value> {
    let (local, _) = apply(data, network, &Edit::AppendText { field: field.clone(), text })?;
    let length = local.open.network.text(&field)?.chars().count();
    let (key, id) = match &field {
        TextField::Agenda(s) | TextField::Notes(s) => ("session", s.as_str()),
        TextField::Details(q) | TextField::Insights(q) | TextField::Cycle(q, ..) => ("question", q.as_str()),
    };
    let mut answer = serde_json::Map::new();
    answer.insert(key.to_string(), json!(id));
    if let TextField::Cycle(_, cycle, phase) = &field {
        answer.insert("cycle".to_string(), json!(cycle));
        answer.insert("phase".to_string(), json!(phase));
    }
    answer.insert(length_key.to_string(), json!(length));
    Ok(Value::Object(answer))
}
