//! `kring question add|vote|status`.

use anyhow::Result;
use kring_model::QuestionId;
use kring_store::DataDir;
use serde_json::{Value, json};

use crate::cli::QuestionCommand;
use crate::local_network::LocalNetwork;

pub fn run(command: QuestionCommand, data: &DataDir) -> Result<Value> {
    match command {
        QuestionCommand::Add { network, title, details } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let me = local.me()?;
            let question = local.open.network.add_question(&me, &title, &details)?;
            local.save()?;
            Ok(json!({ "question": question }))
        }
        QuestionCommand::Vote { network, question, retract } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let me = local.me()?;
            let question = QuestionId::new(question);
            if retract {
                local.open.network.retract_vote(&me, &question)?;
            } else {
                local.open.network.vote(&me, &question)?;
            }
            local.save()?;
            let votes = local.snapshot()?.questions.get(&question).map_or(0, |q| q.votes.len());
            Ok(json!({ "question": question, "votes": votes }))
        }
        QuestionCommand::Status { network, question, status } => {
            let mut local = LocalNetwork::open(data, network.network.as_deref())?;
            let me = local.me()?;
            let question = QuestionId::new(question);
            local.open.network.set_status(&me, &question, status.parse()?)?;
            local.save()?;
            Ok(json!({ "question": question, "status": status }))
        }
    }
}
