//! What palette users ask for: colour names, Adobe Swatch Exchange files,
//! exclusions and an automatic number of colours.

use crate::common::{fixture, json_of, lines_of, scenepal, stdout_of};

#[test]
fn names_come_in_every_format() {
    let stripes = fixture("five_stripes.png");
    // #d62828 #f6bd60 #2a9d8f #264653 #e9e9e9, in hue order.
    assert_eq!(
        lines_of(&["-k", "5", "--names", &stripes]),
        [
            "#d62828\tcrimson",
            "#f6bd60\tgoldenrod",
            "#2a9d8f\tlightseagreen",
            "#264653\tdarkslategray",
            "#e9e9e9\twhitesmoke",
        ]
    );
    let two = fixture("two_colors.png");
    assert_eq!(
        lines_of(&["-q", "-k", "2", "--names", &stripes, &two])[1],
        format!("{two}\t#f0e0d0 #102030\tantiquewhite midnightblue")
    );
    let csv = lines_of(&["-k", "2", "--names", "-f", "csv", &two]);
    assert_eq!(csv[0], "hex,r,g,b,fraction,name");
    assert_eq!(csv[2], "#102030,16,32,48,0.750000,midnightblue");
    let json = json_of(&["-k", "2", "--names", &two]);
    assert_eq!(json["colors"][0]["name"], "antiquewhite");
    // Without --names nothing changes.
    assert!(json_of(&["-k", "2", &two])["colors"][0]
        .get("name")
        .is_none());
    let gpl = stdout_of(&["-k", "2", "--names", "-f", "gpl", &two]);
    assert!(gpl.contains(" 16  32  48\tmidnightblue #102030\n"), "{gpl}");
    let css = stdout_of(&["-k", "2", "--names", "-f", "css", &two]);
    assert!(
        css.contains("--scenepal-2: #102030; /* midnightblue */"),
        "{css}"
    );
}

#[test]
fn gpl_names_keep_the_hex_and_a_shared_name_is_numbered() {
    let dir = tempfile::tempdir().unwrap();
    // Two olive greens, both nearest to darkolivegreen (#556b2f).
    let mut img = image::RgbImage::from_pixel(2, 1, image::Rgb([0x55, 0x6b, 0x2f]));
    img.put_pixel(1, 0, image::Rgb([0x50, 0x66, 0x2b]));
    let png = crate::common::temp_file(
        &dir,
        "olive.png",
        &crate::common::encode(img.into(), image::ImageFormat::Png),
    );
    let gpl = stdout_of(&["-k", "2", "--names", "-f", "gpl", "-s", "lightness", &png]);
    let entries: Vec<&str> = gpl.lines().skip(4).collect();
    assert_eq!(
        entries,
        [
            " 80 102  43\tdarkolivegreen #50662b",
            " 85 107  47\tdarkolivegreen-2 #556b2f"
        ],
        "{gpl}"
    );
}

#[test]
fn a_card_with_names_draws_them_under_the_hex_codes() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.png");
    let named = dir.path().join("named.png");
    for (path, names) in [(&plain, false), (&named, true)] {
        let mut cmd = scenepal();
        cmd.args(["-q", "-k", "5", "--swatch-style", "strip", "--swatch"])
            .arg(path);
        if names {
            cmd.arg("--names");
        }
        cmd.arg(fixture("five_stripes.png")).assert().success();
    }
    let (a, b) = (
        image::open(&plain).unwrap().to_rgb8(),
        image::open(&named).unwrap().to_rgb8(),
    );
    assert_eq!(a.dimensions(), b.dimensions());
    // Same cells; the named card has more ink in each cell's lower half.
    let ink = |img: &image::RgbImage, cell: u32| {
        let (w, h) = img.dimensions();
        let x0 = w * cell / 5;
        let bg = img.get_pixel(x0 + 2, 2).0;
        (x0..x0 + w / 5)
            .flat_map(|x| (h * 5 / 8..h).map(move |y| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0 != bg)
            .count()
    };
    for cell in 0..5 {
        assert!(
            ink(&b, cell) > ink(&a, cell) + 20,
            "cell {cell} has no name drawn"
        );
    }
}

/// One block of an ASE file, read back by the published layout.
#[derive(Debug, PartialEq)]
enum Block {
    GroupStart(String),
    GroupEnd,
    Color(String, [f32; 3], u16),
}

