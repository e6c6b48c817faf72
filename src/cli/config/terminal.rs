//! Whether colour blocks are shown before hex codes: the terminal, the
//! `NO_COLOR` convention, `TERM` and `COLORTERM`, and `--color`.

use std::ffi::OsString;

use scenepal::output::Preview;

use crate::cli::values::ColorChoice;

/// The environment variables that decide terminal colour.
#[derive(Default)]
pub struct Env {
    no_color: Option<OsString>,
    term: Option<OsString>,
    colorterm: Option<OsString>,
}

impl Env {
    pub fn read() -> Self {
        Env {
            no_color: std::env::var_os("NO_COLOR"),
            term: std::env::var_os("TERM"),
            colorterm: std::env::var_os("COLORTERM"),
        }
    }
}

/// `auto` follows the terminal, the NO_COLOR convention (any non-empty
/// value turns colour off) and TERM=dumb (as ripgrep does); `always` and
/// `never` override them. The block is 24-bit only where COLORTERM says the
/// terminal has it (as pastel does), else from the 256-colour palette.
pub fn preview(choice: ColorChoice, is_terminal: bool, env: &Env) -> Preview {
    let set = |v: &Option<OsString>| v.as_ref().is_some_and(|v| !v.is_empty());
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && !set(&env.no_color) && env.term.as_deref() != Some("dumb".as_ref())
        }
    };
    let truecolor = env
        .colorterm
        .as_deref()
        .is_some_and(|v| v == "truecolor" || v == "24bit");
    match (on, truecolor) {
        (false, _) => Preview::Off,
        (true, true) => Preview::TrueColor,
        (true, false) => Preview::Ansi256,
    }
}

/// The width of the terminal on stdout, in columns (`None` when stdout is
/// not a terminal or does not say).
pub fn stdout_width() -> Option<usize> {
    let size = rustix::termios::tcgetwinsize(std::io::stdout()).ok()?;
    (size.ws_col > 0).then_some(usize::from(size.ws_col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_terminal_no_color_term_and_colorterm() {
        let env = |no_color: Option<&str>, term: Option<&str>, colorterm: Option<&str>| Env {
            no_color: no_color.map(OsString::from),
            term: term.map(OsString::from),
            colorterm: colorterm.map(OsString::from),
        };
        let plain = Env::default();
        assert_eq!(preview(ColorChoice::Auto, true, &plain), Preview::Ansi256);
        let truecolor = env(None, Some("xterm"), Some("truecolor"));
        assert_eq!(
            preview(ColorChoice::Auto, true, &truecolor),
            Preview::TrueColor
        );
        let bits = env(None, None, Some("24bit"));
        assert_eq!(
            preview(ColorChoice::Always, false, &bits),
            Preview::TrueColor
        );
        assert_eq!(
            preview(ColorChoice::Auto, true, &env(Some(""), None, None)),
            Preview::Ansi256
        );
        assert_eq!(
            preview(ColorChoice::Auto, true, &env(Some("1"), None, None)),
            Preview::Off
        );
        assert_eq!(
            preview(ColorChoice::Auto, true, &env(None, Some("dumb"), None)),
            Preview::Off
        );
        assert_eq!(preview(ColorChoice::Auto, false, &plain), Preview::Off);
        let no = env(Some("1"), Some("dumb"), None);
        assert_eq!(preview(ColorChoice::Always, false, &no), Preview::Ansi256);
        assert_eq!(preview(ColorChoice::Never, true, &truecolor), Preview::Off);
    }
}
