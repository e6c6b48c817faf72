//! Which frames a film's ffmpeg gives for a sampling: a grid of times,
//! every frame, the keyframes that serve the samples, or frames chosen by
//! number (shots), with how many to expect.

use super::error::{Error, Result};
use super::keys::KeySamples;
use super::probe::FilmInfo;
use super::sampling::Sampling;
use super::shots::ShotFrame;

/// Which frames ffmpeg gives.
#[derive(Clone, Debug)]
pub(super) enum Plan {
    /// Frame `n` is the one shown at `start_ms + n × every_us`; `count`
    /// frames at most when the span has an end.
    Grid {
        start_ms: u64,
        every_us: u64,
        count: Option<usize>,
    },
    /// These frames by number, with their times and shots.
    Chosen(Vec<ShotFrame>),
    /// Every frame once, at its own time, from `start_ms` to `end_ms`
    /// (sampling finer than the film's frames).
    Every { start_ms: u64, end_ms: Option<u64> },
    /// Keyframes only, each at its own time, those that serve `samples`;
    /// `exact` when the keyframes are the samples (`--every key`).
    Keys { samples: KeySamples, exact: bool },
}

impl Plan {
    /// The number of frames, when known before reading.
    pub(super) fn count(&self) -> Option<usize> {
        match self {
            Plan::Grid { count, .. } => *count,
            Plan::Chosen(frames) => Some(frames.len()),
            Plan::Every { .. } | Plan::Keys { .. } => None,
        }
    }

    /// The number of frames expected from the film's declared length, for
    /// a progress bar only (the film ends where its frames do): exact when
    /// known, else the grid's samples in the span; for a keyframes-only
    /// read, the samples it serves at most; `None` when nothing tells.
    pub(super) fn expected(&self, info: &FilmInfo) -> Option<usize> {
        let samples = |start_ms: u64, end_ms: Option<u64>, every_us: u64| {
            let span_ms = end_ms.or(info.duration_ms)?.saturating_sub(start_ms);
            let n = span_ms
                .saturating_mul(1000)
                .div_ceil(every_us.max(1))
                .max(1);
            Some(usize::try_from(n).unwrap_or(usize::MAX - 1))
        };
        if let Some(count) = self.count() {
            return Some(count);
        }
        match self {
            Plan::Grid {
                start_ms, every_us, ..
            } => samples(*start_ms, None, *every_us),
            Plan::Every { start_ms, end_ms } if info.frame_ms > 0 => {
                samples(*start_ms, *end_ms, info.frame_ms.saturating_mul(1000))
            }
            Plan::Keys {
                samples:
                    KeySamples::Grid {
                        start_ms, every_us, ..
                    },
                ..
            } => samples(*start_ms, None, *every_us),
            _ => None,
        }
    }
}

/// Where a plan's frames start (ms from the film's start): a read may
/// seek there.
pub(super) fn plan_start(plan: &Plan) -> u64 {
    match plan {
        Plan::Grid { start_ms, .. } | Plan::Every { start_ms, .. } => *start_ms,
        Plan::Keys { samples, .. } => samples.start_ms(),
        Plan::Chosen(_) => 0,
    }
}

/// Milliseconds from the start to grid point `index`.
pub(super) fn grid_offset_ms(index: usize, every_us: u64) -> u64 {
    (index as u64).saturating_mul(every_us) / 1000
}

/// Plans the frames of a sampling by time: the grid's frames, or the
/// keyframes that serve it ([`Sampling::keyframes_only`]), or every
/// keyframe ([`Sampling::every_key`]).
pub(super) fn plan(sampling: &Sampling, info: &FilmInfo) -> Result<Plan> {
    let plan = grid(sampling, info)?;
    if sampling.every_key {
        return Ok(Plan::Keys {
            samples: KeySamples::Every {
                start_ms: sampling.start_ms,
                end_ms: sampling.end_ms,
            },
            exact: true,
        });
    }
    if !sampling.keyframes_only {
        return Ok(plan);
    }
    let samples = match plan {
        Plan::Grid {
            start_ms,
            every_us,
            count,
        } => KeySamples::Grid {
            start_ms,
            every_us,
            count,
        },
        // Finer than the frames, so finer than the keyframes: each
        // keyframe in the span serves a sample.
        Plan::Every { start_ms, end_ms } => KeySamples::Every { start_ms, end_ms },
        _ => unreachable!("grid plans by time"),
    };
    Ok(Plan::Keys {
        samples,
        exact: false,
    })
}

/// Plans the frames of a sampling by time, all frames decoded.
fn grid(sampling: &Sampling, info: &FilmInfo) -> Result<Plan> {
    let start_ms = sampling.start_ms;
    if let Some(end) = sampling.end_ms {
        if end <= start_ms {
            return Err(Error::EmptySpan {
                start: start_ms,
                end,
            });
        }
    }
    if let Some(n) = sampling.frames {
        // Spread over the span: its end is the declared length when none
        // is given (the frames past the real end are simply not there).
        let end = sampling
            .end_ms
            .or(info.duration_ms)
            .ok_or(Error::UnknownLength)?;
        if end <= start_ms {
            return Err(Error::PastEnd {
                at: start_ms,
                end: info.duration_ms,
            });
        }
        // A whole number of ms: each sample's printed time is its exact
        // time, so the frame given (the last at or before it) is the one
        // shown then (a grid of 400.4 ms would give, for the time printed
        // 0.400, a frame at 0.4004).
        let every_us = ((end - start_ms) / n as u64).max(1) * 1000;
        return Ok(Plan::Grid {
            start_ms,
            every_us,
            count: Some(n),
        });
    }
    if sampling.every_ms < info.frame_ms {
        return Ok(Plan::Every {
            start_ms,
            end_ms: sampling.end_ms,
        });
    }
    let every_us = sampling.every_ms.max(1).saturating_mul(1000);
    let count = sampling.end_ms.map(|end| {
        usize::try_from((end - start_ms).saturating_mul(1000).div_ceil(every_us))
            .unwrap_or(usize::MAX)
    });
    Ok(Plan::Grid {
        start_ms,
        every_us,
        count,
    })
}
