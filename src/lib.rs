//! scenepal: the k colours that best represent an image.
//!
//! The pipeline is the well-known palette recipe made exact and fast: decode,
//! flatten to the N×3 pixel list (collapsed into weighted unique colours),
//! cluster with k-means (or cut hue-ordered pixels into k equal groups), round
//! the centres to sRGB8, measure each colour's share of the image, and sort.
//!
//! ```
//! use scenepal::{extract_palette, Options, PixelBuffer};
//!
//! // Three red pixels and one blue one.
//! let raw = vec![255, 0, 0, 255, 0, 0, 0, 0, 255, 255, 0, 0];
//! let pixels = PixelBuffer::rgb8(raw, 2, 2);
//! let palette = extract_palette(&pixels, &Options { k: 2, ..Options::default() });
//! let hex: Vec<String> = palette.colors.iter().map(|s| scenepal::to_hex(s.rgb)).collect();
//! assert_eq!(hex, ["#ff0000", "#0000ff"]);
//! assert_eq!(palette.colors[0].fraction, 0.75);
//! ```

pub mod batch;
pub mod bins;
pub mod bucket;
pub mod check;
pub mod color;
pub mod decode;
pub mod input;
pub mod kmeans;
pub mod merge;
pub mod output;
pub mod palette;
pub mod pixels;
pub mod write;

use std::path::Path;

use anyhow::Result;
use clap::ValueEnum;

pub use crate::bins::Bins;
pub use crate::color::{to_hex, Rgb, Space};
pub use crate::decode::{decode_image, decode_image_limited, MAX_PIXELS_DEFAULT};
pub use crate::palette::{Palette, SortOrder, Swatch};
pub use crate::pixels::{ColorHistogram, PixelBuffer};

/// Default number of colours (`-k`).
pub const DEFAULT_K: usize = 10;
/// Largest `-k` (cluster indices are bytes).
pub const MAX_K: usize = 256;
/// Default k-means seed: the recipe's `random_state`.
pub const DEFAULT_SEED: u64 = 42;
/// Images of at most this many counted pixels have their binned k-means
/// result refined on their exact colours (2^20, about a megapixel).
pub const REFINE_MAX_PIXELS: u64 = 1 << 20;
/// Default alpha below which a pixel is not counted.
pub const DEFAULT_ALPHA_THRESHOLD: u8 = 128;

/// How the palette is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Algorithm {
    /// k-means clustering (weighted k-means++ seeding, Hamerly iterations).
    Kmeans,
    /// The recipe's fallback: sort pixels by hue, k equal groups, their means.
    Bucket,
}

impl Algorithm {
    /// The lowercase name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Kmeans => "kmeans",
            Algorithm::Bucket => "bucket",
        }
    }
}

/// What to extract and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Number of colours, 1..=256.
    pub k: usize,
    /// k-means or hue buckets.
    pub algorithm: Algorithm,
    /// Space for clustering and for assigning pixels to colours.
    pub space: Space,
    /// Seed of the k-means++ draw.
    pub seed: u64,
    /// Output order.
    pub sort: SortOrder,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            k: DEFAULT_K,
            algorithm: Algorithm::Kmeans,
            space: Space::Oklab,
            seed: DEFAULT_SEED,
            sort: SortOrder::Hue,
        }
    }
}

/// A decoded image, ready for palette extraction.
#[derive(Clone, Debug)]
pub struct LoadedImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels, 8-bit sRGB, with the alpha policy.
    pub pixels: PixelBuffer,
    /// The image scaled to the requested preview width (for a swatch card).
    pub preview: Option<image::RgbImage>,
}

/// How an image is loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    /// Pixels with alpha below this are not counted.
    pub alpha_threshold: u8,
    /// Keep the image scaled to this width, for a swatch card.
    pub preview_width: Option<u32>,
    /// Refuse images whose header announces more pixels.
    pub max_pixels: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            alpha_threshold: DEFAULT_ALPHA_THRESHOLD,
            preview_width: None,
            max_pixels: MAX_PIXELS_DEFAULT,
        }
    }
}

