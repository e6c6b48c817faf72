//! Reading an input: a regular file by path, or `-` for stdin.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use anyhow::{bail, Result};

/// True when `path` names stdin.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads the whole input. Anything but a regular file is refused before it
/// is opened, so a FIFO or device can never block the run.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    if is_stdin(path) {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(io_reason)?;
        return Ok(bytes);
    }
    let meta = fs::metadata(path).map_err(io_reason)?;
    if meta.is_dir() {
        bail!("is a directory");
    }
    if !meta.is_file() {
        bail!("not a regular file (a FIFO, device or socket)");
    }
    fs::read(path).map_err(io_reason)
}

/// An I/O error as a short lowercase reason, without the "(os error N)" tail.
pub fn io_reason(e: io::Error) -> anyhow::Error {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    let reason = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    anyhow::anyhow!(reason)
}

/// The path as printed in messages: control characters (newlines, escape
/// sequences) are escaped so one error stays one line and cannot drive the
/// terminal.
pub fn display_path(path: &Path) -> String {
    let lossy = path.to_string_lossy();
    let mut out = String::with_capacity(lossy.len());
    for c in lossy.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_short() {
        let e = io::Error::from_raw_os_error(2);
        assert_eq!(io_reason(e).to_string(), "no such file or directory");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            display_path(Path::new("a\nb\x1b[31m.png")),
            "a\\nb\\u{1b}[31m.png"
        );
    }
}
