//! Keyframes-only reading (`--fast`, `--every key`): which keyframes a
//! sampling takes. A film's keyframes decode on their own, so ffmpeg
//! decodes nothing else (`-skip_frame nokey`). Each sample time takes the
//! nearest keyframe at or before it: a keyframe serves the samples from its
//! own time to the next keyframe's, and is given once (at its own time)
//! however many it serves, or not at all when it serves none.

/// The samples a keyframes-only read serves (times in ms from the film's
/// start; a keyframe's time may be negative before it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySamples {
    /// Sample `n` at `start_ms + n × every_us` (µs, the time floored to the
    /// ms, as the exact path's grid), `count` of them when the span ends.
    Grid {
        /// The first sample's time.
        start_ms: u64,
        /// The interval in µs.
        every_us: u64,
        /// How many samples, when known.
        count: Option<usize>,
    },
    /// Every keyframe from `start_ms` to before `end_ms` is a sample.
    Every {
        /// The span's start.
        start_ms: u64,
        /// The span's end.
        end_ms: Option<u64>,
    },
}

impl KeySamples {
    /// The first sample's time: a read that seeks must land on a keyframe
    /// at or before it.
    pub fn start_ms(&self) -> u64 {
        match self {
            KeySamples::Grid { start_ms, .. } | KeySamples::Every { start_ms, .. } => *start_ms,
        }
    }

    /// The first grid sample at or after `ms`.
    fn first_from(start_ms: u64, every_us: u64, count: Option<usize>, ms: i64) -> Option<u64> {
        let after = u64::try_from(ms.saturating_sub(start_ms as i64)).unwrap_or(0);
        // floor(n × every_us / 1000) ≥ after  ⟺  n × every_us ≥ after × 1000.
        let n = after.saturating_mul(1000).div_ceil(every_us.max(1));
        if count.is_some_and(|count| n >= count as u64) {
            return None;
        }
        Some(start_ms + n.saturating_mul(every_us) / 1000)
    }

    /// True when the keyframe at `key` serves a sample: one lies from its
    /// time to before `next` (the next keyframe's time; `None` when nothing
    /// bounds it).
    pub fn serves(&self, key: i64, next: Option<i64>) -> bool {
        match *self {
            KeySamples::Grid {
                start_ms,
                every_us,
                count,
            } => Self::first_from(start_ms, every_us, count, key)
                .is_some_and(|sample| next.is_none_or(|next| (sample as i64) < next)),
            KeySamples::Every { start_ms, end_ms } => {
                key >= start_ms as i64 && end_ms.is_none_or(|end| key < end as i64)
            }
        }
    }

    /// True when no sample lies at or after `key`: the keyframe there, and
    /// every later one, serves none (the read can stop).
    pub fn over(&self, key: i64) -> bool {
        match *self {
            KeySamples::Grid {
                start_ms,
                every_us,
                count,
            } => Self::first_from(start_ms, every_us, count, key).is_none(),
            KeySamples::Every { end_ms, .. } => end_ms.is_some_and(|end| key >= end as i64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keyframes of `keys` (ending at `end`) that `samples` takes.
    fn taken(samples: KeySamples, keys: &[i64], end: Option<i64>) -> Vec<i64> {
        let nexts = keys.iter().skip(1).map(|&k| Some(k)).chain([end]);
        keys.iter()
            .zip(nexts)
            .filter(|(&key, next)| samples.serves(key, *next))
            .map(|(&key, _)| key)
            .collect()
    }

    #[test]
    fn each_sample_takes_the_keyframe_at_or_before_it_once() {
        let keys = [0, 1200, 3200, 3400, 3600, 5600, 7040, 9040, 11040];
        let every_second = KeySamples::Grid {
            start_ms: 0,
            every_us: 1_000_000,
            count: None,
        };
        // 0 → 0; 1, 2, 3 → 1200; 4, 5 → 3600; 6, 7 → 5600; 8, 9 → 7040;
        // 10, 11 → 9040; 3200, 3400 serve none; 11040 none before 12 s.
        assert_eq!(
            taken(every_second, &keys, Some(12_000)),
            [0, 1200, 3600, 5600, 7040, 9040]
        );
        // Without an end, the last keyframe serves the samples after it.
        assert_eq!(taken(every_second, &keys, None).last(), Some(&11040));
        // A seek's keyframe before the start serves the start.
        let from_3500 = KeySamples::Grid {
            start_ms: 3500,
            every_us: 1_000_000,
            count: Some(2),
        };
        assert_eq!(
            taken(from_3500, &[-100 + 3500, 3600, 5600], None),
            [3400, 3600]
        );
        assert!(from_3500.over(4501) && !from_3500.over(4500));
        // Every keyframe of a span.
        let span = KeySamples::Every {
            start_ms: 3300,
            end_ms: Some(7040),
        };
        assert_eq!(taken(span, &keys, Some(12_000)), [3400, 3600, 5600]);
        assert!(span.over(7040) && !span.over(7039));
    }

    #[test]
    fn grid_samples_floor_to_the_ms_as_the_exact_grid_does() {
        // A third of a second: samples at 0, 333, 666, 1000.
        let thirds = KeySamples::Grid {
            start_ms: 0,
            every_us: 333_333,
            count: None,
        };
        assert!(thirds.serves(333, Some(334)));
        assert!(!thirds.serves(334, Some(666)));
        assert!(thirds.serves(334, Some(667)));
    }
}
