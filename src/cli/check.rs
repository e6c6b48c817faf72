//! Check mode: compare palettes with a golden file scenepal wrote earlier
//! (JSON, JSON Lines, or hex), colour by colour within a CIEDE2000 tolerance
//! and fraction by fraction.

use anyhow::{bail, Context, Result};
use palette::color_difference::Ciede2000;
use palette::{FromColor, Lab, Srgb};

use crate::color::{to_hex, Rgb};
use crate::{Options, Palette};

/// Default colour tolerance, CIEDE2000 ΔE (about a just-noticeable difference).
pub const DEFAULT_TOLERANCE_DE: f32 = 1.0;
/// Default fraction tolerance (absolute).
pub const DEFAULT_FRACTION_TOLERANCE: f64 = 0.01;

/// One colour recorded in a golden file.
#[derive(Clone, Debug, PartialEq)]
pub struct GoldenColor {
    /// The colour.
    pub rgb: Rgb,
    /// Its fraction, when the golden format records one (JSON).
    pub fraction: Option<f64>,
}

/// One image's record in a golden file.
#[derive(Clone, Debug, PartialEq)]
pub struct GoldenEntry {
    /// The image path as scenepal printed it (absent in single-image hex).
    pub path: Option<String>,
    /// The palette, or `None` when the golden run recorded an error.
    pub colors: Option<Vec<GoldenColor>>,
    /// k, algorithm, space and seed the golden palette was made with (JSON).
    pub settings: Option<(u64, String, String, u64)>,
}

/// Parses a golden file: a JSON object, JSON Lines, or hex output (one
/// `#rrggbb` per line, or `path<TAB>#rrggbb #rrggbb ...` per image).
pub fn parse_golden(text: &str) -> Result<Vec<GoldenEntry>> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        let mut entries = Vec::new();
        for (i, value) in serde_json::Deserializer::from_str(text)
            .into_iter::<serde_json::Value>()
            .enumerate()
        {
            let value =
                value.with_context(|| format!("JSON record {} is not valid JSON", i + 1))?;
            entries.push(json_entry(&value).with_context(|| format!("JSON record {}", i + 1))?);
        }
        return Ok(entries);
    }
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.iter().any(|l| l.contains('\t')) {
        lines
            .iter()
            .map(|line| {
                let (path, hexes) = line
                    .rsplit_once('\t')
                    .context("a batch hex line has no tab")?;
                let colors = hexes
                    .split_whitespace()
                    .map(parse_hex)
                    .collect::<Result<Vec<_>>>()?;
                Ok(hex_entry(Some(path.to_owned()), colors))
            })
            .collect()
    } else {
        let colors = lines
            .iter()
            .map(|l| parse_hex(l.trim()))
            .collect::<Result<Vec<_>>>()?;
        if colors.is_empty() {
            bail!("the golden file holds no palette");
        }
        Ok(vec![hex_entry(None, colors)])
    }
}

/// A record from hex output: colours only.
fn hex_entry(path: Option<String>, colors: Vec<Rgb>) -> GoldenEntry {
    GoldenEntry {
        path,
        colors: Some(
            colors
                .into_iter()
                .map(|rgb| GoldenColor {
                    rgb,
                    fraction: None,
                })
                .collect(),
        ),
        settings: None,
    }
}

