//! Output formats: one renderer per format, each a function of library types
//! (the text formats behind [`write_report`], framed for a run by
//! [`PaletteWriter`]; the pictures in their modules).

pub mod ase;
pub mod barcode;
mod csv;
pub mod font;
pub mod html;
mod json;
pub mod plot;
pub mod swatch;
mod text;
mod writer;

use std::io::{self, Write};

use crate::extract::Options;
use crate::merge::MergeSummary;
use crate::palette::Palette;

/// The longest side of any picture scenepal draws, whatever the input.
pub const MAX_PICTURE_SIDE_PX: u32 = 16384;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// #rrggbb, one per line.
    Hex,
    /// r,g,b, one per line.
    Rgb,
    /// One JSON object with the colours, their fractions and the mse.
    Json,
    /// hex,r,g,b,fraction with a header line.
    Csv,
    /// GIMP palette (.gpl).
    Gpl,
    /// CSS custom properties (--scenepal-1: #rrggbb;).
    Css,
    /// Adobe Swatch Exchange (.ase, binary: to a file or a pipe, never a
    /// terminal); a batch is one file with a group per image.
    Ase,
    /// The merged colour histogram (one JSON document), to merge further
    /// with --from-histograms; with --merge or --from-histograms only.
    Histogram,
}

/// Everything printed about one image (or one merged palette).
#[derive(Clone, Copy, Debug)]
pub struct Report<'a> {
    /// The input as the user named it (`-` for stdin); `None` for a palette
    /// merged from several images.
    pub path: Option<&'a str>,
    /// For a merged palette, what it was made from.
    pub merged: Option<MergeSummary>,
    /// Image width in pixels (`None` for a merged palette).
    pub width: Option<u32>,
    /// Image height in pixels (`None` for a merged palette).
    pub height: Option<u32>,
    /// For a frame of a video: its time in seconds.
    pub time: Option<f64>,
    /// For a frame sampled by shot (or a shot's merged palette): the shot.
    pub shot: Option<crate::record::Shot>,
    /// For a frame of a sampled film: how it was sampled.
    pub sampled: Option<&'a crate::record::Sampled>,
    /// The part of the image counted, when bars were left out.
    pub crop: Option<crate::bars::Crop>,
    /// 1 when every pixel was read; else the reduction of a fast read.
    pub step: u32,
    /// False when the image stands in for the one asked for: a film's
    /// keyframe read for the sample times after it (`--fast`).
    pub exact: bool,
    /// The colour profile the pixels were converted from, if any.
    pub color_profile: Option<&'a str>,
    /// Colours whose pixels were left out of the counted pixels.
    pub exclude: &'a [crate::exclude::Exclusion],
    /// Give each colour its nearest CSS name ([`crate::names`]).
    pub names: bool,
    /// The options the palette was extracted with.
    pub options: &'a Options,
    /// The palette.
    pub palette: &'a Palette,
}

impl<'a> Report<'a> {
    /// The report of `palette`, made with `options` and `exclude`: of no
    /// named image (set `path` and the rest for one, `merged` for a merge),
    /// every pixel read.
    pub fn new(
        palette: &'a Palette,
        options: &'a Options,
        exclude: &'a [crate::exclude::Exclusion],
        names: bool,
    ) -> Self {
        Report {
            path: None,
            merged: None,
            width: None,
            height: None,
            time: None,
            shot: None,
            sampled: None,
            crop: None,
            step: 1,
            exact: true,
            color_profile: None,
            exclude,
            names,
            options,
            palette,
        }
    }
}

/// Whether output describes one image or is one record of many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One palette: hex and rgb print a colour per line, csv has its header.
    Single,
    /// One record per image: hex and rgb print `path<TAB>colours` on one
    /// line, json is one JSON Lines record, csv rows lead with the path (the
    /// header is written once, by [`PaletteWriter::begin`]).
    Batch,
}

impl Format {
    /// True for formats that hold one palette and cannot list many images.
    pub fn holds_one_palette(self) -> bool {
        matches!(self, Format::Gpl | Format::Css)
    }
}

/// A colour block before each hex code, for a terminal: how many colours it
/// shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preview {
    /// No block: plain values.
    Off,
    /// The nearest colour of the xterm 256-colour palette.
    Ansi256,
    /// The exact colour, as a 24-bit escape (terminals that say they have it).
    TrueColor,
}

/// Writes `report` in `format` (the histogram format writes no palette: see
/// [`PaletteWriter::histogram`]). `preview` puts a colour block before each
/// hex code (for terminals only).
pub fn write_report(
    out: &mut impl Write,
    report: &Report,
    format: Format,
    layout: Layout,
    preview: Preview,
) -> io::Result<()> {
    match format {
        Format::Hex => text::write_hex(out, report, layout, preview),
        Format::Rgb => text::write_rgb(out, report, layout),
        Format::Json => json::write_json(out, report),
        Format::Csv => csv::write_csv(out, report, layout),
        Format::Gpl => text::write_gpl(out, report),
        Format::Css => text::write_css(out, report),
        Format::Ase => ase::write_ase(
            out,
            &[ase::AseGroup::of(
                (layout == Layout::Batch).then_some(report.path.unwrap_or("-")),
                report.palette,
                report.names,
            )],
        ),
        Format::Histogram => Ok(()),
    }
}

pub use csv::write_csv_header;
pub use json::write_json_error;
pub use text::write_hex_cells;
pub use writer::PaletteWriter;

/// Encodes a picture as PNG (deterministic: same pixels, same bytes).
pub fn encode_png(picture: &image::DynamicImage, out: &mut dyn Write) -> io::Result<()> {
    use image::ImageEncoder;
    image::codecs::png::PngEncoder::new(out)
        .write_image(
            picture.as_bytes(),
            picture.width(),
            picture.height(),
            picture.color().into(),
        )
        .map_err(|e| match e {
            image::ImageError::IoError(io) => io,
            other => io::Error::other(other),
        })
}

/// `text` with control characters and bidirectional overrides escaped
/// (`\n`, `\t`, `\u{1b}`, `\u{202e}`), so a file name stays on one line,
/// cannot drive a terminal and cannot reorder what is printed around it.
pub fn escape_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_control("a\nb\x1b[31m.png"), "a\\nb\\u{1b}[31m.png");
        assert_eq!(escape_control("plain/ü.jpg"), "plain/ü.jpg");
        assert_eq!(escape_control("a\u{202e}gpj.exe"), "a\\u{202e}gpj.exe");
        assert_eq!(escape_control("\u{7f}\u{9b}"), "\\u{7f}\\u{9b}");
    }
}
