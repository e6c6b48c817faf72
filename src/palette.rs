//! The palette: turning centroids into distinct sRGB8 colours, exact fractions
//! and the mse quality measure, and the output orders.

use clap::ValueEnum;
use rayon::prelude::*;

use crate::color::{cmp_hue, cmp_lightness, nearest, rgb_distance_sq, Rgb, Space};
use crate::pixels::ColorHistogram;

/// Unique colours per work item when assigning colours to the palette.
const ASSIGN_CHUNK: usize = 4096;

/// One palette colour and the share of the image nearest to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Swatch {
    /// The colour, 8-bit sRGB.
    pub rgb: Rgb,
    /// Counted pixels nearest to this colour (in the clustering space).
    pub count: u64,
    /// `count` / all counted pixels.
    pub fraction: f64,
}

/// The result of an extraction.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    /// The colours, in the requested order.
    pub colors: Vec<Swatch>,
    /// Counted pixels (those that passed the alpha threshold).
    pub pixels: u64,
    /// Distinct colours among the counted pixels.
    pub distinct_colors: usize,
    /// Mean over counted pixels of the squared distance to the nearest palette
    /// colour, in sRGB 0..255 units summed over R, G and B.
    pub mse: f64,
}

/// The order colours are listed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortOrder {
    /// By HSL hue from red through green and blue; greys after, dark to light.
    Hue,
    /// From dark to light (Oklab L).
    Lightness,
    /// Largest share of the image first.
    Frequency,
    /// As the algorithm produced them.
    None,
}

impl SortOrder {
    /// The lowercase name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            SortOrder::Hue => "hue",
            SortOrder::Lightness => "lightness",
            SortOrder::Frequency => "frequency",
            SortOrder::None => "none",
        }
    }
}

/// Builds the palette from `colors` (already distinct): every counted pixel is
/// assigned to its nearest colour in `space` for the fractions, and to its
/// nearest colour in sRGB for `mse`.
pub fn measure(hist: &ColorHistogram, colors: Vec<Rgb>, space: Space) -> Palette {
    let points: Vec<[f32; 3]> = colors.iter().map(|&c| space.from_rgb(c)).collect();
    let k = colors.len();
    // Integer counts and squared distances: exact, so the parallel reduction
    // cannot depend on the thread count.
    let (counts, err) = hist
        .colors
        .par_chunks(ASSIGN_CHUNK)
        .zip(hist.counts.par_chunks(ASSIGN_CHUNK))
        .map(|(cs, ns)| {
            let mut counts = vec![0u64; k];
            // u128: merged histograms carry weights up to ~2^45 per colour.
            let mut err = 0u128;
            for (&c, &n) in cs.iter().zip(ns) {
                counts[nearest(&space.from_rgb(c), &points).0] += n;
                let nearest_rgb = colors
                    .iter()
                    .map(|&q| rgb_distance_sq(c, q))
                    .min()
                    .unwrap_or(0);
                err += nearest_rgb as u128 * n as u128;
            }
            (counts, err)
        })
        .reduce(
            || (vec![0u64; k], 0u128),
            |(mut a, ea), (b, eb)| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                (a, ea + eb)
            },
        );
    let total = hist.total.max(1);
    Palette {
        colors: colors
            .into_iter()
            .zip(counts)
            .map(|(rgb, count)| Swatch {
                rgb,
                count,
                fraction: count as f64 / total as f64,
            })
            .collect(),
        pixels: hist.total,
        distinct_colors: hist.len(),
        mse: err as f64 / total as f64,
    }
}

/// Rounds clustering-space centroids to sRGB8 and makes them distinct: a
/// centroid that rounds onto an earlier one is replaced by the image colour
/// worst served by the palette so far, so k distinct colours come out whenever
/// the image has more than k.
pub fn distinct_colors(hist: &ColorHistogram, centroids: &[[f32; 3]], space: Space) -> Vec<Rgb> {
    let mut colors: Vec<Rgb> = Vec::with_capacity(centroids.len());
    let mut missing = 0;
    for &c in centroids {
        let rgb = space.to_rgb(c);
        if colors.contains(&rgb) {
            missing += 1;
        } else {
            colors.push(rgb);
        }
    }
    for _ in 0..missing {
        let points: Vec<[f32; 3]> = colors.iter().map(|&c| space.from_rgb(c)).collect();
        let worst = hist
            .colors
            .par_iter()
            .zip(hist.counts.par_iter())
            .enumerate()
            .map(|(i, (&c, &n))| {
                let d = nearest(&space.from_rgb(c), &points).1;
                (d as f64 * n as f64, i)
            })
            // Largest error first; ties go to the lowest index.
            .reduce(
                || (f64::NEG_INFINITY, usize::MAX),
                |a, b| {
                    if b.0 > a.0 || (b.0 == a.0 && b.1 < a.1) {
                        b
                    } else {
                        a
                    }
                },
            );
        match hist.colors.get(worst.1) {
            Some(&c) if worst.0 > 0.0 => colors.push(c),
            _ => break, // every image colour is already in the palette
        }
    }
    colors
}

/// Puts the palette in the requested order (total and deterministic).
pub fn sort_palette(palette: &mut Palette, order: SortOrder) {
    match order {
        SortOrder::Hue => palette.colors.sort_by(|a, b| cmp_hue(a.rgb, b.rgb)),
        SortOrder::Lightness => palette.colors.sort_by(|a, b| cmp_lightness(a.rgb, b.rgb)),
        SortOrder::Frequency => palette
            .colors
            .sort_by(|a, b| b.count.cmp(&a.count).then(cmp_hue(a.rgb, b.rgb))),
        SortOrder::None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist() -> ColorHistogram {
        ColorHistogram::from_pairs([([0, 0, 0], 6), ([10, 0, 0], 2), ([255, 255, 255], 2)])
    }

    #[test]
    fn fractions_are_exact_and_mse_uses_nearest_rgb() {
        let p = measure(&hist(), vec![[0, 0, 0], [255, 255, 255]], Space::Rgb);
        assert_eq!(p.colors[0].count, 8);
        assert_eq!(p.colors[1].count, 2);
        assert!((p.colors[0].fraction - 0.8).abs() < 1e-12);
        // Two pixels 10 units away from black: 2 × 100 / 10.
        assert!((p.mse - 20.0).abs() < 1e-12);
        assert_eq!(p.pixels, 10);
    }

    #[test]
    fn rounded_duplicates_are_replaced_by_the_worst_served_colour() {
        let cents = [[0.2, 0.0, 0.0], [0.4, 0.0, 0.0], [254.8, 255.0, 255.0]];
        let colors = distinct_colors(&hist(), &cents, Space::Rgb);
        assert_eq!(colors, vec![[0, 0, 0], [255, 255, 255], [10, 0, 0]]);
    }

    #[test]
    fn frequency_order_breaks_ties_by_hue() {
        let mut p = measure(
            &hist(),
            vec![[255, 255, 255], [10, 0, 0], [0, 0, 0]],
            Space::Rgb,
        );
        sort_palette(&mut p, SortOrder::Frequency);
        let order: Vec<Rgb> = p.colors.iter().map(|s| s.rgb).collect();
        assert_eq!(order, vec![[0, 0, 0], [10, 0, 0], [255, 255, 255]]);
    }
}
