//! The run's configuration, built once from the command line: every decision
//! that depends on more than one option (is this a batch, is a card drawn, are
//! bins counted, does palette text go to stdout) is made here and nowhere else.

use std::io::IsTerminal;
use std::path::PathBuf;

use scenepal::auto_k::DEFAULT_MAX_COLORS;
use scenepal::output::barcode::{BarcodeOptions, BarcodeStyle};
use scenepal::output::html::HtmlImages;
use scenepal::output::swatch::{SwatchOptions, SwatchStyle};
use scenepal::output::{Format, Layout, Preview};
use scenepal::{HistogramOptions, LoadOptions, Options, Recipe, Wants};

use super::args::Cli;
use super::budget::MemoryBudget;
use super::check::{CheckConfig, Tolerance};
use super::input::{is_stdin, WalkOptions};
use super::open::{is_pipe, OpenFile};
use super::values::{Colors, Every};
use scenepal::record::Sampled;
use scenepal::video::{is_video_header, FilmOptions, Sampling, DEFAULT_EVERY_MS};

mod terminal;
mod validate;

/// What the program was asked to do.
pub enum Command {
    /// Print a shell completion script.
    Completions(clap_complete::Shell),
    /// Print the man page.
    Man,
    /// Extract palettes.
    Run(Box<Config>),
}

/// Everything a palette run needs, decided once.
pub struct Config {
    /// Where the images come from.
    pub inputs: Inputs,
    /// What each worker does with one image.
    pub job: Job,
    /// How palettes are printed.
    pub output: OutputConfig,
    /// One palette for all inputs, instead of (or besides) one per image.
    pub merge: Option<MergeConfig>,
    /// With --per-shot: how the frames of a shot are weighted in its merge.
    pub per_shot: Option<scenepal::MergeWeight>,
    /// The inputs are merged histograms, not images.
    pub from_histograms: bool,
    /// Pictures of the whole run: the barcode and the gallery.
    pub run_pictures: RunPictures,
    /// Compare with a golden file instead of printing.
    pub check: Option<CheckConfig>,
    /// Worker threads (default: one per core).
    pub threads: Option<usize>,
    /// No progress bar, no summaries.
    pub quiet: bool,
}

/// The inputs as named on the command line.
pub struct Inputs {
    /// Files, directories, `-`.
    pub paths: Vec<PathBuf>,
    /// A file (or `-`) listing more paths.
    pub files_from: Option<PathBuf>,
    /// The list is NUL-separated.
    pub null: bool,
    /// How directories are walked.
    pub walk: WalkOptions,
    /// How films are read and sampled into frames.
    pub films: FilmOptions,
    /// The only input, opened already to tell a film from a still.
    pub opened: Option<OpenFile>,
}

/// One image's work, shared by the workers.
pub struct Job {
    /// What each image's analysis computes, and how.
    pub recipe: Recipe,
    /// Decoding options, including the preview width when a card is drawn.
    pub load: LoadOptions,
    /// Largest input, and the memory images may take while decoded.
    pub limits: Limits,
    /// Pictures drawn per image.
    pub pictures: Pictures,
    /// Each image's page entry (for the gallery): a thumbnail of this
    /// width, or a link, and a pixel sample.
    pub gallery: Option<(HtmlImages, u32)>,
    /// How films are sampled, as each sampled frame's record holds it.
    pub sampled: Sampled,
    /// What a still's analysis computes: the recipe's wants, or with
    /// `--per-shot` (which merges films' frames) the still's own palette.
    pub still_wants: Wants,
}

/// How much of the machine one image, and all in flight, may take.
pub struct Limits {
    /// Largest input in bytes.
    pub max_bytes: u64,
    /// Memory for the images being decoded at once, and films' ffmpeg.
    pub memory: std::sync::Arc<MemoryBudget>,
    /// Worker threads: frames of one film that may be in flight at once.
    pub workers: usize,
}

