//! Typing into a text that others change at the same time.
//!
//! An editor on screen shows the text as it was at some version (`view`, a set of heads) plus
//! what the typist did since. Its keystrokes name positions in *that* text. If remote changes
//! were merged in the meantime, the same number means a different place in the current text,
//! so each batch of keystrokes is written on top of the typist's version (Automerge isolation)
//! and then joined with the present: the keystrokes land exactly where the typist saw them, and
//! the returned version is again exactly what the typist's screen shows.
//!
//! The caret is kept as an Automerge cursor on the character before it, so it stays behind the
//! typist's own text however much others insert or delete elsewhere.

use automerge::{ChangeHash, Cursor, CursorPosition, MoveCursor, ReadDoc, transaction::Transactable};

use super::text::TextField;
use crate::error::{ModelError, Result};
use crate::ids::MemberId;
use crate::network::Network;
use crate::trust::MAX_TEXT_INSERT;
use crate::validate::MAX_TEXT;

/// One keystroke, paste or cut: delete `delete` characters at `pos`, then insert `insert`.
/// Positions count characters, as egui's text cursor does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    pub pos: usize,
    pub delete: usize,
    pub insert: String,
}

/// Where a typist's caret is, in a form that survives remote edits.
#[derive(Debug, Clone, PartialEq)]
pub enum CaretAnchor {
    /// Before the first character.
    Start,
    /// Just after this character (or where it was, if someone deleted it).
    After(Cursor),
}

impl Network {
    /// Applies `splices`, each relative to the text left by the ones before it, to the text as
    /// it was at `view`, as one change by `by`. Returns the version the typist now sees. A
    /// refused batch (a range outside the text, too long, not a member) changes nothing.
    pub fn type_text(
        &mut self,
        by: &MemberId,
        field: &TextField,
        view: &[ChangeHash],
        splices: &[Splice],
    ) -> Result<Vec<ChangeHash>> {
        self.current_member(by)?;
        // Typing on the present is the common case and needs no isolation.
        let isolated = self.doc.get_heads() != view;
        if isolated {
            self.doc.isolate(view);
        }
        let written = self.write_splices(by, field, splices);
        let seen = self.doc.get_heads();
        if isolated {
            self.doc.integrate();
        }
        written.map(|()| seen)
    }

    fn write_splices(&mut self, by: &MemberId, field: &TextField, splices: &[Splice]) -> Result<()> {
        let obj = self.text_object(field)?;
        let (what, target) = field.change();
        let note = Network::note(by, what, target);
        let name = field.field();
        // Every splice is checked against the length the ones before it leave, before anything
        // is written: a refused batch changes nothing.
        let mut len = self.doc.length(&obj);
        for splice in splices {
            if splice.pos.checked_add(splice.delete).is_none_or(|end| end > len) {
                return Err(ModelError::BadTextRange { field: name, pos: splice.pos + splice.delete, len });
            }
            len = len - splice.delete + splice.insert.chars().count();
            if len > MAX_TEXT {
                return Err(ModelError::TooLong { field: name, len, max: MAX_TEXT });
            }
        }
        let inserted: usize = splices.iter().map(|s| s.insert.chars().count()).sum();
        if inserted > MAX_TEXT_INSERT {
            // A paste longer than one change may hold: each splice on its own, in pieces.
            for splice in splices {
                self.splice_in_pieces(&note, &obj, splice.pos, splice.delete, &splice.insert)?;
            }
            return Ok(());
        }
        self.change(note, |doc, _| {
            for splice in splices {
                doc.splice_text(&obj, splice.pos, splice.delete as isize, &splice.insert)?;
            }
            Ok(())
        })
    }

    /// Anchors a caret at `pos` in the text as it was at `view`.
    pub fn caret_anchor(&self, field: &TextField, view: &[ChangeHash], pos: usize) -> Result<CaretAnchor> {
        if pos == 0 {
            return Ok(CaretAnchor::Start);
        }
        let obj = self.text_object(field)?;
        let before = CursorPosition::Index(pos - 1);
        Ok(CaretAnchor::After(self.doc.get_cursor_moving(&obj, before, Some(view), MoveCursor::Before)?))
    }

    /// Where an anchored caret is in the current text.
    pub fn caret_position(&self, field: &TextField, anchor: &CaretAnchor) -> Result<usize> {
        let CaretAnchor::After(cursor) = anchor else { return Ok(0) };
        let obj = self.text_object(field)?;
        let len = self.doc.length(&obj);
        // A deleted anchor resolves to the character that was before it (Automerge's
        // MoveCursor::Before), so the caret stays where the deleted text was.
        let position = self.doc.get_cursor_position(&obj, cursor, None)?;
        Ok((position + 1).min(len))
    }
}
