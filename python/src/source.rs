//! The images Python hands over (a path, bytes, a NumPy array, a PIL image)
//! as one type the library reads without the GIL, and the analysis of one.

use std::path::PathBuf;
use std::sync::Arc;

use numpy::{PyArrayDyn, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};
use scenepal::manage::Managed;
use scenepal::{load_image, Analysis, LoadedImage, PixelBuffer};

use crate::errors::{argument, to_py};
use crate::recipe::Settings;

/// Bytes that a Python object owns, read in place without the GIL.
struct PyOwned {
    /// Keeps the bytes alive (and unmoved: `bytes` are immutable, and a
    /// NumPy array whose buffer is exported cannot be resized).
    _owner: Py<PyAny>,
    ptr: *const u8,
    len: usize,
}

// SAFETY: the bytes stay valid while `_owner` holds its reference, and are
// only read. An array another Python thread writes to during the call is
// read as it is then, as NumPy's own routines read it.
unsafe impl Send for PyOwned {}
unsafe impl Sync for PyOwned {}

impl AsRef<[u8]> for PyOwned {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `ptr` and `len` describe the owner's buffer (see above).
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// An image, ready to be read off the GIL.
pub enum Source {
    /// A file, by path (`shown` is the path as given, for the record).
    File { path: PathBuf, shown: String },
    /// Encoded bytes.
    Encoded(Arc<dyn AsRef<[u8]> + Send + Sync>),
    /// Pixels: `channels` bytes a pixel, row after row.
    Pixels {
        raw: Arc<dyn AsRef<[u8]> + Send + Sync>,
        channels: usize,
        width: u32,
        height: u32,
    },
}

impl Source {
    /// Reads `image`: a path (`str` or `os.PathLike`), `bytes` or
    /// `bytearray`, a NumPy `uint8` array (H, W, 3) or (H, W, 4), or a PIL
    /// image.
    pub fn of(image: &Bound<'_, PyAny>) -> PyResult<Source> {
        let py = image.py();
        if let Ok(bytes) = image.cast::<PyBytes>() {
            let data = bytes.as_bytes();
            return Ok(Source::Encoded(Arc::new(PyOwned {
                ptr: data.as_ptr(),
                len: data.len(),
                _owner: bytes.clone().into_any().unbind(),
            })));
        }
        if let Ok(bytes) = image.cast::<PyByteArray>() {
            return Ok(Source::Encoded(Arc::new(bytes.to_vec())));
        }
        if image.is_instance_of::<PyString>() || image.hasattr("__fspath__")? {
            let os = py.import("os")?;
            let shown: String = os.call_method1("fsdecode", (image,))?.extract()?;
            let path: PathBuf = os.call_method1("fspath", (image,))?.extract()?;
            return Ok(Source::File { path, shown });
        }
        if let Ok(array) = image.cast::<PyArrayDyn<u8>>() {
            return Self::of_array(array);
        }
        if image.hasattr("__array_interface__")? && image.hasattr("getbands")? {
            return Self::of_pil(image);
        }
        if image.hasattr("__array_interface__")? || image.hasattr("__array__")? {
            let numpy = py.import("numpy")?;
            let array = numpy.call_method1("asarray", (image,))?;
            if let Ok(array) = array.cast::<PyArrayDyn<u8>>() {
                return Self::of_array(array);
            }
            let dtype = array.getattr("dtype")?;
            return Err(argument(format!(
                "an image array must be of dtype uint8, got {dtype}"
            )));
        }
        Err(argument(format!(
            "an image is a path, bytes, a NumPy uint8 array (H, W, 3 or 4) or a PIL image, got {}",
            image.get_type().name()?
        )))
    }

    /// A NumPy array, read in place when C-contiguous (else copied once).
    fn of_array(array: &Bound<'_, PyArrayDyn<u8>>) -> PyResult<Source> {
        let shape = array.shape().to_vec();
        let (height, width, channels) = match shape[..] {
            [h, w, c @ (3 | 4)] => (h, w, c),
            _ => {
                return Err(argument(format!(
                "an image array has shape (height, width, 3) or (height, width, 4), got {shape:?}"
            )))
            }
        };
        let size = |n: usize| {
            u32::try_from(n)
                .map_err(|_| argument(format!("an image side of {n} pixels is too large")))
        };
        let (width, height) = (size(width)?, size(height)?);
        let raw: Arc<dyn AsRef<[u8]> + Send + Sync> = if array.is_c_contiguous() {
            let readonly = array.readonly();
            let data = readonly
                .as_slice()
                .map_err(|e| argument(format!("cannot read the array: {e}")))?;
            Arc::new(PyOwned {
                ptr: data.as_ptr(),
                len: data.len(),
                _owner: array.clone().into_any().unbind(),
            })
        } else {
            // Strided (a crop, a flipped view): gathered in C order.
            Arc::new(
                array
                    .readonly()
                    .as_array()
                    .iter()
                    .copied()
                    .collect::<Vec<u8>>(),
            )
        };
        Ok(Source::Pixels {
            raw,
            channels,
            width,
            height,
        })
    }

