//! The HTML gallery: one self-contained page with every still and its
//! palette (slideshow and overview), the merged palette and barcode, and a
//! pixel cloud to turn. The page is a template with its CSS and JS pulled in
//! at build time; the data is one JSON document inside it, with every `<`
//! escaped so no file name can close the script or open a tag.

use base64::Engine;
use image::RgbImage;
use serde::Serialize;

use crate::color::{to_hex, Rgb};
use crate::merge::{MergeSummary, MergeWeight};
use crate::palette::Palette;
use crate::record::Shot;

/// Default width of the stills' thumbnails.
pub const DEFAULT_HTML_WIDTH_PX: u32 = 1000;
/// Pixels of each still drawn in the cloud.
pub const HTML_SAMPLE_PX: usize = 3000;
/// JPEG quality of the embedded thumbnails.
const THUMBNAIL_QUALITY: u8 = 82;

const TEMPLATE: &str = include_str!("html/gallery.html");
const CSS: &str = include_str!("html/gallery.css");
const JS: &str = include_str!("html/gallery.js");

/// How the stills' pictures reach the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum HtmlImages {
    /// JPEG thumbnails inside the page: one file that works anywhere.
    Embed,
    /// Links to the image files, relative to the page: small pages for
    /// hundreds of stills (keep the page beside its images).
    Link,
}

/// Everything the page shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Gallery {
    /// One entry per input, in input order.
    pub stills: Vec<GalleryStill>,
    /// The palette of all stills together (with `--merge`).
    pub merged: Option<GalleryMerged>,
    /// The movie barcode as a `data:` URI (with more than one still).
    pub barcode: Option<String>,
}

/// One still on the page.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct GalleryStill {
    /// The input as named.
    pub name: String,
    /// Width in pixels (absent when the input failed).
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// A `data:` URI or a relative URL; absent when the input failed.
    pub image: Option<String>,
    /// The palette as (hex, share), in palette order.
    pub palette: Vec<(String, f64)>,
    /// The cloud's pixels: RGB bytes, base64.
    pub sample: String,
    /// Why the input could not be read.
    pub error: Option<String>,
    /// A film frame's time in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<f64>,
    /// The span of the shot a film frame stands for, in seconds (with
    /// `--every shot`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shot: Option<Shot>,
}

/// The merged palette on the page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GalleryMerged {
    /// Stills merged.
    pub images: usize,
    /// How each still counted.
    pub weight: MergeWeight,
    /// The palette as (hex, share).
    pub palette: Vec<(String, f64)>,
}

/// A palette as the page lists it: hex codes and shares (six decimals, so
/// the page's bytes do not depend on float printing beyond that).
pub fn palette_entries(palette: &Palette) -> Vec<(String, f64)> {
    palette
        .colors
        .iter()
        .map(|s| (to_hex(s.rgb), (s.fraction * 1e6).round() / 1e6))
        .collect()
}

impl GalleryMerged {
    /// The merged palette and what it was made from.
    pub fn new(palette: &Palette, summary: MergeSummary) -> Self {
        GalleryMerged {
            images: summary.images,
            weight: summary.weight,
            palette: palette_entries(palette),
        }
    }
}

/// Pixels packed as base64 RGB bytes (a third of the size of JSON numbers).
pub fn encode_sample(sample: &[Rgb]) -> String {
    let bytes: Vec<u8> = sample.iter().flatten().copied().collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A thumbnail as JPEG bytes, at the page's quality.
pub fn encode_jpeg(picture: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, THUMBNAIL_QUALITY);
    // Encoding into memory cannot fail for an RGB8 picture within JPEG's size.
    if picture.write_with_encoder(encoder).is_err() {
        bytes.clear();
    }
    bytes
}

/// A picture as a `data:image/jpeg` URI.
pub fn jpeg_data_uri(picture: &RgbImage) -> String {
    let bytes = encode_jpeg(picture);
    if bytes.is_empty() {
        return String::new();
    }
    format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// A picture as a `data:image/png` URI.
pub fn png_data_uri(picture: &image::DynamicImage) -> String {
    let mut bytes = Vec::new();
    if super::encode_png(picture, &mut bytes).is_err() {
        return String::new();
    }
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// The page.
pub fn render_gallery(gallery: &Gallery) -> String {
    // serde_json escapes quotes and control characters; `<` is escaped too,
    // so neither `</script>` nor `<!--` can appear inside the script element.
    let json = serde_json::to_string(gallery)
        .unwrap_or_else(|_| "{\"stills\":[]}".to_owned())
        .replace('<', "\\u003c");
    TEMPLATE
        .replace("/*CSS*/", CSS)
        .replace("/*JS*/", JS)
        .replacen("/*DATA*/", &json, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_name_cannot_leave_the_data_script() {
        let gallery = Gallery {
            stills: vec![GalleryStill {
                name: "</script><img src=x onerror=alert(1)>.jpg".to_owned(),
                ..GalleryStill::default()
            }],
            ..Gallery::default()
        };
        let page = render_gallery(&gallery);
        let data_start = page.find("id=\"gallery-data\">").unwrap();
        let data_end = data_start + page[data_start..].find("</script>").unwrap();
        let data = &page[data_start + "id=\"gallery-data\">".len()..data_end];
        assert!(!data.contains('<'), "{data}");
        let back: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(
            back["stills"][0]["name"],
            "</script><img src=x onerror=alert(1)>.jpg"
        );
        assert!(!page.contains("<img src=x"));
    }

    #[test]
    fn samples_pack_three_bytes_a_pixel() {
        assert_eq!(encode_sample(&[[0, 0, 0], [255, 255, 255]]), "AAAA////");
    }

    #[test]
    fn the_page_needs_nothing_from_the_network() {
        let page = render_gallery(&Gallery::default());
        for needle in ["http://", "https://", "@import", "src=\"//"] {
            assert!(!page.contains(needle), "{needle}");
        }
    }
}
