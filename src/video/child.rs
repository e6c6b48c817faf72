//! Starting `ffmpeg` and `ffprobe`: the film's path handed over as exactly
//! that file (never a URL), output and errors piped back.

use std::ffi::OsString;
use std::io;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::error::{Error, Result};

/// The input options naming `path` as a local file and nothing else.
///
/// ffmpeg reads a bare name as a URL: `concat:a.mp4|b.mp4` reads two other
/// files, `http:x.mp4` reaches the network. `file:` plus the absolute path
/// names exactly the file, and the protocol whitelist stops a container
/// from opening anything but local files.
pub(crate) fn input_args(path: &Path) -> Result<[OsString; 4]> {
    let absolute = std::path::absolute(path).map_err(Error::Read)?;
    let mut url = OsString::from("file:");
    url.push(absolute.as_os_str());
    Ok([
        "-protocol_whitelist".into(),
        "file".into(),
        "-i".into(),
        url,
    ])
}

fn spawn_error(program: &'static str, error: io::Error) -> Error {
    if error.kind() == io::ErrorKind::NotFound {
        Error::MissingProgram { program }
    } else {
        Error::Spawn { program, error }
    }
}

/// Starts `program` (`ffmpeg`, `ffprobe`) with its output and errors piped
/// to us.
pub(crate) fn spawn_piped(program: &'static str, command: &mut Command) -> Result<Child> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_error(program, e))
}

/// Runs `program` to its end, its output collected.
pub(crate) fn run(program: &'static str, command: &mut Command) -> Result<std::process::Output> {
    command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| spawn_error(program, e))
}
