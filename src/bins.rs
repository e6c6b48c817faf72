//! Coarse colour bins of an image: one cheap pass over the pixels gives, for
//! each cube of sRGB8 values (8×8×8 with [`BIN_BITS`] = 5), its pixel count
//! and channel sums, and the image's sum of squares (for exact squared errors
//! without revisiting every pixel). The clustering runs on the bins' mean
//! colours (a few thousand weighted points instead of millions of pixels).

use rayon::prelude::*;

use crate::color::Rgb;
use crate::pixels::{counted, with_stride, ColorHistogram, PixelBuffer};

/// Bits of each channel that select a bin.
pub const BIN_BITS: u32 = 5;
/// Number of bins (2^15).
pub const BIN_COUNT: usize = 1 << (3 * BIN_BITS);
/// Low bits of each channel that select a colour inside its bin.
const WITHIN_BITS: u32 = 8 - BIN_BITS;
/// Values per channel a bin spans (8).
pub const BIN_SIDE: u8 = 1 << WITHIN_BITS;
/// Colours in one bin (512).
pub const BIN_VOLUME: u32 = 1 << (3 * WITHIN_BITS);
/// Pixels per parallel work item.
const BIN_CHUNK_PX: usize = 1 << 19;
/// Pixels counted into one set of 32-bit tables before they are added into
/// the 64-bit totals: 255 × 2^24 fits in a u32.
const SUPER_CHUNK_PX: usize = 1 << 24;

/// The bin of a colour.
#[inline(always)]
pub fn bin_of(r: u8, g: u8, b: u8) -> usize {
    let s = WITHIN_BITS;
    ((r as usize >> s) << (2 * BIN_BITS)) | ((g as usize >> s) << BIN_BITS) | (b as usize >> s)
}

/// The place of a colour inside its bin, `0..BIN_VOLUME`.
#[inline(always)]
pub fn within_bin(c: Rgb) -> u32 {
    let mask = BIN_SIDE as u32 - 1;
    (c[0] as u32 & mask) << (2 * WITHIN_BITS)
        | (c[1] as u32 & mask) << WITHIN_BITS
        | (c[2] as u32 & mask)
}

/// The lowest colour in a bin (its cube spans [`BIN_SIDE`] values per
/// channel from here).
pub fn bin_origin(bin: usize) -> Rgb {
    let s = WITHIN_BITS;
    let mask = (1 << BIN_BITS) - 1;
    [
        ((bin >> (2 * BIN_BITS) & mask) << s) as u8,
        ((bin >> BIN_BITS & mask) << s) as u8,
        ((bin & mask) << s) as u8,
    ]
}

/// The non-empty bins of an image, in bin order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bins {
    /// Bin indices.
    pub index: Vec<u32>,
    /// Pixels in each bin.
    pub count: Vec<u64>,
    /// Sum of each channel over the bin's pixels.
    pub sum: Vec<[u64; 3]>,
    /// Sum of r² + g² + b² over all counted pixels.
    pub sum_sq: u128,
    /// All counted pixels.
    pub total: u64,
}

/// Per bin: [count, sum r, sum g, sum b]; and the sum of squares.
type BinTable = (Vec<[u32; 4]>, u64);

/// Counts one chunk of `STRIDE`-byte pixels into `table`: a plain loop, the
/// hottest in the program.
fn count_chunk<const STRIDE: usize>(table: &mut BinTable, chunk: &[u8], threshold: u8) {
    let (bins, sum_sq) = table;
    for px in chunk.chunks_exact(STRIDE) {
        let Some(c) = counted::<STRIDE>(px, threshold) else {
            continue;
        };
        let (r, g, b) = (c[0] as u32, c[1] as u32, c[2] as u32);
        let e = &mut bins[bin_of(c[0], c[1], c[2])];
        e[0] += 1;
        e[1] += r;
        e[2] += g;
        e[3] += b;
        *sum_sq += (r * r + g * g + b * b) as u64;
    }
}

