//! The recipe's fast fallback: order pixels by HSL hue, cut them into k
//! equal-count groups, and take each group's mean colour.
//!
//! Runs in O(N). Pixels are ordered by quantised hue, and within one hue step
//! by ascending colour; groups are cut by walking cumulative pixel counts (a
//! colour whose pixels straddle a cut contributes to both groups, exactly as
//! its pixels would). A histogram of unique colours is put in that order by a
//! counting sort; a large image is instead counted straight into hue steps
//! (one cheap pass with per-step sums) and only the at most k − 1 steps that a
//! cut falls inside are counted colour by colour, in a second pass.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use std::sync::OnceLock;

use crate::color::{hsl_hue, hue_degrees, pack, unpack, Rgb};
use crate::pixels::{counted, with_stride, ColorHistogram, PixelBuffer};

/// Hue resolution of the ordering: 2^16 steps around the circle.
const HUE_BINS: usize = 1 << 16;

/// Pixels per work item of the hue passes, at least: each item fills a
/// table of 2 MiB, so an image is cut into about one item per thread.
const CHUNK_PX: usize = 1 << 18;

/// Pixels per part counted into 32-bit tables: 255 · 2^24 < 2^32.
const PART_PX: usize = 1 << 24;

/// Bytes per work item of a hue pass over `raw`.
fn chunk_bytes(raw: &[u8], stride: usize) -> usize {
    let per_thread = (raw.len() / stride).div_ceil(rayon::current_num_threads());
    per_thread.max(CHUNK_PX) * stride
}

/// The hue step of a colour (greys, whose hue is 0 as in the recipe, share
/// the first step with the reds).
fn hue_key(c: Rgb) -> usize {
    step_of(hsl_hue(c))
}

fn step_of(degrees: f32) -> usize {
    ((degrees / 360.0 * HUE_BINS as f32) as usize).min(HUE_BINS - 1)
}

/// Entries of [`hue_steps`] per (sector, range): one per difference.
const DIFFS: usize = 511;

/// The hue step of every (sector, range, difference) of [`hue_parts`]: the
/// per-pixel passes look steps up instead of dividing (768 KiB, built once
/// per process in about a millisecond).
fn hue_steps() -> &'static [u16] {
    static STEPS: OnceLock<Vec<u16>> = OnceLock::new();
    STEPS.get_or_init(|| {
        let mut steps = vec![0u16; 3 * 256 * DIFFS];
        for sector in 0..3 {
            for range in 1..=255u8 {
                for diff in -255i16..=255 {
                    steps[(sector * 256 + range as usize) * DIFFS + (diff + 255) as usize] =
                        step_of(hue_degrees(sector, diff, range)) as u16;
                }
            }
        }
        steps
    })
}

/// [`hue_key`] through the table of [`hue_steps`] (the same step), without
/// branches: a noisy photo's pixels change sector too often to predict.
#[inline]
fn table_key(steps: &[u16], [r, g, b]: Rgb) -> usize {
    let max = r.max(g).max(b);
    let range = max - r.min(g).min(b);
    // As in `hue_parts`: red if largest, else green if largest, else blue;
    // the difference of the two channels that follow it (a grey has range
    // and difference 0, whose entry is step 0).
    let sector = (r != max) as usize * (1 + (g != max) as usize);
    let channels = [r, g, b];
    let diff = channels[[1, 2, 0][sector]] as i16 - channels[[2, 0, 1][sector]] as i16;
    steps[(sector * 256 + range as usize) * DIFFS + (diff + 255) as usize] as usize
}

/// Returns the unique colours' indices in hue order (ties keep ascending
/// colour order).
pub fn hue_order(hist: &ColorHistogram) -> Vec<u32> {
    let keys: Vec<u16> = hist.colors.par_iter().map(|&c| hue_key(c) as u16).collect();
    let mut starts = vec![0u32; HUE_BINS + 1];
    for &k in &keys {
        starts[k as usize + 1] += 1;
    }
    for i in 1..=HUE_BINS {
        starts[i] += starts[i - 1];
    }
    let mut order = vec![0u32; keys.len()];
    for (i, &k) in keys.iter().enumerate() {
        let slot = &mut starts[k as usize];
        order[*slot as usize] = i as u32;
        *slot += 1;
    }
    order
}

/// Equal-count groups filled in hue order: group `g` holds pixels
/// `g·N/k .. (g+1)·N/k` of the ordered list.
struct Groups {
    k: u64,
    n: u64,
    /// Pixels placed into groups so far.
    taken: u64,
    group: u64,
    group_start: u64,
    /// First pixel index of the next group.
    end: u64,
    sums: [u64; 3],
    means: Vec<Rgb>,
}

