//! Shot detection (`--every shot`): the film read once as small grey
//! thumbnails, cut into shots where a frame's structure does not follow from
//! the frame before it under any small shift (see [`structure_distance`]),
//! and the middle frame of each shot chosen (or, for a palette per shot,
//! every frame of the shot on the sampling grid).

use std::collections::VecDeque;
use std::io::{self, Read};
use std::path::Path;
use std::process::Command;

use super::child::{input_args, spawn_piped};
use super::error::{Error, Result};
use super::sampling::{Sampling, ShowinfoTimes};

/// The default cut threshold on [`structure_distance`]'s scale (0: the same
/// picture, about 0.56: two unrelated pictures). Chosen on the bench films
/// (`benches/shots.py`): within shots, pans, zooms, fast shaking pans and
/// flashes stay at or below 0.25; cuts, between dark scenes and between
/// grey scenes of one histogram too, are at 0.34 and above, but for the two
/// the bench misses: a jump cut at one framing (0.21) and two overlapping
/// crops of one photograph (0.298).
pub const DEFAULT_SHOT_THRESHOLD: f64 = 0.3;

/// Thumbnail width and height (grey, area-averaged by ffmpeg: 2.3 KB a
/// frame): fine enough for a frame's structure, coarse enough that grain
/// and compression noise average out.
const THUMB_W: usize = 64;
/// Thumbnail height.
const THUMB_H: usize = 36;

/// Contrast below which a picture counts as flat (standard deviation in
/// grey levels of 255): the noise of a black or flat frame is not
/// structure to compare.
const FLAT_LEVELS: f32 = 2.0;

/// Between two flat pictures, a change of this many grey levels counts as
/// much as two unrelated pictures (a fade changes far less a frame).
const FLAT_STEP_LEVELS: f32 = 16.0;

/// [`structure_distance`] of two unrelated pictures: the mean absolute
/// difference of two independent unit normal values, halved (√(1/π)).
const UNRELATED: f64 = 0.564;

/// How far the camera may move between two frames of one shot, in pixels
/// of the half-size thumbnail (32×18): 8 across, 5 down, a quarter of the
/// frame either way.
const SEARCH_X: i32 = 8;
/// Vertical search, half-size pixels.
const SEARCH_Y: i32 = 5;

/// Most frames one film may be sampled by (the frames are selected by
/// number in one ffmpeg expression).
pub const MAX_SHOTS: usize = 5000;

/// A shot's span, in milliseconds: from its first frame's time to the next
/// shot's first frame (or the film's end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShotSpan {
    /// When the shot starts.
    pub start_ms: u64,
    /// When it ends.
    pub end_ms: u64,
}

/// One frame chosen by shot detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShotFrame {
    /// Its number among the film's decoded frames.
    pub frame: u64,
    /// Its time in milliseconds.
    pub ms: u64,
    /// The shot it belongs to.
    pub shot: ShotSpan,
}

/// A grey thumbnail: 64×36 and its half-size copy (32×18) for the coarse
/// search.
#[derive(Clone)]
pub struct Thumb {
    full: Vec<f32>,
    half: Vec<f32>,
    /// Mean grey level.
    mean: f32,
    /// Standard deviation of the grey levels.
    spread: f32,
}

