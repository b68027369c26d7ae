//! Dates the way people in the Netherlands type and read them. The document keeps the
//! sortable form (`2026-12-07T15:30`); people type `7-12-2026 15:30` or `7 dec 15:30` and read
//! "ma 7 dec 2026, 15:30".

use jiff::civil::{Date, DateTime, Time};

use super::Language;

/// Reads a date, optionally with a time, as typed: `7-12-2026`, `7/12/2026 15:30`,
/// `7 dec 2026 15.30`, `7 december`, `7 dec om 15:30`, or the stored `2026-12-07T15:30`. A date
/// without a year is the next such day from `today`. Answers in the stored form, or `None`.
pub fn parse_date_time(text: &str, today: Date) -> Option<String> {
    let text = text.trim().to_lowercase().replace(',', " ");
    if text.is_empty() {
        return None;
    }
    // The stored form, with a 'T' or a space between date and time.
    if let Ok(date) = text.parse::<Date>()
        && text.len() == 10
    {
        return Some(stored_date(date));
    }
    if let Ok(dt) = text.replacen(' ', "T", 1).parse::<DateTime>() {
        return Some(stored(dt.date(), Some(dt.time())));
    }
    let words: Vec<&str> = text.split_whitespace().filter(|w| *w != "om" && *w != "at").collect();
    let (date, rest) = match words.as_slice() {
        [numeric, rest @ ..] if numeric.contains(['-', '/']) => (numeric_date(numeric)?, rest),
        [day, month, rest @ ..] if month_number(month).is_some() => {
            let day: i8 = day.trim_end_matches('.').parse().ok()?;
            let month = month_number(month)?;
            match rest {
                [year, rest @ ..] if year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) => {
                    (Date::new(year.parse().ok()?, month, day).ok()?, rest)
                }
                _ => (next_day_of(today, month, day)?, rest),
            }
        }
        _ => return None,
    };
    match rest {
        [] => Some(stored_date(date)),
        [time] => Some(stored(date, Some(parse_time(time)?))),
        _ => None,
    }
}

/// Reads a plain date (an action's due date, a cycle's start); answers `YYYY-MM-DD`.
pub fn parse_date(text: &str, today: Date) -> Option<String> {
    let stored = parse_date_time(text, today)?;
    (stored.len() == 10).then_some(stored)
}

/// `7-12-2026`, `07/12/26`: day, month, year.
fn numeric_date(text: &str) -> Option<Date> {
    let parts: Vec<&str> = text.split(['-', '/']).collect();
    let [day, month, year] = parts.as_slice() else { return None };
    let mut year: i16 = year.parse().ok()?;
    if year < 100 {
        year += 2000;
    }
    Date::new(year, month.parse().ok()?, day.parse().ok()?).ok()
}

fn parse_time(text: &str) -> Option<Time> {
    let text = text.trim_end_matches('u');
    let (hour, minute) = text.split_once([':', '.', 'u']).unwrap_or((text, "0"));
    Time::new(hour.parse().ok()?, minute.parse().ok()?, 0, 0).ok()
}

/// The first `day` of `month` on or after `today`.
fn next_day_of(today: Date, month: i8, day: i8) -> Option<Date> {
    let this_year = Date::new(today.year(), month, day).ok();
    match this_year {
        Some(date) if date >= today => Some(date),
        _ => Date::new(today.year() + 1, month, day).ok(),
    }
}

fn month_number(word: &str) -> Option<i8> {
    let word = word.trim_end_matches('.');
    const MONTHS: [&[&str]; 12] = [
        &["jan", "januari", "january"],
        &["feb", "februari", "february"],
        &["mrt", "maart", "mar", "march"],
        &["apr", "april"],
        &["mei", "may"],
        &["jun", "juni", "june"],
        &["jul", "juli", "july"],
        &["aug", "augustus", "august"],
        &["sep", "sept", "september"],
        &["okt", "oktober", "oct", "october"],
        &["nov", "november"],
        &["dec", "december"],
    ];
    MONTHS.iter().position(|names| names.contains(&word)).map(|i| i as i8 + 1)
}

fn stored_date(date: Date) -> String {
    date.strftime("%Y-%m-%d").to_string()
}

fn stored(date: Date, time: Option<Time>) -> String {
    match time {
        Some(time) => format!("{}T{}", stored_date(date), time.strftime("%H:%M")),
        None => stored_date(date),
    }
}

