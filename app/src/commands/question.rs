//! `kring question add|vote|status|rename|delete|restore|details|insights|cycle`.

use anyhow::{Context, Result};
use kring_model::{CycleId, Edit, QuestionId, TextField};
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::{CycleCommand, QuestionCommand};
use crate::commands::session::append_text;
use crate::local_network::{self, apply};

pub fn run(command: QuestionCommand, data: &DataDir) -> Result<Value> {
    match command {
        QuestionCommand::Add { network, title, details } => {
            let (_, applied) = apply(data, network.network.as_deref(), &Edit::AddQuestion { title, details })?;
            Ok(json!({ "question": local_network::created(&applied)? }))
        }
        QuestionCommand::Vote { network, question, retract } => {
            let question = QuestionId::new(question);
            let edit = if retract {
                Edit::RetractVote { question: question.clone() }
            } else {
                Edit::Vote { question: question.clone() }
            };
            let (local, _) = apply(data, network.network.as_deref(), &edit)?;
            let votes = local.snapshot()?.questions.get(&question).map_or(0, |q| q.votes.len());
            Ok(json!({ "question": question, "votes": votes }))
        }
        QuestionCommand::Status { network, question, status } => {
            let question = QuestionId::new(question);
            let edit = Edit::SetStatus { question: question.clone(), status: status.parse()? };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(json!({ "question": question, "status": status }))
        }
        QuestionCommand::Rename { network, question, title } => {
            let question = QuestionId::new(question);
            let (local, _) =
                apply(data, network.network.as_deref(), &Edit::RenameQuestion { question: question.clone(), title })?;
            let snapshot = local.snapshot()?;
            let title = &snapshot.questions.get(&question).context("the renamed question is gone")?.title;
            Ok(json!({ "question": question, "title": title }))
        }
        QuestionCommand::Theme { network, question, theme, remove } => {
            let question = QuestionId::new(question);
            let edit = Edit::TagQuestion { question: question.clone(), theme: theme.clone(), tagged: !remove };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(json!({ "question": question, "theme": theme.trim(), "tagged": !remove }))
        }
        QuestionCommand::Delete { network, question } => {
            let question = QuestionId::new(question);
            apply(data, network.network.as_deref(), &Edit::DeleteQuestion { question: question.clone() })?;
            Ok(json!({ "question": question, "deleted": true }))
        }
        QuestionCommand::Restore { network, question } => {
            let question = QuestionId::new(question);
            apply(data, network.network.as_deref(), &Edit::RestoreQuestion { question: question.clone() })?;
            Ok(json!({ "question": question, "deleted": false }))
        }
        QuestionCommand::Details { network, question, append } => {
            let field = TextField::Details(QuestionId::new(question));
            append_text(data, network.network.as_deref(), field, append, "details_length")
        }
        QuestionCommand::Insights { network, question, append } => {
            let field = TextField::Insights(QuestionId::new(question));
            append_text(data, network.network.as_deref(), field, append, "insights_length")
        }
        QuestionCommand::Cycle(command) => cycle(command, data),
    }
}

fn cycle(command: CycleCommand, data: &DataDir) -> Result<Value> {
    match command {
        CycleCommand::Add { network, question, start } => {
            let question = QuestionId::new(question);
            let started_on = start.unwrap_or_else(today);
            let edit = Edit::AddCycle { question: question.clone(), started_on };
            let (local, applied) = apply(data, network.network.as_deref(), &edit)?;
            let cycle = CycleId::new(local_network::created(&applied)?);
            let snapshot = local.snapshot()?;
            let started_on =
                snapshot.questions.get(&question).and_then(|q| q.cycles.get(&cycle)).map(|c| &c.started_on);
            Ok(json!({ "question": question, "cycle": cycle, "started_on": started_on }))
        }
        CycleCommand::End { network, question, cycle, end } => {
            let (question, cycle) = (QuestionId::new(question), CycleId::new(cycle));
            let ended_on = end.unwrap_or_else(today);
            let edit = Edit::EndCycle { question: question.clone(), cycle: cycle.clone(), ended_on };
            let (local, _) = apply(data, network.network.as_deref(), &edit)?;
            let snapshot = local.snapshot()?;
            let ended_on = snapshot.questions.get(&question).and_then(|q| q.cycles.get(&cycle)).map(|c| &c.ended_on);
            Ok(json!({ "question": question, "cycle": cycle, "ended_on": ended_on }))
        }
        CycleCommand::Write { network, question, cycle, phase, append } => {
            let field = TextField::Cycle(QuestionId::new(question), CycleId::new(cycle), phase.parse()?);
            append_text(data, network.network.as_deref(), field, append, "length")
        }
    }
}

/// Today's date on this laptop's clock, as the model writes dates.
fn today() -> String {
    jiff::Zoned::now().date().to_string()
}
