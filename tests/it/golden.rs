//! Golden-file tests: scenepal's hex and JSON output for real-photo fixtures.
//!
//! Regenerate after an intended change with `UPDATE_GOLDEN=1 cargo test --test it golden`
//! and review the diff. JSON is compared decoded, hex line by line.

use std::fs;

use crate::common::{root, scenepal, stdout_of};

/// (fixture, extra arguments, golden file stem)
const CASES: &[(&str, &[&str], &str)] = &[
    ("china_320.jpg", &[], "china_320"),
    ("flower_320.jpg", &[], "flower_320"),
    ("chelsea_225.png", &[], "chelsea_225"),
    ("nuthatch_960.jpg", &[], "nuthatch_960"),
    ("china_320.jpg", &["--space", "rgb"], "china_320.rgb"),
    ("nuthatch_960.jpg", &["-a", "bucket"], "nuthatch_960.bucket"),
    // The options that change a palette are recorded in its JSON.
    ("china_320.jpg", &["-k", "auto"], "china_320.auto"),
    (
        "flower_320.jpg",
        &["--exclude", "black:12", "--names"],
        "flower_320.exclude",
    ),
    ("nuthatch_960.jpg", &["--fast"], "nuthatch_960.fast"),
];

fn check(stem: &str, ext: &str, actual: &str) {
    let path = root().join("tests/golden").join(format!("{stem}.{ext}"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&path, actual).expect("golden file written");
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    let same = if ext == "json" {
        let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).expect("valid JSON");
        parse(&expected) == parse(actual)
    } else {
        expected == actual
    };
    if !same {
        let mut diff = String::new();
        for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
            if e != a {
                diff += &format!("line {}:\n  expected {e}\n  actual   {a}\n", i + 1);
            }
        }
        let (ne, na) = (expected.lines().count(), actual.lines().count());
        if ne != na {
            diff += &format!("expected {ne} lines, got {na}\n");
        }
        panic!(
            "{} differs from the golden file:\n{diff}(UPDATE_GOLDEN=1 to accept)",
            path.display()
        );
    }
}

#[test]
fn hex_output_matches_golden_files() {
    for (fixture, extra, stem) in CASES {
        let mut args = extra.to_vec();
        let path = crate::common::fixture(fixture);
        args.push(&path);
        check(stem, "hex", &stdout_of(&args));
    }
}

