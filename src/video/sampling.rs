//! Sampling and times: how a film is sampled (`--every`, `--frames`,
//! `--start`, `--end`), the times of its sampled frames, and how times are
//! written and read (`film.mkv@00:00:12.500`).

use std::path::{Path, PathBuf};

use crate::record::{Every, Sampled};

/// How a film is sampled into frames (times in milliseconds).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sampling {
    /// One frame every this many milliseconds (unless `frames` or `shots`
    /// is given).
    pub every_ms: u64,
    /// One frame for each shot: see [`super::detect_shots`].
    pub shots: bool,
    /// With `shots`: every frame of each shot on the grid of `every_ms`
    /// from the shot's start, for one merged palette per shot.
    pub per_shot: bool,
    /// With `shots`: how unlike two frames must be to cut between them
    /// (see [`super::shots::structure_distance`]).
    pub shot_threshold: f64,
    /// This many frames spread evenly over the sampled span.
    pub frames: Option<usize>,
    /// Where sampling starts.
    pub start_ms: u64,
    /// Where sampling ends (the film's end when `None`).
    pub end_ms: Option<u64>,
    /// Decode keyframes only (ffmpeg's `-skip_frame nokey`; `--fast`): each
    /// sample time takes the nearest keyframe at or before it, each
    /// keyframe given once, at its own time (see [`super::keys`]). Shot
    /// sampling reads every frame whatever this says.
    pub keyframes_only: bool,
    /// One frame at every keyframe in the span (`--every key`) instead of
    /// one every `every_ms`, decoding keyframes only.
    pub every_key: bool,
}

/// The default sampling rate: one frame a second, about 7,000 frames for a
/// two-hour film, the usual density of a movie barcode.
pub const DEFAULT_EVERY_MS: u64 = 1000;

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            every_ms: DEFAULT_EVERY_MS,
            shots: false,
            per_shot: false,
            shot_threshold: super::shots::DEFAULT_SHOT_THRESHOLD,
            frames: None,
            start_ms: 0,
            end_ms: None,
            keyframes_only: false,
            every_key: false,
        }
    }
}

impl Sampling {
    /// The sampling as each sampled frame's record holds it (what
    /// `--check` compares): `every` unless `frames` replaced it, the span's
    /// ends when set, the threshold when frames follow shots.
    pub fn recorded(&self) -> Sampled {
        let seconds = |ms: u64| ms as f64 / 1000.0;
        let every = if self.frames.is_some() {
            None
        } else if self.every_key {
            Some(Every::Rule("key".to_owned()))
        } else if self.shots && !self.per_shot {
            Some(Every::Rule("shot".to_owned()))
        } else {
            Some(Every::Seconds(seconds(self.every_ms)))
        };
        Sampled {
            every,
            frames: self.frames,
            start: (self.start_ms > 0).then(|| seconds(self.start_ms)),
            end: self.end_ms.map(seconds),
            shot_threshold: self.shots.then_some(self.shot_threshold),
        }
    }
}

/// The longest duration or time accepted (1000 hours): every sum and
/// product of times stays far inside `u64` microseconds.
pub const MAX_DURATION_MS: u64 = 1000 * 3600 * 1000;

/// Parses a duration: `1.5s`, `500ms`, `2m`, `1h`, a plain number of
/// seconds, or a clock time `[HH:]MM:SS[.mmm]`, at most
/// [`MAX_DURATION_MS`]. Returns milliseconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let bad = || format!("'{text}' is not a duration (examples: 1s, 500ms, 2.5s, 1m, 00:01:30.5)");
    let text_trim = text.trim();
    let seconds = if text_trim.contains(':') {
        let mut total = 0.0;
        let parts: Vec<&str> = text_trim.split(':').collect();
        if parts.len() > 3 {
            return Err(bad());
        }
        for (i, part) in parts.iter().enumerate() {
            let value: f64 = part.parse().map_err(|_| bad())?;
            let last = i + 1 == parts.len();
            if value < 0.0 || (!last && value.fract() != 0.0) || part.is_empty() {
                return Err(bad());
            }
            total = total * 60.0 + value;
        }
        total
    } else {
        let (number, unit) = match text_trim.find(|c: char| c.is_ascii_alphabetic()) {
            Some(i) => text_trim.split_at(i),
            None => (text_trim, "s"),
        };
        let value: f64 = number.trim().parse().map_err(|_| bad())?;
        let scale = match unit {
            "ms" => 0.001,
            "s" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        value * scale
    };
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(bad());
    }
    let ms = (seconds * 1000.0).round();
    if ms > MAX_DURATION_MS as f64 {
        return Err(format!(
            "'{text}' is longer than the longest time accepted, 1000 hours"
        ));
    }
    Ok(ms as u64)
}

/// A frame's name: the film's name and its time, `film.mkv@00:00:12.500`.
pub fn frame_name(film: &str, ms: u64) -> String {
    format!("{film}@{}", clock(ms))
}

/// `HH:MM:SS.mmm`.
pub fn clock(ms: u64) -> String {
    let (s, ms) = (ms / 1000, ms % 1000);
    format!("{:02}:{:02}:{:02}.{ms:03}", s / 3600, s / 60 % 60, s % 60)
}

/// Splits `film.mkv@00:00:12.500` into the film and the time, when the part
/// after the last `@` is a time: `HH:MM:SS.mmm`, `MM:SS` or plain seconds
/// (`film.mkv@4.5`).
pub fn split_frame_name(path: &Path) -> Option<(PathBuf, u64)> {
    let text = path.to_str()?;
    let (film, time) = text.rsplit_once('@')?;
    let plain_seconds = !time.is_empty() && time.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if film.is_empty() || !(time.contains(':') || plain_seconds) {
        return None;
    }
    let ms = parse_duration(time).ok()?;
    Some((PathBuf::from(film), ms))
}

