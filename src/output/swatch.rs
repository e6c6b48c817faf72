//! The swatch picture: the image with its palette bar under it (card), or the
//! bar alone (strip). Every cell is labelled with its hex code in black or
//! white, whichever contrasts more with the cell.

use image::{Rgb, RgbImage};

use super::font::{draw_text_centered, text_width};
use crate::color::to_hex;
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
    /// Cell widths follow the colours' fractions (each at least [`MIN_CELL_PX`]).
    pub proportional: bool,
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
/// `top`. Colours stay in palette order, left to right, in as few rows as
/// keep every cell at least [`MIN_CELL_PX`] wide; rows are filled evenly.
/// With `proportional`, each cell gets the minimum width plus a share of the
/// rest of its row in proportion to its fraction.
pub fn layout(fractions: &[f64], width: u32, top: u32, proportional: bool) -> Vec<Cell> {
    let k = fractions.len();
    if k == 0 {
        return Vec::new();
    }
    let max_per_row = (width / MIN_CELL_PX).max(1) as usize;
    let rows = k.div_ceil(max_per_row);
    let per_row = k.div_ceil(rows);
    let row_h = row_height(width);
    let mut cells = Vec::with_capacity(k);
    for (r, chunk) in fractions.chunks(per_row).enumerate() {
        let n = chunk.len();
        let total: f64 = chunk.iter().sum();
        let weighted = proportional && total > 0.0;
        let extra = width.saturating_sub(n as u32 * MIN_CELL_PX) as f64;
        let mut cumulative = 0.0;
        let mut x0 = 0u32;
        for (i, &f) in chunk.iter().enumerate() {
            cumulative += f;
            let x1 = if i + 1 == n {
                width
            } else if weighted {
                ((i + 1) as f64 * MIN_CELL_PX as f64 + extra * cumulative / total).round() as u32
            } else {
                ((i + 1) as u64 * width as u64 / n as u64) as u32
            };
            cells.push(Cell {
                index: r * per_row + i,
                x0,
                x1,
                y0: top + r as u32 * row_h,
                y1: top + (r as u32 + 1) * row_h,
            });
            x0 = x1;
        }
    }
    cells
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
    let mut img = RgbImage::new(opts.width, bottom);
    if let Some(p) = top_image {
        image::imageops::replace(&mut img, p, 0, 0);
    }
    for cell in &cells {
        let rgb = palette.colors[cell.index].rgb;
        for y in cell.y0..cell.y1 {
            for x in cell.x0..cell.x1 {
                img.put_pixel(x, y, Rgb(rgb));
            }
        }
        let label = to_hex(rgb);
        let cell_w = (cell.x1 - cell.x0) as f32;
        let row_h = (cell.y1 - cell.y0) as f32;
        let fit = (cell_w - 2.0 * LABEL_PAD_PX) / text_width(&label, 1.0);
        let px = fit.min(row_h * 0.22).max(MIN_LABEL_PX);
        // The label sits in the lower part of the cell so the centre pixel
        // shows the pure colour.
        let cy = cell.y0 as f32 + row_h * 0.75;
        let cx = (cell.x0 + cell.x1) as f32 / 2.0;
        draw_text_centered(&mut img, &label, cx, cy, px, Rgb(label_color(rgb)));
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
    fn proportional_cells_follow_fractions_above_the_minimum() {
        let cells = layout(&[0.75, 0.25], 1000, 0, true);
        // 2 × 64 px minimum, the remaining 872 px split 3 : 1.
        assert_eq!((cells[0].x0, cells[0].x1), (0, 64 + 654));
        assert_eq!((cells[1].x0, cells[1].x1), (718, 1000));
        let tiny = layout(&[0.999, 0.001], 1000, 0, true);
        assert!(tiny[1].x1 - tiny[1].x0 >= MIN_CELL_PX);
    }

    #[test]
    fn many_colours_wrap_into_even_rows() {
        let fractions = vec![1.0 / 40.0; 40];
        let cells = layout(&fractions, 1000, 0, false);
        // 15 cells fit a 1000 px row: 40 colours need 3 rows of 14, 14, 12.
        let rows: Vec<u32> = cells.iter().map(|c| c.y0 / row_height(1000)).collect();
        assert_eq!(rows.iter().filter(|&&r| r == 0).count(), 14);
        assert_eq!(rows.iter().filter(|&&r| r == 2).count(), 12);
        assert!(cells.iter().all(|c| c.x1 - c.x0 >= MIN_CELL_PX));
        let indices: Vec<usize> = cells.iter().map(|c| c.index).collect();
        assert_eq!(indices, (0..40).collect::<Vec<_>>());
    }
}
