//! One palette for many images (a scene, a film): per-image colour
//! histograms folded into a fixed grid of colour bins, so memory stays the
//! same whatever the number of images. The grid is exact integers, so merges
//! can be split across processes and machines and added in any order: a
//! merged histogram is written and read as a JSON document.

use crate::bins::{Bins, BIN_BITS, BIN_COUNT};
use crate::color::Space;
use crate::error::{Error, Result};
use crate::pixels::ColorHistogram;

/// The `schema` of a histogram document: its number changes when its
/// meaning does.
pub const HISTOGRAM_SCHEMA: u32 = 1;

/// The `kind` that marks a JSON document as a scenepal histogram.
pub const HISTOGRAM_KIND: &str = "scenepal-histogram";

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
#[derive(Clone, Debug, PartialEq, Eq)]
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

    /// Adds another merge of the same weighting (another shard's images):
    /// integer sums, so the result does not depend on the order or grouping
    /// of the merges. Every sum is checked: counts read from a file can be
    /// anything, and a wrapped sum would be a wrong palette, not an error.
    /// On an error nothing is added.
    ///
    /// # Errors
    /// [`Error::Histogram`] if the weightings differ or a sum overflows.
    pub fn absorb(&mut self, other: &MergedHistogram) -> Result<()> {
        if self.mode != other.mode {
            return Err(Error::Histogram(format!(
                "a histogram whose images are weighted by {}, not by {}",
                other.mode.name(),
                self.mode.name()
            )));
        }
        let overflow = |what: &str| {
            Error::Histogram(format!(
                "its {what} added to those merged before overflow: too large to come from images"
            ))
        };
        let images = (self.images.checked_add(other.images)).ok_or_else(|| overflow("images"))?;
        let pixels = (self.pixels.checked_add(other.pixels)).ok_or_else(|| overflow("pixels"))?;
        // The palette adds every bin's weight as one u64 total.
        let total = self.total_weight() + other.total_weight();
        if total > u64::MAX as u128 {
            return Err(overflow("weights"));
        }
        // Each bin's weight is at most the total, checked above; its sums
        // are at most 257 times its weight (checked when read), so they
        // stay far inside u128.
        for (w, o) in self.weight.iter_mut().zip(&other.weight) {
            *w += o;
        }
        for (s, o) in self.sums.iter_mut().zip(&other.sums) {
            for (a, b) in s.iter_mut().zip(o) {
                *a += b;
            }
        }
        self.images = images;
        self.pixels = pixels;
        Ok(())
    }

    /// The sum of every bin's weight (wider than a bin's, so it cannot wrap).
    fn total_weight(&self) -> u128 {
        self.weight.iter().map(|&w| w as u128).sum()
    }

    /// The histogram as a JSON document (one line), with the options that
    /// decide a palette made from it.
    pub fn to_json(&self, options: &HistogramOptions) -> String {
        let filled: Vec<usize> = (0..BIN_COUNT).filter(|&b| self.weight[b] > 0).collect();
        let doc = HistogramDoc {
            schema: HISTOGRAM_SCHEMA,
            kind: HISTOGRAM_KIND.to_owned(),
            bin_bits: BIN_BITS,
            options: options.clone(),
            images: self.images,
            pixels: self.pixels,
            bins: BinColumns {
                index: filled.iter().map(|&b| b as u32).collect(),
                weight: filled.iter().map(|&b| self.weight[b]).collect(),
                sum: filled.iter().map(|&b| self.sums[b]).collect(),
            },
        };
        serde_json::to_string(&doc).expect("a histogram serialises")
    }

    /// Reads a document written by [`to_json`](Self::to_json), checking it
    /// whole: a foreign document, another schema or bin size, or bins that
    /// cannot come from pixels are errors.
    ///
    /// # Errors
    /// [`Error::Histogram`] naming what is wrong.
    pub fn from_json(text: &str) -> Result<(Self, HistogramOptions)> {
        // The header first, to tell a foreign document from a damaged one.
        #[derive(serde::Deserialize)]
        struct Header {
            #[serde(default)]
            kind: Option<serde_json::Value>,
            #[serde(default)]
            schema: Option<serde_json::Value>,
        }
        let foreign = || {
            Error::Histogram(format!(
                "not a scenepal histogram (no \"kind\": \"{HISTOGRAM_KIND}\")"
            ))
        };
        let header: Header = serde_json::from_str(text).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => foreign(),
            _ => Error::Histogram(format!("not a scenepal histogram (not JSON: {e})")),
        })?;
        if header.kind.as_ref().and_then(|k| k.as_str()) != Some(HISTOGRAM_KIND) {
            return Err(foreign());
        }
        match header.schema.as_ref().and_then(|s| s.as_u64()) {
            Some(v) if v == HISTOGRAM_SCHEMA as u64 => {}
            other => {
                return Err(Error::Histogram(format!(
                    "a histogram of schema {}, but this scenepal reads schema {HISTOGRAM_SCHEMA}",
                    other.map_or("missing".to_owned(), |v| v.to_string())
                )))
            }
        }
        let doc: HistogramDoc = serde_json::from_str(text)
            .map_err(|e| Error::Histogram(format!("damaged histogram ({e})")))?;
        if doc.bin_bits != BIN_BITS {
            return Err(Error::Histogram(format!(
                "a histogram of {}-bit colour bins, but this scenepal uses {BIN_BITS}",
                doc.bin_bits
            )));
        }
        let mut merged = MergedHistogram::new(doc.options.merge_weight);
        merged.images = doc.images;
        merged.pixels = doc.pixels;
        let bins = &doc.bins;
        if bins.weight.len() != bins.index.len() || bins.sum.len() != bins.index.len() {
            return Err(Error::Histogram(
                "damaged histogram (its bin columns differ in length)".to_owned(),
            ));
        }
        let mut last = None;
        for ((&b, &w), s) in bins.index.iter().zip(&bins.weight).zip(&bins.sum) {
            let b = b as usize;
            if b >= BIN_COUNT || last.is_some_and(|l| l >= b) || w == 0 {
                return Err(Error::Histogram(format!(
                    "damaged histogram (bin {b} is out of order, out of range or empty)"
                )));
            }
            // A bin's weighted mean lies inside its cube of colours (give or
            // take one level: image weighting rounds weights and sums apart).
            let origin = crate::bins::bin_origin(b);
            let inside = (0..3).all(|c| {
                let lo = (origin[c] as u128).saturating_sub(1);
                let hi = origin[c] as u128 + crate::bins::BIN_SIDE as u128;
                s[c] >= lo * w as u128 && s[c] <= hi * w as u128
            });
            if !inside {
                return Err(Error::Histogram(format!(
                    "damaged histogram (bin {b}'s colour sums lie outside it)"
                )));
            }
            merged.weight[b] = w;
            merged.sums[b] = *s;
            last = Some(b);
        }
        if merged.total_weight() > u64::MAX as u128 {
            return Err(Error::Histogram(
                "damaged histogram (its weights add up to more than 2^64 - 1)".to_owned(),
            ));
        }
        if doc.images == 0 && !bins.index.is_empty() {
            return Err(Error::Histogram(
                "damaged histogram (colours from no image)".to_owned(),
            ));
        }
        Ok((merged, doc.options))
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