/// Bits of each channel that select a fine bin: cubes of 4×4×4 colours,
/// for refining a small image's palette (about as precise as its exact
/// colours, from a third as many points or fewer).
pub const FINE_BITS: u32 = 6;

/// The non-empty fine bins of an image (cubes of [`FINE_BITS`]), as their
/// unrounded mean colours and pixel counts, in fine bin order. `bins` are
/// the image's bins ([`Bins::of`] the same pixels): one sequential pass
/// counts each pixel into one of its bin's 8 fine cubes, in a table of the
/// non-empty bins alone (a few hundred kilobytes where a table of every
/// fine bin would take 8 MB, each of its pages zeroed by the kernel).
pub fn fine_means(pixels: &PixelBuffer, bins: &Bins) -> (Vec<[f32; 3]>, Vec<u64>) {
    let sub_bit = WITHIN_BITS - 1;
    let mut place = vec![u32::MAX; BIN_COUNT];
    for (i, &b) in bins.index.iter().enumerate() {
        place[b as usize] = i as u32;
    }
    // The fine cube of a colour inside its bin: the top bit of each
    // channel's place in the bin.
    let sub_of = |c: Rgb| {
        ((c[0] as usize >> sub_bit & 1) << 2)
            | ((c[1] as usize >> sub_bit & 1) << 1)
            | (c[2] as usize >> sub_bit & 1)
    };
    let mut table = vec![[0u64; 4]; 8 * bins.len()];
    let threshold = pixels.alpha_threshold();
    with_stride!(pixels.channels(), S => {
        for c in pixels
            .raw()
            .chunks_exact(S)
            .filter_map(|px| counted::<S>(px, threshold))
        {
            let Some(e) = table.get_mut(8 * place[bin_of(c[0], c[1], c[2])] as usize + sub_of(c)) else {
                continue; // not in `bins`: not the bins of these pixels
            };
            e[0] += 1;
            e[1] += c[0] as u64;
            e[2] += c[1] as u64;
            e[3] += c[2] as u64;
        }
    });
    // Fine bin order is by (r, g, b) at 6 bits, so one bin's 8 fine cubes
    // are not together in it: walk the bins (in bin order, by r, g, b at 5
    // bits) row of equal r by row of equal g, each twice, for the sixth bit.
    let (mut means, mut counts) = (Vec::new(), Vec::new());
    let index = &bins.index;
    let run_end = |start: usize, end: usize, key: &dyn Fn(u32) -> u32| {
        start
            + index[start..end]
                .iter()
                .take_while(|&&b| key(b) == key(index[start]))
                .count()
    };
    let mask = (1 << BIN_BITS) - 1;
    let mut r_start = 0;
    while r_start < index.len() {
        let r_end = run_end(r_start, index.len(), &|b| b >> (2 * BIN_BITS));
        for r_low in 0..2 {
            let mut g_start = r_start;
            while g_start < r_end {
                let g_end = run_end(g_start, r_end, &|b| b >> BIN_BITS & mask);
                for g_low in 0..2 {
                    for i in g_start..g_end {
                        for b_low in 0..2 {
                            let e = &table[8 * i + (r_low << 2 | g_low << 1 | b_low)];
                            if e[0] > 0 {
                                let n = e[0] as f64;
                                means.push([1, 2, 3].map(|c| (e[c] as f64 / n) as f32));
                                counts.push(e[0]);
                            }
                        }
                    }
                }
                g_start = g_end;
            }
        }
        r_start = r_end;
    }
    (means, counts)
}

impl Bins {
    /// The bins with every pixel counted `factor` times.
    pub fn weighted(mut self, factor: u64) -> Self {
        if factor != 1 {
            self.count.iter_mut().for_each(|n| *n *= factor);
            self.sum.iter_mut().flatten().for_each(|v| *v *= factor);
            self.sum_sq *= factor as u128;
            self.total *= factor;
        }
        self
    }