#[test]
fn json_output_matches_golden_files() {
    for (fixture, extra, stem) in CASES {
        let mut args = vec!["-f", "json"];
        args.extend_from_slice(extra);
        let path = crate::common::fixture(fixture);
        args.push(&path);
        let out = stdout_of(&args);
        let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        let sum: f64 = doc["colors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["fraction"].as_f64().unwrap())
            .sum();
        assert!((sum - 1.0).abs() < 1e-5, "{stem}: fractions sum to {sum}");
        check(stem, "json", &out);
    }
}

/// Three small stills in `dir/stills`: two the golden file records and one
/// it does not know.
fn stills(dir: &std::path::Path) {
    let stills = dir.join("stills");
    fs::create_dir(&stills).unwrap();
    for name in ["china_320.jpg", "flower_320.jpg", "chelsea_225.png"] {
        fs::copy(root().join(crate::common::fixture(name)), stills.join(name)).unwrap();
    }
}

#[test]
fn golden_paths_resolve_against_root_and_new_stills_are_new() {
    let tmp = tempfile::tempdir().unwrap();
    stills(tmp.path());
    // Recorded inside the folder, so the golden paths are relative to it.
    let out = scenepal()
        .current_dir(tmp.path())
        .args([
            "-q",
            "-f",
            "json",
            "stills/china_320.jpg",
            "stills/flower_320.jpg",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let golden = tmp.path().join("golden.jsonl");
    fs::write(&golden, &out.stdout).unwrap();
    let golden = golden.to_str().unwrap();
    let still = |name: &str| tmp.path().join("stills").join(name).display().to_string();
    let (china, flower, cat) = (
        still("china_320.jpg"),
        still("flower_320.jpg"),
        still("chelsea_225.png"),
    );
    // From another working directory nothing matches: each recorded still
    // says where it was looked for, and the inputs are new, not changed.
    let out = scenepal()
        .args(["--check", golden, &china, &flower])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let looked = root().join("stills/china_320.jpg");
    assert!(
        err.contains(&format!(
            "scenepal: stills/china_320.jpg: in the golden file but not among the inputs (looked for {}; golden paths are resolved against the working directory; --root DIR changes that)",
            looked.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("scenepal: {china}: new: not in the golden file")),
        "{err}"
    );
    assert!(
        err.ends_with(&format!(
            "check: 2 images against {golden}: 0 changed, 2 new, 2 missing, 0 failed\n"
        )),
        "{err}"
    );
    // With --root they match; the third still is new, counted apart.
    let root_dir = tmp.path().to_str().unwrap();
    let out = scenepal()
        .args(["--check", golden, "--root", root_dir, &china, &flower, &cat])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        format!(
            "scenepal: {cat}: new: not in the golden file\ncheck: 3 images against {golden}: 0 changed, 1 new, 0 missing, 0 failed\n"
        )
    );
    scenepal()
        .args(["--check", golden, "--root", root_dir, &china, &flower])
        .assert()
        .success()
        .stdout("");
    // A changed palette is counted as changed, not new.
    let out = scenepal()
        .args([
            "--check",
            golden,
            "--root",
            root_dir,
            &china,
            &still("flower_320.jpg"),
        ])
        .args(["--space", "rgb"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .ends_with(": 2 changed, 0 new, 0 missing, 0 failed\n"));
}

#[test]
fn golden_files_are_read_with_a_size_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let china = crate::common::fixture("china_320.jpg");
    let golden = tmp.path().join("golden.json");
    fs::write(&golden, stdout_of(&["-f", "json", &china])).unwrap();
    let size = fs::metadata(&golden).unwrap().len();
    let out = scenepal()
        .args([
            "--check",
            golden.to_str().unwrap(),
            "--max-bytes",
            "100",
            &china,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "scenepal: {}: larger than the limit of 100 bytes (--max-bytes)\n",
            golden.display()
        )
    );
    assert!(size > 100);
    // A device is refused unread, under a memory limit that reading it
    // whole would break.
    let out = crate::common::clean_command("sh")
        .args([
            "-c",
            "ulimit -v 2000000; exec scenepal --check /dev/zero fixtures/china_320.jpg",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "scenepal: /dev/zero: not a regular file (a FIFO, device or socket)\n"
    );
}

/// The JSON check report of `image` against `golden` (default tolerance).
fn check_report(golden: &str, image: &str) -> (Option<i32>, serde_json::Value, String) {
    let out = scenepal()
        .args(["-f", "json", "--check", golden, image])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).expect("one JSON check record");
    (
        out.status.code(),
        report,
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_reencode_passes_and_an_edit_fails_by_the_transport_distance() {
    let tmp = tempfile::tempdir().unwrap();
    for (fixture, _, stem) in CASES.iter().filter(|c| c.1.is_empty()) {
        let path = crate::common::fixture(fixture);
        let golden = root().join("tests/golden").join(format!("{stem}.json"));
        let golden = golden.to_str().unwrap();
        let still = image::open(root().join(&path)).unwrap().to_rgb8();
        // Re-encoded at JPEG quality 80: visually the same still.
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
            .encode_image(&still)
            .unwrap();
        let reencoded = crate::common::temp_file(&tmp, &format!("{stem}.q80.jpg"), &jpeg);
        let (code, report, err) = check_report(golden, &reencoded);
        assert_eq!(code, Some(0), "{stem} re-encoded: {err}");
        assert_eq!(report["status"], "same", "{report}");
        let emd = report["emd"].as_f64().unwrap();
        assert!(emd > 0.0 && emd <= 3.5, "{report}");
        // A colour-by-colour pairing alone saw a larger move.
        assert!(report["max_delta_e"].as_f64().unwrap() > emd, "{report}");
        assert_eq!(report["tolerance"], 3.5);
        assert!(
            err.ends_with(": 0 changed, 0 new, 0 missing, 0 failed\n"),
            "{err}"
        );
        // Edited: every pixel 10% brighter.
        let mut brighter = still.clone();
        for p in brighter.pixels_mut() {
            p.0 = p.0.map(|v| (f32::from(v) * 1.1).round().min(255.0) as u8);
        }
        let edited = crate::common::temp_file(
            &tmp,
            &format!("{stem}.bright.png"),
            &crate::common::encode(brighter.into(), image::ImageFormat::Png),
        );
        let (code, report, err) = check_report(golden, &edited);
        assert_eq!(code, Some(1), "{stem} edited: {err}");
        assert_eq!(report["status"], "changed", "{report}");
        let emd = report["emd"].as_f64().unwrap();
        assert!(emd > 3.5, "{report}");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(
            lines[..2],
            [
                format!("scenepal: {edited}: palette differs from the golden file:"),
                format!("  earth mover's distance ΔE {emd:.2} > 3.50"),
            ],
            "{err}"
        );
        // Then colour by colour, as the JSON report lists them.
        assert!(
            lines[2].starts_with("  #") && lines[2].contains(" -> #"),
            "{err}"
        );
        assert_eq!(
            report["differences"].as_array().unwrap().len(),
            lines.len() - 2,
            "{err}"
        );
    }
}
