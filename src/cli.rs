//! The command line: clap definition, value enums and range checks.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

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
    use clap::CommandFactory;

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
    }
}
