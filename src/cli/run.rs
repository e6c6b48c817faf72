//! The driver: expand the inputs, extract each image's palette in parallel
//! (in [`process`], on a worker), hand the results in input order to the
//! consumers that want them, and close the run with its exit status.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use scenepal::manage::Managed;
use scenepal::output::html::{
    encode_jpeg, encode_sample, jpeg_data_uri, palette_entries, GalleryStill, HtmlImages,
    HTML_SAMPLE_PX,
};
use scenepal::output::plot::PLOT_SAMPLE_PX;
use scenepal::output::swatch::{SwatchOptions, SwatchStyle};
use scenepal::output::{escape_control, Layout, Report};
use scenepal::record::Shot;
use scenepal::video::ShotSpan;
use scenepal::{load_cost, load_image, Analysis, Bins, Crop, Palette, Rgb};

use super::budget::show_bytes;
use super::check::Checker;
use super::config::{Config, Job};
use super::explain::explain;
use super::films::{explain_film, frame_record_name, Units, Work};
use super::gallery::GallerySink;
use super::input::{
    common_folder, display_path, expand_inputs, io_reason, is_stdin, picture_file_name,
    read_file_list, InputItem,
};
use super::is_broken_pipe;
use super::open::{read_input, read_pipe};
use super::ordered::{panic_text, run_ordered};
use super::pictures::{write_plot, write_swatch, Failure};
use super::sinks::{BarcodeSink, MergeSink, Printer, Progress, ShotSink};
use super::tally::Tally;
use scenepal::video::{clock, decoder_bytes, is_video_header, Admit, Film, FilmInfo};

/// How a run ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was printed.
    Success,
    /// An input failed or a check found a difference; it has been reported.
    InputFailed,
}

/// The reduce of a distributed merge: reads every merged histogram named
/// (files, or `-`), adds them up and finishes as `--merge` does. One that
/// cannot be read or merged fails the whole run, before anything is
/// printed: a palette with a shard missing would look complete.
fn merge_histograms(
    pool: &rayon::ThreadPool,
    paths: &[std::path::PathBuf],
    config: Config,
) -> Result<Outcome> {
    use rayon::prelude::*;
    let merge_config = config
        .merge
        .context("--from-histograms merges: the merge is configured")?;
    let mut merge = MergeSink::new(merge_config);
    let max_bytes = config.job.limits.max_bytes;
    // Parsed a few at a time in parallel (parsing is the cost), added in
    // input order, so the first bad file in order is the one reported.
    for group in paths.chunks(2 * pool.current_num_threads()) {
        let read: Vec<Result<_>> = pool.install(|| {
            group
                .par_iter()
                .map(|path| {
                    let text = String::from_utf8(read_input(path, max_bytes)?)
                        .map_err(|_| anyhow!("not a scenepal histogram (not UTF-8 text)"))?;
                    MergeSink::read_document(&text)
                })
                .collect()
        });
        for (path, histogram) in group.iter().zip(read) {
            let first = display_path(&paths[0]);
            let absorbed = histogram.and_then(|(histogram, made_with)| {
                merge.settle(&made_with, &first)?;
                merge.absorb(&histogram)
            });
            if let Err(e) = absorbed {
                say!("scenepal: {}: {e:#}", display_path(path));
                return Ok(Outcome::InputFailed);
            }
        }
    }
    let mut printer = Printer::new(config.output, false);
    let (mut ok, merged) = merge.finish(&config.job.recipe.options, &mut printer)?;
    if let Some(html) = config.run_pictures.html {
        ok &= GallerySink::new(html).finish(merged);
    }
    Ok(if ok {
        Outcome::Success
    } else {
        Outcome::InputFailed
    })
}

