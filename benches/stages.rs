//! Criterion benchmarks of the pipeline's stages on one bundled still, with
//! the decode-only baseline beside them.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use scenepal::{decode_image, extract_palette, histogram_of, Algorithm, Options};

fn stages(c: &mut Criterion) {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/nuthatch_960.jpg"
    ))
    .unwrap();
    let image = decode_image(&bytes, None).unwrap();
    let hist = histogram_of(image.clone(), 128).unwrap();
    let mut g = c.benchmark_group("nuthatch_960");
    g.sample_size(20);
    g.bench_function("decode_only", |b| {
        b.iter(|| black_box(decode_image(&bytes, None).unwrap().into_rgb8()))
    });
    g.bench_function("histogram", |b| {
        b.iter(|| black_box(histogram_of(image.clone(), 128).unwrap()))
    });
    g.bench_function("kmeans_k10", |b| {
        b.iter(|| black_box(extract_palette(&hist, &Options::default())))
    });
    let bucket = Options {
        algorithm: Algorithm::Bucket,
        ..Options::default()
    };
    g.bench_function("bucket_k10", |b| {
        b.iter(|| black_box(extract_palette(&hist, &bucket)))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
