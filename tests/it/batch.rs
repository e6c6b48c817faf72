//! Batch runs: folders and file lists, ordered parallel output, per-image
//! swatches, merged palettes, barcodes, check mode, and shell integration.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::common::{fixture, root, scenepal, stdout_of};
use predicates::prelude::*;

/// A folder of good images (copied fixtures) and bad files, in a temp dir.
fn mixed_folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("stills");
    fs::create_dir_all(d.join("sub")).unwrap();
    for (src, dst) in [
        ("china_320.jpg", "a_china.jpg"),
        ("two_colors.png", "b_two.png"),
        ("five_stripes.png", "sub/c_five.png"),
        ("flower_320.jpg", "sub/d_flower.jpg"),
    ] {
        fs::copy(root().join(fixture(src)), d.join(dst)).unwrap();
    }
    fs::write(d.join("bad_empty.png"), b"").unwrap();
    fs::write(d.join("bad_text.jpg"), b"this is not a picture").unwrap();
    let jpeg = fs::read(root().join(fixture("china_320.jpg"))).unwrap();
    fs::write(d.join("sub/bad_truncated.jpg"), &jpeg[..jpeg.len() / 2]).unwrap();
    fs::write(d.join("notes.txt"), b"skipped: not an image extension").unwrap();
    fs::write(d.join(".hidden.png"), b"skipped: hidden").unwrap();
    (dir, d)
}

fn run(args: &[&str]) -> std::process::Output {
    scenepal().args(args).output().unwrap()
}

#[test]
fn mixed_folder_gives_every_good_palette_and_names_every_bad_file() {
    let (_tmp, d) = mixed_folder();
    let out = run(&["-k", "3", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let paths: Vec<&str> = stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    let rel = |p: &str| format!("{}/{p}", d.display());
    assert_eq!(
        paths,
        [
            rel("a_china.jpg"),
            rel("b_two.png"),
            rel("sub/c_five.png"),
            rel("sub/d_flower.jpg")
        ]
    );
    for line in stdout.lines() {
        let (_, colours) = line.split_once('\t').unwrap();
        let n = colours
            .split(' ')
            .filter(|c| c.len() == 7 && c.starts_with('#'))
            .count();
        assert!(n == 3 || (line.contains("b_two") && n == 2), "{line}");
    }
    let stderr = String::from_utf8(out.stderr).unwrap();
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("scenepal: "))
        .collect();
    assert_eq!(errors.len(), 3, "{stderr}");
    assert!(
        errors[0].starts_with(&format!("scenepal: {}: empty file", rel("bad_empty.png"))),
        "{stderr}"
    );
    assert!(errors[1].starts_with(&format!(
        "scenepal: {}: not a recognised image",
        rel("bad_text.jpg")
    )));
    assert!(errors[2].starts_with(&format!(
        "scenepal: {}: truncated JPEG",
        rel("sub/bad_truncated.jpg")
    )));
    let summary = stderr.lines().last().unwrap();
    assert!(
        summary.starts_with("7 images, 3 failed, ") && summary.ends_with(" s"),
        "{summary}"
    );
}

#[test]
fn batch_output_is_identical_for_any_thread_count() {
    let (_tmp, d) = mixed_folder();
    let d = d.to_str().unwrap();
    for format in ["hex", "json", "csv", "rgb"] {
        let one = run(&["-q", "-j", "1", "-f", format, d]).stdout;
        let eight = run(&["-q", "-j", "8", "-f", format, d]).stdout;
        assert!(!one.is_empty());
        assert_eq!(one, eight, "{format}");
    }
}

#[test]
fn json_lines_and_csv_records_carry_the_path() {
    let (_tmp, d) = mixed_folder();
    let out = run(&["-q", "-f", "json", "-k", "2", d.to_str().unwrap()]);
    let records: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 7);
    assert!(records[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("a_china.jpg"));
    assert_eq!(records[0]["colors"].as_array().unwrap().len(), 2);
    let errors: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r.get("error").is_some())
        .collect();
    assert_eq!(errors.len(), 3);
    assert!(errors[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("bad_empty.png"));

    let csv = String::from_utf8(run(&["-q", "-f", "csv", "-k", "2", d.to_str().unwrap()]).stdout)
        .unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("path,hex,r,g,b,fraction"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 4 * 2);
    assert!(
        rows[2].contains("b_two.png,#f0e0d0,240,224,208,0.250000"),
        "{csv}"
    );
}

#[test]
fn files_from_handles_spaces_and_newlines_and_json_escapes_them() {
    let tmp = tempfile::tempdir().unwrap();
    let odd = tmp.path().join("a still\nwith \"quotes\".png");
    let spaced = tmp.path().join("two words.png");
    fs::copy(root().join(fixture("two_colors.png")), &odd).unwrap();
    fs::copy(root().join(fixture("five_stripes.png")), &spaced).unwrap();
    let mut list = Vec::new();
    for p in [&odd, &spaced] {
        list.extend_from_slice(p.as_os_str().as_encoded_bytes());
        list.push(0);
    }
    let out = scenepal()
        .args(["-q", "-f", "json", "--files-from", "-", "-0"])
        .write_stdin(list)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().count(),
        2,
        "a newline in a name must not split a record"
    );
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["path"].as_str(), odd.to_str());
    assert!(text.contains(r#"a still\nwith \"quotes\".png"#));

    // Newline-separated lists take names with spaces; hex escapes the newline.
    let list_file = tmp.path().join("list.txt");
    fs::write(&list_file, format!("{}\n", spaced.display())).unwrap();
    let hex = stdout_of(&[
        "-q",
        "--files-from",
        list_file.to_str().unwrap(),
        odd.to_str().unwrap(),
    ]);
    let lines: Vec<&str> = hex.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].contains("a still\\nwith"), "{hex}");
    assert!(lines[1].starts_with(&format!("{}\t#d62828", spaced.display())));
}

