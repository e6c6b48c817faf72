//! Decoded image → the recipe's N×3 pixel list, collapsed into weighted unique
//! colours, with the alpha policy applied.

use anyhow::{bail, Result};
use image::DynamicImage;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::color::{pack, unpack, Rgb};

/// Pixels per work item when counting colours in parallel: large enough that
/// merging per-thread tables costs little next to the counting itself.
const COUNT_CHUNK_PX: usize = 1 << 16;

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

    pub(crate) fn count(
        raw: &[u8],
        channels: usize,
        pick: impl Fn(&[u8]) -> Option<Rgb> + Sync,
    ) -> Self {
        let table = raw
            .par_chunks(COUNT_CHUNK_PX * channels)
            .fold(FxHashMap::<u32, u64>::default, |mut table, chunk| {
                for px in chunk.chunks_exact(channels) {
                    if let Some(c) = pick(px) {
                        *table.entry(pack(c)).or_default() += 1;
                    }
                }
                table
            })
            .reduce(FxHashMap::default, merge_tables);
        Self::from_table(table)
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

/// A decoded image's pixels as 8-bit sRGB: the recipe's N×3 list, kept as
/// the decoder's interleaved buffer (RGB8, or RGBA8 with the alpha policy
/// applied whenever pixels are visited).
#[derive(Clone, Debug)]
pub struct PixelBuffer {
    raw: Vec<u8>,
    channels: usize,
    width: u32,
    height: u32,
    alpha_threshold: u8,
}

impl PixelBuffer {
    /// Wraps an interleaved RGB8 buffer.
    pub fn rgb8(raw: Vec<u8>, width: u32, height: u32) -> Self {
        PixelBuffer {
            raw,
            channels: 3,
            width,
            height,
            alpha_threshold: 0,
        }
    }

    /// Wraps an interleaved RGBA8 buffer; pixels with alpha below
    /// `alpha_threshold` are not counted.
    pub fn rgba8(raw: Vec<u8>, width: u32, height: u32, alpha_threshold: u8) -> Self {
        PixelBuffer {
            raw,
            channels: 4,
            width,
            height,
            alpha_threshold,
        }
    }

    /// Flattens a decoded image. Images with an alpha channel keep it (pixels
    /// with alpha below `alpha_threshold` are not counted); every other image
    /// (grayscale, 16-bit, palette-indexed, CMYK) becomes 8-bit sRGB. An
    /// image with no pixel left to count is an error.
    pub fn from_image(image: DynamicImage, alpha_threshold: u8) -> Result<Self> {
        let (width, height) = (image.width(), image.height());
        let buffer = if image.color().has_alpha() {
            Self::rgba8(
                image.into_rgba8().into_raw(),
                width,
                height,
                alpha_threshold,
            )
        } else {
            Self::rgb8(image.into_rgb8().into_raw(), width, height)
        };
        let any_counted = buffer.channels == 3 && !buffer.raw.is_empty()
            || buffer
                .raw
                .chunks_exact(4)
                .any(|px| px[3] >= alpha_threshold);
        if !any_counted {
            bail!("no pixel is opaque enough to count (every alpha is below --alpha-threshold {alpha_threshold})");
        }
        Ok(buffer)
    }

    /// The interleaved bytes.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Alpha below which a pixel is not counted (RGBA buffers only).
    pub fn alpha_threshold(&self) -> u8 {
        self.alpha_threshold
    }

    /// Bytes per pixel: 3 or 4.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// (width, height) in pixels.
    pub fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Calls `f(r, g, b)` for every counted pixel of `chunk`, a slice of
    /// [`raw`](Self::raw) starting on a pixel boundary.
    #[inline(always)]
    pub fn for_each_counted(&self, chunk: &[u8], mut f: impl FnMut(u8, u8, u8)) {
        if self.channels == 3 {
            for px in chunk.chunks_exact(3) {
                f(px[0], px[1], px[2]);
            }
        } else {
            for px in chunk.chunks_exact(4) {
                if px[3] >= self.alpha_threshold {
                    f(px[0], px[1], px[2]);
                }
            }
        }
    }

    /// The exact histogram of unique colours.
    pub fn histogram(&self) -> ColorHistogram {
        let threshold = self.alpha_threshold;
        if self.channels == 3 {
            ColorHistogram::count(&self.raw, 3, |px| Some([px[0], px[1], px[2]]))
        } else {
            ColorHistogram::count(&self.raw, 4, |px| {
                (px[3] >= threshold).then_some([px[0], px[1], px[2]])
            })
        }
    }

    /// `n` counted pixels drawn uniformly at random (with replacement),
    /// reproducibly from `seed`: the pixel cloud's sample.
    pub fn sample(&self, n: usize, seed: u64) -> Vec<Rgb> {
        use rand::{Rng, SeedableRng};
        let pixels = self.raw.len() / self.channels;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut out = Vec::with_capacity(n);
        // Transparent pixels are skipped; the attempt cap keeps a mostly
        // transparent image from looping for long.
        for _ in 0..n.saturating_mul(64) {
            if out.len() == n || pixels == 0 {
                break;
            }
            let i = rng.random_range(0..pixels) * self.channels;
            let px = &self.raw[i..i + self.channels];
            if self.channels == 3 || px[3] >= self.alpha_threshold {
                out.push([px[0], px[1], px[2]]);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_equal_colours_once_sorted() {
        let raw = [9, 9, 9, 1, 2, 3, 9, 9, 9, 1, 2, 3, 9, 9, 9];
        let h = PixelBuffer::rgb8(raw.to_vec(), 1, 1).histogram();
        assert_eq!(h.colors, vec![[1, 2, 3], [9, 9, 9]]);
        assert_eq!(h.counts, vec![2, 3]);
        assert_eq!(h.total, 5);
    }

    #[test]
    fn alpha_below_threshold_is_left_out() {
        let raw = [255, 0, 0, 255, 0, 255, 0, 127, 0, 0, 255, 128];
        let h = PixelBuffer::rgba8(raw.to_vec(), 1, 1, 128).histogram();
        assert_eq!(h.colors, vec![[0, 0, 255], [255, 0, 0]]);
        assert_eq!(h.total, 2);
        assert_eq!(
            PixelBuffer::rgba8(raw.to_vec(), 1, 1, 0).histogram().total,
            3
        );
    }

    #[test]
    fn large_buffers_count_the_same_in_parallel() {
        let raw: Vec<u8> = (0..(3 * COUNT_CHUNK_PX as u32 + 17) * 3)
            .map(|i| (i % 7) as u8 * 30)
            .collect();
        let h = PixelBuffer::rgb8(raw.to_vec(), 1, 1).histogram();
        assert_eq!(h.total, (raw.len() / 3) as u64);
        let serial =
            ColorHistogram::from_pairs(raw.chunks_exact(3).map(|p| ([p[0], p[1], p[2]], 1)));
        assert_eq!(h, serial);
    }

    #[test]
    fn samples_follow_pixel_counts_and_skip_transparency() {
        let mut raw = Vec::new();
        for i in 0..1000 {
            let c = if i % 10 == 0 { 255 } else { 0 };
            raw.extend([c, c, c, 255, 9, 9, 9, 0]);
        }
        let buffer = PixelBuffer::rgba8(raw, 2000, 1, 128);
        let s = buffer.sample(5000, 42);
        assert_eq!(s.len(), 5000);
        assert!(!s.contains(&[9, 9, 9]));
        let white = s.iter().filter(|&&c| c == [255, 255, 255]).count();
        assert!((350..650).contains(&white), "{white}");
        assert_eq!(s, buffer.sample(5000, 42));
    }

    #[test]
    fn fully_transparent_image_is_an_error() {
        let img = image::RgbaImage::from_pixel(4, 4, image::Rgba([10, 20, 30, 0]));
        let err = PixelBuffer::from_image(DynamicImage::ImageRgba8(img), 128).unwrap_err();
        assert!(err.to_string().contains("alpha"), "{err}");
    }
}
