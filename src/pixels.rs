//! Decoded image → the recipe's N×3 pixel list (kept as the decoder's
//! buffer, with the alpha policy in one place), its weighted unique colours,
//! and the scaled preview a swatch card shows.

use std::path::Path;

use image::{imageops::FilterType, DynamicImage, RgbImage};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::color::{pack, unpack, Rgb};
use crate::decode::{decode_with_limits, MAX_PIXELS_DEFAULT};
use crate::error::{Error, Result};

/// Default alpha below which a pixel is not counted.
pub const DEFAULT_ALPHA_THRESHOLD: u8 = 128;

/// The alpha policy, the one place it is written: a pixel of `STRIDE` bytes
/// (3: RGB, 4: RGBA) is counted unless its alpha is below `threshold`.
#[inline(always)]
pub(crate) fn is_counted<const STRIDE: usize>(px: &[u8], threshold: u8) -> bool {
    STRIDE == 3 || px[3] >= threshold
}

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

    fn count<const STRIDE: usize>(raw: &[u8], threshold: u8) -> Self {
        let table = raw
            .par_chunks(COUNT_CHUNK_PX * STRIDE)
            .fold(FxHashMap::<u32, u64>::default, |mut table, chunk| {
                for px in chunk.chunks_exact(STRIDE) {
                    if is_counted::<STRIDE>(px, threshold) {
                        *table.entry(pack([px[0], px[1], px[2]])).or_default() += 1;
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
    /// Wraps an interleaved RGB8 buffer of `width` × `height` pixels; a
    /// buffer of another length is an error.
    pub fn rgb8(raw: Vec<u8>, width: u32, height: u32) -> Result<Self> {
        Self::new(raw, 3, width, height, 0)
    }

    /// Wraps an interleaved RGBA8 buffer of `width` × `height` pixels; pixels
    /// with alpha below `alpha_threshold` are not counted. A buffer of
    /// another length is an error.
    pub fn rgba8(raw: Vec<u8>, width: u32, height: u32, alpha_threshold: u8) -> Result<Self> {
        Self::new(raw, 4, width, height, alpha_threshold)
    }

    fn new(
        raw: Vec<u8>,
        channels: usize,
        width: u32,
        height: u32,
        alpha_threshold: u8,
    ) -> Result<Self> {
        let expected = width as u64 * height as u64 * channels as u64;
        if raw.len() as u64 != expected {
            return Err(Error::BufferSize {
                width,
                height,
                channels,
                len: raw.len(),
            });
        }
        Ok(PixelBuffer {
            raw,
            channels,
            width,
            height,
            alpha_threshold,
        })
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
        }?;
        let any_counted = match buffer.channels {
            3 => !buffer.raw.is_empty(),
            _ => buffer
                .raw
                .chunks_exact(4)
                .any(|px| is_counted::<4>(px, alpha_threshold)),
        };
        if !any_counted {
            return Err(Error::NoCountedPixels {
                threshold: alpha_threshold,
            });
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

    /// The exact histogram of unique colours.
    pub fn histogram(&self) -> ColorHistogram {
        if self.channels == 3 {
            ColorHistogram::count::<3>(&self.raw, self.alpha_threshold)
        } else {
            ColorHistogram::count::<4>(&self.raw, self.alpha_threshold)
        }
    }

    /// The mean colour of the counted pixels (each channel rounded): the
    /// colour a still is squeezed to in a classic movie barcode. Exact
    /// integer sums, so it does not depend on the thread count.
    pub fn mean_color(&self) -> Rgb {
        let sums = |chunk: &[u8]| -> [u64; 4] {
            let mut s = [0u64; 4];
            let mut add = |px: &[u8]| {
                s[0] += px[0] as u64;
                s[1] += px[1] as u64;
                s[2] += px[2] as u64;
                s[3] += 1;
            };
            match self.channels {
                3 => chunk.chunks_exact(3).for_each(&mut add),
                _ => chunk
                    .chunks_exact(4)
                    .filter(|px| is_counted::<4>(px, self.alpha_threshold))
                    .for_each(&mut add),
            }
            s
        };
        let total = self
            .raw
            .par_chunks(COUNT_CHUNK_PX * self.channels)
            .map(sums)
            .reduce(|| [0; 4], |a, b| std::array::from_fn(|i| a[i] + b[i]));
        let n = total[3].max(1);
        [0, 1, 2].map(|i| ((total[i] + n / 2) / n) as u8)
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
            let counted = match self.channels {
                3 => is_counted::<3>(px, self.alpha_threshold),
                _ => is_counted::<4>(px, self.alpha_threshold),
            };
            if counted {
                out.push([px[0], px[1], px[2]]);
            }
        }
        out
    }
}

/// A decoded image, ready for palette extraction.
#[derive(Clone, Debug)]
pub struct LoadedImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels, 8-bit sRGB, with the alpha policy.
    pub pixels: PixelBuffer,
    /// The image scaled to the requested preview width (for a swatch card).
    pub preview: Option<RgbImage>,
}

/// How an image is loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    /// Pixels with alpha below this are not counted.
    pub alpha_threshold: u8,
    /// Keep the image scaled to this width, for a swatch card.
    pub preview_width: Option<u32>,
    /// Refuse images whose header announces more pixels.
    pub max_pixels: u64,
    /// Hold the decoders' allocations to this many bytes (default: what an
    /// image of `max_pixels` needs).
    pub max_alloc: Option<u64>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            alpha_threshold: DEFAULT_ALPHA_THRESHOLD,
            preview_width: None,
            max_pixels: MAX_PIXELS_DEFAULT,
            max_alloc: None,
        }
    }
}

