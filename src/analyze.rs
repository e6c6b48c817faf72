//! The library's one analysis call: a loaded image (a file, bytes in memory
//! or a video frame) and a [`Recipe`] to everything a consumer needs, its
//! palette, its colour bins for a merge, the part counted, its mean colour
//! and the counted pixels for pictures. Bar trimming, exclusions and a
//! reduced read's weighting are applied here, in this order, so that every
//! caller gets the same policy.

use crate::bars::{find_bars, Crop};
use crate::bins::Bins;
use crate::color::Rgb;
use crate::error::Result;
use crate::exclude::{Exclusion, ExclusionSet};
use crate::extract::{extract_palette, extract_palette_with_bins, Algorithm, Options};
use crate::palette::Palette;
use crate::pixels::{LoadedImage, PixelBuffer};

/// When letterbox and pillarbox bars (uniform bands on opposite edges) are
/// left out of the counted pixels.
/// By default, video frames only ([`LoadedImage::video_frame`]): a film's
/// bars are not its colours, a still's uniform border may be its picture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum TrimBars {
    /// In video frames only.
    #[default]
    Auto,
    /// In every image.
    Always,
    /// Never: every pixel counts.
    Never,
}

/// What an analysis computes besides what it always gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wants {
    /// The image's palette.
    pub palette: bool,
    /// Its colour bins, for a merge ([`MergedHistogram::add`](crate::MergedHistogram::add)).
    pub bins: bool,
    /// Its mean colour (a movie barcode's column).
    pub mean: bool,
}

impl Default for Wants {
    /// The palette only.
    fn default() -> Self {
        Wants {
            palette: true,
            bins: false,
            mean: false,
        }
    }
}

/// How an image is analysed: the extraction options, the colours left out,
/// the bar policy and what is wanted. Built once for many images (the
/// exclusions' colour set is made here, not per image).
#[derive(Clone, Debug, Default)]
pub struct Recipe {
    /// Number of colours (or auto), algorithm, space, seed, sort.
    pub options: Options,
    /// When bars are left out.
    pub trim_bars: TrimBars,
    /// What is computed.
    pub wants: Wants,
    exclude: Vec<Exclusion>,
    excluded: Option<ExclusionSet>,
}

impl Recipe {
    /// A recipe with these extraction options, the default bar policy,
    /// no exclusions, wanting the palette only.
    pub fn new(options: Options) -> Self {
        Recipe {
            options,
            ..Recipe::default()
        }
    }

    /// The same recipe with this bar policy.
    pub fn with_trim_bars(mut self, trim_bars: TrimBars) -> Self {
        self.trim_bars = trim_bars;
        self
    }

    /// The same recipe computing `wants`.
    pub fn with_wants(mut self, wants: Wants) -> Self {
        self.wants = wants;
        self
    }

    /// Leaves pixels near these colours out of the counted pixels.
    pub fn with_exclusions(mut self, exclude: Vec<Exclusion>) -> Self {
        self.excluded = (!exclude.is_empty()).then(|| ExclusionSet::new(&exclude));
        self.exclude = exclude;
        self
    }

    /// The colours left out, as given.
    pub fn exclusions(&self) -> &[Exclusion] {
        &self.exclude
    }

    /// Analyses one image.
    ///
    /// A reduced read ([`LoadedImage::step`] over 1) is accounted for here:
    /// the crop is given in the file's pixels and each bin counts a read
    /// pixel `step`² times, since it stands for that block of the image.
    ///
    /// # Errors
    /// [`Error::AllExcluded`](crate::Error::AllExcluded) when the exclusions
    /// leave no pixel, and the errors of [`extract_palette`].
    pub fn analyze(&self, image: LoadedImage) -> Result<Analysis> {
        self.analyze_wanting(image, self.wants)
    }

    /// Analyses one image computing `wants` instead of the recipe's own
    /// (a still among films whose frames are only merged still wants its
    /// palette).
    ///
    /// # Errors
    /// As [`Recipe::analyze`].
    pub fn analyze_wanting(&self, image: LoadedImage, wants: Wants) -> Result<Analysis> {
        let LoadedImage {
            width,
            height,
            pixels,
            preview,
            managed,
            step,
            video_frame,
        } = image;
        let trim = match self.trim_bars {
            TrimBars::Always => true,
            TrimBars::Auto => video_frame,
            TrimBars::Never => false,
        };
        let crop = if trim { find_bars(&pixels) } else { None };
        let pixels = match crop {
            Some(crop) => pixels.crop(crop),
            None => pixels,
        };
        let pixels = match &self.excluded {
            Some(set) => pixels.exclude(set)?,
            None => pixels,
        };
        // Bins serve k-means and the merge; the bucket algorithm does without.
        let kmeans = self.options.algorithm == Algorithm::Kmeans;
        let bins = (wants.bins || (wants.palette && kmeans)).then(|| Bins::of(&pixels));
        let palette = match (wants.palette, &bins) {
            (false, _) => None,
            (true, Some(bins)) => Some(extract_palette_with_bins(&pixels, bins, &self.options)?),
            (true, None) => Some(extract_palette(&pixels, &self.options)?),
        };
        Ok(Analysis {
            width,
            height,
            step,
            crop: crop.map(|c| c.scaled(step, width, height)),
            managed,
            palette,
            bins: bins.filter(|_| wants.bins).map(|b| weighted(b, step)),
            mean: wants.mean.then(|| pixels.mean_color()),
            pixels,
            preview,
        })
    }
}