impl Groups {
    fn new(n: u64, k: usize) -> Self {
        let k = k as u64;
        Groups {
            k,
            n,
            taken: 0,
            group: 0,
            group_start: 0,
            end: n / k,
            sums: [0; 3],
            means: Vec::with_capacity(k as usize),
        }
    }

    /// True when `count` more pixels cross no cut (they may end on one).
    fn fits(&self, count: u64) -> bool {
        self.taken + count <= self.end
    }

    /// Adds `count` pixels whose channel sums are `sums`; they must fit.
    fn add_sums(&mut self, sums: [u64; 3], count: u64) {
        debug_assert!(self.fits(count));
        for (s, v) in self.sums.iter_mut().zip(sums) {
            *s += v;
        }
        self.taken += count;
        self.close_if_full();
    }

    /// Adds `count` pixels of one colour, splitting them across cuts.
    fn add_color(&mut self, colour: Rgb, mut count: u64) {
        while count > 0 && self.group < self.k {
            let take = count.min(self.end - self.taken);
            self.add_sums(colour.map(|c| c as u64 * take), take);
            count -= take;
        }
    }

    fn close_if_full(&mut self) {
        if self.taken == self.end && self.group < self.k {
            let count = self.end - self.group_start;
            self.means
                .push(self.sums.map(|s| ((s + count / 2) / count) as u8));
            self.sums = [0; 3];
            self.group += 1;
            self.group_start = self.end;
            self.end = (self.group + 1) * self.n / self.k;
        }
    }
}

/// The k group means (rounded to sRGB8) in hue order, exactly `k` groups
/// covering every pixel. Requires `hist.total >= k`.
pub fn bucket_means(hist: &ColorHistogram, k: usize) -> Vec<Rgb> {
    let mut groups = Groups::new(hist.total, k);
    for i in hue_order(hist) {
        groups.add_color(hist.colors[i as usize], hist.counts[i as usize]);
    }
    groups.means
}

/// [`bucket_means`] of an image's counted pixels, without its histogram of
/// unique colours: the same means, from per-hue-step counts and sums. Requires
/// at least `k` counted pixels.
pub fn bucket_means_of_pixels(pixels: &PixelBuffer, k: usize) -> Vec<Rgb> {
    let steps = count_hue_steps(pixels);
    let n: u64 = steps.iter().map(|s| s[0]).sum();
    // The steps that a cut falls strictly inside: only there does the order
    // of colours within a step matter.
    let mut straddled = vec![false; HUE_BINS];
    let mut start = 0u64;
    for (key, step) in steps.iter().enumerate() {
        let stop = start + step[0];
        // The first cut past `start`: the smallest g with ⌊g·n/k⌋ > start.
        let first_cut = ((start + 1) * k as u64).div_ceil(n);
        if first_cut < k as u64 && first_cut * n / (k as u64) < stop {
            straddled[key] = true;
        }
        start = stop;
    }
    let colours = count_straddled(pixels, &straddled);
    let mut groups = Groups::new(n, k);
    for (key, step) in steps.iter().enumerate() {
        if step[0] == 0 {
            continue;
        }
        if straddled[key] {
            for &(colour, count) in &colours[&(key as u16)] {
                groups.add_color(colour, count);
            }
        } else {
            groups.add_sums([step[1], step[2], step[3]], step[0]);
        }
    }
    groups.means
}

/// Per hue step: pixel count and the three channel sums.
fn count_hue_steps(pixels: &PixelBuffer) -> Vec<[u64; 4]> {
    let steps = hue_steps();
    let stride = pixels.channels();
    let threshold = pixels.alpha_threshold();
    let mut totals = vec![[0u64; 4]; HUE_BINS];
    // 32-bit tables (1 MiB each) for parts of at most 2^24 pixels, whose
    // channel sums cannot overflow them, added into 64-bit totals.
    for part in pixels.raw().chunks(PART_PX * stride) {
        let table = part
            .par_chunks(chunk_bytes(part, stride))
            .fold(
                || vec![[0u32; 4]; HUE_BINS],
                |mut table, chunk| {
                    with_stride!(stride, S => {
                        for c in chunk.chunks_exact(S).filter_map(|px| counted::<S>(px, threshold)) {
                            let e = &mut table[table_key(steps, c)];
                            e[0] += 1;
                            e[1] += c[0] as u32;
                            e[2] += c[1] as u32;
                            e[3] += c[2] as u32;
                        }
                    });
                    table
                },
            )
            .reduce_with(|mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    for i in 0..4 {
                        x[i] += y[i];
                    }
                }
                a
            });
        for (total, e) in totals.iter_mut().zip(table.iter().flatten()) {
            for i in 0..4 {
                total[i] += e[i] as u64;
            }
        }
    }
    totals
}

