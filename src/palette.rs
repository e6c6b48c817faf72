//! The palette: turning centroids into distinct sRGB8 colours, exact fractions
//! and the mse quality measure, and the output orders.

use clap::ValueEnum;
use rayon::prelude::*;

use crate::bins::{bin_of, bin_origin, Bins, BIN_COUNT};
use crate::color::{cmp_hue, cmp_lightness, nearest, rgb_distance_sq, Rgb, Space};
use crate::pixels::ColorHistogram;
use crate::pixels::PixelBuffer;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

/// Unique colours per work item when assigning colours to the palette.
const ASSIGN_CHUNK: usize = 4096;

/// One palette colour and the share of the image nearest to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Swatch {
    /// The colour, 8-bit sRGB.
    pub rgb: Rgb,
    /// Counted pixels nearest to this colour (in the clustering space).
    pub count: u64,
    /// `count` / all counted pixels.
    pub fraction: f64,
}

/// The result of an extraction.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    /// The colours, in the requested order.
    pub colors: Vec<Swatch>,
    /// Counted pixels (those that passed the alpha threshold).
    pub pixels: u64,
    /// Mean over counted pixels of the squared distance to the nearest palette
    /// colour, in sRGB 0..255 units summed over R, G and B.
    pub mse: f64,
}

/// The order colours are listed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortOrder {
    /// By HSL hue from red through green and blue; greys after, dark to light.
    Hue,
    /// From dark to light (Oklab L).
    Lightness,
    /// Largest share of the image first.
    Frequency,
    /// As the algorithm produced them.
    None,
}

impl SortOrder {
    /// The lowercase name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            SortOrder::Hue => "hue",
            SortOrder::Lightness => "lightness",
            SortOrder::Frequency => "frequency",
            SortOrder::None => "none",
        }
    }
}

/// Builds the palette from `colors` (already distinct): every counted pixel is
/// assigned to its nearest colour in `space` for the fractions, and to its
/// nearest colour in sRGB for `mse`.
pub fn measure(hist: &ColorHistogram, colors: Vec<Rgb>, space: Space) -> Palette {
    let points: Vec<[f32; 3]> = colors.iter().map(|&c| space.from_rgb(c)).collect();
    let k = colors.len();
    // Integer counts and squared distances: exact, so the parallel reduction
    // cannot depend on the thread count.
    let (counts, err) = hist
        .colors
        .par_chunks(ASSIGN_CHUNK)
        .zip(hist.counts.par_chunks(ASSIGN_CHUNK))
        .map(|(cs, ns)| {
            let mut counts = vec![0u64; k];
            // u128: merged histograms carry weights up to ~2^45 per colour.
            let mut err = 0u128;
            for (&c, &n) in cs.iter().zip(ns) {
                counts[nearest(&space.from_rgb(c), &points).0] += n;
                let nearest_rgb = colors
                    .iter()
                    .map(|&q| rgb_distance_sq(c, q))
                    .min()
                    .unwrap_or(0);
                err += nearest_rgb as u128 * n as u128;
            }
            (counts, err)
        })
        .reduce(
            || (vec![0u64; k], 0u128),
            |(mut a, ea), (b, eb)| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                (a, ea + eb)
            },
        );
    palette_from_counts(colors, counts, hist.total, err)
}

/// Marks a bin whose pixels do not all have the same nearest colour.
const MIXED: u16 = u16::MAX;

