//! Writing output files safely: a regular file is written to a temporary file
//! beside it and renamed into place, so a failed write never leaves a
//! half-written file and never destroys the older one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use super::input::{io_reason, is_stdin};

/// Writes the output produced by `produce` to `path`:
/// - `-`: to stdout;
/// - an existing target that is not a regular file (a FIFO, `/dev/stdout`,
///   `/dev/full`, ...): written directly, never renamed over;
/// - otherwise: via a temporary file in the target's directory, flushed to
///   disk and renamed over the target (through a symlink, its target is
///   replaced). On any error the temporary file is removed and an existing
///   target keeps its old content.
pub fn write_output(
    path: &Path,
    produce: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    if is_stdin(path) {
        // Encoders wrap the writer's errors in their own; the writer itself
        // tells whether stdout's reader went away, which ends the run quietly.
        let mut out = PipeWatch {
            inner: io::stdout().lock(),
            broken: false,
        };
        let result = produce(&mut out).and_then(|()| out.flush());
        return result.map_err(|e| {
            if out.broken {
                anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe))
            } else {
                io_reason(e)
            }
        });
    }
    // The kernel follows the link chain first: `/dev/stdout`, `/dev/fd/N`
    // and a process substitution end in a pipe that has no path of its own
    // (`/proc/self/fd/1` -> `pipe:[...]`), which only opening reaches.
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => bail!("is a directory"),
        Ok(meta) if !meta.is_file() => {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(io_reason)?;
            produce(&mut file)
                .and_then(|()| file.flush())
                .map_err(io_reason)
        }
        _ => replace_atomically(&resolve_symlink(path)?, produce),
    }
}

/// A writer that remembers whether a write met a closed pipe.
struct PipeWatch<W> {
    inner: W,
    broken: bool,
}

impl<W: Write> PipeWatch<W> {
    fn watch<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result {
            self.broken |= e.kind() == io::ErrorKind::BrokenPipe;
        }
        result
    }
}

impl<W: Write> Write for PipeWatch<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.write(buf);
        self.watch(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        self.watch(result)
    }
}

/// Follows a symlink chain to the file it names (which may not exist yet).
fn resolve_symlink(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current).map_err(io_reason)?;
                current = match current.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            }
            _ => return Ok(current),
        }
    }
    bail!("too many levels of symbolic links")
}

fn replace_atomically(
    target: &Path,
    produce: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| anyhow!("not a file name"))?;
    remove_stale_temporaries(dir);
    #[cfg(target_os = "linux")]
    if Path::new("/proc/self/fd").is_dir() {
        if let Some(file) = unnamed_file_in(dir)? {
            return replace_via_unnamed(file, dir, name, target, produce);
        }
    }
    replace_via_named(dir, name, target, produce)
}

/// Where unnamed files cannot be made: a named temporary beside the target
/// ([`temp_prefix`]), removed on every error path. Only a kill can leave one
/// behind, and the sweep removes it once its writer is gone.
fn replace_via_named(
    dir: &Path,
    name: &std::ffi::OsStr,
    target: &Path,
    produce: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let mut temp = tempfile::Builder::new()
        .prefix(&temp_prefix(name))
        .suffix(TEMP_SUFFIX)
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                anyhow!("directory {} does not exist", dir.display())
            } else {
                io_reason(e)
            }
        })?;
    // The temporary file is deleted when `temp` drops on any error below.
    let mut writer = io::BufWriter::new(temp.as_file_mut());
    produce(&mut writer)
        .and_then(|()| writer.flush())
        .map_err(io_reason)?;
    drop(writer);
    temp.as_file().sync_all().map_err(io_reason)?;
    temp.persist(target)
        .map_err(|e| io_reason(e.error))
        .context("cannot replace the file")?;
    Ok(())
}

/// How every temporary ends: `.NAME.PID-START.RANDOM.scenepal.tmp`.
const TEMP_SUFFIX: &str = ".scenepal.tmp";

/// Tries at a fresh random name before giving up (a clash is already rare).
const TEMP_NAME_TRIES: usize = 64;

