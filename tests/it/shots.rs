//! Shots: `--every shot` on a film made by the test from photographs, with
//! the hard cases (a cut between two grey scenes of one histogram, a cut
//! between two dark scenes, flashes, a slow zoom, pans, fast motion), and
//! `--per-shot`.

use std::path::Path;
use std::process::Command as Std;

use crate::common::{fixture, root, scenepal};
use crate::video::{make, records};

/// Frames a shot, at 25 fps.
const SHOT_FRAMES: u32 = 30;

/// Six shots of 1.2 s (160×90, 25 fps, H.264): a slow zoom into the
/// flower; two pans over grey, low-contrast scenes (chelsea, then china:
/// one grey histogram); two dark pans (nuthatch with a one-frame flash,
/// china with a two-frame flash); a fast shaking pan over the flower. Cuts
/// at 1.2, 2.4, 3.6, 4.8 and 6 s.
fn shots_film(dir: &Path) -> String {
    let path = dir.join("shots.mp4");
    let photos = [
        "flower_320.jpg",
        "chelsea_225.png",
        "china_320.jpg",
        "nuthatch_960.jpg",
        "china_320.jpg",
        "flower_320.jpg",
    ];
    let d = SHOT_FRAMES - 1;
    let pan = format!("crop=160:90:x='(iw-ow)*n/{d}':y='(ih-oh)/2'");
    let zoom = format!(
        "crop=w='iw/(1+0.25*n/{d})':h='ih/(1+0.25*n/{d})':x='(iw-ow)/2':y='(ih-oh)/2',scale=160:90"
    );
    let fast =
        "crop=160:90:x='(iw-ow)/2*(1+sin(2*PI*n/25*1.4))':y='(ih-oh)/2*(1+0.6*sin(2*PI*n/25*3.1))'"
            .to_owned();
    let grey = "format=gray,eq=contrast=0.45,format=rgb24";
    let dark = "colorlevels=romax=0.17:gomax=0.17:bomax=0.17";
    let flash = |at: u32, frames: u32| {
        format!(
            ",drawbox=c=white@0.9:t=fill:enable='between(n,{at},{})'",
            at + frames - 1
        )
    };
    let shots = [
        ("format=rgb24", zoom.clone(), String::new()),
        (grey, pan.clone(), String::new()),
        (grey, pan.clone(), String::new()),
        (dark, pan.clone(), flash(12, 1)),
        (dark, pan, flash(15, 2)),
        ("format=rgb24", fast, String::new()),
    ];
    let mut graph = Vec::new();
    for (i, (look, camera, flash)) in shots.iter().enumerate() {
        graph.push(format!(
            "[{i}:v]format=rgb24,{look},scale=320:180:force_original_aspect_ratio=increase,\
             crop=320:180,{camera}{flash},setsar=1,trim=end_frame={SHOT_FRAMES},\
             setpts=PTS-STARTPTS[s{i}]"
        ));
    }
    let labels: String = (0..shots.len()).map(|i| format!("[s{i}]")).collect();
    graph.push(format!("{labels}concat=n={}", shots.len()));
    let mut command = Std::new("ffmpeg");
    command.args(["-v", "error", "-y"]);
    for photo in photos {
        command
            .args(["-loop", "1", "-framerate", "25", "-t", "1.2", "-i"])
            .arg(root().join(fixture(photo)));
    }
    let status = command
        .args(["-filter_complex", &graph.join(";")])
        .args([
            "-c:v", "libx264", "-crf", "23", "-pix_fmt", "yuv420p", "-r", "25",
        ])
        .arg(&path)
        .status()
        .expect("ffmpeg is needed for the video tests (.ci/run installs it)");
    assert!(status.success(), "ffmpeg made no film");
    path.to_str().unwrap().to_owned()
}

