//! The frame stream: one `ffmpeg` process per film, started on the first
//! frame asked for, streaming the sampled frames as raw RGB through a pipe
//! (never the whole film in memory or on disk). Nothing is planned from the
//! film's declared length: frames come until ffmpeg's stream ends.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{ChildStdout, Command};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::child::{input_args, spawn_watched, Watched};
use super::error::{Error, Result};
use super::keys::KeySamples;
use super::messages::{read_messages, Said};
use super::plan::{grid_offset_ms, plan, plan_start, Plan};
use super::probe::{probe, FilmInfo};
use super::sampling::{seconds, Sampling};
use super::shots::{detect_shots, ShotSpan};

/// Each child's deadline before the work it is given is counted (see
/// [`FilmOptions::timeout`]).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Pixels a second that any machine decodes, at least: each sampled frame's
/// deadline grows by one second for this many pixels of frames decoded to
/// reach it.
pub const SLOWEST_PIXELS_PER_SECOND: u64 = 10_000_000;

/// Decoder threads of each `ffmpeg` (its `-threads`): fixed, so that the
/// frames its decoder holds, and so its memory, are known (ffmpeg's default
/// is a thread a core, each holding a frame).
pub const DECODER_THREADS: u64 = 2;

/// Memory of an `ffmpeg` process before its frames: its code, libraries
/// and codec state (measured: 62 MB for a 640×360 H.264 film), rounded up.
pub const FFMPEG_BASE_BYTES: u64 = 64 << 20;

/// RGB frames an `ffmpeg` holds besides its decoder's frames: the scale
/// filter's output, the filter graph's frame pool, the frame being written
/// to the pipe.
const FFMPEG_RGB_FRAMES: u64 = 3;

/// An estimate of the memory of the `ffmpeg` that reads a film: its base,
/// the decoder's frames (those it keeps, as the stream declares them, one
/// a decoder thread, and three more: the frame being decoded, the one being
/// output and the one queued for the filters) and its RGB frames. Measured against the process's peak RSS in
/// `benches/hostile.py`.
pub fn decoder_bytes(info: &FilmInfo) -> u64 {
    let rgb = info.width as u64 * info.height as u64 * 3;
    let decoded = info.held_frames + DECODER_THREADS + 3;
    FFMPEG_BASE_BYTES
        .saturating_add(info.decoded_frame_bytes.saturating_mul(decoded))
        .saturating_add(rgb.saturating_mul(FFMPEG_RGB_FRAMES))
}

/// How a film is read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FilmOptions {
    /// Which frames.
    pub sampling: Sampling,
    /// The base deadline of each child: `ffprobe` gets this much, `ffmpeg`
    /// this much for each sampled frame plus one second for each
    /// [`SLOWEST_PIXELS_PER_SECOND`] pixels it decodes to reach it. A child
    /// past its deadline is killed and the film stops with
    /// [`Error::Timeout`].
    pub timeout: Duration,
    /// Decoding errors reported by ffmpeg (damaged data) do not stop the
    /// film; [`Film::damage`] still counts them.
    pub lenient: bool,
    /// Frames of more pixels are refused before ffmpeg starts
    /// ([`crate::Error::TooManyPixels`], at the first frame).
    pub max_pixels: u64,
}

impl Default for FilmOptions {
    fn default() -> Self {
        FilmOptions {
            sampling: Sampling::default(),
            timeout: DEFAULT_TIMEOUT,
            lenient: false,
            max_pixels: crate::MAX_PIXELS_DEFAULT,
        }
    }
}

/// One sampled frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// RGB rows, 8 bits a channel, full range (converted with the film's
    /// YUV matrix): `width` × `height` pixels, or with a `step` over 1
    /// their reduction (see [`Frame::pixel_size`]).
    pub rgb: Vec<u8>,
    /// Width in the film's pixels.
    pub width: u32,
    /// Height in the film's pixels.
    pub height: u32,
    /// 1 when every pixel is there; a keyframe read for an estimate
    /// (`--fast`) is reduced by ffmpeg to one pixel, the block's mean, for
    /// each `step` × `step` block ([`crate::decode::fast_step`]).
    pub step: u32,
    /// The frame's time (ms from the film's start): the frame shown then
    /// is this one (the last whose presentation time is at or before it).
    pub ms: u64,
    /// With shot sampling: the shot the frame belongs to.
    pub shot: Option<ShotSpan>,
    /// False when the frame stands in for sample times after its own: the
    /// nearest keyframe at or before them ([`super::Sampling::keyframes_only`]).
    pub exact: bool,
}

