//! The command line as clap sees it: the option struct, its help and man
//! text. Values are parsed in `values`; what the options mean together is
//! decided in `config`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::LazyLock;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};

use super::budget::{parse_bytes, DEFAULT_MAX_MEMORY};
use super::check::{DEFAULT_FRACTION_TOLERANCE, DEFAULT_TOLERANCE_DE};
use super::input::MAX_BYTES_DEFAULT;
use super::values::{
    colors_words, every_words, exclude_words, parse_alpha, parse_colors, parse_duration_ms,
    parse_every, parse_exclusion, parse_fraction, parse_frames, parse_html_width, parse_k,
    parse_picture_side, parse_positive, parse_seed, parse_swatch_width, parse_threads,
    parse_timeout, parse_tolerance, with_words, ColorChoice, Colors, Every,
};
use scenepal::decode::formats::{image_names, Signature, FORMATS};
use scenepal::output::barcode::{BarcodeStyle, BARCODE_HEIGHT_PX};
use scenepal::output::html::{HtmlImages, DEFAULT_HTML_WIDTH_PX};
use scenepal::output::swatch::{SwatchStyle, DEFAULT_SWATCH_WIDTH_PX};
use scenepal::output::Format;
use scenepal::video::DEFAULT_SHOT_THRESHOLD;
use scenepal::MAX_PIXELS_DEFAULT;
use scenepal::{
    Algorithm, Exclusion, MergeWeight, SortOrder, Space, TrimBars, DEFAULT_ALPHA_THRESHOLD,
    DEFAULT_K, DEFAULT_SEED,
};

/// Print the k colours that best represent an image.
///
/// The image's pixels are clustered with k-means (or cut into k hue-ordered
/// groups) and the palette is printed, one colour per line, sorted by hue.
/// Output is deterministic: the same input and options give the same bytes,
/// whatever the number of threads. If the image has k or fewer distinct
/// colours, exactly those colours are printed.
///
/// With several images or a directory, each image's palette is one record
/// (path, a tab, the hex codes; a JSON Lines object; or CSV rows led by the
/// path), printed in input order while the images are processed in parallel.
#[derive(Debug, Parser)]
#[command(
    name = "scenepal",
    version,
    max_term_width = 100,
    override_usage = "scenepal [-k N] [-a ALGORITHM] [-s SORT] [-f FORMAT] [OPTIONS] IMAGE...\n       \
                      scenepal [OPTIONS] --files-from FILE [IMAGE]...",
    after_long_help = long_help_sections()
)]
pub struct Cli {
    // The help names the formats of the formats' table: see `INPUTS_HELP`.
    #[arg(value_name = "IMAGE", help = INPUTS_HELP.0.as_str(), long_help = INPUTS_HELP.1.as_str())]
    pub inputs: Vec<PathBuf>,

