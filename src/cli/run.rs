//! Drives a run: inputs from the command line, parallel extraction, output
//! in input order, pictures, merge, check, summary, and the exit status.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use clap::CommandFactory;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{Cli, ColorChoice};
use scenepal::batch::{panic_text, run_ordered};
use scenepal::check::{compare, parse_golden, GoldenEntry, Tolerance};
use scenepal::input::{
    display_path, escape_control, expand_inputs, is_stdin, path_text, picture_file_name,
    read_file_list, read_input, InputItem,
};
use scenepal::merge::MergedHistogram;
use scenepal::output::barcode::{render_barcode, BarcodeColumn};
use scenepal::output::plot::{render_plot_png, render_plot_svg, PLOT_SAMPLE_PX};
use scenepal::output::swatch::{render_swatch, SwatchOptions, SwatchStyle};
use scenepal::output::{
    encode_png, write_csv_header, write_json_error, write_report, Format, Layout, Report,
};
use scenepal::write::write_output;
use scenepal::{
    extract_palette, extract_palette_from_histogram, extract_palette_with_bins, load_image,
    Algorithm, Bins, LoadOptions, LoadedImage, Options, Palette,
};

/// How a run ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was printed.
    Success,
    /// An input failed or a check found a difference; it has been reported.
    InputFailed,
}

/// Everything a worker needs to process one image.
struct Job {
    options: Options,
    alpha_threshold: u8,
    max_pixels: u64,
    max_bytes: u64,
    swatch: Option<PathBuf>,
    swatch_dir: Option<PathBuf>,
    swatch_options: SwatchOptions,
    plot: Option<PathBuf>,
    /// Compute each image's palette (not needed when only merging).
    per_image_palette: bool,
    /// Hand each image's colour bins back for --merge.
    keep_bins: bool,
}

/// What processing one image yields.
struct ImageResult {
    width: u32,
    height: u32,
    palette: Option<Palette>,
    bins: Option<Bins>,
}

/// A failure: what to name (the input, or an output file, as [`path_text`];
/// control characters are escaped only when it is printed to stderr) and why.
type Failure = (String, anyhow::Error);

/// Runs the command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    if let Some(shell) = cli.completions {
        clap_complete::generate(shell, &mut Cli::command(), "scenepal", &mut io::stdout());
        return Ok(Outcome::Success);
    }
    if cli.man {
        clap_mangen::Man::new(Cli::command()).render(&mut io::stdout())?;
        return Ok(Outcome::Success);
    }
    let started = Instant::now();
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = cli.threads {
        pool = pool.num_threads(n);
    }
    let pool = pool.build().context("cannot start worker threads")?;

    let mut args = cli.inputs.clone();
    if let Some(list) = &cli.files_from {
        match read_file_list(list, cli.null) {
            Ok(paths) => args.extend(paths),
            Err(e) => {
                eprintln!("scenepal: {}: {e:#}", display_path(list));
                return Ok(Outcome::InputFailed);
            }
        }
    }
    let golden = match &cli.check {
        Some(path) => match std::fs::read_to_string(path)
            .map_err(anyhow::Error::from)
            .and_then(|t| parse_golden(&t))
        {
            Ok(entries) => Some(entries),
            Err(e) => {
                eprintln!("scenepal: {}: {e:#}", display_path(path));
                return Ok(Outcome::InputFailed);
            }
        },
        None => None,
    };
    let batch = cli.is_batch();
    let items = expand_inputs(&args, cli.hidden);
    let job = Arc::new(Job {
        options: cli.options(),
        alpha_threshold: cli.alpha_threshold,
        max_pixels: cli.max_pixels,
        max_bytes: cli.max_bytes,
        swatch: cli.swatch.clone().filter(|_| !cli.merge),
        swatch_dir: cli.swatch_dir.clone(),
        swatch_options: SwatchOptions {
            style: cli.swatch_style,
            width: cli.swatch_width,
            proportional: cli.proportional,
        },
        plot: cli.plot.clone().filter(|_| !cli.merge),
        per_image_palette: !cli.merge || cli.barcode.is_some() || cli.swatch_dir.is_some(),
        keep_bins: cli.merge,
    });
    let mut run = RunState::new(&cli, batch, items.len(), golden);
    let window = 2 * pool.current_num_threads();
    let worker_job = Arc::clone(&job);
    run_ordered(
        &pool,
        items,
        if batch { window } else { 1 },
        move |_, item| process(&worker_job, item),
        |_, result| run.take(result),
    );
    run.finish(&cli, &job, started)
}

