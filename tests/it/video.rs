//! Video input: films made by the test with ffmpeg (installed by `.ci/run`;
//! the tests skip without it), sampled into frames that behave like stills
//! in every kind of run.

use std::path::{Path, PathBuf};
use std::process::Command as Std;

use crate::common::{clean_command, json_lines, program, scenepal};

/// The four one-second scenes of the test film, in order.
pub const SCENES: [(&str, [u8; 3]); 4] = [
    ("red", [255, 0, 0]),
    ("lime", [0, 255, 0]),
    ("blue", [0, 0, 255]),
    ("white", [255, 255, 255]),
];

/// Makes a 4-second, 10 fps film of four flat scenes in `dir`: lossless RGB
/// (FFV1 in Matroska), so every frame's colours are exact; `name` ending in
/// `.mp4` makes an H.264 one instead (colours within a few units).
pub fn film(dir: &Path, name: &str, width: u32, height: u32) -> String {
    let path = dir.join(name);
    let sources: Vec<String> = SCENES
        .iter()
        .enumerate()
        .map(|(i, (colour, _))| format!("color=c={colour}:s={width}x{height}:r=10:d=1[s{i}]"))
        .collect();
    let graph = format!("{};[s0][s1][s2][s3]concat=n=4", sources.join(";"));
    let codec: &[&str] = if name.ends_with(".mp4") {
        &["-c:v", "libx264", "-pix_fmt", "yuv444p", "-qp", "0"]
    } else {
        &["-c:v", "ffv1", "-pix_fmt", "bgr0"]
    };
    let status = Std::new("ffmpeg")
        .args(["-v", "error", "-y", "-filter_complex", &graph])
        .args(codec)
        .arg(&path)
        .status()
        .expect("ffmpeg is needed for the video tests (.ci/run installs it)");
    assert!(status.success(), "ffmpeg made no film");
    path.to_str().unwrap().to_owned()
}

/// The JSON records of a run that must succeed (`-f json -q` and `args`).
pub fn records(args: &[&str]) -> Vec<serde_json::Value> {
    let out = scenepal()
        .args(["-f", "json", "-q"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out.stdout)
}

/// Whether ffmpeg and ffprobe are installed (else the test skips, saying so).
pub fn ffmpeg() -> bool {
    ["ffmpeg", "ffprobe"]
        .iter()
        .all(|p| program(&[*p], "apt-get install ffmpeg").is_some())
}

fn hex(rgb: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

#[test]
fn a_film_is_sampled_into_frames_with_their_times() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = film(dir.path(), "film.mkv", 64, 36);
    let records = records(&["-k", "2", &film]);
    assert_eq!(records.len(), 4, "one frame a second by default");
    for (i, (record, (_, rgb))) in records.iter().zip(SCENES).enumerate() {
        assert_eq!(record["path"], format!("{film}@00:00:0{i}.000"));
        assert_eq!(record["time"], i as f64);
        assert_eq!(
            (record["width"].as_u64(), record["height"].as_u64()),
            (Some(64), Some(36))
        );
        // One colour in each frame, exactly (lossless film).
        assert_eq!(record["colors"].as_array().unwrap().len(), 1);
        assert_eq!(record["colors"][0]["hex"], hex(rgb));
    }
    // Hex: the printed path carries the time.
    let out = scenepal().args(["-q", &film]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().nth(2),
        Some(format!("{film}@00:00:02.000\t#0000ff").as_str())
    );
}

#[test]
fn frames_spread_evenly_between_start_and_end() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = film(dir.path(), "film.mkv", 32, 18);
    let times = |args: &[&str]| -> Vec<f64> {
        records(&[args, &[film.as_str()]].concat())
            .iter()
            .map(|r| r["time"].as_f64().unwrap())
            .collect()
    };
    assert_eq!(
        times(&["--frames", "4", "--start", "1s", "--end", "3s"]),
        [1.0, 1.5, 2.0, 2.5]
    );
    assert_eq!(
        times(&["--every", "500ms", "--start", "00:00:02.5"]).len(),
        3
    );
    assert_eq!(times(&["--every", "2s"]), [0.0, 2.0]);
}

