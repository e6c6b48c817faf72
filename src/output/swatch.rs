//! The swatch picture: the image with its palette bar under it (card), or the
//! bar alone (strip). Every cell is labelled with its hex code in black or
//! white, whichever contrasts more with the cell.

use image::{Rgb, RgbImage};

use super::font::{draw_text_centered, text_width};
use crate::color::to_hex;
use crate::names::nearest_name;
use crate::palette::Palette;

/// Default width of a swatch picture.
pub const DEFAULT_SWATCH_WIDTH_PX: u32 = 1000;
/// Narrowest cell: wide enough for a legible `#rrggbb` label.
pub const MIN_CELL_PX: u32 = 64;
/// Smallest label size.
const MIN_LABEL_PX: f32 = 11.0;
/// Padding either side of a label inside its cell.
const LABEL_PAD_PX: f32 = 4.0;

/// What the swatch picture shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum SwatchStyle {
    /// The image, scaled to the swatch width, with the palette bar under it.
    Card,
    /// The palette bar alone.
    Strip,
}

/// How to draw a swatch picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwatchOptions {
    /// Card or strip.
    pub style: SwatchStyle,
    /// Picture width in pixels (at least [`MIN_CELL_PX`] × 3).
    pub width: u32,
    /// One row of cells whose widths follow the colours' fractions.
    pub proportional: bool,
    /// Each colour's CSS name under its hex code, where it fits.
    pub names: bool,
}

/// One palette cell's rectangle, `x0..x1` × `y0..y1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Palette index of the colour.
    pub index: usize,
    /// Left edge (inclusive).
    pub x0: u32,
    /// Right edge (exclusive).
    pub x1: u32,
    /// Top edge (inclusive).
    pub y0: u32,
    /// Bottom edge (exclusive).
    pub y1: u32,
}

/// Height of one row of cells for a picture `width` pixels wide.
pub fn row_height(width: u32) -> u32 {
    (width / 8).max(56)
}

/// Lays out cells for colours with the given fractions, rows starting at
/// `top`, colours in palette order, left to right.
///
/// Plain: cells of one width, as few rows as keep every cell at least
/// [`MIN_CELL_PX`] wide, rows filled evenly; a shorter last row keeps the
/// same cell width and leaves the rest of its row empty.
/// Proportional: one row, each cell's width its fraction of the picture's
/// (cell edges rounded to the pixel, so every width is within a pixel of
/// its share; a colour too small for a pixel gets an empty cell).
pub fn layout(fractions: &[f64], width: u32, top: u32, proportional: bool) -> Vec<Cell> {
    let k = fractions.len();
    if k == 0 {
        return Vec::new();
    }
    let row_h = row_height(width);
    let total: f64 = fractions.iter().sum();
    if proportional && total > 0.0 {
        let mut cumulative = 0.0;
        let mut x0 = 0;
        return fractions
            .iter()
            .enumerate()
            .map(|(index, &f)| {
                cumulative += f;
                let x1 = if index + 1 == k {
                    width
                } else {
                    ((width as f64 * cumulative / total).round() as u32).min(width)
                };
                let cell = Cell {
                    index,
                    x0,
                    x1: x1.max(x0),
                    y0: top,
                    y1: top + row_h,
                };
                x0 = cell.x1;
                cell
            })
            .collect();
    }
    let per_row = cells_per_row(k, width);
    (0..k)
        .map(|index| {
            let (row, col) = ((index / per_row) as u32, (index % per_row) as u64);
            let edge = |c: u64| (c * width as u64 / per_row as u64) as u32;
            Cell {
                index,
                x0: edge(col),
                x1: edge(col + 1),
                y0: top + row * row_h,
                y1: top + (row + 1) * row_h,
            }
        })
        .collect()
}

/// Cells in each row of a plain layout: rows as few as keep cells at least
/// [`MIN_CELL_PX`] wide, filled evenly.
fn cells_per_row(k: usize, width: u32) -> usize {
    let max_per_row = (width / MIN_CELL_PX).max(1) as usize;
    k.div_ceil(k.div_ceil(max_per_row))
}

