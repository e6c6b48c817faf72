//! Decoded image → the recipe's N×3 pixel list: the pixel buffer (kept as
//! the decoder's, with the alpha policy in one place). Its weighted unique
//! colours are in `histogram`, loading in `load`, scaled pictures of it in
//! `preview`.

use std::sync::Arc;

use image::DynamicImage;
use rayon::prelude::*;

use crate::color::Rgb;
use crate::error::{Error, Result};

mod histogram;
mod load;
mod preview;

pub use histogram::ColorHistogram;
use histogram::COUNT_CHUNK_PX;
pub use load::{load_image, LoadOptions, LoadedImage};
pub use preview::scaled_preview;

/// Default alpha below which a pixel is not counted.
pub const DEFAULT_ALPHA_THRESHOLD: u8 = 128;

/// The pixel layouts and the alpha policy, the one place they are written: a
/// pixel of `STRIDE` bytes (1: gray, 2: gray and alpha, 3: RGB, 4: RGBA) as
/// its sRGB colour, or `None` when its alpha is below `threshold` (it is not
/// counted).
#[inline(always)]
pub(crate) fn counted<const STRIDE: usize>(px: &[u8], threshold: u8) -> Option<Rgb> {
    if STRIDE.is_multiple_of(2) && px[STRIDE - 1] < threshold {
        return None;
    }
    Some(if STRIDE < 3 {
        [px[0]; 3]
    } else {
        [px[0], px[1], px[2]]
    })
}

/// Evaluates `$body` with `$stride` bound to a buffer's bytes per pixel as a
/// constant, so that each per-pixel loop is compiled once per layout.
macro_rules! with_stride {
    ($channels:expr, $stride:ident => $body:expr) => {
        match $channels {
            1 => {
                const $stride: usize = 1;
                $body
            }
            2 => {
                const $stride: usize = 2;
                $body
            }
            3 => {
                const $stride: usize = 3;
                $body
            }
            _ => {
                const $stride: usize = 4;
                $body
            }
        }
    };
}
pub(crate) use with_stride;

/// A rectangle of an image: the part of a frame kept after its bars are
/// left out ([`find_bars`](crate::find_bars)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Crop {
    /// Left edge of the kept part, in pixels.
    pub x: u32,
    /// Top edge of the kept part.
    pub y: u32,
    /// Width of the kept part.
    pub width: u32,
    /// Height of the kept part.
    pub height: u32,
}

impl Crop {
    /// The crop of an image read at one pixel in `step` × `step`, in the
    /// pixels of the full `width` × `height` image.
    pub fn scaled(self, step: u32, width: u32, height: u32) -> Crop {
        let (x, y) = ((self.x * step).min(width), (self.y * step).min(height));
        Crop {
            x,
            y,
            width: (self.width * step).min(width - x),
            height: (self.height * step).min(height - y),
        }
    }
}

/// A decoded image's pixels as 8-bit sRGB: the recipe's N×3 list, kept as
/// the decoder's interleaved buffer (gray, gray and alpha, RGB or RGBA, 8 bits
/// a channel, with the alpha policy applied whenever pixels are visited), so
/// that a gray image is never expanded to three channels to be counted.
#[derive(Clone, Debug)]
pub struct PixelBuffer {
    raw: Raw,
    channels: usize,
    width: u32,
    height: u32,
    alpha_threshold: u8,
}

/// A buffer's bytes: its own, or another owner's (read in place).
#[derive(Clone)]
enum Raw {
    Owned(Vec<u8>),
    Shared(Arc<dyn AsRef<[u8]> + Send + Sync>),
}

impl Raw {
    /// The bytes as a buffer of their own, copied if they were shared
    /// (cropping moves them).
    fn into_owned(self) -> Vec<u8> {
        match self {
            Raw::Owned(v) => v,
            Raw::Shared(s) => (*s).as_ref().to_vec(),
        }
    }
}

impl From<Vec<u8>> for Raw {
    fn from(v: Vec<u8>) -> Self {
        Raw::Owned(v)
    }
}

impl std::ops::Deref for Raw {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Raw::Owned(v) => v,
            Raw::Shared(s) => (**s).as_ref(),
        }
    }
}

