//! `kring show`: the whole network as one JSON object.
//!
//! Every list has a fixed order (by date or creation time, then id), and nothing local to this
//! device (like which member "me" is) is printed, so two devices holding the same document print
//! byte-identical output.

use anyhow::Result;
use kring_model::{NetworkSnapshot, Question, ReflectionRound, Session};
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::NetworkArg;
use crate::local_network::LocalNetwork;

pub fn run(args: &NetworkArg, data: &DataDir) -> Result<Value> {
    let local = LocalNetwork::open(data, args.network.as_deref())?;
    Ok(network_json(&local.snapshot()?))
}

pub fn network_json(snapshot: &NetworkSnapshot) -> Value {
    let info = &snapshot.info;
    let members: Vec<Value> = snapshot
        .members
        .values()
        .map(|m| {
            json!({
                "id": m.id, "name": m.name, "perspective": m.perspective, "organisation": m.organisation,
                "role": m.role, "devices": m.devices.keys().collect::<Vec<_>>(),
                "proven_devices": m.proven, "joined_at": m.joined_at, "removed": m.removed_at.is_some(),
            })
        })
        .collect();

    let mut sessions: Vec<&Session> = snapshot.sessions.values().collect();
    sessions.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));
    let sessions: Vec<Value> = sessions.into_iter().map(session_json).collect();

    let mut questions: Vec<&Question> = snapshot.questions.values().collect();
    questions.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    let questions: Vec<Value> = questions.into_iter().map(question_json).collect();

    let factors: Vec<Value> =
        snapshot.active_factors().into_iter().map(|f| json!({ "id": f.id, "name": f.name })).collect();
    let mut rounds: Vec<&ReflectionRound> = snapshot.rounds.values().collect();
    rounds.sort_by(|a, b| a.opened_at.cmp(&b.opened_at).then(a.id.cmp(&b.id)));
    let reflections: Vec<Value> = rounds.into_iter().map(round_json).collect();

    json!({
        "network": {
            "id": info.id, "name": info.name, "description": info.description, "region": info.region,
            "themes": info.themes, "created_at": info.created_at, "created_by": info.created_by,
            "schema": snapshot.schema,
        },
        "members": members,
        "sessions": sessions,
        "questions": questions,
        "factors": factors,
        "reflections": reflections,
    })
}

fn session_json(s: &Session) -> Value {
    let mut actions: Vec<_> = s.actions.values().collect();
    actions.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    json!({
        "id": s.id, "title": s.title, "kind": s.kind, "date": s.starts_at, "location": s.location,
        "agenda": s.agenda, "notes": s.notes, "attendance": s.attendance, "questions": s.questions,
        "actions": actions.iter().map(|a| json!({
            "id": a.id, "text": a.text, "owner": a.owner, "due": a.due, "done": a.done,
            "deleted": a.deleted_at.is_some(),
        })).collect::<Vec<_>>(),
        "themes": s.themes,
        "deleted": s.deleted_at.is_some(),
    })
}

fn question_json(q: &Question) -> Value {
    let mut cycles: Vec<_> = q.cycles.values().collect();
    cycles.sort_by(|a, b| a.started_on.cmp(&b.started_on).then(a.id.cmp(&b.id)));
    json!({
        "id": q.id, "title": q.title, "details": q.details, "insights": q.insights, "status": q.status,
        "votes": q.votes, "proposed_by": q.proposed_by, "created_at": q.created_at, "sessions": q.sessions,
        "cycles": cycles.iter().map(|c| json!({
            "id": c.id, "started_on": c.started_on, "ended_on": c.ended_on,
            "plan": c.plan, "act": c.act, "observe": c.observe, "reflect": c.reflect,
        })).collect::<Vec<_>>(),
        "themes": q.themes,
        "deleted": q.deleted_at.is_some(),
    })
}

fn round_json(r: &ReflectionRound) -> Value {
    let stats: serde_json::Map<String, Value> =
        r.factors.iter().filter_map(|f| r.stats(f).map(|s| (f.to_string(), json!(s)))).collect();
    json!({
        "id": r.id, "title": r.title, "opened_by": r.opened_by, "opened_at": r.opened_at,
        "closed": r.closed_at.is_some(), "factors": r.factors, "scores": r.scores, "stats": stats,
    })
}
