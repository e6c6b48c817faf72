//! Exclusions: colours whose pixels are left out of the counted pixels (a
//! white product background, the pure black of a matte), as pixels below
//! the alpha threshold are. A pixel is excluded when its colour lies within
//! a CIEDE2000 distance of an excluded colour.

use std::fmt;
use std::str::FromStr;

use palette::color_difference::Ciede2000;
use rayon::prelude::*;

use crate::color::{lab, parse_hex, to_hex, Rgb};
use crate::names::CSS_COLORS;

/// Distance (CIEDE2000) within which pixels of an excluded colour are left
/// out when none is given: wide enough for the JPEG noise and soft shading of
/// a flat background (2-6), narrow enough to keep a neighbouring colour a
/// viewer calls different (10 and more: light grey against white).
pub const DEFAULT_DELTA_E: f32 = 8.0;

/// Largest distance accepted: beyond it an exclusion takes in whole
/// families of colours, and building its set would cost seconds (about one
/// on two cores at 30 around mid grey, the worst place).
pub const MAX_DELTA_E: f32 = 30.0;

/// One excluded colour and the distance around it.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Exclusion {
    /// The colour, `#rrggbb` in JSON.
    #[serde(with = "hex")]
    pub color: Rgb,
    /// CIEDE2000 distance: pixels this close or closer are left out (0: the
    /// exact colour only).
    pub delta_e: f32,
}

impl FromStr for Exclusion {
    type Err = String;

    /// `COLOR[:ΔE]`: the colour as `#rrggbb`, `#rgb` (`#` optional) or a CSS
    /// colour name, and the distance ([`DEFAULT_DELTA_E`] when left out).
    fn from_str(s: &str) -> Result<Self, String> {
        let (color, delta) = match s.rsplit_once(':') {
            Some((c, d)) => (c, Some(d)),
            None => (s, None),
        };
        let color = parse_color(color.trim()).ok_or_else(|| {
            format!("`{color}` is not a colour (give #rrggbb, #rgb or a CSS colour name)")
        })?;
        let delta_e = match delta {
            None => DEFAULT_DELTA_E,
            Some(d) => match d.trim().parse::<f32>() {
                Ok(v) if (0.0..=MAX_DELTA_E).contains(&v) => v,
                _ => {
                    return Err(format!(
                    "`{d}` is not a distance: give a ΔE from 0 to {MAX_DELTA_E} after the colour"
                ))
                }
            },
        };
        Ok(Exclusion { color, delta_e })
    }
}

impl fmt::Display for Exclusion {
    /// `#rrggbb:ΔE`, as the option takes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", to_hex(self.color), self.delta_e)
    }
}

/// A colour as `#rrggbb`, `#rgb` (the `#` optional) or a CSS colour name.
pub fn parse_color(s: &str) -> Option<Rgb> {
    let lower = s.to_ascii_lowercase();
    if let Some(&(_, rgb)) = CSS_COLORS.iter().find(|(name, _)| *name == lower) {
        return Some(rgb);
    }
    let digits = lower.strip_prefix('#').unwrap_or(&lower);
    if digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        let doubled: String = digits.chars().flat_map(|c| [c, c]).collect();
        return parse_hex(&doubled);
    }
    parse_hex(digits)
}

/// The set of excluded colours: one bit for each of the 2^24 sRGB8
/// colours (2 MiB), built once and shared by every image.
#[derive(Clone)]
pub struct ExclusionSet {
    bits: Vec<u64>,
}

impl fmt::Debug for ExclusionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let colors: u32 = self.bits.iter().map(|w| w.count_ones()).sum();
        write!(f, "ExclusionSet({colors} colours)")
    }
}

