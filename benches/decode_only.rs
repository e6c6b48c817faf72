//! The baseline for scenepal's throughput: decode images to RGB8 with the
//! image crate and nothing else, in parallel, built with the same profile.
//!
//! Run by benches/throughput.py, or directly:
//! `cargo bench --bench decode_only -- [-j N] FILE...`

use std::time::Instant;

use rayon::prelude::*;

fn main() {
    let mut args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mut threads = 0;
    if args.first().map(String::as_str) == Some("-j") && args.len() > 1 {
        threads = args[1].parse().expect("-j takes a number");
        args.drain(..2);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let started = Instant::now();
    let pixels: u64 = pool.install(|| {
        args.par_iter()
            .map(|path| {
                let bytes = std::fs::read(path).expect("readable file");
                let image = image::load_from_memory(&bytes)
                    .expect("decodable image")
                    .into_rgb8();
                image.width() as u64 * image.height() as u64
            })
            .sum()
    });
    eprintln!(
        "{} images, {:.1} MP, {:.3} s",
        args.len(),
        pixels as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
}
