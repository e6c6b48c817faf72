//! The baseline for scenepal's throughput: decode images to RGB8 with the
//! image crate and nothing else, in parallel, built with the same profile.
//!
//! Run by benches/throughput.py, or directly:
//! `cargo bench --bench decode_only -- [-j N] [--jpeg-scale S] FILE...`
//! (`--jpeg-scale 2|4|8`: JPEGs decoded at 1/S of each side by
//! jpeg-decoder's reduced IDCTs instead, as `scenepal --fast` reads them).

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
    let mut scale = 1u16;
    if args.first().map(String::as_str) == Some("--jpeg-scale") && args.len() > 1 {
        scale = args[1].parse().expect("--jpeg-scale takes 2, 4 or 8");
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
                if scale > 1 {
                    let mut decoder = jpeg_decoder::Decoder::new(&bytes[..]);
                    decoder.read_info().expect("a JPEG");
                    let info = decoder.info().expect("a JPEG");
                    let (w, h) = decoder
                        .scale(info.width.div_ceil(scale), info.height.div_ceil(scale))
                        .expect("scalable");
                    decoder.decode().expect("decodable JPEG");
                    return w as u64 * h as u64;
                }
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
