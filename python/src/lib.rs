//! scenepal for Python: the `scenepal._scenepal` extension module (the
//! package's `__init__.py` re-exports it). Every call reads its images and
//! extracts their palettes with the GIL released.

mod errors;
mod film;
mod histogram;
mod palette;
mod recipe;
mod source;

use std::collections::VecDeque;
use std::sync::Arc;

use numpy::PyArray2;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyIterator, PyList};
use rayon::prelude::*;

use crate::errors::argument;
use crate::palette::{Card, Made, Palette};
use crate::recipe::Settings;
use crate::source::{analyse, Failure, Source};

/// The palette of one image, as the record and the card need it.
fn make(source: &Source, settings: &Settings) -> Result<Made, Failure> {
    let analysis = analyse(source, settings)?;
    Made::of(analysis, source.shown().map(str::to_owned), None, settings)
}

/// The palette of `image`: the `k` colours that best represent it.
#[pyfunction(name = "palette")]
#[pyo3(signature = (image, k=None, **options),
    text_signature = "(image, k=10, *, algorithm=\"kmeans\", space=\"oklab\", sort=\"hue\", seed=42, exclude=(), names=False, fast=False, alpha_threshold=128, max_pixels=..., color_manage=True)")]
fn palette_of(
    py: Python<'_>,
    image: &Bound<'_, PyAny>,
    k: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Palette> {
    let recipe = Settings::of(py, k, options)?;
    let source = Source::of(image)?;
    let made = py
        .detach(|| make(&source, &recipe))
        .map_err(Failure::into_py)?;
    Ok(Palette::new(
        made,
        Card::Image(image.clone().unbind(), Box::new(recipe)),
    ))
}

/// The palettes of many images, in input order (see `palettes()`).
#[pyclass(module = "scenepal")]
struct PaletteIterator {
    images: Py<PyIterator>,
    recipe: Settings,
    pool: Arc<rayon::ThreadPool>,
    window: usize,
    ready: VecDeque<PyResult<Palette>>,
}

#[pymethods]
impl PaletteIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(mut slf: PyRefMut<'_, Self>, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        if slf.ready.is_empty() {
            slf.fill(py)?;
        }
        Ok(match slf.ready.pop_front() {
            None => None,
            Some(Ok(palette)) => Some(Py::new(py, palette)?.into_any()),
            // A failed image is a value in the stream, not the end of it.
            Some(Err(e)) => Some(e.into_value(py).into_any()),
        })
    }
}

impl PaletteIterator {
    /// Reads the next window of images (in parallel, without the GIL).
    fn fill(&mut self, py: Python<'_>) -> PyResult<()> {
        let mut objects = Vec::with_capacity(self.window);
        let mut sources = Vec::with_capacity(self.window);
        let mut refused = Vec::with_capacity(self.window);
        let images = self.images.bind(py).clone();
        for item in images.take(self.window) {
            let item = item?;
            match Source::of(&item) {
                Ok(s) => {
                    sources.push(Some(s));
                    refused.push(None);
                }
                Err(e) => {
                    sources.push(None);
                    refused.push(Some(e));
                }
            }
            objects.push(item.unbind());
        }
        let recipe = &self.recipe;
        let pool = &self.pool;
        let made: Vec<Option<Result<Made, Failure>>> = py.detach(|| {
            pool.install(|| {
                sources
                    .par_iter()
                    .map(|s| s.as_ref().map(|s| make(s, recipe)))
                    .collect()
            })
        });
        for ((object, made), refused) in objects.into_iter().zip(made).zip(refused) {
            let result = match (made, refused) {
                (Some(Ok(made)), _) => Ok(Palette::new(
                    made,
                    Card::Image(object, Box::new(recipe.clone())),
                )),
                (Some(Err(failure)), _) => Err(failure.into_py()),
                (None, Some(e)) => Err(e),
                (None, None) => Err(argument("an image could not be read")),
            };
            self.ready.push_back(result);
        }
        Ok(())
    }
}

