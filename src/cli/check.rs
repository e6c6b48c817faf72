//! Check mode: compare palettes with a golden file scenepal wrote earlier
//! (JSON, JSON Lines, or hex) by the earth mover's distance between them
//! (ground distance CIEDE2000), and explain a difference colour by colour
//! and fraction by fraction. JSON is read with the library's [`Record`], the
//! type scenepal writes it with.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use scenepal::color::{delta_e, parse_hex, to_hex, Rgb};
use scenepal::output::escape_control;
use scenepal::record::{Record, Sampled, Settings};
use scenepal::transport::palette_distance;
use scenepal::Exclusion;
use scenepal::{Options, Palette};

use super::input::{display_path, normalize};
use super::open::read_input;

/// Default tolerance: the largest earth mover's distance (CIEDE2000 ΔE)
/// between a palette and its golden one that passes. Measured with
/// `benches/tolerance.sh` on 15 stills (the corpus and the golden-file
/// fixtures): 69 of 74 re-encodes (JPEG 80-95, WebP 80, a 256-colour PNG)
/// pass and 67 of 88 edits (brightness +10%, hue 10°, grey, gamma 1.1,
/// saturation +20%, a red square over 5%) fail, the fewest cases on the
/// wrong side of any threshold tried (docs/guide.md has the table).
pub const DEFAULT_TOLERANCE_DE: f32 = 3.5;
/// Default fraction tolerance (absolute), for the colour-by-colour report.
pub const DEFAULT_FRACTION_TOLERANCE: f64 = 0.01;

/// The golden file and how close a palette must be to it.
pub struct CheckConfig {
    /// The golden file.
    pub golden: PathBuf,
    /// Allowed differences.
    pub tolerance: Tolerance,
    /// Golden records whose image is not among the inputs are no failure.
    pub allow_missing: bool,
    /// What the golden file's relative paths are resolved against (`None`:
    /// the working directory).
    pub root: Option<PathBuf>,
    /// A JSON Lines report of the check goes to stdout.
    pub json: bool,
}

/// Tolerances of a check.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    /// Largest earth mover's distance (CIEDE2000 ΔE) that passes; in the
    /// report of a palette that does not, colours that moved further.
    pub delta_e: f32,
    /// In the report of a palette that differs, fractions that moved more.
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
    /// How the golden frame's film was sampled (JSON, frames of films).
    pub sampled: Option<Sampled>,
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
        sampled: None,
    }
}

