//! Line formats: hex (with an optional terminal preview), rgb, GIMP palette, CSS.

use std::io::{self, Write};

use super::Report;
use crate::color::to_hex;

/// `#rrggbb` per line; with `preview`, a background-coloured block first.
pub fn write_hex(out: &mut impl Write, report: &Report, preview: bool) -> io::Result<()> {
    for s in &report.palette.colors {
        let [r, g, b] = s.rgb;
        if preview {
            write!(out, "\x1b[48;2;{r};{g};{b}m    \x1b[0m ")?;
        }
        writeln!(out, "{}", to_hex(s.rgb))?;
    }
    Ok(())
}

/// `r,g,b` per line.
pub fn write_rgb(out: &mut impl Write, report: &Report) -> io::Result<()> {
    for s in &report.palette.colors {
        let [r, g, b] = s.rgb;
        writeln!(out, "{r},{g},{b}")?;
    }
    Ok(())
}

/// A GIMP palette file; each colour is named by its hex code.
pub fn write_gpl(out: &mut impl Write, report: &Report) -> io::Result<()> {
    writeln!(out, "GIMP Palette")?;
    // A name line must stay one line, whatever the file name holds.
    let name: String = report
        .path
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
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
