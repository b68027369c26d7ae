//! The desktop client opening the big network: time from the data directory to the first frame
//! that shows the network, frame CPU time on the sessions and questions screens, and resident
//! memory. Runs in a fresh process (`kring-bench ui DIR`) so that memory and start-up are the
//! app's own, not the generator's.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use egui_kittest::Harness;
use kring_node::NetworkMode;
use kring_store::DataDir;
use kring_ui::{AppState, KringApp, Screen};
use serde::{Deserialize, Serialize};

use crate::system;

const WARM_UP_FRAMES: usize = 10;

#[derive(Debug, Serialize, Deserialize)]
pub struct UiFigures {
    /// From opening the data directory to the first interactive frame: the list of networks
    /// is on screen (the network itself may still be opening).
    pub listed_ms: f64,
    /// ... to the first frame that shows the network (the view the last run kept, if there is
    /// one).
    pub open_ms: f64,
    /// ... and to the first frame with the live network (its document loaded).
    pub live_ms: f64,
    /// Per screen: CPU time of the UI thread per frame, p50 and p95.
    pub screens: Vec<(String, f64, f64)>,
    pub resident_mb: f64,
    pub peak_resident_mb: f64,
}

/// Opens `dir` in the real UI (egui_kittest, AccessKit on, with its node) and measures.
pub fn measure(dir: &Path, frames: usize) -> Result<UiFigures> {
    let started = Instant::now();
    let data = DataDir::open(dir)?;
    let app = KringApp::new(AppState::start(data, NetworkMode::loopback_only())?);
    let mut ui = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut KringApp| app.show(ui), app);
    // Frames run as the app runs them, woken by the node; the first one that has the network's
    // view draws it: the kept one if there is one, then the live one.
    let listed_ms = frames_until(&mut ui, started, "list", |state| !state.networks.is_empty())?;
    let open_ms = frames_until(&mut ui, started, "open", |state| state.view.is_some())?;
    let live_ms = frames_until(&mut ui, started, "load", |state| state.view.as_ref().is_some_and(|v| v.version > 0))?;

    let mut screens = Vec::new();
    for (name, screen) in [("sessions", Screen::Sessions), ("questions", Screen::Questions)] {
        ui.state_mut().screen = screen;
        for _ in 0..WARM_UP_FRAMES {
            ui.step();
        }
        let mut cpu: Vec<Duration> = (0..frames)
            .map(|_| {
                let start = cpu_time::ThreadTime::now();
                ui.step();
                start.elapsed()
            })
            .collect();
        let p50 = system::ms(system::quantile(&mut cpu, 0.5));
        let p95 = system::ms(system::quantile(&mut cpu, 0.95));
        screens.push((name.to_string(), p50, p95));
    }
    Ok(UiFigures {
        listed_ms,
        open_ms,
        live_ms,
        screens,
        resident_mb: system::resident_mb(),
        peak_resident_mb: system::peak_resident_mb(),
    })
}

/// Steps frames until what the app holds passes `drawn`, then draws it; returns the
/// milliseconds since `started`.
fn frames_until(
    ui: &mut Harness<'_, KringApp>,
    started: Instant,
    what: &str,
    drawn: impl Fn(&AppState) -> bool,
) -> Result<f64> {
    while !drawn(&ui.state().state) {
        ui.step();
        if started.elapsed() > Duration::from_secs(120) {
            bail!("the network did not {what} within two minutes");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    ui.step();
    Ok(system::ms(started.elapsed()))
}

/// Runs [`measure`] in a child process of this binary and reads its answer.
pub fn measure_in_child(dir: &Path, frames: usize) -> Result<UiFigures> {
    let output = std::process::Command::new(std::env::current_exe()?)
        .arg("ui")
        .arg(dir)
        .arg("--frames")
        .arg(frames.to_string())
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !output.status.success() {
        bail!("the UI measurement failed ({})", output.status);
    }
    let line = String::from_utf8_lossy(&output.stdout);
    let line = line.lines().last().unwrap_or_default();
    Ok(serde_json::from_str(line)?)
}