/// Pictures of the whole run.
pub struct RunPictures {
    /// The movie barcode.
    pub barcode: Option<BarcodeConfig>,
    /// The HTML gallery.
    pub html: Option<HtmlConfig>,
}

/// The gallery's target and how its stills' pictures reach it.
pub struct HtmlConfig {
    /// Where it is written.
    pub target: PathBuf,
    /// Embedded thumbnails or links.
    pub images: HtmlImages,
}

/// The movie barcode's target and look.
pub struct BarcodeConfig {
    /// Where it is written.
    pub target: PathBuf,
    /// How it is drawn.
    pub options: BarcodeOptions,
}

/// Pictures of one palette and their targets.
pub struct Pictures {
    /// The swatch picture (`-`: stdout).
    pub swatch: Option<PathBuf>,
    /// One card per image in this directory.
    pub swatch_dir: Option<PathBuf>,
    /// The 3-D pixel cloud (PNG or SVG).
    pub plot: Option<PathBuf>,
    /// How swatches are drawn.
    pub swatch_options: SwatchOptions,
}

/// How palette text is printed.
pub struct OutputConfig {
    /// Output format.
    pub format: Format,
    /// One record per image, or one palette.
    pub layout: Layout,
    /// Colour blocks before hex codes.
    pub preview: Preview,
    /// Palette text goes to stdout at all (not when checking, nor when a
    /// picture does).
    pub text: bool,
    /// Each colour's nearest CSS name is printed too.
    pub names: bool,
    /// The width of the terminal stdout is, in columns, when a batch's hex
    /// lines are drawn there as colour blocks (trimmed to it); `None` on a
    /// pipe or a file, whose lines are left as they are.
    pub terminal_width: Option<usize>,
}

/// The merged palette's weighting and pictures.
pub struct MergeConfig {
    /// How much each image counts, and the other options a histogram
    /// records (and must agree on to be merged).
    pub histogram: HistogramOptions,
    /// Which of those were given on the command line: the others are
    /// adopted from the histograms `--from-histograms` reads.
    pub given: HistogramGiven,
    /// Write the merged histogram instead of a palette.
    pub write_histogram: bool,
    /// Pictures of the merged palette.
    pub pictures: Pictures,
}

/// Which of a histogram's recorded options the command line gave.
#[derive(Clone, Copy, Debug, Default)]
pub struct HistogramGiven {
    /// `--merge-weight`.
    pub merge_weight: bool,
    /// `--alpha-threshold`.
    pub alpha_threshold: bool,
    /// `--space`.
    pub space: bool,
    /// `--exclude`.
    pub exclude: bool,
}

impl Command {
    /// Builds the command from parsed arguments, or the usage error
    /// (exit 2) that options given together make.
    pub fn from_cli(cli: Cli) -> Result<Self, clap::Error> {
        if let Some(shell) = cli.completions {
            return Ok(Command::Completions(shell));
        }
        if cli.man {
            return Ok(Command::Man);
        }
        Ok(Command::Run(Box::new(Config::from_cli(cli)?)))
    }
}

