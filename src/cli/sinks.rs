//! The consumers of results, one small owner each: the printer (stdout), the
//! progress bar and its counts (stderr), the merge and the barcode. The
//! driver hands each result to them in input order.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use scenepal::output::barcode::{render_barcode, BarcodeColumn, BarcodeStill};
use scenepal::output::html::GalleryMerged;
use scenepal::output::plot::PLOT_SAMPLE_PX;
use scenepal::output::{PaletteWriter, Report};
use scenepal::record::{Sampled, Shot};
use scenepal::video::{clock, ShotSpan};
use scenepal::{
    extract_palette_from_histogram, Bins, Exclusion, HistogramOptions, MergeWeight,
    MergedHistogram, Options, Palette, Rgb,
};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use signal_hook::low_level::emulate_default_handler;

use super::config::{BarcodeConfig, MergeConfig, OutputConfig};
use super::explain::explain;
use super::input::display_path;
use super::pictures::{write_picture_png, write_plot, write_swatch};

/// Prints palettes to stdout through the format's writer, remembering the
/// first failed write.
pub struct Printer {
    out: io::BufWriter<io::Stdout>,
    config: OutputConfig,
    writer: PaletteWriter,
    /// A write to stdout failed: stop quietly (broken pipe) or report.
    error: Option<io::Error>,
}

impl Printer {
    /// A printer; the writer begins the output now (a batch's CSV header)
    /// when records are printed per image.
    pub fn new(config: OutputConfig, per_image: bool) -> Self {
        let writer = PaletteWriter::new(
            config.format,
            config.layout,
            config.preview,
            config.terminal_width,
        );
        let mut printer = Printer {
            out: io::BufWriter::new(io::stdout()),
            config,
            writer,
            error: None,
        };
        if per_image && printer.config.text {
            let result = printer.writer.begin(&mut printer.out, printer.config.names);
            printer.note(result);
        }
        printer
    }

    /// Prints one image's record; returns false once stdout is unusable.
    pub fn print(&mut self, report: &Report) -> bool {
        if !self.config.text {
            return true;
        }
        let result = self.writer.record(&mut self.out, report);
        self.note(result)
    }

    /// Prints the merged palette; returns false once stdout is unusable.
    pub fn print_merged(&mut self, report: &Report) -> bool {
        if !self.config.text {
            return true;
        }
        let result = self.writer.merged(&mut self.out, report);
        self.note(result)
    }

    /// Ends the output (a batch's ASE file).
    pub fn finish(&mut self) {
        if !self.config.text {
            return;
        }
        let result = self.writer.end(&mut self.out);
        self.note(result);
    }

    /// Prints a merged histogram document.
    pub fn print_histogram(&mut self, document: &str) -> bool {
        if !self.config.text {
            return true;
        }
        let result = self.writer.histogram(&mut self.out, document);
        self.note(result)
    }

    /// True when colour names are printed.
    pub fn names(&self) -> bool {
        self.config.names
    }

    /// A failed input's record (JSON Lines in a batch's JSON).
    pub fn print_error(&mut self, shown: &str, error: &anyhow::Error) -> bool {
        if !self.config.text {
            return true;
        }
        let result = self
            .writer
            .error(&mut self.out, shown, &format!("{error:#}"));
        self.note(result)
    }

    /// Records a write; returns false once stdout is unusable.
    fn note(&mut self, result: io::Result<()>) -> bool {
        if let Err(e) = result.and_then(|()| self.out.flush()) {
            self.error.get_or_insert(e);
        }
        self.error.is_none()
    }

    /// Notes that stdout's reader went away (a picture written there failed).
    pub fn stdout_closed(&mut self) {
        self.error
            .get_or_insert(io::Error::from(io::ErrorKind::BrokenPipe));
    }

    /// The first failed write, if any.
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }
}

