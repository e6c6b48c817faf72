//! The library's errors as Python exceptions: `scenepal.Error` and one
//! subclass per kind a caller tells apart, each with the library's message.

use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

pyo3::create_exception!(
    scenepal,
    Error,
    PyException,
    "Anything scenepal cannot do with an input, with the library's message."
);
pyo3::create_exception!(
    scenepal,
    DecodeError,
    Error,
    "The input is not an image scenepal can decode (damaged, truncated, another format)."
);
pyo3::create_exception!(
    scenepal,
    LimitError,
    Error,
    "The image is larger than the limit in force (max_pixels)."
);

/// `ArgumentError(Error, ValueError)`: a bad argument is a `ValueError`
/// too, as Python code expects, so it is made with both bases.
static ARGUMENT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The `ArgumentError` type.
pub fn argument_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    ARGUMENT_ERROR
        .get_or_try_init(py, || {
            let bases = PyTuple::new(py, [py.get_type::<Error>(), py.get_type::<PyValueError>()])?;
            let dict = PyDict::new(py);
            dict.set_item("__module__", "scenepal")?;
            dict.set_item(
                "__doc__",
                "An argument scenepal cannot use (a bad k, an unknown space); also a ValueError.",
            )?;
            let made = py
                .get_type::<PyType>()
                .call1(("ArgumentError", bases, dict))?
                .cast_into::<PyType>()?;
            Ok(made.unbind())
        })
        .map(|t| t.bind(py))
}

/// A bad argument, with `message`.
pub fn argument(message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| match argument_error_type(py) {
        Ok(t) => PyErr::from_type(t.clone(), message),
        Err(e) => e,
    })
}

/// The exception for a library error: its kind decides the class, its
/// message is the library's.
pub fn to_py(error: scenepal::Error) -> PyErr {
    use scenepal::Error as E;
    let message = error.to_string();
    match error {
        E::EmptyInput
        | E::UnsupportedFormat(_)
        | E::UnrecognisedFormat
        | E::Decode { .. }
        | E::Damaged { .. }
        | E::TruncatedJpeg(_)
        | E::DamagedJpeg(_) => DecodeError::new_err(message),
        E::TooManyPixels { .. } => LimitError::new_err(format!("{message} (max_pixels)")),
        E::InvalidK { .. } | E::BufferSize { .. } => argument(message),
        _ => Error::new_err(message),
    }
}
