//! Letterbox and pillarbox bars: uniform bands on opposite edges of a frame
//! (black, or any one colour), found so that a scene's palette does not spend
//! a colour on them.
//!
//! The rule, per axis (top and bottom, then left and right):
//! - an edge has a bar when its outermost line is uniform: at least 95% of
//!   its pixels within [`TOLERANCE`] of the line's median colour;
//! - the bar goes inward over every line whose pixels are at least 70% that
//!   colour (within the tolerance): noise stays within it, and subtitles
//!   burnt into a bar cover far less of a line than that;
//! - bars count only in pairs: both opposite edges have one, of the same
//!   colour, of similar thickness (within half the thicker, 2% of the side
//!   or 2 pixels: chroma subsampling shifts a bar by a line), as
//!   letterboxing makes them. A flat sky on top alone, or a
//!   dark floor below alone, is picture;
//! - together they leave at least half of the side: a dark frame is not all
//!   bar.

use crate::color::Rgb;
pub use crate::pixels::Crop;
use crate::pixels::PixelBuffer;

/// Largest per-channel difference from the bar colour still counted as bar
/// (compression noise on a black bar stays within a few levels).
pub const TOLERANCE: u8 = 12;

/// Share of an edge's outermost line that must be the bar colour.
const EDGE_UNIFORM: f32 = 0.95;

/// Share of an inner line that must be the bar colour for the bar to go on.
const LINE_BAR: f32 = 0.70;

/// The frame without its letterbox or pillarbox bars, or `None` when it has
/// none (see the module's rule).
pub fn find_bars(pixels: &PixelBuffer) -> Option<Crop> {
    let (w, h) = pixels.dimensions();
    let (top, bottom) =
        paired(|i| row(pixels, i), |i| row(pixels, h - 1 - i), h)?.unwrap_or((0, 0));
    let (left, right) =
        paired(|i| column(pixels, i), |i| column(pixels, w - 1 - i), w)?.unwrap_or((0, 0));
    if top + bottom + left + right == 0 {
        return None;
    }
    Some(Crop {
        x: left,
        y: top,
        width: w - left - right,
        height: h - top - bottom,
    })
}

/// The bars on two opposite edges of a side of `len` lines: `Some(None)`
/// when there are none (the other axis may still have some).
#[allow(clippy::type_complexity)]
fn paired(
    near: impl Fn(u32) -> Vec<Rgb>,
    far: impl Fn(u32) -> Vec<Rgb>,
    len: u32,
) -> Option<Option<(u32, u32)>> {
    let none = Some(None);
    if len < 8 {
        return none;
    }
    let (Some(a), Some(b)) = (edge_colour(&near(0)), edge_colour(&far(0))) else {
        return none;
    };
    if !close(a, b) {
        return none;
    }
    let half = len / 2;
    let thickness = |line: &dyn Fn(u32) -> Vec<Rgb>, colour: Rgb| {
        (0..half)
            .find(|&i| share_near(&line(i), colour) < LINE_BAR)
            .unwrap_or(half)
    };
    let (t, u) = (thickness(&near, a), thickness(&far, b));
    let similar = t.abs_diff(u) <= (t.max(u) / 2).max(len / 50).max(2);
    if !similar || t + u > half {
        return none;
    }
    Some(Some((t, u)))
}

/// The median colour of an outermost line, when the line is uniform.
fn edge_colour(line: &[Rgb]) -> Option<Rgb> {
    let median = |c: usize| {
        let mut v: Vec<u8> = line.iter().map(|p| p[c]).collect();
        v.sort_unstable();
        v[v.len() / 2]
    };
    let colour = [median(0), median(1), median(2)];
    (share_near(line, colour) >= EDGE_UNIFORM).then_some(colour)
}

fn close(a: Rgb, b: Rgb) -> bool {
    a.iter().zip(&b).all(|(x, y)| x.abs_diff(*y) <= TOLERANCE)
}

fn share_near(line: &[Rgb], colour: Rgb) -> f32 {
    let near = line.iter().filter(|&&p| close(p, colour)).count();
    near as f32 / line.len().max(1) as f32
}

