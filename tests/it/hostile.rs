//! A folder of hostile files in one batch: every file gets a palette or one
//! error line naming it, the exit code is 1, nothing panics or hangs, and
//! memory stays bounded.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;

use crate::common::{
    bin, clean_command, encode, fixture, jpeg_announcing, json_lines, png_announcing, read,
    scenepal,
};

/// Builds the hostile folder; returns (good files, bad files) by name.
fn hostile_folder(d: &Path) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let jpeg = read(fixture("china_320.jpg"));
    let png = read(fixture("chelsea_225.png"));
    let mut good: Vec<(&[u8], Vec<u8>)> = vec![
        (b"jpeg_named.png", jpeg.clone()),
        (
            b"one_pixel.png",
            encode(
                image::RgbImage::from_pixel(1, 1, image::Rgb([1, 2, 3])).into(),
                image::ImageFormat::Png,
            ),
        ),
        (
            b"single_colour.png",
            encode(
                image::RgbImage::from_pixel(30, 20, image::Rgb([9, 99, 199])).into(),
                image::ImageFormat::Png,
            ),
        ),
        (b"new\nline.png", read(fixture("two_colors.png"))),
        (b"bad\xffutf8.png", read(fixture("five_stripes.png"))),
    ];
    let mut bad: Vec<(&[u8], Vec<u8>)> = vec![
        (b"zero.png", Vec::new()),
        (b"text.png", b"hello, not an image\n".to_vec()),
        (b"huge.png", png_announcing(100_000, 100_000)),
        (b"huge.jpg", jpeg_announcing(65_000, 65_000)),
        (
            b"transparent.png",
            encode(image::RgbaImage::new(5, 5).into(), image::ImageFormat::Png),
        ),
    ];
    let cuts: Vec<(String, Vec<u8>)> = [3, 5, 7]
        .iter()
        .flat_map(|&i| {
            [
                (format!("cut{i}.jpg"), jpeg[..jpeg.len() * i / 8].to_vec()),
                (format!("cut{i}.png"), png[..png.len() * i / 8].to_vec()),
            ]
        })
        .collect();
    for (name, bytes) in &cuts {
        bad.push((name.as_bytes(), bytes.clone()));
    }
    for (name, bytes) in good.iter().chain(&bad) {
        fs::write(d.join(OsStr::from_bytes(name)), bytes).unwrap();
    }
    // A FIFO named like an image: reading it would block forever.
    let fifo = d.join("pipe.png");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    bad.push((b"pipe.png", Vec::new()));
    // A symlink loop.
    std::os::unix::fs::symlink(".", d.join("loop")).unwrap();
    good.sort();
    bad.sort();
    (
        good.into_iter().map(|g| g.0.to_vec()).collect(),
        bad.into_iter().map(|b| b.0.to_vec()).collect(),
    )
}

