//! One palette for many images (a scene, a film): per-image colour
//! histograms folded into a fixed grid of colour bins, so memory stays the
//! same whatever the number of images.

use crate::bins::{Bins, BIN_COUNT};
use crate::pixels::ColorHistogram;

/// In `image` weighting every image carries this total weight.
pub const IMAGE_WEIGHT: u64 = 1 << 32;

/// How much each image counts in a merged palette.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
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
    pixels: u64,
    mode: MergeWeight,
}

/// What a merged palette was made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MergeSummary {
    /// Images merged.
    pub images: usize,
    /// Their counted pixels.
    pub pixels: u64,
    /// How each image counted.
    pub weight: MergeWeight,
}

impl MergedHistogram {
    /// An empty merge.
    pub fn new(mode: MergeWeight) -> Self {
        MergedHistogram {
            weight: vec![0; BIN_COUNT],
            sums: vec![[0; 3]; BIN_COUNT],
            images: 0,
            pixels: 0,
            mode,
        }
    }

    /// Adds one image's colour bins.
    pub fn add(&mut self, bins: &Bins) {
        if bins.total == 0 {
            return;
        }
        self.images += 1;
        self.pixels += bins.total;
        for i in 0..bins.len() {
            let (n, sum) = (bins.count[i] as u128, bins.sum[i].map(|v| v as u128));
            // Integer weights keep the merge exact and independent of order;
            // in image mode a bin's sums scale with its weight.
            let (w, s) = match self.mode {
                MergeWeight::Pixel => (n, sum),
                MergeWeight::Image => {
                    let scale = |v: u128| v * IMAGE_WEIGHT as u128 / bins.total as u128;
                    (scale(n), sum.map(scale))
                }
            };
            let b = bins.index[i] as usize;
            self.weight[b] += w as u64;
            for (acc, v) in self.sums[b].iter_mut().zip(s) {
                *acc += v;
            }
        }
    }

    /// What was merged: images, counted pixels, weighting.
    pub fn summary(&self) -> MergeSummary {
        MergeSummary {
            images: self.images,
            pixels: self.pixels,
            weight: self.mode,
        }
    }

    /// The merged colours: each non-empty bin as its weighted mean colour
    /// (exactly the image colour when a bin holds only one) with its weight.
    /// Bins are disjoint cubes, so the rounded means are distinct.
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
    use crate::pixels::PixelBuffer;

    fn bins(colors: &[([u8; 3], usize)]) -> Bins {
        let raw: Vec<u8> = colors
            .iter()
            .flat_map(|&(c, n)| std::iter::repeat_n(c, n).flatten())
            .collect();
        let n = raw.len() as u32 / 3;
        Bins::of(&PixelBuffer::rgb8(raw, n, 1).unwrap())
    }

    #[test]
    fn pixel_weighting_counts_pixels() {
        let mut m = MergedHistogram::new(MergeWeight::Pixel);
        m.add(&bins(&[([255, 0, 0], 300)]));
        m.add(&bins(&[([0, 0, 255], 100)]));
        let h = m.to_histogram();
        assert_eq!(h.colors, vec![[0, 0, 255], [255, 0, 0]]);
        assert_eq!(h.counts, vec![100, 300]);
        assert_eq!(m.summary().images, 2);
        assert_eq!(m.summary().pixels, 400);
    }

    #[test]
    fn image_weighting_gives_each_image_the_same_weight() {
        let mut m = MergedHistogram::new(MergeWeight::Image);
        m.add(&bins(&[([255, 0, 0], 300)]));
        m.add(&bins(&[([0, 0, 255], 100)]));
        assert_eq!(m.to_histogram().counts, vec![IMAGE_WEIGHT, IMAGE_WEIGHT]);
        assert_eq!(m.summary().pixels, 400, "counted pixels, not weights");
    }

    #[test]
    fn a_bin_holds_the_weighted_mean_of_its_colours() {
        let mut m = MergedHistogram::new(MergeWeight::Pixel);
        m.add(&bins(&[([8, 8, 8], 3), ([11, 8, 8], 1)]));
        let h = m.to_histogram();
        assert_eq!(h.colors, vec![[9, 8, 8]]); // (3·8 + 11) / 4 = 8.75
        assert_eq!(h.total, 4);
    }
}
