//! Per-stage times of one extraction, for each image given: `cargo bench
//! --bench stage_times -- IMAGE...` prints decode, bins, k-means on bins,
//! fine bins with refinement, the whole extraction, and the bucket algorithm's
//! hue passes and whole extraction (best of 15 runs each,
//! milliseconds, on this machine's threads).

use std::time::Instant;

use scenepal::kmeans::{self, WeightedPoint};
use scenepal::{
    bins, bucket, decode_image, extract_palette, Algorithm, Bins, Options, PixelBuffer, Space,
};

/// The result of the fastest of 15 calls, with its time in milliseconds.
fn best<T>(f: impl Fn() -> T) -> (T, f64) {
    let mut fastest = f64::MAX;
    let mut out = None;
    for _ in 0..15 {
        let start = Instant::now();
        let value = f();
        fastest = fastest.min(start.elapsed().as_secs_f64() * 1000.0);
        out = Some(value);
    }
    (out.expect("ran"), fastest)
}

fn main() {
    let images = std::env::args().skip(1).filter(|a| a != "--bench");
    for path in images {
        let bytes = std::fs::read(&path).expect("readable image");
        let (image, decode) = best(|| decode_image(&bytes, None).expect("an image"));
        let pixels = PixelBuffer::from_image(image, 128).expect("counted pixels");
        let (bins, binning) = best(|| Bins::of(&pixels));
        let points: Vec<WeightedPoint> = (0..bins.len())
            .map(|i| WeightedPoint {
                p: Space::Oklab.from_rgb_f32(bins.mean(i)),
                w: bins.count[i] as f32,
            })
            .collect();
        let (centroids, clustering) = best(|| kmeans::cluster(&points, 10, 42));
        let (fine, fine_ms) = best(|| bins::fine_means(&pixels, &bins));
        let fine: Vec<WeightedPoint> = fine
            .0
            .iter()
            .zip(&fine.1)
            .map(|(&m, &n)| WeightedPoint {
                p: Space::Oklab.from_rgb(m.map(|v| v.round() as u8)),
                w: n as f32,
            })
            .collect();
        let (_, refining) = best(|| kmeans::refine(&fine, centroids.clone(), 42));
        let (_, whole) = best(|| extract_palette(&pixels, &Options::default()).expect("palette"));
        let (_, hue_steps) = best(|| bucket::bucket_means_of_pixels(&pixels, 10));
        let bucket = Options {
            algorithm: Algorithm::Bucket,
            ..Options::default()
        };
        let (_, bucket_whole) = best(|| extract_palette(&pixels, &bucket).expect("palette"));
        let name = path.rsplit('/').next().unwrap_or(&path);
        println!(
            "{name:24} decode {decode:5.1}  bins {binning:4.1} ({:5})  k-means {clustering:5.1}  \
             fine bins {fine_ms:4.1} ({:6})  refine {refining:5.1}  | extract {whole:5.1} ms  | \
             bucket: hue steps {hue_steps:5.1}  extract {bucket_whole:5.1} ms",
            bins.len(),
            fine.len(),
        );
    }
}