/// The palettes of `images` (any iterable of what `palette()` takes), in
/// input order, made `jobs` at a time on scenepal's own threads (default:
/// one per core). A failed image yields its `scenepal.Error` (or `OSError`)
/// instead of a palette, and the batch goes on.
#[pyfunction]
#[pyo3(signature = (images, *, jobs=None, **options))]
fn palettes(
    py: Python<'_>,
    images: &Bound<'_, PyAny>,
    jobs: Option<usize>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<PaletteIterator> {
    let recipe = Settings::of(py, None, options)?;
    let pool = pool(jobs)?;
    // Two images a thread keep every core busy while one waits its turn.
    let window = 2 * pool.current_num_threads();
    Ok(PaletteIterator {
        images: images.try_iter()?.unbind(),
        recipe,
        pool,
        window,
        ready: VecDeque::new(),
    })
}

/// The worker threads of a call: `jobs` of them, or one per core.
fn pool(jobs: Option<usize>) -> PyResult<Arc<rayon::ThreadPool>> {
    if jobs == Some(0) {
        return Err(argument("jobs must be at least 1"));
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = jobs {
        builder = builder.num_threads(n);
    }
    let pool = builder
        .build()
        .map_err(|e| errors::Error::new_err(format!("cannot start worker threads: {e}")))?;
    Ok(Arc::new(pool))
}

/// The recipe's 3-D pixel cloud: `n` pixels drawn at random (reproducibly
/// from `seed`) with the palette. A plotly `Figure` when plotly is
/// installed, else an (n, 4) `uint8` array of red, green, blue and the index
/// of the nearest palette colour.
#[pyfunction]
#[pyo3(signature = (image, n=2000, seed=scenepal::DEFAULT_SEED, **options))]
fn cloud<'py>(
    py: Python<'py>,
    image: &Bound<'py, PyAny>,
    n: usize,
    seed: u64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let recipe = Settings::of(py, None, options)?;
    let source = Source::of(image)?;
    let space = recipe.recipe.options.space;
    let (sample, palette) = py
        .detach(|| {
            let analysis = analyse(&source, &recipe)?;
            let sample = analysis.pixels.sample(n, seed);
            let palette = analysis
                .palette
                .ok_or(Failure::Library(scenepal::Error::NoPixels))?;
            Ok((sample, palette))
        })
        .map_err(Failure::into_py)?;
    let centres: Vec<[f32; 3]> = palette
        .colors
        .iter()
        .map(|s| space.from_rgb(s.rgb))
        .collect();
    let rows: Vec<Vec<u8>> = sample
        .iter()
        .map(|&c| {
            let (i, _) = scenepal::color::nearest(&space.from_rgb(c), &centres);
            vec![c[0], c[1], c[2], i as u8]
        })
        .collect();
    let plotly = match py.import("plotly.graph_objects") {
        Ok(go) => go,
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyImportError>(py) => {
            let array = PyArray2::from_vec2(py, &rows)
                .map_err(|e| errors::Error::new_err(e.to_string()))?;
            return Ok(array.into_any());
        }
        Err(e) => return Err(e),
    };
    figure(py, &plotly, &sample, &palette)
}

/// The plotly figure of the cloud: pixels as small points in their own
/// colours, the palette as large markers sized by share.
fn figure<'py>(
    py: Python<'py>,
    go: &Bound<'py, PyModule>,
    sample: &[scenepal::Rgb],
    palette: &scenepal::Palette,
) -> PyResult<Bound<'py, PyAny>> {
    // As numbers (a Vec<u8> would become bytes).
    let channel = |points: &mut dyn Iterator<Item = scenepal::Rgb>, c: usize| -> Vec<u16> {
        points.map(|p| p[c] as u16).collect()
    };
    let trace = |name: &str,
                 points: &[scenepal::Rgb],
                 marker: Bound<'py, PyDict>|
     -> PyResult<Bound<'py, PyAny>> {
        let kw = PyDict::new(py);
        kw.set_item("x", channel(&mut points.iter().copied(), 0))?;
        kw.set_item("y", channel(&mut points.iter().copied(), 1))?;
        kw.set_item("z", channel(&mut points.iter().copied(), 2))?;
        kw.set_item("mode", "markers")?;
        kw.set_item("name", name)?;
        kw.set_item("marker", marker)?;
        go.getattr("Scatter3d")?.call((), Some(&kw))
    };
    let pixels = PyDict::new(py);
    pixels.set_item("size", 2)?;
    pixels.set_item(
        "color",
        sample
            .iter()
            .map(|&c| scenepal::to_hex(c))
            .collect::<Vec<_>>(),
    )?;
    let centres: Vec<scenepal::Rgb> = palette.colors.iter().map(|s| s.rgb).collect();
    let hex: Vec<String> = centres.iter().map(|&c| scenepal::to_hex(c)).collect();
    let marker = PyDict::new(py);
    marker.set_item(
        "size",
        palette
            .colors
            .iter()
            .map(|s| 12.0 + 40.0 * s.fraction.sqrt())
            .collect::<Vec<_>>(),
    )?;
    marker.set_item("color", hex.clone())?;
    let outline = PyDict::new(py);
    outline.set_item("color", "black")?;
    outline.set_item("width", 2)?;
    marker.set_item("line", outline)?;
    let palette_trace = trace("palette", &centres, marker)?;
    palette_trace.setattr("text", hex)?;
    let data = PyList::new(py, [trace("pixels", sample, pixels)?, palette_trace])?;
    let figure = go.getattr("Figure")?.call1((data,))?;
    let scene = PyDict::new(py);
    for (axis, title) in [("xaxis", "red"), ("yaxis", "green"), ("zaxis", "blue")] {
        let a = PyDict::new(py);
        a.set_item("title", title)?;
        a.set_item("range", (0, 255))?;
        scene.set_item(axis, a)?;
    }
    let layout = PyDict::new(py);
    layout.set_item("scene", scene)?;
    figure.call_method("update_layout", (), Some(&layout))?;
    Ok(figure)
}

/// The Python module `scenepal._scenepal`.
#[pymodule]
fn _scenepal(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_function(wrap_pyfunction!(palette_of, m)?)?;
    m.add_function(wrap_pyfunction!(palettes, m)?)?;
    m.add_function(wrap_pyfunction!(cloud, m)?)?;
    m.add_function(wrap_pyfunction!(film::film, m)?)?;
    m.add_class::<film::FilmIterator>()?;
    m.add_class::<palette::Palette>()?;
    m.add_class::<palette::Color>()?;
    m.add_class::<histogram::Histogram>()?;
    m.add_class::<PaletteIterator>()?;
    m.add("Error", py.get_type::<errors::Error>())?;
    m.add("DecodeError", py.get_type::<errors::DecodeError>())?;
    m.add("LimitError", py.get_type::<errors::LimitError>())?;
    m.add("ArgumentError", errors::argument_error_type(py)?)?;
    Ok(())
}
