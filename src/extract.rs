//! The extraction policy in one place: which points are clustered (colour
//! bins, or exact colours), which algorithm runs, when a binned result is
//! refined on exact colours, and how centroids become k distinct sRGB8
//! colours.

use std::collections::HashSet;

use rayon::prelude::*;

use crate::auto_k::count_colors;
use crate::bins::Bins;
use crate::bucket;
use crate::color::{nearest, Rgb, Space};
use crate::error::{Error, Result};
use crate::kmeans;
use crate::measure::{measure, measure_pixels, shares_by_bin};
use crate::palette::{sort_palette, Palette, SortOrder};
use crate::pixels::{ColorHistogram, PixelBuffer};

/// Default number of colours.
pub const DEFAULT_K: usize = 10;
/// Largest number of colours (cluster indices are bytes).
pub const MAX_K: usize = 256;
/// Default k-means seed: the recipe's `random_state`.
pub const DEFAULT_SEED: u64 = 42;
/// Images of at most this many counted pixels have their binned k-means
/// result refined on their fine bins (2^20, about a megapixel).
pub const REFINE_MAX_PIXELS: u64 = 1 << 20;

/// An image whose pixels fill fewer bins than this (of 32,768; colour
/// photos fill 4,000 and more) is low-dimensional: its palette is refined
/// on its fine bins, whatever its size (benches/low_dimensional.py).
pub const FEW_BINS: usize = 2048;

/// How the palette is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
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
    /// Choose the number of colours per image, with `k` as the ceiling:
    /// the palette has as many colours as [`count_colors`] finds in the
    /// palette of `k` colours, and is the palette of that many colours.
    pub auto_k: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            k: DEFAULT_K,
            algorithm: Algorithm::Kmeans,
            space: Space::Oklab,
            seed: DEFAULT_SEED,
            sort: SortOrder::Hue,
            auto_k: false,
        }
    }
}

/// Extracts the palette of an image: the whole policy (which points are
/// clustered, which algorithm, whether the result is refined on exact
/// colours) is in this module.
///
/// When the image has `k` or fewer distinct colours, both algorithms return
/// exactly those colours. Otherwise k-means returns `k` distinct colours; the
/// bucket algorithm returns its `k` group means, with groups whose means round
/// to the same colour merged into one. Fractions and mse are exact over every
/// counted pixel.
///
/// # Errors
/// [`Error::InvalidK`] if `opts.k` is outside `1..=MAX_K`; [`Error::NoPixels`]
/// if no pixel is counted.
pub fn extract_palette(pixels: &PixelBuffer, opts: &Options) -> Result<Palette> {
    let (w, h) = pixels.dimensions();
    let small = (w as u64 * h as u64) <= REFINE_MAX_PIXELS;
    if pixels.is_gray() || (opts.algorithm == Algorithm::Bucket && small) {
        // A gray image's exact colours are cheaper than its bins, and a
        // small image's buckets are measured on its exact colours: bins
        // would go unused.
        return extract_palette_from_histogram(&pixels.histogram(), opts);
    }
    extract_palette_with_bins(pixels, &Bins::of(pixels), opts)
}

/// [`extract_palette`] with the image's bins already counted (by
/// [`Bins::of`] on the same pixels).
pub fn extract_palette_with_bins(
    pixels: &PixelBuffer,
    bins: &Bins,
    opts: &Options,
) -> Result<Palette> {
    with_auto_k(
        opts,
        |opts, shares| palette_with_bins(pixels, bins, opts, shares),
        |colors| measure_pixels(pixels, bins, colors, opts.space),
    )
}

/// How a palette's shares are counted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shares {
    /// Over every pixel ([`measure_pixels`]).
    Exact,
    /// Bin by bin, where a palette is measured per pixel
    /// ([`shares_by_bin`]): enough to choose k. Such a palette is left in
    /// the algorithm's order, unsorted, to be measured exactly if kept.
    Estimate,
}

/// A palette, and whether its shares are exact.
enum Measured {
    Exact(Palette),
    Estimate(Palette),
}

