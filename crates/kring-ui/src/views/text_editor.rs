//! A text several people type in at once (agenda, notes, details, insights).
//!
//! The editor keeps a draft: the text of the view it last adopted plus the keystrokes typed
//! since. Each keystroke is recorded as a splice at egui's character index and sent to the
//! node with the view version it was made on, so it lands where the typist saw it. A newer
//! view (with remote edits) is adopted only once it includes every keystroke sent, so nothing
//! typed ever flickers away; the caret then comes back where the node's cursor says it is.

use std::any::TypeId;
use std::ops::Range;

use egui::TextBuffer;
use egui::text::{CCursor, CCursorRange, CharIndex};
use kring_model::{Splice, TextField};
use kring_node::client::Command;

use crate::state::{After, AppState};

/// The editor's side of one text.
#[derive(Debug, Default)]
pub struct Draft {
    pub text: String,
    /// The view version the text was adopted from.
    version: u64,
    /// The last typing request sent for this text.
    last_sent: u64,
    caret: Option<(usize, usize)>,
    /// A search hit to select and scroll to once the editor is drawn (character range).
    pub highlight: Option<(usize, usize)>,
}

impl Draft {
    /// Where the caret is (selection start and end), as the typist last left it or as remote
    /// edits moved it.
    pub fn caret(&self) -> Option<(usize, usize)> {
        self.caret
    }
}

/// Shows the editor for `field`, whose current text in the open view is `current`.
pub fn show(
    ui: &mut egui::Ui,
    state: &mut AppState,
    draft: &mut Draft,
    field: &TextField,
    current: &str,
    label: &str,
    rows: usize,
) {
    let Some(view) = &state.view else { return };
    let id = ui.make_persistent_id(("text", field));
    let first = draft.version == 0;
    if first || (view.version > draft.version && view.typed >= draft.last_sent) {
        if !first && draft.text != current {
            // Remote edits arrived: keep the caret where the node's cursor says it is now.
            let caret = view.caret.as_ref().filter(|(f, ..)| f == field).map(|(_, start, end)| (*start, *end));
            if let Some((start, end)) = caret
                && let Some(mut edit_state) = egui::text_edit::TextEditState::load(ui.ctx(), id)
            {
                let range = CCursorRange::two(CCursor::new(CharIndex(start)), CCursor::new(CharIndex(end)));
                edit_state.cursor.set_char_range(Some(range));
                edit_state.store(ui.ctx(), id);
                draft.caret = Some((start, end));
            }
        }
        draft.text = current.to_string();
        draft.version = view.version;
    }
    let network = view.network.clone();

    // A search hit: the editor takes the focus first, then the hit is selected (egui keeps a
    // selection only in a focused editor).
    let focused = ui.memory(|m| m.has_focus(id));
    if let Some((start, end)) = draft.highlight.filter(|_| focused) {
        let mut edit_state = egui::text_edit::TextEditState::load(ui.ctx(), id).unwrap_or_default();
        let range = CCursorRange::two(CCursor::new(CharIndex(start)), CCursor::new(CharIndex(end)));
        edit_state.cursor.set_char_range(Some(range));
        edit_state.store(ui.ctx(), id);
    }

    let label = ui.label(label);
    let mut buffer = Recording { text: &mut draft.text, splices: Vec::new() };
    let output = egui::TextEdit::multiline(&mut buffer).id(id).desired_rows(rows).desired_width(f32::INFINITY).show(ui);
    let response = output.response.response.clone().labelled_by(label.id);
    if draft.highlight.is_some() {
        response.scroll_to_me(Some(egui::Align::Center));
        if focused {
            draft.highlight = None;
        } else {
            response.request_focus();
            ui.ctx().request_repaint();
        }
    }
    let splices = buffer.splices;
    let caret = output.cursor_range.map(|range| {
        let [start, end] = range.sorted_cursors();
        (start.index.0, end.index.0)
    });
    let caret_moved = response.has_focus() && caret.is_some() && caret != draft.caret;
    if !splices.is_empty() || caret_moved {
        draft.caret = caret;
        let command = Command::Type { network, field: field.clone(), seen: draft.version, splices, caret };
        draft.last_sent = state.send(command, After::Nothing);
    }
}

/// A `String` that remembers every change egui makes to it, as splices.
struct Recording<'a> {
    text: &'a mut String,
    splices: Vec<Splice>,
}

impl TextBuffer for Recording<'_> {
    fn is_mutable(&self) -> bool {
        true
    }

    fn as_str(&self) -> &str {
        self.text.as_str()
    }

    fn insert_text(&mut self, text: &str, char_index: CharIndex) -> usize {
        let inserted = self.text.insert_text(text, char_index);
        if inserted > 0 {
            self.splices.push(Splice { pos: char_index.0, delete: 0, insert: text.to_string() });
        }
        inserted
    }

    fn delete_char_range(&mut self, char_range: Range<CharIndex>) {
        if char_range.start < char_range.end {
            let (pos, end) = (char_range.start.0, char_range.end.0);
            self.splices.push(Splice { pos, delete: end - pos, insert: String::new() });
            self.text.delete_char_range(char_range);
        }
    }

    /// Undo and redo replace the whole text; write only what differs, so the undo does not
    /// wipe what others typed meanwhile.
    fn replace_with(&mut self, text: &str) {
        if let Some(splice) = difference(self.text, text) {
            self.splices.push(splice);
            *self.text = text.to_string();
        }
    }

    fn type_id(&self) -> TypeId {
        TypeId::of::<Recording<'static>>()
    }
}

/// The one splice that turns `old` into `new`: everything between their common start and end.
fn difference(old: &str, new: &str) -> Option<Splice> {
    if old == new {
        return None;
    }
    let old: Vec<char> = old.chars().collect();
    let new: Vec<char> = new.chars().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..].iter().rev().zip(new[prefix..].iter().rev()).take_while(|(a, b)| a == b).count();
    Some(Splice {
        pos: prefix,
        delete: old.len() - prefix - suffix,
        insert: new[prefix..new.len() - suffix].iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_difference_is_the_changed_middle() {
        let splice = difference("Grüße aus Köln", "Grüße uit Köln!").unwrap();
        assert_eq!(splice, Splice { pos: 6, delete: 8, insert: "uit Köln!".into() });
        let splice = difference("abcabc", "abc").unwrap();
        assert_eq!((splice.pos, splice.delete, splice.insert.as_str()), (3, 3, ""));
        assert!(difference("same", "same").is_none());
    }
}