/// What processing one image yields.
struct ImageResult {
    width: u32,
    height: u32,
    /// A video frame's time in seconds.
    time: Option<f64>,
    /// A frame sampled by shot: its shot.
    shot: Option<ShotSpan>,
    /// A frame of a sampled film (not one asked for by its time).
    sampled: bool,
    /// The part counted, when bars were left out.
    crop: Option<Crop>,
    /// What colour management did.
    managed: Managed,
    /// 1, or the reduction of a fast read.
    step: u32,
    /// False for a film's keyframe standing in for later sample times.
    exact: bool,
    palette: Option<Palette>,
    bins: Option<Bins>,
    /// The mean colour, for the barcode.
    mean: Option<Rgb>,
    /// The page entry, for the gallery.
    gallery: Option<GalleryStill>,
    /// The image's file (not stdin, not a film's frame): what a linked
    /// gallery still points at, by its bytes, not by its shown name.
    file: Option<PathBuf>,
    /// A film frame's picture for a gallery that links its pictures: the
    /// file name and its JPEG bytes.
    frame_file: Option<(String, Vec<u8>)>,
}

/// Runs a palette run.
pub fn run(mut config: Config) -> Result<Outcome> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = config.threads {
        pool = pool.num_threads(n);
    }
    let pool = pool.build().context("cannot start worker threads")?;
    let mut paths = std::mem::take(&mut config.inputs.paths);
    if let Some(list) = &config.inputs.files_from {
        match read_file_list(list, config.inputs.null) {
            Ok(more) => paths.extend(more),
            Err(e) => {
                say!("scenepal: {}: {e:#}", display_path(list));
                return Ok(Outcome::InputFailed);
            }
        }
    }
    if config.from_histograms {
        return merge_histograms(&pool, &paths, config);
    }
    let layout = config.output.layout;
    let checker = match &config.check {
        Some(check) => {
            let single = layout == Layout::Single;
            match Checker::open(
                &check.golden,
                single,
                &config.job.recipe.options,
                config.job.recipe.exclusions(),
                check,
                config.job.limits.max_bytes,
            ) {
                Ok(checker) => Some(checker),
                Err(e) => {
                    say!("scenepal: {}: {e:#}", display_path(&check.golden));
                    return Ok(Outcome::InputFailed);
                }
            }
        }
        None => None,
    };
    let items = expand_inputs(&paths, config.inputs.walk);
    if let Some(dir) = &config.job.pictures.swatch_dir {
        // Once, before any work: not one error per image.
        if let Err(e) = std::fs::create_dir_all(dir) {
            say!("scenepal: {}: {:#}", display_path(dir), io_reason(e));
            return Ok(Outcome::InputFailed);
        }
    }
    let base = common_folder(&items);
    let batch = layout == Layout::Batch;
    let mut sinks = Sinks {
        progress: Progress::new(batch && !config.quiet, items.len()),
        printer: Printer::new(config.output, config.merge.is_none()),
        merge: config.merge.map(MergeSink::new),
        shots: config
            .per_shot
            .map(|weight| ShotSink::new(weight, config.job.sampled.clone())),
        barcode: config.run_pictures.barcode.map(BarcodeSink::new),
        gallery: config.run_pictures.html.map(GallerySink::new),
        checker,
    };
    // Each input is opened only when a worker can take it; a film counts
    // the frames it is expected to give, corrected as they are offered
    // (those past its end leave the count).
    let mut tally = Tally::new(sinks.progress.handle());
    let untotal = sinks.progress.handle();
    let admit = film_admission(&config.job.limits);
    let units = Units::new(
        items.into_iter(),
        config.inputs.films,
        config.inputs.opened,
        admit,
    )
    .inspect(move |unit| tally.offered(unit));
    let job = Arc::new(config.job);
    let worker_job = Arc::clone(&job);
    // Two images per thread keep every core busy while one waits its turn.
    let window = if batch {
        2 * pool.current_num_threads()
    } else {
        1
    };
    run_ordered(
        &pool,
        units,
        window,
        move |_, unit| process(&worker_job, &base, unit),
        |_, unit, result| {
            let result = match result {
                // A film's frame past its end: no record.
                Ok(Ok(None)) => {
                    let length = untotal.length().unwrap_or(1);
                    untotal.set_length(length.saturating_sub(1));
                    return true;
                }
                Ok(Ok(Some(done))) => Ok(Ok(done)),
                Ok(Err(e)) => Ok(Err(e)),
                Err(panic) => Err(panic),
            };
            sinks.take(result, &job, &unit.name())
        },
    );
    sinks.flush_shots(&job);
    sinks.progress.clear();
    sinks.printer.finish();
    if let Some(e) = sinks.printer.take_error() {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(Outcome::Success);
        }
        return Err(anyhow::Error::new(e).context("cannot write to stdout"));
    }
    let mut ok = sinks.progress.failed == 0;
    let mut merged = None;
    if let Some(merge) = sinks.merge {
        let (done, palette) = merge.finish(&job.recipe.options, &mut sinks.printer)?;
        ok &= done;
        merged = palette;
    }
    if let Some(gallery) = sinks.gallery {
        ok &= gallery.finish(merged);
    }
    if let Some(barcode) = sinks.barcode {
        ok &= barcode.finish();
    }
    // One summary: the check's, or the batch's.
    let progress = &sinks.progress;
    if let (Some(checker), Some(check)) = (sinks.checker, &config.check) {
        ok &= checker.finish(
            &check.golden,
            progress.images,
            progress.failed,
            config.quiet,
        );
    } else if batch && !config.quiet {
        say!("{}", progress.summary());
    }
    Ok(if ok {
        Outcome::Success
    } else {
        Outcome::InputFailed
    })
}

