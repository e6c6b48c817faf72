//! Bytes → decoded image: the decoder is chosen from the content (never the
//! file name, except for a format without a signature), damaged data is
//! refused. The formats are those of one table (`formats`); reduced reads
//! for an estimate are in `reduced`, each format's strictness in `strict`.

use std::io::Cursor;
use std::path::Path;

use crate::error::{Error, Result};
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

pub mod formats;
mod reduced;
mod strict;

pub(crate) use reduced::decode_reduced;
pub use reduced::{fast_step, FAST_MIN_PIXELS};
use strict::{
    check_bmp_rle_complete, check_gif_frames, check_jpeg_complete, check_riff_complete,
    decode_jpeg_strictly, decode_png_strictly,
};

/// Default largest image, in pixels (2^28, about 268 million, the cap
/// common image servers use).
pub const MAX_PIXELS_DEFAULT: u64 = 1 << 28;

/// Decodes an encoded image of at most [`MAX_PIXELS_DEFAULT`] pixels (see
/// [`decode_image_limited`]).
pub fn decode_image(bytes: &[u8], name: Option<&Path>) -> Result<DynamicImage> {
    decode_image_limited(bytes, name, MAX_PIXELS_DEFAULT)
}

/// Decodes an encoded image. `name` (the file name, if any) is consulted only
/// to recognise TGA, the one supported format without a signature. An image
/// whose header announces more than `max_pixels` pixels is refused before
/// anything is allocated for it. For GIF and animated WebP the first frame is
/// used.
pub fn decode_image_limited(
    bytes: &[u8],
    name: Option<&Path>,
    max_pixels: u64,
) -> Result<DynamicImage> {
    decode_with_limits(bytes, name, max_pixels, None)
}

/// About how many bytes loading the image in `bytes` holds at its peak:
/// the decoded pixels, plus their 8-bit copy when the decoder's layout is
/// not one the pixel buffer keeps as it is (16-bit, float). Read from the
/// header alone;
/// an image over `max_pixels` is that error, as decoding would say.
pub fn load_cost(bytes: &[u8], name: Option<&Path>, max_pixels: u64) -> Result<u64> {
    use image::ImageDecoder;
    if bytes.is_empty() {
        return Err(Error::EmptyInput);
    }
    let format = detect_format(bytes, name)?;
    let fail = |error| Error::Decode {
        format: format_name(format),
        error,
    };
    let decoder = ImageReader::with_format(Cursor::new(bytes), format)
        .into_decoder()
        .map_err(fail)?;
    let (w, h) = decoder.dimensions();
    let color = decoder.color_type();
    let pixels = w as u64 * h as u64;
    check_pixels(w, h, max_pixels)?;
    let decoded = pixels.saturating_mul(color.bytes_per_pixel() as u64);
    let kept = color.bytes_per_pixel() == color.channel_count();
    let copy = if kept {
        0
    } else {
        pixels.saturating_mul(color.channel_count() as u64)
    };
    Ok(decoded.saturating_add(copy))
}

/// Refuses a size over the pixel limit, as every format's header is checked.
pub(crate) fn check_pixels(width: u32, height: u32, max_pixels: u64) -> Result<()> {
    if width as u64 * height as u64 > max_pixels {
        return Err(Error::TooManyPixels {
            width,
            height,
            limit: max_pixels,
        });
    }
    Ok(())
}