    /// Number of colours in the palette (1-256), or auto.
    ///
    /// auto chooses it per image, up to --max-colors: the palette of that
    /// many colours is made, its colours closer than ΔE2000 11 are merged,
    /// and those under 1% of the pixels join their nearest; the palette is
    /// then that of the number left (exactly what -k with that number
    /// gives). JSON gives the chosen "k" and the rule as "auto_k".
    #[arg(short = 'k', long = "colors", value_name = "N", default_value_t = Colors::Fixed(DEFAULT_K),
          value_parser = with_words(parse_colors, colors_words), hide_possible_values = true,
          allow_negative_numbers = true, help_heading = "Palette")]
    pub colors: Colors,

    /// The most colours -k auto may choose (1-256; default 16).
    #[arg(long, value_name = "N", value_parser = parse_k, allow_negative_numbers = true,
          help_heading = "Palette")]
    pub max_colors: Option<usize>,

    /// How the palette is found.
    #[arg(short, long, value_enum, ignore_case = true, default_value_t = Algorithm::Kmeans,
          help_heading = "Palette")]
    pub algorithm: Algorithm,

    /// Order of the colours.
    #[arg(short, long, value_enum, ignore_case = true, default_value_t = SortOrder::Hue,
          help_heading = "Palette")]
    pub sort: SortOrder,

    /// Colour space for clustering and for assigning pixels to colours.
    #[arg(long, value_enum, ignore_case = true, default_value_t = Space::Oklab,
          help_heading = "Palette")]
    pub space: Space,

    /// Seed of the k-means++ initialisation.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED, value_parser = parse_seed,
          allow_negative_numbers = true, help_heading = "Palette")]
    pub seed: u64,

    /// Pixels with alpha below this (0-255) are not counted.
    #[arg(long, value_name = "ALPHA", default_value_t = DEFAULT_ALPHA_THRESHOLD,
          value_parser = parse_alpha, allow_negative_numbers = true, help_heading = "Palette")]
    pub alpha_threshold: u8,

    /// Leave pixels of this colour out of the counted pixels (repeatable).
    ///
    /// COLOR is #rrggbb, #rgb or a CSS colour name; pixels within ΔE
    /// (CIEDE2000, default 8, at most 30) of it are left out, as transparent
    /// pixels are: --exclude white for a product shot's background,
    /// --exclude black:3 for a matte. JSON records them as "exclude".
    #[arg(long, value_name = "COLOR[:ΔE]", value_parser = with_words(parse_exclusion, exclude_words),
          hide_possible_values = true, help_heading = "Palette")]
    pub exclude: Vec<Exclusion>,

    /// Leave letterbox and pillarbox bars (uniform bands on opposite edges)
    /// out of the counted pixels: auto (video frames only), always, never.
    ///
    /// The value is required (--trim-bars never film.mp4 reads film.mp4
    /// untrimmed). The default trims video frames only: a film's bars are
    /// not its colours, but a still's uniform border may well be its
    /// picture. JSON gives the kept part as "crop".
    #[arg(long, value_enum, ignore_case = true, value_name = "WHEN",
          default_value_t = TrimBars::Auto, help_heading = "Palette")]
    pub trim_bars: TrimBars,

    /// Estimate from a reduced read of each large image (of a film: its
    /// keyframes only), for speed.
    ///
    /// A JPEG is decoded at 1/2, 1/4 or 1/8 of each side through reduced
    /// inverse DCTs (each pixel the mean of its block), any other image
    /// decoded whole and read at one pixel in 2×2, 4×4 or 8×8: the largest
    /// reduction keeping 65,536 pixels (images smaller than that are read
    /// whole). Palette, fractions and mse describe those pixels; JSON says
    /// "exact": false and the "scale". A film is read keyframes only: each
    /// sample time takes the nearest keyframe at or before it, once, named
    /// by its own time ("exact": false), a large keyframe reduced as an
    /// image is.
    #[arg(long, help_heading = "Palette")]
    pub fast: bool,

    /// Take pixel values as sRGB whatever the file declares.
    ///
    /// By default an embedded ICC profile (JPEG, PNG, WebP, TIFF) or PNG's
    /// cICP or gAMA/cHRM is honoured: pixels are converted to sRGB first, so
    /// the palette holds the colours a colour-managed viewer shows (JSON
    /// names the profile as "color_profile"). A profile that cannot be read
    /// is a warning, and the pixels are then taken as sRGB.
    #[arg(long, help_heading = "Palette")]
    pub no_color_manage: bool,

    /// Output format.
    #[arg(short, long, value_enum, ignore_case = true, default_value_t = Format::Hex,
          help_heading = "Output")]
    pub format: Format,

    /// Name each colour: the nearest of CSS's 148 named colours (CIEDE2000).
    ///
    /// Hex, rgb: a tab and the name after each colour (in a batch, the names
    /// in a third column); CSV: a name column; JSON: "name"; GIMP palette:
    /// the colour's name; CSS: a comment; the swatch card: under each hex
    /// code where it fits.
    #[arg(long, help_heading = "Output")]
    pub names: bool,

    /// When to show a colour block before each hex code.
    ///
    /// auto shows it when stdout is a terminal, NO_COLOR is not set and TERM
    /// is not dumb; the block uses 24-bit colour when COLORTERM is truecolor
    /// or 24bit, else the 256-colour palette.
    #[arg(long, value_enum, ignore_case = true, value_name = "WHEN",
          default_value_t = ColorChoice::Auto, help_heading = "Output")]
    pub color: ColorChoice,

    /// No progress bar and no summary on stderr (errors are still printed).
    #[arg(short, long, help_heading = "Output")]
    pub quiet: bool,

    /// Also write the palette as a PNG picture (- for stdout, never a terminal).
    ///
    /// Each colour is a cell labelled with its hex code. Written to a
    /// temporary file and renamed into place, so a failure leaves no partial
    /// file. When a picture goes to stdout the palette text is not printed.
    #[arg(long, value_name = "PATH", help_heading = "Pictures")]
    pub swatch: Option<PathBuf>,

    /// What the swatch shows [default: card; with --merge or
    /// --from-histograms, strip: a merged palette has no single image for a
    /// card].
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        value_name = "STYLE",
        help_heading = "Pictures"
    )]
    pub swatch_style: Option<SwatchStyle>,

    /// Width of the swatch picture in pixels (200-16384).
    #[arg(long, value_name = "PX", default_value_t = DEFAULT_SWATCH_WIDTH_PX,
          value_parser = parse_swatch_width, allow_negative_numbers = true,
          help_heading = "Pictures")]
    pub swatch_width: u32,

    /// Make swatch cell widths follow the colours' fractions.
    ///
    /// The colours share one row, each cell as wide as its share of the
    /// picture (to a pixel); a cell too narrow for its label shows none.
    #[arg(long, help_heading = "Pictures")]
    pub proportional: bool,

    /// Also write a 3-D scatter of the image's pixels in the RGB cube, with
    /// the palette marked (PNG, or SVG when PATH ends in .svg; - for PNG on
    /// stdout).
    #[arg(long, value_name = "PATH", help_heading = "Pictures")]
    pub plot: Option<PathBuf>,

    /// Read more input paths from FILE (- for stdin), one per line.
    #[arg(long, value_name = "FILE", help_heading = "Many images")]
    pub files_from: Option<PathBuf>,

    /// Paths in --files-from are separated by NUL bytes, not newlines.
    #[arg(
        short = '0',
        long = "null",
        requires = "files_from",
        help_heading = "Many images"
    )]
    pub null: bool,

    /// Also walk hidden files and directories (names starting with a dot).
    #[arg(long, help_heading = "Many images")]
    pub hidden: bool,

    /// Follow symbolic links to directories while walking (each directory
    /// is visited once). Links to files are always read.
    #[arg(short = 'L', long, help_heading = "Many images")]
    pub follow: bool,

    /// Write one swatch card per image into DIR (created if missing).
    ///
    /// Each card is named from the input's path below the inputs' common
    /// folder, with / and unusual bytes percent-encoded: stills/a/1.jpg and
    /// stills/b/1.jpg become DIR/a%2F1.jpg.png and DIR/b%2F1.jpg.png.
    #[arg(long, value_name = "DIR", help_heading = "Many images")]
    pub swatch_dir: Option<PathBuf>,

    /// One palette for all inputs together (a scene's or a film's palette).
    #[arg(long, conflicts_with = "check", help_heading = "Many images")]
    pub merge: bool,

    /// With --merge: does every pixel count once, or every image the same?
    #[arg(long, value_enum, ignore_case = true, value_name = "WEIGHT",
          default_value_t = MergeWeight::Pixel, help_heading = "Many images")]
    pub merge_weight: MergeWeight,

    /// The inputs are merged histograms (written by --merge -f histogram, or
    /// read from stdin as -): merge them, exactly as one --merge over all
    /// their images would, into a palette or (-f histogram) one histogram.
    ///
    /// The --merge-weight, --space, --alpha-threshold and --exclude the
    /// histograms record are adopted; histograms that disagree with each
    /// other, or with one of these options given, are refused.
    #[arg(long, conflicts_with_all = ["check", "barcode", "swatch_dir", "merge"],
          help_heading = "Many images")]
    pub from_histograms: bool,

    /// Write a movie barcode PNG: one column per input, in input order.
    #[arg(long, value_name = "PATH", help_heading = "Many images")]
    pub barcode: Option<PathBuf>,

    /// What each barcode column shows.
    #[arg(long, value_enum, ignore_case = true, value_name = "STYLE",
          default_value_t = BarcodeStyle::Mean, help_heading = "Many images")]
    pub barcode_style: BarcodeStyle,

    /// Barcode width in pixels (default: one column per input, at least 1000).
    #[arg(long, value_name = "PX", value_parser = parse_picture_side,
          allow_negative_numbers = true, help_heading = "Many images")]
    pub barcode_width: Option<u32>,

    /// Barcode height in pixels.
    #[arg(long, value_name = "PX", default_value_t = BARCODE_HEIGHT_PX,
          value_parser = parse_picture_side, allow_negative_numbers = true,
          help_heading = "Many images")]
    pub barcode_height: u32,

    /// Write an HTML gallery of the stills and their palettes to PATH.
    ///
    /// One self-contained page: a slideshow (arrow keys, a dot or thumbnail
    /// per still), an overview grid, the merged palette and barcode, and a
    /// cloud of each still's pixels to turn with the mouse. Works offline.
    #[arg(long, value_name = "PATH", help_heading = "Pictures")]
    pub html: Option<PathBuf>,

    /// With --html: embed JPEG thumbnails, or link to the image files
    /// (relative to the page; for hundreds of stills).
    #[arg(long, value_enum, ignore_case = true, value_name = "HOW",
          default_value_t = HtmlImages::Embed, help_heading = "Pictures")]
    pub html_images: HtmlImages,

    /// With --html: width of the embedded thumbnails in pixels.
    #[arg(long, value_name = "PX", default_value_t = DEFAULT_HTML_WIDTH_PX,
          value_parser = parse_html_width, allow_negative_numbers = true,
          help_heading = "Pictures")]
    pub html_width: u32,

    /// Sample a video every DURATION (e.g. 1s, 500ms, 2.5s, 1m), or once a
    /// shot (shot), or at every keyframe (key: keyframes only are decoded,
    /// with or without --fast).
    ///
    /// A video input (any container and codec ffmpeg reads, recognised by
    /// its first bytes) is read through the ffmpeg program, and each sampled
    /// frame is one record, named film.mkv@00:00:12.500 (JSON also gives
    /// "time" in seconds). A frame alone is read as film.mkv@00:00:12.500.
    /// shot reads the film once first to find its cuts, then takes the
    /// middle frame of each shot; JSON gives each its "shot": {"start",
    /// "end"} in seconds. A cut is a frame whose structure does not follow
    /// from the frame before under any camera move (see --shot-threshold)
    /// and stays new two frames on: pans, slow zooms, fast motion and one-
    /// or two-frame flashes are not cuts; cuts between shots of one colour,
    /// or between dark shots, are.
    #[arg(long, value_name = "DURATION|shot|key", value_parser = with_words(parse_every, every_words),
          hide_possible_values = true, default_value = "1s", help_heading = "Video")]
    pub every: Every,

    /// How unlike two consecutive frames must be to cut between them, with
    /// --every shot or --per-shot: 0 to 1.
    ///
    /// The scale is the frames' structure distance: the mean difference of
    /// their grey pictures (each brought to zero mean and unit contrast)
    /// after the best shift of up to a quarter of the frame, halved. 0 is
    /// the same picture; two unrelated pictures are about 0.56. Lower finds
    /// more cuts (and cuts fast motion); higher finds fewer.
    #[arg(long, value_name = "DISTANCE", value_parser = parse_fraction,
          default_value_t = DEFAULT_SHOT_THRESHOLD, help_heading = "Video")]
    pub shot_threshold: f64,

    /// One merged palette per shot: every frame of each shot, sampled at
    /// --every from the shot's start, merged as --merge merges (a film's
    /// colour script).
    ///
    /// Each record is named after the shot's start (film.mkv@00:00:12.500)
    /// and JSON gives its "shot" span and the frames merged ("images").
    #[arg(long, conflicts_with_all = ["merge", "frames", "barcode", "html", "swatch_dir",
          "check", "from_histograms"], help_heading = "Video")]
    pub per_shot: bool,

    /// Sample N frames spread evenly over the video (or over --start..--end)
    /// instead of one every --every.
    #[arg(long, value_name = "N", value_parser = parse_frames, conflicts_with = "every",
          help_heading = "Video")]
    pub frames: Option<usize>,

    /// Start sampling at this time (skip titles): 90s, 1:30, 00:01:30.5.
    #[arg(long, value_name = "TIME", value_parser = parse_duration_ms, help_heading = "Video")]
    pub start: Option<u64>,

    /// Stop sampling at this time (skip credits).
    #[arg(long, value_name = "TIME", value_parser = parse_duration_ms, help_heading = "Video")]
    pub end: Option<u64>,

    /// Deadline of each ffprobe and ffmpeg run, in seconds, before its work
    /// is counted.
    ///
    /// ffprobe gets SECONDS; ffmpeg gets SECONDS for each sampled frame plus
    /// one second for every 10 million pixels it decodes to reach it (the
    /// frames of one sampling interval, or of 10 s after a seek). A child
    /// past its deadline is killed and the film gets an error. Children
    /// never outlive scenepal.
    #[arg(long, value_name = "SECONDS", value_parser = parse_timeout, default_value_t = 30,
          help_heading = "Video")]
    pub film_timeout: u64,

    /// Keep the palettes of a film whose data ffmpeg reports as damaged,
    /// with a warning on stderr, instead of an error record.
    ///
    /// Without it, decoding errors ffmpeg reports ("error while decoding
    /// MB") make one error record for the film after its frames, and exit 1.
    /// With it, the film's frames keep their records and one line on stderr
    /// names the film, how many errors ffmpeg reported and the first.
    #[arg(long, help_heading = "Video")]
    pub lenient: bool,

    /// Compare each image's palette with GOLDEN, a JSON, JSON Lines or hex
    /// file scenepal wrote earlier; exit 1 with a diff on stderr if any
    /// changed, is new or is missing (with -f json, a report on stdout).
    ///
    /// Palettes are compared by the earth mover's distance between them as
    /// weighted colour sets (ground distance CIEDE2000): two near-equal
    /// colours that traded places cost almost nothing. Paths are matched
    /// after lexical normalisation (./ and // removed, absolute paths below
    /// the working directory made relative); golden paths are resolved
    /// against --root. A golden record whose image is not among the inputs
    /// is a failure. The golden file is read with the --max-bytes limit.
    #[arg(long, value_name = "GOLDEN", help_heading = "Check")]
    pub check: Option<PathBuf>,

    /// With --check: resolve the golden file's relative paths against DIR
    /// (default: the working directory).
    #[arg(long, value_name = "DIR", requires = "check", help_heading = "Check")]
    pub root: Option<PathBuf>,

    /// With --check: largest earth mover's distance (CIEDE2000 ΔE) between
    /// a palette and its golden one that passes; a palette further away is
    /// reported colour by colour, with colours that moved further than DE.
    #[arg(long, value_name = "DE", default_value_t = DEFAULT_TOLERANCE_DE,
          value_parser = parse_tolerance, allow_negative_numbers = true, help_heading = "Check")]
    pub tolerance: f32,

    /// With --check: in the report of a palette that differs, fractions
    /// that moved more than F.
    #[arg(long, value_name = "F", default_value_t = DEFAULT_FRACTION_TOLERANCE,
          value_parser = parse_fraction, allow_negative_numbers = true, help_heading = "Check")]
    pub fraction_tolerance: f64,

    /// With --check: golden records whose image is not among the inputs are
    /// not a failure (check a subset on purpose).
    #[arg(long, requires = "check", help_heading = "Check")]
    pub allow_missing: bool,

    /// Refuse images whose header announces more pixels than this.
    #[arg(long, value_name = "N", default_value_t = MAX_PIXELS_DEFAULT,
          value_parser = parse_positive, allow_negative_numbers = true, help_heading = "Limits")]
    pub max_pixels: u64,

    /// Memory for images being decoded at once (e.g. 512M, 2G).
    ///
    /// Images are admitted to decoding only while the sizes of those in
    /// flight (estimated from their headers) fit; an image that alone needs
    /// more is that file's error, before it is decoded. The decoders'
    /// allocation limit is this budget.
    #[arg(long, value_name = "BYTES", default_value = DEFAULT_MAX_MEMORY, value_parser = parse_bytes,
          help_heading = "Limits")]
    pub max_memory: u64,

    /// Refuse inputs (files or stdin), histogram files and golden files
    /// larger than this many bytes.
    #[arg(long, value_name = "N", default_value_t = MAX_BYTES_DEFAULT,
          value_parser = parse_positive, allow_negative_numbers = true, help_heading = "Limits")]
    pub max_bytes: u64,

    /// Worker threads (0 or unset: one per core). Output does not depend on it.
    #[arg(short = 'j', long, value_name = "N", value_parser = parse_threads,
          allow_negative_numbers = true, help_heading = "Threads")]
    pub threads: Option<usize>,

    /// Print a shell completion script and exit.
    #[arg(
        long,
        value_enum,
        value_name = "SHELL",
        exclusive = true,
        help_heading = "Shell"
    )]
    pub completions: Option<clap_complete::Shell>,

    /// Print the man page (roff) and exit.
    #[arg(long, exclusive = true, help_heading = "Shell")]
    pub man: bool,

    /// The options given on the command line (clap ids), not defaulted:
    /// `--from-histograms` adopts what its inputs recorded for the others.
    #[arg(skip)]
    pub given: Vec<String>,
}

