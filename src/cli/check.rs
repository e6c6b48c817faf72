//! Check mode: compare palettes with a golden file scenepal wrote earlier
//! (JSON, JSON Lines, or hex), colour by colour within a CIEDE2000 tolerance
//! and fraction by fraction. JSON is read with the library's [`Record`], the
//! type scenepal writes it with.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use scenepal::color::{delta_e, parse_hex, to_hex, Rgb};
use scenepal::output::escape_control;
use scenepal::record::{Record, Settings};
use scenepal::{Options, Palette};

use super::input::display_path;

/// Default colour tolerance, CIEDE2000 ΔE (about a just-noticeable difference).
pub const DEFAULT_TOLERANCE_DE: f32 = 1.0;
/// Default fraction tolerance (absolute).
pub const DEFAULT_FRACTION_TOLERANCE: f64 = 0.01;

/// Tolerances of a check.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    /// Largest allowed CIEDE2000 ΔE between matched colours.
    pub delta_e: f32,
    /// Largest allowed absolute difference between matched fractions.
    pub fraction: f64,
}

/// One image's record in a golden file, as the check needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct GoldenEntry {
    /// The image path as scenepal printed it (absent in single-image hex).
    pub path: Option<String>,
    /// The palette as (colour, fraction if recorded), or `None` when the
    /// golden run recorded an error.
    pub colors: Option<Vec<(Rgb, Option<f64>)>>,
    /// The settings the golden palette was made with (JSON).
    pub settings: Option<Settings>,
}

/// Parses a golden file: a JSON object, JSON Lines, or hex output (one
/// `#rrggbb` per line, or `path<TAB>#rrggbb #rrggbb ...` per image).
pub fn parse_golden(text: &str) -> Result<Vec<GoldenEntry>> {
    if text.trim_start().starts_with('{') {
        let records = serde_json::Deserializer::from_str(text).into_iter::<Record>();
        return records
            .enumerate()
            .map(|(i, record)| {
                let n = i + 1;
                let record = record.map_err(|e| match e.classify() {
                    serde_json::error::Category::Data => anyhow!("JSON record {n}: {e}"),
                    _ => anyhow!("JSON record {n} is not valid JSON: {e}"),
                })?;
                json_entry(record).with_context(|| format!("JSON record {n}"))
            })
            .collect();
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
                    .map(hex)
                    .collect::<Result<Vec<_>>>()?;
                Ok(hex_entry(Some(path.to_owned()), colors))
            })
            .collect()
    } else {
        let colors = lines
            .iter()
            .map(|l| hex(l.trim()))
            .collect::<Result<Vec<_>>>()?;
        if colors.is_empty() {
            bail!("the golden file holds no palette");
        }
        Ok(vec![hex_entry(None, colors)])
    }
}

fn hex(s: &str) -> Result<Rgb> {
    parse_hex(s).ok_or_else(|| anyhow!("`{s}` is not a #rrggbb colour"))
}

/// A record from hex output: colours only.
fn hex_entry(path: Option<String>, colors: Vec<Rgb>) -> GoldenEntry {
    GoldenEntry {
        path,
        colors: Some(colors.into_iter().map(|rgb| (rgb, None)).collect()),
        settings: None,
    }
}

fn json_entry(record: Record) -> Result<GoldenEntry> {
    Ok(match record {
        Record::Error(e) => GoldenEntry {
            path: e.path,
            colors: None,
            settings: None,
        },
        Record::Palette(p) => GoldenEntry {
            settings: p.settings(),
            colors: Some(
                p.colors
                    .iter()
                    .map(|c| Ok((hex(&c.hex)?, c.fraction)))
                    .collect::<Result<_>>()?,
            ),
            path: p.path,
        },
    })
}