fn palette_with_bins(
    pixels: &PixelBuffer,
    bins: &Bins,
    opts: &Options,
    shares: Shares,
) -> Result<Measured> {
    check_k(opts.k)?;
    if bins.is_empty() {
        return Err(Error::NoPixels);
    }
    // Few bins (flat synthetic images) may mean k or fewer colours, which
    // must come out exactly; a gray image's at most 256 exact colours
    // cluster as cheaply as bins and more precisely (its levels would share
    // a few dozen bins).
    if bins.len() <= opts.k || pixels.is_gray() {
        return extract_palette_from_histogram(&pixels.histogram(), opts).map(Measured::Exact);
    }
    let measured = |colors: Vec<Rgb>| match shares {
        Shares::Estimate => Measured::Estimate(shares_by_bin(bins, colors, opts.space)),
        Shares::Exact => {
            let mut palette = measure_pixels(pixels, bins, colors, opts.space);
            sort_palette(&mut palette, opts.sort);
            Measured::Exact(palette)
        }
    };
    if opts.algorithm == Algorithm::Bucket {
        if bins.total <= REFINE_MAX_PIXELS {
            return extract_palette_from_histogram(&pixels.histogram(), opts).map(Measured::Exact);
        }
        // A large image (more than k colours, as it fills more than k bins)
        // is ordered by hue steps without its histogram of unique colours,
        // and its buckets are measured like its k-means palette: per pixel
        // through its bins, exactly, rather than colour by colour.
        let colors = dedup(bucket::bucket_means_of_pixels(pixels, opts.k));
        return Ok(measured(colors));
    }
    // k-means on the bins' mean colours, weighted by pixel count: the same
    // clusters as on every pixel, from a few thousand points.
    let points = bin_points(bins, opts.space);
    let colors = if bins.total <= REFINE_MAX_PIXELS || bins.len() < FEW_BINS {
        // Where bins lump many colours each (a small image's bins hold few
        // pixels; a low-dimensional image, such as sepia, a two-ink print or
        // a near-grey photo, fills few bins), the result on bins costs a few
        // percent of error. Refining on the image's fine bins (cubes of
        // 4×4×4 colours) wins that back as fully as its exact colours do,
        // from a third as many points or fewer, and lets the runs on bins
        // stop early (benches/oracle.rs, benches/low_dimensional.py).
        let centroids = kmeans::cluster_roughly(&points, opts.k, opts.seed);
        let (means, counts) = crate::bins::fine_means(pixels, bins);
        let candidates: Vec<Rgb> = means.iter().map(|m| m.map(|v| v.round() as u8)).collect();
        let fine: Vec<kmeans::WeightedPoint> = candidates
            .iter()
            .zip(&counts)
            .map(|(&c, &n)| kmeans::WeightedPoint {
                p: opts.space.from_rgb(c),
                w: n as f32,
            })
            .collect();
        let refined: Vec<[f32; 3]> = kmeans::refine(&fine, centroids, opts.seed)
            .iter()
            .map(|c| c.p)
            .collect();
        distinct_colors(&candidates, &counts, &refined, opts.space)
    } else {
        let centroids = kmeans::cluster(&points, opts.k, opts.seed);
        let candidates: Vec<Rgb> = (0..bins.len())
            .map(|i| bins.mean(i).map(|v| v.round() as u8))
            .collect();
        let centroids: Vec<[f32; 3]> = centroids.iter().map(|c| c.p).collect();
        distinct_colors(&candidates, &bins.count, &centroids, opts.space)
    };
    Ok(measured(colors))
}

/// Extracts the palette of weighted colours (an exact histogram, or a merge
/// of many images); the rules of [`extract_palette`] apply, with fractions
/// over the weights.
///
/// # Errors
/// As [`extract_palette`].
pub fn extract_palette_from_histogram(hist: &ColorHistogram, opts: &Options) -> Result<Palette> {
    // A histogram's palette is measured exactly at any k (the histogram is
    // the cheap part).
    with_auto_k(
        opts,
        |opts, _| palette_from_histogram(hist, opts).map(Measured::Exact),
        |colors| measure(hist, colors, opts.space),
    )
}

fn palette_from_histogram(hist: &ColorHistogram, opts: &Options) -> Result<Palette> {
    check_k(opts.k)?;
    if hist.is_empty() {
        return Err(Error::NoPixels);
    }
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
                distinct_colors(&hist.colors, &hist.counts, &centroids, opts.space)
            }
            Algorithm::Bucket => bucket_colors(hist, opts.k),
        }
    };
    let mut palette = measure(hist, colors, opts.space);
    sort_palette(&mut palette, opts.sort);
    Ok(palette)
}

/// `extract` with `opts`, or with automatic k: `extract` at the ceiling
/// (with estimated shares where they are cheaper), then at the number of
/// colours it holds, if fewer: the palette of `-k N` itself, so that a
/// chosen k can be checked by asking for it. A ceiling palette kept whole
/// is measured exactly by `measure` (given its colours in the algorithm's
/// order, as `extract` would measure them) and sorted.
fn with_auto_k(
    opts: &Options,
    extract: impl Fn(&Options, Shares) -> Result<Measured>,
    measure: impl Fn(Vec<Rgb>) -> Palette,
) -> Result<Palette> {
    let exact = |opts: &Options| match extract(opts, Shares::Exact)? {
        Measured::Exact(palette) | Measured::Estimate(palette) => Ok(palette),
    };
    if !opts.auto_k {
        return exact(opts);
    }
    let fixed = |k| Options {
        k,
        auto_k: false,
        ..opts.clone()
    };
    let ceiling = extract(&fixed(opts.k), Shares::Estimate)?;
    let (Measured::Exact(palette) | Measured::Estimate(palette)) = &ceiling;
    let k = count_colors(palette);
    if k < palette.colors.len() {
        return exact(&fixed(k));
    }
    Ok(match ceiling {
        Measured::Exact(palette) => palette,
        Measured::Estimate(palette) => {
            let mut palette = measure(palette.colors.iter().map(|s| s.rgb).collect());
            sort_palette(&mut palette, opts.sort);
            palette
        }
    })
}

