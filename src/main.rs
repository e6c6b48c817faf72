//! scenepal's entry point: parse arguments, run, map the outcome to an exit code.

mod app;
mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    if let Err(e) = cli.validate() {
        e.exit();
    }
    // Panics are caught and reported as one line each (see `app::guarded`).
    std::panic::set_hook(Box::new(|_| {}));
    match app::guarded(|| app::run(cli)) {
        Ok(app::Outcome::Success) => ExitCode::SUCCESS,
        Ok(app::Outcome::InputFailed) => ExitCode::from(1),
        Err(e) => {
            // A reader that stopped early (`scenepal img | head -1`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("scenepal: {e:#}");
            ExitCode::from(1)
        }
    }
}