#[test]
fn one_frame_is_named_by_its_time() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = film(dir.path(), "film.mkv", 32, 18);
    let out = scenepal()
        .arg(format!("{film}@00:00:01.500"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "#00ff00\n");
    // Past the end: the frame's error, one line.
    let out = scenepal()
        .arg(format!("{film}@00:01:00.000"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("@00:01:00.000") && err.contains("past the video's end"),
        "{err}"
    );
}

#[test]
fn a_movie_barcode_in_one_command() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = film(dir.path(), "film.mkv", 64, 36);
    let barcode = dir.path().join("barcode.png");
    let out = clean_command(crate::common::bin())
        .args(["--every", "250ms", "-q", "--barcode"])
        .arg(&barcode)
        .arg(&film)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One column per frame in time order: each scene fills a quarter.
    let picture = image::open(&barcode).unwrap().to_rgb8();
    let quarter = picture.width() / 4;
    for (i, (_, rgb)) in SCENES.iter().enumerate() {
        let x = quarter * i as u32 + quarter / 2;
        assert_eq!(
            picture.get_pixel(x, picture.height() / 2).0,
            *rgb,
            "scene {i}"
        );
    }
}

#[test]
fn merge_check_and_swatch_dir_work_on_frames() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = film(dir.path(), "film.mp4", 64, 36);
    // The film's palette: its four scenes, a quarter each.
    let merged = &records(&["--merge", "-k", "4", &film])[0];
    assert_eq!(merged["images"], 4);
    for colour in merged["colors"].as_array().unwrap() {
        assert!((colour["fraction"].as_f64().unwrap() - 0.25).abs() < 1e-6);
        let rgb: Vec<i64> = colour["rgb"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        let near = SCENES
            .iter()
            .any(|(_, s)| s.iter().zip(&rgb).all(|(a, b)| (*a as i64 - b).abs() <= 3));
        assert!(near, "{rgb:?} is not one of the scenes");
    }
    // A golden file of the frames checks the same film.
    let golden = dir.path().join("golden.json");
    let out = scenepal()
        .args(["-f", "json", "-q", &film])
        .output()
        .unwrap();
    std::fs::write(&golden, &out.stdout).unwrap();
    scenepal()
        .args(["-q", "--check"])
        .arg(&golden)
        .arg(&film)
        .assert()
        .success();
    // Swatch cards, one per frame, named by film and time.
    let cards = dir.path().join("cards");
    scenepal()
        .args(["-q", "--swatch-dir"])
        .arg(&cards)
        .arg(&film)
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(&cards)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 4);
    assert_eq!(
        names[1], "film.mp4@00-00-01.000.png",
        "below the film's folder"
    );
}

#[test]
fn without_ffmpeg_a_video_is_one_clear_error() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = film(dir.path(), "film.mkv", 32, 18);
    let out = clean_command(crate::common::bin())
        .env("PATH", "/nonexistent")
        .args([&film, "fixtures/two_colors.png"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("scenepal:")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains("film.mkv") && lines[0].contains("install ffmpeg"),
        "{err}"
    );
    // The still beside it is still read.
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("two_colors.png"));
}

#[test]
fn a_cut_film_gives_the_frames_it_holds_and_one_error_where_it_ends() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A busy picture: a third of the file holds about a third of the film.
    let film = dir.path().join("film.mkv");
    let status = Std::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=320x180:r=10:d=4",
        ])
        .args(["-c:v", "ffv1", "-pix_fmt", "bgr0"])
        .arg(&film)
        .status()
        .expect("ffmpeg is needed for the video tests (.ci/run installs it)");
    assert!(status.success());
    let bytes = std::fs::read(&film).unwrap();
    let cut = dir.path().join("cut.mkv");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let out = scenepal()
        .args(["-f", "json", "-q"])
        .arg(&cut)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let records = json_lines(&out.stdout);
    // The frames it holds, then one error where ffmpeg found the damage
    // (not one per second the header declares).
    let last = records.len() - 1;
    assert!(last >= 1, "the first frame is read: {records:?}");
    assert!(records[..last].iter().all(|r| r["colors"].is_array()));
    assert!(
        records[last]["error"]
            .as_str()
            .unwrap()
            .contains("decoding error(s) (damaged data), the first: File ended prematurely"),
        "{records:?}"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    for line in err.lines() {
        assert!(
            line.starts_with(&format!("scenepal: {}@00:00:0", cut.display())),
            "{line}"
        );
    }
}

