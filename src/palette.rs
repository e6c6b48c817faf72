//! The palette: the result types and their sort orders.

use crate::color::{cmp_hue, cmp_lightness, Rgb};

/// One palette colour and the share of the image nearest to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Swatch {
    /// The colour, 8-bit sRGB.
    pub rgb: Rgb,
    /// Counted pixels nearest to this colour (in the clustering space).
    pub count: u64,
    /// `count` / all counted pixels.
    pub fraction: f64,
}

/// The result of an extraction.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    /// The colours, in the requested order.
    pub colors: Vec<Swatch>,
    /// Counted pixels (those that passed the alpha threshold).
    pub pixels: u64,
    /// Mean over counted pixels of the squared distance to the nearest palette
    /// colour, in sRGB 0..255 units summed over R, G and B.
    pub mse: f64,
}

/// The order colours are listed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum SortOrder {
    /// By HSL hue from red through green and blue; greys after, dark to light.
    Hue,
    /// From dark to light (Oklab L).
    Lightness,
    /// Largest share of the image first.
    Frequency,
    /// As the algorithm produced them.
    None,
}

impl SortOrder {
    /// The lowercase name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            SortOrder::Hue => "hue",
            SortOrder::Lightness => "lightness",
            SortOrder::Frequency => "frequency",
            SortOrder::None => "none",
        }
    }
}

/// Puts the palette in the requested order (total and deterministic).
pub fn sort_palette(palette: &mut Palette, order: SortOrder) {
    match order {
        SortOrder::Hue => palette.colors.sort_by(|a, b| cmp_hue(a.rgb, b.rgb)),
        SortOrder::Lightness => palette.colors.sort_by(|a, b| cmp_lightness(a.rgb, b.rgb)),
        SortOrder::Frequency => palette
            .colors
            .sort_by(|a, b| b.count.cmp(&a.count).then(cmp_hue(a.rgb, b.rgb))),
        SortOrder::None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn swatch(rgb: Rgb, count: u64) -> Swatch {
        Swatch {
            rgb,
            count,
            fraction: count as f64 / 10.0,
        }
    }

    #[test]
    fn frequency_order_breaks_ties_by_hue() {
        let mut p = Palette {
            colors: vec![
                swatch([255, 255, 255], 2),
                swatch([10, 0, 0], 2),
                swatch([0, 0, 0], 6),
            ],
            pixels: 10,
            mse: 0.0,
        };
        sort_palette(&mut p, SortOrder::Frequency);
        let order: Vec<Rgb> = p.colors.iter().map(|s| s.rgb).collect();
        assert_eq!(order, vec![[0, 0, 0], [10, 0, 0], [255, 255, 255]]);
    }

    #[test]
    fn sort_names_are_the_serialised_names() {
        for order in [
            SortOrder::Hue,
            SortOrder::Lightness,
            SortOrder::Frequency,
            SortOrder::None,
        ] {
            let json = serde_json::to_string(&order).unwrap();
            assert_eq!(json, format!("\"{}\"", order.name()));
        }
    }
}
