//! The `scenepal` program, built on the library: arguments (`args`), the
//! run's configuration built once (`config`), inputs, the ordered parallel
//! driver (`run`, `ordered`), one owner per consumer of results (`sinks`,
//! `check`), and atomic writes of the pictures (`pictures`, `write`).

mod args;
mod check;
mod config;
mod gallery;
mod input;
mod ordered;
mod pictures;
mod run;
mod sinks;
mod write;

pub use args::{write_man, Cli};
pub use config::Command;
pub use run::{guarded, run, Outcome};
