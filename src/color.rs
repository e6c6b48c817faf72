//! Colour maths: sRGB8 values, hex codes, the clustering spaces, and the sort keys.

use palette::color_difference::Ciede2000;
use palette::{white_point::D65, FromColor, Lab, Oklab, Srgb};

/// An 8-bit sRGB colour, `[r, g, b]`.
pub type Rgb = [u8; 3];

/// Channels may differ by this much (out of 255) and the colour still counts as
/// grey: JPEG noise leaves near-greys whose HSL hue is meaningless.
pub const GREY_CHROMA_MAX: u8 = 2;

/// The space k-means measures distances in (and pixels are assigned to their
/// nearest palette colour in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Space {
    /// Oklab, scaled ×100: perceptually even, the default.
    Oklab,
    /// CIE L*a*b* (D65).
    Lab,
    /// Plain sRGB 0..255, as the original recipe clusters.
    Rgb,
}

impl Space {
    /// The lowercase name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Space::Oklab => "oklab",
            Space::Lab => "lab",
            Space::Rgb => "rgb",
        }
    }

    /// Converts an sRGB8 colour into this space's coordinates. Oklab, the
    /// default, takes a fast path (a table for the sRGB curve, a Newton cube
    /// root), as it runs for many pixels.
    #[inline]
    pub fn from_rgb(self, rgb: Rgb) -> [f32; 3] {
        match self {
            Space::Oklab => {
                let lut = srgb_to_linear_table();
                oklab100_from_linear(rgb.map(|c| lut[c as usize]))
            }
            _ => self.from_rgb_f32(rgb.map(|c| c as f32)),
        }
    }

    /// Converts an sRGB colour with channels in 0.0..=255.0 (a mean of
    /// pixels, say) into this space's coordinates.
    pub fn from_rgb_f32(self, rgb: [f32; 3]) -> [f32; 3] {
        let srgb = Srgb::new(rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
        match self {
            Space::Oklab => {
                let lin = srgb.into_linear::<f32>();
                oklab100_from_linear([lin.red, lin.green, lin.blue])
            }
            Space::Lab => {
                let c = Lab::<D65, f32>::from_color(srgb.into_linear());
                [c.l, c.a, c.b]
            }
            Space::Rgb => rgb,
        }
    }

    /// Converts coordinates in this space back to the nearest sRGB8 colour
    /// (clamped into the gamut, each channel rounded).
    pub fn to_rgb(self, p: [f32; 3]) -> Rgb {
        let srgb: Srgb<f32> = match self {
            Space::Oklab => Srgb::from_linear(palette::LinSrgb::from_color(Oklab::new(
                p[0] / 100.0,
                p[1] / 100.0,
                p[2] / 100.0,
            ))),
            Space::Lab => Srgb::from_linear(palette::LinSrgb::from_color(Lab::<D65, f32>::new(
                p[0], p[1], p[2],
            ))),
            Space::Rgb => {
                return [
                    round_channel(p[0]),
                    round_channel(p[1]),
                    round_channel(p[2]),
                ]
            }
        };
        [
            round_channel(srgb.red * 255.0),
            round_channel(srgb.green * 255.0),
            round_channel(srgb.blue * 255.0),
        ]
    }
}

/// Linear-light values of the 256 sRGB8 levels.
fn srgb_to_linear_table() -> &'static [f32; 256] {
    static TABLE: std::sync::OnceLock<[f32; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|i| {
            Srgb::new(i as u8, 0, 0)
                .into_format::<f32>()
                .into_linear::<f32>()
                .red
        })
    })
}

/// Cube root of a non-negative value: a bit-level first guess and two Newton
/// steps (relative error below 1e-6), several times faster than `cbrt`.
#[inline]
fn fast_cbrt(x: f32) -> f32 {
    if x <= 0.0 {
        return 0.0;
    }
    let mut y = f32::from_bits(x.to_bits() / 3 + 0x2a51_4067);
    y = y - (y * y * y - x) / (3.0 * y * y);
    y - (y * y * y - x) / (3.0 * y * y)
}