#[test]
fn a_closed_pipe_ends_a_long_batch_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..60 {
        fs::copy(
            root().join(fixture("china_320.jpg")),
            tmp.path().join(format!("{i:03}.jpg")),
        )
        .unwrap();
    }
    let mut child = crate::common::clean_command(crate::common::bin())
        .arg(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, as `| head -1` does, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn swatch_dir_names_never_collide() {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["stills", "other"] {
        fs::create_dir(tmp.path().join(dir)).unwrap();
    }
    fs::copy(
        root().join(fixture("two_colors.png")),
        tmp.path().join("stills/a.png"),
    )
    .unwrap();
    fs::copy(
        root().join(fixture("five_stripes.png")),
        tmp.path().join("other/a.png"),
    )
    .unwrap();
    let cards = tmp.path().join("cards");
    fs::create_dir(&cards).unwrap();
    scenepal()
        .current_dir(tmp.path())
        .args(["-q", "--swatch-dir", "cards", "stills/a.png", "other/a.png"])
        .assert()
        .success();
    let mut names: Vec<String> = fs::read_dir(&cards)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["other%2Fa.png.png", "stills%2Fa.png.png"]);
    // Each card shows its own image's colours: 2 cells vs 5 cells.
    let two = image::open(cards.join("stills%2Fa.png.png"))
        .unwrap()
        .into_rgb8();
    let five = image::open(cards.join("other%2Fa.png.png"))
        .unwrap()
        .into_rgb8();
    let bar_y = |img: &image::RgbImage| img.height() - 100;
    assert_eq!(two.get_pixel(250, bar_y(&two)).0, [240, 224, 208]);
    assert_eq!(five.get_pixel(100, bar_y(&five)).0, [214, 40, 40]);
}

