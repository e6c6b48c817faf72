//! `--fast`: large images read at reduced scale, saying so in JSON.

use crate::common::{encode, fixture, json_of, scenepal, stdout_of, temp_file};

fn colors(json: &serde_json::Value) -> Vec<([i64; 3], f64)> {
    json["colors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let rgb = c["rgb"].as_array().unwrap();
            let channel = |i: usize| rgb[i].as_i64().unwrap();
            (
                [channel(0), channel(1), channel(2)],
                c["fraction"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_large_jpeg_is_read_at_reduced_scale_and_says_so() {
    let still = fixture("nuthatch_960.jpg");
    let exact = json_of(&[&still]);
    let fast = json_of(&["--fast", &still]);
    // 960×540 at half of each side: 480×270 pixels counted; the size is the file's.
    assert_eq!(
        (fast["width"].as_u64(), fast["height"].as_u64()),
        (Some(960), Some(540))
    );
    assert_eq!(fast["pixels"], 480 * 270);
    assert_eq!(
        (fast["exact"].as_bool(), fast["scale"].as_f64()),
        (Some(false), Some(0.5))
    );
    assert!(exact.get("exact").is_none() && exact.get("scale").is_none());
    // An estimate of the same palette: every colour near one of the exact
    // palette's (within 20 in summed sRGB levels), with nearly its share.
    let exact = colors(&exact);
    for (rgb, fraction) in colors(&fast) {
        let (near, share) = exact
            .iter()
            .min_by_key(|(e, _)| (0..3).map(|i| (e[i] - rgb[i]).abs()).sum::<i64>())
            .unwrap();
        let distance: i64 = (0..3).map(|i| (near[i] - rgb[i]).abs()).sum();
        assert!(distance <= 20, "{rgb:?} is {distance} from {near:?}");
        assert!(
            (fraction - share).abs() <= 0.02,
            "{rgb:?}: {fraction} against {share}"
        );
    }
}

#[test]
fn other_formats_are_read_at_every_nth_pixel_and_small_images_whole() {
    let dir = tempfile::tempdir().unwrap();
    // 512×512 in vertical stripes 8 pixels wide: red, blue, red, ... Every
    // second pixel of every second row keeps the stripes' shares exactly.
    let stripes = image::RgbImage::from_fn(512, 512, |x, _| match (x / 8) % 2 {
        0 => image::Rgb([220, 20, 30]),
        _ => image::Rgb([20, 40, 200]),
    });
    let png = temp_file(
        &dir,
        "stripes.png",
        &encode(stripes.into(), image::ImageFormat::Png),
    );
    let json = json_of(&["-k", "2", "--fast", &png]);
    assert_eq!(
        (json["pixels"].as_u64(), json["scale"].as_f64()),
        (Some(256 * 256), Some(0.5))
    );
    assert_eq!(colors(&json), [([20, 40, 200], 0.5), ([220, 20, 30], 0.5)]);
    // Under 4 × 65,536 pixels nothing is gained: read whole, output unchanged.
    let small = fixture("china_320.jpg");
    assert_eq!(
        stdout_of(&["-f", "json", "--fast", &small]),
        stdout_of(&["-f", "json", &small])
    );
}

#[test]
fn fast_reads_merge_by_the_pixels_they_stand_for_and_are_deterministic() {
    let still = fixture("nuthatch_960.jpg");
    let two = fixture("two_colors.png");
    let whole = json_of(&["-k", "2", &two])["pixels"].as_u64().unwrap();
    let merged = json_of(&["-q", "--merge", "--fast", &still, &two]);
    // Each reduced pixel weighs for its 2×2 block.
    assert_eq!(merged["pixels"].as_u64().unwrap(), 960 * 540 + whole);
    let run = |threads: &str| {
        let out = scenepal()
            .args(["-f", "json", "--fast", "--threads", threads, &still])
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    assert_eq!(run("1"), run("2"));
}
