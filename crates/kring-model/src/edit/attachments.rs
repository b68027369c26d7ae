//! Attachments: a photo of the flip-chart, a recorded interview, the case as a PDF, hung on a
//! meeting, a learning question or an action-research cycle. The document holds what a person
//! needs to know of the file and its content hash; the bytes travel between members' laptops as
//! a blob (see `kring-node`), never through the document.

use automerge::{ObjId, ObjType, transaction::Transactable};

use crate::access;
use crate::changes::ChangeKind;
use crate::error::{Field, ModelError, Result};
use crate::ids::*;
use crate::network::Network;
use crate::schema::*;
use crate::snapshot::AttachedTo;
use crate::validate::{self, MAX_NAME};
use crate::vocab::AttachmentKind;

/// A file to attach, as the laptop that holds it describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttachment {
    /// The file's name (without its folder).
    pub name: String,
    pub kind: AttachmentKind,
    /// In bytes; at most [`MAX_ATTACHMENT_BYTES`].
    pub size: u64,
    /// The BLAKE3 hash of the bytes in lowercase hex, as the blob store names it.
    pub hash: String,
}

/// Whether `hash` is a content hash as Kring writes it: 64 lowercase hexadecimal digits.
pub fn is_content_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Network {
    /// Attaches a file (its bytes already in this laptop's store) to a meeting, a question or a
    /// cycle. Checked as every other laptop will check it: a name, a size within bounds, a
    /// well-formed hash, by a current member.
    pub fn add_attachment(&mut self, by: &MemberId, to: &AttachedTo, file: &NewAttachment) -> Result<AttachmentId> {
        self.current_member(by)?;
        let (name, file) = self.checked_attachment(file)?;
        let (parent, target) = self.attachable(to)?;
        let id = AttachmentId::random();
        let note = Network::note(by, ChangeKind::AttachmentAdded, target);
        self.change(note, |doc, now| {
            let record = doc.put_object(&parent, attachment_key(id.as_str()), ObjType::Map)?;
            doc.put(&record, NAME, name)?;
            doc.put(&record, KIND, file.kind.as_str())?;
            doc.put(&record, SIZE, file.size)?;
            doc.put(&record, HASH, file.hash.as_str())?;
            doc.put(&record, ADDED_BY, by.as_str())?;
            doc.put(&record, ADDED_AT, now)?;
            Ok(())
        })?;
        Ok(id)
    }

    /// A file's name, size and hash as every laptop checks them (see rule 45); its name trimmed.
    pub(crate) fn checked_attachment<'a>(&self, file: &'a NewAttachment) -> Result<(String, &'a NewAttachment)> {
        let name = validate::required(Field::Name, &file.name, MAX_NAME)?;
        if file.size > MAX_ATTACHMENT_BYTES {
            return Err(ModelError::AttachmentTooLarge { size: file.size, max: MAX_ATTACHMENT_BYTES });
        }
        if !is_content_hash(&file.hash) {
            return Err(ModelError::BadAttachmentHash(file.hash.chars().take(80).collect()));
        }
        Ok((name, file))
    }

    /// Puts an attachment in the bin: hidden from lists, its bytes kept until the bin is emptied
    /// (the next chapter), so that it can be restored.
    pub fn delete_attachment(&mut self, by: &MemberId, to: &AttachedTo, attachment: &AttachmentId) -> Result<()> {
        self.current_member(by)?;
        let (obj, target) = self.attachment_obj(to, attachment)?;
        if access::int(&self.doc, &obj, DELETED_AT).is_some() {
            return Ok(());
        }
        let note = Network::note(by, ChangeKind::AttachmentDeleted, target);
        self.change(note, |doc, now| Ok(doc.put(&obj, DELETED_AT, now)?))
    }

    pub fn restore_attachment(&mut self, by: &MemberId, to: &AttachedTo, attachment: &AttachmentId) -> Result<()> {
        self.current_member(by)?;
        let (obj, target) = self.attachment_obj(to, attachment)?;
        if access::int(&self.doc, &obj, DELETED_AT).is_none() {
            return Ok(());
        }
        let note = Network::note(by, ChangeKind::AttachmentRestored, target);
        self.change(note, |doc, _| Ok(doc.delete(&obj, DELETED_AT)?))
    }

    /// Whether something can be attached to `to` now (a meeting, question or cycle that exists
    /// and is not in the bin): asked before a file's bytes are taken into the store.
    pub fn check_attachable(&self, to: &AttachedTo) -> Result<()> {
        self.attachable(to).map(drop)
    }

    /// The map an attachment hangs in (a live meeting, question or cycle), and the record the
    /// change's note names (the meeting or the question, where "what changed" leads).
    fn attachable(&self, to: &AttachedTo) -> Result<(ObjId, String)> {
        match to {
            AttachedTo::Session(session) => Ok((self.live_session(session)?, session.to_string())),
            AttachedTo::Question(question) => Ok((self.live_question(question)?, question.to_string())),
            AttachedTo::Cycle { question, cycle } => {
                let obj = self.live_question(question)?;
                let cycle_obj =
                    self.child(&obj, CYCLES, cycle.as_str()).ok_or_else(|| ModelError::UnknownCycle(cycle.clone()))?;
                Ok((cycle_obj, question.to_string()))
            }
        }
    }

    fn attachment_obj(&self, to: &AttachedTo, attachment: &AttachmentId) -> Result<(ObjId, String)> {
        let (parent, target) = self.attachable(to)?;
        let obj = access::obj(&self.doc, &parent, &attachment_key(attachment.as_str()))
            .ok_or_else(|| ModelError::UnknownAttachment(attachment.clone()))?;
        Ok((obj, target))
    }
}
