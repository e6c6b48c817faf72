//! JSON: one [`Record`] per image, on one line (JSON Lines in a batch).

use std::io::{self, Write};

use super::Report;
use crate::record::{ErrorRecord, PaletteRecord, Record};

/// One line of JSON followed by a newline.
pub fn write_json(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let size = report.width.zip(report.height);
    let mut record = PaletteRecord::new(
        report.path,
        report.merged,
        size,
        report.options,
        report.palette,
    );
    record.time = report.time;
    record.shot = report.shot;
    if let Some(sampled) = report.sampled {
        record.set_sampled(sampled);
    }
    record.crop = report.crop;
    if report.step > 1 {
        record.scale = Some(1.0 / report.step as f64);
    }
    if report.step > 1 || !report.exact {
        record.exact = Some(false);
    }
    record.color_profile = report.color_profile.map(str::to_owned);
    record.exclude = report.exclude.to_vec();
    if report.names {
        for c in &mut record.colors {
            c.name = c.rgb.map(|rgb| crate::names::nearest_name(rgb).to_owned());
        }
    }
    write_record(out, &Record::Palette(record))
}

/// The JSON Lines record of an input that failed: `{"path": ..., "error": ...}`.
pub fn write_json_error(out: &mut impl Write, path: &str, error: &str) -> io::Result<()> {
    let record = ErrorRecord {
        path: Some(path.to_owned()),
        error: error.to_owned(),
    };
    write_record(out, &Record::Error(record))
}

fn write_record(out: &mut impl Write, record: &Record) -> io::Result<()> {
    serde_json::to_writer(&mut *out, record)?;
    writeln!(out)
}
