//! Inputs: expanding files, directories and file lists into the ordered list
//! of images, and reading one (a regular file, or `-` for stdin).

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Result};
use scenepal::output::escape_control;
use walkdir::WalkDir;

/// File name extensions taken from a walked directory (any case).
pub const IMAGE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "jfif", "png", "webp", "gif", "bmp", "tif", "tiff", "qoi", "pnm", "pbm",
    "pgm", "ppm", "pam", "tga",
];

/// One entry of the expanded input list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputItem {
    /// An image to read.
    Image(PathBuf),
    /// Something in a walked directory that could not be read (an
    /// unreadable folder, a symlink loop), reported in its place.
    Unreadable(PathBuf, String),
}

/// True when a walked file's name ends in an image extension.
pub fn has_image_extension(path: &Path) -> bool {
    path.extension()
        .and_then(OsStr::to_str)
        .is_some_and(|e| IMAGE_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn is_hidden(name: &OsStr) -> bool {
    name.as_bytes().first() == Some(&b'.')
}

/// Expands inputs in order: a directory becomes its image files, walked
/// recursively in name order (symlinks followed; a loop is reported, not
/// followed); hidden entries are skipped unless `hidden`. Anything else,
/// including `-`, is kept as named: explicitly named files are always tried.
pub fn expand_inputs(args: &[PathBuf], hidden: bool) -> Vec<InputItem> {
    let mut items = Vec::new();
    for arg in args {
        if is_stdin(arg) || !arg.is_dir() {
            items.push(InputItem::Image(arg.clone()));
            continue;
        }
        let before = items.len();
        let walk = WalkDir::new(arg)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| hidden || e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walk {
            match entry {
                // Not only regular files: a FIFO or device named like an
                // image is reported (refused when read), not silently skipped.
                Ok(e) if !e.file_type().is_dir() && has_image_extension(e.path()) => {
                    items.push(InputItem::Image(e.into_path()))
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().unwrap_or(arg).to_path_buf();
                    let reason = match err.loop_ancestor() {
                        Some(a) => format!("symlink loop back to {}", display_path(a)),
                        None => err
                            .io_error()
                            .map_or_else(|| err.to_string(), |e| io_reason_text(&e.to_string())),
                    };
                    items.push(InputItem::Unreadable(path, reason));
                }
            }
        }
        if items.len() == before {
            // Pointing scenepal at a folder with nothing to read is a mistake
            // worth reporting, not a silent success.
            items.push(InputItem::Unreadable(
                arg.clone(),
                "no image files in this directory".to_owned(),
            ));
        }
    }
    items
}

/// Reads a list of paths (`-`: stdin), one per line or, with `nul`, separated
/// by NUL bytes (for names holding newlines). Empty entries are skipped.
pub fn read_file_list(path: &Path, nul: bool) -> Result<Vec<PathBuf>> {
    let bytes = if is_stdin(path) {
        let mut b = Vec::new();
        io::stdin().lock().read_to_end(&mut b).map_err(io_reason)?;
        b
    } else {
        fs::read(path).map_err(io_reason)?
    };
    let sep = if nul { b'\0' } else { b'\n' };
    Ok(bytes
        .split(|&b| b == sep)
        .filter(|entry| !entry.is_empty())
        .map(|entry| PathBuf::from(std::ffi::OsString::from_vec(entry.to_vec())))
        .collect())
}

/// The file name a per-image picture gets in `--swatch-dir`: the input path
/// with `%`, `/` and every byte outside `[A-Za-z0-9._-]` percent-encoded, so
/// two inputs never share a name (`stills/a.jpg` → `stills%2Fa.jpg.png`).
/// Over-long names are cut and given a hash of the whole path.
pub fn picture_file_name(path: &Path) -> String {
    if is_stdin(path) {
        return "stdin.png".to_owned();
    }
    // `./a.jpg` and `a.jpg` are the same file.
    let trimmed: PathBuf = path
        .components()
        .skip_while(|c| *c == Component::CurDir)
        .collect();
    let bytes = trimmed.as_os_str().as_bytes();
    let mut name = String::with_capacity(bytes.len() + 4);
    for (i, &b) in bytes.iter().enumerate() {
        let plain = b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || (b == b'.' && i > 0);
        if plain {
            name.push(b as char);
        } else {
            name.push_str(&format!("%{b:02X}"));
        }
    }
    const MAX_NAME_BYTES: usize = 200;
    if name.len() > MAX_NAME_BYTES {
        // FNV-1a: stable across runs and platforms.
        let hash = bytes.iter().fold(0xcbf29ce484222325u64, |h, &b| {
            (h ^ b as u64).wrapping_mul(0x100000001b3)
        });
        name.truncate(MAX_NAME_BYTES);
        name.push_str(&format!("-{hash:016x}"));
    }
    name.push_str(".png");
    name
}

/// True when `path` names stdin.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads the whole input, at most `max_bytes` of it. Anything but a regular
/// file is refused before it is opened, so a FIFO or device can never block
/// the run.
pub fn read_input(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let too_big = || anyhow::anyhow!("larger than the limit of {max_bytes} bytes (--max-bytes)");
    if is_stdin(path) {
        let mut bytes = Vec::new();
        // One byte past the limit tells "at the limit" from "over it".
        io::stdin()
            .lock()
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io_reason)?;
        if bytes.len() as u64 > max_bytes {
            return Err(too_big());
        }
        return Ok(bytes);
    }
    let meta = fs::metadata(path).map_err(io_reason)?;
    if meta.is_dir() {
        bail!("is a directory");
    }
    if !meta.is_file() {
        bail!("not a regular file (a FIFO, device or socket)");
    }
    if meta.len() > max_bytes {
        return Err(too_big());
    }
    fs::read(path).map_err(io_reason)
}

/// Default largest input, in bytes (1 GiB).
pub const MAX_BYTES_DEFAULT: u64 = 1 << 30;

/// An I/O error as a short lowercase reason, without the "(os error N)" tail.
pub fn io_reason(e: io::Error) -> anyhow::Error {
    anyhow::anyhow!(io_reason_text(&e.to_string()))
}

fn io_reason_text(text: &str) -> String {
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

/// The path as printed in messages: control characters (newlines, escape
/// sequences) are escaped so one error stays one line and cannot drive the
/// terminal.
pub fn display_path(path: &Path) -> String {
    escape_control(&path_text(path))
}

/// The path as text: UTF-8 as it is, any other byte as `\xNN`, so two
/// different names never print the same (unlike U+FFFD replacement).
pub fn path_text(path: &Path) -> String {
    let mut out = String::new();
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
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
    fn picture_names_never_collide_and_stay_plain_files() {
        let a = picture_file_name(Path::new("stills/a.jpg"));
        let b = picture_file_name(Path::new("other/a.jpg"));
        assert_eq!(a, "stills%2Fa.jpg.png");
        assert_ne!(a, b);
        assert_eq!(picture_file_name(Path::new("./a b.jpg")), "a%20b.jpg.png");
        assert_ne!(
            picture_file_name(Path::new("a%2Fb.jpg")),
            picture_file_name(Path::new("a/b.jpg"))
        );
        assert_eq!(
            picture_file_name(Path::new(".hidden.png")),
            "%2Ehidden.png.png"
        );
        let long = picture_file_name(Path::new(&"x/".repeat(300)));
        assert!(long.len() < 255 && !long.contains('/'));
        assert_eq!(picture_file_name(Path::new("-")), "stdin.png");
    }

    #[test]
    fn directories_expand_sorted_skipping_hidden_and_non_images() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for name in [
            "b.jpg",
            "a.PNG",
            "notes.txt",
            ".hidden.png",
            "sub/c.gif",
            ".git/d.png",
        ] {
            let p = d.join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, b"x").unwrap();
        }
        let names = |items: Vec<InputItem>| -> Vec<String> {
            items
                .into_iter()
                .map(|i| match i {
                    InputItem::Image(p) => {
                        p.strip_prefix(d).unwrap().to_string_lossy().into_owned()
                    }
                    InputItem::Unreadable(p, r) => format!("{}: {r}", p.display()),
                })
                .collect()
        };
        assert_eq!(
            names(expand_inputs(&[d.to_path_buf()], false)),
            ["a.PNG", "b.jpg", "sub/c.gif"]
        );
        assert_eq!(
            names(expand_inputs(&[d.to_path_buf()], true)),
            [".git/d.png", ".hidden.png", "a.PNG", "b.jpg", "sub/c.gif"]
        );
        // Explicitly named files are kept whatever their name.
        let notes = d.join("notes.txt");
        assert_eq!(
            expand_inputs(std::slice::from_ref(&notes), false),
            [InputItem::Image(notes)]
        );
    }

    #[test]
    fn a_symlink_loop_is_reported_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
        fs::write(dir.path().join("sub/a.png"), b"x").unwrap();
        let items = expand_inputs(&[dir.path().to_path_buf()], false);
        assert!(
            items
                .iter()
                .any(|i| matches!(i, InputItem::Unreadable(_, r) if r.contains("loop"))),
            "{items:?}"
        );
        assert_eq!(
            items
                .iter()
                .filter(|i| matches!(i, InputItem::Image(_)))
                .count(),
            1
        );
    }

    #[test]
    fn file_lists_split_on_newlines_or_nul() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("list");
        fs::write(&list, b"a b.jpg\n\nc\nd.png\n").unwrap();
        assert_eq!(
            read_file_list(&list, false).unwrap(),
            [PathBuf::from("a b.jpg"), "c".into(), "d.png".into()]
        );
        fs::write(&list, b"a\nb.jpg\0c.png\0").unwrap();
        assert_eq!(
            read_file_list(&list, true).unwrap(),
            [PathBuf::from("a\nb.jpg"), "c.png".into()]
        );
    }

    #[test]
    fn invalid_utf8_bytes_are_shown_as_hex_escapes() {
        let name = Path::new(OsStr::from_bytes(b"caf\xe9-\xff.png"));
        assert_eq!(path_text(name), "caf\\xe9-\\xff.png");
        let other = Path::new(OsStr::from_bytes(b"caf\xe8-\xff.png"));
        assert_ne!(path_text(name), path_text(other));
        assert_eq!(path_text(Path::new("plain/ü.jpg")), "plain/ü.jpg");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            display_path(Path::new("a\nb\x1b[31m.png")),
            "a\\nb\\u{1b}[31m.png"
        );
    }
}