impl Thumb {
    /// A thumbnail from `THUMB_W` × `THUMB_H` (64 × 36) grey bytes.
    pub fn new(grey: &[u8]) -> Thumb {
        let full: Vec<f32> = grey.iter().map(|&v| v as f32).collect();
        let (hw, hh) = (THUMB_W / 2, THUMB_H / 2);
        let mut half = vec![0.0; hw * hh];
        for y in 0..hh {
            for x in 0..hw {
                let at = |dx: usize, dy: usize| full[(2 * y + dy) * THUMB_W + 2 * x + dx];
                half[y * hw + x] = (at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4.0;
            }
        }
        let n = full.len() as f32;
        let mean = full.iter().sum::<f32>() / n;
        let spread = (full.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n).sqrt();
        Thumb {
            full,
            half,
            mean,
            spread,
        }
    }
}

/// Mean absolute difference of two pictures' overlapping parts when `b` is
/// shifted by (`dx`, `dy`), each part first brought to zero mean and unit
/// contrast (a flat part keeps the contrast [`FLAT_LEVELS`]), halved: 0 for
/// the same structure whatever the exposure, about 0.56 for unrelated ones.
fn shifted_distance(a: &[f32], b: &[f32], w: usize, h: usize, dx: i32, dy: i32) -> f32 {
    let (ow, oh) = (
        w - dx.unsigned_abs() as usize,
        h - dy.unsigned_abs() as usize,
    );
    let (ax, ay) = (dx.max(0) as usize, dy.max(0) as usize);
    let (bx, by) = ((-dx).max(0) as usize, (-dy).max(0) as usize);
    let rows = |p: &[f32], x0: usize, y0: usize| -> Vec<f32> {
        (0..oh)
            .flat_map(|y| p[(y0 + y) * w + x0..(y0 + y) * w + x0 + ow].iter().copied())
            .collect()
    };
    let (pa, pb) = (rows(a, ax, ay), rows(b, bx, by));
    let n = (ow * oh) as f32;
    let stats = |values: &[f32]| {
        let (mut sum, mut squares) = (0.0f32, 0.0f32);
        for &v in values {
            sum += v;
            squares += v * v;
        }
        let mean = sum / n;
        let spread = (squares / n - mean * mean).max(0.0).sqrt();
        (mean, 1.0 / spread.max(FLAT_LEVELS))
    };
    let (ma, sa) = stats(&pa);
    let (mb, sb) = stats(&pb);
    let total: f32 = pa
        .iter()
        .zip(&pb)
        .map(|(&va, &vb)| ((va - ma) * sa - (vb - mb) * sb).abs())
        .sum();
    total / n / 2.0
}

/// How unlike two frames are in structure, on a scale from 0 (the same
/// picture, also under any camera move of up to a quarter of the frame and
/// any change of exposure) to about 0.56 (unrelated pictures). The least
/// shifted distance over every shift of the half-size thumbnails, then
/// refined a pixel either way at full size. Colour is left out on purpose:
/// two shots of one palette (two grey streets, two dark rooms) differ in
/// structure, and a shot's colours change under its lights.
pub fn structure_distance(a: &Thumb, b: &Thumb) -> f64 {
    if a.spread < FLAT_LEVELS && b.spread < FLAT_LEVELS {
        // Two flat pictures (a title card, black, a plain wall) have no
        // structure: their level is all they show.
        return ((a.mean - b.mean).abs() / FLAT_STEP_LEVELS).min(1.0) as f64 * UNRELATED;
    }
    let (hw, hh) = (THUMB_W / 2, THUMB_H / 2);
    let mut best = (f32::INFINITY, 0, 0);
    for dy in -SEARCH_Y..=SEARCH_Y {
        for dx in -SEARCH_X..=SEARCH_X {
            let d = shifted_distance(&a.half, &b.half, hw, hh, dx, dy);
            if d < best.0 {
                best = (d, dx, dy);
            }
        }
    }
    let mut least = f32::INFINITY;
    for ey in -1..=1 {
        for ex in -1..=1 {
            let (dx, dy) = (2 * best.1 + ex, 2 * best.2 + ey);
            least = least.min(shifted_distance(&a.full, &b.full, THUMB_W, THUMB_H, dx, dy));
        }
    }
    least as f64
}

/// Finds cuts in a stream of thumbnails. Frame `i` starts a shot when it is
/// at least `threshold` (on [`structure_distance`]'s scale) from frame
/// `i - 1`, and the change lasts: frame `i + 2` is as far from frame
/// `i - 1`, and frame `i` from frame `i - 3`. A flash of one or two frames
/// fails that test (the picture after it is the picture before it), and so
/// does its end.
pub struct CutFinder {
    threshold: f64,
    /// The last frames, at most six (`i - 3` to `i + 2`).
    window: VecDeque<Thumb>,
    /// Frames pushed so far.
    count: usize,
    /// Distances of the frames in the window from their predecessors.
    steps: VecDeque<f64>,
    /// Cut frames found so far (frame 0 starts the first shot).
    cuts: Vec<usize>,
}

impl CutFinder {
    /// A finder cutting at `threshold`.
    pub fn new(threshold: f64) -> CutFinder {
        CutFinder {
            threshold,
            window: VecDeque::new(),
            count: 0,
            steps: VecDeque::new(),
            cuts: vec![0],
        }
    }

