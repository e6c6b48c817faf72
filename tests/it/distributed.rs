//! Palettes of archives split across processes: every shard writes its
//! merged histogram (`--merge -f histogram`), `--from-histograms` reduces
//! them in any grouping and order, and the palette is byte-identical to one
//! `--merge` over every image. And a map task's output is records only.

use std::process::Output;

use crate::common::{fixture, json_lines, scenepal, temp_file};

/// The fixtures, an archive in miniature (JPEG, PNG, gray, CMYK, alpha).
fn stills() -> Vec<String> {
    [
        "china_320.jpg",
        "flower_320.jpg",
        "nuthatch_960.jpg",
        "chelsea_225.png",
        "cmyk.jpg",
        "grayscale.png",
        "transparent.png",
        "two_colors.png",
    ]
    .iter()
    .map(|n| fixture(n))
    .collect()
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = scenepal();
    cmd.args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    cmd.output().unwrap()
}

fn ok_stdout(args: &[&str]) -> Vec<u8> {
    let out = run(args, None);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn shards_reduced_in_any_grouping_and_order_give_the_single_merge_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let stills = stills();
    for weight in ["pixel", "image"] {
        let common = ["-q", "--merge-weight", weight, "-k", "6"];
        let mut whole_args: Vec<&str> = common.to_vec();
        whole_args.extend(["--merge", "-f", "json"]);
        whole_args.extend(stills.iter().map(String::as_str));
        let whole = ok_stdout(&whole_args);
        for shard_size in [1, 3, 5] {
            // Map: one histogram per shard.
            let mut shards = Vec::new();
            for (i, shard) in stills.chunks(shard_size).enumerate() {
                let mut args: Vec<&str> = common.to_vec();
                args.extend(["--merge", "-f", "histogram"]);
                args.extend(shard.iter().map(String::as_str));
                let doc = ok_stdout(&args);
                let name = format!("{weight}-{shard_size}-{i}.json");
                shards.push(temp_file(&dir, &name, &doc));
            }
            // Reduce, flat and in reverse order.
            let mut args: Vec<&str> = common.to_vec();
            args.extend(["--from-histograms", "-f", "json"]);
            args.extend(shards.iter().rev().map(String::as_str));
            assert_eq!(
                String::from_utf8(ok_stdout(&args)).unwrap(),
                String::from_utf8(whole.clone()).unwrap(),
                "{weight}, shards of {shard_size}"
            );
            // Reduce as a tree: pairs into histograms, then those, the last
            // one read from stdin.
            let mut level = shards.clone();
            let mut round = 0;
            while level.len() > 1 {
                let mut next = Vec::new();
                for (j, pair) in level.chunks(2).enumerate() {
                    let mut args: Vec<&str> = common.to_vec();
                    args.extend(["--from-histograms", "-f", "histogram"]);
                    args.extend(pair.iter().map(String::as_str));
                    let name = format!("{weight}-{shard_size}-r{round}-{j}.json");
                    next.push(temp_file(&dir, &name, &ok_stdout(&args)));
                }
                level = next;
                round += 1;
            }
            let last = std::fs::read(&level[0]).unwrap();
            let mut args: Vec<&str> = common.to_vec();
            args.extend(["--from-histograms", "-f", "json", "-"]);
            let out = run(&args, Some(&last));
            assert_eq!(
                out.stdout, whole,
                "{weight}, tree over shards of {shard_size}"
            );
        }
    }
}

#[test]
fn a_histogram_is_one_json_document_that_says_what_it_holds() {
    let doc: serde_json::Value = serde_json::from_slice(&ok_stdout(&[
        "--merge",
        "-f",
        "histogram",
        "--space",
        "rgb",
        &fixture("two_colors.png"),
        &fixture("five_stripes.png"),
    ]))
    .unwrap();
    assert_eq!(doc["kind"], "scenepal-histogram");
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["images"], 2);
    assert_eq!(doc["space"], "rgb");
    assert_eq!(doc["merge_weight"], "pixel");
    assert_eq!(doc["alpha_threshold"], 128);
    let bins = &doc["bins"];
    let n = bins["index"].as_array().unwrap().len();
    assert!(n >= 5, "{doc}");
    assert_eq!(bins["weight"].as_array().unwrap().len(), n);
    assert_eq!(bins["sum"].as_array().unwrap().len(), n);
    let weights: u64 = bins["weight"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_u64().unwrap())
        .sum();
    assert_eq!(weights, doc["pixels"].as_u64().unwrap());
}