/// Each record's shot span, in seconds.
fn spans(records: &[serde_json::Value]) -> Vec<(f64, f64)> {
    records
        .iter()
        .map(|r| {
            (
                r["shot"]["start"].as_f64().unwrap(),
                r["shot"]["end"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_shot_finds_grey_and_dark_cuts_and_not_moves_or_flashes() {
    let dir = tempfile::tempdir().unwrap();
    let film = shots_film(dir.path());
    let shots = records(&["-k", "2", "--every", "shot", &film]);
    let expected: Vec<(f64, f64)> = (0..6)
        .map(|i| (i as f64 * 1.2, (i + 1) as f64 * 1.2))
        .collect();
    let found = spans(&shots);
    assert_eq!(found.len(), 6, "{found:?}");
    for (f, e) in found.iter().zip(&expected) {
        assert!(
            (f.0 - e.0).abs() < 0.001 && (f.1 - e.1).abs() < 0.001,
            "{found:?}"
        );
    }
    // The sampled frame is the shot's middle one, named by its time.
    for (record, (start, _)) in shots.iter().zip(&expected) {
        let time = record["time"].as_f64().unwrap();
        assert!((time - (start + 0.6)).abs() < 0.001, "{record}");
        let path = record["path"].as_str().unwrap();
        assert!(path.starts_with(&format!("{film}@00:00:0")), "{path}");
    }
    // A threshold above any cut: one shot; outside 0 to 1: a usage error.
    assert_eq!(
        records(&[
            "-k",
            "1",
            "--every",
            "shot",
            "--shot-threshold",
            "0.9",
            &film
        ])
        .len(),
        1
    );
    let out = scenepal()
        .args(["--every", "shot", "--shot-threshold", "2", &film])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn per_shot_merges_the_frames_of_each_shot() {
    let dir = tempfile::tempdir().unwrap();
    let film = shots_film(dir.path());
    let shots = records(&["-k", "3", "--per-shot", "--every", "400ms", &film]);
    assert_eq!(shots.len(), 6, "one record per shot");
    for (i, record) in shots.iter().enumerate() {
        // 1.2 s shots sampled every 0.4 s from their start: three frames.
        assert_eq!(record["images"], 3, "{record}");
        let start = i as f64 * 1.2;
        assert!((record["shot"]["start"].as_f64().unwrap() - start).abs() < 0.001);
        assert_eq!(record["time"], record["shot"]["start"]);
        let ms = (start * 1000.0).round() as u64;
        assert_eq!(
            record["path"],
            format!("{film}@00:00:0{}.{:03}", ms / 1000, ms % 1000)
        );
        assert!(record["colors"].as_array().unwrap().len() <= 3);
    }
    // The dark shots' palettes are dark, the grey shots' grey.
    let hex_of = |r: &serde_json::Value| r["colors"][0]["rgb"].clone();
    for dark in [&shots[3], &shots[4]] {
        let rgb = hex_of(dark);
        let level = rgb[0].as_u64().unwrap() + rgb[1].as_u64().unwrap() + rgb[2].as_u64().unwrap();
        assert!(level < 3 * 60, "{dark}");
    }
    for grey in [&shots[1], &shots[2]] {
        let rgb = hex_of(grey);
        let (r, b) = (rgb[0].as_i64().unwrap(), rgb[2].as_i64().unwrap());
        assert!((r - b).abs() <= 8, "{grey}");
    }
    // Not with --merge: a usage error.
    let out = scenepal()
        .args(["--per-shot", "--merge", &film])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn per_shot_keeps_stills_and_each_film_given_in_order() {
    if !crate::video::ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let film = shots_film(dir.path());
    let still = fixture("china_320.jpg");
    let still = still.as_str();
    // One shot of one colour, given twice in a row: two records, not one
    // shot of both.
    let flat = dir.path().join("flat.mp4");
    let flat = flat.to_str().unwrap();
    make(&[
        "-f",
        "lavfi",
        "-i",
        "color=c=0x3366cc:s=64x36:r=25:d=1",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        flat,
    ]);
    let got = records(&[
        "-k",
        "3",
        "--per-shot",
        "--every",
        "400ms",
        still,
        &film,
        still,
        flat,
        flat,
    ]);
    let paths: Vec<&str> = got.iter().map(|r| r["path"].as_str().unwrap()).collect();
    let shot = |i: usize| format!("{film}@00:00:0{}.{:03}", i * 12 / 10, i * 200 % 1000);
    let mut want = vec![still.to_owned()];
    want.extend((0..6).map(shot));
    want.extend([
        still.to_owned(),
        format!("{flat}@00:00:00.000"),
        format!("{flat}@00:00:00.000"),
    ]);
    assert_eq!(paths, want);
    // The still's record is its palette as without --per-shot.
    let alone = records(&["-k", "3", still]);
    assert_eq!(got[0], alone[0]);
    assert_eq!(got[7], alone[0]);
    for flat_shot in &got[8..] {
        // 1 s sampled every 0.4 s: three frames, each film's own.
        assert_eq!(flat_shot["images"], 3, "{flat_shot}");
    }
}
