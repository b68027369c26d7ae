//! `kring reflection open|score|close`.

use anyhow::Result;
use kring_model::{FactorId, RoundId};
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::ReflectionCommand;
use crate::local_network::LocalNetwork;

pub fn run(command: ReflectionCommand, data: &DataDir) -> Result<Value> {
    let network = match &command {
        ReflectionCommand::Open { network, .. }
        | ReflectionCommand::Score { network, .. }
        | ReflectionCommand::Close { network, .. } => network.network.clone(),
    };
    let mut local = LocalNetwork::open(data, network.as_deref())?;
    let me = local.me()?;
    let answer = match command {
        ReflectionCommand::Open { title, .. } => json!({ "round": local.open.network.open_round(&me, &title)? }),
        ReflectionCommand::Score { round, factor, score, comment, .. } => {
            let (round, factor) = (RoundId::new(round), FactorId::new(factor));
            local.open.network.score(&me, &round, &factor, score, &comment)?;
            json!({ "round": round, "factor": factor, "score": score })
        }
        ReflectionCommand::Close { round, .. } => {
            let round = RoundId::new(round);
            local.open.network.close_round(&me, &round)?;
            json!({ "round": round, "closed": true })
        }
    };
    local.save()?;
    Ok(answer)
}
