//! Writing a palette's pictures (swatch, plot, barcode) through atomic writes.

use std::path::Path;

use anyhow::Result;
use scenepal::image::{DynamicImage, RgbImage};
use scenepal::output::encode_png;
use scenepal::output::plot::{render_plot_png, render_plot_svg};
use scenepal::output::swatch::{render_swatch, SwatchOptions};
use scenepal::{Palette, Rgb};

use super::explain::explain;
use super::input::path_text;
use super::write::write_output;

/// A failure: what to name (an input, or an output file, as [`path_text`];
/// control characters are escaped only when it is printed to stderr) and why.
pub type Failure = (String, anyhow::Error);

/// Writes `picture` to `target` as PNG.
pub fn write_picture_png(target: &Path, picture: &DynamicImage) -> Result<()> {
    write_output(target, |w| encode_png(picture, w))
}

/// Draws and writes a swatch picture.
pub fn write_swatch(
    target: &Path,
    palette: &Palette,
    preview: Option<&RgbImage>,
    opts: &SwatchOptions,
) -> Result<(), Failure> {
    let picture = DynamicImage::ImageRgb8(render_swatch(palette, preview, opts));
    write_picture_png(target, &picture).map_err(|e| (path_text(target), e))
}

/// Draws and writes the pixel cloud: SVG for a `.svg` target, else PNG.
pub fn write_plot(target: &Path, palette: &Palette, sample: &[Rgb]) -> Result<(), Failure> {
    let colors: Vec<_> = palette.colors.iter().map(|s| s.rgb).collect();
    let is_svg = target
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    let written = if is_svg {
        render_plot_svg(sample, &colors)
            .map_err(explain)
            .and_then(|svg| write_output(target, |w| w.write_all(svg.as_bytes())))
    } else {
        render_plot_png(sample, &colors)
            .map_err(explain)
            .and_then(|png| write_picture_png(target, &DynamicImage::ImageRgb8(png)))
    };
    written.map_err(|e| (path_text(target), e))
}
