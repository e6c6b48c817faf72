//! The pictures: swatch card and strip, the pixel-cloud plot, and how their
//! files are written. PNGs are checked by decoded pixels.

use std::path::Path;

use crate::common::{fixture, scenepal, stdout_of};
use image::{Rgb, RgbImage};
use predicates::prelude::*;

/// Row height of the bar for the default 1000 px width (width / 8).
const ROW_PX: u32 = 125;

fn palette_of(args: &[&str]) -> Vec<([u8; 3], f64)> {
    let mut all = vec!["-f", "json"];
    all.extend_from_slice(args);
    let doc: serde_json::Value = serde_json::from_str(&stdout_of(&all)).unwrap();
    doc["colors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let rgb = c["rgb"].as_array().unwrap();
            let ch = |i: usize| rgb[i].as_u64().unwrap() as u8;
            ([ch(0), ch(1), ch(2)], c["fraction"].as_f64().unwrap())
        })
        .collect()
}

fn open_rgb(path: &Path) -> RgbImage {
    image::open(path).unwrap().into_rgb8()
}

/// Black or white: whichever has the higher WCAG contrast on `c`.
fn expected_label(c: [u8; 3]) -> [u8; 3] {
    let lin = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
    if (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) {
        [0, 0, 0]
    } else {
        [255, 255, 255]
    }
}

/// Checks the bar that starts at `top`: each cell shows its colour above
/// its label (which is centred) and holds label pixels in the contrasting
/// colour. `edges` are the cell boundaries.
fn check_bar(img: &RgbImage, top: u32, palette: &[([u8; 3], f64)], edges: &[u32]) {
    for (i, (colour, _)) in palette.iter().enumerate() {
        let (x0, x1) = (edges[i], edges[i + 1]);
        let above_label = img.get_pixel((x0 + x1) / 2, top + ROW_PX / 8);
        assert_eq!(above_label.0, *colour, "cell {i}");
        let label_pixels = label_pixels(img, top, *colour, x0, x1);
        assert!(
            label_pixels >= 30,
            "cell {i} ({colour:?}) has {label_pixels} label pixels"
        );
    }
}

