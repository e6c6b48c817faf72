//! Loading an encoded image: decoded (whole, or reduced for an estimate),
//! colour-managed to sRGB, and kept as a pixel buffer with its preview.

use std::path::Path;

use image::RgbImage;

use super::preview::scaled_preview;
use super::PixelBuffer;
use crate::decode::{decode_reduced, decode_with_limits, detect_format, MAX_PIXELS_DEFAULT};
use crate::error::Result;

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
    /// What colour management did (the profile converted from, or why the
    /// declared one was not used).
    pub managed: crate::manage::Managed,
    /// 1 when every pixel was read; with [`LoadOptions::fast`], the
    /// reduction used (2, 4 or 8: one pixel for each `step` × `step` block).
    pub step: u32,
    /// A frame of a film: its letterbox bars are left out by default (see
    /// [`TrimBars::Auto`](crate::TrimBars::Auto)).
    pub video_frame: bool,
}

impl LoadedImage {
    /// An image from an interleaved RGB8 buffer of `width` × `height`
    /// pixels (a video frame's, an array's), taken as sRGB, read whole.
    ///
    /// # Errors
    /// [`Error::BufferSize`](crate::Error::BufferSize) if the buffer's length is not `width` × `height` × 3.
    pub fn from_rgb8(raw: Vec<u8>, width: u32, height: u32) -> Result<Self> {
        Ok(LoadedImage {
            width,
            height,
            pixels: PixelBuffer::rgb8(raw, width, height)?,
            preview: None,
            managed: crate::manage::Managed::default(),
            step: 1,
            video_frame: false,
        })
    }

    /// The same image marked as a frame of a film.
    pub fn as_video_frame(mut self) -> Self {
        self.video_frame = true;
        self
    }

    /// The same image with its preview for a swatch card, `width` wide
    /// (enlarged if smaller).
    pub fn with_preview(mut self, width: u32) -> Self {
        self.preview = Some(self.pixels.preview(width));
        self
    }
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
    /// Convert the colours the file declares (an ICC profile, PNG's cICP or
    /// gAMA) to sRGB; otherwise its values are taken as sRGB.
    pub color_manage: bool,
    /// Read the image at reduced scale for an estimate (see
    /// [`fast_step`](crate::decode::fast_step)): a large image's palette
    /// and fractions then describe its reduced pixels.
    pub fast: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            alpha_threshold: super::DEFAULT_ALPHA_THRESHOLD,
            preview_width: None,
            max_pixels: MAX_PIXELS_DEFAULT,
            max_alloc: None,
            color_manage: true,
            fast: false,
        }
    }
}

/// Decodes an encoded image (see
/// [`decode_image_limited`](crate::decode_image_limited) and
/// [`PixelBuffer::from_image`]); with a preview width, also keeps the image
/// scaled to that width (see [`scaled_preview`]).
pub fn load_image(bytes: &[u8], name: Option<&Path>, opts: &LoadOptions) -> Result<LoadedImage> {
    let (mut image, step, (width, height)) = match opts.fast {
        true => decode_reduced(bytes, name, opts.max_pixels, opts.max_alloc)?,
        false => {
            let image = decode_with_limits(bytes, name, opts.max_pixels, opts.max_alloc)?;
            let size = (image.width(), image.height());
            (image, 1, size)
        }
    };
    let managed = match opts.color_manage {
        true => crate::manage::manage(&mut image, bytes, detect_format(bytes, name)?),
        false => crate::manage::Managed::default(),
    };
    let preview = opts.preview_width.map(|w| scaled_preview(&image, w));
    let pixels = PixelBuffer::from_image(image, opts.alpha_threshold)?;
    Ok(LoadedImage {
        width,
        height,
        pixels,
        preview,
        managed,
        step,
        video_frame: false,
    })
}
