//! The JSON record of one image's palette (schema 1): the one type scenepal
//! writes (`-f json`, JSON Lines in a batch) and reads back (golden files),
//! so other programs can parse scenepal's output with it too.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::auto_k::AutoK;
use crate::color::{to_hex, Rgb, Space};
use crate::exclude::Exclusion;
use crate::extract::{Algorithm, Options};
use crate::merge::{MergeSummary, MergeWeight};
use crate::palette::{Palette, SortOrder};

/// Version of the JSON layout; raised when a field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;
/// Decimals written for fractions: enough to tell 1 pixel in a megapixel.
pub const FRACTION_DECIMALS: usize = 6;
/// Decimals written for mse.
pub const MSE_DECIMALS: usize = 3;

/// One line of scenepal's JSON output: a palette, or an input that failed.
///
/// Reading tells the two apart by the `error` field.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
// Records are made and written one at a time: the size of the error
// variant's padding costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Record {
    /// An image's (or a merge's) palette.
    Palette(PaletteRecord),
    /// An input that could not be read.
    Error(ErrorRecord),
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Not `untagged`: its error ("matches no variant") would hide which
        // field of a palette record is wrong.
        let value = serde_json::Value::deserialize(d)?;
        let record = if value.get("error").is_some() {
            ErrorRecord::deserialize(value).map(Record::Error)
        } else {
            PaletteRecord::deserialize(value).map(Record::Palette)
        };
        record.map_err(serde::de::Error::custom)
    }
}

/// A palette with what it was made from and how.
///
/// scenepal always writes every field but `images` (merged palettes only) and
/// `width`/`height` (single images only). When reading, only `colors` and
/// each colour's `hex` are required, so a hand-written golden file may hold
/// just those.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaletteRecord {
    /// Layout version, [`SCHEMA_VERSION`].
    #[serde(default = "schema_version")]
    pub schema: u32,
    /// Input as named (`-` for stdin); null for a merged palette.
    #[serde(default)]
    pub path: Option<String>,
    /// For a merged palette: the number of images merged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<usize>,
    /// For a merged palette: `pixel` (every pixel counts once) or `image`
    /// (every image weighs the same; `count`-based shares follow weights).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_weight: Option<MergeWeight>,
    /// Image width in pixels (absent for a merged palette).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Image height in pixels (absent for a merged palette).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// For a frame of a video: its time in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<f64>,
    /// For a frame sampled by shot (or a shot's merged palette): the shot's
    /// span in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shot: Option<Shot>,
    /// For a frame of a sampled film: `--every` (seconds, or `shot`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<Every>,
    /// For a frame of a film sampled with `--frames`: their number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frames: Option<usize>,
    /// For a frame of a sampled film: `--start`, in seconds, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    /// For a frame of a sampled film: `--end`, in seconds, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
    /// For a frame of a film sampled by shot: `--shot-threshold`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shot_threshold: Option<f64>,
    /// The part of the image counted, when letterbox or pillarbox bars were
    /// left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crop: Option<crate::bars::Crop>,
    /// `false` when the palette was made from a reduced read of the image
    /// (`--fast`): its colours, fractions and mse describe those pixels;
    /// or, for a film's frame, when it is the keyframe at or before the
    /// sample times it stands for (`--fast`), its `time` the keyframe's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<bool>,
    /// With `exact` false: the reduction of each side (0.5, 0.25, 0.125).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// The colour profile the pixels were converted to sRGB from (an
    /// embedded ICC profile's name, or PNG's cICP or gAMA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color_profile: Option<String>,
    /// Colours whose pixels were left out of the counted pixels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<Exclusion>,
    /// Counted pixels (alpha at or above the threshold), of all merged
    /// images for a merged palette.
    #[serde(default)]
    pub pixels: u64,
    /// Number of colours asked for, or chosen (with `auto_k`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<usize>,
    /// With `-k auto`: the rule `k` was chosen by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_k: Option<AutoK>,
    /// `kmeans` or `bucket`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<Algorithm>,
    /// Clustering space: `oklab`, `lab` or `rgb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space: Option<Space>,
    /// k-means seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Order of `colors`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<SortOrder>,
    /// The palette.
    pub colors: Vec<ColorRecord>,
    /// Mean squared sRGB distance to the nearest palette colour.
    #[serde(default, serialize_with = "fixed::<MSE_DECIMALS, _>")]
    pub mse: f64,
}

