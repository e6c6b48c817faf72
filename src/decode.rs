//! Bytes → decoded image: the decoder is chosen from the content (never the
//! file name, except for TGA which has no signature), damaged data is refused.

use std::io::Cursor;
use std::path::Path;

use crate::error::{sentence, Error, Result};
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// The formats scenepal decodes.
pub const SUPPORTED_FORMATS: [ImageFormat; 9] = [
    ImageFormat::Jpeg,
    ImageFormat::Png,
    ImageFormat::WebP,
    ImageFormat::Gif,
    ImageFormat::Bmp,
    ImageFormat::Tiff,
    ImageFormat::Qoi,
    ImageFormat::Pnm,
    ImageFormat::Tga,
];

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
fn check_pixels(width: u32, height: u32, max_pixels: u64) -> Result<()> {
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
fn every_nth(image: DynamicImage, step: u32) -> DynamicImage {
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

pub(crate) fn detect_format(bytes: &[u8], name: Option<&Path>) -> Result<ImageFormat> {
    match image::guess_format(bytes) {
        Ok(format) if SUPPORTED_FORMATS.contains(&format) => Ok(format),
        Ok(format) => Err(Error::UnsupportedFormat(format_name(format))),
        Err(_) => {
            let is_tga = name
                .and_then(|n| n.extension())
                .is_some_and(|e| e.eq_ignore_ascii_case("tga"));
            if is_tga {
                Ok(ImageFormat::Tga)
            } else {
                Err(Error::UnrecognisedFormat)
            }
        }
    }
}

fn format_name(format: ImageFormat) -> &'static str {
    format
        .extensions_str()
        .first()
        .map_or("image", |e| match *e {
            "jpg" => "JPEG",
            "png" => "PNG",
            "webp" => "WebP",
            "gif" => "GIF",
            "bmp" => "BMP",
            "tiff" | "tif" => "TIFF",
            "qoi" => "QOI",
            "pbm" | "pgm" | "ppm" | "pam" => "PNM",
            "tga" => "TGA",
            other => other,
        })
}

/// Decodes JPEG data with the decoder the image crate uses (zune-jpeg), but
/// in its strict mode: the image crate's lenient mode turns a damaged scan
/// (an invalid Huffman code, a stray marker, data running out) into a
/// quietly grey or garbled picture, which would then pass for a palette.
/// The one complaint of strict mode that says nothing about the pixels,
/// padding bytes between header segments (which some cameras write), is let
/// through. Greyscale stays grey; every other colour model comes out as RGB.
fn decode_jpeg_strictly(bytes: &[u8]) -> Result<DynamicImage> {
    match decode_jpeg(bytes, true) {
        Err(Error::DamagedJpeg(e)) if e.contains("xtra bytes between headers") => {
            decode_jpeg(bytes, false)
        }
        result => result,
    }
}

fn decode_jpeg(bytes: &[u8], strict: bool) -> Result<DynamicImage> {
    use zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};
    let fail = |e: zune_jpeg::errors::DecodeErrors| Error::DamagedJpeg(sentence(&e.to_string()));
    let options = DecoderOptions::default()
        .set_strict_mode(strict)
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(fail)?;
    let grey = matches!(
        decoder.input_colorspace(),
        Some(ColorSpace::Luma | ColorSpace::LumaA)
    );
    let out = if grey {
        ColorSpace::Luma
    } else {
        ColorSpace::RGB
    };
    decoder.set_options(options.jpeg_set_out_colorspace(out));
    let (w, h) = decoder
        .dimensions()
        .map(|(w, h)| (w as u32, h as u32))
        .ok_or_else(|| Error::DamagedJpeg("no frame header".to_owned()))?;
    let data = decoder.decode().map_err(fail)?;
    let image = if grey {
        image::GrayImage::from_raw(w, h, data).map(DynamicImage::ImageLuma8)
    } else {
        image::RgbImage::from_raw(w, h, data).map(DynamicImage::ImageRgb8)
    };
    image.ok_or_else(|| Error::DamagedJpeg("the decoder returned too few pixels".to_owned()))
}