impl Frame {
    /// The size of [`Frame::rgb`] in pixels: the frame's, or its reduction.
    pub fn pixel_size(&self) -> (u32, u32) {
        reduced_size(self.width, self.height, self.step)
    }

    /// The frame as an image to analyse: a film's frame (its bars left out
    /// by default), its reduction accounted for as a reduced still's is.
    ///
    /// # Errors
    /// [`crate::Error::BufferSize`] if `rgb` does not hold
    /// [`Frame::pixel_size`] pixels.
    pub fn into_image(self) -> crate::Result<crate::LoadedImage> {
        let (w, h) = self.pixel_size();
        let mut image = crate::LoadedImage::from_rgb8(self.rgb, w, h)?.as_video_frame();
        image.width = self.width;
        image.height = self.height;
        image.step = self.step;
        Ok(image)
    }
}

/// A `width` × `height` frame reduced by `step`: each side divided, rounded
/// up (a part block at the edge is a pixel too).
fn reduced_size(width: u32, height: u32, step: u32) -> (u32, u32) {
    (width.div_ceil(step.max(1)), height.div_ceil(step.max(1)))
}

/// Asked before a film's ffmpeg starts, with the film's description: a
/// guard kept while it runs (a share of a memory budget for
/// [`decoder_bytes`]), or why it may not run ([`Error::Stopped`], the
/// film's error at its first frame). It may wait (for memory to be freed).
pub type Admit = Arc<dyn Fn(&FilmInfo) -> Result<Box<dyn Send>> + Send + Sync>;

/// A film read through ffmpeg, frame by frame, on demand. Nothing runs
/// until the first frame is asked for; then the film is probed and one
/// ffmpeg streams its sampled frames. Frames may be asked for from several
/// threads in any order: those read ahead are kept for their askers.
pub struct Film {
    admit: Option<Admit>,
    path: PathBuf,
    at: Option<u64>,
    options: FilmOptions,
    /// Frames that may exist: `usize::MAX` until the film is known to end.
    limit: AtomicUsize,
    /// Frames expected from the declared length, for progress only
    /// (`usize::MAX` while unknown): see [`Film::expected_frames`].
    expected: AtomicUsize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    opened: Option<(FilmInfo, Plan)>,
    stream: Option<Stream>,
    /// Index of the next frame in the pipe.
    next: usize,
    /// Frames read ahead for other askers.
    ahead: BTreeMap<usize, Frame>,
    /// Why the film stopped, given to the asker of that frame.
    failure: Option<(usize, Error)>,
    /// Decoding errors ffmpeg reported, and its first message.
    damage: (usize, Option<String>),
    /// [`Film::take_damage`] has given it.
    damage_told: bool,
    /// The stream has ended.
    ended: bool,
    /// What admission gave, held while ffmpeg runs (a share of a memory
    /// budget), dropped when its stream ends.
    held: Option<Box<dyn Send>>,
    /// A seek landed after the first sample's keyframe: keyframes are read
    /// from the film's start.
    unseekable: bool,
}

/// A running ffmpeg and the thread reading its messages.
struct Stream {
    child: Watched,
    stdout: ChildStdout,
    /// Each frame's time (ms from the film's start, rounded up), with
    /// [`Plan::Every`] and [`Plan::Keys`].
    times: Option<mpsc::Receiver<i64>>,
    said: JoinHandle<Said>,
    /// ffmpeg was started with a seek.
    seeked: bool,
    /// With [`Plan::Grid`] and [`Plan::Every`]: the seek's first frame was
    /// checked (it began at or before the start).
    checked: bool,
    /// With [`Plan::Keys`]: the last keyframe read and its time, kept until
    /// the next one's time shows whether it serves a sample.
    held: Option<(Vec<u8>, i64)>,
    /// With [`Plan::Keys`]: no later keyframe serves a sample.
    enough: bool,
}

