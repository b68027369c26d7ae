//! Session notes and the network report as Markdown, and the report as a standalone HTML page.
//! Text members wrote (notes, insights, cycles) is Markdown already and goes in as it is.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use kring_model::{
    Attendance, CyclePhase, GuestPerspective, NetworkSnapshot, Perspective, QuestionStatus, Session, SessionId,
};

use crate::i18n::dates::long_date;
use crate::i18n::{Language, Text, factor_name, tr, word};
use crate::views::member_name;
use crate::views::reflection::{rounds_in_order, stats_text};

/// One session's agenda, notes, attendance and actions.
pub fn session_markdown(l: Language, snapshot: &NetworkSnapshot, id: &SessionId) -> Option<String> {
    let session = snapshot.sessions.get(id).filter(|s| s.deleted_at.is_none())?;
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", session.title);
    let mut line = vec![long_date(l, &session.starts_at), word(l, session.kind.as_str()).to_string()];
    if !session.location.trim().is_empty() {
        line.push(session.location.clone());
    }
    let _ = writeln!(md, "{}\n", line.join(" · "));
    themes_line(&mut md, l, &session.themes);
    section(&mut md, tr(l, Text::Agenda), &session.agenda);
    section(&mut md, tr(l, Text::Notes), &session.notes);
    let present: Vec<String> = session
        .attendance
        .iter()
        .filter(|(_, a)| **a == Attendance::Present)
        .map(|(m, _)| member_name(snapshot, m))
        .collect();
    if !present.is_empty() {
        let _ = writeln!(md, "## {}\n\n{}\n", tr(l, Text::Attendance), present.join(", "));
    }
    if !session.actions.is_empty() {
        let _ = writeln!(md, "## {}\n", tr(l, Text::Actions));
        for action in session.actions.values() {
            let done = if action.done { "x" } else { " " };
            let owner = action.owner.as_ref().map(|o| format!(" — {}", member_name(snapshot, o))).unwrap_or_default();
            let due =
                action.due.as_ref().map(|d| format!(" ({} {})", tr(l, Text::Due), long_date(l, d))).unwrap_or_default();
            let _ = writeln!(md, "- [{done}] {}{owner}{due}", action.text);
        }
        md.push('\n');
    }
    let questions: Vec<&str> =
        session.questions.iter().filter_map(|q| snapshot.questions.get(q)).map(|q| q.title.as_str()).collect();
    if !questions.is_empty() {
        let _ = writeln!(md, "## {}\n", tr(l, Text::DiscussedQuestions));
        for title in questions {
            let _ = writeln!(md, "- {title}");
        }
    }
    Some(md)
}

/// The report for funders: members by perspective, sessions held with attendance per
/// perspective, learning questions with status, insights and cycles, reflection round over round.
pub fn report_markdown(l: Language, snapshot: &NetworkSnapshot, today: &str) -> String {
    let mut md = String::new();
    let info = &snapshot.info;
    let _ = writeln!(md, "# {} — {}\n", info.name, tr(l, Text::Report));
    let _ = writeln!(md, "{} {}\n", tr(l, Text::ReportMadeOn), long_date(l, today));
    if !info.description.is_empty() {
        let _ = writeln!(md, "{}\n", info.description);
    }
    themes_line(&mut md, l, &info.themes);
    members(&mut md, l, snapshot);
    sessions(&mut md, l, snapshot, today);
    guests(&mut md, l, snapshot, today);
    questions(&mut md, l, snapshot);
    reflection(&mut md, l, snapshot);
    md
}

/// The report as one HTML page with its own styling, to open in a browser or print to PDF.
/// Any HTML inside members' text is shown as text, never run.
pub fn report_html(l: Language, snapshot: &NetworkSnapshot, today: &str) -> String {
    let heading = format!("{} — {}", snapshot.info.name, tr(l, Text::Report));
    html_page(l, &heading, &report_markdown(l, snapshot, today))
}

