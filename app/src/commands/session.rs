//! `kring session add|notes|attend`.

use anyhow::Result;
use kring_model::{MemberId, NewSession, SessionId, TextField};
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::SessionCommand;
use crate::local_network::LocalNetwork;

pub fn run(command: SessionCommand, data: &DataDir) -> Result<Value> {
    match command {
        SessionCommand::Add { network, title, kind, date, location } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let me = local.me()?;
            let new = NewSession { title, kind: kind.parse()?, starts_at: date, location };
            let session = local.open.network.add_session(&me, &new)?;
            local.save()?;
            Ok(json!({ "session": session }))
        }
        SessionCommand::Notes { network, session, append } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let me = local.me()?;
            let session = SessionId::new(session);
            let field = TextField::Notes(session.clone());
            local.open.network.append_text(&me, &field, &append)?;
            local.save()?;
            let length = local.open.network.text(&field)?.chars().count();
            Ok(json!({ "session": session, "notes_length": length }))
        }
        SessionCommand::Attend { network, session, member, status } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let me = local.me()?;
            let session = SessionId::new(session);
            let member = member.map(MemberId::new).unwrap_or_else(|| me.clone());
            local.open.network.set_attendance(&me, &session, &member, status.parse()?)?;
            local.save()?;
            Ok(json!({ "session": session, "member": member, "status": status }))
        }
    }
}