impl Film {
    /// A film to read from `path`; `at` asks for the one frame at that time
    /// instead of the sampling's frames. Runs nothing yet.
    pub fn new(path: &Path, at: Option<u64>, options: FilmOptions) -> Film {
        Film {
            admit: None,
            path: path.to_path_buf(),
            at,
            options,
            limit: AtomicUsize::new(usize::MAX),
            expected: AtomicUsize::new(usize::MAX),
            state: Mutex::new(State::default()),
        }
    }

    /// The film with `admit` asked before its ffmpeg starts.
    pub fn with_admission(mut self, admit: Admit) -> Film {
        self.admit = Some(admit);
        self
    }

    /// The one time asked for (`film.mkv@00:00:12.500`), if any.
    pub fn at(&self) -> Option<u64> {
        self.at
    }

    /// True once the film is known to hold no frame `index` (it ended, or
    /// stopped, before it). Never waits.
    pub fn ended_before(&self, index: usize) -> bool {
        index >= self.limit.load(Ordering::Acquire)
    }

    /// How many frames the film is expected to give, for a progress bar
    /// only: from its declared length and the sampling (a keyframes-only
    /// read: its keyframes read so far, scaled to the span) until it ends,
    /// then at most the frames it gave. `None` before it is opened or when
    /// nothing tells (every keyframe, before the second). Never waits.
    pub fn expected_frames(&self) -> Option<usize> {
        let expected = self.expected.load(Ordering::Acquire);
        let limit = self.limit.load(Ordering::Acquire);
        match (expected, limit) {
            (usize::MAX, usize::MAX) => None,
            (expected, limit) => Some(expected.min(limit)),
        }
    }

