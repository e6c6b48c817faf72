//! The library call behind Python's `scenepal.palette(path, k=10,
//! color_manage=False)` (read the file, load it, analyse it) timed in Rust,
//! so that `benches/python_peers.py` can tell the Python call path's own cost
//! from the library's: `cargo bench --bench library_call -- [--repeat N]
//! [--space rgb] IMAGE...` prints, per image, the median milliseconds of N
//! warm calls (default 5) on this machine's threads, tab-separated.

use std::time::Instant;

use scenepal::{load_image, LoadOptions, Options, Recipe, Space};

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut repeat = 5;
    let mut space = Space::Oklab;
    let mut images = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--repeat" => {
                repeat = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--repeat N")
            }
            "--space" => {
                space = match args.next().as_deref() {
                    Some("rgb") => Space::Rgb,
                    Some("oklab") => Space::Oklab,
                    other => panic!("--space rgb|oklab, got {other:?}"),
                }
            }
            _ => images.push(arg),
        }
    }
    let recipe = Recipe::new(Options {
        space,
        ..Options::default()
    });
    let load = LoadOptions {
        color_manage: false,
        ..LoadOptions::default()
    };
    // As the binding does it: the file read on each call, then decoded.
    let call = |path: &str| {
        let bytes = std::fs::read(path).expect("readable image");
        let image = load_image(&bytes, Some(path.as_ref()), &load).expect("an image");
        recipe.analyze(image).expect("a palette")
    };
    for path in images {
        call(&path); // warm
        let mut runs: Vec<f64> = (0..repeat)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(call(&path));
                start.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        println!("{path}\t{:.3}", runs[runs.len() / 2]);
    }
}
