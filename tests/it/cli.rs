//! Command-line behaviour: palettes of synthetic and real fixtures, every
//! input format, options, output formats, determinism and errors.

use std::process::Stdio;

use crate::common::{
    encode, fixture, jpeg_announcing, json_of, lines_of, png_announcing, read, scenepal, stdout_of,
    temp_file,
};
use predicates::prelude::*;

const FIVE: [&str; 5] = ["#d62828", "#f6bd60", "#2a9d8f", "#264653", "#e9e9e9"];
const FOUR: [&str; 4] = ["#c81e1e", "#1ea03c", "#283cc8", "#fafafa"];

fn colors(doc: &serde_json::Value) -> Vec<(String, f64)> {
    doc["colors"]
        .as_array()
        .expect("colors array")
        .iter()
        .map(|c| {
            (
                c["hex"].as_str().unwrap().to_owned(),
                c["fraction"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn five_stripes_give_exactly_their_five_colours_at_k5_and_k10() {
    for k in ["5", "10"] {
        for algorithm in ["kmeans", "bucket"] {
            let lines = lines_of(&["-k", k, "-a", algorithm, &fixture("five_stripes.png")]);
            assert_eq!(lines, FIVE, "k={k} {algorithm}");
        }
    }
    let doc = json_of(&["-k", "10", &fixture("five_stripes.png")]);
    let fractions: Vec<f64> = colors(&doc).iter().map(|c| c.1).collect();
    assert_eq!(fractions, [0.30, 0.25, 0.20, 0.15, 0.10]);
    assert_eq!(doc["mse"].as_f64(), Some(0.0));
    assert_eq!(doc["pixels"].as_u64(), Some(5000));
}

#[test]
fn two_colour_image_gives_both_with_their_shares() {
    let doc = json_of(&["-k", "2", &fixture("two_colors.png")]);
    assert_eq!(
        colors(&doc),
        [("#f0e0d0".to_owned(), 0.25), ("#102030".to_owned(), 0.75)]
    );
    // k = 1: the weighted mean, which lies between the two.
    let one = lines_of(&["-k", "1", "--space", "rgb", &fixture("two_colors.png")]);
    assert_eq!(one, ["#485058"], "0.75 × #102030 + 0.25 × #f0e0d0");
}

#[test]
fn transparent_pixels_are_ignored() {
    let doc = json_of(&[&fixture("transparent.png")]);
    assert_eq!(
        colors(&doc),
        [("#ffcc00".to_owned(), 0.2), ("#3366cc".to_owned(), 0.8)]
    );
    assert_eq!(doc["pixels"].as_u64(), Some(1000));
    // Threshold 0 counts every pixel, the invisible red and faint green too.
    let all = lines_of(&["--alpha-threshold", "0", &fixture("transparent.png")]);
    assert_eq!(all, ["#ff0000", "#ffcc00", "#00ff00", "#3366cc"]);
}

#[test]
fn fully_transparent_image_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let img = image::RgbaImage::from_pixel(8, 8, image::Rgba([1, 2, 3, 0]));
    let path = temp_file(
        &dir,
        "clear.png",
        &encode(img.into(), image::ImageFormat::Png),
    );
    scenepal().arg(&path).assert().code(1).stdout("").stderr(
        predicate::str::starts_with(format!("scenepal: {path}: "))
            .and(predicate::str::contains("alpha")),
    );
}

#[test]
fn grayscale_and_16_bit_become_8_bit_srgb() {
    for name in ["grayscale.png", "gray16.png"] {
        let doc = json_of(&[&fixture(name)]);
        assert_eq!(
            colors(&doc),
            [
                ("#000000".to_owned(), 0.25),
                ("#808080".to_owned(), 0.5),
                ("#ffffff".to_owned(), 0.25)
            ],
            "{name}"
        );
    }
    // 16-bit RGB: 0x8080 maps to 0x80, 0xffff to 0xff.
    let dir = tempfile::tempdir().unwrap();
    let img = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(4, 2, |x, _| {
        if x < 2 {
            image::Rgb([0xffff, 0x8080, 0])
        } else {
            image::Rgb([0, 0x3333, 0xffff])
        }
    });
    let path = temp_file(
        &dir,
        "rgb16.png",
        &encode(img.into(), image::ImageFormat::Png),
    );
    assert_eq!(lines_of(&[&path]), ["#ff8000", "#0033ff"]);
}

#[test]
fn cmyk_jpeg_matches_the_reference_decoder() {
    // Pillow reads fixtures/cmyk.jpg as exactly these four colours, 384 px each.
    let doc = json_of(&[&fixture("cmyk.jpg")]);
    let expected: Vec<(String, f64)> = FOUR.iter().map(|h| (h.to_string(), 0.25)).collect();
    assert_eq!(colors(&doc), expected);
}

#[test]
fn every_supported_format_decodes_to_the_same_colours() {
    let names = ["png", "gif", "bmp", "tiff", "qoi", "ppm", "tga", "webp"];
    for ext in names {
        assert_eq!(
            lines_of(&[&fixture(&format!("formats/four.{ext}"))]),
            FOUR,
            "{ext}"
        );
    }
    assert_eq!(lines_of(&[&fixture("indexed.png")]), FOUR);
}

#[test]
fn decoder_follows_content_not_extension() {
    assert_eq!(
        stdout_of(&[&fixture("formats/jpeg_named.png")]),
        stdout_of(&[&fixture("china_320.jpg")])
    );
}

#[test]
fn stdin_gives_the_same_palette_as_the_file() {
    let from_file = stdout_of(&[&fixture("china_320.jpg")]);
    scenepal()
        .arg("-")
        .write_stdin(read(fixture("china_320.jpg")))
        .assert()
        .success()
        .stdout(from_file);
    let doc: serde_json::Value = serde_json::from_slice(
        &scenepal()
            .args(["-f", "json", "-"])
            .write_stdin(read(fixture("two_colors.png")))
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(doc["path"], "-");
}

#[test]
fn photos_give_exactly_k_distinct_colours() {
    for k in ["1", "3", "10", "32"] {
        for algorithm in ["kmeans", "bucket"] {
            let lines = lines_of(&["-k", k, "-a", algorithm, &fixture("china_320.jpg")]);
            let mut unique = lines.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), lines.len(), "duplicate colour: {lines:?}");
            assert_eq!(
                lines.len(),
                k.parse::<usize>().unwrap(),
                "k={k} {algorithm}"
            );
            assert!(lines.iter().all(|l| l.len() == 7 && l.starts_with('#')));
        }
    }
}

#[test]
fn rgb_space_mse_is_at_most_scikit_learn_on_real_fixtures() {
    // fixtures/sklearn-k10.tsv: scikit-learn's KMeans(10, random_state=42) mse
    // per fixture, recorded with the command in fixtures/README.md.
    let table = String::from_utf8(read("fixtures/sklearn-k10.tsv")).unwrap();
    for row in table.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let reference: f64 = cols[2].parse().unwrap();
        let doc = json_of(&["--space", "rgb", "-k", cols[1], &fixture(cols[0])]);
        let ours = doc["mse"].as_f64().unwrap();
        assert!(
            ours <= reference * 1.02,
            "{}: mse {ours} vs scikit-learn {reference}",
            cols[0]
        );
    }
}

#[test]
fn sort_orders() {
    let f = fixture("five_stripes.png");
    assert_eq!(lines_of(&["-s", "hue", &f]), FIVE);
    assert_eq!(
        lines_of(&["-s", "frequency", &f]),
        FIVE,
        "stripe widths fall from left to right"
    );
    assert_eq!(
        lines_of(&["-s", "lightness", &f]),
        ["#264653", "#d62828", "#2a9d8f", "#f6bd60", "#e9e9e9"]
    );
    let mut none = lines_of(&["-s", "none", &f]);
    none.sort();
    let mut five = FIVE.to_vec();
    five.sort();
    assert_eq!(none, five);
}

#[test]
fn output_formats() {
    let f = fixture("two_colors.png");
    assert_eq!(stdout_of(&["-f", "hex", &f]), "#f0e0d0\n#102030\n");
    assert_eq!(stdout_of(&["-f", "rgb", &f]), "240,224,208\n16,32,48\n");
    assert_eq!(
        stdout_of(&["-f", "csv", &f]),
        "hex,r,g,b,fraction\n#f0e0d0,240,224,208,0.250000\n#102030,16,32,48,0.750000\n"
    );
    assert_eq!(
        stdout_of(&["-f", "gpl", &f]),
        "GIMP Palette\nName: scenepal fixtures/two_colors.png\nColumns: 2\n#\n240 224 208\t#f0e0d0\n 16  32  48\t#102030\n"
    );
    assert_eq!(
        stdout_of(&["-f", "css", &f]),
        ":root {\n  --scenepal-1: #f0e0d0;\n  --scenepal-2: #102030;\n}\n"
    );
    let json = stdout_of(&["-f", "json", "--seed", "7", "-k", "3", &f]);
    assert_eq!(
        json,
        concat!(
            r##"{"schema":1,"path":"fixtures/two_colors.png","width":40,"height":30,"pixels":1200,"##,
            r##""k":3,"algorithm":"kmeans","space":"oklab","seed":7,"sort":"hue","colors":["##,
            r##"{"hex":"#f0e0d0","rgb":[240,224,208],"fraction":0.250000},"##,
            r##"{"hex":"#102030","rgb":[16,32,48],"fraction":0.750000}],"mse":0.000}"##,
            "\n"
        )
    );
}

#[test]
fn colour_preview_only_when_asked_or_on_a_terminal() {
    let f = fixture("two_colors.png");
    let out = scenepal()
        .env("COLORTERM", "truecolor")
        .args(["--color", "always", &f])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "\x1b[48;2;240;224;208m    \x1b[0m #f0e0d0\n\x1b[48;2;16;32;48m    \x1b[0m #102030\n"
    );
    // Without COLORTERM: the nearest of the 256-colour palette.
    let always = stdout_of(&["--color", "always", &f]);
    assert_eq!(
        always,
        "\x1b[48;5;224m    \x1b[0m #f0e0d0\n\x1b[48;5;234m    \x1b[0m #102030\n"
    );
    // Piped (auto) and never: plain values, no escape codes.
    for args in [vec![f.as_str()], vec!["--color", "never", &f]] {
        assert!(!stdout_of(&args).contains('\x1b'));
    }
    // Other formats never carry a preview.
    assert!(!stdout_of(&["--color", "always", "-f", "csv", &f]).contains('\x1b'));
}

#[test]
fn output_is_identical_for_any_thread_count_and_run() {
    for algorithm in ["kmeans", "bucket"] {
        for f in ["nuthatch_960.jpg", "china_320.jpg"] {
            let path = fixture(f);
            let args = |j| vec!["-f", "json", "-a", algorithm, "-j", j, "-k", "16", &path];
            let one = stdout_of(&args("1"));
            assert_eq!(one, stdout_of(&args("8")), "{f} {algorithm}");
            assert_eq!(one, stdout_of(&args("2")), "{f} {algorithm}");
            assert_eq!(one, stdout_of(&args("1")), "{f} {algorithm}: rerun");
        }
    }
}

#[test]
fn seed_changes_only_kmeans() {
    let f = fixture("china_320.jpg");
    let a = stdout_of(&["--seed", "1", "-k", "12", &f]);
    let b = stdout_of(&["--seed", "2", "-k", "12", &f]);
    assert_ne!(a, b);
    let c = stdout_of(&["--seed", "1", "-a", "bucket", &f]);
    let d = stdout_of(&["--seed", "2", "-a", "bucket", &f]);
    assert_eq!(c, d);
}

fn assert_input_error(path: &str, reason: &str) {
    scenepal()
        .arg(path)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::function(|err: &str| {
            err.starts_with(&format!("scenepal: {path}: "))
                && err.contains(reason)
                && err.lines().count() == 1
        }));
}

