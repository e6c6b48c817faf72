//! The values options take: the small parsers that check ranges with one
//! uniform message, and the value types clap fills in.

use std::ffi::OsStr;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::ValueEnum;

use scenepal::output::MAX_PICTURE_SIDE_PX;
use scenepal::{Exclusion, MAX_K};

/// When to use terminal colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal, NO_COLOR is unset and TERM is not dumb.
    Auto,
    /// Always, even when piped.
    Always,
    /// Never.
    Never,
}

/// `--every`: a duration, or one frame a shot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Every {
    /// One frame every this many milliseconds.
    Ms(u64),
    /// The middle frame of each shot.
    Shot,
    /// Every keyframe, decoding keyframes only.
    Key,
}

/// `-k`: a number of colours, or auto.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colors {
    /// This many.
    Fixed(usize),
    /// Chosen per image, up to `--max-colors`.
    Auto,
}

impl std::fmt::Display for Colors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Colors::Fixed(k) => write!(f, "{k}"),
            Colors::Auto => f.write_str("auto"),
        }
    }
}

/// A value parser that also names the words its option takes beside
/// numbers or durations (`-k auto`, `--every shot`), so that shell
/// completions offer them; the help keeps its own wording (the option sets
/// `hide_possible_values`).
#[derive(Clone)]
pub struct WithWords<P> {
    parse: P,
    words: fn() -> Vec<PossibleValue>,
}

/// `parse`, with `words` offered by completions.
pub(super) fn with_words<P>(parse: P, words: fn() -> Vec<PossibleValue>) -> WithWords<P> {
    WithWords { parse, words }
}

impl<P: TypedValueParser> TypedValueParser for WithWords<P> {
    type Value = P::Value;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Self::Value, clap::Error> {
        self.parse.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.words)().into_iter()))
    }
}

/// The word `-k` takes.
pub(super) fn colors_words() -> Vec<PossibleValue> {
    vec![PossibleValue::new("auto").help("Chosen per image, up to --max-colors")]
}

/// The words `--every` takes (keep in step with [`parse_every`]).
pub(super) fn every_words() -> Vec<PossibleValue> {
    vec![
        PossibleValue::new("shot").help("The middle frame of each shot"),
        PossibleValue::new("key").help("Every keyframe (keyframes only decoded)"),
    ]
}

/// The colour names `--exclude` takes (CSS's).
pub(super) fn exclude_words() -> Vec<PossibleValue> {
    scenepal::names::CSS_COLORS
        .iter()
        .map(|(name, _)| PossibleValue::new(*name))
        .collect()
}

/// A whole number in `lo..=hi`, or the uniform message every range check gives.
pub(super) fn parse_ranged<T>(s: &str, lo: T, hi: T) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    match s.trim().parse::<T>() {
        Ok(v) if v >= lo && v <= hi => Ok(v),
        _ => Err(format!(
            "must be a whole number from {lo} to {hi}, got `{s}`"
        )),
    }
}

pub(super) fn parse_k(s: &str) -> Result<usize, String> {
    parse_ranged(s, 1, MAX_K)
}

pub(super) fn parse_colors(s: &str) -> Result<Colors, String> {
    match s.trim() {
        "auto" => Ok(Colors::Auto),
        n => parse_k(n)
            .map(Colors::Fixed)
            .map_err(|_| format!("-k must be a number from 1 to {MAX_K} or auto, got {n}")),
    }
}

pub(super) fn parse_exclusion(s: &str) -> Result<Exclusion, String> {
    s.parse()
}

pub(super) fn parse_seed(s: &str) -> Result<u64, String> {
    parse_ranged(s, 0, u64::MAX)
}

pub(super) fn parse_duration_ms(s: &str) -> Result<u64, String> {
    scenepal::video::parse_duration(s)
}

pub(super) fn parse_every(s: &str) -> Result<Every, String> {
    match s.trim() {
        "shot" | "shots" => Ok(Every::Shot),
        "key" => Ok(Every::Key),
        d => match parse_duration_ms(d)? {
            0 => Err(format!(
                "'{s}' is no interval: give a positive duration (1s, 500ms), shot or key"
            )),
            ms => Ok(Every::Ms(ms)),
        },
    }
}

pub(super) fn parse_timeout(s: &str) -> Result<u64, String> {
    parse_ranged(s, 1, 86_400)
}

pub(super) fn parse_frames(s: &str) -> Result<usize, String> {
    parse_ranged(s, 1, 1_000_000)
}

pub(super) fn parse_alpha(s: &str) -> Result<u8, String> {
    parse_ranged(s, 0, 255)
}

pub(super) fn parse_positive(s: &str) -> Result<u64, String> {
    parse_ranged(s, 1, u64::MAX)
}

pub(super) fn parse_swatch_width(s: &str) -> Result<u32, String> {
    parse_ranged(s, 200, MAX_PICTURE_SIDE_PX)
}

pub(super) fn parse_html_width(s: &str) -> Result<u32, String> {
    parse_ranged(s, 64, 4096)
}

pub(super) fn parse_picture_side(s: &str) -> Result<u32, String> {
    parse_ranged(s, 1, MAX_PICTURE_SIDE_PX)
}

/// `0` means one thread per core, as in other tools.
pub(super) fn parse_threads(s: &str) -> Result<usize, String> {
    parse_ranged(s, 0, 1024)
}

pub(super) fn parse_tolerance(s: &str) -> Result<f32, String> {
    match s.trim().parse::<f32>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("must be a number from 0 up (a ΔE), got `{s}`")),
    }
}

pub(super) fn parse_fraction(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("must be a number from 0 to 1, got `{s}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_range_is_checked() {
        assert_eq!(parse_k("1"), Ok(1));
        assert_eq!(parse_k("256"), Ok(256));
        for bad in ["0", "257", "ten", "-1"] {
            assert_eq!(
                parse_k(bad),
                Err(format!("must be a whole number from 1 to 256, got `{bad}`"))
            );
        }
        assert_eq!(parse_threads("0"), Ok(0));
        assert!(parse_threads("1025").is_err());
        assert_eq!(
            parse_alpha("256"),
            Err("must be a whole number from 0 to 255, got `256`".to_owned())
        );
        assert!(parse_swatch_width("199").is_err());
        assert_eq!(parse_swatch_width("1000"), Ok(1000));
    }
}