/// Parses an `.ase` file: signature, version 1.0, block count, blocks.
fn parse_ase(bytes: &[u8]) -> Vec<Block> {
    let u16_at = |i: usize| u16::from_be_bytes([bytes[i], bytes[i + 1]]);
    let u32_at = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    assert_eq!(&bytes[..4], b"ASEF");
    assert_eq!((u16_at(4), u16_at(6)), (1, 0), "version 1.0");
    let count = u32_at(8) as usize;
    let name_at = |i: usize| -> (String, usize) {
        let units = u16_at(i) as usize;
        let text: Vec<u16> = (0..units).map(|u| u16_at(i + 2 + 2 * u)).collect();
        assert_eq!(text.last(), Some(&0), "names end in a zero");
        (
            String::from_utf16(&text[..units - 1]).unwrap(),
            i + 2 + 2 * units,
        )
    };
    let mut blocks = Vec::new();
    let mut i = 12;
    for _ in 0..count {
        let (kind, len) = (u16_at(i), u32_at(i + 2) as usize);
        let body = i + 6;
        blocks.push(match kind {
            0xC001 => Block::GroupStart(name_at(body).0),
            0xC002 => Block::GroupEnd,
            0x0001 => {
                let (name, at) = name_at(body);
                assert_eq!(&bytes[at..at + 4], b"RGB ");
                let f = |k: usize| {
                    f32::from_be_bytes(bytes[at + 4 + 4 * k..at + 8 + 4 * k].try_into().unwrap())
                };
                assert_eq!(at + 18, body + len, "a colour block ends after its type");
                Block::Color(name, [f(0), f(1), f(2)], u16_at(at + 16))
            }
            other => panic!("unknown block type {other:#x}"),
        });
        i = body + len;
    }
    assert_eq!(i, bytes.len(), "nothing after the last block");
    blocks
}

fn rgb(hex: u32) -> [f32; 3] {
    [hex >> 16, hex >> 8 & 0xff, hex & 0xff].map(|v| v as f32 / 255.0)
}

#[test]
fn ase_files_read_back_as_the_palette() {
    let two = fixture("two_colors.png");
    let out = scenepal()
        .args(["-k", "2", "-f", "ase", &two])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        parse_ase(&out.stdout),
        [
            Block::Color("#f0e0d0".into(), rgb(0xf0e0d0), 2),
            Block::Color("#102030".into(), rgb(0x102030), 2),
        ]
    );
    // With names, and a batch: one file, a group per image, in input order.
    let stripes = fixture("five_stripes.png");
    let out = scenepal()
        .args(["-q", "-k", "2", "-f", "ase", "--names", &two, &stripes])
        .output()
        .unwrap();
    assert!(out.status.success());
    let blocks = parse_ase(&out.stdout);
    assert_eq!(blocks.len(), 8);
    assert_eq!(blocks[0], Block::GroupStart(two.clone()));
    assert_eq!(
        blocks[1],
        Block::Color("antiquewhite".into(), rgb(0xf0e0d0), 2)
    );
    assert_eq!(blocks[3], Block::GroupEnd);
    assert_eq!(blocks[4], Block::GroupStart(stripes));
    assert_eq!(blocks[7], Block::GroupEnd);
    // A merged palette is one ungrouped set of colours.
    let out = scenepal()
        .args([
            "-q",
            "-k",
            "3",
            "-f",
            "ase",
            "--merge",
            &two,
            &fixture("china_320.jpg"),
        ])
        .output()
        .unwrap();
    let blocks = parse_ase(&out.stdout);
    assert_eq!(blocks.len(), 3);
    assert!(blocks.iter().all(|b| matches!(b, Block::Color(..))));
}

/// A product shot: a red cup and its blue shadow on a white background with
/// JPEG-like noise (±3 levels), 120×80.
fn product_shot(dir: &tempfile::TempDir) -> String {
    let mut seed = 7u32;
    let image = image::RgbImage::from_fn(120, 80, |x, y| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let noise = (seed >> 24) as i32 % 7 - 3;
        let base: [i32; 3] = if (30..70).contains(&x) && (20..60).contains(&y) {
            [200, 30, 40]
        } else if (70..90).contains(&x) && (40..60).contains(&y) {
            [40, 60, 170]
        } else {
            [250, 250, 248]
        };
        image::Rgb(base.map(|v| (v + noise).clamp(0, 255) as u8))
    });
    let bytes = crate::common::encode(image.into(), image::ImageFormat::Png);
    crate::common::temp_file(dir, "product.png", &bytes)
}

