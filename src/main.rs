//! scenepal's entry point: parse arguments, build the configuration once,
//! run, map the outcome to an exit code.

mod cli;

use std::process::ExitCode;

use cli::{Cli, Command, Outcome};

fn main() -> ExitCode {
    let args = Cli::parse_args();
    let command = Command::from_cli(args).unwrap_or_else(|e| e.exit());
    let config = match command {
        Command::Completions(shell) => {
            return match cli::write_completions(shell, &mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => report(e.into()),
            };
        }
        Command::Man => {
            return match cli::write_man(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => report(e.into()),
            };
        }
        Command::Run(config) => config,
    };
    // Panics are caught and reported as one line each (see `cli::guarded`).
    std::panic::set_hook(Box::new(|_| {}));
    match cli::guarded(|| cli::run(*config)) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::InputFailed) => ExitCode::from(1),
        Err(e) => report(e),
    }
}

/// Prints a run-ending error once; a reader that stopped early
/// (`scenepal img | head -1`) is not an error.
fn report(e: anyhow::Error) -> ExitCode {
    if cli::is_broken_pipe(&e) {
        return ExitCode::SUCCESS;
    }
    use std::io::Write as _;
    // A closed stderr loses the message, not the exit code.
    let _ = writeln!(std::io::stderr(), "scenepal: {e:#}");
    ExitCode::from(1)
}