fn json_entry(record: Record) -> Result<GoldenEntry> {
    Ok(match record {
        Record::Error(e) => GoldenEntry {
            path: e.path,
            colors: None,
            settings: None,
            sampled: None,
        },
        Record::Palette(p) => GoldenEntry {
            settings: p.settings(),
            sampled: p.sampled(),
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

/// How one input compared with the golden file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    /// Within the tolerance.
    Same,
    /// Further from its golden palette than the tolerance (or made with
    /// other options, or recorded as an error then).
    Changed,
    /// Not in the golden file.
    New,
    /// In the golden file, not among the inputs.
    Missing,
    /// The input could not be read (its error is on stderr).
    Failed,
}

/// One line of the JSON check report (`--check` with `-f json`).
#[derive(serde::Serialize)]
struct CheckRecord<'a> {
    /// The input as named (for a missing one, as the golden file names it).
    path: &'a str,
    /// same, changed, new, missing or failed.
    status: Status,
    /// Earth mover's distance to the golden palette, CIEDE2000 ΔE.
    #[serde(skip_serializing_if = "Option::is_none")]
    emd: Option<f64>,
    /// The largest CIEDE2000 ΔE between colours paired one to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_delta_e: Option<f64>,
    /// The tolerance the distance was held to.
    #[serde(skip_serializing_if = "Option::is_none")]
    tolerance: Option<f64>,
    /// What differs, one readable line each (changed palettes).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    differences: &'a [String],
    /// For a missing still, where it was looked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    looked_for: Option<String>,
}

/// The golden-file checker: finds each image's golden record (paths matched
/// after [`normalize`], golden ones resolved against `--root`), reports the
/// differences, and at the end the golden records no input matched.
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
    /// Where golden paths are resolved: `--root`, or the working directory.
    root: Option<PathBuf>,
    /// A JSON Lines report goes to stdout.
    json: bool,
    /// The first error writing that report (a closed pipe ends it quietly).
    write_error: Option<std::io::Error>,
    /// Images whose palette differs.
    changed: usize,
    /// Images the golden file lacks.
    new: usize,
    /// Why golden records were made otherwise, each said once.
    warned: std::collections::HashSet<String>,
}

impl Checker {
    /// Reads the golden file (at most `max_bytes` of it, and only a regular
    /// file); the error names the reason (the caller names the file).
    pub fn open(
        golden: &Path,
        single: bool,
        options: &Options,
        exclude: &[Exclusion],
        config: &CheckConfig,
        max_bytes: u64,
    ) -> Result<Self> {
        // A FIFO or device is refused unopened: it could block the run.
        let text = String::from_utf8(read_input(golden, max_bytes)?)
            .map_err(|_| anyhow!("not a golden file (not UTF-8 text)"))?;
        let golden = parse_golden(&text)?;
        let cwd = std::env::current_dir().ok();
        let root = config.root.clone();
        let unmatched = golden
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let path = resolve(root.as_deref(), Path::new(g.path.as_deref()?));
                Some((normalize(&path, cwd.as_deref()), i))
            })
            .collect();
        Ok(Checker {
            golden,
            unmatched,
            single,
            settings: Settings::of(options, exclude),
            tolerance: config.tolerance,
            allow_missing: config.allow_missing,
            root,
            json: config.json,
            write_error: None,
            changed: 0,
            new: 0,
            warned: Default::default(),
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
        self.record(&CheckRecord::new(path, Status::Failed));
    }

    /// Checks one image's palette (of a film's frame sampled as `sampled`
    /// says); returns the report of a difference.
    pub fn check(
        &mut self,
        path: &str,
        palette: &Palette,
        sampled: Option<&Sampled>,
    ) -> Option<String> {
        let shown = escape_control(path);
        let Some(i) = self.entry(path) else {
            self.new += 1;
            self.record(&CheckRecord::new(path, Status::New));
            return Some(format!("scenepal: {shown}: new: not in the golden file"));
        };
        let entry = &self.golden[i];
        let settings = entry
            .settings
            .as_ref()
            .filter(|&then| *then != self.settings)
            .map(|then| (then.flags(), self.settings.flags()));
        // A frame sampled otherwise (a frame asked for by its time, or one
        // whose golden record predates sampling records, is not compared).
        let sampling = match (&entry.sampled, sampled) {
            (Some(then), Some(now)) if then != now => Some((then.flags(), now.flags())),
            _ => None,
        };
        if let Some((then, now)) = settings.or(sampling) {
            // Every palette differs then; one line says why.
            self.changed += 1;
            let why = format!(
                "the golden file was made with {then}, this run with {now}: pass the same options"
            );
            self.record(&CheckRecord {
                differences: std::slice::from_ref(&why),
                ..CheckRecord::new(path, Status::Changed)
            });
            let first = self.warned.insert(why.clone());
            return first.then(|| format!("scenepal: {why}"));
        }
        let comparison = compare(entry, palette, self.tolerance);
        let status = if comparison.same {
            Status::Same
        } else {
            self.changed += 1;
            Status::Changed
        };
        self.record(&CheckRecord {
            emd: comparison.emd.map(round),
            max_delta_e: comparison.max_delta_e.map(|d| round(f64::from(d))),
            tolerance: Some(round(f64::from(self.tolerance.delta_e))),
            differences: if comparison.same {
                &[]
            } else {
                &comparison.differences
            },
            ..CheckRecord::new(path, status)
        });
        if comparison.same {
            return None;
        }
        let mut text = format!("scenepal: {shown}: palette differs from the golden file:");
        for p in &comparison.differences {
            text.push_str("\n  ");
            text.push_str(p);
        }
        Some(text)
    }

    /// One line of the JSON report, when there is one.
    fn record(&mut self, record: &CheckRecord) {
        if !self.json || self.write_error.is_some() {
            return;
        }
        let line = serde_json::to_string(record).expect("a check record serialises");
        if let Err(e) = writeln!(std::io::stdout().lock(), "{line}") {
            self.write_error = Some(e);
        }
    }

    /// Ends the check: one line per golden record no input matched (a
    /// failure unless missing images are allowed), then the summary line
    /// (unless `quiet`). True when every image matched.
    pub fn finish(mut self, golden: &Path, images: usize, failed: usize, quiet: bool) -> bool {
        let mut missing: Vec<(usize, PathBuf)> = std::mem::take(&mut self.unmatched)
            .into_iter()
            .map(|(p, i)| (i, p))
            .collect();
        missing.sort();
        let cwd = std::env::current_dir().unwrap_or_default();
        for (i, key) in &missing {
            let named = self.golden[*i].path.clone().unwrap_or_default();
            let looked_for = display_path(&cwd.join(key));
            self.record(&CheckRecord {
                looked_for: Some(looked_for.clone()),
                ..CheckRecord::new(&named, Status::Missing)
            });
            if !self.allow_missing {
                let hint = match &self.root {
                    Some(root) => format!("golden paths are resolved against --root {}", display_path(root)),
                    None => "golden paths are resolved against the working directory; --root DIR changes that".to_owned(),
                };
                say!(
                    "scenepal: {}: in the golden file but not among the inputs (looked for {looked_for}; {hint})",
                    escape_control(&named)
                );
            }
        }
        let written = match self.write_error.take() {
            Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                say!("scenepal: cannot write to stdout: {e}");
                false
            }
            _ => true,
        };
        if !quiet {
            let checked = images - failed;
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let allowed = if self.allow_missing && !missing.is_empty() {
                " (allowed)"
            } else {
                ""
            };
            say!(
                "check: {checked} image{} against {}: {} changed, {} new, {} missing{allowed}, {failed} failed",
                plural(checked),
                display_path(golden),
                self.changed,
                self.new,
                missing.len(),
            );
        }
        written && self.changed == 0 && self.new == 0 && (missing.is_empty() || self.allow_missing)
    }
}