/// [`decode_image_limited`], with the decoders' allocations held to
/// `max_alloc` bytes when given.
pub(crate) fn decode_with_limits(
    bytes: &[u8],
    name: Option<&Path>,
    max_pixels: u64,
    max_alloc: Option<u64>,
) -> Result<DynamicImage> {
    if bytes.is_empty() {
        return Err(Error::EmptyInput);
    }
    let format = detect_format(bytes, name)?;
    match format {
        ImageFormat::Jpeg => check_jpeg_complete(bytes)?,
        ImageFormat::WebP => check_riff_complete(bytes)?,
        ImageFormat::Bmp => check_bmp_rle_complete(bytes)?,
        _ => {}
    }
    let fail = |error| Error::Decode {
        format: format_name(format),
        error,
    };
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(fail)?;
    let pixels = w as u64 * h as u64;
    check_pixels(w, h, max_pixels)?;
    if format == ImageFormat::Gif {
        check_gif_frames(bytes, max_pixels)?;
    }
    if format == ImageFormat::Jpeg {
        return decode_jpeg_strictly(bytes);
    }
    let default_alloc = Limits::default()
        .max_alloc
        .unwrap_or(0)
        .max(pixels.saturating_mul(8));
    if format == ImageFormat::Png {
        return decode_png_strictly(bytes, max_alloc.unwrap_or(default_alloc));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // The image crate's allocation cap stays on, raised only as far as an
    // allowed image needs (16-bit RGBA: 8 bytes a pixel).
    let mut limits = Limits::default();
    limits.max_alloc = Some(max_alloc.unwrap_or(default_alloc));
    reader.limits(limits);
    reader.decode().map_err(fail)
}

/// The format of `bytes`, from their content (or, for a format without a
/// signature, from `name`'s extension), if it is one scenepal reads.
pub(crate) fn detect_format(bytes: &[u8], name: Option<&Path>) -> Result<ImageFormat> {
    match image::guess_format(bytes) {
        Ok(format) if formats::image_format_info(format).is_some() => Ok(format),
        Ok(format) => Err(Error::UnsupportedFormat(format_name(format))),
        Err(_) => {
            let by_name = name
                .and_then(|n| n.extension())
                .and_then(|e| e.to_str())
                .and_then(formats::name_only_format);
            if let Some(format) = by_name {
                Ok(format)
            } else {
                Err(Error::UnrecognisedFormat)
            }
        }
    }
}

fn format_name(format: ImageFormat) -> &'static str {
    match formats::image_format_info(format) {
        Some(info) => info.name,
        // A format scenepal does not read, named by its usual extension.
        None => format.extensions_str().first().copied().unwrap_or("image"),
    }
}

#[cfg(test)]
mod tests {
    use super::reduced::every_nth;
    use super::strict::{decode_jpeg, first_scan_offset};
    use super::*;

    #[test]
    fn fast_reads_keep_at_least_their_minimum_of_pixels() {
        assert_eq!(fast_step(6028, 3391), 8);
        assert_eq!(fast_step(1920, 1080), 4);
        assert_eq!(fast_step(960, 540), 2);
        assert_eq!(fast_step(512, 512), 2);
        assert_eq!(fast_step(511, 511), 2);
        assert_eq!(fast_step(510, 510), 1);
        assert_eq!(fast_step(1, 1), 1);
    }

    #[test]
    fn every_nth_pixel_of_every_nth_row_from_the_first() {
        let image = image::GrayImage::from_fn(5, 3, |x, y| image::Luma([(10 * y + x) as u8]));
        let picked = every_nth(DynamicImage::ImageLuma8(image), 2);
        assert_eq!(picked.as_bytes(), [0, 2, 4, 20, 22, 24]);
    }

