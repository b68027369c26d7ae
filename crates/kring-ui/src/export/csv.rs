//! Attendance as CSV: one row per member per session, for a spreadsheet, with the date written
//! out in the person's language and the session's themes.

use kring_model::NetworkSnapshot;

use crate::i18n::{Language, Text, tr, word};

pub fn attendance_csv(l: Language, snapshot: &NetworkSnapshot) -> String {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    let header = [
        Text::ReportDate,
        Text::Title,
        Text::Kind,
        Text::Location,
        Text::Name,
        Text::Perspective,
        Text::Organisation,
        Text::Attendance,
        Text::Themes,
    ];
    // Writing to memory cannot fail.
    let _ = out.write_record(header.map(|text| tr(l, text)));
    for session in snapshot.live_sessions() {
        for (member, attendance) in &session.attendance {
            let (name, perspective, organisation) = match snapshot.members.get(member) {
                Some(m) => (m.name.as_str(), word(l, m.perspective.as_str()), m.organisation.as_str()),
                None => (member.as_str(), "", ""),
            };
            let themes: Vec<&str> = session.themes.iter().map(String::as_str).collect();
            let _ = out.write_record([
                crate::i18n::dates::long_date(l, &session.starts_at).as_str(),
                session.title.as_str(),
                word(l, session.kind.as_str()),
                session.location.as_str(),
                name,
                perspective,
                organisation,
                word(l, attendance.as_str()),
                themes.join(", ").as_str(),
            ]);
        }
    }
    let bytes = out.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