/// One palette colour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColorRecord {
    /// `#rrggbb`.
    pub hex: String,
    /// `[r, g, b]`, 0-255.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rgb: Option<Rgb>,
    /// Share of counted pixels nearest to this colour.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "fixed_some::<FRACTION_DECIMALS, _>"
    )]
    pub fraction: Option<f64>,
    /// With `--names`: the nearest CSS colour name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The record of an input that failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorRecord {
    /// Input as named.
    #[serde(default)]
    pub path: Option<String>,
    /// Why it failed, one line.
    pub error: String,
}

/// The settings a palette was made with, as [`PaletteRecord`] holds them.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Number of colours asked for (`None`: chosen automatically).
    pub k: Option<usize>,
    /// The ceiling of automatic k.
    pub max_colors: Option<usize>,
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The clustering space.
    pub space: Space,
    /// The k-means seed.
    pub seed: u64,
    /// Colours left out of the counted pixels.
    pub exclude: Vec<Exclusion>,
}

impl Settings {
    /// The settings of `options` and `exclude` that decide the colours
    /// (not their order).
    pub fn of(options: &Options, exclude: &[Exclusion]) -> Self {
        Settings {
            k: (!options.auto_k).then_some(options.k),
            max_colors: options.auto_k.then_some(options.k),
            algorithm: options.algorithm,
            space: options.space,
            seed: options.seed,
            exclude: exclude.to_vec(),
        }
    }

    /// The settings as the options that give them.
    pub fn flags(&self) -> String {
        let mut text = match (self.k, self.max_colors) {
            (Some(k), _) => format!("-k {k}"),
            (None, Some(max)) => format!("-k auto --max-colors {max}"),
            (None, None) => "-k auto".to_owned(),
        };
        text += &format!(
            " --algorithm {} --space {} --seed {}",
            self.algorithm.name(),
            self.space.name(),
            self.seed
        );
        for e in &self.exclude {
            text += &format!(" --exclude {e}");
        }
        text
    }
}

impl PaletteRecord {
    /// The record of `palette`, made with `options` from the input named
    /// `path` (`None`: a merged palette, described by `merged`).
    pub fn new(
        path: Option<&str>,
        merged: Option<MergeSummary>,
        size: Option<(u32, u32)>,
        options: &Options,
        palette: &Palette,
    ) -> Self {
        PaletteRecord {
            schema: SCHEMA_VERSION,
            path: path.map(str::to_owned),
            images: merged.map(|m| m.images),
            merge_weight: merged.map(|m| m.weight),
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
            time: None,
            shot: None,
            every: None,
            frames: None,
            start: None,
            end: None,
            shot_threshold: None,
            crop: None,
            exact: None,
            scale: None,
            color_profile: None,
            exclude: Vec::new(),
            pixels: merged.map_or(palette.pixels, |m| m.pixels),
            // With automatic k, the number chosen.
            k: Some(match options.auto_k {
                true => palette.colors.len(),
                false => options.k,
            }),
            auto_k: options.auto_k.then(|| AutoK::new(options.k)),
            algorithm: Some(options.algorithm),
            space: Some(options.space),
            seed: Some(options.seed),
            sort: Some(options.sort),
            colors: palette
                .colors
                .iter()
                .map(|s| ColorRecord {
                    hex: to_hex(s.rgb),
                    rgb: Some(s.rgb),
                    fraction: Some(s.fraction),
                    name: None,
                })
                .collect(),
            mse: palette.mse,
        }
    }

    /// The settings the palette was made with, when the record holds them all.
    pub fn settings(&self) -> Option<Settings> {
        Some(Settings {
            k: match self.auto_k {
                Some(_) => None,
                None => Some(self.k?),
            },
            max_colors: self.auto_k.map(|a| a.max_colors),
            exclude: self.exclude.clone(),
            algorithm: self.algorithm?,
            space: self.space?,
            seed: self.seed?,
        })
    }

    /// How the film was sampled into this frame, when the record says.
    pub fn sampled(&self) -> Option<Sampled> {
        let sampled = Sampled {
            every: self.every.clone(),
            frames: self.frames,
            start: self.start,
            end: self.end,
            shot_threshold: self.shot_threshold,
        };
        (sampled != Sampled::default()).then_some(sampled)
    }

    /// Records how the film was sampled into this frame.
    pub fn set_sampled(&mut self, sampled: &Sampled) {
        self.every = sampled.every.clone();
        self.frames = sampled.frames;
        self.start = sampled.start;
        self.end = sampled.end;
        self.shot_threshold = sampled.shot_threshold;
    }
}