impl Config {
    fn from_cli(cli: Cli) -> Result<Self, clap::Error> {
        let (batch, opened) = is_batch(&cli);
        validate::validate(&cli, batch)?;
        let options = Options {
            k: match cli.colors {
                Colors::Fixed(k) => k,
                Colors::Auto => cli.max_colors.unwrap_or(DEFAULT_MAX_COLORS),
            },
            auto_k: cli.colors == Colors::Auto,
            algorithm: cli.algorithm,
            space: cli.space,
            seed: cli.seed,
            sort: cli.sort,
        };
        let swatch_options = SwatchOptions {
            // A merged palette has no single image for a card.
            style: cli
                .swatch_style
                .unwrap_or(if cli.merge || cli.from_histograms {
                    SwatchStyle::Strip
                } else {
                    SwatchStyle::Card
                }),
            width: cli.swatch_width,
            proportional: cli.proportional,
            names: cli.names,
        };
        let picture_on_stdout = [&cli.swatch, &cli.plot, &cli.barcode, &cli.html]
            .iter()
            .any(|p| p.as_deref().is_some_and(|p| p.as_os_str() == "-"));
        let mut pictures = Pictures {
            swatch: cli.swatch.clone(),
            swatch_dir: cli.swatch_dir.clone(),
            plot: cli.plot.clone(),
            swatch_options,
        };
        // A merged palette's pictures are drawn once at the end; per image,
        // only the --swatch-dir cards are.
        let merge = (cli.merge || cli.from_histograms).then(|| MergeConfig {
            histogram: HistogramOptions {
                merge_weight: cli.merge_weight,
                alpha_threshold: cli.alpha_threshold,
                space: cli.space,
                exclude: cli.exclude.clone(),
            },
            // A merge of images makes its histogram with exactly these.
            given: HistogramGiven {
                merge_weight: cli.merge || cli.is_given("merge_weight"),
                alpha_threshold: cli.merge || cli.is_given("alpha_threshold"),
                space: cli.merge || cli.is_given("space"),
                exclude: cli.merge || cli.is_given("exclude"),
            },
            write_histogram: cli.format == Format::Histogram,
            pictures: Pictures {
                swatch: pictures.swatch.take(),
                swatch_dir: None,
                plot: pictures.plot.take(),
                swatch_options,
            },
        });
        let card = pictures.swatch_dir.is_some()
            || (pictures.swatch.is_some() && swatch_options.style == SwatchStyle::Card);
        let wants = Wants {
            palette: !(cli.merge || cli.per_shot)
                || cli.barcode.is_some()
                || cli.swatch_dir.is_some()
                || cli.html.is_some(),
            bins: cli.merge || cli.per_shot,
            // The gallery's barcode uses the classic style.
            mean: cli.html.is_some()
                || (cli.barcode.is_some() && cli.barcode_style == BarcodeStyle::Mean),
        };
        let sampling = Sampling {
            every_ms: match cli.every {
                Every::Ms(ms) => ms,
                Every::Shot | Every::Key => DEFAULT_EVERY_MS,
            },
            shots: cli.every == Every::Shot || cli.per_shot,
            per_shot: cli.per_shot,
            shot_threshold: cli.shot_threshold,
            frames: cli.frames,
            start_ms: cli.start.unwrap_or(0),
            end_ms: cli.end,
            keyframes_only: cli.fast,
            every_key: cli.every == Every::Key,
        };
        let still_wants = if cli.per_shot {
            Wants::default()
        } else {
            wants
        };
        let job = Job {
            still_wants,
            sampled: sampling.recorded(),
            recipe: Recipe::new(options)
                .with_trim_bars(cli.trim_bars)
                .with_wants(wants)
                .with_exclusions(cli.exclude),
            load: LoadOptions {
                alpha_threshold: cli.alpha_threshold,
                preview_width: card.then_some(cli.swatch_width),
                max_pixels: cli.max_pixels,
                max_alloc: Some(cli.max_memory),
                color_manage: !cli.no_color_manage,
                fast: cli.fast,
            },
            limits: Limits {
                max_bytes: cli.max_bytes,
                memory: std::sync::Arc::new(MemoryBudget::new(cli.max_memory)),
                workers: cli
                    .threads
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            },
            pictures,
            gallery: cli.html.as_ref().map(|_| (cli.html_images, cli.html_width)),
        };
        let stdout = std::io::stdout();
        // The histogram is written by the merge itself, as one document: no
        // per-image error records beside it (those are JSON's only).
        let format = cli.format;
        let preview = if format == Format::Hex {
            terminal::preview(cli.color, stdout.is_terminal(), &terminal::Env::read())
        } else {
            Preview::Off
        };
        let output = OutputConfig {
            format,
            layout: if batch { Layout::Batch } else { Layout::Single },
            preview,
            text: cli.check.is_none() && !picture_on_stdout,
            names: cli.names,
            terminal_width: (batch && preview != Preview::Off)
                .then(terminal::stdout_width)
                .flatten(),
        };
        Ok(Config {
            inputs: Inputs {
                paths: cli.inputs,
                files_from: cli.files_from,
                null: cli.null,
                walk: WalkOptions {
                    hidden: cli.hidden,
                    follow: cli.follow,
                },
                films: FilmOptions {
                    sampling,
                    timeout: std::time::Duration::from_secs(cli.film_timeout),
                    lenient: cli.lenient,
                    max_pixels: job.load.max_pixels,
                },
                opened,
            },
            job,
            output,
            merge,
            per_shot: cli.per_shot.then_some(cli.merge_weight),
            from_histograms: cli.from_histograms,
            run_pictures: RunPictures {
                barcode: cli.barcode.map(|target| BarcodeConfig {
                    target,
                    options: BarcodeOptions {
                        style: cli.barcode_style,
                        width: cli.barcode_width,
                        height: cli.barcode_height,
                    },
                }),
                html: cli.html.map(|target| HtmlConfig {
                    target,
                    images: cli.html_images,
                }),
            },
            check: cli.check.map(|golden| CheckConfig {
                golden,
                tolerance: Tolerance {
                    delta_e: cli.tolerance,
                    fraction: cli.fraction_tolerance,
                },
                allow_missing: cli.allow_missing,
                root: cli.root,
                json: cli.format == Format::Json,
            }),
            threads: cli.threads.filter(|&n| n > 0),
            quiet: cli.quiet,
        })
    }
}