/// The progress bar (on a terminal only) and the run's counts.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    /// Inputs handled.
    pub images: usize,
    /// Inputs that failed.
    pub failed: usize,
    /// Inputs handled, and whether the batch is over, as the interrupt
    /// watcher reads them.
    shared: Arc<Shared>,
}

/// The bar's look, counting `unit`s ("images", or "frames" for films):
/// done of expected, the rate and the time left.
pub fn bar_style(unit: &'static str) -> ProgressStyle {
    ProgressStyle::with_template(&format!(
        "{{wide_bar}} {{pos}}/{{len}} {unit}  {{rate}}  ETA {{eta}}"
    ))
    .expect("valid progress template")
    .with_key(
        "rate",
        move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.1} {unit}/s", state.per_sec());
        },
    )
}

/// What the interrupt watcher needs to know of the batch.
#[derive(Default)]
struct Shared {
    handled: AtomicUsize,
    over: AtomicBool,
}

impl Progress {
    /// A bar for `total` inputs when `shown` and stderr is a terminal. When
    /// `shown` (a batch with its summary), Ctrl-C or SIGTERM clears the bar
    /// and ends the run with "interrupted after N of M images".
    pub fn new(shown: bool, total: usize) -> Self {
        let bar = if shown && io::stderr().is_terminal() {
            let target =
                ProgressDrawTarget::term_like_with_hz(Box::new(ShortOfTheEdge::stderr()), 20);
            let bar = ProgressBar::with_draw_target(Some(total as u64), target);
            bar.set_style(bar_style("images"));
            bar
        } else {
            ProgressBar::hidden()
        };
        let shared = Arc::new(Shared::default());
        if shown {
            watch_interrupts(bar.clone(), Arc::clone(&shared), total);
        }
        Progress {
            bar,
            started: Instant::now(),
            images: 0,
            failed: 0,
            shared,
        }
    }

    /// Counts one handled input.
    pub fn tick(&mut self, failed: bool) {
        self.images += 1;
        self.failed += failed as usize;
        self.shared.handled.store(self.images, Ordering::Relaxed);
        self.bar.inc(1);
    }

    /// Prints a diagnostic without tearing the bar.
    pub fn diagnose(&self, text: &str) {
        self.bar.suspend(|| say!("{text}"));
    }

    /// Runs `print` with the bar cleared from the screen, then redraws it
    /// below: results and the bar share a terminal without stale bar lines.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        self.bar.suspend(print)
    }

    /// A handle on the bar, to grow its total as films are opened.
    pub fn handle(&self) -> ProgressBar {
        self.bar.clone()
    }

    /// Removes the bar: the batch is over.
    pub fn clear(&self) {
        self.shared.over.store(true, Ordering::Relaxed);
        self.bar.finish_and_clear();
    }

    /// The batch summary line.
    pub fn summary(&self) -> String {
        format!(
            "{} image{}, {} failed, {:.2} s",
            self.images,
            if self.images == 1 { "" } else { "s" },
            self.failed,
            self.started.elapsed().as_secs_f64()
        )
    }
}

/// stderr's terminal as the bar sees it: two columns narrower than it is.
/// indicatif fills the bar's line to the width it is told; at the real
/// width the cursor waits at the edge, the `^C` a terminal echoes for
/// Ctrl-C wraps onto a new line, and clearing the bar then clears that line
/// instead, leaving the bar on the screen.
#[derive(Debug)]
struct ShortOfTheEdge(console::Term);

impl ShortOfTheEdge {
    fn stderr() -> Self {
        ShortOfTheEdge(console::Term::stderr())
    }
}