/// `markdown` as one HTML page titled `heading`, with its own styling; HTML inside the text is
/// shown as text, never run.
pub fn html_page(l: Language, heading: &str, markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let events =
        Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS).map(|event| match event {
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            other => other,
        });
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, events);
    let mut title = String::new();
    pulldown_cmark::html::push_html(&mut title, std::iter::once(Event::Text(heading.into())));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        lang = l.code(),
    )
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;\
line-height:1.5;color:#222}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;\
padding:.3rem .6rem;text-align:left}th{background:#f3f3f3}h1,h2{border-bottom:1px solid #ddd}";

/// "**Thema's:** feedback, werkplezier", when there are any.
fn themes_line(md: &mut String, l: Language, themes: &BTreeSet<String>) {
    if !themes.is_empty() {
        let themes: Vec<&str> = themes.iter().map(String::as_str).collect();
        let _ = writeln!(md, "**{}:** {}\n", tr(l, Text::Themes), themes.join(", "));
    }
}

fn section(md: &mut String, heading: &str, text: &str) {
    if !text.trim().is_empty() {
        let _ = writeln!(md, "## {heading}\n\n{}\n", text.trim_end());
    }
}

/// A Markdown table cell: pipes and line breaks would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn members(md: &mut String, l: Language, snapshot: &NetworkSnapshot) {
    let _ = writeln!(md, "## {}\n", tr(l, Text::ReportMembers));
    let _ =
        writeln!(md, "| {} | {} | {} |", tr(l, Text::Perspective), tr(l, Text::ReportCount), tr(l, Text::Organisation));
    let _ = writeln!(md, "|---|---:|---|");
    let current: Vec<_> = snapshot.members.values().filter(|m| m.is_current()).collect();
    for perspective in Perspective::ALL {
        let of: Vec<_> = current.iter().filter(|m| m.perspective == *perspective).collect();
        if of.is_empty() {
            continue;
        }
        let mut organisations: Vec<&str> =
            of.iter().map(|m| m.organisation.as_str()).filter(|o| !o.is_empty()).collect();
        organisations.sort_unstable();
        organisations.dedup();
        let _ =
            writeln!(md, "| {} | {} | {} |", word(l, perspective.as_str()), of.len(), cell(&organisations.join(", ")));
    }
    let _ = writeln!(md, "| **{}** | **{}** | |\n", tr(l, Text::ReportTotal), current.len());
}

/// Present members of a session, counted per perspective.
fn present_by_perspective(snapshot: &NetworkSnapshot, session: &Session) -> BTreeMap<Perspective, usize> {
    let mut counts = BTreeMap::new();
    for (member, attendance) in &session.attendance {
        if *attendance == Attendance::Present {
            let perspective = snapshot.members.get(member).map(|m| m.perspective).unwrap_or_default();
            *counts.entry(perspective).or_insert(0) += 1;
        }
    }
    counts
}

fn sessions(md: &mut String, l: Language, snapshot: &NetworkSnapshot, today: &str) {
    let held: Vec<&Session> = snapshot.live_sessions().filter(|s| s.starts_at.as_str() < today).collect();
    let _ = writeln!(md, "## {} ({})\n", tr(l, Text::ReportSessionsHeld), held.len());
    if held.is_empty() {
        return;
    }
    let perspectives: Vec<&str> = Perspective::ALL.iter().map(|p| word(l, p.as_str())).collect();
    let _ = writeln!(
        md,
        "| {} | {} | {} | {} | {} | {} |",
        tr(l, Text::ReportDate),
        tr(l, Text::Title),
        tr(l, Text::Kind),
        tr(l, Text::Themes),
        tr(l, Text::ReportPresent),
        perspectives.join(" | ")
    );
    let _ = writeln!(md, "|---|---|---|---|---:|{}", "---:|".repeat(perspectives.len()));
    let mut totals: BTreeMap<Perspective, usize> = BTreeMap::new();
    for session in &held {
        let counts = present_by_perspective(snapshot, session);
        let per: Vec<String> = Perspective::ALL
            .iter()
            .map(|p| {
                let n = counts.get(p).copied().unwrap_or(0);
                *totals.entry(*p).or_insert(0) += n;
                n.to_string()
            })
            .collect();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            long_date(l, &session.starts_at),
            cell(&session.title),
            word(l, session.kind.as_str()),
            cell(&session.themes.iter().map(String::as_str).collect::<Vec<_>>().join(", ")),
            counts.values().sum::<usize>(),
            per.join(" | ")
        );
    }
    let per: Vec<String> = Perspective::ALL.iter().map(|p| totals.get(p).copied().unwrap_or(0).to_string()).collect();
    let _ = writeln!(
        md,
        "| **{}** | | | | **{}** | {} |\n",
        tr(l, Text::ReportTotal),
        totals.values().sum::<usize>(),
        per.join(" | ")
    );
}