/// Builds the palette of an image from `colors` (already distinct), exactly:
/// every counted pixel is assigned to its nearest colour in `space` for the
/// fractions, and to its nearest colour in sRGB for `mse`.
///
/// Exact but cheap: a bin (an 8×8×8 cube of colours) that lies wholly in one
/// colour's region is settled once for all its pixels; only pixels in bins
/// that straddle a boundary are assigned one by one.
pub fn measure_pixels(
    pixels: &PixelBuffer,
    bins: &Bins,
    colors: Vec<Rgb>,
    space: Space,
) -> Palette {
    let points: Vec<[f32; 3]> = colors.iter().map(|&c| space.from_rgb(c)).collect();
    let k = colors.len();
    // Per bin: [nearest in space, nearest in sRGB], or MIXED.
    let mut lut = vec![[MIXED; 2]; BIN_COUNT];
    let mut counts = vec![0u64; k];
    // Σ|x − q|² over a bin's pixels = Σ|x|² − 2 q·Σx + n|q|², exactly, in
    // integers; the image's Σ|x|² is known, and pixels of bins that straddle
    // a boundary in sRGB take theirs back out below.
    let mut err = bins.sum_sq as i128;
    let mut any_mixed = false;
    let settled: Vec<[u16; 2]> = bins
        .index
        .par_iter()
        .map(|&b| settle_bin(b as usize, &colors, &points, space))
        .collect();
    for (i, entry) in settled.into_iter().enumerate() {
        lut[bins.index[i] as usize] = entry;
        if entry[0] != MIXED {
            counts[entry[0] as usize] += bins.count[i];
        }
        if entry[1] != MIXED {
            let q = colors[entry[1] as usize].map(|v| v as i128);
            let cross: i128 = (0..3).map(|c| q[c] * bins.sum[i][c] as i128).sum();
            let norm: i128 = q.iter().map(|v| v * v).sum();
            err += bins.count[i] as i128 * norm - 2 * cross;
        }
        any_mixed |= entry[0] == MIXED || entry[1] == MIXED;
    }
    if any_mixed {
        let (pixel_counts, pixel_err, pixel_sq) =
            assign_mixed_pixels(pixels, &bins.index, &lut, &colors, &points, space);
        counts
            .iter_mut()
            .zip(pixel_counts)
            .for_each(|(c, p)| *c += p);
        err += pixel_err as i128 - pixel_sq as i128;
    }
    palette_from_counts(colors, counts, bins.total, err.max(0) as u128)
}

/// Assigns the pixels of straddling bins one by one: (counts per colour for
/// the pixels of bins mixed in `space`, squared sRGB error and Σ|x|² of the
/// pixels of bins mixed in sRGB). Each colour of a mixed bin is resolved once, the
/// first time a pixel has it, into a table shared by all threads (every
/// thread would store the same value, so the result is deterministic).
fn assign_mixed_pixels(
    pixels: &PixelBuffer,
    occupied: &[u32],
    lut: &[[u16; 2]],
    colors: &[Rgb],
    points: &[[f32; 3]],
    space: Space,
) -> (Vec<u64>, u128, u128) {
    // Each bin mixed in a sense gets 512 slots of that sense's table, one per
    // colour of its 8×8×8 cube.
    // Only bins that hold pixels: empty ones also read MIXED in `lut`.
    let mut base = vec![[u32::MAX; 2]; BIN_COUNT];
    let mut mixed = [0u32; 2];
    for &b in occupied {
        for sense in 0..2 {
            if lut[b as usize][sense] == MIXED {
                base[b as usize][sense] = mixed[sense] * 512;
                mixed[sense] += 1;
            }
        }
    }
    let mut tables = [
        take_slot_table(mixed[0] as usize * 512),
        take_slot_table(mixed[1] as usize * 512),
    ];
    let resolver = Resolver {
        lut,
        base: &base,
        tables: &tables,
        colors,
        points,
        space,
    };
    let (stride, threshold) = (pixels.channels(), pixels.alpha_threshold());
    let result = pixels
        .raw()
        .par_chunks(ASSIGN_CHUNK * 16 * stride)
        .map(|chunk| {
            if stride == 3 {
                resolver.assign::<3>(chunk, threshold)
            } else {
                resolver.assign::<4>(chunk, threshold)
            }
        })
        .reduce(
            || (vec![0u64; colors.len()], 0u128, 0u128),
            |(mut a, ea, sa), (b, eb, sb)| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                (a, ea + eb, sa + sb)
            },
        );
    for table in &mut tables {
        give_back_slot_table(std::mem::take(table));
    }
    result
}

/// What [`assign_mixed_pixels`] shares between threads.
struct Resolver<'a> {
    lut: &'a [[u16; 2]],
    base: &'a [[u32; 2]],
    /// Resolved nearest colour per slot: [in space, in sRGB].
    tables: &'a [Vec<AtomicU8>; 2],
    colors: &'a [Rgb],
    points: &'a [[f32; 3]],
    space: Space,
}

