//! The usage checks clap cannot express: options that only mean something
//! together, one reader of stdin, one writer of stdout, and no binary data
//! typed at a terminal. Each failure is a usage error (exit 2).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{CommandFactory, ValueEnum};
use scenepal::output::swatch::SwatchStyle;
use scenepal::output::Format;
use scenepal::MergeWeight;

use crate::cli::args::Cli;
use crate::cli::values::Colors;

/// A usage error (exit code 2) in clap's format.
fn usage_error(message: impl std::fmt::Display) -> clap::Error {
    Cli::command().error(clap::error::ErrorKind::ArgumentConflict, message)
}

/// True for `-`, which names stdin or stdout.
fn is_dash(p: &Option<PathBuf>) -> bool {
    p.as_deref().is_some_and(|p| p.as_os_str() == "-")
}

/// The options that write to stdout (as shown in messages), in the order
/// they are listed: at most one may.
pub fn stdout_writers(cli: &Cli) -> Vec<String> {
    let pictures = [
        ("--swatch -", &cli.swatch),
        ("--plot -", &cli.plot),
        ("--barcode -", &cli.barcode),
        ("--html -", &cli.html),
    ];
    let mut writers: Vec<String> = pictures
        .into_iter()
        .filter(|(_, target)| is_dash(target))
        .map(|(name, _)| name.to_owned())
        .collect();
    // The palette text's place is taken by a picture; a format asked for
    // by name (and not a check, which prints none) would be lost.
    if cli.is_given("format") && cli.check.is_none() {
        let name = cli
            .format
            .to_possible_value()
            .map(|v| v.get_name().to_owned());
        writers.push(format!("-f {}", name.unwrap_or_default()));
    }
    writers
}

/// Checks what clap cannot express; `batch` is whether the output lists
/// many records.
pub fn validate(cli: &Cli, batch: bool) -> Result<(), clap::Error> {
    if cli.inputs.is_empty() && cli.files_from.is_none() {
        return Err(Cli::command().error(
            clap::error::ErrorKind::MissingRequiredArgument,
            "give at least one IMAGE or directory, or --files-from FILE",
        ));
    }
    let writers = stdout_writers(cli);
    if let [first, second, ..] = writers.as_slice() {
        return Err(usage_error(format!(
            "{first} and {second} would both write to stdout: give all but one a file"
        )));
    }
    let pictures_on_stdout = writers.iter().any(|w| w.ends_with(" -"));
    let stdin_readers = cli.inputs.iter().filter(|p| p.as_os_str() == "-").count()
        + is_dash(&cli.files_from) as usize;
    if stdin_readers > 1 {
        return Err(usage_error(
            "stdin (-) can be read only once: give - as one image or as --files-from, once",
        ));
    }
    check_terminals(
        cli,
        pictures_on_stdout && std::io::stdout().is_terminal(),
        stdin_readers > 0 && std::io::stdin().is_terminal(),
    )?;
    // ASE is binary: like a PNG, never typed at a terminal (a check
    // prints no palette, and a picture on stdout takes its place).
    let ase_shown = cli.format == Format::Ase
        && cli.check.is_none()
        && !pictures_on_stdout
        && std::io::stdout().is_terminal();
    if ase_shown {
        return Err(usage_error(
            "refusing to write a binary ASE file to a terminal: redirect stdout (> palette.ase) or pipe it",
        ));
    }
    if cli.max_colors.is_some() && cli.colors != Colors::Auto {
        return Err(usage_error(
            "--max-colors is the ceiling of -k auto: add -k auto, or give the number as -k",
        ));
    }
    let merged = cli.merge || cli.from_histograms;
    if cli.format == Format::Histogram && !merged {
        return Err(usage_error(
            "-f histogram writes a merged histogram: add --merge (or --from-histograms)",
        ));
    }
    if cli.merge_weight != MergeWeight::Pixel && !merged {
        return Err(usage_error(
            "--merge-weight weighs images in a merge: add --merge (or --from-histograms)",
        ));
    }
    if batch && !merged {
        if cli.format.holds_one_palette() {
            return Err(usage_error(
                "--format gpl and css hold one palette: give one image, or add --merge",
            ));
        }
        if cli.swatch.is_some() || cli.plot.is_some() {
            return Err(usage_error(
                "--swatch and --plot draw one palette: use --swatch-dir for many images, or add --merge",
            ));
        }
    }
    if let (Some(start), Some(end)) = (cli.start, cli.end) {
        if end <= start {
            return Err(usage_error(format!(
                "--end {} is not after --start {}",
                scenepal::video::clock(end),
                scenepal::video::clock(start)
            )));
        }
    }
    if merged && cli.swatch.is_some() && cli.swatch_style == Some(SwatchStyle::Card) {
        return Err(usage_error(
            "a merged palette has no single image for a card: leave out --swatch-style card (a merge draws a strip)",
        ));
    }
    Ok(())
}

/// A PNG is never written to a terminal, and an image is never typed
/// at one (gzip refuses both alike).
fn check_terminals(
    cli: &Cli,
    png_to_terminal: bool,
    stdin_from_terminal: bool,
) -> Result<(), clap::Error> {
    if png_to_terminal {
        return Err(usage_error(
            "refusing to write a PNG picture to a terminal: redirect stdout (> picture.png) or pipe it",
        ));
    }
    if stdin_from_terminal {
        let what = if cli.files_from.as_deref() == Some(Path::new("-")) {
            "the list of paths"
        } else {
            "an image"
        };
        return Err(usage_error(format!(
            "- reads {what} from stdin, which is a terminal: pipe or redirect it in (< file)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(args: &[&str]) -> Cli {
        Cli::parse_from_args(std::iter::once("scenepal").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn a_named_format_and_each_picture_on_stdout_are_writers() {
        assert!(stdout_writers(&cli(&["x.jpg"])).is_empty());
        assert_eq!(stdout_writers(&cli(&["-f", "hex", "x.jpg"])), ["-f hex"]);
        assert_eq!(
            stdout_writers(&cli(&["--html", "-", "--swatch", "-", "x.jpg"])),
            ["--swatch -", "--html -"]
        );
        let checked = cli(&["--check", "g.json", "-f", "json", "--plot", "-", "x.jpg"]);
        assert_eq!(stdout_writers(&checked), ["--plot -"]);
    }
}