fn single_colour_png(dir: &Path, name: &str, rgb: [u8; 3], w: u32, h: u32) -> String {
    let path = dir.join(name);
    image::RgbImage::from_pixel(w, h, image::Rgb(rgb))
        .save(&path)
        .unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn merge_weights_pixels_or_images() {
    let tmp = tempfile::tempdir().unwrap();
    let red = single_colour_png(tmp.path(), "red.png", [200, 0, 0], 30, 10);
    let blue = single_colour_png(tmp.path(), "blue.png", [0, 0, 200], 10, 10);
    let by_pixel: serde_json::Value =
        serde_json::from_str(&stdout_of(&["-q", "--merge", "-f", "json", &red, &blue])).unwrap();
    let colours: Vec<(&str, f64)> = by_pixel["colors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["hex"].as_str().unwrap(), c["fraction"].as_f64().unwrap()))
        .collect();
    assert_eq!(colours, [("#c80000", 0.75), ("#0000c8", 0.25)]);
    assert_eq!(by_pixel["images"], 2);
    assert!(by_pixel["path"].is_null());
    let by_image = stdout_of(&[
        "-q",
        "--merge",
        "--merge-weight",
        "image",
        "-f",
        "csv",
        &red,
        &blue,
    ]);
    assert_eq!(
        by_image,
        "hex,r,g,b,fraction\n#c80000,200,0,0,0.500000\n#0000c8,0,0,200,0.500000\n"
    );
}

#[test]
fn barcode_columns_carry_each_palette_in_input_order() {
    let tmp = tempfile::tempdir().unwrap();
    let red = single_colour_png(tmp.path(), "red.png", [200, 0, 0], 8, 8);
    let two = fixture("two_colors.png");
    let barcode = tmp.path().join("barcode.png");
    let missing = tmp.path().join("missing.png");
    let draw = |style: &str, size: &[&str]| {
        let mut args = vec![
            "-q",
            "--barcode",
            barcode.to_str().unwrap(),
            "--barcode-style",
            style,
        ];
        args.extend_from_slice(size);
        args.extend([red.as_str(), missing.to_str().unwrap(), two.as_str()]);
        scenepal().args(&args).assert().code(1);
        image::open(&barcode).unwrap().into_rgba8()
    };
    // Stacked: three stills spread over the default 1000 px, 400 px tall.
    let img = draw("stacked", &[]);
    assert_eq!(img.dimensions(), (1000, 400));
    assert_eq!(img.get_pixel(100, 200).0, [200, 0, 0, 255]);
    assert_eq!(
        img.get_pixel(500, 200).0[3],
        0,
        "the failed input's column is empty"
    );
    // two_colors: #f0e0d0 (¼), the lighter, above #102030 (¾).
    assert_eq!(img.get_pixel(800, 50).0, [240, 224, 208, 255]);
    assert_eq!(img.get_pixel(800, 150).0, [16, 32, 48, 255]);
    // Mean (the default): one colour per still, its pixels' mean.
    let img = draw("mean", &["--barcode-width", "7", "--barcode-height", "5"]);
    assert_eq!(img.dimensions(), (7, 5));
    assert_eq!(img.get_pixel(0, 4).0, [200, 0, 0, 255]);
    // ¼ #f0e0d0 + ¾ #102030 = (72, 80, 88).
    assert_eq!(img.get_pixel(6, 0).0, [72, 80, 88, 255]);
    let img = draw("dominant", &["--barcode-width", "3"]);
    assert_eq!(img.get_pixel(2, 0).0, [16, 32, 48, 255]);
}

#[test]
fn check_passes_on_its_own_golden_output_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let (china, two) = (fixture("china_320.jpg"), fixture("two_colors.png"));
    let cases: [(&str, Vec<&str>); 4] = [
        ("single.json", vec!["-f", "json", &china]),
        ("single.hex", vec![&china]),
        ("batch.jsonl", vec!["-f", "json", &china, &two]),
        ("batch.hex", vec![&china, &two]),
    ];
    for (name, args) in cases {
        let golden = tmp.path().join(name);
        let mut full = vec!["-q"];
        full.extend(&args);
        fs::write(&golden, stdout_of(&full)).unwrap();
        let images: Vec<&str> = args
            .iter()
            .copied()
            .filter(|a| a.starts_with("fixtures/"))
            .collect();
        let mut check = vec!["--check", golden.to_str().unwrap()];
        check.extend(images);
        scenepal()
            .args(&check)
            .assert()
            .success()
            .stdout("")
            .stderr(predicate::str::contains(
                "0 changed, 0 new, 0 missing, 0 failed",
            ));
    }
}

#[test]
fn check_fails_with_a_diff_when_a_colour_moves() {
    let tmp = tempfile::tempdir().unwrap();
    let two = fixture("two_colors.png");
    let golden = tmp.path().join("golden.json");
    let text = stdout_of(&["-f", "json", &two]).replace("#102030", "#102060");
    fs::write(&golden, text).unwrap();
    scenepal()
        .args(["--check", golden.to_str().unwrap(), &two])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains(format!(
                "scenepal: {two}: palette differs from the golden file:"
            ))
            .and(predicate::str::contains("earth mover's distance ΔE"))
            .and(predicate::str::contains("#102060 -> #102030  ΔE")),
        );
    // Within a looser tolerance the same golden passes.
    scenepal()
        .args([
            "--check",
            golden.to_str().unwrap(),
            "--tolerance",
            "20",
            &two,
        ])
        .assert()
        .success();
    // Different options are named, not reported as colour noise.
    scenepal()
        .args(["--check", golden.to_str().unwrap(), "-k", "4", &two])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("pass the same options"));
}

