//! What the desktop client knows, apart from how it looks: the networks on this device, the
//! latest view of the open one, the sync status, and the commands in flight. Every action is
//! a command to the node's thread; the UI never waits for disk or network.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

use kring_model::{ChangeSummary, Edit, MemberId, NetworkSnapshot, Profile};
use kring_node::client::{Client, Command, Failure, NetworkEntry, NetworkView, Outcome, SyncStatus, Update};
use kring_node::{NetworkMode, NodeError};
use kring_store::{Config, DataDir};

use crate::file_dialog::{FileJob, FileKind, PendingDialog};
use crate::i18n::Language;
use crate::phone_room::RoomAsk;

/// What the interface does once a command succeeded; also which form a refusal is shown
/// beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Nothing to do; a refusal shows at the top of the screen.
    Nothing,
    /// The network itself was created: also where a refusal of the start form shows.
    Started,
    /// A network was created or joined: open it.
    OpenNetwork,
    /// A session was planned: clear the form and open it.
    OpenSession,
    ClearQuestionForm,
    ClearActionForm,
    /// An invite was made: show its ticket.
    ShowTicket,
    /// A reflection round was opened: show it.
    OpenRound,
    /// A file was saved: say where.
    Saved,
    /// A bundle was read in: say how much was new.
    Imported,
    /// A bundle was read in on the first screen (a laptop that is not a member yet): open its
    /// network.
    OpenBundle,
    /// A member was removed: say that the open invitations were revoked too, if there were.
    MemberRemoved,
    /// A session's details were changed: close the edit form.
    SessionEdited,
    /// A question was renamed: close the rename form.
    QuestionRenamed,
    /// A cycle was started: open it.
    CycleStarted,
    /// The network's details, themes or factors were changed.
    NetworkEdited,
    /// This person's own profile was saved.
    ProfileSaved,
    /// Someone was connected to by address or ticket.
    Connected,
    /// This laptop became another laptop of a member: open the network.
    Linked,
    /// A ticket for a network already here refreshed its addresses: open it and say so.
    Refreshed,
    /// A ticket for the person's other laptop was made: show it.
    ShowLinkTicket,
    /// A new chapter was begun: say which.
    ChapterStarted,
    /// Something was erased for everyone: say so.
    Erased,
    /// A leerhuis's link code for a network was made: show it.
    ShowLeerhuisTicket,
    /// This network was linked into a leerhuis: say so.
    LeerhuisLinked,
    /// This person joined a leerhuis through their network: say so.
    LeerhuisJoined,
    /// Something was shared with a leerhuis: close the dialog and say so.
    Published,
    /// A publication was withdrawn.
    Withdrawn,
    /// A file was attached (a refusal shows in the list it was added to).
    Attached,
    /// A copy of an attachment was made for the system's viewer: open it there.
    OpenedAttachment,
    /// A photo was fetched to be shown full size: show it.
    FetchedToView,
    /// An attachment was saved where the person chose: say where.
    SavedAttachment,
    /// This network left a leerhuis: close the dialog and say so.
    Unlinked,
}

/// A refused command, kept until the person acts again or leaves the screen.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The form whose command it was: the error shows there.
    pub after: After,
    pub failure: Failure,
}

/// A command's result as the app handles it.
pub struct Finished {
    pub after: After,
    pub outcome: Outcome,
}

