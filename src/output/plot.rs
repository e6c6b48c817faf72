//! The pixel cloud: a 3-D scatter of a sample of the image's pixels inside
//! the RGB cube, each point in its own colour, the palette as large outlined
//! markers. Drawn with plotters as PNG or SVG.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font::FONT_TTF;
use super::swatch::label_color;
use crate::color::Rgb;
use crate::error::{Error, Result};

/// Picture size in pixels.
pub const PLOT_SIZE_PX: (u32, u32) = (1000, 900);
/// Pixels drawn in the cloud (the recipe's scatter uses a few thousand).
pub const PLOT_SAMPLE_PX: usize = 4000;
/// Radius of a palette marker.
const PALETTE_MARKER_PX: i32 = 11;
/// The font family name the plot's text uses, bound to the embedded font.
const FAMILY: &str = "sans-serif";

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded font is known to parse (tested in output::font).
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT_TTF);
    });
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    sample: &[Rgb],
    palette: &[Rgb],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let fail = |e: DrawingAreaErrorKind<DB::ErrorType>| Error::Draw {
        what: "plot",
        reason: e.to_string(),
    };
    root.fill(&WHITE).map_err(fail)?;
    let mut chart = ChartBuilder::on(root)
        .margin(30)
        .caption("Pixels in RGB space", (FAMILY, 28))
        .build_cartesian_3d(0.0..255.0, 0.0..255.0, 0.0..255.0)
        .map_err(fail)?;
    chart.with_projection(|mut p| {
        p.yaw = 0.6;
        p.pitch = 0.3;
        p.scale = 0.8;
        p.into_matrix()
    });
    let whole = |v: &f64| format!("{v:.0}");
    chart
        .configure_axes()
        .x_labels(4)
        .y_labels(6)
        .z_labels(4)
        .x_formatter(&whole)
        .y_formatter(&whole)
        .z_formatter(&whole)
        .label_style((FAMILY, 15))
        .light_grid_style(BLACK.mix(0.08))
        .max_light_lines(4)
        .draw()
        .map_err(fail)?;
    // Axis names beside the edges that carry each axis's tick labels: x is
    // red, y (up) blue, z green.
    let names = [
        ("R", (128.0, -30.0, 320.0)),
        ("G", (320.0, -30.0, 128.0)),
        ("B", (-40.0, 150.0, 330.0)),
    ];
    chart
        .draw_series(
            names
                .iter()
                .map(|&(t, pos)| Text::new(t, pos, (FAMILY, 26).into_font().color(&BLACK))),
        )
        .map_err(fail)?;
    let to_point = |c: Rgb| (c[0] as f64, c[2] as f64, c[1] as f64);
    chart
        .draw_series(
            sample
                .iter()
                .map(|&c| Circle::new(to_point(c), 2, rgb(c).filled())),
        )
        .map_err(fail)?;
    for &c in palette {
        let outline = label_color(c);
        chart
            .draw_series([
                Circle::new(to_point(c), PALETTE_MARKER_PX + 2, rgb(outline).filled()),
                Circle::new(to_point(c), PALETTE_MARKER_PX, rgb(c).filled()),
            ])
            .map_err(fail)?;
    }
    root.present().map_err(fail)
}

/// Renders the plot as an RGB8 buffer of [`PLOT_SIZE_PX`].
pub fn render_plot_png(sample: &[Rgb], palette: &[Rgb]) -> Result<image::RgbImage> {
    register_font();
    let (w, h) = PLOT_SIZE_PX;
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw(&root, sample, palette)?;
    }
    image::RgbImage::from_raw(w, h, buf).ok_or_else(|| Error::Draw {
        what: "plot",
        reason: "the buffer has the wrong size".to_owned(),
    })
}

/// Renders the plot as an SVG document.
pub fn render_plot_svg(sample: &[Rgb], palette: &[Rgb]) -> Result<String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, PLOT_SIZE_PX).into_drawing_area();
        draw(&root, sample, palette)?;
    }
    Ok(svg)
}