#[test]
fn histograms_made_otherwise_or_damaged_are_refused_and_nothing_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let good = ok_stdout(&["--merge", "-f", "histogram", &fixture("china_320.jpg")]);
    let good = temp_file(&dir, "good.json", &good);
    let text = std::fs::read_to_string(&good).unwrap();
    let cut = temp_file(&dir, "cut.json", &text.as_bytes()[..text.len() / 2]);
    let record = temp_file(
        &dir,
        "record.json",
        &ok_stdout(&["-f", "json", &fixture("china_320.jpg")]),
    );
    let cases: [(&[&str], &str, &str); 6] = [
        (
            &["--space", "rgb"],
            &good,
            "made with --space oklab, but this run uses --space rgb",
        ),
        (
            &["--merge-weight", "image"],
            &good,
            "--merge-weight pixel, but this run uses --merge-weight image",
        ),
        (
            &["--alpha-threshold", "9"],
            &good,
            "--alpha-threshold 128, but this run uses --alpha-threshold 9",
        ),
        (&[], &cut, "not a scenepal histogram (not JSON"),
        (&[], &record, "not a scenepal histogram"),
        (&[], &fixture("china_320.jpg"), "not a scenepal histogram"),
    ];
    for (options, file, want) in cases {
        let mut args = vec!["--from-histograms"];
        args.extend(options);
        args.extend([good.as_str(), file]);
        let out = run(&args, None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "nothing printed: {args:?}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    // -f histogram is for merges only.
    let out = run(&["-f", "histogram", &fixture("china_320.jpg")], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("add --merge"));
}

#[test]
fn merged_histograms_draw_the_pictures_a_merge_draws() {
    let dir = tempfile::tempdir().unwrap();
    let doc = ok_stdout(&["--merge", "-f", "histogram", &fixture("five_stripes.png")]);
    let doc = temp_file(&dir, "shard.json", &doc);
    let strip = dir.path().join("strip.png");
    let plot = dir.path().join("plot.png");
    let page = dir.path().join("page.html");
    let printed = ok_stdout(&[
        "--from-histograms",
        "--swatch-style",
        "strip",
        "--swatch",
        strip.to_str().unwrap(),
        "--plot",
        plot.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
        &doc,
    ]);
    assert_eq!(String::from_utf8(printed).unwrap().lines().count(), 5);
    let strip = image::open(strip).unwrap();
    assert!(strip.width() > 0 && strip.height() > 0);
    image::open(plot).unwrap();
    let html = std::fs::read_to_string(page).unwrap();
    let start = html.find("id=\"gallery-data\">").unwrap() + "id=\"gallery-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(
        data["stills"].as_array().unwrap().len(),
        0,
        "no stills, only the merge"
    );
    assert_eq!(
        data["merged"]["palette"].as_array().unwrap().len(),
        5,
        "{data}"
    );
}

#[test]
fn a_map_task_prints_a_record_for_every_input_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let bad = temp_file(&dir, "bad.png", b"not an image");
    let merged = run(
        &[
            "--merge",
            "-f",
            "histogram",
            &fixture("china_320.jpg"),
            &bad,
        ],
        None,
    );
    assert_eq!(merged.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&merged.stdout).expect("one document");
    assert_eq!(
        doc["images"], 1,
        "the failed image is left out, and named on stderr"
    );
    let out = run(
        &[
            "-f",
            "json",
            &fixture("china_320.jpg"),
            &bad,
            &fixture("flower_320.jpg"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "a failed input fails the shard");
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 3);
    assert!(records[1]["error"]
        .as_str()
        .unwrap()
        .contains("not a recognised image"));
    assert!(records[0]["colors"].is_array() && records[2]["colors"].is_array());
}