pub struct AppState {
    client: Client,
    updates: Receiver<Update>,
    /// The UI's context, known from the first frame on; the node wakes it through this.
    repaint: Arc<Mutex<Option<egui::Context>>>,
    in_flight: BTreeMap<u64, After>,
    pub language: Language,
    pub config: Config,
    /// The settings as they were when the node started (network settings apply at a restart).
    pub config_at_start: Config,
    /// The node runs offline, by the settings or by `kring --offline` for this session.
    pub started_offline: bool,
    pub data_root: PathBuf,
    pub device: Option<String>,
    pub networks: Vec<NetworkEntry>,
    /// The network on screen, as last sent by the node.
    pub view: Option<NetworkView>,
    pub status: SyncStatus,
    /// The last refused action, shown beside its form until the next action or screen.
    pub error: Option<Refusal>,
    /// What the last finished action did ("saved in ..."), until closed.
    pub notice: Option<String>,
    /// A file dialog on screen.
    dialog: Option<PendingDialog>,
    /// Problems found while opening the data folder, shown once.
    pub warnings: Vec<kring_node::StartWarning>,
    /// The node could not start.
    pub failed: Option<Failure>,
    /// Whether the node has told which networks exist.
    pub loaded: bool,
    /// The network on screen, or to open once the node has listed the networks.
    pub wanted_network: Option<String>,
    /// Whether the node was asked to show `wanted_network`.
    watching: bool,
    /// The theme every list is filtered by, if any.
    pub theme: Option<String>,
    /// The moments of the text whose history is open.
    pub history: Option<kring_node::client::TextHistory>,
    /// The text of the moment chosen in the history.
    pub text_at: Option<kring_node::client::TextAt>,
    /// The passphrase window, while a bundle's passphrase is being chosen or asked for.
    pub passphrase: Option<crate::views::passphrase::Prompt>,
    /// The "make a bundle" window, while it is open.
    pub bundle_export: Option<crate::views::bundle_export::ExportChoice>,
    /// How far the bundle being written or read has come.
    pub bundle_progress: Option<crate::views::bundle_export::BundleWork>,
    /// A meeting's room for phones, run from this window.
    pub room: crate::phone_room::RoomDesk,
    /// The leerhuizen on this laptop, and which networks it shares for in each.
    pub leerhuizen: Vec<kring_node::client::HeldLeerhuis>,
    /// The "share with the leerhuis" dialog, while it is open.
    pub sharing: Option<crate::views::share::Sharing>,
    /// The timeline across every network here, once the node sent it.
    pub timeline: Option<Vec<kring_node::client::TimelineItem>>,
    /// The attachments' bytes on this laptop, and the photos shown.
    pub attachments: crate::attachments::AttachmentDesk,
    /// The last search across every network here, once the node sent it.
    pub found: Option<kring_node::client::Found>,
}

impl AppState {
    /// Starts the node for `data` on its own thread.
    pub fn start(data: DataDir, mode: NetworkMode) -> std::io::Result<AppState> {
        let config = data.config().unwrap_or_default();
        let data_root = data.root().to_path_buf();
        let started_offline = mode.offline;
        let repaint: Arc<Mutex<Option<egui::Context>>> = Arc::default();
        let waker = repaint.clone();
        let (client, updates) = Client::start(data, mode, move || {
            if let Some(ctx) = waker.lock().ok().and_then(|ctx| ctx.clone()) {
                ctx.request_repaint();
            }
        })?;
        Ok(AppState::with_client(client, updates, repaint, config, data_root, started_offline))
    }

    /// A state with no node, showing `view`: every action is kept, not run (see
    /// [`AppState::sent`]). For tests of what a click asks.
    pub fn detached(view: NetworkView) -> AppState {
        let (client, updates) = Client::detached();
        let mut state = AppState::with_client(
            client,
            updates,
            Arc::default(),
            kring_store::Config::default(),
            PathBuf::new(),
            true,
        );
        state.networks = vec![NetworkEntry { id: view.network.clone(), name: view.snapshot.info.name.clone() }];
        state.wanted_network = Some(view.network.clone());
        state.view = Some(view);
        state.loaded = true;
        state.watching = true;
        state
    }

    /// A state that knows nothing yet, talking to its node through `client`.
    fn with_client(
        client: Client,
        updates: Receiver<Update>,
        repaint: Arc<Mutex<Option<egui::Context>>>,
        config: Config,
        data_root: PathBuf,
        started_offline: bool,
    ) -> AppState {
        AppState {
            client,
            updates,
            repaint,
            in_flight: BTreeMap::new(),
            language: Language::from_code(&config.language),
            config_at_start: config.clone(),
            config,
            started_offline,
            data_root,
            device: None,
            networks: Vec::new(),
            view: None,
            status: SyncStatus::default(),
            error: None,
            notice: None,
            dialog: None,
            warnings: Vec::new(),
            failed: None,
            loaded: false,
            wanted_network: None,
            watching: false,
            theme: None,
            history: None,
            text_at: None,
            passphrase: None,
            bundle_export: None,
            bundle_progress: None,
            room: Default::default(),
            leerhuizen: Vec::new(),
            sharing: None,
            timeline: None,
            attachments: Default::default(),
            found: None,
        }
    }