/// The bucket algorithm's colours: the k group means, those that round to
/// the same colour merged into one.
fn bucket_colors(hist: &ColorHistogram, k: usize) -> Vec<Rgb> {
    dedup(bucket::bucket_means(hist, k))
}

/// The colours in their order, each kept once.
fn dedup(mut colors: Vec<Rgb>) -> Vec<Rgb> {
    let mut seen = HashSet::new();
    colors.retain(|c| seen.insert(*c));
    colors
}

fn check_k(k: usize) -> Result<()> {
    if (1..=MAX_K).contains(&k) {
        Ok(())
    } else {
        Err(Error::InvalidK { k })
    }
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
    hist.colors
        .par_iter()
        .zip(hist.counts.par_iter())
        .map(|(&c, &n)| kmeans::WeightedPoint {
            p: space.from_rgb(c),
            w: n as f32,
        })
        .collect()
}

/// Rounds clustering-space centroids to sRGB8 and makes them distinct: a
/// centroid that rounds onto an earlier one is replaced by the candidate
/// colour (an image colour, with its pixel weight) worst served by the palette
/// so far, so k distinct colours come out whenever the image has more than k.
fn distinct_colors(
    candidates: &[Rgb],
    weights: &[u64],
    centroids: &[[f32; 3]],
    space: Space,
) -> Vec<Rgb> {
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
        let worst = candidates
            .par_iter()
            .zip(weights.par_iter())
            .enumerate()
            .map(|(i, (&c, &n))| (nearest(&space.from_rgb(c), &points).1 as f64 * n as f64, i))
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
        match candidates.get(worst.1) {
            Some(&c) if worst.0 > 0.0 => colors.push(c),
            _ => break, // every candidate is already in the palette
        }
    }
    colors
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::path::Path;

    use crate::decode::decode_image;
    use crate::measure::measure;
    use crate::pixels::DEFAULT_ALPHA_THRESHOLD;

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
        let pixels = PixelBuffer::rgb8(raw, w2 as u32, h2 as u32).unwrap();
        assert!((w2 * h2) as u64 > REFINE_MAX_PIXELS);
        let opts = Options {
            sort: SortOrder::None,
            ..Options::default()
        };
        let fast = extract_palette(&pixels, &opts).unwrap();
        assert_eq!(fast.colors.len(), DEFAULT_K);
        let colors = fast.colors.iter().map(|s| s.rgb).collect();
        let exact = measure(&pixels.histogram(), colors, opts.space);
        assert_eq!(fast, exact);
        // The bucket algorithm measures a large image through its bins too,
        // with the same result as on its exact colours.
        let bucket = Options {
            algorithm: Algorithm::Bucket,
            ..Options::default()
        };
        assert_eq!(
            extract_palette(&pixels, &bucket).unwrap(),
            extract_palette_from_histogram(&pixels.histogram(), &bucket).unwrap()
        );
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
                    let fast = extract_palette(&pixels, &opts).unwrap();
                    let colors = fast.colors.iter().map(|s| s.rgb).collect();
                    let exact = measure(&hist, colors, space);
                    assert_eq!(fast, exact, "{name} {space:?} k={k}");
                }
            }
        }
    }

    #[test]
    fn rounded_duplicates_are_replaced_by_the_worst_served_colour() {
        let h = ColorHistogram::from_pairs([([0, 0, 0], 6), ([10, 0, 0], 2), ([255, 255, 255], 2)]);
        let cents = [[0.2, 0.0, 0.0], [0.4, 0.0, 0.0], [254.8, 255.0, 255.0]];
        let colors = distinct_colors(&h.colors, &h.counts, &cents, Space::Rgb);
        assert_eq!(colors, vec![[0, 0, 0], [255, 255, 255], [10, 0, 0]]);
    }

    #[test]
    fn k_out_of_range_and_empty_input_are_errors_not_panics() {
        let h = ColorHistogram::from_pairs([([1, 2, 3], 1)]);
        for k in [0, MAX_K + 1] {
            let opts = Options {
                k,
                ..Options::default()
            };
            let err = extract_palette_from_histogram(&h, &opts).unwrap_err();
            assert!(matches!(err, Error::InvalidK { .. }), "{err}");
        }
        let empty = ColorHistogram::default();
        let err = extract_palette_from_histogram(&empty, &Options::default()).unwrap_err();
        assert!(matches!(err, Error::NoPixels), "{err}");
    }
}
