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
    assert!(gpl.contains(" 16  32  48\tmidnightblue\n"), "{gpl}");
    let css = stdout_of(&["-k", "2", "--names", "-f", "css", &two]);
    assert!(css.contains("--scenepal-2: #102030; /* midnightblue */"), "{css}");
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
