//! Reduced reads for an estimate (`--fast`): a JPEG through reduced inverse
//! DCTs, any other image decoded whole and read at every n-th pixel.

use std::path::Path;

use image::{DynamicImage, ImageFormat};

use super::strict::check_jpeg_complete;
use super::{check_pixels, decode_with_limits, detect_format};
use crate::error::Result;

/// Fewest pixels a reduced decode (`--fast`) keeps: enough that each of up
/// to a few dozen colours still holds thousands of pixels.
pub const FAST_MIN_PIXELS: u64 = 1 << 16;

/// The reduction a fast decode of a `width` × `height` image uses, as its
/// denominator: the largest of 8, 4 and 2 that keeps at least
/// [`FAST_MIN_PIXELS`], or 1 (a small image is read whole).
pub fn fast_step(width: u32, height: u32) -> u32 {
    [8, 4, 2]
        .into_iter()
        .find(|&s| width.div_ceil(s) as u64 * height.div_ceil(s) as u64 >= FAST_MIN_PIXELS)
        .unwrap_or(1)
}

/// Decodes at reduced scale, for an estimate: a JPEG through reduced
/// inverse DCTs (1/2, 1/4 or 1/8 of each side, at [`fast_step`]: each
/// output pixel is the mean of its block, and the costly full-size IDCT is
/// skipped), any other image (or a JPEG the reduced decoder cannot read)
/// decoded whole and then taken at every `step`-th pixel of every
/// `step`-th row. Returns the image, its step and the full size.
pub(crate) fn decode_reduced(
    bytes: &[u8],
    name: Option<&Path>,
    max_pixels: u64,
    max_alloc: Option<u64>,
) -> Result<(DynamicImage, u32, (u32, u32))> {
    if !bytes.is_empty() && detect_format(bytes, name)? == ImageFormat::Jpeg {
        if let Some(reduced) = reduced_jpeg(bytes, max_pixels) {
            return Ok(reduced);
        }
    }
    let image = decode_with_limits(bytes, name, max_pixels, max_alloc)?;
    let size = (image.width(), image.height());
    let step = fast_step(size.0, size.1);
    Ok((every_nth(image, step), step, size))
}

/// A JPEG decoded at its fast step by jpeg-decoder (whose reduced IDCTs
/// zune-jpeg lacks); `None` when it is small, damaged, CMYK, 16-bit, or
/// anything else the strict full decode should judge.
fn reduced_jpeg(bytes: &[u8], max_pixels: u64) -> Option<(DynamicImage, u32, (u32, u32))> {
    check_jpeg_complete(bytes).ok()?;
    // A decoder's panic on hostile data falls back to the strict decode.
    std::panic::catch_unwind(|| {
        let mut decoder = jpeg_decoder::Decoder::new(bytes);
        decoder.read_info().ok()?;
        let info = decoder.info()?;
        let (w, h) = (info.width as u32, info.height as u32);
        check_pixels(w, h, max_pixels).ok()?;
        let step = fast_step(w, h);
        if step == 1 {
            return None;
        }
        let (rw, rh) = decoder
            .scale(w.div_ceil(step) as u16, h.div_ceil(step) as u16)
            .ok()?;
        let (rw, rh) = (rw as u32, rh as u32);
        if (rw, rh) != (w.div_ceil(step), h.div_ceil(step)) {
            return None;
        }
        let data = decoder.decode().ok()?;
        let image = match info.pixel_format {
            jpeg_decoder::PixelFormat::L8 => {
                image::GrayImage::from_raw(rw, rh, data).map(DynamicImage::ImageLuma8)
            }
            jpeg_decoder::PixelFormat::RGB24 => {
                image::RgbImage::from_raw(rw, rh, data).map(DynamicImage::ImageRgb8)
            }
            _ => None,
        };
        image.map(|image| (image, step, (w, h)))
    })
    .ok()
    .flatten()
}

/// Every `step`-th pixel of every `step`-th row (from the first).
pub(super) fn every_nth(image: DynamicImage, step: u32) -> DynamicImage {
    fn pick<P: image::Pixel>(
        b: &image::ImageBuffer<P, Vec<P::Subpixel>>,
        step: u32,
    ) -> image::ImageBuffer<P, Vec<P::Subpixel>> {
        let (w, h) = (b.width().div_ceil(step), b.height().div_ceil(step));
        image::ImageBuffer::from_fn(w, h, |x, y| *b.get_pixel(x * step, y * step))
    }
    use DynamicImage as D;
    match image {
        _ if step == 1 => image,
        D::ImageLuma8(b) => D::ImageLuma8(pick(&b, step)),
        D::ImageLumaA8(b) => D::ImageLumaA8(pick(&b, step)),
        D::ImageRgb8(b) => D::ImageRgb8(pick(&b, step)),
        D::ImageRgba8(b) => D::ImageRgba8(pick(&b, step)),
        D::ImageLuma16(b) => D::ImageLuma16(pick(&b, step)),
        D::ImageLumaA16(b) => D::ImageLumaA16(pick(&b, step)),
        D::ImageRgb16(b) => D::ImageRgb16(pick(&b, step)),
        D::ImageRgba16(b) => D::ImageRgba16(pick(&b, step)),
        D::ImageRgb32F(b) => D::ImageRgb32F(pick(&b, step)),
        D::ImageRgba32F(b) => D::ImageRgba32F(pick(&b, step)),
        other if other.color().has_alpha() => D::ImageRgba8(pick(&other.into_rgba8(), step)),
        other => D::ImageRgb8(pick(&other.into_rgb8(), step)),
    }
}