impl<'a> CheckRecord<'a> {
    /// A record with no numbers.
    fn new(path: &'a str, status: Status) -> Self {
        CheckRecord {
            path,
            status,
            emd: None,
            max_delta_e: None,
            tolerance: None,
            differences: &[],
            looked_for: None,
        }
    }
}

/// A golden path resolved against `root` (absolute paths stay as they are).
fn resolve(root: Option<&Path>, path: &Path) -> PathBuf {
    match root {
        Some(root) => root.join(path),
        None => path.to_path_buf(),
    }
}

/// A distance with four decimals: enough to compare, stable to print.
fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// A palette compared with its golden record.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Within the tolerance: the earth mover's distance is at most it.
    pub same: bool,
    /// The earth mover's distance, CIEDE2000 ΔE (`None`: the golden run
    /// recorded an error for this image).
    pub emd: Option<f64>,
    /// The largest ΔE between colours paired one to one, closest first.
    pub max_delta_e: Option<f32>,
    /// One readable line per difference: the distance, then colour by
    /// colour what moved, appeared or went.
    pub differences: Vec<String>,
}

/// Compares a palette with its golden record by the earth mover's distance
/// between them as weighted colour sets (fractions as weights; equal weights
/// when the golden file has no fractions), ground distance CIEDE2000. Two
/// k-means clusters that traded places cost almost nothing, unlike a fixed
/// pairing. The differences list, for a palette further away than the
/// tolerance, pairs colours greedily, closest pairs first, so a reordering
/// alone is never a difference.
pub fn compare(golden: &GoldenEntry, actual: &Palette, tol: Tolerance) -> Comparison {
    let Some(expected) = &golden.colors else {
        return Comparison {
            same: false,
            emd: None,
            max_delta_e: None,
            differences: vec![
                "the golden run recorded an error for this image, this run found a palette"
                    .to_owned(),
            ],
        };
    };
    // Fractions as weights when the golden file has them, else equal ones.
    let recorded = expected.iter().all(|g| g.1.is_some());
    let ours: Vec<(Rgb, f64)> = expected
        .iter()
        .map(|g| (g.0, if recorded { g.1.unwrap_or(0.0) } else { 1.0 }))
        .collect();
    let theirs: Vec<(Rgb, f64)> = actual
        .colors
        .iter()
        .map(|a| (a.rgb, if recorded { a.fraction } else { 1.0 }))
        .collect();
    let emd = palette_distance(&ours, &theirs);
    let same = emd <= f64::from(tol.delta_e);
    let (max_delta_e, per_colour) = colour_by_colour(expected, actual, tol);
    let mut differences = Vec::new();
    if !same {
        differences.push(format!(
            "earth mover's distance ΔE {emd:.2} > {:.2}",
            tol.delta_e
        ));
        differences.extend(per_colour);
    }
    Comparison {
        same,
        emd: Some(emd),
        max_delta_e,
        differences,
    }
}

