//! Opening the inputs, in order, just ahead of the workers: each file is
//! opened once and its first bytes tell a film from a still. A film becomes
//! its sampled frames one unit of work at a time, as the run asks for more
//! (it is probed and read by the worker that takes its first frame, so
//! inputs before it are never held up, and its length is never planned from
//! its header).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use scenepal::video::{clock, is_video_header, split_frame_name, Admit, Film, FilmOptions};

use super::input::{is_stdin, path_text, InputItem};
use super::open::OpenFile;

/// One unit of the run's work: an input, or one sampled frame of a film.
pub enum Work {
    /// A still, stdin, a pipe, or an input that failed before reading.
    Input(InputItem),
    /// Frame `index` of `film`, read from `path`.
    Frame {
        /// The film being read.
        film: Arc<Film>,
        /// The film's path.
        path: PathBuf,
        /// Which of its sampled frames.
        index: usize,
    },
}

impl Work {
    /// The name the unit's record goes by when nothing better is known (a
    /// worker's panic): a frame's film and its planned time.
    pub fn name(&self) -> String {
        match self {
            Work::Input(item) => item.name(),
            Work::Frame { film, path, index } => frame_record_name(film, path, *index, None),
        }
    }
}

/// The name of a frame's record: `film.mp4@00:00:04.000` (its time when
/// read, else its planned time), or the film alone when neither is known.
pub fn frame_record_name(film: &Film, path: &Path, index: usize, ms: Option<u64>) -> String {
    let shown = path_text(path);
    match ms.or_else(|| film.planned_time(index)) {
        Some(ms) => format!("{shown}@{}", clock(ms)),
        None => shown,
    }
}

/// A film's error for its record, naming the option behind a limit.
pub fn explain_film(e: scenepal::video::Error) -> anyhow::Error {
    match e {
        scenepal::video::Error::Timeout { .. } => {
            anyhow::anyhow!("{e} (--film-timeout sets the deadline)")
        }
        scenepal::video::Error::Image(e) => super::explain::explain(e),
        e => anyhow::Error::new(e),
    }
}

/// The run's units, in input order: each film's frames are offered until
/// the film is known to have ended (a few units past its end may be
/// offered meanwhile: their workers find no frame and give no record).
pub struct Units<I> {
    items: I,
    options: FilmOptions,
    /// The file the configuration opened already (the only input, to tell
    /// a film), used instead of opening it again.
    opened: Option<OpenFile>,
    /// Asked before each film's ffmpeg starts (the memory budget).
    admit: Admit,
    film: Option<(Arc<Film>, PathBuf, usize)>,
}

impl<I: Iterator<Item = InputItem>> Units<I> {
    /// The units of `items`, films read with `options`, each film's ffmpeg
    /// started once `admit` lets it.
    pub fn new(items: I, options: FilmOptions, opened: Option<OpenFile>, admit: Admit) -> Self {
        Units {
            items,
            options,
            opened,
            admit,
            film: None,
        }
    }
}

impl<I: Iterator<Item = InputItem>> Iterator for Units<I> {
    type Item = Work;

    fn next(&mut self) -> Option<Work> {
        if let Some((film, path, next)) = &mut self.film {
            if !film.ended_before(*next) {
                let index = *next;
                *next += 1;
                return Some(Work::Frame {
                    film: Arc::clone(film),
                    path: path.clone(),
                    index,
                });
            }
            self.film = None;
        }
        let (path, at) = match open_input(self.items.next()?, &mut self.opened) {
            Opened::Input(item) => return Some(Work::Input(item)),
            Opened::Film(path, at) => (path, at),
        };
        let film =
            Arc::new(Film::new(&path, at, self.options).with_admission(Arc::clone(&self.admit)));
        self.film = Some((Arc::clone(&film), path.clone(), 1));
        Some(Work::Frame {
            film,
            path,
            index: 0,
        })
    }
}

/// An input once opened.
enum Opened {
    /// A still (opened), stdin, a pipe, or its error.
    Input(InputItem),
    /// A film, and the one time asked for (`film.mkv@00:00:12.500`).
    Film(PathBuf, Option<u64>),
}

/// Opens `item` (a file named or walked): a still stays one item, opened; a
/// film is named for reading; a file that cannot be opened stays one item,
/// its error.
fn open_input(item: InputItem, opened: &mut Option<OpenFile>) -> Opened {
    let InputItem::Image(path) = item else {
        return Opened::Input(item);
    };
    if is_stdin(&path) {
        return Opened::Input(InputItem::Image(path));
    }
    match opened.take().map_or_else(|| OpenFile::open(&path), Ok) {
        Ok(file) if is_video_header(file.head()) => Opened::Film(path, None),
        Ok(file) => Opened::Input(InputItem::Opened(path, file)),
        Err(e) => match split_frame_name(&path) {
            // A FIFO or device is refused unopened, as a named file is.
            Some((film, ms)) => match OpenFile::open(&film) {
                Ok(file) if is_video_header(file.head()) => Opened::Film(film, Some(ms)),
                Ok(_) => Opened::Input(InputItem::Unreadable(path, format!("{e:#}"))),
                Err(refused) => Opened::Input(InputItem::Unreadable(path, format!("{refused:#}"))),
            },
            None => Opened::Input(InputItem::Unreadable(path, format!("{e:#}"))),
        },
    }
}
