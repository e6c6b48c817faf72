//! What reading a film can fail with: one line each, naming neither the
//! film's path nor a command-line flag (the program adds those).

use std::io;

use super::sampling::clock;

/// Everything the film path can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `ffmpeg` or `ffprobe` is not on `PATH`.
    #[error(
        "is a video, and reading video needs {program} (part of ffmpeg), which is not on \
         PATH: install ffmpeg (for example apt-get install ffmpeg, brew install ffmpeg)"
    )]
    MissingProgram {
        /// `ffmpeg` or `ffprobe`.
        program: &'static str,
    },
    /// The program could not be started.
    #[error("cannot run {program}: {error}")]
    Spawn {
        /// `ffmpeg` or `ffprobe`.
        program: &'static str,
        /// Why.
        error: io::Error,
    },
    /// The program took longer than its deadline and was stopped.
    #[error("{program} took longer than its deadline of {seconds:.0} s and was stopped")]
    Timeout {
        /// `ffmpeg` or `ffprobe`.
        program: &'static str,
        /// The deadline in seconds.
        seconds: f64,
    },
    /// The film's frames break one of the library's limits (their size).
    #[error(transparent)]
    Image(#[from] crate::Error),
    /// `ffprobe` refused the film.
    #[error("ffprobe cannot read this video: {0}")]
    Probe(String),
    /// `ffprobe` answered something that is not its JSON.
    #[error("ffprobe's answer is not JSON: {0}")]
    ProbeAnswer(String),
    /// The film has no video stream.
    #[error("the file has no video stream")]
    NoVideoStream,
    /// The video stream has no usable frame size.
    #[error("its video stream has no frame size")]
    NoFrameSize,
    /// A time asked for lies after the film's end.
    #[error("{} is past the video's end{}", clock(*at), end.map_or(String::new(), |e| format!(" ({})", clock(e))))]
    PastEnd {
        /// The time asked for (ms).
        at: u64,
        /// The film's length as its header declares it (ms).
        end: Option<u64>,
    },
    /// ffmpeg reported damaged data while decoding the film's frames.
    #[error("ffmpeg reported {errors} decoding error(s) (damaged data), the first: {first}")]
    DamagedFrames {
        /// Error messages ffmpeg gave.
        errors: usize,
        /// The first of them.
        first: String,
    },
    /// The film's length is needed and unknown.
    #[error("the video's length is unknown (ffprobe gives no duration), so it cannot be sampled")]
    UnknownLength,
    /// The sampled span is empty.
    #[error("the end {} is not after the start {}", clock(*end), clock(*start))]
    EmptySpan {
        /// Start (ms).
        start: u64,
        /// End (ms).
        end: u64,
    },
    /// No keyframe lies in the span sampled by keyframe.
    #[error("no keyframe between {} and {}", clock(*start), end.map_or("the end".to_owned(), clock))]
    NoKeyframe {
        /// Start (ms).
        start: u64,
        /// End (ms), the film's end when `None`.
        end: Option<u64>,
    },
    /// `ffmpeg` stopped with an error.
    #[error("ffmpeg failed at {}: {said}", clock(*at))]
    Ffmpeg {
        /// The time of the frame it was reading (ms).
        at: u64,
        /// Its last line of error output.
        said: String,
    },
    /// Reading `ffmpeg`'s output failed.
    #[error("cannot read frames from ffmpeg: {0}")]
    Read(io::Error),
    /// The stream stopped at an earlier frame, for this reason.
    #[error("{0}")]
    Stopped(String),
    /// Shot detection could not read the film.
    #[error("ffmpeg cannot read its frames: {0}")]
    Unreadable(String),
    /// Shot detection's frames and times disagree.
    #[error("ffmpeg gave {frames} frames but {times} times for them")]
    FrameTimes {
        /// Frames read.
        frames: usize,
        /// Times read.
        times: usize,
    },
    /// No shot lies in the sampled span.
    #[error("no shot between {} and {}", clock(*start), end.map_or("the end".to_owned(), clock))]
    NoShot {
        /// Start (ms).
        start: u64,
        /// End (ms), the film's end when `None`.
        end: Option<u64>,
    },
    /// Too many shots to select in one pass.
    #[error("has {count} shots, more than {max} can be selected at once: narrow the span or sample by time")]
    TooManyShots {
        /// Shots found.
        count: usize,
        /// The most allowed.
        max: usize,
    },
}

/// The film path's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