/// A GIF declares a logical screen and, per frame, the frame's own size,
/// which decoders allocate whatever the screen says: every frame's size is
/// held to the pixel limit before decoding. A stream too damaged to walk is
/// left to the decoder to refuse.
fn check_gif_frames(bytes: &[u8], max_pixels: u64) -> Result<()> {
    let byte = |i: usize| bytes.get(i).copied();
    let word = |i: usize| Some(u16::from_le_bytes([byte(i)?, byte(i + 1)?]) as u32);
    let table = |flags: u8| {
        if flags & 0x80 != 0 {
            3usize << ((flags & 7) + 1)
        } else {
            0
        }
    };
    // Data sub-blocks: a length byte, that many bytes, until a zero length.
    let skip_blocks = |mut i: usize| -> Option<usize> {
        loop {
            let len = byte(i)? as usize;
            i += 1 + len;
            if len == 0 {
                return Some(i);
            }
        }
    };
    let Some(flags) = byte(10) else { return Ok(()) };
    let mut i = 13 + table(flags);
    while let Some(kind) = byte(i) {
        match kind {
            0x21 => match skip_blocks(i + 2) {
                Some(next) => i = next,
                None => break,
            },
            0x2C => {
                let (Some(width), Some(height), Some(frame_flags)) =
                    (word(i + 5), word(i + 7), byte(i + 9))
                else {
                    break;
                };
                check_pixels(width, height, max_pixels)?;
                // Descriptor, local colour table, LZW code size, image data.
                match skip_blocks(i + 10 + table(frame_flags) + 1) {
                    Some(next) => i = next,
                    None => break,
                }
            }
            _ => break, // the trailer, or damage the decoder will report
        }
    }
    Ok(())
}

/// Decodes PNG with every checksum verified: the CRC of every chunk
/// (ancillary ones too: the image crate skips a `tRNS` whose CRC fails, and
/// the transparency silently goes) and the zlib stream's Adler-32, and the
/// chunks after the image data read to the end. Pixels come out with 8 bits
/// a channel (palettes and low bit depths expanded, 16-bit samples rounded
/// as the image crate rounds them), so the peak is the decoded samples alone.
fn decode_png_strictly(bytes: &[u8], max_alloc: u64) -> Result<DynamicImage> {
    use png::{BitDepth, ColorType};
    let fail = |e: png::DecodingError| Error::Damaged {
        format: "PNG",
        reason: png_reason(&e),
    };
    let mut options = png::DecodeOptions::default();
    options.set_ignore_crc(false);
    options.set_ignore_adler32(false);
    options.set_skip_ancillary_crc_failures(false);
    let mut decoder = png::Decoder::new_with_options(Cursor::new(bytes), options);
    decoder.set_limits(png::Limits {
        bytes: usize::try_from(max_alloc).unwrap_or(usize::MAX),
    });
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(fail)?;
    let size = reader.output_buffer_size().ok_or_else(|| Error::Damaged {
        format: "PNG",
        reason: "the image is too large to hold".to_owned(),
    })?;
    let mut buf = Vec::new();
    buf.try_reserve_exact(size).map_err(|_| Error::Damaged {
        format: "PNG",
        reason: format!("no memory for {size} bytes of pixels"),
    })?;
    if reader.info().interlaced {
        buf.resize(size, 0);
        reader.next_frame(&mut buf).map_err(fail)?;
    } else {
        // Row by row into reserved, untouched memory: a header that
        // announces a large image over little data costs only the rows the
        // data really holds.
        while let Some(row) = reader.next_row().map_err(fail)? {
            buf.extend_from_slice(row.data());
        }
    }
    reader.finish().map_err(fail)?;
    let (w, h) = (reader.info().width, reader.info().height);
    let (color_type, bit_depth) = reader.output_color_type();
    if bit_depth == BitDepth::Sixteen {
        // Rounded to 8 bits in place, as the image crate rounds them
        // (round(v × 255 / 65535)): no second buffer of 16-bit samples.
        let samples = buf.len() / 2;
        for i in 0..samples {
            let v = u16::from_be_bytes([buf[2 * i], buf[2 * i + 1]]) as u32;
            buf[i] = ((v + 128) / 257) as u8;
        }
        buf.truncate(samples);
        buf.shrink_to_fit();
    }
    let image = match color_type {
        ColorType::Grayscale => image::GrayImage::from_raw(w, h, buf).map(DynamicImage::ImageLuma8),
        ColorType::GrayscaleAlpha => {
            image::GrayAlphaImage::from_raw(w, h, buf).map(DynamicImage::ImageLumaA8)
        }
        ColorType::Rgb => image::RgbImage::from_raw(w, h, buf).map(DynamicImage::ImageRgb8),
        ColorType::Rgba => image::RgbaImage::from_raw(w, h, buf).map(DynamicImage::ImageRgba8),
        ColorType::Indexed => None,
    };
    image.ok_or_else(|| Error::Damaged {
        format: "PNG",
        reason: "the decoder returned pixels that do not fill the image".to_owned(),
    })
}