/// The inputs' help (`-h`, then `--help`), naming the formats scenepal reads
/// from their table.
static INPUTS_HELP: LazyLock<(String, String)> = LazyLock::new(|| {
    // As clap does for a doc comment's first line, -h drops the period.
    let short = format!("Images ({}) or directories; - for stdin", image_names(", "));
    let by_name: Vec<String> = FORMATS
        .iter()
        .filter(|f| matches!(f.signature, Signature::NameOnly(_)))
        .map(|f| {
            let ext = f.extensions.first().copied().unwrap_or_default();
            format!("{}, which has no signature, only by a .{ext} name", f.name)
        })
        .collect();
    let long = format!(
        "{short}.\n\nThe format is recognised from the content, not the file name ({}). \
         Directories are walked recursively in natural name order (img2 before img10), \
         taking files with image extensions; symbolic links to directories are followed \
         only with -L (links to files are read).",
        by_name.join("; ")
    );
    (short, long)
});

impl Cli {
    /// Parses the process's arguments (exiting on a usage error), noting
    /// which options were given rather than defaulted.
    pub fn parse_args() -> Self {
        Self::parse_from_args(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }

    /// [`parse_args`](Self::parse_args) from a given argument list.
    pub fn parse_from_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let matches = Cli::command().try_get_matches_from(args)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        cli.given = matches
            .ids()
            .filter(|id| matches.value_source(id.as_str()) == Some(ValueSource::CommandLine))
            .map(|id| id.to_string())
            .collect();
        Ok(cli)
    }

