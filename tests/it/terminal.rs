//! scenepal on a real terminal: a pseudo-terminal from `script` for the
//! refusals, and a tmux screen for a batch with its progress bar.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{bin, clean_command, fixture, program, root};

/// Runs `command` (a shell line) with stdin, stdout and stderr on a
/// pseudo-terminal; returns its exit code and everything it printed.
fn on_a_terminal(command: &str) -> (Option<i32>, String) {
    let out = clean_command("script")
        .args(["-qec", command, "/dev/null"])
        .output()
        .expect("script (util-linux) runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn no_png_is_written_to_a_terminal() {
    for flag in ["--swatch", "--plot", "--barcode"] {
        let (code, text) =
            on_a_terminal(&format!("scenepal {flag} - {}", fixture("two_colors.png")));
        assert_eq!(code, Some(2), "{flag}: {text}");
        assert!(
            text.contains("refusing to write a PNG picture to a terminal"),
            "{flag}: {text}"
        );
        assert!(
            !text.contains("PNG\r\n\u{1a}"),
            "{flag}: no PNG bytes on the screen"
        );
    }
}

#[test]
fn stdin_on_a_terminal_is_refused_not_waited_on() {
    let started = Instant::now();
    let (code, text) = on_a_terminal("scenepal -");
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("pipe or redirect it in"), "{text}");
    let (_, list) = on_a_terminal("scenepal --files-from -");
    assert!(
        list.contains("reads the list of paths from stdin"),
        "{list}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn pictures_go_to_dev_fd_targets_when_stdout_is_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("strip.png");
    let line = format!(
        "scenepal --swatch /dev/fd/3 --swatch-style strip {} 3>&1 >/dev/null | cat > '{}'",
        fixture("five_stripes.png"),
        out.display()
    );
    let status = clean_command("sh").args(["-c", &line]).status().unwrap();
    assert!(status.success());
    let strip = image::open(&out).expect("a complete PNG came through the pipe");
    assert_eq!(strip.width(), 1000);
}

/// A tmux server of its own, removed when dropped.
struct Tmux(String);

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = clean_command("tmux")
            .args(["-L", &self.0])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The pane's text once the command line has echoed DONE (or at the
    /// deadline, so a hang fails its assertions instead of the run).
    fn screen_when_done(&self, wait: Duration) -> String {
        let deadline = Instant::now() + wait;
        loop {
            let screen = self.run(&["capture-pane", "-p"]);
            if screen.contains("DONE") || Instant::now() > deadline {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

#[test]
fn a_batch_on_a_terminal_shows_clean_results_and_no_stale_bar() {
    if program(&["tmux"], "apt-get install tmux").is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..20 {
        let name = tmp.path().join(format!("still{i:02}.jpg"));
        std::fs::copy(root().join(fixture("nuthatch_960.jpg")), name).unwrap();
    }
    let tmux = Tmux(format!("scenepal-test-{}", std::process::id()));
    let line = format!(
        "cd '{}' && PATH='{}' scenepal -j1 -k3 '{}'; echo DONE; sleep 60",
        root().display(),
        bin().parent().map(Path::display).unwrap(),
        tmp.path().display()
    );
    tmux.run(&["new-session", "-d", "-x", "160", "-y", "50", &line]);
    let screen = tmux.screen_when_done(Duration::from_secs(120));
    let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 22, "20 results, the summary, DONE:\n{screen}");
    for (i, l) in lines[..20].iter().enumerate() {
        let name = format!("still{i:02}.jpg");
        let hexes: Vec<&str> = l.split_whitespace().skip(1).collect();
        assert!(
            l.starts_with(&tmp.path().join(&name).display().to_string())
                && hexes.len() == 3
                && hexes.iter().all(|h| h.len() == 7 && h.starts_with('#')),
            "line {i} is not a clean result:\n{screen}"
        );
    }
    assert!(lines[20].starts_with("20 images, 0 failed, "), "{screen}");
    assert!(
        !screen.contains("images/s"),
        "no bar is left on the screen:\n{screen}"
    );
}

#[test]
fn no_ase_file_is_written_to_a_terminal() {
    let (code, text) = on_a_terminal(&format!("scenepal -f ase {}", fixture("two_colors.png")));
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("refusing to write a binary ASE file to a terminal"),
        "{text}"
    );
}

/// Runs a batch of 200 stills on a tmux screen, lets it show its bar and a
/// result, stops it with `stop` (given the tmux server and the file holding
/// scenepal's process id) and returns the screen once the shell has said
/// `rc=CODE`.
fn interrupted_batch(session: &str, stop: impl Fn(&Tmux, &Path)) -> String {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..200 {
        let name = tmp.path().join(format!("still{i:03}.jpg"));
        std::fs::copy(root().join(fixture("nuthatch_960.jpg")), name).unwrap();
    }
    let pid = tmp.path().join("pid");
    let tmux = Tmux(format!("scenepal-{session}-{}", std::process::id()));
    // bash goes on after its child's Ctrl-C (a trap, not an ignored signal:
    // scenepal gets the default action); scenepal runs in the foreground,
    // its process id written down first.
    let script = tmp.path().join("run.sh");
    std::fs::write(
        &script,
        "trap true INT\n\
         sh -c 'echo $$ > \"$1\"; exec scenepal -j1 -k3 \"$0\"' \"$1\" \"$2\"\n\
         echo rc=$?\n\
         sleep 60\n",
    )
    .unwrap();
    let line = format!(
        "cd '{}' && PATH='{}:/usr/bin:/bin' bash '{}' '{}' '{}'",
        root().display(),
        bin().parent().map(Path::display).unwrap(),
        script.display(),
        tmp.path().display(),
        pid.display()
    );
    tmux.run(&["new-session", "-d", "-x", "160", "-y", "50", &line]);
    let wait_for = |done: &dyn Fn(&str) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let screen = tmux.run(&["capture-pane", "-p"]);
            if done(&screen) || Instant::now() > deadline {
                break screen;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let running = wait_for(&|s: &str| s.contains("images/s") && s.contains("still001.jpg"));
    assert!(running.contains("images/s"), "the bar shows:\n{running}");
    stop(&tmux, &pid);
    wait_for(&|s: &str| s.contains("rc="))
}

/// Checks an interrupted batch's screen: results, then the summary where
/// the bar was, no bar left, and the exit status of the signal.
fn check_interrupted(screen: &str, code: u8) {
    let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    let summary = lines
        .iter()
        .position(|l| l.starts_with("interrupted after "))
        .unwrap_or_else(|| panic!("no summary:\n{screen}"));
    let handled: usize = lines[summary]
        .strip_prefix("interrupted after ")
        .and_then(|rest| rest.strip_suffix(" of 200 images"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", lines[summary]));
    assert!((1..200).contains(&handled), "{screen}");
    // Every result printed before the interruption is on the screen, whole.
    assert_eq!(summary, handled, "one line per handled still:\n{screen}");
    for (i, l) in lines[..summary].iter().enumerate() {
        assert!(
            l.contains(&format!("still{i:03}.jpg")) && l.split_whitespace().count() == 4,
            "line {i} is not a clean result:\n{screen}"
        );
    }
    // (bash says "Terminated" of a child SIGTERM ended.)
    let rest: Vec<&str> = lines[summary + 1..]
        .iter()
        .copied()
        .filter(|l| *l != "Terminated")
        .collect();
    assert_eq!(rest, [format!("rc={code}")], "{screen}");
    assert!(
        !screen.contains("images/s") && !screen.contains('█') && !screen.contains('░'),
        "no bar is left on the screen:\n{screen}"
    );
}

#[test]
fn ctrl_c_or_sigterm_clears_the_bar_and_says_how_far_the_batch_got() {
    if program(&["tmux"], "apt-get install tmux").is_none() {
        return;
    }
    // Ctrl-C at the keyboard: the terminal echoes `^C` as it sends SIGINT.
    let screen = interrupted_batch("sigint", |tmux, _| {
        tmux.run(&["send-keys", "C-c"]);
    });
    check_interrupted(&screen, 130);
    let screen = interrupted_batch("sigterm", |_, pid| {
        let pid = std::fs::read_to_string(pid).unwrap();
        let status = clean_command("kill")
            .args(["-TERM", pid.trim()])
            .status()
            .unwrap();
        assert!(status.success());
    });
    check_interrupted(&screen, 143);
}

#[test]
fn batch_lines_on_a_terminal_are_coloured_codes_trimmed_to_its_width() {
    if program(&["tmux"], "apt-get install tmux").is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..5 {
        let name = tmp.path().join(format!("still{i}.jpg"));
        std::fs::copy(root().join(fixture("china_320.jpg")), name).unwrap();
    }
    let tmux = Tmux(format!("scenepal-width-{}", std::process::id()));
    let line = format!(
        "cd '{}' && PATH='{}' scenepal -q -j1 -k10 '{}'; echo DONE; sleep 60",
        root().display(),
        bin().parent().map(Path::display).unwrap(),
        tmp.path().display()
    );
    tmux.run(&["new-session", "-d", "-x", "80", "-y", "30", &line]);
    let screen = tmux.screen_when_done(Duration::from_secs(60));
    // One screen line per still: nothing wrapped.
    let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 6, "5 results and DONE:\n{screen}");
    for (i, l) in lines[..5].iter().enumerate() {
        let path = tmp
            .path()
            .join(format!("still{i}.jpg"))
            .display()
            .to_string();
        let rest: Vec<&str> = l[path.len()..].split_whitespace().collect();
        let (codes, more) = match rest.split_last() {
            Some((last, codes)) if last.starts_with('+') => (codes, last[1..].parse().unwrap()),
            _ => (&rest[..], 0),
        };
        assert!(
            l.starts_with(&path)
                && l.chars().count() <= 80
                && codes.len() + more == 10
                && !codes.is_empty()
                && codes.iter().all(|h| h.len() == 7 && h.starts_with('#')),
            "line {i}:\n{screen}"
        );
    }
    // The codes are drawn on their colours.
    let coloured = tmux.run(&["capture-pane", "-p", "-e"]);
    assert!(coloured.contains("\x1b[48;"), "{coloured}");
}

/// The film progress bar's counts, (done, expected), in the order drawn:
/// "12/150 frames  9.8 frames/s  ETA 14s" gives (12, 150).
fn frame_counts(screen: &str) -> Vec<(u64, u64)> {
    screen
        .split(['\r', '\n', '\u{1b}'])
        .filter(|d| d.contains(" frames/s  ETA "))
        .filter_map(|d| {
            let count = d.split_whitespace().find(|w| w.contains('/'))?;
            let (done, of) = count.split_once('/')?;
            Some((done.parse().ok()?, of.parse().ok()?))
        })
        .collect()
}

#[test]
fn a_long_film_shows_frames_done_of_frames_expected_and_nothing_on_a_pipe() {
    if !crate::video::ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = dir.path().join("long.mp4");
    crate::video::make(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=160x90:r=10:d=15",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        film.to_str().unwrap(),
    ]);
    let (code, screen) = on_a_terminal(&format!(
        "scenepal -j 1 --every 100ms '{}' > /dev/null",
        film.display()
    ));
    assert_eq!(code, Some(0), "{screen}");
    // The bar's draws: "12/150 frames  9.8 frames/s  ETA 14s". The film's
    // 150 frames are expected from its declared length while it is read.
    let draws = frame_counts(&screen);
    assert!(
        draws
            .iter()
            .any(|&(done, of)| of == 150 && done > 0 && done < 150),
        "no draw shows frames done of the 150 expected: {draws:?}"
    );
    // On a pipe: the records, and no bar on stderr (its summary only).
    let out = crate::common::scenepal()
        .args(["-j", "1", "--every", "100ms"])
        .arg(&film)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 150);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        !err.contains("ETA") && !err.contains('\r') && !err.contains('░'),
        "{err}"
    );
}

#[test]
fn a_fast_film_expects_its_keyframes_not_its_sample_times() {
    if !crate::video::ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // 8 s with a keyframe each second: 32 sample times at 250 ms, 8
    // keyframes. ffmpeg reads in real time (-re), so the bar is drawn.
    let film = dir.path().join("keys.mp4");
    let film = film.to_str().unwrap();
    crate::video::make(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=64x36:r=10:d=8",
        "-c:v",
        "libx264",
        "-g",
        "10",
        "-sc_threshold",
        "0",
        "-pix_fmt",
        "yuv420p",
        film,
    ]);
    let real = clean_command("sh")
        .args(["-c", "command -v ffmpeg"])
        .output()
        .unwrap();
    let real = String::from_utf8(real.stdout).unwrap();
    let path = crate::video::fake(
        dir.path(),
        "ffmpeg",
        &format!("exec '{}' -re \"$@\"", real.trim()),
    );
    let (code, screen) = on_a_terminal(&format!(
        "PATH='{}:{path}' scenepal -j 1 --fast --every 250ms '{film}' > /dev/null",
        bin().parent().map(Path::display).unwrap(),
    ));
    assert_eq!(code, Some(0), "{screen}");
    let draws = frame_counts(&screen);
    // Once keyframes are read, the count expected is about the film's 8
    // keyframes (scaled from those read), never its 32 sample times. (The
    // count is brought up to date as frames are offered, so a draw at the
    // moment the second keyframe is done may still show the old one.)
    let later: Vec<u64> = draws
        .iter()
        .filter(|&&(done, _)| done >= 4)
        .map(|&(_, of)| of)
        .collect();
    assert!(!later.is_empty(), "no draw after four keyframes: {draws:?}");
    assert!(later.iter().all(|&of| (8..=12).contains(&of)), "{draws:?}");
}