#[test]
fn a_hostile_folder_gets_a_palette_or_an_error_line_for_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("hostile");
    fs::create_dir(&d).unwrap();
    let (good, bad) = hostile_folder(&d);
    let use_time = Path::new("/usr/bin/time").exists();
    let mut cmd = if use_time {
        let mut c = clean_command("/usr/bin/time");
        c.args(["-f", "peak-rss-kb %M"]).arg(bin());
        c
    } else {
        clean_command(bin())
    };
    let out = cmd.args(["-f", "json"]).arg(&d).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let name = |r: &serde_json::Value| {
        r["path"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned()
    };
    let palettes: Vec<String> = records
        .iter()
        .filter(|r| r.get("colors").is_some())
        .map(name)
        .collect();
    let errors: Vec<String> = records
        .iter()
        .filter(|r| r.get("error").is_some())
        .map(name)
        .collect();
    // Names as scenepal prints them: invalid UTF-8 bytes as \xNN.
    let lossy = |n: &Vec<u8>| {
        n.utf8_chunks()
            .map(|c| {
                c.valid().to_owned()
                    + &c.invalid()
                        .iter()
                        .map(|b| format!("\\x{b:02x}"))
                        .collect::<String>()
            })
            .collect::<String>()
    };
    let mut expected_good: Vec<String> = good.iter().map(lossy).collect();
    expected_good.sort();
    let mut got_good = palettes.clone();
    got_good.sort();
    assert_eq!(got_good, expected_good, "{stderr}");
    for b in &bad {
        let b = lossy(b);
        assert!(errors.contains(&b), "no error record for {b}: {stderr}");
        let line = stderr
            .lines()
            .find(|l| l.contains(&format!("/{b}: ")))
            .unwrap_or_else(|| panic!("no error line for {b}"));
        assert!(line.starts_with("scenepal: "), "{line}");
    }
    // The loop is a directory link: not followed, so nothing below it.
    assert!(
        !stderr.contains("/loop/") && !stdout.contains("/loop/"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
    // The newline in a name is escaped on stderr, so each error is one line.
    assert!(
        stderr.lines().all(|l| l.starts_with("scenepal: ")
            || l.starts_with("peak-rss-kb")
            || l.starts_with("Command exited with non-zero status")
            || l.contains(" images, ")),
        "{stderr}"
    );
    if use_time {
        let kb: u64 = stderr
            .lines()
            .find_map(|l| l.strip_prefix("peak-rss-kb "))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(kb < 500 * 1024, "peak memory {kb} KB");
    }
}

#[test]
fn a_killed_batch_never_leaves_a_partial_card() {
    let tmp = tempfile::tempdir().unwrap();
    let stills = tmp.path().join("stills");
    let cards = tmp.path().join("cards");
    fs::create_dir_all(&stills).unwrap();
    fs::create_dir_all(&cards).unwrap();
    for i in 0..40 {
        fs::copy(
            crate::common::root().join(fixture("nuthatch_960.jpg")),
            stills.join(format!("{i:02}.jpg")),
        )
        .unwrap();
    }
    let cards_written = || -> Vec<String> {
        fs::read_dir(&cards)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect()
    };
    // Kill the batch while it writes cards, as soon as the first card is in
    // place: every card there is complete (written beside and renamed),
    // never a truncated PNG.
    let mut child = clean_command(bin())
        .args(["-q", "-j", "1", "--swatch-dir"])
        .arg(&cards)
        .arg(&stills)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while cards_written().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = cards_written();
    assert!(
        !before.is_empty() && before.len() < 40,
        "killed mid-run: {} of 40 cards",
        before.len()
    );
    for n in cards_written() {
        image::open(cards.join(&n)).unwrap_or_else(|e| panic!("{n} is not a complete PNG: {e}"));
    }
    // Cards are written into unnamed files, so a killed run leaves no
    // temporary file behind either.
    let leftovers: Vec<_> = fs::read_dir(&cards)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A second run completes the set.
    scenepal()
        .args(["-q", "--swatch-dir"])
        .arg(&cards)
        .arg(&stills)
        .assert()
        .success();
    let names = cards_written();
    assert_eq!(names.len(), 40, "{names:?}");
    for n in &names {
        image::open(cards.join(n)).expect("a complete PNG");
    }
}

#[test]
fn a_picture_into_a_closed_pipe_ends_quietly_and_a_closed_stderr_keeps_the_exit_code() {
    let f = fixture("nuthatch_960.jpg");
    for flag in ["--swatch", "--plot"] {
        let line = format!("scenepal {flag} - {f} | head -c 1 > /dev/null");
        let out = clean_command("bash")
            .args(["-o", "pipefail", "-c", &line])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{flag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{flag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for (line, code) in [
        ("scenepal fixtures/missing.png 2>/dev/full", 1),
        ("scenepal fixtures/two_colors.png 2>&- >/dev/null", 0),
        ("scenepal -k 0 x.png 2>/dev/full", 2),
    ] {
        let status = clean_command("sh").args(["-c", line]).status().unwrap();
        assert_eq!(status.code(), Some(code), "{line}");
    }
}

#[test]
fn a_failed_card_is_its_inputs_record_and_names_the_card() {
    let tmp = tempfile::tempdir().unwrap();
    let cards = tmp.path().join("cards");
    let f = fixture("two_colors.png");
    // A folder where the card would go: the write fails.
    fs::create_dir_all(cards.join("two_colors.png.png")).unwrap();
    let out = scenepal()
        .args([
            "-f",
            "json",
            "--swatch-dir",
            cards.to_str().unwrap(),
            &f,
            &fixture("five_stripes.png"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let records = json_lines(&out.stdout);
    assert_eq!(records[0]["path"], f.as_str());
    let error = records[0]["error"].as_str().unwrap();
    assert!(
        error.contains("two_colors.png.png") && error.contains("is a directory"),
        "{error}"
    );
    assert_eq!(records[1]["path"], fixture("five_stripes.png").as_str());
}

#[test]
fn max_bytes_holds_while_reading_whatever_stat_says() {
    // /proc files report a size of 0; the limit must still stop the read.
    scenepal()
        .args(["--max-bytes", "1000", "/proc/self/smaps"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "larger than the limit of 1000 bytes",
        ));
}

#[test]
fn names_escape_one_to_one_and_csv_carries_no_terminal_escapes() {
    let tmp = tempfile::tempdir().unwrap();
    let two = read(fixture("two_colors.png"));
    let literal = tmp.path().join(OsStr::from_bytes(b"lit\\xff.png"));
    let byte = tmp.path().join(OsStr::from_bytes(b"lit\xff.png"));
    let esc = tmp
        .path()
        .join(OsStr::from_bytes(b"esc\x1b[31m\xe2\x80\xae.png"));
    for p in [&literal, &byte, &esc] {
        fs::write(p, &two).unwrap();
    }
    let out = scenepal()
        .args(["-k", "1", "-f", "csv"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        !csv.contains('\x1b') && !csv.contains('\u{202e}'),
        "{csv:?}"
    );
    assert!(csv.contains("esc\\u{1b}[31m\\u{202e}.png"), "{csv}");
    let paths: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(paths.len(), 3);
    assert!(
        paths.iter().any(|p| p.ends_with("lit\\\\xff.png")),
        "{paths:?}"
    );
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("lit\\xff.png") && !p.ends_with("\\\\xff.png")),
        "{paths:?}"
    );
}

/// A valid 1-bit PNG of `width` × `height`, black with a white quarter: a
/// few kilobytes on disk for up to 2^32 pixels.
fn one_bit_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let mut writer = encoder.write_header().unwrap();
    let row_bytes = width.div_ceil(8) as usize;
    let mut data = vec![0u8; row_bytes * height as usize];
    for row in data.chunks_exact_mut(row_bytes).take(height as usize / 2) {
        row[..row_bytes / 2].fill(0xff);
    }
    writer.write_image_data(&data).unwrap();
    writer.finish().unwrap();
    out
}

#[test]
fn a_memory_budget_refuses_what_cannot_fit_and_loses_no_record() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // A header announcing 2^28 RGB pixels (768 MiB decoded), a valid
    // 2^28-pixel 1-bit image (256 MiB as gray levels: it fits), a valid
    // 1×65535 image, and two ordinary stills.
    fs::write(d.join("a_bomb.png"), png_announcing(16384, 16384)).unwrap();
    fs::write(d.join("a_one_bit.png"), one_bit_png(16384, 16384)).unwrap();
    let tall = image::RgbImage::from_pixel(1, 65535, image::Rgb([30, 60, 90]));
    fs::write(
        d.join("b_tall.png"),
        encode(tall.into(), image::ImageFormat::Png),
    )
    .unwrap();
    fs::copy(
        crate::common::root().join(fixture("china_320.jpg")),
        d.join("c.jpg"),
    )
    .unwrap();
    fs::copy(
        crate::common::root().join(fixture("nuthatch_960.jpg")),
        d.join("d.jpg"),
    )
    .unwrap();
    let use_time = Path::new("/usr/bin/time").exists();
    let mut cmd = if use_time {
        let mut c = clean_command("/usr/bin/time");
        c.args(["-f", "peak-rss-kb %M"]).arg(bin());
        c
    } else {
        clean_command(bin())
    };
    let out = cmd
        .args(["-f", "json", "-j", "4", "--max-memory", "300M"])
        .arg(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 5, "one record per input");
    let error = records[0]["error"].as_str().unwrap();
    assert!(error.contains("more than --max-memory 300 MiB"), "{error}");
    assert!(
        records[1..].iter().all(|r| r["colors"].is_array()),
        "{records:?}"
    );
    let hex: Vec<&str> = records[1]["colors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["hex"].as_str().unwrap())
        .collect();
    assert_eq!(hex, ["#000000", "#ffffff"], "the 1-bit image's two levels");
    if use_time {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let kb: u64 = stderr
            .lines()
            .find_map(|l| l.strip_prefix("peak-rss-kb "))
            .and_then(|v| v.trim().parse().ok())
            .expect("time's report");
        assert!(kb < 350 * 1024, "peak RSS {kb} kB");
    }
}