#[test]
fn bad_inputs_exit_1_with_one_line_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.jpg");
    assert_input_error(missing.to_str().unwrap(), "no such file");
    // A directory is a batch input; without images it is an error too. In a
    // batch a summary line follows the error line, so ask for quiet.
    let empty = dir.path().to_str().unwrap();
    scenepal()
        .args(["--quiet", empty])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "scenepal: {empty}: no image or film files in this directory\n"
        ));
    assert_input_error(&temp_file(&dir, "empty.jpg", b""), "empty file");
    assert_input_error(
        &temp_file(&dir, "text.png", b"not an image at all\n"),
        "not a recognised image",
    );

    let jpeg = read(fixture("china_320.jpg"));
    for cut in [jpeg.len() / 3, jpeg.len() / 2, jpeg.len() - 2] {
        let path = temp_file(&dir, &format!("cut{cut}.jpg"), &jpeg[..cut]);
        assert_input_error(&path, "truncated JPEG");
    }
    let png = read(fixture("chelsea_225.png"));
    for cut in [100, png.len() / 2, png.len() - 20] {
        let path = temp_file(&dir, &format!("cut{cut}.png"), &png[..cut]);
        assert_input_error(&path, "PNG");
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["-k", "0", "x.png"],
        vec!["-k", "257", "x.png"],
        vec!["-f", "yaml", "x.png"],
        vec!["--space", "hsv", "x.png"],
        vec!["-j", "1025", "x.png"],
        vec!["--alpha-threshold", "256", "x.png"],
        vec![],
    ] {
        scenepal().args(&args).assert().code(2).stdout("");
    }
    // Range errors read alike, and a negative number is a value, not a flag.
    for value in ["-1", "0"] {
        let out = scenepal().args(["-k", value, "x.png"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "-k must be a number from 1 to 256 or auto, got {value}\n"
            )),
            "-k {value}: {stderr}"
        );
    }
    for (flag, value, range) in [
        ("--alpha-threshold", "256", "0 to 255"),
        ("-j", "-2", "0 to 1024"),
        ("--swatch-width", "10", "200 to 16384"),
    ] {
        let out = scenepal().args([flag, value, "x.png"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "must be a whole number from {range}, got `{value}`"
            )) && !stderr.contains("-- "),
            "{flag} {value}: {stderr}"
        );
    }
}