/// Decodes, extracts and draws one input's pictures (in a worker thread).
fn process(job: &Job, item: &InputItem) -> Result<(String, ImageResult), Failure> {
    let path = match item {
        InputItem::Image(p) => p,
        InputItem::Unreadable(p, reason) => return Err((path_text(p), anyhow!("{reason}"))),
    };
    let shown = path_text(path);
    let name = (!is_stdin(path)).then_some(path.as_path());
    let wants_card = job.swatch_dir.is_some()
        || (job.swatch.is_some() && job.swatch_options.style == SwatchStyle::Card);
    let preview_width = wants_card.then_some(job.swatch_options.width);
    let LoadedImage {
        width,
        height,
        pixels,
        preview,
    } = read_input(path, job.max_bytes)
        .and_then(|bytes| {
            let load = LoadOptions {
                alpha_threshold: job.alpha_threshold,
                preview_width,
                max_pixels: job.max_pixels,
            };
            load_image(&bytes, name, &load)
        })
        .map_err(|e| (shown.clone(), e))?;
    // Bins serve k-means and --merge; the bucket algorithm does without.
    let needs_bins =
        job.keep_bins || (job.per_image_palette && job.options.algorithm == Algorithm::Kmeans);
    let bins = needs_bins.then(|| Bins::of(&pixels));
    let palette = job.per_image_palette.then(|| match &bins {
        Some(bins) => extract_palette_with_bins(&pixels, bins, &job.options),
        None => extract_palette(&pixels, &job.options),
    });
    if let Some(palette) = &palette {
        if let Some(dir) = &job.swatch_dir {
            let target = dir.join(picture_file_name(path));
            let card = SwatchOptions {
                style: SwatchStyle::Card,
                ..job.swatch_options
            };
            write_swatch(&target, palette, preview.as_ref(), &card)?;
        }
        if let Some(target) = &job.swatch {
            write_swatch(target, palette, preview.as_ref(), &job.swatch_options)?;
        }
        if let Some(target) = &job.plot {
            write_plot(
                target,
                palette,
                &pixels.sample(PLOT_SAMPLE_PX, job.options.seed),
            )?;
        }
    }
    let result = ImageResult {
        width,
        height,
        palette,
        bins: bins.filter(|_| job.keep_bins),
    };
    Ok((path_text(path), result))
}

fn write_swatch(
    target: &Path,
    palette: &Palette,
    preview: Option<&image::RgbImage>,
    opts: &SwatchOptions,
) -> Result<(), Failure> {
    let picture = image::DynamicImage::ImageRgb8(render_swatch(palette, preview, opts));
    write_output(target, |w| encode_png(&picture, w)).map_err(|e| (path_text(target), e))
}

fn write_plot(target: &Path, palette: &Palette, sample: &[[u8; 3]]) -> Result<(), Failure> {
    let colors: Vec<_> = palette.colors.iter().map(|s| s.rgb).collect();
    let is_svg = target
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    let written = if is_svg {
        render_plot_svg(sample, &colors)
            .and_then(|svg| write_output(target, |w| w.write_all(svg.as_bytes())))
    } else {
        render_plot_png(sample, &colors).and_then(|png| {
            write_output(target, |w| {
                encode_png(&image::DynamicImage::ImageRgb8(png), w)
            })
        })
    };
    written.map_err(|e| (path_text(target), e))
}

/// The main thread's side of a run: prints each result in input order and
/// keeps what the end of the run needs.
struct RunState {
    out: io::BufWriter<io::Stdout>,
    format: Format,
    layout: Layout,
    preview: bool,
    /// Palettes go to stdout (not in merge or check mode, nor when a picture does).
    print_palettes: bool,
    progress: ProgressBar,
    images: usize,
    failed: usize,
    differ: usize,
    /// A write to stdout failed: stop quietly (broken pipe) or report.
    stdout_error: Option<io::Error>,
    barcode: Vec<BarcodeColumn>,
    merged: Option<MergedHistogram>,
    golden: Option<Vec<GoldenEntry>>,
    /// Golden entries by path.
    golden_index: HashMap<String, usize>,
    options: Options,
    tolerance: Tolerance,
}

