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
    assert!(
        css.contains("--scenepal-2: #102030; /* midnightblue */"),
        "{css}"
    );
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

/// One block of an ASE file, read back by the published layout.
#[derive(Debug, PartialEq)]
enum Block {
    GroupStart(String),
    GroupEnd,
    Color(String, [f32; 3], u16),
}

/// Parses an `.ase` file: signature, version 1.0, block count, blocks.
fn parse_ase(bytes: &[u8]) -> Vec<Block> {
    let u16_at = |i: usize| u16::from_be_bytes([bytes[i], bytes[i + 1]]);
    let u32_at = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    assert_eq!(&bytes[..4], b"ASEF");
    assert_eq!((u16_at(4), u16_at(6)), (1, 0), "version 1.0");
    let count = u32_at(8) as usize;
    let name_at = |i: usize| -> (String, usize) {
        let units = u16_at(i) as usize;
        let text: Vec<u16> = (0..units).map(|u| u16_at(i + 2 + 2 * u)).collect();
        assert_eq!(text.last(), Some(&0), "names end in a zero");
        (
            String::from_utf16(&text[..units - 1]).unwrap(),
            i + 2 + 2 * units,
        )
    };
    let mut blocks = Vec::new();
    let mut i = 12;
    for _ in 0..count {
        let (kind, len) = (u16_at(i), u32_at(i + 2) as usize);
        let body = i + 6;
        blocks.push(match kind {
            0xC001 => Block::GroupStart(name_at(body).0),
            0xC002 => Block::GroupEnd,
            0x0001 => {
                let (name, at) = name_at(body);
                assert_eq!(&bytes[at..at + 4], b"RGB ");
                let f = |k: usize| {
                    f32::from_be_bytes(bytes[at + 4 + 4 * k..at + 8 + 4 * k].try_into().unwrap())
                };
                assert_eq!(at + 18, body + len, "a colour block ends after its type");
                Block::Color(name, [f(0), f(1), f(2)], u16_at(at + 16))
            }
            other => panic!("unknown block type {other:#x}"),
        });
        i = body + len;
    }
    assert_eq!(i, bytes.len(), "nothing after the last block");
    blocks
}

fn rgb(hex: u32) -> [f32; 3] {
    [hex >> 16, hex >> 8 & 0xff, hex & 0xff].map(|v| v as f32 / 255.0)
}

#[test]
fn ase_files_read_back_as_the_palette() {
    let two = fixture("two_colors.png");
    let out = scenepal()
        .args(["-k", "2", "-f", "ase", &two])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        parse_ase(&out.stdout),
        [
            Block::Color("#f0e0d0".into(), rgb(0xf0e0d0), 2),
            Block::Color("#102030".into(), rgb(0x102030), 2),
        ]
    );
    // With names, and a batch: one file, a group per image, in input order.
    let stripes = fixture("five_stripes.png");
    let out = scenepal()
        .args(["-q", "-k", "2", "-f", "ase", "--names", &two, &stripes])
        .output()
        .unwrap();
    assert!(out.status.success());
    let blocks = parse_ase(&out.stdout);
    assert_eq!(blocks.len(), 8);
    assert_eq!(blocks[0], Block::GroupStart(two.clone()));
    assert_eq!(
        blocks[1],
        Block::Color("antiquewhite".into(), rgb(0xf0e0d0), 2)
    );
    assert_eq!(blocks[3], Block::GroupEnd);
    assert_eq!(blocks[4], Block::GroupStart(stripes));
    assert_eq!(blocks[7], Block::GroupEnd);
    // A merged palette is one ungrouped set of colours.
    let out = scenepal()
        .args([
            "-q",
            "-k",
            "3",
            "-f",
            "ase",
            "--merge",
            &two,
            &fixture("china_320.jpg"),
        ])
        .output()
        .unwrap();
    let blocks = parse_ase(&out.stdout);
    assert_eq!(blocks.len(), 3);
    assert!(blocks.iter().all(|b| matches!(b, Block::Color(..))));
}
