//! An image's counted pixels as unique colours with their pixel counts,
//! counted by sorting or, for large images, into hash tables in parallel.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::counted;
use crate::color::{pack, unpack, Rgb};

/// Pixels per work item when counting colours in parallel: large enough that
/// merging per-thread tables costs little next to the counting itself.
pub(super) const COUNT_CHUNK_PX: usize = 1 << 16;

/// Images of at most this many pixels are counted by sorting (32 MiB of
/// scratch at most); larger ones into hash tables, in parallel.
const SORT_MAX_PIXELS: usize = 1 << 22;

/// The image's counted pixels as unique colours with their pixel counts: the
/// recipe's N×3 list with equal rows collapsed, in ascending packed-RGB order
/// so that everything built on it is deterministic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColorHistogram {
    /// Unique colours, sorted by [`pack`] value.
    pub colors: Vec<Rgb>,
    /// `counts[i]` pixels have colour `colors[i]` (a weight, when merged).
    pub counts: Vec<u64>,
    /// Sum of `counts`: the counted pixels.
    pub total: u64,
}

impl ColorHistogram {
    /// Builds a histogram from (colour, count) pairs, merging repeated colours.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Rgb, u64)>) -> Self {
        let mut table: FxHashMap<u32, u64> = FxHashMap::default();
        for (c, n) in pairs {
            if n > 0 {
                *table.entry(pack(c)).or_default() += n;
            }
        }
        Self::from_table(table)
    }

    /// Counts by sorting: the counted pixels' packed colours, radix-sorted
    /// on two 12-bit digits, then run-length counted. About ten times faster
    /// than hashing on a still of a megapixel, at 8 bytes a pixel of scratch
    /// memory, so it is used up to [`SORT_MAX_PIXELS`].
    pub(super) fn count_sorted<const STRIDE: usize>(raw: &[u8], threshold: u8) -> Self {
        const DIGIT: u32 = 8;
        const BUCKETS: usize = 1 << DIGIT;
        let mut keys: Vec<u32> = raw
            .chunks_exact(STRIDE)
            .filter_map(|px| counted::<STRIDE>(px, threshold).map(pack))
            .collect();
        let mut sorted = vec![0u32; keys.len()];
        for shift in [0, DIGIT, 2 * DIGIT] {
            let digit = |k: u32| ((k >> shift) as usize) & (BUCKETS - 1);
            let mut start = vec![0usize; BUCKETS];
            for &k in &keys {
                start[digit(k)] += 1;
            }
            let mut sum = 0;
            for s in start.iter_mut() {
                (*s, sum) = (sum, sum + *s);
            }
            for &k in &keys {
                let d = digit(k);
                sorted[start[d]] = k;
                start[d] += 1;
            }
            std::mem::swap(&mut keys, &mut sorted);
        }
        let mut colors = Vec::new();
        let mut counts = Vec::new();
        for run in keys.chunk_by(|a, b| a == b) {
            colors.push(unpack(run[0]));
            counts.push(run.len() as u64);
        }
        ColorHistogram {
            total: keys.len() as u64,
            colors,
            counts,
        }
    }

    pub(super) fn count<const STRIDE: usize>(raw: &[u8], threshold: u8) -> Self {
        if raw.len() / STRIDE <= SORT_MAX_PIXELS {
            return Self::count_sorted::<STRIDE>(raw, threshold);
        }
        let table = raw
            .par_chunks(COUNT_CHUNK_PX * STRIDE)
            .fold(FxHashMap::<u32, u64>::default, |mut table, chunk| {
                for px in chunk.chunks_exact(STRIDE) {
                    if let Some(c) = counted::<STRIDE>(px, threshold) {
                        *table.entry(pack(c)).or_default() += 1;
                    }
                }
                table
            })
            .reduce(FxHashMap::default, merge_tables);
        Self::from_table(table)
    }

    /// Counts a gray buffer (`STRIDE` 1 or 2) into its at most 256 levels:
    /// one array of counts instead of a hash table.
    pub(super) fn count_gray<const STRIDE: usize>(raw: &[u8], threshold: u8) -> Self {
        let levels = raw
            .par_chunks(COUNT_CHUNK_PX * STRIDE)
            .fold(
                || [0u64; 256],
                |mut levels, chunk| {
                    if STRIDE == 1 {
                        // Every byte is a counted pixel: the plainest loop.
                        for &v in chunk {
                            levels[v as usize] += 1;
                        }
                        return levels;
                    }
                    for px in chunk.chunks_exact(STRIDE) {
                        if let Some(c) = counted::<STRIDE>(px, threshold) {
                            levels[c[0] as usize] += 1;
                        }
                    }
                    levels
                },
            )
            .reduce(|| [0u64; 256], |a, b| std::array::from_fn(|i| a[i] + b[i]));
        let (colors, counts): (Vec<Rgb>, Vec<u64>) = (0..=255u8)
            .zip(levels)
            .filter(|&(_, n)| n > 0)
            .map(|(v, n)| ([v; 3], n))
            .unzip();
        ColorHistogram {
            total: counts.iter().sum(),
            colors,
            counts,
        }
    }

    fn from_table(table: FxHashMap<u32, u64>) -> Self {
        let mut pairs: Vec<(u32, u64)> = table.into_iter().collect();
        pairs.par_sort_unstable_by_key(|&(c, _)| c);
        let total = pairs.iter().map(|&(_, n)| n).sum();
        let (colors, counts) = pairs.into_iter().map(|(c, n)| (unpack(c), n)).unzip();
        ColorHistogram {
            colors,
            counts,
            total,
        }
    }

    /// `n` colours drawn at random in proportion to their counts (as pixels
    /// would be), reproducibly from `seed`.
    pub fn sample(&self, n: usize, seed: u64) -> Vec<Rgb> {
        use rand::{Rng, SeedableRng};
        if self.total == 0 {
            return Vec::new();
        }
        let cumulative: Vec<u64> = self
            .counts
            .iter()
            .scan(0u64, |acc, &c| {
                *acc += c;
                Some(*acc)
            })
            .collect();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                let pick = rng.random_range(0..self.total);
                self.colors[cumulative.partition_point(|&end| end <= pick)]
            })
            .collect()
    }

    /// Number of distinct colours.
    pub fn len(&self) -> usize {
        self.colors.len()
    }

    /// True when no pixel was counted.
    pub fn is_empty(&self) -> bool {
        self.colors.is_empty()
    }
}

fn merge_tables(mut a: FxHashMap<u32, u64>, mut b: FxHashMap<u32, u64>) -> FxHashMap<u32, u64> {
    if a.len() < b.len() {
        std::mem::swap(&mut a, &mut b);
    }
    for (c, n) in b {
        *a.entry(c).or_default() += n;
    }
    a
}
