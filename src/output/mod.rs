//! Output formats: one module per format behind [`write_report`].

mod csv;
pub mod font;
mod json;
pub mod plot;
pub mod swatch;
mod text;

use std::io::{self, Write};

use clap::ValueEnum;

use crate::{Options, Palette};

/// Decimals printed for fractions: enough to tell 1 pixel in a megapixel.
pub const FRACTION_DECIMALS: usize = 6;
/// Decimals printed for mse.
pub const MSE_DECIMALS: usize = 3;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `#rrggbb`, one per line.
    Hex,
    /// `r,g,b`, one per line.
    Rgb,
    /// One JSON object with the colours, their fractions and the mse.
    Json,
    /// `hex,r,g,b,fraction` with a header line.
    Csv,
    /// GIMP palette (.gpl).
    Gpl,
    /// CSS custom properties (`--scenepal-1: #rrggbb;`).
    Css,
}

/// Everything printed about one image.
#[derive(Clone, Copy, Debug)]
pub struct Report<'a> {
    /// The input as the user named it (`-` for stdin).
    pub path: &'a str,
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// The options the palette was extracted with.
    pub options: &'a Options,
    /// The palette.
    pub palette: &'a Palette,
}

/// Writes `report` in `format`. `preview` puts a 24-bit colour block before
/// each line of hex output (for terminals only).
pub fn write_report(
    out: &mut impl Write,
    report: &Report,
    format: Format,
    preview: bool,
) -> io::Result<()> {
    match format {
        Format::Hex => text::write_hex(out, report, preview),
        Format::Rgb => text::write_rgb(out, report),
        Format::Json => json::write_json(out, report),
        Format::Csv => csv::write_csv(out, report),
        Format::Gpl => text::write_gpl(out, report),
        Format::Css => text::write_css(out, report),
    }
}

/// Encodes an RGB8 picture as PNG (deterministic: same pixels, same bytes).
pub fn encode_png(picture: &image::RgbImage, out: &mut dyn Write) -> io::Result<()> {
    use image::ImageEncoder;
    image::codecs::png::PngEncoder::new(out)
        .write_image(
            picture.as_raw(),
            picture.width(),
            picture.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| match e {
            image::ImageError::IoError(io) => io,
            other => io::Error::other(other),
        })
}
