//! `kring room open`: a room for phones in a meeting, served until Ctrl-C or SIGTERM, then
//! closed. Prints the page's address (`url` first) as the first JSON line, then one JSON line
//! per guest contribution, and a last line when the room is closed.

use std::io::Write;
use std::sync::Arc;

use anyhow::{Context, Result};
use kring_model::{QuestionId, RoomSetup, RoundId, SessionId};
use kring_node::Node;
use kring_room::{NodeHost, Room, RoomEvent, RoomOptions};
use kring_store::DataDir;

use super::output::{self, GuestSent, RoomClosed, RoomOpened};
use crate::cli::{NetArgs, RoomCommand};

pub(crate) fn run(command: RoomCommand, data: &DataDir) -> Result<()> {
    super::runtime()?.block_on(open(command, data))
}

async fn open(command: RoomCommand, data: &DataDir) -> Result<()> {
    let RoomCommand::Open { offline, sync_bind, .. } = command;
    let mode = super::network_mode(&NetArgs { offline, bind: sync_bind }, data)?;
    let (node, warnings) = Node::start(data, &mode).await?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    let node = Arc::new(node);
    // Whatever ends the room (Ctrl-C, a wrong id, a room that cannot be opened), the node
    // closes its connections before the command ends.
    let result = hold_room(&node, command).await;
    node.shutdown().await;
    result
}

/// Opens the room, prints its address and each guest contribution, and closes it at Ctrl-C
/// or at the end of its day.
async fn hold_room(node: &Arc<Node>, command: RoomCommand) -> Result<()> {
    let RoomCommand::Open { network, session, bind, questions, reflection, proposals, reactions, photos, .. } = command;
    let network = node.network_id(network.network.as_deref())?;
    let setup = RoomSetup {
        questions: questions.into_iter().map(QuestionId::new).collect(),
        reflection: reflection.map(RoundId::new),
        proposals,
        reactions,
        photos,
    };
    let session = SessionId::new(session);
    let host = Arc::new(NodeHost::new(node.clone(), network.clone()));
    // A room is for one meeting's day.
    let options = RoomOptions { session: session.clone(), setup, bind, open_for: kring_room::until_end_of_day() };
    let room = Room::open(host, options).await.context("the room could not be opened")?;
    let mut events = room.subscribe();
    let stop = super::serve::shutdown_signal();
    tokio::pin!(stop);
    // In the order of its fields, `url` first: the one thing a person needs from it.
    let first = RoomOpened { url: room.url(), room: room.id().clone(), session, network };
    print(serde_json::to_string(&first));
    // Members' laptops in the room sync with this one meanwhile.
    node.spawn_dialer();
    node.spawn_attachment_fetch();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            event = events.recv() => match event {
                Ok(RoomEvent::Contribution(sent)) => print(output::line(&GuestSent { event: "contribution", sent })),
                Ok(RoomEvent::Joined { .. }) => {}
                Ok(RoomEvent::Ended) => break,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    eprintln!("warning: {missed} contributions were not printed (all were saved)");
                }
                Err(_) => break,
            },
        }
    }
    let (id, guests) = (room.id().clone(), room.guests());
    room.close().await.context("the room could not be closed in the network")?;
    print(output::line(&RoomClosed { event: "closed", room: id, guests }));
    Ok(())
}

fn print(line: serde_json::Result<String>) {
    let Ok(line) = line else { return };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_begins_with_the_url() {
        let first = RoomOpened {
            url: "http://192.168.1.20:41961/k/abc/".into(),
            room: kring_model::RoomId::new("r"),
            session: SessionId::new("s"),
            network: "n".into(),
        };
        let line = serde_json::to_string(&first).unwrap();
        assert!(line.starts_with(r#"{"url":"http://192.168.1.20:41961/k/abc/","#), "{line}");
    }
}