#[test]
fn values_are_case_insensitive_and_j0_means_every_core() {
    let f = fixture("two_colors.png");
    assert_eq!(
        stdout_of(&["-f", "JSON", "-a", "KMeans", "-j", "0", &f]),
        stdout_of(&["-f", "json", &f])
    );
}

#[test]
fn closed_stdout_ends_quietly() {
    let mut child = crate::common::clean_command(crate::common::bin())
        .args(["-k", "64", &fixture("nuthatch_960.jpg")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before anything is written
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn help_lists_every_option() {
    let help = stdout_of(&["--help"]);
    for opt in [
        "--colors",
        "--algorithm",
        "--space",
        "--seed",
        "--sort",
        "--format",
        "--alpha-threshold",
        "--color",
        "--threads",
    ] {
        assert!(help.contains(opt), "{opt} missing from --help");
    }
}

#[test]
fn huge_headers_are_refused_before_anything_is_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let png = temp_file(&dir, "huge.png", &png_announcing(100_000, 100_000));
    assert_input_error(
        &png,
        "100000×100000 = 10000000000 pixels, more than the limit",
    );
    let jpeg = temp_file(&dir, "huge.jpg", &jpeg_announcing(65_000, 65_000));
    assert_input_error(&jpeg, "--max-pixels");
}

#[test]
fn pixel_and_byte_limits_can_be_lowered() {
    let f = fixture("two_colors.png"); // 40×30, 113 bytes
    scenepal()
        .args(["--max-pixels", "1200", &f])
        .assert()
        .success();
    scenepal()
        .args(["--max-pixels", "1199", &f])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("more than the limit of 1199"));
    scenepal()
        .args(["--max-bytes", "100", &f])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "larger than the limit of 100 bytes",
        ));
    scenepal()
        .args(["--max-bytes", "100", "-"])
        .write_stdin(read(&f))
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "scenepal: -: larger than the limit",
        ));
}

