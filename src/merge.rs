//! One palette for many images (a scene, a film): per-image colour
//! histograms folded into a fixed grid of colour bins, so memory stays the
//! same whatever the number of images.

use clap::ValueEnum;

use crate::color::Rgb;
use crate::pixels::ColorHistogram;

/// Bits kept per channel for a bin: 2^18 bins, each a 4×4×4 cube of sRGB8
/// values, far finer than any cluster.
const BIN_BITS: u32 = 6;
const BINS: usize = 1 << (3 * BIN_BITS);
/// In `image` weighting every image carries this total weight.
pub const IMAGE_WEIGHT: u64 = 1 << 32;

/// How much each image counts in a merged palette.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MergeWeight {
    /// Every pixel counts once: large images count more.
    Pixel,
    /// Every image counts the same, whatever its size.
    Image,
}

/// Colour bins accumulating weight and weighted colour sums.
pub struct MergedHistogram {
    weight: Vec<u64>,
    sums: Vec<[u128; 3]>,
    images: usize,
    mode: MergeWeight,
}

fn bin_of(c: Rgb) -> usize {
    let shift = 8 - BIN_BITS;
    ((c[0] as usize >> shift) << (2 * BIN_BITS))
        | ((c[1] as usize >> shift) << BIN_BITS)
        | (c[2] as usize >> shift)
}

impl MergedHistogram {
    /// An empty merge.
    pub fn new(mode: MergeWeight) -> Self {
        MergedHistogram {
            weight: vec![0; BINS],
            sums: vec![[0; 3]; BINS],
            images: 0,
            mode,
        }
    }

    /// Adds one image's colours.
    pub fn add(&mut self, hist: &ColorHistogram) {
        if hist.total == 0 {
            return;
        }
        self.images += 1;
        for (&c, &n) in hist.colors.iter().zip(&hist.counts) {
            let w = match self.mode {
                MergeWeight::Pixel => n,
                // Integer weights keep the merge exact and order-independent;
                // every colour gets at least IMAGE_WEIGHT / 2^28 ≥ 16.
                MergeWeight::Image => {
                    ((n as u128 * IMAGE_WEIGHT as u128) / hist.total as u128) as u64
                }
            };
            let b = bin_of(c);
            self.weight[b] += w;
            for (s, &v) in self.sums[b].iter_mut().zip(&c) {
                *s += v as u128 * w as u128;
            }
        }
    }

    /// Number of images added.
    pub fn images(&self) -> usize {
        self.images
    }

    /// The merged colours: each non-empty bin as its weighted mean colour
    /// (exactly the image colour when a bin holds only one) with its weight.
    /// Bins are disjoint cubes, so the mean colours are distinct.
    pub fn to_histogram(&self) -> ColorHistogram {
        ColorHistogram::from_pairs(
            self.weight
                .iter()
                .zip(&self.sums)
                .filter(|(&w, _)| w > 0)
                .map(|(&w, s)| {
                    let w128 = w as u128;
                    (s.map(|v| ((v + w128 / 2) / w128) as u8), w)
                }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixel_weighting_counts_pixels() {
        let mut m = MergedHistogram::new(MergeWeight::Pixel);
        m.add(&ColorHistogram::from_pairs([([255, 0, 0], 300)]));
        m.add(&ColorHistogram::from_pairs([([0, 0, 255], 100)]));
        let h = m.to_histogram();
        assert_eq!(h.colors, vec![[0, 0, 255], [255, 0, 0]]);
        assert_eq!(h.counts, vec![100, 300]);
        assert_eq!(m.images(), 2);
    }

    #[test]
    fn image_weighting_gives_each_image_the_same_weight() {
        let mut m = MergedHistogram::new(MergeWeight::Image);
        m.add(&ColorHistogram::from_pairs([([255, 0, 0], 300)]));
        m.add(&ColorHistogram::from_pairs([([0, 0, 255], 100)]));
        assert_eq!(m.to_histogram().counts, vec![IMAGE_WEIGHT, IMAGE_WEIGHT]);
    }

    #[test]
    fn a_bin_holds_the_weighted_mean_of_its_colours() {
        let mut m = MergedHistogram::new(MergeWeight::Pixel);
        m.add(&ColorHistogram::from_pairs([
            ([8, 8, 8], 3),
            ([11, 8, 8], 1),
        ]));
        let h = m.to_histogram();
        assert_eq!(h.colors, vec![[9, 8, 8]]); // (3·8 + 11) / 4 = 8.75
        assert_eq!(h.total, 4);
    }
}
