//! scenepal: the k colours that best represent an image.
//!
//! The pipeline is the well-known palette recipe made exact and fast: decode,
//! flatten to the N×3 pixel list (collapsed into weighted unique colours),
//! cluster with k-means (or cut hue-ordered pixels into k equal groups), round
//! the centres to sRGB8, measure each colour's share of the image, and sort.
//!
//! ```
//! use scenepal::{load_image, to_hex, LoadOptions, LoadedImage, Options, Recipe, TrimBars, Wants};
//!
//! // One recipe for many images: five colours, bars trimmed in every image,
//! // the near-white stripe left out, the bins for a merge and the mean
//! // colour wanted too.
//! let recipe = Recipe::new(Options { k: 5, ..Options::default() })
//!     .with_trim_bars(TrimBars::Always)
//!     .with_wants(Wants { palette: true, bins: true, mean: true })
//!     .with_exclusions(vec!["white".parse()?]);
//!
//! // From an encoded file: the format is recognised from the bytes; with
//! // `fast`, a large image is read reduced and the analysis accounts for it.
//! let bytes = std::fs::read("fixtures/five_stripes.png")?;
//! let image = load_image(&bytes, None, &LoadOptions::default())?;
//! let analysis = recipe.analyze(image)?;
//! let palette = analysis.palette.expect("wanted");
//! assert_eq!(palette.colors.len(), 4);
//! assert!(analysis.bins.is_some() && analysis.mean.is_some());
//!
//! // From pixels in memory (a video frame, an array): three red, one blue.
//! let raw = vec![255, 0, 0, 255, 0, 0, 0, 0, 255, 255, 0, 0];
//! let frame = LoadedImage::from_rgb8(raw, 2, 2)?.as_video_frame();
//! let palette = Recipe::new(Options { k: 2, ..Options::default() })
//!     .analyze(frame)?
//!     .palette
//!     .expect("wanted by default");
//! let hex: Vec<String> = palette.colors.iter().map(|s| to_hex(s.rgb)).collect();
//! assert_eq!(hex, ["#ff0000", "#0000ff"]);
//! assert_eq!(palette.colors[0].fraction, 0.75);
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
//! [`auto_k`], `measure`, [`extract`] (the whole extraction policy),
//! [`analyze`] (the one call from a loaded image to its results), [`merge`],
//! [`record`] (the JSON schema), [`transport`] (the earth mover's distance
//! between palettes), [`output`] (one renderer per format) and [`video`]
//! (films, read through ffmpeg).
//! The `scenepal` program (feature `cli`, on by default) is built on them.

pub mod analyze;
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
pub mod transport;
pub mod video;

/// The image crate, whose types ([`image::DynamicImage`], [`image::RgbImage`])
/// appear in this API.
pub use image;

pub use crate::analyze::{Analysis, Recipe, TrimBars, Wants};
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
