//! Colour management: the colours a file declares (an embedded ICC profile in
//! JPEG, PNG, WebP or TIFF; PNG's cICP, sRGB, or gAMA with cHRM) are
//! converted to sRGB before anything is counted, so a palette holds the
//! colours a colour-managed viewer shows. The conversion is moxcms's
//! (pure Rust, the image crate's own CMS), relative colorimetric: colours
//! outside sRGB are clipped to its gamut, channel by channel, never wrapped.
//!
//! A profile that cannot be read or used is not an error: the pixels are
//! taken as sRGB (what browsers do), and the reason is given back as a
//! warning.

use std::io::Cursor;

use rayon::prelude::*;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use moxcms::{
    Chromaticity, CicpColorPrimaries, CicpProfile, ColorPrimaries, ColorProfile, DataColorSpace,
    Layout, MatrixCoefficients, ProfileText, RenderingIntent, ToneReprCurve,
    TransferCharacteristics, TransformOptions,
};

/// Pixels converted per work item.
const BLOCK_PX: usize = 1 << 16;

/// What colour management did to an image.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Managed {
    /// The name of the profile converted from, when the pixels were
    /// converted (an sRGB profile, or one that changes no colour, is not).
    pub profile: Option<String>,
    /// Why a declared profile was not used (the pixels are taken as sRGB).
    pub warning: Option<String>,
}

/// The colours a file declares, when it declares any.
enum Declared {
    Icc(Vec<u8>),
    Cicp(CicpProfile),
    /// PNG gAMA (the encoding exponent) and, maybe, cHRM (white, red, green,
    /// blue as x, y).
    Gamma(f64, Option<[(f64, f64); 4]>),
}

/// Converts `image` to sRGB from what `bytes` (its file, in `format`)
/// declares, in place.
pub fn manage(image: &mut DynamicImage, bytes: &[u8], format: ImageFormat) -> Managed {
    let declared = match declared(bytes, format) {
        Ok(Some(d)) => d,
        Ok(None) => return Managed::default(),
        Err(reason) => return warn(reason),
    };
    let (source, name) = match declared {
        Declared::Icc(data) => match ColorProfile::new_from_slice(&data) {
            Ok(p) => {
                let name = profile_name(&p);
                (p, name)
            }
            Err(e) => return warn(format!("its ICC profile cannot be read ({e})")),
        },
        Declared::Cicp(cicp) => {
            let profile = ColorProfile::new_from_cicp(cicp);
            if profile.red_trc.is_none() {
                return warn("its cICP code points name no colour space scenepal knows".into());
            }
            (profile, cicp_name(cicp))
        }
        Declared::Gamma(gamma, chromaticities) => {
            // A gAMA of 1/2.2 alone is how old encoders said "sRGB"; browsers
            // read it so.
            if chromaticities.is_none() && (gamma - 1.0 / 2.2).abs() < 0.001 {
                return Managed::default();
            }
            (
                gamma_profile(gamma, chromaticities),
                format!("gAMA {gamma:.5}"),
            )
        }
    };
    if source.color_space != DataColorSpace::Rgb {
        // A CMYK or gray profile describes data the decoder has already
        // turned into RGB or kept as gray: nothing to convert here.
        return Managed::default();
    }
    match convert(image, &source) {
        Ok(true) => Managed {
            profile: Some(name),
            warning: None,
        },
        Ok(false) => Managed::default(),
        Err(reason) => warn(reason),
    }
}

fn warn(reason: String) -> Managed {
    Managed {
        profile: None,
        warning: Some(format!("{reason}; its pixels are taken as sRGB")),
    }
}

/// Converts the pixels; false when the profile changes no colour by more
/// than rounding (an embedded sRGB profile), which leaves them as they are.
fn convert(image: &mut DynamicImage, source: &ColorProfile) -> Result<bool, String> {
    if matches!(
        image,
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageLumaA8(_)
    ) || matches!(
        image,
        DynamicImage::ImageLuma16(_) | DynamicImage::ImageLumaA16(_)
    ) {
        return Ok(false);
    }
    let options = TransformOptions {
        rendering_intent: RenderingIntent::RelativeColorimetric,
        ..TransformOptions::default()
    };
    let srgb = ColorProfile::new_srgb();
    let alpha = image.color().has_alpha();
    let layout = if alpha { Layout::Rgba } else { Layout::Rgb };
    let transform = source
        .create_transform_8bit(layout, &srgb, layout, options)
        .map_err(|e| format!("its colour profile cannot be applied ({e})"))?;
    // Probe a grid of colours: a profile that moves none by more than one
    // level is sRGB in all but name.
    let grid: Vec<u8> = (0..=255u16)
        .step_by(51)
        .flat_map(|r| {
            (0..=255u16)
                .step_by(51)
                .flat_map(move |g| (0..=255u16).step_by(51).map(move |b| [r, g, b]))
        })
        .flat_map(|c| {
            let rgb = c.map(|v| v as u8);
            if alpha {
                vec![rgb[0], rgb[1], rgb[2], 255]
            } else {
                rgb.to_vec()
            }
        })
        .collect();
    let mut probed = vec![0u8; grid.len()];
    transform
        .transform(&grid, &mut probed)
        .map_err(|e| format!("its colour profile cannot be applied ({e})"))?;
    if grid.iter().zip(&probed).all(|(a, b)| a.abs_diff(*b) <= 1) {
        return Ok(false);
    }
    // In place, a block at a time through a small copy: no second image.
    let channels = layout.channels();
    let mut pixels = match std::mem::take(image) {
        DynamicImage::ImageRgb8(rgb) if !alpha => DynamicImage::ImageRgb8(rgb),
        DynamicImage::ImageRgba8(rgba) if alpha => DynamicImage::ImageRgba8(rgba),
        other if alpha => DynamicImage::ImageRgba8(other.into_rgba8()),
        other => DynamicImage::ImageRgb8(other.into_rgb8()),
    };
    let raw: &mut [u8] = match &mut pixels {
        DynamicImage::ImageRgb8(rgb) => rgb,
        DynamicImage::ImageRgba8(rgba) => rgba,
        _ => unreachable!("made RGB or RGBA above"),
    };
    let failed = raw
        .par_chunks_mut(BLOCK_PX * channels)
        .map(|block| {
            let source = block.to_vec();
            transform.transform(&source, block).err()
        })
        .find_any(Option::is_some);
    *image = pixels;
    if let Some(Some(e)) = failed {
        return Err(format!("its colour profile cannot be applied ({e})"));
    }
    Ok(true)
}

