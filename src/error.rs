//! The library's one error type: what went wrong, without paths or
//! command-line flag names (a program using the library names those itself).

/// Everything the library can fail with.
///
/// Messages are one line, lowercase, and name no file: a caller adds the
/// path (and, for a command line, the option that sets a limit).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input has no bytes.
    #[error("empty file (0 bytes)")]
    EmptyInput,
    /// The data is a recognised image format that scenepal does not decode.
    #[error("unsupported image format {0}")]
    UnsupportedFormat(&'static str),
    /// The data is not a supported image format.
    #[error(
        "not a recognised image (expected JPEG, PNG, WebP, GIF, BMP, TIFF, QOI, PNM or TGA data)"
    )]
    UnrecognisedFormat,
    /// The header announces more pixels than allowed.
    #[error("image is {width}×{height} = {pixels} pixels, more than the limit of {limit}", pixels = *width as u64 * *height as u64)]
    TooManyPixels {
        /// Announced width.
        width: u32,
        /// Announced height.
        height: u32,
        /// The pixel limit in force.
        limit: u64,
    },
    /// The image crate's decoder refused the data. The decoder's error is
    /// part of the message rather than a `source`, so a report that prints
    /// the whole chain says it once.
    #[error("cannot decode {format} data: {error}")]
    Decode {
        /// The format the data was recognised as.
        format: &'static str,
        /// The decoder's error.
        error: image::ImageError,
    },
    /// The data breaks its format's rules or fails one of its checksums.
    #[error("damaged {format} data: {reason}")]
    Damaged {
        /// The format the data was recognised as.
        format: &'static str,
        /// What is wrong, one sentence.
        reason: String,
    },
    /// The JPEG file ends before its image does.
    #[error("truncated JPEG data ({0})")]
    TruncatedJpeg(&'static str),
    /// The JPEG scan holds invalid codes or stray markers.
    #[error("damaged JPEG data: {0}")]
    DamagedJpeg(String),
    /// Every pixel's alpha is below the threshold.
    #[error(
        "no pixel is opaque enough to count (every alpha is below the threshold of {threshold})"
    )]
    NoCountedPixels {
        /// The alpha threshold in force.
        threshold: u8,
    },
    /// There is nothing to extract a palette from (an empty histogram).
    #[error("no pixels to extract a palette from")]
    NoPixels,
    /// The number of colours asked for is outside `1..=MAX_K`.
    #[error("the number of colours must be between 1 and {max}, got {k}", max = crate::MAX_K)]
    InvalidK {
        /// The number asked for.
        k: usize,
    },
    /// A pixel buffer's length does not match its dimensions.
    #[error("a {width}×{height} buffer of {channels}-byte pixels needs {expected} bytes, got {len}", expected = *width as u64 * *height as u64 * *channels as u64)]
    BufferSize {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// Bytes per pixel.
        channels: usize,
        /// The buffer's length in bytes.
        len: usize,
    },
    /// A picture could not be drawn.
    #[error("cannot draw the {what}: {reason}")]
    Draw {
        /// Which picture.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