    /// Takes in everything the node sent since the last frame; returns the commands that
    /// finished successfully, for the app to act on.
    pub fn receive(&mut self, ctx: &egui::Context) -> Vec<Finished> {
        if let Ok(mut slot) = self.repaint.lock()
            && slot.is_none()
        {
            *slot = Some(ctx.clone());
        }
        if let Some((job, path)) = self.dialog.as_ref().and_then(PendingDialog::poll) {
            self.dialog = None;
            if let Some(path) = path {
                self.run_file_job(job, path);
            }
        }
        // What a room asks to write goes to the node like any edit; its answer goes back.
        let writes: Vec<_> = self.room.asked.try_iter().collect();
        for write in writes {
            let command = match write.ask {
                RoomAsk::Edit(edit) => Command::Edit { network: write.network, edit },
                RoomAsk::KeepPhoto(bytes) => {
                    Command::KeepBytes { network: write.network, bytes: kring_node::client::Bytes(bytes.into()) }
                }
            };
            let id = self.client.send(command);
            self.room.replies.insert(id, write.reply);
        }
        let mut finished = Vec::new();
        while let Ok(update) = self.updates.try_recv() {
            match update {
                Update::Ready { device, warnings } => {
                    self.device = Some(device);
                    self.warnings = warnings;
                }
                Update::Failed(reason) => self.failed = Some(reason),
                Update::Networks(networks) => {
                    self.networks = networks;
                    self.loaded = true;
                    // A network came or went: which leerhuizen are here may have changed.
                    self.send(Command::Leerhuizen, After::Nothing);
                    let known = |id: &String| self.networks.iter().any(|n| n.id == *id);
                    if !self.watching || !self.wanted_network.as_ref().is_some_and(known) {
                        let wanted = self.wanted_network.clone().filter(known);
                        if let Some(id) = wanted.or_else(|| self.networks.first().map(|n| n.id.clone())) {
                            self.watch(&id);
                        }
                    }
                }
                Update::View(view) => {
                    if self.wanted_network.as_ref().is_none_or(|w| *w == view.network) {
                        self.view = Some(*view);
                    }
                }
                Update::Status(status) => self.status = status,
                Update::History(history) => self.history = Some(history),
                Update::TextAt(text) => self.text_at = Some(text),
                Update::Leerhuizen(held) => self.leerhuizen = held,
                Update::Timeline(items) => self.timeline = Some(items),
                Update::AttachmentsHere(here) => self.attachments.take_here(here),
                Update::AttachmentBytes { attachment, bytes, .. } => {
                    self.attachments.take_bytes(ctx, attachment, bytes)
                }
                Update::AttachmentUse(usage) => self.attachments.usage = Some(usage),
                Update::Found(found) => self.found = Some(*found),
                Update::BundleProgress { request, progress } => {
                    // A late word from a bundle already written is not shown.
                    if let Some(after) = self.in_flight.get(&request) {
                        let reading = matches!(after, After::Imported | After::OpenBundle);
                        self.bundle_progress =
                            Some(crate::views::bundle_export::BundleWork { request, reading, progress });
                    }
                }
                Update::Done { request, result } if self.room.replies.contains_key(&request) => {
                    if let Some(reply) = self.room.replies.remove(&request) {
                        let _ = reply.send(result);
                    }
                }
                Update::Done { request, result } => {
                    let after = self.in_flight.remove(&request).unwrap_or(After::Nothing);
                    if self.bundle_progress.is_some_and(|work| work.request == request) {
                        self.bundle_progress = None;
                    }
                    self.attachments.requests.remove(&request);
                    match result {
                        Ok(outcome) => {
                            self.error = None;
                            finished.push(Finished { after, outcome });
                        }
                        // A bundle locked with a passphrase: the passphrase window asks for it.
                        Err(failure)
                            if matches!(after, After::Imported | After::OpenBundle)
                                && crate::views::passphrase::asks_for_it(self, after, &failure) => {}
                        Err(failure) => self.error = Some(Refusal { after, failure }),
                    }
                }
            }
        }
        self.attachments.receive_decoded(ctx);
        // The room shows the meeting as this window sees it.
        if let Ok(mut shown) = self.room.snapshot.lock() {
            *shown = self.shared_snapshot();
        }
        finished
    }

