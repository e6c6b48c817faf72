//! Inputs: expanding files, directories and file lists into the ordered list
//! of inputs (opened later, once each, by `open`), and how paths are shown.

use std::cmp::Ordering;
use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};

use anyhow::Result;
use scenepal::decode::formats::has_known_extension;
use scenepal::output::escape_control;
use walkdir::WalkDir;

pub use super::open::{io_reason, is_stdin};
use super::open::{io_reason_text, is_pipe, OpenFile};

/// One entry of the expanded input list.
pub enum InputItem {
    /// A file to open (a still or a film), or stdin (`-`).
    Image(PathBuf),
    /// A pipe named on the command line (a FIFO, `/dev/fd/N`): read once,
    /// as stdin is.
    Pipe(PathBuf),
    /// A still, opened (see [`OpenFile`]).
    Opened(PathBuf, OpenFile),
    /// Something in a walked directory that could not be read (an
    /// unreadable folder, a symlink loop), reported in its place.
    Unreadable(PathBuf, String),
}

impl std::fmt::Debug for InputItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

impl InputItem {
    /// The path this entry stands for.
    pub fn path(&self) -> &Path {
        match self {
            InputItem::Image(p)
            | InputItem::Pipe(p)
            | InputItem::Opened(p, _)
            | InputItem::Unreadable(p, _) => p,
        }
    }

    /// The name its record goes by.
    pub fn name(&self) -> String {
        path_text(self.path())
    }
}

/// True when a walked file's name ends in an extension of a format scenepal
/// reads (the formats' table), a still's or a film's; its first bytes then
/// decide what it is read as.
pub fn has_input_extension(path: &Path) -> bool {
    path.extension()
        .and_then(OsStr::to_str)
        .is_some_and(has_known_extension)
}

fn is_hidden(name: &OsStr) -> bool {
    name.as_bytes().first() == Some(&b'.')
}

/// How directories are walked.
#[derive(Clone, Copy, Debug, Default)]
pub struct WalkOptions {
    /// Take hidden entries (names starting with a dot) too.
    pub hidden: bool,
    /// Follow symbolic links to directories (`-L`).
    pub follow: bool,
}

/// Expands inputs in order: a directory becomes its image and film files, walked
/// recursively in natural order; hidden entries are skipped unless asked
/// for. A symbolic link to a directory is not followed unless `follow`, and
/// then no directory is visited twice (by device and inode), so neither a
/// loop nor a lattice of links can make the walk explode; links to files are
/// read. Anything else, including `-`, is kept as named: explicitly named
/// files and directories are always tried.
pub fn expand_inputs(args: &[PathBuf], walk: WalkOptions) -> Vec<InputItem> {
    use std::os::unix::fs::MetadataExt;
    let mut items = Vec::new();
    for arg in args {
        if is_pipe(arg) {
            items.push(InputItem::Pipe(arg.clone()));
            continue;
        }
        if is_stdin(arg) || !arg.is_dir() {
            items.push(InputItem::Image(arg.clone()));
            continue;
        }
        let before = items.len();
        let mut seen = std::collections::HashSet::new();
        let entries = WalkDir::new(arg)
            .follow_links(walk.follow)
            .sort_by(|a, b| natural_cmp(a.file_name().as_bytes(), b.file_name().as_bytes()))
            .into_iter()
            .filter_entry(move |e| {
                if !(walk.hidden || e.depth() == 0 || !is_hidden(e.file_name())) {
                    return false;
                }
                if e.file_type().is_dir() {
                    // Followed links can reach one folder by many paths.
                    return e
                        .metadata()
                        .map_or(true, |m| seen.insert((m.dev(), m.ino())));
                }
                true
            });
        for entry in entries {
            match entry {
                Ok(e) if e.file_type().is_dir() => {}
                // A link not followed: read it if it names a file, skip it
                // if it names a folder.
                Ok(e) if e.path_is_symlink() && !walk.follow && e.path().is_dir() => {}
                // Not only regular files: a FIFO or device named like an
                // image is reported (refused unopened), not silently skipped.
                Ok(e) if has_input_extension(e.path()) => {
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
                "no image or film files in this directory".to_owned(),
            ));
        }
    }
    items
}

/// Natural order of names: runs of digits compare as numbers (`img9` before
/// `img10`), everything else byte by byte; names that differ only in leading
/// zeros (`01`, `1`) keep a fixed order, the shorter run first.
pub fn natural_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    let mut zeros = Ordering::Equal;
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let run =
                |s: &[u8], k: usize| k + s[k..].iter().take_while(|c| c.is_ascii_digit()).count();
            let (ei, ej) = (run(a, i), run(b, j));
            fn trim(s: &[u8]) -> &[u8] {
                let start = s.iter().position(|&c| c != b'0').unwrap_or(s.len());
                &s[start..]
            }
            let (na, nb) = (trim(&a[i..ei]), trim(&b[j..ej]));
            let by_value = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
            if by_value != Ordering::Equal {
                return by_value;
            }
            zeros = zeros.then((ei - i).cmp(&(ej - j)));
            (i, j) = (ei, ej);
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j)).then(zeros)
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
        // A list written on Windows ends its lines in CRLF.
        .map(|entry| match entry {
            [rest @ .., b'\r'] if !nul => rest,
            _ => entry,
        })
        .filter(|entry| !entry.is_empty())
        .map(|entry| PathBuf::from(std::ffi::OsString::from_vec(entry.to_vec())))
        .collect())
}