impl ExclusionSet {
    /// Every colour within its distance of one of `exclusions`.
    ///
    /// Each region is filled outward from its colour, one channel step at a
    /// time, through colours within the distance: CIEDE2000 grows smoothly
    /// away from a colour, so the region around it is one connected piece of
    /// the sRGB cube, and only it and its rim are ever measured.
    pub fn new(exclusions: &[Exclusion]) -> Self {
        const WORDS: usize = (1 << 24) / 64;
        let mut set = ExclusionSet {
            bits: vec![0; WORDS],
        };
        for e in exclusions {
            let center = lab(e.color);
            let mut seen = vec![0u64; WORDS];
            let mut mark = |c: Rgb| {
                let i = index(c);
                let new = seen[i / 64] & (1 << (i % 64)) == 0;
                seen[i / 64] |= 1 << (i % 64);
                new
            };
            mark(e.color);
            // Layer by layer, each layer's distances measured in parallel
            // (the set does not depend on the order).
            let mut layer = vec![e.color];
            while !layer.is_empty() {
                let inside: Vec<Rgb> = layer
                    .par_iter()
                    .copied()
                    .filter(|&c| center.difference(lab(c)) <= e.delta_e)
                    .collect();
                layer.clear();
                for c in inside {
                    set.insert(c);
                    for ch in 0..3 {
                        for v in [c[ch].checked_sub(1), c[ch].checked_add(1)]
                            .into_iter()
                            .flatten()
                        {
                            let mut n = c;
                            n[ch] = v;
                            if mark(n) {
                                layer.push(n);
                            }
                        }
                    }
                }
            }
        }
        set
    }

    fn insert(&mut self, c: Rgb) {
        let i = index(c);
        self.bits[i / 64] |= 1 << (i % 64);
    }

    /// Whether `c` is excluded.
    #[inline]
    pub fn contains(&self, c: Rgb) -> bool {
        let i = index(c);
        self.bits[i / 64] & (1 << (i % 64)) != 0
    }

    /// How many colours are excluded.
    pub fn len(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether no colour is excluded.
    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&w| w == 0)
    }
}

#[inline]
fn index(c: Rgb) -> usize {
    (c[0] as usize) << 16 | (c[1] as usize) << 8 | c[2] as usize
}

/// Colours as `#rrggbb` in JSON.
mod hex {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::color::{parse_hex, to_hex, Rgb};

    pub fn serialize<S: Serializer>(rgb: &Rgb, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&to_hex(*rgb))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Rgb, D::Error> {
        let text = String::deserialize(d)?;
        parse_hex(&text).ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not #rrggbb")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::color::delta_e;

    #[test]
    fn colours_and_distances_are_parsed() {
        let e: Exclusion = "white".parse().unwrap();
        assert_eq!((e.color, e.delta_e), ([255; 3], DEFAULT_DELTA_E));
        let e: Exclusion = "#0a0B0c:2.5".parse().unwrap();
        assert_eq!((e.color, e.delta_e), ([10, 11, 12], 2.5));
        let e: Exclusion = "f00:0".parse().unwrap();
        assert_eq!((e.color, e.delta_e), ([255, 0, 0], 0.0));
        assert_eq!(e.to_string(), "#ff0000:0");
        assert!("whte".parse::<Exclusion>().unwrap_err().contains("`whte`"));
        assert!("#fff:-1".parse::<Exclusion>().is_err());
        assert!("#fff:99".parse::<Exclusion>().is_err());
        assert!("#fff:x".parse::<Exclusion>().is_err());
    }

    #[test]
    fn the_set_is_every_colour_within_the_distance() {
        let exclusion = Exclusion {
            color: [250, 250, 245],
            delta_e: 6.0,
        };
        let set = ExclusionSet::new(&[exclusion]);
        assert!(set.len() > 1000, "{}", set.len());
        // Every colour of a coarse grid over the whole cube agrees with the
        // distance: the fill found the region and nothing else.
        for r in (0..=255).step_by(3) {
            for g in (0..=255).step_by(5) {
                for b in (0..=255).step_by(7) {
                    let c = [r as u8, g as u8, b as u8];
                    let inside = delta_e(c, exclusion.color) <= exclusion.delta_e;
                    assert_eq!(set.contains(c), inside, "{c:?}");
                }
            }
        }
    }

    #[test]
    fn a_zero_distance_excludes_the_colour_alone() {
        let set = ExclusionSet::new(&["#102030:0".parse().unwrap()]);
        assert_eq!(set.len(), 1);
        assert!(set.contains([16, 32, 48]) && !set.contains([16, 32, 49]));
        assert!(ExclusionSet::new(&[]).is_empty());
    }
}