    /// Opens a room for phones in `session` of the open network.
    pub fn open_room(&mut self, session: kring_model::SessionId, setup: kring_model::RoomSetup) {
        let Some(network) = self.network_id().map(String::from) else { return };
        self.room.open(&network, session, setup, self.repaint.clone());
    }

    /// Whether every command sent has been answered (tests wait for this).
    pub fn is_idle(&self) -> bool {
        self.in_flight.is_empty()
    }

    /// Whether a command sent from the form `after` is still unanswered (its button waits).
    pub fn waiting_for(&self, after: After) -> bool {
        self.in_flight.values().any(|sent| *sent == after)
    }

    pub fn snapshot(&self) -> Option<&NetworkSnapshot> {
        self.view.as_ref().map(|v| v.snapshot.as_ref())
    }

    /// The open network's snapshot, to hold while actions are sent (a cheap shared copy).
    pub fn shared_snapshot(&self) -> Option<std::sync::Arc<NetworkSnapshot>> {
        self.view.as_ref().map(|v| v.snapshot.clone())
    }

    /// What others changed in the open network since the person last marked it as seen.
    pub fn changes(&self) -> Option<&ChangeSummary> {
        self.view.as_ref().map(|v| v.changes.as_ref())
    }

    pub fn mark_seen(&mut self) {
        if let Some(network) = self.network_id().map(String::from) {
            self.send(Command::MarkSeen { network }, After::Nothing);
        }
    }

    /// Asks where to save an export, then saves it.
    pub fn save_as(&mut self, ctx: &egui::Context, file_name: String, kind: FileKind, contents: Vec<u8>) {
        self.ask_file(ctx, Some(file_name), kind, FileJob::Save { contents });
    }

    /// Opens a native dialog for `job`: "save as" when a file name is suggested, else "open".
    pub fn ask_file(&mut self, ctx: &egui::Context, file_name: Option<String>, kind: FileKind, job: FileJob) {
        if self.dialog.is_some() {
            return;
        }
        self.dialog = Some(match file_name {
            Some(name) => PendingDialog::save(ctx, name, kind, job),
            None => PendingDialog::open(ctx, kind, job),
        });
    }

    /// Does what a file was chosen for (also what tests call, as no native dialog runs there).
    pub fn run_file_job(&mut self, job: FileJob, path: PathBuf) {
        match job {
            FileJob::Save { contents } => {
                self.send(Command::WriteFile { path, contents }, After::Saved);
            }
            FileJob::ExportBundle { network, passphrase, with_attachments } => {
                self.send(Command::ExportBundle { network, path, passphrase, with_attachments }, After::Saved);
            }
            FileJob::ImportBundle { new_network } => {
                let after = if new_network { After::OpenBundle } else { After::Imported };
                self.send(Command::ImportBundle { path, passphrase: None, new_network }, after);
            }
            FileJob::Attach { network, to } => {
                // The window may show another network by the time the dialog closes.
                if self.network_id() == Some(network.as_str()) {
                    self.attach(&to, path);
                }
            }
            FileJob::SaveAttachment { to, attachment } => self.save_attachment_to(&to, &attachment, path),
        }
    }

    pub fn me(&self) -> Option<&MemberId> {
        self.view.as_ref()?.me.as_ref()
    }

    pub fn network_id(&self) -> Option<&str> {
        self.view.as_ref().map(|v| v.network.as_str())
    }

