//! One writer per run of palette text (ripgrep's printers): `begin` once,
//! a `record` per image (or `merged` for one merged palette), `end` once.
//! The framing a format needs around its records, a batch's CSV header,
//! JSON Lines error records, one ASE file for a batch, the histogram
//! document, is here, so whoever drives the writer needs to know none of it.

use std::io::{self, Write};

use super::ase::{write_ase, AseGroup};
use super::{write_report, Format, Layout, Preview, Report};

/// Writes palettes in one format, with its framing.
#[derive(Debug)]
pub struct PaletteWriter {
    format: Format,
    layout: Layout,
    preview: Preview,
    /// A batch's lines on a terminal this wide: hex codes on blocks.
    terminal_width: Option<usize>,
    /// A batch's ASE groups, written as one file at the end.
    ase: Vec<AseGroup>,
}

impl PaletteWriter {
    /// A writer of `format` records in `layout`; `preview` puts a colour
    /// block before each hex code, and `terminal_width` lays a batch's hex
    /// lines out as cells of that terminal (neither outside a terminal).
    pub fn new(
        format: Format,
        layout: Layout,
        preview: Preview,
        terminal_width: Option<usize>,
    ) -> Self {
        PaletteWriter {
            format,
            layout,
            preview,
            terminal_width,
            ase: Vec::new(),
        }
    }

    /// Starts the output: a batch's CSV header (`names`: with a name column).
    pub fn begin(&mut self, out: &mut impl Write, names: bool) -> io::Result<()> {
        match (self.format, self.layout) {
            (Format::Csv, Layout::Batch) => super::write_csv_header(out, self.layout, names),
            _ => Ok(()),
        }
    }

    /// Writes one image's record (a batch's ASE groups wait for [`end`](Self::end)).
    pub fn record(&mut self, out: &mut impl Write, report: &Report) -> io::Result<()> {
        match (self.format, self.layout, self.terminal_width) {
            (Format::Histogram, ..) => Ok(()),
            (Format::Ase, Layout::Batch, _) => {
                let path = report.path.unwrap_or("-");
                let group = AseGroup::of(Some(path), report.palette, report.names);
                self.ase.push(group);
                Ok(())
            }
            (Format::Hex, Layout::Batch, Some(width)) => {
                super::write_hex_cells(out, report, self.preview, width)
            }
            _ => write_report(out, report, self.format, self.layout, self.preview),
        }
    }

    /// Writes the one merged palette, as one image's is written alone.
    pub fn merged(&mut self, out: &mut impl Write, report: &Report) -> io::Result<()> {
        write_report(out, report, self.format, Layout::Single, self.preview)
    }

    /// Writes a failed input's record: a JSON Lines error record in a
    /// batch's JSON; nothing in the other formats (the error is on stderr).
    pub fn error(&mut self, out: &mut impl Write, path: &str, message: &str) -> io::Result<()> {
        match (self.format, self.layout) {
            (Format::Json, Layout::Batch) => super::write_json_error(out, path, message),
            _ => Ok(()),
        }
    }

    /// Writes a merged histogram document, in the histogram format only.
    pub fn histogram(&mut self, out: &mut impl Write, document: &str) -> io::Result<()> {
        match self.format {
            Format::Histogram => writeln!(out, "{document}"),
            _ => Ok(()),
        }
    }

    /// Ends the output: a batch's ASE file.
    pub fn end(&mut self, out: &mut impl Write) -> io::Result<()> {
        if self.ase.is_empty() {
            return Ok(());
        }
        write_ase(out, &std::mem::take(&mut self.ase))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, Palette, Swatch};

    fn palette() -> Palette {
        Palette {
            colors: vec![Swatch {
                rgb: [255, 0, 0],
                count: 1,
                fraction: 1.0,
            }],
            pixels: 1,
            mse: 0.0,
        }
    }

    fn run(format: Format, layout: Layout) -> String {
        let (palette, options) = (palette(), Options::default());
        let report = Report {
            path: Some("a.png"),
            ..Report::new(&palette, &options, &[], false)
        };
        let mut w = PaletteWriter::new(format, layout, Preview::Off, None);
        let mut out = Vec::new();
        w.begin(&mut out, false).unwrap();
        w.record(&mut out, &report).unwrap();
        w.error(&mut out, "b.png", "empty file (0 bytes)").unwrap();
        w.record(&mut out, &report).unwrap();
        w.histogram(&mut out, "{}").unwrap();
        w.end(&mut out).unwrap();
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn each_format_frames_its_batch() {
        let csv = run(Format::Csv, Layout::Batch);
        assert_eq!(csv.lines().count(), 3, "a header, then a row per image");
        assert!(csv.starts_with("path,"));
        let json = run(Format::Json, Layout::Batch);
        let lines: Vec<&str> = json.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].contains("\"error\""));
        let ase = run(Format::Ase, Layout::Batch);
        assert!(ase.starts_with("ASEF"));
        assert_eq!(ase.matches("ASEF").count(), 1, "one file for the batch");
        assert_eq!(run(Format::Histogram, Layout::Batch), "{}\n");
        assert_eq!(run(Format::Hex, Layout::Single), "#ff0000\n#ff0000\n");
    }
}
