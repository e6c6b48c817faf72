//! The movie barcode: one column per still, in input order. The classic
//! barcode squeezes each frame into one colour (its mean); a column can also
//! be the still's dominant palette colour, or its palette stacked by
//! lightness.

use image::{Rgba, RgbaImage};

use super::MAX_PICTURE_SIDE_PX;
use crate::color::{cmp_lightness, Rgb};

/// Default height of a barcode picture.
pub const BARCODE_HEIGHT_PX: u32 = 400;
/// Default width: fewer stills than this are widened to it, more get one
/// pixel column each.
pub const BARCODE_MIN_WIDTH_PX: u32 = 1000;

/// What each column shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum BarcodeStyle {
    /// The still's mean colour, the classic movie barcode.
    Mean,
    /// The still's dominant palette colour (its largest share).
    Dominant,
    /// The still's palette, lightest at the top, each colour as tall as its share.
    Stacked,
}

/// One still's part of the barcode.
#[derive(Clone, Debug, PartialEq)]
pub struct BarcodeStill {
    /// The mean colour of its counted pixels.
    pub mean: Rgb,
    /// Its palette as (colour, fraction), in any order.
    pub palette: Vec<(Rgb, f64)>,
}

/// One column per input: `None` for an input that failed, whose column stays
/// transparent so the others keep their place.
pub type BarcodeColumn = Option<BarcodeStill>;

/// How to draw a barcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BarcodeOptions {
    /// What each column shows.
    pub style: BarcodeStyle,
    /// Picture width (default: one pixel column per still, at least
    /// [`BARCODE_MIN_WIDTH_PX`]); at most [`MAX_PICTURE_SIDE_PX`].
    pub width: Option<u32>,
    /// Picture height, at most [`MAX_PICTURE_SIDE_PX`].
    pub height: u32,
}

/// The picture's width for `stills` stills.
pub fn barcode_width(stills: usize, opts: &BarcodeOptions) -> u32 {
    let default = (stills.min(MAX_PICTURE_SIDE_PX as usize) as u32).max(BARCODE_MIN_WIDTH_PX);
    opts.width.unwrap_or(default).clamp(1, MAX_PICTURE_SIDE_PX)
}

/// One still's column, top to bottom, `height` pixels.
fn column(still: &BarcodeStill, style: BarcodeStyle, height: u32) -> Vec<Rgb> {
    let dominant = || {
        still
            .palette
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(cmp_lightness(b.0, a.0)))
            .map_or(still.mean, |c| c.0)
    };
    match style {
        BarcodeStyle::Mean => vec![still.mean; height as usize],
        BarcodeStyle::Dominant => vec![dominant(); height as usize],
        BarcodeStyle::Stacked => {
            let mut colors = still.palette.clone();
            colors.sort_by(|a, b| cmp_lightness(b.0, a.0));
            let total: f64 = colors.iter().map(|c| c.1).sum();
            let mut out = Vec::with_capacity(height as usize);
            let mut cumulative = 0.0;
            for (j, &(rgb, f)) in colors.iter().enumerate() {
                cumulative += f;
                let end = if j + 1 == colors.len() {
                    height
                } else {
                    (height as f64 * cumulative / total.max(f64::MIN_POSITIVE)).round() as u32
                };
                out.resize(end.max(out.len() as u32) as usize, rgb);
            }
            out.resize(height as usize, still.mean);
            out
        }
    }
}

/// Draws the barcode. Stills are spread evenly over the width: with fewer
/// stills than pixel columns each still spans several columns; with more,
/// each pixel column is the mean of the stills it covers.
pub fn render_barcode(stills: &[BarcodeColumn], opts: &BarcodeOptions) -> RgbaImage {
    let width = barcode_width(stills.len(), opts);
    let height = opts.height.clamp(1, MAX_PICTURE_SIDE_PX);
    let n = stills.len();
    let mut img = RgbaImage::new(width, height);
    if n == 0 {
        return img;
    }
    for x in 0..width {
        let first = x as usize * n / width as usize;
        let end = ((x as usize + 1) * n / width as usize).max(first + 1);
        let columns: Vec<Vec<Rgb>> = stills[first..end]
            .iter()
            .flatten()
            .map(|s| column(s, opts.style, height))
            .collect();
        if columns.is_empty() {
            continue;
        }
        for y in 0..height as usize {
            let mut sum = [0u32; 3];
            for c in &columns {
                for (acc, v) in sum.iter_mut().zip(c[y]) {
                    *acc += v as u32;
                }
            }
            let k = columns.len() as u32;
            let [r, g, b] = sum.map(|s| ((s + k / 2) / k) as u8);
            img.put_pixel(x, y as u32, Rgba([r, g, b, 255]));
        }
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    fn still(mean: Rgb, palette: &[(Rgb, f64)]) -> BarcodeColumn {
        Some(BarcodeStill {
            mean,
            palette: palette.to_vec(),
        })
    }

    fn opts(style: BarcodeStyle, width: Option<u32>) -> BarcodeOptions {
        BarcodeOptions {
            style,
            width,
            height: 100,
        }
    }

    #[test]
    fn stacked_columns_put_the_lightest_colour_on_top_by_share() {
        let stills = [
            still([1, 1, 1], &[([0, 0, 0], 0.25), ([250, 250, 250], 0.75)]),
            None,
        ];
        let img = render_barcode(&stills, &opts(BarcodeStyle::Stacked, None));
        assert_eq!(img.dimensions(), (1000, 100));
        assert_eq!(img.get_pixel(10, 0).0, [250, 250, 250, 255]);
        assert_eq!(img.get_pixel(10, 74).0, [250, 250, 250, 255]);
        assert_eq!(img.get_pixel(10, 75).0, [0, 0, 0, 255]);
        assert_eq!(
            img.get_pixel(600, 10).0[3],
            0,
            "a failed input leaves a transparent column"
        );
    }

    #[test]
    fn mean_and_dominant_columns_are_one_colour() {
        let stills = [still([9, 8, 7], &[([0, 0, 0], 0.25), ([200, 0, 0], 0.75)])];
        let mean = render_barcode(&stills, &opts(BarcodeStyle::Mean, Some(3)));
        assert!(mean.pixels().all(|p| p.0 == [9, 8, 7, 255]));
        let dominant = render_barcode(&stills, &opts(BarcodeStyle::Dominant, Some(3)));
        assert!(dominant.pixels().all(|p| p.0 == [200, 0, 0, 255]));
    }

    #[test]
    fn the_width_is_exact_and_many_stills_share_a_column() {
        let seven: Vec<BarcodeColumn> = (0..7).map(|i| still([i * 30, 0, 0], &[])).collect();
        assert_eq!(
            render_barcode(&seven, &opts(BarcodeStyle::Mean, None)).width(),
            1000
        );
        let four: Vec<BarcodeColumn> = [0, 100, 200, 250].map(|v| still([v, 0, 0], &[])).into();
        let img = render_barcode(&four, &opts(BarcodeStyle::Mean, Some(2)));
        assert_eq!(img.get_pixel(0, 0).0, [50, 0, 0, 255]);
        assert_eq!(img.get_pixel(1, 0).0, [225, 0, 0, 255]);
        let many = vec![still([1, 2, 3], &[]); 5000];
        assert_eq!(
            barcode_width(many.len(), &opts(BarcodeStyle::Mean, None)),
            5000
        );
        let huge = BarcodeOptions {
            height: u32::MAX,
            ..opts(BarcodeStyle::Mean, Some(u32::MAX))
        };
        assert_eq!(barcode_width(3, &huge), MAX_PICTURE_SIDE_PX);
    }
}
