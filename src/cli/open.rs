//! Opening an input once. A regular file is opened and its first bytes read
//! from the handle that then reads the rest, so whether it is a film or a
//! still is told without a second open. A pipe named on the command line (a
//! FIFO, `/dev/fd/N`, `<(…)`) is read once, as stdin is. Anything else (a
//! FIFO met in a walk, a device, a socket) is refused before it is opened,
//! so it can never block the run.

use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use anyhow::{bail, Result};

/// Bytes read first, to recognise a film's container.
const SNIFF_BYTES: u64 = 512;

/// A regular file opened once: its handle and its first bytes.
#[derive(Debug)]
pub struct OpenFile {
    file: File,
    head: Vec<u8>,
    len: u64,
}

impl OpenFile {
    /// Opens the regular file at `path` and reads its first bytes; anything
    /// else is refused unopened.
    pub fn open(path: &Path) -> Result<Self> {
        refuse_unless_regular(&fs::metadata(path).map_err(io_reason)?)?;
        let file = File::open(path).map_err(io_reason)?;
        let len = file.metadata().map_err(io_reason)?.len();
        let mut head = Vec::with_capacity(SNIFF_BYTES as usize);
        (&file)
            .take(SNIFF_BYTES)
            .read_to_end(&mut head)
            .map_err(io_reason)?;
        Ok(OpenFile { file, head, len })
    }

    /// The file's first bytes (up to 512).
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// The whole file, at most `max_bytes` of it (the first bytes already
    /// read, then the rest from the same handle).
    pub fn read_all(&self, max_bytes: u64) -> Result<Vec<u8>> {
        if self.len > max_bytes {
            return Err(too_big(max_bytes));
        }
        let mut bytes = self.head.clone();
        read_limited(&mut &self.file, max_bytes, &mut bytes)?;
        Ok(bytes)
    }
}

/// True when `path` names a pipe (a FIFO, or `/dev/fd/N` of one), which is
/// read once as stdin is, when named on the command line.
pub fn is_pipe(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

/// Reads a pipe named on the command line, or stdin (`-`), once, at most
/// `max_bytes` of it. A FIFO with no writer waits for one, as `cat` does.
pub fn read_pipe(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if is_stdin(path) {
        read_limited(&mut io::stdin().lock(), max_bytes, &mut bytes)?;
    } else {
        let mut pipe = File::open(path).map_err(io_reason)?;
        read_limited(&mut pipe, max_bytes, &mut bytes)?;
    }
    Ok(bytes)
}

/// Reads the whole input (`-`: stdin), at most `max_bytes` of it; anything
/// but stdin or a regular file is refused unopened.
pub fn read_input(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    match is_stdin(path) {
        true => read_pipe(path, max_bytes),
        false => OpenFile::open(path)?.read_all(max_bytes),
    }
}

/// Refuses a path that is not a regular file, without opening it.
pub fn refuse_unless_regular(meta: &Metadata) -> Result<()> {
    if meta.is_dir() {
        bail!("is a directory");
    }
    if !meta.is_file() {
        bail!("not a regular file (a FIFO, device or socket)");
    }
    Ok(())
}

/// Appends what `reader` holds to `bytes`, refusing more than `max_bytes` in
/// all. The limit holds while reading: a size that `stat` reports wrongly
/// (files under /proc), or a pipe, cannot make scenepal read past it.
fn read_limited(reader: &mut dyn Read, max_bytes: u64, bytes: &mut Vec<u8>) -> Result<()> {
    let left = max_bytes.saturating_sub(bytes.len() as u64);
    // One byte past the limit tells "at the limit" from "over it".
    reader
        .take(left.saturating_add(1))
        .read_to_end(bytes)
        .map_err(io_reason)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_big(max_bytes));
    }
    Ok(())
}

/// True when `path` names stdin.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// An I/O error as a short lowercase reason, without the "(os error N)" tail.
pub fn io_reason(e: io::Error) -> anyhow::Error {
    anyhow::anyhow!(io_reason_text(&e.to_string()))
}

pub fn io_reason_text(text: &str) -> String {
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn too_big(max_bytes: u64) -> anyhow::Error {
    anyhow::anyhow!("larger than the limit of {max_bytes} bytes (--max-bytes)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bytes_and_the_rest_come_from_one_handle_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        let data: Vec<u8> = (0..2000u32).map(|i| i as u8).collect();
        fs::write(&path, &data).unwrap();
        let open = OpenFile::open(&path).unwrap();
        assert_eq!(open.head(), &data[..512]);
        assert_eq!(open.read_all(2000).unwrap(), data);
        assert!(open.read_all(1999).is_err());
        let err = OpenFile::open(dir.path()).unwrap_err();
        assert_eq!(err.to_string(), "is a directory");
    }
}