#[test]
fn truncated_data_in_every_format_is_an_error_not_a_palette() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["png", "gif", "bmp", "tiff", "qoi", "ppm", "tga", "webp"] {
        let bytes = read(fixture(&format!("formats/four.{ext}")));
        for tenth in [3, 6, 9] {
            let cut = bytes.len() * tenth / 10;
            let path = temp_file(&dir, &format!("cut{tenth}.{ext}"), &bytes[..cut]);
            scenepal()
                .arg(&path)
                .assert()
                .code(1)
                .stdout("")
                .stderr(predicate::str::starts_with(format!("scenepal: {path}: ")));
        }
    }
}

#[test]
fn messages_and_help_read_as_plain_english() {
    let out = scenepal().args(["-k", "0", "x.jpg"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("-k must be a number from 1 to 256 or auto, got 0\n"),
        "{err}"
    );
    // One image is one image.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.png"), b"not a png").unwrap();
    let out = scenepal().arg(dir.path()).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("\n1 image, 1 failed, "), "{err}");
    let help = stdout_of(&["--help"]);
    let words = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("symbolic links to directories are followed only with -L"),
        "{help}"
    );
    // The examples' explanations start in one column.
    let examples: Vec<&str> = help
        .split("EXAMPLES:\n")
        .nth(1)
        .expect("an EXAMPLES section")
        .lines()
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(examples.len() >= 5, "{help}");
    let columns: Vec<usize> = examples
        .iter()
        .map(|l| l.rfind("   ").expect("a command, then its explanation") + 3)
        .collect();
    assert!(columns.iter().all(|&c| c == columns[0]), "{examples:#?}");
}