/// Decodes an encoded image (see [`decode_image_limited`] and
/// [`PixelBuffer::from_image`]); with a preview width, also keeps the image
/// scaled to that width (see [`output::swatch::scaled_preview`]).
pub fn load_image(bytes: &[u8], name: Option<&Path>, opts: &LoadOptions) -> Result<LoadedImage> {
    let (alpha_threshold, preview_width) = (opts.alpha_threshold, opts.preview_width);
    let image = decode_image_limited(bytes, name, opts.max_pixels)?;
    let (width, height) = (image.width(), image.height());
    let preview = preview_width.map(|w| output::swatch::scaled_preview(&image, w));
    let pixels = PixelBuffer::from_image(image, alpha_threshold)?;
    Ok(LoadedImage {
        width,
        height,
        pixels,
        preview,
    })
}

/// Extracts the palette of an image.
///
/// When the image has `k` or fewer distinct colours, both algorithms return
/// exactly those colours. Otherwise k-means returns `k` distinct colours; the
/// bucket algorithm returns its `k` group means, with groups whose means round
/// to the same colour merged into one. Fractions and mse are exact over every
/// counted pixel.
///
/// # Panics
/// If `opts.k` is outside `1..=256` or no pixel is counted.
pub fn extract_palette(pixels: &PixelBuffer, opts: &Options) -> Palette {
    if opts.algorithm == Algorithm::Bucket {
        // The bucket algorithm orders exact colours; bins would go unused.
        return extract_palette_from_histogram(&pixels.histogram(), opts);
    }
    extract_palette_with_bins(pixels, &Bins::of(pixels), opts)
}

/// [`extract_palette`] with the image's bins already counted.
pub fn extract_palette_with_bins(pixels: &PixelBuffer, bins: &Bins, opts: &Options) -> Palette {
    assert!((1..=MAX_K).contains(&opts.k), "k must be in 1..=256");
    assert!(!bins.is_empty(), "no pixels to extract a palette from");
    // Few bins (flat synthetic images) may mean k or fewer colours, which
    // must come out exactly; the bucket algorithm orders exact colours.
    if bins.len() <= opts.k || opts.algorithm == Algorithm::Bucket {
        return extract_palette_from_histogram(&pixels.histogram(), opts);
    }
    // k-means on the bins' mean colours, weighted by pixel count: the same
    // clusters as on every pixel, from a few thousand points.
    let points = bin_points(bins, opts.space);
    let centroids = kmeans::cluster(&points, opts.k, opts.seed);
    let colors = if bins.total <= REFINE_MAX_PIXELS {
        // A small image's bins hold few pixels each, and lumping them costs
        // a few percent of error; its exact colours are cheap to refine on.
        let hist = pixels.histogram();
        let exact = weighted_points(&hist, opts.space);
        let mut rng = kmeans::run_rng(opts.seed, kmeans::RUNS);
        let refined = kmeans::run_hamerly(&exact, centroids, &mut rng, kmeans::MAX_ITERATIONS);
        let refined: Vec<[f32; 3]> = refined.iter().map(|c| c.p).collect();
        palette::distinct_colors(&hist.colors, &hist.counts, &refined, opts.space)
    } else {
        let candidates: Vec<Rgb> = (0..bins.len())
            .map(|i| bins.mean(i).map(|v| v.round() as u8))
            .collect();
        let centroids: Vec<[f32; 3]> = centroids.iter().map(|c| c.p).collect();
        palette::distinct_colors(&candidates, &bins.count, &centroids, opts.space)
    };
    let mut palette = palette::measure_pixels(pixels, bins, colors, opts.space);
    palette::sort_palette(&mut palette, opts.sort);
    palette
}

