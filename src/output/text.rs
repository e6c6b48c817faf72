//! Line formats: hex (with an optional terminal preview), rgb, GIMP palette, CSS.

use std::io::{self, Write};

use super::{escape_control, Layout, Preview, Report};
use crate::color::{rgb_distance_sq, to_hex, Rgb};
use crate::names::nearest_name;

/// Writes one entry per colour: a line each (single) or, after the path and
/// a tab, separated by spaces on one line (batch). With names, each line
/// ends in a tab and the colour's name (single), or the line in a tab and
/// the names separated by spaces (batch).
fn write_entries(
    out: &mut impl Write,
    report: &Report,
    layout: Layout,
    entry: impl Fn(&mut dyn Write, [u8; 3]) -> io::Result<()>,
) -> io::Result<()> {
    let name = |rgb| report.names.then(|| nearest_name(rgb));
    if layout == Layout::Single {
        for s in &report.palette.colors {
            entry(out, s.rgb)?;
            if let Some(name) = name(s.rgb) {
                write!(out, "\t{name}")?;
            }
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
    // Names in a third column, in the same order (CSS names have no spaces).
    if report.names {
        let names: Vec<&str> = report
            .palette
            .colors
            .iter()
            .map(|s| nearest_name(s.rgb))
            .collect();
        write!(out, "\t{}", names.join(" "))?;
    }
    writeln!(out)
}

/// `#rrggbb` entries; with `preview`, each after a background-coloured block.
pub fn write_hex(
    out: &mut impl Write,
    report: &Report,
    layout: Layout,
    preview: Preview,
) -> io::Result<()> {
    write_entries(out, report, layout, |out, [r, g, b]| {
        match preview {
            Preview::Off => {}
            Preview::TrueColor => write!(out, "\x1b[48;2;{r};{g};{b}m    \x1b[0m ")?,
            Preview::Ansi256 => write!(out, "\x1b[48;5;{}m    \x1b[0m ", ansi256([r, g, b]))?,
        }
        write!(out, "{}", to_hex([r, g, b]))
    })
}

/// The xterm 256-colour index nearest to `c` (sRGB distance): one of the
/// 6×6×6 cube (16-231) or the 24 greys (232-255); the 16 system colours
/// vary between terminals and are never used.
pub fn ansi256(c: Rgb) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let nearest_level = |v: u8| {
        (0..6)
            .min_by_key(|&i| (LEVELS[i] as i32 - v as i32).abs())
            .unwrap_or(0)
    };
    let [r, g, b] = c.map(nearest_level);
    let cube = [LEVELS[r], LEVELS[g], LEVELS[b]];
    let mean = (c[0] as u32 + c[1] as u32 + c[2] as u32) / 3;
    let grey_step = ((mean.saturating_sub(3)) / 10).min(23) as u8;
    let grey_level = 8 + 10 * grey_step;
    let grey = [grey_level; 3];
    if rgb_distance_sq(c, grey) < rgb_distance_sq(c, cube) {
        232 + grey_step
    } else {
        16 + 36 * r as u8 + 6 * g as u8 + b as u8
    }
}

/// `r,g,b` entries.
pub fn write_rgb(out: &mut impl Write, report: &Report, layout: Layout) -> io::Result<()> {
    write_entries(out, report, layout, |out, [r, g, b]| {
        write!(out, "{r},{g},{b}")
    })
}

/// A GIMP palette file; each colour is named by its hex code, or with names
/// by its nearest CSS name and its hex code (`darkolivegreen #556b2f`), a
/// name that two colours share numbered from its second use
/// (`darkolivegreen-2 #4f6a2c`), so every entry is told apart in GIMP.
pub fn write_gpl(out: &mut impl Write, report: &Report) -> io::Result<()> {
    writeln!(out, "GIMP Palette")?;
    // The name line must stay one line, whatever the file name holds.
    let name = match report.path {
        Some(p) => escape_control(p),
        None => format!(
            "merged from {} images",
            report.merged.map_or(0, |m| m.images)
        ),
    };
    writeln!(out, "Name: scenepal {name}")?;
    writeln!(out, "Columns: {}", report.palette.colors.len())?;
    writeln!(out, "#")?;
    let mut uses: Vec<(&str, usize)> = Vec::new();
    for s in &report.palette.colors {
        let [r, g, b] = s.rgb;
        let hex = to_hex(s.rgb);
        if !report.names {
            writeln!(out, "{r:3} {g:3} {b:3}\t{hex}")?;
            continue;
        }
        let name = nearest_name(s.rgb);
        let n = match uses.iter_mut().find(|(used, _)| *used == name) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                uses.push((name, 1));
                1
            }
        };
        match n {
            1 => writeln!(out, "{r:3} {g:3} {b:3}\t{name} {hex}")?,
            _ => writeln!(out, "{r:3} {g:3} {b:3}\t{name}-{n} {hex}")?,
        }
    }
    Ok(())
}

/// CSS custom properties on `:root`, numbered from 1 in palette order.
pub fn write_css(out: &mut impl Write, report: &Report) -> io::Result<()> {
    writeln!(out, ":root {{")?;
    for (i, s) in report.palette.colors.iter().enumerate() {
        write!(out, "  --scenepal-{}: {};", i + 1, to_hex(s.rgb))?;
        if report.names {
            write!(out, " /* {} */", nearest_name(s.rgb))?;
        }
        writeln!(out)?;
    }
    writeln!(out, "}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_256_colour_index_is_the_nearest_cube_or_grey_entry() {
        assert_eq!(ansi256([0, 0, 0]), 16);
        assert_eq!(ansi256([255, 255, 255]), 231);
        assert_eq!(ansi256([255, 0, 0]), 196);
        assert_eq!(ansi256([0, 135, 255]), 33);
        assert_eq!(ansi256([128, 128, 128]), 244);
        assert_eq!(ansi256([18, 18, 18]), 233);
    }
}
