//! `Palette` and `Color`: an image's palette as a Python sequence, its JSON
//! record (the CLI's, byte for byte), its swatch picture and its notebook
//! strip.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PySlice};
use scenepal::merge::MergeSummary;
use scenepal::output::swatch::{
    label_color, render_swatch, SwatchOptions, SwatchStyle, MIN_CELL_PX,
};
use scenepal::output::{
    encode_png, write_report, Format, Layout, Preview, Report, MAX_PICTURE_SIDE_PX,
};
use scenepal::{to_hex, Crop, Exclusion, Options};

use crate::errors::{argument, Error};
use crate::recipe::{parse_name, Settings};
use crate::source::Failure;
use crate::source::Source;

/// One palette colour.
#[pyclass(frozen, module = "scenepal", eq)]
#[derive(Clone, PartialEq)]
pub struct Color {
    /// `#rrggbb`.
    #[pyo3(get)]
    hex: String,
    /// `(r, g, b)`, 0-255.
    #[pyo3(get)]
    rgb: (u8, u8, u8),
    /// Share of the counted pixels nearest to this colour.
    #[pyo3(get)]
    fraction: f64,
}

#[pymethods]
impl Color {
    /// The nearest CSS colour name (CIEDE2000), found when asked: it costs
    /// more than the rest of the colour, and most callers never ask.
    #[getter]
    fn name(&self) -> &'static str {
        scenepal::names::nearest_name([self.rgb.0, self.rgb.1, self.rgb.2])
    }

    fn __repr__(&self) -> String {
        format!(
            "Color(hex={:?}, fraction={:.6}, name={:?})",
            self.hex,
            self.fraction,
            self.name()
        )
    }
}

/// Everything a palette's record is written from.
pub struct Made {
    pub path: Option<String>,
    pub merged: Option<MergeSummary>,
    pub size: Option<(u32, u32)>,
    pub time: Option<f64>,
    /// A film frame's shot, when sampled by shot.
    pub shot: Option<scenepal::record::Shot>,
    /// A film frame's sampling, as the CLI records it.
    pub sampled: Option<scenepal::record::Sampled>,
    pub crop: Option<Crop>,
    pub step: u32,
    /// False for a film's keyframe standing in for later sample times.
    pub exact: bool,
    pub color_profile: Option<String>,
    pub exclude: Vec<Exclusion>,
    pub names: bool,
    pub options: Options,
    pub palette: scenepal::Palette,
}

impl Made {
    /// The record of an analysed image: `path` as given (None for an image
    /// in memory), `time` for a film's frame.
    pub fn of(
        analysis: scenepal::Analysis,
        path: Option<String>,
        time: Option<f64>,
        settings: &Settings,
    ) -> Result<Made, Failure> {
        let palette = analysis
            .palette
            .ok_or(Failure::Library(scenepal::Error::NoPixels))?;
        Ok(Made {
            path,
            merged: None,
            size: Some((analysis.width, analysis.height)),
            time,
            shot: None,
            sampled: None,
            crop: analysis.crop,
            step: analysis.step,
            exact: true,
            color_profile: analysis.managed.profile,
            exclude: settings.recipe.exclusions().to_vec(),
            names: settings.names,
            options: settings.recipe.options.clone(),
            palette,
        })
    }
}

/// Where a swatch card's picture comes from: the image asked about, read
/// again when a card is drawn (a palette keeps no pixels).
pub enum Card {
    /// The Python object the palette was made from, and how it was read.
    Image(Py<PyAny>, Box<Settings>),
    /// A merged palette or a film's frame: strips only.
    None,
}

/// An image's palette: a sequence of `Color`, with its record.
#[pyclass(frozen, module = "scenepal", sequence)]
pub struct Palette {
    made: Made,
    card: Card,
}

impl Palette {
    pub fn new(made: Made, card: Card) -> Self {
        Palette { made, card }
    }

    fn colors(&self) -> Vec<Color> {
        self.made.palette.colors.iter().map(color).collect()
    }

    /// The CLI's `-f json` line, without its newline.
    pub fn json(&self) -> String {
        let m = &self.made;
        let report = Report {
            path: m.path.as_deref(),
            merged: m.merged,
            width: m.size.map(|s| s.0),
            height: m.size.map(|s| s.1),
            time: m.time,
            shot: m.shot,
            sampled: m.sampled.as_ref(),
            crop: m.crop,
            step: m.step,
            exact: m.exact,
            color_profile: m.color_profile.as_deref(),
            ..Report::new(&m.palette, &m.options, &m.exclude, m.names)
        };
        let mut out = Vec::new();
        write_report(
            &mut out,
            &report,
            Format::Json,
            Layout::Single,
            Preview::Off,
        )
        .expect("writing to memory cannot fail");
        let mut text = String::from_utf8(out).expect("JSON is UTF-8");
        text.truncate(text.trim_end().len());
        text
    }
}

#[pymethods]
impl Palette {
    fn __len__(&self) -> usize {
        self.made.palette.colors.len()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Py<PyAny>> {
        if index.is_instance_of::<PySlice>() {
            let colors = PyList::new(py, self.colors())?;
            return Ok(colors.as_any().get_item(index)?.unbind());
        }
        let i: isize = index.extract()?;
        let colors = &self.made.palette.colors;
        let n = colors.len() as isize;
        let at = if i < 0 { i + n } else { i };
        if !(0..n).contains(&at) {
            return Err(pyo3::exceptions::PyIndexError::new_err(
                "palette index out of range",
            ));
        }
        Ok(Py::new(py, color(&colors[at as usize]))?.into_any())
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyList::new(py, self.colors())?
            .into_any()
            .try_iter()?
            .into_any())
    }

