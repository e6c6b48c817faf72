//! Frame times that are not whole milliseconds (30000/1001 fps, a film
//! starting at 1.4 s, frames past twenty minutes): every printed time is
//! the frame's own time rounded up to the millisecond, and the frame a
//! player shows then (the last whose presentation time is at or before it)
//! is the frame sampled, as ffmpeg's accurate seek extracts it (by the
//! frame's exact timestamp from ffprobe), and the printed name read back.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command as Std;

use crate::video::{ffmpeg, records};

/// Every frame one flat colour of its own, so a frame's palette names it.
const COLOURS: &str = "format=rgb24,geq=r='mod(N*37,256)':g='mod(N*91,256)':b='mod(N*53+60,256)'";

/// A sampling's options, and whether each frame is read at its own time.
type Sampled<'a> = (&'a [&'a str], bool);

/// A film's frames as ffprobe gives them: integer timestamps from the
/// film's first one, in ticks of `num/den` seconds.
struct Clock {
    num: i128,
    den: i128,
    pts: Vec<i128>,
}

impl Clock {
    fn of(film: &str) -> Clock {
        let probe = |entries: &str| -> Vec<String> {
            let out = Std::new("ffprobe")
                .args(["-v", "error", "-select_streams", "v:0"])
                .args(["-show_entries", entries, "-of", "csv=p=0", film])
                .output()
                .unwrap();
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(|l| l.trim_end_matches(',').to_owned())
                .filter(|l| !l.is_empty())
                .collect()
        };
        let stream = probe("stream=time_base,start_pts");
        let (base, start) = stream[0].split_once(',').unwrap();
        let (num, den) = base.split_once('/').unwrap();
        let start: i128 = start.parse().unwrap();
        let mut pts: Vec<i128> = probe("frame=pts")
            .iter()
            .map(|p| p.parse::<i128>().unwrap() - start)
            .collect();
        pts.sort_unstable();
        Clock {
            num: num.parse().unwrap(),
            den: den.parse().unwrap(),
            pts,
        }
    }

    /// The frame a player shows at `ms`: the last at or before it.
    fn shown_at(&self, ms: u64) -> usize {
        let at = ms as i128 * self.den;
        let after = self.pts.partition_point(|&p| p * self.num * 1000 <= at);
        after.checked_sub(1).expect("a frame at or before the time")
    }

    /// Frame `i`'s time in ms, rounded up.
    fn ms_up(&self, i: usize) -> u64 {
        let scaled = self.pts[i] * self.num * 1000;
        (scaled + self.den - 1).div_euclid(self.den) as u64
    }

    /// Frame `i`'s time in seconds.
    fn seconds(&self, i: usize) -> f64 {
        (self.pts[i] * self.num) as f64 / self.den as f64
    }

    /// A time ffmpeg's accurate seek (`-ss T -i FILM -frames:v 1`) takes to
    /// frame `i`: it gives the first frame at or after T, so half a frame
    /// before frame `i` (its own time is not safe: ffmpeg rounds the seek
    /// to the film's time base, and a frame a fraction of a tick early is
    /// passed over).
    fn seek_to(&self, i: usize) -> f64 {
        match i {
            0 => 0.0,
            _ => (self.seconds(i - 1) + self.seconds(i)) / 2.0,
        }
    }
}

/// The colour of the frame ffmpeg's accurate seek gives at `seconds`.
fn ffmpeg_colour(film: &str, seconds: f64) -> String {
    let out = Std::new("ffmpeg")
        .args(["-v", "error", "-ss", &format!("{seconds:.6}"), "-i", film])
        .args(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .unwrap();
    assert!(out.status.success() && out.stdout.len() >= 3, "{out:?}");
    let p = &out.stdout;
    format!("#{:02x}{:02x}{:02x}", p[0], p[1], p[2])
}

/// Makes a film with `make` (ffmpeg's arguments after the source and the
/// colours filter), at `path`.
fn make(source: &str, filters: &str, args: &[&str], path: &Path) -> String {
    let status = Std::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", source, "-vf"])
        .arg(format!("{COLOURS}{filters}"))
        .args(args)
        .arg(path)
        .status()
        .expect("ffmpeg is needed for the video tests (.ci/run installs it)");
    assert!(status.success(), "ffmpeg made no film");
    path.to_str().unwrap().to_owned()
}

#[test]
fn times_that_are_not_whole_milliseconds_round_up_to_the_frame_shown() {
    if !ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ntsc_rate = "color=c=black:s=16x16:r=30000/1001";
    // 30000/1001 fps in QuickTime (time base 1/30000): frame 1 is at
    // 33.3667 ms, shown at 34 ms, not at 33.
    let ntsc = make(
        &format!("{ntsc_rate}:d=2"),
        "",
        &["-c:v", "png"],
        &dir.path().join("ntsc.mov"),
    );
    // The same rate in MPEG-TS (time base 1/90000), its first frame at
    // 1.4 s of its clock; lossless RGB H.264.
    let late = make(
        &format!("{ntsc_rate}:d=2"),
        "",
        &["-c:v", "libx264rgb", "-qp", "0"],
        &dir.path().join("late.ts"),
    );
    // Ten frames from the start, then twenty from 1234.9 s: ffmpeg prints
    // their times with six digits (1234.9), 50 ms too coarse.
    let far = make(
        &format!("{ntsc_rate}:d=1"),
        ",settb=1/30000,setpts='N*1001+gte(N\\,10)*37037010'",
        &[
            "-fps_mode",
            "passthrough",
            "-video_track_timescale",
            "30000",
            "-c:v",
            "png",
        ],
        &dir.path().join("far.mov"),
    );
    // Each film's samplings; true when each frame is read at its own time
    // (every frame, shots), not on a grid of times.
    let films: [(&str, &[Sampled]); 3] = [
        (
            &ntsc,
            &[
                (&["--every", "1ms", "--start", "1.01", "--end", "1.3"], true),
                (&["--every", "shot", "--end", "0.5"], true),
                (
                    &["--every", "77ms", "--start", "1.003", "--end", "1.9"],
                    false,
                ),
                (&["--frames", "5"], false),
            ],
        ),
        (
            &late,
            &[
                (&["--every", "1ms", "--start", "1", "--end", "1.2"], true),
                (&["--every", "shot", "--start", "0.5", "--end", "0.9"], true),
                (
                    &["--every", "70ms", "--start", "0.011", "--end", "0.5"],
                    false,
                ),
            ],
        ),
        (
            &far,
            &[
                (&["--every", "1ms", "--start", "1235"], true),
                (&["--every", "shot"], true),
                (
                    &["--every", "70ms", "--start", "1234.85", "--end", "1235.2"],
                    false,
                ),
            ],
        ),
    ];
    for (film, samplings) in films {
        let clock = Clock::of(film);
        let mut oracle = BTreeMap::new();
        let mut colour_at = |frame: usize| -> String {
            oracle
                .entry(frame)
                .or_insert_with(|| ffmpeg_colour(film, clock.seek_to(frame)))
                .clone()
        };
        for &(sampling, own_time) in samplings {
            let got =
                records(&[&["-k", "1", "--trim-bars", "never"][..], sampling, &[film]].concat());
            assert!(got.len() >= 3, "{film} {sampling:?}: {} frames", got.len());
            let mut named = Vec::new();
            for record in &got {
                let ms = (record["time"].as_f64().unwrap() * 1000.0).round() as u64;
                let shown = clock.shown_at(ms);
                let colour = record["colors"][0]["hex"].as_str().unwrap().to_owned();
                assert_eq!(
                    colour,
                    colour_at(shown),
                    "{film} {sampling:?} at {ms} ms (frame {shown} at {} s)",
                    clock.seconds(shown)
                );
                if own_time {
                    // The frame's own time, rounded up: never before it.
                    assert_eq!(ms, clock.ms_up(shown), "{film} {sampling:?}");
                }
                named.push((record["path"].as_str().unwrap().to_owned(), colour));
            }
            if own_time {
                // Each printed name, read back, is the same frame.
                let paths: Vec<&str> = named.iter().map(|(p, _)| p.as_str()).collect();
                let back = records(&[&["-k", "1", "--trim-bars", "never"][..], &paths].concat());
                let again: Vec<(String, String)> = back
                    .iter()
                    .map(|r| {
                        (
                            r["path"].as_str().unwrap().to_owned(),
                            r["colors"][0]["hex"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect();
                assert_eq!(again, named, "{film} {sampling:?} read back by name");
            }
        }
    }
}