/// A reduced read's bins, each read pixel counted for the `step` × `step`
/// block of the image it stands for.
fn weighted(bins: Bins, step: u32) -> Bins {
    bins.weighted(step as u64 * step as u64)
}

/// Everything one image's analysis gives.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The image's width in the file's pixels.
    pub width: u32,
    /// Its height.
    pub height: u32,
    /// 1, or the reduction of a reduced read (one pixel per `step` × `step`).
    pub step: u32,
    /// The part counted when bars were left out, in the file's pixels.
    pub crop: Option<Crop>,
    /// What colour management did.
    pub managed: crate::manage::Managed,
    /// The palette ([`Wants::palette`]).
    pub palette: Option<Palette>,
    /// The colour bins for a merge, weighted by the read's step
    /// ([`Wants::bins`]).
    pub bins: Option<Bins>,
    /// The counted pixels' mean colour ([`Wants::mean`]).
    pub mean: Option<Rgb>,
    /// The counted pixels (bars cut off, excluded colours transparent), for
    /// thumbnails and pixel samples.
    pub pixels: PixelBuffer,
    /// The image scaled for a swatch card, when it was loaded with one.
    pub preview: Option<image::RgbImage>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An 8×8 frame: black bars top and bottom, a red left and a blue right half.
    fn letterboxed() -> Vec<u8> {
        let mut raw = Vec::new();
        for y in 0..8 {
            for x in 0..8 {
                raw.extend(match (y, x) {
                    (0 | 7, _) => [0, 0, 0],
                    (_, 0..4) => [200, 0, 0],
                    _ => [0, 0, 200],
                });
            }
        }
        raw
    }

    fn recipe(trim_bars: TrimBars) -> Recipe {
        let options = Options {
            k: 3,
            ..Options::default()
        };
        Recipe::new(options)
            .with_trim_bars(trim_bars)
            .with_wants(Wants {
                palette: true,
                bins: true,
                mean: true,
            })
    }

    #[test]
    fn bars_are_trimmed_in_frames_by_default_and_everywhere_when_asked() {
        let still = LoadedImage::from_rgb8(letterboxed(), 8, 8).unwrap();
        let frame = still.clone().as_video_frame();
        let kept = Crop {
            x: 0,
            y: 1,
            width: 8,
            height: 6,
        };
        let auto = recipe(TrimBars::Auto);
        assert_eq!(auto.analyze(still.clone()).unwrap().crop, None);
        let a = auto.analyze(frame.clone()).unwrap();
        assert_eq!(a.crop, Some(kept));
        assert_eq!(a.palette.unwrap().colors.len(), 2);
        assert_eq!(a.mean, Some([100, 0, 100]));
        assert_eq!(a.bins.unwrap().total, 48);
        assert_eq!(
            recipe(TrimBars::Always).analyze(still).unwrap().crop,
            Some(kept)
        );
        assert_eq!(recipe(TrimBars::Never).analyze(frame).unwrap().crop, None);
    }

    #[test]
    fn a_reduced_read_scales_the_crop_and_weighs_each_pixel_for_its_block() {
        let mut image = LoadedImage::from_rgb8(letterboxed(), 8, 8)
            .unwrap()
            .as_video_frame();
        // As if read at one pixel in 4×4 of a 32×32 file.
        image.step = 4;
        image.width = 32;
        image.height = 32;
        let a = recipe(TrimBars::Auto).analyze(image).unwrap();
        assert_eq!(
            a.crop,
            Some(Crop {
                x: 0,
                y: 4,
                width: 32,
                height: 24
            })
        );
        assert_eq!(a.bins.unwrap().total, 48 * 16);
        assert_eq!(a.palette.unwrap().colors[0].fraction, 0.5);
    }

    #[test]
    fn exclusions_leave_pixels_out_and_bins_only_when_wanted() {
        let image = LoadedImage::from_rgb8(letterboxed(), 8, 8).unwrap();
        let recipe = Recipe::new(Options::default())
            .with_exclusions(vec!["black".parse().unwrap(), "#0000c8".parse().unwrap()]);
        let a = recipe.analyze(image.clone()).unwrap();
        let palette = a.palette.unwrap();
        assert_eq!(palette.colors.len(), 1);
        assert_eq!(palette.colors[0].rgb, [200, 0, 0]);
        assert!(a.bins.is_none() && a.mean.is_none());
        let all = Recipe::new(Options::default()).with_exclusions(vec![
            "#c80000:30".parse().unwrap(),
            "#0000c8:30".parse().unwrap(),
            "black".parse().unwrap(),
        ]);
        assert!(matches!(all.analyze(image), Err(crate::Error::AllExcluded)));
    }
}