#[test]
fn letterbox_bars_are_left_out_of_film_frames_and_of_stills_when_asked() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A red scene letterboxed in black: 64×26 picture in a 64×36 frame.
    let film = dir.path().join("wide.mkv");
    let status = Std::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=64x26:r=10:d=1",
        ])
        .args([
            "-vf",
            "pad=64:36:0:5:black",
            "-c:v",
            "ffv1",
            "-pix_fmt",
            "bgr0",
        ])
        .arg(&film)
        .status()
        .expect("ffmpeg is needed for the video tests (.ci/run installs it)");
    assert!(status.success());
    let film = film.to_str().unwrap();
    let record =
        |args: &[&str]| -> serde_json::Value { records(&[&["-k", "3"], args].concat()).remove(0) };
    let hexes = |r: &serde_json::Value| -> Vec<String> {
        r["colors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["hex"].as_str().unwrap().to_owned())
            .collect()
    };
    // Untrimmed: the scene's red (as ffmpeg's YUV makes it) and the bars.
    let untrimmed = record(&["--trim-bars", "never", film]);
    let (red, black) = (hexes(&untrimmed)[0].clone(), "#000000".to_owned());
    assert_eq!(hexes(&untrimmed), [red.clone(), black.clone()]);
    assert!(untrimmed.get("crop").is_none());
    // Frames: trimmed by default, the crop recorded, the size kept. The pad
    // lands on an even line (4 above, 6 below) as 4:2:0 chroma makes it.
    let frame = record(&[film]);
    assert_eq!(hexes(&frame), std::slice::from_ref(&red));
    assert_eq!(
        frame["crop"],
        serde_json::json!({"x": 0, "y": 4, "width": 64, "height": 26})
    );
    assert_eq!(
        (frame["width"].as_u64(), frame["height"].as_u64()),
        (Some(64), Some(36))
    );
    assert_eq!(frame["pixels"], 64 * 26);
    // The same frame as a still: kept whole unless asked.
    let still = dir.path().join("wide.png");
    scenepal_frame_to_png(film, &still);
    let still = still.to_str().unwrap();
    assert_eq!(hexes(&record(&[still])), [red.clone(), black]);
    let trimmed = record(&["--trim-bars", "always", still]);
    assert_eq!(hexes(&trimmed), [red]);
    assert_eq!(trimmed["crop"]["height"], 26);
}