/// Guests who took part from their phones in the meetings held, counted per perspective (only
/// counts: what guests typed stays out of a report that leaves the network).
fn guests(md: &mut String, l: Language, snapshot: &NetworkSnapshot, today: &str) {
    let held: Vec<&Session> = snapshot
        .live_sessions()
        .filter(|s| s.starts_at.as_str() < today && !s.guest_contributions().is_empty())
        .collect();
    if held.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "### {}
",
        tr(l, Text::GuestsByPhone)
    );
    let perspectives: Vec<&str> = GuestPerspective::ALL.iter().map(|p| word(l, p.as_str())).collect();
    let _ = writeln!(md, "| {} | {} | {} |", tr(l, Text::ReportDate), tr(l, Text::Title), perspectives.join(" | "));
    let _ = writeln!(md, "|---|---|{}", "---:|".repeat(perspectives.len()));
    for session in held {
        let mut counts: BTreeMap<GuestPerspective, usize> = BTreeMap::new();
        for room in session.rooms.values() {
            for (perspective, n) in room.guests_by_perspective() {
                *counts.entry(perspective).or_default() += n;
            }
        }
        let per: Vec<String> =
            GuestPerspective::ALL.iter().map(|p| counts.get(p).copied().unwrap_or(0).to_string()).collect();
        let _ =
            writeln!(md, "| {} | {} | {} |", long_date(l, &session.starts_at), cell(&session.title), per.join(" | "));
    }
    md.push('\n');
}

fn questions(md: &mut String, l: Language, snapshot: &NetworkSnapshot) {
    let _ = writeln!(md, "## {}\n", tr(l, Text::Questions));
    for status in QuestionStatus::ALL {
        let mut of: Vec<_> = snapshot.live_questions().filter(|q| q.status == *status).collect();
        if of.is_empty() {
            continue;
        }
        of.sort_by(|a, b| b.votes.len().cmp(&a.votes.len()).then(a.title.cmp(&b.title)));
        let _ = writeln!(md, "### {} ({})\n", capitalised(word(l, status.as_str())), of.len());
        for question in of {
            let _ = writeln!(md, "#### {}\n", question.title);
            let _ = writeln!(md, "{} {}\n", question.votes.len(), tr(l, Text::Votes));
            themes_line(md, l, &question.themes);
            for (label, text) in [(Text::Details, &question.details), (Text::Insights, &question.insights)] {
                if !text.trim().is_empty() {
                    let _ = writeln!(md, "**{}**\n\n{}\n", tr(l, label), text.trim_end());
                }
            }
            for cycle in question.cycles.values() {
                let ended = cycle.ended_on.as_deref().map(|d| long_date(l, d)).unwrap_or_else(|| "…".into());
                let started = long_date(l, &cycle.started_on);
                let _ = writeln!(md, "**{}** {started} – {ended}\n", tr(l, Text::ReportCycle));
                for phase in CyclePhase::ALL {
                    let text = cycle.phase(*phase);
                    if !text.trim().is_empty() {
                        let _ = writeln!(md, "- *{}*: {}", word(l, phase.as_str()), text.trim().replace('\n', " "));
                    }
                }
                md.push('\n');
            }
        }
    }
}

fn reflection(md: &mut String, l: Language, snapshot: &NetworkSnapshot) {
    let rounds = rounds_in_order(snapshot);
    if rounds.is_empty() {
        return;
    }
    let _ = writeln!(md, "## {}\n", tr(l, Text::Reflection));
    let titles: Vec<String> = rounds.iter().map(|r| cell(&r.title)).collect();
    let _ = writeln!(md, "| {} | {} |", tr(l, Text::Factor), titles.join(" | "));
    let _ = writeln!(md, "|---|{}", "---|".repeat(rounds.len()));
    for factor in snapshot.active_factors() {
        let figures: Vec<String> = rounds.iter().map(|r| stats_text(l, r, &factor.id)).collect();
        let _ = writeln!(md, "| {} | {} |", cell(&factor_name(l, factor)), figures.join(" | "));
    }
    let _ = writeln!(md, "\n{}", tr(l, Text::ReportStatsExplained));
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
