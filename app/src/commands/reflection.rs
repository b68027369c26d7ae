//! `kring reflection open|score|close|factor`.

use anyhow::Result;
use kring_model::{Edit, FactorId, RoundId};
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::{FactorCommand, ReflectionCommand};
use crate::local_network::{self, apply};

pub fn run(command: ReflectionCommand, data: &DataDir) -> Result<Value> {
    match command {
        ReflectionCommand::Open { network, title } => {
            let (_, applied) = apply(data, network.network.as_deref(), &Edit::OpenRound { title })?;
            Ok(json!({ "round": local_network::created(&applied)? }))
        }
        ReflectionCommand::Score { network, round, factor, score, comment } => {
            let (round, factor) = (RoundId::new(round), FactorId::new(factor));
            let edit = Edit::Score { round: round.clone(), factor: factor.clone(), score, comment };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(json!({ "round": round, "factor": factor, "score": score }))
        }
        ReflectionCommand::Close { network, round } => {
            let round = RoundId::new(round);
            apply(data, network.network.as_deref(), &Edit::CloseRound { round: round.clone() })?;
            Ok(json!({ "round": round, "closed": true }))
        }
        ReflectionCommand::Factor(command) => factor(command, data),
    }
}

fn factor(command: FactorCommand, data: &DataDir) -> Result<Value> {
    match command {
        FactorCommand::Add { network, name } => {
            let (local, applied) = apply(data, network.network.as_deref(), &Edit::AddFactor { name })?;
            let factor = FactorId::new(local_network::created(&applied)?);
            factor_answer(&local, factor)
        }
        FactorCommand::Rename { network, factor, name } => {
            let factor = FactorId::new(factor);
            let (local, _) =
                apply(data, network.network.as_deref(), &Edit::RenameFactor { factor: factor.clone(), name })?;
            factor_answer(&local, factor)
        }
        FactorCommand::Remove { network, factor } => {
            let factor = FactorId::new(factor);
            apply(data, network.network.as_deref(), &Edit::RemoveFactor { factor: factor.clone() })?;
            Ok(json!({ "factor": factor, "removed": true }))
        }
    }
}

/// A factor as it is now saved.
fn factor_answer(local: &local_network::LocalNetwork, factor: FactorId) -> Result<Value> {
    let snapshot = local.snapshot()?;
    let name = snapshot.factors.get(&factor).map(|f| f.name.clone());
    Ok(json!({ "factor": factor, "name": name }))
}