/// WCAG relative luminance of an sRGB8 colour.
fn relative_luminance(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

/// Black or white, whichever has the higher WCAG contrast ratio on `bg`.
pub fn label_color(bg: [u8; 3]) -> [u8; 3] {
    let l = relative_luminance(bg);
    let on_white = 1.05 / (l + 0.05);
    let on_black = (l + 0.05) / 0.05;
    if on_black >= on_white {
        [0, 0, 0]
    } else {
        [255, 255, 255]
    }
}

/// Draws the swatch picture. `preview` (from
/// [`scaled_preview`](crate::pixels::scaled_preview)) is the top
/// of a card and is ignored for a strip.
pub fn render_swatch(
    palette: &Palette,
    preview: Option<&RgbImage>,
    opts: &SwatchOptions,
) -> RgbImage {
    let top_image = preview.filter(|_| opts.style == SwatchStyle::Card);
    let top = top_image.map_or(0, |p| p.height());
    let fractions: Vec<f64> = palette.colors.iter().map(|s| s.fraction).collect();
    let cells = layout(&fractions, opts.width, top, opts.proportional);
    let bottom = cells.iter().map(|c| c.y1).max().unwrap_or(top);
    // White shows where a shorter last row leaves its row empty.
    let mut img = RgbImage::from_pixel(opts.width, bottom, Rgb([255, 255, 255]));
    if let Some(p) = top_image {
        image::imageops::replace(&mut img, p, 0, 0);
    }
    // One label size for every cell: what fits a plain layout's cell.
    let plain_cell = opts.width as f32 / cells_per_row(cells.len(), opts.width).max(1) as f32;
    let row_h = row_height(opts.width) as f32;
    let fit = (plain_cell - 2.0 * LABEL_PAD_PX) / text_width("#000000", 1.0);
    let px = fit.min(row_h * 0.22).max(MIN_LABEL_PX);
    // Names share one size too: what the longest one needs, at most 0.8 of
    // the hex codes' (a cell too small for a name shows its hex code alone).
    let longest = palette
        .colors
        .iter()
        .map(|s| text_width(nearest_name(s.rgb), 1.0))
        .fold(0.0, f32::max);
    // (Cells of a plain layout are whole pixels, some a pixel narrower than
    // the even share: the size must fit those.)
    let name_px = ((plain_cell.floor() - 2.0 * LABEL_PAD_PX) / longest.max(1.0))
        .min(px * 0.8)
        .max(MIN_LABEL_PX);
    for cell in &cells {
        let rgb = palette.colors[cell.index].rgb;
        for y in cell.y0..cell.y1 {
            for x in cell.x0..cell.x1 {
                img.put_pixel(x, y, Rgb(rgb));
            }
        }
        let label = to_hex(rgb);
        // A cell too narrow for its label shows none: a label spilling over
        // its neighbours would read as theirs.
        let cell_w = (cell.x1 - cell.x0) as f32;
        if cell_w < text_width(&label, px) + 2.0 * LABEL_PAD_PX {
            continue;
        }
        let cy = (cell.y0 + cell.y1) as f32 / 2.0;
        let cx = (cell.x0 + cell.x1) as f32 / 2.0;
        let ink = Rgb(label_color(rgb));
        // The name goes under the hex code, smaller, when both fit.
        let name = opts.names.then(|| nearest_name(rgb));
        let fits = |name: &str| {
            text_width(name, name_px) + 2.0 * LABEL_PAD_PX <= cell_w
                && (cell.y1 - cell.y0) as f32 >= 2.0 * (px + name_px)
        };
        match name.filter(|n| fits(n)) {
            Some(name) => {
                draw_text_centered(&mut img, &label, cx, cy - 0.55 * px, px, ink);
                draw_text_centered(&mut img, name, cx, cy + 0.6 * name_px, name_px, ink);
            }
            None => draw_text_centered(&mut img, &label, cx, cy, px, ink),
        }
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_contrast_with_their_cell() {
        assert_eq!(label_color([255, 255, 255]), [0, 0, 0]);
        assert_eq!(label_color([0, 0, 0]), [255, 255, 255]);
        assert_eq!(label_color([255, 255, 0]), [0, 0, 0]);
        assert_eq!(label_color([0, 0, 255]), [255, 255, 255]);
        assert_eq!(label_color([200, 30, 30]), [255, 255, 255]);
    }

    #[test]
    fn equal_cells_tile_one_row() {
        let cells = layout(&[0.5, 0.3, 0.2], 300, 10, false);
        let spans: Vec<(u32, u32)> = cells.iter().map(|c| (c.x0, c.x1)).collect();
        assert_eq!(spans, [(0, 100), (100, 200), (200, 300)]);
        assert!(cells
            .iter()
            .all(|c| c.y0 == 10 && c.y1 == 10 + row_height(300)));
    }

    #[test]
    fn proportional_cells_follow_their_shares_to_the_pixel() {
        let cells = layout(&[0.75, 0.25], 1000, 0, true);
        assert_eq!((cells[0].x0, cells[0].x1), (0, 750));
        assert_eq!((cells[1].x0, cells[1].x1), (750, 1000));
        let shares = [0.168, 0.043, 0.3, 0.489];
        let cells = layout(&shares, 400, 0, true);
        for (c, f) in cells.iter().zip(shares) {
            let w = (c.x1 - c.x0) as f64;
            assert!((w - 400.0 * f).abs() <= 1.0, "{c:?} {f}");
        }
        let tiny = layout(&[0.998, 0.002], 1000, 0, true);
        assert_eq!(tiny[1].x1 - tiny[1].x0, 2);
    }

    #[test]
    fn many_colours_wrap_into_even_rows_of_equal_cells() {
        let fractions = vec![1.0 / 40.0; 40];
        let cells = layout(&fractions, 1000, 0, false);
        // 15 cells fit a 1000 px row: 40 colours need 3 rows of 14, 14, 12.
        let rows: Vec<u32> = cells.iter().map(|c| c.y0 / row_height(1000)).collect();
        assert_eq!(rows.iter().filter(|&&r| r == 0).count(), 14);
        assert_eq!(rows.iter().filter(|&&r| r == 2).count(), 12);
        let widths: Vec<u32> = cells.iter().map(|c| c.x1 - c.x0).collect();
        assert!(widths.iter().all(|&w| (71..=72).contains(&w)), "{widths:?}");
        assert!(
            cells.last().unwrap().x1 < 1000,
            "the short row is not stretched"
        );
        let indices: Vec<usize> = cells.iter().map(|c| c.index).collect();
        assert_eq!(indices, (0..40).collect::<Vec<_>>());
    }

    #[test]
    fn labels_are_centred_and_left_out_of_cells_too_narrow_for_them() {
        let palette = |fractions: &[f64]| Palette {
            colors: fractions
                .iter()
                .enumerate()
                .map(|(i, &fraction)| crate::palette::Swatch {
                    rgb: [20 * i as u8, 0, 0],
                    count: 1,
                    fraction,
                })
                .collect(),
            pixels: 1,
            mse: 0.0,
        };
        let opts = SwatchOptions {
            style: SwatchStyle::Strip,
            width: 400,
            proportional: true,
            names: false,
        };
        let img = render_swatch(&palette(&[0.9, 0.1]), None, &opts);
        let labelled = |x0: u32, x1: u32| {
            (x0..x1).any(|x| (0..img.height()).any(|y| img.get_pixel(x, y).0 == [255, 255, 255]))
        };
        assert!(labelled(0, 360), "the wide cell has its label");
        assert!(
            !labelled(361, 400),
            "the 40 px cell is too narrow for a label"
        );
        // Centred: the label's rows are symmetric about the cell's middle.
        let rows: Vec<u32> = (0..img.height())
            .filter(|&y| (0..360).any(|x| img.get_pixel(x, y).0 == [255, 255, 255]))
            .collect();
        let middle = (rows[0] + rows[rows.len() - 1]) as f32 / 2.0;
        assert!(
            (middle - img.height() as f32 / 2.0).abs() <= 2.0,
            "{rows:?}"
        );
    }

    #[test]
    fn every_cell_has_its_name_when_cells_are_not_all_as_wide() {
        // 1000 px in 9 cells: some 111 px wide, some 112; every colour is
        // darkslategray, the longest name, sized to fit the narrow cells too.
        let palette = Palette {
            colors: (0..9)
                .map(|i| crate::palette::Swatch {
                    rgb: [40 + i as u8, 79, 79],
                    count: 1,
                    fraction: 1.0 / 9.0,
                })
                .collect(),
            pixels: 9,
            mse: 0.0,
        };
        assert!(palette
            .colors
            .iter()
            .all(|c| nearest_name(c.rgb) == "darkslategray"));
        let opts = SwatchOptions {
            style: SwatchStyle::Strip,
            width: 1000,
            proportional: false,
            names: true,
        };
        let img = render_swatch(&palette, None, &opts);
        let h = img.height();
        for cell in 0..9u32 {
            let (x0, x1) = (cell * 1000 / 9 + 2, (cell + 1) * 1000 / 9 - 2);
            let bg = img.get_pixel(x0, 1).0;
            let named = (x0..x1).any(|x| (h * 5 / 8..h).any(|y| img.get_pixel(x, y).0 != bg));
            assert!(named, "cell {cell} has no name");
        }
    }
}
