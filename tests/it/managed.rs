//! Colour-managed input: one picture saved in sRGB, Adobe RGB (1998) and
//! Display P3 with real embedded profiles (fixtures/make_color_managed.py,
//! LittleCMS) gives the same palette; --no-color-manage keeps the old reading.

use scenepal::color::delta_e;

use crate::common::{json_of, scenepal};

/// The palette's colours and fractions.
fn palette(k: &str, args: &[&str]) -> (serde_json::Value, Vec<([u8; 3], f64)>) {
    let mut all = vec!["-k", k];
    all.extend_from_slice(args);
    let record = json_of(&all);
    let colours = record["colors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let rgb = c["rgb"].as_array().unwrap();
            let v = |i: usize| rgb[i].as_u64().unwrap() as u8;
            ([v(0), v(1), v(2)], c["fraction"].as_f64().unwrap())
        })
        .collect();
    (record, colours)
}

/// The largest CIEDE2000 difference, weighted toward the colours that
/// matter: every colour of `a` against its nearest in `b`.
fn worst_difference(a: &[([u8; 3], f64)], b: &[([u8; 3], f64)]) -> f32 {
    a.iter()
        .map(|(x, _)| {
            b.iter()
                .map(|(y, _)| delta_e(*x, *y))
                .fold(f32::MAX, f32::min)
        })
        .fold(0.0, f32::max)
}

/// Decodes a fixture with colour management.
fn pixels(file: &str) -> scenepal::PixelBuffer {
    let bytes = std::fs::read(format!("fixtures/managed/{file}")).unwrap();
    let name = std::path::PathBuf::from(file);
    scenepal::load_image(&bytes, Some(&name), &scenepal::LoadOptions::default())
        .unwrap()
        .pixels
}

#[test]
fn the_same_picture_in_three_colour_spaces_gives_one_palette() {
    const FILES: [(&str, &str); 4] = [
        ("flower_adobergb.png", "Compatible with Adobe RGB (1998)"),
        ("flower_adobergb.jpg", "Compatible with Adobe RGB (1998)"),
        ("flower_p3.png", "Display P3"),
        ("flower_p3.webp", "Display P3"),
    ];
    // Pixel by pixel: the converted pixels are the sRGB file's, within the
    // rounding of 8-bit storage in the wider space (and JPEG's loss).
    let reference = pixels("flower_srgb.png");
    let (w, h) = reference.dimensions();
    for (file, _) in FILES {
        let managed = pixels(file);
        let mut differences: Vec<f32> = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| delta_e(reference.rgb_at(x, y), managed.rgb_at(x, y)))
            .collect();
        differences.sort_by(f32::total_cmp);
        let median = differences[differences.len() / 2];
        let p99 = differences[differences.len() * 99 / 100];
        // JPEG's own loss (4:2:0 chroma at quality 95, on sharp coloured
        // edges) dominates there; a missing conversion would still move the
        // median several times further.
        let (most, nearly_all) = if file.ends_with(".jpg") {
            (2.0, 10.0)
        } else {
            (0.5, 1.5)
        };
        assert!(median <= most, "{file}: median ΔE2000 {median}");
        assert!(p99 <= nearly_all, "{file}: 99th percentile ΔE2000 {p99}");
    }
    // Palettes: the lossless files' within ΔE2000 1.0 of the sRGB file's. (At k = 6 to 8 this
    // picture's clustering sits on a tie that one level of rounding flips,
    // for LittleCMS's own round trip too, so those k are not compared.)
    for k in ["3", "4", "5"] {
        let (plain, srgb) = palette(k, &["fixtures/managed/flower_srgb.png"]);
        // An embedded sRGB profile changes nothing, and is not reported.
        assert!(plain.get("color_profile").is_none());
        for (file, profile) in FILES {
            let path = format!("fixtures/managed/{file}");
            let (record, managed) = palette(k, &[&path]);
            assert_eq!(record["color_profile"], profile, "{file}");
            let de = worst_difference(&srgb, &managed).max(worst_difference(&managed, &srgb));
            // The JPEG also carries JPEG's loss (see above).
            let bound = if file.ends_with(".jpg") { 2.0 } else { 1.0 };
            assert!(
                de <= bound,
                "{file}, k={k}: ΔE2000 {de} from the sRGB file's palette"
            );
            // Without colour management the wide-gamut values read as sRGB
            // are visibly duller: the reason this exists.
            let (raw, unmanaged) = palette(k, &["--no-color-manage", &path]);
            assert!(raw.get("color_profile").is_none());
            let de = worst_difference(&srgb, &unmanaged);
            assert!(de > 2.0, "{file}: unmanaged ΔE2000 only {de}");
        }
    }
}

#[test]
fn a_damaged_profile_is_a_warning_and_the_pixels_are_taken_as_srgb() {
    let out = scenepal()
        .args(["-k", "6", "fixtures/managed/flower_badprofile.png"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        "scenepal: fixtures/managed/flower_badprofile.png: warning: its ICC profile cannot be \
         read (Invalid ICC profile); its pixels are taken as sRGB\n"
    );
    let unmanaged = scenepal()
        .args([
            "-k",
            "6",
            "--no-color-manage",
            "fixtures/managed/flower_badprofile.png",
        ])
        .output()
        .unwrap();
    assert!(unmanaged.stderr.is_empty());
    assert_eq!(out.stdout, unmanaged.stdout);
}