/// Oklab (Björn Ottosson's matrices) ×100 from linear sRGB.
#[inline]
fn oklab100_from_linear([r, g, b]: [f32; 3]) -> [f32; 3] {
    let l = fast_cbrt(0.412_221_46 * r + 0.536_332_55 * g + 0.051_445_995 * b);
    let m = fast_cbrt(0.211_903_5 * r + 0.680_699_5 * g + 0.107_396_96 * b);
    let s = fast_cbrt(0.088_302_46 * r + 0.281_718_85 * g + 0.629_978_7 * b);
    [
        (0.210_454_26 * l + 0.793_617_8 * m - 0.004_072_047 * s) * 100.0,
        (1.977_998_5 * l - 2.428_592_2 * m + 0.450_593_7 * s) * 100.0,
        (0.025_904_037 * l + 0.782_771_77 * m - 0.808_675_77 * s) * 100.0,
    ]
}

fn round_channel(v: f32) -> u8 {
    // NaN (from an out-of-gamut conversion) clamps to 0 rather than panicking.
    if v.is_nan() {
        0
    } else {
        v.round().clamp(0.0, 255.0) as u8
    }
}

/// Squared Euclidean distance between two points of a space.
#[inline]
pub fn distance_sq(a: &[f32; 3], b: &[f32; 3]) -> f32 {
    let d0 = a[0] - b[0];
    let d1 = a[1] - b[1];
    let d2 = a[2] - b[2];
    d0 * d0 + d1 * d1 + d2 * d2
}

/// Index and squared distance of the point nearest to `p` (ties: the lowest
/// index; `(0, inf)` for no points).
#[inline]
pub fn nearest<'a>(p: &[f32; 3], points: impl IntoIterator<Item = &'a [f32; 3]>) -> (usize, f32) {
    let mut best = (0, f32::INFINITY);
    for (i, q) in points.into_iter().enumerate() {
        let d = distance_sq(p, q);
        if d < best.1 {
            best = (i, d);
        }
    }
    best
}

/// Index of the point nearest to `p` with the squared distances to the
/// nearest and the second nearest (ties: the lowest index; infinities when
/// there are fewer points).
#[inline]
pub fn two_nearest<'a>(
    p: &[f32; 3],
    points: impl IntoIterator<Item = &'a [f32; 3]>,
) -> (usize, f32, f32) {
    let (mut best, mut d1, mut d2) = (0, f32::INFINITY, f32::INFINITY);
    for (i, q) in points.into_iter().enumerate() {
        let d = distance_sq(p, q);
        if d < d1 {
            d2 = d1;
            d1 = d;
            best = i;
        } else if d < d2 {
            d2 = d;
        }
    }
    (best, d1, d2)
}

/// Squared distance between two sRGB8 colours in 0..255 units, summed over the
/// channels: the unit of the `mse` quality measure.
#[inline]
pub fn rgb_distance_sq(a: Rgb, b: Rgb) -> u32 {
    let d = |i: usize| (a[i] as i32 - b[i] as i32).unsigned_abs();
    d(0) * d(0) + d(1) * d(1) + d(2) * d(2)
}