    /// Takes the next frame.
    pub fn push(&mut self, thumb: Thumb) {
        let step = self
            .window
            .back()
            .map_or(0.0, |before| structure_distance(before, &thumb));
        self.window.push_back(thumb);
        self.steps.push_back(step);
        self.count += 1;
        if self.window.len() > 6 {
            self.window.pop_front();
            self.steps.pop_front();
        }
        // Frame `count - 3` now has the two frames after it.
        if self.count >= 3 {
            self.decide(self.count - 3);
        }
    }

    /// Decides frame `i` (in the window), with the frames after it that exist.
    fn decide(&mut self, i: usize) {
        let first = self.count - self.window.len();
        let at = |k: usize| k.saturating_sub(first).min(self.window.len() - 1);
        if i == 0 || self.steps[at(i)] < self.threshold {
            return;
        }
        let lasts = |from: usize, to: usize| {
            structure_distance(&self.window[at(from)], &self.window[at(to)]) >= self.threshold
        };
        let before = i.saturating_sub(3).max(first);
        if lasts(i - 1, i + 2) && lasts(before, i) {
            self.cuts.push(i);
        }
    }

    /// The frames that start a shot, in order (frame 0 first).
    pub fn finish(mut self) -> Vec<usize> {
        // The last two frames have no two after them: decided with what
        // there is.
        for i in self.count.saturating_sub(2)..self.count {
            self.decide(i);
        }
        self.cuts
    }
}

/// The frames chosen from each shot between the sampling's start and end:
/// the middle frame of each shot, or with `per_shot` every frame of the
/// shot on a grid of the sampling's interval from the shot's start. Reads
/// the film once through ffmpeg as 64×36 grey thumbnails (streamed).
pub fn detect_shots(path: &Path, sampling: &Sampling) -> Result<Vec<ShotFrame>> {
    let mut child = spawn_piped(
        "ffmpeg",
        Command::new("ffmpeg")
            .args(["-nostdin", "-hide_banner", "-loglevel", "info"])
            // The decoder's threads, fixed as for the sampling pass: its
            // memory is what the admission under --max-memory counted.
            .args(["-threads", &super::stream::DECODER_THREADS.to_string()])
            .args(input_args(path)?)
            .args(["-map", "0:v:0", "-an", "-sn", "-dn", "-vf"])
            .arg(format!(
                "scale={THUMB_W}:{THUMB_H}:flags=area,format=gray,showinfo"
            ))
            .args(["-fps_mode", "passthrough", "-f", "rawvideo", "pipe:1"]),
    )?;
    // showinfo gives each frame's time on stderr, read beside the frames
    // (a line a frame: kept as times only, each rounded up to the ms from
    // the frame's integer timestamp, as the other reads time their frames).
    let stderr = child.stderr.take();
    let info = std::thread::spawn(move || {
        let (mut times, mut said) = (Vec::new(), String::new());
        let mut clock = ShowinfoTimes::default();
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
            if let Some(ms) = clock.read(&line) {
                times.push(ms.max(0) as u64);
            }
        }
        (times, said)
    });
    let mut frame = vec![0u8; THUMB_W * THUMB_H];
    let mut finder = CutFinder::new(sampling.shot_threshold);
    let mut count = 0;
    if let Some(mut out) = child.stdout.take() {
        while out.read_exact(&mut frame).is_ok() {
            finder.push(Thumb::new(&frame));
            count += 1;
        }
    }
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
    let chosen = shot_frames(&finder.finish(), &times, sampling);
    if chosen.is_empty() {
        return Err(Error::NoShot {
            start: sampling.start_ms,
            end: sampling.end_ms,
        });
    }
    if chosen.len() > MAX_SHOTS {
        return Err(Error::TooManyShots {
            count: chosen.len(),
            max: MAX_SHOTS,
        });
    }
    Ok(chosen)
}

