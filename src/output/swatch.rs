//! The swatch picture: the image with its palette bar under it (card), or the
//! bar alone (strip). Every cell wide enough is labelled with its hex code in
//! black or white, whichever contrasts more with the cell; when one is too
//! narrow, a legend under the bar lists every colour's hex code and share.

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

/// One colour's place in the legend: its chip's top-left corner, the
/// label to the right of the chip.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LegendEntry {
    /// Palette index of the colour.
    pub index: usize,
    /// Left edge of the chip.
    pub x: u32,
    /// Top edge of the chip.
    pub y: u32,
}

/// The legend under the cells: every colour's chip and label, in palette
/// order, left to right in rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Legend {
    /// Label size in pixels per em.
    pub px: f32,
    /// Side of a colour chip.
    pub chip_px: u32,
    /// Width of an entry (chip, gap, the longest label).
    pub entry_px: u32,
    /// Height of the legend, padding included.
    pub height: u32,
    /// One entry per colour, in palette order.
    pub entries: Vec<LegendEntry>,
}

/// Lays out a legend for `labels` (one per colour) in a picture `width`
/// pixels wide, starting at `top`. The label size is the one the picture's
/// width asks for, smaller when that would not fit one entry in the width:
/// every colour always gets a place inside the picture. Columns are as many
/// as fit, then evened out so the last row is not a lonely one.
pub fn legend_layout(labels: &[String], width: u32, top: u32) -> Legend {
    let k = labels.len();
    let em = labels
        .iter()
        .map(|l| text_width(l, 1.0))
        .fold(0.0, f32::max);
    // An entry is a chip of 1 em, half an em of gap, then the label; the
    // legend keeps 3/4 em either side; 3 em in all besides the label.
    let wanted = (row_height(width) as f32 * 0.15).clamp(12.0, 28.0);
    let px = wanted.min(width as f32 / (3.0 + em)).floor().max(1.0);
    let chip_px = px.round() as u32;
    let entry_px = (px * (1.5 + em)).ceil() as u32;
    let margin = (0.75 * px) as u32;
    let gap = (1.5 * px) as u32;
    let inner = width - 2 * margin;
    let fit = ((inner + gap) / (entry_px + gap)).max(1) as usize;
    let rows = k.div_ceil(fit.min(k.max(1)));
    let cols = k.div_ceil(rows.max(1)).max(1);
    let line = (1.7 * px).round() as u32;
    let pad = (0.6 * px).round() as u32;
    let entries = (0..k)
        .map(|index| {
            let (row, col) = ((index / cols) as u32, (index % cols) as u64);
            LegendEntry {
                index,
                x: margin + (col * inner as u64 / cols as u64) as u32,
                y: top + pad + row * line + (line - chip_px) / 2,
            }
        })
        .collect();
    Legend {
        px,
        chip_px,
        entry_px,
        height: 2 * pad + rows as u32 * line,
        entries,
    }
}