/// Pixels of a cell's row in the label colour for `colour`.
fn label_pixels(img: &RgbImage, top: u32, colour: [u8; 3], x0: u32, x1: u32) -> usize {
    let label = expected_label(colour);
    (x0..x1)
        .flat_map(|x| (top..top + ROW_PX).map(move |y| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0 == label)
        .count()
}

#[test]
fn card_is_the_scaled_image_over_a_labelled_bar() {
    let dir = tempfile::tempdir().unwrap();
    let card = dir.path().join("card.png");
    let still = fixture("nuthatch_960.jpg");
    let palette = palette_of(&["--swatch", card.to_str().unwrap(), &still]);
    let img = open_rgb(&card);
    // 960×540 scaled to 1000 wide: 562.5 rounds to 563.
    assert_eq!(img.dimensions(), (1000, 563 + ROW_PX));
    let expected_top = image::open(crate::common::root().join(&still))
        .unwrap()
        .resize_exact(1000, 563, image::imageops::FilterType::Triangle)
        .into_rgb8();
    let top = image::imageops::crop_imm(&img, 0, 0, 1000, 563).to_image();
    assert!(
        top == expected_top,
        "the card's top is not the scaled image"
    );
    let edges: Vec<u32> = (0..=10).map(|i| i * 100).collect();
    check_bar(&img, 563, &palette, &edges);
}

/// Draws the five-stripe fixture's strip (with `extra` options) and returns
/// its palette and decoded picture.
fn five_stripe_strip(extra: &[&str]) -> (Vec<([u8; 3], f64)>, RgbImage) {
    let dir = tempfile::tempdir().unwrap();
    let strip = dir.path().join("strip.png");
    let stripes = fixture("five_stripes.png");
    let mut args = vec![
        "--swatch",
        strip.to_str().unwrap(),
        "--swatch-style",
        "strip",
    ];
    args.extend_from_slice(extra);
    args.push(&stripes);
    let palette = palette_of(&args);
    (palette, open_rgb(&strip))
}

#[test]
fn strip_is_the_bar_alone_and_labels_read_on_dark_light_and_saturated_cells() {
    let (palette, img) = five_stripe_strip(&[]);
    assert_eq!(img.dimensions(), (1000, ROW_PX));
    check_bar(&img, 0, &palette, &[0, 200, 400, 600, 800, 1000]);
    // Dark (#264653) gets white text, light (#e9e9e9) and yellow black, red white.
    let labels: Vec<[u8; 3]> = palette.iter().map(|p| expected_label(p.0)).collect();
    assert_eq!(labels, [[255; 3], [0; 3], [0; 3], [255; 3], [0; 3]]);
}

#[test]
fn proportional_cells_follow_the_fractions() {
    let (palette, img) = five_stripe_strip(&["--proportional"]);
    // Measure cell edges along the top row of the bar (above the labels).
    let mut edges = vec![0];
    for x in 1..img.width() {
        if img.get_pixel(x, 2) != img.get_pixel(x - 1, 2) {
            edges.push(x);
        }
    }
    edges.push(img.width());
    assert_eq!(edges.len(), 6, "{edges:?}");
    // Each cell is its fraction of the 1000 px width, to the pixel.
    let mut cumulative = 0.0;
    for (i, (_, f)) in palette.iter().enumerate() {
        cumulative += f;
        let expected = 1000.0 * cumulative;
        assert!(
            (edges[i + 1] as f64 - expected).abs() <= 1.0,
            "edge {i}: {} vs {expected}",
            edges[i + 1]
        );
    }
    // Wide cells carry their label; a cell too narrow for one carries none.
    let (wide, narrow): (Vec<usize>, Vec<usize>) =
        (0..5).partition(|&i| edges[i + 1] - edges[i] >= 130);
    assert!(!narrow.is_empty() && wide.len() >= 3, "{edges:?}");
    for i in wide {
        let cell = &[edges[i], edges[i + 1]];
        check_bar(&img, 0, &palette[i..=i], cell);
    }
    for i in narrow {
        let (x0, x1) = (edges[i], edges[i + 1]);
        assert_eq!(label_pixels(&img, 0, palette[i].0, x0, x1), 0, "cell {i}");
    }
    // So every colour is in the legend under the bar.
    check_legend(&img, ROW_PX, &palette);
}

/// Checks the legend under the bar (rows from `bar_bottom` down): each
/// colour has its chip there, a square of its exact colour.
fn check_legend(img: &RgbImage, bar_bottom: u32, palette: &[([u8; 3], f64)]) {
    assert!(img.height() > bar_bottom + 20, "a legend under the bar");
    for (colour, _) in palette {
        let chip = (0..img.width())
            .flat_map(|x| (bar_bottom..img.height()).map(move |y| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0 == *colour)
            .count();
        assert!(chip >= 64, "{colour:?}: a chip of {chip} pixels");
    }
}

/// Compares `img` with the golden picture `tests/golden/NAME` by decoded
/// pixels; `UPDATE_GOLDEN=1` writes it instead (review the picture then).
fn check_golden_png(name: &str, img: &RgbImage) {
    let path = crate::common::root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        img.save(&path).expect("golden picture written");
        return;
    }
    let golden = image::open(&path)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
                path.display()
            )
        })
        .into_rgb8();
    if golden == *img {
        return;
    }
    let actual = std::env::temp_dir().join(format!("actual-{name}"));
    img.save(&actual)
        .expect("the differing picture is kept to look at");
    let differing = if golden.dimensions() == img.dimensions() {
        golden
            .pixels()
            .zip(img.pixels())
            .filter(|(a, b)| a != b)
            .count()
    } else {
        0
    };
    panic!(
        "{} differs from the golden picture: {:?} against {:?}, {differing} pixels differ; \
         the new picture is {} (UPDATE_GOLDEN=1 to accept)",
        path.display(),
        img.dimensions(),
        golden.dimensions(),
        actual.display()
    );
}

#[test]
fn narrow_cells_send_every_label_to_a_legend_at_every_width() {
    let dir = tempfile::tempdir().unwrap();
    let still = fixture("nuthatch_960.jpg");
    // 960×540 scaled to the card's width; rows are width / 8, at least 56.
    for (style, width, bar_bottom, golden) in [
        (
            "strip",
            1000,
            125,
            Some("nuthatch_960.k12.proportional.strip.png"),
        ),
        (
            "strip",
            390,
            56,
            Some("nuthatch_960.k12.proportional.strip390.png"),
        ),
        ("card", 390, 219 + 56, None),
        ("card", 1280, 720 + 160, None),
    ] {
        let target = dir.path().join(format!("{style}{width}.png"));
        let palette = palette_of(&[
            "-k",
            "12",
            "--proportional",
            "--swatch-style",
            style,
            "--swatch-width",
            &width.to_string(),
            "--swatch",
            target.to_str().unwrap(),
            &still,
        ]);
        let img = open_rgb(&target);
        assert_eq!(img.width(), width);
        check_legend(&img, bar_bottom, &palette);
        if let Some(golden) = golden {
            check_golden_png(golden, &img);
        }
    }
}

#[test]
fn plot_shows_every_palette_colour() {
    let dir = tempfile::tempdir().unwrap();
    let plot = dir.path().join("plot.png");
    let stripes = fixture("five_stripes.png");
    let palette = palette_of(&["--plot", plot.to_str().unwrap(), &stripes]);
    let img = open_rgb(&plot);
    assert_eq!(img.dimensions(), (1000, 900));
    for (colour, _) in &palette {
        let n = img.pixels().filter(|p| p.0 == *colour).count();
        assert!(n >= 100, "{colour:?} drawn in {n} pixels");
    }
    // The white background and black axis text are there too.
    assert_eq!(img.get_pixel(2, 2), &Rgb([255, 255, 255]));
    assert!(img.pixels().any(|p| p.0 == [0, 0, 0]));
}

