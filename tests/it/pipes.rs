//! Each input is opened once: a pipe named on the command line (a FIFO,
//! `<(…)`) is read once as stdin is, with its limits; a FIFO met in a walk,
//! `--check FIFO` and `FIFO@TIME` are refused unopened. Every run here is
//! under `timeout`, so a regression fails instead of hanging the suite.

use std::path::Path;
use std::process::{Child, Command, Output};

use crate::common::{bin, clean_command, fixture, program, root};

/// scenepal run under `timeout 20`: exit 124 means it hung.
fn scenepal_within_time(args: &[&str]) -> Output {
    let mut cmd = clean_command("timeout");
    cmd.arg("20").arg(bin()).args(args);
    cmd.output().unwrap()
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// A writer that copies `file` into the FIFO when a reader opens it.
fn writer(fifo: &Path, file: &str) -> Child {
    Command::new("sh")
        .arg("-c")
        .arg(format!("cat {file} > '{}'", fifo.display()))
        .current_dir(root())
        .spawn()
        .unwrap()
}

fn stdout_text(out: &Output) -> String {
    assert_ne!(out.status.code(), Some(124), "scenepal hung");
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn a_fifo_named_on_the_command_line_is_read_once_as_stdin_is() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("still.png");
    mkfifo(&fifo);
    let expected = stdout_text(&scenepal_within_time(&[
        "-k",
        "4",
        &fixture("china_320.jpg"),
    ]));
    let mut cat = writer(&fifo, &fixture("china_320.jpg"));
    let out = scenepal_within_time(&["-k", "4", fifo.to_str().unwrap()]);
    let _ = cat.kill();
    let _ = cat.wait();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_text(&out), expected);
    // --max-bytes holds for a pipe as for stdin.
    let mut cat = writer(&fifo, &fixture("china_320.jpg"));
    let out = scenepal_within_time(&["--max-bytes", "1000", fifo.to_str().unwrap()]);
    let _ = cat.kill();
    let _ = cat.wait();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("larger than the limit of 1000 bytes (--max-bytes)"));
}

#[test]
fn process_substitution_is_read_as_a_pipe() {
    let script = format!(
        "{} -k 3 <(cat {}) {}",
        bin().display(),
        fixture("china_320.jpg"),
        fixture("flower_320.jpg")
    );
    let mut bash = clean_command("timeout");
    let out = bash.args(["20", "bash", "-c", &script]).output().unwrap();
    let text = stdout_text(&out);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("/dev/fd/"), "{text}");
    let alone = stdout_text(&scenepal_within_time(&[
        "-k",
        "3",
        &fixture("china_320.jpg"),
    ]));
    assert_eq!(
        lines[0].split_once('\t').unwrap().1,
        alone.lines().collect::<Vec<_>>().join(" ")
    );
}

#[test]
fn a_fifo_in_a_folder_check_and_at_time_are_refused_unopened() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("stills");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(fixture("two_colors.png"), folder.join("a.png")).unwrap();
    let fifo = folder.join("b.png");
    mkfifo(&fifo);
    // No writer: opening any of these would wait for ever.
    let out = scenepal_within_time(&[folder.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stdout_text(&out).contains("a.png\t"));
    assert!(
        stderr.contains("b.png: not a regular file (a FIFO, device or socket)"),
        "{stderr}"
    );
    let fifo = fifo.to_str().unwrap();
    let out = scenepal_within_time(&["--check", fifo, &fixture("two_colors.png")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!(
        "{fifo}: not a regular file (a FIFO, device or socket)"
    )));
    let at = format!("{fifo}@00:00:01");
    let out = scenepal_within_time(&[&at]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!(
        "{at}: not a regular file (a FIFO, device or socket)"
    )));
}

#[test]
fn each_input_path_is_opened_once() {
    let Some(strace) = program(&["strace"], "apt-get install strace") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("openat.log");
    let inputs = [fixture("china_320.jpg"), fixture("five_stripes.png")];
    for args in [&inputs[..1], &inputs[..]] {
        let out = clean_command(strace)
            .args(["-f", "-e", "trace=openat", "-o"])
            .arg(&log)
            .arg(bin())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let trace = std::fs::read_to_string(&log).unwrap();
        for input in args {
            let opens = trace
                .lines()
                .filter(|l| l.contains(&format!("\"{input}\"")))
                .count();
            assert_eq!(opens, 1, "{input} opened {opens} times:\n{trace}");
        }
    }
}
