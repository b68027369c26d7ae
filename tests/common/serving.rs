//! `kring serve` as a background process, and the loopback-only network arguments.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use serde_json::Value;

/// Offline mode on 127.0.0.1: tests never leave this machine.
pub(crate) const LOOPBACK: [&str; 3] = ["--offline", "--bind", "127.0.0.1:0"];

/// A `kring serve` process, stopped (SIGTERM) when dropped, even if the test fails. Its event
/// lines (one JSON object each) can be read while it runs.
pub(crate) struct Serving {
    child: Child,
    pub first_line: Value,
    lines: mpsc::Receiver<String>,
    /// With [`Serving::start_logging`]: every line printed so far, on stdout and on stderr.
    printed: Arc<Mutex<Vec<String>>>,
}

impl Serving {
    pub(crate) fn start(data: &Path, extra: &[&str]) -> Serving {
        Serving::spawn(data, extra, None)
    }

    /// [`Serving::start`] with `KRING_LOG=filter`, keeping every line it prints on stdout
    /// (events) and stderr (logs): see [`Serving::printed`].
    pub(crate) fn start_logging(data: &Path, extra: &[&str], filter: &str) -> Serving {
        Serving::spawn(data, extra, Some(filter))
    }

    fn spawn(data: &Path, extra: &[&str], log: Option<&str>) -> Serving {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kring"));
        command.arg("--data-dir").arg(data).arg("serve").args(LOOPBACK).args(extra);
        if let Some(filter) = log {
            command.env("KRING_LOG", filter);
        }
        Serving::run(command, log.is_some())
    }

    /// Runs `command` (a `kring serve` however started, e.g. in a network namespace) and waits
    /// for its first line. With `keep`, every line it prints is kept (see [`Serving::printed`]).
    pub(crate) fn run(mut command: Command, keep: bool) -> Serving {
        command.stdout(Stdio::piped()).stderr(if keep { Stdio::piped() } else { Stdio::null() });
        let mut child = command.spawn().unwrap();
        let printed = Arc::<Mutex<Vec<String>>>::default();
        let (tx, lines) = mpsc::channel();
        read_lines(child.stdout.take().unwrap(), keep.then(|| printed.clone()), Some(tx));
        if let Some(stderr) = child.stderr.take() {
            read_lines(stderr, Some(printed.clone()), None);
        }
        let line = lines.recv_timeout(Duration::from_secs(20)).expect("serve prints its address");
        Serving { child, first_line: serde_json::from_str(&line).unwrap(), lines, printed }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Every line printed so far (see [`Serving::start_logging`]). After [`Serving::stop`] the
    /// last lines may still be on their way: all are in once this is the only reference left.
    pub(crate) fn printed(&self) -> Arc<Mutex<Vec<String>>> {
        self.printed.clone()
    }

    /// Forgets the event lines printed so far without waiting: what [`Serving::wait_for`] sees
    /// next happened after this.
    pub(crate) fn skip_printed(&self) {
        while self.lines.try_recv().is_ok() {}
    }

    /// The first event line `wanted` accepts within `within`.
    pub(crate) fn wait_for(&self, within: Duration, wanted: impl Fn(&Value) -> bool) -> Option<Value> {
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
    pub(crate) fn stop(mut self) -> bool {
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

/// Reads `from` line by line on a thread of its own until it ends (a line need not be UTF-8).
fn read_lines(
    from: impl std::io::Read + Send + 'static,
    keep: Option<Arc<Mutex<Vec<String>>>>,
    forward: Option<mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(from).split(b'\n').map_while(Result::ok) {
            let line = String::from_utf8_lossy(&line).into_owned();
            if let Some(keep) = &keep {
                keep.lock().unwrap().push(line.clone());
            }
            if let Some(forward) = &forward {
                let _ = forward.send(line);
            }
        }
    });
}

/// `kring sync` once, on loopback, bounded.
pub(crate) fn sync(data: &Path) -> Value {
    let mut args = vec!["sync"];
    args.extend(LOOPBACK);
    args.extend(["--timeout", "10"]);
    super::ok(data, &args)
}

/// `data` joins the network `server` serves an invite for (one use), as `name`; returns
/// `kring join`'s answer.
pub(crate) fn join(server: &Path, data: &Path, name: &str) -> Value {
    let serving = Serving::start(server, &["--invite"]);
    let ticket = serving.first_line["ticket"].as_str().unwrap().to_string();
    let mut args = vec!["join", &ticket, "--me", name, "--timeout", "15"];
    args.extend(LOOPBACK);
    let joined = super::ok(data, &args);
    assert!(serving.stop());
    joined
}