    /// Counts an image's pixels into bins (exact integers, so the result does
    /// not depend on the number of threads).
    pub fn of(pixels: &PixelBuffer) -> Self {
        if pixels.is_gray() {
            // At most 256 colours: binning their counts is exact and cheap.
            return Self::from_histogram(&pixels.histogram());
        }
        let stride = pixels.channels();
        let threshold = pixels.alpha_threshold();
        // One 32-bit table per part of the image (a single one below 2^24
        // pixels): tables are added into 64-bit totals only bin by bin below.
        let tables: Vec<BinTable> = pixels
            .raw()
            .chunks(SUPER_CHUNK_PX * stride)
            .map(|part| {
                part.par_chunks(BIN_CHUNK_PX * stride)
                    .fold(
                        || (vec![[0u32; 4]; BIN_COUNT], 0u64),
                        |mut t, chunk| {
                            with_stride!(stride, S => count_chunk::<S>(&mut t, chunk, threshold));
                            t
                        },
                    )
                    .reduce_with(|mut a, b| {
                        for (x, y) in a.0.iter_mut().zip(&b.0) {
                            for i in 0..4 {
                                x[i] += y[i];
                            }
                        }
                        (a.0, a.1 + b.1)
                    })
                    .unwrap_or_else(|| (vec![[0u32; 4]; BIN_COUNT], 0))
            })
            .collect();
        let sum_sq = tables.iter().map(|t| t.1 as u128).sum();
        let totals = (0..BIN_COUNT).map(|i| {
            let mut e = [0u64; 4];
            for (table, _) in &tables {
                for c in 0..4 {
                    e[c] += table[i][c] as u64;
                }
            }
            e
        });
        Self::from_table(totals, sum_sq)
    }

    /// The non-empty bins of a full table of [count, sum r, sum g, sum b].
    fn from_table(table: impl Iterator<Item = [u64; 4]>, sum_sq: u128) -> Self {
        let mut bins = Bins {
            sum_sq,
            ..Bins::default()
        };
        for (i, e) in table.enumerate() {
            if e[0] > 0 {
                bins.index.push(i as u32);
                bins.count.push(e[0]);
                bins.sum.push([e[1], e[2], e[3]]);
                bins.total += e[0];
            }
        }
        bins
    }

    /// Counts weighted colours into bins: the same totals as counting their
    /// pixels one by one.
    pub fn from_histogram(hist: &ColorHistogram) -> Self {
        let mut table = vec![[0u64; 4]; BIN_COUNT];
        let mut sum_sq = 0u128;
        for (&c, &n) in hist.colors.iter().zip(&hist.counts) {
            let e = &mut table[bin_of(c[0], c[1], c[2])];
            e[0] += n;
            for i in 0..3 {
                e[i + 1] += c[i] as u64 * n;
            }
            sum_sq += c
                .iter()
                .map(|&v| (v as u32 * v as u32) as u128)
                .sum::<u128>()
                * n as u128;
        }
        Self::from_table(table.into_iter(), sum_sq)
    }

