//! The command line: clap definition, range checks, the checks clap cannot
//! express, and the one place library errors gain the flag that governs them.

use std::path::PathBuf;

use clap::{CommandFactory, Parser, ValueEnum};

use super::check::{DEFAULT_FRACTION_TOLERANCE, DEFAULT_TOLERANCE_DE};
use super::input::MAX_BYTES_DEFAULT;
use scenepal::output::swatch::{SwatchStyle, DEFAULT_SWATCH_WIDTH_PX};
use scenepal::output::Format;
use scenepal::MAX_PIXELS_DEFAULT;
use scenepal::{
    Algorithm, MergeWeight, SortOrder, Space, DEFAULT_ALPHA_THRESHOLD, DEFAULT_K, DEFAULT_SEED,
    MAX_K,
};

/// Print the k colours that best represent an image.
///
/// The image's pixels are clustered with k-means (or cut into k hue-ordered
/// groups) and the palette is printed, one colour per line, sorted by hue.
/// Output is deterministic: the same input and options give the same bytes,
/// whatever the number of threads. If the image has k or fewer distinct
/// colours, exactly those colours are printed.
///
/// With several images or a directory, each image's palette is one record
/// (`path<TAB>#hex #hex ...`, a JSON Lines object, or CSV rows led by the
/// path), printed in input order while the images are processed in parallel.
#[derive(Debug, Parser)]
#[command(name = "scenepal", version, max_term_width = 100)]
pub struct Cli {
    /// Images (JPEG, PNG, WebP, GIF, BMP, TIFF, QOI, PNM, TGA) or directories; `-` for stdin.
    ///
    /// The format is recognised from the content, not the file name (TGA,
    /// which has no signature, only by a `.tga` name). Directories are walked
    /// recursively in name order, taking files with image extensions.
    #[arg(value_name = "IMAGE")]
    pub inputs: Vec<PathBuf>,

    /// Read more input paths from FILE (`-` for stdin), one per line.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,

    /// Paths in --files-from are separated by NUL bytes, not newlines.
    #[arg(short = '0', long = "null", requires = "files_from")]
    pub null: bool,

    /// Also walk hidden files and directories (names starting with `.`).
    #[arg(long)]
    pub hidden: bool,

    /// Number of colours in the palette (1-256).
    #[arg(short = 'k', long = "colors", value_name = "N", default_value_t = DEFAULT_K, value_parser = parse_k)]
    pub colors: usize,

    /// How the palette is found.
    #[arg(short, long, value_enum, default_value_t = Algorithm::Kmeans)]
    pub algorithm: Algorithm,

    /// Colour space for clustering and for assigning pixels to colours.
    #[arg(long, value_enum, default_value_t = Space::Oklab)]
    pub space: Space,

    /// Seed of the k-means++ initialisation.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    pub seed: u64,

    /// Order of the colours.
    #[arg(short, long, value_enum, default_value_t = SortOrder::Hue)]
    pub sort: SortOrder,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Hex)]
    pub format: Format,

    /// Pixels with alpha below this (0-255) are not counted.
    #[arg(long, value_name = "ALPHA", default_value_t = DEFAULT_ALPHA_THRESHOLD)]
    pub alpha_threshold: u8,

    /// Refuse images whose header announces more pixels than this.
    #[arg(long, value_name = "N", default_value_t = MAX_PIXELS_DEFAULT, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_pixels: u64,

    /// Refuse inputs (files or stdin) larger than this many bytes.
    #[arg(long, value_name = "N", default_value_t = MAX_BYTES_DEFAULT, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_bytes: u64,

    /// When to show a colour block before each hex code.
    ///
    /// `auto` shows it when stdout is a terminal and NO_COLOR is not set.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Also write the palette as a PNG picture (`-` for stdout).
    ///
    /// Each colour is a cell labelled with its hex code. Written to a
    /// temporary file and renamed into place, so a failure leaves no partial
    /// file. When a picture goes to stdout the palette text is not printed.
    #[arg(long, value_name = "PATH")]
    pub swatch: Option<PathBuf>,

    /// What the swatch shows.
    #[arg(long, value_enum, value_name = "STYLE", default_value_t = SwatchStyle::Card)]
    pub swatch_style: SwatchStyle,

    /// Width of the swatch picture in pixels (200-16384).
    #[arg(long, value_name = "PX", default_value_t = DEFAULT_SWATCH_WIDTH_PX, value_parser = parse_swatch_width)]
    pub swatch_width: u32,

    /// Make swatch cell widths follow the colours' fractions.
    ///
    /// Every cell stays at least 64 px wide so its label stays readable.
    #[arg(long)]
    pub proportional: bool,

    /// Also write a 3-D scatter of the image's pixels in the RGB cube, with
    /// the palette marked (PNG, or SVG when PATH ends in .svg; `-` for PNG on
    /// stdout).
    #[arg(long, value_name = "PATH")]
    pub plot: Option<PathBuf>,

    /// Write one swatch card per image into DIR, named from the input path.
    ///
    /// `stills/a.jpg` becomes `DIR/stills%2Fa.jpg.png`, so two inputs never
    /// share a name.
    #[arg(long, value_name = "DIR")]
    pub swatch_dir: Option<PathBuf>,

    /// One palette for all inputs together (a scene's or a film's palette).
    #[arg(long, conflicts_with = "check")]
    pub merge: bool,

    /// With --merge: does every pixel count once, or every image the same?
    #[arg(long, value_enum, value_name = "WEIGHT", default_value_t = MergeWeight::Pixel, requires = "merge")]
    pub merge_weight: MergeWeight,

    /// Write a movie barcode PNG: one column per input, each its palette
    /// stacked top to bottom by fraction.
    #[arg(long, value_name = "PATH")]
    pub barcode: Option<PathBuf>,

    /// Compare each image's palette with GOLDEN, a json, JSON Lines or hex
    /// file scenepal wrote earlier; exit 1 with a diff on stderr if any differ.
    #[arg(long, value_name = "GOLDEN")]
    pub check: Option<PathBuf>,

    /// With --check: largest colour difference allowed (CIEDE2000 ΔE).
    #[arg(long, value_name = "DE", default_value_t = DEFAULT_TOLERANCE_DE, value_parser = parse_tolerance)]
    pub tolerance: f32,

    /// With --check: largest fraction difference allowed.
    #[arg(long, value_name = "F", default_value_t = DEFAULT_FRACTION_TOLERANCE, value_parser = parse_fraction)]
    pub fraction_tolerance: f64,

    /// No progress bar and no summary on stderr (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,

    /// Print a shell completion script and exit.
    #[arg(long, value_enum, value_name = "SHELL", exclusive = true)]
    pub completions: Option<clap_complete::Shell>,

    /// Print the man page (roff) and exit.
    #[arg(long, exclusive = true)]
    pub man: bool,

    /// Worker threads (default: one per core). Output does not depend on it.
    #[arg(short = 'j', long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
}

