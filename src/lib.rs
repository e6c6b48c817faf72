//! scenepal: the k colours that best represent an image.
//!
//! The pipeline is the well-known palette recipe made exact and fast: decode,
//! flatten to the N×3 pixel list (collapsed into weighted unique colours),
//! cluster with k-means (or cut hue-ordered pixels into k equal groups), round
//! the centres to sRGB8, measure each colour's share of the image, and sort.
//!
//! ```
//! use scenepal::{extract_palette, load_image, to_hex, LoadOptions, Options, PixelBuffer};
//!
//! // Three red pixels and one blue one.
//! let raw = vec![255, 0, 0, 255, 0, 0, 0, 0, 255, 255, 0, 0];
//! let pixels = PixelBuffer::rgb8(raw, 2, 2)?;
//! let palette = extract_palette(&pixels, &Options { k: 2, ..Options::default() })?;
//! let hex: Vec<String> = palette.colors.iter().map(|s| to_hex(s.rgb)).collect();
//! assert_eq!(hex, ["#ff0000", "#0000ff"]);
//! assert_eq!(palette.colors[0].fraction, 0.75);
//!
//! // From an encoded file: the format is recognised from the bytes.
//! let bytes = std::fs::read("fixtures/five_stripes.png")?;
//! let image = load_image(&bytes, None, &LoadOptions::default())?;
//! let palette = extract_palette(&image.pixels, &Options { k: 5, ..Options::default() })?;
//! assert_eq!(palette.colors.len(), 5);
//!
//! // Errors are typed; a program names the file itself.
//! let err = load_image(b"not an image", None, &LoadOptions::default()).unwrap_err();
//! assert!(matches!(err, scenepal::Error::UnrecognisedFormat));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Modules, each importing only from those listed before it (and the error
//! type): [`color`], [`names`], [`exclude`], [`decode`], [`manage`],
//! [`pixels`], [`bars`], [`bins`], [`kmeans`], [`bucket`], [`palette`],
//! [`auto_k`], `measure`, [`extract`] (the whole extraction policy), [`merge`],
//! [`record`] (the JSON schema), [`output`] (one renderer per format) and
//! [`video`] (films, read through ffmpeg).
//! The `scenepal` program (feature `cli`, on by default) is built on them.

pub mod auto_k;
pub mod bucket;
mod error;
mod measure;

pub mod bars;
pub mod bins;
pub mod color;
pub mod decode;
pub mod exclude;
pub mod extract;
pub mod kmeans;
pub mod manage;
pub mod merge;
pub mod names;
pub mod output;
pub mod palette;
pub mod pixels;
pub mod record;
pub mod video;

/// The image crate, whose types ([`image::DynamicImage`], [`image::RgbImage`])
/// appear in this API.
pub use image;

pub use crate::bars::{find_bars, Crop};
pub use crate::bins::Bins;
pub use crate::color::{to_hex, Rgb, Space};
pub use crate::decode::{decode_image, decode_image_limited, load_cost, MAX_PIXELS_DEFAULT};
pub use crate::error::{Error, Result};
pub use crate::exclude::{Exclusion, ExclusionSet};
pub use crate::extract::{
    extract_palette, extract_palette_from_histogram, extract_palette_with_bins, Algorithm, Options,
    DEFAULT_K, DEFAULT_SEED, MAX_K,
};
pub use crate::merge::{HistogramOptions, MergeWeight, MergedHistogram};
pub use crate::palette::{Palette, SortOrder, Swatch};
pub use crate::pixels::{
    load_image, ColorHistogram, LoadOptions, LoadedImage, PixelBuffer, DEFAULT_ALPHA_THRESHOLD,
};
pub use crate::record::{PaletteRecord, Record};
