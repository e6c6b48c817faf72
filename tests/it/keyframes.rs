//! Films read keyframes only (`--fast`, `--every key`), checked against
//! ffprobe's list of the film's keyframes: only keyframes, each once, at
//! its own time; and the exact path beside them, frame for frame.

use std::path::Path;
use std::process::Command as Std;

use crate::common::scenepal;
use crate::video::{ffmpeg, make, records};

/// The test film's frame rate.
const FPS: f64 = 25.0;

/// Where the test film's keyframes are forced (s); it has no others.
const KEYS: [f64; 5] = [0.0, 1.2, 3.4, 3.6, 7.04];

/// The colour of frame `n` of the test film: each frame its own.
fn colour_of_frame(n: u64) -> String {
    format!(
        "#{:02x}{:02x}{:02x}",
        n * 37 % 256,
        n * 91 % 256,
        (n * 53 + 60) % 256
    )
}

/// Makes `film.mp4` in `dir`: 9 s at 25 fps, 16×16, every frame one flat
/// colour of its own ([`colour_of_frame`]), lossless RGB H.264 (so a
/// frame's palette names it), keyframes at [`KEYS`] only (no periodic or
/// scene-cut keyframes).
fn keyed_film(dir: &Path) -> String {
    let path = dir.join("film.mp4");
    let keys: Vec<String> = KEYS.iter().map(|k| k.to_string()).collect();
    make(&[
        "-f",
        "lavfi",
        "-i",
        &format!("color=c=black:s=16x16:r={FPS}:d=9"),
        "-vf",
        "format=rgb24,geq=r='mod(N*37,256)':g='mod(N*91,256)':b='mod(N*53+60,256)'",
        "-c:v",
        "libx264rgb",
        "-qp",
        "0",
        "-g",
        "1000",
        "-sc_threshold",
        "0",
        "-force_key_frames",
        &keys.join(","),
        path.to_str().unwrap(),
    ]);
    path.to_str().unwrap().to_owned()
}

/// The film's keyframe times as ffprobe lists them (decoding keyframes
/// only), in ms from the film's start, rounded to the ms as scenepal's
/// times are.
fn ffprobe_keyframes(film: &str) -> Vec<u64> {
    let probe = |args: &[&str]| {
        let out = Std::new("ffprobe")
            .args(["-v", "error", "-select_streams", "v:0"])
            .args(args)
            .args(["-of", "csv=p=0", film])
            .output()
            .unwrap();
        assert!(out.status.success(), "ffprobe failed on {film}");
        String::from_utf8(out.stdout).unwrap()
    };
    let start: f64 = probe(&["-show_entries", "format=start_time"])
        .trim()
        .parse()
        .unwrap();
    probe(&["-skip_frame", "nokey", "-show_entries", "frame=pts_time"])
        .lines()
        .map(|l| l.trim().trim_end_matches(','))
        .filter(|l| !l.is_empty())
        .map(|t| ((t.parse::<f64>().unwrap() - start) * 1000.0).round() as u64)
        .collect()
}

/// A record's time in ms.
fn ms(record: &serde_json::Value) -> u64 {
    (record["time"].as_f64().unwrap() * 1000.0).round() as u64
}

/// A record's only colour.
fn colour(record: &serde_json::Value) -> &str {
    record["colors"][0]["hex"].as_str().unwrap()
}

/// The frame shown at `ms`: the last that began at or before it.
fn frame_at(ms: u64) -> u64 {
    (ms as f64 * FPS / 1000.0 + 1e-9).floor() as u64
}

#[test]
fn fast_reads_only_keyframes_each_once_at_its_own_time() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = keyed_film(dir.path());
    let keys = ffprobe_keyframes(&film);
    assert_eq!(keys, [0, 1200, 3400, 3600, 7040], "ffprobe's keyframes");
    let exact = records(&["-k", "1", "--every", "1s", &film]);
    let fast = records(&["-k", "1", "--every", "1s", "--fast", &film]);
    // Each sample time of the exact run takes the nearest keyframe at or
    // before it, once: 3.4 s serves no sample (3.6 s is nearer to 4 s).
    let mut want: Vec<u64> = exact
        .iter()
        .map(|r| *keys.iter().rev().find(|&&k| k <= ms(r)).unwrap())
        .collect();
    want.dedup();
    assert_eq!(want, [0, 1200, 3600, 7040]);
    let got: Vec<u64> = fast.iter().map(ms).collect();
    assert_eq!(got, want, "keyframes, each once, at their own times");
    for record in &fast {
        let key = ms(record);
        assert_eq!(
            record["path"].as_str().unwrap(),
            format!("{film}@{}", clock(key)),
            "named by the keyframe's own time"
        );
        assert_eq!(record["exact"], serde_json::json!(false), "{record}");
        assert_eq!(
            colour(record),
            colour_of_frame(frame_at(key)),
            "the keyframe's own pixels at {key} ms"
        );
    }
    // Byte-identical for any -j.
    let run = |j: &str| {
        let out = scenepal()
            .args(["-q", "-k", "1", "--fast", "-f", "json", "-j", j, &film])
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    assert_eq!(run("1"), run("4"));
}