    fn encode(format: ImageFormat) -> Vec<u8> {
        let img =
            image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([x as u8 * 8, y as u8 * 10, 90]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, format)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn complete_jpeg_passes_and_every_truncation_fails() {
        let jpeg = encode(ImageFormat::Jpeg);
        assert!(decode_image(&jpeg, None).is_ok());
        for cut in [3, 20, jpeg.len() / 2, jpeg.len() - 2] {
            let err = decode_image(&jpeg[..cut], None).unwrap_err().to_string();
            assert!(err.contains("JPEG"), "cut {cut}: {err}");
        }
    }

    #[test]
    fn a_stray_marker_inside_the_scan_is_an_error() {
        // The lenient decoder skips it and returns a garbled picture.
        let mut jpeg = encode(ImageFormat::Jpeg);
        let mid = (first_scan_offset(&jpeg).unwrap() + jpeg.len()) / 2;
        jpeg.splice(mid..mid, [0xFF, 0xD8]);
        let err = decode_image(&jpeg, None).unwrap_err().to_string();
        assert!(err.contains("damaged JPEG data"), "{err}");
    }

    #[test]
    fn padding_between_header_segments_is_accepted() {
        let mut jpeg = encode(ImageFormat::Jpeg);
        let plain = decode_image(&jpeg, None).unwrap();
        // After the first segment (APP0 or DQT), before the next marker.
        let next = 4 + u16::from_be_bytes([jpeg[4], jpeg[5]]) as usize;
        jpeg.splice(next..next, [0u8; 8]);
        assert!(decode_jpeg(&jpeg, true).is_err(), "strict mode refuses it");
        assert_eq!(decode_image(&jpeg, None).unwrap(), plain);
    }

    #[test]
    fn format_comes_from_content_not_name() {
        let png = encode(ImageFormat::Png);
        let img = decode_image(&png, Some(Path::new("photo.jpg"))).unwrap();
        assert_eq!((img.width(), img.height()), (32, 24));
    }

    #[test]
    fn tga_is_recognised_by_extension_only() {
        let tga = encode(ImageFormat::Tga);
        assert!(decode_image(&tga, Some(Path::new("a.TGA"))).is_ok());
        assert!(decode_image(&tga, Some(Path::new("a.bin"))).is_err());
    }

    #[test]
    fn a_header_above_the_pixel_limit_is_refused_before_decoding() {
        let png = encode(ImageFormat::Png); // 32×24
        assert!(decode_image_limited(&png, None, 768).is_ok());
        let err = decode_image_limited(&png, None, 767)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("32×24 = 768 pixels, more than the limit of 767"),
            "{err}"
        );
        assert!(!err.contains("--"), "library messages name no flags: {err}");
    }

    #[test]
    fn a_gif_frame_larger_than_the_limit_is_refused_whatever_the_screen() {
        // A 1×1 logical screen holding one 4000×4000 frame.
        let mut gif = b"GIF89a".to_vec();
        gif.extend([1, 0, 1, 0, 0x80, 0, 0]); // screen 1×1, 2-colour table
        gif.extend([0, 0, 0, 255, 255, 255]);
        gif.extend([0x21, 0xF9, 4, 0, 0, 0, 0, 0]); // a graphic control extension
        gif.extend([0x2C, 0, 0, 0, 0, 0xA0, 0x0F, 0xA0, 0x0F, 0]); // 4000×4000
        gif.extend([2, 2, 0x4C, 0x01, 0, 0x3B]);
        let err = decode_image_limited(&gif, None, 100).unwrap_err();
        assert!(
            matches!(
                err,
                Error::TooManyPixels {
                    width: 4000,
                    height: 4000,
                    ..
                }
            ),
            "{err}"
        );
        // The formats' own small GIF still decodes under the same limit.
        let small = encode(ImageFormat::Gif);
        assert!(decode_image_limited(&small, None, 32 * 24).is_ok());
    }

    #[test]
    fn the_load_cost_counts_the_decoded_layout_and_its_eight_bit_copy() {
        let rgb = encode(ImageFormat::Png); // 32×24 RGB8: no copy
        assert_eq!(
            load_cost(&rgb, None, MAX_PIXELS_DEFAULT).unwrap(),
            32 * 24 * 3
        );
        let err = load_cost(&rgb, None, 100).unwrap_err();
        assert!(matches!(err, Error::TooManyPixels { .. }), "{err}");
        let png = |image: DynamicImage| {
            let mut png = Cursor::new(Vec::new());
            image.write_to(&mut png, ImageFormat::Png).unwrap();
            png.into_inner()
        };
        // Gray is kept as gray: no copy.
        let grey = png(image::GrayImage::new(10, 10).into());
        assert_eq!(load_cost(&grey, None, 100).unwrap(), 100);
        // 16-bit: the samples and their 8-bit copy.
        let deep = png(image::ImageBuffer::<image::Luma<u16>, _>::new(10, 10).into());
        assert_eq!(load_cost(&deep, None, 100).unwrap(), 200 + 100);
    }

    #[test]
    fn text_and_empty_input_are_errors() {
        let err = decode_image(b"hello, world\n", Some(Path::new("x.png"))).unwrap_err();
        assert!(err.to_string().contains("not a recognised image"), "{err}");
        let err = decode_image(b"", None).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }
}