/// The film's first frame as a PNG, by ffmpeg.
fn scenepal_frame_to_png(film: &str, png: &Path) {
    let status = Std::new("ffmpeg")
        .args(["-v", "error", "-y", "-i", film, "-frames:v", "1"])
        .arg(png)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_video_on_stdin_and_frames_over_the_pixel_limit_are_clear_errors() {
    if !ffmpeg() {
        return;
    }
    let film = std::fs::read("fixtures/bigbuckbunny_160.mp4").unwrap();
    let out = scenepal().arg("-").write_stdin(film).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "scenepal: -: a video on stdin cannot be sampled: give the film's path\n"
    );
    let out = scenepal()
        .args([
            "-q",
            "--max-pixels",
            "1000",
            "fixtures/bigbuckbunny_160.mp4",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "one line for the film: {err}");
    assert!(
        err.lines()
            .all(|l| l.contains("more than the limit of 1000")),
        "{err}"
    );
}

#[test]
fn every_shot_takes_the_middle_frame_of_each_shot() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = film(dir.path(), "film.mkv", 64, 36);
    let run = |extra: &[&str]| {
        records(&[&["-k", "1", "--every", "shot"], extra, &[film.as_str()]].concat())
    };
    // Four one-second scenes at 10 fps: frames 5, 15, 25 and 35.
    let records = run(&[]);
    assert_eq!(records.len(), 4);
    for (i, (record, (_, rgb))) in records.iter().zip(SCENES).enumerate() {
        assert_eq!(record["time"], i as f64 + 0.5);
        assert_eq!(record["path"], format!("{film}@00:00:0{i}.500"));
        assert_eq!(record["colors"][0]["hex"], hex(rgb));
    }
    // Shots whose middle is before --start are left out.
    let later = run(&["--start", "1.2s"]);
    let times: Vec<f64> = later.iter().map(|r| r["time"].as_f64().unwrap()).collect();
    assert_eq!(times, [1.5, 2.5, 3.5]);
    // Not a duration, not shot: a usage error.
    let out = scenepal()
        .args(["--every", "scene", &film])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Runs ffmpeg with `args` (the test's own films), which must succeed.
pub fn make(args: &[&str]) {
    let status = Std::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args)
        .status()
        .expect("ffmpeg is needed for the video tests (.ci/run installs it)");
    assert!(status.success(), "ffmpeg failed: {args:?}");
}

/// A one-second, one-colour lossless film at `path`.
fn flat_film(path: &Path, colour: &str) {
    let source = format!("color=c={colour}:s=32x18:r=10:d=1");
    let path = path.to_str().unwrap();
    make(&[
        "-f", "lavfi", "-i", &source, "-c:v", "ffv1", "-pix_fmt", "bgr0", path,
    ]);
}

/// The hex colours of every record's first colour, in order.
fn first_colours(records: &[serde_json::Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["colors"][0]["hex"].as_str().unwrap_or("error").to_owned())
        .collect()
}

#[test]
fn a_film_name_is_a_file_never_a_url() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // What ffmpeg would read if it took the names as URLs.
    flat_film(&d.join("a.mkv"), "red");
    flat_film(&d.join("b.mkv"), "lime");
    flat_film(&d.join("x.mkv"), "lime");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = d.join("http:").join(format!("127.0.0.1:{port}"));
    std::fs::create_dir_all(&server).unwrap();
    let names = [
        "concat:a.mkv|b.mkv".to_owned(),
        "file:x.mkv".to_owned(),
        "http:x.mkv".to_owned(),
        format!("http://127.0.0.1:{port}/v.mkv"),
    ];
    for name in names[..3].iter().chain(["blue.mkv".to_owned()].iter()) {
        flat_film(&d.join(name), "blue");
    }
    flat_film(&server.join("v.mkv"), "blue");
    let mut args: Vec<String> = vec!["-k".into(), "1".into(), "blue.mkv".into()];
    args.extend(names.iter().cloned());
    args.push(format!("{}@00:00:00.500", names[3]));
    let out = scenepal()
        .current_dir(d)
        .args(["-f", "json", "-q"])
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = json_lines(&out.stdout);
    // One frame a film, each the film's own blue.
    let colours = first_colours(&records);
    assert_eq!(colours.len(), 6, "{records:?}");
    assert!(colours.iter().all(|c| *c == colours[0]), "{colours:?}");
    let paths: Vec<&str> = records
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths[1], "concat:a.mkv|b.mkv@00:00:00.000");
    assert!(
        listener.accept().is_err(),
        "the loopback listener saw a connection"
    );
}

/// An MP4 film whose header declares `seconds` (its movie header's
/// timescale set to 1 and duration to `seconds`).
fn declaring(film: &[u8], seconds: u32) -> Vec<u8> {
    let mut bytes = film.to_vec();
    let at = bytes
        .windows(4)
        .position(|w| w == b"mvhd")
        .expect("an MP4 movie header");
    // Version 0: version and flags, creation, modification, timescale, duration.
    assert_eq!(bytes[at + 4], 0);
    bytes[at + 16..at + 20].copy_from_slice(&1u32.to_be_bytes());
    bytes[at + 20..at + 24].copy_from_slice(&seconds.to_be_bytes());
    bytes
}

#[test]
fn a_declared_length_of_136_years_is_not_trusted() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let real = std::fs::read(film(dir.path(), "film.mp4", 32, 18)).unwrap();
    for (name, seconds) in [("years.mp4", u32::MAX), ("weeks.mp4", 10_000_000)] {
        let path = dir.path().join(name);
        std::fs::write(&path, declaring(&real, seconds)).unwrap();
        let probe = Std::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                "-of",
                "csv=p=0",
            ])
            .arg(&path)
            .output()
            .unwrap();
        let declared: f64 = String::from_utf8_lossy(&probe.stdout)
            .trim()
            .parse()
            .unwrap();
        assert!(
            declared >= seconds as f64 * 0.99,
            "{name} declares {declared} s"
        );
        let out = scenepal()
            .args(["-f", "json", "-q", "-k", "2"])
            .arg(&path)
            .arg("fixtures/two_colors.png")
            .output()
            .unwrap();
        let records = json_lines(&out.stdout);
        // The film's four real seconds (its frames end there), then the
        // still: no abort, no record per declared second.
        assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
        assert!(records.len() <= 6, "{name}: {} records", records.len());
        assert_eq!(
            records[..4]
                .iter()
                .filter(|r| r["colors"].is_array())
                .count(),
            4,
            "{records:?}"
        );
        assert!(records.last().unwrap()["path"]
            .as_str()
            .unwrap()
            .ends_with("two_colors.png"));
    }
}