/// A PNG decoder's error as a sentence: no debug structures.
fn png_reason(e: &png::DecodingError) -> String {
    let text = e.to_string();
    if text.contains("CRC error") || text.contains("CrcMismatch") {
        let chunk = text
            .split("chunk ")
            .nth(1)
            .and_then(|rest| rest.get(..4))
            .filter(|name| name.chars().all(|c| c.is_ascii_alphabetic()));
        return match chunk {
            Some(name) => format!("the {name} chunk fails its checksum (CRC)"),
            None => "a chunk fails its checksum (CRC)".to_owned(),
        };
    }
    let lower = text.to_lowercase();
    if lower.contains("adler") || (lower.contains("deflate") && lower.contains("checksum")) {
        return "the compressed image data fails its checksum (Adler-32)".to_owned();
    }
    if lower.contains("unexpected end") || lower.contains("eof") || lower.contains("enough data") {
        return "the file ends before the image does (truncated)".to_owned();
    }
    if lower.contains("deflate") {
        return "the compressed image data is damaged".to_owned();
    }
    sentence(&text)
}

/// A WebP file's RIFF header states the length of what follows it; a file
/// shorter than that was cut (the decoder would call it a corrupt bitstream,
/// or not notice when the cut falls in metadata).
fn check_riff_complete(bytes: &[u8]) -> Result<()> {
    let stated = bytes
        .get(4..8)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64 + 8);
    match stated {
        Some(len) if (bytes.len() as u64) < len => Err(Error::Damaged {
            format: "WebP",
            reason: "the file ends before the image does (truncated)".to_owned(),
        }),
        _ => Ok(()),
    }
}

