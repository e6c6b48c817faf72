//! Starting `ffmpeg` and `ffprobe` safely: the film's path handed over as
//! exactly that file (never a URL), each child under a deadline (killed
//! when it passes), and killed by the kernel if scenepal dies first.

use std::ffi::OsString;
use std::io::{self, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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

/// Asks the kernel to kill the child when the thread that started it ends
/// (scenepal killed, even by SIGKILL, or its worker gone), so no ffmpeg
/// outlives its run.
#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    let parent = rustix::process::getpid();
    // SAFETY: the closure runs between fork and exec and only makes two
    // system calls (async-signal-safe), allocating nothing.
    unsafe {
        command.pre_exec(move || {
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))?;
            // The parent may have died before the request took effect.
            if rustix::process::getppid() != Some(parent) {
                return Err(io::Error::other("scenepal has ended"));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_: &mut Command) {}

/// Starts `program` (`ffmpeg`, `ffprobe`) with its output and errors piped
/// to us (no deadline: see [`spawn_watched`]).
pub(crate) fn spawn_piped(program: &'static str, command: &mut Command) -> Result<Child> {
    die_with_parent(command);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_error(program, e))
}

/// Starts `program` (`ffmpeg`, `ffprobe`) with its output and errors piped
/// to us, watched by a deadline.
pub(crate) fn spawn_watched(program: &'static str, command: &mut Command) -> Result<Watched> {
    die_with_parent(command);
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_error(program, e))?;
    Ok(Watched::new(program, child))
}

/// The deadline's state, shared with the watchdog thread.
#[derive(Default)]
struct Watch {
    /// When the child is killed, unless pushed back or cleared.
    deadline: Option<Instant>,
    /// How long the deadline was (for the message).
    allowed: Duration,
    /// The child is being reaped: the watchdog ends.
    done: bool,
    /// The watchdog killed the child.
    fired: bool,
}

/// A child process under a deadline: a watchdog thread kills it when the
/// deadline passes (a hung or endless ffmpeg becomes that film's error).
pub(crate) struct Watched {
    program: &'static str,
    /// The child (its stdout and stderr taken by the reader).
    pub child: Child,
    watch: Arc<(Mutex<Watch>, Condvar)>,
    watchdog: Option<JoinHandle<()>>,
}

impl Watched {
    fn new(program: &'static str, child: Child) -> Watched {
        let watch = Arc::new((Mutex::new(Watch::default()), Condvar::new()));
        let shared = Arc::clone(&watch);
        let pid = rustix::process::Pid::from_child(&child);
        let watchdog = std::thread::spawn(move || {
            let (lock, changed) = &*shared;
            let mut watch = lock.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                if watch.done {
                    return;
                }
                match watch.deadline {
                    Some(at) if Instant::now() >= at => {
                        // The child is not reaped before `done`: the pid is
                        // still this child's.
                        let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
                        watch.fired = true;
                        return;
                    }
                    Some(at) => {
                        let wait = at.saturating_duration_since(Instant::now());
                        watch = changed
                            .wait_timeout(watch, wait)
                            .unwrap_or_else(|p| p.into_inner())
                            .0;
                    }
                    None => watch = changed.wait(watch).unwrap_or_else(|p| p.into_inner()),
                }
            }
        });
        Watched {
            program,
            child,
            watch,
            watchdog: Some(watchdog),
        }
    }

    /// Gives the child `allowed` from now (for its next piece of work), or
    /// no deadline.
    pub fn allow(&self, allowed: Option<Duration>) {
        let (lock, changed) = &*self.watch;
        let mut watch = lock.lock().unwrap_or_else(|p| p.into_inner());
        watch.deadline = allowed.map(|d| Instant::now() + d);
        watch.allowed = allowed.unwrap_or_default();
        changed.notify_all();
    }

    /// The error to give when the watchdog killed the child.
    pub fn timed_out(&self) -> Option<Error> {
        let watch = self.watch.0.lock().unwrap_or_else(|p| p.into_inner());
        watch.fired.then(|| Error::Timeout {
            program: self.program,
            seconds: watch.allowed.as_secs_f64(),
        })
    }

    /// Waits for the child to exit by itself (its output read to the end),
    /// still under its deadline, then reaps it.
    pub fn wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child.stdout = None;
        let status = self.child.wait().ok();
        self.finish();
        status
    }

    /// Ends the child (killed if still running) and reaps it: no zombie,
    /// no open pipe.
    pub fn finish(&mut self) -> Option<std::process::ExitStatus> {
        {
            let (lock, changed) = &*self.watch;
            lock.lock().unwrap_or_else(|p| p.into_inner()).done = true;
            changed.notify_all();
        }
        if let Some(watchdog) = self.watchdog.take() {
            let _ = watchdog.join();
        }
        self.child.stdout = None;
        self.child.stderr = None;
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
        }
        self.child.wait().ok()
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if self.watchdog.is_some() {
            self.finish();
        }
    }
}

/// Runs `program` to its end under a deadline of `allowed`, its output
/// collected.
pub(crate) fn run(
    program: &'static str,
    command: &mut Command,
    allowed: Duration,
) -> Result<std::process::Output> {
    let mut watched = spawn_watched(program, command)?;
    watched.allow(Some(allowed));
    let mut stderr = watched.child.stderr.take();
    let errors = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(err) = &mut stderr {
            let _ = err.read_to_end(&mut text);
        }
        text
    });
    let mut stdout = Vec::new();
    if let Some(out) = &mut watched.child.stdout {
        let _ = out.read_to_end(&mut stdout);
    }
    let status = watched.wait();
    let stderr = errors.join().unwrap_or_default();
    if let Some(e) = watched.timed_out() {
        return Err(e);
    }
    let status = status.ok_or_else(|| Error::Read(io::Error::other("lost its child")))?;
    Ok(std::process::Output {
        status,
        stdout,
        stderr,
    })
}