#[test]
fn single_palette_formats_and_pictures_need_one_image_or_merge() {
    let (a, b) = (fixture("two_colors.png"), fixture("five_stripes.png"));
    for args in [
        vec!["-f", "gpl", &a, &b],
        vec!["--swatch", "x.png", &a, &b],
        vec![
            "--merge",
            "--swatch-style",
            "card",
            "--swatch",
            "x.png",
            &a,
            &b,
        ],
    ] {
        scenepal().args(&args).assert().code(2).stdout("");
    }
    // A merge draws a strip unless told otherwise.
    let tmp = tempfile::tempdir().unwrap();
    let (default, strip) = (tmp.path().join("d.png"), tmp.path().join("s.png"));
    for (path, extra) in [
        (&default, &[][..]),
        (&strip, &["--swatch-style", "strip"][..]),
    ] {
        scenepal()
            .args(["-q", "--merge", "--swatch", path.to_str().unwrap()])
            .args(extra)
            .args([&a, &b])
            .assert()
            .success();
    }
    let pixels = |p: &PathBuf| image::open(p).unwrap().to_rgba8();
    assert_eq!(pixels(&default), pixels(&strip));
    let help = stdout_of(&["--help"]);
    assert!(
        help.contains("[default: card; with --merge or --from-histograms, strip"),
        "{help}"
    );
    let merged_css = stdout_of(&["-q", "--merge", "-f", "css", &a, &b]);
    assert!(
        merged_css.starts_with(":root {\n  --scenepal-1: #d62828;"),
        "{merged_css}"
    );
}