fn row(pixels: &PixelBuffer, y: u32) -> Vec<Rgb> {
    (0..pixels.dimensions().0)
        .map(|x| pixels.rgb_at(x, y))
        .collect()
}

fn column(pixels: &PixelBuffer, x: u32) -> Vec<Rgb> {
    (0..pixels.dimensions().1)
        .map(|y| pixels.rgb_at(x, y))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `w`×`h` frame: a busy picture inside bars of `bar` colour, `top`,
    /// `bottom`, `left`, `right` pixels thick; `noise` added everywhere.
    fn frame(
        w: u32,
        h: u32,
        bars: [u32; 4],
        bar: Rgb,
        picture: impl Fn(u32, u32) -> Rgb,
    ) -> PixelBuffer {
        let [top, bottom, left, right] = bars;
        let mut raw = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let inside = y >= top && y < h - bottom && x >= left && x < w - right;
                raw.extend(if inside { picture(x, y) } else { bar });
            }
        }
        PixelBuffer::rgb8(raw, w, h).unwrap()
    }

    fn busy(x: u32, y: u32) -> Rgb {
        [
            (x * 7 % 200 + 40) as u8,
            (y * 5 % 180 + 50) as u8,
            ((x + y) * 3 % 150 + 60) as u8,
        ]
    }

    /// A small deterministic noise in -n..=n.
    fn noise(x: u32, y: u32, n: i32) -> i32 {
        ((x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)) % (2 * n as u32 + 1)) as i32 - n
    }

    #[test]
    fn letterbox_of_a_wide_film_in_16_9() {
        // 2.39:1 in 192×108: bars of 14 rows above and below.
        let f = frame(192, 108, [14, 14, 0, 0], [0, 0, 0], busy);
        assert_eq!(
            find_bars(&f),
            Some(Crop {
                x: 0,
                y: 14,
                width: 192,
                height: 80
            })
        );
    }

    #[test]
    fn pillarbox_in_any_one_colour() {
        let f = frame(192, 108, [0, 0, 24, 24], [40, 40, 120], busy);
        assert_eq!(
            find_bars(&f),
            Some(Crop {
                x: 24,
                y: 0,
                width: 144,
                height: 108
            })
        );
    }

    #[test]
    fn noise_and_subtitles_in_the_bar_keep_it_a_bar() {
        let f = frame(192, 108, [14, 14, 0, 0], [0, 0, 0], busy);
        let (w, h) = f.dimensions();
        let mut raw = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let mut p = f.rgb_at(x, y);
                // White subtitle strokes in the bottom bar: every other
                // pixel of the middle third, on rows 98-102.
                if (98..=102).contains(&y) && (64..128).contains(&x) && x % 2 == 0 {
                    p = [250, 250, 250];
                }
                let n = noise(x, y, 5);
                raw.extend(p.map(|c| (c as i32 + n).clamp(0, 255) as u8));
            }
        }
        let noisy = PixelBuffer::rgb8(raw, w, h).unwrap();
        assert_eq!(
            find_bars(&noisy),
            Some(Crop {
                x: 0,
                y: 14,
                width: 192,
                height: 80
            })
        );
    }

    #[test]
    fn a_dark_scene_is_not_all_bar() {
        // A night scene: near-black everywhere with a few dim lights.
        let night = frame(192, 108, [0, 0, 0, 0], [0, 0, 0], |x, y| {
            if (x / 16 + y / 9) % 7 == 0 {
                [90, 80, 40]
            } else {
                [(noise(x, y, 3) + 3) as u8; 3]
            }
        });
        assert_eq!(find_bars(&night), None);
        // Fully black.
        let black = frame(64, 36, [0, 0, 0, 0], [0, 0, 0], |_, _| [0, 0, 0]);
        assert_eq!(find_bars(&black), None);
    }

    #[test]
    fn a_flat_band_on_one_edge_only_is_picture() {
        // A clear sky across the top fifth, nothing matching at the bottom.
        let sky = frame(192, 108, [0, 0, 0, 0], [0, 0, 0], |x, y| {
            if y < 22 {
                [110, 160, 230]
            } else {
                busy(x, y)
            }
        });
        assert_eq!(find_bars(&sky), None);
    }
}