/// The start of a temporary's name for target `name`: `.NAME.PID-START.`,
/// where START is this process's start time (in clock ticks after boot), so
/// a later process given the same PID (PID 1 in every container run) does
/// not take an old temporary for its own. A random part follows.
fn temp_prefix(name: &std::ffi::OsStr) -> std::ffi::OsString {
    let pid = std::process::id();
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(format!(".{pid}-{}.", start_time(pid).unwrap_or(0)));
    prefix
}

/// When process `pid` started, in clock ticks after boot (Linux
/// `/proc/PID/stat`, field 22); `None` where that cannot be read.
fn start_time(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19)?.parse().ok()
}

/// Removes the temporaries in `dir` of any target whose writer is gone: its
/// process has exited, or its PID now belongs to a process started at
/// another time (best effort: what cannot be listed or removed stays).
/// Once per folder and run: a card per image into one folder must not list
/// that folder once per card.
fn remove_stale_temporaries(dir: &Path) {
    use std::os::unix::ffi::OsStrExt;
    static SWEPT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    {
        let mut swept = SWEPT.lock().unwrap_or_else(|e| e.into_inner());
        if swept.iter().any(|d| d == dir) {
            return;
        }
        swept.push(dir.to_path_buf());
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let bytes = file_name.as_bytes();
        if !bytes.starts_with(b".") || !bytes.ends_with(TEMP_SUFFIX.as_bytes()) {
            continue;
        }
        // `.NAME.PID-START.RANDOM` + suffix: the writer is the second field
        // from the end (NAME may hold dots).
        let stem = &bytes[..bytes.len() - TEMP_SUFFIX.len()];
        let Some(writer) = stem.rsplit(|&b| b == b'.').nth(1) else {
            continue;
        };
        let Some((pid, start)) = std::str::from_utf8(writer)
            .ok()
            .and_then(|w| w.split_once('-'))
            .and_then(|(p, s)| Some((p.parse::<u32>().ok()?, s.parse::<u64>().ok()?)))
        else {
            continue;
        };
        let exited = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
            .is_some_and(|p| rustix::process::test_kill_process(p) == Err(rustix::io::Errno::SRCH));
        let reused = start_time(pid).is_some_and(|now| now != start);
        if exited || reused {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// An unnamed file in `dir` (Linux `O_TMPFILE`): if the process dies while
/// writing it, it vanishes with the process. `None` where the file system
/// cannot make one.
#[cfg(target_os = "linux")]
fn unnamed_file_in(dir: &Path) -> Result<Option<fs::File>> {
    use rustix::fs::{openat, Mode, OFlags, CWD};
    use rustix::io::Errno;
    match openat(
        CWD,
        dir,
        OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o666),
    ) {
        Ok(fd) => Ok(Some(fs::File::from(fd))),
        Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL) => Ok(None),
        Err(Errno::NOENT) => Err(anyhow!("directory {} does not exist", dir.display())),
        Err(e) => Err(io_reason(e.into())),
    }
}

/// Writes into an unnamed file, then names it beside the target and renames
/// it over the target: only the instant between those two calls could leave
/// a named temporary behind.
#[cfg(target_os = "linux")]
fn replace_via_unnamed(
    mut file: fs::File,
    dir: &Path,
    name: &std::ffi::OsStr,
    target: &Path,
    produce: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    use std::os::fd::AsRawFd;
    let mut writer = io::BufWriter::new(&mut file);
    produce(&mut writer)
        .and_then(|()| writer.flush())
        .map_err(io_reason)?;
    drop(writer);
    file.sync_all().map_err(io_reason)?;
    let fd_path = format!("/proc/self/fd/{}", file.as_raw_fd());
    // A fresh random name each try: linkat never replaces a file, so an
    // existing one (whoever left it) only means another try.
    let mut tries = 0;
    let temp = loop {
        let mut temp_name = temp_prefix(name);
        temp_name.push(format!("{:016x}{TEMP_SUFFIX}", rand::random::<u64>()));
        let temp = dir.join(temp_name);
        match rustix::fs::linkat(
            rustix::fs::CWD,
            fd_path.as_str(),
            rustix::fs::CWD,
            &temp,
            rustix::fs::AtFlags::SYMLINK_FOLLOW,
        ) {
            Ok(()) => break temp,
            Err(rustix::io::Errno::EXIST) if tries < TEMP_NAME_TRIES => tries += 1,
            Err(e) => return Err(io_reason(e.into())),
        }
    };
    fs::rename(&temp, target).map_err(|e| {
        let _ = fs::remove_file(&temp);
        io_reason(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.png");
        fs::write(&path, b"old").unwrap();
        write_output(&path, |w| w.write_all(b"new content")).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new content");
        assert_eq!(names_in(dir.path()), ["out.png"]);
    }

    #[test]
    fn a_writer_failing_midway_keeps_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.png");
        fs::write(&path, b"old").unwrap();
        let err = write_output(&path, |w| {
            w.write_all(&[7u8; 100_000])?;
            Err(io::Error::other("encoder failed"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("encoder failed"), "{err}");
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(names_in(dir.path()), ["out.png"]);
    }

    #[test]
    fn a_new_file_that_fails_is_never_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.png");
        assert!(write_output(&path, |_| Err(io::Error::other("no"))).is_err());
        assert!(names_in(dir.path()).is_empty());
    }

    #[test]
    fn missing_directory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope/out.png");
        let err = write_output(&path, |w| w.write_all(b"x")).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }

    #[test]
    fn a_symlink_target_is_replaced_and_the_link_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.png");
        let link = dir.path().join("link.png");
        fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink("real.png", &link).unwrap();
        write_output(&link, |w| w.write_all(b"new")).unwrap();
        assert_eq!(fs::read(&real).unwrap(), b"new");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn temporaries_of_dead_or_replaced_writers_are_swept_on_both_paths() {
        let pid = std::process::id();
        let start = start_time(pid).expect("a start time under /proc");
        for named in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path();
            // No process has this id (it is above any pid_max); this PID
            // with another start time is an earlier process given our PID.
            let dead = d.join(".card.png.2147483646-5.Ab3xYz.scenepal.tmp");
            let reused = d.join(format!(
                ".other.png.{pid}-{}.0123456789abcdef.scenepal.tmp",
                start + 1
            ));
            let live = d.join(format!(".card.png.{pid}-{start}.Qw9rTy.scenepal.tmp"));
            for p in [&dead, &reused, &live] {
                fs::write(p, b"half").unwrap();
            }
            let target = d.join("card.png");
            if named {
                remove_stale_temporaries(d);
                replace_via_named(d, std::ffi::OsStr::new("card.png"), &target, |w| {
                    w.write_all(b"new")
                })
                .unwrap();
            } else {
                write_output(&target, |w| w.write_all(b"new")).unwrap();
            }
            assert_eq!(fs::read(&target).unwrap(), b"new");
            assert!(!dead.exists() && !reused.exists(), "named: {named}");
            assert!(live.exists(), "a live writer's temporary stays");
        }
    }

    #[test]
    fn every_temporary_has_the_suffix_and_a_name_that_cannot_collide() {
        let prefix = temp_prefix(std::ffi::OsStr::new("card.png"));
        let prefix = prefix.to_str().unwrap();
        assert!(prefix.starts_with(&format!(".card.png.{}-", std::process::id())));
        // The names an unnamed file was linked to before: PID and fd only.
        // A process that met them all (PID 1 in a container) still writes.
        let dir = tempfile::tempdir().unwrap();
        let pid = std::process::id();
        for fd in 0..1024 {
            fs::write(dir.path().join(format!(".card.png.{pid}.{fd}.tmp")), b"").unwrap();
        }
        let target = dir.path().join("card.png");
        for _ in 0..3 {
            write_output(&target, |w| w.write_all(b"new")).unwrap();
        }
        let left: Vec<String> = names_in(dir.path())
            .into_iter()
            .filter(|n| n.ends_with(TEMP_SUFFIX))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn device_targets_are_written_directly_and_errors_reported() {
        write_output(Path::new("/dev/null"), |w| w.write_all(b"discarded")).unwrap();
        if Path::new("/dev/full").exists() {
            let err =
                write_output(Path::new("/dev/full"), |w| w.write_all(&[0u8; 70_000])).unwrap_err();
            assert!(err.to_string().contains("no space"), "{err}");
        }
    }
}
