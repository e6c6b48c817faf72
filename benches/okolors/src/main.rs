//! Okolors with its command-line program's defaults (8 colours, lightness
//! weight 0.325, k-means sampling factor 0.5, batches of 4096, seed 0, all threads, sorted by
//! frequency), as one whole process per image: `okolors-bench IMAGE`
//! prints the palette's hex codes. benches/okolors.py runs it beside scenepal.

use std::io::Write;
use std::process::ExitCode;

use okolors::{KmeansOptions, Okolors, PaletteSize};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: okolors-bench IMAGE");
        return ExitCode::from(2);
    };
    let image = match image::open(&path) {
        Ok(image) => image.into_rgb8(),
        Err(e) => {
            eprintln!("okolors-bench: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(builder) = Okolors::try_from(&image) else {
        eprintln!("okolors-bench: {path}: too many pixels");
        return ExitCode::FAILURE;
    };
    let palette = builder
        .palette_size(PaletteSize::from_u8_clamped(8))
        .lightness_weight(0.325)
        .kmeans_options(
            KmeansOptions::new()
                .sampling_factor(0.5)
                .batch_size(4096)
                .seed(0),
        )
        .sort_by_frequency(true)
        .parallel(true)
        .srgb8_palette();
    let mut out = std::io::stdout().lock();
    for c in palette.iter().rev() {
        let _ = writeln!(out, "#{:02x}{:02x}{:02x}", c.red, c.green, c.blue);
    }
    ExitCode::SUCCESS
}