    fn __repr__(&self) -> String {
        let hex: Vec<String> = self.colors().into_iter().map(|c| c.hex).collect();
        format!("Palette({hex:?}, mse={:.3})", self.made.palette.mse)
    }

    /// The colours, as a list.
    #[getter(colors)]
    fn colors_list(&self) -> Vec<Color> {
        self.colors()
    }

    /// Mean squared sRGB distance of the counted pixels to their nearest
    /// palette colour.
    #[getter]
    fn mse(&self) -> f64 {
        self.made.palette.mse
    }

    /// The number of colours asked for (or chosen, with `k="auto"`).
    #[getter]
    fn k(&self) -> usize {
        match self.made.options.auto_k {
            true => self.made.palette.colors.len(),
            false => self.made.options.k,
        }
    }

    /// Image width in pixels (None for a merged palette).
    #[getter]
    fn width(&self) -> Option<u32> {
        self.made.size.map(|s| s.0)
    }

    /// Image height in pixels (None for a merged palette).
    #[getter]
    fn height(&self) -> Option<u32> {
        self.made.size.map(|s| s.1)
    }

    /// Counted pixels.
    #[getter]
    fn pixels(&self) -> u64 {
        self.made
            .merged
            .map_or(self.made.palette.pixels, |m| m.pixels)
    }

    /// The record as a dict: exactly the CLI's JSON record.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("json")?.call_method1("loads", (self.json(),))
    }

    /// The record as the CLI's `-f json` writes it (one line).
    fn to_json(&self) -> String {
        self.json()
    }

    /// The swatch picture as PNG: written to `path`, or returned as bytes.
    /// `style` is `"card"` (the image above its palette) or `"strip"`.
    #[pyo3(signature = (path=None, style="card", width=scenepal::output::swatch::DEFAULT_SWATCH_WIDTH_PX))]
    fn swatch<'py>(
        &self,
        py: Python<'py>,
        path: Option<&Bound<'py, PyAny>>,
        style: &str,
        width: u32,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let style: SwatchStyle = match style {
            "card" => SwatchStyle::Card,
            "strip" => SwatchStyle::Strip,
            other => {
                return Err(argument(format!(
                    "style must be \"card\" or \"strip\", got {other:?}"
                )))
            }
        };
        let range = 3 * MIN_CELL_PX..=MAX_PICTURE_SIDE_PX;
        if !range.contains(&width) {
            return Err(argument(format!(
                "width must be from {} to {} pixels, got {width}",
                range.start(),
                range.end()
            )));
        }
        let preview = match (&self.card, style) {
            (Card::Image(object, recipe), SwatchStyle::Card) => {
                let source = Source::of(object.bind(py))?;
                let mut recipe = (**recipe).clone();
                recipe.load.preview_width = Some(width);
                let image = py
                    .detach(|| source.load(&recipe))
                    .map_err(|f| f.into_py())?;
                image.preview
            }
            _ => None,
        };
        let options = SwatchOptions {
            style,
            width,
            proportional: false,
            names: self.made.names,
        };
        let palette = &self.made.palette;
        let png = py.detach(|| {
            let picture = render_swatch(palette, preview.as_ref(), &options);
            let mut png = Vec::new();
            encode_png(&image_rgb(picture), &mut png).map(|_| png)
        });
        let png = png.map_err(|e| Error::new_err(format!("cannot encode the swatch: {e}")))?;
        match path {
            None => Ok(Some(PyBytes::new(py, &png))),
            Some(path) => {
                let path: std::path::PathBuf = py
                    .import("os")?
                    .call_method1("fspath", (path,))?
                    .extract()?;
                std::fs::write(&path, &png).map_err(|e| {
                    pyo3::exceptions::PyOSError::new_err(format!("{}: {e}", path.display()))
                })?;
                Ok(None)
            }
        }
    }

    /// The palette as a labelled strip of cells, for Jupyter.
    fn _repr_html_(&self) -> String {
        let mut html = String::from(
            "<div style=\"display:flex;width:100%;max-width:800px;height:64px;font:12px monospace\">",
        );
        for s in &self.made.palette.colors {
            let hex = to_hex(s.rgb);
            let ink = to_hex(label_color(s.rgb));
            html += &format!(
                "<div title=\"{hex} {:.1}%\" style=\"flex:1;background:{hex};color:{ink};\
                 display:flex;align-items:flex-end;justify-content:center;padding-bottom:4px\">{hex}</div>",
                s.fraction * 100.0
            );
        }
        html += "</div>";
        html
    }
}

/// The Python view of one palette colour.
fn color(s: &scenepal::Swatch) -> Color {
    Color {
        hex: to_hex(s.rgb),
        rgb: (s.rgb[0], s.rgb[1], s.rgb[2]),
        fraction: s.fraction,
    }
}

fn image_rgb(picture: scenepal::image::RgbImage) -> scenepal::image::DynamicImage {
    scenepal::image::DynamicImage::ImageRgb8(picture)
}

/// The sort order named `sort`.
pub fn parse_sort(sort: &str) -> PyResult<scenepal::SortOrder> {
    parse_name(
        sort,
        "sort",
        "\"hue\", \"lightness\", \"frequency\", \"none\"",
    )
}