/// The consumers of the run's results, each its own small owner.
struct Sinks {
    progress: Progress,
    printer: Printer,
    merge: Option<MergeSink>,
    shots: Option<ShotSink>,
    barcode: Option<BarcodeSink>,
    gallery: Option<GallerySink>,
    checker: Option<Checker>,
}

impl Sinks {
    /// With `--per-shot`, prints the shot being merged: before a record
    /// that is no shot's (a still, an error) and at the end, so records
    /// keep the inputs' order. False when stdout is gone.
    fn flush_shots(&mut self, job: &Job) -> bool {
        let Some(shots) = &mut self.shots else {
            return true;
        };
        let recipe = (&job.recipe.options, job.recipe.exclusions());
        let printer = &mut self.printer;
        match self.progress.suspend(|| shots.flush(recipe, printer)) {
            Ok(open) => open,
            Err(e) => {
                self.progress.failed += 1;
                self.progress.diagnose(&format!("scenepal: {e:#}"));
                true
            }
        }
    }

    /// Hands one input's result (or its worker's panic) to every consumer;
    /// returns false to stop the run (stdout is gone).
    fn take(
        &mut self,
        result: Result<Result<(String, ImageResult), Failure>, String>,
        job: &Job,
        name: &str,
    ) -> bool {
        let result = result
            .unwrap_or_else(|panic| Err((name.to_owned(), anyhow!("internal error: {panic}"))));
        self.progress.tick(result.is_err());
        let (path, image) = match result {
            Ok(done) => done,
            Err((_, e)) if is_broken_pipe(&e) => {
                // A picture's reader on stdout went away: stop quietly.
                self.printer.stdout_closed();
                return false;
            }
            Err((shown, e)) => {
                if let Some(checker) = &mut self.checker {
                    checker.failed(&shown);
                }
                if let Some(barcode) = &mut self.barcode {
                    barcode.add(None);
                }
                if let Some(gallery) = &mut self.gallery {
                    gallery.add_failed(&shown, &e);
                }
                if !self.flush_shots(job) {
                    return false;
                }
                self.progress
                    .diagnose(&format!("scenepal: {}: {e:#}", escape_control(&shown)));
                let printer = &mut self.printer;
                return self.progress.suspend(|| printer.print_error(&shown, &e));
            }
        };
        if let Some(warning) = &image.managed.warning {
            self.progress.diagnose(&format!(
                "scenepal: {}: warning: {warning}",
                escape_control(&path)
            ));
        }
        if let (Some(merge), Some(bins)) = (&mut self.merge, &image.bins) {
            merge.add(bins);
        }
        if image.shot.is_none() && !self.flush_shots(job) {
            return false;
        }
        if let (Some(shots), Some(bins), Some(span)) = (&mut self.shots, &image.bins, image.shot) {
            let job = (&job.recipe.options, job.recipe.exclusions());
            let printer = &mut self.printer;
            let ms = image.time.map_or(0, |t| (t * 1000.0).round() as u64);
            match self
                .progress
                .suspend(|| shots.add(&path, (span, ms), bins, job, printer))
            {
                Ok(true) => {}
                Ok(false) => return false,
                Err(e) => {
                    self.progress.failed += 1;
                    self.progress
                        .diagnose(&format!("scenepal: {}: {e:#}", escape_control(&path)));
                }
            }
        }
        let Some(palette) = &image.palette else {
            return true;
        };
        if let Some(barcode) = &mut self.barcode {
            barcode.add(Some((palette, image.mean)));
        }
        if let (Some(gallery), Some(still)) = (&mut self.gallery, image.gallery) {
            let frame = image.frame_file;
            let file = image.file.as_deref();
            if let Err(e) = gallery.add(file, still, palette, image.mean, frame) {
                self.progress.diagnose(&format!("scenepal: {e:#}"));
            }
        }
        if let Some(checker) = &mut self.checker {
            if let Some(difference) =
                checker.check(&path, palette, image.sampled.then_some(&job.sampled))
            {
                self.progress.diagnose(&difference);
            }
        }
        if self.merge.is_some() {
            return true;
        }
        let report = Report {
            path: Some(&path),
            width: Some(image.width),
            height: Some(image.height),
            time: image.time,
            shot: image.shot.map(Shot::from),
            sampled: image.sampled.then_some(&job.sampled),
            crop: image.crop,
            step: image.step,
            exact: image.exact,
            color_profile: image.managed.profile.as_deref(),
            ..Report::new(
                palette,
                &job.recipe.options,
                job.recipe.exclusions(),
                self.printer.names(),
            )
        };
        let printer = &mut self.printer;
        self.progress.suspend(|| printer.print(&report))
    }
}

