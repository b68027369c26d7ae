//! What the desktop client knows and can do, apart from how it looks: the open network, its
//! latest snapshot, and one method per user action. Views read `snapshot` and call these.

use kring_model::{
    MemberId, ModelError, Network, NetworkDetails, NetworkSnapshot, NewSession, Profile, QuestionId, QuestionStatus,
    SessionId, TextField,
};
use kring_store::{DataDir, NetworkStore};

use crate::i18n::Language;

pub struct OpenNetwork {
    network: Network,
    store: NetworkStore,
    pub me: MemberId,
    /// Rebuilt after every change, read every frame.
    pub snapshot: NetworkSnapshot,
}

pub struct AppState {
    data: DataDir,
    pub language: Language,
    pub open: Option<OpenNetwork>,
    /// The last refused action, shown inline until the next action.
    pub error: Option<String>,
}

impl AppState {
    /// Starts with the first network of this device open, if it has one.
    pub fn new(data: DataDir) -> AppState {
        let language = data.config().map(|c| Language::from_code(&c.language)).unwrap_or_default();
        let mut state = AppState { data, language, open: None, error: None };
        if let Some(id) = state.data.network_ids().ok().and_then(|ids| ids.into_iter().next()) {
            state.open_network(&id);
        }
        state
    }

    pub fn open_network(&mut self, id: &str) {
        let result = (|| -> Result<OpenNetwork, String> {
            let (store, doc, report) = self.data.open_network(id).map_err(|e| e.to_string())?;
            for problem in &report.problems {
                tracing::warn!("{problem}");
            }
            let network = Network::from_doc(doc).map_err(|e| e.to_string())?;
            let snapshot = network.snapshot().map_err(|e| e.to_string())?;
            let me = snapshot
                .member_for_device(&self.data.device_id())
                .map(|m| m.id.clone())
                .ok_or("this device is not a member of the network")?;
            Ok(OpenNetwork { network, store, me, snapshot })
        })();
        match result {
            Ok(open) => self.open = Some(open),
            Err(err) => self.error = Some(err),
        }
    }

    pub fn create_network(&mut self, name: &str, founder: &Profile) -> bool {
        let details = NetworkDetails { name: name.to_string(), ..Default::default() };
        let created = Network::create(&details, founder, &self.data.device_id()).map_err(|e| e.to_string()).and_then(
            |(mut network, me)| {
                let id = network.id().to_string();
                let mut store = self.data.create_network(&id, network.doc_mut()).map_err(|e| e.to_string())?;
                store.persist(network.doc_mut()).map_err(|e| e.to_string())?;
                let snapshot = network.snapshot().map_err(|e| e.to_string())?;
                Ok(OpenNetwork { network, store, me, snapshot })
            },
        );
        match created {
            Ok(open) => {
                self.open = Some(open);
                self.error = None;
                true
            }
            Err(err) => {
                self.error = Some(err);
                false
            }
        }
    }

    pub fn set_language(&mut self, language: Language) {
        self.language = language;
        if let Ok(mut config) = self.data.config() {
            config.language = language.code().to_string();
            let _ = self.data.save_config(&config);
        }
    }

    pub fn add_session(&mut self, session: &NewSession) -> Option<SessionId> {
        self.edit(|network, me| network.add_session(me, session))
    }

    /// Makes the notes read `text`; only the difference is written, so concurrent edits by
    /// others survive the merge.
    pub fn set_notes(&mut self, session: &SessionId, text: &str) {
        self.edit(|network, me| network.update_text(me, &TextField::Notes(session.clone()), text));
    }

    pub fn propose_question(&mut self, title: &str) -> Option<QuestionId> {
        self.edit(|network, me| network.add_question(me, title, ""))
    }

    pub fn toggle_vote(&mut self, question: &QuestionId) {
        let voted = self
            .open
            .as_ref()
            .is_some_and(|open| open.snapshot.questions.get(question).is_some_and(|q| q.votes.contains(&open.me)));
        self.edit(|network, me| if voted { network.retract_vote(me, question) } else { network.vote(me, question) });
    }

    pub fn set_status(&mut self, question: &QuestionId, status: QuestionStatus) {
        self.edit(|network, me| network.set_status(me, question, status));
    }

    /// Applies one edit as the current member, saves it, and refreshes the snapshot. A refused
    /// edit changes nothing and is shown as an inline message.
    fn edit<T>(&mut self, action: impl FnOnce(&mut Network, &MemberId) -> Result<T, ModelError>) -> Option<T> {
        let open = self.open.as_mut()?;
        let result = action(&mut open.network, &open.me).map_err(|e| e.to_string()).and_then(|value| {
            open.store.persist(open.network.doc_mut()).map_err(|e| e.to_string())?;
            open.snapshot = open.network.snapshot().map_err(|e| e.to_string())?;
            Ok(value)
        });
        match result {
            Ok(value) => {
                self.error = None;
                Some(value)
            }
            Err(err) => {
                self.error = Some(err);
                None
            }
        }
    }
}