impl MergeWeight {
    /// The lowercase name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            MergeWeight::Pixel => "pixel",
            MergeWeight::Image => "image",
        }
    }
}

/// The options a merged histogram was made with, besides its colours: those
/// that decide a palette made from it. Histograms merge only when these are
/// equal, and a palette is made from them only with the same options.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HistogramOptions {
    /// How much each image counts.
    pub merge_weight: MergeWeight,
    /// Pixels with alpha below this were not counted.
    pub alpha_threshold: u8,
    /// Space for clustering and for assigning colours.
    pub space: Space,
    /// Colours whose pixels were left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<crate::exclude::Exclusion>,
}

/// The histogram document: bins as columns, so that a shard's histogram of
/// a few thousand bins is some tens of kilobytes.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct HistogramDoc {
    schema: u32,
    kind: String,
    bin_bits: u32,
    #[serde(flatten)]
    options: HistogramOptions,
    images: usize,
    pixels: u64,
    bins: BinColumns,
}

/// The non-empty bins, in bin order: index, weight, and weighted sums of
/// red, green and blue.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BinColumns {
    index: Vec<u32>,
    weight: Vec<u64>,
    sum: Vec<[u128; 3]>,
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

    fn options() -> HistogramOptions {
        HistogramOptions {
            merge_weight: MergeWeight::Pixel,
            alpha_threshold: 128,
            space: Space::Oklab,
            exclude: Vec::new(),
        }
    }

    #[test]
    fn a_histogram_reads_back_as_it_was_written() {
        for mode in [MergeWeight::Pixel, MergeWeight::Image] {
            let mut m = MergedHistogram::new(mode);
            m.add(&bins(&[([255, 0, 0], 300), ([1, 2, 3], 7)]));
            m.add(&bins(&[([0, 0, 255], 100)]));
            // Exclusions, when there are any, are written and read too.
            let exclude = match mode {
                MergeWeight::Pixel => Vec::new(),
                MergeWeight::Image => vec!["white:4".parse().unwrap()],
            };
            let opts = HistogramOptions {
                merge_weight: mode,
                exclude,
                ..options()
            };
            let (back, back_opts) = MergedHistogram::from_json(&m.to_json(&opts)).unwrap();
            assert_eq!((back, back_opts), (m, opts));
        }
    }

    #[test]
    fn merges_of_any_split_and_order_are_equal() {
        let images: Vec<Bins> = (0..7u8)
            .map(|i| {
                bins(&[
                    ([i * 30, 255 - i * 20, 9], 50 + i as usize * 13),
                    ([7, i, 200], 31),
                ])
            })
            .collect();
        for mode in [MergeWeight::Pixel, MergeWeight::Image] {
            let mut whole = MergedHistogram::new(mode);
            images.iter().for_each(|b| whole.add(b));
            for split in [1, 2, 3, 7] {
                let shards: Vec<MergedHistogram> = images
                    .chunks(split)
                    .map(|c| {
                        let mut m = MergedHistogram::new(mode);
                        c.iter().for_each(|b| m.add(b));
                        m
                    })
                    .collect();
                let mut reduced = MergedHistogram::new(mode);
                for shard in shards.iter().rev() {
                    reduced.absorb(shard).unwrap();
                }
                assert_eq!(reduced, whole, "split {split}, {mode:?}");
            }
        }
    }

    #[test]
    fn foreign_and_damaged_documents_are_errors() {
        let mut m = MergedHistogram::new(MergeWeight::Pixel);
        m.add(&bins(&[([255, 0, 0], 3)]));
        let good = m.to_json(&options());
        let cases = [
            ("[1, 2]".to_owned(), "not a scenepal histogram"),
            ("{not json".to_owned(), "not a scenepal histogram (not JSON"),
            (good.replace("\"schema\":1", "\"schema\":9"), "schema 9"),
            (good.replace("\"bin_bits\":5", "\"bin_bits\":6"), "6-bit"),
            (good.replace("\"weight\":[3]", "\"weight\":[0]"), "damaged"),
            (good.replace("\"weight\":[3]", "\"weight\":[1]"), "outside"),
            (good.replace("\"images\":1", "\"images\":\"x\""), "damaged"),
        ];
        for (text, want) in cases {
            let err = MergedHistogram::from_json(&text).unwrap_err().to_string();
            assert!(err.contains(want), "{text}: {err}");
        }
        let mut other = MergedHistogram::new(MergeWeight::Image);
        let err = other.absorb(&m).unwrap_err().to_string();
        assert!(err.contains("weighted by pixel, not by image"), "{err}");
    }

    #[test]
    fn counts_that_overflow_when_merged_are_an_error_not_a_wrap() {
        let mut m = MergedHistogram::new(MergeWeight::Pixel);
        m.add(&bins(&[([255, 0, 0], 3)]));
        let small = m.to_json(&options());
        // One bin of 2^64 - 1 red pixels: a valid document on its own.
        let max = u64::MAX;
        let huge = small
            .replace("\"pixels\":3", &format!("\"pixels\":{max}"))
            .replace("\"weight\":[3]", &format!("\"weight\":[{max}]"))
            .replace("[[765,0,0]]", &format!("[[{},0,0]]", 255 * max as u128));
        let (huge, _) = MergedHistogram::from_json(&huge).unwrap();
        let (small, _) = MergedHistogram::from_json(&small).unwrap();
        let mut merged = huge.clone();
        let err = merged.absorb(&small).unwrap_err().to_string();
        assert!(err.contains("overflow"), "{err}");
        assert_eq!(merged, huge, "nothing is added on an error");
        // Bins of one document that add up past 2^64 - 1.
        let mut two = MergedHistogram::new(MergeWeight::Pixel);
        two.add(&bins(&[([255, 0, 0], 1), ([0, 0, 255], 1)]));
        let text = two
            .to_json(&options())
            .replace("\"weight\":[1,1]", &format!("\"weight\":[{max},{max}]"));
        let sums = |c: [u128; 3]| c.map(|v| (v * max as u128).to_string()).join(",");
        let text = text.replace(
            "[[0,0,255],[255,0,0]]",
            &format!("[[{}],[{}]]", sums([0, 0, 255]), sums([255, 0, 0])),
        );
        let err = MergedHistogram::from_json(&text).unwrap_err().to_string();
        assert!(err.contains("more than 2^64 - 1"), "{text}: {err}");
    }
}