    /// The film as ffprobe describes it, once it has been opened.
    pub fn info(&self) -> Option<FilmInfo> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.opened.as_ref().map(|(info, _)| info.clone())
    }

    fn open_once(&self, state: &mut State) {
        if state.opened.is_none() && !state.ended {
            match self.open_film() {
                Ok(opened) => {
                    // One past the planned frames: the asker of frame
                    // `count` ends the stream and hears what ffmpeg said
                    // about the frames read (damaged data is that unit's
                    // error; otherwise it has no frame).
                    if let Some(count) = opened.1.count() {
                        self.limit
                            .fetch_min(count.saturating_add(1), Ordering::AcqRel);
                    }
                    if let Some(expected) = opened.1.expected(&opened.0) {
                        self.expected.store(expected, Ordering::Release);
                    }
                    state.opened = Some(opened)
                }
                Err(e) => self.fail(state, 0, e),
            }
        }
    }

    /// True when the sampling asked for is finer than the film's frames, so
    /// each frame is read once at its own time instead (known once opened).
    pub fn reads_every_frame(&self) -> bool {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        matches!(state.opened, Some((_, Plan::Every { .. })))
    }

    /// Decoding errors ffmpeg reported while reading the film (known once
    /// its stream has ended), and the first of its messages.
    pub fn damage(&self) -> (usize, Option<String>) {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.damage.clone()
    }

    /// The decoding errors ffmpeg reported (their number and the first),
    /// once, when the film's stream has ended with some and it is read with
    /// [`FilmOptions::lenient`] (otherwise they are its error): for the one
    /// warning of a lenient read.
    pub fn take_damage(&self) -> Option<(usize, String)> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if !self.options.lenient || state.damage.0 == 0 || state.damage_told {
            return None;
        }
        state.damage_told = true;
        Some((state.damage.0, state.damage.1.clone().unwrap_or_default()))
    }

    /// The time frame `index` is sampled at, when known before reading it.
    pub fn planned_time(&self, index: usize) -> Option<u64> {
        if let Some(at) = self.at {
            return Some(at);
        }
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match &state.opened.as_ref()?.1 {
            Plan::Grid {
                start_ms, every_us, ..
            } => Some(start_ms + grid_offset_ms(index, *every_us)),
            Plan::Chosen(frames) => frames.get(index).map(|f| f.ms),
            Plan::Every { .. } | Plan::Keys { .. } => None,
        }
    }

    /// Stops the film at frame `index`: it has no more frames (a caller's
    /// reason, such as a size limit, reported at `index`).
    pub fn stop_at(&self, index: usize) {
        self.limit.fetch_min(index + 1, Ordering::AcqRel);
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.ended = true;
        if let Some(mut stream) = state.stream.take() {
            stream.child.finish();
        }
        state.held = None;
    }

    /// Sampled frame `index`: `Ok(None)` when the film holds no such frame
    /// (it ended before, or stopped at an earlier frame whose asker got the
    /// reason). The error of a film that cannot be read goes to the asker
    /// of the frame where it stopped (frame 0 when it cannot be opened).
    pub fn frame(&self, index: usize) -> Result<Option<Frame>> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if !self.ended_before(index) {
            self.open_once(&mut state);
            while !state.ended && state.next <= index {
                if let Err(e) = self.read_next(&mut state) {
                    let at = state.next;
                    self.fail(&mut state, at, e);
                }
            }
        }
        if let Some(frame) = state.ahead.remove(&index) {
            return Ok(Some(frame));
        }
        match state.failure.take() {
            Some((at, e)) if at == index => Err(e),
            other => {
                state.failure = other;
                Ok(None)
            }
        }
    }

    /// Probes the film and plans its frames.
    fn open_film(&self) -> Result<(FilmInfo, Plan)> {
        let info = probe(&self.path, self.options.timeout)?;
        let limit = self.options.max_pixels;
        if info.width as u64 * info.height as u64 > limit {
            return Err(crate::Error::TooManyPixels {
                width: info.width,
                height: info.height,
                limit,
            }
            .into());
        }
        let sampling = &self.options.sampling;
        let plan = match self.at {
            // The keyframe at or before the time asked for.
            Some(at) if sampling.keyframes_only => Plan::Keys {
                samples: KeySamples::Grid {
                    start_ms: at,
                    every_us: 1_000_000,
                    count: Some(1),
                },
                exact: false,
            },
            Some(at) => Plan::Grid {
                start_ms: at,
                every_us: 1_000_000,
                count: Some(1),
            },
            None if sampling.shots => {
                // The first pass decodes the whole frames too: it is
                // admitted under the memory budget as the sampling pass is,
                // and gives its share back before that one asks.
                let _held = self.admit.as_ref().map(|admit| admit(&info)).transpose()?;
                let shots = detect_shots(&self.path, sampling)?;
                Plan::Chosen(shots)
            }
            None => plan(sampling, &info)?,
        };
        Ok((info, plan))
    }

    /// Records why the film stopped at frame `at`, ends its stream.
    fn fail(&self, state: &mut State, at: usize, error: Error) {
        state.failure = Some((at, error));
        state.ended = true;
        self.limit.fetch_min(at + 1, Ordering::AcqRel);
        if let Some(mut stream) = state.stream.take() {
            stream.child.finish();
        }
        state.held = None;
    }

    /// Reads the next frame into `state.ahead`, or ends the stream.
    fn read_next(&self, state: &mut State) -> Result<()> {
        let Some((info, plan)) = state.opened.clone() else {
            return Ok(());
        };
        let index = state.next;
        if plan.count().is_some_and(|count| index >= count) {
            return self.end(state, &info, &plan);
        }
        if let Plan::Keys { samples, exact } = plan {
            return self.read_next_key(state, &info, &samples, exact);
        }
        loop {
            if state.stream.is_none() {
                if state.held.is_none() {
                    if let Some(admit) = &self.admit {
                        state.held = Some(admit(&info)?);
                    }
                }
                let seek = !state.unseekable && plan_start(&plan) > 0;
                state.stream = Some(self.start(&info, &plan, seek)?);
            }
            let stream = state.stream.as_mut().expect("started above");
            let mut rgb = vec![0u8; info.width as usize * info.height as usize * 3];
            stream
                .child
                .allow(Some(self.allowance(&info, &plan, index)));
            let read = stream.stdout.read_exact(&mut rgb);
            stream.child.allow(None);
            match read {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    return self.end(state, &info, &plan)
                }
                Err(e) => return Err(Error::Read(e)),
            }
            // The first frame decoded after a seek: when it began after the
            // start, the seek went past the frame shown then (MPEG-TS seeks
            // only roughly, landing a frame or a keyframe interval late):
            // the film is read again from its start.
            let first = match (&plan, stream.seeked && !stream.checked) {
                (Plan::Grid { .. } | Plan::Every { .. }, true) => {
                    stream.checked = true;
                    Some(self.time_of_frame(stream)?)
                }
                _ => None,
            };
            if first.is_some_and(|first| first > plan_start(&plan) as i64) {
                let mut stream = state.stream.take().expect("read above");
                stream.child.finish();
                state.unseekable = true;
                continue;
            }
            let ms = match &plan {
                Plan::Grid {
                    start_ms, every_us, ..
                } => start_ms + grid_offset_ms(index, *every_us),
                Plan::Chosen(frames) => frames[index].ms,
                Plan::Every { start_ms, end_ms } => {
                    let ms = first.map_or_else(|| self.time_of_frame(stream), Ok)?;
                    let ms = ms.max(0) as u64;
                    if ms < *start_ms {
                        // Before the span: the seek lands on the keyframe
                        // before its start.
                        continue;
                    }
                    if end_ms.is_some_and(|end| ms >= end) {
                        // Frames come in time order: none after this
                        // one is in the span.
                        return self.stop_early(state, &info, &plan);
                    }
                    ms
                }
                Plan::Keys { .. } => unreachable!("read by read_next_key"),
            };
            state.ahead.insert(
                index,
                Frame {
                    rgb,
                    width: info.width,
                    height: info.height,
                    ms,
                    shot: match &plan {
                        Plan::Chosen(frames) => Some(frames[index].shot),
                        _ => None,
                    },
                    step: 1,
                    exact: true,
                },
            );
            state.next += 1;
            return Ok(());
        }
    }

    /// The stream is over: reap ffmpeg and decide whether it ended well.
    fn end(&self, state: &mut State, info: &FilmInfo, plan: &Plan) -> Result<()> {
        state.ended = true;
        self.limit.fetch_min(state.next, Ordering::AcqRel);
        let Some(mut stream) = state.stream.take() else {
            state.held = None;
            return Ok(());
        };
        // ffmpeg ends by itself after the planned frames: its exit status
        // and messages are read, not cut short.
        stream.child.allow(Some(self.options.timeout));
        let _ = io::copy(&mut stream.stdout, &mut io::sink());
        drop(stream.stdout);
        let status = stream.child.wait();
        state.held = None;
        let said = stream.said.join().unwrap_or_default();
        if let Some(e) = stream.child.timed_out() {
            return Err(e);
        }
        state.damage = (said.errors, said.first.clone());
        if status.is_some_and(|s| !s.success()) {
            return Err(Error::Ffmpeg {
                at: self.time_of(plan, state.next),
                said: said.last.unwrap_or_else(|| "no message".to_owned()),
            });
        }
        if said.errors > 0 && !self.options.lenient {
            return Err(Error::DamagedFrames {
                errors: said.errors,
                first: said.first.unwrap_or_default(),
            });
        }
        self.check_frames(state, info, plan)
    }

    /// A film's stream that gave no frame at all is an error when frames
    /// were asked for by time.
    fn check_frames(&self, state: &State, info: &FilmInfo, plan: &Plan) -> Result<()> {
        if state.next > 0 {
            return Ok(());
        }
        match plan {
            Plan::Grid { start_ms, .. }
            | Plan::Keys {
                samples: KeySamples::Grid { start_ms, .. },
                ..
            } => Err(Error::PastEnd {
                at: *start_ms,
                end: info.duration_ms,
            }),
            Plan::Keys {
                samples: KeySamples::Every { start_ms, end_ms },
                ..
            } => Err(Error::NoKeyframe {
                start: *start_ms,
                end: *end_ms,
            }),
            _ => Ok(()),
        }
    }

    /// The time ffmpeg gave the frame just read (ms from the film's start,
    /// rounded up).
    fn time_of_frame(&self, stream: &Stream) -> Result<i64> {
        let time = stream
            .times
            .as_ref()
            .and_then(|t| t.recv_timeout(self.options.timeout).ok());
        time.ok_or(Error::Stopped(
            "ffmpeg gave a frame without its time".to_owned(),
        ))
    }

    /// Reads keyframes until one is known to serve a sample (the next
    /// keyframe's time shows it), gives it as the next frame, or ends the
    /// stream.
    fn read_next_key(
        &self,
        state: &mut State,
        info: &FilmInfo,
        samples: &KeySamples,
        exact: bool,
    ) -> Result<()> {
        let plan = Plan::Keys {
            samples: *samples,
            exact,
        };
        loop {
            if state.stream.is_none() {
                let seek = !state.unseekable && samples.start_ms() > 0;
                if state.held.is_none() {
                    if let Some(admit) = &self.admit {
                        state.held = Some(admit(info)?);
                    }
                }
                state.stream = Some(self.start(info, &plan, seek)?);
            }
            let stream = state.stream.as_mut().expect("started above");
            if stream.enough {
                return self.stop_early(state, info, &plan);
            }
            let (w, h) = reduced_size(info.width, info.height, self.key_step(info));
            let mut rgb = vec![0u8; w as usize * h as usize * 3];
            stream.child.allow(Some(
                self.options.timeout
                    + Duration::from_secs(
                        info.width as u64 * info.height as u64 / SLOWEST_PIXELS_PER_SECOND,
                    ),
            ));
            let read = stream.stdout.read_exact(&mut rgb);
            stream.child.allow(None);
            let next = match read {
                Ok(()) => Some((rgb, self.time_of_frame(stream)?)),
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => None,
                Err(e) => return Err(Error::Read(e)),
            };
            let Some((rgb, time)) = next else {
                // The last keyframe serves the samples up to the film's end.
                if let Some((held, key)) = stream.held.take() {
                    let end = info.duration_ms.map(|end| (end as i64).max(key + 1));
                    if samples.serves(key, end) {
                        self.give(state, info, held, key, exact);
                        return Ok(());
                    }
                }
                return self.end(state, info, &plan);
            };
            if stream.seeked && stream.held.is_none() && time > samples.start_ms() as i64 {
                // The seek went past the keyframe serving the first sample
                // (some containers seek only roughly): read from the start.
                let mut stream = state.stream.take().expect("read above");
                stream.child.finish();
                state.unseekable = true;
                continue;
            }
            let over = samples.over(time);
            let held = if over {
                stream.enough = true;
                stream.held.take()
            } else {
                stream.held.replace((rgb, time))
            };
            if let Some((held, key)) = held {
                if samples.serves(key, Some(time)) {
                    self.give(state, info, held, key, exact);
                    return Ok(());
                }
            }
        }
    }

    /// The reduction of a keyframe read: with `--fast` (keyframes only, for
    /// an estimate) a still's fast step, else 1.
    fn key_step(&self, info: &FilmInfo) -> u32 {
        if self.options.sampling.keyframes_only {
            crate::decode::fast_step(info.width, info.height)
        } else {
            1
        }
    }

    /// Gives the keyframe at `key` as the next frame.
    fn give(&self, state: &mut State, info: &FilmInfo, rgb: Vec<u8>, key: i64, exact: bool) {
        let index = state.next;
        if let Some((_, plan @ Plan::Keys { samples, .. })) = &state.opened {
            // Keyframes are as many as the film's encoder made, often far
            // fewer than the samples: those read so far, scaled from the
            // time read to the whole span (for progress only).
            let start = samples.start_ms() as i64;
            let end = match samples {
                KeySamples::Every { end_ms, .. } => end_ms.or(info.duration_ms),
                KeySamples::Grid { .. } => info.duration_ms,
            };
            if let Some(end) = end.filter(|&end| key > start && end as i64 > key) {
                let (span, read) = (end - start as u64, (key - start) as u64);
                let scaled = 1 + (index as u64).saturating_mul(span).div_ceil(read);
                let most = plan.expected(info).unwrap_or(usize::MAX);
                let expected = usize::try_from(scaled).unwrap_or(usize::MAX).min(most);
                self.expected.store(expected, Ordering::Release);
            }
        }
        state.ahead.insert(
            index,
            Frame {
                rgb,
                width: info.width,
                height: info.height,
                ms: key.max(0) as u64,
                shot: None,
                step: self.key_step(info),
                exact,
            },
        );
        state.next += 1;
    }

    /// Ends a stream once no later frame is wanted (a keyframes-only read
    /// whose samples are served, every frame read to the span's end):
    /// ffmpeg is stopped, not read to the film's end.
    fn stop_early(&self, state: &mut State, info: &FilmInfo, plan: &Plan) -> Result<()> {
        state.ended = true;
        self.limit.fetch_min(state.next, Ordering::AcqRel);
        let Some(mut stream) = state.stream.take() else {
            return Ok(());
        };
        stream.child.finish();
        let said = stream.said.join().unwrap_or_default();
        state.damage = (said.errors, said.first.clone());
        if said.errors > 0 && !self.options.lenient {
            return Err(Error::DamagedFrames {
                errors: said.errors,
                first: said.first.unwrap_or_default(),
            });
        }
        self.check_frames(state, info, plan)
    }

    /// The time of frame `index` for messages (the last known for frames
    /// timed by ffmpeg).
    fn time_of(&self, plan: &Plan, index: usize) -> u64 {
        match plan {
            Plan::Grid {
                start_ms, every_us, ..
            } => start_ms + grid_offset_ms(index, *every_us),
            Plan::Chosen(frames) => frames.get(index).or(frames.last()).map_or(0, |f| f.ms),
            Plan::Every { start_ms, .. } => *start_ms,
            Plan::Keys { samples, .. } => samples.start_ms(),
        }
    }

    /// ffmpeg's deadline for frame `index`: the base, plus a second for
    /// every [`SLOWEST_PIXELS_PER_SECOND`] pixels decoded to reach it (a
    /// sampling interval's frames, or a keyframe interval's after a seek,
    /// taken as 10 s).
    fn allowance(&self, info: &FilmInfo, plan: &Plan, index: usize) -> Duration {
        let frame_ms = info.frame_ms.max(1);
        let span_ms = match plan {
            Plan::Grid { every_us, .. } => {
                (every_us / 1000).max(if index == 0 { 10_000 } else { 0 })
            }
            Plan::Chosen(frames) => {
                let before = index.checked_sub(1).map_or(0, |i| frames[i].ms);
                frames.get(index).map_or(0, |f| f.ms.saturating_sub(before))
            }
            Plan::Every { .. } | Plan::Keys { .. } => frame_ms,
        };
        let pixels =
            (span_ms / frame_ms + 1).saturating_mul(info.width as u64 * info.height as u64);
        self.options.timeout + Duration::from_secs(pixels / SLOWEST_PIXELS_PER_SECOND)
    }

    /// Starts `ffmpeg` for `plan`, converting to full-range RGB with the
    /// film's matrix; with [`Plan::Keys`], `seek` to the first sample.
    fn start(&self, info: &FilmInfo, plan: &Plan, seek: bool) -> Result<Stream> {
        // A keyframe read for an estimate is reduced in the same scaler
        // (area: each pixel its block's mean, as a reduced JPEG's is).
        let (size, flags) = match plan {
            Plan::Keys { .. } if self.key_step(info) > 1 => {
                let (w, h) = reduced_size(info.width, info.height, self.key_step(info));
                (format!("w={w}:h={h}:"), "area")
            }
            _ => (String::new(), "bicubic"),
        };
        let convert = format!(
            "scale={size}in_color_matrix={}:in_range=auto:out_range=full:flags={flags}+accurate_rnd+full_chroma_int,format=rgb24",
            info.matrix
        );
        // Frames timed by ffmpeg (showinfo): every frame of those read at
        // their own time, the first after a seek of a grid (to check it).
        let timed = match plan {
            Plan::Every { .. } | Plan::Keys { .. } => true,
            Plan::Grid { .. } => seek,
            Plan::Chosen(_) => false,
        };
        let mut command = Command::new("ffmpeg");
        command.args(["-nostdin", "-hide_banner", "-loglevel"]);
        command.arg(if timed { "level+info" } else { "level+error" });
        // Before the input: the decoder's threads (see DECODER_THREADS).
        command.args(["-threads", &DECODER_THREADS.to_string()]);
        match plan {
            // The chosen frames by number, from the start (as the shot
            // detection counted them), each once.
            Plan::Chosen(frames) => {
                let chosen: Vec<String> = frames
                    .iter()
                    .map(|f| format!("eq(n\\,{})", f.frame))
                    .collect();
                command
                    .args(input_args(&self.path)?)
                    .args(["-map", "0:v:0", "-an", "-sn", "-dn", "-vf"])
                    .arg(format!("select='{}',{convert}", chosen.join("+")))
                    .args(["-fps_mode", "passthrough"])
                    .args(["-frames:v", &frames.len().to_string()]);
            }
            // The seek lands on the keyframe before the start and keeps
            // the frames before it (not ffmpeg's accurate seek, which drops
            // the frame shown at the start when it began earlier); the fps
            // filter then gives, for each time of the grid, the last frame
            // that began at or before it (`round=up`: a frame at 4.48 s
            // is not the frame of 4 s). Timestamps stay the film's own
            // (`-copyts`, from its start) and the start is taken off in µs:
            // ffmpeg's own offset for a seek is rounded to the film's time
            // base (half a tick: 39 µs at 1/12800, enough to take a frame
            // at 1.080 s for one after the grid's 1.080). After a seek,
            // showinfo gives the first frame's time, to check the seek.
            Plan::Grid {
                start_ms,
                every_us,
                count,
            } => {
                let mut shift = String::new();
                if *start_ms > 0 {
                    let start_us = start_ms * 1000;
                    command.args(["-copyts", "-start_at_zero"]);
                    if seek {
                        command.args(["-noaccurate_seek", "-ss", &seconds(start_us)]);
                        shift.push_str(
                            "split[grid][first];[first]select='eq(n\\,0)',showinfo,nullsink;[grid]",
                        );
                    }
                    shift.push_str(&format!("settb=AVTB,setpts=PTS-{start_us},"));
                }
                command
                    .args(input_args(&self.path)?)
                    .args(["-map", "0:v:0", "-an", "-sn", "-dn", "-vf"])
                    .arg(format!(
                        "{shift}fps=fps=1000000/{every_us}:round=up:start_time=0,{convert}"
                    ));
                if let Some(count) = count {
                    command.args(["-frames:v", &count.to_string()]);
                }
            }
            // Every frame once from the start; showinfo gives each one's
            // time from the film's start (`-copyts`: not shifted by the
            // seek's rounded offset). The seek lands on the keyframe before
            // the start; the span's ends are found by the frames' times
            // (ffmpeg's accurate seek and `-t` round them to its time base,
            // and `-t` keeps a frame or two past the end).
            Plan::Every { start_ms, .. } => {
                if seek {
                    command.args(["-copyts", "-start_at_zero", "-noaccurate_seek"]);
                    command.args(["-ss", &seconds(start_ms * 1000)]);
                }
                command.args(input_args(&self.path)?);
                command
                    .args(["-map", "0:v:0", "-an", "-sn", "-dn", "-vf"])
                    .arg(format!("showinfo,{convert}"))
                    .args(["-fps_mode", "passthrough"]);
            }
            // Keyframes only: the decoder skips every other frame (select
            // drops any a decoder gives anyway). The seek lands on the
            // keyframe at or before the first sample and keeps it; times
            // count from the film's start, whatever its first timestamp.
            Plan::Keys { samples, .. } => {
                command.args(["-skip_frame", "nokey", "-copyts", "-start_at_zero"]);
                if seek {
                    let start = samples.start_ms();
                    command.args(["-noaccurate_seek", "-ss", &seconds(start * 1000)]);
                }
                command
                    .args(input_args(&self.path)?)
                    .args(["-map", "0:v:0", "-an", "-sn", "-dn", "-vf"])
                    .arg(format!("select='eq(key\\,1)',showinfo,{convert}"))
                    .args(["-fps_mode", "passthrough"]);
            }
        }
        command.args(["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        let mut child = spawn_watched("ffmpeg", &mut command)?;
        let stdout = child
            .child
            .stdout
            .take()
            .ok_or_else(|| Error::Read(io::Error::other("ffmpeg has no output")))?;
        let stderr = child.child.stderr.take();
        let (sender, times) = mpsc::channel();
        let said = std::thread::spawn(move || read_messages(stderr, timed.then_some(sender)));
        Ok(Stream {
            child,
            stdout,
            times: timed.then_some(times),
            said,
            seeked: seek,
            checked: false,
            held: None,
            enough: false,
        })
    }
}
