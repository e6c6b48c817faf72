//! Video input: a film is recognised by its first bytes, probed with
//! `ffprobe`, and sampled into frames by one `ffmpeg` process per film,
//! streaming raw RGB frames through a pipe (never the whole film in memory or
//! on disk). Each sampled frame is one input, named `film.mkv@00:00:12.500`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;

use super::input::{is_stdin, path_text, InputItem};

/// Bytes read to recognise a container.
const SNIFF_BYTES: usize = 512;

/// How a film is sampled into frames (times in milliseconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sampling {
    /// One frame every this many milliseconds (unless `frames` or `shots`
    /// is given).
    pub every_ms: u64,
    /// One frame for each shot (`--every shot`): see [`detect_shots`].
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

/// True when the file at `path` starts like a video container (MP4 and
/// QuickTime, Matroska and WebM, AVI, MPEG program and transport streams,
/// FLV, Ogg, ASF). Still-image formats built on the same boxes (AVIF, HEIF)
/// are not videos. Unreadable files are not videos: reading them reports why.
pub fn is_video(path: &Path) -> bool {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    match File::open(path) {
        Ok(f) => {
            if f.take(SNIFF_BYTES as u64).read_to_end(&mut head).is_err() {
                return false;
            }
        }
        Err(_) => return false,
    }
    is_video_header(&head)
}

