//! Kring for Windows, run under Wine beside the Linux binary: the same steps give the same
//! network; a bundle goes from Windows to Linux and back; two Windows processes sync on
//! 127.0.0.1.
//!
//! These need a cross-built `kring.exe` and Wine, so a plain `cargo test` does not build them
//! (`test = false` in app/Cargo.toml); `scripts/test-windows.sh`, part of `scripts/test.sh`,
//! builds both and runs them (`cargo test --test packaging`) with `KRING_WINDOWS_EXE` naming the
//! program (beside it the Wine-only bcryptprimitives.dll), `WINE` the Wine loader and
//! `WINEPREFIX` a prepared Wine folder.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::serving::LOOPBACK;
use common::*;
use serde_json::Value;

/// Notes with what Dutch needs: é, ë, the ĳ ligature, and an emoji for good measure.
const NOTES: &str = "Café-overleg: reëel plan, ĳverig gewerkt, één vraag 🎉";

/// The Windows program under Wine, with the data folder given as a Windows path (Z: is /).
/// Its stderr goes to a file, not a pipe: Wine's helper processes (the desktop window
/// process, ...) inherit it and linger for a second or more, and waiting for a pipe's end
/// would wait for them too.
fn windows(data: &Path, args: &[&str]) -> Output {
    let stderr = tempfile::NamedTempFile::new().unwrap();
    let mut child = windows_command(data, args)
        .stdout(Stdio::piped())
        .stderr(stderr.reopen().unwrap())
        .spawn()
        .expect("wine runs kring.exe");
    let mut stdout = Vec::new();
    std::io::Read::read_to_end(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    let status = child.wait().unwrap();
    Output { status, stdout, stderr: std::fs::read(stderr.path()).unwrap() }
}

fn windows_command(data: &Path, args: &[&str]) -> Command {
    let exe = std::env::var("KRING_WINDOWS_EXE").expect("KRING_WINDOWS_EXE names kring.exe");
    let wine = std::env::var("WINE").unwrap_or_else(|_| "/usr/lib/wine/wine64".into());
    let mut command = Command::new(wine);
    command
        .arg(exe)
        .arg("--data-dir")
        .arg(windows_path(data))
        .args(args)
        .env("WINEDEBUG", "-all")
        .env_remove("KRING_DATA_DIR")
        .stdin(Stdio::null());
    command
}

/// `/tmp/x/y` as Windows under Wine sees it: `Z:\tmp\x\y`.
fn windows_path(path: &Path) -> String {
    format!("Z:{}", path.display()).replace('/', "\\")
}

fn windows_ok(data: &Path, args: &[&str]) -> Value {
    let out = windows(data, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kring.exe {args:?} failed: {stderr}");
    let stdout = String::from_utf8(out.stdout).expect("kring.exe prints UTF-8");
    assert_eq!(stdout.lines().count(), 1, "one JSON object on one line: {stdout:?}");
    assert!(!stdout.contains('\r'), "no CR in the output: {stdout:?}");
    serde_json::from_str(&stdout).unwrap()
}

/// Ids (32 or 64 hex digits) differ between two runs of the same steps, and so do times.
/// Renames every id, as a value or as a key, to its order of first appearance, and every
/// `..._at` time to "<time>", so that two runs compare field by field. (A map keyed by several
/// ids would list them in another order; the scenario's maps have one key each.)
fn comparable(value: &Value) -> Value {
    fn is_id(text: &str) -> bool {
        matches!(text.len(), 32 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
    }
    fn rename(text: &str, names: &mut HashMap<String, String>) -> String {
        let next = format!("<id{}>", names.len());
        names.entry(text.to_string()).or_insert(next).clone()
    }
    fn walk(value: &Value, key: Option<&str>, names: &mut HashMap<String, String>) -> Value {
        match value {
            Value::String(text) if is_id(text) => Value::String(rename(text, names)),
            Value::Number(_) if key.is_some_and(|k| k.ends_with("_at")) => Value::String("<time>".into()),
            Value::Array(items) => Value::Array(items.iter().map(|item| walk(item, None, names)).collect()),
            Value::Object(fields) => {
                let mut renamed = serde_json::Map::new();
                for (k, v) in fields {
                    let name = if is_id(k) { rename(k, names) } else { k.clone() };
                    let inner = walk(v, Some(k), names);
                    renamed.insert(name, inner);
                }
                Value::Object(renamed)
            }
            other => other.clone(),
        }
    }
    walk(value, None, &mut HashMap::new())
}

/// The README's first steps, run by `run` (Linux or Windows) on one data folder; returns every
/// command's answer and `show` at the end.
fn scenario(data: &Path, run: impl Fn(&Path, &[&str]) -> Value) -> (Vec<Value>, Value) {
    let mut answers = Vec::new();
    let created = run(data, &CREATE_NETWORK);
    answers.push(created);
    let session = run(data, &ADD_FIRST_SESSION);
    let session_id = id(&session, "session");
    answers.push(session);
    answers.push(run(data, &["session", "notes", "--session", &session_id, "--append", NOTES]));
    answers.push(run(data, &["session", "attend", "--session", &session_id, "--status", "present"]));
    let question = run(data, &["question", "add", "--title", "Hoe motiveren we zwakke rekenaars?"]);
    let question_id = id(&question, "question");
    answers.push(question);
    answers.push(run(data, &["question", "vote", "--question", &question_id]));
    answers.push(run(data, &["question", "status", "--question", &question_id, "--status", "central"]));
    answers.push(run(data, &["network", "list"]));
    let shown = run(data, &["show"]);
    (answers, shown)
}

#[test]
fn the_windows_program_tells_its_version_like_the_linux_one() {
    let data = tempfile::tempdir().unwrap();
    let out = windows(data.path(), &["--version"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let linux = kring(data.path(), &["--version"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&linux.stdout));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("kring {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn the_same_steps_give_the_same_network_on_windows_and_on_linux() {
    let (on_linux, on_windows) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (linux_answers, linux_show) = scenario(on_linux.path(), ok);
    let (windows_answers, windows_show) = scenario(on_windows.path(), windows_ok);

    for (step, (linux, windows)) in linux_answers.iter().zip(&windows_answers).enumerate() {
        assert_eq!(comparable(linux), comparable(windows), "step {step} answers differently");
    }
    assert_eq!(comparable(&linux_show), comparable(&windows_show));
    // The comparison must not hide what matters: the text arrives byte for byte.
    assert_eq!(windows_show["sessions"][0]["notes"], NOTES);
    assert_eq!(windows_show["questions"][0]["status"], "central");
    assert_eq!(windows_show["questions"][0]["votes"].as_array().unwrap().len(), 1);
    assert_eq!(windows_show["members"][0]["name"], "Anna de Vries");
    // The data folder holds what the README says, under its Windows path.
    let network = id(&windows_show["network"], "id");
    assert!(on_windows.path().join("device.key").is_file(), "device.key missing");
    assert!(on_windows.path().join("networks").join(network).join("changes.log").is_file());
}

#[test]
fn a_bundle_goes_from_windows_to_linux_and_back() {
    let (on_windows, on_linux, stick) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (_, shown) = scenario(on_windows.path(), windows_ok);
    let network = id(&shown["network"], "id");
    let session = id(&shown["sessions"][0], "id");
    let file = stick.path().join("plg.kring");

    let exported = windows_ok(on_windows.path(), &["bundle", "export", &windows_path(&file)]);
    assert_eq!(exported["network"], network.as_str());
    // The bundle opens only on a member's laptop: the Linux side is the same member's (its key).
    std::fs::copy(on_windows.path().join("device.key"), on_linux.path().join("device.key")).unwrap();
    let imported = ok(on_linux.path(), &["bundle", "import", file.to_str().unwrap(), "--accept-new-network"]);
    assert_eq!(imported["created"], true);
    assert_eq!(windows(on_windows.path(), &["show"]).stdout, kring(on_linux.path(), &["show"]).stdout);

    // Back: Linux writes on, Windows merges it in.
    ok(on_linux.path(), &["session", "notes", "--session", &session, "--append", "Terug uit Linux: ‘oké’."]);
    ok(on_linux.path(), &["bundle", "export", file.to_str().unwrap()]);
    let merged = windows_ok(on_windows.path(), &["bundle", "import", &windows_path(&file)]);
    assert_eq!(merged["created"], false);
    assert!(merged["new_changes"].as_u64().unwrap() >= 1, "{merged}");
    assert_eq!(windows(on_windows.path(), &["show"]).stdout, kring(on_linux.path(), &["show"]).stdout);
    let notes = windows_ok(on_windows.path(), &["show"])["sessions"][0]["notes"].clone();
    assert_eq!(notes, format!("{NOTES}\nTerug uit Linux: ‘oké’."));
}

/// `kring.exe serve` under Wine, killed when dropped.
struct WindowsServing {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl WindowsServing {
    fn start(data: &Path, extra: &[&str]) -> (WindowsServing, Value) {
        let mut args = vec!["serve"];
        args.extend(LOOPBACK);
        args.extend(extra);
        let mut child = windows_command(data, &args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = lines.recv_timeout(Duration::from_secs(60)).expect("serve prints its address under Wine");
        (WindowsServing { child, lines }, serde_json::from_str(&first).unwrap())
    }

    /// Every event line printed so far.
    fn events(&self) -> Vec<Value> {
        self.lines.try_iter().filter_map(|line| serde_json::from_str(&line).ok()).collect()
    }
}

impl Drop for WindowsServing {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn two_windows_processes_sync_on_loopback() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (a.path(), b.path());
    let (_, shown) = scenario(a, windows_ok);
    let network = id(&shown["network"], "id");
    let session = id(&shown["sessions"][0], "id");
    let question = id(&shown["questions"][0], "id");

    let (serving, first) = WindowsServing::start(a, &["--invite"]);
    let ticket = first["ticket"].as_str().unwrap_or_else(|| panic!("no ticket in {first}")).to_string();
    let mut join =
        vec!["join", ticket.as_str(), "--me", "Bram Jansen", "--perspective", "practitioner", "--timeout", "30"];
    join.extend(LOOPBACK);
    assert_eq!(windows_ok(b, &join)["network"], network.as_str());

    // Bram writes and votes on his own laptop, then syncs with Anna's, which is still serving.
    windows_ok(b, &["session", "notes", "--session", &session, "--append", "Bram: ĳsbreker bedacht."]);
    windows_ok(b, &["question", "vote", "--question", &question]);
    let mut sync = vec!["sync", "--timeout", "20"];
    sync.extend(LOOPBACK);
    let synced = windows_ok(b, &sync);
    let peers = synced["peers"].as_array().unwrap();
    assert!(peers.iter().any(|p| p["status"] == "in-sync"), "{synced}");
    let events = serving.events();
    drop(serving);

    let (on_a, on_b) = (windows(a, &["show"]).stdout, windows(b, &["show"]).stdout);
    assert_eq!(on_a, on_b, "A and B differ after the sync; serve printed {events:?}");
    let shown: Value = serde_json::from_slice(&on_a).unwrap();
    assert_eq!(shown["sessions"][0]["notes"], format!("{NOTES}\nBram: ĳsbreker bedacht."));
    assert_eq!(shown["questions"][0]["votes"].as_array().unwrap().len(), 2);
    assert_eq!(shown["members"].as_array().unwrap().len(), 2);
}

#[test]
fn comparable_renames_ids_and_times_in_order_of_appearance() {
    let a: Value = serde_json::json!({"id": "0123456789abcdef0123456789abcdef", "created_at": 5,
        "attendance": {"0123456789abcdef0123456789abcdef": "present"}, "title": "x", "votes": 1});
    let b: Value = serde_json::json!({"id": "fedcba9876543210fedcba9876543210", "created_at": 9,
        "attendance": {"fedcba9876543210fedcba9876543210": "present"}, "title": "x", "votes": 1});
    assert_eq!(comparable(&a), comparable(&b));
    let c: Value = serde_json::json!({"id": "fedcba9876543210fedcba9876543210", "created_at": 9,
        "attendance": {"fedcba9876543210fedcba9876543211": "present"}, "title": "x", "votes": 1});
    assert_ne!(comparable(&a), comparable(&c), "a different id in another place is a difference");
    let d: Value = serde_json::json!({"id": "fedcba9876543210fedcba9876543210", "created_at": 9,
        "attendance": {"fedcba9876543210fedcba9876543210": "present"}, "title": "y", "votes": 1});
    assert_ne!(comparable(&a), comparable(&d), "text is compared as it is");
}
