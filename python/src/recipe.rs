//! What to extract and how, from Python's keyword arguments: the options of
//! `palette()`, checked once and shared by `palettes()`, `film()` and
//! `cloud()`.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use scenepal::auto_k::DEFAULT_MAX_COLORS;
use scenepal::{Exclusion, LoadOptions, Options, Recipe, MAX_PIXELS_DEFAULT};
use serde::de::IntoDeserializer;

use crate::errors::argument;

/// A call's settings: the library's recipe, how images are loaded, and
/// whether colours are named.
#[pyclass(frozen, module = "scenepal")]
#[derive(Clone)]
pub struct Settings {
    pub recipe: Recipe,
    pub load: LoadOptions,
    pub names: bool,
}

/// One of the library's lowercase names (`"oklab"`, `"hue"`), read as the
/// JSON record reads it; `what` names the argument in the message.
pub fn parse_name<T: serde::de::DeserializeOwned>(
    value: &str,
    what: &str,
    choices: &str,
) -> PyResult<T> {
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        value.into_deserializer();
    T::deserialize(de)
        .map_err(|_| argument(format!("{what} must be one of {choices}, got {value:?}")))
}

/// `k`: a number of colours, or `"auto"` (chosen per image, at most
/// [`DEFAULT_MAX_COLORS`]).
fn parse_k(k: &Bound<'_, PyAny>) -> PyResult<(usize, bool)> {
    if let Ok(text) = k.cast::<PyString>() {
        return match text.extract::<String>()?.as_str() {
            "auto" => Ok((DEFAULT_MAX_COLORS, true)),
            other => Err(argument(format!(
                "k must be a number of colours or \"auto\", got {other:?}"
            ))),
        };
    }
    let n: i64 = k.extract().map_err(|_| {
        argument(format!(
            "k must be a number of colours or \"auto\", got {k}"
        ))
    })?;
    let k = usize::try_from(n).unwrap_or(0);
    if !(1..=scenepal::MAX_K).contains(&k) {
        return Err(crate::errors::to_py(scenepal::Error::InvalidK {
            k: n.max(0) as usize,
        }));
    }
    Ok((k, false))
}

/// The colours to leave out, as `"#rrggbb[:ΔE]"` or CSS names.
pub fn parse_exclude(exclude: &Bound<'_, PyAny>) -> PyResult<Vec<Exclusion>> {
    if exclude.is_instance_of::<PyString>() {
        return Err(argument(
            "exclude must be a sequence of colours, e.g. (\"#000000\", \"white:5\")",
        ));
    }
    let mut out = Vec::new();
    for item in exclude.try_iter()? {
        let text: String = item?
            .extract()
            .map_err(|_| argument("exclude must hold colours as strings, e.g. \"#000000:3\""))?;
        out.push(text.parse::<Exclusion>().map_err(argument)?);
    }
    Ok(out)
}

#[pymethods]
impl Settings {
    #[new]
    #[pyo3(signature = (k=None, *, algorithm="kmeans", space="oklab", sort="hue", seed=scenepal::DEFAULT_SEED,
        exclude=None, names=false, fast=false, alpha_threshold=scenepal::DEFAULT_ALPHA_THRESHOLD,
        max_pixels=MAX_PIXELS_DEFAULT, color_manage=true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        k: Option<&Bound<'_, PyAny>>,
        algorithm: &str,
        space: &str,
        sort: &str,
        seed: u64,
        exclude: Option<&Bound<'_, PyAny>>,
        names: bool,
        fast: bool,
        alpha_threshold: u8,
        max_pixels: u64,
        color_manage: bool,
    ) -> PyResult<Self> {
        let (k, auto_k) = match k {
            Some(k) => parse_k(k)?,
            None => (scenepal::DEFAULT_K, false),
        };
        let exclude = match exclude {
            Some(e) => parse_exclude(e)?,
            None => Vec::new(),
        };
        let options = Options {
            k,
            auto_k,
            algorithm: parse_name(algorithm, "algorithm", "\"kmeans\", \"bucket\"")?,
            space: parse_name(space, "space", "\"oklab\", \"lab\", \"rgb\"")?,
            sort: parse_name(
                sort,
                "sort",
                "\"hue\", \"lightness\", \"frequency\", \"none\"",
            )?,
            seed,
        };
        let load = LoadOptions {
            alpha_threshold,
            max_pixels,
            fast,
            color_manage,
            ..LoadOptions::default()
        };
        Ok(Settings {
            recipe: Recipe::new(options).with_exclusions(exclude),
            load,
            names,
        })
    }
}

impl Settings {
    /// The settings of `k` and `options` (the keyword arguments of
    /// `palette()`; an unknown one is a `TypeError`, as for any call).
    pub fn of(
        py: Python<'_>,
        k: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Settings> {
        let class = py.get_type::<Settings>();
        let recipe = match k {
            Some(k) => class.call((k,), options)?,
            None => class.call((), options)?,
        };
        let recipe = recipe.cast_into::<Settings>()?;
        Ok(recipe.get().clone())
    }
}
