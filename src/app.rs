//! Drives one run: options from the command line, read, extract, print, and
//! the exit status.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};

use anyhow::{Context, Result};

use crate::cli::{Cli, ColorChoice};
use scenepal::input::{display_path, is_stdin, read_input};
use scenepal::output::{write_report, Format, Report};
use scenepal::{extract_palette, load_image, Options};

/// How a run ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was printed.
    Success,
    /// An input failed; its error has been printed.
    InputFailed,
}

/// Runs the command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = cli.threads {
        pool = pool.num_threads(n);
    }
    let pool = pool.build().context("cannot start worker threads")?;
    pool.install(|| run_in_pool(&cli))
}

fn run_in_pool(cli: &Cli) -> Result<Outcome> {
    let options = Options {
        k: cli.colors,
        algorithm: cli.algorithm,
        space: cli.space,
        seed: cli.seed,
        sort: cli.sort,
    };
    let shown = display_path(&cli.image);
    let name = (!is_stdin(&cli.image)).then_some(cli.image.as_path());
    let loaded =
        read_input(&cli.image).and_then(|bytes| load_image(&bytes, name, cli.alpha_threshold));
    let loaded = match loaded {
        Ok(l) => l,
        Err(e) => {
            eprintln!("scenepal: {shown}: {e:#}");
            return Ok(Outcome::InputFailed);
        }
    };
    let palette = extract_palette(&loaded.histogram, &options);
    let report = Report {
        path: &cli.image.to_string_lossy(),
        width: loaded.width,
        height: loaded.height,
        options: &options,
        palette: &palette,
    };
    let stdout = io::stdout();
    let preview = cli.format == Format::Hex
        && wants_color(
            cli.color,
            stdout.is_terminal(),
            std::env::var_os("NO_COLOR"),
        );
    let mut out = io::BufWriter::new(stdout.lock());
    write_report(&mut out, &report, cli.format, preview)
        .and_then(|()| out.flush())
        .context("cannot write to stdout")?;
    Ok(Outcome::Success)
}

/// Runs `work`, turning a panic (a decoder's bug on hostile data) into an
/// error for this input instead of a crash. The panic hook installed by
/// `main` keeps the default multi-line report off stderr.
pub fn guarded<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        Err(anyhow::anyhow!(
            "internal error: {}",
            panic_message(&*payload)
        ))
    })
}

/// The text a panic was raised with.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.as_str()
    } else {
        "unknown panic"
    };
    text.replace('\n', " ")
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