impl indicatif::TermLike for ShortOfTheEdge {
    fn width(&self) -> u16 {
        self.0.size().1.saturating_sub(2).max(1)
    }
    fn height(&self) -> u16 {
        self.0.size().0
    }
    fn move_cursor_up(&self, n: usize) -> io::Result<()> {
        self.0.move_cursor_up(n)
    }
    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        self.0.move_cursor_down(n)
    }
    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        self.0.move_cursor_right(n)
    }
    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        self.0.move_cursor_left(n)
    }
    fn write_line(&self, s: &str) -> io::Result<()> {
        self.0.write_line(s)
    }
    fn write_str(&self, s: &str) -> io::Result<()> {
        self.0.write_str(s)
    }
    fn clear_line(&self) -> io::Result<()> {
        self.0.clear_line()
    }
    fn flush(&self) -> io::Result<()> {
        self.0.flush()
    }
}

/// On the first SIGINT or SIGTERM, clears `bar` (a bar left on the screen
/// reads as work still going on), says how far the batch got, and ends the
/// process as that signal would have (a shell sees 130 for Ctrl-C, 143 for
/// SIGTERM; a script's loop stops). The message is written while the bar is
/// suspended, so no result line is cut by it. Without the watcher (it could
/// not be set up) the signals end the run as before.
fn watch_interrupts(bar: ProgressBar, shared: Arc<Shared>, total: usize) {
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    let watcher = move || {
        let Some(signal) = signals.forever().next() else {
            return;
        };
        bar.suspend(|| {
            if !shared.over.load(Ordering::Relaxed) {
                let handled = shared.handled.load(Ordering::Relaxed);
                say!("interrupted after {handled} of {total} images");
            }
            // Back to the default action, raised again: the process ends here.
            let _ = emulate_default_handler(signal);
            std::process::exit(128 + signal);
        });
    };
    let _ = std::thread::Builder::new()
        .name("interrupts".into())
        .spawn(watcher);
}

/// Folds every image's colour bins into the merged palette.
pub struct MergeSink {
    merged: MergedHistogram,
    config: MergeConfig,
    /// The input whose recorded options a reduce adopted.
    settled_by: Option<String>,
}

impl MergeSink {
    /// An empty merge.
    pub fn new(config: MergeConfig) -> Self {
        MergeSink {
            merged: MergedHistogram::new(config.histogram.merge_weight),
            config,
            settled_by: None,
        }
    }

    /// Adds one image's bins.
    pub fn add(&mut self, bins: &Bins) {
        self.merged.add(bins);
    }

    /// Reads a merged histogram document (another shard's merge) for
    /// [`absorb`](Self::absorb), with the options it was made with.
    pub fn read_document(text: &str) -> Result<(MergedHistogram, HistogramOptions)> {
        MergedHistogram::from_json(text).map_err(explain)
    }

    /// Settles the options of a reduce on those `made_with` records: the
    /// first input's are adopted where the command line gave none, and an
    /// input that disagrees with them, or with an option given, is refused.
    /// `first` is the shown name of the first input read.
    pub fn settle(&mut self, made_with: &HistogramOptions, first: &str) -> Result<()> {
        let given = self.config.given;
        let ours = &mut self.config.histogram;
        if self.settled_by.is_none() {
            if !given.merge_weight {
                ours.merge_weight = made_with.merge_weight;
                self.merged = MergedHistogram::new(made_with.merge_weight);
            }
            if !given.alpha_threshold {
                ours.alpha_threshold = made_with.alpha_threshold;
            }
            if !given.space {
                ours.space = made_with.space;
            }
            if !given.exclude {
                ours.exclude = made_with.exclude.clone();
            }
            self.settled_by = Some(first.to_owned());
        }
        let show_exclude = |list: &[scenepal::Exclusion]| match list {
            [] => "no --exclude".to_owned(),
            _ => list
                .iter()
                .map(|e| format!("--exclude {e}"))
                .collect::<Vec<_>>()
                .join(" "),
        };
        // (what it was made with, what this run has, whether the run's came
        // from the command line)
        let differences = [
            (made_with.merge_weight != ours.merge_weight).then(|| {
                (
                    format!("--merge-weight {}", made_with.merge_weight.name()),
                    format!("--merge-weight {}", ours.merge_weight.name()),
                    given.merge_weight,
                )
            }),
            (made_with.space != ours.space).then(|| {
                (
                    format!("--space {}", made_with.space.name()),
                    format!("--space {}", ours.space.name()),
                    given.space,
                )
            }),
            (made_with.alpha_threshold != ours.alpha_threshold).then(|| {
                (
                    format!("--alpha-threshold {}", made_with.alpha_threshold),
                    format!("--alpha-threshold {}", ours.alpha_threshold),
                    given.alpha_threshold,
                )
            }),
            (made_with.exclude != ours.exclude).then(|| {
                (
                    show_exclude(&made_with.exclude),
                    show_exclude(&ours.exclude),
                    given.exclude,
                )
            }),
        ];
        match differences.into_iter().flatten().next() {
            None => Ok(()),
            Some((theirs, ours, true)) => {
                anyhow::bail!("made with {theirs}, but this run uses {ours} (give every step the same options)")
            }
            Some((theirs, ours, false)) => {
                let first = self.settled_by.as_deref().unwrap_or("-");
                anyhow::bail!(
                    "made with {theirs}, but {first} was made with {ours}: histograms made with different options cannot be merged"
                )
            }
        }
    }

