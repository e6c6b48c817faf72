//! Corrupted inputs, deterministically: every fixture, truncated at many
//! offsets and with bits flipped, must give a palette or a clean error, in
//! every output format, never a panic or a hang.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use scenepal::output::{write_report, Format, Layout, Preview, Report};
use scenepal::{extract_palette, load_image, LoadOptions, Options};

const FORMATS: [Format; 6] = [
    Format::Hex,
    Format::Rgb,
    Format::Json,
    Format::Csv,
    Format::Gpl,
    Format::Css,
];

fn fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["fixtures", "fixtures/formats"] {
        for entry in std::fs::read_dir(crate::common::root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let is_image = path
                .extension()
                .is_some_and(|e| e != "py" && e != "md" && e != "tsv");
            if path.is_file() && is_image {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Runs the whole pipeline on `bytes`; Err(description) on a panic.
fn pipeline(bytes: Vec<u8>, name: PathBuf) -> Result<(), String> {
    std::panic::catch_unwind(move || {
        let opts = Options {
            k: 4,
            ..Options::default()
        };
        if let Ok(image) = load_image(&bytes, Some(&name), &LoadOptions::default()) {
            let palette =
                extract_palette(&image.pixels, &opts).expect("a decoded image has a palette");
            assert!(!palette.colors.is_empty() && palette.colors.len() <= 4);
            let report = Report {
                path: Some("mutant"),
                merged: None,
                width: Some(image.width),
                height: Some(image.height),
                options: &opts,
                palette: &palette,
            };
            for format in FORMATS {
                let mut out = Vec::new();
                write_report(&mut out, &report, format, Layout::Single, Preview::Off).unwrap();
                assert!(!out.is_empty());
            }
        }
    })
    .map_err(|p| panic_text(&*p))
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    match payload.downcast_ref::<&str>() {
        Some(s) => s.to_string(),
        None => payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_else(|| "unknown panic".to_owned()),
    }
}

/// Runs one mutant with a time limit, so a decoder that loops fails the test
/// instead of hanging it.
fn check(bytes: Vec<u8>, name: &Path, what: &str) {
    let (tx, rx) = mpsc::channel();
    let owned = name.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(pipeline(bytes, owned));
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(Ok(())) => {}
        Ok(Err(panic)) => panic!("{} {what}: panicked: {panic}", name.display()),
        Err(_) => panic!("{} {what}: no result within 20 s", name.display()),
    }
}

#[test]
fn truncated_and_bit_flipped_fixtures_never_panic_or_hang() {
    // Quiet the default hook: the panics we look for are reported by check().
    std::panic::set_hook(Box::new(|_| {}));
    let mut mutants = 0;
    for path in fixtures() {
        let original = std::fs::read(&path).unwrap();
        let n = original.len();
        // Large fixtures get fewer mutants: the suite should stay well under a minute.
        let steps = if n > 50_000 { 6 } else { 24 };
        for i in 0..steps {
            let cut = n * i / steps + i % 3;
            check(
                original[..cut.min(n)].to_vec(),
                &path,
                &format!("cut at {cut}"),
            );
            // A bit flip at a spread of positions, headers included.
            let mut flipped = original.clone();
            let at = (i * 7919 + 13) % n;
            flipped[at] ^= 1 << (i % 8);
            check(
                flipped,
                &path,
                &format!("bit {} of byte {at} flipped", i % 8),
            );
            // A run of garbage.
            let mut garbled = original.clone();
            for (j, b) in garbled
                .iter_mut()
                .skip((i * 104_729) % n)
                .take(16)
                .enumerate()
            {
                *b = (j as u8).wrapping_mul(37) ^ 0xA5;
            }
            check(
                garbled,
                &path,
                &format!("16 bytes garbled at {}", (i * 104_729) % n),
            );
            mutants += 3;
        }
    }
    let _ = std::panic::take_hook();
    assert!(mutants > 500, "only {mutants} mutants");
}
