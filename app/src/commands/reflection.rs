//! `kring reflection open|score|close|factor`.

use anyhow::Result;
use kring_model::{Edit, FactorId, RoundId};
use kring_store::DataDir;

use super::output::{Factor, FactorRemoved, Output, RoundClosed, RoundOpened, Scored};
use crate::cli::{FactorCommand, ReflectionCommand};
use crate::local_network::{self, apply};

pub(super) fn run(command: ReflectionCommand, data: &DataDir) -> Result<Output> {
    match command {
        ReflectionCommand::Open { network, title } => {
            let (_, applied) = apply(data, network.network.as_deref(), &Edit::OpenRound { title })?;
            Ok(RoundOpened { round: RoundId::new(local_network::created(&applied)?) }.into())
        }
        ReflectionCommand::Score { network, round, factor, score, comment } => {
            let (round, factor) = (RoundId::new(round), FactorId::new(factor));
            let edit = Edit::Score { round: round.clone(), factor: factor.clone(), score, comment };
            apply(data, network.network.as_deref(), &edit)?;
            Ok(Scored { round, factor, score }.into())
        }
        ReflectionCommand::Close { network, round } => {
            let round = RoundId::new(round);
            apply(data, network.network.as_deref(), &Edit::CloseRound { round: round.clone() })?;
            Ok(RoundClosed { round, closed: true }.into())
        }
        ReflectionCommand::Factor(command) => factor(command, data),
    }
}

fn factor(command: FactorCommand, data: &DataDir) -> Result<Output> {
    match command {
        FactorCommand::Add { network, name } => {
            let (local, applied) = apply(data, network.network.as_deref(), &Edit::AddFactor { name })?;
            let factor = FactorId::new(local_network::created(&applied)?);
            Ok(factor_answer(&local, factor)?.into())
        }
        FactorCommand::Rename { network, factor, name } => {
            let factor = FactorId::new(factor);
            let (local, _) =
                apply(data, network.network.as_deref(), &Edit::RenameFactor { factor: factor.clone(), name })?;
            Ok(factor_answer(&local, factor)?.into())
        }
        FactorCommand::Remove { network, factor } => {
            let factor = FactorId::new(factor);
            apply(data, network.network.as_deref(), &Edit::RemoveFactor { factor: factor.clone() })?;
            Ok(FactorRemoved { factor, removed: true }.into())
        }
    }
}

/// A factor as it is now saved.
fn factor_answer(local: &local_network::LocalNetwork, factor: FactorId) -> Result<Factor> {
    let snapshot = local.snapshot()?;
    let name = snapshot.factors.get(&factor).map(|f| f.name.clone());
    Ok(Factor { factor, name })
}
