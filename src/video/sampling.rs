//! Sampling and times: how a film is sampled (`--every`, `--frames`,
//! `--start`, `--end`), the times of its sampled frames, and how times are
//! written and read (`film.mkv@00:00:12.500`).

use std::path::{Path, PathBuf};

use super::error::{Error, Result};

/// How a film is sampled into frames (times in milliseconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sampling {
    /// One frame every this many milliseconds (unless `frames` or `shots`
    /// is given).
    pub every_ms: u64,
    /// One frame for each shot: see [`super::detect_shots`].
    pub shots: bool,
    /// This many frames spread evenly over the sampled span.
    pub frames: Option<usize>,
    /// Where sampling starts.
    pub start_ms: u64,
    /// Where sampling ends (the film's end when `None`).
    pub end_ms: Option<u64>,
}

/// The default sampling rate: one frame a second, about 7,000 frames for a
/// two-hour film, the usual density of a movie barcode.
pub const DEFAULT_EVERY_MS: u64 = 1000;

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            every_ms: DEFAULT_EVERY_MS,
            shots: false,
            frames: None,
            start_ms: 0,
            end_ms: None,
        }
    }
}

/// Parses a duration: `1.5s`, `500ms`, `2m`, `1h`, a plain number of
/// seconds, or a clock time `[HH:]MM:SS[.mmm]`. Returns milliseconds.
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
    Ok((seconds * 1000.0).round() as u64)
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
/// after the last `@` is a clock time.
pub fn split_frame_name(path: &Path) -> Option<(PathBuf, u64)> {
    let text = path.to_str()?;
    let (film, time) = text.rsplit_once('@')?;
    if film.is_empty() || !time.contains(':') {
        return None;
    }
    let ms = parse_duration(time).ok()?;
    Some((PathBuf::from(film), ms))
}

/// `seconds.micros` for ffmpeg's time options.
pub(crate) fn seconds(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

/// Milliseconds per frame of a rate such as `24000/1001` (rounded up).
pub(crate) fn frame_interval_ms(rate: &str) -> Option<u64> {
    let (num, den) = rate.split_once('/').unwrap_or((rate, "1"));
    let (num, den): (u64, u64) = (num.parse().ok()?, den.parse().ok()?);
    (num > 0 && den > 0).then(|| (1000 * den).div_ceil(num))
}

/// The sampled frames' times (ms) and their spacing (µs), for a video whose
/// last frame starts at `last_ms`.
pub(crate) fn sample_times(sampling: &Sampling, last_ms: Option<u64>) -> Result<(Vec<u64>, u64)> {
    let Some(duration) = last_ms else {
        return Err(Error::UnknownLength);
    };
    let start = sampling.start_ms;
    // The end is inclusive of the last frame's start.
    let end = sampling
        .end_ms
        .map_or(duration + 1, |e| e.min(duration + 1));
    if start >= duration {
        return Err(Error::PastEnd {
            at: start,
            end: duration,
        });
    }
    if end <= start {
        return Err(Error::EmptySpan { start, end });
    }
    let span_us = (end - start) * 1000;
    let (count, every_us) = match sampling.frames {
        Some(n) => (n as u64, (span_us / n as u64).max(1)),
        None => {
            let every_us = sampling.every_ms.max(1) * 1000;
            (span_us.div_ceil(every_us), every_us)
        }
    };
    let times = (0..count).map(|i| start + i * every_us / 1000).collect();
    Ok((times, every_us))
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
        for bad in ["", "x", "1x", "-1s", "1:2:3:4", "1.5:00", "::"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn frame_names_round_trip() {
        assert_eq!(frame_name("film.mkv", 12_500), "film.mkv@00:00:12.500");
        assert_eq!(clock(3_723_004), "01:02:03.004");
        assert_eq!(
            split_frame_name(Path::new("a@b/film.mkv@00:00:12.500")),
            Some((PathBuf::from("a@b/film.mkv"), 12_500))
        );
        assert_eq!(split_frame_name(Path::new("me@example.png")), None);
    }

    #[test]
    fn sampling_covers_the_span() {
        let every = Sampling::default();
        assert_eq!(
            sample_times(&every, Some(5300)).unwrap().0,
            vec![0, 1000, 2000, 3000, 4000, 5000]
        );
        let spread = Sampling {
            frames: Some(4),
            start_ms: 1000,
            end_ms: Some(3000),
            ..Sampling::default()
        };
        assert_eq!(
            sample_times(&spread, Some(5300)).unwrap(),
            (vec![1000, 1500, 2000, 2500], 500_000)
        );
        let late = Sampling {
            start_ms: 9000,
            ..Sampling::default()
        };
        assert!(sample_times(&late, Some(5300))
            .unwrap_err()
            .to_string()
            .contains("past the video's end"));
        assert!(sample_times(&every, None).is_err());
    }
}
