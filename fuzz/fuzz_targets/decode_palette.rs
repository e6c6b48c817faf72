//! Fuzz target: arbitrary bytes → decode (whole, and reduced as `--fast`
//! reads) → palette → every output format and a swatch strip. Any panic,
//! hang or out-of-memory is a finding.
//!
//! cargo +nightly fuzz run decode_palette fuzz/corpus fixtures fixtures/formats \
//!     -- -max_total_time=600 -rss_limit_mb=2048
#![no_main]

use libfuzzer_sys::fuzz_target;
use scenepal::output::swatch::{render_swatch, SwatchOptions, SwatchStyle};
use scenepal::output::{write_report, Format, Layout, Preview, Report};
use scenepal::{extract_palette, load_image, LoadOptions, Options};

fuzz_target!(|data: &[u8]| {
    for fast in [false, true] {
        // A smaller pixel cap keeps the fuzzer fast; the checks are the same.
        let load = LoadOptions {
            max_pixels: 1 << 22,
            fast,
            ..LoadOptions::default()
        };
        let Ok(image) = load_image(data, None, &load) else { continue };
        let opts = Options { k: 4, ..Options::default() };
        let palette = extract_palette(&image.pixels, &opts).expect("a decoded image has a palette");
        assert!(!palette.colors.is_empty() && palette.colors.len() <= 4);
        let report = Report {
            path: Some("fuzz"),
            width: Some(image.width),
            height: Some(image.height),
            step: image.step,
            color_profile: image.managed.profile.as_deref(),
            ..Report::new(&palette, &opts, &[], true)
        };
        let formats = [Format::Hex, Format::Rgb, Format::Json, Format::Csv, Format::Gpl, Format::Css, Format::Ase];
        for format in formats {
            let mut out = Vec::new();
            write_report(&mut out, &report, format, Layout::Batch, Preview::Off).unwrap();
        }
        let strip = SwatchOptions { style: SwatchStyle::Strip, width: 200, proportional: true, names: true };
        let _ = render_swatch(&palette, None, &strip);
    }
});