/// A share as the legend and the gallery show it: `12.3%`.
pub fn share_text(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// Draws the swatch picture. `preview` (from
/// [`scaled_preview`](crate::pixels::scaled_preview)) is the top
/// of a card and is ignored for a strip.
///
/// Each cell shows its hex code (and, with names, its name) where they fit
/// it. When a cell is too narrow for its label (a label spilling over its
/// neighbours would read as theirs), a legend under the cells lists every
/// colour with its chip, hex code and share: no colour's code is ever left
/// out.
pub fn render_swatch(
    palette: &Palette,
    preview: Option<&RgbImage>,
    opts: &SwatchOptions,
) -> RgbImage {
    let top_image = preview.filter(|_| opts.style == SwatchStyle::Card);
    let top = top_image.map_or(0, |p| p.height());
    let fractions: Vec<f64> = palette.colors.iter().map(|s| s.fraction).collect();
    let cells = layout(&fractions, opts.width, top, opts.proportional);
    let bar_bottom = cells.iter().map(|c| c.y1).max().unwrap_or(top);
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
    let hex_fits =
        |cell: &Cell| text_width("#000000", px) + 2.0 * LABEL_PAD_PX <= (cell.x1 - cell.x0) as f32;
    let name_fits = |cell: &Cell, name: &str| {
        text_width(name, name_px) + 2.0 * LABEL_PAD_PX <= (cell.x1 - cell.x0) as f32
            && (cell.y1 - cell.y0) as f32 >= 2.0 * (px + name_px)
    };
    let complete = cells.iter().all(|cell| {
        hex_fits(cell)
            && (!opts.names || name_fits(cell, nearest_name(palette.colors[cell.index].rgb)))
    });
    let legend = (!complete).then(|| {
        let labels: Vec<String> = palette
            .colors
            .iter()
            .map(|s| {
                let text = format!("{} {:>6}", to_hex(s.rgb), share_text(s.fraction));
                match opts.names {
                    true => format!("{text} {}", nearest_name(s.rgb)),
                    false => text,
                }
            })
            .collect();
        (legend_layout(&labels, opts.width, bar_bottom), labels)
    });
    let bottom = bar_bottom + legend.as_ref().map_or(0, |(l, _)| l.height);
    // White shows where a shorter last row leaves its row empty, and under
    // the legend.
    let mut img = RgbImage::from_pixel(opts.width, bottom, Rgb([255, 255, 255]));
    if let Some(p) = top_image {
        image::imageops::replace(&mut img, p, 0, 0);
    }
    for cell in &cells {
        let rgb = palette.colors[cell.index].rgb;
        fill(&mut img, cell.x0, cell.y0, cell.x1, cell.y1, rgb);
        if !hex_fits(cell) {
            continue;
        }
        let label = to_hex(rgb);
        let cy = (cell.y0 + cell.y1) as f32 / 2.0;
        let cx = (cell.x0 + cell.x1) as f32 / 2.0;
        let ink = Rgb(label_color(rgb));
        // The name goes under the hex code, smaller, when both fit.
        let name = opts.names.then(|| nearest_name(rgb));
        match name.filter(|n| name_fits(cell, n)) {
            Some(name) => {
                draw_text_centered(&mut img, &label, cx, cy - 0.55 * px, px, ink);
                draw_text_centered(&mut img, name, cx, cy + 0.6 * name_px, name_px, ink);
            }
            None => draw_text_centered(&mut img, &label, cx, cy, px, ink),
        }
    }
    if let Some((legend, labels)) = legend {
        draw_legend(&mut img, palette, &legend, &labels);
    }
    img
}

/// Fills the rectangle `x0..x1` × `y0..y1` with `rgb`.
fn fill(img: &mut RgbImage, x0: u32, y0: u32, x1: u32, y1: u32, rgb: [u8; 3]) {
    for y in y0..y1 {
        for x in x0..x1 {
            img.put_pixel(x, y, Rgb(rgb));
        }
    }
}

/// Grey of a chip's outline: a white or a black chip keeps its edge on the
/// white legend.
const CHIP_EDGE: [u8; 3] = [128, 128, 128];

/// Draws each legend entry: its colour's chip (outlined) and its label in
/// black, left-aligned after the chip.
fn draw_legend(img: &mut RgbImage, palette: &Palette, legend: &Legend, labels: &[String]) {
    let (chip, px) = (legend.chip_px, legend.px);
    for entry in &legend.entries {
        let (x, y) = (entry.x, entry.y);
        fill(img, x, y, x + chip, y + chip, CHIP_EDGE);
        let rgb = palette.colors[entry.index].rgb;
        fill(img, x + 1, y + 1, x + chip - 1, y + chip - 1, rgb);
        let text = &labels[entry.index];
        let left = x as f32 + 1.5 * px;
        let cx = left + text_width(text, px) / 2.0;
        let cy = y as f32 + chip as f32 / 2.0;
        draw_text_centered(img, text, cx, cy, px, Rgb([0, 0, 0]));
    }
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

    fn palette_of(fractions: &[f64]) -> Palette {
        Palette {
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
        }
    }

    #[test]
    fn labels_are_centred_and_a_cell_too_narrow_for_one_sends_every_label_to_the_legend() {
        let opts = SwatchOptions {
            style: SwatchStyle::Strip,
            width: 400,
            proportional: true,
            names: false,
        };
        let palette = palette_of(&[0.9, 0.1]);
        let img = render_swatch(&palette, None, &opts);
        let bar_h = row_height(400);
        let labelled = |x0: u32, x1: u32| {
            (x0..x1).any(|x| (0..bar_h).any(|y| img.get_pixel(x, y).0 == [255, 255, 255]))
        };
        assert!(labelled(0, 360), "the wide cell has its label");
        assert!(
            !labelled(361, 400),
            "the 40 px cell is too narrow for a label"
        );
        // Centred: the label's rows are symmetric about the cell's middle.
        let rows: Vec<u32> = (0..bar_h)
            .filter(|&y| (0..360).any(|x| img.get_pixel(x, y).0 == [255, 255, 255]))
            .collect();
        let middle = (rows[0] + rows[rows.len() - 1]) as f32 / 2.0;
        assert!((middle - bar_h as f32 / 2.0).abs() <= 2.0, "{rows:?}");
        // The legend under the bar: each colour's chip, and its label in
        // black to the right of the chip (dark pixels: its edges are
        // anti-aliased).
        let labels = ["#000000  90.0%".to_owned(), "#140000  10.0%".to_owned()];
        let legend = legend_layout(&labels, 400, bar_h);
        assert_eq!(img.height(), bar_h + legend.height);
        for entry in &legend.entries {
            let c = legend.chip_px / 2;
            let chip = img.get_pixel(entry.x + c, entry.y + c).0;
            assert_eq!(chip, palette.colors[entry.index].rgb, "{entry:?}");
            let text_x = entry.x + legend.chip_px + 2..entry.x + legend.entry_px;
            let ink = text_x
                .flat_map(|x| (entry.y - 2..entry.y + legend.chip_px + 2).map(move |y| (x, y)))
                .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&v| v < 96))
                .count();
            assert!(ink >= 60, "{entry:?}: {ink} label pixels");
        }
    }

    #[test]
    fn cells_that_all_fit_their_labels_need_no_legend() {
        let opts = SwatchOptions {
            style: SwatchStyle::Strip,
            width: 1000,
            proportional: true,
            names: false,
        };
        let img = render_swatch(&palette_of(&[0.5, 0.3, 0.2]), None, &opts);
        assert_eq!(img.height(), row_height(1000));
    }

    #[test]
    fn the_legend_has_a_place_inside_the_picture_for_every_colour() {
        let short = |k: usize| vec!["#a1b2c3  12.5%".to_owned(); k];
        let named = |k: usize| vec!["#a1b2c3  12.5% lightgoldenrodyellow".to_owned(); k];
        for width in [200, 390, 1000, 1280, 16384] {
            for k in [1, 2, 5, 12, 13, 40, 256] {
                for labels in [short(k), named(k)] {
                    let top = 77;
                    let legend = legend_layout(&labels, width, top);
                    let indices: Vec<usize> = legend.entries.iter().map(|e| e.index).collect();
                    assert_eq!(indices, (0..k).collect::<Vec<_>>(), "{width} {k}");
                    // Each entry (chip and its longest label) fits the
                    // picture, below `top`, and overlaps no other.
                    let width_of_text = text_width(&labels[0], legend.px);
                    assert!(legend.entry_px as f32 >= width_of_text + legend.px);
                    let boxes: Vec<(u32, u32, u32, u32)> = legend
                        .entries
                        .iter()
                        .map(|e| (e.x, e.y, e.x + legend.entry_px, e.y + legend.chip_px))
                        .collect();
                    for (i, &(x0, y0, x1, y1)) in boxes.iter().enumerate() {
                        assert!(x1 <= width && y0 >= top && y1 <= top + legend.height);
                        for &(a0, b0, a1, b1) in &boxes[i + 1..] {
                            let apart = x1 <= a0 || a1 <= x0 || y1 <= b0 || b1 <= y0;
                            assert!(apart, "{width} {k}: entries overlap");
                        }
                    }
                    assert!(legend.px >= 12.0 || width < 400, "{width}: {}", legend.px);
                }
            }
        }
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
