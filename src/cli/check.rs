//! Check mode: compare palettes with a golden file scenepal wrote earlier
//! (JSON, JSON Lines, or hex), colour by colour within a CIEDE2000 tolerance
//! and fraction by fraction. JSON is read with the library's [`Record`], the
//! type scenepal writes it with.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use scenepal::color::{delta_e, parse_hex, to_hex, Rgb};
use scenepal::output::escape_control;
use scenepal::record::{Record, Settings};
use scenepal::Exclusion;
use scenepal::{Options, Palette};

use super::input::{display_path, io_reason, normalize};

/// Default colour tolerance, CIEDE2000 ΔE (about a just-noticeable difference).
pub const DEFAULT_TOLERANCE_DE: f32 = 1.0;
/// Default fraction tolerance (absolute).
pub const DEFAULT_FRACTION_TOLERANCE: f64 = 0.01;

/// The golden file and how close a palette must be to it.
pub struct CheckConfig {
    /// The golden file.
    pub golden: PathBuf,
    /// Allowed differences.
    pub tolerance: Tolerance,
    /// Golden records whose image is not among the inputs are no failure.
    pub allow_missing: bool,
}

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
    if lines
        .first()
        .is_some_and(|l| l.starts_with("hex,r,g,b") || l.starts_with("path,hex,r,g,b"))
    {
        bail!("CSV golden files are not supported: record the palettes with -f json (or the default hex output)");
    }
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

/// The golden-file checker: finds each image's golden record (paths matched
/// after [`normalize`]), reports the differences, and at the end the golden
/// records no input matched.
pub struct Checker {
    golden: Vec<GoldenEntry>,
    /// Golden entries not matched yet, by normalised path.
    unmatched: HashMap<PathBuf, usize>,
    /// A single image may be checked against a single-palette golden file
    /// whatever path it was recorded under.
    single: bool,
    settings: Settings,
    tolerance: Tolerance,
    allow_missing: bool,
    /// Images whose palette differs (or that the golden file lacks).
    differ: usize,
    /// The golden file was made with other settings (said once).
    warned: bool,
}

impl Checker {
    /// Reads the golden file; the error names the reason (the caller names the file).
    pub fn open(
        golden: &Path,
        single: bool,
        options: &Options,
        exclude: &[Exclusion],
        config: &CheckConfig,
    ) -> Result<Self> {
        let text = std::fs::read_to_string(golden).map_err(io_reason)?;
        let golden = parse_golden(&text)?;
        let cwd = std::env::current_dir().ok();
        let unmatched = golden
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                Some((normalize(Path::new(g.path.as_deref()?), cwd.as_deref()), i))
            })
            .collect();
        Ok(Checker {
            golden,
            unmatched,
            single,
            settings: Settings::of(options, exclude),
            tolerance: config.tolerance,
            allow_missing: config.allow_missing,
            differ: 0,
            warned: false,
        })
    }

    /// The golden entry of the input shown as `path`, marked as matched.
    fn entry(&mut self, path: &str) -> Option<usize> {
        let cwd = std::env::current_dir().ok();
        let key = normalize(Path::new(path), cwd.as_deref());
        match self.unmatched.remove(&key) {
            Some(i) => Some(i),
            None if self.golden.len() == 1 && self.single => {
                self.unmatched.clear();
                Some(0)
            }
            None => None,
        }
    }

    /// Notes an input that failed: its golden record, if any, is not missing.
    pub fn failed(&mut self, path: &str) {
        self.entry(path);
    }

    /// Checks one image's palette; returns the report of a difference.
    pub fn check(&mut self, path: &str, palette: &Palette) -> Option<String> {
        let shown = escape_control(path);
        let Some(i) = self.entry(path) else {
            self.differ += 1;
            return Some(format!("scenepal: {shown}: not in the golden file"));
        };
        let entry = &self.golden[i];
        if let Some(then) = entry
            .settings
            .as_ref()
            .filter(|&then| *then != self.settings)
        {
            // Every palette differs then; one line says why.
            self.differ += 1;
            let first = !std::mem::replace(&mut self.warned, true);
            return first.then(|| {
                format!(
                    "scenepal: the golden file was made with {}, this run with {}: pass the same options",
                    then.flags(),
                    self.settings.flags()
                )
            });
        }
        let problems = compare(entry, palette, self.tolerance);
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

    /// Ends the check: one line per golden record no input matched (a
    /// failure unless missing images are allowed), then the summary line
    /// (unless `quiet`). True when every image matched.
    pub fn finish(self, golden: &Path, images: usize, failed: usize, quiet: bool) -> bool {
        let mut missing: Vec<(usize, PathBuf)> =
            self.unmatched.into_iter().map(|(p, i)| (i, p)).collect();
        missing.sort();
        if !self.allow_missing {
            for (_, path) in &missing {
                say!(
                    "scenepal: {}: in the golden file but not among the inputs",
                    display_path(path)
                );
            }
        }
        if !quiet {
            let checked = images - failed;
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let mut line = format!(
                "check: {checked} image{} against {}: {} differ, {failed} failed",
                plural(checked),
                display_path(golden),
                self.differ,
            );
            if !missing.is_empty() {
                let allowed = if self.allow_missing { " (allowed)" } else { "" };
                line.push_str(&format!(", {} missing{allowed}", missing.len()));
            }
            say!("{line}");
        }
        self.differ == 0 && (missing.is_empty() || self.allow_missing)
    }
}

/// Compares a palette with its golden record. Colours are paired greedily,
/// closest pairs first, so a reordering alone is never a difference. Returns
/// one readable line per problem (empty: the palette matches).
pub fn compare(golden: &GoldenEntry, actual: &Palette, tol: Tolerance) -> Vec<String> {
    let mut problems = Vec::new();
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
        assert!(compare(&golden[0], &palette(), TOL).is_empty());
    }

    #[test]
    fn a_moved_colour_is_reported_with_its_delta_e() {
        let golden = parse_golden("#c80000\n#0000b0\n").unwrap();
        let problems = compare(&golden[0], &palette(), TOL);
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
        let problems = compare(&golden[0], &palette(), TOL);
        assert_eq!(problems.len(), 2, "{problems:?}");
        let other =
            parse_golden(r##"{"k":5,"algorithm":"kmeans","space":"oklab","seed":42,"colors":[]}"##)
                .unwrap();
        assert_eq!(other[0].settings.as_ref().and_then(|s| s.k), Some(5));
    }

    #[test]
    fn csv_goldens_are_refused_by_name() {
        let err = parse_golden("hex,r,g,b,fraction\n#000000,0,0,0,1.0\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("CSV golden files are not supported"),
            "{err}"
        );
    }
}
