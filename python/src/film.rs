//! `film()`: a film's sampled frames and their palettes, read through the
//! library's ffmpeg path (the CLI's), in time order.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyString};
use rayon::prelude::*;
use scenepal::record::Sampled;
use scenepal::video::{self, frame_name, parse_duration, Film, FilmOptions, Sampling};

use crate::errors::{argument, DecodeError, Error};
use crate::palette::{Card, Made, Palette};
use crate::recipe::Settings;
use crate::source::Failure;

/// A film error as a Python exception: a film ffmpeg cannot read is a
/// `DecodeError`, a time outside it a bad argument, the rest an `Error`.
fn film_error(path: &str, e: video::Error) -> PyErr {
    use video::Error as E;
    let message = format!("{path}: {e}");
    match e {
        E::Probe(_) | E::NoVideoStream | E::NoFrameSize | E::Unreadable(_) => {
            DecodeError::new_err(message)
        }
        E::PastEnd { .. } | E::EmptySpan { .. } | E::NoShot { .. } => argument(message),
        E::DamagedFrames { .. } | E::Ffmpeg { .. } => DecodeError::new_err(message),
        _ => Error::new_err(message),
    }
}

/// A time: seconds as a number, or text as the CLI takes it (`1.5s`,
/// `500ms`, `00:01:30`).
fn parse_time(value: &Bound<'_, PyAny>, what: &str) -> PyResult<u64> {
    if value.is_instance_of::<PyString>() {
        let text: String = value.extract()?;
        return parse_duration(&text).map_err(|e| argument(format!("{what}: {e}")));
    }
    if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
        let seconds: f64 = value.extract()?;
        if seconds.is_finite() && seconds >= 0.0 {
            return Ok((seconds * 1000.0).round() as u64);
        }
    }
    Err(argument(format!(
        "{what} must be a time (seconds, or text such as \"1.5s\" or \"00:01:30\"), got {value}"
    )))
}

/// The palettes of a film's sampled frames (see `film()`).
#[pyclass(module = "scenepal")]
pub struct FilmIterator {
    film: Arc<Film>,
    shown: String,
    settings: Settings,
    /// The sampling as each frame's record holds it.
    sampled: Sampled,
    pool: Arc<rayon::ThreadPool>,
    next: usize,
    ready: VecDeque<(f64, Made)>,
}

#[pymethods]
impl FilmIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(mut slf: PyRefMut<'_, Self>, py: Python<'_>) -> PyResult<Option<(f64, Palette)>> {
        if slf.ready.is_empty() {
            slf.fill(py)?;
        }
        Ok(slf
            .ready
            .pop_front()
            .map(|(time, made)| (time, Palette::new(made, Card::None))))
    }
}

impl FilmIterator {
    /// Reads and analyses the next frames, one a thread at a time, off the
    /// GIL, until the film's frames end.
    fn fill(&mut self, py: Python<'_>) -> PyResult<()> {
        let start = self.next;
        let end = start + 2 * self.pool.current_num_threads();
        let (film, shown, settings, sampled) =
            (&self.film, &self.shown, &self.settings, &self.sampled);
        if film.ended_before(start) {
            return Ok(());
        }
        let made: Vec<Result<Option<(f64, Made)>, PyErrSource>> = py.detach(|| {
            self.pool.install(|| {
                (start..end)
                    .into_par_iter()
                    .map(|i| frame_palette(film, shown, settings, sampled, i))
                    .collect()
            })
        });
        self.next = end;
        for result in made {
            match result {
                Ok(Some(done)) => self.ready.push_back(done),
                Ok(None) => {}
                Err(PyErrSource::Film(video::Error::Image(e))) => {
                    return Err(Failure::Library(e).into_py())
                }
                Err(PyErrSource::Film(e)) => return Err(film_error(shown, e)),
                Err(PyErrSource::Image(f)) => return Err(f.into_py()),
            }
        }
        Ok(())
    }
}

/// Why a frame has no palette.
enum PyErrSource {
    Film(video::Error),
    Image(Failure),
}