/// Colours paired greedily, closest first: the largest ΔE of a pair, and
/// one line per colour that moved further than the tolerance, whose
/// fraction moved more than its tolerance, or that has no partner.
fn colour_by_colour(
    expected: &[(Rgb, Option<f64>)],
    actual: &Palette,
    tol: Tolerance,
) -> (Option<f32>, Vec<String>) {
    let mut problems = Vec::new();
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
    let max_delta_e = golden_match
        .iter()
        .flatten()
        .map(|&(_, de)| de)
        .max_by(f32::total_cmp);
    (max_delta_e, problems)
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
        let c = compare(&golden[0], &palette(), TOL);
        assert!(c.same && c.differences.is_empty(), "{c:?}");
        assert_eq!((c.emd, c.max_delta_e), (Some(0.0), Some(0.0)));
    }

    #[test]
    fn a_moved_colour_is_reported_with_its_delta_e() {
        // Equal weights (a hex golden file): half the palette moves by ΔE d.
        let golden = parse_golden("#c80000\n#0000a0\n").unwrap();
        let d = delta_e([0, 0, 0xa0], [0, 0, 0xc8]);
        let c = compare(&golden[0], &palette(), TOL);
        assert!(!c.same);
        assert!((c.emd.unwrap() - f64::from(d) / 2.0).abs() < 1e-6, "{c:?}");
        assert_eq!(c.max_delta_e, Some(d));
        assert_eq!(c.differences.len(), 2, "{c:?}");
        assert!(c.differences[0].starts_with("earth mover's distance ΔE"));
        assert!(
            c.differences[1].starts_with("#0000a0 -> #0000c8  ΔE"),
            "{c:?}"
        );
    }

    #[test]
    fn clusters_that_traded_places_pass_by_the_transport_distance() {
        // Two near-equal greys that k-means split 0.5/0.5 here and 0.7/0.3
        // in the golden run: a fixed pairing reports both shares off by
        // 0.2, the transport moves 0.2 of the image by a small ΔE.
        let hist = ColorHistogram::from_pairs([([100, 100, 100], 1), ([104, 104, 104], 1)]);
        let actual = extract_palette_from_histogram(&hist, &Options::default()).unwrap();
        let golden = parse_golden(
            r##"{"colors":[{"hex":"#646464","fraction":0.7},{"hex":"#686868","fraction":0.3}]}"##,
        )
        .unwrap();
        let c = compare(&golden[0], &actual, TOL);
        let d = f64::from(delta_e([100; 3], [104; 3]));
        assert!((c.emd.unwrap() - 0.2 * d).abs() < 1e-6, "{c:?}");
        assert!(c.same && c.differences.is_empty(), "{c:?}");
        assert_eq!(
            colour_by_colour(&golden[0].colors.clone().unwrap(), &actual, TOL)
                .1
                .len(),
            2
        );
    }

    #[test]
    fn fractions_and_settings_are_checked() {
        // Shares 0.75/0.25 recorded as 0.5/0.5: a quarter of the image
        // moves from blue to red.
        let golden = parse_golden(
            r##"{"colors":[{"hex":"#c80000","fraction":0.5},{"hex":"#0000c8","fraction":0.5}]}"##,
        )
        .unwrap();
        let c = compare(&golden[0], &palette(), TOL);
        let d = f64::from(delta_e([200, 0, 0], [0, 0, 200]));
        assert!((c.emd.unwrap() - d / 4.0).abs() < 1e-6, "{c:?}");
        assert!(!c.same);
        assert_eq!(c.differences.len(), 3, "{c:?}");
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
