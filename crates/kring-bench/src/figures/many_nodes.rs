//! 20 nodes in one process, each making 50 edits at the same time: how long until every node
//! holds the same network.

use std::time::{Duration, Instant};

use anyhow::{Result, ensure};

use crate::swarm::Swarm;

pub struct ManyNodesFigures {
    pub nodes: usize,
    pub edits_each: usize,
    /// From the first edit until all heads are equal.
    pub time: Duration,
}

pub async fn measure(nodes: usize, edits_each: usize) -> Result<ManyNodesFigures> {
    let swarm = Swarm::start(nodes).await?;
    swarm.converged(Duration::from_secs(60)).await?;
    let started = Instant::now();
    // Every participant types at once, each on its own thread (saving is a blocking fsync);
    // the runtime's other workers keep the nodes talking meanwhile.
    let writers = tokio::task::block_in_place(|| {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..nodes)
                .map(|i| {
                    let swarm = &swarm;
                    scope.spawn(move || -> Result<()> {
                        for n in 0..edits_each {
                            swarm.write(i, &format!(" d{i}e{n}"))?;
                        }
                        Ok(())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("a writer thread")).collect::<Result<Vec<()>>>()
        })
    });
    writers?;
    swarm.converged(Duration::from_secs(120)).await?;
    let time = started.elapsed();
    let notes = swarm.notes_of(0)?;
    for i in 0..nodes {
        ensure!(notes.contains(&format!(" d{i}e{}", edits_each - 1)), "the last edit of node {i} is missing");
    }
    swarm.shutdown().await;
    Ok(ManyNodesFigures { nodes, edits_each, time })
}
