//! Reflection on the key factors of network learning: the factor list and scoring rounds.

use automerge::{ObjType, transaction::Transactable};

use crate::access;
use crate::changes::ChangeKind;
use crate::error::{CoordinatorTask, Field, ModelError, Result};
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;
use crate::validate::{self, MAX_LONG, MAX_NAME};

impl Network {
    /// Adds a factor at the end of the list.
    pub fn add_factor(&mut self, by: &MemberId, name: &str) -> Result<FactorId> {
        self.coordinator(by, CoordinatorTask::Factors)?;
        let name = validate::required(Field::Factor, name, MAX_NAME)?;
        let factors = self.root_map(FACTORS)?;
        let last = access::keys(&self.doc, &factors)
            .iter()
            .filter_map(|k| access::obj(&self.doc, &factors, k))
            .filter_map(|f| access::float(&self.doc, &f, POSITION))
            .fold(-1.0_f64, f64::max);
        let id = FactorId::random();
        let note = Network::note(by, ChangeKind::FactorEdited, &id);
        self.change(note, |doc, now| {
            let obj = doc.put_object(&factors, id.as_str(), ObjType::Map)?;
            doc.put(&obj, NAME, name)?;
            doc.put(&obj, POSITION, last + 1.0)?;
            doc.put(&obj, CREATED_AT, now)?;
            Ok(())
        })?;
        Ok(id)
    }

    pub fn rename_factor(&mut self, by: &MemberId, factor: &FactorId, name: &str) -> Result<()> {
        self.coordinator(by, CoordinatorTask::Factors)?;
        let obj = self.factor_obj(factor)?;
        let name = validate::required(Field::Factor, name, MAX_NAME)?;
        let note = Network::note(by, ChangeKind::FactorEdited, factor);
        self.change(note, |doc, _| Ok(doc.put(&obj, NAME, name)?))
    }

    /// Takes a factor out of future rounds; earlier rounds keep their scores for it.
    pub fn remove_factor(&mut self, by: &MemberId, factor: &FactorId) -> Result<()> {
        self.coordinator(by, CoordinatorTask::Factors)?;
        let obj = self.factor_obj(factor)?;
        let note = Network::note(by, ChangeKind::FactorEdited, factor);
        self.change(note, |doc, now| Ok(doc.put(&obj, REMOVED_AT, now)?))
    }

    /// Opens a round on the factors in use now.
    pub fn open_round(&mut self, by: &MemberId, title: &str) -> Result<RoundId> {
        self.coordinator(by, CoordinatorTask::OpenRound)?;
        let title = validate::required(Field::Title, title, MAX_NAME)?;
        let factors = self.root_map(FACTORS)?;
        let active: Vec<String> = access::keys(&self.doc, &factors)
            .into_iter()
            .filter(|k| {
                access::obj(&self.doc, &factors, k).is_some_and(|f| access::int(&self.doc, &f, REMOVED_AT).is_none())
            })
            .collect();
        let rounds = self.root_map(REFLECTIONS)?;
        let id = RoundId::random();
        let note = Network::note(by, ChangeKind::RoundOpened, &id);
        self.change(note, |doc, now| {
            let obj = doc.put_object(&rounds, id.as_str(), ObjType::Map)?;
            doc.put(&obj, TITLE, title)?;
            doc.put(&obj, OPENED_BY, by.as_str())?;
            doc.put(&obj, OPENED_AT, now)?;
            let round_factors = doc.put_object(&obj, FACTORS, ObjType::Map)?;
            for factor in active {
                doc.put(&round_factors, factor, true)?;
            }
            doc.put_object(&obj, SCORES, ObjType::Map)?;
            doc.put_object(&obj, COMMENTS, ObjType::Map)?;
            Ok(())
        })?;
        Ok(id)
    }

    /// A member's own score (1–5) and optional comment on one factor; scoring again replaces it.
    pub fn score(
        &mut self,
        by: &MemberId,
        round: &RoundId,
        factor: &FactorId,
        score: i64,
        comment: &str,
    ) -> Result<()> {
        self.current_member(by)?;
        let obj = self.round_obj(round)?;
        if access::int(&self.doc, &obj, CLOSED_AT).is_some() {
            return Err(ModelError::RoundClosed(round.clone()));
        }
        let in_round = self.child_map(&obj, FACTORS)?;
        if access::boolean(&self.doc, &in_round, factor.as_str()) != Some(true) {
            return Err(ModelError::UnknownFactor(factor.clone()));
        }
        let score = validate::score(score)?;
        let comment = validate::optional(Field::Comment, comment, MAX_LONG)?;
        let scores = self.child_map(&obj, SCORES)?;
        let comments = self.child_map(&obj, COMMENTS)?;
        let key = score_key(by.as_str(), factor.as_str());
        let note = Network::note(by, ChangeKind::Scored, round);
        self.change(note, |doc, _| {
            doc.put(&scores, key.as_str(), score)?;
            if comment.is_empty() {
                if access::string(doc, &comments, &key).is_some() {
                    doc.delete(&comments, key.as_str())?;
                }
            } else {
                doc.put(&comments, key.as_str(), comment)?;
            }
            Ok(())
        })
    }

    pub fn close_round(&mut self, by: &MemberId, round: &RoundId) -> Result<()> {
        self.coordinator(by, CoordinatorTask::CloseRound)?;
        let obj = self.round_obj(round)?;
        let note = Network::note(by, ChangeKind::RoundClosed, round);
        self.change(note, |doc, now| Ok(doc.put(&obj, CLOSED_AT, now)?))
    }
}