#[test]
fn many_films_keep_no_pipe_open() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("0.mkv");
    flat_film(&one, "red");
    // 60 films under a limit of 32 open files: each film's pipes must be
    // closed when it is done (they were kept until the run ended).
    for i in 1..60 {
        std::fs::copy(&one, dir.path().join(format!("{i}.mkv"))).unwrap();
    }
    let script = format!(
        "ulimit -n 32 && exec '{}' -q -j 2 -k 1 {}/*.mkv",
        crate::common::bin().display(),
        dir.path().display()
    );
    let out = clean_command("sh").args(["-c", &script]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // Each film's one frame, with its red (as ffmpeg's YUV keeps it).
    let reds = text
        .lines()
        .filter(|l| l.contains("@00:00:00.000\t#f"))
        .count();
    assert_eq!(reds, 60, "{text}");
}

/// A folder holding a fake `program` that runs `body` (a shell script).
pub fn fake(dir: &Path, program: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let path = bin.join(program);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    for real in ["ffmpeg", "ffprobe"] {
        if real != program {
            let found = Std::new("sh")
                .args(["-c", &format!("command -v {real}")])
                .output()
                .unwrap();
            let target = String::from_utf8(found.stdout).unwrap();
            let _ = std::os::unix::fs::symlink(target.trim(), bin.join(real));
        }
    }
    format!("{}:/usr/bin:/bin", bin.display())
}

/// Three small lossless films in `dir` (each needs about 64 MiB to decode).
fn three_films(dir: &Path) -> Vec<String> {
    (0..3)
        .map(|i| film(dir, &format!("film{i}.mkv"), 32, 18))
        .collect()
}

/// A folder holding an ffmpeg that runs the real one and logs each start
/// and end to `log` (a line each), as a PATH.
fn logging_ffmpeg(dir: &Path, log: &Path) -> String {
    let real = Std::new("sh")
        .args(["-c", "command -v ffmpeg"])
        .output()
        .unwrap();
    let real = String::from_utf8(real.stdout).unwrap();
    fake(
        dir,
        "ffmpeg",
        &format!(
            "echo start >> '{log}'\n'{real}' \"$@\"\ncode=$?\necho stop >> '{log}'\nexit $code",
            log = log.display(),
            real = real.trim()
        ),
    )
}

/// Whether a process whose command line is exactly `command` runs.
fn running(command: &str) -> bool {
    std::fs::read_dir("/proc").unwrap().flatten().any(|entry| {
        std::fs::read(entry.path().join("cmdline")).is_ok_and(|c| {
            c.split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .eq(command.split(' ').map(str::as_bytes))
        })
    })
}

#[test]
fn a_hung_ffprobe_or_ffmpeg_is_killed_at_its_deadline_and_is_that_films_error() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = film(dir.path(), "film.mkv", 32, 18);
    for (program, sleep) in [("ffprobe", "sleep 4711"), ("ffmpeg", "sleep 4712")] {
        let fakes = tempfile::tempdir().unwrap();
        let path = fake(fakes.path(), program, &format!("exec {sleep}"));
        let started = std::time::Instant::now();
        let out = scenepal()
            .env("PATH", path)
            .args([
                "-q",
                "-k",
                "2",
                "--film-timeout",
                "1",
                "fixtures/two_colors.png",
            ])
            .arg(&film)
            .arg("fixtures/two_colors.png")
            .output()
            .unwrap();
        assert!(
            started.elapsed().as_secs() < 20,
            "{program}: the deadline held"
        );
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!(
                "{program} took longer than its deadline of 1 s and was stopped (--film-timeout"
            )),
            "{err}"
        );
        // The stills on both sides keep their palettes.
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(text.matches("two_colors.png").count(), 2, "{text}");
        assert!(!running(sleep), "the hung {program} was left running");
    }
}