/// A stored date as people read it: "wo 9 dec 2026, 15:30" / "Wed 9 Dec 2026, 15:30". Text that
/// is not a stored date is shown as it is.
pub fn show_date(language: Language, stored: &str) -> String {
    let (date, time) = match stored.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (stored, None),
    };
    let Ok(date) = date.parse::<Date>() else { return stored.to_string() };
    let weekday = date.weekday().to_monday_zero_offset() as usize;
    let month = date.month() as usize - 1;
    let days = match language {
        Language::Nl => ["ma", "di", "wo", "do", "vr", "za", "zo"],
        Language::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    };
    let day = format!("{} {} {} {}", days[weekday], date.day(), short_months(language)[month], date.year());
    match time {
        Some(time) => format!("{day}, {time}"),
        None => day,
    }
}

/// Months as short words: "okt" / "Oct".
pub fn short_months(language: Language) -> [&'static str; 12] {
    match language {
        Language::Nl => ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
        Language::En => ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    }
}

/// A date without its weekday, for the axis of a picture: "1 sep 2026" / "1 Sep 2026".
pub fn axis_date(language: Language, date: Date) -> String {
    format!("{} {} {}", date.day(), short_months(language)[date.month() as usize - 1], date.year())
}

/// A stored date written out in full, for what leaves Kring (notes, the report, attendance):
/// "8 oktober 2026, 15:30" / "8 October 2026, 15:30". Text that is not a stored date is kept.
pub fn long_date(language: Language, stored: &str) -> String {
    let (date, time) = match stored.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (stored, None),
    };
    let Ok(date) = date.parse::<Date>() else { return stored.to_string() };
    const NL: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let months = match language {
        Language::Nl => NL,
        Language::En => EN,
    };
    let day = format!("{} {} {}", date.day(), months[date.month() as usize - 1], date.year());
    match time {
        Some(time) => format!("{day}, {time}"),
        None => day,
    }
}

/// A stored date as people type it back (`7-12-2026 15:30`), for editing.
pub fn typed_date(stored: &str) -> String {
    let (date, time) = match stored.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (stored, None),
    };
    let Ok(date) = date.parse::<Date>() else { return stored.to_string() };
    let day = format!("{}-{}-{}", date.day(), date.month(), date.year());
    match time {
        Some(time) => format!("{day} {time}"),
        None => day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 30).unwrap()
    }

    #[test]
    fn dutch_ways_of_typing_a_date_are_read() {
        let cases = [
            ("7-12-2026", "2026-12-07"),
            ("7-12-2026 15:30", "2026-12-07T15:30"),
            ("07/12/2026 9.05", "2026-12-07T09:05"),
            ("7-12-26 15u30", "2026-12-07T15:30"),
            ("7 dec 2026 15:30", "2026-12-07T15:30"),
            ("7 dec 15:30", "2026-12-07T15:30"),
            ("7 december om 15:30", "2026-12-07T15:30"),
            ("3 mrt", "2027-03-03"),
            ("30 nov", "2026-11-30"),
            ("2026-12-07T15:30", "2026-12-07T15:30"),
            ("2026-12-07 15:30", "2026-12-07T15:30"),
            ("2026-12-07", "2026-12-07"),
            ("  7 Dec, 15:30 ", "2026-12-07T15:30"),
        ];
        for (typed, stored) in cases {
            assert_eq!(parse_date_time(typed, today()).as_deref(), Some(stored), "{typed}");
        }
    }

    #[test]
    fn what_is_not_a_date_is_refused() {
        for typed in ["", "morgen", "31-2-2026", "7-13-2026", "7 dec 25:00", "7 dec 15:30 extra", "12", "7 foo"] {
            assert_eq!(parse_date_time(typed, today()), None, "{typed}");
        }
        assert_eq!(parse_date("7-12-2026 15:30", today()), None);
        assert_eq!(parse_date("7-12-2026", today()).as_deref(), Some("2026-12-07"));
    }

    #[test]
    fn dates_are_shown_the_dutch_way_and_typed_back() {
        assert_eq!(show_date(Language::Nl, "2026-12-09T15:30"), "wo 9 dec 2026, 15:30");
        assert_eq!(show_date(Language::En, "2026-12-09"), "Wed 9 Dec 2026");
        assert_eq!(show_date(Language::Nl, "later"), "later");
        assert_eq!(typed_date("2026-12-07T15:30"), "7-12-2026 15:30");
        assert_eq!(long_date(Language::Nl, "2026-10-08T15:30"), "8 oktober 2026, 15:30");
        assert_eq!(long_date(Language::En, "2026-03-01"), "1 March 2026");
        assert_eq!(long_date(Language::Nl, "later"), "later");
        assert_eq!(parse_date_time(&typed_date("2026-03-01T09:00"), today()).as_deref(), Some("2026-03-01T09:00"));
    }
}