impl Resolver<'_> {
    /// One chunk of pixels (`STRIDE` bytes each; alpha, if any, checked
    /// against `threshold`), as a plain loop so the hot path stays inlined.
    fn assign<const STRIDE: usize>(&self, chunk: &[u8], threshold: u8) -> (Vec<u64>, u128, u128) {
        let mut counts = vec![0u64; self.colors.len()];
        let (mut err, mut sq) = (0u64, 0u64);
        for px in chunk.chunks_exact(STRIDE) {
            if STRIDE == 4 && px[3] < threshold {
                continue;
            }
            let (r, g, b) = (px[0], px[1], px[2]);
            let bin = bin_of(r, g, b);
            let [in_space, in_rgb] = self.lut[bin];
            if in_space != MIXED && in_rgb != MIXED {
                continue;
            }
            let within = (r as usize & 7) << 6 | (g as usize & 7) << 3 | (b as usize & 7);
            if in_rgb == MIXED {
                let q = self.resolve(1, self.base[bin][1] as usize + within, [r, g, b]);
                err += rgb_distance_sq([r, g, b], self.colors[q]) as u64;
                sq += rgb_distance_sq([r, g, b], [0, 0, 0]) as u64;
            }
            if in_space == MIXED {
                counts[self.resolve(0, self.base[bin][0] as usize + within, [r, g, b])] += 1;
            }
        }
        (counts, err as u128, sq as u128)
    }

    #[inline(always)]
    fn resolve(&self, sense: usize, slot: usize, c: Rgb) -> usize {
        let v = self.tables[sense][slot].load(Ordering::Relaxed);
        // UNRESOLVED doubles as colour 255 of a 256-colour palette, which is
        // then simply recomputed each time.
        if v != UNRESOLVED {
            return v as usize;
        }
        self.compute(sense, slot, c)
    }

    #[cold]
    #[inline(never)]
    fn compute(&self, sense: usize, slot: usize, c: Rgb) -> usize {
        let idx = if sense == 0 {
            nearest(&self.space.from_rgb(c), self.points).0
        } else {
            nearest_rgb(c, self.colors)
        };
        self.tables[sense][slot].store(idx.min(UNRESOLVED as usize) as u8, Ordering::Relaxed);
        idx
    }
}

const UNRESOLVED: u8 = u8::MAX;

/// Slot tables are kept for reuse: allocating and faulting in megabytes of
/// fresh memory for every image cost more than the work itself.
static SLOT_TABLES: Mutex<Vec<Vec<AtomicU8>>> = Mutex::new(Vec::new());

fn take_slot_table(len: usize) -> Vec<AtomicU8> {
    let mut table = SLOT_TABLES
        .lock()
        .map(|mut v| v.pop())
        .ok()
        .flatten()
        .unwrap_or_default();
    table.iter_mut().for_each(|s| *s.get_mut() = UNRESOLVED);
    table.resize_with(len, || AtomicU8::new(UNRESOLVED));
    table
}

fn give_back_slot_table(table: Vec<AtomicU8>) {
    if let Ok(mut tables) = SLOT_TABLES.lock() {
        tables.push(table);
    }
}

/// The colour nearest to `c` in sRGB (ties: lowest index).
fn nearest_rgb(c: Rgb, colors: &[Rgb]) -> usize {
    let mut best = (0, u32::MAX);
    for (i, &q) in colors.iter().enumerate() {
        let d = rgb_distance_sq(c, q);
        if d < best.1 {
            best = (i, d);
        }
    }
    best.0
}

/// Decides whether every colour of bin `b` has the same nearest palette
/// colour, in `space` and in sRGB.
fn settle_bin(b: usize, colors: &[Rgb], points: &[[f32; 3]], space: Space) -> [u16; 2] {
    let o = bin_origin(b);
    let corners: [Rgb; 8] =
        std::array::from_fn(|i| [0, 1, 2].map(|c| o[c] + if i >> c & 1 == 1 { 7 } else { 0 }));
    // sRGB regions are convex: a cube whose corners agree lies inside one.
    let first = nearest_rgb(corners[0], colors);
    let in_rgb = if corners.iter().all(|&c| nearest_rgb(c, colors) == first) {
        first as u16
    } else {
        MIXED
    };
    // In the clustering space: the cube lies within `radius` of its centre's
    // image c. If c is farther than that from the bisecting plane between its
    // nearest colour i and every other colour j, the whole cube is on i's
    // side: (d_j² − d_i²) / (2 |p_i − p_j|) is that distance.
    let centre = space.from_rgb_f32(o.map(|v| v as f32 + 3.5));
    let radius = corners
        .iter()
        .map(|&c| crate::color::distance_sq(&space.from_rgb(c), &centre).sqrt())
        .fold(0.0f32, f32::max)
        * 1.05
        + 1e-3;
    let (i1, d1, _) = crate::color::two_nearest(&centre, points);
    let clear_of_every_plane = points.iter().enumerate().all(|(j, p)| {
        j == i1 || {
            let dj = crate::color::distance_sq(&centre, p);
            let gap = crate::color::distance_sq(&points[i1], p).sqrt();
            (dj - d1) > 2.0 * gap * radius
        }
    });
    let in_space = if clear_of_every_plane {
        i1 as u16
    } else {
        MIXED
    };
    [in_space, in_rgb]
}