impl RunState {
    fn new(cli: &Cli, batch: bool, total: usize, golden: Option<Vec<GoldenEntry>>) -> Self {
        let stdout = io::stdout();
        let preview = cli.format == Format::Hex
            && wants_color(
                cli.color,
                stdout.is_terminal(),
                std::env::var_os("NO_COLOR"),
            );
        let progress = if batch && !cli.quiet && io::stderr().is_terminal() {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            let style =
                ProgressStyle::with_template("{bar:40} {pos}/{len} images  {per_sec}  ETA {eta}")
                    .expect("valid progress template");
            bar.set_style(style);
            bar
        } else {
            ProgressBar::hidden()
        };
        let golden_index = golden
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, g)| Some((g.path.clone()?, i)))
            .collect();
        let mut state = RunState {
            out: io::BufWriter::new(stdout),
            format: cli.format,
            layout: if batch { Layout::Batch } else { Layout::Single },
            preview,
            print_palettes: !cli.merge && golden.is_none() && !cli.picture_on_stdout(),
            progress,
            images: 0,
            failed: 0,
            differ: 0,
            stdout_error: None,
            barcode: Vec::new(),
            merged: cli.merge.then(|| MergedHistogram::new(cli.merge_weight)),
            golden,
            golden_index,
            options: cli.options(),
            tolerance: Tolerance {
                delta_e: cli.tolerance,
                fraction: cli.fraction_tolerance,
            },
        };
        if batch && state.print_palettes && cli.format == Format::Csv {
            let result = write_csv_header(&mut state.out, Layout::Batch);
            state.note_write(result);
        }
        state
    }

    /// Records a stdout write; returns false once stdout is unusable.
    fn note_write(&mut self, result: io::Result<()>) -> bool {
        if let Err(e) = result.and_then(|()| self.out.flush()) {
            self.stdout_error.get_or_insert(e);
        }
        self.stdout_error.is_none()
    }

    /// Prints a diagnostic line without tearing the progress bar.
    fn diagnose(&self, text: &str) {
        self.progress.suspend(|| eprintln!("{text}"));
    }

    /// Handles one input's result; returns false to stop the run.
    fn take(&mut self, result: Result<Result<(String, ImageResult), Failure>, String>) -> bool {
        self.images += 1;
        self.progress.inc(1);
        let result = result
            .unwrap_or_else(|panic| Err(("?".to_owned(), anyhow!("internal error: {panic}"))));
        match result {
            Ok((path, image)) => self.take_image(&path, image),
            Err((shown, e)) => {
                self.failed += 1;
                self.barcode.push(None);
                self.diagnose(&format!("scenepal: {}: {e:#}", escape_control(&shown)));
                if self.print_palettes
                    && self.format == Format::Json
                    && self.layout == Layout::Batch
                {
                    let result = write_json_error(&mut self.out, &shown, &format!("{e:#}"));
                    return self.note_write(result);
                }
                true
            }
        }
    }

    fn take_image(&mut self, path: &str, image: ImageResult) -> bool {
        if let (Some(merged), Some(bins)) = (self.merged.as_mut(), image.bins.as_ref()) {
            merged.add(bins);
        }
        let Some(palette) = image.palette else {
            return true;
        };
        self.barcode.push(Some(
            palette.colors.iter().map(|s| (s.rgb, s.fraction)).collect(),
        ));
        if let Some(golden) = &self.golden {
            // A single image may be checked against a single-palette golden
            // file whatever path it was recorded under.
            let entry = match self.golden_index.get(path) {
                Some(&i) => Some(&golden[i]),
                None => (golden.len() == 1 && self.layout == Layout::Single).then(|| &golden[0]),
            };
            let shown = escape_control(path);
            match entry {
                None => {
                    self.differ += 1;
                    self.diagnose(&format!("scenepal: {shown}: not in the golden file"));
                }
                Some(entry) => {
                    let problems = compare(entry, &palette, &self.options, self.tolerance);
                    if !problems.is_empty() {
                        self.differ += 1;
                        let mut text =
                            format!("scenepal: {shown}: palette differs from the golden file:");
                        for p in problems {
                            text.push_str("\n  ");
                            text.push_str(&p);
                        }
                        self.diagnose(&text);
                    }
                }
            }
        }
        if !self.print_palettes {
            return true;
        }
        let report = Report {
            path: Some(path),
            images: None,
            width: Some(image.width),
            height: Some(image.height),
            options: &self.options,
            palette: &palette,
        };
        let result = write_report(
            &mut self.out,
            &report,
            self.format,
            self.layout,
            self.preview,
        );
        self.note_write(result)
    }

    /// Ends the run: merged palette, barcode, check and batch summaries.
    fn finish(mut self, cli: &Cli, job: &Job, started: Instant) -> Result<Outcome> {
        self.progress.finish_and_clear();
        if let Some(e) = self.stdout_error.take() {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return Ok(Outcome::Success);
            }
            return Err(anyhow::Error::new(e).context("cannot write to stdout"));
        }
        let mut ok = self.failed == 0 && self.differ == 0;
        if let Some(merged) = self.merged.take() {
            ok &= self.finish_merge(cli, job, &merged)?;
        }
        if let Some(path) = &cli.barcode {
            let picture = image::DynamicImage::ImageRgba8(render_barcode(&self.barcode));
            if let Err(e) = write_output(path, |w| encode_png(&picture, w)) {
                eprintln!("scenepal: {}: {e:#}", display_path(path));
                ok = false;
            }
        }
        if !cli.quiet {
            if let Some(g) = &cli.check {
                let checked = self.images - self.failed;
                eprintln!(
                    "check: {checked} images against {}, {} differ, {} failed",
                    display_path(g),
                    self.differ,
                    self.failed
                );
            }
            if self.layout == Layout::Batch {
                eprintln!(
                    "{} images, {} failed, {:.2} s",
                    self.images,
                    self.failed,
                    started.elapsed().as_secs_f64()
                );
            }
        }
        Ok(if ok {
            Outcome::Success
        } else {
            Outcome::InputFailed
        })
    }

    /// Prints and draws the merged palette; false if nothing could be merged.
    fn finish_merge(&mut self, cli: &Cli, job: &Job, merged: &MergedHistogram) -> Result<bool> {
        let histogram = merged.to_histogram();
        if histogram.is_empty() {
            eprintln!("scenepal: no image could be read, so there is nothing to merge");
            return Ok(false);
        }
        let palette = extract_palette_from_histogram(&histogram, &job.options);
        if let Some(target) = &cli.swatch {
            if let Err((shown, e)) = write_swatch(target, &palette, None, &job.swatch_options) {
                eprintln!("scenepal: {}: {e:#}", escape_control(&shown));
                return Ok(false);
            }
        }
        if let Some(target) = &cli.plot {
            if let Err((shown, e)) = write_plot(
                target,
                &palette,
                &histogram.sample(PLOT_SAMPLE_PX, job.options.seed),
            ) {
                eprintln!("scenepal: {}: {e:#}", escape_control(&shown));
                return Ok(false);
            }
        }
        if !cli.picture_on_stdout() {
            let report = Report {
                path: None,
                images: Some(merged.images()),
                width: None,
                height: None,
                options: &job.options,
                palette: &palette,
            };
            write_report(
                &mut self.out,
                &report,
                self.format,
                Layout::Single,
                self.preview,
            )
            .and_then(|()| self.out.flush())
            .context("cannot write to stdout")?;
        }
        Ok(true)
    }
}

/// Runs `work`, turning a panic (a decoder's bug on hostile data) into an
/// error instead of a crash. The panic hook installed by `main` keeps the
/// default multi-line report off stderr.
pub fn guarded<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
        .unwrap_or_else(|payload| Err(anyhow!("internal error: {}", panic_text(&*payload))))
}

/// `auto` follows the terminal and the NO_COLOR convention (any non-empty
/// value turns colour off); `always` and `never` override both.
fn wants_color(choice: ColorChoice, is_terminal: bool, no_color: Option<OsString>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        let err = guarded::<()>(|| panic!("bad\ndata")).unwrap_err();
        assert_eq!(err.to_string(), "internal error: bad data");
    }

    #[test]
    fn colour_follows_terminal_and_no_color() {
        let set = || Some(OsString::from("1"));
        assert!(wants_color(ColorChoice::Auto, true, None));
        assert!(wants_color(ColorChoice::Auto, true, Some(OsString::new())));
        assert!(!wants_color(ColorChoice::Auto, true, set()));
        assert!(!wants_color(ColorChoice::Auto, false, None));
        assert!(wants_color(ColorChoice::Always, false, set()));
        assert!(!wants_color(ColorChoice::Never, true, None));
    }
}
