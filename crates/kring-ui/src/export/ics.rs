//! Meetings as an iCalendar file (RFC 5545), for Outlook, Google Calendar and the like: teachers
//! plan in their own calendar. One `VEVENT` per session; a session with a start time becomes a
//! two-hour event in floating local time (no time zone: 15:30 stays 15:30 wherever the laptop
//! is), a session with only a date becomes an all-day event.

use jiff::civil::{Date, DateTime};
use jiff::{Span, Timestamp};
use kring_model::{NetworkSnapshot, Session};

/// How long a meeting with a start time lasts in the calendar.
const MEETING_HOURS: i64 = 2;

/// Content lines are folded so that no line is longer than this many octets (without CRLF).
const MAX_LINE_OCTETS: usize = 75;

/// An iCalendar file with one event per session in `sessions` (in that order). `now` is the
/// moment the file is made (`DTSTAMP`). A session whose date cannot be read is left out.
pub fn calendar(snapshot: &NetworkSnapshot, sessions: &[&Session], now: Timestamp) -> String {
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Kring//Kring//NL".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", text(&snapshot.info.name)),
    ];
    for session in sessions {
        let Some((start, end)) = start_and_end(&session.starts_at) else { continue };
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}@kring", session.id));
        lines.push(format!("DTSTAMP:{stamp}"));
        lines.push(format!("DTSTART{start}"));
        lines.push(format!("DTEND{end}"));
        lines.push(format!("SUMMARY:{}", text(&session.title)));
        if !session.location.trim().is_empty() {
            lines.push(format!("LOCATION:{}", text(&session.location)));
        }
        if !session.agenda.trim().is_empty() {
            lines.push(format!("DESCRIPTION:{}", text(&session.agenda)));
        }
        // The session's themes, as calendar categories.
        if !session.themes.is_empty() {
            let themes: Vec<String> = session.themes.iter().map(|theme| text(theme)).collect();
            lines.push(format!("CATEGORIES:{}", themes.join(",")));
        }
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());

    let mut out = String::new();
    for line in &lines {
        fold(line, &mut out);
    }
    out
}

/// Sessions not in the bin that start `today` or later, by date: what "all upcoming sessions"
/// puts in a calendar.
pub fn upcoming(snapshot: &NetworkSnapshot, today: Date) -> Vec<&Session> {
    let today = today.strftime("%Y-%m-%d").to_string();
    // `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM` sort as text, and "2026-11-24T15:30" >= "2026-11-24".
    snapshot.live_sessions().filter(|s| s.starts_at.as_str() >= today.as_str()).collect()
}