    /// True when the option with this clap id was given on the command line.
    pub fn is_given(&self, id: &str) -> bool {
        self.given.iter().any(|g| g == id)
    }
}

/// The sections --help and the man page end with: (heading, paragraphs).
pub const HELP_SECTIONS: &[(&str, &[&str])] = &[
    (
        "EXAMPLES",
        &[
            "scenepal still.jpg                            the 10 colours of one still, by hue",
            "scenepal -k 5 -f json still.jpg               five colours with their shares, as JSON",
            "scenepal -f json stills/ > golden.jsonl       one JSON Lines record per image",
            "scenepal --check golden.jsonl stills/         exit 1 if a palette moved",
            "scenepal --merge --barcode film.png frames/   the film's palette and barcode",
            "scenepal --swatch card.png still.jpg          the still with its palette as a picture",
            "scenepal --html gallery.html stills/          a page of every still, its palette and pixel cloud",
        ],
    ),
    (
        "EXIT STATUS",
        &[
            "0  every input gave a palette (and, with --check, matched)",
            "1  an input failed, a picture could not be written, or --check found a difference",
            "2  usage error (unknown option, value out of range, conflicting options)",
        ],
    ),
    (
        "ENVIRONMENT",
        &[
            "NO_COLOR     any non-empty value turns the colour blocks off (--color auto)",
            "TERM         dumb turns the colour blocks off (--color auto)",
            "COLORTERM    truecolor or 24bit: colour blocks in 24-bit colour, else 256 colours",
        ],
    ),
];

