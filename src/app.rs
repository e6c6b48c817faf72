//! Drives one run: options from the command line, read, extract, print, and
//! the exit status.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::{Cli, ColorChoice};
use scenepal::input::{display_path, is_stdin, read_input};
use scenepal::output::plot::{render_plot_png, render_plot_svg, PLOT_SAMPLE_PX};
use scenepal::output::swatch::{render_swatch, SwatchOptions, SwatchStyle};
use scenepal::output::{encode_png, write_report, Format, Report};
use scenepal::write::write_output;
use scenepal::{extract_palette, load_image, LoadedImage, Options, Palette};

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
    let preview_width =
        (cli.swatch.is_some() && cli.swatch_style == SwatchStyle::Card).then_some(cli.swatch_width);
    let loaded = guarded(|| {
        let bytes = read_input(&cli.image)?;
        load_image(&bytes, name, cli.alpha_threshold, preview_width)
    });
    let loaded = match loaded {
        Ok(l) => l,
        Err(e) => {
            eprintln!("scenepal: {shown}: {e:#}");
            return Ok(Outcome::InputFailed);
        }
    };
    let palette = extract_palette(&loaded.histogram, &options);
    if let Err((path, e)) = write_pictures(cli, &loaded, &palette) {
        eprintln!("scenepal: {}: {e:#}", display_path(path));
        return Ok(Outcome::InputFailed);
    }
    let picture_on_stdout = [&cli.swatch, &cli.plot]
        .iter()
        .any(|p| p.as_deref().is_some_and(is_stdin));
    if picture_on_stdout {
        return Ok(Outcome::Success);
    }
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

/// Writes the swatch and the plot that were asked for; an error names the
/// file it concerns.
fn write_pictures<'a>(
    cli: &'a Cli,
    loaded: &LoadedImage,
    palette: &Palette,
) -> Result<(), (&'a Path, anyhow::Error)> {
    if let Some(path) = &cli.swatch {
        let opts = SwatchOptions {
            style: cli.swatch_style,
            width: cli.swatch_width,
            proportional: cli.proportional,
        };
        let picture = render_swatch(palette, loaded.preview.as_ref(), &opts);
        write_output(path, |w| encode_png(&picture, w)).map_err(|e| (path.as_path(), e))?;
    }
    if let Some(path) = &cli.plot {
        let sample = loaded.histogram.sample_pixels(PLOT_SAMPLE_PX, cli.seed);
        let colors: Vec<_> = palette.colors.iter().map(|s| s.rgb).collect();
        let is_svg = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
        let result = if is_svg {
            render_plot_svg(&sample, &colors)
                .and_then(|svg| write_output(path, |w| w.write_all(svg.as_bytes())))
        } else {
            render_plot_png(&sample, &colors)
                .and_then(|png| write_output(path, |w| encode_png(&png, w)))
        };
        result.map_err(|e| (path.as_path(), e))?;
    }
    Ok(())
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