/// When to use terminal colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Only when stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always, even when piped.
    Always,
    /// Never.
    Never,
}

fn parse_k(s: &str) -> Result<usize, String> {
    let k: usize = s
        .parse()
        .map_err(|_| format!("`{s}` is not a whole number"))?;
    if (1..=MAX_K).contains(&k) {
        Ok(k)
    } else {
        Err(format!("must be between 1 and {MAX_K}, got {k}"))
    }
}

fn parse_swatch_width(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(n) if (200..=16384).contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number of pixels between 200 and 16384, got `{s}`"
        )),
    }
}

fn parse_tolerance(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("must be a ΔE of 0 or more, got `{s}`")),
    }
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("must be between 0 and 1, got `{s}`")),
    }
}

/// A usage error (exit code 2) in clap's format.
pub fn usage_error(message: impl std::fmt::Display) -> clap::Error {
    Cli::command().error(clap::error::ErrorKind::ArgumentConflict, message)
}

impl Cli {
    /// True when the output lists many images: several inputs, a directory,
    /// or a file list (even if it names one image).
    pub fn is_batch(&self) -> bool {
        self.files_from.is_some() || self.inputs.len() != 1 || self.inputs[0].is_dir()
    }

    /// True when a picture (swatch, plot or barcode) goes to stdout, which
    /// then carries no palette text.
    pub fn picture_on_stdout(&self) -> bool {
        [&self.swatch, &self.plot, &self.barcode]
            .iter()
            .any(|p| p.as_deref().is_some_and(|p| p.as_os_str() == "-"))
    }

    /// Checks what clap cannot express.
    pub fn validate(&self) -> Result<(), clap::Error> {
        if self.completions.is_some() || self.man {
            return Ok(());
        }
        if self.inputs.is_empty() && self.files_from.is_none() {
            return Err(Cli::command().error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "give at least one IMAGE or directory, or --files-from FILE",
            ));
        }
        let to_stdout = |p: &Option<PathBuf>| p.as_deref().is_some_and(|p| p.as_os_str() == "-");
        if to_stdout(&self.swatch) && to_stdout(&self.plot) {
            return Err(usage_error(
                "--swatch - and --plot - cannot both write to stdout",
            ));
        }
        let one_palette = !self.is_batch() || self.merge;
        if !one_palette {
            if self.format.holds_one_palette() {
                return Err(usage_error(
                    "--format gpl and css hold one palette: give one image, or add --merge",
                ));
            }
            if self.swatch.is_some() || self.plot.is_some() {
                return Err(usage_error(
                    "--swatch and --plot draw one palette: use --swatch-dir for many images, or add --merge",
                ));
            }
        }
        if self.merge && self.swatch.is_some() && self.swatch_style == SwatchStyle::Card {
            return Err(usage_error(
                "a merged palette has no single image for a card: add --swatch-style strip",
            ));
        }
        Ok(())
    }
}

fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=1024).contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number between 1 and 1024, got `{s}`"
        )),
    }
}

/// A library error as the command line reports it: where a limit set by an
/// option was exceeded, the message names the option.
pub fn explain(error: scenepal::Error) -> anyhow::Error {
    match error {
        e @ scenepal::Error::TooManyPixels { .. } => anyhow::anyhow!("{e} (--max-pixels)"),
        scenepal::Error::NoCountedPixels { threshold } => anyhow::anyhow!(
            "no pixel is opaque enough to count (every alpha is below --alpha-threshold {threshold})"
        ),
        e => anyhow::Error::new(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn limits_are_explained_with_their_flag() {
        let e = scenepal::Error::TooManyPixels {
            width: 32,
            height: 24,
            limit: 767,
        };
        assert_eq!(
            explain(e).to_string(),
            "image is 32×24 = 768 pixels, more than the limit of 767 (--max-pixels)"
        );
        let e = scenepal::Error::NoCountedPixels { threshold: 9 };
        assert!(explain(e).to_string().ends_with("--alpha-threshold 9)"));
        assert_eq!(
            explain(scenepal::Error::EmptyInput).to_string(),
            "empty file (0 bytes)"
        );
    }

    #[test]
    fn k_range_is_checked() {
        assert_eq!(parse_k("1"), Ok(1));
        assert_eq!(parse_k("256"), Ok(256));
        assert!(parse_k("0").is_err());
        assert!(parse_k("257").is_err());
        assert!(parse_k("ten").is_err());
        assert!(parse_threads("0").is_err());
        assert!(parse_swatch_width("199").is_err());
        assert_eq!(parse_swatch_width("1000"), Ok(1000));
    }
}