/// Extracts the palette of weighted colours (an exact histogram, or a merge
/// of many images); the rules of [`extract_palette`] apply, with fractions
/// over the weights.
///
/// # Panics
/// If `opts.k` is outside `1..=256` or the histogram is empty.
pub fn extract_palette_from_histogram(hist: &ColorHistogram, opts: &Options) -> Palette {
    assert!((1..=MAX_K).contains(&opts.k), "k must be in 1..=256");
    assert!(!hist.is_empty(), "no pixels to extract a palette from");
    let colors = if hist.len() <= opts.k {
        hist.colors.clone()
    } else {
        match opts.algorithm {
            Algorithm::Kmeans => {
                let points: Vec<kmeans::WeightedPoint> = weighted_points(hist, opts.space);
                let centroids: Vec<[f32; 3]> = kmeans::cluster(&points, opts.k, opts.seed)
                    .iter()
                    .map(|c| c.p)
                    .collect();
                palette::distinct_colors(&hist.colors, &hist.counts, &centroids, opts.space)
            }
            Algorithm::Bucket => {
                let mut means = bucket::bucket_means(hist, opts.k);
                let mut seen = std::collections::HashSet::new();
                means.retain(|c| seen.insert(*c));
                means
            }
        }
    };
    let mut palette = palette::measure(hist, colors, opts.space);
    palette::sort_palette(&mut palette, opts.sort);
    palette
}

/// The bins' mean colours as weighted points of the clustering space.
fn bin_points(bins: &Bins, space: Space) -> Vec<kmeans::WeightedPoint> {
    (0..bins.len())
        .map(|i| kmeans::WeightedPoint {
            p: space.from_rgb_f32(bins.mean(i)),
            w: bins.count[i] as f32,
        })
        .collect()
}

/// The histogram as weighted points of the clustering space.
fn weighted_points(hist: &ColorHistogram, space: Space) -> Vec<kmeans::WeightedPoint> {
    use rayon::prelude::*;
    hist.colors
        .par_iter()
        .zip(hist.counts.par_iter())
        .map(|(&c, &n)| kmeans::WeightedPoint {
            p: space.from_rgb(c),
            w: n as f32,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_pixels(name: &str) -> PixelBuffer {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name);
        let bytes = std::fs::read(path).unwrap();
        PixelBuffer::from_image(decode_image(&bytes, None).unwrap(), DEFAULT_ALPHA_THRESHOLD)
            .unwrap()
    }

    #[test]
    fn large_images_cluster_on_bins_alone_and_measure_exactly() {
        // Above REFINE_MAX_PIXELS the palette comes from the bins' means.
        let tile = fixture_pixels("nuthatch_960.jpg");
        let (w, h) = tile.dimensions();
        let (w2, h2) = (2 * w as usize, 2 * h as usize);
        let mut raw = Vec::with_capacity(w2 * h2 * 3);
        for y in 0..h2 {
            for x in 0..w2 {
                // Each copy of the tile shifted in brightness, so the image
                // has more distinct colours than one tile.
                let i = ((y % h as usize) * w as usize + x % w as usize) * 3;
                let shift = (2 * (y / h as usize) + x / w as usize) as u8 * 3;
                raw.extend(tile.raw()[i..i + 3].iter().map(|v| v.saturating_add(shift)));
            }
        }
        let pixels = PixelBuffer::rgb8(raw, w2 as u32, h2 as u32);
        assert!((w2 * h2) as u64 > REFINE_MAX_PIXELS);
        let opts = Options {
            sort: SortOrder::None,
            ..Options::default()
        };
        let fast = extract_palette(&pixels, &opts);
        assert_eq!(fast.colors.len(), DEFAULT_K);
        let colors = fast.colors.iter().map(|s| s.rgb).collect();
        let exact = palette::measure(&pixels.histogram(), colors, opts.space);
        assert_eq!(fast, exact);
    }

    #[test]
    fn binned_measurement_is_exact() {
        // The fast path (bins settled wholesale, straddling pixels one by
        // one) must count exactly what assigning every unique colour does.
        for name in ["china_320.jpg", "nuthatch_960.jpg", "chelsea_225.png"] {
            let pixels = fixture_pixels(name);
            let hist = pixels.histogram();
            for space in [Space::Oklab, Space::Lab, Space::Rgb] {
                for k in [3, 10, 40] {
                    let opts = Options {
                        k,
                        space,
                        sort: SortOrder::None,
                        ..Options::default()
                    };
                    let fast = extract_palette(&pixels, &opts);
                    let colors = fast.colors.iter().map(|s| s.rgb).collect();
                    let exact = palette::measure(&hist, colors, space);
                    assert_eq!(fast, exact, "{name} {space:?} k={k}");
                }
            }
        }
    }
}
