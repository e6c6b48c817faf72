//! Films are inputs like stills: folder walks take them in order, cards
//! scale their frames, pictures are named after the film and the time, and
//! a gallery that links its pictures writes the frames it links to.

use std::fs;

use crate::common::{fixture, root, scenepal};
use crate::video::{film, records, SCENES};

#[test]
fn folder_walks_take_films_in_order_beside_stills() {
    let dir = tempfile::tempdir().unwrap();
    let films = dir.path().join("films");
    fs::create_dir(&films).unwrap();
    film(&films, "a.mkv", 32, 18);
    film(&films, "b.MKV", 32, 18);
    // Named like a film, but not one: read, and reported as what it is.
    fs::write(films.join("c.mov"), b"not a film").unwrap();
    let out = scenepal()
        .args(["-q", "--every", "2s"])
        .arg(&films)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the false film fails");
    let names: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect();
    let f = films.display();
    assert_eq!(
        names,
        [
            format!("{f}/a.mkv@00:00:00.000"),
            format!("{f}/a.mkv@00:00:02.000"),
            format!("{f}/b.MKV@00:00:00.000"),
            format!("{f}/b.MKV@00:00:02.000"),
        ]
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!("scenepal: {f}/c.mov: ")) && err.lines().count() == 1,
        "{err}"
    );
    // A mixed folder: stills and films in natural order.
    let mixed = dir.path().join("mixed");
    fs::create_dir(&mixed).unwrap();
    fs::copy(root().join(fixture("two_colors.png")), mixed.join("a1.png")).unwrap();
    film(&mixed, "a2.mkv", 32, 18);
    fs::copy(
        root().join(fixture("two_colors.png")),
        mixed.join("a10.png"),
    )
    .unwrap();
    let paths: Vec<String> = records(&["--every", "2s", mixed.to_str().unwrap()])
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_owned())
        .collect();
    let m = mixed.display();
    assert_eq!(
        paths,
        [
            format!("{m}/a1.png"),
            format!("{m}/a2.mkv@00:00:00.000"),
            format!("{m}/a2.mkv@00:00:02.000"),
            format!("{m}/a10.png"),
        ]
    );
}

#[test]
fn cards_scale_small_frames_to_the_card_and_are_named_by_film_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let films = dir.path().join("films");
    fs::create_dir(&films).unwrap();
    // 64×36: far smaller than the 400 px card.
    let film = film(&films, "small.mkv", 64, 36);
    let cards = dir.path().join("cards");
    scenepal()
        .args(["-q", "-k", "1", "--every", "2s", "--swatch-width", "400"])
        .arg("--swatch-dir")
        .arg(&cards)
        .arg(&film)
        .assert()
        .success();
    let mut names: Vec<String> = fs::read_dir(&cards)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["small.mkv@00-00-00.000.png", "small.mkv@00-00-02.000.png"]
    );
    let card = image::open(cards.join(&names[1])).unwrap().to_rgb8();
    // The frame fills the card's width at its aspect (400 × 225), the
    // palette row under it.
    assert_eq!(card.width(), 400);
    let blue = SCENES[2].1;
    for (x, y) in [(2, 2), (397, 2), (200, 112), (397, 222)] {
        assert_eq!(card.get_pixel(x, y).0, blue, "({x}, {y}) is the frame");
    }
    assert_eq!(card.height(), 225 + 56, "the frame, then one row of cells");
}

#[test]
fn frames_record_their_sampling_and_check_names_a_sampling_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let film = film(dir.path(), "film.mkv", 32, 18);
    let first = |args: &[&str]| records(&[&["-k", "1"], args, &[&film]].concat()).remove(0);
    let fields = |r: &serde_json::Value| -> Vec<(String, serde_json::Value)> {
        ["every", "frames", "start", "end", "shot_threshold"]
            .iter()
            .filter_map(|f| r.get(*f).map(|v| (f.to_string(), v.clone())))
            .collect()
    };
    let json = |pairs: &[(&str, serde_json::Value)]| -> Vec<(String, serde_json::Value)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    use serde_json::json as j;
    assert_eq!(fields(&first(&[])), json(&[("every", j!(1.0))]));
    assert_eq!(
        fields(&first(&[
            "--every", "500ms", "--start", "1.5", "--end", "3"
        ])),
        json(&[("every", j!(0.5)), ("start", j!(1.5)), ("end", j!(3.0))])
    );
    assert_eq!(
        fields(&first(&["--frames", "2"])),
        json(&[("frames", j!(2))])
    );
    assert_eq!(
        fields(&first(&["--every", "shot", "--shot-threshold", "0.4"])),
        json(&[("every", j!("shot")), ("shot_threshold", j!(0.4))])
    );
    // A frame asked for by its time, and a still, were not sampled.
    let at = records(&["-k", "1", &format!("{film}@1.5")]).remove(0);
    assert_eq!(fields(&at), json(&[]));
    // A golden file made with one sampling, checked under another: one
    // line names both, and the run fails; the same sampling passes.
    let golden = dir.path().join("golden.jsonl");
    let out = scenepal()
        .args(["-q", "-k", "1", "-f", "json", "--every", "1s", &film])
        .output()
        .unwrap();
    fs::write(&golden, out.stdout).unwrap();
    let check = |args: &[&str]| {
        scenepal()
            .args(["-q", "-k", "1", "--allow-missing", "--check"])
            .arg(&golden)
            .args(args)
            .arg(&film)
            .output()
            .unwrap()
    };
    let same = check(&["--every", "1s"]);
    assert_eq!(same.status.code(), Some(0), "{same:?}");
    for (args, now) in [
        (&["--every", "2s"][..], "--every 2s"),
        (&["--every", "1s", "--start", "1s"], "--every 1s --start 1s"),
        (&["--frames", "2"], "--frames 2"),
    ] {
        let out = check(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        let why = format!(
            "scenepal: the golden file was made with --every 1s, this run with {now}: pass the same options\n"
        );
        assert_eq!(err, why, "{args:?}");
    }
}