/// What the file declares: an ICC profile first (it is the most precise),
/// then PNG's cICP, sRGB, gAMA and cHRM chunks.
fn declared(bytes: &[u8], format: ImageFormat) -> Result<Option<Declared>, String> {
    if format == ImageFormat::Png {
        let mut decoder = png::Decoder::new(Cursor::new(bytes));
        decoder.ignore_checksums(false);
        let reader = decoder
            .read_info()
            .map_err(|e| format!("its PNG colour chunks cannot be read ({e})"))?;
        let info = reader.info();
        if let Some(icc) = &info.icc_profile {
            return Ok(Some(Declared::Icc(icc.to_vec())));
        }
        if let Some(c) = info.coding_independent_code_points {
            let cicp = cicp_profile([
                c.color_primaries,
                c.transfer_function,
                c.matrix_coefficients,
                c.is_video_full_range_image as u8,
            ])
            .ok_or_else(|| "its cICP chunk names unknown code points".to_owned())?;
            return Ok(Some(Declared::Cicp(cicp)));
        }
        if info.srgb.is_some() {
            return Ok(None);
        }
        if let Some(gamma) = info.gama_chunk {
            let chrm = info.chrm_chunk.map(|c| {
                let xy = |p: (png::ScaledFloat, png::ScaledFloat)| {
                    (p.0.into_value() as f64, p.1.into_value() as f64)
                };
                [xy(c.white), xy(c.red), xy(c.green), xy(c.blue)]
            });
            return Ok(Some(Declared::Gamma(gamma.into_value() as f64, chrm)));
        }
        return Ok(None);
    }
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Tiff
    ) {
        return Ok(None);
    }
    let decoder = ImageReader::with_format(Cursor::new(bytes), format)
        .into_decoder()
        .map_err(|e| format!("its colour profile cannot be read ({e})"));
    match decoder?.icc_profile() {
        Ok(Some(icc)) => Ok(Some(Declared::Icc(icc))),
        Ok(None) => Ok(None),
        Err(e) => Err(format!("its colour profile cannot be read ({e})")),
    }
}

fn cicp_profile(code: [u8; 4]) -> Option<CicpProfile> {
    Some(CicpProfile {
        color_primaries: CicpColorPrimaries::try_from(code[0]).ok()?,
        transfer_characteristics: TransferCharacteristics::try_from(code[1]).ok()?,
        matrix_coefficients: MatrixCoefficients::try_from(code[2]).ok()?,
        full_range: code[3] != 0,
    })
}

fn cicp_name(c: CicpProfile) -> String {
    format!(
        "cICP {:?}/{:?}",
        c.color_primaries, c.transfer_characteristics
    )
}

/// An RGB profile from PNG's gAMA (and cHRM; sRGB's primaries without it).
fn gamma_profile(gamma: f64, chromaticities: Option<[(f64, f64); 4]>) -> ColorProfile {
    let mut profile = ColorProfile::new_srgb();
    if let Some([w, r, g, b]) = chromaticities {
        let white = Chromaticity::new(w.0 as f32, w.1 as f32).to_xyyb();
        let primaries = ColorPrimaries {
            red: Chromaticity::new(r.0 as f32, r.1 as f32),
            green: Chromaticity::new(g.0 as f32, g.1 as f32),
            blue: Chromaticity::new(b.0 as f32, b.1 as f32),
        };
        profile.update_rgb_colorimetry(white, primaries);
    }
    // gAMA holds the encoding exponent; the curve decodes.
    let curve = ToneReprCurve::Parametric(vec![(1.0 / gamma) as f32]);
    profile.red_trc = Some(curve.clone());
    profile.green_trc = Some(curve.clone());
    profile.blue_trc = Some(curve);
    profile.cicp = None;
    profile
}

/// The profile's description, in English when it has several.
fn profile_name(profile: &ColorProfile) -> String {
    let text = match &profile.description {
        Some(ProfileText::PlainString(s)) => Some(s.clone()),
        Some(ProfileText::Localizable(l)) => l
            .iter()
            .find(|s| s.language == "en")
            .or(l.first())
            .map(|s| s.value.clone()),
        Some(ProfileText::Description(d)) => Some(if d.ascii_string.is_empty() {
            d.unicode_string.clone()
        } else {
            d.ascii_string.clone()
        }),
        None => None,
    };
    let text = text.map(|t| t.trim_matches(char::from(0)).trim().to_owned());
    text.filter(|t| !t.is_empty())
        .unwrap_or_else(|| "unnamed ICC profile".to_owned())
}