#[test]
fn children_die_with_scenepal() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = film(dir.path(), "film.mkv", 32, 18);
    let path = fake(dir.path(), "ffprobe", "exec sleep 4713");
    let mut child = clean_command(crate::common::bin())
        .env("PATH", path)
        .arg(&film)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let waited = std::time::Instant::now();
    while !running("sleep 4713") && waited.elapsed().as_secs() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(running("sleep 4713"), "the fake ffprobe started");
    child.kill().unwrap();
    child.wait().unwrap();
    let waited = std::time::Instant::now();
    while running("sleep 4713") && waited.elapsed().as_secs() < 5 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!running("sleep 4713"), "ffprobe outlived a killed scenepal");
}

#[test]
fn sampling_guards_are_usage_errors_and_limits_hold_for_films() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = film(dir.path(), "film.mkv", 32, 18);
    for args in [
        &["--every", "0"][..],
        &["--every=-1s"],
        &["--every", "2305843009213693952ms"],
        &["--start", "6", "--end", "3"],
        &["--start", "3", "--end", "3"],
    ] {
        let out = scenepal().args(args).arg(&film).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("error:"), "{args:?}: {err}");
    }
    // Finer than the film's 10 frames a second: each frame once, at its
    // own time, said once.
    let out = scenepal()
        .args(["-f", "json", "--every", "10ms"])
        .arg(&film)
        .output()
        .unwrap();
    assert!(out.status.success());
    let times: Vec<f64> = json_lines(&out.stdout)
        .iter()
        .map(|r| r["time"].as_f64().unwrap())
        .collect();
    let expected: Vec<f64> = (0..40).map(|i| i as f64 / 10.0).collect();
    assert_eq!(times, expected);
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.matches("finer than the film's frames").count(),
        1,
        "{err}"
    );
    // --max-bytes holds for films.
    let out = scenepal()
        .args(["-q", "--max-bytes", "1000"])
        .arg(&film)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("larger than the limit of 1000 bytes (--max-bytes)"),
        "{err}"
    );
    // Plain seconds and MM:SS after the @.
    for at in ["@1.5", "@00:01.5"] {
        let out = scenepal().arg(format!("{film}{at}")).output().unwrap();
        assert!(out.status.success(), "{at}");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), "#00ff00\n");
    }
}

