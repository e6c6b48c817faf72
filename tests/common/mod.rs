//! Shared test helpers: a scenepal command with a scrubbed environment, run
//! from the repository root so fixture paths are stable.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture's path relative to the repository root.
pub fn fixture(name: &str) -> String {
    format!("fixtures/{name}")
}

/// `scenepal` with an empty environment (no NO_COLOR, no RAYON_NUM_THREADS)
/// and the repository root as working directory.
pub fn scenepal() -> Command {
    let mut cmd = Command::cargo_bin("scenepal").expect("binary is built");
    cmd.env_clear().current_dir(root());
    cmd
}

/// Runs scenepal and returns stdout, asserting success and a silent stderr.
pub fn stdout_of(args: &[&str]) -> String {
    let out = scenepal().args(args).output().expect("runs");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "scenepal {args:?} failed: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The lines of scenepal's stdout.
pub fn lines_of(args: &[&str]) -> Vec<String> {
    stdout_of(args).lines().map(str::to_owned).collect()
}

/// scenepal's JSON output, decoded.
pub fn json_of(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["-f", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&stdout_of(&all)).expect("valid JSON")
}

/// Reads a file below the repository root.
pub fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(root().join(path)).expect("readable file")
}
