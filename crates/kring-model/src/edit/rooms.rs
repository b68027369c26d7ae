//! A meeting's room for phones: opened by a member whose laptop serves it on the LAN, holding
//! what the member chose to show guests; guests' contributions are written by that laptop.

use std::collections::BTreeMap;

use automerge::{ObjId, ObjType, transaction::Transactable};

use crate::access;
use crate::changes::ChangeKind;
use crate::edit::attachments::NewAttachment;
use crate::error::{Field, ModelError, Result};
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;
use crate::validate::{self, MAX_GUEST_NAME, MAX_GUEST_TEXT};
use crate::vocab::{AttachmentKind, GuestKind, GuestPerspective};

/// What a room holds, chosen when it opens (the meeting's title and agenda always).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoomSetup {
    /// Learning questions guests may vote on.
    pub questions: Vec<QuestionId>,
    /// An open reflection round guests may score.
    pub reflection: Option<RoundId>,
    /// Whether guests may propose a learning question.
    pub proposals: bool,
    /// Whether guests may leave a short reaction.
    pub reactions: bool,
    /// Whether guests may send a photo (re-encoded by the laptop serving the room).
    pub photos: bool,
}

/// Who a guest said they are. An empty name is "anoniem".
#[derive(Debug, Clone, PartialEq)]
pub struct Guest {
    pub id: GuestId,
    pub name: String,
    pub perspective: GuestPerspective,
}

/// One thing a guest sends.
#[derive(Debug, Clone, PartialEq)]
pub enum GuestInput {
    Vote {
        question: QuestionId,
    },
    Question {
        text: String,
    },
    /// Scores 1–5 per factor of the room's round, and an optional comment.
    Score {
        scores: BTreeMap<FactorId, i64>,
        comment: String,
    },
    Reaction {
        text: String,
    },
    /// A photo whose bytes (re-encoded by the laptop serving the room) are already in its
    /// store: written as an attachment of the meeting that names this contribution.
    Photo {
        file: NewAttachment,
    },
}

impl GuestInput {
    pub fn kind(&self) -> GuestKind {
        match self {
            GuestInput::Vote { .. } => GuestKind::Vote,
            GuestInput::Question { .. } => GuestKind::Question,
            GuestInput::Score { .. } => GuestKind::Score,
            GuestInput::Reaction { .. } => GuestKind::Reaction,
            GuestInput::Photo { .. } => GuestKind::Photo,
        }
    }
}

impl Network {
    /// Opens a room for phones in a meeting; the laptop of `by` serves it and writes what
    /// guests send.
    pub fn open_room(&mut self, by: &MemberId, session: &SessionId, setup: &RoomSetup) -> Result<RoomId> {
        self.current_member(by)?;
        let obj = self.live_session(session)?;
        for question in &setup.questions {
            self.live_question(question)?;
        }
        if let Some(round) = &setup.reflection {
            let round_obj = self.round_obj(round)?;
            if access::int(&self.doc, &round_obj, CLOSED_AT).is_some() {
                return Err(ModelError::RoundClosed(round.clone()));
            }
        }
        let id = RoomId::random();
        let note = Network::note(by, ChangeKind::RoomOpened, session);
        self.change(note, |doc, now| {
            let room = doc.put_object(&obj, room_key(id.as_str()), ObjType::Map)?;
            doc.put(&room, OPENED_BY, by.as_str())?;
            doc.put(&room, OPENED_AT, now)?;
            let questions = doc.put_object(&room, QUESTIONS, ObjType::Map)?;
            for question in &setup.questions {
                doc.put(&questions, question.as_str(), true)?;
            }
            if let Some(round) = &setup.reflection {
                doc.put(&room, REFLECTION, round.as_str())?;
            }
            doc.put(&room, PROPOSALS, setup.proposals)?;
            doc.put(&room, REACTIONS, setup.reactions)?;
            // Only when it does: a laptop of an earlier version still takes a room without it.
            if setup.photos {
                doc.put(&room, PHOTOS, true)?;
            }
            doc.put_object(&room, GUESTS, ObjType::Map)?;
            Ok(())
        })?;
        Ok(id)
    }

    /// Closes a room: from then on no laptop accepts a guest's contribution for it.
    pub fn close_room(&mut self, by: &MemberId, session: &SessionId, room: &RoomId) -> Result<()> {
        self.current_member(by)?;
        let obj = self.room_obj(session, room)?;
        if access::int(&self.doc, &obj, CLOSED_AT).is_some() {
            return Ok(());
        }
        let note = Network::note(by, ChangeKind::RoomClosed, session);
        self.change(note, |doc, now| Ok(doc.put(&obj, CLOSED_AT, now)?))
    }