fn palette_from_counts(colors: Vec<Rgb>, counts: Vec<u64>, total: u64, err: u128) -> Palette {
    let total_f = total.max(1) as f64;
    Palette {
        colors: colors
            .into_iter()
            .zip(counts)
            .map(|(rgb, count)| Swatch {
                rgb,
                count,
                fraction: count as f64 / total_f,
            })
            .collect(),
        pixels: total,
        mse: err as f64 / total_f,
    }
}

/// Rounds clustering-space centroids to sRGB8 and makes them distinct: a
/// centroid that rounds onto an earlier one is replaced by the candidate
/// colour (an image colour, with its pixel weight) worst served by the palette
/// so far, so k distinct colours come out whenever the image has more than k.
pub fn distinct_colors(
    candidates: &[Rgb],
    weights: &[u64],
    centroids: &[[f32; 3]],
    space: Space,
) -> Vec<Rgb> {
    let mut colors: Vec<Rgb> = Vec::with_capacity(centroids.len());
    let mut missing = 0;
    for &c in centroids {
        let rgb = space.to_rgb(c);
        if colors.contains(&rgb) {
            missing += 1;
        } else {
            colors.push(rgb);
        }
    }
    for _ in 0..missing {
        let points: Vec<[f32; 3]> = colors.iter().map(|&c| space.from_rgb(c)).collect();
        let worst = candidates
            .par_iter()
            .zip(weights.par_iter())
            .enumerate()
            .map(|(i, (&c, &n))| (nearest(&space.from_rgb(c), &points).1 as f64 * n as f64, i))
            // Largest error first; ties go to the lowest index.
            .reduce(
                || (f64::NEG_INFINITY, usize::MAX),
                |a, b| {
                    if b.0 > a.0 || (b.0 == a.0 && b.1 < a.1) {
                        b
                    } else {
                        a
                    }
                },
            );
        match candidates.get(worst.1) {
            Some(&c) if worst.0 > 0.0 => colors.push(c),
            _ => break, // every candidate is already in the palette
        }
    }
    colors
}

/// Puts the palette in the requested order (total and deterministic).
pub fn sort_palette(palette: &mut Palette, order: SortOrder) {
    match order {
        SortOrder::Hue => palette.colors.sort_by(|a, b| cmp_hue(a.rgb, b.rgb)),
        SortOrder::Lightness => palette.colors.sort_by(|a, b| cmp_lightness(a.rgb, b.rgb)),
        SortOrder::Frequency => palette
            .colors
            .sort_by(|a, b| b.count.cmp(&a.count).then(cmp_hue(a.rgb, b.rgb))),
        SortOrder::None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist() -> ColorHistogram {
        ColorHistogram::from_pairs([([0, 0, 0], 6), ([10, 0, 0], 2), ([255, 255, 255], 2)])
    }

    #[test]
    fn fractions_are_exact_and_mse_uses_nearest_rgb() {
        let p = measure(&hist(), vec![[0, 0, 0], [255, 255, 255]], Space::Rgb);
        assert_eq!(p.colors[0].count, 8);
        assert_eq!(p.colors[1].count, 2);
        assert!((p.colors[0].fraction - 0.8).abs() < 1e-12);
        // Two pixels 10 units away from black: 2 × 100 / 10.
        assert!((p.mse - 20.0).abs() < 1e-12);
        assert_eq!(p.pixels, 10);
    }

    #[test]
    fn rounded_duplicates_are_replaced_by_the_worst_served_colour() {
        let cents = [[0.2, 0.0, 0.0], [0.4, 0.0, 0.0], [254.8, 255.0, 255.0]];
        let h = hist();
        let colors = distinct_colors(&h.colors, &h.counts, &cents, Space::Rgb);
        assert_eq!(colors, vec![[0, 0, 0], [255, 255, 255], [10, 0, 0]]);
    }

    #[test]
    fn frequency_order_breaks_ties_by_hue() {
        let mut p = measure(
            &hist(),
            vec![[255, 255, 255], [10, 0, 0], [0, 0, 0]],
            Space::Rgb,
        );
        sort_palette(&mut p, SortOrder::Frequency);
        let order: Vec<Rgb> = p.colors.iter().map(|s| s.rgb).collect();
        assert_eq!(order, vec![[0, 0, 0], [10, 0, 0], [255, 255, 255]]);
    }
}