/// An RLE-compressed BMP (RLE8 or RLE4) must give every pixel a colour: the
/// BMP decoder paints pixels the data never reaches black and reports
/// success, whether the file was cut or its codes skip pixels (a delta, an
/// early end of line or of bitmap: "undefined" in the format, so no colour
/// of them can be right). Other BMPs pass unchecked here.
fn check_bmp_rle_complete(bytes: &[u8]) -> Result<()> {
    let u32_at = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    // BITMAPINFOHEADER and its successors (40 bytes or more) hold a
    // compression field; the old 12-byte core header has none.
    let (Some(offset), Some(header), Some(width), Some(height), Some(compression)) =
        (u32_at(10), u32_at(14), u32_at(18), u32_at(22), u32_at(30))
    else {
        return Ok(());
    };
    let four_bit = match compression {
        1 => false,
        2 => true,
        _ => return Ok(()),
    };
    if header < 40 {
        return Ok(());
    }
    // Top-down (negative height) RLE is invalid; the decoder refuses it.
    let (width, height) = (width as i32, height as i32);
    if width <= 0 || height <= 0 {
        return Ok(());
    }
    let (width, height) = (width as u64, height as u64);
    let damaged = |reason: String| Error::Damaged {
        format: "BMP",
        reason,
    };
    let data = bytes.get(offset as usize..).unwrap_or_default();
    let (mut x, mut y, mut defined, mut pos) = (0u64, 0u64, 0u64, 0usize);
    // Pixels written inside the image (runs past a row's end are clipped).
    let mut paint = |x: &mut u64, y: u64, n: u64| {
        if y < height && *x < width {
            defined += n.min(width - *x);
        }
        *x += n;
    };
    let ended = loop {
        let (Some(&count), Some(&code)) = (data.get(pos), data.get(pos + 1)) else {
            break false;
        };
        pos += 2;
        match (count, code) {
            (0, 0) => {
                x = 0;
                y += 1;
            }
            (0, 1) => break true,
            (0, 2) => {
                let (Some(&dx), Some(&dy)) = (data.get(pos), data.get(pos + 1)) else {
                    break false;
                };
                pos += 2;
                x += u64::from(dx);
                y += u64::from(dy);
            }
            (0, n) => {
                // Absolute mode: n pixels, padded to a 16-bit boundary.
                let n = u64::from(n);
                let stored = if four_bit { n.div_ceil(2) } else { n } as usize;
                if data.len() < pos + stored {
                    break false;
                }
                pos += stored + stored % 2;
                paint(&mut x, y, n);
            }
            (n, _) => paint(&mut x, y, u64::from(n)),
        }
    };
    let total = width * height;
    // Every pixel painted is whole, even without the end-of-bitmap code
    // some writers leave out.
    if defined == total {
        return Ok(());
    }
    Err(damaged(if ended {
        format!(
            "its RLE data leaves {} of {total} pixels without a colour (skipped, or ended early)",
            total - defined
        )
    } else {
        "the file ends before the image does (truncated RLE data)".to_owned()
    }))
}

/// The JPEG decoder fills a truncated scan with grey and reports success, so
/// a complete file is recognised by its end-of-image marker after the first
/// scan. Entropy-coded data escapes every 0xFF byte, so `FF D9` there can only
/// be the marker itself.
fn check_jpeg_complete(bytes: &[u8]) -> Result<()> {
    let scan_start = first_scan_offset(bytes).ok_or(Error::TruncatedJpeg("no image scan found"))?;
    let has_eoi = bytes[scan_start..].windows(2).any(|w| w == [0xFF, 0xD9]);
    if !has_eoi {
        return Err(Error::TruncatedJpeg("the end-of-image marker is missing"));
    }
    Ok(())
}

/// Walks the marker segments from SOI to the first SOS and returns the offset
/// just past the SOS header.
fn first_scan_offset(bytes: &[u8]) -> Option<usize> {
    let mut pos = 2; // after SOI
    loop {
        // Stray bytes between segments (some writers pad there) are skipped,
        // as decoders do; markers may be preceded by any number of 0xFF
        // fill bytes.
        while *bytes.get(pos)? != 0xFF {
            pos += 1;
        }
        while *bytes.get(pos)? == 0xFF && *bytes.get(pos + 1)? == 0xFF {
            pos += 1;
        }
        let marker = *bytes.get(pos + 1)?;
        pos += 2;
        // Standalone markers carry no length.
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            continue;
        }
        let len = u16::from_be_bytes([*bytes.get(pos)?, *bytes.get(pos + 1)?]) as usize;
        if len < 2 {
            return None;
        }
        pos += len;
        if marker == 0xDA {
            return (pos <= bytes.len()).then_some(pos);
        }
    }
}

#[cfg(test)]
mod tests {
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