/// The presentation times (s, from the film's start) of every frame.
fn frame_times(film: &str) -> Vec<f64> {
    let probe = |entries: &str| {
        let out = Std::new("ffprobe")
            .args([
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-show_entries",
                entries,
            ])
            .args(["-of", "csv=p=0", film])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let start: f64 = probe("format=start_time").trim().parse().unwrap();
    probe("frame=pts_time")
        .lines()
        .map(|t| t.trim_end_matches(',').parse::<f64>().unwrap() - start)
        .collect()
}

/// The colour of the frame ffmpeg's accurate seek gives at `seconds`.
fn ffmpeg_frame_colour(dir: &Path, film: &str, seconds: f64) -> String {
    let png = dir.join("oracle.png");
    let png = png.to_str().unwrap();
    make(&[
        "-ss",
        &format!("{seconds:.6}"),
        "-i",
        film,
        "-frames:v",
        "1",
        png,
    ]);
    let record = &records(&["-k", "1", png])[0];
    record["colors"][0]["hex"].as_str().unwrap().to_owned()
}

#[test]
fn each_frame_is_the_one_shown_at_its_printed_time() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Every frame one flat colour of its own (lossless), so a frame's
    // palette names it.
    let colours = "format=rgb24,geq=r='mod(N*37,256)':g='mod(N*91,256)':b='mod(N*53+60,256)'";
    let source = "color=c=black:s=16x16:r=25:d=4";
    let cfr = dir.path().join("cfr.mkv");
    let vfr = dir.path().join("vfr.mkv");
    let late = dir.path().join("late.mkv");
    let lossless = ["-c:v", "ffv1", "-pix_fmt", "bgr0"];
    let path = |p: &Path| p.to_str().unwrap().to_owned();
    make(
        &[
            &["-f", "lavfi", "-i", source, "-vf", colours][..],
            &lossless,
            &[&path(&cfr)],
        ]
        .concat(),
    );
    // Variable frame rate: frames 25 on held 0.3 s longer, 50 on 0.1 s.
    let uneven = format!("{colours},setpts='(N/25+0.3*gte(N,25)+0.1*gte(N,50))/TB'");
    make(
        &[
            &[
                "-f",
                "lavfi",
                "-i",
                source,
                "-vf",
                &uneven,
                "-fps_mode",
                "vfr",
            ][..],
            &lossless,
            &[&path(&vfr)],
        ]
        .concat(),
    );
    // A film whose first frame is at 1.25 s of its clock.
    make(
        &[
            &[
                "-f",
                "lavfi",
                "-i",
                source,
                "-vf",
                colours,
                "-output_ts_offset",
                "1.25",
            ][..],
            &lossless,
            &[&path(&late)],
        ]
        .concat(),
    );
    for film in [&cfr, &vfr, &late] {
        let film = path(film);
        let times = frame_times(&film);
        let samplings: [&[&str]; 4] = [
            &["--every", "990ms"],
            &["--every", "700ms", "--start", "1.01s", "--end", "3.3s"],
            &["--frames", "3"],
            &["--every", "40ms", "--start", "1.03s", "--end", "1.2s"],
        ];
        let mut checked = 0;
        let mut oracle = std::collections::BTreeMap::new();
        let mut colour_at = |shown: f64| -> String {
            oracle
                .entry((shown * 1e6).round() as i64)
                .or_insert_with(|| ffmpeg_frame_colour(dir.path(), &film, shown))
                .clone()
        };
        for sampling in samplings {
            let got =
                records(&[&["-k", "1", "--trim-bars", "never"][..], sampling, &[&film]].concat());
            assert!(!got.is_empty(), "{film} {sampling:?}");
            for record in &got {
                let t = record["time"].as_f64().unwrap();
                // The last frame that began at or before t.
                let shown = times
                    .iter()
                    .rev()
                    .find(|&&p| p <= t + 1e-6)
                    .copied()
                    .unwrap_or(times[0]);
                let want = colour_at(shown);
                assert_eq!(
                    record["colors"][0]["hex"].as_str().unwrap(),
                    want,
                    "{film} {sampling:?} at {t} (frame at {shown})"
                );
                checked += 1;
            }
        }
        // One frame by its time, in each form.
        for at in ["@2.345", "@00:02.345", "@00:00:02.345"] {
            let got = records(&["-k", "1", "--trim-bars", "never", &format!("{film}{at}")]);
            let shown = times
                .iter()
                .rev()
                .find(|&&p| p <= 2.345 + 1e-6)
                .copied()
                .unwrap();
            assert_eq!(
                got[0]["colors"][0]["hex"].as_str().unwrap(),
                colour_at(shown),
                "{film}{at}"
            );
        }
        assert!(checked >= 10, "{film}: {checked} frames checked");
    }
}

#[test]
fn under_a_small_memory_budget_films_decode_one_at_a_time() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let films = three_films(dir.path());
    let log = dir.path().join("log");
    let path = logging_ffmpeg(dir.path(), &log);
    // Each film's ffmpeg needs about 64 MiB: one fits in 100M, two do not.
    let out = scenepal()
        .env("PATH", path)
        .args(["-q", "-k", "2", "-j", "4", "--max-memory", "100M"])
        .args(&films)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 12);
    let log = std::fs::read_to_string(&log).unwrap();
    assert_eq!(log, "start\nstop\n".repeat(3), "two films decoded at once");
}

#[test]
fn a_film_whose_decoder_alone_exceeds_the_memory_budget_is_its_error() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = film(dir.path(), "film.mkv", 32, 18);
    let out = scenepal()
        .args([
            "-q",
            "-k",
            "2",
            "--max-memory",
            "20M",
            "fixtures/two_colors.png",
        ])
        .arg(&film)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("film.mkv@00:00:00.000: needs about 64 MiB of memory to decode")
            && err.contains("more than --max-memory 20 MiB"),
        "{err}"
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().count(),
        1,
        "the still keeps its palette: {text}"
    );
}

/// A 4 s H.264 film (160×90, 10 frames a second, one keyframe) with bit
/// flips through the second half of its coded frames: ffmpeg reports
/// decoding errors from about 1.7 s on.
fn damaged_film(dir: &Path) -> PathBuf {
    let base = dir.join("base.mp4");
    let status = Std::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .args(["testsrc2=s=160x90:r=10:d=4", "-c:v", "libx264"])
        .args(["-pix_fmt", "yuv420p"])
        .arg(&base)
        .status()
        .unwrap();
    assert!(status.success());
    let mut data = std::fs::read(&base).unwrap();
    let len = data.len();
    for i in (len / 2..len - 2000).step_by(97) {
        data[i] ^= 0x55;
    }
    let damaged = dir.join("damaged.mp4");
    std::fs::write(&damaged, data).unwrap();
    damaged
}