/// True when the output lists many images: several inputs, a directory,
/// a file list (even if it names one image), or a film. The only input, a
/// regular file, is opened to tell, and handed on to be read from that handle.
fn is_batch(cli: &Cli) -> (bool, Option<OpenFile>) {
    let [only] = cli.inputs.as_slice() else {
        return (true, None);
    };
    if cli.files_from.is_some() || only.is_dir() {
        return (true, None);
    }
    // A pipe, stdin or a file that cannot be opened is one input, read (or
    // reported) as one.
    if is_stdin(only) || is_pipe(only) || cli.completions.is_some() || cli.man {
        return (false, None);
    }
    match OpenFile::open(only) {
        Ok(file) => (is_video_header(file.head()), Some(file)),
        // FILM@TIME is one frame, printed as one image is.
        Err(_) => (false, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str]) -> Config {
        let args = std::iter::once("scenepal").chain(args.iter().copied());
        Config::from_cli(Cli::parse_from_args(args).unwrap()).unwrap()
    }

    #[test]
    fn a_card_needs_a_preview_and_a_strip_does_not() {
        assert_eq!(
            config(&["--swatch", "a.png", "x.jpg"])
                .job
                .load
                .preview_width,
            Some(1000)
        );
        let strip = config(&["--swatch", "a.png", "--swatch-style", "strip", "x.jpg"]);
        assert_eq!(strip.job.load.preview_width, None);
        let dir = config(&[
            "--swatch-dir",
            "d",
            "--swatch-width",
            "300",
            "x.jpg",
            "y.jpg",
        ]);
        assert_eq!(dir.job.load.preview_width, Some(300));
    }

    #[test]
    fn merging_draws_its_pictures_once_and_counts_bins() {
        let c = config(&[
            "--merge",
            "--swatch",
            "m.png",
            "--swatch-style",
            "strip",
            "-a",
            "bucket",
            "x.jpg",
            "y.jpg",
        ]);
        assert!(c.job.pictures.swatch.is_none());
        assert!(c.merge.as_ref().unwrap().pictures.swatch.is_some());
        let wants = c.job.recipe.wants;
        assert!(wants.bins && !wants.palette && !wants.mean);
    }

    #[test]
    fn no_palette_text_when_checking_or_a_picture_takes_stdout() {
        assert!(config(&["x.jpg"]).output.text);
        assert!(!config(&["--check", "g.json", "x.jpg"]).output.text);
        assert!(!config(&["--swatch", "-", "x.jpg"]).output.text);
    }
}