/// True when `h`, a file's first bytes, starts like a video container.
pub fn is_video_header(h: &[u8]) -> bool {
    let at = |i: usize, s: &[u8]| h.len() >= i + s.len() && &h[i..i + s.len()] == s;
    if at(4, b"ftyp") {
        const STILL_BRANDS: [&[u8]; 10] = [
            b"avif", b"avis", b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1",
            b"msf1",
        ];
        return !STILL_BRANDS.iter().any(|b| at(8, b));
    }
    at(4, b"moov")
        || at(4, b"mdat")
        || at(4, b"wide")
        || at(0, &[0x1A, 0x45, 0xDF, 0xA3])
        || (at(0, b"RIFF") && at(8, b"AVI "))
        || at(0, &[0, 0, 1, 0xBA])
        || at(0, &[0, 0, 1, 0xB3])
        || (h.len() > 188 && h[0] == 0x47 && h[188] == 0x47)
        || at(0, b"FLV\x01")
        || at(0, b"OggS")
        || at(0, &[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11])
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

/// What `ffprobe` says of a film's first video stream.
#[derive(Debug, Deserialize)]
struct Probe {
    #[serde(default)]
    streams: Vec<ProbeStream>,
    format: Option<ProbeFormat>,
}

#[derive(Debug, Deserialize)]
struct ProbeStream {
    width: Option<u32>,
    height: Option<u32>,
    color_space: Option<String>,
    duration: Option<String>,
    avg_frame_rate: Option<String>,
    r_frame_rate: Option<String>,
    #[serde(default)]
    side_data_list: Vec<SideData>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct SideData {
    rotation: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct ProbeFormat {
    duration: Option<String>,
}

/// One film being sampled: its frame size, the times of its sampled frames,
/// and the `ffmpeg` process that streams them (started on the first frame
/// asked for).
pub struct Video {
    path: PathBuf,
    /// Frame width and height as decoded (after the film's rotation).
    pub width: u32,
    /// Frame height.
    pub height: u32,
    /// Times of the sampled frames, in milliseconds.
    pub times: Vec<u64>,
    every_us: u64,
    /// With `--every shot`: the decoded frame numbers of the sampled frames
    /// (the stream then selects them instead of a grid of times).
    frames: Option<Vec<u64>>,
    matrix: &'static str,
    stream: Mutex<Stream>,
}

/// The frames read from `ffmpeg` so far.
#[derive(Default)]
struct Stream {
    child: Option<Child>,
    stdout: Option<ChildStdout>,
    /// `ffmpeg`'s error output, collected by a thread.
    errors: Arc<Mutex<String>>,
    /// Index of the next frame in the pipe.
    next: usize,
    /// Frames read ahead for other workers (at most the run's window).
    ahead: BTreeMap<usize, Vec<u8>>,
    /// Why the stream stopped early, once it has.
    failed: Option<String>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn missing_ffmpeg(program: &str, e: io::Error) -> anyhow::Error {
    if e.kind() == io::ErrorKind::NotFound {
        anyhow!(
            "is a video, and reading video needs {program} (part of ffmpeg), which is not on \
             PATH: install ffmpeg (for example apt-get install ffmpeg, brew install ffmpeg)"
        )
    } else {
        anyhow!("cannot run {program}: {e}")
    }
}

/// Starts an `ffmpeg` command with its output and errors piped to us.
fn spawn_piped(command: &mut Command) -> Result<Child> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| missing_ffmpeg("ffmpeg", e))
}

impl Video {
    /// Probes the film and lays out its sampled frames; `at` asks for the
    /// one frame at that time instead.
    pub fn open(path: &Path, sampling: &Sampling, at: Option<u64>) -> Result<Video> {
        let output = Command::new("ffprobe")
            .args(["-v", "error", "-select_streams", "v:0", "-print_format", "json"])
            .args(["-show_entries", "stream=width,height,color_space,duration,avg_frame_rate,r_frame_rate:stream_tags=rotate:stream_side_data=rotation:format=duration"])
            .arg("-i")
            .arg(path)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| missing_ffmpeg("ffprobe", e))?;
        if !output.status.success() {
            let text = String::from_utf8_lossy(&output.stderr);
            let reason = text.lines().last().unwrap_or("unknown error").trim();
            // ffprobe names the file first; the record names it already.
            let reason = reason.rsplit_once(": ").map_or(reason, |(_, r)| r);
            bail!("ffprobe cannot read this video: {reason}");
        }
        let probe: Probe =
            serde_json::from_slice(&output.stdout).context("ffprobe's answer is not JSON")?;
        let stream = probe
            .streams
            .first()
            .ok_or_else(|| anyhow!("the file has no video stream"))?;
        let (Some(mut width), Some(mut height)) = (stream.width, stream.height) else {
            bail!("ffprobe gives no frame size for its video stream");
        };
        if width == 0 || height == 0 {
            bail!("its video stream has an empty frame size");
        }
        let rotation = stream
            .side_data_list
            .iter()
            .find_map(|s| s.rotation)
            .or_else(|| stream.tags.get("rotate").and_then(|r| r.parse().ok()))
            .unwrap_or(0.0);
        if (rotation.abs() as i64) % 180 == 90 {
            // ffmpeg turns the frames upright.
            std::mem::swap(&mut width, &mut height);
        }
        let duration_ms = probe
            .format
            .as_ref()
            .and_then(|f| f.duration.as_deref())
            .or(stream.duration.as_deref())
            .and_then(|d| d.parse::<f64>().ok())
            .filter(|d| d.is_finite() && *d > 0.0)
            .map(|d| (d * 1000.0).round() as u64);
        // The last frame starts one frame before the end: no time after it
        // is sampled (ffmpeg would give no frame for it).
        let frame_ms = [&stream.avg_frame_rate, &stream.r_frame_rate]
            .into_iter()
            .find_map(|r| frame_interval_ms(r.as_deref()?))
            .unwrap_or(0);
        let last_ms = duration_ms.map(|d| d.saturating_sub(frame_ms).max(1));
        // Untagged HD and larger video is BT.709 by convention, smaller is
        // BT.601 (ffmpeg's own default is BT.601 for all, which turns HD
        // greens and reds wrong).
        let matrix = match stream.color_space.as_deref() {
            Some("bt709") => "bt709",
            Some("bt2020nc") | Some("bt2020c") => "bt2020",
            Some("smpte170m") | Some("bt470bg") => "bt601",
            Some("smpte240m") => "smpte240m",
            Some("fcc") => "fcc",
            _ if height >= 720 || width >= 1280 => "bt709",
            _ => "bt601",
        };
        let mut frames = None;
        let (times, every_us) = match at {
            Some(ms) => {
                if let Some(d) = duration_ms.filter(|&d| ms >= d) {
                    bail!("{} is past the video's end ({})", clock(ms), clock(d));
                }
                (vec![ms], 1_000_000)
            }
            None if sampling.shots => {
                let shots = detect_shots(path, sampling)?;
                let times = shots.iter().map(|s| s.1).collect();
                frames = Some(shots.into_iter().map(|s| s.0).collect());
                (times, 1_000_000)
            }
            None => sample_times(sampling, last_ms)?,
        };
        Ok(Video {
            path: path.to_path_buf(),
            width,
            height,
            times,
            every_us,
            frames,
            matrix,
            stream: Mutex::new(Stream::default()),
        })
    }

    /// Bytes of one frame (RGB, 8 bits a channel).
    pub fn frame_bytes(&self) -> u64 {
        self.width as u64 * self.height as u64 * 3
    }

    /// The pixels of sampled frame `index` (RGB rows), read from the stream;
    /// frames before it that other workers will ask for are kept for them.
    pub fn frame(&self, index: usize) -> Result<Vec<u8>> {
        let mut stream = self.stream.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(frame) = stream.ahead.remove(&index) {
            return Ok(frame);
        }
        if stream.child.is_none() && stream.failed.is_none() {
            self.start(&mut stream)?;
        }
        while stream.next <= index {
            if let Some(reason) = &stream.failed {
                bail!("{reason}");
            }
            let mut frame = vec![0u8; self.frame_bytes() as usize];
            let read = stream
                .stdout
                .as_mut()
                .map_or(Ok(()), |out| out.read_exact(&mut frame));
            if let Err(e) = read {
                let reason = self.ended(&mut stream, e);
                stream.failed = Some(reason.clone());
                bail!("{reason}");
            }
            let i = stream.next;
            stream.next += 1;
            if i == index {
                return Ok(frame);
            }
            stream.ahead.insert(i, frame);
        }
        bail!("frame {} was asked for twice", index)
    }

    /// Starts `ffmpeg`: seek to the first time, keep every sampled frame on
    /// the grid of times, convert to full-range RGB with the film's matrix.
    fn start(&self, stream: &mut Stream) -> Result<()> {
        let convert = format!(
            "scale=in_color_matrix={}:in_range=auto:out_range=full:flags=bicubic+accurate_rnd+full_chroma_int,format=rgb24",
            self.matrix
        );
        let mut command = Command::new("ffmpeg");
        command.args(["-nostdin", "-hide_banner", "-loglevel", "error"]);
        match &self.frames {
            // The chosen frames by number, from the start (as the shot
            // detection counted them), each once.
            Some(frames) => {
                let chosen: Vec<String> = frames.iter().map(|n| format!("eq(n\\,{n})")).collect();
                command
                    .arg("-i")
                    .arg(&self.path)
                    .args(["-map", "0:v:0", "-an", "-sn", "-dn", "-vf"])
                    .arg(format!("select='{}',{convert}", chosen.join("+")))
                    .args(["-fps_mode", "passthrough"]);
            }
            // Seek to the first time, keep every sampled frame on the grid.
            None => {
                let first = self.times[0];
                let last = *self.times.last().unwrap_or(&first);
                let span_us = (last - first) * 1000 + self.every_us;
                command
                    .args(["-ss", &seconds(first * 1000)])
                    .arg("-i")
                    .arg(&self.path)
                    .args(["-t", &seconds(span_us)])
                    .args(["-map", "0:v:0", "-an", "-sn", "-dn", "-vf"])
                    .arg(format!(
                        "fps=fps=1000000/{}:round=near:eof_action=pass,{convert}",
                        self.every_us
                    ));
            }
        }
        command
            .args(["-frames:v", &self.times.len().to_string()])
            .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        let mut child = spawn_piped(&mut command)?;
        let mut stderr = child.stderr.take();
        let errors = Arc::clone(&stream.errors);
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(err) = &mut stderr {
                let _ = err.read_to_string(&mut text);
            }
            *errors.lock().unwrap_or_else(|p| p.into_inner()) = text;
        });
        stream.stdout = child.stdout.take();
        stream.child = Some(child);
        Ok(())
    }

    /// Why the stream ended before frame `stream.next`.
    fn ended(&self, stream: &mut Stream, e: io::Error) -> String {
        let status = stream.child.as_mut().and_then(|c| c.wait().ok());
        // The thread collecting stderr finishes when ffmpeg exits.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let errors = stream
            .errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let said = errors.lines().rev().find(|l| !l.trim().is_empty());
        let at = clock(self.times[stream.next.min(self.times.len() - 1)]);
        match (said, status) {
            (Some(line), Some(s)) if !s.success() => {
                format!("ffmpeg failed at {at}: {}", line.trim())
            }
            _ if e.kind() == io::ErrorKind::UnexpectedEof => {
                format!(
                    "the video ends before {at} (ffmpeg gave {} frames)",
                    stream.next
                )
            }
            _ => format!("cannot read frames from ffmpeg: {e}"),
        }
    }
}

