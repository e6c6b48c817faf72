//! The embedded label font (DejaVu Sans Mono Bold, licence in font/LICENSE)
//! and text drawing onto RGB images. No system font is ever looked up.

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use image::{Rgb, RgbImage};

/// The font file, embedded unmodified.
pub const FONT_TTF: &[u8] = include_bytes!("font/DejaVuSansMono-Bold.ttf");

/// The parsed embedded font.
pub fn font() -> FontRef<'static> {
    FontRef::try_from_slice(FONT_TTF).expect("the embedded font parses")
}

/// Width in pixels of `text` at `px` pixels per em.
pub fn text_width(text: &str, px: f32) -> f32 {
    let font = font();
    let scaled = font.as_scaled(PxScale::from(px));
    text.chars()
        .map(|c| scaled.h_advance(font.glyph_id(c)))
        .sum()
}

/// Draws `text` centred on (`cx`, `cy`) in `color`, blending anti-aliased
/// edges with what is underneath; pixels a glyph covers fully get exactly
/// `color`.
pub fn draw_text_centered(
    img: &mut RgbImage,
    text: &str,
    cx: f32,
    cy: f32,
    px: f32,
    color: Rgb<u8>,
) {
    let font = font();
    let scaled = font.as_scaled(PxScale::from(px));
    let width = text_width(text, px);
    // Centre the cap height on cy: ascent minus the digits' empty top part.
    let baseline = cy + (scaled.ascent() + scaled.descent()) / 2.0;
    let mut caret = cx - width / 2.0;
    for c in text.chars() {
        let glyph = font
            .glyph_id(c)
            .with_scale_and_position(PxScale::from(px), point(caret, baseline));
        caret += scaled.h_advance(glyph.id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            let x = bounds.min.x as i64 + gx as i64;
            let y = bounds.min.y as i64 + gy as i64;
            if x < 0 || y < 0 || x >= img.width() as i64 || y >= img.height() as i64 {
                return;
            }
            let under = img.get_pixel_mut(x as u32, y as u32);
            let a = coverage.clamp(0.0, 1.0);
            for i in 0..3 {
                let v = under.0[i] as f32 + (color.0[i] as f32 - under.0[i] as f32) * a;
                under.0[i] = v.round() as u8;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_labels_have_monospace_width() {
        let w = text_width("#a1b2c3", 20.0);
        assert!((w - 7.0 * text_width("0", 20.0)).abs() < 1e-3);
        assert!(w > 70.0 && w < 100.0, "{w}");
    }

    #[test]
    fn drawn_text_has_solid_pixels_of_its_colour_inside_its_box() {
        let mut img = RgbImage::from_pixel(120, 40, Rgb([0, 0, 255]));
        draw_text_centered(&mut img, "#ffffff", 60.0, 20.0, 16.0, Rgb([255, 255, 255]));
        let solid: Vec<(u32, u32)> = img
            .enumerate_pixels()
            .filter(|(_, _, p)| p.0 == [255, 255, 255])
            .map(|(x, y, _)| (x, y))
            .collect();
        assert!(solid.len() > 40, "{} solid pixels", solid.len());
        assert!(solid
            .iter()
            .all(|&(x, y)| (25..95).contains(&x) && (8..32).contains(&y)));
    }
}