fn json_entry(v: &serde_json::Value) -> Result<GoldenEntry> {
    let path = v["path"].as_str().map(str::to_owned);
    if v.get("error").is_some() {
        return Ok(GoldenEntry {
            path,
            colors: None,
            settings: None,
        });
    }
    let colors = v["colors"]
        .as_array()
        .context("no \"colors\" array")?
        .iter()
        .map(|c| {
            let hex = c["hex"].as_str().context("a colour has no \"hex\"")?;
            Ok(GoldenColor {
                rgb: parse_hex(hex)?,
                fraction: c["fraction"].as_f64(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let settings = match (
        v["k"].as_u64(),
        v["algorithm"].as_str(),
        v["space"].as_str(),
        v["seed"].as_u64(),
    ) {
        (Some(k), Some(a), Some(s), Some(seed)) => Some((k, a.to_owned(), s.to_owned(), seed)),
        _ => None,
    };
    Ok(GoldenEntry {
        path,
        colors: Some(colors),
        settings,
    })
}

/// Parses `#rrggbb`.
pub fn parse_hex(s: &str) -> Result<Rgb> {
    let digits = s.strip_prefix('#').unwrap_or(s);
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!("`{s}` is not a #rrggbb colour");
    }
    let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).expect("checked hex digits");
    Ok([channel(0), channel(2), channel(4)])
}

/// CIEDE2000 colour difference between two sRGB8 colours.
pub fn delta_e(a: Rgb, b: Rgb) -> f32 {
    let lab = |c: Rgb| {
        Lab::from_color(
            Srgb::new(c[0], c[1], c[2])
                .into_format::<f32>()
                .into_linear(),
        )
    };
    lab(a).difference(lab(b))
}

/// Tolerances of a check.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    /// Largest allowed CIEDE2000 ΔE between matched colours.
    pub delta_e: f32,
    /// Largest allowed absolute difference between matched fractions.
    pub fraction: f64,
}

/// Compares a palette with its golden record. Colours are paired greedily,
/// closest pairs first, so a reordering alone is never a difference. Returns
/// one readable line per problem (empty: the palette matches).
pub fn compare(
    golden: &GoldenEntry,
    actual: &Palette,
    options: &Options,
    tol: Tolerance,
) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some((k, algorithm, space, seed)) = &golden.settings {
        let now = (
            options.k as u64,
            options.algorithm.name(),
            options.space.name(),
            options.seed,
        );
        if (*k, algorithm.as_str(), space.as_str(), *seed) != now {
            problems.push(format!(
                "golden made with -k {k} --algorithm {algorithm} --space {space} --seed {seed}, \
                 this run -k {} --algorithm {} --space {} --seed {}: pass the same options",
                now.0, now.1, now.2, now.3
            ));
            return problems;
        }
    }
    let Some(expected) = &golden.colors else {
        problems.push(
            "the golden run recorded an error for this image, this run found a palette".to_owned(),
        );
        return problems;
    };
    let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
    for (i, g) in expected.iter().enumerate() {
        for (j, a) in actual.colors.iter().enumerate() {
            pairs.push((delta_e(g.rgb, a.rgb), i, j));
        }
    }
    pairs.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut golden_match = vec![None; expected.len()];
    let mut taken = vec![false; actual.colors.len()];
    for (de, i, j) in pairs {
        if golden_match[i].is_none() && !taken[j] {
            golden_match[i] = Some((j, de));
            taken[j] = true;
        }
    }
    for (g, m) in expected.iter().zip(&golden_match) {
        let Some((j, de)) = *m else {
            problems.push(format!("{} missing from this run", to_hex(g.rgb)));
            continue;
        };
        let a = &actual.colors[j];
        if de > tol.delta_e {
            problems.push(format!(
                "{} -> {}  ΔE {de:.2} > {:.2}",
                to_hex(g.rgb),
                to_hex(a.rgb),
                tol.delta_e
            ));
        }
        if let Some(f) = g.fraction {
            if (f - a.fraction).abs() > tol.fraction {
                problems.push(format!(
                    "{} -> {}  fraction {f:.4} -> {:.4}, off by more than {}",
                    to_hex(g.rgb),
                    to_hex(a.rgb),
                    a.fraction,
                    tol.fraction
                ));
            }
        }
    }
    for (a, t) in actual.colors.iter().zip(&taken) {
        if !t {
            problems.push(format!("{} new in this run", to_hex(a.rgb)));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{extract_palette_from_histogram, ColorHistogram};

    fn palette() -> Palette {
        let hist = ColorHistogram::from_pairs([([200, 0, 0], 3), ([0, 0, 200], 1)]);
        extract_palette_from_histogram(&hist, &Options::default())
    }

    const TOL: Tolerance = Tolerance {
        delta_e: 1.0,
        fraction: 0.01,
    };

    #[test]
    fn parses_every_golden_format() {
        let json = parse_golden(r##"{"path":"a.png","k":10,"algorithm":"kmeans","space":"oklab","seed":42,"colors":[{"hex":"#c80000","fraction":0.75}]}"##).unwrap();
        assert_eq!(json[0].path.as_deref(), Some("a.png"));
        assert_eq!(json[0].colors.as_ref().unwrap()[0].fraction, Some(0.75));
        let jsonl =
            parse_golden("{\"path\":\"a\",\"colors\":[]}\n{\"path\":\"b\",\"error\":\"bad\"}\n")
                .unwrap();
        assert_eq!(jsonl.len(), 2);
        assert_eq!(jsonl[1].colors, None);
        let hex = parse_golden("#c80000\n#0000c8\n").unwrap();
        assert_eq!(hex[0].path, None);
        assert_eq!(hex[0].colors.as_ref().unwrap().len(), 2);
        let batch = parse_golden("x/a b.png\t#c80000 #0000c8\n").unwrap();
        assert_eq!(batch[0].path.as_deref(), Some("x/a b.png"));
        assert!(parse_golden("#12345\n").is_err());
    }

    #[test]
    fn identical_and_reordered_palettes_match() {
        let golden = parse_golden("#0000c8\n#c80000\n").unwrap();
        assert!(compare(&golden[0], &palette(), &Options::default(), TOL).is_empty());
    }

    #[test]
    fn a_moved_colour_is_reported_with_its_delta_e() {
        let golden = parse_golden("#c80000\n#0000b0\n").unwrap();
        let problems = compare(&golden[0], &palette(), &Options::default(), TOL);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("#0000b0 -> #0000c8  ΔE"),
            "{problems:?}"
        );
    }

    #[test]
    fn fractions_and_settings_are_checked() {
        let golden = parse_golden(
            r##"{"colors":[{"hex":"#c80000","fraction":0.5},{"hex":"#0000c8","fraction":0.5}]}"##,
        )
        .unwrap();
        let problems = compare(&golden[0], &palette(), &Options::default(), TOL);
        assert_eq!(problems.len(), 2, "{problems:?}");
        let other =
            parse_golden(r##"{"k":5,"algorithm":"kmeans","space":"oklab","seed":42,"colors":[]}"##)
                .unwrap();
        assert!(compare(&other[0], &palette(), &Options::default(), TOL)[0].contains("-k 5"));
    }

    #[test]
    fn delta_e_is_zero_for_equal_and_large_for_opposites() {
        assert_eq!(delta_e([10, 20, 30], [10, 20, 30]), 0.0);
        assert!(delta_e([0, 0, 0], [255, 255, 255]) > 99.0);
    }
}