/// Replaces each video among `items` by its sampled frames, and each
/// `film.mkv@00:00:12.500` that names no file but a video's time by that one
/// frame. A video that cannot be probed stays one item: its error.
pub fn open_videos(items: Vec<InputItem>, sampling: &Sampling) -> (Vec<InputItem>, Vec<Video>) {
    let mut out = Vec::with_capacity(items.len());
    let mut videos = Vec::new();
    for item in items {
        let InputItem::Image(path) = &item else {
            out.push(item);
            continue;
        };
        let (film, at) = if is_stdin(path) {
            (None, None)
        } else if path.is_file() {
            (is_video(path).then(|| path.clone()), None)
        } else {
            match split_frame_name(path) {
                Some((film, ms)) if is_video(&film) => (Some(film), Some(ms)),
                _ => (None, None),
            }
        };
        let Some(film) = film else {
            out.push(item);
            continue;
        };
        match Video::open(&film, sampling, at) {
            Ok(video) => {
                let shown = path_text(&film);
                out.extend(
                    video
                        .times
                        .iter()
                        .enumerate()
                        .map(|(index, &ms)| InputItem::Frame {
                            film: film.clone(),
                            name: frame_name(&shown, ms),
                            video: videos.len(),
                            index,
                            ms,
                        }),
                );
                videos.push(video);
            }
            Err(e) => out.push(InputItem::Unreadable(path.clone(), format!("{e:#}"))),
        }
    }
    (out, videos)
}

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
const MAX_SHOTS: usize = 5000;

