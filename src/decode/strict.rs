//! Each format's strictness: damaged or truncated data is refused rather
//! than decoded into a quietly grey or garbled picture.

use std::io::Cursor;

use image::DynamicImage;

use super::check_pixels;
use crate::error::{sentence, Error, Result};

/// Decodes JPEG data with the decoder the image crate uses (zune-jpeg), but
/// in its strict mode: the image crate's lenient mode turns a damaged scan
/// (an invalid Huffman code, a stray marker, data running out) into a
/// quietly grey or garbled picture, which would then pass for a palette.
/// The one complaint of strict mode that says nothing about the pixels,
/// padding bytes between header segments (which some cameras write), is let
/// through. Greyscale stays grey; every other colour model comes out as RGB.
pub(super) fn decode_jpeg_strictly(bytes: &[u8]) -> Result<DynamicImage> {
    match decode_jpeg(bytes, true) {
        Err(Error::DamagedJpeg(e)) if e.contains("xtra bytes between headers") => {
            decode_jpeg(bytes, false)
        }
        result => result,
    }
}

pub(super) fn decode_jpeg(bytes: &[u8], strict: bool) -> Result<DynamicImage> {
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
pub(super) fn check_gif_frames(bytes: &[u8], max_pixels: u64) -> Result<()> {
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
pub(super) fn decode_png_strictly(bytes: &[u8], max_alloc: u64) -> Result<DynamicImage> {
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
pub(super) fn check_riff_complete(bytes: &[u8]) -> Result<()> {
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
pub(super) fn check_bmp_rle_complete(bytes: &[u8]) -> Result<()> {
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
pub(super) fn check_jpeg_complete(bytes: &[u8]) -> Result<()> {
    let scan_start = first_scan_offset(bytes).ok_or(Error::TruncatedJpeg("no image scan found"))?;
    let has_eoi = bytes[scan_start..].windows(2).any(|w| w == [0xFF, 0xD9]);
    if !has_eoi {
        return Err(Error::TruncatedJpeg("the end-of-image marker is missing"));
    }
    Ok(())
}

/// Walks the marker segments from SOI to the first SOS and returns the offset
/// just past the SOS header.
pub(super) fn first_scan_offset(bytes: &[u8]) -> Option<usize> {
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