/// Frame `index`'s time and palette record (`None` past the film's end).
fn frame_palette(
    film: &Film,
    shown: &str,
    settings: &Settings,
    sampled: &Sampled,
    index: usize,
) -> Result<Option<(f64, Made)>, PyErrSource> {
    let Some(frame) = film.frame(index).map_err(PyErrSource::Film)? else {
        return Ok(None);
    };
    let (ms, shot, exact) = (frame.ms, frame.shot, frame.exact);
    let loaded = frame
        .into_image()
        .map_err(|e| PyErrSource::Image(Failure::Library(e)))?;
    let analysis = settings
        .recipe
        .analyze(loaded)
        .map_err(|e| PyErrSource::Image(Failure::Library(e)))?;
    let time = ms as f64 / 1000.0;
    let mut made = Made::of(analysis, Some(frame_name(shown, ms)), Some(time), settings)
        .map_err(PyErrSource::Image)?;
    made.shot = shot.map(Into::into);
    made.exact = exact;
    made.sampled = Some(sampled.clone());
    Ok(Some((time, made)))
}

/// The palettes of a film's frames, one every `every` (a time, `"shot"`:
/// the middle frame of each shot, or `"key"`: every keyframe; with
/// `fast=True` keyframes only, as the CLI's `--fast`) from `start` to `end`, as
/// `(time in seconds, Palette)` in time order; the frames are read by one
/// ffmpeg process and analysed `jobs` at a time. Needs ffmpeg on PATH.
#[pyfunction]
#[pyo3(signature = (path, every=None, start=None, end=None, *, jobs=None, **options),
    text_signature = "(path, every=\"1s\", start=None, end=None, *, jobs=None, **options)")]
pub fn film(
    py: Python<'_>,
    path: &Bound<'_, PyAny>,
    every: Option<&Bound<'_, PyAny>>,
    start: Option<&Bound<'_, PyAny>>,
    end: Option<&Bound<'_, PyAny>>,
    jobs: Option<usize>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<FilmIterator> {
    let settings = Settings::of(py, None, options)?;
    let os = py.import("os")?;
    let shown: String = os.call_method1("fsdecode", (path,))?.extract()?;
    let file: PathBuf = os.call_method1("fspath", (path,))?.extract()?;
    // As the CLI's --fast: keyframes only, each reduced as a still is.
    let mut sampling = Sampling {
        keyframes_only: settings.load.fast,
        ..Sampling::default()
    };
    let word = match every {
        Some(e) if e.is_instance_of::<PyString>() => Some(e.extract::<String>()?.trim().to_owned()),
        _ => None,
    };
    match every {
        _ if word.as_deref() == Some("shot") => sampling.shots = true,
        _ if word.as_deref() == Some("key") => sampling.every_key = true,
        Some(e) => sampling.every_ms = parse_time(e, "every")?,
        None => {}
    }
    if sampling.every_ms == 0 && !sampling.shots {
        return Err(argument("every must be longer than 0"));
    }
    if let Some(s) = start {
        sampling.start_ms = parse_time(s, "start")?;
    }
    if let Some(e) = end {
        sampling.end_ms = Some(parse_time(e, "end")?);
    }
    if !file.exists() {
        return Err(pyo3::exceptions::PyFileNotFoundError::new_err((
            2,
            "No such file or directory",
            shown,
        )));
    }
    if let Some(end) = sampling.end_ms.filter(|&e| e <= sampling.start_ms) {
        let e = video::Error::EmptySpan {
            start: sampling.start_ms,
            end,
        };
        return Err(film_error(&shown, e));
    }
    let options = FilmOptions {
        sampling,
        max_pixels: settings.load.max_pixels,
        ..FilmOptions::default()
    };
    let sampled = options.sampling.recorded();
    let film = Arc::new(Film::new(&file, None, options));
    let pool = crate::pool(jobs)?;
    let mut frames = FilmIterator {
        film,
        shown,
        settings,
        sampled,
        pool,
        next: 0,
        ready: VecDeque::new(),
    };
    // The film is opened now: one that cannot be read fails here.
    frames.fill(py)?;
    Ok(frames)
}
