//! `kring question add|vote|status|rename|delete|restore|details|insights|cycle`.

use anyhow::{Context, Result};
use kring_model::{CycleId, Edit, QuestionId, TextField};
use kring_store::DataDir;

use super::output::{
    CycleEnded, CycleStarted, DetailsLength, InsightsLength, Output, PhaseLength, QuestionAdded, QuestionDeleted,
    QuestionRenamed, QuestionStatusSet, QuestionTagged, Votes,
};
use crate::cli::{CycleCommand, QuestionCommand};
use crate::commands::session::append_text;
use crate::local_network::{self, apply};

pub(super) fn run(command: QuestionCommand, data: &DataDir) -> Result<Output> {
    match command {
        QuestionCommand::Add { network, title, details } => {
            let (_, applied) = apply(data, network.network.as_deref(), &Edit::AddQuestion { title, details })?;
            Ok(QuestionAdded { question: QuestionId::new(local_network::created(&applied)?) }.into())
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
            Ok(Votes { question, votes }.into())
        }
        QuestionCommand::Status { network, question, status } => {
            let question = QuestionId::new(question);
            let status = status.parse()?;
            apply(data, network.network.as_deref(), &Edit::SetStatus { question: question.clone(), status })?;
            Ok(QuestionStatusSet { question, status }.into())
        }
        QuestionCommand::Rename { network, question, title } => {
            let question = QuestionId::new(question);
            let (local, _) =
                apply(data, network.network.as_deref(), &Edit::RenameQuestion { question: question.clone(), title })?;
            let snapshot = local.snapshot()?;
            let title = snapshot.questions.get(&question).context("the renamed question is gone")?.title.clone();
            Ok(QuestionRenamed { question, title }.into())
        }
        QuestionCommand::Theme { network, question, theme, remove } => {
            let question = QuestionId::new(question);
            let edit = Edit::TagQuestion { question: question.clone(), theme: theme.clone(), tagged: !remove };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(QuestionTagged { question, theme: theme.trim().to_string(), tagged: !remove }.into())
        }
        QuestionCommand::Delete { network, question } => {
            let question = QuestionId::new(question);
            apply(data, network.network.as_deref(), &Edit::DeleteQuestion { question: question.clone() })?;
            Ok(QuestionDeleted { question, deleted: true }.into())
        }
        QuestionCommand::Restore { network, question } => {
            let question = QuestionId::new(question);
            apply(data, network.network.as_deref(), &Edit::RestoreQuestion { question: question.clone() })?;
            Ok(QuestionDeleted { question, deleted: false }.into())
        }
        QuestionCommand::Details { network, question, append } => {
            let question = QuestionId::new(question);
            let field = TextField::Details(question.clone());
            let details_length = append_text(data, network.network.as_deref(), field, append)?;
            Ok(DetailsLength { question, details_length }.into())
        }
        QuestionCommand::Insights { network, question, append } => {
            let question = QuestionId::new(question);
            let field = TextField::Insights(question.clone());
            let insights_length = append_text(data, network.network.as_deref(), field, append)?;
            Ok(InsightsLength { question, insights_length }.into())
        }
        QuestionCommand::Cycle(command) => cycle(command, data),
    }
}

fn cycle(command: CycleCommand, data: &DataDir) -> Result<Output> {
    match command {
        CycleCommand::Add { network, question, start } => {
            let question = QuestionId::new(question);
            let started_on = start.unwrap_or_else(today);
            let edit = Edit::AddCycle { question: question.clone(), started_on };
            let (local, applied) = apply(data, network.network.as_deref(), &edit)?;
            let cycle = CycleId::new(local_network::created(&applied)?);
            let snapshot = local.snapshot()?;
            let started_on =
                snapshot.questions.get(&question).and_then(|q| q.cycles.get(&cycle)).map(|c| c.started_on.clone());
            Ok(CycleStarted { question, cycle, started_on }.into())
        }
        CycleCommand::End { network, question, cycle, end } => {
            let (question, cycle) = (QuestionId::new(question), CycleId::new(cycle));
            let ended_on = end.unwrap_or_else(today);
            let edit = Edit::EndCycle { question: question.clone(), cycle: cycle.clone(), ended_on };
            let (local, _) = apply(data, network.network.as_deref(), &edit)?;
            let snapshot = local.snapshot()?;
            let ended_on =
                snapshot.questions.get(&question).and_then(|q| q.cycles.get(&cycle)).and_then(|c| c.ended_on.clone());
            Ok(CycleEnded { question, cycle, ended_on }.into())
        }
        CycleCommand::Write { network, question, cycle, phase, append } => {
            let (question, cycle, phase) = (QuestionId::new(question), CycleId::new(cycle), phase.parse()?);
            let field = TextField::Cycle(question.clone(), cycle.clone(), phase);
            let length = append_text(data, network.network.as_deref(), field, append)?;
            Ok(PhaseLength { question, cycle, phase, length }.into())
        }
    }
}

/// Today's date on this laptop's clock, as the model writes dates.
fn today() -> String {
    jiff::Zoned::now().date().to_string()
}