#[test]
fn counts_that_overflow_in_a_reduce_are_that_files_error() {
    let dir = tempfile::tempdir().unwrap();
    let red = fixture("two_colors.png");
    let small = ok_stdout(&["--merge", "-f", "histogram", &red]);
    let small = temp_file(&dir, "small.json", &small);
    // One bin of 2^64 - 1 pure red pixels: valid alone, too big beside any other.
    let max = u64::MAX;
    let one = run(
        &["-q", "--merge", "-f", "histogram", "-"],
        Some(&crate::common::encode(
            image::RgbImage::from_pixel(1, 1, image::Rgb([255, 0, 0])).into(),
            image::ImageFormat::Png,
        )),
    );
    let text = String::from_utf8(one.stdout).unwrap();
    let text = text
        .replace("\"pixels\":1", &format!("\"pixels\":{max}"))
        .replace("\"weight\":[1]", &format!("\"weight\":[{max}]"))
        .replace("[[255,0,0]]", &format!("[[{},0,0]]", 255 * max as u128));
    let huge = temp_file(&dir, "huge.json", text.as_bytes());
    ok_stdout(&["--from-histograms", &huge]);
    let out = run(&["--from-histograms", &huge, &small], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.starts_with(&format!("scenepal: {small}: ")) && stderr.contains("overflow"),
        "{stderr}"
    );
    // Histogram files are read with the --max-bytes limit.
    let out = run(&["--from-histograms", "--max-bytes", "100", &small], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("larger than the limit of 100 bytes"),
        "{stderr}"
    );
}

#[test]
fn a_reduce_adopts_the_options_its_histograms_record() {
    let dir = tempfile::tempdir().unwrap();
    let stills = stills();
    let made_with = [
        "--merge-weight",
        "image",
        "--space",
        "lab",
        "--alpha-threshold",
        "9",
        "--exclude",
        "white",
    ];
    let shard = |i: usize, files: &[String]| {
        let mut args = vec!["-q", "--merge", "-f", "histogram"];
        args.extend(made_with);
        args.extend(files.iter().map(String::as_str));
        temp_file(&dir, &format!("{i}.json"), &ok_stdout(&args))
    };
    let (a, b) = (shard(0, &stills[..3]), shard(1, &stills[3..]));
    // A reduce step with no options keeps every recorded one.
    let reduced = ok_stdout(&["--from-histograms", "-f", "histogram", &a, &b]);
    let doc: serde_json::Value = serde_json::from_slice(&reduced).unwrap();
    assert_eq!(doc["merge_weight"], "image");
    assert_eq!(doc["space"], "lab");
    assert_eq!(doc["alpha_threshold"], 9);
    assert_eq!(doc["exclude"][0]["color"], "#ffffff");
    // And the palette is the single merge's, byte for byte.
    let reduced = temp_file(&dir, "reduced.json", &reduced);
    let palette = ok_stdout(&["--from-histograms", "-f", "json", &reduced]);
    let mut whole = vec!["-q", "--merge", "-f", "json"];
    whole.extend(made_with);
    whole.extend(stills.iter().map(String::as_str));
    assert_eq!(
        String::from_utf8(palette).unwrap(),
        String::from_utf8(ok_stdout(&whole)).unwrap()
    );
    // An option given that agrees is no contradiction.
    ok_stdout(&["--from-histograms", "--space", "lab", &a, &b]);
}

#[test]
fn a_reduce_refuses_histograms_that_disagree_with_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let still = fixture("china_320.jpg");
    let shard = |name: &str, space: &str| {
        let args = ["-q", "--merge", "-f", "histogram", "--space", space, &still];
        temp_file(&dir, name, &ok_stdout(&args))
    };
    let (lab, rgb) = (shard("lab.json", "lab"), shard("rgb.json", "rgb"));
    let out = run(&["--from-histograms", &lab, &rgb], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr.trim_end(),
        format!(
            "scenepal: {rgb}: made with --space rgb, but {lab} was made with --space lab: \
             histograms made with different options cannot be merged"
        )
    );
}
