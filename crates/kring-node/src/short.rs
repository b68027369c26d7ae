//! Text from a peer (a network id, an invite id, an error that quotes either) is shortened
//! before it is logged or reported: a stranger must not be able to write a 16 MB line into
//! someone's log, nor break it into lines of its own.

use std::borrow::Cow;

/// How much of an id from a peer is kept: real ids are 32 characters (devices: 64).
pub const SHORT: usize = 64;

/// `text` in at most [`SHORT`] characters.
pub fn shorten(text: &str) -> Cow<'_, str> {
    shorten_to(text, SHORT)
}

/// `text` in at most `max` characters (the last one '…' when it was cut), with control
/// characters (line breaks, escapes) replaced by '�'.
pub fn shorten_to(text: &str, max: usize) -> Cow<'_, str> {
    let clean = !text.chars().any(char::is_control);
    let cut = text.char_indices().nth(max).map(|(at, _)| at);
    if clean && cut.is_none() {
        return Cow::Borrowed(text);
    }
    let keep = if cut.is_some() { max.saturating_sub(1) } else { max };
    let mut short: String = text.chars().take(keep).map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect();
    if cut.is_some() {
        short.push('…');
    }
    Cow::Owned(short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_long_text_is_cut_with_an_ellipsis() {
        assert_eq!(shorten("0123abcd"), "0123abcd");
        let exact = "x".repeat(SHORT);
        assert_eq!(shorten(&exact), exact.as_str());
        let long = "ä".repeat(16 * 1024 * 1024);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), SHORT);
        assert!(short.ends_with('…'));
        assert_eq!(shorten_to("abcdef", 3), "ab…");
    }

    #[test]
    fn control_characters_never_reach_the_log() {
        assert_eq!(shorten("a\nb\u{1b}[2J"), "a\u{fffd}b\u{fffd}[2J");
    }
}
