//! One module per command group. Each command returns the JSON object it prints.

mod bundle;
mod member;
mod network;
mod question;
mod session;
mod show;

use anyhow::Result;
use kring_store::DataDir;
use serde_json::Value;

use crate::cli::Command;

pub fn run(command: Command, data: &DataDir) -> Result<Value> {
    match command {
        Command::Network(command) => network::run(command, data),
        Command::Session(command) => session::run(command, data),
        Command::Question(command) => question::run(command, data),
        Command::Member(command) => member::run(command, data),
        Command::Bundle(command) => bundle::run(command, data),
        Command::Show(args) => show::run(&args, data),
    }
}