/// Decodes an encoded image (see
/// [`decode_image_limited`](crate::decode_image_limited) and
/// [`PixelBuffer::from_image`]); with a preview width, also keeps the image
/// scaled to that width (see [`scaled_preview`]).
pub fn load_image(bytes: &[u8], name: Option<&Path>, opts: &LoadOptions) -> Result<LoadedImage> {
    let image = decode_with_limits(bytes, name, opts.max_pixels, opts.max_alloc)?;
    let (width, height) = (image.width(), image.height());
    let preview = opts.preview_width.map(|w| scaled_preview(&image, w));
    let pixels = PixelBuffer::from_image(image, opts.alpha_threshold)?;
    Ok(LoadedImage {
        width,
        height,
        pixels,
        preview,
    })
}

impl PixelBuffer {
    /// The pixels scaled to at most `width` (never enlarged), transparency
    /// over white: a still's thumbnail.
    pub fn thumbnail(&self, width: u32) -> RgbImage {
        let image = match self.channels {
            3 => RgbImage::from_raw(self.width, self.height, self.raw.clone())
                .map(DynamicImage::from),
            _ => image::RgbaImage::from_raw(self.width, self.height, self.raw.clone())
                .map(DynamicImage::from),
        };
        // The buffer's length was checked against its size when it was made.
        let image = image.unwrap_or_else(|| DynamicImage::new_rgb8(1, 1));
        scaled_preview(&image, width.min(self.width).max(1))
    }
}

/// The tallest preview, as a multiple of its width: a portrait photo (2:3)
/// fits whole; a taller image is fitted into this box, not stretched.
const MAX_PREVIEW_HEIGHT_PER_WIDTH: f64 = 1.5;

