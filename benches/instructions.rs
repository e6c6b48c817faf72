//! The extraction of one image up to a stage, once, for counting its
//! instructions under valgrind (benches/instructions.py subtracts the counts
//! of consecutive stages): `cargo bench --bench instructions -- STAGE IMAGE`.
//!
//! Stages, each including those before it: `load` (decode and counted
//! pixels, as the program loads a file), `bins`, `cluster` (k-means on the
//! bins, as the extraction runs it for this image), `refine` (fine bins and
//! refinement, where the extraction refines), `extract` (the whole
//! extraction from the bins: clustering, refinement, distinct colours,
//! exact measure, sort).

use std::hint::black_box;

use scenepal::extract::{FEW_BINS, REFINE_MAX_PIXELS};
use scenepal::kmeans::{self, WeightedPoint};
use scenepal::{bins, extract_palette_with_bins, load_image, Bins, LoadOptions, Options, Space};

const STAGES: [&str; 5] = ["load", "bins", "cluster", "refine", "extract"];

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [stage, path] = args.as_slice() else {
        panic!("usage: instructions STAGE IMAGE (stages: {STAGES:?})");
    };
    let upto = STAGES
        .iter()
        .position(|s| s == stage)
        .unwrap_or_else(|| panic!("unknown stage {stage}; stages: {STAGES:?}"));
    let bytes = std::fs::read(path).expect("readable image");
    let image = load_image(&bytes, None, &LoadOptions::default()).expect("an image");
    let pixels = black_box(image.pixels);
    if upto < 1 {
        return;
    }
    let bins = black_box(Bins::of(&pixels));
    let opts = Options::default();
    if upto == 4 {
        black_box(extract_palette_with_bins(&pixels, &bins, &opts).expect("a palette"));
        return;
    }
    if upto < 2 {
        return;
    }
    // The points and the run the extraction chooses for this image.
    let points: Vec<WeightedPoint> = (0..bins.len())
        .map(|i| WeightedPoint {
            p: Space::Oklab.from_rgb_f32(bins.mean(i)),
            w: bins.count[i] as f32,
        })
        .collect();
    let refined = bins.total <= REFINE_MAX_PIXELS || bins.len() < FEW_BINS;
    if !refined {
        black_box(kmeans::cluster(&points, opts.k, opts.seed));
        return;
    }
    let centroids = black_box(kmeans::cluster_roughly(&points, opts.k, opts.seed));
    if upto < 3 {
        return;
    }
    let (means, counts) = bins::fine_means(&pixels, &bins);
    let fine: Vec<WeightedPoint> = means
        .iter()
        .zip(&counts)
        .map(|(&m, &n)| WeightedPoint {
            p: Space::Oklab.from_rgb(m.map(|v| v.round() as u8)),
            w: n as f32,
        })
        .collect();
    black_box(kmeans::refine(&fine, centroids, opts.seed));
}