    /// Adds a histogram read by [`read_document`](Self::read_document).
    pub fn absorb(&mut self, histogram: &MergedHistogram) -> Result<()> {
        self.merged.absorb(histogram).map_err(explain)
    }

    /// Extracts, draws and prints the merged palette; false (reported) if
    /// nothing could be merged or a picture could not be written. Hands the
    /// palette on for the gallery.
    pub fn finish(
        self,
        options: &Options,
        printer: &mut Printer,
    ) -> Result<(bool, Option<GalleryMerged>)> {
        if self.config.write_histogram {
            // Written even when empty: a shard whose images all failed is
            // still a shard, and its reduce adds nothing.
            printer.print_histogram(&self.merged.to_json(&self.config.histogram));
            return match printer.take_error() {
                Some(e) => Err(anyhow::Error::new(e).context("cannot write to stdout")),
                None => Ok((true, None)),
            };
        }
        let histogram = self.merged.to_histogram();
        if histogram.is_empty() {
            say!("scenepal: no image could be read, so there is nothing to merge");
            return Ok((false, None));
        }
        // A reduce may have adopted its inputs' space.
        let options = &Options {
            space: self.config.histogram.space,
            ..options.clone()
        };
        let palette = extract_palette_from_histogram(&histogram, options).map_err(explain)?;
        let pictures = &self.config.pictures;
        let written = pictures
            .swatch
            .as_deref()
            .map(|target| write_swatch(target, &palette, None, &pictures.swatch_options))
            .transpose()
            .and_then(|_| {
                let sample = || histogram.sample(PLOT_SAMPLE_PX, options.seed);
                let plot = pictures.plot.as_deref();
                plot.map(|target| write_plot(target, &palette, &sample()))
                    .transpose()
            });
        let summary = self.merged.summary();
        let for_page = Some(GalleryMerged::new(&palette, summary));
        if let Err((shown, e)) = written {
            if super::is_broken_pipe(&e) {
                // Its reader went away: the run ends quietly.
                return Err(e);
            }
            say!(
                "scenepal: {}: {e:#}",
                scenepal::output::escape_control(&shown)
            );
            return Ok((false, for_page));
        }
        let report = Report {
            merged: Some(summary),
            ..Report::new(
                &palette,
                options,
                &self.config.histogram.exclude,
                printer.names(),
            )
        };
        printer.print_merged(&report);
        match printer.take_error() {
            Some(e) => Err(anyhow::Error::new(e).context("cannot write to stdout")),
            None => Ok((true, for_page)),
        }
    }
}

/// Collects one barcode column per input, in input order.
pub struct BarcodeSink {
    config: BarcodeConfig,
    columns: Vec<BarcodeColumn>,
}