/// The image scaled to `width` (aspect kept, triangle filter), with any
/// transparency composited over white: the top of a card. An image taller
/// than 1.5 × `width` is fitted into `width` × 1.5 `width`, centred on white,
/// so the preview's size never follows an extreme aspect ratio.
pub fn scaled_preview(image: &DynamicImage, width: u32) -> RgbImage {
    let (w, h) = (image.width().max(1) as f64, image.height().max(1) as f64);
    let max_height = (width as f64 * MAX_PREVIEW_HEIGHT_PER_WIDTH).round();
    let (fit_w, fit_h) = if h * width as f64 / w <= max_height {
        (width, (h * width as f64 / w).round().max(1.0) as u32)
    } else {
        (
            (w * max_height / h).round().max(1.0) as u32,
            max_height as u32,
        )
    };
    let small = image
        .resize_exact(fit_w, fit_h, FilterType::Triangle)
        .into_rgba8();
    let left = (width - fit_w) / 2;
    RgbImage::from_fn(width, fit_h, |x, y| {
        let Some(p) = x
            .checked_sub(left)
            .and_then(|sx| small.get_pixel_checked(sx, y))
        else {
            return image::Rgb([255, 255, 255]);
        };
        let a = p[3] as u32;
        image::Rgb([0, 1, 2].map(|i| ((p[i] as u32 * a + 255 * (255 - a) + 127) / 255) as u8))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_equal_colours_once_sorted() {
        let raw = [9, 9, 9, 1, 2, 3, 9, 9, 9, 1, 2, 3, 9, 9, 9];
        let h = PixelBuffer::rgb8(raw.to_vec(), 5, 1).unwrap().histogram();
        assert_eq!(h.colors, vec![[1, 2, 3], [9, 9, 9]]);
        assert_eq!(h.counts, vec![2, 3]);
        assert_eq!(h.total, 5);
    }

    #[test]
    fn alpha_below_threshold_is_left_out() {
        let raw = [255, 0, 0, 255, 0, 255, 0, 127, 0, 0, 255, 128];
        let h = PixelBuffer::rgba8(raw.to_vec(), 3, 1, 128)
            .unwrap()
            .histogram();
        assert_eq!(h.colors, vec![[0, 0, 255], [255, 0, 0]]);
        assert_eq!(h.total, 2);
        assert_eq!(
            PixelBuffer::rgba8(raw.to_vec(), 3, 1, 0)
                .unwrap()
                .histogram()
                .total,
            3
        );
    }

    #[test]
    fn large_buffers_count_the_same_in_parallel() {
        let raw: Vec<u8> = (0..(3 * COUNT_CHUNK_PX as u32 + 17) * 3)
            .map(|i| (i % 7) as u8 * 30)
            .collect();
        let n = (raw.len() / 3) as u32;
        let h = PixelBuffer::rgb8(raw.to_vec(), n, 1).unwrap().histogram();
        assert_eq!(h.total, n as u64);
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
        let buffer = PixelBuffer::rgba8(raw, 2000, 1, 128).unwrap();
        let s = buffer.sample(5000, 42);
        assert_eq!(s.len(), 5000);
        assert!(!s.contains(&[9, 9, 9]));
        let white = s.iter().filter(|&&c| c == [255, 255, 255]).count();
        assert!((350..650).contains(&white), "{white}");
        assert_eq!(s, buffer.sample(5000, 42));
    }

    #[test]
    fn the_mean_colour_counts_only_counted_pixels() {
        let raw = vec![10, 20, 30, 255, 20, 40, 61, 255, 250, 250, 250, 0];
        let buffer = PixelBuffer::rgba8(raw, 3, 1, 128).unwrap();
        assert_eq!(buffer.mean_color(), [15, 30, 46]);
    }

    #[test]
    fn previews_of_extreme_shapes_stay_bounded() {
        let tall = DynamicImage::ImageRgb8(RgbImage::from_pixel(1, 65535, image::Rgb([9, 9, 9])));
        let p = scaled_preview(&tall, 1000);
        assert_eq!(p.dimensions(), (1000, 1500));
        assert_eq!(p.get_pixel(499, 700).0, [9, 9, 9], "one column, centred");
        assert_eq!(p.get_pixel(0, 700).0, [255, 255, 255]);
        let wide = DynamicImage::ImageRgb8(RgbImage::from_pixel(65535, 1, image::Rgb([9, 9, 9])));
        assert_eq!(scaled_preview(&wide, 1000).dimensions(), (1000, 1));
        let photo = DynamicImage::ImageRgb8(RgbImage::new(300, 200));
        assert_eq!(scaled_preview(&photo, 600).dimensions(), (600, 400));
    }

    #[test]
    fn fully_transparent_image_is_an_error() {
        let img = image::RgbaImage::from_pixel(4, 4, image::Rgba([10, 20, 30, 0]));
        let err = PixelBuffer::from_image(DynamicImage::ImageRgba8(img), 128).unwrap_err();
        assert!(
            matches!(err, Error::NoCountedPixels { threshold: 128 }),
            "{err}"
        );
    }

    #[test]
    fn a_buffer_of_the_wrong_length_is_an_error() {
        let err = PixelBuffer::rgb8(vec![0; 11], 2, 2).unwrap_err();
        assert!(matches!(err, Error::BufferSize { len: 11, .. }), "{err}");
        assert!(PixelBuffer::rgba8(vec![0; 16], 2, 2, 0).is_ok());
    }
}