/// `seconds.micros` for ffmpeg's time options.
pub(crate) fn seconds(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

/// A frame's time in ms from its integer timestamp: `pts` ticks of
/// `num/den` seconds, rounded up to the millisecond, so that the printed
/// time is never before the frame (the frame a player shows at the printed
/// time is this one: the next frame starts more than a millisecond later).
pub(crate) fn ms_of(pts: i64, num: i64, den: i64) -> i64 {
    let scaled = pts as i128 * num as i128 * 1000;
    let den = den.max(1) as i128;
    // ⌈a / b⌉ = -⌊-a / b⌋, also below zero.
    let ms = -(-scaled).div_euclid(den);
    ms.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// Frame times read from ffmpeg's `showinfo` messages, exact: from each
/// frame's integer `pts` and the filter's `time_base` (its printed
/// `pts_time` has six significant digits, too few for milliseconds: 33.367
/// ms is printed for a frame at 33.3667 ms, 1234.57 s past twenty minutes).
#[derive(Default)]
pub(crate) struct ShowinfoTimes {
    time_base: Option<(i64, i64)>,
}

impl ShowinfoTimes {
    /// The time of the frame a showinfo line describes (ms, see [`ms_of`]);
    /// `None` for any other line (the time base's line is kept).
    pub(crate) fn read(&mut self, line: &str) -> Option<i64> {
        if !line.contains("Parsed_showinfo") {
            return None;
        }
        if let Some(base) = line.split("config in time_base: ").nth(1) {
            self.time_base = base
                .split([',', ' '])
                .next()
                .and_then(|b| b.split_once('/'))
                .and_then(|(n, d)| Some((n.parse::<i64>().ok()?, d.parse::<i64>().ok()?)))
                .filter(|&(n, d)| n > 0 && d > 0);
            return None;
        }
        if !line.contains(" n:") {
            return None;
        }
        let pts = line
            .split(" pts:")
            .nth(1)?
            .split_whitespace()
            .next()?
            .parse::<i64>()
            .ok()?;
        let (num, den) = self.time_base?;
        Some(ms_of(pts, num, den))
    }
}

/// Milliseconds per frame of a rate such as `24000/1001` (rounded up).
pub(crate) fn frame_interval_ms(rate: &str) -> Option<u64> {
    let (num, den) = rate.split_once('/').unwrap_or((rate, "1"));
    let (num, den): (u64, u64) = (num.parse().ok()?, den.parse().ok()?);
    (num > 0 && den > 0).then(|| (1000 * den).div_ceil(num))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_usual_form() {
        assert_eq!(parse_duration("1s"), Ok(1000));
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("2.5s"), Ok(2500));
        assert_eq!(parse_duration("1m"), Ok(60_000));
        assert_eq!(parse_duration("1h"), Ok(3_600_000));
        assert_eq!(parse_duration("90"), Ok(90_000));
        assert_eq!(parse_duration("1:30"), Ok(90_000));
        assert_eq!(parse_duration("00:00:12.500"), Ok(12_500));
        assert_eq!(parse_duration("1000h"), Ok(MAX_DURATION_MS));
        for bad in [
            "",
            "x",
            "1x",
            "-1s",
            "1:2:3:4",
            "1.5:00",
            "::",
            "1001h",
            "2305843009213693952ms",
            "1e300",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn frame_times_round_up_to_the_millisecond() {
        // 30000/1001 fps: frame 1 at 33.3667 ms shows at 34 ms, not 33.
        assert_eq!(ms_of(1001, 1, 30000), 34);
        assert_eq!(ms_of(3003, 1, 30000), 101);
        assert_eq!(ms_of(512, 1, 12800), 40);
        assert_eq!(ms_of(0, 1, 30000), 0);
        assert_eq!(ms_of(-1001, 1, 30000), -33);
        // Past twenty minutes, where showinfo's pts_time says 1234.6.
        assert_eq!(ms_of(37_038_011, 1, 30000), 1_234_601);
        let mut times = ShowinfoTimes::default();
        let lines = [
            "[Parsed_showinfo_0 @ 0x1] config in time_base: 1/30000, frame_rate: 30000/1001",
            "[Parsed_showinfo_0 @ 0x1] n:   1 pts:   1001 pts_time:0.0333667 duration:1001",
            "[h264 @ 0x2] n: 3 pts: 7",
        ];
        let read: Vec<Option<i64>> = lines.iter().map(|l| times.read(l)).collect();
        assert_eq!(read, [None, Some(34), None]);
    }

    #[test]
    fn frame_names_round_trip() {
        assert_eq!(frame_name("film.mkv", 12_500), "film.mkv@00:00:12.500");
        assert_eq!(clock(3_723_004), "01:02:03.004");
        assert_eq!(
            split_frame_name(Path::new("a@b/film.mkv@00:00:12.500")),
            Some((PathBuf::from("a@b/film.mkv"), 12_500))
        );
        assert_eq!(
            split_frame_name(Path::new("film.mkv@4.5")),
            Some((PathBuf::from("film.mkv"), 4_500))
        );
        assert_eq!(
            split_frame_name(Path::new("film.mkv@01:02.5")),
            Some((PathBuf::from("film.mkv"), 62_500))
        );
        assert_eq!(split_frame_name(Path::new("me@example.png")), None);
    }
}
