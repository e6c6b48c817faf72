//! Shared test helpers: a scenepal command with a scrubbed environment, run
//! from the repository root so fixture paths are stable.

use std::io::Cursor;
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

/// The scenepal binary under test.
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("scenepal")
}

/// `scenepal` with an empty environment (no NO_COLOR, no RAYON_NUM_THREADS)
/// and the repository root as working directory.
pub fn scenepal() -> Command {
    Command::from_std(clean_command(bin()))
}

/// Any program (scenepal itself, a shell, `/usr/bin/time`) with the same
/// clean environment and working directory, for tests that spawn, wrap or
/// kill it; `PATH` holds scenepal's directory and the system's.
pub fn clean_command(program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
    let bin = bin();
    let bin_dir = bin.parent().expect("the binary is in a directory");
    let mut cmd = std::process::Command::new(program);
    cmd.env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .current_dir(root());
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

/// `image` encoded in `format` by the image crate.
pub fn encode(image: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// Writes `bytes` to `name` in `dir` and returns its path.
pub fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

/// A PNG whose header announces `w`×`h` (the data is a 1×1 image's).
pub fn png_announcing(w: u32, h: u32) -> Vec<u8> {
    let mut png = encode(image::RgbImage::new(1, 1).into(), image::ImageFormat::Png);
    // IHDR data starts at byte 16: width, height, then 5 more bytes and a CRC.
    png[16..20].copy_from_slice(&w.to_be_bytes());
    png[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32fast::hash(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// A JPEG whose frame header announces `w`×`h`.
pub fn jpeg_announcing(w: u16, h: u16) -> Vec<u8> {
    let mut jpeg = encode(image::RgbImage::new(8, 8).into(), image::ImageFormat::Jpeg);
    let sof = jpeg
        .windows(2)
        .position(|m| m == [0xFF, 0xC0])
        .expect("baseline JPEG");
    jpeg[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    jpeg
}

/// JSON Lines output, each line decoded.
pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON record per line"))
        .collect()
}

/// Set (to anything but `0`) by `.ci/run`: a test that needs a program the
/// project does not ship fails when the program is missing instead of skipping.
pub const REQUIRE_ALL_VAR: &str = "SCENEPAL_REQUIRE_ALL";

/// The first of `programs` found on the tests' `PATH`, as the name to run.
/// `None` means skip: one line on stderr names what to install (`install`),
/// unless [`REQUIRE_ALL_VAR`] is set, where a missing program fails the test,
/// so CI cannot pass with a part of the suite silently left out.
pub fn program(programs: &[&'static str], install: &str) -> Option<&'static str> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = programs.iter().copied().find(|name| {
        std::env::split_paths(&path).any(|dir| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(dir.join(name))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    });
    if found.is_none() {
        let line = format!("skipped: no {} ({install})", programs.join(" or "));
        if std::env::var_os(REQUIRE_ALL_VAR).is_some_and(|v| v != "0") {
            panic!("{line}, and {REQUIRE_ALL_VAR} is set");
        }
        eprintln!("{line}");
    }
    found
}