    /// Number of non-empty bins.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when no pixel was counted.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The mean colour of bin `i` (of the non-empty ones), unrounded.
    pub fn mean(&self, i: usize) -> [f32; 3] {
        let n = self.count[i] as f64;
        self.sum[i].map(|s| (s as f64 / n) as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_round_trip_their_origin() {
        for c in [[0, 0, 0], [255, 255, 255], [8, 16, 248], [7, 15, 23]] {
            let o = bin_origin(bin_of(c[0], c[1], c[2]));
            assert!(
                (0..3).all(|i| o[i] <= c[i] && (c[i] as u16) < o[i] as u16 + BIN_SIDE as u16),
                "{c:?} {o:?}"
            );
        }
    }

    #[test]
    fn counts_and_means_are_exact() {
        let raw = vec![10, 20, 30, 12, 20, 30, 200, 0, 0, 10, 20, 30];
        let bins = Bins::of(&PixelBuffer::rgb8(raw, 1, 4).unwrap());
        assert_eq!(bins.len(), 2);
        assert_eq!(bins.total, 4);
        let i = bins
            .index
            .iter()
            .position(|&b| b as usize == bin_of(10, 20, 30))
            .unwrap();
        assert_eq!(bins.count[i], 3);
        assert_eq!(bins.sum[i], [32, 60, 90]);
        assert_eq!(
            bins.sum_sq,
            2 * (100 + 400 + 900) + (144 + 400 + 900) + 200 * 200
        );
        assert!((bins.mean(i)[0] - 32.0 / 3.0).abs() < 1e-5);
    }

    #[test]
    fn gray_pixels_bin_as_their_rgb_expansion() {
        let gray: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        let rgb: Vec<u8> = gray.iter().flat_map(|&v| [v; 3]).collect();
        let from_gray = Bins::of(&PixelBuffer::luma8(gray.clone(), 5000, 1).unwrap());
        assert_eq!(
            from_gray,
            Bins::of(&PixelBuffer::rgb8(rgb, 5000, 1).unwrap())
        );
        let with_alpha: Vec<u8> = gray.iter().flat_map(|&v| [v, v]).collect();
        let rgba: Vec<u8> = gray.iter().flat_map(|&v| [v, v, v, v]).collect();
        assert_eq!(
            Bins::of(&PixelBuffer::luma_alpha8(with_alpha, 5000, 1, 128).unwrap()),
            Bins::of(&PixelBuffer::rgba8(rgba, 5000, 1, 128).unwrap())
        );
    }

    #[test]
    fn fine_means_are_each_fine_cubes_mean_in_fine_bin_order() {
        // Colours spread over many bins and fine cubes, one of them transparent.
        let raw: Vec<u8> = (0..4000u32)
            .flat_map(|i| {
                [
                    (i * 37 % 256) as u8,
                    (i * 91 % 256) as u8,
                    (i * 7 % 97) as u8,
                    (i % 50) as u8 * 5,
                ]
            })
            .collect();
        let pixels = PixelBuffer::rgba8(raw.clone(), 4000, 1, 128).unwrap();
        let mut expected = std::collections::BTreeMap::<usize, [u64; 4]>::new();
        for px in raw.chunks_exact(4).filter(|px| px[3] >= 128) {
            let fine =
                (px[0] as usize >> 2) << 12 | (px[1] as usize >> 2) << 6 | px[2] as usize >> 2;
            let e = expected.entry(fine).or_default();
            e[0] += 1;
            (0..3).for_each(|c| e[c + 1] += px[c] as u64);
        }
        let (means, counts) = fine_means(&pixels, &Bins::of(&pixels));
        let want: Vec<([f32; 3], u64)> = expected
            .values()
            .map(|e| ([1, 2, 3].map(|c| (e[c] as f64 / e[0] as f64) as f32), e[0]))
            .collect();
        assert_eq!(means.into_iter().zip(counts).collect::<Vec<_>>(), want);
    }

    #[test]
    fn transparent_pixels_are_not_binned() {
        let raw = vec![10, 20, 30, 255, 10, 20, 30, 0];
        let bins = Bins::of(&PixelBuffer::rgba8(raw, 2, 1, 128).unwrap());
        assert_eq!(bins.total, 1);
    }

    #[test]
    fn every_colour_of_a_bin_has_its_own_place_in_it() {
        let origin = bin_origin(bin_of(40, 80, 120));
        let mut seen = vec![false; BIN_VOLUME as usize];
        for i in 0..BIN_VOLUME {
            let side = BIN_SIDE as u32;
            let c = [i / (side * side), i / side % side, i % side].map(|v| v as u8);
            let c = [0, 1, 2].map(|k| origin[k] + c[k]);
            assert_eq!(bin_of(c[0], c[1], c[2]), bin_of(40, 80, 120));
            let w = within_bin(c) as usize;
            assert!(!seen[w], "{c:?}");
            seen[w] = true;
        }
    }
}