/// The frame in the middle of each shot between `--start` and `--end`, as
/// (frame number, time in ms). The whole film is read once through ffmpeg
/// as 64×36 thumbnails (7 KB a frame, streamed), and cut into shots by
/// [`shot_middles`].
pub fn detect_shots(path: &Path, sampling: &Sampling) -> Result<Vec<(u64, u64)>> {
    const W: usize = 64;
    const H: usize = 36;
    let mut child = spawn_piped(
        Command::new("ffmpeg")
            .args(["-nostdin", "-hide_banner", "-loglevel", "info", "-i"])
            .arg(path)
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
    let mut out = child.stdout.take().context("ffmpeg gave no output")?;
    let mut frame = vec![0u8; W * H * 3];
    let mut previous: Option<[u32; 64]> = None;
    // Each frame's histogram distance from the one before (0 for the first).
    let mut distances = Vec::new();
    while out.read_exact(&mut frame).is_ok() {
        let mut histogram = [0u32; 64];
        for px in frame.chunks_exact(3) {
            histogram
                [(px[0] as usize >> 6) << 4 | (px[1] as usize >> 6) << 2 | px[2] as usize >> 6] +=
                1;
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
    let count = distances.len();
    let status = child.wait().context("ffmpeg did not finish")?;
    let (times, said) = info.join().unwrap_or_default();
    if !status.success() || count == 0 {
        let said = if said.is_empty() {
            "no frame"
        } else {
            said.trim()
        };
        bail!("ffmpeg cannot read its frames: {said}");
    }
    if times.len() != count {
        bail!(
            "ffmpeg gave {count} frames but {} times for them",
            times.len()
        );
    }
    let shots = shot_middles(&distances, &times, sampling);
    if shots.is_empty() {
        bail!(
            "no shot between --start {} and --end {}",
            clock(sampling.start_ms),
            sampling.end_ms.map_or("the end".to_owned(), clock)
        );
    }
    if shots.len() > MAX_SHOTS {
        bail!("has {} shots, more than {MAX_SHOTS} can be selected at once: narrow --start/--end or use --every DURATION", shots.len());
    }
    Ok(shots)
}

/// The middle frame of each shot, as (frame number, time in ms), for the
/// shots whose middle lies between `--start` and `--end`. A shot starts at
/// the first frame and at every frame whose histogram distance from its
/// predecessor (`distances`) is [`CUT_DISTANCE`] or more, at least
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

/// `seconds.micros` for ffmpeg's time options.
fn seconds(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

/// Milliseconds per frame of a rate such as `24000/1001` (rounded up).
fn frame_interval_ms(rate: &str) -> Option<u64> {
    let (num, den) = rate.split_once('/').unwrap_or((rate, "1"));
    let (num, den): (u64, u64) = (num.parse().ok()?, den.parse().ok()?);
    (num > 0 && den > 0).then(|| (1000 * den).div_ceil(num))
}

/// The sampled frames' times (ms) and their spacing (µs), for a video whose
/// last frame starts at `last_ms`.
fn sample_times(sampling: &Sampling, last_ms: Option<u64>) -> Result<(Vec<u64>, u64)> {
    let Some(duration) = last_ms else {
        bail!("the video's length is unknown (ffprobe gives no duration), so it cannot be sampled");
    };
    let start = sampling.start_ms;
    // The end is inclusive of the last frame's start.
    let end = sampling
        .end_ms
        .map_or(duration + 1, |e| e.min(duration + 1));
    if start >= duration {
        bail!(
            "--start {} is past the video's end ({})",
            clock(start),
            clock(duration)
        );
    }
    if end <= start {
        bail!("--end {} is not after --start {}", clock(end), clock(start));
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
    fn containers_are_recognised_and_stills_are_not() {
        let mut mp4 = vec![0, 0, 0, 24];
        mp4.extend(b"ftypisom");
        assert!(is_video_header(&mp4));
        let mut avif = vec![0, 0, 0, 24];
        avif.extend(b"ftypavif");
        assert!(!is_video_header(&avif));
        assert!(is_video_header(&[0x1A, 0x45, 0xDF, 0xA3, 1]));
        assert!(is_video_header(b"RIFF\0\0\0\0AVI LIST"));
        assert!(!is_video_header(b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(!is_video_header(b"\x89PNG\r\n\x1a\n"));
        assert!(!is_video_header(&[0xFF, 0xD8, 0xFF]));
    }

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