/// The golden-file checker: finds each image's golden record and reports
/// the differences.
pub struct Checker {
    golden: Vec<GoldenEntry>,
    /// Golden entries by path.
    index: HashMap<String, usize>,
    /// A single image may be checked against a single-palette golden file
    /// whatever path it was recorded under.
    single: bool,
    options: Options,
    tolerance: Tolerance,
    /// Images whose palette differs (or that the golden file lacks).
    pub differ: usize,
}

impl Checker {
    /// Reads the golden file; the error names the reason (the caller names the file).
    pub fn open(
        golden: &Path,
        single: bool,
        options: Options,
        tolerance: Tolerance,
    ) -> Result<Self> {
        let text = std::fs::read_to_string(golden)?;
        let golden = parse_golden(&text)?;
        let index = golden
            .iter()
            .enumerate()
            .filter_map(|(i, g)| Some((g.path.clone()?, i)))
            .collect();
        Ok(Checker {
            golden,
            index,
            single,
            options,
            tolerance,
            differ: 0,
        })
    }

    /// Checks one image's palette; returns the report of a difference.
    pub fn check(&mut self, path: &str, palette: &Palette) -> Option<String> {
        let entry = match self.index.get(path) {
            Some(&i) => Some(&self.golden[i]),
            None => (self.golden.len() == 1 && self.single).then(|| &self.golden[0]),
        };
        let shown = escape_control(path);
        let Some(entry) = entry else {
            self.differ += 1;
            return Some(format!("scenepal: {shown}: not in the golden file"));
        };
        let problems = compare(entry, palette, &self.options, self.tolerance);
        if problems.is_empty() {
            return None;
        }
        self.differ += 1;
        let mut text = format!("scenepal: {shown}: palette differs from the golden file:");
        for p in problems {
            text.push_str("\n  ");
            text.push_str(&p);
        }
        Some(text)
    }

    /// The closing line: how many images were checked against `golden`.
    pub fn summary(&self, golden: &Path, images: usize, failed: usize) -> String {
        format!(
            "check: {} images against {}, {} differ, {} failed",
            images - failed,
            display_path(golden),
            self.differ,
            failed
        )
    }
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
    if let Some(then) = golden.settings {
        let now = Settings::of(options);
        if then != now {
            let flags = |s: Settings| {
                format!(
                    "-k {} --algorithm {} --space {} --seed {}",
                    s.k,
                    s.algorithm.name(),
                    s.space.name(),
                    s.seed
                )
            };
            problems.push(format!(
                "golden made with {}, this run {}: pass the same options",
                flags(then),
                flags(now)
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
            pairs.push((delta_e(g.0, a.rgb), i, j));
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
            problems.push(format!("{} missing from this run", to_hex(g.0)));
            continue;
        };
        let a = &actual.colors[j];
        if de > tol.delta_e {
            problems.push(format!(
                "{} -> {}  ΔE {de:.2} > {:.2}",
                to_hex(g.0),
                to_hex(a.rgb),
                tol.delta_e
            ));
        }
        if let Some(f) = g.1 {
            if (f - a.fraction).abs() > tol.fraction {
                problems.push(format!(
                    "{} -> {}  fraction {f:.4} -> {:.4}, off by more than {}",
                    to_hex(g.0),
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
    use scenepal::{extract_palette_from_histogram, ColorHistogram};

    fn palette() -> Palette {
        let hist = ColorHistogram::from_pairs([([200, 0, 0], 3), ([0, 0, 200], 1)]);
        extract_palette_from_histogram(&hist, &Options::default()).unwrap()
    }

    const TOL: Tolerance = Tolerance {
        delta_e: 1.0,
        fraction: 0.01,
    };

    #[test]
    fn parses_every_golden_format() {
        let json = parse_golden(r##"{"path":"a.png","k":10,"algorithm":"kmeans","space":"oklab","seed":42,"colors":[{"hex":"#c80000","fraction":0.75}]}"##).unwrap();
        assert_eq!(json[0].path.as_deref(), Some("a.png"));
        assert_eq!(json[0].colors.as_ref().unwrap()[0].1, Some(0.75));
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
}