/// `every` in a frame's record: the seconds between sampled frames, or the
/// rule the frames were chosen by (`shot`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Every {
    /// One frame every this many seconds.
    Seconds(f64),
    /// A rule by name: `shot` (the middle frame of each shot).
    Rule(String),
}

/// How a film was sampled into frames, as each frame's record holds it
/// (what `--check` compares): the options given, `every` always unless
/// `--frames` replaced it, `shot_threshold` when frames follow shots.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sampled {
    /// `--every`.
    pub every: Option<Every>,
    /// `--frames`.
    pub frames: Option<usize>,
    /// `--start`, in seconds.
    pub start: Option<f64>,
    /// `--end`, in seconds.
    pub end: Option<f64>,
    /// `--shot-threshold`.
    pub shot_threshold: Option<f64>,
}

impl Sampled {
    /// The sampling as the options that give it (`--every 2s --start 1.5s`).
    pub fn flags(&self) -> String {
        let mut flags = Vec::new();
        match &self.every {
            Some(Every::Seconds(s)) => flags.push(format!("--every {s}s")),
            Some(Every::Rule(rule)) => flags.push(format!("--every {rule}")),
            None => {}
        }
        if let Some(n) = self.frames {
            flags.push(format!("--frames {n}"));
        }
        if let Some(s) = self.start {
            flags.push(format!("--start {s}s"));
        }
        if let Some(s) = self.end {
            flags.push(format!("--end {s}s"));
        }
        if let Some(t) = self.shot_threshold {
            flags.push(format!("--shot-threshold {t}"));
        }
        flags.join(" ")
    }
}

fn schema_version() -> u32 {
    SCHEMA_VERSION
}

/// A number written with exactly `D` decimals, so the bytes are stable
/// (non-finite values, which no palette has, as null).
fn fixed<const D: usize, S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
    let text = if value.is_finite() {
        format!("{:.*}", D, value)
    } else {
        "null".to_owned()
    };
    RawValue::from_string(text)
        .map_err(serde::ser::Error::custom)?
        .serialize(s)
}

fn fixed_some<const D: usize, S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => fixed::<D, S>(v, s),
        None => s.serialize_none(),
    }
}

/// A shot's span in a film, in seconds: from its first frame's time to the
/// next shot's first frame (or the film's end).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shot {
    /// When the shot starts.
    pub start: f64,
    /// When it ends.
    pub end: f64,
}

impl From<crate::video::ShotSpan> for Shot {
    fn from(span: crate::video::ShotSpan) -> Shot {
        Shot {
            start: span.start_ms as f64 / 1000.0,
            end: span.end_ms as f64 / 1000.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::palette::Swatch;

    fn palette() -> Palette {
        Palette {
            colors: vec![Swatch {
                rgb: [200, 0, 0],
                count: 3,
                fraction: 0.75,
            }],
            pixels: 4,
            mse: 1.0 / 3.0,
        }
    }

    #[test]
    fn records_round_trip_with_fixed_decimals() {
        let record = PaletteRecord::new(
            Some("a.png"),
            None,
            Some((2, 2)),
            &Options::default(),
            &palette(),
        );
        let json = serde_json::to_string(&Record::Palette(record.clone())).unwrap();
        assert_eq!(
            json,
            r##"{"schema":1,"path":"a.png","width":2,"height":2,"pixels":4,"k":10,"algorithm":"kmeans","space":"oklab","seed":42,"sort":"hue","colors":[{"hex":"#c80000","rgb":[200,0,0],"fraction":0.750000}],"mse":0.333}"##
        );
        let back: Record = serde_json::from_str(&json).unwrap();
        let Record::Palette(back) = back else {
            panic!("{back:?}")
        };
        assert_eq!(
            back.settings(),
            Some(Settings::of(&Options::default(), &[]))
        );
        assert_eq!(back.colors, record.colors);
        assert_eq!(back.mse, 0.333);
    }

    #[test]
    fn error_records_and_minimal_palettes_are_read() {
        let e: Record = serde_json::from_str(r#"{"path":"b","error":"bad"}"#).unwrap();
        assert_eq!(
            e,
            Record::Error(ErrorRecord {
                path: Some("b".into()),
                error: "bad".into()
            })
        );
        let p: Record = serde_json::from_str(r##"{"colors":[{"hex":"#000000"}]}"##).unwrap();
        let Record::Palette(p) = p else { panic!() };
        assert_eq!(p.settings(), None);
        assert_eq!(p.colors[0].fraction, None);
        let err = serde_json::from_str::<Record>(r#"{"path":"c"}"#).unwrap_err();
        assert!(err.to_string().contains("colors"), "{err}");
    }
}
