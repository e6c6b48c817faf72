//! The one table of formats scenepal reads: each format's name, how it is
//! recognised, its file name extensions and whether it is a still or a film.
//! Decoding, the directory walker, the help text and error messages all read
//! it, so a format is added in one place.

use image::ImageFormat;

/// Whether a format is read as a still image or as a film.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Decoded here.
    Image,
    /// Read through the ffmpeg program (see [`crate::video`]).
    Video,
}

/// How a format is recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signature {
    /// By its first bytes, as the image crate's `guess_format` names them.
    Content(ImageFormat),
    /// By its file name alone: the format has no signature (TGA).
    NameOnly(ImageFormat),
    /// By a film container's first bytes
    /// ([`is_video_header`](crate::video::is_video_header)).
    Container,
}

/// One format scenepal reads.
#[derive(Clone, Copy, Debug)]
pub struct FormatInfo {
    /// Its name in messages and help (`JPEG`).
    pub name: &'static str,
    /// Still or film.
    pub kind: Kind,
    /// How it is recognised.
    pub signature: Signature,
    /// File name extensions a directory walk takes (any case).
    pub extensions: &'static [&'static str],
}

/// Every format scenepal reads, stills first, in the order help lists them.
pub const FORMATS: &[FormatInfo] = &[
    image("JPEG", ImageFormat::Jpeg, &["jpg", "jpeg", "jpe", "jfif"]),
    image("PNG", ImageFormat::Png, &["png"]),
    image("WebP", ImageFormat::WebP, &["webp"]),
    image("GIF", ImageFormat::Gif, &["gif"]),
    image("BMP", ImageFormat::Bmp, &["bmp"]),
    image("TIFF", ImageFormat::Tiff, &["tif", "tiff"]),
    image("QOI", ImageFormat::Qoi, &["qoi"]),
    image(
        "PNM",
        ImageFormat::Pnm,
        &["pnm", "pbm", "pgm", "ppm", "pam"],
    ),
    FormatInfo {
        name: "TGA",
        kind: Kind::Image,
        signature: Signature::NameOnly(ImageFormat::Tga),
        extensions: &["tga"],
    },
    FormatInfo {
        name: "film",
        kind: Kind::Video,
        signature: Signature::Container,
        extensions: &[
            "mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "m2ts", "mts", "flv",
            "ogv", "wmv", "asf",
        ],
    },
];

const fn image(
    name: &'static str,
    format: ImageFormat,
    extensions: &'static [&'static str],
) -> FormatInfo {
    FormatInfo {
        name,
        kind: Kind::Image,
        signature: Signature::Content(format),
        extensions,
    }
}

impl FormatInfo {
    /// The image crate's format, for a still.
    pub fn image_format(&self) -> Option<ImageFormat> {
        match self.signature {
            Signature::Content(f) | Signature::NameOnly(f) => Some(f),
            Signature::Container => None,
        }
    }
}

/// The still formats' row for the image crate's `format`, if scenepal reads it.
pub fn image_format_info(format: ImageFormat) -> Option<&'static FormatInfo> {
    FORMATS.iter().find(|f| f.image_format() == Some(format))
}

/// The still formats' names as a list: `JPEG, PNG, … or TGA` (`joiner`
/// before the last).
pub fn image_names(joiner: &str) -> String {
    let names: Vec<&str> = FORMATS
        .iter()
        .filter(|f| f.kind == Kind::Image)
        .map(|f| f.name)
        .collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{}{joiner}{last}", rest.join(", ")),
        None => String::new(),
    }
}

/// True when a file name's extension (any case) is one of a format's.
pub fn has_known_extension(extension: &str) -> bool {
    FORMATS
        .iter()
        .flat_map(|f| f.extensions)
        .any(|x| x.eq_ignore_ascii_case(extension))
}

/// The format a file name's `extension` (any case) marks, for a format
/// recognised by name only.
pub fn name_only_format(extension: &str) -> Option<ImageFormat> {
    FORMATS.iter().find_map(|f| match f.signature {
        Signature::NameOnly(format)
            if f.extensions
                .iter()
                .any(|x| x.eq_ignore_ascii_case(extension)) =>
        {
            Some(format)
        }
        _ => None,
    })
}

/// The names of the still formats recognised by name only (`TGA`).
pub fn name_only_names() -> Vec<&'static str> {
    FORMATS
        .iter()
        .filter(|f| matches!(f.signature, Signature::NameOnly(_)))
        .map(|f| f.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_extensions_come_from_the_table() {
        assert_eq!(
            image_names(" or "),
            "JPEG, PNG, WebP, GIF, BMP, TIFF, QOI, PNM or TGA"
        );
        assert!(has_known_extension("JPG") && has_known_extension("mkv"));
        assert!(!has_known_extension("txt"));
        assert_eq!(name_only_format("TGA"), Some(ImageFormat::Tga));
        assert_eq!(name_only_format("png"), None);
        assert_eq!(name_only_names(), ["TGA"]);
        assert_eq!(image_format_info(ImageFormat::Pnm).unwrap().name, "PNM");
        assert!(image_format_info(ImageFormat::Avif).is_none());
    }
}
