//! Films: a video is recognised by its first bytes, probed with `ffprobe`,
//! and sampled into frames by one `ffmpeg` process, each sampled frame one
//! input named `film.mkv@00:00:12.500`. One concern a file: [`mod@probe`]
//! (recognising and probing), `plan` (which frames ffmpeg gives), `stream`
//! (the frame stream and its child process), `messages` (what ffmpeg says),
//! [`sampling`] (sampling and times), [`keys`] (which keyframes a
//! keyframes-only read takes), [`shots`] (shot detection), `child`
//! (starting ffmpeg safely).

mod child;
mod error;
pub mod keys;
mod messages;
mod plan;
pub mod probe;
pub mod sampling;
pub mod shots;
mod stream;

pub use error::{Error, Result};
pub use probe::{is_video, is_video_header, probe, FilmInfo};
pub use sampling::{
    clock, frame_name, parse_duration, split_frame_name, Sampling, DEFAULT_EVERY_MS,
};
pub use shots::{detect_shots, shot_frames, ShotFrame, ShotSpan, DEFAULT_SHOT_THRESHOLD};
pub use stream::{
    decoder_bytes, Admit, Film, FilmOptions, Frame, DECODER_THREADS, DEFAULT_TIMEOUT,
    FFMPEG_BASE_BYTES, SLOWEST_PIXELS_PER_SECOND,
};
