//! What a film's ffmpeg says on stderr: its decoding errors (damaged
//! data), and each frame's time from the showinfo filter.

use std::io::{self, BufRead};
use std::sync::mpsc;

use super::sampling::ShowinfoTimes;

/// What ffmpeg said on stderr.
#[derive(Default)]
pub(super) struct Said {
    /// Lines at level error or fatal.
    pub(super) errors: usize,
    pub(super) first: Option<String>,
    pub(super) last: Option<String>,
}

/// Reads ffmpeg's messages: errors counted (damaged data), and with
/// `times` each frame's showinfo time sent on (ms from the film's start,
/// rounded up: see [`ShowinfoTimes`]).
pub(super) fn read_messages(
    stderr: Option<std::process::ChildStderr>,
    times: Option<mpsc::Sender<i64>>,
) -> Said {
    let mut said = Said::default();
    let Some(stderr) = stderr else { return said };
    let mut clock = ShowinfoTimes::default();
    for line in io::BufReader::new(stderr).split(b'\n') {
        let Ok(line) = line else { break };
        let line = String::from_utf8_lossy(&line);
        if let Some(times) = &times {
            if line.contains("Parsed_showinfo") {
                if let Some(ms) = clock.read(&line) {
                    let _ = times.send(ms);
                }
                continue;
            }
        }
        if line.contains("[error] ") || line.contains("[fatal] ") {
            said.errors += 1;
            // The message without ffmpeg's "[h264 @ 0x…] [error] " prefix.
            let text = line
                .split_once("] ")
                .map_or(&*line, |(_, rest)| rest)
                .trim_start_matches("[error] ")
                .trim_start_matches("[fatal] ")
                .trim()
                .to_owned();
            if said.first.is_none() {
                said.first = Some(text.clone());
            }
            said.last = Some(text);
        }
    }
    said
}
