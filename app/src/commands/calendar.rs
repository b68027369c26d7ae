//! `kring calendar`: meetings as an iCalendar (.ics) file for Outlook or Google Calendar.

use std::path::Path;

use anyhow::Result;
use kring_model::{ModelError, Record, SessionId};
use kring_store::{DataDir, write_atomic};
use kring_ui::export::ics;

use super::output::{CalendarWritten, Output};
use crate::cli::NetworkArg;
use crate::local_network::LocalNetwork;

/// The calendar for one session (`session`), or for every session from today on; with how many
/// events it holds.
pub(crate) fn ics(network: &NetworkArg, session: Option<&str>, data: &DataDir) -> Result<(String, usize)> {
    let local = LocalNetwork::open(data, network.network.as_deref())?;
    let snapshot = local.snapshot()?;
    let sessions = match session {
        Some(id) => {
            let id = SessionId::new(id);
            let Some(session) = snapshot.sessions.get(&id) else {
                return Err(ModelError::UnknownSession(id).into());
            };
            if session.deleted_at.is_some() {
                return Err(ModelError::Deleted { what: Record::Session, id: id.to_string() }.into());
            }
            vec![session]
        }
        None => ics::upcoming(&snapshot, jiff::Zoned::now().date()),
    };
    let calendar = ics::calendar(&snapshot, &sessions, jiff::Timestamp::now());
    // A session whose date cannot be read is left out of the calendar.
    let events = calendar.matches("\r\nBEGIN:VEVENT\r\n").count();
    Ok((calendar, events))
}

/// Writes the calendar to `out` and answers with where, and how many meetings it holds.
pub(crate) fn write(network: &NetworkArg, session: Option<&str>, out: &Path, data: &DataDir) -> Result<Output> {
    let (calendar, events) = ics(network, session, data)?;
    write_atomic(out, calendar.as_bytes(), None)?;
    Ok(CalendarWritten { file: out.to_path_buf(), sessions: events, bytes: calendar.len() }.into())
}