impl BarcodeSink {
    /// An empty barcode.
    pub fn new(config: BarcodeConfig) -> Self {
        BarcodeSink {
            config,
            columns: Vec::new(),
        }
    }

    /// Adds an input's column: its palette and mean colour (`None`: it
    /// failed, its column stays empty).
    pub fn add(&mut self, still: Option<(&Palette, Option<Rgb>)>) {
        self.columns.push(still.map(|(palette, mean)| BarcodeStill {
            // Computed only when the style shows it.
            mean: mean.unwrap_or_default(),
            palette: palette.colors.iter().map(|s| (s.rgb, s.fraction)).collect(),
        }));
    }

    /// Draws and writes the barcode; false (reported) if it cannot be written.
    pub fn finish(self) -> bool {
        let picture = render_barcode(&self.columns, &self.config.options);
        let target = &self.config.target;
        match write_picture_png(target, &image::DynamicImage::ImageRgba8(picture)) {
            Ok(()) => true,
            Err(e) => {
                say!("scenepal: {}: {e:#}", display_path(target));
                false
            }
        }
    }
}

/// With `--per-shot`: merges the frames of each shot as they come (in input
/// order, so a shot's frames are consecutive) and prints the shot's palette
/// when the next shot starts and at the end.
pub struct ShotSink {
    weight: MergeWeight,
    /// The shot being merged: its record's name and span.
    current: Option<(String, ShotSpan)>,
    /// The time of the last frame merged (ms): a frame at or before it
    /// starts another film, even the same one given again.
    last_ms: Option<u64>,
    merged: MergedHistogram,
    /// How the film was sampled, for the records.
    sampled: Sampled,
}

impl ShotSink {
    /// No shot yet.
    pub fn new(weight: MergeWeight, sampled: Sampled) -> Self {
        ShotSink {
            weight,
            sampled,
            current: None,
            last_ms: None,
            merged: MergedHistogram::new(weight),
        }
    }

    /// Adds a frame (`name`, `film.mkv@TIME`, at `ms`) of `shot`; a new
    /// shot first prints the one before. False when stdout is gone.
    pub fn add(
        &mut self,
        name: &str,
        (shot, ms): (ShotSpan, u64),
        bins: &Bins,
        job: (&Options, &[Exclusion]),
        printer: &mut Printer,
    ) -> Result<bool> {
        let film = name.rsplit_once('@').map_or(name, |(film, _)| film);
        let record = format!("{film}@{}", clock(shot.start_ms));
        // A film's frames come in time order: an earlier time is the next
        // input's first frame.
        let later = self.last_ms.is_none_or(|last| ms > last);
        let ok = match &self.current {
            Some(current) if later && *current == (record.clone(), shot) => true,
            _ => self.flush(job, printer)?,
        };
        self.last_ms = Some(ms);
        if self.current.is_none() {
            self.current = Some((record, shot));
        }
        self.merged.add(bins);
        Ok(ok)
    }

    /// Prints the shot being merged, if any, and starts afresh.
    pub fn flush(&mut self, job: (&Options, &[Exclusion]), printer: &mut Printer) -> Result<bool> {
        let Some((name, span)) = self.current.take() else {
            return Ok(true);
        };
        self.last_ms = None;
        let merged = std::mem::replace(&mut self.merged, MergedHistogram::new(self.weight));
        let histogram = merged.to_histogram();
        if histogram.is_empty() {
            return Ok(true);
        }
        let (options, exclude) = job;
        let palette = extract_palette_from_histogram(&histogram, options).map_err(explain)?;
        let report = Report {
            path: Some(&name),
            merged: Some(merged.summary()),
            time: Some(span.start_ms as f64 / 1000.0),
            shot: Some(Shot::from(span)),
            sampled: Some(&self.sampled),
            ..Report::new(&palette, options, exclude, printer.names())
        };
        Ok(printer.print(&report))
    }
}
