//! Field checks shared by every edit. They run before anything is written.

use crate::error::{Field, ModelError, Result};

/// Names and titles: one line a person can read at a glance.
pub const MAX_NAME: usize = 200;
/// Short descriptive fields: organisation, location, region, themes.
pub const MAX_SHORT: usize = 200;
/// Longer plain fields: network description, action text, reflection comments.
pub const MAX_LONG: usize = 5_000;
/// A guest's chosen name in a room (a first name, or nothing for "anoniem").
pub const MAX_GUEST_NAME: usize = 40;
/// What a guest types on a phone: a proposed question, a reaction, a comment on a score.
pub const MAX_GUEST_TEXT: usize = 500;
/// One collaborative text (notes of one meeting, details of a question). Generous: a whole
/// day's minutes fit many times, while a runaway paste cannot bloat every member's copy.
pub const MAX_TEXT: usize = 500_000;

/// A required one-line field: trimmed, not empty, not too long.
pub fn required(field: Field, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ModelError::Empty { field });
    }
    optional(field, value, max)
}

/// An optional field: trimmed, may be empty, not too long.
pub fn optional(field: Field, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    let len = value.chars().count();
    if len > max {
        return Err(ModelError::TooLong { field, len, max });
    }
    Ok(value.to_string())
}

/// A device id as Kring writes it: an iroh endpoint id, 64 lowercase hex digits.
pub fn device_id(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// An id as Kring writes it (a network's, a member's, a record's): letters, digits, `-` and
/// `_`, at most 64 of them, as the trust rules take ids.
pub fn id(value: &str) -> bool {
    (1..=64).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A meeting date: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (local time of the network), stored in
/// that canonical form so that dates sort as text.
pub fn date_time(value: &str) -> Result<String> {
    let value = value.trim();
    let bad = || ModelError::BadDate { got: value.to_string() };
    if let Ok(date) = value.parse::<jiff::civil::Date>()
        && value.len() == 10
    {
        return Ok(date.strftime("%Y-%m-%d").to_string());
    }
    let dt: jiff::civil::DateTime = value.parse().map_err(|_| bad())?;
    if dt.second() != 0 || dt.subsec_nanosecond() != 0 {
        return Err(bad());
    }
    Ok(dt.strftime("%Y-%m-%dT%H:%M").to_string())
}

/// A plain date (`YYYY-MM-DD`), e.g. an action's due date.
pub fn date(value: &str) -> Result<String> {
    let value = value.trim();
    let date: jiff::civil::Date = value.parse().map_err(|_| ModelError::BadDate { got: value.to_string() })?;
    Ok(date.strftime("%Y-%m-%d").to_string())
}

pub fn score(score: i64) -> Result<i64> {
    if (1..=5).contains(&score) { Ok(score) } else { Err(ModelError::BadScore(score)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_must_not_be_blank() {
        assert_eq!(required(Field::Name, "  Anna de Vries ", MAX_NAME).unwrap(), "Anna de Vries");
        assert!(matches!(required(Field::Name, " \t\n", MAX_NAME), Err(ModelError::Empty { field: Field::Name })));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let ok = "é".repeat(MAX_NAME);
        assert!(required(Field::Name, &ok, MAX_NAME).is_ok());
        let too_long = "é".repeat(MAX_NAME + 1);
        assert!(matches!(
            required(Field::Name, &too_long, MAX_NAME),
            Err(ModelError::TooLong { len, .. }) if len == MAX_NAME + 1
        ));
    }

    #[test]
    fn dates_are_canonical() {
        assert_eq!(date_time("2026-11-24").unwrap(), "2026-11-24");
        assert_eq!(date_time("2026-11-24T15:30").unwrap(), "2026-11-24T15:30");
        assert!(date_time("24-11-2026").is_err());
        assert!(date_time("2026-02-30").is_err());
        assert!(date_time("2026-11-24T25:00").is_err());
        assert!(date_time("").is_err());
        assert_eq!(date("2027-01-05").unwrap(), "2027-01-05");
    }

    #[test]
    fn scores_run_from_one_to_five() {
        assert!(score(1).is_ok() && score(5).is_ok());
        assert!(score(0).is_err() && score(6).is_err());
    }
}
