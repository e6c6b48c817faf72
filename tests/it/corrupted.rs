//! Corrupted inputs, deterministically: every fixture, truncated at many
//! offsets and with bits flipped, must give a palette or a clean error, in
//! every output format, read whole or reduced (`--fast`), never a panic or
//! a hang.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use scenepal::output::{write_report, Format, Layout, Preview, Report};
use scenepal::{extract_palette, load_image, LoadOptions, Options};

const FORMATS: [Format; 6] = [
    Format::Hex,
    Format::Rgb,
    Format::Json,
    Format::Csv,
    Format::Gpl,
    Format::Css,
];

fn fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["fixtures", "fixtures/formats"] {
        for entry in std::fs::read_dir(crate::common::root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let is_image = path
                .extension()
                .is_some_and(|e| e != "py" && e != "md" && e != "tsv");
            if path.is_file() && is_image {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Runs the whole pipeline on `bytes`; Err(description) on a panic.
fn pipeline(bytes: Vec<u8>, name: PathBuf) -> Result<(), String> {
    std::panic::catch_unwind(move || {
        let opts = Options {
            k: 4,
            ..Options::default()
        };
        // Whole, and reduced as --fast reads it (another JPEG decoder).
        for fast in [false, true] {
            let load = LoadOptions {
                fast,
                ..LoadOptions::default()
            };
            if let Ok(image) = load_image(&bytes, Some(&name), &load) {
                let palette =
                    extract_palette(&image.pixels, &opts).expect("a decoded image has a palette");
                assert!(!palette.colors.is_empty() && palette.colors.len() <= 4);
                let report = Report {
                    path: Some("mutant"),
                    merged: None,
                    width: Some(image.width),
                    height: Some(image.height),
                    time: None,
                    shot: None,
                    sampled: None,
                    crop: None,
                    step: image.step,
                    exact: true,
                    color_profile: None,
                    exclude: &[],
                    names: false,
                    options: &opts,
                    palette: &palette,
                };
                for format in FORMATS {
                    let mut out = Vec::new();
                    write_report(&mut out, &report, format, Layout::Single, Preview::Off).unwrap();
                    assert!(!out.is_empty());
                }
            }
        }
    })
    .map_err(|p| panic_text(&*p))
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    match payload.downcast_ref::<&str>() {
        Some(s) => s.to_string(),
        None => payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_else(|| "unknown panic".to_owned()),
    }
}

/// Runs one mutant with a time limit, so a decoder that loops fails the test
/// instead of hanging it.
fn check(bytes: Vec<u8>, name: &Path, what: &str) {
    let (tx, rx) = mpsc::channel();
    let owned = name.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(pipeline(bytes, owned));
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(Ok(())) => {}
        Ok(Err(panic)) => panic!("{} {what}: panicked: {panic}", name.display()),
        Err(_) => panic!("{} {what}: no result within 20 s", name.display()),
    }
}

#[test]
fn truncated_and_bit_flipped_fixtures_never_panic_or_hang() {
    // Quiet the default hook: the panics we look for are reported by check().
    std::panic::set_hook(Box::new(|_| {}));
    let mut mutants = 0;
    for path in fixtures() {
        let original = std::fs::read(&path).unwrap();
        let n = original.len();
        // Large fixtures get fewer mutants: the suite should stay well under a minute.
        let steps = if n > 50_000 { 6 } else { 24 };
        for i in 0..steps {
            let cut = n * i / steps + i % 3;
            check(
                original[..cut.min(n)].to_vec(),
                &path,
                &format!("cut at {cut}"),
            );
            // A bit flip at a spread of positions, headers included.
            let mut flipped = original.clone();
            let at = (i * 7919 + 13) % n;
            flipped[at] ^= 1 << (i % 8);
            check(
                flipped,
                &path,
                &format!("bit {} of byte {at} flipped", i % 8),
            );
            // A run of garbage.
            let mut garbled = original.clone();
            for (j, b) in garbled
                .iter_mut()
                .skip((i * 104_729) % n)
                .take(16)
                .enumerate()
            {
                *b = (j as u8).wrapping_mul(37) ^ 0xA5;
            }
            check(
                garbled,
                &path,
                &format!("16 bytes garbled at {}", (i * 104_729) % n),
            );
            mutants += 3;
        }
    }
    let _ = std::panic::take_hook();
    assert!(mutants > 500, "only {mutants} mutants");
}

/// A PNG chunk: length, type, data, CRC (`crc` overrides the right one).
fn chunk(kind: &[u8; 4], data: &[u8], crc: Option<u32>) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let right = crc32fast::hash(&out[4..]);
    out.extend(crc.unwrap_or(right).to_be_bytes());
    out
}

/// `png`'s chunks as (type, data).
fn chunks(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 8;
    while i + 8 <= png.len() {
        let len = u32::from_be_bytes(png[i..i + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = png[i + 4..i + 8].try_into().unwrap();
        out.push((kind, png[i + 8..i + 8 + len].to_vec()));
        i += 12 + len;
    }
    out
}

/// Rebuilds a PNG from chunks, with a tRNS (a transparent colour key)
/// before the image data when asked, its CRC right or wrong.
fn png_with(
    parts: &[([u8; 4], Vec<u8>)],
    trns: Option<bool>,
    idat: impl Fn(&mut Vec<u8>),
) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in parts {
        if kind == b"IDAT" {
            if let Some(right) = trns {
                let key = [0, 250, 0, 250, 0, 250]; // RGB (250, 250, 250)
                out.extend(chunk(b"tRNS", &key, (!right).then_some(0xDEAD_BEEF)));
            }
            let mut data = data.clone();
            idat(&mut data);
            out.extend(chunk(kind, &data, None));
        } else {
            out.extend(chunk(kind, data, None));
        }
    }
    out
}

#[test]
fn every_png_checksum_is_verified() {
    use crate::common::{encode, scenepal, temp_file};
    // Half light grey (the tRNS key), half dark: with the key transparent,
    // one colour is left.
    let img = image::RgbImage::from_fn(8, 8, |x, _| {
        image::Rgb(if x < 4 { [250, 250, 250] } else { [10, 20, 30] })
    });
    let parts = chunks(&encode(img.into(), image::ImageFormat::Png));
    let dir = tempfile::tempdir().unwrap();
    let good = temp_file(&dir, "good.png", &png_with(&parts, Some(true), |_| {}));
    let out = scenepal().args(["-k", "4", &good]).output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "#0a141e\n",
        "the key is transparent"
    );
    let bad_trns = temp_file(&dir, "trns.png", &png_with(&parts, Some(false), |_| {}));
    let out = scenepal().arg(&bad_trns).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("damaged PNG data") && stderr.contains("checksum"),
        "{stderr}"
    );
    assert!(!stderr.contains('{'), "a sentence, no debug text: {stderr}");
    // The zlib stream's Adler-32 is its last four bytes.
    let bad_adler = temp_file(
        &dir,
        "adler.png",
        &png_with(&parts, None, |d| {
            let n = d.len();
            d[n - 1] ^= 0x01;
        }),
    );
    let out = scenepal().arg(&bad_adler).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Adler-32"), "{stderr}");
}