    /// A PIL image: RGB and RGBA through NumPy's view of it, every other mode
    /// converted by PIL first (to RGBA when it has transparency).
    fn of_pil(image: &Bound<'_, PyAny>) -> PyResult<Source> {
        let mode: String = image.getattr("mode")?.extract()?;
        let image = match mode.as_str() {
            "RGB" | "RGBA" => image.clone(),
            _ => {
                let alpha = mode.contains('A')
                    || mode == "PA"
                    || image.getattr("info")?.contains("transparency")?;
                image.call_method1("convert", (if alpha { "RGBA" } else { "RGB" },))?
            }
        };
        let array = image
            .py()
            .import("numpy")?
            .call_method1("asarray", (image,))?;
        Self::of_array(array.cast::<PyArrayDyn<u8>>()?)
    }

    /// The path as given, for a file.
    pub fn shown(&self) -> Option<&str> {
        match self {
            Source::File { shown, .. } => Some(shown),
            _ => None,
        }
    }

    /// Decodes (or wraps) the image, without the GIL. A file that cannot be
    /// read is an `OSError`, as Python's own `open` raises.
    pub fn load(&self, recipe: &Settings) -> Result<LoadedImage, Failure> {
        match self {
            Source::File { path, .. } => {
                let bytes = std::fs::read(path).map_err(|e| Failure::Io(e, path.clone()))?;
                load_image(&bytes, Some(path), &recipe.load).map_err(Failure::Library)
            }
            Source::Encoded(bytes) => {
                load_image((**bytes).as_ref(), None, &recipe.load).map_err(Failure::Library)
            }
            Source::Pixels {
                raw,
                channels,
                width,
                height,
            } => {
                let (w, h) = (*width as u64, *height as u64);
                if w * h > recipe.load.max_pixels {
                    return Err(Failure::Library(scenepal::Error::TooManyPixels {
                        width: *width,
                        height: *height,
                        limit: recipe.load.max_pixels,
                    }));
                }
                let pixels = PixelBuffer::shared(
                    raw.clone(),
                    *channels,
                    *width,
                    *height,
                    recipe.load.alpha_threshold,
                )
                .map_err(Failure::Library)?;
                let image = LoadedImage {
                    width: *width,
                    height: *height,
                    preview: None,
                    pixels,
                    managed: Managed::default(),
                    step: 1,
                    video_frame: false,
                };
                // Scaled to the card as a file's image is.
                Ok(match recipe.load.preview_width {
                    Some(w) => image.with_preview(w),
                    None => image,
                })
            }
        }
    }
}

/// Why an image could not be read or analysed.
pub enum Failure {
    /// The file could not be read.
    Io(std::io::Error, PathBuf),
    /// The library's error.
    Library(scenepal::Error),
}

impl Failure {
    /// The Python exception.
    pub fn into_py(self) -> PyErr {
        match self {
            // As Python's own `open` raises it: OSError's constructor picks
            // the subclass (FileNotFoundError, PermissionError) by errno.
            Failure::Io(e, path) => match e.raw_os_error() {
                Some(errno) => PyOSError::new_err((
                    errno,
                    scenepal_io_reason(&e),
                    path.to_string_lossy().into_owned(),
                )),
                None => PyOSError::new_err(format!("{}: {e}", path.display())),
            },
            Failure::Library(e) => to_py(e),
        }
    }
}

/// The text of an I/O error without Rust's "(os error N)" suffix.
fn scenepal_io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Loads `source` and analyses it as `settings` say, without the GIL.
pub fn analyse(source: &Source, settings: &Settings) -> Result<Analysis, Failure> {
    let image = source.load(settings)?;
    settings.recipe.analyze(image).map_err(Failure::Library)
}
