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

/// A batch record for a terminal `width` columns wide (with a colour
/// `preview`): the path and a tab, then each colour as its hex code on a
/// block of that colour (in black or white, whichever reads better), one
/// space apart, as many as fit; `+N` ends a line that had to leave N out,
/// so a line never wraps. Names (with `--names`) follow after a tab when
/// they fit, cut with `…` when not. Control characters in the path are
/// escaped, as in the plain hex output.
pub fn write_hex_cells(
    out: &mut impl Write,
    report: &Report,
    preview: Preview,
    width: usize,
) -> io::Result<()> {
    const CELL: usize = 7; // #rrggbb
    let path = escape_control(report.path.unwrap_or("-"));
    // The tab moves to the next multiple of 8 columns.
    let mut used = (path.chars().count() / 8 + 1) * 8;
    write!(out, "{path}\t")?;
    let colors = &report.palette.colors;
    // n cells take 8n - 1 columns; "+M" for M left out takes 1 + digits,
    // and a space before it after a cell.
    let cells = |n: usize| (CELL + 1) * n - usize::from(n > 0);
    let marker = |n: usize, m: usize| usize::from(n > 0) + 1 + m.to_string().len();
    let shown = if used + cells(colors.len()) <= width {
        colors.len()
    } else {
        (0..colors.len())
            .rev()
            .find(|&n| used + cells(n) + marker(n, colors.len() - n) <= width)
            .unwrap_or(0)
    };
    for (i, s) in colors[..shown].iter().enumerate() {
        if i > 0 {
            write!(out, " ")?;
        }
        let [r, g, b] = s.rgb;
        let [fr, fg, fb] = super::swatch::label_color(s.rgb);
        let hex = to_hex(s.rgb);
        match preview {
            Preview::Off => write!(out, "{hex}")?,
            Preview::TrueColor => write!(
                out,
                "\x1b[48;2;{r};{g};{b}m\x1b[38;2;{fr};{fg};{fb}m{hex}\x1b[0m"
            )?,
            // 16 and 231 are the cube's black and white.
            Preview::Ansi256 => write!(
                out,
                "\x1b[48;5;{}m\x1b[38;5;{}m{hex}\x1b[0m",
                ansi256(s.rgb),
                if fr == 0 { 16 } else { 231 }
            )?,
        }
    }
    used += cells(shown);
    if shown < colors.len() {
        let space = if shown > 0 { " " } else { "" };
        return writeln!(out, "{space}+{}", colors.len() - shown);
    }
    if report.names {
        let names: Vec<&str> = colors.iter().map(|s| nearest_name(s.rgb)).collect();
        let names = names.join(" ");
        let start = (used / 8 + 1) * 8;
        let room = width.saturating_sub(start);
        if names.chars().count() <= room {
            write!(out, "\t{names}")?;
        } else if room > 1 {
            let cut: String = names.chars().take(room - 1).collect();
            write!(out, "\t{cut}…")?;
        }
    }
    writeln!(out)
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

    /// What a terminal shows of `bytes`: the text without its colour escapes.
    fn visible(bytes: &[u8]) -> String {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                chars.by_ref().find(|&c| c == 'm');
            } else {
                out.push(c);
            }
        }
        out
    }

    fn cells(path: &str, k: usize, width: usize, names: bool) -> (Vec<u8>, String) {
        let palette = crate::Palette {
            colors: (0..k)
                .map(|i| crate::Swatch {
                    rgb: [(i * 25) as u8, 100, 200],
                    count: 1,
                    fraction: 1.0 / k as f64,
                })
                .collect(),
            pixels: k as u64,
            mse: 0.0,
        };
        let options = crate::Options::default();
        let report = Report {
            path: Some(path),
            ..Report::new(&palette, &options, &[], names)
        };
        let mut out = Vec::new();
        write_hex_cells(&mut out, &report, Preview::TrueColor, width).unwrap();
        let shown = visible(&out);
        (out, shown)
    }

    /// Columns `line` takes on a terminal (tabs to the next multiple of 8).
    fn columns(line: &str) -> usize {
        line.chars().fold(0, |col, c| {
            if c == '\t' {
                (col / 8 + 1) * 8
            } else {
                col + 1
            }
        })
    }

    #[test]
    fn terminal_cells_show_every_code_that_fits_and_count_the_rest() {
        // The path and its tab take 8 columns, ten cells 79: all fit in 87.
        let (raw, shown) = cells("a/b.jpg", 10, 87, false);
        assert_eq!(shown.matches('#').count(), 10, "{shown}");
        assert!(!shown.contains('+'));
        assert_eq!(columns(shown.trim_end()), 87);
        // The code is written on its colour, in black or white.
        let raw = String::from_utf8(raw).unwrap();
        assert!(
            raw.contains("\x1b[48;2;0;100;200m\x1b[38;2;255;255;255m#0064c8\x1b[0m"),
            "{raw:?}"
        );
        for width in [10, 16, 20, 40, 86, 120] {
            let (_, shown) = cells("a/b.jpg", 10, width, false);
            let line = shown.trim_end_matches('\n');
            assert!(columns(line) <= width.max(11), "{width}: {line}");
            let codes = line.matches('#').count();
            if codes < 10 {
                assert!(
                    line.ends_with(&format!("+{}", 10 - codes)),
                    "{width}: {line}"
                );
            }
        }
        let (_, shown) = cells("a/b.jpg", 10, 40, false);
        assert_eq!(shown, "a/b.jpg\t#0064c8 #1964c8 #3264c8 +7\n",);
        // Names follow when they fit, cut with an ellipsis when not.
        let (_, shown) = cells("a/b.jpg", 2, 200, true);
        let names = [[0, 100, 200], [25, 100, 200]].map(nearest_name).join(" ");
        assert_eq!(shown, format!("a/b.jpg\t#0064c8 #1964c8\t{names}\n"));
        let (_, shown) = cells("a/b.jpg", 2, 30, true);
        assert!(
            columns(shown.trim_end()) <= 30 && shown.trim_end().ends_with('…'),
            "{shown}"
        );
    }
}