/// The values a completion script offers after `--OPTION`: the words of
/// bash's `compgen -W "…"` in the option's case, of zsh's `((value\:"help"
/// …))` or `(value …)` after the option's spec, of fish's `-a "…"`.
fn offered_values(shell: &str, script: &str, option: &str) -> Vec<String> {
    let (start, values, end) = match shell {
        "bash" => (format!(" --{option})\n"), "compgen -W \"", ";;"),
        "zsh" if script.contains(&format!("'*--{option}=[")) => {
            (format!("'*--{option}=["), "]:", "\n'")
        }
        "zsh" => (format!("'--{option}=["), "]:", "\n'"),
        _ => (format!(" -l {option} "), " -a \"", "\ncomplete "),
    };
    let Some(at) = script.find(&start) else {
        return Vec::new();
    };
    let section = &script[at..];
    let section = &section[..section.find(end).unwrap_or(section.len())];
    let Some((_, list)) = section.split_once(values) else {
        return Vec::new();
    };
    // zsh: past the value name (its colons escaped).
    let list = if shell == "zsh" {
        let name_end = list
            .match_indices(':')
            .find(|(i, _)| !list[..*i].ends_with('\\'))
            .map_or(list.len(), |(i, _)| i + 1);
        &list[name_end..]
    } else {
        list
    };
    list.replace("\\:", " ")
        .replace("\\t", " ")
        .split([' ', '(', ')', '"', '\n', '\''])
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout_of(&["--completions", shell]);
        assert!(
            script.contains("swatch-dir") && script.contains("merge-weight"),
            "{shell}"
        );
        // The words options take beside numbers and durations are offered,
        // as the values of every enumerated option are.
        for (option, words) in [
            ("colors", &["auto"][..]),
            ("every", &["shot", "key"]),
            ("trim-bars", &["auto", "always", "never"]),
            ("exclude", &["white", "black", "rebeccapurple"]),
            ("merge-weight", &["pixel", "image"]),
            ("html-images", &["embed", "link"]),
            ("color", &["auto", "always", "never"]),
            ("swatch-style", &["card", "strip"]),
        ] {
            let offered = offered_values(shell, &script, option);
            assert!(
                !offered.iter().any(|o| o.contains("ΔE")),
                "{shell}: {offered:?}"
            );
            for word in words {
                assert!(
                    offered.iter().any(|o| o == word),
                    "{shell}: --{option} offers {offered:?}, not {word}"
                );
            }
        }
    }
    let man = stdout_of(&["--man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH scenepal"),
        "{}",
        &man[..200]
    );
    assert!(man.contains("files\\-from"));
    for section in ["SYNOPSIS", "EXAMPLES", "EXIT STATUS", "ENVIRONMENT"] {
        let quoted = format!(".SH \"{section}\"");
        assert!(
            man.contains(&format!(".SH {section}\n")) || man.contains(&quoted),
            "{section}"
        );
    }
    assert!(man.contains("IMAGE..."), "the synopsis shows the images");
    assert!(!man.contains('`'), "no markdown backticks in the man page");
    let help = stdout_of(&["--help"]);
    for part in [
        "Palette:",
        "Output:",
        "Pictures:",
        "Many images:",
        "Check:",
        "Limits:",
        "Threads:",
        "EXAMPLES:",
        "EXIT STATUS:",
        "ENVIRONMENT:",
        "NO_COLOR",
    ] {
        assert!(help.contains(part), "--help lacks {part}");
    }
    assert!(
        help.find("--colors").unwrap() < help.find("--swatch").unwrap(),
        "the common options come first"
    );
    scenepal()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give at least one IMAGE"));
}