/// Decodes, extracts and draws one input's pictures (in a worker thread);
/// `None` for a film's frame past its end.
fn process(job: &Job, base: &Path, unit: &Work) -> Result<Option<(String, ImageResult)>, Failure> {
    let budget = &job.limits.memory;
    let over_budget = |cost: u64| {
        anyhow!(
            "needs about {} of memory to decode, more than --max-memory {}",
            show_bytes(cost),
            show_bytes(budget.limit())
        )
    };
    // Admitted only while the images in flight fit the memory budget; the
    // share is given back when this image's work is done.
    let mut shot = None;
    let mut exact = true;
    let mut sampled = false;
    let (shown, loaded, _permit, time, picture_name) = match unit {
        Work::Input(item @ InputItem::Unreadable(_, reason)) => {
            return Err((item.name(), anyhow!("{reason}")))
        }
        Work::Input(
            item @ (InputItem::Image(path) | InputItem::Pipe(path) | InputItem::Opened(path, _)),
        ) => {
            let shown = item.name();
            let name = (!is_stdin(path)).then_some(path.as_path());
            let max_bytes = job.limits.max_bytes;
            let bytes = match item {
                InputItem::Opened(_, file) => file.read_all(max_bytes),
                // stdin, or a pipe named on the command line
                _ => read_pipe(path, max_bytes),
            }
            .map_err(|e| (shown.clone(), e))?;
            let piped = !matches!(item, InputItem::Opened(..));
            if piped && is_video_header(&bytes) {
                let from = if name.is_none() {
                    "on stdin"
                } else {
                    "from a pipe"
                };
                let reason = anyhow!("a video {from} cannot be sampled: give the film's path");
                return Err((shown, reason));
            }
            // A header that cannot be read costs nothing here: decoding
            // reports it.
            let cost = match load_cost(&bytes, name, job.load.max_pixels) {
                Ok(cost) => cost,
                Err(e @ scenepal::Error::TooManyPixels { .. }) => return Err((shown, explain(e))),
                Err(_) => 0,
            } + bytes.len() as u64;
            let permit = budget
                .acquire(cost)
                .ok_or_else(|| (shown.clone(), over_budget(cost)))?;
            let loaded =
                load_image(&bytes, name, &job.load).map_err(|e| (shown.clone(), explain(e)))?;
            (
                shown,
                loaded,
                Some(permit),
                None,
                picture_file_name(path, base),
            )
        }
        Work::Frame { film, path, index } => {
            let Some(frame) = read_frame(job, film, path, *index)? else {
                return Ok(None);
            };
            let shown = frame_record_name(film, path, *index, Some(frame.ms));
            let ms = frame.ms;
            shot = frame.shot;
            exact = frame.exact;
            sampled = film.at().is_none();
            // ffmpeg has converted the film's YUV with its matrix.
            let loaded = frame
                .into_image()
                .map_err(|e| (shown.clone(), explain(e)))?;
            // Scaled to the card as a still is, enlarged if small.
            let loaded = match job.load.preview_width {
                Some(width) => loaded.with_preview(width),
                None => loaded,
            };
            let file = picture_file_name(path, base);
            let stem = file.strip_suffix(".png").unwrap_or(&file);
            let picture = format!("{stem}@{}.png", clock(ms).replace(':', "-"));
            // The frame's memory is in its film's share (read_frame).
            (shown, loaded, None, Some(ms as f64 / 1000.0), picture)
        }
    };
    let Analysis {
        width,
        height,
        step,
        crop,
        managed,
        palette,
        bins,
        mean,
        pixels,
        preview,
    } = match unit {
        Work::Input(_) => job.recipe.analyze_wanting(loaded, job.still_wants),
        Work::Frame { .. } => job.recipe.analyze(loaded),
    }
    .map_err(|e| (shown.clone(), explain(e)))?;
    if let Some(palette) = &palette {
        // The failure is the input's (its record keeps its path); the
        // message names the picture that could not be written.
        let of_input = |(target, e): Failure| (shown.clone(), e.context(escape_control(&target)));
        let pictures = &job.pictures;
        if let Some(dir) = &pictures.swatch_dir {
            let target = dir.join(&picture_name);
            let card = SwatchOptions {
                style: SwatchStyle::Card,
                ..pictures.swatch_options
            };
            write_swatch(&target, palette, preview.as_ref(), &card).map_err(of_input)?;
        }
        if let Some(target) = &pictures.swatch {
            write_swatch(target, palette, preview.as_ref(), &pictures.swatch_options)
                .map_err(of_input)?;
        }
        if let Some(target) = &pictures.plot {
            write_plot(
                target,
                palette,
                &pixels.sample(PLOT_SAMPLE_PX, job.recipe.options.seed),
            )
            .map_err(of_input)?;
        }
    }
    let file = match unit {
        Work::Input(InputItem::Opened(p, _)) => Some(p.clone()),
        _ => None,
    };
    let mut frame_file = None;
    let gallery = job
        .gallery
        .zip(palette.as_ref())
        .map(|((images, thumb), palette)| {
            // Linked stills get their URL from the gallery's owner, which
            // also writes linked frames (they have no file of their own);
            // stdin has no file to link to.
            let image = match (images, unit) {
                (HtmlImages::Link, _) if file.is_some() => None,
                (HtmlImages::Link, Work::Frame { .. }) => {
                    let file = picture_name.replace(".png", ".jpg");
                    frame_file = Some((file, encode_jpeg(&pixels.thumbnail(thumb))));
                    None
                }
                _ => Some(jpeg_data_uri(&pixels.thumbnail(thumb))),
            };
            GalleryStill {
                name: shown.clone(),
                width: Some(width),
                height: Some(height),
                image,
                palette: palette_entries(palette),
                sample: encode_sample(&pixels.sample(HTML_SAMPLE_PX, job.recipe.options.seed)),
                error: None,
                time,
                shot: shot.map(Shot::from),
            }
        });
    let result = ImageResult {
        width,
        height,
        time,
        shot,
        sampled,
        crop,
        managed,
        step,
        exact,
        palette,
        bins,
        mean,
        gallery,
        file,
        frame_file,
    };
    Ok(Some((shown, result)))
}

