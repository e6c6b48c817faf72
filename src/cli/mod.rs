//! The `scenepal` program, built on the library: arguments (`args`, their
//! values in `values`), the run's configuration built and checked once
//! (`config`), library errors named by their flags (`explain`), inputs, the ordered parallel
//! driver (`run`, `ordered`), one owner per consumer of results (`sinks`,
//! `check`), and atomic writes of the pictures (`pictures`, `write`).

#[macro_use]
mod macros {
    /// Prints a diagnostic line on stderr. A closed or full stderr loses the
    /// line, never the run (`eprintln!` would panic).
    macro_rules! say {
        ($($arg:tt)*) => {{
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), $($arg)*);
        }};
    }
}

mod args;
mod budget;
mod check;
mod config;
mod explain;
mod films;
mod gallery;
mod input;
mod open;
mod ordered;
mod pictures;
mod run;
mod sinks;
mod tally;
mod values;
mod write;

pub use args::{write_completions, write_man, Cli};

/// True when `e` comes from a reader of stdout that went away
/// (`scenepal still.jpg | head -1`): not an error.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
pub use config::Command;
pub use run::{guarded, run, Outcome};