#[test]
fn every_key_gives_every_keyframe_with_or_without_fast() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = keyed_film(dir.path());
    let keys = ffprobe_keyframes(&film);
    let every_key = records(&["-k", "1", "--every", "key", &film]);
    let times: Vec<u64> = every_key.iter().map(ms).collect();
    assert_eq!(times, keys);
    for record in &every_key {
        // The keyframes are the samples asked for: nothing stands in.
        assert!(record.get("exact").is_none(), "{record}");
        assert_eq!(record["every"], "key");
        assert_eq!(colour(record), colour_of_frame(frame_at(ms(record))));
    }
    assert_eq!(
        records(&["-k", "1", "--every", "key", "--fast", &film]),
        every_key
    );
    // A span: the keyframes from its start to before its end.
    let span = records(&[
        "-k", "1", "--every", "key", "--start", "1.2", "--end", "7.04", &film,
    ]);
    assert_eq!(span.iter().map(ms).collect::<Vec<_>>(), [1200, 3400, 3600]);
}

#[test]
fn the_exact_path_reads_the_frame_shown_at_each_sample_time() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = keyed_film(dir.path());
    for (sampling, want) in [
        (
            &["--every", "1s"][..],
            (0..9).map(|s| s * 1000).collect::<Vec<u64>>(),
        ),
        (
            &["--every", "700ms", "--start", "1.01s", "--end", "4s"],
            vec![1010, 1710, 2410, 3110, 3810],
        ),
    ] {
        let got = records(&[&["-k", "1"], sampling, &[&film]].concat());
        assert_eq!(got.iter().map(ms).collect::<Vec<_>>(), want, "{sampling:?}");
        for record in &got {
            // Every frame between keyframes decoded: the one shown at the
            // sample time, not a keyframe before it.
            assert!(record.get("exact").is_none(), "{record}");
            assert_eq!(
                colour(record),
                colour_of_frame(frame_at(ms(record))),
                "{sampling:?} at {} ms",
                ms(record)
            );
        }
    }
}

#[test]
fn fast_text_lines_and_one_frame_are_named_by_the_keyframes_time() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    keyed_film(dir.path());
    let out = scenepal()
        .current_dir(dir.path())
        .args(["-q", "-k", "1", "--fast", "film.mp4"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let want: Vec<String> = [0, 1200, 3600, 7040]
        .iter()
        .map(|&k| format!("film.mp4@{}\t{}", clock(k), colour_of_frame(frame_at(k))))
        .collect();
    assert_eq!(lines, want);
    // One frame asked for by its time: the keyframe at or before it.
    let one = scenepal()
        .current_dir(dir.path())
        .args(["-k", "1", "--fast", "-f", "json", "film.mp4@4.5"])
        .output()
        .unwrap();
    assert!(one.status.success());
    let record: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(record["path"], "film.mp4@00:00:03.600");
    assert_eq!(record["time"], 3.6);
    assert_eq!(record["exact"], false);
}

/// `HH:MM:SS.mmm`, as frame names print a time.
fn clock(ms: u64) -> String {
    let (s, ms) = (ms / 1000, ms % 1000);
    format!("{:02}:{:02}:{:02}.{ms:03}", s / 3600, s / 60 % 60, s % 60)
}

#[test]
fn fast_reduces_a_large_keyframe_as_a_still_and_keeps_its_colours() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // 1280×720, a red left half and a blue right half; keyframes at 0 and 1 s.
    let film = dir.path().join("halves.mp4");
    let film = film.to_str().unwrap();
    make(&[
        "-f",
        "lavfi",
        "-i",
        "color=c=red:s=640x720:r=5:d=2",
        "-f",
        "lavfi",
        "-i",
        "color=c=blue:s=640x720:r=5:d=2",
        "-filter_complex",
        "hstack",
        "-c:v",
        "libx264",
        "-g",
        "5",
        "-pix_fmt",
        "yuv444p",
        film,
    ]);
    let fast = records(&["-k", "2", "--fast", "--every", "1s", film]);
    let exact = records(&["-k", "2", "--every", "key", film]);
    assert_eq!(fast.len(), 2);
    assert_eq!(exact.len(), 2);
    for (f, e) in fast.iter().zip(&exact) {
        // Read at half size (each pixel its 2×2 block's mean), described at
        // the film's: JSON says so as for a reduced still.
        assert_eq!(
            (f["width"].clone(), f["height"].clone()),
            (1280.into(), 720.into())
        );
        assert_eq!(f["scale"], 0.5, "{f}");
        assert_eq!(f["pixels"], 640 * 360);
        assert_eq!(f["exact"], false);
        assert_eq!(e["pixels"], 1280 * 720);
        assert_eq!(f["time"], e["time"]);
        for (a, b) in f["colors"]
            .as_array()
            .unwrap()
            .iter()
            .zip(e["colors"].as_array().unwrap())
        {
            assert_eq!(a["hex"], b["hex"], "{f}\n{e}");
            let (fa, fb) = (
                a["fraction"].as_f64().unwrap(),
                b["fraction"].as_f64().unwrap(),
            );
            assert!((fa - fb).abs() < 0.01, "{f}\n{e}");
        }
    }
}