#[test]
fn excluded_colours_are_left_out_of_the_counted_pixels() {
    let dir = tempfile::tempdir().unwrap();
    let shot = product_shot(&dir);
    let all = json_of(&["-k", "3", &shot]);
    assert_eq!(all["pixels"], 9600);
    let json = json_of(&["-k", "2", "--exclude", "white", &shot]);
    // The cup (40×40) and its shadow (20×20) alone are counted.
    assert_eq!(json["pixels"], 2000);
    assert_eq!(
        json["exclude"],
        serde_json::json!([{"color": "#ffffff", "delta_e": 8.0}])
    );
    let colors = json["colors"].as_array().unwrap();
    let fractions: Vec<f64> = colors
        .iter()
        .map(|c| c["fraction"].as_f64().unwrap())
        .collect();
    // In hue order: the blue shadow (232°), then the red cup (356°).
    assert_eq!(fractions, [0.2, 0.8]);
    for c in colors {
        let rgb: Vec<i64> = c["rgb"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        assert!(
            rgb.iter().any(|&v| v < 100),
            "a background colour is left: {rgb:?}"
        );
    }
    // A distance of 0 takes the exact colour only: the noisy background stays.
    let exact = json_of(&["-k", "2", "--exclude", "#fafaf8:0", &shot]);
    let left = exact["pixels"].as_u64().unwrap();
    assert!(left > 2000 && left < 9600, "{left}");
    // Several exclusions add up; a hex colour and a name are alike.
    let cup_only = json_of(&[
        "-k",
        "1",
        "--exclude",
        "#fff",
        "--exclude",
        "#283caa:10",
        &shot,
    ]);
    assert_eq!(cup_only["pixels"], 1600);
    assert_eq!(cup_only["exclude"][1]["color"], "#283caa");
}

#[test]
fn exclusions_keep_transparency_and_gray_images_working() {
    // 800 opaque blue pixels, 200 yellow at alpha 200, 200 green at alpha
    // 100 and 400 red at alpha 0: transparent pixels stay uncounted, and
    // with threshold 0 (every pixel counted) even alpha 0 stays counted.
    let transparent = fixture("transparent.png");
    let json = json_of(&["-k", "4", "--exclude", "#3366cc:0", &transparent]);
    assert_eq!(
        (json["pixels"].as_u64(), &json["colors"][0]["hex"]),
        (Some(200), &"#ffcc00".into())
    );
    let json = json_of(&[
        "-k",
        "4",
        "--alpha-threshold",
        "0",
        "--exclude",
        "#3366cc:0",
        &transparent,
    ]);
    assert_eq!(json["pixels"], 800);
    let gray = fixture("grayscale.png");
    let all = json_of(&["-k", "2", &gray])["pixels"].as_u64().unwrap();
    let json = json_of(&["-k", "2", "--exclude", "black:20", &gray]);
    let kept = json["pixels"].as_u64().unwrap();
    assert!(kept > 0 && kept < all, "{kept} of {all}");
    for c in json["colors"].as_array().unwrap() {
        assert!(c["rgb"][0].as_u64().unwrap() > 30, "{c}");
    }
}

#[test]
fn bad_exclusions_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let shot = product_shot(&dir);
    let out = scenepal()
        .args(["--exclude", "whitish", &shot])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`whitish` is not a colour"), "{err}");
    let out = scenepal()
        .args(["--exclude", "white:80", &shot])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("from 0 to 30"));
    // Everything excluded: one line naming the file, and no palette.
    let two = fixture("two_colors.png");
    let out = scenepal()
        .args(["--exclude", "#f0e0d0:0", "--exclude", "#102030:0", &two])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("scenepal: {two}: every pixel is of an excluded colour (--exclude)\n")
    );
}

#[test]
fn check_and_merge_record_the_exclusions() {
    let dir = tempfile::tempdir().unwrap();
    let shot = product_shot(&dir);
    let golden = dir.path().join("golden.json");
    let out = scenepal()
        .args(["-k", "2", "--exclude", "white", "-f", "json", &shot])
        .output()
        .unwrap();
    std::fs::write(&golden, &out.stdout).unwrap();
    let golden = golden.to_str().unwrap();
    scenepal()
        .args(["-k", "2", "--exclude", "white", "--check", golden, &shot])
        .assert()
        .success();
    let out = scenepal()
        .args(["-k", "2", "--check", golden, &shot])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("made with -k 2 --algorithm kmeans --space oklab --seed 42 --exclude #ffffff:8, this run with -k 2 --algorithm kmeans --space oklab --seed 42:"),
        "{err}"
    );
    // The merge counts what each image keeps, and says what was left out.
    let two = fixture("two_colors.png");
    let merged = json_of(&[
        "-q",
        "-k",
        "3",
        "--merge",
        "--exclude",
        "white",
        &shot,
        &two,
    ]);
    // (#f0e0d0 is further than ΔE 8 from white: two_colors.png is kept whole.)
    let whole = json_of(&["-k", "2", &two])["pixels"].as_u64().unwrap();
    assert_eq!(merged["pixels"].as_u64().unwrap(), 2000 + whole);
    assert_eq!(merged["exclude"][0]["color"], "#ffffff");
    // Histograms left out differently are not merged.
    let with = dir.path().join("with.json");
    let without = dir.path().join("without.json");
    for (path, exclude) in [(&with, true), (&without, false)] {
        let mut cmd = scenepal();
        cmd.args(["-q", "--merge", "-f", "histogram"]);
        if exclude {
            cmd.args(["--exclude", "white"]);
        }
        let out = cmd.arg(&shot).output().unwrap();
        assert!(out.status.success());
        std::fs::write(path, &out.stdout).unwrap();
    }
    let out = scenepal()
        .args(["--from-histograms", "--exclude", "white"])
        .arg(&with)
        .arg(&without)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("made with no --exclude, but this run uses --exclude #ffffff:8"),
        "{err}"
    );
}

