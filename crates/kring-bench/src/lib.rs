//! Kring's figures for the "busy PLG, 3 years" network, each printed beside its target and
//! beside what Automerge alone needs for the same work (`cargo run --release -p kring-bench`).
//!
//! The library parts are shared with the load test: [`scenario`] builds the big network,
//! [`swarm`] runs many real nodes in one process.

pub mod figures;
pub mod limits;
pub mod scenario;
pub mod swarm;
pub mod system;
pub mod table;
