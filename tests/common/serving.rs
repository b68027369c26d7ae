//! `kring serve` as a background process, and the loopback-only network arguments.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

/// Offline mode on 127.0.0.1: tests never leave this machine.
pub const LOOPBACK: [&str; 3] = ["--offline", "--bind", "127.0.0.1:0"];

/// A `kring serve` process, stopped (SIGTERM) when dropped, even if the test fails. Its event
/// lines (one JSON object each) can be read while it runs.
pub struct Serving {
    child: Child,
    pub first_line: Value,
    lines: mpsc::Receiver<String>,
}

impl Serving {
    pub fn start(data: &Path, extra: &[&str]) -> Serving {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kring"))
            .arg("--data-dir")
            .arg(data)
            .arg("serve")
            .args(LOOPBACK)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let line = lines.recv_timeout(Duration::from_secs(20)).expect("serve prints its address");
        Serving { child, first_line: serde_json::from_str(&line).unwrap(), lines }
    }

    /// The first event line `wanted` accepts within `within`.
    pub fn wait_for(&self, within: Duration, wanted: impl Fn(&Value) -> bool) -> Option<Value> {
        let until = std::time::Instant::now() + within;
        while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
            let line = self.lines.recv_timeout(left).ok()?;
            let event: Value = serde_json::from_str(&line).ok()?;
            if wanted(&event) {
                return Some(event);
            }
        }
        None
    }

    /// Stops gracefully and returns whether it exited with success (within 30 s: closing
    /// connections politely can take a while on a busy machine).
    pub fn stop(mut self) -> bool {
        Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().unwrap();
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `kring sync` once, on loopback, bounded.
pub fn sync(data: &Path) -> Value {
    let mut args = vec!["sync"];
    args.extend(LOOPBACK);
    args.extend(["--timeout", "10"]);
    super::ok(data, &args)
}