#[test]
fn plot_as_svg_parses_and_marks_the_palette() {
    let dir = tempfile::tempdir().unwrap();
    let plot = dir.path().join("plot.svg");
    let stripes = fixture("five_stripes.png");
    let palette = palette_of(&["--plot", plot.to_str().unwrap(), &stripes]);
    let text = std::fs::read_to_string(&plot).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let circles: Vec<(String, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .map(|n| {
            (
                n.attribute("fill").unwrap_or("").to_lowercase(),
                n.attribute("r").unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert!(circles.len() >= 4000, "{} points", circles.len());
    for (c, _) in &palette {
        let hex = format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
        assert!(
            circles.iter().any(|(fill, r)| *fill == hex && *r >= 10.0),
            "no marker for {hex}"
        );
    }
    assert!(doc
        .descendants()
        .any(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.trim() == "R")));
}

#[test]
fn pictures_are_byte_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let still = fixture("nuthatch_960.jpg");
    let mut outputs = Vec::new();
    for j in ["1", "8"] {
        let names = ["card.png", "strip.png", "plot.png", "plot.svg"]
            .map(|n| dir.path().join(format!("{j}-{n}")));
        let [card, strip, plot, svg] = names.each_ref().map(|p| p.to_str().unwrap().to_owned());
        stdout_of(&["-j", j, "--swatch", &card, "--plot", &plot, &still]);
        stdout_of(&[
            "-j",
            j,
            "--swatch",
            &strip,
            "--swatch-style",
            "strip",
            "--proportional",
            "--plot",
            &svg,
            &still,
        ]);
        outputs.push(names.map(|p| std::fs::read(p).unwrap()));
    }
    assert!(
        outputs[0] == outputs[1],
        "pictures differ between -j 1 and -j 8"
    );
}

#[test]
fn swatch_to_stdout_is_a_png_without_palette_text() {
    let out = scenepal()
        .args([
            "--swatch",
            "-",
            "--swatch-style",
            "strip",
            &fixture("two_colors.png"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let img = image::load_from_memory(&out.stdout)
        .expect("stdout is a PNG")
        .into_rgb8();
    assert_eq!(img.dimensions(), (1000, ROW_PX));
}

#[test]
fn two_writers_of_stdout_are_a_usage_error_for_every_pair() {
    let writers: [&[&str]; 5] = [
        &["--swatch", "-", "--swatch-style", "strip"],
        &["--plot", "-"],
        &["--barcode", "-"],
        &["--html", "-"],
        &["-f", "json"],
    ];
    for (i, first) in writers.iter().enumerate() {
        for second in &writers[i + 1..] {
            scenepal()
                .args(*first)
                .args(*second)
                .arg(fixture("two_colors.png"))
                .assert()
                .code(2)
                .stdout("")
                .stderr(predicate::str::contains("would both write to stdout"));
        }
    }
    // The palette text gives way to one picture unless a format is named.
    let out = scenepal()
        .args(["--html", "-", &fixture("two_colors.png")])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
}

#[test]
fn unwritable_targets_exit_1_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/card.png");
    let missing = missing.to_str().unwrap();
    scenepal()
        .args(["--swatch", missing, &fixture("two_colors.png")])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::starts_with(format!(
                "scenepal: {}: {missing}: ",
                fixture("two_colors.png")
            ))
            .and(predicate::str::contains("does not exist")),
        );

    if Path::new("/dev/full").exists() {
        let link = dir.path().join("full.png");
        std::os::unix::fs::symlink("/dev/full", &link).unwrap();
        let link = link.to_str().unwrap();
        scenepal()
            .args(["--plot", link, &fixture("two_colors.png")])
            .assert()
            .code(1)
            .stderr(
                predicate::str::starts_with(format!(
                    "scenepal: {}: {link}: ",
                    fixture("two_colors.png")
                ))
                .and(predicate::str::contains("no space")),
            );
        // The device is written through, never renamed over.
        assert!(std::fs::symlink_metadata(link)
            .unwrap()
            .file_type()
            .is_symlink());
    }
}

#[test]
fn a_failed_write_keeps_the_older_file() {
    let dir = tempfile::tempdir().unwrap();
    let card = dir.path().join("card.png");
    std::fs::write(&card, b"older picture").unwrap();
    // The image is fine; the write itself fails: files may grow to 1 KiB at
    // most (the card is far larger), and the signal that would kill the
    // process is ignored so the write returns an error instead.
    let script = format!(
        "trap '' XFSZ; ulimit -f 2; exec scenepal --swatch '{}' {}",
        card.display(),
        fixture("china_320.jpg")
    );
    let out = crate::common::clean_command("sh")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "scenepal: {}: {}: ",
            fixture("china_320.jpg"),
            card.display()
        )) && stderr.contains("too large")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
    assert_eq!(std::fs::read(&card).unwrap(), b"older picture");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file is left behind");
}
