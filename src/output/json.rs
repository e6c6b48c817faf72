//! JSON: one object per image (schema 1).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::value::RawValue;

use super::{Report, FRACTION_DECIMALS, MSE_DECIMALS};
use crate::color::to_hex;

/// Version of the JSON layout; raised when a field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON document for one image.
#[derive(Serialize)]
struct ImageJson<'a> {
    /// Layout version.
    schema: u32,
    /// Input as named on the command line (`-` for stdin); null for a merged palette.
    path: Option<&'a str>,
    /// For a merged palette: the number of images merged.
    #[serde(skip_serializing_if = "Option::is_none")]
    images: Option<usize>,
    /// Image width in pixels (absent for a merged palette).
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    /// Image height in pixels (absent for a merged palette).
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    /// Counted pixels (alpha at or above the threshold).
    pixels: u64,
    /// Requested number of colours.
    k: usize,
    /// `kmeans` or `bucket`.
    algorithm: &'static str,
    /// Clustering space.
    space: &'static str,
    /// k-means seed.
    seed: u64,
    /// Order of `colors`.
    sort: &'static str,
    /// The palette.
    colors: Vec<ColorJson>,
    /// Mean squared sRGB distance to the nearest palette colour.
    mse: Box<RawValue>,
}

#[derive(Serialize)]
struct ColorJson {
    /// `#rrggbb`.
    hex: String,
    /// `[r, g, b]`, 0-255.
    rgb: [u8; 3],
    /// Share of counted pixels nearest to this colour.
    fraction: Box<RawValue>,
}

/// A number printed with exactly `decimals` decimals, so the bytes are stable.
fn fixed(value: f64, decimals: usize) -> Box<RawValue> {
    let text = if value.is_finite() {
        format!("{value:.decimals$}")
    } else {
        "null".to_owned()
    };
    RawValue::from_string(text).expect("a formatted finite number is valid JSON")
}

/// One line of JSON followed by a newline.
pub fn write_json(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let o = report.options;
    let doc = ImageJson {
        schema: SCHEMA_VERSION,
        path: report.path,
        images: report.images,
        width: report.width,
        height: report.height,
        pixels: report.palette.pixels,
        k: o.k,
        algorithm: o.algorithm.name(),
        space: o.space.name(),
        seed: o.seed,
        sort: o.sort.name(),
        colors: report
            .palette
            .colors
            .iter()
            .map(|s| ColorJson {
                hex: to_hex(s.rgb),
                rgb: s.rgb,
                fraction: fixed(s.fraction, FRACTION_DECIMALS),
            })
            .collect(),
        mse: fixed(report.palette.mse, MSE_DECIMALS),
    };
    serde_json::to_writer(&mut *out, &doc)?;
    writeln!(out)
}

/// The JSON Lines record of an input that failed: `{"path": ..., "error": ...}`.
pub fn write_json_error(out: &mut impl Write, path: &str, error: &str) -> io::Result<()> {
    #[derive(Serialize)]
    struct ErrorJson<'a> {
        path: &'a str,
        error: &'a str,
    }
    serde_json::to_writer(&mut *out, &ErrorJson { path, error })?;
    writeln!(out)
}
