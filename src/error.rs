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
        "not a recognised image (expected {} data)",
        crate::decode::formats::image_names(" or ")
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
    #[error("cannot decode {format} data: {}", sentence(&error.to_string()))]
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
    /// Every counted pixel's colour is excluded.
    #[error("every pixel is of an excluded colour")]
    AllExcluded,
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
    /// A merged-histogram document cannot be used.
    #[error("{0}")]
    Histogram(String),
    /// A picture could not be drawn.
    #[error("cannot draw the {what}: {reason}")]
    Draw {
        /// Which picture.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

/// A decoder's message as one short sentence: the decoders' own prefixes,
/// quotes and debug structures removed, and the several ways they say "the
/// data ends early" said one way.
pub(crate) fn sentence(text: &str) -> String {
    let mut text = text.lines().next().unwrap_or("").trim();
    if let Some(rest) = text.strip_prefix("Format error decoding ") {
        text = rest.split_once(": ").map_or("", |(_, why)| why);
    }
    for prefix in ["i/o error: ", "I/O error: ", "IoError: "] {
        text = text.strip_prefix(prefix).unwrap_or(text);
    }
    let text = text.trim_matches('"').trim_end_matches('.');
    let lower = text.to_lowercase();
    let truncated = [
        "failed to fill whole buffer",
        "unexpected end of file",
        "image truncated",
        "not have enough data",
    ];
    if truncated.iter().any(|t| lower.contains(t)) {
        return "the file ends before the image does (truncated)".to_owned();
    }
    // Debug output of a decoder's structures: keep the words before it.
    let cut = match (text.find('{'), text.find(['(', '['])) {
        (Some(brace), _) => Some(brace),
        (None, Some(open)) if text.len() > 120 => Some(open),
        _ => None,
    };
    let words = cut.map_or(text, |i| text[..i].trim_end());
    let words = if words.is_empty() {
        "the data breaks the format's rules"
    } else {
        words
    };
    // A capital that only starts the sentence is lowered; a name (IDAT,
    // JPEG) keeps its case.
    let mut chars = words.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => first
            .to_lowercase()
            .chain(words[first.len_utf8()..].chars())
            .collect(),
        _ => words.to_owned(),
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::sentence;

    #[test]
    fn decoder_messages_become_short_sentences() {
        let cases = [
            (
                "Format error decoding WebP: Corrupt bitstream",
                "corrupt bitstream",
            ),
            (
                "failed to fill whole buffer",
                "the file ends before the image does (truncated)",
            ),
            (
                "Format error decoding Qoi: i/o error: failed to fill whole buffer",
                "the file ends before the image does (truncated)",
            ),
            (
                "\"Bad Huffman Code 0xFFEC, corrupt JPEG\"",
                "bad Huffman Code 0xFFEC, corrupt JPEG",
            ),
            ("Unknown filter method 255.", "unknown filter method 255"),
            (
                "Format error decoding Tiff",
                "the data breaks the format's rules",
            ),
            ("IDAT chunk is too short", "IDAT chunk is too short"),
            (
                "invalid chunk ChunkType { type: IHDR, critical: true }",
                "invalid chunk ChunkType",
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(sentence(raw), want, "{raw}");
        }
        let long = format!("unsupported tags ({})", "Tag(1), ".repeat(200));
        assert_eq!(sentence(&long), "unsupported tags");
    }
}
