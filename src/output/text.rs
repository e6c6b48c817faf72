//! Line formats: hex (with an optional terminal preview), rgb, GIMP palette, CSS.

use std::io::{self, Write};

use super::{escape_control, Layout, Report};
use crate::color::to_hex;

/// Writes one entry per colour: a line each (single) or, after the path and
/// a tab, separated by spaces on one line (batch).
fn write_entries(
    out: &mut impl Write,
    report: &Report,
    layout: Layout,
    entry: impl Fn(&mut dyn Write, [u8; 3]) -> io::Result<()>,
) -> io::Result<()> {
    if layout == Layout::Single {
        for s in &report.palette.colors {
            entry(out, s.rgb)?;
            writeln!(out)?;
        }
        return Ok(());
    }
    // Control characters (tabs, newlines) in the path are escaped so the tab
    // stays the only separator and the record one line.
    write!(out, "{}\t", escape_control(report.path.unwrap_or("-")))?;
    for (i, s) in report.palette.colors.iter().enumerate() {
        if i > 0 {
            write!(out, " ")?;
        }
        entry(out, s.rgb)?;
    }
    writeln!(out)
}

/// `#rrggbb` entries; with `preview`, each after a background-coloured block.
pub fn write_hex(
    out: &mut impl Write,
    report: &Report,
    layout: Layout,
    preview: bool,
) -> io::Result<()> {
    write_entries(out, report, layout, |out, [r, g, b]| {
        if preview {
            write!(out, "\x1b[48;2;{r};{g};{b}m    \x1b[0m ")?;
        }
        write!(out, "{}", to_hex([r, g, b]))
    })
}

/// `r,g,b` entries.
pub fn write_rgb(out: &mut impl Write, report: &Report, layout: Layout) -> io::Result<()> {
    write_entries(out, report, layout, |out, [r, g, b]| {
        write!(out, "{r},{g},{b}")
    })
}

/// A GIMP palette file; each colour is named by its hex code.
pub fn write_gpl(out: &mut impl Write, report: &Report) -> io::Result<()> {
    writeln!(out, "GIMP Palette")?;
    // The name line must stay one line, whatever the file name holds.
    let name = match report.path {
        Some(p) => escape_control(p),
        None => format!("merged from {} images", report.images.unwrap_or(0)),
    };
    writeln!(out, "Name: scenepal {name}")?;
    writeln!(out, "Columns: {}", report.palette.colors.len())?;
    writeln!(out, "#")?;
    for s in &report.palette.colors {
        let [r, g, b] = s.rgb;
        writeln!(out, "{r:3} {g:3} {b:3}\t{}", to_hex(s.rgb))?;
    }
    Ok(())
}

/// CSS custom properties on `:root`, numbered from 1 in palette order.
pub fn write_css(out: &mut impl Write, report: &Report) -> io::Result<()> {
    writeln!(out, ":root {{")?;
    for (i, s) in report.palette.colors.iter().enumerate() {
        writeln!(out, "  --scenepal-{}: {};", i + 1, to_hex(s.rgb))?;
    }
    writeln!(out, "}}")
}