#[test]
fn swatch_dir_is_created_and_names_start_below_the_inputs_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let stills = tmp.path().join("stills");
    for sub in ["a", "b"] {
        fs::create_dir_all(stills.join(sub)).unwrap();
        fs::copy(
            root().join(fixture("two_colors.png")),
            stills.join(sub).join("1.png"),
        )
        .unwrap();
    }
    let cards = tmp.path().join("new/cards");
    scenepal()
        .args([
            "-q",
            "--swatch-dir",
            cards.to_str().unwrap(),
            stills.to_str().unwrap(),
        ])
        .assert()
        .success();
    let mut names: Vec<String> = fs::read_dir(&cards)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["a%2F1.png.png", "b%2F1.png.png"]);
    // A folder that cannot be made is one error, before any work.
    let blocked = tmp.path().join("file");
    fs::write(&blocked, b"x").unwrap();
    let out = scenepal()
        .args([
            "--swatch-dir",
            blocked.join("cards").to_str().unwrap(),
            stills.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn directories_walk_in_natural_order() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["frame10.png", "frame9.png", "frame1.png"] {
        fs::copy(
            root().join(fixture("two_colors.png")),
            tmp.path().join(name),
        )
        .unwrap();
    }
    let out = stdout_of(&["-q", "-k", "1", tmp.path().to_str().unwrap()]);
    let names: Vec<&str> = out
        .lines()
        .map(|l| l.split('\t').next().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(names, ["frame1.png", "frame9.png", "frame10.png"]);
}

#[test]
fn an_image_weighted_merge_reports_counted_pixels_and_its_weighting() {
    let tmp = tempfile::tempdir().unwrap();
    let red = single_colour_png(tmp.path(), "red.png", [200, 0, 0], 30, 10);
    let blue = single_colour_png(tmp.path(), "blue.png", [0, 0, 200], 10, 10);
    for (weight, pixels) in [("image", 400), ("pixel", 400)] {
        let doc: serde_json::Value = serde_json::from_str(&stdout_of(&[
            "-q",
            "--merge",
            "--merge-weight",
            weight,
            "-f",
            "json",
            &red,
            &blue,
        ]))
        .unwrap();
        assert_eq!(doc["pixels"], pixels);
        assert_eq!(doc["merge_weight"], weight);
        assert_eq!(doc["images"], 2);
    }
}

#[test]
fn stdin_is_read_once() {
    for args in [vec!["-", "-"], vec!["--files-from", "-", "-"]] {
        scenepal()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("stdin (-) can be read only once"));
    }
}

#[test]
fn check_fails_on_golden_images_missing_from_the_inputs_unless_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let (china, two) = (fixture("china_320.jpg"), fixture("two_colors.png"));
    let golden = json_golden(&tmp, &[&china, &two]);
    let g = golden.to_str().unwrap();
    scenepal()
        .args(["--check", g, &china])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(format!(
                "scenepal: {two}: in the golden file but not among the inputs"
            ))
            .and(predicate::str::contains("check: 1 image against"))
            .and(predicate::str::contains("1 missing")),
        );
    scenepal()
        .args(["--check", g, "--allow-missing", &china])
        .assert()
        .success()
        .stderr(predicate::str::contains("1 missing (allowed)"));
}

#[test]
fn check_matches_paths_after_normalising_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (china, two) = (fixture("china_320.jpg"), fixture("two_colors.png"));
    let golden = json_golden(&tmp, &[&china, &two]);
    let g = golden.to_str().unwrap();
    let dotted = format!("./fixtures//{}", &china["fixtures/".len()..]);
    let absolute = root().join(&two);
    scenepal()
        .args(["--check", g, &dotted, absolute.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("check: 2 images against"));
}

#[test]
fn check_says_one_thing_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (china, two) = (fixture("china_320.jpg"), fixture("two_colors.png"));
    let golden = json_golden(&tmp, &[&china, &two]);
    let broken = temp_png_that_is_text(&tmp);
    let out = scenepal()
        .args([
            "--check",
            golden.to_str().unwrap(),
            "-k",
            "3",
            &china,
            &two,
            &broken,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("pass the same options").count(),
        1,
        "{stderr}"
    );
    assert_eq!(
        stderr.matches(&broken).count(),
        1,
        "one error line: {stderr}"
    );
    assert_eq!(
        stderr.matches("images, ").count(),
        0,
        "one summary: {stderr}"
    );
    assert!(stderr.contains("check: 2 images against"), "{stderr}");
    // A missing golden file reads like every missing file; CSV is named.
    let missing = tmp.path().join("nope.json");
    scenepal()
        .args(["--check", missing.to_str().unwrap(), &china])
        .assert()
        .code(1)
        .stderr(predicate::str::ends_with(": no such file or directory\n"));
    let csv = tmp.path().join("golden.csv");
    fs::write(&csv, stdout_of(&["-f", "csv", &china])).unwrap();
    scenepal()
        .args(["--check", csv.to_str().unwrap(), &china])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "CSV golden files are not supported",
        ));
}

/// A JSON Lines golden file of `images`, recorded in `dir`.
fn json_golden(dir: &tempfile::TempDir, images: &[&str]) -> PathBuf {
    let golden = dir.path().join("golden.jsonl");
    let mut args = vec!["-q", "-f", "json"];
    args.extend_from_slice(images);
    fs::write(&golden, stdout_of(&args)).unwrap();
    golden
}

fn temp_png_that_is_text(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join("broken.png");
    fs::write(&path, b"not an image").unwrap();
    path.to_str().unwrap().to_owned()
}
