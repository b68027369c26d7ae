//! Helpers for driving the real `kring` binary.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

pub(crate) mod netns;
pub(crate) mod serving;

/// A temporary folder is made readable by everyone; Kring would (rightly) warn about that on
/// its first start. A data folder Kring creates itself is private from the start.
pub(crate) fn make_private(data: &Path) {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(data) {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(data, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
    }
}

pub(crate) fn kring(data: &Path, args: &[&str]) -> Output {
    kring_with_env(data, args, &[])
}

/// `kring` with `env` set (a bundle's passphrase, say); nothing on its standard input.
pub(crate) fn kring_with_env(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    make_private(data);
    Command::new(env!("CARGO_BIN_EXE_kring"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("KRING_DATA_DIR")
        .envs(env.iter().copied())
        .output()
        .expect("the kring binary runs")
}

/// Runs a command that must succeed and returns its one JSON object.
pub(crate) fn ok(data: &Path, args: &[&str]) -> Value {
    let out = kring(data, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kring {args:?} failed: {stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one JSON object on one line: {stdout}");
    serde_json::from_str(&stdout).unwrap()
}

/// Runs a command that must fail; returns its one-line error message.
pub(crate) fn fails(data: &Path, args: &[&str]) -> String {
    let out = kring(data, args);
    assert!(!out.status.success(), "kring {args:?} should have failed");
    assert!(out.stdout.is_empty(), "nothing on stdout when failing");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.trim_end().lines().count(), 1, "a one-line error: {stderr}");
    stderr
}

pub(crate) fn id(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_else(|| panic!("no {key} in {value}")).to_string()
}

/// The README's first step: Anna, a teacher, starts "PLG Rekenen Leiden".
pub(crate) const CREATE_NETWORK: [&str; 10] = [
    "network",
    "create",
    "--name",
    "PLG Rekenen Leiden",
    "--me",
    "Anna de Vries",
    "--perspective",
    "teacher",
    "--organisation",
    "Da Vinci College",
];

/// The README's second step: the network's first meeting.
pub(crate) const ADD_FIRST_SESSION: [&str; 10] = [
    "session",
    "add",
    "--title",
    "Startbijeenkomst",
    "--kind",
    "plg",
    "--date",
    "2026-11-24T15:30",
    "--location",
    "Lokaal 12",
];

pub(crate) fn create_network(data: &Path) -> (String, String) {
    let created = ok(data, &CREATE_NETWORK);
    (id(&created, "network"), id(&created, "member"))
}
