//! The quality oracle: scenepal's default (Oklab) palette against a slow
//! exhaustive k-means of our own — plain Lloyd iterations (the kmeans_colors
//! `Calculate` steps) over every unique colour to convergence, from several
//! seeds, best kept — on the corpus images.
//!
//! `cargo bench --bench oracle -- [CORPUS] [k]` prints, per image,
//! the mean squared Oklab×100 error of scenepal's palette, of the same
//! k-means run on exact unique colours instead of bins ("unbinned"), and of
//! the exhaustive run, and scenepal's ratio to the exhaustive run. The
//! exhaustive errors (minutes of work) are kept in
//! target/oracle-k{k}.tsv and reused while the image files are unchanged.
//! CORPUS defaults to `$SCENEPAL_CORPUS`, else `target/corpus`, where
//! `benches/corpus.sh` puts the corpus.

use std::path::PathBuf;

use kmeans_colors::Calculate;
use rand::SeedableRng;
use scenepal::kmeans::{inertia, seed_plus_plus, WeightedPoint};
use scenepal::{
    decode_image, extract_palette, extract_palette_from_histogram, Options, PixelBuffer, Space,
};

/// Seeds of the exhaustive run.
const SEEDS: u64 = 5;

fn exhaustive(points: &[WeightedPoint], k: usize) -> f64 {
    let mut best = f64::INFINITY;
    for seed in 0..SEEDS {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut centroids = seed_plus_plus(points, k, &mut rng);
        for _ in 0..1000 {
            let mut idx = Vec::new();
            WeightedPoint::get_closest_centroid(points, &centroids, &mut idx);
            let old = centroids.clone();
            WeightedPoint::recalculate_centroids(&mut rng, points, &mut centroids, &idx);
            if WeightedPoint::check_loop(&centroids, &old) <= 1e-8 {
                break;
            }
        }
        // Scored, like scenepal's palette, after rounding to sRGB8.
        let rounded: Vec<WeightedPoint> = centroids
            .iter()
            .map(|c| WeightedPoint {
                p: Space::Oklab.from_rgb(Space::Oklab.to_rgb(c.p)),
                w: 1.0,
            })
            .collect();
        best = best.min(inertia(points, &rounded));
    }
    best
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let corpus = PathBuf::from(
        args.first()
            .cloned()
            .or_else(|| std::env::var("SCENEPAL_CORPUS").ok())
            .unwrap_or_else(|| "target/corpus".into()),
    );
    let k: usize = args.get(1).map_or(10, |v| v.parse().expect("k"));
    println!(
        "{:24} {:>12} {:>12} {:>12} {:>7}",
        "image", "scenepal", "unbinned", "exhaustive", "ratio"
    );
    let mut names: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg" || e == "png"))
        .collect();
    names.sort();
    let cache_path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/oracle-k{k}.tsv"));
    let mut cache: Vec<(String, f64)> = std::fs::read_to_string(&cache_path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(key, v)| Some((key.to_owned(), v.parse().ok()?)))
        .collect();
    for path in names {
        let bytes = std::fs::read(&path).unwrap();
        let pixels = PixelBuffer::from_image(decode_image(&bytes, None).unwrap(), 128).unwrap();
        let hist = pixels.histogram();
        let points: Vec<WeightedPoint> = hist
            .colors
            .iter()
            .zip(&hist.counts)
            .map(|(&c, &n)| WeightedPoint {
                p: Space::Oklab.from_rgb(c),
                w: n as f32,
            })
            .collect();
        let opts = Options {
            k,
            ..Options::default()
        };
        let total = hist.total as f64;
        // Mean squared Oklab×100 error of a palette over every pixel.
        let error = |palette: &scenepal::Palette| {
            let centres: Vec<WeightedPoint> = palette
                .colors
                .iter()
                .map(|s| WeightedPoint {
                    p: Space::Oklab.from_rgb(s.rgb),
                    w: 1.0,
                })
                .collect();
            inertia(&points, &centres) / total
        };
        let fast = error(&extract_palette(&pixels, &opts).unwrap());
        let unbinned = error(&extract_palette_from_histogram(&hist, &opts).unwrap());
        let name = path.file_name().unwrap().to_string_lossy();
        let key = format!("{name}:{}", bytes.len());
        let slow = match cache.iter().find(|(c, _)| *c == key) {
            Some(&(_, v)) => v,
            None => {
                let v = exhaustive(&points, k) / total;
                cache.push((key, v));
                let text: String = cache.iter().map(|(c, v)| format!("{c}\t{v}\n")).collect();
                std::fs::write(&cache_path, text).expect("write the oracle cache");
                v
            }
        };
        println!(
            "{name:24} {fast:12.4} {unbinned:12.4} {slow:12.4} {:7.4}",
            fast / slow
        );
    }
}
