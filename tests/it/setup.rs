//! The suite itself: tests that need a program the project does not ship
//! (ffmpeg, tmux, a headless Chromium) skip without it, naming what to
//! install, so `cargo test` passes with Rust alone; under `.ci/run`
//! ([`REQUIRE_ALL_VAR`] set) the same missing program fails them.

use crate::common::REQUIRE_ALL_VAR;

/// This test binary run on the tests that need outside programs, with a
/// `PATH` (an empty directory) that holds none of them.
fn without_programs(require_all: bool) -> (bool, String) {
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.env_clear().env("PATH", empty.path()).args([
        "video::",
        "terminal::a_batch_on_a_terminal",
        "gallery::the_page_works_in_a_real_browser",
        "--nocapture",
        "--test-threads",
        "2",
    ]);
    if require_all {
        cmd.env(REQUIRE_ALL_VAR, "1");
    }
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text.into_owned())
}

#[test]
fn tests_needing_a_missing_program_skip_naming_what_to_install() {
    let (ok, out) = without_programs(false);
    assert!(ok, "{out}");
    for line in [
        "skipped: no ffmpeg (apt-get install ffmpeg)",
        "skipped: no tmux (apt-get install tmux)",
        "skipped: no chromium-headless-shell or chromium (apt-get install chromium-headless-shell)",
    ] {
        assert!(out.lines().any(|l| l == line), "no `{line}` in:\n{out}");
    }
    let (ok, out) = without_programs(true);
    assert!(!ok, "{out}");
    assert!(
        out.contains(
            "skipped: no ffmpeg (apt-get install ffmpeg), and SCENEPAL_REQUIRE_ALL is set"
        ),
        "{out}"
    );
}