/// A film's ffmpeg is admitted under the memory budget as a still is: the
/// decoder's estimate plus the RGB frames of the film that the workers may
/// hold at once (they take no share of their own), waiting while it does
/// not fit beside what is in flight; a film that alone needs more than the
/// budget is its error.
fn film_admission(limits: &super::config::Limits) -> Admit {
    let budget = Arc::clone(&limits.memory);
    let workers = limits.workers as u64;
    Arc::new(move |info: &FilmInfo| {
        let rgb = info.width as u64 * info.height as u64 * 3;
        let cost = decoder_bytes(info).saturating_add(rgb.saturating_mul(workers));
        match budget.acquire_owned(cost) {
            Some(permit) => Ok(Box::new(permit) as Box<dyn Send>),
            None => Err(scenepal::video::Error::Stopped(format!(
                "needs about {} of memory to decode (ffmpeg and {workers} frames of {}×{}), more than --max-memory {}",
                show_bytes(cost),
                info.width,
                info.height,
                show_bytes(budget.limit())
            ))),
        }
    })
}

/// Reads frame `index` of `film` under the run's limits: `None` past the
/// film's end. A limit the film breaks is reported once, at its first
/// frame, and stops it.
fn read_frame(
    job: &Job,
    film: &Film,
    path: &Path,
    index: usize,
) -> Result<Option<scenepal::video::Frame>, Failure> {
    let fail = |e: anyhow::Error| {
        film.stop_at(index);
        (frame_record_name(film, path, index, None), e)
    };
    if index == 0 {
        // --max-bytes holds for films as for stills.
        let size = std::fs::metadata(path)
            .map_err(|e| fail(io_reason(e)))?
            .len();
        let limit = job.limits.max_bytes;
        if size > limit {
            return Err(fail(anyhow!(
                "larger than the limit of {limit} bytes (--max-bytes)"
            )));
        }
    }
    let frame = match film.frame(index) {
        Ok(Some(frame)) => frame,
        Ok(None) => {
            // Past the end of a film read with --lenient: its damage, once.
            if let Some((errors, first)) = film.take_damage() {
                say!(
                    "scenepal: warning: {}: ffmpeg reported {errors} decoding error(s) (damaged data), the first: {first}; its palettes are kept (--lenient)",
                    display_path(path)
                );
            }
            return Ok(None);
        }
        Err(e) => return Err((frame_record_name(film, path, index, None), explain_film(e))),
    };
    if index == 0 && film.reads_every_frame() {
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| {
            say!("scenepal: note: --every is finer than the film's frames: each frame is read once, at its own time");
        });
    }
    Ok(Some(frame))
}

/// Runs `work`, turning a panic (a decoder's bug on hostile data) into an
/// error instead of a crash. The panic hook installed by `main` keeps the
/// default multi-line report off stderr.
pub fn guarded<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
        .unwrap_or_else(|payload| Err(anyhow!("internal error: {}", panic_text(&*payload))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        let err = guarded::<()>(|| panic!("bad\ndata")).unwrap_err();
        assert_eq!(err.to_string(), "internal error: bad data");
    }
}
