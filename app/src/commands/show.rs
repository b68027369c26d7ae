//! `kring show`: the whole network as one JSON object.
//!
//! Every list has a fixed order (by date or creation time, then id), and nothing local to this
//! device (like which member "me" is) is printed, so two devices holding the same document print
//! byte-identical output.

use anyhow::Result;
use kring_model::{Member, NetworkSnapshot, Question, ReflectionRound, Session};
use kring_store::DataDir;

use super::output::{
    Output, Shown, ShownAction, ShownAttachment, ShownCycle, ShownFactor, ShownGuest, ShownGuestContribution,
    ShownMember, ShownNetwork, ShownQuestion, ShownRoom, ShownRound, ShownSession,
};
use crate::cli::NetworkArg;
use crate::local_network::LocalNetwork;

pub(super) fn run(args: &NetworkArg, data: &DataDir) -> Result<Output> {
    let local = LocalNetwork::open(data, args.network.as_deref())?;
    Ok(shown(&local.snapshot()?).into())
}

fn shown(snapshot: &NetworkSnapshot) -> Shown {
    let info = &snapshot.info;
    let members = snapshot.members.values().map(member).collect();

    let mut sessions: Vec<&Session> = snapshot.sessions.values().collect();
    sessions.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));
    let sessions = sessions.into_iter().map(session).collect();

    let mut questions: Vec<&Question> = snapshot.questions.values().collect();
    questions.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    let questions = questions.into_iter().map(question).collect();

    let factors =
        snapshot.active_factors().into_iter().map(|f| ShownFactor { id: f.id.clone(), name: f.name.clone() }).collect();
    let mut rounds: Vec<&ReflectionRound> = snapshot.rounds.values().collect();
    rounds.sort_by(|a, b| a.opened_at.cmp(&b.opened_at).then(a.id.cmp(&b.id)));
    let reflections = rounds.into_iter().map(round).collect();

    Shown {
        network: ShownNetwork {
            id: info.id.clone(),
            name: info.name.clone(),
            description: info.description.clone(),
            region: info.region.clone(),
            themes: info.themes.clone(),
            created_at: info.created_at,
            created_by: info.created_by.clone(),
            schema: snapshot.schema,
            kind: info.kind,
            leerhuizen: info.leerhuizen.values().cloned().collect(),
        },
        members,
        sessions,
        questions,
        factors,
        reflections,
        links: snapshot.links.values().cloned().collect(),
        publications: publications(snapshot),
    }
}

fn publications(snapshot: &NetworkSnapshot) -> Vec<kring_model::leerhuis::Publication> {
    let mut all: Vec<_> = snapshot.publications.values().cloned().collect();
    all.sort_by(|a, b| a.published_at.cmp(&b.published_at).then_with(|| a.id.cmp(&b.id)));
    all
}

fn member(m: &Member) -> ShownMember {
    ShownMember {
        id: m.id.clone(),
        name: m.name.clone(),
        perspective: m.perspective,
        organisation: m.organisation.clone(),
        role: m.role,
        devices: m.devices.keys().cloned().collect(),
        proven_devices: m.proven.clone(),
        joined_at: m.joined_at,
        removed: m.removed_at.is_some(),
    }
}

fn session(s: &Session) -> ShownSession {
    let mut actions: Vec<_> = s.actions.values().collect();
    actions.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    ShownSession {
        id: s.id.clone(),
        title: s.title.clone(),
        kind: s.kind,
        date: s.starts_at.clone(),
        location: s.location.clone(),
        agenda: s.agenda.clone(),
        notes: s.notes.clone(),
        attendance: s.attendance.clone(),
        questions: s.questions.clone(),
        actions: actions
            .into_iter()
            .map(|a| ShownAction {
                id: a.id.clone(),
                text: a.text.clone(),
                owner: a.owner.clone(),
                due: a.due.clone(),
                done: a.done,
                deleted: a.deleted_at.is_some(),
            })
            .collect(),
        themes: s.themes.clone(),
        deleted: s.deleted_at.is_some(),
        rooms: s.rooms.values().map(room).collect(),
        attachments: attachments(&s.attachments),
        open_to: s.open_to.clone(),
    }
}

/// By when they were added, then id; binned ones too.
fn attachments(
    all: &std::collections::BTreeMap<kring_model::AttachmentId, kring_model::Attachment>,
) -> Vec<ShownAttachment> {
    let mut sorted: Vec<_> = all.values().collect();
    sorted.sort_by(|a, b| a.added_at.cmp(&b.added_at).then(a.id.cmp(&b.id)));
    sorted
        .into_iter()
        .map(|a| ShownAttachment {
            id: a.id.clone(),
            name: a.name.clone(),
            kind: a.kind,
            size: a.size,
            hash: a.hash.clone(),
            added_by: a.added_by.clone(),
            added_at: a.added_at,
            deleted: a.deleted_at.is_some(),
            from_guest: a.from_guest.clone(),
        })
        .collect()
}

fn room(r: &kring_model::Room) -> ShownRoom {
    let mut sent: Vec<_> = r.guests.values().collect();
    sent.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
    ShownRoom {
        id: r.id.clone(),
        opened_by: r.opened_by.clone(),
        opened_at: r.opened_at,
        open: r.is_open(),
        questions: r.questions.clone(),
        reflection: r.reflection.clone(),
        proposals: r.proposals,
        reactions: r.reactions,
        photos: r.photos,
        contributions: sent
            .into_iter()
            .map(|c| ShownGuestContribution {
                id: c.id.clone(),
                guest: ShownGuest {
                    id: c.guest.clone(),
                    name: if c.name.is_empty() { "anoniem".into() } else { c.name.clone() },
                    perspective: c.perspective,
                },
                kind: c.kind,
                at: c.at,
                question: c.question.clone(),
                text: c.text.clone(),
                scores: c.scores.clone(),
                attachment: c.attachment.clone(),
            })
            .collect(),
    }
}

fn question(q: &Question) -> ShownQuestion {
    let mut cycles: Vec<_> = q.cycles.values().collect();
    cycles.sort_by(|a, b| a.started_on.cmp(&b.started_on).then(a.id.cmp(&b.id)));
    ShownQuestion {
        id: q.id.clone(),
        title: q.title.clone(),
        details: q.details.clone(),
        insights: q.insights.clone(),
        status: q.status,
        votes: q.votes.clone(),
        proposed_by: q.proposed_by.clone(),
        created_at: q.created_at,
        sessions: q.sessions.clone(),
        cycles: cycles
            .into_iter()
            .map(|c| ShownCycle {
                id: c.id.clone(),
                started_on: c.started_on.clone(),
                ended_on: c.ended_on.clone(),
                plan: c.plan.clone(),
                act: c.act.clone(),
                observe: c.observe.clone(),
                reflect: c.reflect.clone(),
                attachments: attachments(&c.attachments),
            })
            .collect(),
        themes: q.themes.clone(),
        deleted: q.deleted_at.is_some(),
        attachments: attachments(&q.attachments),
    }
}

fn round(r: &ReflectionRound) -> ShownRound {
    ShownRound {
        id: r.id.clone(),
        title: r.title.clone(),
        opened_by: r.opened_by.clone(),
        opened_at: r.opened_at,
        closed: r.closed_at.is_some(),
        factors: r.factors.clone(),
        scores: r.scores.clone(),
        stats: r.factors.iter().filter_map(|f| r.stats(f).map(|s| (f.clone(), s))).collect(),
    }
}
