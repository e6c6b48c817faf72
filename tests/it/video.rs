//! Video input: films made by the test with ffmpeg (installed by `.ci/run`;
//! the tests skip without it), sampled into frames that behave like stills
//! in every kind of run.

use std::path::Path;
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
fn ffmpeg() -> bool {
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
fn a_cut_film_gives_the_frames_it_holds_and_an_error_for_each_missing_one() {
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
    assert_eq!(records.len(), 4, "a record for every planned frame");
    assert!(records[0]["colors"].is_array(), "the first frame is read");
    assert!(records[3]["error"]
        .as_str()
        .unwrap()
        .contains("the video ends before"));
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
    let untrimmed = record(&["--trim-bars=never", film]);
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
    let trimmed = record(&["--trim-bars", still]);
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
    assert_eq!(err.lines().count(), 3, "one line per frame: {err}");
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