/// `#rrggbb`, lowercase.
pub fn to_hex(rgb: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

/// Parses `#rrggbb` (the `#` may be left out); `None` for anything else.
pub fn parse_hex(s: &str) -> Option<Rgb> {
    let digits = s.strip_prefix('#').unwrap_or(s);
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// CIEDE2000 colour difference between two sRGB8 colours.
pub fn delta_e(a: Rgb, b: Rgb) -> f32 {
    lab(a).difference(lab(b))
}

/// An sRGB8 colour in CIE L*a*b* (D65), where CIEDE2000 is measured.
pub fn lab(c: Rgb) -> Lab<D65, f32> {
    Lab::from_color(
        Srgb::new(c[0], c[1], c[2])
            .into_format::<f32>()
            .into_linear(),
    )
}

/// Packs a colour into `0xRRGGBB`: a total order used to break ties.
#[inline]
pub fn pack(rgb: Rgb) -> u32 {
    (rgb[0] as u32) << 16 | (rgb[1] as u32) << 8 | rgb[2] as u32
}

/// Inverse of [`pack`].
#[inline]
pub fn unpack(v: u32) -> Rgb {
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// HSL hue in degrees `[0, 360)` exactly as Python's `colorsys.rgb_to_hls`
/// computes it (the recipe's key), with 0 for colours whose channels are equal.
pub fn hsl_hue(rgb: Rgb) -> f32 {
    match hue_parts(rgb) {
        Some((sector, diff, range)) => hue_degrees(sector, diff, range),
        None => 0.0,
    }
}

/// What a hue depends on: the largest channel (0 red, 1 green, 2 blue; ties
/// go to the earlier), the difference of the two others taken in hue order,
/// and max − min; `None` when all channels are equal.
#[inline]
pub(crate) fn hue_parts(rgb: Rgb) -> Option<(usize, i16, u8)> {
    let [r, g, b] = rgb;
    let max = r.max(g).max(b);
    let range = max - r.min(g).min(b);
    if range == 0 {
        None
    } else if r == max {
        Some((0, g as i16 - b as i16, range))
    } else if g == max {
        Some((1, b as i16 - r as i16, range))
    } else {
        Some((2, r as i16 - g as i16, range))
    }
}

/// The hue of [`hue_parts`], in degrees.
pub(crate) fn hue_degrees(sector: usize, diff: i16, range: u8) -> f32 {
    let (d, range) = (diff as f32, range as f32);
    let h = match sector {
        0 => d / range,
        1 => 2.0 + d / range,
        _ => 4.0 + d / range,
    };
    // h lies in [-1, 5], so this is `rem_euclid(360.0)` bit for bit without
    // its call to fmod.
    let degrees = h * 60.0;
    if degrees < 0.0 {
        degrees + 360.0
    } else {
        degrees
    }
}

/// HSL lightness in `[0, 1]`.
pub fn hsl_lightness(rgb: Rgb) -> f32 {
    let max = rgb.iter().max().copied().unwrap_or(0) as f32;
    let min = rgb.iter().min().copied().unwrap_or(0) as f32;
    (max + min) / 510.0
}

/// True when the colour has no meaningful hue (see [`GREY_CHROMA_MAX`]).
pub fn is_grey(rgb: Rgb) -> bool {
    let max = rgb.iter().max().copied().unwrap_or(0);
    let min = rgb.iter().min().copied().unwrap_or(0);
    max - min <= GREY_CHROMA_MAX
}

/// Perceived lightness: Oklab L in `[0, 1]`.
pub fn perceived_lightness(rgb: Rgb) -> f32 {
    Space::Oklab.from_rgb(rgb)[0] / 100.0
}

/// Orders two colours by hue: chromatic colours by HSL hue (then lightness),
/// greys after all of them from dark to light; the packed value breaks ties so
/// the order is total and deterministic.
pub fn cmp_hue(a: Rgb, b: Rgb) -> std::cmp::Ordering {
    let key = |c: Rgb| {
        if is_grey(c) {
            (1u8, 0.0f32, hsl_lightness(c))
        } else {
            (0u8, hsl_hue(c), hsl_lightness(c))
        }
    };
    let (ga, ha, la) = key(a);
    let (gb, hb, lb) = key(b);
    ga.cmp(&gb)
        .then(ha.total_cmp(&hb))
        .then(la.total_cmp(&lb))
        .then(pack(a).cmp(&pack(b)))
}

/// Orders two colours from dark to light by [`perceived_lightness`].
pub fn cmp_lightness(a: Rgb, b: Rgb) -> std::cmp::Ordering {
    perceived_lightness(a)
        .total_cmp(&perceived_lightness(b))
        .then(pack(a).cmp(&pack(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_and_padded() {
        assert_eq!(to_hex([0, 10, 255]), "#000aff");
    }

    #[test]
    fn pack_round_trips() {
        for c in [[0, 0, 0], [255, 255, 255], [1, 2, 3], [200, 100, 50]] {
            assert_eq!(unpack(pack(c)), c);
        }
    }

    #[test]
    fn hue_of_primaries() {
        assert_eq!(hsl_hue([255, 0, 0]), 0.0);
        assert_eq!(hsl_hue([255, 255, 0]), 60.0);
        assert_eq!(hsl_hue([0, 255, 0]), 120.0);
        assert_eq!(hsl_hue([0, 255, 255]), 180.0);
        assert_eq!(hsl_hue([0, 0, 255]), 240.0);
        assert_eq!(hsl_hue([255, 0, 255]), 300.0);
        assert_eq!(hsl_hue([128, 128, 128]), 0.0);
    }

    #[test]
    fn hue_is_the_rem_euclid_formula_bit_for_bit() {
        for r in (0..=255u8).step_by(3) {
            for g in (0..=255u8).step_by(3) {
                for b in (0..=255u8).step_by(3) {
                    let [rf, gf, bf] = [r, g, b].map(|c| c as f32);
                    let (max, min) = (rf.max(gf).max(bf), rf.min(gf).min(bf));
                    let range = max - min;
                    let expected = if range == 0.0 {
                        0.0
                    } else if rf == max {
                        ((gf - bf) / range * 60.0).rem_euclid(360.0)
                    } else if gf == max {
                        ((2.0 + (bf - rf) / range) * 60.0).rem_euclid(360.0)
                    } else {
                        ((4.0 + (rf - gf) / range) * 60.0).rem_euclid(360.0)
                    };
                    assert_eq!(hsl_hue([r, g, b]).to_bits(), expected.to_bits());
                }
            }
        }
    }

    #[test]
    fn hue_sweep_matches_colorsys_formula() {
        // Sweep the hue circle at full saturation; the computed hue must rise
        // monotonically and stay within [0, 360).
        let mut last = -1.0;
        for i in 0..=255u8 {
            let h = hsl_hue([255, i, 0]);
            assert!(h > last && h < 360.0, "{i}: {h}");
            last = h;
        }
        assert!((hsl_hue([255, 0, 1]) - 359.76).abs() < 0.01);
    }

    #[test]
    fn every_space_round_trips_all_greys_and_a_colour_sweep() {
        for space in [Space::Oklab, Space::Lab, Space::Rgb] {
            for v in 0..=255u8 {
                assert_eq!(
                    space.to_rgb(space.from_rgb([v, v, v])),
                    [v, v, v],
                    "{space:?}"
                );
            }
            for r in (0..=255u8).step_by(15) {
                for g in (0..=255u8).step_by(17) {
                    for b in (0..=255u8).step_by(51) {
                        let c = [r, g, b];
                        assert_eq!(space.to_rgb(space.from_rgb(c)), c, "{space:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn out_of_gamut_points_clamp() {
        assert_eq!(Space::Rgb.to_rgb([-5.0, 300.0, f32::NAN]), [0, 255, 0]);
        // Far outside the sRGB gamut: channels clip at the gamut's edge.
        let c = Space::Oklab.to_rgb([50.0, 90.0, -90.0]);
        assert!(c.contains(&0) && c.contains(&255), "{c:?}");
    }

    #[test]
    fn fast_oklab_matches_the_palette_crate() {
        for r in (0..=255u8).step_by(5) {
            for g in (0..=255u8).step_by(15) {
                for b in (0..=255u8).step_by(25) {
                    let fast = Space::Oklab.from_rgb([r, g, b]);
                    let srgb = Srgb::new(r, g, b).into_format::<f32>().into_linear::<f32>();
                    let slow = Oklab::from_color(srgb);
                    let slow = [slow.l * 100.0, slow.a * 100.0, slow.b * 100.0];
                    assert!(
                        distance_sq(&fast, &slow) < 1e-6,
                        "{r},{g},{b}: {fast:?} {slow:?}"
                    );
                }
            }
        }
        assert!((fast_cbrt(27.0) - 3.0).abs() < 1e-6 && fast_cbrt(0.0) == 0.0);
    }

    #[test]
    fn oklab_scale_is_percent() {
        let white = Space::Oklab.from_rgb([255, 255, 255]);
        assert!((white[0] - 100.0).abs() < 0.01 && white[1].abs() < 0.01);
    }

    #[test]
    fn greys_sort_after_colours_dark_to_light() {
        let mut colours = vec![
            [200, 200, 200],
            [0, 0, 255],
            [10, 10, 11],
            [255, 0, 0],
            [0, 255, 0],
        ];
        colours.sort_by(|a, b| cmp_hue(*a, *b));
        assert_eq!(
            colours,
            vec![
                [255, 0, 0],
                [0, 255, 0],
                [0, 0, 255],
                [10, 10, 11],
                [200, 200, 200]
            ]
        );
    }

    #[test]
    fn rgb_distance_is_summed_squares() {
        assert_eq!(rgb_distance_sq([0, 0, 0], [255, 255, 255]), 3 * 255 * 255);
        assert_eq!(rgb_distance_sq([10, 20, 30], [13, 16, 30]), 9 + 16);
    }

    #[test]
    fn hex_codes_round_trip() {
        for c in [[0, 0, 0], [255, 255, 255], [18, 52, 86], [171, 205, 239]] {
            assert_eq!(parse_hex(&to_hex(c)), Some(c));
        }
        assert_eq!(parse_hex("ABCDEF"), Some([171, 205, 239]));
        for bad in ["#12345", "#1234567", "#12345g", "", "#"] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
    }

    #[test]
    fn delta_e_is_zero_for_equal_and_large_for_opposites() {
        assert_eq!(delta_e([10, 20, 30], [10, 20, 30]), 0.0);
        assert!(delta_e([0, 0, 0], [255, 255, 255]) > 99.0);
    }
}