    /// Whether this laptop's member was removed from the open network: a member's laptop that
    /// synced it with this one before refuses it now, or the member's own record says so.
    pub fn removed_from_open(&self) -> bool {
        let Some(network) = self.network_id() else { return false };
        let record_says = self.me().and_then(|me| self.snapshot()?.members.get(me)).is_some_and(|m| !m.is_current());
        record_says || self.status.removed.contains(network)
    }

    /// Colleagues connected to sync the open network (all connected, with none open): none
    /// once this laptop was removed from it.
    pub fn connected_here(&self) -> usize {
        match self.network_id() {
            _ if self.removed_from_open() => 0,
            Some(network) => self.status.connected_in(network),
            None => self.status.connected(),
        }
    }

    pub fn send(&mut self, command: Command, after: After) -> u64 {
        if self.error.as_ref().is_some_and(|e| e.after == after) {
            self.error = None;
        }
        let id = self.client.send(command);
        self.in_flight.insert(id, after);
        id
    }

    /// Opens `network` on screen.
    pub fn watch(&mut self, network: &str) {
        self.wanted_network = Some(network.to_string());
        self.watching = true;
        if self.view.as_ref().is_some_and(|v| v.network != network) {
            self.view = None;
        }
        self.send(Command::Watch { network: network.to_string() }, After::Nothing);
        // Whether this laptop shares for the network shown, as the leerhuizen say now.
        self.send(Command::Leerhuizen, After::Nothing);
    }

    pub fn create_network(&mut self, name: &str, founder: Profile) {
        self.send(Command::CreateNetwork { name: name.to_string(), founder }, After::OpenNetwork);
    }

    /// Joins with `ticket`; a ticket for a network already here refreshes its addresses.
    pub fn join(&mut self, ticket: &str, profile: Profile) {
        let network = kring_node::InviteTicket::parse(ticket.trim()).ok().map(|t| t.network);
        let known = network.is_some_and(|id| self.networks.iter().any(|n| n.id == id));
        let after = if known { After::Refreshed } else { After::OpenNetwork };
        self.send(Command::Join { ticket: ticket.to_string(), profile }, after);
    }

    /// One user action on the open network, run by the node as this device's member.
    pub fn edit(&mut self, after: After, edit: Edit) {
        let Some(network) = self.network_id().map(String::from) else { return };
        self.send(Command::Edit { network, edit }, after);
    }

    /// Begins the network's next chapter without what `erase` names (coordinators).
    pub fn start_chapter(&mut self, erase: Vec<kring_model::Erasure>, keep_history: bool) {
        let Some(network) = self.network_id().map(String::from) else { return };
        let after = if erase.is_empty() { After::ChapterStarted } else { After::Erased };
        self.send(Command::StartChapter { network, erase, keep_history }, after);
    }

    /// Refuses an action here, before it reaches the node (a form left empty).
    pub fn refuse(&mut self, after: After, error: impl Into<NodeError>) {
        self.error = Some(Refusal { after, failure: std::sync::Arc::new(error.into()) });
    }

    /// The refusal of a command sent from the form `after`, in the person's language.
    pub fn error_for(&self, after: After) -> Option<String> {
        let error = self.error.as_ref().filter(|e| e.after == after)?;
        Some(crate::i18n::errors::node_error(self.language, &error.failure))
    }

    /// The refusal shown now, wherever it shows, in the person's language.
    pub fn error_text(&self) -> Option<String> {
        let error = self.error.as_ref()?;
        Some(crate::i18n::errors::node_error(self.language, &error.failure))
    }

    /// Whether this device's member coordinates the open network.
    pub fn is_coordinator(&self) -> bool {
        let snapshot = self.snapshot();
        self.me().and_then(|me| snapshot?.members.get(me)).is_some_and(|m| m.role == kring_model::Role::Coordinator)
    }

    /// What a detached state (see [`AppState::detached`]) was asked to do, in order.
    pub fn sent(&self) -> &[Command] {
        self.client.sent()
    }

    pub fn set_language(&mut self, language: Language) {
        self.language = language;
        self.config.language = language.code().to_string();
        self.save_settings();
    }

    pub fn save_settings(&mut self) {
        self.send(Command::SaveSettings { config: self.config.clone() }, After::Nothing);
    }
}
