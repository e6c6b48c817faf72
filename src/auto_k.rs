//! Automatic k: how many colours an image really has, read off its palette
//! at the ceiling (`--max-colors`) by merging the colours a viewer would not
//! tell apart and the colours too small to count on their own.

use palette::color_difference::Ciede2000;
use palette::{white_point::D65, Lab};

use crate::color::lab;
use crate::palette::Palette;

/// Default ceiling of automatic k.
pub const DEFAULT_MAX_COLORS: usize = 16;

/// Palette colours closer than this (CIEDE2000) are one colour. Chosen on
/// the corpus and its film (benches and the README's table): 11 puts movie
/// stills at 9-11 colours of 16, keeps a flat graphic's few colours apart,
/// and leaves a noisy photo at the ceiling.
pub const MERGE_DELTA_E: f32 = 11.0;

/// Colours holding less than this share of the pixels are not a colour of
/// their own (anti-aliased edges between two flat colours, specks).
pub const MIN_FRACTION: f64 = 0.01;

/// The rule, as JSON records it.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AutoK {
    /// The ceiling: the palette the colours are counted in has this many.
    pub max_colors: usize,
    /// [`MERGE_DELTA_E`].
    pub merge_delta_e: f32,
    /// [`MIN_FRACTION`].
    pub min_fraction: f64,
}

impl AutoK {
    /// The rule with the ceiling `max_colors`.
    pub fn new(max_colors: usize) -> Self {
        AutoK {
            max_colors,
            merge_delta_e: MERGE_DELTA_E,
            min_fraction: MIN_FRACTION,
        }
    }
}

/// The number of colours `palette` (extracted at the ceiling) stands for.
///
/// Its colours are merged two at a time, always the closest pair (CIEDE2000
/// between their pixel-weighted mean colours in CIE L*a*b*), while that
/// pair is closer than [`MERGE_DELTA_E`]; then, while the smallest colour
/// holds less than [`MIN_FRACTION`] of the pixels, it joins its nearest
/// colour. What is left is counted. Ties go to the earlier colour of the
/// palette, so the count is deterministic.
pub fn count_colors(palette: &Palette) -> usize {
    let mut groups: Vec<(Lab<D65, f32>, f64)> = palette
        .colors
        .iter()
        .map(|s| (lab(s.rgb), s.fraction))
        .collect();
    // Distances between groups, updated as groups merge: k^2 CIEDE2000
    // evaluations in all, whatever the ceiling.
    let mut dist: Vec<Vec<f32>> = groups
        .iter()
        .map(|a| groups.iter().map(|b| a.0.difference(b.0)).collect())
        .collect();
    while groups.len() > 1 {
        let (mut close, mut best) = ((0, 1), f32::MAX);
        for (i, row) in dist.iter().enumerate() {
            for (j, &d) in row.iter().enumerate().skip(i + 1) {
                if d < best {
                    (close, best) = ((i, j), d);
                }
            }
        }
        let smallest = (0..groups.len())
            .min_by(|&a, &b| groups[a].1.total_cmp(&groups[b].1))
            .unwrap_or(0);
        let (i, j) = if best < MERGE_DELTA_E {
            close
        } else if groups[smallest].1 < MIN_FRACTION {
            let nearest = (0..groups.len())
                .filter(|&j| j != smallest)
                .min_by(|&a, &b| dist[smallest][a].total_cmp(&dist[smallest][b]))
                .unwrap_or(0);
            (smallest.min(nearest), smallest.max(nearest))
        } else {
            break;
        };
        let ((a, wa), (b, wb)) = (groups[i], groups[j]);
        let w = wa + wb;
        let mix = |x: f32, y: f32| {
            if w > 0.0 {
                ((x as f64 * wa + y as f64 * wb) / w) as f32
            } else {
                (x + y) / 2.0
            }
        };
        groups[i] = (Lab::new(mix(a.l, b.l), mix(a.a, b.a), mix(a.b, b.b)), w);
        groups.remove(j);
        dist.remove(j);
        for row in dist.iter_mut() {
            row.remove(j);
        }
        for k in 0..groups.len() {
            let d = groups[i].0.difference(groups[k].0);
            dist[i][k] = d;
            dist[k][i] = d;
        }
    }
    groups.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::palette::Swatch;

    fn palette(colors: &[([u8; 3], f64)]) -> Palette {
        Palette {
            colors: colors
                .iter()
                .map(|&(rgb, fraction)| Swatch {
                    rgb,
                    count: (fraction * 1000.0) as u64,
                    fraction,
                })
                .collect(),
            pixels: 1000,
            mse: 0.0,
        }
    }

    #[test]
    fn distinct_colours_stay_apart() {
        let p = palette(&[
            ([255, 0, 0], 0.3),
            ([0, 0, 255], 0.3),
            ([255, 255, 255], 0.4),
        ]);
        assert_eq!(count_colors(&p), 3);
    }

    #[test]
    fn shades_a_viewer_cannot_tell_apart_are_one_colour() {
        // Three close greens (ΔE 2-4 apart) and a far red.
        let p = palette(&[
            ([40, 160, 40], 0.3),
            ([44, 164, 44], 0.2),
            ([48, 168, 48], 0.2),
            ([200, 30, 30], 0.3),
        ]);
        assert_eq!(count_colors(&p), 2);
    }

    #[test]
    fn colours_under_the_minimum_share_join_their_nearest() {
        // The blends of an anti-aliased edge between blue and yellow.
        let p = palette(&[
            ([20, 40, 160], 0.6),
            ([250, 200, 30], 0.37),
            ([135, 120, 95], 0.01 - 1e-9),
            ([80, 80, 130], 0.005),
            ([200, 170, 60], 0.005),
        ]);
        assert_eq!(count_colors(&p), 2);
        assert_eq!(count_colors(&palette(&[([9, 9, 9], 1.0)])), 1);
    }
}
