//! Criterion benchmarks of the pipeline's stages on one bundled still, with
//! the decode-only baseline and the floor of any exact measurement beside
//! them: `cargo bench --bench stages`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use scenepal::{decode_image, extract_palette, Algorithm, Bins, Options, PixelBuffer};

fn stages(c: &mut Criterion) {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/nuthatch_960.jpg"
    ))
    .unwrap();
    let pixels = PixelBuffer::from_image(decode_image(&bytes, None).unwrap(), 128).unwrap();
    let mut g = c.benchmark_group("nuthatch_960");
    g.sample_size(20);
    g.bench_function("decode_only", |b| {
        b.iter(|| black_box(decode_image(&bytes, None).unwrap().into_rgb8()))
    });
    g.bench_function("bins", |b| b.iter(|| black_box(Bins::of(&pixels))));
    // The least any exact measurement can do: one table lookup and one count
    // per pixel, on one thread, with no clustering at all. Its ratio to
    // decode_only bounds what exact fractions allow.
    let lut: Vec<u8> = (0..scenepal::bins::BIN_COUNT)
        .map(|i| (i % 10) as u8)
        .collect();
    g.bench_function("floor_lookup_and_count", |b| {
        b.iter(|| {
            let mut counts = [0u64; 10];
            for p in pixels.raw().chunks_exact(3) {
                counts[lut[scenepal::bins::bin_of(p[0], p[1], p[2])] as usize] += 1;
            }
            black_box(counts)
        })
    });
    g.bench_function("palette_kmeans_k10", |b| {
        b.iter(|| black_box(extract_palette(&pixels, &Options::default()).unwrap()))
    });
    let bucket = Options {
        algorithm: Algorithm::Bucket,
        ..Options::default()
    };
    g.bench_function("palette_bucket_k10", |b| {
        b.iter(|| black_box(extract_palette(&pixels, &bucket).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