/// The `DTSTART` and `DTEND` values (with their parameters) of a session's `starts_at`.
fn start_and_end(starts_at: &str) -> Option<(String, String)> {
    let starts_at = starts_at.trim();
    if starts_at.len() == 10 {
        // A date only: an all-day event; DTEND is the (exclusive) next day.
        let day: Date = starts_at.parse().ok()?;
        let next = day.tomorrow().ok()?;
        let date = |d: Date| format!(";VALUE=DATE:{}", d.strftime("%Y%m%d"));
        return Some((date(day), date(next)));
    }
    let start: DateTime = starts_at.parse().ok()?;
    let end = start.checked_add(Span::new().hours(MEETING_HOURS)).ok()?;
    let floating = |t: DateTime| format!(":{}", t.strftime("%Y%m%dT%H%M%S"));
    Some((floating(start), floating(end)))
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, every line break as
/// `\n`; control characters other than tab are not allowed and dropped.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded (RFC 5545 §3.1): after at most 75 octets a CRLF and one
/// space, never inside a UTF-8 character; every line ends with CRLF.
fn fold(line: &str, out: &mut String) {
    let mut octets = 0;
    for c in line.chars() {
        if octets + c.len_utf8() > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use kring_model::{Network, NetworkDetails, NewSession, Profile, SessionId, SessionKind, TextField};

    use super::*;

    fn network() -> (Network, kring_model::MemberId) {
        let details = NetworkDetails { name: "PLG Rekenen, Leiden".into(), ..NetworkDetails::default() };
        let founder = Profile { name: "Anna".into(), ..Profile::default() };
        Network::create(&details, &founder, "device-a").unwrap()
    }

    fn add(network: &mut Network, me: &kring_model::MemberId, title: &str, date: &str, location: &str) -> SessionId {
        let new = NewSession {
            title: title.into(),
            kind: SessionKind::Plg,
            starts_at: date.into(),
            location: location.into(),
        };
        network.add_session(me, &new).unwrap()
    }

    fn now() -> Timestamp {
        "2026-11-20T09:05:03Z".parse().unwrap()
    }

    /// The calendar's logical lines: folding undone, CRLFs checked.
    fn unfolded(ics: &str) -> Vec<String> {
        assert!(ics.ends_with("\r\n"), "ends with CRLF: {ics:?}");
        assert!(!ics.replace("\r\n", "").contains('\n'), "only CRLF line ends: {ics:?}");
        ics.replace("\r\n ", "").trim_end_matches("\r\n").split("\r\n").map(str::to_string).collect()
    }

    fn event_lines(ics: &str) -> Vec<String> {
        unfolded(ics)
            .into_iter()
            .skip_while(|l| l != "BEGIN:VEVENT")
            .take_while(|l| l != "END:VEVENT")
            .skip(1)
            .collect()
    }

    #[test]
    fn a_timed_session_is_a_two_hour_event_in_floating_local_time() {
        let (mut network, me) = network();
        let id = add(&mut network, &me, "Startbijeenkomst", "2026-11-24T15:30", "Lokaal 12");
        let snapshot = network.snapshot().unwrap();
        let ics = calendar(&snapshot, &[&snapshot.sessions[&id]], now());
        let lines = unfolded(&ics);
        assert_eq!(
            &lines[..5],
            ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kring//Kring//NL", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
        );
        assert!(lines.contains(&"X-WR-CALNAME:PLG Rekenen\\, Leiden".to_string()), "{lines:?}");
        assert_eq!(lines.last().unwrap(), "END:VCALENDAR");
        assert_eq!(
            event_lines(&ics),
            [
                format!("UID:{id}@kring"),
                "DTSTAMP:20261120T090503Z".into(),
                "DTSTART:20261124T153000".into(),
                "DTEND:20261124T173000".into(),
                "SUMMARY:Startbijeenkomst".into(),
                "LOCATION:Lokaal 12".into(),
            ]
        );
    }

    #[test]
    fn a_session_with_only_a_date_is_an_all_day_event() {
        let (mut network, me) = network();
        let id = add(&mut network, &me, "Leerhuis", "2026-12-31", "");
        let snapshot = network.snapshot().unwrap();
        let lines = event_lines(&calendar(&snapshot, &[&snapshot.sessions[&id]], now()));
        assert!(lines.contains(&"DTSTART;VALUE=DATE:20261231".to_string()), "{lines:?}");
        assert!(lines.contains(&"DTEND;VALUE=DATE:20270101".to_string()), "the next day, exclusive: {lines:?}");
        assert!(!lines.iter().any(|l| l.starts_with("LOCATION") || l.starts_with("DESCRIPTION")), "{lines:?}");
    }

    #[test]
    fn a_late_meeting_ends_the_next_day() {
        let (mut network, me) = network();
        let id = add(&mut network, &me, "Nachtsessie", "2026-12-31T23:30", "");
        let snapshot = network.snapshot().unwrap();
        let lines = event_lines(&calendar(&snapshot, &[&snapshot.sessions[&id]], now()));
        assert!(lines.contains(&"DTSTART:20261231T233000".to_string()), "{lines:?}");
        assert!(lines.contains(&"DTEND:20270101T013000".to_string()), "{lines:?}");
    }

    #[test]
    fn commas_semicolons_backslashes_and_line_breaks_are_escaped() {
        let (mut network, me) = network();
        let id = add(&mut network, &me, "Taal, rekenen; en \\ meer", "2026-11-24", "Gebouw B; lokaal 3, boven");
        network.append_text(&me, &TextField::Agenda(id.clone()), "1. Welkom\r\n2. Lesobservaties, deel 1").unwrap();
        network.append_text(&me, &TextField::Agenda(id.clone()), "3. Afsluiting").unwrap();
        let snapshot = network.snapshot().unwrap();
        let lines = event_lines(&calendar(&snapshot, &[&snapshot.sessions[&id]], now()));
        assert!(lines.contains(&"SUMMARY:Taal\\, rekenen\\; en \\\\ meer".to_string()), "{lines:?}");
        assert!(lines.contains(&"LOCATION:Gebouw B\\; lokaal 3\\, boven".to_string()), "{lines:?}");
        assert!(
            lines.contains(&"DESCRIPTION:1. Welkom\\n2. Lesobservaties\\, deel 1\\n3. Afsluiting".to_string()),
            "{lines:?}"
        );
        assert_eq!(text("a\u{7}b\tc\rd"), "ab\tc\\nd", "control characters other than tab are dropped");
    }

    #[test]
    fn long_dutch_lines_fold_at_75_octets_without_splitting_a_character() {
        let (mut network, me) = network();
        let title =
            "Coöperatief leren en reëel rekenen: ideeën over één aanpak voor álle leerlingen, ook in groep 8 — €5";
        let id = add(&mut network, &me, title, "2026-11-24T09:00", "Basisschool De Ooievaar, Oude Rijn 3");
        let agenda = "Ëën ïdee per regel: ".repeat(20);
        network.append_text(&me, &TextField::Agenda(id.clone()), &agenda).unwrap();
        let snapshot = network.snapshot().unwrap();
        let ics = calendar(&snapshot, &[&snapshot.sessions[&id]], now());

        for line in ics.as_bytes().split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            assert!(line.len() <= MAX_LINE_OCTETS, "{} octets: {:?}", line.len(), String::from_utf8_lossy(line));
            assert!(std::str::from_utf8(line).is_ok(), "a fold split a character: {line:?}");
        }
        assert!(ics.contains("\r\n "), "long lines are folded");
        let lines = event_lines(&ics);
        assert!(lines.contains(&format!("SUMMARY:{}", text(title))), "unfolding gives the title back: {lines:?}");
        let description = format!("DESCRIPTION:{}", text(&snapshot.sessions[&id].agenda));
        assert!(lines.contains(&description), "unfolding gives the agenda back: {lines:?}");
    }

    #[test]
    fn folding_counts_octets_and_keeps_short_lines_whole() {
        let mut out = String::new();
        fold(&"a".repeat(75), &mut out);
        assert_eq!(out, format!("{}\r\n", "a".repeat(75)));
        let mut out = String::new();
        fold(&"a".repeat(76), &mut out);
        assert_eq!(out, format!("{}\r\n a\r\n", "a".repeat(75)));
        // 74 ASCII octets and then 'é' (2 octets): 'é' goes whole to the next line.
        let mut out = String::new();
        fold(&format!("{}é", "a".repeat(74)), &mut out);
        assert_eq!(out, format!("{}\r\n é\r\n", "a".repeat(74)));
    }

    #[test]
    fn upcoming_takes_live_sessions_from_today_on_and_skips_unreadable_dates() {
        let (mut network, me) = network();
        let held = add(&mut network, &me, "Vorige keer", "2026-11-01", "");
        let today = add(&mut network, &me, "Vandaag", "2026-11-20T19:00", "");
        let later = add(&mut network, &me, "Later", "2027-01-10", "");
        let binned = add(&mut network, &me, "Weg", "2027-02-01", "");
        network.delete_session(&me, &binned).unwrap();
        let snapshot = network.snapshot().unwrap();
        let upcoming = upcoming(&snapshot, "2026-11-20".parse().unwrap());
        let ids: Vec<&SessionId> = upcoming.iter().map(|s| &s.id).collect();
        assert_eq!(ids, [&today, &later]);
        assert!(!ids.contains(&&held));

        let mut odd = snapshot.sessions[&later].clone();
        odd.starts_at = "volgende week".into();
        let ics = calendar(&snapshot, &[&odd, &snapshot.sessions[&today]], now());
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "{ics}");
        let empty = calendar(&snapshot, &[], now());
        assert_eq!(unfolded(&empty).len(), 7, "a calendar without events is still whole: {empty}");
    }
}