/// An 8-bit RLE-compressed BMP of `w` × `h` in vertical stripes of two
/// palette colours (the image crate writes no RLE).
fn rle8_bmp(w: u8, h: u8) -> Vec<u8> {
    let mut data = Vec::new();
    for _ in 0..h {
        data.extend([w / 2, 0, w - w / 2, 1, 0, 0]); // two runs, end of line
    }
    data.extend([0, 1]); // end of bitmap
    let table: Vec<u8> = [[200u8, 100, 50, 0], [10, 20, 30, 0]]
        .iter()
        .flatten()
        .copied()
        .chain(std::iter::repeat_n(0, 254 * 4))
        .collect();
    let offset = 14 + 40 + table.len() as u32;
    let mut bmp = b"BM".to_vec();
    for v in [offset + data.len() as u32, 0, offset] {
        bmp.extend(v.to_le_bytes());
    }
    bmp.extend(40u32.to_le_bytes());
    bmp.extend((w as i32).to_le_bytes());
    bmp.extend((h as i32).to_le_bytes());
    bmp.extend(1u16.to_le_bytes());
    bmp.extend(8u16.to_le_bytes());
    for v in [1u32, data.len() as u32, 2835, 2835, 256, 0] {
        bmp.extend(v.to_le_bytes());
    }
    bmp.extend(table);
    bmp.extend(data);
    bmp
}

#[test]
fn cut_compressed_data_is_an_error_in_every_format_and_reads_as_a_sentence() {
    use crate::common::{encode, fixture, read, scenepal, temp_file};
    let dir = tempfile::tempdir().unwrap();
    let rle = rle8_bmp(20, 10);
    let whole = temp_file(&dir, "rle.bmp", &rle);
    let out = scenepal().args(["-k", "4", &whole]).output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "#1e140a\n#3264c8\n");
    let photo = image::open(crate::common::root().join(fixture("chelsea_225.png"))).unwrap();
    let mut files = vec![("rle.bmp", rle)];
    for (name, format) in [
        ("photo.tiff", image::ImageFormat::Tiff),
        ("photo.gif", image::ImageFormat::Gif),
        ("photo.webp", image::ImageFormat::WebP),
        ("photo.bmp", image::ImageFormat::Bmp),
    ] {
        files.push((name, encode(photo.clone(), format)));
    }
    files.push(("photo.jpg", read(fixture("china_320.jpg"))));
    for (name, bytes) in files {
        let cut = temp_file(&dir, &format!("cut-{name}"), &bytes[..bytes.len() * 3 / 4]);
        let out = scenepal().arg(&cut).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        let line = stderr.trim_end();
        assert!(!line.contains('\n'), "one line: {line}");
        assert!(
            line.contains("truncated") && line.contains(&format!("cut-{name}: ")),
            "{line}"
        );
        for debug in ['{', '"', '`'] {
            assert!(!line.contains(debug), "a sentence: {line}");
        }
        assert!(line.len() < 200, "{line}");
    }
}

#[test]
fn an_rle_bmp_that_leaves_pixels_without_a_colour_is_an_error() {
    use crate::common::{read, scenepal, stdout_of, temp_file};
    // Whole: two colours, half each (RLE4, 8×4).
    let whole = "fixtures/formats/rle4.bmp";
    assert_eq!(stdout_of(&["-k", "4", whole]), "#c81e1e\n#283cc8\n");
    // Cut as bmpsuite's pal4rlecut.bmp: a delta, an early end of line and an
    // early end of bitmap. The decoder would paint the 21 skipped pixels.
    let cut = "fixtures/formats/rle4_cut.bmp";
    let out = scenepal().args(["-k", "4", cut]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!("scenepal: {cut}: damaged BMP data: its RLE data leaves 21 of 32 pixels without a colour (skipped, or ended early)\n")
    );
    // Cut short in the middle of its data.
    let dir = tempfile::tempdir().unwrap();
    let bytes = read(whole);
    let short = temp_file(&dir, "short.bmp", &bytes[..bytes.len() - 10]);
    let out = scenepal().arg(&short).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().ends_with(
        ": damaged BMP data: the file ends before the image does (truncated RLE data)\n"
    ));
}