#[test]
fn a_damaged_film_is_an_error_or_with_lenient_one_warning() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let damaged = damaged_film(dir.path());
    let run = |lenient: bool| {
        let mut cmd = scenepal();
        cmd.args(["-q", "-k", "2", "-j", "4"]);
        if lenient {
            cmd.arg("--lenient");
        }
        let out = cmd.arg(&damaged).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        (out.status.code(), text, err)
    };
    let (code, text, err) = run(false);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(text.lines().count(), 4, "{text}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("decoding error(s) (damaged data)"), "{err}");
    let (code, lenient_text, err) = run(true);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(lenient_text, text, "the same palettes are kept");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("scenepal: warning: ")
            && err.contains("damaged.mp4: ffmpeg reported ")
            && err.contains("its palettes are kept (--lenient)"),
        "{err}"
    );
}

#[test]
fn damage_in_the_frames_read_is_reported_when_their_number_is_known() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let damaged = damaged_film(dir.path());
    let at = format!("{}@00:00:03", damaged.display());
    // Each stops ffmpeg after the frames it plans (or reads the chosen
    // frames of its shots): the damage in what it read is still heard.
    for (args, frames) in [
        (vec!["--frames", "4", damaged.to_str().unwrap()], 4),
        (vec!["--end", "4", damaged.to_str().unwrap()], 4),
        (vec!["--every", "shot", damaged.to_str().unwrap()], 1),
        (vec![at.as_str()], 1),
    ] {
        let out = scenepal()
            .args(["-q", "-k", "2", "-j", "2", "-f", "json"])
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.contains("damaged.mp4") && err.contains("decoding error(s) (damaged data)"),
            "{args:?}: {err}"
        );
        let records = json_lines(&out.stdout);
        let palettes: Vec<_> = records
            .iter()
            .filter(|r| r["colors"].is_array())
            .cloned()
            .collect();
        assert_eq!(palettes.len(), frames, "{args:?}: {records:?}");
        // The film's error comes after its frames, as its last record (a
        // single input's error is on stderr only).
        if args.len() > 1 {
            assert!(records.last().unwrap()["error"].is_string(), "{records:?}");
        }
        // --lenient: the same frames, one warning, success.
        let out = scenepal()
            .args(["-q", "-k", "2", "-j", "2", "-f", "json", "--lenient"])
            .args(&args)
            .output()
            .unwrap();
        let lenient_err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {lenient_err}");
        assert_eq!(json_lines(&out.stdout), palettes, "{args:?}");
        assert!(
            lenient_err.contains("its palettes are kept (--lenient)"),
            "{args:?}: {lenient_err}"
        );
    }
    // Frames read before the damage: nothing to report.
    let out = scenepal()
        .args(["-q", "-k", "2", "--end", "1"])
        .arg(&damaged)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn every_shots_first_pass_is_admitted_under_the_memory_budget() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let films = three_films(dir.path());
    let log = dir.path().join("log");
    let path = logging_ffmpeg(dir.path(), &log);
    // A film's decoder alone is over 20M: no ffmpeg starts, not even the
    // shot detection's.
    let out = scenepal()
        .env("PATH", &path)
        .args(["-q", "-k", "2", "--every", "shot", "--max-memory", "20M"])
        .arg(&films[0])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("more than --max-memory 20 MiB"), "{err}");
    assert!(!log.exists(), "an ffmpeg ran over the budget");
    // One decoder fits in 100M: the films' two passes each run alone.
    let out = scenepal()
        .env("PATH", &path)
        .args([
            "-q",
            "-k",
            "2",
            "-j",
            "4",
            "--every",
            "shot",
            "--max-memory",
            "100M",
        ])
        .args(&films)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Four scenes a film: four shots each.
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 12);
    let log = std::fs::read_to_string(&log).unwrap();
    assert_eq!(log, "start\nstop\n".repeat(6), "two ffmpeg at once");
}