    /// Writes what a guest sent, as the laptop of `by` that serves the room. Checked as every
    /// other laptop will check it: the room is open and `by`'s, and takes this kind.
    pub fn add_guest_contribution(
        &mut self,
        by: &MemberId,
        session: &SessionId,
        room: &RoomId,
        guest: &Guest,
        input: &GuestInput,
    ) -> Result<ContributionId> {
        self.current_member(by)?;
        let obj = self.room_obj(session, room)?;
        let doc = &self.doc;
        if access::int(doc, &obj, CLOSED_AT).is_some()
            || access::string(doc, &obj, OPENED_BY).as_deref() != Some(by.as_str())
        {
            return Err(ModelError::RoomClosed(room.clone()));
        }
        let name = validate::optional(Field::Name, &guest.name, MAX_GUEST_NAME)?;
        let refused = || ModelError::NotInRoom(input.kind());
        let mut photo = None;
        let (text, scores) = match input {
            GuestInput::Vote { question } => {
                let in_room = access::obj(doc, &obj, QUESTIONS)
                    .is_some_and(|qs| access::boolean(doc, &qs, question.as_str()) == Some(true));
                if !in_room {
                    return Err(refused());
                }
                (String::new(), BTreeMap::new())
            }
            GuestInput::Question { text } | GuestInput::Reaction { text } => {
                let allowed = if input.kind() == GuestKind::Question { PROPOSALS } else { REACTIONS };
                if access::boolean(doc, &obj, allowed) != Some(true) {
                    return Err(refused());
                }
                let field = if input.kind() == GuestKind::Question { Field::Title } else { Field::Comment };
                (validate::required(field, text, MAX_GUEST_TEXT)?, BTreeMap::new())
            }
            GuestInput::Score { scores, comment } => {
                let round = access::string(doc, &obj, REFLECTION).map(RoundId::new).ok_or_else(refused)?;
                let round_obj = self.round_obj(&round)?;
                if access::int(doc, &round_obj, CLOSED_AT).is_some() {
                    return Err(ModelError::RoundClosed(round));
                }
                let factors = self.child_map(&round_obj, FACTORS)?;
                if scores.is_empty() {
                    return Err(refused());
                }
                let mut checked = BTreeMap::new();
                for (factor, score) in scores {
                    if access::boolean(doc, &factors, factor.as_str()) != Some(true) {
                        return Err(ModelError::UnknownFactor(factor.clone()));
                    }
                    checked.insert(factor.clone(), validate::score(*score)?);
                }
                (validate::optional(Field::Comment, comment, MAX_GUEST_TEXT)?, checked)
            }
            GuestInput::Photo { file } => {
                if access::boolean(doc, &obj, PHOTOS) != Some(true) || file.kind != AttachmentKind::Image {
                    return Err(refused());
                }
                photo = Some(self.checked_attachment(file)?);
                (String::new(), BTreeMap::new())
            }
        };
        let guests = self.child_map(&obj, GUESTS)?;
        let meeting = self.live_session(session)?;
        let id = ContributionId::random();
        let attachment = AttachmentId::random();
        let note = Network::note(by, ChangeKind::GuestContributed, session);
        self.change(note, |doc, now| {
            let record = doc.put_object(&guests, id.as_str(), ObjType::Map)?;
            doc.put(&record, GUEST, guest.id.as_str())?;
            doc.put(&record, NAME, name)?;
            doc.put(&record, PERSPECTIVE, guest.perspective.as_str())?;
            doc.put(&record, KIND, input.kind().as_str())?;
            doc.put(&record, CREATED_AT, now)?;
            if let GuestInput::Vote { question } = input {
                doc.put(&record, QUESTION, question.as_str())?;
            }
            if !text.is_empty() {
                doc.put(&record, TEXT, text)?;
            }
            if !scores.is_empty() {
                let map = doc.put_object(&record, SCORES, ObjType::Map)?;
                for (factor, score) in scores {
                    doc.put(&map, factor.as_str(), score)?;
                }
            }
            // A photo: the contribution and the meeting's attachment name each other, in one
            // change, so that every laptop can check the one against the other.
            if let Some((file_name, file)) = &photo {
                doc.put(&record, ATTACHMENT, attachment.as_str())?;
                let file_record = doc.put_object(&meeting, attachment_key(attachment.as_str()), ObjType::Map)?;
                doc.put(&file_record, NAME, file_name.as_str())?;
                doc.put(&file_record, KIND, file.kind.as_str())?;
                doc.put(&file_record, SIZE, file.size)?;
                doc.put(&file_record, HASH, file.hash.as_str())?;
                doc.put(&file_record, ADDED_BY, by.as_str())?;
                doc.put(&file_record, ADDED_AT, now)?;
                doc.put(&file_record, ROOM, room.as_str())?;
                doc.put(&file_record, CONTRIBUTION, id.as_str())?;
            }
            Ok(())
        })?;
        Ok(id)
    }

    pub(crate) fn room_obj(&self, session: &SessionId, room: &RoomId) -> Result<ObjId> {
        let obj = self.session_obj(session)?;
        access::obj(&self.doc, &obj, &room_key(room.as_str())).ok_or_else(|| ModelError::UnknownRoom(room.clone()))
    }
}