impl std::fmt::Debug for Raw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Raw::Owned(_) => "owned",
            Raw::Shared(_) => "shared",
        };
        write!(f, "{} {kind} bytes", self.len())
    }
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

    /// Wraps an 8-bit gray buffer of `width` × `height` pixels; a buffer of
    /// another length is an error.
    pub fn luma8(raw: Vec<u8>, width: u32, height: u32) -> Result<Self> {
        Self::new(raw, 1, width, height, 0)
    }

    /// Wraps an interleaved 8-bit gray-and-alpha buffer of `width` × `height`
    /// pixels; pixels with alpha below `alpha_threshold` are not counted. A
    /// buffer of another length is an error.
    pub fn luma_alpha8(raw: Vec<u8>, width: u32, height: u32, alpha_threshold: u8) -> Result<Self> {
        Self::new(raw, 2, width, height, alpha_threshold)
    }

    /// Wraps interleaved 8-bit pixels that something else owns (a NumPy
    /// array, a memory map) without copying them: `channels` bytes a pixel
    /// (1 gray, 2 gray and alpha, 3 RGB, 4 RGBA), `width` × `height` pixels,
    /// those with alpha below `alpha_threshold` not counted.
    ///
    /// # Errors
    /// [`Error::BufferSize`] for a buffer of another length or a channel
    /// count outside 1..=4; [`Error::NoCountedPixels`] when no pixel is
    /// opaque enough to count.
    pub fn shared(
        raw: Arc<dyn AsRef<[u8]> + Send + Sync>,
        channels: usize,
        width: u32,
        height: u32,
        alpha_threshold: u8,
    ) -> Result<Self> {
        let len = (*raw).as_ref().len();
        if !(1..=4).contains(&channels) {
            return Err(Error::BufferSize {
                width,
                height,
                channels,
                len,
            });
        }
        let buffer = Self::new(Raw::Shared(raw), channels, width, height, alpha_threshold)?;
        buffer.check_counted()
    }

    fn new(
        raw: impl Into<Raw>,
        channels: usize,
        width: u32,
        height: u32,
        alpha_threshold: u8,
    ) -> Result<Self> {
        let raw = raw.into();
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

    /// The buffer, or [`Error::NoCountedPixels`] when no pixel is counted.
    fn check_counted(self) -> Result<Self> {
        let t = self.alpha_threshold;
        let any_counted = with_stride!(self.channels, S => self
            .raw
            .chunks_exact(S)
            .any(|px| counted::<S>(px, t).is_some()));
        if !any_counted {
            return Err(Error::NoCountedPixels { threshold: t });
        }
        Ok(self)
    }

    /// Flattens a decoded image. 8-bit gray, gray-and-alpha, RGB and RGBA
    /// buffers are kept as decoded; every other layout (16-bit, float) is
    /// brought to the nearest of those with 8 bits a channel, keeping gray as
    /// gray and alpha as alpha. Pixels with alpha below `alpha_threshold` are
    /// not counted; an image with no pixel left to count is an error.
    pub fn from_image(image: DynamicImage, alpha_threshold: u8) -> Result<Self> {
        let (width, height) = (image.width(), image.height());
        let t = alpha_threshold;
        let buffer = match image {
            DynamicImage::ImageLuma8(b) => Self::luma8(b.into_raw(), width, height),
            DynamicImage::ImageLumaA8(b) => Self::luma_alpha8(b.into_raw(), width, height, t),
            DynamicImage::ImageRgb8(b) => Self::rgb8(b.into_raw(), width, height),
            DynamicImage::ImageRgba8(b) => Self::rgba8(b.into_raw(), width, height, t),
            DynamicImage::ImageLuma16(_) => {
                Self::luma8(image.into_luma8().into_raw(), width, height)
            }
            DynamicImage::ImageLumaA16(_) => {
                Self::luma_alpha8(image.into_luma_alpha8().into_raw(), width, height, t)
            }
            _ if image.color().has_alpha() => {
                Self::rgba8(image.into_rgba8().into_raw(), width, height, t)
            }
            _ => Self::rgb8(image.into_rgb8().into_raw(), width, height),
        }?;
        buffer.check_counted()
    }

    /// The interleaved bytes.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Alpha below which a pixel is not counted (RGBA buffers only).
    pub fn alpha_threshold(&self) -> u8 {
        self.alpha_threshold
    }

    /// Bytes per pixel: 1 (gray), 2 (gray and alpha), 3 (RGB) or 4 (RGBA).
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// The colour at (`x`, `y`), alpha ignored (gray as equal channels).
    pub fn rgb_at(&self, x: u32, y: u32) -> Rgb {
        let i = (y as usize * self.width as usize + x as usize) * self.channels;
        match self.channels {
            1 | 2 => [self.raw[i]; 3],
            _ => [self.raw[i], self.raw[i + 1], self.raw[i + 2]],
        }
    }

    /// Keeps only the part of the image inside `crop` (rows moved down in
    /// place: no second buffer). `crop` must lie inside the image.
    pub fn crop(mut self, crop: Crop) -> Self {
        let stride = self.channels;
        let mut raw = std::mem::replace(&mut self.raw, Raw::Owned(Vec::new())).into_owned();
        let row = self.width as usize * stride;
        let (x0, w) = (crop.x as usize * stride, crop.width as usize * stride);
        for (to, y) in (crop.y as usize..(crop.y + crop.height) as usize).enumerate() {
            let from = y * row + x0;
            raw.copy_within(from..from + w, to * w);
        }
        raw.truncate(w * crop.height as usize);
        self.raw = Raw::Owned(raw);
        self.width = crop.width;
        self.height = crop.height;
        self
    }

    /// Leaves the pixels whose colour is in `excluded` out of the counted
    /// pixels, as alpha below the threshold does: the buffer gains an alpha
    /// channel if it has none (gray stays gray), excluded pixels get alpha 0,
    /// and the threshold is at least 1 (pixels counted before, whatever
    /// their alpha, are counted still).
    ///
    /// # Errors
    /// [`Error::AllExcluded`] when no counted pixel is left.
    pub fn exclude(self, excluded: &crate::exclude::ExclusionSet) -> Result<Self> {
        let t = self.alpha_threshold;
        let out_channels = if self.channels <= 2 { 2 } else { 4 };
        let mut raw = Vec::with_capacity(self.raw.len() / self.channels * out_channels);
        let mut any_counted = false;
        with_stride!(self.channels, S => {
            for px in self.raw.chunks_exact(S) {
                let (color, alpha) = match S {
                    1 | 2 => ([px[0]; 3], px[S - 1]),
                    _ => ([px[0], px[1], px[2]], px[S - 1]),
                };
                let alpha = if S % 2 == 1 { 255 } else { alpha };
                let counted = alpha >= t;
                let alpha = match (counted, excluded.contains(color)) {
                    (true, true) => 0,
                    (true, false) => {
                        any_counted = true;
                        alpha.max(1)
                    }
                    (false, _) => alpha,
                };
                raw.extend_from_slice(&px[..out_channels - 1]);
                raw.push(alpha);
            }
        });
        if !any_counted {
            return Err(Error::AllExcluded);
        }
        Self::new(raw, out_channels, self.width, self.height, t.max(1))
    }

    /// (width, height) in pixels.
    pub fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The exact histogram of unique colours.
    pub fn histogram(&self) -> ColorHistogram {
        let (raw, threshold) = (&self.raw, self.alpha_threshold);
        match self.channels {
            1 => ColorHistogram::count_gray::<1>(raw, threshold),
            2 => ColorHistogram::count_gray::<2>(raw, threshold),
            3 => ColorHistogram::count::<3>(raw, threshold),
            _ => ColorHistogram::count::<4>(raw, threshold),
        }
    }

    /// True for a gray buffer (with or without alpha): it has at most 256
    /// colours, so its exact histogram is one cheap pass.
    pub fn is_gray(&self) -> bool {
        self.channels < 3
    }

    /// The mean colour of the counted pixels (each channel rounded): the
    /// colour a still is squeezed to in a classic movie barcode. Exact
    /// integer sums, so it does not depend on the thread count.
    pub fn mean_color(&self) -> Rgb {
        let threshold = self.alpha_threshold;
        let sums = |chunk: &[u8]| -> [u64; 4] {
            let mut s = [0u64; 4];
            with_stride!(self.channels, S => {
                for c in chunk.chunks_exact(S).filter_map(|px| counted::<S>(px, threshold)) {
                    s[0] += c[0] as u64;
                    s[1] += c[1] as u64;
                    s[2] += c[2] as u64;
                    s[3] += 1;
                }
            });
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
            let color = with_stride!(self.channels, S => counted::<S>(px, self.alpha_threshold));
            out.extend(color);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_bytes_are_read_in_place_and_copied_only_to_crop() {
        let raw: Vec<u8> = (0..4 * 3 * 2).map(|v| (v * 17) as u8).collect();
        let owned = PixelBuffer::rgba8(raw.clone(), 3, 2, 0).unwrap();
        let shared: Arc<Vec<u8>> = Arc::new(raw);
        let buffer = PixelBuffer::shared(shared.clone(), 4, 3, 2, 0).unwrap();
        assert_eq!(buffer.raw().as_ptr(), shared.as_ptr());
        assert_eq!(buffer.histogram(), owned.histogram());
        let crop = Crop {
            x: 1,
            y: 1,
            width: 2,
            height: 1,
        };
        assert_eq!(buffer.crop(crop).raw(), owned.crop(crop).raw());
        assert!(matches!(
            PixelBuffer::shared(shared.clone(), 4, 3, 3, 0),
            Err(Error::BufferSize { .. })
        ));
        assert!(matches!(
            PixelBuffer::shared(Arc::new(vec![9u8, 0]), 2, 1, 1, 128),
            Err(Error::NoCountedPixels { threshold: 128 })
        ));
    }

    #[test]
    fn counts_equal_colours_once_sorted() {
        let raw = [9, 9, 9, 1, 2, 3, 9, 9, 9, 1, 2, 3, 9, 9, 9];
        let h = PixelBuffer::rgb8(raw.to_vec(), 5, 1).unwrap().histogram();
        assert_eq!(h.colors, vec![[1, 2, 3], [9, 9, 9]]);
        assert_eq!(h.counts, vec![2, 3]);
        assert_eq!(h.total, 5);
    }

    #[test]
    fn excluded_colours_are_not_counted_whatever_the_layout() {
        let set = crate::exclude::ExclusionSet::new(&["#ffffff:0".parse().unwrap()]);
        // RGB: gains alpha, white is left out.
        let rgb = PixelBuffer::rgb8(vec![255, 255, 255, 9, 9, 9], 2, 1).unwrap();
        let kept = rgb.exclude(&set).unwrap();
        assert_eq!(
            (kept.channels(), kept.raw()),
            (4, &[255, 255, 255, 0, 9, 9, 9, 255][..])
        );
        assert_eq!(kept.histogram().colors, vec![[9, 9, 9]]);
        // Gray stays gray.
        let gray = PixelBuffer::luma8(vec![255, 7], 2, 1).unwrap();
        let kept = gray.exclude(&set).unwrap();
        assert_eq!((kept.channels(), kept.raw()), (2, &[255, 0, 7, 255][..]));
        // RGBA at threshold 0 counts every pixel, alpha 0 too: it still does.
        let rgba = PixelBuffer::rgba8(vec![255, 255, 255, 255, 5, 5, 5, 0], 2, 1, 0).unwrap();
        let kept = rgba.exclude(&set).unwrap();
        assert_eq!(kept.histogram().colors, vec![[5, 5, 5]]);
        // Below the threshold stays below it.
        let rgba = PixelBuffer::rgba8(vec![1, 1, 1, 255, 5, 5, 5, 10], 2, 1, 128).unwrap();
        assert_eq!(
            rgba.exclude(&set).unwrap().histogram().colors,
            vec![[1, 1, 1]]
        );
        let white = PixelBuffer::rgb8(vec![255; 3], 1, 1).unwrap();
        assert!(matches!(white.exclude(&set), Err(Error::AllExcluded)));
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
    fn gray_images_stay_gray_and_count_as_their_rgb_expansion() {
        let levels: Vec<u8> = (0..70_000u32).map(|i| (i * 31 % 256) as u8).collect();
        let gray = image::GrayImage::from_raw(70_000, 1, levels.clone()).unwrap();
        let buffer = PixelBuffer::from_image(gray.into(), 128).unwrap();
        assert!(buffer.is_gray());
        assert_eq!(buffer.raw().len(), 70_000, "one byte a pixel");
        let rgb = PixelBuffer::rgb8(levels.iter().flat_map(|&v| [v; 3]).collect(), 70_000, 1);
        let rgb = rgb.unwrap();
        assert_eq!(buffer.histogram(), rgb.histogram());
        assert_eq!(buffer.mean_color(), rgb.mean_color());
        assert_eq!(buffer.sample(50, 7), rgb.sample(50, 7));
        // Gray and alpha: the alpha rule holds.
        let pairs = vec![10, 255, 20, 0, 30, 200];
        let h = PixelBuffer::luma_alpha8(pairs, 3, 1, 128)
            .unwrap()
            .histogram();
        assert_eq!(h.colors, vec![[10; 3], [30; 3]]);
        let deep =
            image::ImageBuffer::<image::Luma<u16>, _>::from_pixel(2, 2, image::Luma([257 * 9]));
        let deep = PixelBuffer::from_image(deep.into(), 128).unwrap();
        assert_eq!((deep.channels(), deep.histogram().colors[0]), (1, [9; 3]));
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