/// The frames chosen from the shots starting at the frames `cuts` (frame 0
/// first), of a film whose frames show at `times` (ms): the middle frame of
/// each shot whose middle lies between the sampling's start and end; with
/// `per_shot`, every shot overlapping that span gives the frames of its
/// part in it on a grid of `every_ms` from the part's start (at least one).
/// A shot ends where the next starts; the last one a frame after its last
/// frame.
pub fn shot_frames(cuts: &[usize], times: &[u64], sampling: &Sampling) -> Vec<ShotFrame> {
    let Some(&last) = times.last() else {
        return Vec::new();
    };
    let frame_ms = match times.len() {
        n if n >= 2 => last.saturating_sub(times[n - 2]).max(1),
        _ => 1,
    };
    let end = sampling.end_ms.unwrap_or(u64::MAX);
    let mut chosen = Vec::new();
    for (k, &first) in cuts.iter().enumerate() {
        let next = cuts.get(k + 1).copied().unwrap_or(times.len());
        let shot = ShotSpan {
            start_ms: times[first],
            end_ms: times.get(next).copied().unwrap_or(last + frame_ms),
        };
        let frame = |n: usize| ShotFrame {
            frame: n as u64,
            ms: times[n],
            shot,
        };
        if !sampling.per_shot {
            let middle = (first + next) / 2;
            if (sampling.start_ms..end).contains(&times[middle]) {
                chosen.push(frame(middle));
            }
            continue;
        }
        let inside: Vec<usize> = (first..next)
            .filter(|&n| (sampling.start_ms..end).contains(&times[n]))
            .collect();
        let Some(&from) = inside.first() else {
            continue;
        };
        let mut due = times[from];
        for n in inside {
            if times[n] >= due {
                chosen.push(frame(n));
                due = times[n] + sampling.every_ms.max(1);
            }
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 64×36 picture with structure (value noise: random levels on a
    /// grid of 6 pixels, blended between), `seed` choosing the picture, seen
    /// through a camera at (`cx`, `cy`), its levels scaled by `gain` and
    /// raised by `lift`.
    fn picture(seed: u32, cx: f32, cy: f32, gain: f32, lift: f32) -> Thumb {
        let level = |gx: i32, gy: i32| {
            let h = (gx as u32)
                .wrapping_mul(0x9E37_79B9)
                .wrapping_add((gy as u32).wrapping_mul(0x85EB_CA6B))
                .wrapping_add(seed.wrapping_mul(0xC2B2_AE35));
            let h = (h ^ (h >> 15)).wrapping_mul(0x2C1B_3C6D);
            ((h ^ (h >> 12)) % 200) as f32 + 28.0
        };
        let grey: Vec<u8> = (0..THUMB_W * THUMB_H)
            .map(|i| {
                let x = ((i % THUMB_W) as f32 + cx) / 6.0;
                let y = ((i / THUMB_W) as f32 + cy) / 6.0;
                let (gx, gy) = (x.floor() as i32, y.floor() as i32);
                let (fx, fy) = (x - gx as f32, y - gy as f32);
                let top = level(gx, gy) * (1.0 - fx) + level(gx + 1, gy) * fx;
                let bottom = level(gx, gy + 1) * (1.0 - fx) + level(gx + 1, gy + 1) * fx;
                let v = top * (1.0 - fy) + bottom * fy;
                (v * gain + lift).clamp(0.0, 255.0) as u8
            })
            .collect();
        Thumb::new(&grey)
    }

    #[test]
    fn camera_moves_and_exposure_are_not_cuts_and_new_pictures_are() {
        let a = picture(1, 0.0, 0.0, 1.0, 0.0);
        for (dx, dy) in [(3.0, 0.0), (9.0, 2.0), (-14.0, 7.0)] {
            let moved = picture(1, dx, dy, 1.0, 0.0);
            let d = structure_distance(&a, &moved);
            assert!(d < 0.15, "a pan of ({dx}, {dy}): {d}");
        }
        let brighter = picture(1, 0.0, 0.0, 0.7, 60.0);
        assert!(structure_distance(&a, &brighter) < 0.1);
        // Another picture: a cut, bright or dark alike.
        let b = picture(4, 0.0, 0.0, 1.0, 0.0);
        assert!(structure_distance(&a, &b) > 0.35);
        let (dark_a, dark_b) = (
            picture(1, 0.0, 0.0, 0.12, 0.0),
            picture(4, 0.0, 0.0, 0.12, 0.0),
        );
        assert!(structure_distance(&dark_a, &dark_b) > 0.35);
        // Two flat frames (black with a grey level's noise) are one shot.
        let noise = |seed: u32| {
            let grey: Vec<u8> = (0..(THUMB_W * THUMB_H) as u32)
                .map(|i| (8 + (i.wrapping_mul(2_654_435_761).wrapping_add(seed) >> 31)) as u8)
                .collect();
            Thumb::new(&grey)
        };
        assert!(structure_distance(&noise(1), &noise(7)) < DEFAULT_SHOT_THRESHOLD);
        // Flat pictures of other levels (a red and a green title card) are
        // a cut; a step of a fade is not.
        let flat = |level: u8| Thumb::new(&[level; THUMB_W * THUMB_H]);
        assert!(structure_distance(&flat(76), &flat(150)) > 0.5);
        assert!(structure_distance(&flat(20), &flat(22)) < 0.1);
    }

    #[test]
    fn cuts_are_found_and_flashes_are_not_cuts() {
        let mut finder = CutFinder::new(DEFAULT_SHOT_THRESHOLD);
        let white = Thumb::new(&[255; THUMB_W * THUMB_H]);
        // Shot A panning (frames 0-9), a one-frame flash at 5; shot B
        // (10-19) with a two-frame flash at 14-15; shot C (20-23).
        for n in 0..24 {
            let thumb = match n {
                5 | 14 | 15 => white.clone(),
                0..=9 => picture(1, n as f32, 0.0, 1.0, 0.0),
                10..=19 => picture(4, 0.0, n as f32 * 0.5, 0.2, 0.0),
                _ => picture(7, 0.0, 0.0, 1.0, 0.0),
            };
            finder.push(thumb);
        }
        assert_eq!(finder.finish(), [0, 10, 20]);
    }

    #[test]
    fn each_shot_gives_its_middle_frame_or_its_frames_on_the_grid() {
        // 10 fps, 4.5 s: shots start at frames 0, 10 and 25.
        let times: Vec<u64> = (0..45).map(|i| i * 100).collect();
        let cuts = [0, 10, 25];
        let all = Sampling::default();
        let spans = [(0, 1000), (1000, 2500), (2500, 4500)];
        let chosen = shot_frames(&cuts, &times, &all);
        let picked: Vec<(u64, u64, (u64, u64))> = chosen
            .iter()
            .map(|f| (f.frame, f.ms, (f.shot.start_ms, f.shot.end_ms)))
            .collect();
        assert_eq!(
            picked,
            [
                (5, 500, spans[0]),
                (17, 1700, spans[1]),
                (35, 3500, spans[2])
            ]
        );
        let later = Sampling {
            start_ms: 1000,
            end_ms: Some(3000),
            ..all
        };
        let middles: Vec<u64> = shot_frames(&cuts, &times, &later)
            .iter()
            .map(|f| f.frame)
            .collect();
        assert_eq!(middles, [17]);
        // Per shot, every 600 ms from each shot's start.
        let grid = Sampling {
            per_shot: true,
            every_ms: 600,
            ..all
        };
        let frames: Vec<(u64, u64)> = shot_frames(&cuts, &times, &grid)
            .iter()
            .map(|f| (f.frame, f.shot.start_ms))
            .collect();
        assert_eq!(
            frames,
            [
                (0, 0),
                (6, 0),
                (10, 1000),
                (16, 1000),
                (22, 1000),
                (25, 2500),
                (31, 2500),
                (37, 2500),
                (43, 2500)
            ]
        );
    }
}