/// The exact colours (ascending, with counts) of the pixels in each marked
/// hue step.
fn count_straddled(pixels: &PixelBuffer, marked: &[bool]) -> FxHashMap<u16, Vec<(Rgb, u64)>> {
    let steps = hue_steps();
    let stride = pixels.channels();
    let threshold = pixels.alpha_threshold();
    let counts = pixels
        .raw()
        .par_chunks(chunk_bytes(pixels.raw(), stride))
        .fold(FxHashMap::<u32, u64>::default, |mut map, chunk| {
            with_stride!(stride, S => {
                for c in chunk.chunks_exact(S).filter_map(|px| counted::<S>(px, threshold)) {
                    if marked[table_key(steps, c)] {
                        *map.entry(pack(c)).or_default() += 1;
                    }
                }
            });
            map
        })
        .reduce_with(|mut a, b| {
            for (c, n) in b {
                *a.entry(c).or_default() += n;
            }
            a
        })
        .unwrap_or_default();
    let mut sorted: Vec<(u32, u64)> = counts.into_iter().collect();
    sorted.sort_unstable();
    let mut by_key: FxHashMap<u16, Vec<(Rgb, u64)>> = FxHashMap::default();
    for (packed, count) in sorted {
        let colour = unpack(packed);
        by_key
            .entry(hue_key(colour) as u16)
            .or_default()
            .push((colour, count));
    }
    by_key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hue_order_is_a_counting_sort() {
        let hist = ColorHistogram::from_pairs([
            ([0, 0, 255], 1),
            ([255, 0, 0], 1),
            ([0, 255, 0], 1),
            ([9, 9, 9], 1),
        ]);
        let ordered: Vec<Rgb> = hue_order(&hist)
            .iter()
            .map(|&i| hist.colors[i as usize])
            .collect();
        // Grey has hue 0 like red; equal keys keep ascending colour order.
        assert_eq!(
            ordered,
            vec![[9, 9, 9], [255, 0, 0], [0, 255, 0], [0, 0, 255]]
        );
    }

    #[test]
    fn exactly_k_groups_split_straddling_colours() {
        // 3 red pixels then 3 green: k = 2 gives pure groups, k = 3 groups of 2
        // where the middle group mixes one red and one green pixel.
        let hist = ColorHistogram::from_pairs([([200, 0, 0], 3), ([0, 200, 0], 3)]);
        assert_eq!(bucket_means(&hist, 2), vec![[200, 0, 0], [0, 200, 0]]);
        assert_eq!(
            bucket_means(&hist, 3),
            vec![[200, 0, 0], [100, 100, 0], [0, 200, 0]]
        );
    }

    #[test]
    fn uneven_counts_cover_every_pixel() {
        let hist = ColorHistogram::from_pairs((0..=255u8).map(|h| ([255, h, 0], 1 + h as u64 % 3)));
        for k in [1, 2, 7, 10, 64] {
            assert_eq!(bucket_means(&hist, k).len(), k);
        }
    }

    #[test]
    fn the_step_table_gives_every_colour_its_hue_step() {
        let steps = hue_steps();
        for packed in 0..1u32 << 24 {
            let c = unpack(packed);
            assert_eq!(table_key(steps, c), hue_key(c), "{c:?}");
        }
    }

    #[test]
    fn hue_steps_give_the_histogram_means() {
        // Counting into hue steps (with colour-by-colour counts only where a
        // cut falls inside a step) must give the means of the exact order.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for name in [
            "china_320.jpg",
            "nuthatch_960.jpg",
            "transparent.png",
            "five_stripes.png",
        ] {
            let bytes = std::fs::read(dir.join(name)).unwrap();
            let image = crate::decode_image(&bytes, None).unwrap();
            let pixels = PixelBuffer::from_image(image, 128).unwrap();
            let hist = pixels.histogram();
            for k in [1, 2, 3, 10, 64, 256] {
                assert_eq!(
                    bucket_means_of_pixels(&pixels, k),
                    bucket_means(&hist, k),
                    "{name} k={k}"
                );
            }
        }
        // Many cuts inside one step: every pixel is grey (hue step 0).
        let raw: Vec<u8> = (0..3000u32).flat_map(|i| [(i % 7) as u8 * 30; 3]).collect();
        let pixels = PixelBuffer::rgb8(raw, 100, 30).unwrap();
        for k in [2, 5, 9, 40] {
            assert_eq!(
                bucket_means_of_pixels(&pixels, k),
                bucket_means(&pixels.histogram(), k)
            );
        }
    }
}