/// Uniform noise over the whole colour cube, 96×64.
fn noise(dir: &tempfile::TempDir) -> String {
    let mut seed = 1u32;
    let image = image::RgbImage::from_fn(96, 64, |_, _| {
        let mut channel = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 24) as u8
        };
        image::Rgb([channel(), channel(), channel()])
    });
    let bytes = crate::common::encode(image.into(), image::ImageFormat::Png);
    crate::common::temp_file(dir, "noise.png", &bytes)
}

#[test]
fn automatic_k_finds_the_colours_an_image_has() {
    let dir = tempfile::tempdir().unwrap();
    // A flat graphic with anti-aliased edges: its two colours.
    let two = json_of(&["-k", "auto", &fixture("two_colors.png")]);
    assert_eq!(two["k"], 2);
    let shot = json_of(&["-k", "auto", &product_shot(&dir)]);
    assert_eq!(shot["k"], 3, "{shot}");
    // A photograph: somewhere between.
    let still = json_of(&["-k", "auto", &fixture("china_320.jpg")]);
    let k = still["k"].as_u64().unwrap();
    assert!((5..=12).contains(&k), "{k}");
    assert_eq!(still["colors"].as_array().unwrap().len() as u64, k);
    assert_eq!(
        still["auto_k"],
        serde_json::json!({"max_colors": 16, "merge_delta_e": 11.0, "min_fraction": 0.01})
    );
    // Noise: the ceiling, whatever it is.
    let noise = noise(&dir);
    let auto = json_of(&["-k", "auto", &noise]);
    assert_eq!(auto["k"], 16);
    // Kept whole, the ceiling's palette is -k 16's, shares measured exactly.
    let sixteen = json_of(&["-k", "16", &noise]);
    assert_eq!(
        (&auto["colors"], &auto["mse"]),
        (&sixteen["colors"], &sixteen["mse"])
    );
    assert_eq!(
        json_of(&["-k", "auto", "--max-colors", "8", &noise])["k"],
        8
    );
}

#[test]
fn automatic_k_gives_the_palette_of_the_number_it_chooses() {
    let still = fixture("china_320.jpg");
    let auto = json_of(&["-k", "auto", &still]);
    let k = auto["k"].to_string();
    let fixed = json_of(&["-k", &k, &still]);
    assert_eq!(auto["colors"], fixed["colors"]);
    assert_eq!(auto["mse"], fixed["mse"]);
    // The same on one thread as on many, and in a merge.
    let one = scenepal()
        .args(["-k", "auto", "-f", "json", "--threads", "1", &still])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&one.stdout).unwrap(),
        auto
    );
    let merged = json_of(&[
        "-q",
        "-k",
        "auto",
        "--merge",
        &still,
        &fixture("two_colors.png"),
    ]);
    assert!(merged["k"].as_u64().unwrap() >= 2);
    assert!(merged["auto_k"].is_object());
}

#[test]
fn automatic_k_is_checked_and_its_ceiling_needs_it() {
    let dir = tempfile::tempdir().unwrap();
    let still = fixture("china_320.jpg");
    let golden = dir.path().join("golden.json");
    let out = scenepal()
        .args(["-k", "auto", "-f", "json", &still])
        .output()
        .unwrap();
    std::fs::write(&golden, &out.stdout).unwrap();
    let golden = golden.to_str().unwrap();
    scenepal()
        .args(["-k", "auto", "--check", golden, &still])
        .assert()
        .success();
    let out = scenepal()
        .args(["-k", "auto", "--max-colors", "8", "--check", golden, &still])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("made with -k auto --max-colors 16 --algorithm kmeans"));
    let out = scenepal()
        .args(["--max-colors", "8", &still])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-colors is the ceiling of -k auto"));
}
