//! The views a client sends follow every change, its own and those arriving from another
//! laptop, record by record, and always show exactly the network read whole: two clients on
//! 127.0.0.1 edit the same network, then each one's last view is compared with its saved copy.

use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use kring_model::{Edit, NetworkSnapshot, NewSession, Profile, Role, SessionKind, Splice, TextField};
use kring_node::client::{Client, Command, NetworkView, Outcome, Update};
use kring_node::{NetworkMode, OpenNetwork};
use kring_store::DataDir;

/// One desktop client and the newest view it sent.
struct Window {
    client: Client,
    updates: Receiver<Update>,
    view: Option<NetworkView>,
}

impl Window {
    fn start(dir: &std::path::Path) -> Window {
        let (client, updates) =
            Client::start(DataDir::open(dir).unwrap(), NetworkMode::loopback_only(), || {}).unwrap();
        Window { client, updates, view: None }
    }

    /// Sends `command` and waits for its answer; newer views are kept meanwhile.
    fn run(&mut self, command: Command) -> Option<String> {
        let request = self.client.send(command);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.next(deadline) {
                Update::Done { request: done, result } if done == request => return text_of(result.unwrap()),
                _ => {}
            }
        }
    }

    /// Waits until the newest view passes `shown`.
    fn wait(&mut self, what: &str, shown: impl Fn(&NetworkSnapshot) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.view.as_ref().is_some_and(|view| shown(&view.snapshot)) {
            if Instant::now() > deadline {
                panic!("no view showed {what} within 30 s");
            }
            self.next(deadline);
        }
    }

    fn next(&mut self, deadline: Instant) -> Update {
        let left = deadline.saturating_duration_since(Instant::now());
        let update = self.updates.recv_timeout(left).expect("an update in time");
        match &update {
            Update::View(view) if view.version > 0 => self.view = Some((**view).clone()),
            Update::Failed(reason) => panic!("{reason}"),
            Update::Status(status) if status.refused_change.is_some() => {
                panic!("a change was refused: {:?}", status.refused_change)
            }
            _ => {}
        }
        update
    }

    /// Types `text` at the end of `field`, a keystroke at a time, as the text editor does.
    fn type_at_end(&mut self, network: &str, field: &TextField, text: &str) {
        let shown = |view: &NetworkView| match field {
            TextField::Notes(session) => view.snapshot.sessions[session].notes.chars().count(),
            _ => unreachable!("only notes are typed here"),
        };
        let view = self.view.clone().expect("a view to type on");
        let (seen, start) = (view.version, shown(&view));
        for (n, c) in text.chars().enumerate() {
            let pos = start + n;
            let splices = vec![Splice { pos, delete: 0, insert: c.to_string() }];
            let caret = Some((pos + 1, pos + 1));
            self.client.send(Command::Type { network: network.into(), field: field.clone(), seen, splices, caret });
        }
    }

    /// Stops the client; its last view's snapshot and the network as saved, read whole.
    fn stop(mut self, dir: &std::path::Path, network: &str) -> (NetworkSnapshot, NetworkSnapshot) {
        self.client.stop();
        while let Ok(update) = self.updates.try_recv() {
            if let Update::View(view) = update {
                self.view = Some(*view);
            }
        }
        let shown = (*self.view.expect("a view").snapshot).clone();
        let (saved, _) = OpenNetwork::open(&DataDir::open(dir).unwrap(), network).unwrap();
        (shown, saved.network.snapshot().unwrap())
    }
}

#[test]
fn views_follow_local_and_remote_changes_exactly() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut anna = Window::start(dir_a.path());
    let network = anna.run(Command::CreateNetwork { name: "PLG Lezen".into(), founder: Profile::new("Anna") }).unwrap();
    anna.run(Command::Watch { network: network.clone() });
    let edit = |edit| Command::Edit { network: network.clone(), edit };
    let new = NewSession {
        title: "Leesbegrip".into(),
        kind: SessionKind::Plg,
        starts_at: "2026-12-07T15:30".into(),
        location: "Lokaal 2.14".into(),
    };
    let session = kring_model::SessionId::new(anna.run(edit(Edit::AddSession(new))).unwrap());
    let question = anna.run(edit(Edit::AddQuestion { title: "Hoe lezen we samen?".into(), details: String::new() }));
    let question = kring_model::QuestionId::new(question.unwrap());
    let ticket = anna.run(Command::CreateInvite {
        network: network.clone(),
        role: Role::Member,
        max_uses: 1,
        valid_for: Duration::from_secs(600),
        made_for: "Bram (ouder)".into(),
    });

    let mut bram = Window::start(dir_b.path());
    let joined = bram.run(Command::Join { ticket: ticket.unwrap(), profile: Profile::new("Bram") });
    assert_eq!(joined.as_deref(), Some(network.as_str()));
    bram.run(Command::Watch { network: network.clone() });
    bram.wait("the session", |s| s.sessions.contains_key(&session));

    // Both write at once: typing, votes, a link, a new question, a theme.
    let notes = TextField::Notes(session.clone());
    anna.wait("the session", |s| s.sessions.contains_key(&session));
    // Anna types on a view with Bram in it, as her editor would once idle.
    anna.wait("Bram", |s| s.members.len() == 2);
    anna.type_at_end(&network, &notes, "Anna schrijft. ");
    bram.type_at_end(&network, &notes, "Bram ook. ");
    anna.run(edit(Edit::LinkQuestion { session: session.clone(), question: question.clone(), linked: true }));
    bram.run(edit(Edit::Vote { question: question.clone() }));
    let later = bram.run(edit(Edit::AddQuestion { title: "En thuis?".into(), details: String::new() })).unwrap();
    let later = kring_model::QuestionId::new(later);
    anna.run(edit(Edit::TagSession { session: session.clone(), theme: "lezen".into(), tagged: true }));

    // Until each shows everything both did.
    let everything = |s: &NetworkSnapshot| {
        let notes = &s.sessions[&session].notes;
        notes.contains("Anna schrijft. ")
            && notes.contains("Bram ook. ")
            && s.questions[&question].votes.len() == 1
            && s.questions[&question].sessions.contains(&session)
            && s.questions.contains_key(&later)
            && s.sessions[&session].themes.contains("lezen")
            && s.invites.values().any(|i| i.made_for.as_deref() == Some("Bram (ouder)"))
    };
    anna.wait("what both did", everything);
    bram.wait("what both did", everything);

    let (shown, saved) = anna.stop(dir_a.path(), &network);
    assert_eq!(shown, saved, "Anna's last view");
    let (shown, saved) = bram.stop(dir_b.path(), &network);
    assert_eq!(shown, saved, "Bram's last view");
}

/// The id or ticket a command produced, if any.
fn text_of(outcome: Outcome) -> Option<String> {
    match outcome {
        Outcome::Network(text) | Outcome::Created(text) | Outcome::Ticket(text) => Some(text),
        _ => None,
    }
}
