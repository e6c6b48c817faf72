//! Shot detection (`--every shot`): the film read once as small thumbnails,
//! cut into shots where consecutive frames differ sharply, and the middle
//! frame of each shot chosen.

use std::io::{self, Read};
use std::path::Path;
use std::process::Command;

use super::child::{input_args, spawn_piped};
use super::error::{Error, Result};
use super::sampling::Sampling;

/// A cut: the colour histograms (4 levels a channel, of a 64×36 thumbnail)
/// of two consecutive frames differ by at least this share of their
/// pixels (total variation distance). Camera moves and lighting changes
/// within a shot stay well below it; a cut to another scene rarely does.
pub const CUT_DISTANCE: f64 = 0.4;

/// Shots shorter than this (in milliseconds) are not shots of their own: a
/// flash, or the frames of a fast dissolve.
pub const MIN_SHOT_MS: u64 = 400;

/// Most shots one film may be sampled by (the frames are selected by
/// number in one ffmpeg expression).
pub const MAX_SHOTS: usize = 5000;

/// The frame in the middle of each shot between the sampling's start and
/// end, as (frame number, time in ms). The whole film is read once through
/// ffmpeg as 64×36 thumbnails (7 KB a frame, streamed), and cut into shots
/// by [`shot_middles`].
pub fn detect_shots(path: &Path, sampling: &Sampling) -> Result<Vec<(u64, u64)>> {
    const W: usize = 64;
    const H: usize = 36;
    let mut child = spawn_piped(
        "ffmpeg",
        Command::new("ffmpeg")
            .args(["-nostdin", "-hide_banner", "-loglevel", "info"])
            .args(input_args(path)?)
            .args(["-map", "0:v:0", "-an", "-sn", "-dn", "-vf"])
            .arg(format!("scale={W}:{H}:flags=area,format=rgb24,showinfo"))
            .args(["-fps_mode", "passthrough", "-f", "rawvideo", "pipe:1"]),
    )?;
    // showinfo gives each frame's time on stderr, read beside the frames
    // (a line a frame: kept as times only).
    let stderr = child.stderr.take();
    let info = std::thread::spawn(move || {
        let (mut times, mut said) = (Vec::new(), String::new());
        for line in stderr
            .map(io::BufReader::new)
            .into_iter()
            .flat_map(io::BufRead::lines)
        {
            let Ok(line) = line else { break };
            if !line.contains("Parsed_showinfo") {
                if !line.trim().is_empty() {
                    said = line;
                }
                continue;
            }
            let time = line
                .split(" pts_time:")
                .nth(1)
                .and_then(|t| t.split_whitespace().next())
                .and_then(|t| t.parse::<f64>().ok());
            if let (Some(t), true) = (time, line.contains(" n:")) {
                times.push((t.max(0.0) * 1000.0).round() as u64);
            }
        }
        (times, said)
    });
    let mut frame = vec![0u8; W * H * 3];
    let mut previous: Option<[u32; 64]> = None;
    // Each frame's histogram distance from the one before (0 for the first).
    let mut distances = Vec::new();
    if let Some(mut out) = child.stdout.take() {
        while out.read_exact(&mut frame).is_ok() {
            let mut histogram = [0u32; 64];
            for px in frame.chunks_exact(3) {
                histogram[(px[0] as usize >> 6) << 4
                    | (px[1] as usize >> 6) << 2
                    | px[2] as usize >> 6] += 1;
            }
            let moved: u32 = previous.map_or(0, |before| {
                before
                    .iter()
                    .zip(&histogram)
                    .map(|(a, b)| a.abs_diff(*b))
                    .sum()
            });
            distances.push(moved as f64 / (2 * W * H) as f64);
            previous = Some(histogram);
        }
    }
    let count = distances.len();
    let status = child.wait().map_err(Error::Read)?;
    let (times, said) = info.join().unwrap_or_default();
    if !status.success() || count == 0 {
        let said = if said.is_empty() {
            "no frame"
        } else {
            said.trim()
        };
        return Err(Error::Unreadable(said.to_owned()));
    }
    if times.len() != count {
        return Err(Error::FrameTimes {
            frames: count,
            times: times.len(),
        });
    }
    let shots = shot_middles(&distances, &times, sampling);
    if shots.is_empty() {
        return Err(Error::NoShot {
            start: sampling.start_ms,
            end: sampling.end_ms,
        });
    }
    if shots.len() > MAX_SHOTS {
        return Err(Error::TooManyShots {
            count: shots.len(),
            max: MAX_SHOTS,
        });
    }
    Ok(shots)
}

/// The middle frame of each shot, as (frame number, time in ms), for the
/// shots whose middle lies between the sampling's start and end. A shot
/// starts at the first frame and at every frame whose histogram distance
/// from its predecessor (`distances`) is [`CUT_DISTANCE`] or more, at least
/// [`MIN_SHOT_MS`] after the shot before began. Fades and slow dissolves
/// are not cuts: no two frames of them differ enough.
pub fn shot_middles(distances: &[f64], times: &[u64], sampling: &Sampling) -> Vec<(u64, u64)> {
    let mut cuts = vec![0];
    for (i, &d) in distances.iter().enumerate().skip(1) {
        let last = cuts[cuts.len() - 1];
        if d >= CUT_DISTANCE && times[i].saturating_sub(times[last]) >= MIN_SHOT_MS {
            cuts.push(i);
        }
    }
    cuts.push(distances.len());
    let end = sampling.end_ms.unwrap_or(u64::MAX);
    cuts.windows(2)
        .map(|w| (w[0] + w[1]) / 2)
        .map(|n| (n as u64, times[n]))
        .filter(|&(_, ms)| ms >= sampling.start_ms && ms < end)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shots_are_cut_at_sharp_changes_only() {
        // 10 fps: a shot of 1 s, a 0.2 s flash (not a shot), 1.5 s, then a
        // slow fade (small steps: no cut) over the last second.
        let times: Vec<u64> = (0..45).map(|i| i * 100).collect();
        let mut distances = vec![0.01; 45];
        distances[10] = 0.9; // cut
        distances[12] = 0.8; // the flash ends: too soon after the cut
        distances[25] = 0.5; // cut
        for d in &mut distances[35..] {
            *d = 0.1; // fade
        }
        let all = Sampling::default();
        assert_eq!(
            shot_middles(&distances, &times, &all),
            [(5, 500), (17, 1700), (35, 3500)]
        );
        let later = Sampling {
            start_ms: 1000,
            end_ms: Some(3000),
            ..all
        };
        assert_eq!(shot_middles(&distances, &times, &later), [(17, 1700)]);
    }
}
