//! `Histogram`: an image's colours in the CLI's mergeable bins; `+` is the
//! CLI's histogram monoid (exact integer sums), `to_json` / `from_json` its
//! `-f histogram` document.

use pyo3::prelude::*;
use pyo3::types::PyInt;
use scenepal::merge::HistogramOptions;
use scenepal::{extract_palette_from_histogram, MergedHistogram, Options, MAX_PIXELS_DEFAULT};

use crate::errors::{to_py, Error};
use crate::palette::{parse_sort, Card, Made, Palette};
use crate::recipe::{parse_exclude, parse_name, Settings};
use crate::source::{analyse, Source};

/// The colour bins of one image or many, with the options that decide a
/// palette made from them.
#[pyclass(frozen, module = "scenepal", eq)]
#[derive(Clone, PartialEq)]
pub struct Histogram {
    merged: MergedHistogram,
    options: HistogramOptions,
}

impl Histogram {
    /// The sum of two histograms made with the same options.
    fn plus(&self, other: &Histogram) -> PyResult<Histogram> {
        if other.options != self.options {
            return Err(Error::new_err(format!(
                "cannot add histograms made with different options ({} and {})",
                describe(&self.options),
                describe(&other.options)
            )));
        }
        let mut merged = self.merged.clone();
        merged.absorb(&other.merged).map_err(to_py)?;
        Ok(Histogram {
            merged,
            options: self.options.clone(),
        })
    }
}

/// The options of a histogram, as the arguments that set them.
fn describe(o: &HistogramOptions) -> String {
    let exclude: Vec<String> = o
        .exclude
        .iter()
        .map(|e| format!("{:?}", e.to_string()))
        .collect();
    format!(
        "merge_weight={:?}, space={:?}, alpha_threshold={}, exclude=[{}]",
        o.merge_weight.name(),
        o.space.name(),
        o.alpha_threshold,
        exclude.join(", ")
    )
}

#[pymethods]
impl Histogram {
    /// An empty histogram (adding it changes nothing).
    #[new]
    #[pyo3(signature = (*, merge_weight="pixel", space="oklab", alpha_threshold=scenepal::DEFAULT_ALPHA_THRESHOLD, exclude=None))]
    fn new(
        merge_weight: &str,
        space: &str,
        alpha_threshold: u8,
        exclude: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let options = HistogramOptions {
            merge_weight: parse_name(merge_weight, "merge_weight", "\"pixel\", \"image\"")?,
            space: parse_name(space, "space", "\"oklab\", \"lab\", \"rgb\"")?,
            alpha_threshold,
            exclude: match exclude {
                Some(e) => parse_exclude(e)?,
                None => Vec::new(),
            },
        };
        Ok(Histogram {
            merged: MergedHistogram::new(options.merge_weight),
            options,
        })
    }

    /// The histogram of one image (any input `palette()` takes).
    #[staticmethod]
    #[pyo3(signature = (image, *, merge_weight="pixel", space="oklab", alpha_threshold=scenepal::DEFAULT_ALPHA_THRESHOLD, exclude=None, fast=false, max_pixels=MAX_PIXELS_DEFAULT))]
    #[allow(clippy::too_many_arguments)]
    fn of(
        py: Python<'_>,
        image: &Bound<'_, PyAny>,
        merge_weight: &str,
        space: &str,
        alpha_threshold: u8,
        exclude: Option<&Bound<'_, PyAny>>,
        fast: bool,
        max_pixels: u64,
    ) -> PyResult<Self> {
        let mut histogram = Self::new(merge_weight, space, alpha_threshold, exclude)?;
        let recipe =
            Settings::of(py, None, None)?.with_histogram(&histogram.options, fast, max_pixels);
        let source = Source::of(image)?;
        let bins = py
            .detach(|| analyse(&source, &recipe).map(|analysis| analysis.bins))
            .map_err(|f| f.into_py())?;
        if let Some(bins) = &bins {
            histogram.merged.add(bins);
        }
        Ok(histogram)
    }

    /// Reads a document written by `to_json()` or `scenepal --merge -f histogram`.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let (merged, options) = MergedHistogram::from_json(text).map_err(to_py)?;
        Ok(Histogram { merged, options })
    }

    /// The document `scenepal --merge -f histogram` writes (one line).
    fn to_json(&self) -> String {
        self.merged.to_json(&self.options)
    }

    fn __add__(&self, other: &Bound<'_, PyAny>) -> PyResult<Histogram> {
        // `sum()` starts from 0.
        if other.is_instance_of::<PyInt>() && other.extract::<i64>()? == 0 {
            return Ok(self.clone());
        }
        self.plus(other.cast::<Histogram>()?.get())
    }

    fn __radd__(&self, other: &Bound<'_, PyAny>) -> PyResult<Histogram> {
        self.__add__(other)
    }

    /// Images added up.
    #[getter]
    fn images(&self) -> usize {
        self.merged.summary().images
    }

    /// Their counted pixels.
    #[getter]
    fn pixels(&self) -> u64 {
        self.merged.summary().pixels
    }

    fn __repr__(&self) -> String {
        let s = self.merged.summary();
        format!(
            "Histogram(images={}, pixels={}, {})",
            s.images,
            s.pixels,
            describe(&self.options)
        )
    }

    /// The palette of every image added: `scenepal --merge`'s.
    #[pyo3(signature = (k=None, *, algorithm="kmeans", sort="hue", seed=scenepal::DEFAULT_SEED, names=false))]
    fn palette(
        &self,
        py: Python<'_>,
        k: Option<&Bound<'_, PyAny>>,
        algorithm: &str,
        sort: &str,
        seed: u64,
        names: bool,
    ) -> PyResult<Palette> {
        let recipe = Settings::of(py, k, None)?;
        let options = Options {
            algorithm: parse_name(algorithm, "algorithm", "\"kmeans\", \"bucket\"")?,
            sort: parse_sort(sort)?,
            seed,
            space: self.options.space,
            ..recipe.recipe.options
        };
        let histogram = self.merged.to_histogram();
        if histogram.is_empty() {
            return Err(Error::new_err(
                "no image was added, so there is nothing to merge",
            ));
        }
        let palette = py
            .detach(|| extract_palette_from_histogram(&histogram, &options))
            .map_err(to_py)?;
        let made = Made {
            path: None,
            merged: Some(self.merged.summary()),
            size: None,
            time: None,
            shot: None,
            sampled: None,
            crop: None,
            step: 1,
            exact: true,
            color_profile: None,
            exclude: self.options.exclude.clone(),
            names,
            options,
            palette,
        };
        Ok(Palette::new(made, Card::None))
    }
}

impl Settings {
    /// These settings reading images into a histogram with `options`: the
    /// bins wanted, no palette.
    fn with_histogram(
        mut self,
        options: &HistogramOptions,
        fast: bool,
        max_pixels: u64,
    ) -> Settings {
        let mut extract = self.recipe.options.clone();
        extract.space = options.space;
        self.recipe = scenepal::Recipe::new(extract)
            .with_exclusions(options.exclude.clone())
            .with_wants(scenepal::Wants {
                palette: false,
                bins: true,
                mean: false,
            });
        self.load.alpha_threshold = options.alpha_threshold;
        self.load.fast = fast;
        self.load.max_pixels = max_pixels;
        self
    }
}