/// A path normalised lexically (no file system access): `.` components and
/// repeated slashes go, and an absolute path below `cwd` becomes relative to
/// it. `..` is kept: what it names depends on symbolic links.
pub fn normalize(path: &Path, cwd: Option<&Path>) -> PathBuf {
    let plain: PathBuf = path
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    match cwd.and_then(|cwd| plain.strip_prefix(cwd).ok()) {
        Some(inside) if !inside.as_os_str().is_empty() => inside.to_path_buf(),
        _ => plain,
    }
}

/// The deepest folder holding every image and film of `items` (lexically,
/// after [`normalize`]): per-image picture names are made below it.
pub fn common_folder(items: &[InputItem]) -> PathBuf {
    let mut folders = items.iter().filter_map(|item| match item {
        InputItem::Image(p) | InputItem::Pipe(p) if !is_stdin(p) => Some(
            normalize(p, None)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        ),
        _ => None,
    });
    let Some(mut common) = folders.next() else {
        return PathBuf::new();
    };
    for folder in folders {
        while !folder.starts_with(&common) {
            if !common.pop() {
                return PathBuf::new();
            }
        }
    }
    common
}

/// The file name a per-image picture gets in `--swatch-dir`: the input path
/// below `base` (see [`common_folder`]) with `%`, `/` and every byte outside
/// `[A-Za-z0-9._-]` percent-encoded, so two inputs never share a name
/// (`stills/a/1.jpg` below `stills` → `a%2F1.jpg.png`). Over-long names are
/// cut and given a hash of the whole path.
pub fn picture_file_name(path: &Path, base: &Path) -> String {
    if is_stdin(path) {
        return "stdin.png".to_owned();
    }
    let normal = normalize(path, None);
    let trimmed = normal.strip_prefix(base).unwrap_or(&normal);
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

/// Default largest input, in bytes (1 GiB).
pub const MAX_BYTES_DEFAULT: u64 = 1 << 30;

/// The path as printed in messages: control characters (newlines, escape
/// sequences) are escaped so one error stays one line and cannot drive the
/// terminal.
pub fn display_path(path: &Path) -> String {
    escape_control(&path_text(path))
}

/// The path as text: UTF-8 as it is, any other byte as `\xNN` and a
/// backslash as `\\`, so two different names never print the same (unlike
/// U+FFFD replacement, and unlike a name that spells `\xff` itself).
pub fn path_text(path: &Path) -> String {
    let mut out = String::new();
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
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
        let none = Path::new("");
        let a = picture_file_name(Path::new("stills/a.jpg"), none);
        let b = picture_file_name(Path::new("other/a.jpg"), none);
        assert_eq!(a, "stills%2Fa.jpg.png");
        assert_ne!(a, b);
        assert_eq!(
            picture_file_name(Path::new("./a b.jpg"), none),
            "a%20b.jpg.png"
        );
        assert_ne!(
            picture_file_name(Path::new("a%2Fb.jpg"), none),
            picture_file_name(Path::new("a/b.jpg"), none)
        );
        assert_eq!(
            picture_file_name(Path::new(".hidden.png"), none),
            "%2Ehidden.png.png"
        );
        let long = picture_file_name(Path::new(&"x/".repeat(300)), none);
        assert!(long.len() < 255 && !long.contains('/'));
        assert_eq!(picture_file_name(Path::new("-"), none), "stdin.png");
    }

    #[test]
    fn pictures_are_named_below_the_inputs_common_folder() {
        let images = |paths: &[&str]| -> Vec<InputItem> {
            paths
                .iter()
                .map(|p| InputItem::Image(PathBuf::from(p)))
                .collect()
        };
        let items = images(&["/work/stills/a/1.jpg", "/work/stills//b/1.jpg", "-"]);
        let base = common_folder(&items);
        assert_eq!(base, Path::new("/work/stills"));
        assert_eq!(
            picture_file_name(Path::new("/work/stills/a/1.jpg"), &base),
            "a%2F1.jpg.png"
        );
        assert_eq!(
            picture_file_name(Path::new("/work/stills//b/1.jpg"), &base),
            "b%2F1.jpg.png"
        );
        assert_eq!(common_folder(&images(&["./x.jpg"])), Path::new(""));
        assert_eq!(
            common_folder(&images(&["/a/x.jpg", "b/y.jpg"])),
            Path::new("")
        );
    }

    #[test]
    fn paths_normalise_lexically() {
        let cwd = Path::new("/work/repo");
        assert_eq!(
            normalize(Path::new("./ci//a.jpg"), Some(cwd)),
            Path::new("ci/a.jpg")
        );
        assert_eq!(
            normalize(Path::new("/work/repo/ci/a.jpg"), Some(cwd)),
            Path::new("ci/a.jpg")
        );
        assert_eq!(
            normalize(Path::new("/elsewhere/a.jpg"), Some(cwd)),
            Path::new("/elsewhere/a.jpg")
        );
        assert_eq!(
            normalize(Path::new("../a.jpg"), Some(cwd)),
            Path::new("../a.jpg")
        );
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
            "sub/e.MP4",
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
                    other => other.name(),
                })
                .collect()
        };
        let plain = WalkOptions::default();
        let hidden = WalkOptions {
            hidden: true,
            ..plain
        };
        assert_eq!(
            names(expand_inputs(&[d.to_path_buf()], plain)),
            ["a.PNG", "b.jpg", "sub/c.gif", "sub/e.MP4"]
        );
        assert_eq!(
            names(expand_inputs(&[d.to_path_buf()], hidden)),
            [
                ".git/d.png",
                ".hidden.png",
                "a.PNG",
                "b.jpg",
                "sub/c.gif",
                "sub/e.MP4"
            ]
        );
        // Explicitly named files are kept whatever their name.
        let notes = d.join("notes.txt");
        assert!(matches!(
            expand_inputs(std::slice::from_ref(&notes), plain).as_slice(),
            [InputItem::Image(p)] if *p == notes
        ));
    }

    #[test]
    fn names_sort_naturally() {
        let mut names = [
            "img10.jpg",
            "img9.jpg",
            "img09.jpg",
            "b.jpg",
            "img1.jpg",
            "a10b2",
            "a10b10",
            "a9",
        ];
        names.sort_by(|a, b| natural_cmp(a.as_bytes(), b.as_bytes()));
        assert_eq!(
            names,
            [
                "a9",
                "a10b2",
                "a10b10",
                "b.jpg",
                "img1.jpg",
                "img9.jpg",
                "img09.jpg",
                "img10.jpg"
            ]
        );
    }

    #[test]
    fn directory_links_are_followed_only_when_asked_and_never_twice() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/a.png"), b"x").unwrap();
        std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
        std::os::unix::fs::symlink("sub", dir.path().join("again")).unwrap();
        std::os::unix::fs::symlink("sub/a.png", dir.path().join("b.png")).unwrap();
        let images = |follow| -> Vec<String> {
            expand_inputs(
                &[dir.path().to_path_buf()],
                WalkOptions {
                    hidden: false,
                    follow,
                },
            )
            .into_iter()
            .map(|i| match i {
                InputItem::Image(p) => p.strip_prefix(dir.path()).unwrap().display().to_string(),
                InputItem::Unreadable(p, r) => format!("{}: {r}", p.display()),
                other => other.name(),
            })
            .collect()
        };
        // Not followed: the file link is read, the folder links are not.
        assert_eq!(images(false), ["b.png", "sub/a.png"]);
        // Followed: `again` and `sub` are one folder, visited once; `up`
        // leads back to the root, which was visited already.
        let followed = images(true);
        assert_eq!(
            followed.iter().filter(|n| n.ends_with("a.png")).count(),
            1,
            "{followed:?}"
        );
        assert!(followed.contains(&"b.png".to_owned()), "{followed:?}");
    }

    #[test]
    fn a_lattice_of_directory_links_is_walked_in_linear_time() {
        // Each level links twice to the next: 2^20 paths, 21 folders.
        let dir = tempfile::tempdir().unwrap();
        for level in (0..20).rev() {
            let here = dir.path().join(format!("d{level}"));
            fs::create_dir(&here).unwrap();
            for link in ["x", "y"] {
                std::os::unix::fs::symlink(
                    dir.path().join(format!("d{}", level + 1)),
                    here.join(link),
                )
                .unwrap();
            }
        }
        fs::create_dir(dir.path().join("d20")).unwrap();
        fs::write(dir.path().join("d20/a.png"), b"x").unwrap();
        let started = std::time::Instant::now();
        let items = expand_inputs(
            &[dir.path().join("d0")],
            WalkOptions {
                hidden: false,
                follow: true,
            },
        );
        assert_eq!(items.len(), 1, "{items:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
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
        fs::write(&list, b"a.jpg\r\nb.png\r\n").unwrap();
        assert_eq!(
            read_file_list(&list, false).unwrap(),
            [PathBuf::from("a.jpg"), "b.png".into()]
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
        // A name that spells the escape itself prints differently.
        let literal = Path::new(OsStr::from_bytes(b"lit\\xff.jpg"));
        let byte = Path::new(OsStr::from_bytes(b"lit\xff.jpg"));
        assert_eq!(path_text(literal), "lit\\\\xff.jpg");
        assert_ne!(path_text(literal), path_text(byte));
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
