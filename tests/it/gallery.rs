//! The HTML gallery: the page's data, its safety, its size, and (where a
//! headless Chromium is installed) the page driven in a real browser.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{clean_command, fixture, program, root, scenepal, stdout_of};

const HOSTILE: &str = "</script><img src=x onerror=alert(1)>.png";

/// A folder of stills: three fixtures, one whose path is hostile HTML (a
/// folder named `<` holding `script><img ...>.png`), and one file that is
/// not an image.
fn stills() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("<")).unwrap();
    for (from, to) in [
        ("china_320.jpg", "a.jpg"),
        ("flower_320.jpg", "b.jpg"),
        ("chelsea_225.png", HOSTILE),
    ] {
        fs::copy(root().join(fixture(from)), tmp.path().join(to)).unwrap();
    }
    fs::write(tmp.path().join("c_broken.png"), b"not an image").unwrap();
    tmp
}

/// The JSON document inside a page.
fn page_data(page: &str) -> serde_json::Value {
    let start = page.find("id=\"gallery-data\">").expect("the data script") + 18;
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).expect("valid JSON data")
}

fn write_gallery(dir: &Path, extra: &[&str]) -> (PathBuf, std::process::Output) {
    let page = dir.join("gallery.html");
    let mut args = vec!["-q", "--html", page.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = scenepal().args(&args).output().unwrap();
    (page, out)
}

#[test]
fn the_page_holds_every_input_with_its_palette_and_stays_inert() {
    let tmp = stills();
    let folder = tmp.path().to_str().unwrap();
    let (page, out) = write_gallery(tmp.path(), &["-k", "6", folder]);
    assert_eq!(out.status.code(), Some(1), "the broken file fails the run");
    let text = fs::read_to_string(&page).unwrap();
    assert!(
        !text.contains("<img src=x"),
        "the hostile name is never markup"
    );
    let data = page_data(&text);
    let slides = data["stills"].as_array().unwrap();
    let names: Vec<&str> = slides.iter().map(|s| s["name"].as_str().unwrap()).collect();
    let folder_len = folder.len() + 1;
    let names: Vec<&str> = names.iter().map(|n| &n[folder_len..]).collect();
    assert_eq!(names, [HOSTILE, "a.jpg", "b.jpg", "c_broken.png"]);
    assert!(slides[3]["error"]
        .as_str()
        .unwrap()
        .contains("not a recognised image"));
    // Each palette is the one -f json prints.
    for slide in &slides[..3] {
        let name = slide["name"].as_str().unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&stdout_of(&["-k", "6", "-f", "json", name])).unwrap();
        let expected: Vec<&str> = json["colors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["hex"].as_str().unwrap())
            .collect();
        let shown: Vec<&str> = slide["palette"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[0].as_str().unwrap())
            .collect();
        assert_eq!(shown, expected, "{name}");
        assert!(slide["image"]
            .as_str()
            .unwrap()
            .starts_with("data:image/jpeg;base64,"));
        assert_eq!(slide["sample"].as_str().unwrap().len(), 3000 * 4);
    }
    assert!(data["barcode"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    // The same inputs give the same bytes, whatever the thread count.
    let again = tempfile::tempdir().unwrap();
    let (page2, _) = write_gallery(again.path(), &["-k", "6", "-j", "1", folder]);
    assert_eq!(fs::read(&page).unwrap(), fs::read(page2).unwrap());
}

#[test]
fn linked_stills_keep_the_page_small_and_point_at_the_files() {
    let tmp = stills();
    let site = tmp.path().join("site");
    fs::create_dir(&site).unwrap();
    let a = tmp.path().join("a.jpg");
    let b = tmp.path().join("b.jpg");
    let (page, out) = write_gallery(
        &site,
        &[
            "--html-images",
            "link",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = fs::read_to_string(&page).unwrap();
    let data = page_data(&text);
    assert_eq!(data["stills"][0]["image"], "../a.jpg");
    assert_eq!(data["stills"][1]["image"], "../b.jpg");
    let template = 40_000;
    assert!(text.len() < template + 2 * 15_000, "{} bytes", text.len());
}

/// Decodes a URL path's `%XX` escapes into bytes.
fn percent_decoded(url: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut bytes = url.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex: String = bytes.by_ref().take(2).map(char::from).collect();
            out.push(u8::from_str_radix(&hex, 16).unwrap());
        } else {
            out.push(b);
        }
    }
    out
}

#[test]
fn linked_stills_are_urls_of_the_files_bytes_and_captions_their_shown_names() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let names: [&[u8]; 3] = [b"back\\slash.jpg", b"bad\xff.jpg", b"100% #1?.jpg"];
    for name in names {
        let path = tmp.path().join(std::ffi::OsStr::from_bytes(name));
        fs::copy(root().join(fixture("china_320.jpg")), path).unwrap();
    }
    let (page, out) = write_gallery(
        tmp.path(),
        &["--html-images", "link", tmp.path().to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = page_data(&fs::read_to_string(&page).unwrap());
    let stills = data["stills"].as_array().unwrap();
    let shown: Vec<(&str, &str)> = stills
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["image"].as_str().unwrap()))
        .collect();
    let folder = tmp.path().display().to_string();
    // Natural order of the walk: `1` < `b`; the names shown escaped.
    let expected = [
        ("100% #1?.jpg", "100%25%20%231%3F.jpg"),
        ("back\\\\slash.jpg", "back%5Cslash.jpg"),
        ("bad\\xff.jpg", "bad%FF.jpg"),
    ];
    for ((name, url), (file, link)) in shown.iter().zip(expected) {
        assert_eq!(*name, format!("{folder}/{file}"));
        assert_eq!(*url, link);
        // The link names the file itself, relative to the page.
        let bytes = percent_decoded(url);
        assert!(
            tmp.path()
                .join(std::ffi::OsStr::from_bytes(&bytes))
                .is_file(),
            "{url}"
        );
    }
}

#[test]
fn five_full_hd_stills_embed_in_at_most_one_and_a_half_megabytes() {
    let tmp = tempfile::tempdir().unwrap();
    let source = image::open(root().join(fixture("nuthatch_960.jpg"))).unwrap();
    let mut paths = Vec::new();
    for i in 0..5u8 {
        let still = source
            .resize_exact(1920, 1080, image::imageops::FilterType::Triangle)
            .brighten(i as i32 * 8);
        let path = tmp.path().join(format!("still{i}.jpg"));
        still.save(&path).unwrap();
        paths.push(path.to_str().unwrap().to_owned());
    }
    let mut args: Vec<&str> = vec![];
    args.extend(paths.iter().map(String::as_str));
    let (page, out) = write_gallery(tmp.path(), &args);
    assert!(out.status.success());
    let size = fs::metadata(page).unwrap().len();
    assert!(size <= 1_500_000, "{size} bytes");
}

/// Opens `page` with `#selftest` in a headless Chromium with a window
/// `width` px wide: what the page reported of itself, and its DOM; None
/// (skipped) without a browser.
fn selftest(page: &Path, width: u32) -> Option<(serde_json::Value, String)> {
    let browser = program(
        &["chromium-headless-shell", "chromium"],
        "apt-get install chromium-headless-shell",
    )?;
    let profile = tempfile::tempdir().unwrap();
    let out = clean_command(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--window-size={width},900"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}#selftest", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let start = dom
        .find("<pre id=\"selftest-result\">")
        .expect("the page ran its scripts")
        + 26;
    let end = start + dom[start..].find("</pre>").unwrap();
    let text = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&quot;", "\"");
    let result: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(result["width"], width, "the window is {width} px wide");
    Some((result, dom))
}

/// The hex codes of a palette in the page's data.
fn hexes_of(palette: &serde_json::Value) -> Vec<&str> {
    palette
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[0].as_str().unwrap())
        .collect()
}

#[test]
fn the_page_works_in_a_real_browser() {
    let tmp = stills();
    let (page, _) = write_gallery(tmp.path(), &["-k", "6", tmp.path().to_str().unwrap()]);
    let Some((result, dom)) = selftest(&page, 1280) else {
        return;
    };
    assert_eq!(result["slides"], 4, "one slide per input");
    let data = page_data(&fs::read_to_string(&page).unwrap());
    let hexes: Vec<&str> = result["hexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    for still in data["stills"].as_array().unwrap() {
        for hex in hexes_of(&still["palette"]) {
            assert!(hexes.contains(&hex), "{hex}");
        }
    }
    let captions: Vec<&str> = result["captions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        captions[0].contains(HOSTILE),
        "the hostile name is shown as text: {captions:?}"
    );
    assert!(captions[1].contains("a.jpg"), "next: {captions:?}");
    assert!(
        captions[1].ends_with(" · 320 × 213 px · 6 colours · 2 of 4"),
        "size, colours and place: {captions:?}"
    );
    assert_eq!(captions[2], captions[0], "previous");
    let rgb: Vec<u64> = result["hovered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let hex = format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
    assert_eq!(
        result["tip"].as_str().unwrap(),
        format!("R {}  G {}  B {}  {hex}", rgb[0], rgb[1], rgb[2])
    );
    assert!(
        !dom.contains("<img src=\"x\""),
        "the hostile name never became an element"
    );
    let controls = &result["controls"];
    for control in ["prev", "next", "dots", "overview"] {
        assert_eq!(controls[control], true, "{control} is shown for 4 stills");
    }
}

#[test]
fn every_hex_code_is_visible_on_a_desktop_and_on_a_phone() {
    // Ten colours, some of them small: narrow cells at any width; merged,
    // so the merged palette's bar is checked too.
    let tmp = tempfile::tempdir().unwrap();
    let stills: Vec<String> = ["flower_320.jpg", "nuthatch_960.jpg", "china_320.jpg"]
        .iter()
        .map(|f| fixture(f))
        .collect();
    let mut args = vec!["-k", "10", "--merge"];
    args.extend(stills.iter().map(String::as_str));
    let (page, out) = write_gallery(tmp.path(), &args);
    assert!(out.status.success());
    let data = page_data(&fs::read_to_string(&page).unwrap());
    for width in [1280, 390] {
        let Some((result, _)) = selftest(&page, width) else {
            return;
        };
        for (i, still) in data["stills"].as_array().unwrap().iter().enumerate() {
            let visible = &result["visible"][i];
            for hex in hexes_of(&still["palette"]) {
                assert!(
                    visible.as_array().unwrap().iter().any(|v| v == hex),
                    "{width} px, still {i}: {hex} is not visible (visible: {visible})"
                );
            }
        }
        for hex in hexes_of(&data["merged"]["palette"]) {
            assert!(
                result["mergedVisible"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|v| v == hex),
                "{width} px, merged: {hex} is not visible"
            );
        }
    }
}

#[test]
fn the_cloud_stands_black_to_white_and_fills_the_canvas() {
    let tmp = tempfile::tempdir().unwrap();
    let (page, out) = write_gallery(
        tmp.path(),
        &[&fixture("flower_320.jpg"), &fixture("china_320.jpg")],
    );
    assert!(out.status.success());
    let Some((result, _)) = selftest(&page, 1280) else {
        return;
    };
    let clouds = result["clouds"].as_array().unwrap();
    for cloud in clouds {
        let at = |p: &str, k: usize| cloud[p][k].as_f64().unwrap();
        // The grey axis is vertical, black at the bottom.
        assert!((at("black", 0) - at("white", 0)).abs() < 0.5, "{cloud}");
        assert!(at("black", 1) > at("white", 1), "{cloud}");
        // Zoomed to the cloud: its longer side spans most of the canvas.
        let (x, y) = (cloud["x"].as_f64().unwrap(), cloud["y"].as_f64().unwrap());
        assert!(x.max(y) >= 0.8, "{cloud}");
    }
    // The colourful still (the flower: orange on teal) faces the viewer
    // with its spread: at least half of the canvas across and up.
    let (x, y) = (
        clouds[0]["x"].as_f64().unwrap(),
        clouds[0]["y"].as_f64().unwrap(),
    );
    assert!(
        x >= 0.5 && y >= 0.5,
        "the flower's cloud spans {x:.2} × {y:.2} of the canvas"
    );
    assert_eq!(result["reset"]["turned"], true);
    assert_eq!(result["reset"]["back"], true, "Reset view restores it");
}

#[test]
fn a_one_still_page_shows_no_controls_that_do_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (page, out) = write_gallery(tmp.path(), &[&fixture("flower_320.jpg")]);
    assert!(out.status.success());
    let Some((result, _)) = selftest(&page, 1280) else {
        return;
    };
    let controls = &result["controls"];
    for control in ["prev", "next", "dots", "overview"] {
        assert_eq!(controls[control], false, "{control} is hidden: {controls}");
    }
    let caption = result["captions"][0].as_str().unwrap();
    assert!(
        caption.ends_with(" · 320 × 213 px · 10 colours"),
        "no \"1 of 1\": {caption}"
    );
}

#[test]
fn a_film_page_that_links_its_pictures_writes_the_frames_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let film = crate::video::film(tmp.path(), "film.mkv", 64, 36);
    let site = tmp.path().join("site");
    fs::create_dir(&site).unwrap();
    let (page, out) = write_gallery(
        &site,
        &["--html-images", "link", "--every", "2s", "-k", "1", &film],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = page_data(&fs::read_to_string(&page).unwrap());
    let stills = data["stills"].as_array().unwrap();
    assert_eq!(stills.len(), 2);
    for (still, (time, name)) in stills.iter().zip([
        (0.0, "film.mkv%4000-00-00.000.jpg"),
        (2.0, "film.mkv%4000-00-02.000.jpg"),
    ]) {
        assert_eq!(still["time"], time);
        assert_eq!(still["image"], format!("gallery_files/{name}"));
        // The linked picture is there, a JPEG of the frame.
        let file = site.join("gallery_files").join(name.replace("%40", "@"));
        let picture = image::open(&file).unwrap().to_rgb8();
        assert_eq!(picture.dimensions(), (64, 36));
    }
    // In a real browser the frame shows, and its caption gives its time.
    let Some((result, _)) = selftest(&page, 1280) else {
        return;
    };
    assert_eq!(result["stillLoaded"], true, "{result}");
    let caption = result["captions"][0].as_str().unwrap();
    assert!(
        caption.contains("film.mkv@00:00:00.000") && caption.contains("frame at 00:00:00.000"),
        "{caption}"
    );
}