/// [`HELP_SECTIONS`] as the text --help ends with.
fn long_help_sections() -> String {
    HELP_SECTIONS
        .iter()
        .map(|(heading, lines)| {
            let body: Vec<String> = lines.iter().map(|l| format!("  {l}")).collect();
            format!("{heading}:\n{}", body.join("\n"))
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Writes the completion script for `shell`. zsh reads a colon in a value
/// name as the end of the message (`COLOR[:ΔE]`), so it is escaped there.
pub fn write_completions(
    shell: clap_complete::Shell,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "scenepal", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if shell == clap_complete::Shell::Zsh {
        script = script.replace(":COLOR[:ΔE]:", ":COLOR[\\:ΔE]:");
    }
    out.write_all(script.as_bytes())
}

/// Writes the man page: clap's sections, then [`HELP_SECTIONS`].
pub fn write_man(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use clap_mangen::roff::{bold, roman, Roff};
    let man = clap_mangen::Man::new(Cli::command());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    let mut roff = Roff::new();
    for (heading, lines) in HELP_SECTIONS {
        roff.control("SH", [*heading]);
        for line in *lines {
            // "term   explanation": the term in bold, the rest indented below.
            let (term, text) = line.split_once("  ").unwrap_or((line, ""));
            roff.control("TP", []);
            roff.text([bold(term.trim())]);
            roff.text([roman(text.trim())]);
        }
    }
    roff.to_writer(out)?;
    man.render_version_section(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn options_given_are_told_from_defaults() {
        let cli = Cli::parse_from_args(["scenepal", "--space", "lab", "-k", "4", "x.jpg"]).unwrap();
        assert!(cli.is_given("space") && cli.is_given("colors"));
        assert!(!cli.is_given("merge_weight") && !cli.is_given("alpha_threshold"));
    }
}
