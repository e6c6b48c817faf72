//! Golden-file tests: scenepal's hex and JSON output for real-photo fixtures.
//!
//! Regenerate after an intended change with `UPDATE_GOLDEN=1 cargo test --test it golden`
//! and review the diff. JSON is compared decoded, hex line by line.

use std::fs;

use crate::common::{root, stdout_of};

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
