//! The command line: clap definition, value enums and range checks.

use std::path::PathBuf;

use clap::{CommandFactory, Parser, ValueEnum};

use scenepal::output::swatch::{SwatchStyle, DEFAULT_SWATCH_WIDTH_PX};
use scenepal::output::Format;
use scenepal::{
    Algorithm, SortOrder, Space, DEFAULT_ALPHA_THRESHOLD, DEFAULT_K, DEFAULT_SEED, MAX_K,
};

/// Print the k colours that best represent an image.
///
/// The image's pixels are clustered with k-means (or cut into k hue-ordered
/// groups) and the palette is printed, one colour per line, sorted by hue.
/// Output is deterministic: the same input and options give the same bytes,
/// whatever the number of threads. If the image has k or fewer distinct
/// colours, exactly those colours are printed.
#[derive(Debug, Parser)]
#[command(name = "scenepal", version, max_term_width = 100)]
pub struct Cli {
    /// Image to read (JPEG, PNG, WebP, GIF, BMP, TIFF, QOI, PNM, TGA), or `-` for stdin.
    ///
    /// The format is recognised from the content, not the file name (TGA,
    /// which has no signature, only by a `.tga` name).
    #[arg(value_name = "IMAGE")]
    pub image: PathBuf,

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

impl Cli {
    /// Checks what clap cannot: at most one picture may go to stdout.
    pub fn validate(&self) -> Result<(), clap::Error> {
        let to_stdout = |p: &Option<PathBuf>| p.as_deref().is_some_and(|p| p.as_os_str() == "-");
        if to_stdout(&self.swatch) && to_stdout(&self.plot) {
            return Err(Cli::command().error(
                clap::error::ErrorKind::ArgumentConflict,
                "--swatch - and --plot - cannot both write to stdout",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
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
