//! The frame stream: one `ffmpeg` process per film, started on the first
//! frame asked for, streaming the sampled frames as raw RGB through a pipe
//! (never the whole film in memory or on disk).

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command};
use std::sync::{Arc, Mutex};

use super::child::{input_args, spawn_piped};
use super::error::{Error, Result};
use super::probe::probe;
use super::sampling::{sample_times, seconds, Sampling};
use super::shots::detect_shots;

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
    /// With shot sampling: the decoded frame numbers of the sampled frames
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

impl Video {
    /// Probes the film and lays out its sampled frames; `at` asks for the
    /// one frame at that time instead.
    pub fn open(path: &Path, sampling: &Sampling, at: Option<u64>) -> Result<Video> {
        let info = probe(path)?;
        // The last frame starts one frame before the end: no time after it
        // is sampled (ffmpeg would give no frame for it).
        let last_ms = info
            .duration_ms
            .map(|d| d.saturating_sub(info.frame_ms).max(1));
        let mut frames = None;
        let (times, every_us) = match at {
            Some(ms) => {
                if let Some(d) = info.duration_ms.filter(|&d| ms >= d) {
                    return Err(Error::PastEnd { at: ms, end: d });
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
            width: info.width,
            height: info.height,
            times,
            every_us,
            frames,
            matrix: info.matrix,
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
                return Err(Error::Stopped(reason.clone()));
            }
            let mut frame = vec![0u8; self.frame_bytes() as usize];
            let read = stream
                .stdout
                .as_mut()
                .map_or(Ok(()), |out| out.read_exact(&mut frame));
            if let Err(e) = read {
                let error = self.ended(&mut stream, e);
                stream.failed = Some(error.to_string());
                return Err(error);
            }
            let i = stream.next;
            stream.next += 1;
            if i == index {
                return Ok(frame);
            }
            stream.ahead.insert(i, frame);
        }
        Err(Error::AskedTwice(index))
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
                    .args(input_args(&self.path)?)
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
                    .args(input_args(&self.path)?)
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
        let mut child = spawn_piped("ffmpeg", &mut command)?;
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
    fn ended(&self, stream: &mut Stream, e: io::Error) -> Error {
        let status = stream.child.as_mut().and_then(|c| c.wait().ok());
        // The thread collecting stderr finishes when ffmpeg exits.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let errors = stream
            .errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let said = errors.lines().rev().find(|l| !l.trim().is_empty());
        let at = self.times[stream.next.min(self.times.len() - 1)];
        match (said, status) {
            (Some(line), Some(s)) if !s.success() => Error::Ffmpeg {
                at,
                said: line.trim().to_owned(),
            },
            _ if e.kind() == io::ErrorKind::UnexpectedEof => Error::EndsBefore {
                at,
                frames: stream.next,
            },
            _ => Error::Read(e),
        }
    }
}
