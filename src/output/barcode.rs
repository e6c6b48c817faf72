//! The movie barcode: one column per input, in input order, each column that
//! image's palette stacked top to bottom by its fractions.

use image::{Rgba, RgbaImage};

use crate::color::Rgb;

/// Height of a barcode picture.
pub const BARCODE_HEIGHT_PX: u32 = 400;
/// Column widths are chosen so that few inputs still give a picture about
/// this wide (many inputs: one pixel per column).
pub const BARCODE_TARGET_WIDTH_PX: u32 = 1000;

/// One barcode column: an input's palette as (colour, fraction) in palette
/// order, or `None` for an input that failed.
pub type BarcodeColumn = Option<Vec<(Rgb, f64)>>;

/// Width of each column for `n` inputs.
pub fn column_width(n: usize) -> u32 {
    (BARCODE_TARGET_WIDTH_PX / n.max(1) as u32).max(1)
}

/// Draws the barcode. `columns[i]` is input i's palette as (colour,
/// fraction) in palette order, or `None` for an input that failed, whose
/// column stays transparent so the others keep their place.
pub fn render_barcode(columns: &[BarcodeColumn]) -> RgbaImage {
    let w = column_width(columns.len());
    let h = BARCODE_HEIGHT_PX;
    let mut img = RgbaImage::new(w * columns.len().max(1) as u32, h);
    for (i, column) in columns.iter().enumerate() {
        let Some(colors) = column else { continue };
        let total: f64 = colors.iter().map(|c| c.1).sum();
        let mut cumulative = 0.0;
        let mut y0 = 0;
        for (j, &(rgb, f)) in colors.iter().enumerate() {
            cumulative += f;
            let y1 = if j + 1 == colors.len() {
                h
            } else {
                (h as f64 * cumulative / total).round() as u32
            };
            for y in y0..y1 {
                for x in i as u32 * w..(i as u32 + 1) * w {
                    img.put_pixel(x, y, Rgba([rgb[0], rgb[1], rgb[2], 255]));
                }
            }
            y0 = y1;
        }
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_stack_colours_by_fraction() {
        let img = render_barcode(&[Some(vec![([255, 0, 0], 0.75), ([0, 0, 255], 0.25)]), None]);
        assert_eq!(img.dimensions(), (1000, 400));
        assert_eq!(img.get_pixel(10, 0).0, [255, 0, 0, 255]);
        assert_eq!(img.get_pixel(10, 299).0, [255, 0, 0, 255]);
        assert_eq!(img.get_pixel(10, 300).0, [0, 0, 255, 255]);
        assert_eq!(
            img.get_pixel(600, 10).0[3],
            0,
            "a failed input leaves a transparent column"
        );
        assert_eq!(column_width(5000), 1);
    }
}
